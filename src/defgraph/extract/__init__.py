"""Extraction: from a Statement's text to the facts it reports (an Extraction).

`extract(statement)` is the interface the rest of the pipeline uses. This module only
orchestrates: `context` finds the mentions once, `eventfacts` and `pledgefacts` assemble
events and pledges sentence by sentence, each with the span that supports it; what the
rules know (event types, offices, names, groups, windows) is data in defgraph/rules/.
Very long texts are extracted section by section so that time stays linear in length.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from ..model import (
    ActorRef,
    Country,
    Event,
    Extraction,
    Organisation,
    Person,
    Place,
    Post,
    Span,
    Statement,
)
from ..rules import rules
from ..vocab import slug
from .context import (
    METHOD,
    _Context,
    _context,
    _dateline_country,
    _dominant_country,
    find_groups,
    publisher_country,
    visited_states,
)
from .countries import country_info, country_name, find_countries, geonames_id, resolve_country
from .eventfacts import (
    _attendance,
    _covered,
    _ends_by_return,
    _ends_by_stay,
    _event_drafts,
    _hosts_of_legs,
    _is_actor,
    _label,
    _merge_drafts,
    _place_key,
    _span,
    _states,
    dateline_city,
    dateline_date,
)
from .events import EventDraft, any_trigger
from .holders import patronymic_head, post_holder
from .persons import shorter_forms
from .places import PlaceMention, find_places
from .pledgefacts import _pledges

__all__ = ["Extractor", "RuleExtractor", "extract", "find_groups", "publisher_country"]


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


# Texts longer than this are extracted section by section (cut at a line or sentence break),
# so that no rule ever looks further than one section: time stays linear in the length.
SECTION_CHARS: int | None = None  # None: rules/windows.yaml "section_chars"


def _sections(text: str, size: int) -> list[tuple[int, int]]:
    """[start, end) pieces of at most `size` characters, cut at a line break, else a sentence
    end, else a space, in the second half of each piece."""
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        half = start + size // 2
        limit = start + size
        cut = text.rfind("\n", half, limit)
        if cut < 0:
            m = None
            for m in re.finditer(r"[.!?]\s+(?=[A-Z])", text[half:limit]):
                pass
            cut = half + m.end() if m else text.rfind(" ", half, limit)
        if cut <= start:
            cut = limit
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def _shift(spans: list[Span], off: int) -> list[Span]:
    return [Span(x.start + off, x.end + off, x.quote) for x in spans]


def _extract(st: Statement) -> Extraction:
    size = SECTION_CHARS or rules().window("section_chars")
    if len(st.text) <= size:
        return _extract_section(st)
    # One state speaks for the whole statement: decide it once, from the whole text.
    text = st.text
    head = text[:rules().window("dateline_chars")]
    home = publisher_country(st) or _dateline_country(head, find_places(head, dateline=True)) \
        or _dominant_country(text, find_countries(text))
    ex = Extraction(statement=st)
    for a, b in _sections(text, size):
        part = _extract_section(replace(st, text=text[a:b]), home)
        _join(ex, part, a)
    return ex


def _join(ex: Extraction, part: Extraction, off: int) -> None:
    """Add one section's facts (offsets relative to the section) to the statement's."""
    for iso3, c in part.countries.items():
        ex.countries.setdefault(iso3, c)
    for key, o in part.organisations.items():
        org = ex.organisations.setdefault(key, Organisation(o.key, o.name, o.country))
        org.evidence.extend(_shift(o.evidence, off)[:max(0, rules().window("max_evidence") - len(org.evidence))])
    for key, pl in part.places.items():
        ex.places.setdefault(key, pl)
    for key, person in part.persons.items():
        person.evidence = _shift(person.evidence, off)
        known = ex.persons.get(key)
        if known is None:
            ex.persons[key] = person
            continue
        known.evidence.extend(person.evidence[:max(0, 5 - len(known.evidence))])
        known.role_title = known.role_title or person.role_title
        if known.country is None and person.country is not None:
            known.country, known.state_method = person.country, person.state_method
            known.state_confidence = person.state_confidence
        known.organisation = known.organisation or person.organisation
    for key, post in part.posts.items():
        post.evidence = _shift(post.evidence, off)
        if key in ex.posts:
            ex.posts[key].evidence.extend(post.evidence[:max(0, 5 - len(ex.posts[key].evidence))])
        else:
            ex.posts[key] = post
    n_events, n_pledges = len(ex.events), len(ex.pledges)
    for e in part.events:
        e.evidence = _shift(e.evidence, off)
        ex.events.append(e)
    for p in part.pledges:
        p.evidence = _shift(p.evidence, off)
        if p.announced_at is not None:
            p.announced_at += n_events
        if p.part_of is not None:
            p.part_of += n_pledges
        ex.pledges.append(p)


def _holders_named_in_text(ex: Extraction) -> None:
    """"the United States Secretary of Defense, Lloyd J. Austin III": the office's known holder
    (rules/people.yaml, "Lloyd Austin") is the person the text names with a middle initial or a
    generational suffix (phrasing.yaml generational_suffix), or with another tail of an Arabic
    name (batch zz), not a second person (batch zu)."""

    def core(name: str) -> tuple[str, ...]:
        # (its first and last words once written without middle initials and suffix, as persons
        # merges a name written again)
        words = shorter_forms(tuple(name.split()))[1]
        return (words[0].lower(), words[-1].lower()) if len(words) >= 2 else tuple(w.lower() for w in words)

    for post in ex.posts.values():
        h = post.holder
        if h is None or h.key in ex.persons:
            continue
        # ("Faisal bin Farhan bin Abdullah", the holder "Faisal bin Farhan Al Saud": the same head)
        h_head = patronymic_head(h.name)
        same = [q for q in ex.persons.values() if q.country == h.country and (
            core(q.name) == core(h.name) or h_head is not None and patronymic_head(q.name) == h_head)]
        if len(same) == 1:
            post.holder = same[0]


def _extract_section(st: Statement, home: str | None = None) -> Extraction:
    ctx = _context(st, home)
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
            post = ex.posts[p.key] = Post(p.key, p.role or p.name, p.country, p.org,
                                          [_span(ctx.text, a, b) for a, b in p.mentions[:5]])
            if p.org is None and (h := post_holder(p.country, post.role_title, st.issued)) is not None:
                known = rules().confidence("known_office_holder")
                post.holder = Person(
                    key=slug(h.name), name=h.name, role_title=post.role_title, country=h.state,
                    method=f"{METHOD}:post-holder", confidence=known,
                    state_method="known_office_holder", state_confidence=known)
            continue
        # (one named with no office anywhere, only as someone's counterpart: that is the role told)
        person = Person(
            key=p.key, name=p.name, role_title=p.role or p.counterpart_title, country=p.country, organisation=p.org,
            evidence=[_span(ctx.text, a, b) for a, b in p.mentions[:5]],
            method=f"{METHOD}:person",
            confidence=min(rules().confidence("person_with_office" if p.role else "person_without_office"),
                           p.state_confidence or 1.0),
            state_method=p.state_method if p.country else None,
            state_confidence=p.state_confidence if p.country and p.state_method else None,
        )
        ex.persons[p.key] = person
        if p.org and p.org not in ex.organisations:
            name = next((o.name for o in ctx.orgs if o.key == p.org), p.org)
            ex.organisations[p.org] = Organisation(p.org, name)
    _holders_named_in_text(ex)
    drafts = _event_drafts(ctx)
    _attendance(ctx, drafts)
    drafts = _merge_drafts(drafts)
    # An event must have a party; a sentence about "the exercise" alone only adds to one that does.
    # One left without any, or with one state alone, takes them from the statement.
    # (the state of each planned stop told by its host alone, before any takes its guest)
    leg_hosts = {k for v in drafts if v.type == "Visit" and v.planned and not v.tentative
                 and len(ks := _states(v)) == 1 for k in ks}
    for d in drafts:
        if d.type == "Visit" and d.planned and not d.tentative and d.place is not None and d.place.kind == "city" \
                and d.place.iso3 and d.place.iso3 in _states(d):
            # ("will visit France, Brazil and Paraguay from next Wednesday. Kishida will arrive in
            # Paris on Wednesday ...": the hosts of the tour's later stops, merged into its first
            # one, are no parties of it; batch yi, yi04)
            others = leg_hosts - {d.place.iso3} - set(d.person_states)
            if others & _states(d):
                d.participants = [r for r in d.participants if r.kind != "country" or r.key not in others]
        if len({r.key for r in d.participants if r.kind == "country"}) < 2:
            _guests_of_trip(drafts, d, leg_hosts)
        if len({r.key for r in d.participants if r.kind == "country"}) < 2:
            _parties_of_visit(drafts, d, ctx.text)
        if not d.participants:
            _parties_from_statement(ctx, d)
        else:
            # "COAS receives Chinese Ambassador and Indian Defence Attaché": a state of the title that
            # is a party to another event of the statement is no counterpart of this one
            taken = {r.key for o in drafts if o is not d and not o.side for r in o.participants if r.kind == "country"}
            _counterpart_from_title(ctx, d, taken)
        _home_official_as_party(ctx, d)
    # an exercise or deployment of one state's forces alone, with no partner, is no diplomacy
    # ("returned at the end of the deployment"; "the army's annual exercise")
    # A meeting, call or signing of one state alone, with no organisation and no count, is none
    # either where no one takes part by name, or one alone hosts ("the Minister hosted a reception
    # for the ambassadors"): one state does not meet itself (two officials do, whatever their
    # states are read to be: "the Danish minister met Minister X")
    host_party = rules().classes_with("host_is_party")
    # (a visit of one state alone with no one named is none either: "HMS Forth called at Port
    # Stanley during its patrol", a ship at a port of its own state's)
    drafts = [d for d in drafts if d.participants and not (
        (d.type in rules().classes_with("needs_partner") or (
            d.type in host_party and not any(r.kind in ("person", "post") for r in d.participants)) or (
            d.type not in host_party and not d.count and (
                len({r.key for r in d.participants if r.kind in ("person", "post")}) < 1
                or (d.trigger.convening and len({r.key for r in d.participants if r.kind in ("person", "post")}) < 2))))
        and not any(r.kind == "organisation" for r in d.participants)
        and len({r.key for r in d.participants if r.kind == "country"}) < 2)]
    # "left Washington today on his second trip to the African continent ... The Secretary's first
    # stop will be Djibouti on Sunday": a trip told as a whole, with no host state of its own,
    # beside the visits of its stops (the guest's state among theirs), is told by those visits
    drafts = [d for d in drafts if not (
        d.type == "Visit" and len(_states(d)) == 1 and not any(r.kind == "organisation" for r in d.participants)
        and any(o is not d and o.type == "Visit" and _states(d) < _states(o) for o in drafts))]
    drafts = _hosts_of_legs(_covered(drafts))
    _ends_by_return(ctx, drafts)
    _ends_by_stay(ctx, drafts)
    remote = rules().classes_with("remote")
    for d in drafts:
        if d.place is None and d.date is not None and d.type not in remote and not d.planned:
            # "On Thursday, the last day, the heads of delegation signed the minutes": an event told
            # without a place on a day of talks held over several days is where the talks were
            around = next((o for o in drafts if o is not d and o.place is not None and o.end_date is not None
                           and o.date is not None and o.date <= d.date <= o.end_date), None)
            if around is None and d.type == "Visit" and d.venue is not None:
                # "held talks at Jamaica House ..., on his trip ... later sat down with leaders in
                # Kingston": a visit told at a building alone is in the one city of that day's events
                # in the state visited
                hosts = _states(d)
                cities = {_place_key(o.place): o.place for o in drafts if o is not d and o.place is not None
                          and o.place.kind == "city" and o.date == d.date and not o.planned
                          and o.place.iso3 in hosts}
                if not cities:
                    # "arrived at Chinggis Khaan International Airport ... left Ulaanbaatar the same
                    # evening": with no other event there, the one city the text names of the
                    # state it tells is visited ("paid an official visit to Mongolia"; not the
                    # guest's home: "before returning to Singapore")
                    visited = visited_states(ctx.text, None, ctx.countries, ctx.places) & hosts
                    cities = {_place_key(pm): pm for pm in ctx.places if pm.kind == "city" and pm.iso3 in visited}
                around = next(iter(cities.values()), None) if len(cities) == 1 else None
                if around is not None:
                    d.place = around
                continue
            if around is not None:
                d.place = around.place
    _place_of_kin(drafts, remote)
    _place_of_dateline(ctx, drafts, remote)
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
            evidence=[Span(sp.start, sp.end, sp.text) for sp in spans[:rules().window("max_event_evidence")]],
            method=d.method, confidence=round(min(max(d.confidence, rules().confidence("event_floor")),
                                                 rules().confidence("event_ceiling")), 2),
        ))
    ex.pledges = _pledges(ctx, ex.events, drafts)
    # Every country an event or pledge names must be described in the graph, in code order
    # (a set's order follows the hash seed: extraction's output must not)
    for iso3 in sorted({r.key for e in ex.events for r in e.participants + e.convenors if r.kind == "country"} | \
            {r.key for p in ex.pledges for r in (p.donor, p.recipient) if r and r.kind == "country"} | \
            {p.country for p in ex.persons.values() if p.country} | \
            {pl.country for pl in ex.places.values() if pl.country}, key=str):
        if iso3 and iso3 not in ex.countries:
            ex.countries[iso3] = Country(iso3, country_name(iso3), geonames_id=geonames_id(iso3))
    return ex


def _place_of_kin(drafts: list[EventDraft], remote: frozenset[str]) -> None:
    """An event told with no place, on the day of an event of the same sides told at a city of
    one of its states ("signed a treaty in Pyongyang on Wednesday ... Putin arrived in the North
    Korean capital early on Wednesday"; "met ... in Tokyo on Sunday. Earlier on Sunday, X and Y
    were joined by Z for a meeting"), or a visit whose days hold such an event ("signed the
    agreement in Suva yesterday ... Ms Collins, who arrived on Sunday for a three-day visit"), or
    one of the two sides of a reported visit told by its first day alone, within the days after it
    (window open_visit_days: "arrived in Moscow on Sunday ... On Monday ... agreements were
    signed"): held in that city. The city must be the only one of that day's events of those sides, the
    two alike in being planned or reported, and in the state of a party to both beside another;
    the event has at most one state more than the two share, and no organisation among its
    parties ("attended a meeting of the Contact Group ... later held talks with Scholz in
    Frankfurt": the body's meeting was elsewhere)."""
    found: dict[int, PlaceMention] = {}
    around = timedelta(days=rules().window("sidelines_days_around"))
    open_visit = timedelta(days=rules().window("open_visit_days"))
    for d in drafts:
        if d.place is not None or d.date is None or d.type in remote or d.virtual or d.tentative or \
                (d.type != "AgreementSigning" and any(r.kind == "organisation" for r in d.participants)):
            continue  # (a body's meeting is not where a talk of two of its members later was; a
            # signing that names a body is still signed where its states met: "Have today signed an
            # agreement ... in coordination with our NATO Allies", after "meeting in Riga")
        own = _states(d)
        last = d.end_date or d.date
        cities: dict[str, PlaceMention] = {}
        for o in drafts:
            if o is d or o.place is None or o.place.kind != "city" or not o.place.iso3 or o.date is None \
                    or o.type in remote or bool(o.planned) != bool(d.planned):
                continue
            shared = own & _states(o)
            if o.place.iso3 in shared and len(shared) >= 2 and len(own - shared) <= 1 and d.date <= o.date <= last:
                cities[_place_key(o.place)] = o.place
            elif o.type == "Visit" and o.end_date is None and not o.planned and o.place.iso3 in shared \
                    and len(shared) >= 2 and own <= shared and o.date < d.date <= o.date + open_visit:
                # a visit told by its first day alone ("arrived in Moscow on Sunday for an official
                # visit"), an event of its two sides a day later with no city told ("On Monday ...
                # agreements were signed"): held where the visit is
                cities[_place_key(o.place)] = o.place
            elif d.side and not o.side and o.place.iso3 in shared and \
                    o.date - around <= d.date <= (o.end_date or o.date) + around:
                # "On the sidelines, the minister held bilateral talks on Wednesday with ...", the
                # day before the meeting in Vientiane: where the gathering is
                cities[_place_key(o.place)] = o.place
        if len(cities) == 1:
            found[id(d)] = next(iter(cities.values()))
    for d in drafts:
        if id(d) in found:
            d.place = found[id(d)]


def _place_of_dateline(ctx: _Context, drafts: list[EventDraft], remote: frozenset[str]) -> None:
    """An event reported with no place, in a report filed from a city of one of its states (its
    dateline: "Ashgabat, 17 May (TDH). President X received today the Minister ...", "Riyadh -
    ... On the sidelines, the Governor signed a memorandum with ..."): held in that city. Not
    a visit (the dateline may be the guest's home, "KATHMANDU - ... the Prime Minister's visit
    to China"), an exercise or a deployment (held at a range, a base or at sea, not where the
    report is filed: "SEOUL, June 27 (Yonhap) -- ... began the Freedom Edge exercise"), nor a
    plan, a call or one told apart from any day."""
    filed = dateline_city(ctx, before=rules().window("dateline_chars"))
    if filed is None:
        return
    # a dateline that names its day tells of that day's events only ("Prague, Sept 18 (CTK) -
    # ... received ... on Wednesday ... with whom he held talks on Tuesday": not Tuesday's)
    dated = dateline_date(ctx, after=filed.start)
    day = dated.date if dated is not None else None
    elsewhere = rules().classes_with("host_is_party") | rules().classes_with("needs_partner") | remote
    for d in drafts:
        if d.place is None and d.date is not None and not d.planned and not d.tentative and not d.virtual \
                and d.type not in elsewhere and filed.iso3 in _states(d) \
                and (day is None or d.date <= day <= (d.end_date or d.date)):
            d.place = filed
            d.place_by_dateline = True


def _guests_of_trip(drafts: list[EventDraft], d: EventDraft, leg_hosts: set[str] | None = None) -> None:
    """A later stop of a trip named by its host alone ("Xi leaves Hanoi for Kuala Lumpur on
    Tuesday, the second stop of a tour that ends in Cambodia on Thursday"): the guest of the
    trip's other stops, the states they share besides their hosts."""
    own = {r.key for r in d.participants if r.kind == "country"}
    if d.type != "Visit" or not d.planned or len(own) != 1:
        return
    guests: set[str] | None = None
    for v in drafts:
        if v is d or v.type != "Visit" or v.tentative or v.place is None or not v.place.iso3 or v.place.iso3 in own:
            continue
        theirs = {r.key for r in v.participants if r.kind == "country"} - {v.place.iso3}
        guests = theirs if guests is None else guests & theirs
    if guests:
        # ("will visit France, Brazil and Paraguay from next Wednesday ... travel to Brazil on
        # Friday ... visit Paraguay on Sunday": the tour's states merged into its first stop are
        # the hosts of the other stops, no guests; batch yi, yi04)
        guests -= (leg_hosts or set()) - own
        d.participants = d.participants + [ActorRef("country", g) for g in sorted(guests - own)]
        d.method += ":guest-of-trip"


def _parties_of_visit(drafts: list[EventDraft], d: EventDraft, text: str = "") -> None:
    """An event that names no party or one state alone, held during a visit the statement reports
    ("They then witnessed the signing of the plan", on a day of the visit): the visit's states."""
    for v in drafts:
        if v is d or v.type != "Visit" or v.tentative or v.date is None or d.date is None:
            continue
        # (a stay told by its first day alone, "arrived in Tashkent on Monday evening": the days
        # right after it are days of the visit, window arrival_before_visit_days)
        last = v.end_date or (v.date + timedelta(days=rules().window("arrival_before_visit_days"))
                              if not v.planned and not d.planned and d.sentence.start > v.sentence.start
                              and (d.place is None or v.place is None or _place_key(d.place) == _place_key(v.place))
                              else v.date)
        if v.date <= d.date <= last:
            states = [r for r in v.participants if r.kind == "country"]
            own = [r for r in d.participants if r.kind == "country"]
            if len(states) >= 2 and all(r in states for r in own) and (not own or d.date_explicit):
                # ("On departure on Friday, the frigate will conduct a passing exercise with the
                # Kenya Navy ship": one state named, the other the visiting ship's)
                d.participants = list(dict.fromkeys(d.participants + states))
                d.method += ":parties-of-visit"
                d.confidence -= rules().confidence("event_parties_from_statement_penalty")
            return
    if any(r.kind == "country" for r in d.participants) or d.date is None or d.planned \
            or d.type in rules().classes_with("needs_partner") or d.type in rules().classes_with("host_is_party") \
            or not rules().cues["plural_sides_before"].search(d.sentence.text, 0, max(0, d.trigger.start - d.sentence.start)):
        return
    # "hosted the Baltic Military Committee in Vilnius on Friday ... The chiefs of defence signed a
    # joint plan": an event that names no state, on the day of the one other event the statement
    # reports between states, is between that event's states
    same_day = [o for o in drafts if o is not d and not o.tentative and not o.planned and o.date is not None
                and o.date <= d.date <= (o.end_date or o.date)
                and len(_states(o)) >= 2]
    if len(same_day) > 1:
        # "... brought together the leaders of the seven member states: A, B ... The leaders adopted
        # a vision and signed an agreement": of several that day, the one the sentence right before tells
        told = [o for o in same_day if any(x.end <= d.sentence.start and not text[x.end:d.sentence.start].strip()
                                           for x in [o.sentence, *o.extra_spans])]
        same_day = told if len(told) == 1 else same_day
    if len(same_day) == 1:
        d.participants = list(dict.fromkeys(d.participants + [r for r in same_day[0].participants
                                                                if r.kind == "country"]))
        d.method += ":parties-of-day"
        d.confidence -= rules().confidence("event_parties_from_statement_penalty")


def _parties_from_statement(ctx: _Context, d: EventDraft) -> None:
    """Parties for an event found without any: the states the title names as parties and the
    persons' states of the title and the sentence, with the publisher's where the title or the
    sentence names one of its own; only where someone acts in the sentence (or it is the title),
    and never one state alone for an event between states."""
    if not ctx.sentences or d.side:
        return
    title = ctx.sentences[0]
    if d.sentence.start != title.start and not any(not p.is_post for p, _ in ctx.persons_in(d.sentence)) \
            and not rules().cues["sides_act"].search(d.sentence.text):
        return  # "vessels deployed forward", "visiting forces": no one acts in the sentence
    states = [c.iso3 for c in ctx.within(ctx.countries, title) if _is_actor(ctx, title, c)]
    for p, _pos in ctx.persons_in(title) + ctx.persons_in(d.sentence):
        if p.country and not p.is_post:
            states.append(p.country)
    if ctx.home and (ctx.home in states or any(p.country == ctx.home for p, _ in ctx.persons_in(d.sentence))):
        states.append(ctx.home)
    states = list(dict.fromkeys(states))
    if not states and d.sentence.start == title.start and len(ctx.sentences) > 1 \
            and not any_trigger(ctx.sentences[1].text):
        # "Defence chiefs' talks in Tokyo" (a title of nouns alone), then "The chiefs of defence of
        # Japan and Australia, General X and Admiral Y, discussed ...": the lead sentence names
        # the parties of the title's event (two states at least), where it tells no event of its
        # own (one it tells, or calls off, is the title's: "Baltic defence talks off" above "The
        # meeting between ... was cancelled")
        lead = ctx.sentences[1]
        told = [c.iso3 for c in ctx.within(ctx.countries, lead) if _is_actor(ctx, lead, c)]
        told += [p.country for p, _pos in ctx.persons_in(lead) if p.country and not p.is_post]
        if len(set(told)) >= 2:
            states = list(dict.fromkeys(told))
    if not states or (len(states) == 1 and d.type not in rules().classes_with("host_is_party")
                      and not d.count):
        return  # one state alone does not meet, call or sign with itself
    d.participants = [ActorRef("country", iso3) for iso3 in states]
    d.confidence -= rules().confidence("event_parties_from_statement_penalty")
    d.method += ":parties-from-statement"


def _home_official_as_party(ctx: _Context, d: EventDraft) -> None:
    """'The Minister of Defence met the ambassadors of Finland, Sweden and Denmark', 'The Minister
    hosted NATO Deputy Secretary General X' in a ministry's statement: an office named alone (no
    name, no state) acting in the event's sentence is the publisher's own official, so the
    publisher's state takes part (cue office_alone_subject); only a state the publisher names
    (not one guessed from the text of a newspaper)."""
    if not ctx.home or d.side or d.headline or ctx.home in {r.key for r in d.participants if r.kind == "country"}:
        return
    if ctx.told_home != ctx.home:
        return  # (a state guessed from the text, not told by the publisher: no one's own official)
    s = d.sentence
    if not s.start <= d.trigger.start <= s.end or \
            not rules().cues["office_alone_subject"].match(ctx.text[s.start:d.trigger.start]):
        return
    if any(s.start <= c.start < d.trigger.start for c in ctx.countries) or \
            any(pos < d.trigger.start for _p, pos in ctx.persons_in(s)):
        return
    d.participants.append(ActorRef("country", ctx.home))
    d.method += ":publisher-official"


def _counterpart_from_title(ctx: _Context, d: EventDraft, taken: set[str] | frozenset[str] = frozenset()) -> None:
    """An event with one state alone: the other party is the state the title names as a party
    ("Kenya and Uganda hold defence talks" over "the Cabinet Secretary held talks with the
    delegation"); else, when that state is foreign and no organisation or other state's person
    takes part, the publisher's ("The Minister will travel to New Delhi", "troops deployed to
    Estonia" in a British statement)."""
    states = [r.key for r in d.participants if r.kind == "country"]
    if len(states) != 1 or d.count or not ctx.sentences:
        return
    # (an organisation's official met is the counterpart: "the minister met X, the head of the OSCE
    # Mission", under a title that also names another state's ambassador received)
    stateless = {p.key for p in ctx.persons if p.country is None and not p.is_post}
    org_met = any(r.kind == "organisation" for r in d.participants) and \
        any(r.kind == "person" and r.key in stateless for r in d.participants)
    if d.sentence.start != ctx.sentences[0].start and d.type not in rules().classes_with("multilateral") - {"Meeting"} \
            and not d.itinerary and not org_met:  # a title naming every stop of a trip names no stop's counterpart
        title = ctx.sentences[0]
        others = list(dict.fromkeys(c.iso3 for c in ctx.within(ctx.countries, title)
                                    if _is_actor(ctx, title, c) and c.iso3 != states[0]
                                    and (c.iso3 not in taken or c.iso3 == ctx.home)))
        if len(others) == 1:
            d.participants.append(ActorRef("country", others[0]))
            d.method += ":counterpart-from-title"
            d.confidence -= rules().confidence("event_parties_from_statement_penalty")
            return
    if ctx.home and states[0] != ctx.home and not any(r.kind == "organisation" for r in d.participants):
        d.participants.append(ActorRef("country", ctx.home))
        d.method += ":publisher-as-party"
        d.confidence -= rules().confidence("event_parties_from_statement_penalty")


def resolve(name: str) -> str | None:
    return resolve_country(name)
