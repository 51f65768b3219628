"""What one statement's text mentions, found once: states, organisations, groups, persons,
places, dates, amounts and sentences, and the state that publishes it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from ..model import (
    Statement,
)
from ..rules import Rules, per_rules, quick_start, rules
from . import events as ev_rules
from .countries import (
    CountryMention,
    capital_of,
    find_countries,
    foreign_name_state,
)
from .dates import DateMention, find_dates
from .holders import apply_holders, office_kind
from .lexicon import OrgMention, find_organisations, military_rank
from .money import Money, find_money
from .persons import PersonHit, find_persons, yield_shared_titles, yield_shared_titles_to_lead
from .places import (
    AGENCY_IN_BRACKETS,
    PlaceMention,
    city_in,
    city_mention,
    find_places,
    group_matches,
)
from .spans import SpanIndex, span_index
from .text import Sentence, may_match, sentences

METHOD = "rules-v1"


@per_rules
def _role_noun(r: Rules) -> re.Pattern[str]:
    """Matched right after a state's possessive: a word of a state's people or bodies follows
    (cue role_noun_after_possessive), maybe after a dash and one word."""
    cue = r.cues["role_noun_after_possessive"]
    return re.compile(r"^\s*(?:[-–]\w+\s+)?(?:" + cue.pattern + r"\b)", cue.flags)


@dataclass(frozen=True)
class GroupMention:
    """A group of states named as states ("the Nordic countries"): rules/groups.yaml."""

    start: int
    end: int
    key: str
    members: tuple[str, ...]  # ISO3 of its members on the statement's date


def find_groups(text: str, day: date | None) -> list[GroupMention]:
    r = rules()
    if r.group_re is None:
        return []
    out = []
    for m in group_matches(text):
        name = next(k for k, v in m.groupdict().items() if v is not None)
        group = r.groups[int(name[1:].split("_")[0])]
        out.append(GroupMention(m.start(), m.end(), group.key, tuple(group.members_on(day))))
    if r.group_name_re is not None:
        # "joined his counterparts from the Joint Expeditionary Force": any group by its full name,
        # after its members' people (the name alone is the organisation, not its members)
        for p in rules().cues["members_from"].finditer(text):
            n = r.group_name_re.match(text, p.end())
            if n is not None and not any(o.start <= n.start() < o.end for o in out):
                name = next(k for k, v in n.groupdict().items() if v is not None)
                group = r.groups[int(name[1:].split("_")[0])]
                if not group.as_members:
                    continue
                out.append(GroupMention(n.start(), n.end(), group.key, tuple(group.members_on(day))))
        # "all the NATO member states": every member, whether or not the group otherwise takes
        # part as the organisation
        every, after = r.cues.get("all_members_before"), r.cues.get("all_members_after")
        if every is not None and after is not None and "all " in text:
            for p in every.finditer(text):
                n = r.group_name_re.match(text, p.end())
                if n is None or after.match(text, n.end()) is None or any(o.start <= n.start() < o.end for o in out):
                    continue
                name = next(k for k, v in n.groupdict().items() if v is not None)
                group = r.groups[int(name[1:].split("_")[0])]
                out.append(GroupMention(n.start(), n.end(), group.key, tuple(group.members_on(day))))
        out.sort(key=lambda g: g.start)
    counted = r.cues.get("counted_members")
    if counted is not None and r.group_name_re is not None and "ember " in text:
        out = _counted_members(text, day, counted, out)
    return out


_OF_THE = re.compile(r"\s+of\s+the\s+")


def _counted_members(text: str, day: date | None, counted: re.Pattern[str],
                     out: list[GroupMention]) -> list[GroupMention]:
    """"the leaders of the six member states", told with a group's full name just before (or right
    after: "of the Gulf Cooperation Council"): that group's members, where it has that many."""
    r = rules()
    assert r.group_name_re is not None
    values = r.cue_values.get("counted_members", {})
    window = r.window("counted_members_before")
    found = []
    for m in counted.finditer(text):
        word = m.group(1).lower()
        n = int(word) if word.isdigit() else values.get(word, 0)
        if n < 2 or any(g.start < m.end() and m.start() < g.end for g in out):
            continue
        named = list(r.group_name_re.finditer(text, max(0, m.start() - window), m.start()))
        after = _OF_THE.match(text, m.end())
        if after is not None:
            right = r.group_name_re.match(text, after.end())
            named = [right] if right is not None else named
        for g in reversed(named):
            group = r.groups[int(next(k for k, v in g.groupdict().items() if v is not None)[1:].split("_")[0])]
            members = tuple(group.members_on(day))
            if len(members) == n:
                found.append(GroupMention(m.start(), m.end(), group.key, members))
                break
    return sorted(out + found, key=lambda g: g.start) if found else out


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
    groups: list[GroupMention] = field(default_factory=list)
    told_home: str | None = None  # the state the publisher names (publisher_country), once a statement
    _indexes: dict[int, SpanIndex] = field(default_factory=dict)

    def index(self, items: list) -> SpanIndex:
        """A window index over one of the mention lists (built once, on first use)."""
        ix = self._indexes.get(id(items))
        if ix is None:
            ix = self._indexes[id(items)] = span_index(items)
        return ix

    def within(self, items: list, s: Sentence) -> list:
        return self.index(items).starting_in(s.start, s.end)

    def persons_in(self, s: Sentence) -> list[tuple[PersonHit, int]]:
        """Each person mentioned in the sentence, at their first mention there, in person order."""
        ix = self._indexes.get(-1)
        if ix is None:
            rank = {id(p): i for i, p in enumerate(self.persons)}
            pairs = [(a, rank[id(p)], p) for p in self.persons for a, _b in p.mentions]
            ix = self._indexes[-1] = SpanIndex(pairs, lambda x: x[0], lambda x: x[0] + 1)
        first: dict[int, tuple[PersonHit, int]] = {}
        for a, r, p in ix.starting_in(s.start, s.end):
            first.setdefault(r, (p, a))
        return [first[r] for r in sorted(first)]

    def pronoun_antecedent(self, s: Sentence) -> PersonHit | None:
        """"Ms X ... paid a call on Y. She announced ...": the one a sentence's opening pronoun
        (cue pronoun_opens) stands for, the one named first in the last sentence before that
        names anyone."""
        if not rules().cues["pronoun_opens"].match(s.text):
            return None
        named = [(m, q) for q in self.persons if not q.is_post for m, _e in q.mentions if m < s.start]
        if not named:
            return None
        last = max(m for m, _q in named)
        prev = next((x for x in self.sentences if x.start <= last < x.end), None)
        if prev is None:
            return None
        return min(((m, q) for m, q in named if prev.start <= m < prev.end), key=lambda mq: mq[0])[1]

    def sentence_at(self, pos: int) -> Sentence | None:
        ix = self.index(self.sentences)
        hits = ix.containing(pos)
        return hits[0] if hits else None


def _institution_in(text: str) -> str | None:
    """A national institution named in running text ("The Department of Defense is announcing")."""
    for pattern, iso3 in rules().institutions:
        if re.search(pattern.pattern.replace("^", r"\b").replace("$", r"\b"), text, pattern.flags):
            return iso3
    return None


def publisher_country(statement: Statement) -> str | None:
    """The state that publishes the statement: named in the publisher, else the site's domain."""
    if statement.publisher:
        for pattern, iso3 in rules().institutions_first:
            if pattern.search(statement.publisher.strip()):
                return iso3  # "Athens-Macedonian News Agency": Greek, not of North Macedonia
        editions = rules().cue_words.get("edition_language", ())
        for c in find_countries(statement.publisher):
            if c.adjectival and c.text in editions and not statement.publisher[c.end:].strip():
                continue  # "Khaosod English": the language of the edition, not a state
            return c.iso3
        foreign = foreign_name_state(statement.publisher)  # "Ministerio de Defensa del Perú"
        if foreign is not None:
            return foreign  # (before an institution's words: "Ministère de la Défense du Sénégal")
        for pattern, iso3 in rules().institutions:
            if pattern.search(statement.publisher.strip()):
                return iso3
    url = statement.source_url or statement.site
    if url:
        host = (urlparse(url).hostname or "").lower()
        labels = host.split(".")
        domains = rules().domains  # (countries.yaml: a domain's state, None for no state's)
        if labels and domains.get(labels[-1]) is not None:
            return domains[labels[-1]]
        if labels and len(labels[-1]) == 2 and labels[-1] not in domains:
            import pycountry

            found = pycountry.countries.get(alpha_2=labels[-1].upper())
            if found:
                return str(found.alpha_3)
    return None


def _international_publisher(st: Statement) -> bool:
    """A release of an international organisation ("European Commission", "NATO") speaks for no
    state, not for the one it names most."""
    return bool(st.publisher) and bool(find_organisations(st.publisher or ""))


def _context(st: Statement, home_hint: str | None = None) -> _Context:
    text = st.text
    countries = find_countries(text)
    orgs = find_organisations(text)
    told_home = publisher_country(st)
    places = find_places(text, dateline=True, home=home_hint or told_home)
    # A capital named where a party stands ("London and Paris agreed") is its state.
    countries = _capitals_as_actors(text, places, countries)
    org_spans = [(o.start, o.end, o.key) for o in orgs]
    blocked = [(o.start, o.end) for o in orgs] + [(p.start, p.end) for p in places]
    # a ship's name or a class of ships is no person's, though it may be one ("the frigate
    # Admiral Gorshkov", "Queen Elizabeth class carriers")
    for cue in ("vessel_name", "ship_class", "ship_named_for_admiral"):
        named = rules().cues[cue]
        if may_match(named, text):
            blocked += [m.span("name") for m in named.finditer(text)]
    persons = find_persons(text, countries, blocked, org_spans, st.issued)
    surnames = [p.surname_state for p in persons if p.surname_state is not None]
    if surnames:
        # "the Prime Minister, Luís Montenegro": a state's name as a person's surname is no state
        countries = [c for c in countries if (c.start, c.end) not in surnames]
    # known office holders (people.yaml): their state where the text tells none, before any
    # positional guess (and before the publisher's state is guessed from the text: a holder's
    # state is told); the office held that day where the text names none
    apply_holders(persons, st.issued)
    # the states of those introduced as counterparts: guests, never the speaker
    guests = {p.country for p in persons if p.counterpart and p.country}
    home = home_hint or told_home or _dateline_country(text, places) or \
        (None if _international_publisher(st) else
         _place_of_the_unnamed(countries, places, persons) or _dominant_country(text, countries, guests)
         or _places_country(countries, places, guests))
    if home is not None and not home_hint and not told_home and home == _dominant_country(text, countries, guests):
        home = _guests_unnamed_state(text, home, countries, places, persons) or home
    places = _places_in_named_states(text, places, countries, home)
    yield_shared_titles(persons, home)  # "Defence Secretary" in an Indian release is India's
    # Officials named with no state of their own: the publisher's, the host's or the visited
    # state's by where they stand, never the counterpart's by proximity
    spans = sentences(text)
    # the states the lead's first sentence names as parties ("The Philippines and Canada signed"),
    # not by a demonym ("met his Philippine counterpart") nor as a destination ("heading to the
    # Philippines"); never against the publisher's own title
    if len(spans) > 1:
        lead = spans[1]
        yield_shared_titles_to_lead(persons, {
            c.iso3 for c in countries if lead.start <= c.start and c.end <= lead.end and not c.adjectival
            and ev_rules.actor_position(lead.text, c.start - lead.start) == "actor"}, home)
    # a joint statement's publisher may name two states ("UK Ministry of Defence and French
    # Ministry of the Armed Forces"): the second is the home of the other side's officials
    joint = list(dict.fromkeys(c.iso3 for c in find_countries(st.publisher or "")))
    _states_of_officials(text, home, persons, countries, places, spans, joint)
    return _Context(
        st=st, text=text, ref=st.issued, home=home, countries=countries, orgs=orgs,
        persons=persons, places=places, dates=find_dates(text, st.issued), money=find_money(text),
        sentences=spans, place_spans=[(p.start, p.end) for p in places],
        groups=find_groups(text, st.issued), told_home=told_home,
    )


def _places_in_named_states(text: str, places: list[PlaceMention], countries: list[CountryMention],
                            home: str | None) -> list[PlaceMention]:
    """A city of a name several states have, read as the most populous of that name in a state the
    statement never names, is the town of that name in the one state it names (or publishes
    from) that has one: "arrived in Tapa" under "British and French troops arrive in Estonia" is
    Tapa in Estonia, not the larger town in India. Never a state's capital ("Georgetown" is
    Guyana's even where only the United States is named)."""
    named = {c.iso3 for c in countries} | ({home} if home else set())
    out = []
    for p in places:
        written = text[p.start:p.end]
        if p.kind == "city" and p.iso3 and p.iso3 not in named and capital_of(written) is None \
                and capital_of(p.name) is None:  # (a capital is the one meant: "Georgetown", "Monrovia")
            there = [c for c in (city_in(written, iso3) for iso3 in sorted(named)) if c is not None]
            if len(there) == 1:
                p = city_mention(p.start, p.end, there[0], written)
        out.append(p)
    return out


def represents(text: str, c: CountryMention, pos: int, sentence_start: int) -> bool:
    """The person named at pos represents the state c named before them in the sentence:
    "the United States was represented, for the first time, by the Special Envoy X" (cue
    represented_by), and the list's next items: "..., Sweden by Minister Y and Denmark by Minister
    Z" (cues represented_by_item, represented_by_also)."""
    cues = rules().cues
    return not c.adjectival and (cues["represented_by"].fullmatch(text, c.end, pos) is not None or (
        cues["represented_by_item"].fullmatch(text, c.end, pos) is not None
        and cues["represented_by_also"].search(text, sentence_start, c.start) is not None))


def _states_of_officials(text: str, home: str | None, persons: list[PersonHit],
                         countries: list[CountryMention], places: list[PlaceMention],
                         spans: list[Sentence], publishers: list[str] | None = None) -> None:
    """The state of each official named with no cue of their own (rules in order):

    - one introduced as someone's counterpart is of the one foreign state the sentence names as
      a party and no one else holds, else of the one state the statement says is visited;
    - one joined by "and" to another ("Prime Minister X and Defence Minister Y") is of their side;
    - one who is called on ("paid a courtesy call on Secretary X") is the host: the publisher's,
      unless the caller is the publisher's own (then of the foreign place visited);
    - one who stands where a guest does ("met President X", "will meet Prime Minister Y") is the
      counterpart of the one before them: the publisher's if that one is foreign, else the state
      of the foreign place the sentence names, when there is exactly one;
    - otherwise the publisher's, only where the publisher is the only candidate, that is where
      every other state in the sentence (named, or the state of a place named) is already
      another person's. Never the counterpart's state by proximity: that is someone else's.
    An official whose state cannot be told keeps none, with a low confidence."""
    r = rules()
    others = {p.country for p in persons if p.country and p.country != home and not p.is_post}
    others |= {c.iso3 for c in countries if c.iso3 != home}
    sent_ix, c_ix, pl_ix, p_ix = span_index(spans), span_index(countries), span_index(places), \
        span_index(persons)
    held_anywhere = {q.country for q in persons if q.country and not q.is_post}
    told = {id(q) for q in persons if q.country}  # officials whose state their own words tell
    first = home not in held_anywhere
    # where each mention ends, for "met Prime Minister X and Defence Minister Y"
    ends = {b: q for q in persons for _a, b in q.mentions}
    for p in persons:
        if p.country is not None or p.org is not None or p.is_post:
            continue
        if p.role and military_rank(p.role) and p.mentions and \
                r.cues["own_body_after_name"].match(text, p.mentions[0][1]):
            # "Air Marshal X of the Royal Air Force": an officer of a body named after them, whose
            # state the text does not tell, is of no state a position guesses (the host's)
            p.state_by("state_unknown")
            continue
        sent0 = next(iter(sent_ix.containing(p.start)), None)
        forces_of = c_ix.last_ending_by(p.start)
        if sent0 is not None and forces_of is not None and forces_of.start >= sent0.start \
                and r.cues["forces_apposition_before_name"].fullmatch(text, forces_of.end, p.start):
            # "the chief of general staff of the Nigerien armed forces, General X": of those forces' state
            p.country = forces_of.iso3
            p.state_by("state_from_national_title")
            continue
        stop0 = None if sent0 is None else _opening_place(text, sent0, p.start, pl_ix, c_ix)
        if sent0 is not None and stop0 is not None and r.cues["object_before"].search(text, sent0.start, p.start):
            # "In Warsaw the Prime Minister will ... call on President X": one met in a sentence
            # that opens on a place is of that place's state
            p.country = stop0
            p.state_by("state_from_place_visited")
            continue
        on_side = _on_side(text, p, sent0, c_ix) if sent0 is not None else None
        if on_side is not None:
            # "On the Brazilian side, X, Y and Z will lead the talks", "led on the Mexican side by
            # X, with Y and Z": the officials listed after the phrase are of that side
            p.country = on_side
            p.state_by("state_of_side_named")
            continue
        cue = rules().cues["accompanied"].search(text, sent0.start, p.start) if sent0 is not None else None
        if cue is not None and r.cues["accompanied_then_met"].search(text, cue.end(), p.start):
            cue = None  # "X, who is accompanied by Y, also met Premier Z": Z is met, not of the delegation
        if cue is not None and sent0 is not None and home:
            # "The prime minister was accompanied by ... Foreign Minister X": of the delegation's
            # side, the one named before the cue, else the publisher's
            lead = [q for q in p_ix.starting_in(sent0.start, cue.start()) if q is not p and q.country and not q.is_post]
            p.country = lead[-1].country if lead else home
            p.state_by("publisher_state_only_candidate")
            continue
        if sent0 is not None:
            # "the United States was represented, for the first time, by the Special Envoy X"
            rep = [c for c in c_ix.starting_in(sent0.start, p.start) if represents(text, c, p.start, sent0.start)]
            if rep:
                p.country = rep[-1].iso3
                p.state_by("state_represented_by")
                continue
        placed = None  # where the person stands (_position), found once where it is asked for
        if home and p.role and r.cues["own_institution_role"].search(p.role) and \
                not (placed := _position(text, p, ends))[0]:
            # "Ambassador X, Spokesman for the Presidency": an office of the publisher's own body;
            # not one met or called on ("visited Kyiv, where he met X, Spokesperson for the
            # Ministry": the body of the place visited)
            p.country = home
            p.state_by("publisher_state_only_candidate")
            continue
        end0 = p.mentions[0][1] if p.mentions else p.end
        acc = r.cues["accompanying_after"].match(text, end0) if home else None
        if acc is not None and home:
            # "Foreign Minister X and Deputy Minister Y accompany the President": of the side of
            # the one joined with them whose state is told, else of the one they accompany where
            # its state is told ("who accompanied the Thai minister", "accompanying Minister Z"),
            # else of the publisher's
            mate = _joined_partner(text, _chain_start(text, p.start), ends)
            led = _accompanied_state(text, acc.end(), p, persons, c_ix)
            if mate is not None and mate is not p and mate.country and not mate.is_post:
                p.state_from(mate)
            elif led is not None:
                p.country = led
                p.state_by("state_of_partner_named_with")
            else:
                p.country = home
                p.state_by("publisher_state_only_candidate")
            continue
        side = _side_led(text, p, sent0, c_ix) if sent0 is not None else None
        if side is not None:
            # "X and Y led the Indian side, while the Japanese side was led by Z and W"
            p.country = side
            p.state_by("state_of_side_named")
            continue
        position, at, partner = placed if placed is not None else _position(text, p, ends)
        if p.counterpart and home:
            # "his counterpart, X": of the other side, the one foreign state the sentence names
            # as a party and no one else holds, else the one the statement says is visited
            sent = next(iter(sent_ix.containing(p.start)), None)
            cands = {c.iso3 for c in (c_ix.starting_in(sent.start, sent.end) if sent else [])
                     if c.iso3 != home and c.iso3 not in held_anywhere
                     and ev_rules.actor_position(sent.text, c.start - sent.start) == "actor"} if sent else set()
            if not cands:
                cands = visited_states(text, home, countries, places)
            if len(cands) == 1:
                p.country = cands.pop()
                p.state_by("state_from_place_visited")
                continue
        at_name = text.find(p.name) if home else -1
        recv = rules().cues["receiver"].match(text, at_name + len(p.name)) if at_name >= 0 else None
        if recv is not None and not rules().cues["received_thing"].match(text, recv.end()):
            # "Minister X received on Tuesday the Commander of ...", "King Abdullah II received at
            # the Palace ...": the one who receives, in a report of the publisher's state, is the host
            p.country = home
            p.state_by("publisher_state_only_candidate")
            first = False  # the publisher's own official is named
            continue
        if not (p.role and _government_role(p.role)) and position != "host":
            continue  # one named with no office is a state's official only where called on
        if partner is not None and partner.country:
            # "will meet Prime Minister X and Defence Minister Y": both of the same side
            p.state_from(partner)
            continue
        after = _told_partner_after(text, p, persons, told) if position else None
        if after is not None:
            # "travelled to Canberra ... with Defence Minister X and Chief of the PNG Defence Force
            # Y": the one joined after, whose own words tell their state, is of the same side
            p.state_from(after)
            continue
        sent = next(iter(sent_ix.containing(at)), None)
        if position:
            # the person named before them in the sentence: the subject of the host's verb
            subject = None
            if sent is not None:
                # by any mention in the sentence ("Dos Santos also met ...": named in full before)
                latest = -1
                for q in persons:
                    if q is p or q.is_post:
                        continue
                    here = [m for m, _e in q.mentions if sent.start <= m < at]
                    if here and max(here) > latest:
                        subject, latest = q, max(here)
                if subject is not None and _called_on_at(text, sent.start, latest):
                    # "X called on Minister A ... and then met Chief Adviser B": one called on
                    # before is the object of that verb, not the subject of the next; the subject
                    # is the one named last before them who was not called on, if any
                    free = [(m, q) for q in persons if q is not p and not q.is_post
                            for m, _e in q.mentions if sent.start <= m < at and not _called_on_at(text, sent.start, m)]
                    if free:
                        latest, subject = max(free, key=lambda mq: mq[0])
                if subject is not None and re.search(r"\b(?:he|she)\b", text[latest:at]):
                    # "X met Minister Y ..., and on Thursday he was received by Z": the pronoun is the
                    # sentence's subject, named first, not the one met just before
                    earliest = min(((m, q) for q in persons if q is not p and not q.is_post
                                    for m, _e in q.mentions if sent.start <= m < latest),
                                   key=lambda mq: mq[0], default=None)
                    if earliest is not None:
                        subject = earliest[1]
            titled = sent is not None and r.cues["title_subject"].match(text, sent.start, at) is not None
            if titled:
                subject = None  # "The Head of State was received by X before talks with Y": not X
            if subject is None and sent is not None:
                # "the Defence Secretary also called on ...": a named person's office alone
                head = text[sent.start:at]
                subject = None if titled else next((q for q in persons if q is not p and not q.is_post and q.role
                                                    and " " in q.role and q.role in head), None)
                if subject is None and not titled:
                    # "the Minister will also pay a courtesy call on ...": the one holder of an
                    # office whose first word names the subject
                    words = set(re.findall(r"\b[Tt]he\s+([A-Z][\w-]+)\b", head))
                    holders = [q for q in persons if q is not p and not q.is_post and q.role
                               and q.role.split()[0] in words]
                    subject = holders[0] if len(holders) == 1 else None
                if subject is None and (re.search(r"\b(?:[Hh]e|[Ss]he)\b", head) or r.cues["title_subject"].match(head)):
                    # "He called on General X", "The Head of State was received by X": the one
                    # named first in the last sentence before that names anyone (its subject, not
                    # the one it met)
                    named = [(m, q) for q in persons if q is not p and not q.is_post
                             for m, _e in q.mentions if m < sent.start]
                    if named:
                        last = max(m for m, _q in named)
                        prev = next((x for x in spans if x.start <= last < x.end), None)
                        if prev is not None:
                            at0, first_q = min((mq for mq in named if prev.start <= mq[0] < prev.end),
                                               key=lambda mq: mq[0])
                            if not rules().cues["object_before"].search(text, prev.start, at0):
                                subject = first_q  # not one met there ("will meet President X")
            sub_state = subject.country if subject is not None else None
            if subject is None and sent is not None and not titled:
                # "the Ukrainian president was received ... by X": a subject named by its state
                told_by = [c for c in c_ix.starting_in(sent.start, at) if c.adjectival
                           and r.cues["demonym_title_after"].match(text, c.end)]
                sub_state = told_by[0].iso3 if len(told_by) == 1 else None
            if home and subject is not None and subject.org and not sub_state and not subject.is_post:
                # "NATO Deputy Secretary General X visited Skopje and met Prime Minister Y": an
                # organisation's official met the publisher's
                p.country = home
                p.state_by("publisher_state_only_candidate")
                continue
            gift = r.cues.get("gift_received_by")
            if home and subject is None and sent is not None and gift is not None \
                    and gift.search(text, sent.start, at) is not None:
                # "The donation was received by the Minister Delegate ..., X": the one who takes
                # delivery of a gift, in a report from the receiving state, is the publisher's
                p.country = home
                p.state_by("publisher_state_only_candidate")
                continue
            stop = _stop_where_met(text, sent, at, pl_ix, c_ix) if sent is not None and sub_state else None
            if stop is not None and stop != sub_state:
                # "Hegseth travelled on to Warsaw on Friday, where he met Minister X": the one met
                # there is of the place the clause is about, not of the report's dateline
                p.country = stop
                p.state_by("state_from_place_visited")
                continue
            if home and sub_state and sub_state != home:
                p.country = home  # the foreign guest called on, or met, the publisher's official
                p.state_by("publisher_state_only_candidate")
                continue
            if position == "host" and home and subject is None:
                # one called on by a subject the sentence does not name ("The Deputy Prime Minister
                # called on X") is the publisher's, unless the statement tells a visit to one
                # foreign state: then the host is of that state; not where the call's own sentence
                # names that state or its place before the one called on, told as a trip apart
                # ("The Foreign Minister, who visited Kabul last week, called on President X")
                abroad = visited_states(text, home, countries, places)
                lo = sent.start if sent is not None else at
                apart = any(pl.iso3 in abroad for pl in pl_ix.starting_in(lo, at)) or any(
                    c.iso3 in abroad and not c.adjectival for c in c_ix.starting_in(lo, at))
                if len(abroad) == 1 and not apart:
                    p.country = next(iter(abroad))
                    p.state_by("state_from_place_visited")
                else:
                    p.country = home
                    p.state_by("publisher_state_only_candidate")
                continue
            if sent is not None and (sub_state is None or sub_state == home):
                # "visited Kyiv, where he met President X": the state of the place visited, named
                # in the sentence, else the one state the statement says is visited
                stops = [pl for pl in pl_ix.starting_in(sent.start, sent.end)
                         if pl.iso3 and pl.iso3 != home and pl.kind == "city"]
                visited: set[str] = {pl.iso3 for pl in stops if pl.iso3}
                before = [pl.iso3 for pl in stops if pl.end <= at and pl.iso3]
                if len(visited) > 1 and before:
                    # "will travel to Washington for talks with X, and to Ottawa, where he is to
                    # meet Y": each met at the stop named last before them
                    visited = {before[-1]}
                where = [c.iso3 for c in c_ix.starting_in(sent.start, at)
                         if c.iso3 != home and not c.adjectival and _WHERE_AFTER.match(text, c.end)]
                if where:
                    # "by train from Poland, where he had held talks with Prime Minister X": the
                    # state the "where" clause is about
                    visited = {where[-1]}
                if not visited:
                    visited = visited_states(text, home, countries, places)
                if len(visited) == 1:
                    p.country = visited.pop()
                    p.state_by("state_from_place_visited")
                    continue
            p.state_by("state_unknown")
            continue
        if not home:
            continue
        # "Foreign Minister X and Defense Minister Y held talks with ...": of X's side (not "X and Y
        # signed the agreement", where they may be the two parties)
        end = p.mentions[0][1] if p.mentions else p.start
        cut = _chain_start(text, p.start)
        ally = _joined_partner(text, cut, ends, p.role) if _meeting_after_pair().match(text[end:end + rules().window("meeting_after_pair")]) else None
        if ally is not None and ally is not p and ally.country and not ally.is_post:
            p.state_from(ally)
            continue
        # "X and Minister Y co-chaired the UAE-France committee", "X and Y signed the agreement
        # between A and B": the two sides, so Y is of the one foreign state left
        reciprocal = rules().cues["reciprocal"].match(text, end) is not None
        partner = _joined_partner(text, cut, ends, p.role)
        if partner is not None and partner is not p and not partner.is_post and partner.country \
                and partner.country != home and not reciprocal:
            # "hosted Japan's Foreign Minister X and Defence Minister Y": of the guest's side
            p.state_from(partner)
            continue
        pair = partner if reciprocal else None
        if pair is None and partner is None:
            # "Prime Minister X and Prime Minister Y held ...": two holders of one kind of office are
            # the two sides, so Y is of the one foreign state left when X is the publisher's
            twin = _joined_partner(text, cut, ends)
            if twin is not None and twin.role and p.role and _office_kind(p.role) is not None \
                    and _office_kind(twin.role) == _office_kind(p.role):
                pair = twin
        foreign: set[str] = set()
        if sent is not None:
            # states named where a party stands ("met the Estonian minister", not "aid to
            # Ukraine") and not already another person's, and foreign places
            foreign |= {c.iso3 for c in c_ix.starting_in(sent.start, sent.end)
                        if ev_rules.actor_position(sent.text, c.start - sent.start) == "actor"
                        and c.iso3 not in held_anywhere and c.iso3 != home}
            foreign |= {pl.iso3 for pl in pl_ix.starting_in(sent.start, sent.end)
                        if pl.iso3 and pl.iso3 != home and pl.iso3 not in held_anywhere}
            if pair is not None:
                # "X and Y held the Singapore-Australia Leaders' Meeting": a compound names both sides
                foreign |= {c.iso3 for c in c_ix.starting_in(sent.start, sent.end)
                            if c.iso3 != home and c.iso3 not in held_anywhere
                            and (text[c.end:c.end + 1] in "-–" or text[c.start - 1:c.start] in ("-", "–"))}
            if pair is not None and pair is not p and pair.country == home and not pair.is_post and not foreign:
                # "Modi and President X held talks at the palace", after "arrived in Kyiv": the
                # other side is of the one state the statement says is visited
                foreign = visited_states(text, home, countries, places)
            if pair is not None and pair is not p and pair.country == home and not pair.is_post \
                    and len(foreign) == 1:
                p.country = next(iter(foreign))
                p.state_by("state_from_place_visited")
                continue
            # beside one of the publisher's officials stands, most often, a counterpart, unless
            # one of a foreign state is named there already
            mates = [q for q in p_ix.starting_in(sent.start, sent.end) if q is not p and not q.is_post]
            if any(q.country == home for q in mates) and not any(q.country and q.country != home for q in mates):
                foreign.add("?")
        kind = _office_kind(p.role) if p.role else None

        def holds_kind(state: str | None, told_only: bool) -> bool:
            return any(q is not p and not q.is_post and q.country == state and q.role and
                       (id(q) in told or not told_only) and _office_kind(q.role) == kind for q in persons)

        if kind is not None and publishers and len(publishers) == 2 and home in publishers and \
                holds_kind(home, told_only=False):
            # a statement published by two states ("Defence Minister Sébastien Lecornu" in a
            # UK-French text): a second holder of the office the first state's official holds is
            # of the other state
            other = [c for c in publishers if c != home]
            if not holds_kind(other[0], told_only=False):
                p.country = other[0]
                p.state_by("publisher_state_only_candidate")
                continue
        if kind is not None and holds_kind(home, told_only=True):
            # the publisher's state has its foreign (defence...) minister named already by their
            # own words: one more holder of that office is a counterpart, of a state not told
            p.state_by("state_unknown")
            continue
        mate = _told_partner_after(text, p, persons, told)
        if mate is not None and mate.country and mate.mentions and \
                r.cues["attended_together_after"].match(text, mate.mentions[0][1]):
            # "Vice-President X and Prime Minister Y attended the ceremony": two who attend
            # together, of the side of the one whose state is told (or known)
            p.state_from(mate)
            continue
        # the first such official is the publisher's own
        if not others or not foreign or first:
            p.country = home
            first = False
        else:
            p.state_by("state_unknown")
    _state_from_plural(text, persons, countries)
    _state_from_title(text, persons, countries)
    _host_of_visit(text, persons, countries, places, spans)
    _state_from_office_again(text, persons, countries)


def _state_from_office_again(text: str, persons: list[PersonHit], countries: list[CountryMention]) -> None:
    """"Chief of Army Staff Field Marshal X ... received Pakistan's army chief alone": an office told
    again in lower case after a state's possessive names the one holder of that office whose state
    is not told (every word of it in their office); never where two such holders are left."""
    for c in countries:
        m = rules().cues["office_of_state"].match(text, c.end)
        if m is None:
            continue
        words = set(m.group(1).split())
        holders = [p for p in persons if p.role and not p.is_post and p.org is None
                   and words <= set(re.findall(r"[a-z]+", p.role.lower()))]
        left = [p for p in holders if p.country is None]
        if len(left) == 1 and not any(p.country and p.country != c.iso3 for p in holders):
            left[0].country = c.iso3
            left[0].state_by("state_unknown")


def _host_of_visit(text: str, persons: list[PersonHit], countries: list[CountryMention],
                   places: list[PlaceMention], spans: list[Sentence]) -> None:
    """"Turkish President X visited Athens ..., and he and Prime Minister Y signed", "President X,
    on his first trip to Japan, held talks with Prime Minister Y": an official of government with
    no state cue, named after a guest of a known state in a sentence that tells the guest's visit
    to one other state, is of the state visited (the host). Never where two states are visited."""
    sent_ix = span_index(spans)
    for p in persons:
        if p.country is not None or p.org is not None or p.is_post or not (p.role and _government_role(p.role)):
            continue
        for at, _end in p.mentions or [(p.start, p.end)]:
            sent = next(iter(sent_ix.containing(at)), None)
            if sent is None:
                continue
            guests = sorted(((m, q) for q in persons if q is not p and q.country and not q.is_post
                             for m, _e in q.mentions if sent.start <= m < at), key=lambda mq: mq[0])
            if not guests:
                continue
            guest = guests[0][1].country
            visited = {c.iso3 for c in countries if sent.start <= c.start < at and c.iso3 != guest
                       and rules().cues["visit_word"].search(text, max(sent.start, c.start - rules().window("visit_word_before")), c.start)}
            visited |= {pl.iso3 for pl in places if pl.kind == "city" and pl.iso3 and sent.start <= pl.start < at
                        and pl.iso3 != guest and rules().cues["visit_word"].search(text, max(sent.start, pl.start - rules().window("visit_word_before")), pl.start)}
            if len(visited) == 1:
                p.country = visited.pop()
                p.state_by("state_from_place_visited")
                break


def _state_from_plural(text: str, persons: list[PersonHit], countries: list[CountryMention]) -> None:
    """"Foreign Minister X and Defense Minister Y signed ... the two Japanese ministers paid a
    courtesy call": a count and a demonym before a plural office give that state to the holders
    of that office named before with no state, where they are exactly as many as counted."""
    r = rules()
    count_cue, office_cue, counts = r.cues["plural_count_before"], r.cues["plural_office_after"], \
        r.cue_values["plural_count_before"]
    for c in countries:
        if not c.adjectival:
            continue
        office = office_cue.match(text, c.end)
        count = count_cue.search(text, max(0, c.start - rules().window("plural_count_before_state")), c.start) if office is not None else None
        if office is None or count is None:
            continue
        word = office.group(1).lower()
        left = [p for p in persons if p.country is None and p.org is None and not p.is_post and p.role
                and word in p.role.lower() and p.start < c.start]
        if len(left) == counts.get(count.group(1).lower()):
            for p in left:
                p.country = c.iso3
                p.state_by("state_unknown")


def _state_from_title(text: str, persons: list[PersonHit], countries: list[CountryMention]) -> None:
    """"Thailand and Cambodia agree ceasefire" over "Acting Prime Minister X and Cambodian Prime
    Minister Y agreed": the one official of government left with no state is of the one state the
    title names that no one holds (never where two are left, or two states)."""
    title_end = text.find("\n")
    if title_end <= 0:
        return
    left = [p for p in persons if p.country is None and p.org is None and not p.is_post
            and p.role and _government_role(p.role)]
    if len(left) != 1:
        return
    held = {q.country for q in persons if q.country and not q.is_post}
    # (not the state the title names as helped: "Ships sail to support Tonga after eruption",
    # batch zu; cue helped_before)
    helped = rules().cues["helped_before"]
    named = {c.iso3 for c in countries if c.start < title_end and not c.adjectival
             and not (helped.search(text, max(0, c.start - rules().window("helped_before")), c.start))} - held
    if not named and not any(c.start < title_end for c in countries):
        # a title that names no state: the states the body names as acting ("Türkiye would send
        # ...", not "the Lithuanian capital"), when one alone is no one's
        named = {c.iso3 for c in countries if not c.adjectival and _acting(text, c)} - held
    if len(named) == 1:
        left[0].country = named.pop()
        left[0].state_by("state_unknown")


def _acting(text: str, c: CountryMention) -> bool:
    """A state named as the subject of a verb ("Türkiye would send", "Sweden has joined")."""
    return bool(rules().cues["state_acts"].match(text, c.end))


@per_rules
def _office_chain_end(r: Rules) -> re.Pattern[str]:
    """Offices joined by "and" or a comma at the end of a text (compiled once per rule set)."""
    return re.compile(r"(?:(?:" + r.role_re.pattern + r")\s*(?:,|and|&)\s*)+$")


def _without_office_chain(text: str) -> str:
    """The text without the offices joined by "and" or a comma at its end (_office_chain_end).
    Every match ends with a comma, "and" or "&" and white space: a text that does not (white
    space aside) is not searched, a search that tries the offices at each of its positions."""
    if not text.rstrip().endswith((",", "and", "&")):
        return text
    return _office_chain_end().sub("", text)


def _accompanied_state(text: str, at: int, p: PersonHit, persons: list[PersonHit],
                       c_ix: SpanIndex[CountryMention]) -> str | None:
    """The state of the one accompanied, named right after the verb (at `at`) with no punctuation
    between: a person whose state is told ("accompanying Minister Z") or a state named right
    after "the" ("who accompanied the Thai minister"); None where neither is told."""
    for q in persons:
        if q is not p and q.country and not q.is_post and any(
                at < a <= at + rules().window("accompanied_after") and not re.search(r"[,.;:()]", text[at:a]) for a, _b in q.mentions):
            return q.country
    c = next(iter(c_ix.starting_in(at, at + 8)), None)
    if c is not None and re.fullmatch(r"\s+the\s+", text[at:c.start]):
        return str(c.iso3)
    return None


def _chain_start(text: str, at: int) -> int:
    """Where the offices of a chain before a holder named at `at` begin ("X and Deputy Prime
    Minister and Minister Y": before "Deputy"), so that the one joined by "and" is found."""
    head = text[max(0, at - rules().window("office_chain_before")):at]
    return at - (len(head) - len(_without_office_chain(head)))


def _on_side(text: str, p: PersonHit, sent: Sentence, c_ix: SpanIndex[CountryMention]) -> str | None:
    """The state of "on the Kenyan side" told before a person in the same sentence, with no
    other side, no one met or spoken to and no contrast between (cue on_side_before before the
    state, cue side_word after it, cue not_on_side between)."""
    r = rules()
    for c in reversed(c_ix.starting_in(sent.start, p.start)):
        side = r.cues["side_word"].match(text, c.end)
        if side is None or not r.cues["on_side_before"].search(text, max(sent.start, c.start - r.window("on_side_before")), c.start):
            continue
        if side.end() > p.start or r.cues["not_on_side"].search(text, side.end(), p.start):
            return None
        return str(c.iso3)
    return None


def _side_led(text: str, p: PersonHit, sent: Sentence, c_ix: SpanIndex[CountryMention]) -> str | None:
    """The state of the side a person leads: "X led the Indian side", "the Japanese delegation
    was headed by Y and Z" (the state named in the phrase, not a counterpart's)."""
    end = p.mentions[0][1] if p.mentions else p.end
    for c in c_ix.starting_in(end, min(sent.end, end + rules().window("side_led_after"))):
        if rules().cues["side_word"].match(text, c.end) and rules().cues["led_side_after"].fullmatch(text, end, c.start) \
                and not re.search(r"\b(?:while|whereas)\b", text[end:c.start]):
            return str(c.iso3)
        break
    for c in reversed(c_ix.starting_in(max(sent.start, p.start - rules().window("side_led_before")), p.start)):
        if rules().cues["side_led_by"].fullmatch(text, c.end, p.start):
            return str(c.iso3)
        break
    return None


# a relative clause of place after a name (", where ...")
_WHERE_AFTER = re.compile(r",\s+where\b")


def _stop_where_met(text: str, sent: Sentence, at: int, pl_ix: SpanIndex[PlaceMention],
                    c_ix: SpanIndex[CountryMention] | None = None) -> str | None:
    """The state of the city (or state) named just before ', where he met' when the one met
    follows it ("after a visit to India, where he had held talks with Prime Minister X")."""
    m = rules().cues["where_met"].search(text, sent.start, at)
    if m is None:
        return None
    gap = rules().window("where_met_after_place")
    named = [(pl.end, pl.iso3) for pl in pl_ix.starting_in(sent.start, m.start()) if pl.kind == "city" and pl.iso3
             and m.start() - pl.end <= gap]
    if c_ix is not None:
        named += [(c.end, c.iso3) for c in c_ix.starting_in(sent.start, m.start()) if not c.adjectival
                  and m.start() - c.end <= gap]
    return max(named)[1] if named else None


def _opening_place(text: str, sent: Sentence, at: int, pl_ix: SpanIndex[PlaceMention],
                   c_ix: SpanIndex[CountryMention] | None) -> str | None:
    """The state of the city a sentence opens on ("In Warsaw the Prime Minister will hold talks
    with ... President X", "In the Haitian capital he held talks with ..."), for one met after it."""
    r = rules()
    opening = r.cues["opening_place"]
    for pl in pl_ix.starting_in(sent.start, at):
        if pl.kind == "city" and pl.iso3 and opening.fullmatch(text, sent.start, pl.start):
            return pl.iso3
        break
    for c in (c_ix.starting_in(sent.start, at) if c_ix is not None else ()):
        if c.adjectival and opening.fullmatch(text, sent.start, c.start) and r.cues["capital_after"].match(text, c.end):
            return c.iso3
        break
    return None


def visited_states(text: str, home: str | None, countries: list[CountryMention],
                    places: list[PlaceMention]) -> set[str]:
    """The foreign states the statement says are visited ("in Apia for a visit to Samoa")."""
    out = {c.iso3 for c in countries if c.iso3 != home and rules().cues["visit_to"].search(text[max(0, c.start - rules().window("visit_word_before")):c.start])}
    out |= {pl.iso3 for pl in places if pl.iso3 and pl.iso3 != home and pl.kind == "city"
            and rules().cues["visit_to"].search(text[max(0, pl.start - rules().window("visit_word_before")):pl.start])}
    if not out and home:
        # no visit word: the one foreign state whose cities the statement names
        out = {pl.iso3 for pl in places if pl.iso3 and pl.iso3 != home and pl.kind == "city"}
    return out


def _joined_partner(text: str, at: int, ends: dict[int, PersonHit],
                    role: str | None = None) -> PersonHit | None:
    """The person named just before an "and" (or "&") that ends at `at` ("X and Y": X, for
    Y); the partner's mention may end before a "Jr." or a full stop. Two holders of the same
    kind of office ("External Affairs Minister X and Foreign Minister Y") are two states'
    officials, not one side: no partner then."""
    joined = re.search(r"\s+(?:and|&)\s+(?:the\s+)?$", text[max(0, at - rules().window("joined_before")):at])
    if joined is None:
        # an item of a list of three or more ("US Secretary of State A, Secretary of Homeland
        # Security B and Attorney General C"): a comma before, the list going on after the name
        joined = re.search(r",\s+(?:the\s+)?$", text[max(0, at - rules().window("joined_before")):at])
        if joined is None or not _LIST_GOES_ON.match(text, _name_end(text, at)):
            return None
    last = at - len(joined.group(0))
    q = next((ends[k] for k in range(last, last - 5, -1) if k in ends), None)
    if q is not None and role and q.role and _office_kind(role) is not None and \
            _office_kind(role) == _office_kind(q.role):
        return None
    return q


# after a list item's name: the list goes on (", Minister Y", " and Minister Z")
_LIST_GOES_ON = re.compile(r"(?:,|\s+(?:and|&))\s+(?:the\s+)?[A-Z]")


def _name_end(text: str, at: int) -> int:
    """The end of the office and name that start at `at` (the next comma, "and", or stop)."""
    m = re.search(r",|\s+(?:and|&)\s|[.;:(]", text[at:at + rules().window("name_end_after")])
    return at + (m.start() if m else 0)


# the kinds of a minister's office, each read by cue office_kind_<kind> in this order
_office_kind = office_kind  # the kind of a minister's office (holders.office_kind)


_JOINED_AFTER = re.compile(r"[ \t]+(?:and|&)[ \t]+(?:the[ \t]+)?(?:(?:[A-Z][\w'’.-]*|of|for|the)[ \t]+){0,10}")


def _told_partner_after(text: str, p: PersonHit, persons: list[PersonHit], told: set[int]) -> PersonHit | None:
    """The person joined by "and" right after p's first mention, with the offices and rank of
    their own between ("X and Chief of the PNG Defence Force Major General Y"), whose state their
    own words tell; never a holder of the same kind of office (two holders are two sides)."""
    if not p.mentions:
        return None
    end = p.mentions[0][1]
    m = _JOINED_AFTER.match(text, end)
    if m is None:
        return None
    kind = _office_kind(p.role) if p.role else None
    for q in persons:
        if kind is not None and q.role and _office_kind(q.role) == kind:
            continue  # "with Minister of Defence X and the Italian Minister of Defence Y": two sides
        if q is not p and not q.is_post and q.country and id(q) in told and \
                any(a == m.end() or (end < a <= m.end() and _JOINED_AFTER.fullmatch(text, end, a)) for a, _b in q.mentions):
            return q
    return None


def _called_on_at(text: str, start: int, at: int) -> bool:
    """A person named at `at` stands where one is called on (cue host_before, read as _position
    reads it), in the sentence that begins at `start`."""
    before = _without_office_chain(text[max(start, at - rules().window("office_chain_before")):at])[-rules().window("position_before"):]
    return bool(rules().cues["host_before"].search(before))


def _position(text: str, p: PersonHit, ends: dict[int, PersonHit],
              depth: int = 0) -> tuple[str, int, PersonHit | None]:
    """("host" | "guest" | "", offset, partner): where the person stands at one of their first
    mentions; one joined by "and" to a guest or host stands where they do (the partner)."""
    for a, _b in p.mentions[:3]:
        before = text[max(0, a - rules().window("office_chain_before")):a]
        before = before[before.rfind("\n") + 1:]  # a title line's last words are not the name's verb
        # "talks with Deputy Prime Minister and Minister for Defence X": the offices of a chain
        # stand between the verb and the holder
        wide = _without_office_chain(before)
        before = wide[-rules().window("position_before"):]
        if rules().cues["host_before"].search(before):
            return "host", a, None
        if rules().cues["guest_before"].search(before) or rules().cues["received_far_by"].search(wide):
            return "guest", a, None
        if depth < 3:
            q = _joined_partner(text, a, ends, p.role)
            if q is not None and q is not p:
                pos, _at, _q = _position(text, q, ends, depth + 1)
                if pos:
                    return pos, a, q
    return "", p.start, None


def _places_country(countries: list[CountryMention], places: list[PlaceMention],
                    guests: set[str] | None = None) -> str | None:
    """A text that names no state at all but places of one state only (a local notice of a
    training area) speaks for that state; so does one naming no state but its guests' ("received
    his Hungarian counterpart ... in Bratislava")."""
    states = {pl.iso3 for pl in places if pl.kind == "city" and pl.iso3 and pl.iso3 not in (guests or ())}
    if any(c.iso3 not in (guests or ()) for c in countries) or len(states) != 1:
        return None
    return states.pop()


def _place_of_the_unnamed(countries: list[CountryMention], places: list[PlaceMention],
                          persons: list[PersonHit]) -> str | None:
    """A text whose every state named is the state of a person its own words give ("Deputy Prime
    Minister for Defence Affairs of Oman") and whose cities are all of one other state ("received
    ... in London") speaks for that state: its own officials are the ones named with no state."""
    held = {p.country for p in persons if p.country and not p.is_post}
    if not held or any(c.iso3 not in held for c in countries):
        return None
    states = {pl.iso3 for pl in places if pl.kind == "city" and pl.iso3}
    if len(states) != 1 or states & held:
        return None
    return states.pop()


def _guests_unnamed_state(text: str, home: str, countries: list[CountryMention], places: list[PlaceMention],
                          persons: list[PersonHit]) -> str | None:
    """With no publisher and no dateline, the state named most is only a guess of the speaker's:
    where it is the state the statement says is visited ("arrived in Kigali on a one-day visit")
    and one other state is told only by its city or by a known holder of its office ("the
    fallout between Kampala and Kigali", "a message from President X"), never by its name, the
    report speaks for that other state, the guest's (batch ye): its officials named with no state
    are the guest's side, not the host's."""
    if home not in visited_states(text, None, countries, places):
        return None
    named = {c.iso3 for c in countries}
    others = {p.country for p in persons if p.country and p.country != home and not p.is_post
              and p.state_method == "known_office_holder"}
    if len(others) != 1:
        # (one known holder's state goes before a city named as the scene of a matter: "regional
        # issues, foremost among them the war in the Gaza Strip", batch yh, yh13)
        others |= {pl.iso3 for pl in places if pl.kind == "city" and pl.iso3 and pl.iso3 != home}
    if len(others) != 1 or others & named:
        return None
    return others.pop()


def _dateline_country(text: str, places: list[PlaceMention]) -> str | None:
    """A report that opens with its dateline ("NEW DELHI, February 21 —"; "SANTO DOMINGO.-" in the
    Spanish-language press, batch ye) is from that city's state."""
    for p in places:
        if p.kind == "city" and p.iso3 and p.start < rules().window("dateline_city_chars"):
            line_start = text.rfind("\n", 0, p.start) + 1
            lead = text[line_start:p.start]
            if (not lead.strip() or rules().cues["dateline_site_before"].fullmatch(lead)) and re.match(r"\s*(?:" + AGENCY_IN_BRACKETS + r"\s*)?(?:\.?[,–—-]|:\s)", text[p.end:p.end + rules().window("dateline_after_city")]):
                return p.iso3
    return None


def _dominant_country(text: str, countries: list[CountryMention], guests: set[str] | None = None) -> str | None:
    """With no publisher to go by, the state a statement plainly speaks for: named most often
    where a party stands (not "aid to Ukraine"), and clearly so; never the state of one
    introduced as a counterpart (guests: "received his Argentine counterpart" speaks for the host)."""
    counts: dict[str, int] = {}
    for c in countries:
        if guests and c.iso3 in guests:
            continue
        w_actor = rules().window("dominant_actor_before")
        if ev_rules.actor_position(text[max(0, c.start - w_actor):c.start + 1], len(text[max(0, c.start - w_actor):c.start])) != "actor":
            continue
        if text[c.end:c.end + 2] in ("'s", "’s") and not _role_noun().match(text[c.end + 2:c.end + rules().window("role_after_possessive")]):
            continue
        if c.adjectival and rules().cues["deed_after"].match(text, c.end):
            continue  # "condemns the Israeli attack": the state of a deed reported, not the speaker
        counts[c.iso3] = counts.get(c.iso3, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or ranked[0] < 2 or (len(ranked) > 1 and ranked[0] < 2 * ranked[1]):
        return None
    return max(counts, key=lambda k: counts[k])


def _government_role(role: str) -> bool:
    """An office of a state's government (cue government_role), not of an international one
    (cue not_government_role) nor of a body the office names ("Director of the OSCE Conflict
    Prevention Centre"; a state's envoy "to NATO" stays one)."""
    cues = rules().cues
    return bool(cues["government_role"].search(role)) and not cues["not_government_role"].search(role) \
        and not any(not re.search(r"\bto\s+(?:the\s+)?$", role[:o.start]) for o in find_organisations(role))


@per_rules
def _capital_pair(r: Rules) -> re.Pattern[str]:
    """Two capitalised words joined by "and" before a verb (cue capital_pair_verb): capitals that
    may stand for their states (behind a lookahead of their first characters: searched in whole
    texts)."""
    return quick_start(re.compile(r"\b([A-Z][a-z]+)\s+and\s+([A-Z][a-z]+)\s+" + r.cue_texts["capital_pair_verb"],
                                  r.cues["capital_pair_verb"].flags))


@per_rules
def _meeting_after_pair(r: Rules) -> re.Pattern[str]:
    """Up to six words, then a verb of meeting (cue meeting_verb_after_pair), after a name."""
    return re.compile(r",?\s+(?:[^\s,.;]+\s+){0,6}" + r.cue_texts["meeting_verb_after_pair"] + r"\b",
                      r.cues["meeting_verb_after_pair"].flags)


def _capitals_as_actors(text: str, places: list[PlaceMention],
                        countries: list[CountryMention]) -> list[CountryMention]:
    out = list(countries)
    starts = {c.start for c in countries}
    for m in _capital_pair().finditer(text):
        pair = [(m.start(1), m.end(1), m.group(1)), (m.start(2), m.end(2), m.group(2))]
        isos = [capital_of(name) for _, _, name in pair]
        if all(isos):
            for (s, e, name), iso3 in zip(pair, isos):
                if s not in starts:
                    starts.add(s)
                    out.append(CountryMention(s, e, name, iso3 or "", False))
    out.sort(key=lambda c: c.start)
    return out
