"""Extraction: from a Statement's text to the facts it reports (an Extraction).

`extract(statement)` is the interface the rest of the pipeline uses. The rules
live in one module per kind of fact (countries, persons, places, dates, money,
events, pledges); this module finds the mentions once, then assembles events
and pledges sentence by sentence, each with the span that supports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from ..model import (
    ActorRef,
    Country,
    Event,
    Extraction,
    Organisation,
    Person,
    Place,
    Pledge,
    Post,
    Span,
    Statement,
)
from ..vocab import slug
from . import events as ev_rules
from . import pledges as pl_rules
from .countries import (
    CountryMention,
    capital_of,
    country_info,
    country_name,
    currency_countries,
    find_countries,
    geonames_id,
    resolve_country,
)
from .dates import DateMention, find_dates, resolve_relative
from .lexicon import OrgMention, find_organisations
from .money import Money, find_money
from .persons import PersonHit, find_persons
from .places import PlaceMention, find_places
from .text import Sentence, sentences

__all__ = ["extract", "Extractor", "RuleExtractor", "publisher_country"]

METHOD = "rules-v1"

_ROLE_NOUN = re.compile(
    r"^\s*(?:[-–]\w+\s+)?(?:(?:Defen[cs]e|Foreign|Armed Forces|Prime|Deputy|Federal|Vice|National|"
    r"Chief|Chiefs|Secretary|Minister|Ministers|President|counterparts?|delegations?|officials?|"
    r"government|forces|troops|Navy|Army|Air Force|military|ministry|Ministry|Ministre|"
    r"Department|Chancellor|leaders?|ambassador|Ambassador|ships?|jets|soldiers|personnel|"
    r"Marines|authorities|team|side|colleagues?|opposite number)\b)", re.I)


@dataclass
class _Context:
    st: Statement
    text: str
    ref: date | None
    home: str | None  # the publishing government's country
    countries: list[CountryMention]
    orgs: list[OrgMention]
    persons: list[PersonHit]
    places: list[PlaceMention]
    dates: list[DateMention]
    money: list[Money]
    sentences: list[Sentence]
    place_spans: list[tuple[int, int]] = field(default_factory=list)

    def within(self, items: list, s: Sentence) -> list:
        return [x for x in items if s.start <= x.start < s.end]

    def persons_in(self, s: Sentence) -> list[tuple[PersonHit, int]]:
        out = []
        for p in self.persons:
            for a, _b in p.mentions:
                if s.start <= a < s.end:
                    out.append((p, a))
                    break
        return out


_TLD_COUNTRY = {"uk": "GBR", "gov": "USA", "mil": "USA", "us": "USA"}


# Ministries that publish under a bare name only their own state uses.
_INSTITUTIONS = [
    (re.compile(r"^(?:U\.?S\.? )?(?:Department of Defense|DoD\b|Pentagon)|^DoD News", re.I), "USA"),
    (re.compile(r"^(?:UK )?Ministry of Defence$|^MOD$|^Defence Secretary$"), "GBR"),
    (re.compile(r"^Minist[eè]re des Armées|^Ministère de la Défense"), "FRA"),
    (re.compile(r"^Bundesministerium der Verteidigung|^Bundeswehr"), "DEU"),
]


def _institution_in(text: str) -> str | None:
    """A national institution named in running text ("The Department of Defense is announcing")."""
    for pattern, iso3 in _INSTITUTIONS:
        if re.search(pattern.pattern.replace("^", r"\b").replace("$", r"\b"), text, pattern.flags):
            return iso3
    return None


def publisher_country(statement: Statement) -> str | None:
    """The state that publishes the statement: named in the publisher, else the site's domain."""
    if statement.publisher:
        for c in find_countries(statement.publisher):
            return c.iso3
        for pattern, iso3 in _INSTITUTIONS:
            if pattern.search(statement.publisher.strip()):
                return iso3
    url = statement.source_url or statement.site
    if url:
        host = (urlparse(url).hostname or "").lower()
        labels = host.split(".")
        if labels and labels[-1] in _TLD_COUNTRY:
            return _TLD_COUNTRY[labels[-1]]
        if labels and len(labels[-1]) == 2 and labels[-1] not in ("eu", "io", "co", "tv", "me"):
            import pycountry

            found = pycountry.countries.get(alpha_2=labels[-1].upper())
            if found:
                return str(found.alpha_3)
    return None


class Extractor:
    """The extraction interface: a Statement in, an Extraction out."""

    name = "base"

    def __call__(self, statement: Statement) -> Extraction:  # pragma: no cover - interface
        raise NotImplementedError


class RuleExtractor(Extractor):
    """Transparent rules over gazetteers: every fact names the rule that made it."""

    name = METHOD

    def __call__(self, statement: Statement) -> Extraction:
        return _extract(statement)


def extract(statement: Statement) -> Extraction:
    """Everything the statement reports, with evidence spans into statement.text."""
    return _extract(statement)


def _context(st: Statement) -> _Context:
    text = st.text
    countries = find_countries(text)
    orgs = find_organisations(text)
    places = find_places(text, dateline=True)
    # A capital named where a party stands ("London and Paris agreed") is its state.
    countries = _capitals_as_actors(text, places, countries)
    org_spans = [(o.start, o.end, o.key) for o in orgs]
    blocked = [(o.start, o.end) for o in orgs] + [(p.start, p.end) for p in places]
    persons = find_persons(text, countries, blocked, org_spans)
    home = publisher_country(st) or _dateline_country(text, places) or _dominant_country(text, countries)
    # The publishing government's own minister is often named without a country: the first
    # such office-holder speaks for the publisher, unless someone already does.
    # When no one in the statement speaks for another state, every official does for this one.
    if home:
        others = {p.country for p in persons if p.country and p.country != home and not p.is_post}
        others |= {c.iso3 for c in countries if c.iso3 != home}
        first = not any(p.country == home for p in persons if not p.is_post)
        spans = sentences(text)
        for p in persons:
            if p.country is None and p.org is None and p.role and _government_role(p.role) \
                    and not p.is_post:
                # An official named where no other state or foreign place is in sight is the
                # publisher's own.
                sent = next((x for x in spans if x.start <= p.start < x.end), None)
                foreign = sent is not None and (
                    any(c.iso3 != home for c in countries if sent.start <= c.start < sent.end)
                    or any(pl.iso3 and pl.iso3 != home for pl in places if sent.start <= pl.start < sent.end)
                    # beside one of the publisher's officials stands, most often, a counterpart
                    or any(q.country == home and not q.is_post and sent.start <= q.start < sent.end
                           for q in persons if q is not p))
                if not others or first or not foreign:
                    p.country = home
                    first = False
    return _Context(
        st=st, text=text, ref=st.issued, home=home, countries=countries, orgs=orgs,
        persons=persons, places=places, dates=find_dates(text, st.issued), money=find_money(text),
        sentences=sentences(text), place_spans=[(p.start, p.end) for p in places],
    )


def _dateline_country(text: str, places: list[PlaceMention]) -> str | None:
    """A report that opens with its dateline ("NEW DELHI, February 21 —") is from that city's state."""
    for p in places:
        if p.kind == "city" and p.iso3 and p.start < 200:
            line_start = text.rfind("\n", 0, p.start) + 1
            if not text[line_start:p.start].strip() and re.match(r"\s*(?:\(\w+\)\s*)?[,–—-]", text[p.end:p.end + 12]):
                return p.iso3
    return None


def _dominant_country(text: str, countries: list[CountryMention]) -> str | None:
    """With no publisher to go by, the state a statement plainly speaks for: named most often
    where a party stands (not "aid to Ukraine"), and clearly so."""
    counts: dict[str, int] = {}
    for c in countries:
        if ev_rules.actor_position(text[max(0, c.start - 60):c.start + 1], len(text[max(0, c.start - 60):c.start])) != "actor":
            continue
        if text[c.end:c.end + 2] in ("'s", "’s") and not _ROLE_NOUN.match(text[c.end + 2:c.end + 40]):
            continue
        counts[c.iso3] = counts.get(c.iso3, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or ranked[0] < 2 or (len(ranked) > 1 and ranked[0] < 2 * ranked[1]):
        return None
    return max(counts, key=lambda k: counts[k])


def _government_role(role: str) -> bool:
    return bool(re.search(r"Minister|Secretary|President|Chancellor|Chief|spokes|Ambassador|"
                          r"General|Admiral|Commander", role, re.I)) and "Secretary General" not in role \
        and "Secretary-General" not in role


def _capitals_as_actors(text: str, places: list[PlaceMention],
                        countries: list[CountryMention]) -> list[CountryMention]:
    out = list(countries)
    for m in re.finditer(r"\b([A-Z][a-z]+)\s+and\s+([A-Z][a-z]+)\s+(?:have\s+|had\s+|will\s+)?"
                         r"(?:agreed|signed|said|announced|decided|pledged|committed|reaffirmed|"
                         r"welcomed|share|are|were|have|will|must|also)\b", text):
        pair = [(m.start(1), m.end(1), m.group(1)), (m.start(2), m.end(2), m.group(2))]
        isos = [capital_of(name) for _, _, name in pair]
        if all(isos):
            for (s, e, name), iso3 in zip(pair, isos):
                if not any(c.start == s for c in out):
                    out.append(CountryMention(s, e, name, iso3 or "", False))
    out.sort(key=lambda c: c.start)
    return out


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def _is_actor(ctx: _Context, s: Sentence, c: CountryMention) -> bool:
    rel = c.start - s.start
    if any(a <= c.start < b for a, b in ctx.place_spans):
        return False
    if any(o.start <= c.start < o.end or (c.end <= o.start and re.fullmatch(r"\s+", ctx.text[c.end:o.start]))
           for o in ctx.orgs):
        return False  # "the Ukraine Defense Contact Group": a state naming a body, not a party
    if any(re.fullmatch(r",\s*", ctx.text[p.end:c.start]) for p in ctx.places if p.end <= c.start):
        return False  # "Brussels, Belgium": the state of a place, not a party
    if c.adjectival:
        after = ctx.text[c.end:c.end + 40]
        if after[:1] in "-–" and after[1:2].isupper():
            return True  # "UK-Kenya partnership" names both states
        if _ROLE_NOUN.match(after) or re.match(r"\s+[A-Z][a-z]+\s+[A-Z]", after):
            # "French Ministre", "Polish counterpart", "Italian Defence Minister Guido Crosetto"
            return ev_rules.actor_position(s.text, rel) == "actor" or bool(
                re.match(r"\s*(?:counterpart|Defen[cs]e|Minister|Secretary|President|Prime)", after))
        if re.match(r"\s+(?:and|&)\s+", after) or re.match(r"\s+(?:and|&)\s+", ctx.text[c.start - 6:c.start][::-1]):
            return ev_rules.actor_position(s.text, rel) == "actor"
        return False
    # Possessive: "Ukraine's Armed Forces" is a party only when it is someone's office
    if ctx.text[c.end:c.end + 2] in ("'s", "’s"):
        return bool(_ROLE_NOUN.match(ctx.text[c.end + 2:c.end + 40])) and \
            ev_rules.actor_position(s.text, rel) == "actor"
    return _list_position(ctx, s, c) == "actor"


def _list_position(ctx: _Context, s: Sentence, c: CountryMention) -> str:
    """A country inside a list ("in Singapore, Japan, and India") stands where the list's first item does."""
    first = c
    for prev in reversed([x for x in ctx.countries if s.start <= x.start < c.start]):
        gap = ctx.text[prev.end:first.start]
        if re.fullmatch(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?", gap):
            first = prev
        else:
            break
    return ev_rules.actor_position(s.text, first.start - s.start)


def _org_is_actor(ctx: _Context, s: Sentence, o: OrgMention) -> bool:
    rel = o.start - s.start
    before = s.text[:rel]
    if re.search(r"\b(?:meeting|summit|ministerial|session|gathering|conference|members?|allies)\s+of\s+(?:the\s+)?$", before[-40:], re.I):
        return True
    if re.search(r"\b(?:members? of|join(?:ing|ed)?|accession to|membership of|in|into|to)\s+(?:the\s+)?$", before[-25:], re.I):
        return False
    return ev_rules.actor_position(s.text, rel) == "actor"


def _event_drafts(ctx: _Context) -> list[ev_rules.EventDraft]:
    drafts: list[ev_rules.EventDraft] = []
    for s in ctx.sentences:
        triggers = ev_rules.find_triggers(s)
        if not triggers:
            continue
        cs = ctx.within(ctx.countries, s)
        os_ = ctx.within(ctx.orgs, s)
        ps = ctx.persons_in(s)
        pls = ctx.within(ctx.places, s)
        ds = [d for d in ctx.within(ctx.dates, s)]
        by_span = ev_rules.convenor_after_by(s.text)
        for t in triggers:
            d = ev_rules.EventDraft(t.type, s, t, method=f"{METHOD}:{t.type.lower()}:{t.word.lower()}")
            future = ev_rules.is_future(s.text, t.start - s.start)
            parts: list[tuple[ActorRef, int]] = []
            for c in cs:
                if _is_actor(ctx, s, c):
                    parts.append((ActorRef("country", c.iso3), c.start))
            for o in os_:
                if _org_is_actor(ctx, s, o):
                    parts.append((ActorRef("organisation", o.key), o.start))
            for p, pos in ps:
                parts.append((ActorRef("post" if p.is_post else "person", p.key), pos))
                if p.country:
                    parts.append((ActorRef("country", p.country), pos))
                if p.org:
                    parts.append((ActorRef("organisation", p.org), pos))
            for ref, pos in parts:
                rel = pos - s.start
                in_by = by_span is not None and by_span[0] <= rel < by_span[1]
                if in_by or (t.convening and pos < t.start and not _after_clause_break(s.text, rel, t.start - s.start)):
                    _add(d.convenors, ref)
                if re.search(r"\b(?:by|via) (?:video|videolink|video link|teleconference|phone)\b", s.text[rel:rel + 80], re.I) \
                        and t.type != "Call":
                    _add(d.virtual, ref)
                _add(d.participants, ref)
            for ref in d.convenors:
                _add(d.participants, ref)
            d.count = ev_rules.participant_count(s.text)
            place, near = _event_place(pls, t)
            if place:
                if place.kind == "venue":
                    d.venue = place
                    # "at Lancaster House in London": the city named with the venue, else its known city
                    city = next((p for p in pls if p.kind == "city" and p.start >= place.end and
                                 re.fullmatch(r",?\s+(?:in\s+)?", ctx.text[place.end:p.start])), None)
                    place = city or _venue_city(place)
            if place:
                d.place = place
                if t.type in ("Visit", "Deployment") and place.iso3 and near:
                    _add(d.participants, ActorRef("country", place.iso3))
            for c in cs:
                # "visited Kenya", "deployed to Estonia": the host state is a party
                if t.type in ("Visit", "Deployment") and re.search(
                        r"\b(?:visit(?:ed|s|ing)?|to|in|arrived in)\s+(?:the\s+)?$", ctx.text[max(0, c.start - 20):c.start]):
                    _add(d.participants, ActorRef("country", c.iso3))
            ds = [_retense(x, ctx.ref, future) for x in ds]
            exact = [x for x in ds if not x.vague]
            chosen = exact[0] if exact else (ds[0] if ds else None)
            if chosen:
                d.date, d.end_date, d.date_explicit = chosen.date, chosen.end_date, True
                if chosen.vague:
                    d.confidence -= 0.2
                if ctx.ref and chosen.date > ctx.ref:
                    future = True
            else:
                d.date = None if future else ctx.ref
            d.planned = future and (d.date is None or ctx.ref is None or d.date >= ctx.ref)
            if future and (not chosen or chosen.vague):
                continue  # "to be hosted by Australia later this year": a plan without a day
            if d.count and t.type == "Meeting":
                d.confidence += 0.1
            drafts.append(d)
    return drafts


def _event_place(places: list[PlaceMention], t: ev_rules.Trigger) -> tuple[PlaceMention | None, bool]:
    """The place nearest the trigger: (place, close enough to name the host of a visit)."""
    if not places:
        return None, False
    after = [p for p in places if p.start >= t.end and p.start - t.end <= 60]
    before = [p for p in places if p.end <= t.start and t.start - p.end <= 80]
    venue = next((p for p in places if p.kind == "venue"), None)
    if after:
        return (venue or after[0]), True
    if before:
        return (venue or before[-1]), True
    if venue:
        return venue, False
    # Further away in the same sentence, unless another matter intervenes ("attack in Manbij")
    for p in places:
        lo, hi = (t.end, p.start) if p.start >= t.end else (p.end, t.start)
        if not _PLACE_BREAK.search(ctx_text_between(places, t, lo, hi)):
            return p, False
    return None, False


_PLACE_BREAK = re.compile(r"[;:]|\.\s|,\s+(?:which|who|where|while)\b|\b(?:during|attack|attacks|killed|"
                          r"wounded|war|invasion|strikes?|bombing|since|against)\b", re.I)


def ctx_text_between(places: list[PlaceMention], t: ev_rules.Trigger, lo: int, hi: int) -> str:
    return t.sentence_text[lo - t.sentence_start: hi - t.sentence_start] if hi > lo else ""


def _venue_city(venue: PlaceMention) -> PlaceMention | None:
    from .places import VENUE_CITY, lookup_city

    name = VENUE_CITY.get(venue.name)
    city = lookup_city(name) if name else None
    if city is None:
        return None
    return PlaceMention(venue.start, venue.end, city.name, "city", city.iso3, city.geonames_id)


def _retense(dm: DateMention, ref: date | None, future: bool) -> DateMention:
    """A weekday named without 'last' or 'next' lies ahead in a preview, behind in a readout."""
    if not dm.relative or ref is None or not future:
        return dm
    resolved = resolve_relative(dm.text, ref, future=True)
    if resolved is None:
        return dm
    return DateMention(dm.start, dm.end, dm.text, resolved[0], None, True, resolved[1])


def _attendance(ctx: _Context, drafts: list[ev_rules.EventDraft]) -> None:
    """'Units from Canada, Poland and Spain trained alongside': parties of the nearest event."""
    trigger_sentences = {d.sentence.start for d in drafts}
    for s in ctx.sentences:
        if s.start in trigger_sentences or not ev_rules.ATTEND.search(s.text):
            continue
        multi = [d for d in drafts if d.type in ("Meeting", "Exercise", "Deployment")]
        before = [d for d in multi if d.sentence.start < s.start]
        target = before[-1] if before else next(iter(multi), None)
        if target is None:
            continue
        for c in ctx.within(ctx.countries, s):
            if c.adjectival and not re.match(r"\s+(?:contingent|delegation|troops|forces|units|soldiers|"
                                             r"minister|counterpart)", ctx.text[c.end:c.end + 20], re.I):
                continue
            if _list_position(ctx, s, c) == "actor" or re.search(
                    r"\bfrom\s+(?:the\s+)?$", ctx.text[max(s.start, c.start - 12):c.start]) or \
                    _list_first_after_from(ctx, s, c):
                _add(target.participants, ActorRef("country", c.iso3))
        for o in ctx.within(ctx.orgs, s):
            if _org_is_actor(ctx, s, o):
                _add(target.participants, ActorRef("organisation", o.key))
        if target.count is None:
            target.count = ev_rules.participant_count(s.text)
        target.extra_spans.append(s)


def _list_first_after_from(ctx: _Context, s: Sentence, c: CountryMention) -> bool:
    first = c
    for prev in reversed([x for x in ctx.countries if s.start <= x.start < c.start]):
        if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?", ctx.text[prev.end:first.start]):
            first = prev
        else:
            break
    return bool(re.search(r"\b(?:from|together|alongside|includ(?:ed|ing)|by)\s+(?:the\s+)?$",
                          ctx.text[max(s.start, first.start - 14):first.start]))


def _after_clause_break(text: str, a: int, b: int) -> bool:
    return bool(re.search(r"[;:]|\.\s|,\s+(?:which|who|while|where)\b", text[a:b]))


def _add(refs: list[ActorRef], ref: ActorRef) -> None:
    if ref not in refs:
        refs.append(ref)


def _place_key(p: PlaceMention) -> str:
    if p.geonames_id:
        return f"geonames-{p.geonames_id}"
    return slug(p.name)


def _merge_drafts(drafts: list[ev_rules.EventDraft]) -> list[ev_rules.EventDraft]:
    """One statement usually reports one event per type: join the sentences that describe it."""
    merged: list[ev_rules.EventDraft] = []
    for d in drafts:
        target = None
        for m in merged:
            if m.type != d.type:
                continue
            if m.date_explicit and d.date_explicit and m.date != d.date and not _in_range(d, m):
                continue
            target = m
            break
        if target is None:
            merged.append(d)
            continue
        _absorb(target, d)
    # A meeting inside a call, visit or signing is the same event seen from another side.
    hosts = [m for m in merged if m.type in ("Call", "Visit", "AgreementSigning")]
    out = []
    for m in merged:
        compatible = any(not m.date_explicit or not h.date_explicit or m.date == h.date or _in_range(m, h)
                         for h in hosts)
        if m.type == "Meeting" and hosts and not m.count and compatible:
            _absorb(hosts[0], m)
            continue
        out.append(m)
    return out


def _in_range(d: ev_rules.EventDraft, m: ev_rules.EventDraft) -> bool:
    for a, b in ((d, m), (m, d)):
        if a.date and b.date and b.end_date and b.date <= a.date <= b.end_date:
            return True
    return False


def _absorb(target: ev_rules.EventDraft, d: ev_rules.EventDraft) -> None:
    for ref in d.convenors:
        _add(target.convenors, ref)
    for ref in d.participants:
        _add(target.participants, ref)
    for ref in d.virtual:
        _add(target.virtual, ref)
    target.count = max(filter(None, (target.count, d.count)), default=None)
    target.place = target.place or d.place
    target.venue = target.venue or d.venue
    if d.date_explicit and not target.date_explicit:
        target.date, target.end_date, target.date_explicit = d.date, d.end_date, True
        target.planned = d.planned
    target.confidence = max(target.confidence, d.confidence)
    target.extra_spans.append(d.sentence)


def _label(d: ev_rules.EventDraft, ctx: _Context, persons: dict[str, Person],
           orgs: dict[str, Organisation]) -> str:
    names = []
    for ref in d.convenors or d.participants:
        if ref.kind == "country":
            names.append(country_name(ref.key))
        elif ref.kind == "organisation" and ref.key in orgs:
            names.append(orgs[ref.key].name)
    kind = {"AgreementSigning": "Agreement signing"}.get(d.type, d.type)
    who = ", ".join(dict.fromkeys(names)) if names else "parties"
    when = f" on {d.date.isoformat()}" if d.date else ""
    return f"{kind}: {who}{when}"[:200]


def _pledges(ctx: _Context, events: list[Event], drafts: list[ev_rules.EventDraft]) -> list[Pledge]:
    out: list[Pledge] = []
    orphans: list[tuple[Money, Sentence, ActorRef | None]] = []
    default_recipient = _usual_recipient(ctx)
    for s in ctx.sentences:
        if not pl_rules._PLEDGE_WORD.search(s.text) or _negated_pledge(s.text):
            continue
        cs = ctx.within(ctx.countries, s)
        os_ = ctx.within(ctx.orgs, s)
        ps = ctx.persons_in(s)
        ms = ctx.within(ctx.money, s)
        first_index: int | None = None
        for m in ms:
            rel = m.start - s.start
            window = s.text[max(0, rel - 80): rel + 80]
            if pl_rules._CUMULATIVE.search(window):
                continue
            if pl_rules._PROCUREMENT.search(s.text) and not re.search(
                    r"\b(?:for|to|boost|support)\s+(?:\w+\s+){0,2}(?:[A-Z]\w+)", s.text[rel:]):
                continue
            donor, recipient = _donor_recipient(ctx, s, cs, os_, ps, m.start)
            if recipient is None:
                orphans.append((m, s, donor))
                continue
            part_of = None
            if first_index is not None and pl_rules._PART.search(s.text[ms[0].end - s.start: rel]):
                part_of = first_index
            out.append(_money_pledge(ctx, m, s, donor, recipient, part_of, 0.75 if donor else 0.5))
            if first_index is None:
                first_index = len(out) - 1
        verb = pl_rules._IN_KIND_VERB.search(s.text)
        if not ms and verb and not pl_rules._CUMULATIVE.search(s.text):
            items = _items(s.text[verb.end():])
            nxt = next((x for x in ctx.sentences if x.start > s.start), None)
            if not items and nxt is not None and re.search(r"\b(?:package|it|this)\b", nxt.text[:40], re.I):
                items = _items(nxt.text)  # "The aid package includes ... missiles"
            if not items or _negated_at(s.text, verb.start()):
                continue
            donor, recipient = _donor_recipient(ctx, s, cs, os_, ps, s.start + verb.start())
            recipient = recipient or default_recipient
            if recipient is None or donor is None or donor == recipient:
                continue
            out.append(Pledge(
                label=f"{', '.join(items[:3])} from {_actor_label(ctx, donor)} to {_actor_label(ctx, recipient)}",
                donor=donor, recipient=recipient, items=items, date=ctx.ref,
                evidence=[Span(s.start, s.end, s.text)], method=f"{METHOD}:pledge:in-kind",
                confidence=0.6,
            ))
    # Amounts in sentences that name no recipient: a package inside a total named elsewhere
    # ("This total includes a package worth up to $1.25 billion"), or the statement's usual one.
    for m, s, donor in orphans:
        total = next((i for i, p in enumerate(out) if p.amount is not None and p.currency == m.currency
                      and p.amount > m.amount and p.part_of is None), None)
        if total is not None and pl_rules._PART.search(s.text):
            base = out[total]
            out.append(_money_pledge(ctx, m, s, donor or base.donor, base.recipient, total, 0.6))
        elif default_recipient is not None and (donor is None or donor != default_recipient):
            out.append(_money_pledge(ctx, m, s, donor, default_recipient, None, 0.55))
    _link_announcements(out, events, drafts)
    return _dedupe_pledges(out)


def _money_pledge(ctx: _Context, m: Money, s: Sentence, donor: ActorRef | None,
                  recipient: ActorRef | None, part_of: int | None, confidence: float) -> Pledge:
    currency = m.currency
    if m.text.lstrip().startswith("$") and donor and donor.kind == "country":
        currency = _dollar_currency(donor.key) or currency  # "$100 million" from Canberra is AUD
    return Pledge(
        label=f"{m.text} from {_actor_label(ctx, donor)} to {_actor_label(ctx, recipient)}",
        amount=m.amount, currency=currency, donor=donor, recipient=recipient,
        items=_items(s.text[m.end - s.start:]), date=ctx.ref, part_of=part_of,
        evidence=[Span(s.start, s.end, s.text)], method=f"{METHOD}:pledge:money",
        confidence=confidence,
    )


def _usual_recipient(ctx: _Context) -> ActorRef | None:
    """The state most often named where aid goes ("to Ukraine", "Ukraine's forces") in the statement."""
    counts: dict[str, int] = {}
    for c in ctx.countries:
        pre = ctx.text[max(0, c.start - 30):c.start]
        if re.search(r"\b(?:to|for|support(?:ing)?|help(?:ing)?|boost(?:ing)?|aid for|aid to)\s+(?:the\s+)?$", pre, re.I) \
                or ctx.text[c.end:c.end + 2] in ("'s", "’s"):
            counts[c.iso3] = counts.get(c.iso3, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return ActorRef("country", best) if counts[best] >= 2 or len(counts) == 1 else None


def _link_announcements(out: list[Pledge], events: list[Event], drafts: list[ev_rules.EventDraft]) -> None:
    """The event where a pledge was announced: the one reported in the same sentence, else the
    statement's only meeting."""
    for p in out:
        for i, d in enumerate(drafts):
            spans = [d.sentence] + d.extra_spans
            if any(sp.start <= p.evidence[0].start < sp.end for sp in spans):
                p.announced_at = i
                break
        else:
            meetings = [i for i, e in enumerate(events) if e.type == "Meeting"]
            if len(meetings) == 1:
                p.announced_at = meetings[0]


def _negated_at(text: str, pos: int) -> bool:
    before = text[max(0, pos - 30):pos]
    return bool(re.search(r"\b(?:not|never|no longer|refused to|declined to|ruled out|won't|cannot)\s+(?:\w+\s+)?$",
                          before, re.I))


def _dollar_currency(iso3: str) -> str | None:
    for code in ("AUD", "CAD", "NZD", "SGD", "HKD", "TWD"):
        if iso3 in currency_countries(code):
            return code
    return None


def _dedupe_pledges(pledges: list[Pledge]) -> list[Pledge]:
    """The same amount from the same donor to the same recipient repeated in a statement is one pledge."""
    out: list[Pledge] = []
    remap: dict[int, int] = {}
    for i, p in enumerate(pledges):
        for j, q in enumerate(out):
            if p.amount is not None and (p.amount, p.currency, p.donor, p.recipient) == (
                    q.amount, q.currency, q.donor, q.recipient):
                q.evidence.extend(p.evidence)
                remap[i] = j
                break
            if p.amount is None and (p.donor, p.recipient) == (q.donor, q.recipient):
                q.items = list(dict.fromkeys(q.items + p.items))
                q.evidence.extend(p.evidence)
                remap[i] = j
                break
        else:
            remap[i] = len(out)
            out.append(p)
    for p in out:
        if p.part_of is not None:
            p.part_of = remap.get(p.part_of)
            if p.part_of is not None and out[p.part_of] is p:
                p.part_of = None
    return out


def _negated_pledge(text: str) -> bool:
    verb = pl_rules._PLEDGE_WORD.search(text)
    if not verb:
        return False
    before = text[max(0, verb.start() - 30): verb.start()]
    if re.search(r"\b(?:said|announced|confirmed|stated|added)\b", text[:verb.start()]) and \
            re.search(r"\bwould\s+(?:\w+\s+)?$", before):
        return False  # reported speech: "said Germany would deliver"
    return bool(re.search(r"\b(?:not|never|no longer|refused to|declined to|ruled out|won't|cannot|"
                          r"would|could|might|may|considering)\s+(?:\w+\s+)?$", before, re.I))


def _items(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0).lower() for m in pl_rules.ITEMS.finditer(text)))


def _actor_label(ctx: _Context, ref: ActorRef | None) -> str:
    if ref is None:
        return "unknown"
    if ref.kind == "country":
        return country_name(ref.key)
    for o in ctx.orgs:
        if o.key == ref.key:
            return o.name
    return ref.key


def _donor_recipient(ctx: _Context, s: Sentence, cs: list[CountryMention], os_: list[OrgMention],
                     ps: list[tuple[PersonHit, int]], anchor: int) -> tuple[ActorRef | None, ActorRef | None]:
    recipient: ActorRef | None = None
    donor: ActorRef | None = None
    # Recipient: "to Ukraine", "for Ukraine's", "boost Ukraine's", "Ukraine's Armed Forces"
    for c in cs:
        pre = ctx.text[max(s.start, c.start - 40):c.start]
        if re.search(r"\b(?:to|for|boost|boosting|support|supporting|help|helping|strengthen|provide|"
                     r"providing|give|giving|send|sending|supply|supplying|offer|offering|grant|"
                     r"strengthening|equip|equipping|arm|arming|bolster|bolstering|benefit|with)\s+(?:the\s+)?$", pre, re.I) \
                or (ctx.text[c.end:c.end + 2] in ("'s", "’s") and c.start > anchor - 5) \
                or (c.adjectival and c.start > anchor and re.match(r"\s+(?:Armed Forces|forces|military|troops|army|"
                                              r"defen[cs]e|industry|soldiers|drone|partners)", ctx.text[c.end:c.end + 30], re.I)):
            recipient = ActorRef("country", c.iso3)
            break
    # Donor: a party named before the amount or the pledge verb; "we" is the publisher
    candidates: list[tuple[int, ActorRef]] = []
    for c in cs:
        ref = ActorRef("country", c.iso3)
        if ref == recipient:
            continue
        if any(a <= c.start < b for a, b in ctx.place_spans):
            continue
        candidates.append((c.start, ref))
    for o in os_:
        if o.start < anchor:
            candidates.append((o.start, ActorRef("organisation", o.key)))
    for p, pos in ps:
        if p.country and pos < anchor:
            candidates.append((pos, ActorRef("country", p.country)))
    candidates.sort(key=lambda x: x[0])
    before = [ref for pos, ref in candidates if pos < anchor and ref != recipient]
    if not before and not re.search(r"\b(?:we|our|I)\b", s.text[: max(0, anchor - s.start)]):
        # "£450M surge ... as UK and Germany chair the meeting": the parties named after
        before = [ref for pos, ref in candidates if ref != recipient]
    if re.search(r"\b(?:we|our|I)\b", s.text[: max(0, anchor - s.start)]) and ctx.home:
        donor = ActorRef("country", ctx.home)
    elif before:
        # the money's currency tells among several candidates
        money = next((m for m in ctx.money if m.start >= anchor - 1), None)
        users = currency_countries(money.currency) if money else frozenset()
        preferred = [r for r in before if r.kind == "country" and r.key in users]
        donor = preferred[0] if preferred else before[0]
    elif _institution_in(s.text[: max(0, anchor - s.start) + 1]):
        donor = ActorRef("country", _institution_in(s.text[: max(0, anchor - s.start) + 1]) or "")
    elif ctx.home and ActorRef("country", ctx.home) != recipient:
        donor = ActorRef("country", ctx.home)
    if donor == recipient:
        donor = None
    return donor, recipient


def _extract(st: Statement) -> Extraction:
    ctx = _context(st)
    ex = Extraction(statement=st)
    for c in ctx.countries:
        if c.iso3 not in ex.countries:
            info = country_info(c.iso3)
            ex.countries[c.iso3] = Country(c.iso3, info.name if info else c.text,
                                           geonames_id=geonames_id(c.iso3))
    for o in ctx.orgs:
        org = ex.organisations.setdefault(o.key, Organisation(o.key, o.name))
        org.evidence.append(_span(ctx.text, o.start, o.end))
    for p in ctx.persons:
        if p.is_post:
            ex.posts[p.key] = Post(p.key, p.role or p.name, p.country, p.org,
                                   [_span(ctx.text, a, b) for a, b in p.mentions[:5]])
            continue
        person = Person(
            key=p.key, name=p.name, role_title=p.role, country=p.country, organisation=p.org,
            evidence=[_span(ctx.text, a, b) for a, b in p.mentions[:5]],
            method=f"{METHOD}:person", confidence=0.85 if p.role else 0.6,
        )
        ex.persons[p.key] = person
        if p.org and p.org not in ex.organisations:
            name = next((o.name for o in ctx.orgs if o.key == p.org), p.org)
            ex.organisations[p.org] = Organisation(p.org, name)
    drafts = _event_drafts(ctx)
    _attendance(ctx, drafts)
    drafts = _merge_drafts(drafts)
    # An event must have a party; a sentence about "the exercise" alone only adds to one that does.
    drafts = [d for d in drafts if d.participants]
    for d in drafts:
        for pm in (d.place, d.venue):
            if pm is not None and _place_key(pm) not in ex.places:
                city_iso = pm.iso3 or (d.place.iso3 if d.place else None)
                ex.places[_place_key(pm)] = Place(_place_key(pm), pm.name, city_iso,
                                                  "venue" if pm.kind == "venue" else "city", pm.geonames_id)
        spans = [d.sentence] + d.extra_spans
        ex.events.append(Event(
            type=d.type, label=_label(d, ctx, ex.persons, ex.organisations), date=d.date,
            end_date=d.end_date, place=_place_key(d.place) if d.place else None,
            venue=_place_key(d.venue) if d.venue else None, convenors=d.convenors, participants=d.participants,
            virtual=d.virtual, participant_count=d.count, planned=d.planned,
            evidence=[Span(sp.start, sp.end, sp.text) for sp in spans[:4]],
            method=d.method, confidence=round(min(max(d.confidence, 0.1), 0.95), 2),
        ))
    ex.pledges = _pledges(ctx, ex.events, drafts)
    # Every country an event or pledge names must be described in the graph
    for iso3 in {r.key for e in ex.events for r in e.participants + e.convenors if r.kind == "country"} | \
            {r.key for p in ex.pledges for r in (p.donor, p.recipient) if r and r.kind == "country"} | \
            {p.country for p in ex.persons.values() if p.country} | \
            {pl.country for pl in ex.places.values() if pl.country}:
        if iso3 and iso3 not in ex.countries:
            ex.countries[iso3] = Country(iso3, country_name(iso3), geonames_id=geonames_id(iso3))
    return ex


def resolve(name: str) -> str | None:
    return resolve_country(name)
