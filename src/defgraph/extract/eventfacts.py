"""Events of one statement: triggers per sentence, their parties, convenors, place and date,
then one event per type unless the dates differ (the event types are rules/event_types.yaml)."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from ..model import (
    ActorRef,
    Organisation,
    Person,
    Span,
)
from ..rules import Cover, Rules, per_rules, quick_start, rules
from ..vocab import slug
from . import events as ev_rules
from .context import (
    METHOD,
    GroupMention,
    _Context,
    _role_noun,
    represents,
)
from .countries import (
    CountryMention,
    country_name,
)
from .dates import DateMention, resolve_relative
from .lexicon import OrgMention
from .places import AGENCY_IN_BRACKETS, PlaceMention, city_mention
from .text import Sentence, may_match, number_value


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])




def _is_actor(ctx: _Context, s: Sentence, c: CountryMention) -> bool:
    R = rules()
    rel = c.start - s.start
    compared = R.cues.get("compared_events_before")
    # (the words each cue needs, looked for first: most sentences have none)
    if compared is not None and may_match(compared, s.text):
        first = _list_first(ctx, s, c).start - s.start
        if compared.search(s.text, max(0, first - R.window("compared_events_before")), first):
            return False  # "no different from those the Navy holds with France, Germany and ...": compared
    matter_in = R.cues.get("matter_in_before")
    if matter_in is not None and " in " in s.text[max(0, rel - R.window("matter_in_before")):rel] and \
            matter_in.search(s.text, max(0, rel - R.window("matter_in_before")), rel):
        return False  # "called for a ceasefire in Gaza and Lebanon": the scene of a matter
    between = R.cues.get("matter_between_before")
    if between is not None and " between " in s.text[max(0, rel - R.window("matter_between_near")):rel]:
        first = _list_first(ctx, s, c).start - s.start
        if between.search(s.text, max(0, first - R.window("matter_between_before")), first):
            return False  # "the migrant crisis on the border between Belarus and Poland": a matter's scene
    context = R.cues.get("context_clause")
    if context is not None and (mc := context.match(s.text)) is not None and mc.end() <= rel \
            and not ev_rules.any_trigger(s.text[mc.end():]):
        # "The visit takes place as the last French soldiers prepare to leave": its setting (not
        # "The visit comes two days before A and B are due to hold talks in Rome": another event)
        return False
    if not c.adjectival and ctx.text[c.end:c.end + 1] == "," and R.cues["previous_stop_opens"].fullmatch(s.text, 0, rel):
        return False  # "After Vietnam, Secretary X is due in Seoul": the stop left, not a party
    places = ctx.index(ctx.places)
    if any(p.end >= c.end for p in places.containing(c.start)):
        return False  # (a city named inside a state's name, "Trinidad" in "Trinidad and Tobago", is not)
    if any(o.start <= c.start < o.end or (c.end <= o.start and re.fullmatch(r"\s+", ctx.text[c.end:o.start]))
           for o in ctx.index(ctx.orgs).overlapping(c.start, c.end + R.window("organisation_after_state"))):
        return False  # "the Ukraine Defense Contact Group": a state naming a body, not a party
    if any(re.fullmatch(r",\s*", ctx.text[p.end:c.start])
           for p in places.overlapping(c.start - R.window("place_before_state"), c.start) if p.end <= c.start):
        return False  # "Brussels, Belgium": the state of a place, not a party
    if c.adjectival:
        after = ctx.text[c.end:c.end + R.window("after_state")]
        if after[:1] in "-–" and after[1:2].isupper():
            return True  # "UK-Kenya partnership" names both states
        if ctx.text[c.start - 1:c.start] in ("-", "–") and any(
                prev.end == c.start - 1 for prev in ctx.index(ctx.countries).starting_in(c.start - R.window("before_state"), c.start)):
            return True  # "the Kyrgyz-Kazakh working group": the second of the pair as well
        if R.cues["armed_forces_after"].match(after) and R.cues["head_of_forces_before"].search(ctx.text, max(0, c.start - R.window("before_state")), c.start):
            return True  # "called on the Commander of the Philippine Navy": the one met is of that state
        if R.cues["armed_forces_after"].match(after) and R.cues["hosted_by_before"].search(ctx.text, max(0, c.start - R.window("before_state")), c.start):
            return True  # "co-hosted by the Mongolian Armed Forces and ...": that state's forces host it
        ship_of = R.cues.get("ship_of_forces_before")
        if ship_of is not None and R.cues["armed_forces_after"].match(after) and \
                ship_of.search(ctx.text, max(0, c.start - R.window("before_state")), c.start):
            return True  # "The frigate Hydra of the Hellenic Navy sailed": a ship of that state's navy
        body = R.cues.get("forces_body_after")
        if body is not None and body.match(ctx.text, c.end, s.start + len(s.text)) \
                and ev_rules.actor_position(s.text, rel) == "actor":
            return True  # "The first soldiers of a British infantry battalion sent to reinforce KFOR arrived"
        if R.cues["company_after_adjective"].match(after):
            return False  # "Naval Group and the Indian shipbuilder Mazagon Dock signed": a company's state
        if _role_noun().match(after) or re.match(r"\s+[A-Z][a-z]+\s+[A-Z]", after):
            # "French Ministre", "Polish counterpart", "Italian Defence Minister Guido Crosetto"
            return ev_rules.actor_position(s.text, rel) == "actor" or bool(
                R.cues["office_after_demonym"].match(after))
        if re.match(r"\s+(?:and|&)\s+", after) or re.search(r"(?:^|\s)(?:and|&)\s+$",
                                                              ctx.text[max(0, c.start - 6):c.start]):
            return ev_rules.actor_position(s.text, rel) == "actor"
        comma = re.match(r",\s+", after)
        if comma and any(n.adjectival and n.start == c.end + comma.end()
                         for n in ctx.index(ctx.countries).starting_in(c.end, c.end + comma.end() + 1)):
            # "The Egyptian, Greek and Cypriot armed forces": the first of a list of demonyms
            return ev_rules.actor_position(s.text, rel) == "actor"
        return False
    if R.cues["armed_forces_after"].match(ctx.text, c.end) and re.search(r"(?:[A-Z]{2,5}\s+[A-Z][\w-]+|\bwith)\s+(?:of\s+)?(?:the\s+)?$",
                                                        ctx.text[max(0, c.start - R.window("before_state")):c.start]):
        return True  # "INS Kiltan and RSS Vigilance of the Republic of Singapore Navy": a ship of that navy
    force = R.cues["armed_forces_after"].match(ctx.text, c.end)
    if force is not None and ctx.text[force.end():force.end() + 2] in ("'s", "’s"):
        return True  # "the Pakistan Navy's multinational exercise": the event of that state's forces
    # Possessive: "Ukraine's Armed Forces" is a party only when it is someone's office
    if ctx.text[c.end:c.end + 2] in ("'s", "’s"):
        return bool(_role_noun().match(ctx.text[c.end + 2:c.end + R.window("after_state")])) and \
            ev_rules.actor_position(s.text, rel) == "actor"
    return _list_position(ctx, s, c) == "actor"


_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?")


def _group_told_in_part_below(ctx: _Context, s: Sentence, g: GroupMention) -> bool:
    """A group the title names ("Secretary General hosts Nordic ministers", "Nordic neighbours
    meet in Oslo") whose members the text below names as parties only in part (two or more, not
    all), and never by the group again: the members named below are the ones the title means
    (not members only mentioned: "founded on the initiative of Romania and Poland")."""
    if len(ctx.sentences) < 2 or s.start != ctx.sentences[0].start:
        return False
    body = ctx.sentences[1].start
    if any(x.key == g.key for x in ctx.groups if x.start >= body):
        return False
    named = {p.country for p in ctx.persons if p.country and p.start >= body}
    for x in ctx.sentences[1:]:
        named |= {c.iso3 for c in ctx.within(ctx.countries, x) if _is_actor(ctx, x, c)}
    return 2 <= len(named & set(g.members)) < len(g.members)


def _list_first(ctx: _Context, s: Sentence, c: CountryMention) -> CountryMention:
    """The first item of the list of states that `c` ends or stands in ("France, Germany and the
    United States"), `c` itself when it stands alone."""
    first = c
    countries = ctx.index(ctx.countries)
    for prev in reversed(countries.starting_in(s.start, c.start)):
        gap = ctx.text[prev.end:first.start]
        if _LIST_GAP.fullmatch(gap):
            first = prev
        else:
            break
    return first


def _list_position(ctx: _Context, s: Sentence, c: CountryMention) -> str:
    """A country inside a list ("in Singapore, Japan, and India") stands where the list's first
    item does, unless the list is set in apposition with its part in the event ("..., the four
    host nations")."""
    first = _list_first(ctx, s, c)
    countries = ctx.index(ctx.countries)
    last = c
    for nxt in countries.starting_in(c.end, s.end):
        if nxt.start < last.end:
            continue
        if _LIST_GAP.fullmatch(ctx.text[last.end:nxt.start]):
            last = nxt
        else:
            break
    if first is not last and rules().cues["list_role_after"].match(ctx.text, last.end, s.end):
        return "actor"
    return ev_rules.actor_position(s.text, first.start - s.start)


def _org_is_actor(ctx: _Context, s: Sentence, o: OrgMention) -> bool:
    rel = o.start - s.start
    before = s.text[:rel]
    if rules().cues["gathering_of_before"].search(before[-rules().window("gathering_of_before"):]):
        return True
    if rules().cues["membership_before"].search(before[-rules().window("membership_before"):]):
        return False
    one_of, member = rules().cues.get("one_member_before"), rules().cues.get("one_member_after")
    if one_of is not None and member is not None and member.match(ctx.text, o.end) \
            and one_of.search(before[-rules().window("membership_before"):]):
        return False  # "the first head of government of an EU country": one member, the organisation no party
    if ctx.text[o.end:o.end + 2] in ("'s", "’s") and not rules().cues["organisation_event_after_possessive"].match(
            ctx.text[o.end + 2:o.end + 2 + rules().window("organisation_possessive_after")]):
        return False  # "air defence along NATO's eastern flank": the organisation's thing, not a party
    return ev_rules.actor_position(s.text, rel) == "actor"


def _operation_joined(ctx: _Context, o: OrgMention, joins: re.Pattern[str] | None) -> bool:
    """An organisation whose operation forces go to take part in ("will take part in the European
    Union's naval operation Aspides"): a party of the deployment or exercise (cue
    joins_operation_before before it, operation_after_organisation after it)."""
    if joins is None:
        return False
    R = rules()
    op = R.cues.get("operation_after_organisation")
    return op is not None and bool(joins.search(ctx.text, max(0, o.start - R.window("gathering_of_before")), o.start)) \
        and bool(op.match(ctx.text, o.end))


_BY_AFTER = re.compile(r"\s+by\s")


def _event_drafts(ctx: _Context) -> list[ev_rules.EventDraft]:
    drafts: list[ev_rules.EventDraft] = []
    R = rules()
    host_party = R.classes_with("host_is_party")
    margins, future_cue, summary = R.cues["margins"], R.cues["future"], R.cues["summary"]
    # a report filed "KUALA LUMPUR, July 8 (Bernama) --" and issued a day later: its "today",
    # "on Wednesday" and undated events are of the dateline's day
    filed = dateline_date(ctx, before=R.window("dateline_date_chars"))
    day0 = filed.date if filed is not None and ctx.ref is not None and 0 <= (ctx.ref - filed.date).days <= 3 \
        else ctx.ref
    for s, carry, ahead in _segments(ctx):
        # "On the margins of the NATO meeting, A met B": the host meeting's words are neither the
        # trigger nor the parties of the bilateral one
        side = margins.search(s.text)
        host_span = (side.start(), _phrase_end(s.text, side.end())) if side else None
        if side is None:
            at = R.cues["at_named_meeting"].search(s.text)
            if at is not None and ev_rules.any_trigger(s.text[:at.start()]):
                # "Ukraine signs security agreements with US and Japan at G7 summit": the named
                # meeting where another event was held is its occasion, as on its margins
                host_span = (at.start(), at.end())
        masked = s
        if host_span is not None:
            a, b = host_span
            masked = Sentence(s.start, s.end, s.text[:a] + " " * (b - a) + s.text[b:])
        triggers = ev_rules.find_triggers(masked)
        if not any(t.type == "Meeting" for t in triggers):
            recv = _received_person(ctx, s)
            if recv is not None:
                triggers = sorted(triggers + [recv], key=lambda t: t.start)
        if ahead is not None and ahead.type in host_party and all(t.type != ahead.type for t in triggers):
            # "is expected in Manila on Friday, and in Tokyo on Saturday for talks": the elliptic
            # clause is the next stop of the trip the first one tells
            at = R.cues["elliptic_piece"].match(s.text)
            if at is not None:
                head = re.search(r"\b(?:in|to|at)\s+$", s.text[:at.end() - 1])
                a = head.start() if head else at.start()
                triggers = sorted(triggers + [ev_rules.Trigger(ahead.type, s.start + a, s.start + at.end() - 1,
                                                               s.text[a:at.end() - 1].strip(), False, s.text, s.start,
                                                               kind=ahead.kind)], key=lambda t: t.start)
        if not triggers:
            continue
        cs = ctx.within(ctx.countries, s)
        os_ = ctx.within(ctx.orgs, s)
        ps = ctx.persons_in(s)
        pls = ctx.within(ctx.places, s)
        # "RIYADH, Sep 18 (APP): ... on Wednesday signed": the date the report was filed yields
        # to a date of the event's own; alone, it is the day of the event reported
        ds = [d for d in ctx.within(ctx.dates, s) if not _day_of_saying(ctx.text, d) and not _ahead_of_past(ctx.text, d)]
        own = [d for d in ds if not _is_dateline_date(ctx.text, d)]
        guest = [d for d in own if R.cues["guest_visit_before"].search(ctx.text, max(s.start, d.start - R.window("guest_visit_before_date")), d.start)]
        if own and "," in s.text:
            # "X, who will take up the post next month, also met Y": a day inside a closed
            # relative clause is its antecedent's, not the event's
            # ("The exercise, which runs until 2 May, involves ...": a clause on the event's own
            # noun that tells how long it runs gives that event's last day, cue end_ahead_before)
            closed = [(s.start + m.start(), s.start + m.end(), _event_word_ends(s.text, m.start()))
                      for m in R.cues["closed_relative_clause"].finditer(s.text)
                      if not ev_rules.find_triggers(Sentence(s.start + m.start(), s.start + m.end(), m.group()))]
            end_cue, w_end = R.cues.get("end_ahead_before"), R.window("date_verb_before")
            trailing = R.cues.get("trailing_relative_clause")
            tm = trailing.search(s.text) if trailing is not None else None
            if tm is not None and not _event_word_ends(s.text, tm.start()) and \
                    not ev_rules.find_triggers(Sentence(s.start + tm.start(), s.start + tm.end(), tm.group())):
                # "... in Budapest on Thursday, at the first meeting of Hungary's presidency, which
                # began on 1 July.": a clause that ends the sentence on a word that is no event's
                # tells its antecedent's day, as a closed one does (batch zx), where the sentence
                # tells the event's day before it and the clause tells no last day ("which will run
                # ... until 1 August", "which ends on Friday" tell the event's own)
                a, b = s.start + tm.start(), s.start + tm.end()
                inside = [d for d in own if a <= d.start < b]
                whole = next((x for x in ctx.sentences if x.start <= s.start < x.end), s)
                if inside and any(not d.vague and whole.start <= d.start < a and not _is_dateline_date(ctx.text, d)
                                  for d in ctx.dates) and not any(
                        end_cue is not None and end_cue.search(ctx.text, max(a, d.start - w_end), d.start) for d in inside):
                    closed.append((a, b, False))
            if closed:
                began_cue = R.cues["began_before_date"]

                def _elsewhere(d: DateMention) -> bool:
                    # (a clause on the event's own noun that tells the day it began or will end
                    # gives its dates: "The exercise, which began on Sunday and will end on Friday, ...")
                    return any(a <= d.start < b and not (of_event and (
                        (end_cue is not None and end_cue.search(ctx.text, max(a, d.start - w_end), d.start))
                        or began_cue.search(ctx.text, max(a, d.start - w_end), d.start)))
                        for a, b, of_event in closed)
                own = [d for d in own if not _elsewhere(d)]
                ds = [d for d in ds if not _elsewhere(d)]
        if guest and len(guest) < len(own):
            # "General X, who is in Bhutan on a visit from 6 to 9 November, was granted an audience
            # yesterday": the clause's days are the guest's stay, not the day of the event reported
            own = [d for d in own if d not in guest]
        if not [d for d in own if not d.vague] and summary.match(s.text):
            continue  # "During the eight-month deployment, the carrier exercised with ...": a summary
        ds = [_rebase(x, day0) for x in own] if own else ds
        by_span = ev_rules.convenor_after_by(s.text)
        stop_states: set[str] = set()
        stop_drafts: list[ev_rules.EventDraft] = []
        attending: bool | None = None  # the sentence names who attended (read once, when needed)
        # (the commas of a list of names are no clause break: "talks with Finland, Sweden and
        # Denmark will begin in the autumn")
        unlisted = _LIST_COMMA.sub(" ", s.text)
        for t in triggers:
            d = ev_rules.EventDraft(t.type, s, t, method=f"{METHOD}:{(t.kind or t.type).lower()}:{t.word.lower()}",
                                    confidence=R.confidence("event_base"), reference=t.reference,
                                    asserts=t.asserts, leads=t.leads, headline=bool(ctx.sentences) and s.start == ctx.sentences[0].start)
            if t.convening and drafts and drafts[-1].sentence is not s and (
                    R.cues["it_is_hosted_before"].search(s.text, 0, t.start - s.start)
                    or R.cues["which_hosted_before"].search(s.text, 0, t.start - s.start)):
                # "The exercise Khaan Quest opened on Saturday. It is co-hosted by A and B": the
                # event told before, named again with its hosts
                d.type, d.reference = drafts[-1].type, True
            comment = R.cues.get("comment_on_event_before")
            if t.reference and comment is not None and comment.search(s.text, max(0, t.start - s.start - R.window("comment_on_event_before")),
                                                                      t.start - s.start):
                continue  # "Venezuela's Vice President called the visit a provocation": a comment, no party
            future = ahead is not None or ev_rules.is_future(s.text, t.start - s.start, t.end - s.start)
            said = R.cues.get("reported_plan")
            speech = said.search(s.text[max(0, t.start - s.start - R.window("reported_plan_before")):t.start - s.start]) \
                if said is not None and not future and " would " in s.text[:t.start - s.start] else None
            if speech is not None and R.cues["intent"].search(s.text[max(0, t.start - s.start - R.window("intent_before")):t.start - s.start]):
                # "Marles said the aircraft would depart on Monday 9 October and would be deployed": a
                # plan in reported speech (find_triggers kept it for its day); the one who says it is no party
                future = True
                said_at = t.start - min(R.window("reported_plan_before"), t.start - s.start) + speech.start()
            else:
                said_at = None
            after_break = R.cues["clause_break_after_trigger"].search(unlisted, t.end - s.start)
            own_after = unlisted[t.end - s.start:after_break.start() if after_break else len(s.text)]
            if not future and R.cues["future_after"].search(own_after):
                future = True  # "talks with Finland and Denmark will begin in the spring"
            if not future and d.headline and (re.match(r"to\s", t.word, re.I) or
                                              re.search(r"\bto\s+$", s.text[:t.start - s.start])):
                future = True  # a headline's infinitive: "Deputy Prime Minister to travel to Japan"
            if not future and d.headline and R.cues["headline_present_verb"].match(t.word.split()[0].lower()) \
                    and any(x.relative and x.text.lower().split()[0] == "on" for x in ds):
                future = True  # "Macron arrives in Brazil on Tuesday for 3-day visit": a preview's headline
            gather_from = R.cues.get("present_gathering_from")
            if not future and gather_from is not None and any(x.relative for x in ds) and gather_from.search(s.text):
                future = True  # "NATO leaders gather in The Hague from Tuesday": a preview in the present
            participle = R.cues.get("future_participle_before")
            if not future and participle is not None and R.cues["participle_trigger"].match(t.word.strip()) \
                    and (participle.search(s.text, 0, t.start - s.start)
                         or R.cues["future_participle_after"].match(s.text, t.end - s.start)):
                # "will gather in Oslo on Friday ..., hosted by X", "The summit, hosted by X, will be
                # held on Monday": the participle's tense is the gathering's
                future = True
            plan_after = R.cues.get("headline_plan_after")
            if not future and d.headline and plan_after is not None and not t.convening and " " not in t.word.strip() \
                    and plan_after.match(s.text, t.end - s.start):
                future = True  # the event's noun, then an infinitive: "Joint exercise Dustlik to open on Monday"
            if not future and _present_leg_of_plan(drafts, s, t, ds, day0):
                future = True  # "... will arrive in Ashgabat on Monday, June 10. ... he arrives in Tashkent on Thursday"
            parts: list[tuple[ActorRef, int]] = [(ref, s.start) for ref in carry]
            if not carry and drafts and drafts[-1].sentence.start < s.start and \
                    (subject := R.cues["anaphoric_subject"].match(s.text, 0, t.end - s.start)) and \
                    not any(pos < t.start for _p, pos in ps):
                # "... General X was granted an audience ... The General also held talks with Y":
                # the one who acts is the first person of the event told before (of the last one
                # that names a person: a signing may name none)
                actor = next((r for x in reversed(drafts) if x.sentence.start < s.start
                              for r in x.participants if r.kind == "person"), None)
                pers = next((p for p in ctx.persons if actor is not None and p.key == actor.key), None)
                if R.cues["pronoun_opens"].match(s.text):
                    # "Macron last came to Indonesia in 2022. He flies to Singapore on Thursday": the
                    # pronoun is the one named first in the last sentence before that names anyone
                    ante = ctx.pronoun_antecedent(s)
                    if ante is not None:
                        pers = ante
                        actor = ActorRef("person", pers.key)
                if actor is not None and pers is not None and pers.country:
                    # (where the subject stands: "On the sidelines of the Retreat, the Minister held
                    # ...": after an occasion that opens the sentence, which names no party)
                    subject_at = s.start + subject.end() - 1
                    parts += [(actor, subject_at), (ActorRef("country", pers.country), subject_at)]
            if attending is None:
                attending = ev_rules.attend_sentence(s.text)
            for c in cs:
                if _is_actor(ctx, s, c) or (attending and _list_first_after_from(ctx, s, c)):
                    # ("Ministers and state secretaries from A, B and C took part in the meeting")
                    parts.append((ActorRef("country", c.iso3), c.start))
            joins = R.cues.get("joins_operation_before") if t.type in R.classes_with("needs_partner") else None
            for o in os_:
                if _org_is_actor(ctx, s, o) or _operation_joined(ctx, o, joins):
                    parts.append((ActorRef("organisation", o.key), o.start))
            counted = R.cues.get("group_counted_before")
            for g in ctx.within(ctx.groups, s):
                # "the Nordic countries", "the five Nordic defence ministers": the members that day
                cnt = counted.search(ctx.text, max(s.start, g.start - R.window("group_counted_before")), g.start) if counted is not None else None
                if cnt is not None and R.cue_values["group_counted_before"].get(
                        cnt.group(1).lower(), int(cnt.group(1)) if cnt.group(1).isdigit() else 0) < len(g.members):
                    continue  # "each of the two Nordic nations": some members, named elsewhere
                if ev_rules.actor_position(s.text, g.start - s.start) == "actor" \
                        and not _group_told_in_part_below(ctx, s, g):
                    parts.extend((ActorRef("country", iso3), g.start) for iso3 in g.members)
            for p, pos in ps:
                parts.append((ActorRef("post" if p.is_post else "person", p.key), pos))
                if p.country:
                    parts.append((ActorRef("country", p.country), pos))
                    d.person_states.add(p.country)
                if p.org:
                    parts.append((ActorRef("organisation", p.org), pos))
                    d.person_orgs.add(p.org)
            if host_span is not None:
                parts = [(ref, pos) for ref, pos in parts if not host_span[0] <= pos - s.start < host_span[1]]
            if said_at is not None:
                parts = [(ref, pos) for ref, pos in parts if pos >= said_at]
            breaks_before = list(R.cues["clause_break_after_trigger"].finditer(s.text, 0, t.start - s.start))
            own_clause = s.text[breaks_before[-1].end() if breaks_before else 0:t.end - s.start]
            if not future_cue.search(own_clause):
                # "... met in Vilnius and said consultations with Latvia will begin": a state named in
                # a later clause about the future is not a party to the event reported
                # (not the organisation whose operation forces go to join: "sailed for the Red Sea,
                # where it will take part in the European Union's naval operation Aspides")
                parts = [(ref, pos) for ref, pos in parts
                         if not _in_future_clause(s.text, t.end - s.start, pos - s.start, future_cue)
                         or (ref.kind == "organisation" and any(
                             o.start == pos and _operation_joined(ctx, o, joins) for o in os_))]
            if day0 is not None and _dated_long_before(ctx, s, t, day0, R.window("background_days")):
                continue  # "the Dayton agreement, which was signed in Paris in December 1995": background
            # (inside a trigger of several words too: "The signing comes months after Solomon
            # Islands agreed a security deal with China": what comes after is background)
            background = R.cues["background"].search(
                s.text, t.start - s.start + len(t.word.split()[0]) if " " in t.word.strip() else t.end - s.start)
            # "..., en route to New Zealand", "a tour which had taken him to Hawaii, Guam and Manila":
            # another stop of the trip; its states are no parties and its cities not the place
            later_stop = R.cues["later_stop_after"].search(s.text, t.end - s.start)
            if later_stop is not None and (background is None or later_stop.start() < background.start()):
                background = later_stop
            else:
                later_stop = None
            if d.headline:
                # "European leaders meet in Paris as US and Russia prepare Riyadh talks": a headline's
                # second clause tells another matter; its states are no parties to this event
                second = R.cues["headline_clause"].search(s.text, t.end - s.start)
                if second is not None and not R.cues["other_event_noun"].search(s.text, second.end()):
                    second = None  # "... at Brussels meeting as Hegseth joins by video": the same event
                if second is not None and (background is None or second.start() < background.start()):
                    background = second
            else:
                # "held talks in Tokyo ..., as China steps up its maritime activities": a clause of
                # circumstance; the states that act in it are no parties
                around = R.cues.get("circumstance_clause")
                aside = around.search(s.text, t.end - s.start) if around is not None else None
                if aside is not None and (background is None or aside.start() < background.start()):
                    background = aside
            if background is not None:
                # "... met in Riga, a week after the Polish minister visited Vilnius": the states of
                # an earlier event named as background are not parties to this one
                parts = [(ref, pos) for ref, pos in parts if pos - s.start < background.start()]
            topic = R.cues["topic_clause"].search(s.text, t.end - s.start)
            if topic is not None:
                # "held talks on the fighter jet that Italy, Japan and Britain are developing
                # together": the states of a clause about the topic are not parties
                parts = [(ref, pos) for ref, pos in parts
                         if ref.kind != "country" or pos - s.start < topic.start()]
            topics = R.cues.get("topics_after")
            talk = topics.search(s.text, t.end - s.start) if topics is not None and may_match(topics, s.text) else None
            if talk is not None:
                # "... during which they discussed Syria, Gaza and the war between Russia and Ukraine": topics
                parts = [(ref, pos) for ref, pos in parts if ref.kind == "person" or pos - s.start < talk.start()
                         or R.cues["with_whom"].search(s.text, talk.end(), pos - s.start) is not None]
            held = R.cues.get("office_clause")
            if held is not None and may_match(held, s.text):
                # "President X, who currently chairs the African Union, and President Y agreed": the
                # body or state of an office a relative clause tells its holder holds is no party
                spans = [(m.start(), (s.text.find(",", m.end()) + 1 or len(s.text) + 1) - 1)
                         for m in held.finditer(s.text)]
                parts = [(ref, pos) for ref, pos in parts if ref.kind == "person"
                         or not any(a <= pos - s.start < b for a, b in spans)]
            other = _other_event_clauses(s, t, triggers)
            if other:
                # "Rubio, who met President X in Costa Rica on Tuesday, will travel to Y": the people
                # of a relative clause that tells an event of its own are not parties to this one
                parts = [(ref, pos) for ref, pos in parts if not any(a <= pos < b for a, b in other)]
            parts = _own_parties(s, triggers, t, parts)
            parts = _earlier_leg_parties(ctx, s, t, triggers, parts)
            # ("a videoconference of the NB8 ministers, convened by Finland": a passive convening
            # verb's subject is the meeting, its convenor the one after "by")
            passive = t.convening and _BY_AFTER.match(s.text, t.end - s.start) is not None
            for ref, pos in parts:
                rel = pos - s.start
                in_by = by_span is not None and by_span[0] <= rel < by_span[1]
                if in_by or (t.convening and not passive and pos < t.start
                             and not _after_clause_break(s.text, rel, t.start - s.start)):
                    _add(d.convenors, ref)
                if R.cues["remote_after"].search(s.text[rel:rel + R.window("remote_after")]) \
                        and t.type not in R.classes_with("remote"):
                    _add(d.virtual, ref)
                _add(d.participants, ref)
            host_role = R.cues.get("as_host_opens")
            hr = host_role.search(s.text, 0, t.start - s.start) if host_role is not None else None
            if hr is not None:
                # "In its condition of host country, the Navy of the Republic of Colombia inaugurated
                # ... the Multinational Exercise UNITAS" (batch ye): the state told next as host
                # convenes the event
                first = next((ref for ref, pos in parts if ref.kind == "country"
                              and hr.end() <= pos - s.start < t.start - s.start), None)
                if first is not None:
                    _add(d.convenors, first)
            for ref in d.convenors:
                _add(d.participants, ref)
            the_two = R.cues.get("the_two_states")
            officials_of_two = R.cues.get("officials_of_the_two_states")
            if the_two is not None and len(_states(d)) < 2 and ctx.sentences and s is not ctx.sentences[0] \
                    and the_two.search(s.text) and (not _states(d) or (
                        officials_of_two is not None and officials_of_two.search(s.text))):
                # "Thailand and Cambodia agree ceasefire ... Regional army commanders of the two
                # countries are to meet on Tuesday": the two states the title names; where it names
                # no two, those of the last event of two states told before ("X held a telephone
                # conversation with the President of Mexico ... the foreign ministers of both
                # countries will meet next Tuesday", batch yf)
                named = list(dict.fromkeys(c.iso3 for c in ctx.within(ctx.countries, ctx.sentences[0])))
                if len(named) != 2 and officials_of_two is not None and officials_of_two.search(s.text):
                    pair = next((x for x in reversed(drafts) if x.sentence.start < s.start and len(_states(x)) == 2), None)
                    named = sorted(_states(pair)) if pair is not None else []
                if len(named) == 2 and _states(d) <= set(named):
                    for iso3 in named:
                        _add(d.participants, ActorRef("country", iso3))
            members = R.cues.get("the_member_states")
            if members is not None and len(_states(d)) < 2 and members.search(s.text):
                # "Heads of state of the member countries are to meet today": the states of the last
                # meeting of several states told before
                group = next((x for x in reversed(drafts) if x.sentence.start < s.start and x.type == "Meeting"
                              and len(_states(x)) >= 3), None)
                if group is not None:
                    for r in group.participants:
                        if r.kind == "country":
                            _add(d.participants, r)
            counted_by = R.cues["the_counted_parties"].search(s.text, 0, t.start - s.start) if len(_states(d)) < 2 else None
            if counted_by is not None:
                # "At the end of the proceedings, the three Heads of State signed the treaty": the
                # states of the last meeting told before, where it has that many
                want = R.cue_values["the_counted_parties"].get(counted_by.group(1).lower())
                group = next((x for x in reversed(drafts) if x.sentence.start < s.start and x.type == "Meeting"
                              and len(_states(x)) >= 3), None)
                if group is not None and len(_states(group)) == want:
                    for r in group.participants:
                        if r.kind == "country":
                            _add(d.participants, r)
            if len(_states(d)) < 2 and R.cues["first_person_plural"].search(s.text):
                # "We, the Ministers of Defence of A, B and C, meeting in Riga ... Have today signed an
                # agreement ... among our three states": a joint statement's authors
                opening = next((x for x in ctx.sentences if x.start < s.start
                                and R.cues["joint_authors_opens"].match(x.text)), None)
                authors = list(dict.fromkeys(c.iso3 for c in ctx.within(ctx.countries, opening))) \
                    if opening is not None else []
                if len(authors) >= 2:
                    for iso3 in authors:
                        _add(d.participants, ActorRef("country", iso3))
            d.count = None if host_span else ev_rules.participant_count(s.text)
            d.side = host_span is not None or _also_on_margins(drafts, s, t)
            back_at = background.start() if background is not None and (
                later_stop is not None or background.group().startswith(",") or background.group()[:1].lower() in "fc") else None
            place, near = _event_place([pl for pl in pls if back_at is None or pl.start - s.start < back_at]
                                       if back_at is not None else pls, t)
            if place:
                if place.kind == "venue":
                    d.venue = place
                    # "at Lancaster House in London": the city named with the venue, else its known city
                    city = next((p for p in pls if p.kind == "city" and p.start >= place.end and
                                 re.fullmatch(r",?\s+(?:in\s+)?", ctx.text[place.end:p.start])), None)
                    place = city or _venue_city(place, ctx)
            remote = t.type in R.classes_with("remote")
            dateline = next((p for p in pls if p.kind == "city" and _is_dateline(ctx.text, p)), None)
            if place is not None and remote:
                # "SEOUL (Yonhap) -- ... held video talks", "announced in Ottawa after a video call":
                # a call joins two places; the one named is where the report was filed or made
                place = None
            elif place is None and dateline is not None and not remote and not future and (
                    t.type not in R.classes_with("multilateral") - {"Meeting"} or (
                        "here_after_verb" in R.cues and R.cues["here_after_verb"].search(s.text) is not None)) and not (
                        t.type in host_party and any(
                            c.iso3 != dateline.iso3 and R.cues["visit_to_before"].search(ctx.text, max(0, c.start - R.window("visit_to_before")), c.start)
                            for c in cs)) and not (
                        "trip_to_before" in R.cues and any(
                            c.iso3 != dateline.iso3 and R.cues["trip_to_before"].search(ctx.text, max(0, c.start - R.window("visit_to_before")), c.start)
                            for c in cs)):
                # (nor "TEHRAN (Tasnim) - X, who travelled to China to attend the meeting, held talks
                # with ...": the sentence tells a trip to another state, where the talks were held)
                # (not "DUSHANBE (Khovar) - ... paid an official visit to Uzbekistan": the visit is there)
                # (not for a plan: "BEIJING (Xinhua) -- X will visit China next week" tells where the
                # report was filed, not where the visit will be)
                place = dateline  # "RAWALPINDI, January 15: General X called on ...": a report from the spot
                d.place_by_dateline = True
            earlier = R.cues.get("earlier_stops_before")
            matter_in = R.cues.get("matter_in_before")

            def visited(c: CountryMention) -> bool:
                # "visited Kenya", "deployed to Estonia": the host state is a party
                return t.type in host_party and not any(a <= c.start < b for a, b in _other_event_clauses(s, t, triggers)) \
                    and bool(R.cues["visited_state_before"].search(ctx.text[max(0, c.start - R.window("visit_to_before")):c.start])) \
                    and not (matter_in is not None and matter_in.search(ctx.text, max(0, c.start - R.window("matter_in_before")), c.start)) \
                    and not (earlier is not None and earlier.search(ctx.text, max(s.start, c.start - R.window("earlier_stops_before")), c.start)) \
                    and not (background is not None and c.start - s.start >= background.end())
                # (nor a state after words that make it background: "..., before travelling to Timor-Leste")
            hosts = {c.iso3 for c in cs if visited(c)}
            if place and t.type in host_party and place.kind == "city" and place.iso3 and hosts \
                    and place.iso3 not in hosts and not d.place_by_dateline and place.end <= t.start:
                # "received X at Seri Perdana today, on Wong's visit to Malaysia": a name before the
                # visit in another state than the one it names is not where the visit is
                place = None
            if place:
                d.place = place
                if t.type in host_party and place.iso3 and near:
                    _add(d.participants, ActorRef("country", place.iso3))
                travel = R.cues.get("travel_verb")
                traveller = next((p for p, pos in reversed(ps) if pos < t.start), None)
                if t.type == "Visit" and place.kind == "city" and place.iso3 and traveller is not None \
                        and traveller.country == place.iso3 and not d.place_by_dateline \
                        and travel is not None and travel.match(t.word):
                    d.home_trip = True  # "Milei travelled to Ushuaia, where he met ...": a trip at home
            for c in cs:
                if visited(c):
                    _add(d.participants, ActorRef("country", c.iso3))
            gathering_in = R.cues.get("gathering_in_state_between")
            if gathering_in is not None and t.type == "Meeting":
                # "will travel this Wednesday to China to take part in the 11th Beijing Xiangshan
                # Forum": the state the trip goes to, to attend the gathering, is its host, a party
                # (docs/annotation.md 9 (d))
                for c in cs:
                    if not c.adjectival and c.end <= t.start and gathering_in.fullmatch(ctx.text, c.end, t.start) \
                            and R.cues["trip_to_gathering_before"].search(ctx.text, s.start, c.start):
                        _add(d.participants, ActorRef("country", c.iso3))
                        if d.place_by_dateline and d.place is not None and d.place.iso3 != c.iso3:
                            # ("LA PAZ (ABI) - The minister will travel to China to take part in the
                            # forum": the gathering is not where the report was filed)
                            d.place, d.place_by_dateline = None, False
            in_country = R.cues.get("in_the_country_after")
            if t.type in host_party and in_country is not None and in_country.match(ctx.text, t.end):
                # "The Chancellor arrived in the country earlier today" (a report filed "DOHA --"):
                # the state of the dateline's city is the host
                filed_at = dateline_city(ctx)
                if filed_at is not None:
                    _add(d.participants, ActorRef("country", str(filed_at.iso3)))
            ds = [_retense(x, day0, future) for x in ds]
            later_leg = R.cues.get("later_leg_before")
            leg_at = next((u for u in triggers if u.type in host_party and later_leg is not None and later_leg.search(
                ctx.text, max(s.start, u.start - R.window("later_leg_before")), u.start)), None)
            if leg_at is not None:
                # "held talks in Jakarta on Thursday, before heading to Singapore on Saturday for
                # talks": the next leg's weekday is the one after the day told before it
                prev = next((x for x in reversed(ds) if x.end <= leg_at.start and x.date is not None), None)
                ds = [replace(x, date=x.date + timedelta(days=7)) if prev is not None and prev.date is not None
                      and x.start >= leg_at.end and x.end_date is None and _bare_weekday(x) and x.date < prev.date
                      else x for x in ds]
            closing = None
            end_cue = R.cues.get("end_ahead_before")
            if ds and end_cue is not None and all(
                    x.end_date is None and end_cue.search(ctx.text, max(s.start, x.start - R.window("date_verb_before")), x.start)
                    for x in ds):
                # "co-chair the session, which ends on Friday": the last day of an event under way,
                # ahead of the report; no day of the event's own (a range told after the verb, "runs
                # from 5 to 15 May", is the event's own dates)
                closing, ds = _retense(ds[0], day0, True), []
            ds_t = _trigger_days(s, t, _outside_earlier_legs(s, t, triggers, ds))
            told_own = R.cues["event_day_after"].match(ctx.text, t.end) if "event_day_after" in R.cues else None
            own_day = next((x for x in ds_t if told_own is not None and told_own.end() <= x.start <= told_own.end() + R.window("event_day_after_gap")), None)
            if own_day is not None:
                # "said in a statement on Thursday that the meeting took place on Wednesday": the day
                # the event's own predicate tells is its day, before any other of its clause
                ds_t = [own_day] + [x for x in ds_t if x is not own_day]
            stay = [g for g in guest if t.type == "Visit" and t.end <= g.start and
                    R.cues["guest_visit_before"].search(ctx.text, max(s.start, t.start - R.window("guest_visit_before_trigger")), g.start)]
            if stay and not d.headline:
                # "held talks with X, who is on an official visit to Y from 14 to 16 April": the
                # visit the clause tells is dated by the clause's days (the talks' day is inside)
                ds_t = [_rebase(stay[0], day0)]
            exact = [x for x in ds_t if not x.vague]
            chosen = exact[0] if exact else (ds_t[0] if ds_t else None)
            day_part = False  # a plan told for a part of the day last named (cue part_of_day_told)
            if chosen is not None and chosen.end_date is None:
                # "concluded on Saturday the exercise held from the 9th to the 13th of January":
                # a day inside a range the sentence gives is a day of that event; the range is its dates
                chosen = next((x for x in exact if x.end_date is not None and x.date <= chosen.date <= x.end_date),
                              chosen)
            ended_span = R.cues["ended_span_before_date"].search(
                ctx.text, max(s.start, chosen.start - R.window("ended_span_before_date")), chosen.start) \
                if chosen is not None and chosen.end_date is None and t.end <= chosen.start else None
            if chosen is not None and chosen.end_date is None and (
                    R.cues["ended_before_date"].search(ctx.text, max(s.start, chosen.start - R.window("date_verb_before")), chosen.start)
                    or R.cues["ended_after"].match(ctx.text, chosen.end) or ended_span is not None):
                # "ended on Thursday a three-day visit, which began on Tuesday, 5 November": the
                # day it began is its date, the day it ended its last
                began = next((x for x in exact if x is not chosen and x.date < chosen.date and
                              R.cues["began_before_date"].search(ctx.text, max(s.start, x.start - R.window("date_verb_before")), x.start)), None)
                if began is not None:
                    chosen = replace(began, end_date=chosen.date)
                elif ended_span is not None and 2 <= (n_days := number_value(ended_span.group("n")) or 0) \
                        <= R.window("event_length_days_max"):
                    # "concluded a two-day visit to Athens on Wednesday": the day told is the last
                    chosen = replace(chosen, date=chosen.date - timedelta(days=n_days - 1), end_date=chosen.date)
                elif (span := _n_day().search(s.text, max(0, chosen.end - s.start), t.end - s.start)) is not None \
                        and (n_days := number_value(span.group("n")) or 0) >= 2 and n_days <= R.window("event_length_days_max"):
                    # "today concluded the two-day G20 Foreign Ministers' Meeting": the day it ended
                    # is its last, its first that many days before
                    chosen = replace(chosen, date=chosen.date - timedelta(days=n_days - 1), end_date=chosen.date)
            closed_span, closing_verb = R.cues.get("closed_after_days"), R.cues.get("closing_verb")
            if chosen is not None and chosen.end_date is None and not chosen.vague and closed_span is not None \
                    and closing_verb is not None and t.end <= chosen.start and may_match(closing_verb, s.text) \
                    and (m_span := closed_span.search(s.text)) is not None \
                    and (closing_verb.search(ctx.text, t.end, chosen.start) is not None
                         or R.cues["closing_verb_before"].search(
                             ctx.text, max(s.start, t.start - R.window("closing_verb_before")), t.start) is not None):
                # "The two-day summit closed at the resort on Sunday", "The Council concluded in
                # Skopje today, after two days of discussions": the day told is the last of that many
                n_days = number_value(m_span.group("n") or m_span.group("n2")) or 0
                if 2 <= n_days <= R.window("event_span_days_max"):
                    chosen = replace(chosen, date=chosen.date - timedelta(days=n_days - 1), end_date=chosen.date)
            # (not a day told as the one the event began: "on the second day of a three-day visit
            # to Malaysia that began on Tuesday" dates the visit from that Tuesday)
            nth = R.cues["nth_day_of"].search(ctx.text, max(s.start, t.start - R.window("nth_day_before")), t.start) \
                if chosen is not None and chosen.end_date is None and t.type in host_party and not (
                    chosen.start > t.end and R.cues["began_before_date"].search(
                        ctx.text, max(s.start, chosen.start - R.window("date_verb_before")), chosen.start)) else None
            n = R.cue_values["nth_day_of"].get(nth.group(1).lower(), 0) if nth else 0
            if n == 0 and nth is not None:
                # "on the last day of a three-day visit": the span's last day, its first before it
                span = _n_day().search(ctx.text, nth.start(), min(s.end, t.end + R.window("length_in_days_after")))
                n = (number_value(span.group("n")) or 0) if span is not None else 0
                n = n if 2 <= n <= R.window("event_length_days_max") else 0
            if n > 0 and chosen is not None:
                # "on the second day of Hegseth's visit to Panama": the visit began the day before
                chosen = replace(chosen, date=chosen.date - timedelta(days=n - 1), end_date=chosen.date)
            if chosen is not None and chosen.relative and future:
                chosen = _within_told_range(drafts, chosen)
                chosen = _after_plan_told(drafts, s, chosen)
            if chosen:
                d.by_dateline = not own
                d.date, d.end_date, d.date_explicit = chosen.date, chosen.end_date, True
                if d.end_date is None and not chosen.vague:
                    # (a last day told with "until" anywhere in the sentence: "inaugurated yesterday
                    # the exercise, which until 21 July will gather ships of 20 countries", batch ye)
                    d.end_date = _end_day(ctx.text, s, chosen, exact + [x for x in ds if not x.vague and x not in exact])
                    span = _n_day().search(s.text)
                    closing_cue = R.cues.get("span_closing_after")
                    if d.end_date is not None and span is not None and closing_cue is not None and t.type in host_party \
                            and closing_cue.match(s.text, span.end()):
                        # "as the French President's three-day state visit to the UK came to a close"
                        # today: the day told is the span's last
                        d.date, d.end_date = d.date - (d.end_date - d.date), d.date
                if chosen.vague:
                    d.vague = True
                    d.confidence -= R.confidence("event_vague_date_penalty")
                    if day0 and chosen.date < day0:
                        # "the two ministers met in Minsk last week": a week or a month gives no day;
                        # the event only adds to one reported with its day (docs/annotation.md 2:
                        # every event has a day; round 24 probes)
                        d.reference = True
                if day0 and chosen.date > day0:
                    future = True
            else:
                # "welcomed X to Bratislava on Monday ... In the afternoon X visited the range":
                # an event told without a day is on the day the report last named
                after_talks = R.cues.get("after_the_talks_opens")
                talks = next((x for x in reversed(drafts) if x.sentence.start < s.start and x.type == "Meeting"
                              and not x.earlier_leg and x.date_explicit and x.date is not None and not x.planned and not x.side),
                             None) if not future and after_talks is not None and after_talks.match(s.text) else None
                # (an event under way whose end is told ahead, "The exercise will continue until
                # January 26", is on the day told before, like one told in the present)
                part_of_day = R.cues.get("part_of_day_told")
                # "He will travel on to Malaysia in the afternoon": a part of the day last named
                day_part = part_of_day is not None and part_of_day.search(s.text) is not None
                not_yet = future and closing is None and not day_part
                told_at = None if not_yet or talks is not None else _last_day_told(ctx, s, day0)
                told = told_at[0] if told_at else None
                d.date = None if not_yet else (told or (talks.date if talks is not None else day0))
                if talks is not None:
                    # "Following the talks, the two leaders witnessed the exchange of ...": the talks' day
                    d.date_explicit = True
                if day_part and future and told is not None:
                    d.date_explicit = True  # "On the 4th, ... He will travel on to Malaysia in the afternoon"
                after_told = R.cues.get("day_after_told")
                later = after_told.search(s.text) if told is not None and after_told is not None else None
                n_later = (number_value(later.group("n")) or 1) if later is not None and later.groupdict().get("n") else 1
                if told is not None and later is not None and (day0 is None or told + timedelta(days=n_later - 1) < day0):
                    # "met Trump at the White House on Feb. 28 ... flew to London the next day"; "Two
                    # days later, he received ...": that many days after
                    d.date, d.date_explicit, told_at = told + timedelta(days=n_later), True, None
                before_told = R.cues.get("day_before_told")
                if told is not None and d.date == told and before_told is not None and before_told.search(s.text):
                    # "In Moscow today the ministers held talks ... The day before, the minister
                    # visited Kaliningrad": the day before the day the report last named
                    d.date, d.date_explicit, told_at = told - timedelta(days=1), True, None
                d.told_day = told is not None and t.type == "Meeting"
                if told_at is not None and d.place is None and not remote:
                    # "welcomed X to ... Athens on Wednesday 10 September. After their talks, the
                    # two ministers signed ...": where that day was spent, when one city is named
                    cities = {_place_key(pl): pl for pl in ctx.within(ctx.places, told_at[1])
                              if pl.kind == "city" and not _is_dateline(ctx.text, pl)}
                    # (an event at a building of its own, "received at Belém Palace", is not in a city
                    # of a state that takes no part: "came from Brussels, where earlier on Tuesday ...")
                    if len(cities) == 1 and (d.venue is None or next(iter(cities.values())).iso3 in _states(d)):
                        d.place = next(iter(cities.values()))
            upon_arrival = R.cues.get("upon_arrival")
            ua = upon_arrival.search(s.text) if upon_arrival is not None and not future \
                and may_match(upon_arrival, s.text) else None
            if ua is not None:
                # "... who held a working meeting yesterday evening, upon the Canadian delegation's
                # arrival": the day told nearest the arrival (in its sentence) is the guests' first
                days_told = [dm for dm in ctx.within(ctx.dates, s) if not dm.vague and not _is_dateline_date(ctx.text, dm)]
                if days_told:
                    at_arrival = s.start + ua.start()
                    nearest = min(days_told, key=lambda dm: abs(dm.start - at_arrival))
                    d.arrival_day = _rebase(nearest, day0).date
            if closing is not None and d.date is not None and d.end_date is None and closing.date > d.date:
                d.end_date = closing.date
            if closing is not None and not chosen and t.type in host_party and \
                    (span_told := _n_day().search(s.text, 0, t.end - s.start)) is not None and \
                    2 <= (n_days := number_value(span_told.group("n")) or 0) <= R.window("event_length_days_max"):
                # "The five-day state visit ends on Thursday": its last day told ahead, its first
                # that many days before (not the day the report last named, batch yf)
                d.date, d.end_date = closing.date - timedelta(days=n_days - 1), closing.date
            d.planned = future and (d.date is None or day0 is None or d.date >= day0)
            if future and (not chosen or chosen.vague) and closing is None and not (not chosen and day_part):
                # "to be hosted by Australia later this year": a plan without a day (not an event
                # under way whose end is told ahead: "The exercise will continue until January 26")
                d.tentative = True
            if d.count and t.type == "Meeting":
                d.confidence += R.confidence("event_count_bonus")
            if t.type == "Meeting" and not d.headline and not t.convening and R.cues["the_event_again"].match(
                    s.text, 0, t.start - s.start) and R.cues["event_noun"].fullmatch(t.word) and \
                    any(x.type in ("Meeting", "Call") and x.sentence is not s and not x.headline for x in drafts):
                # "The summit, which lasted two hours, came after ...": the meeting told before, named
                # again (it adds to that one, never makes another)
                d.reference = True
                # its day may be another event's ("follows the agreement of 10 March"), unless the
                # sentence tells it as the meeting's own ("The meeting took place on Thursday")
                d.date_explicit = d.date_explicit and chosen is not None and told_own is not None
            leg = R.cues.get("earlier_leg_before")
            d.earlier_leg = leg is not None and may_match(leg, s.text) and \
                leg.search(s.text, max(0, t.start - s.start - R.window("earlier_leg_before")), t.start - s.start) is not None
            drafts.append(d)
            d.bilateral = t.type == "Meeting" and bool(R.cues["bilateral_meeting"].search(s.text, max(0, t.start - s.start - R.window("bilateral_before"))))
            # ("meet A in Tallinn on Monday and B in Riga on Tuesday": a meeting of each)
            legs_cut = _own_day_and_city_cut(s, t, pls, ds, triggers, parts) if t.type in ("Meeting", "Call") else None
            if t.type in ("Meeting", "Call", "AgreementSigning") and (
                    _shared_out(s, t)
                    or t.type != "AgreementSigning" and _SEPARATE.search(s.text[max(0, t.start - s.start - R.window("separate_before")):t.start - s.start])
                    or _bilateral_plural(s, t)
                    or R.cues["counted_events_before"].search(s.text[max(0, t.start - s.start - R.window("separate_before")):t.end - s.start])
                                        or _SEPARATE_IN.search(s.text, t.start - s.start)
                                        or _SEPARATELY_AFTER.match(s.text, t.end - s.start)
                                        or R.cues["separately_later"].match(s.text, t.end - s.start)
                                        or legs_cut is not None):
                drafts.extend(_separate(s, d, parts, t, pls, [x for x in ds if not x.vague], legs_cut))
            if t.type in host_party and chosen is not None:
                stops = _itinerary(ctx, s, d, day0, future)
                drafts.extend(stops)
                stop_drafts.extend(stops)
                stop_states |= {r.key for x in stops for r in x.participants[-1:]}
        if stop_states:
            # "for talks ... on Monday and to Fiji on Thursday": a later stop's state is no party
            # to the sentence's other events
            for x in drafts:
                if x.sentence is s and x.date is not None and not any(x is y for y in stop_drafts):
                    x.participants = [r for r in x.participants if not (r.kind == "country" and r.key in stop_states)]
    # A meeting on the margins with no date of its own is held on its host meeting's day
    # and, named with no place of its own, where the host meeting was
    last_dated = None
    for d in drafts:
        if d.side and not d.date_explicit and last_dated is not None:
            d.date, d.end_date, d.planned = last_dated.date, None, last_dated.planned
            d.place = d.place or last_dated.place
        elif not d.side and d.date_explicit:
            last_dated = d
    # "The drill came a day after the top officers of the two countries met in Seoul": the
    # earlier event is one of its own day, that many days from the event reported before it
    # (in its sentence or the one before; cue days_apart_before)
    for i, d in enumerate(drafts):
        apart = d.trigger.days_apart
        if apart is None and not d.trigger.earlier or d.headline:
            continue
        # ("The call came a day after ...": the subject names the event reported again, cue
        # days_apart_subject_again; it may be told sentences before)
        again = apart is not None and (again_cue := R.cues.get("days_apart_subject_again")) is not None \
            and again_cue.match(d.sentence.text) is not None
        anchor = next((x for x in reversed(drafts[:i]) if x.trigger.days_apart is None and not x.trigger.earlier and not x.reference
                       and x.date is not None and (x.type != d.type or x.sentence.end >= d.sentence.start - 2 or again)), None)
        if anchor is None or anchor.date is None:
            continue
        if apart is None:
            # ("The meeting followed the signing of the accord in Bishkek on 13 March"): its own day,
            # told before the statement's; its parties those of the event reported, unless told
            d.reference, d.planned = False, False
        else:
            on = anchor.date + timedelta(days=apart)
            d.date, d.end_date, d.date_explicit, d.reference = on, None, True, False
            d.planned = anchor.planned and (day0 is None or on >= day0)
        if len(_states(d)) < 2:
            # ("a day after their defence ministers met", "the chiefs of the two countries"): the
            # parties of the event it is reckoned from
            for r in anchor.participants:
                if r.kind == "country":
                    _add(d.participants, r)
    return drafts


_LEG_CLAUSE_END = re.compile(r"[,;:]")


def _earlier_leg_span(s: Sentence, u: ev_rules.Trigger) -> tuple[int, int] | None:
    """Where the clause about the city a traveller came from runs, when trigger `u` is inside it
    ("from Vilnius, where he had signed a memorandum with Lithuania on Monday,"; cue
    earlier_leg_before): from "from" to the clause's end."""
    leg = rules().cues.get("earlier_leg_before")
    if leg is None or not may_match(leg, s.text):
        return None
    lo = max(0, u.start - s.start - rules().window("earlier_leg_before"))
    m = leg.search(s.text, lo, u.start - s.start)
    if m is None:
        return None
    end = _LEG_CLAUSE_END.search(s.text, u.end - s.start)
    return s.start + m.start(), s.start + (end.start() if end is not None else len(s.text))


def _outside_earlier_legs(s: Sentence, t: ev_rules.Trigger, triggers: list[ev_rules.Trigger],
                          ds: list[DateMention]) -> list[DateMention]:
    """The days of the sentence less those of an earlier leg told in it, for a trigger outside
    that leg ("X, who came from Vilnius, where he had signed ... on Monday, was received by Y on
    Tuesday": Tuesday is the reception's)."""
    if len(triggers) < 2 or not ds or _earlier_leg_span(s, t) is not None:
        return ds
    spans = [sp for u in triggers if u is not t and (sp := _earlier_leg_span(s, u)) is not None]
    if not spans:
        return ds
    return [x for x in ds if not any(a <= x.start < b for a, b in spans)] or ds


def _earlier_leg_parties(ctx: _Context, s: Sentence, t: ev_rules.Trigger, triggers: list[ev_rules.Trigger],
                         parts: list[tuple[ActorRef, int]]) -> list[tuple[ActorRef, int]]:
    """The parties of an earlier leg told in the clause about the city the traveller came from
    ("Zelensky, who came from Madrid, where he had signed a similar agreement with Spain on Monday,
    was also received by King Philippe"; cue earlier_leg_before): those of the clause and the
    traveller (the one a sentence's opening pronoun stands for: "He came from Wellington, where he
    had held talks with ..."), not the host the main clause names after it; and the other way
    round, the parties of the leg's clause are none of the main clause's event."""
    span = _earlier_leg_span(s, t)
    if span is None:
        others = [sp for u in triggers if u is not t and (sp := _earlier_leg_span(s, u)) is not None]
        return [(ref, pos) for ref, pos in parts if not any(a <= pos < b for a, b in others)] if others else parts
    parts = [(ref, pos) for ref, pos in parts if pos < span[1]]
    if not any(ref.kind == "person" and pos < t.start for ref, pos in parts):
        ante = ctx.pronoun_antecedent(s)
        if ante is not None and ante.country:
            parts = [(ActorRef("person", ante.key), s.start), (ActorRef("country", ante.country), s.start)] + parts
    return parts


def _also_on_margins(drafts: list[ev_rules.EventDraft], s: Sentence, t: ev_rules.Trigger) -> bool:
    """"On the sidelines of the meeting, Wang held talks with Iwaya ... Wang also met with Cho": the
    next bilateral of the series, held on the same margins (cue also_met_opens), when the event
    told last, in an earlier sentence, is a meeting on the margins."""
    cue = rules().cues.get("also_met_opens")
    last = drafts[-1] if drafts else None
    return cue is not None and t.type == "Meeting" and last is not None and last.side \
        and last.type == "Meeting" and last.sentence.start < s.start and cue.match(s.text) is not None




def _dated_long_before(ctx: _Context, s: Sentence, t: ev_rules.Trigger, day0: date, days: int) -> bool:
    """The trigger's own clause names a day or month long before the statement ("which was
    signed in Paris in December 1995", "the treaty they signed in 2019"): an earlier event told
    as background, not one reported: a day more than window background_days before; a month or a
    year told alone, with no day, as soon as it has ended (window month_alone_days: "signed the
    frigate agreement in January", told on 20 February; docs/annotation.md 2, an event told only by
    its month is left out)."""
    rel = t.end - s.start
    alone = rules().window("month_alone_days")
    brk = rules().cues["clause_break_after_trigger"].search(s.text, rel)
    apposed = rules().cues.get("name_apposition_after")
    while brk is not None and apposed is not None and (name := apposed.match(s.text, brk.start())) is not None:
        brk = rules().cues["clause_break_after_trigger"].search(s.text, name.end())  # ", Malindo Darsasa,": a name
    hi = s.start + (brk.start() if brk else len(s.text))
    since = rules().cues.get("since_clause")
    sub = since.search(s.text, rel, hi - s.start) if since is not None else None
    if sub is not None:
        hi = s.start + sub.start()  # "on his first visit to Malaysia since he took office last month"
    for d in ctx.within(ctx.dates, s):
        if t.start <= d.start < hi and not d.relative and not _is_dateline_date(ctx.text, d):
            last = d.end_date or d.date
            if (day0 - last).days > days:
                return True
    # a month or a year alone ("in December 1995", "in 2019"), which find_dates does not give,
    # in the trigger's clause, after it or before it ("and in October the Minister signed"),
    # or in a month that opens the sentence ("In February, the Minister visited Ankara")
    breaks = list(rules().cues["clause_break_after_trigger"].finditer(s.text, 0, t.start - s.start))
    lo = breaks[-1].end() if breaks else 0
    spans = [(lo, hi - s.start)]
    opening = _OPENING_MONTH.match(s.text)
    if opening is not None and opening.end() <= t.start - s.start:
        spans.append((0, opening.end()))
    elif (phrase := rules().cues["opening_phrase"].match(s.text)) is not None and phrase.end() <= t.start - s.start \
            and not any(s.start + phrase.end() <= d.start for d in ctx.within(ctx.dates, s)
                        if not _is_dateline_date(ctx.text, d)):
        spans.append((0, phrase.end()))  # "At the previous dialogue in Vientiane in 2023, the two sides signed"
    if breaks and rules().cues["when_clause"].match(s.text, lo):
        # "The row began in January, when Ethiopia signed ...": the time the clause before names
        spans.append((breaks[-2].end() if len(breaks) > 1 else 0, lo))
    for a, b in spans:
        if rules().cues["background_time"].search(s.text, a, b):
            return True  # "the exercise in Bali last year", "when I travelled to Kyiv last month"
        for m in _MONTH_OR_YEAR.finditer(s.text, a, b):
            # "Malabar began in 1992 as a bilateral exercise between India and the United States":
            # a year alone ends with its December; a month with no year is the last one so named
            month = _MONTH_NUMBER[m.group("mon")[:3].lower()] if m.group("mon") else 12
            told = m.group("y") or m.group("year")
            year = int(told) if told else (day0.year if month <= day0.month else day0.year - 1)
            if (day0 - date(year, month, 28)).days > alone:
                return True
    return False


_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
# a month (with or without its year) or a year named alone, no day before or after it, after
# "in", in a clause: "in January", "in early March 2019", "in 2019", "in mid-2019"
_MONTH_OR_YEAR = re.compile(r"\b[Ii]n\s+(?:early\s+|mid-|late\s+)?(?:(?P<mon>" + _MONTHS
                            + r")(?:\s+(?P<y>(?:19|20)\d\d))?|(?P<year>(?:19|20)\d\d))\b(?!\s+\d)")
_OPENING_MONTH = re.compile(r"\W*(?:[Ii]n|[Dd]uring|[Ss]ince)\s+(?:early\s+|mid-|late\s+)?(?P<mon>" + _MONTHS +
                            r")(?:\s+(?P<y>(?:19|20)\d\d))?\s*,")


_MONTH_NUMBER = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                              "nov", "dec"), start=1)}


@per_rules
def _n_day(r: Rules) -> re.Pattern[str]:
    """An event's length in days: "a three-day visit" (a count in words: cue number_word; the
    event, cue length_in_days_noun)."""
    return quick_start(re.compile(
        r"\b(?P<n>\d{1,2}|" + r.cue_texts["number_word"] + r")[- ]day\s+(?:[\w'’]+\s+){0,3}?(?:"
        + r.cue_texts["length_in_days_noun"] + r")\b", re.I))


def _end_day(text: str, s: Sentence, start: DateMention, dates: list[DateMention]) -> date | None:
    """The last day of an event told with its first: "a three-day port call ending on Friday",
    "arrived on Wednesday on a four-day visit", "is scheduled to leave Colombo on 20 August"."""
    longest = rules().window("end_told_max_days")
    for x in dates:
        if x is not start and 0 < (x.date - start.date).days <= longest and rules().cues["until_before_date"].search(text[max(s.start, x.start - rules().window("until_before_date")):x.start]):
            return x.date
        if x is not start and x.relative and x.text.lower().split()[0] in ("until", "till") and x.end_date is None:
            # "arrived on Monday for a visit lasting until Wednesday": the first such weekday after it
            ahead = (x.date.weekday() - start.date.weekday()) % 7
            if ahead:
                return start.date + timedelta(days=ahead)
    m = _n_day().search(s.text)
    if m is not None:
        n = number_value(m.group("n")) or 0
        if 2 <= n <= rules().window("event_span_days_max"):
            return date.fromordinal(start.date.toordinal() + n - 1)
    return None


_COORDINATED = re.compile(r"\band\b|,", re.I)


def _own_parties(s: Sentence, triggers: list[ev_rules.Trigger], t: ev_rules.Trigger,
                 parts: list[tuple[ActorRef, int]]) -> list[tuple[ActorRef, int]]:
    """'held talks with the Estonian minister and signed a letter of intent with the Dutch one':
    where two events of one sentence each name their own counterpart after them, each keeps its
    own (and both the side named before the first)."""
    i = next((k for k, x in enumerate(triggers) if x is t), -1)
    if i < 0 or len(triggers) < 2:
        return parts

    def owns(lo: int, hi: int) -> bool:
        return any(lo <= pos < hi and ref.kind in ("country", "person") for ref, pos in parts)

    def split(a: ev_rules.Trigger, b: ev_rules.Trigger, b_end: int) -> bool:
        return b.start > a.end and bool(_COORDINATED.search(s.text, a.end - s.start, b.start - s.start)) \
            and owns(a.end, b.start) and owns(b.start, b_end)

    ends = [x.start for x in triggers[1:]] + [s.end]
    if i + 1 < len(triggers) and split(t, triggers[i + 1], ends[i + 1]):
        parts = [(ref, pos) for ref, pos in parts if pos < triggers[i + 1].start]
    if i > 0 and split(triggers[i - 1], t, ends[i]):
        prev = triggers[i - 1]
        parts = [(ref, pos) for ref, pos in parts if not prev.end <= pos < t.start]
    return parts


_PIECE_BREAK = re.compile(r"[;,]")




def _segments(ctx: _Context) -> list[tuple[Sentence, list[ActorRef], ev_rules.Trigger | None]]:
    """Each sentence, or the clauses of one that tells several events each with a day of its own
    ("held talks in The Hague on Monday, received General X on Wednesday, and on Friday spoke by
    phone with ..."): one clause per event, the later ones with the parties the first names
    before its event (the one who acts in all of them), and a later clause with no verb of its
    own ("and in Tokyo on Saturday for talks") with the first one's future."""
    out: list[tuple[Sentence, list[ActorRef], ev_rules.Trigger | None]] = []
    for s in ctx.sentences:
        ds = [d for d in ctx.within(ctx.dates, s) if not d.vague and not _is_dateline_date(ctx.text, d)]
        # "arrived on Saturday, March 16, for a port call until Wednesday, March 20": the last day
        # of the event told before is no event of its own
        ends = [d for d in ds if rules().cues["until_before_date"].search(ctx.text[max(s.start, d.start - rules().window("until_before_date")):d.start])]
        if len({d.text.lower() for d in ds if d not in ends}) < 2 or not _PIECE_BREAK.search(s.text):
            out.append((s, [], None))
            continue
        cuts = [0] + [m.start() for m in _PIECE_BREAK.finditer(s.text)] + [len(s.text)]
        segs: list[list[int]] = []  # start, end, has an event word, has a day
        for a, b in zip(cuts, cuts[1:]):
            piece = Sentence(s.start + a, s.start + b, s.text[a:b])
            # "..., where he is to meet X, the ministry announced on Wednesday": a relative clause
            # goes on with the event before it
            trig = int(not rules().cues["relative_piece"].match(piece.text) and bool(ev_rules.find_triggers(piece)))
            day = int(any(piece.start <= d.start < piece.end for d in ds))
            if segs and not (trig and segs[-1][2] and segs[-1][3]):
                segs[-1][1], segs[-1][2], segs[-1][3] = b, segs[-1][2] | trig, segs[-1][3] | day
            else:
                segs.append([a, b, trig, day])
        days = [next(d.text.lower() for d in ds if s.start + a <= d.start < s.start + b) for a, b, _t, _d in segs
                if _d]
        if len(segs) < 2 or not all(x[2] and x[3] for x in segs) or len(set(days)) < len(segs):
            out.append((s, [], None))
            continue
        parts = [Sentence(s.start + a, s.start + b, s.text[a:b]) for a, b, _t, _d in segs]
        first_t = ev_rules.find_triggers(parts[0])[0]
        first = first_t.start
        carry: list[ActorRef] = []
        for p, pos in ctx.persons_in(parts[0]):
            if pos < first:
                carry.append(ActorRef("post" if p.is_post else "person", p.key))
                if p.country:
                    carry.append(ActorRef("country", p.country))
        ahead = ev_rules.is_future(parts[0].text, first_t.start - parts[0].start, first_t.end - parts[0].start)
        out.append((parts[0], [], None))
        out.extend((x, carry, first_t if ahead and rules().cues["elliptic_piece"].match(x.text) else None) for x in parts[1:])
    return out


# ("separate and joint talks", "joint and separate meetings": the joint one is the event told, not
# one meeting per counterpart)
_SEPARATE = re.compile(r"(?<!\bjoint and )\bseparate(?:ly)?\s+(?!and\s+joint\b)(?:[\w-]+\s+){0,2}$", re.I)
_SEPARATELY_AFTER = re.compile(r"\s+separately\b", re.I)
# "received in separate audiences the Minister of A, X, and the Chief of B, Y": inside the trigger
_SEPARATE_IN = re.compile(r"\bseparate\b", re.I)


def _bilateral_plural(s: Sentence, t: ev_rules.Trigger) -> bool:
    """'held bilateral meetings with A and B': a plural told bilateral, one event per counterpart
    (cue bilateral_plural, matched on the trigger's words and the one before)."""
    cue = rules().cues.get("bilateral_plural")
    return cue is not None and cue.search(s.text, max(0, t.start - s.start - rules().window("separate_before")),
                                          t.end - s.start) is not None


def _shared_out(s: Sentence, t: ev_rules.Trigger) -> bool:
    """'signed agreements with A and with B', 'spoke with A and then with B': one event per
    counterpart (cues distributive and sequence_with in rules/event_types.yaml)."""
    cues = rules().cues
    rel = t.end - s.start
    dist, seq = cues.get("distributive"), cues.get("sequence_with")
    if dist is not None and t.word.split()[-1].lower().endswith("s") and dist.match(s.text, rel):
        return True
    noun = _NEXT_PLURAL.match(s.text, rel)
    if dist is not None and noun is not None and dist.match(s.text, noun.end()):
        return True  # "held bilateral talks on Wednesday with A and with B": the trigger's noun after it
    if seq is None:
        return False
    clause = rules().cues["clause_end"].search(s.text, rel)
    return seq.search(s.text, rel, clause.start() if clause else len(s.text)) is not None


_NEXT_PLURAL = re.compile(r"\s+[a-z-]+s\b")


_AND_LIST = re.compile(r",\s+(?:and\s+)?|\s+(?:and|as well as)\s+", re.I)


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][\w'’-]*")


def _own_day_cut(s: Sentence, t: ev_rules.Trigger, dated: Sequence[DateMention],
                 triggers: Sequence[ev_rules.Trigger], parts: Sequence[tuple[ActorRef, int]]) -> re.Match[str] | None:
    """"met A on Monday and B on Tuesday", "received A on March 10 and B on March 12", "met A, and
    on Wednesday B": a second counterpart after "and" with a day of its own, another day than the
    one told before the "and", and no verb of its own (cue own_day_counterpart_gap: nothing but
    the counterpart, its office and the day), is a meeting of its own (round 34 probes, issue 9:
    the two read as one meeting of both on the first day)."""
    gap = rules().cues.get("own_day_counterpart_gap")
    if gap is None:
        return None
    rel = t.end - s.start
    for m in _AND_LIST.finditer(s.text, rel):
        if "and" not in m.group().lower():
            continue
        if any(u is not t and u.start - s.start >= m.end() for u in triggers):
            return None
        nxt = _AND_LIST.search(s.text, m.end())
        hi = nxt.start() if nxt is not None and "and" in nxt.group().lower() else len(s.text)
        before = [x for x in dated if x.end - s.start <= m.start()]
        after = [x for x in dated if m.end() <= x.start - s.start < hi]
        mine = [pos for ref, pos in parts if ref.kind in ("country", "person") and m.end() <= pos - s.start < hi]
        theirs = [pos for ref, pos in parts if ref.kind in ("country", "person") and t.start <= pos < s.start + m.start()]
        if not before or not after or not mine or not theirs or after[0].date == before[-1].date:
            continue
        if not all(gap.fullmatch(w) for w in _LOWER_WORD.findall(s.text, m.end(), hi)):
            continue
        return m
    return None


def _own_day_and_city_cut(s: Sentence, t: ev_rules.Trigger, places: Sequence[PlaceMention],
                          days: Sequence[DateMention], triggers: Sequence[ev_rules.Trigger],
                          parts: Sequence[tuple[ActorRef, int]] = ()) -> re.Match[str] | None:
    """"He will meet A in Tallinn on Monday and B in Riga on Tuesday", "On Monday she will meet A in
    Berlin, and on Wednesday B in The Hague": a second counterpart after "and" with a day and a
    city of its own, another city than the first's, is a meeting of its own (round 29 probes: the
    two read as one meeting of both hosts); not where another event's word stands after the "and"
    ("and will travel to Riga on Tuesday": that leg is read by its own trigger)."""
    rel = t.end - s.start
    cities = [pl for pl in places if pl.kind == "city" and pl.start - s.start >= rel]
    dated = [x for x in days if not x.vague and x.end_date is None]
    if not dated:
        return None
    if len(cities) < 2:
        return _own_day_cut(s, t, dated, triggers, parts)
    for m in _AND_LIST.finditer(s.text, rel):
        if "and" not in m.group().lower():
            continue
        before = [pl for pl in cities if pl.start - s.start < m.start()]
        after = [pl for pl in cities if pl.start - s.start >= m.end()]
        if not before or not after or _place_key(before[-1]) == _place_key(after[0]):
            continue
        if any(u is not t and u.start - s.start >= m.end() for u in triggers):
            return None
        if any(x.start - s.start >= m.end() for x in dated) and \
                any(x.start - s.start < m.start() for x in dated):
            return m
        return None
    return None


def _separate(s: Sentence, d: ev_rules.EventDraft, parts: list[tuple[ActorRef, int]],
              t: ev_rules.Trigger, places: Sequence[PlaceMention] = (),
              days: Sequence[DateMention] = (), legs_cut: re.Match[str] | None = None) -> list[ev_rules.EventDraft]:
    """'had separate meetings with A and with B': one meeting per counterpart, each with the side
    named before the trigger (and the city named in its own part: "with A in Berlin and, later
    the same day, with B in Paris"; the day named in its own part: "with A on Thursday and with
    B on Friday")."""
    rel = t.end - s.start
    cuts = [m for m in rules().cues["and_with"].finditer(s.text, rel)]
    later = rules().cues["separately_later"].match(s.text, rel)
    # "held separate bilateral meetings with his counterparts from A and B": the word before
    before = _SEPARATE.search(s.text[max(0, t.start - s.start - rules().window("separate_before")):t.start - s.start]) is not None \
        or _bilateral_plural(s, t)
    if not cuts and (later is not None or before or _SEPARATE_IN.search(s.text, t.start - s.start)):
        # "met Vietnam's Minister X and Fiji's Minister Y separately", "received in separate
        # audiences the Minister of A, X, and the Chief of B, Y": a cut before each state named in
        # the list (an "and" inside an office, "Home Affairs and Immigration", is none)
        hi = later.end() if later is not None else len(s.text)
        states = [pos - s.start for ref, pos in parts if ref.kind == "country" and rel <= pos - s.start < hi]
        cuts = [m for m in _AND_LIST.finditer(s.text, rel, hi)
                if any(m.end() <= p <= m.end() + 2 for p in states)]
        if not cuts and _SEPARATE_IN.search(s.text, t.start - s.start):
            # the list's own words stand before each state: "the Minister of the Armed Forces of
            # Senegal, X, and the Chief of Defence Staff of Benin, Y"
            cuts = [m for m in _AND_LIST.finditer(s.text, rel, hi)
                    if any(m.end() < p for p in states)]
    if not cuts and legs_cut is not None:
        cuts = [legs_cut]  # "meet A in Tallinn on Monday and B in Riga on Tuesday"
    if not cuts:
        return []
    side = [ref for ref, pos in parts if pos < t.start]
    out: list[ev_rules.EventDraft] = []
    bounds = [m.end() for m in cuts] + [len(s.text)]
    taken: set[ActorRef] = set()
    for a, b in zip(bounds, bounds[1:]):
        own = [ref for ref, pos in parts if a <= pos - s.start < b and ref not in side]
        if not own:
            continue
        x = ev_rules.EventDraft(d.type, s, d.trigger, method=d.method, confidence=d.confidence,
                                reference=d.reference)
        x.participants = list(dict.fromkeys(side + own))
        x.date, x.end_date, x.date_explicit, x.planned = d.date, d.end_date, d.date_explicit, d.planned
        x.place, x.venue, x.side, x.tentative = d.place, d.venue, d.side, d.tentative
        city = next((pl for pl in places if pl.kind == "city" and a <= pl.start - s.start < b), None)
        if city is not None and not d.side:
            x.place, x.venue = city, None
        day = next((dm for dm in days if a <= dm.start - s.start < b), None)
        if day is not None and d.date is not None and day.end_date is None:
            x.date, x.date_explicit = day.date, True
        elif day is None and d.date is not None and (after_told := rules().cues.get("day_after_told")) is not None \
                and (later := after_told.search(s.text, a, b)) is not None:
            # "with A in Belgrade on Tuesday and with B in Sarajevo the following day": the day after
            n_later = number_value(later.group("n")) if later.groupdict().get("n") else None
            x.date, x.date_explicit = d.date + timedelta(days=n_later or 1), True
        x.person_states, x.bilateral = d.person_states, d.bilateral
        d.separate, x.separate = 1, len(out) + 2
        out.append(x)
        taken |= set(own)
    rest = [r for r in d.participants if r not in taken or r in side]
    if len(out) == 1 and not [r for r in rest if r not in side]:
        d.separate = 0  # one counterpart only ("held a separate bilateral meeting with X"): no split
        return []
    d.participants = rest
    return out


# a relative clause on the topic of talks: "talks on the X that ...", "about the Y which ..."
_WHERE_AFTER = re.compile(r",\s+where\s")
# a comma between the names of a list ("Finland, Sweden and Denmark"): a name, then another
# and a comma or "and"/"or" after it
_LIST_COMMA = re.compile(r"(?<=[\w.’']),(?=[ \t]+(?:the[ \t]+)?[A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*){0,2}(?:,|[ \t]+(?:and|or)[ \t]))")


# a place and a comma, or a city and its state ("Nairobi, Kenya, Mar 14 -")
_DATELINE_HEAD = re.compile(r"[^\W\d][\w .'’-]{0,30},\s*(?:[^\W\d][\w .'’-]{0,30},\s*)?")
_DATELINE_TAIL = re.compile(r"[\s.,]*(?:(?:\(\s*[^\W\d][\w ./-]{0,30}\)|/\s*[^\W\d][\w .-]{0,30}/)[\s.]*[:–—-]?|[:–—-]"
                            r"|[A-Z]{2,8}\s*[:–—-])")  # "(APP):", "(POST-COURIER/PACNEWS) ---", "/Agerpres/ -", "—", ", SPA --"


def _is_dateline_date(text: str, d: DateMention) -> bool:
    """A date in a report's dateline ("RIYADH, Sep 18 (APP):", "Bucharest, 10 September /Agerpres/ -",
    "Nairobi, Kenya, Mar 14 -"):
    a place and a comma open the line, the agency or a dash follows."""
    line_start = text.rfind("\n", 0, d.start) + 1
    return not d.relative and bool(_DATELINE_HEAD.fullmatch(text, line_start, d.start)) and \
        bool(_DATELINE_TAIL.match(text, d.end, d.end + rules().window("dateline_tail_after")))


def dateline_date(ctx: _Context, *, before: int | None = None, after: int = -1) -> DateMention | None:
    """The first date of a report's dateline (_is_dateline_date) that starts after ``after`` and
    before ``before`` (None: anywhere)."""
    return next((d for d in ctx.dates if after < d.start and (before is None or d.start < before)
                 and _is_dateline_date(ctx.text, d)), None)


def dateline_city(ctx: _Context, *, before: int | None = None) -> PlaceMention | None:
    """The first city of a known state that opens a report's dateline (_is_dateline), starting
    before ``before`` (None: anywhere): where the report was filed."""
    return next((p for p in ctx.places if p.kind == "city" and p.iso3
                 and (before is None or p.start < before) and _is_dateline(ctx.text, p)), None)


def _is_dateline(text: str, p: PlaceMention) -> bool:
    """A city that opens a line as a report's dateline ("SEOUL, Aug. 21 (Yonhap) --", "SANTO DOMINGO.-")."""
    line_start = text.rfind("\n", 0, p.start) + 1
    return not text[line_start:p.start].strip() and \
        bool(re.match(r"\s*(?:" + AGENCY_IN_BRACKETS + r"\s*)?(?:\.(?=[–—-]))?[,:–—-]", text[p.end:p.end + rules().window("dateline_city_after")]))


def _phrase_end(text: str, start: int) -> int:
    """End of the noun phrase after "on the margins of": the next comma, clause or place word."""
    w = rules().window("margins_phrase_chars")
    m = rules().cues["margins_phrase_end"].search(text[start:start + w])
    return start + (m.start() if m else min(len(text) - start, w))


def _in_future_clause(text: str, trigger_end: int, rel: int, future_cue: re.Pattern[str]) -> bool:
    """A name after a clause break whose clause speaks of the future ("will begin")."""
    if rel <= trigger_end:
        return False
    breaks = list(rules().cues["clause_break_after_trigger"].finditer(text, trigger_end, rel)) + \
        list(rules().cues["resolve_verb"].finditer(text, trigger_end, rel))
    if not breaks:
        return False
    last = max(breaks, key=lambda b: b.end())
    clause_end = text.find(";", rel)
    # (", and is scheduled to end on 27 February": the main subject's next predicate ends the clause)
    pred = rules().cues["next_predicate"].search(text, rel, clause_end if clause_end >= 0 else len(text))
    clause = text[last.end():pred.start() if pred else clause_end if clause_end >= 0 else len(text)]
    # "... will begin", or "agreed to coordinate with Finland": what they mean to do
    return bool(future_cue.search(clause)) or (last.re is rules().cues["resolve_verb"] and bool(re.match(r"\s+to\b", clause)))


def _event_place(places: list[PlaceMention], t: ev_rules.Trigger) -> tuple[PlaceMention | None, bool]:
    """The place nearest the trigger: (place, close enough to name the host of a visit)."""
    if not places:
        return None, False
    rel_t = t.start - t.sentence_start
    for p in reversed([p for p in places if p.kind == "city" and p.end <= t.start]):
        where = _WHERE_AFTER.match(t.sentence_text, p.end - t.sentence_start)
        if where is not None and where.end() <= rel_t and "," not in t.sentence_text[where.end():rel_t]:
            return p, True  # "leaves for Harare, where the leaders will meet tomorrow": the clause's place
    w_after, w_before = rules().window("place_after_trigger"), rules().window("place_before_trigger")
    a_start, a_end = t.anchor or (t.start, t.end)
    after = [p for p in places if (p.start >= t.end and p.start - t.end <= w_after)
             or (p.start >= a_end and p.start - a_end <= w_after)]
    before = [p for p in places if (p.end <= t.start and t.start - p.end <= w_before)
              or (p.end <= a_start and a_start - p.end <= w_before)]
    # a venue named as the place, not as the name of a thing ("the Lancaster House treaties")
    def named_thing(p: PlaceMention) -> bool:
        rel = p.end - t.sentence_start
        return p.kind == "venue" and bool(rules().cues["named_after_venue"].match(t.sentence_text[rel:rel + rules().window("venue_namesake_after")]))

    # the dateline's city tells where the report was filed, not where the event was held; the
    # place one goes back to is home ("before returning to Colombo")
    back = rules().cues["return_to_before"]
    after = [p for p in after if not named_thing(p) and not (p.kind == "city" and _is_dateline_at(t, p))
             and not back.search(t.sentence_text, max(0, p.start - t.sentence_start - rules().window("return_to_before")), p.start - t.sentence_start)]
    before = [p for p in before if not named_thing(p) and not (p.kind == "city" and _is_dateline_at(t, p))]
    venue = next((p for p in after + before if p.kind == "venue"), None)
    if after:
        return (venue or after[0]), True
    if before:
        return (venue or before[-1]), True
    venue = next((p for p in places if p.kind == "venue" and not named_thing(p)), None)
    if venue:
        return venue, False
    # Further away in the same sentence, unless another matter intervenes ("attack in Manbij");
    # never the city of the dateline, which tells where the report was filed
    for p in places:
        if p.kind == "city" and _is_dateline_at(t, p) or \
                back.search(t.sentence_text, max(0, p.start - t.sentence_start - rules().window("return_to_before")), p.start - t.sentence_start):
            continue
        lo, hi = (t.end, p.start) if p.start >= t.end else (p.end, t.start)
        if not rules().cues["place_break"].search(ctx_text_between(places, t, lo, hi)):
            return p, False
    return None, False




def _is_dateline_at(t: ev_rules.Trigger, p: PlaceMention) -> bool:
    rel = p.start - t.sentence_start
    text = t.sentence_text
    return 0 <= rel and not text[:rel].strip() and bool(re.match(r"\s*(?:" + AGENCY_IN_BRACKETS + r"\s*)?[,:–—-]", text[rel + p.end - p.start:]))


def ctx_text_between(places: list[PlaceMention], t: ev_rules.Trigger, lo: int, hi: int) -> str:
    return t.sentence_text[lo - t.sentence_start: hi - t.sentence_start] if hi > lo else ""


def _venue_city(venue: PlaceMention, ctx: _Context) -> PlaceMention | None:
    from .places import lookup_city

    name = rules().venue_city.get(venue.name)
    named_after = name is None and " " in venue.name
    if named_after:
        name = venue.name.rsplit(" ", 1)[0]  # "Luqa Barracks": the town the venue is named after
    city = lookup_city(name) if name else None
    if city is None:
        return None
    if named_after and city.iso3 not in {c.iso3 for c in ctx.countries} | \
            {p.country for p in ctx.persons if p.country} | {ctx.home}:
        return None  # "received at Belém Palace" in Lisbon: no town Belém of Brazil, a state the text never names
    return city_mention(venue.start, venue.end, city)


def _itinerary(ctx: _Context, s: Sentence, d: ev_rules.EventDraft, day0: date | None,
               future: bool) -> list[ev_rules.EventDraft]:
    """'will travel to Tonga on Monday and to Fiji on Thursday': one visit per stop and day.
    Each later stop (a state or city, then its own date) leaves the first visit and makes its own."""
    out: list[ev_rules.EventDraft] = []
    t_end = d.trigger.end
    dates = [x for x in ctx.within(ctx.dates, s) if x.start >= t_end and not _is_dateline_date(ctx.text, x)]
    same_day = rules().cues.get("same_day_after_stop")
    if len(dates) < 2 and not (dates and same_day is not None and same_day.search(s.text)):
        return out
    stops = [(c.start, c.end, c.iso3, None) for c in ctx.within(ctx.countries, s) if c.start > t_end] + \
        [(p.start, p.end, p.iso3, p) for p in ctx.within(ctx.places, s) if p.start > t_end and p.kind == "city"]
    next_stop = rules().cues["next_stop"]
    starts: list[int] = []
    for a, b, iso3, place in sorted(stops, key=lambda x: x[0]):
        lead = next_stop.search(ctx.text, max(t_end, a - rules().window("next_stop_before")), a)
        while lead is not None and lead.end() != a:  # (the words right before the stop, not an earlier "and")
            lead = next_stop.search(ctx.text, lead.start() + 1, a)
        if lead is None or lead.end() != a or not iso3:
            continue
        when = next((x for x in dates if b <= x.start <= b + rules().window("next_stop_day_after") and
                     re.fullmatch(r"\s*(?:,\s*)?(?:on|from)?\s*", ctx.text[b:x.start])), None)
        if when is None and same_day is not None and same_day.match(ctx.text, b) and dates[0].start < a:
            when = replace(dates[0], start=b, end=b)  # "and goes on to Paramaribo in the evening": that day
        elif when is None or when is dates[0] and dates[0].start < a:
            continue
        if not any(x.start < a for x in dates):
            continue  # the first stop must have its own day, or the later day is the whole trip's
        when = _retense(_rebase(when, day0), day0, future)
        last = out[-1].date if out else d.date
        if last is not None and when.date is not None and when.date < last and when.end_date is None and _bare_weekday(when):
            # "will travel to Fiji on Monday, Tonga on Wednesday and Samoa on Friday" told on a
            # Friday: a later stop's bare weekday is the first such day after the stop before it
            when = replace(when, date=when.date + timedelta(days=7 * ((last - when.date).days // 7 + 1)))
        stop = ev_rules.EventDraft(d.type, s, d.trigger, method=d.method, confidence=d.confidence,
                                   reference=d.reference)
        # the traveller's side: the persons named before the trigger and their states
        stop.participants = [r for r in d.participants if r.kind in ("person", "post") or
                             (r.kind == "country" and r.key in d.person_states and r.key != iso3)]
        stop.participants.append(ActorRef("country", iso3))
        d.participants = [r for r in d.participants if not (r.kind == "country" and r.key == iso3)]
        stop.date, stop.end_date, stop.date_explicit = when.date, when.end_date, True
        stop.planned = d.planned
        stop.place = place
        stop.itinerary = d.itinerary = True
        if d.place is not None and place is not None and d.place is place:
            d.place = None
        out.append(stop)
        starts.append(a)
    if out:
        # "will travel to Washington on Monday for talks with General X, and to Ottawa on Thursday,
        # where he is to meet General Y": the one met after a stop's words is of that stop alone
        ps = ctx.persons_in(s)
        own_side = {p.country for p, pos in ps if pos < d.trigger.start and p.country}
        hosts = [None] + [x.participants[-1].key for x in out]
        for person, pos in ps:
            if pos < t_end:
                continue
            k = max((i + 1 for i, a in enumerate(starts) if a <= pos), default=0)
            for i, x in enumerate([d, *out]):
                if i == k:
                    continue
                x.participants = [r for r in x.participants if not (
                    r.kind in ("person", "post") and r.key == person.key or
                    r.kind == "country" and r.key == person.country and r.key not in own_side and r.key != hosts[i])]
    return out




_WEEKDAY_NAMES = frozenset(d.lower() for d in calendar.day_name)


def _ahead_of_past(text: str, d: DateMention) -> bool:
    """A weekday a past plan looked ahead to ("the tariffs Washington was due to impose from
    Tuesday"): after the report's day, never the day of an event told there (cue ahead_of_past_before)."""
    ahead = rules().cues.get("ahead_of_past_before")
    return ahead is not None and d.relative and d.text.split()[-1].lower() in _WEEKDAY_NAMES \
        and ahead.search(text, max(0, d.start - rules().window("ahead_of_past_before")), d.start) is not None


def _day_of_saying(text: str, d: DateMention) -> bool:
    return bool(rules().cues["saying_before_date"].search(text, max(0, d.start - rules().window("date_other_before")), d.start))


def _last_day_told(ctx: _Context, s: Sentence, day0: date | None) -> tuple[date, Sentence] | None:
    """The day named last before sentence `s` in the body (not the title line, not a dateline),
    when it is a past day of the report, and the sentence that names it."""
    title = (ctx.st.title or "").strip()
    body_start = ctx.text.find("\n") + 1 if title and ctx.text.startswith(title) else 0
    other = rules().cues["date_of_other_event"]  # ("after the attack of September 9": another happening's)
    before = [d for d in ctx.index(ctx.dates).starting_in(body_start, s.start)
              if not d.vague and not _is_dateline_date(ctx.text, d) and not _day_of_saying(ctx.text, d)
              and not other.search(ctx.text, max(0, d.start - rules().window("date_other_before")), d.start)
              and not _dates_named_document(ctx.text, d.start) and not _ahead_of_past(ctx.text, d)]
    end_cue = rules().cues.get("end_ahead_before")
    if end_cue is not None and len(before) > 1:
        # ("received yesterday, Wednesday, ... X, who arrived on Tuesday for a working visit which
        # runs until Thursday. On this occasion, they signed ..."): the last day of a stay told
        # ahead is no day the report goes on with
        ends = [d for d in before if end_cue.search(ctx.text, max(0, d.start - rules().window("date_verb_before")), d.start)]
        before = [d for d in before if d not in ends] or before
    arrival = rules().cues.get("arrival_day_before")
    if arrival is not None and len(before) > 1:
        # ("held talks this morning, after X arrived last night. After the talks, they signed ..."):
        # the day of an arrival told beside a later day of its sentence is not the day the report
        # goes on with
        def _beside_later(d: DateMention) -> bool:
            sent = next((x for x in ctx.sentences if x.start <= d.start < x.end), None)
            return sent is not None and any(o is not d and sent.start <= o.start < sent.end and o.date > d.date
                                            for o in before)
        before = [d for d in before if not (arrival.search(ctx.text, max(0, d.start - rules().window("arrival_day_before")), d.start)
                                            and _beside_later(d))] or before
    if not before and s.start < body_start:
        # the title's event is the one the first lines tell: "NATO Secretary General meets Prime
        # Minister of Montenegro" over "... welcomed ... on Tuesday (13 May 2025)"
        lead = [x for x in ctx.sentences if x.start >= body_start][:2]
        before = [d for x in lead for d in ctx.within(ctx.dates, x)
                  if not d.vague and not _is_dateline_date(ctx.text, d)]
        # ("X, who is on an official visit to Egypt from September 18 to 20, held talks ... on
        # September 19": the days of the guest's stay in a relative clause are not the event's)
        guest = rules().cues["guest_visit_before"]
        own = [d for d in before if not guest.search(ctx.text, max(0, d.start - rules().window("guest_visit_before_date")), d.start)]
        before = (own or before)[:1]
    # (a day ahead of the report told since, "a ceasefire that is to take effect on 4 August", is
    # a plan's: the past day told before it is still the last one of the report)
    while day0 is not None and before and _rebase(before[-1], day0).date > day0:
        before.pop()
    if not before:
        return None
    last = _rebase(before[-1], day0)
    if day0 is not None and not 0 <= (day0 - last.date).days <= 7:
        return None
    told_in = next((x for x in ctx.sentences if x.start <= before[-1].start < x.end), s)
    return last.date, told_in


def _within_told_range(drafts: list[ev_rules.EventDraft], dm: DateMention) -> DateMention:
    """A weekday of a plan that falls in the range of days a plan before it told ("will visit
    Canberra from 8 to 10 October. On Thursday, he will co-chair ...") is that range's day."""
    for p in reversed(drafts):
        if p.planned and p.date_explicit and p.date is not None and p.end_date is not None \
                and not p.date <= dm.date <= p.end_date:
            for i in range(min((p.end_date - p.date).days + 1, 7)):
                day = p.date + timedelta(days=i)
                if day.weekday() == dm.date.weekday():
                    return DateMention(dm.start, dm.end, dm.text, day, None, True, dm.vague)
    return dm


def _last_plan_day(drafts: list[ev_rules.EventDraft], s: Sentence) -> date | None:
    """The latest day of the plans dated in the sentences before `s`: the point a preview's
    itinerary has reached."""
    days = [p.date for p in drafts if p.sentence.start < s.start and p.planned and p.date_explicit
            and p.date is not None and not p.tentative and not p.reference and not p.headline]
    return max(days) if days else None


def _bare_weekday(dm: DateMention) -> bool:
    """A weekday told without "last", "this" or "next" ("on Thursday", "from Monday")."""
    words = dm.text.lower().split()
    return dm.relative and bool(words) and words[-1] in _WEEKDAY_NAMES and (
        len(words) == 1 or words[0] in ("on", "from"))


def _present_leg_of_plan(drafts: list[ev_rules.EventDraft], s: Sentence, t: ev_rules.Trigger,
                         ds: list[DateMention], day0: date | None) -> bool:
    """A trip's leg told in the present with a weekday ("where he arrives in Tashkent on Thursday")
    after a plan dated ahead of the statement in an earlier sentence: the preview goes on (cue
    present_leg_word)."""
    cue = rules().cues.get("present_leg_word")
    if cue is None or day0 is None or t.type not in rules().classes_with("host_is_party") \
            or not cue.match(t.word.strip()) or not any(_bare_weekday(x) for x in ds):
        return False
    last = _last_plan_day(drafts, s)
    return last is not None and last > day0


def _after_plan_told(drafts: list[ev_rules.EventDraft], s: Sentence, dm: DateMention) -> DateMention:
    """A weekday of a plan told after a plan dated later than that weekday's first occurrence
    ("will arrive in Ashgabat on Monday, June 10 ... where he arrives in Tashkent on Thursday",
    told on the Wednesday before): an itinerary is told in its order, so the weekday is the one
    after the day reached (at most a week on)."""
    if dm.end_date is not None and dm.end_date < dm.date or not _bare_weekday(dm):
        return dm
    last = _last_plan_day(drafts, s)
    if last is None or not dm.date < last <= dm.date + timedelta(days=7):
        return dm
    shift = timedelta(days=7)
    return replace(dm, date=dm.date + shift, end_date=dm.end_date + shift if dm.end_date is not None else None)


def _rebase(dm: DateMention, ref: date | None) -> DateMention:
    """A relative date read from `ref` (the dateline's day) rather than the statement's."""
    if not dm.relative or ref is None:
        return dm
    resolved = resolve_relative(dm.text, ref)
    if resolved is None:
        return dm
    return DateMention(dm.start, dm.end, dm.text, resolved[0], None, True, resolved[1])


def _retense(dm: DateMention, ref: date | None, future: bool) -> DateMention:
    """A weekday named without 'last' or 'next' lies ahead in a preview, behind in a readout."""
    if not dm.relative or ref is None or not future:
        return dm
    # "from Sunday to Wednesday": the first day resolved forward, the range's length kept
    first = " ".join(dm.text.split()[:2]) if dm.end_date is not None else dm.text
    resolved = resolve_relative(first, ref, future=True)
    if resolved is None:
        return dm
    end = resolved[0] + (dm.end_date - dm.date) if dm.end_date is not None else None
    return DateMention(dm.start, dm.end, dm.text, resolved[0], end, True, resolved[1])






def _received_person(ctx: _Context, s: Sentence) -> ev_rules.Trigger | None:
    """A meeting told by a verb of receiving before a person named without an office ("received
    Rubio at Al-Yamamah Palace"), which the office-based triggers cannot see."""
    if "receive" not in s.text and "welcome" not in s.text:
        return None
    for p in ctx.persons:
        if p.is_post:
            continue
        for a, _b in p.mentions:
            if s.start <= a < s.end:
                m = rules().cues["receives_name_before"].search(ctx.text, max(s.start, a - rules().window("receives_name_before")), a)
                if m is not None:
                    return ev_rules.Trigger("Meeting", m.start(), m.start() + len(m.group().split()[0]),
                                            m.group().split()[0], False, s.text, s.start, kind="Meeting")
    return None


def _event_word_ends(text: str, at: int) -> bool:
    """Whether a trigger word of some event type ends at `at` ("The exercise|, which runs ...")."""
    tail = text[max(0, at - rules().window("event_word_before_clause")):at]
    if not ev_rules.any_trigger(tail):
        return False  # (every trigger in one pattern: no word of any event in the tail)
    named = rules().cues.get("event_name_after_word")
    # (or its word and its proper name: "the Multinational Exercise UNITAS|, which until 21 July ...")
    return any(m.end() == len(tail) or (named is not None and named.fullmatch(tail, m.end()) is not None)
               for et in rules().event_types for trig in et.triggers for m in trig.pattern.finditer(tail))


def _other_event_clauses(s: Sentence, t: ev_rules.Trigger, triggers: list[ev_rules.Trigger]) -> list[tuple[int, int]]:
    """The closed relative clauses of the sentence that tell another event than the trigger's."""
    if len(triggers) < 2 or "," not in s.text:
        return []
    return [(a, b) for a, b in ((s.start + m.start(), s.start + m.end())
                                for m in rules().cues["closed_relative_clause"].finditer(s.text))
            if not a <= t.start < b and any(a <= u.start < b for u in triggers if u is not t)]


def _dates_named_document(text: str, at: int) -> bool:
    """A day at `at` that dates a document named in capitals before it ("the Treaty of Friendship
    and Cooperation of 4 July 1991": cue date_of_named_document), not an event."""
    named = rules().cues.get("date_of_named_document")
    return named is not None and bool(named.search(text, max(0, at - rules().window("date_named_document_before")), at))


def _trigger_days(s: Sentence, t: ev_rules.Trigger, ds: list[DateMention]) -> list[DateMention]:
    """The days a trigger may take: inside a closed relative clause ("Rubio, who met X on
    Tuesday, will travel to Y on Thursday"), that clause's; outside, the others; never a day
    that dates another happening by name ("the attack of September 9": cue date_of_other_event)."""
    other = rules().cues["date_of_other_event"]
    ds = [x for x in ds if not other.search(s.text, max(0, x.start - s.start - rules().window("date_other_before")), max(0, x.start - s.start))]
    ds = [x for x in ds if not _dates_named_document(s.text, max(0, x.start - s.start))]
    semi = s.text.find(";", t.end - s.start)
    if semi >= 0 and any(x.start >= s.start + semi for x in ds) and ev_rules.find_triggers(
            Sentence(s.start + semi + 1, s.end, s.text[semi + 1:])):
        # ("India, UK navies begin Konkan drill; Starmer to arrive in Mumbai on Wednesday": a day
        # told after a semicolon, in a clause with an event of its own, is that event's)
        ds = [x for x in ds if x.start < s.start + semi]
    opens = rules().cues["subject_clause_opens"]
    # ("visit the barracks today before he leaves for Freetown on Wednesday": today is the barracks')
    ds = [x for x in ds if not (x.end <= t.start and opens.search(s.text, x.end - s.start, t.start - s.start))] or ds
    if not ds:
        return ds
    # (without a comma, only "since" cuts: the search is skipped where the word is not there)
    back = rules().cues["background"].search(s.text, max(0, t.end - s.start)) \
        if "," in s.text or "ince " in s.text else None
    if back is not None and (back.group().startswith(",") or back.group()[:1].lower() in "fcs"):
        # "arrived in Astana from Samarkand, where he had signed an agreement on Sunday", "her
        # first summit since she was sworn in on 8 May": the day of what came before is not the event's
        ds = [x for x in ds if x.start < s.start + back.start()]
    if not ds or ("," not in s.text and " and " not in s.text):
        return ds  # (cue and_clause: ", and signed", or "and on Monday signed" without a comma)
    joined = None
    for m in rules().cues["and_clause"].finditer(s.text, 0, t.start - s.start + rules().window("and_clause_after_trigger")):
        if m.end() <= t.start - s.start:
            joined = m
    if joined is not None:
        # "welcomed them at the dinner yesterday evening, and co-hosted the sessions today": a
        # trigger in a clause joined after the first takes that clause's day, where it names one
        mine = [x for x in ds if x.start >= s.start + joined.end()]
        if mine and len(mine) < len(ds):
            ds = mine
    opener = None
    for opener in rules().cues["relative_tail"].finditer(s.text, 0, t.start - s.start):
        pass
    if opener is not None and "," not in s.text[opener.end():t.start - s.start]:
        # "leaves today for Harare, where the leaders will meet tomorrow": a trigger inside a
        # relative clause still open takes the clause's own day, not the one of the main clause
        mine = [x for x in ds if x.start >= s.start + opener.end()]
        if mine:
            return mine
    spans = [(s.start + m.start(), s.start + m.end()) for m in rules().cues["closed_relative_clause"].finditer(s.text)]
    if not spans:
        return ds
    inside = next(((a, b) for a, b in spans if a <= t.start < b), None)
    if inside is not None:
        return [x for x in ds if inside[0] <= x.start < inside[1]] or ds
    began, w = rules().cues["began_before_date"], rules().window("date_verb_before")
    # (a clause on the event's own noun that tells the day it began is the event's: "The
    # exercise, which began on Sunday and will end on Friday, 18 April 2025, brings together ...")
    own_start = [x for x in ds if any(a <= x.start < b and _event_word_ends(s.text, a - s.start)
                                      and began.search(s.text, max(a - s.start, x.start - s.start - w), x.start - s.start)
                                      for a, b in spans)]
    return own_start or [x for x in ds if not any(a <= x.start < b for a, b in spans)] or ds




def _attendance(ctx: _Context, drafts: list[ev_rules.EventDraft]) -> None:
    """'Units from Canada, Poland and Spain trained alongside': parties of the nearest event."""
    trigger_sentences = {d.sentence.start for d in drafts
                         if not d.tentative and not (d.trigger.reference and d.trigger.convening)}
    summary = rules().cues["summary"]
    multilateral = rules().classes_with("multilateral")
    # (a meeting of many held on the margins of another is the nearest event too: "On the margins
    # of the conference, X took part in a meeting of the coalition ..., co-chaired by A and B.
    # C and D attended in person")
    multi = [d for d in drafts if d.type in multilateral and not d.tentative and not _between_two(d)
             and (not d.side or (not d.bilateral and _meeting_of_many(d)))]
    multi_starts = [d.sentence.start for d in multi]  # drafts come in sentence order
    for s in ctx.sentences:
        if s.start in trigger_sentences or not ev_rules.attend_sentence(s.text) or summary.match(s.text):
            continue  # "During the eight-month deployment, ... exercised with the navies of ...": a summary
        whole = s
        if any(not (t.reference and t.convening) for t in ev_rules.find_triggers(s)):
            # (a convening word that only names the event's host again, "Greece as the host",
            # tells no event of its own; "The visit follows a trip to X" does)
            # "In June, the forces took part in a joint exercise with Kenya": the sentence tells an
            # event of its own (kept as background), not who attended another one, unless that
            # event is only in a relative clause after who attended ("Warships from A and B are
            # sailing with the group, which will visit 40 countries")
            rel = rules().cues["relative_tail"].search(s.text)
            if rel is None:
                continue
            head = Sentence(s.start, s.start + rel.start(), s.text[:rel.start()])
            if not ev_rules.attend_sentence(head.text) or ev_rules.find_triggers(head):
                continue
            s = head
        i = bisect_left(multi_starts, s.start)
        target = multi[i - 1] if i > 0 else next(iter(multi), None)
        if target is None or _attends_other_gathering(s, target):
            continue
        for c in ctx.within(ctx.countries, s):
            if rules().cues["relative_or_concessive"].search(ctx.text[s.start:c.start]) \
                    and not ev_rules.attend_sentence(ctx.text[c.start:s.end]) and \
                    not ev_rules.attend_sentence(_last_clause(ctx.text[s.start:c.start])):
                continue  # "... in the Sahel, where Mali and Niger have left": a clause about something else
            if c.adjectival and not rules().cues["attending_body_after_demonym"].match(ctx.text[c.end:c.end + rules().window("attending_body_after")]) \
                    and not rules().cues["holder_after_demonym"].match(ctx.text, c.end):
                continue  # ("Russian President X, Belarusian President Y ... took part": each holder's state)
            if _list_position(ctx, s, c) == "actor" or re.search(
                    r"\bfrom\s+(?:the\s+)?$", ctx.text[max(s.start, c.start - 12):c.start]) or \
                    _list_first_after_from(ctx, s, c):
                _add(target.participants, ActorRef("country", c.iso3))
        named = ctx.within(ctx.countries, s)
        for p, pos in ctx.persons_in(s):
            # "President X took part from State House", "Chancellor X and President Zelensky attended
            # in person": the state of one named as attending (not
            # one who represents a state named before: "Denmark by Minister of Defence Y")
            if p.country and not p.is_post and not rules().cues["relative_or_concessive_person"].search(ctx.text[s.start:pos]) and \
                    not any(c.end <= pos and represents(ctx.text, c, pos, s.start) for c in named):
                _add(target.participants, ActorRef("country", p.country))
        for o in ctx.within(ctx.orgs, s):
            if _org_is_actor(ctx, s, o):
                _add(target.participants, ActorRef("organisation", o.key))
        for g in ctx.within(ctx.groups, s):
            # "The retreat was attended by the Foreign Ministers of ASEAN Member States": the
            # group's members that day, as in a sentence of the event's own
            if ev_rules.actor_position(s.text, g.start - s.start) == "actor":
                for iso3 in g.members:
                    _add(target.participants, ActorRef("country", iso3))
        if target.count is None:
            target.count = ev_rules.participant_count(s.text)
        if target.end_date is None and target.date is not None and not target.tentative:
            target.end_date = _clause_end_day(ctx, whole, target.date)
        target.extra_spans.append(s)


def _clause_end_day(ctx: _Context, s: Sentence, first: date) -> date | None:
    """"About 2,000 troops are taking part in the exercise, which will last until 8 September": a
    relative clause on an event's noun in a sentence that tells who attends it gives the last day
    of the event attended, where a date in it is told as an end (cue end_ahead_before) within
    window end_told_max_days of the event's first day; so does the sentence's one day told as an
    end outside such clauses ("will train together until May 10")."""
    R = rules()
    end_cue = R.cues.get("end_ahead_before")
    if end_cue is None:
        return None
    for name in ("closed_relative_clause", "trailing_relative_clause") if "," in s.text else ():
        for m in R.cues[name].finditer(s.text):
            if not _event_word_ends(s.text, m.start()):
                continue
            a, b = s.start + m.start(), s.start + m.end()
            for d in ctx.within(ctx.dates, s):
                if a <= d.start < b and not d.vague and d.end_date is None \
                        and 0 < (d.date - first).days <= R.window("end_told_max_days") \
                        and end_cue.search(ctx.text, max(a, d.start - R.window("date_verb_before")), d.start):
                    return d.date
    # ("Some 16,700 troops will train together until May 10": the sentence's one day, told as an
    # end by the verb of those who attend, not in a relative clause on another noun ("a tanker,
    # which remains in Greece until ..."), is the event's last; batch yi, yi07)
    clauses = [(s.start + m.start(), s.start + m.end()) for name in ("closed_relative_clause", "trailing_relative_clause")
               for m in R.cues[name].finditer(s.text)] if "," in s.text else []
    days = [d for d in ctx.within(ctx.dates, s) if not d.vague]
    if len(days) == 1 and not any(a <= days[0].start < b for a, b in clauses) and days[0].end_date is None \
            and 0 < (days[0].date - first).days <= R.window("end_told_max_days") \
            and end_cue.search(ctx.text, max(s.start, days[0].start - R.window("date_verb_before")), days[0].start):
        return days[0].date
    return None


def _attends_other_gathering(s: Sentence, target: ev_rules.EventDraft) -> bool:
    """A sentence on who attends a gathering it opens on ("The three-day forum ... brings together
    ministers from more than 40 countries"), told after talks of two states named by their verb
    ("He met Jordan's Foreign Minister"): the gathering's attendees, not the talks' (cue
    gathering_opens)."""
    cue = rules().cues.get("gathering_opens")
    return cue is not None and target.type == "Meeting" and len(_states(target)) == 2 \
        and not rules().cues["event_noun"].search(target.trigger.word) and cue.match(s.text) is not None


def _between_two(d: ev_rules.EventDraft) -> bool:
    """An event of a kind that is between two alone (a courtesy call: flag between_two of its
    type), which no one else attends."""
    et = rules().event_type(d.trigger.kind) if d.trigger.kind else None
    return et is not None and et.cls == d.type and et.flags.get("between_two", False)


def _last_clause(text: str) -> str:
    """The text after the last relative or concessive clause word."""
    cut = None
    for cut in rules().cues["relative_or_concessive"].finditer(text):
        pass
    return text[cut.end():] if cut else text


def _list_first_after_from(ctx: _Context, s: Sentence, c: CountryMention) -> bool:
    first = c
    for prev in reversed(ctx.index(ctx.countries).starting_in(s.start, c.start)):
        if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?", ctx.text[prev.end:first.start]):
            first = prev
        else:
            break
    return bool(rules().cues["list_from_before"].search(ctx.text[max(s.start, first.start - rules().window("list_from_before")):first.start]))


def _after_clause_break(text: str, a: int, b: int) -> bool:
    return bool(rules().cues["clause_break_before_trigger"].search(text[a:b]))


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
    # plans without a day come last: they may only add to a planned event
    # a headline's meeting comes after the body's: it may only sum up the meetings told there
    body = [d for d in drafts if not d.tentative and not d.reference]
    drafts = [d for d in body if not (d.headline and d.type == "Meeting")] + \
        [d for d in body if d.headline and d.type == "Meeting"] + \
        [d for d in drafts if d.tentative or d.reference]
    # "Macron is on a three-day state visit to Brazil" with no event told besides: the visit
    under_way = [d for d in drafts if d.reference and d.asserts and not d.tentative]
    # "travelled to Ushuaia on Thursday, where he met the commander of US Southern Command": a trip
    # in the traveller's own state is no visit between states; the meeting held there is the event
    drafts = [d for d in drafts if not (d.home_trip and any(
        x.type == "Meeting" and x.sentence is d.sentence and not x.planned for x in drafts))]
    drafts = _split_by_legs(drafts)
    _tour_stops(drafts)
    _planned_tour_stops(drafts)
    stops: list[tuple[ev_rules.EventDraft, ev_rules.EventDraft]] = []  # (a stop, the visit before or after it)
    for d in drafts:
        target = None
        if d.headline and d.type == "Meeting" and len(_states(d)) >= 2 and \
                _states(d) <= {k for m in merged if m.type == d.type and not m.tentative for k in _states(m)} and \
                not any(m.type == d.type and m.headline for m in merged) and \
                sum(1 for m in merged if m.type == d.type and not m.tentative) >= 2:
            continue  # "COAS receives Chinese Ambassador and Indian Defence Attaché": the two meetings told below
        stop_of_d = _stop_of_counterpart(d, drafts) if d.tentative and d.place is None else None
        if (d.reference or d.headline) and d.type == "Visit" and any(
                x is not d and x.sentence is d.sentence and x.type == "Meeting" and not x.reference
                and not x.tentative for x in drafts):
            # "During the visit he also met Japanese Minister X": the visit named again in the
            # sentence of a meeting adds no party of its own; the meeting's are the meeting's (a
            # meeting with a third state is another event: docs/annotation.md 9 (b))
            d.participants = [r for r in d.participants if r.kind not in ("country", "person", "post")]
        for m in merged:
            if d.tentative and (m.tentative or not m.planned):
                continue
            if d.tentative and d.place is not None and d.place.iso3 and not _at(m, d.place.iso3):
                continue  # "In Suva she will hold talks": the plan for Fiji, not the one for Tonga
            if d.tentative and d.place is None and stop_of_d not in (None, m):
                continue  # "He is scheduled to hold talks with President Ruto": the plan for Kenya's stop
            if d.reference and (m.reference or m.tentative):
                continue
            if d.tentative and d.type == "Meeting" and _multilateral(m) and not _multilateral(d):
                continue  # "will hold a summit with President Xi in Beijing ... on Thursday, the President
                # will also take part in the ministerial meeting of the Forum": talks of two, not the body's session
            if d.reference and d.type == "Visit" and not _states(d) <= _states(m) and any(
                    x is not m and x.type == d.type and not x.tentative and _states(d) <= _states(x) for x in merged):
                continue  # "A Polish-Uzbek forum is planned on the occasion of the visit", after two stops: the one of its states
            if m.leg and d.leg and m.leg != d.leg:
                continue  # "In Sweden, ... signed the UK-Sweden declaration ... in Helsinki, he signed": two legs
            if m.type != d.type or (m.side != d.side and (_multilateral(m) or _multilateral(d))
                                    and not _same_parties(m, d)):
                continue  # a bilateral on the margins is not the multilateral meeting it was held at
            if m.type == "Meeting" and m.side != d.side and d.bilateral != m.bilateral and not m.headline \
                    and not d.headline and not d.reference and not m.reference and not (
                        m.side and len(_states(m)) == 2 and _states(m) == _states(d)
                        and not _multilateral(m) and not _multilateral(d) and not d.trigger.convening):
                # (the talks of two told first as one of "separate talks with A and B on the sidelines",
                # then again with their day, "On Thursday, he sat down with B's minister": one meeting;
                # not a summit of two named hosts, then a bilateral on its sidelines)
                continue  # "hosted the summit ... On the sidelines of the summit, A and B held a bilateral meeting"
            if _span_after_departure(m, d):
                m.date, m.end_date, m.planned = d.date, d.end_date, d.planned
            if (m.date_explicit or (m.told_day and not m.headline)) and \
                    (d.date_explicit or (d.told_day and not d.headline)) and m.date != d.date \
                    and not _in_range(d, m) and not _within_vague(d, m):
                continue  # (a day told before: "Earlier the same day, he received ..." is not the next day's meeting)
            if m.separate and d.separate and m.separate != d.separate:
                continue  # "separate meetings with A and with B"
            if m.type in rules().classes_with("host_is_party") and (m.planned != d.planned or m.itinerary
                                                                   or _next_leg_of_plan(d, m)) and \
                    (m.date_explicit or m.planned != d.planned) and d.date_explicit and (
                        _elsewhere(d, m) or _other_city(d, m) or not _same_sides(d, m)):
                guests_own = _states(d) - _states(m) - ({d.place.iso3} if d.place is not None and d.place.iso3 else set())
                if guests_own and (not d.person_states or d.person_states & guests_own):
                    # "The patrol ship HMCS X of the Royal Canadian Navy is also expected in Havana on
                    # Friday": another guest's visit, no stop of this trip (not "Xi travels to Budapest
                    # later today, the last leg of a tour that began in France": the guest goes on)
                    continue
                stops.append((d, m))
                continue  # "a state visit to Vietnam ... Xi leaves Hanoi for Kuala Lumpur on Tuesday", "She leaves for Serbia on Tuesday": the next stop
            if not d.headline and _states(m) != _states(d) and rules().cues["sequence_open"].match(d.sentence.text):
                continue  # "Earlier on Sunday, X and Y were joined by Z for a meeting of the three": another
            if m.type == "Meeting" and m.bilateral != d.bilateral and not d.headline and not m.headline \
                    and max(len(_states(m)), len(_states(d))) >= 3 and min(len(_states(m)), len(_states(d))) <= 2:
                continue  # "Before the trilateral meeting, he held a separate bilateral meeting with X"
            if m.type == "Meeting" and not d.headline and not m.headline and not d.reference and not m.reference \
                    and not d.tentative and m.date_explicit and d.date_explicit and _bilateral_beside_body(m, d):
                continue  # "In his meeting with Admiral X on Wednesday ... The two-day SCO defence ministers'
                # meeting opened on Wednesday": talks of two held at a body's session, each its own event
            if m.type in ("Meeting", "Call") and not _same_sides(m, d) and not d.tentative and not _multilateral(m) \
                    and not _multilateral(d):
                continue  # "met the Chinese ambassador ... On the same day, he also received the Thai attaché"
                # ("spoke with A ... In the afternoon, he also spoke by telephone with B": two calls)
            if m.type == "AgreementSigning" and not _same_sides(m, d) and (d.date_explicit or d.reference) \
                    and not d.tentative and not d.headline and not _multilateral(m) and not _multilateral(d):
                continue  # "signed a security agreement with Belgium ... On Monday in Madrid, he and Spain's
                # prime minister signed a similar agreement": a signing of other sides told with its own day
                # (or with a vague one: "Sweden signed a corresponding agreement at the beginning of December")
            if m.type == "Meeting" and d.person_states and not d.headline and not d.tentative and not d.reference \
                    and len(_states(m)) >= 2 and not d.person_states & _states(m) \
                    and not _multilateral(m) and not _multilateral(d):
                continue  # the Thai attaché received alone, after the meeting with the Chinese ambassador
            target = m
            break
        if target is None:
            if not d.reference:
                merged.append(d)  # an event only named again, with none reported, is dropped
            elif d.date_explicit:
                # "... paid a courtesy call on the Chief ... The visit took place on Thursday": the
                # event named again gives its day to the one event reported without a day
                undated = [m for m in merged if (not m.date_explicit or m.by_dateline) and not m.tentative]
                if len(undated) == 1:
                    u = undated[0]
                    u.date, u.end_date, u.date_explicit, u.planned = d.date, d.end_date, True, d.planned
                    u.extra_spans.append(d.sentence)
            continue
        if d.tentative:
            # "to visit Tonga and Fiji" joins the first stop, without the states of the others
            others = {r for m in merged if m is not target and m.type == d.type and m.planned
                      for r in m.participants if r.kind == "country"}
            d.participants = [r for r in d.participants if r not in others or r in target.participants]
            if d.type == "Meeting" and not _many(d) and not d.side:
                # "The talks will deal with ... now that Sweden is a member of NATO": whom the plan
                # names, not what its sentence mentions
                d.participants = [r for r in d.participants if r.kind == "person"
                                  or (r.kind == "country" and r.key in d.person_states)]
        if d.headline and not target.headline and len(_states(target)) >= 2:
            # "Umerov meets Norwegian minister, holds call with Canadian counterpart": a state the
            # headline names that the meeting told below lacks and another kind of event told
            # below has (the call with Canada) is that event's party, not this one's
            elsewhere = {k for o in drafts if o is not d and o is not target and not o.headline
                         and o.type != d.type for k in _states(o)}
            d.participants = [r for r in d.participants if not (
                r.kind == "country" and r.key not in _states(target) and r.key in elsewhere)]
        departed = rules().cues.get("departed_from_stay")
        if departed is not None and departed.match(d.trigger.word) and target.type in rules().classes_with("host_is_party") \
                and not d.planned and not target.planned and target.date is not None and d.date is not None \
                and d.date >= target.date and d.sentence is not target.sentence:
            # "docked at Ream on Saturday for a three-day port call ... The ships left for Thailand
            # this morning": the departure ends the stay; where they went is no party of it
            d.participants = [r for r in d.participants if r.kind != "country" or r.key in _states(target)]
            d.place = None
        _absorb(target, d)
        target.separate = target.separate or d.separate
    for d, m in stops:
        # (a stop named by its state alone has that state as its host: "a tour that ends in Laos")
        host = d.place.iso3 if d.place is not None else (next(iter(_states(d))) if len(_states(d)) == 1 else None)
        if d not in merged or not host or m.place is None:
            continue
        # the parties of a stop of the trip: its guest, the one of the visit it is kept apart from,
        # and its host (not a later stop's: "leaves Hanoi for Kuala Lumpur, the second stop of a
        # tour that ends in Cambodia")
        guests = _states(m) - {m.place.iso3}
        d.participants = [r for r in d.participants if r.kind != "country" or r.key in guests | {host}]
        for g in sorted(guests):
            _add(d.participants, ActorRef("country", g))
        if _other_city(d, m) and m.end_date is not None and m.date is not None and d.date is not None \
                and m.date < d.date < m.end_date + timedelta(days=int(host == m.place.iso3)):
            # "a four-day State Visit to Kenya ... On Thursday, the royal couple will travel to
            # Mombasa": the stay in the first city ends the day before the next leg begins (a
            # leg in another state on the last day of the span told leaves it whole: "arrived in
            # Kuala Lumpur last night for a three-day state visit ... will fly to Phnom Penh on
            # Thursday", its third day; batch ye)
            m.end_date = d.date - timedelta(days=1) if d.date - timedelta(days=1) > m.date else None
    # "has ended a two-day visit to Japan ... On Wednesday he met X, and on Thursday Y": a visit
    # with no day of its own but the report's spans the days of the meetings told inside it
    for v in merged:
        if v.type != "Visit" or v.planned or v.tentative or (v.date_explicit and not v.by_dateline):
            continue
        inside = [m for m in merged if m.type == "Meeting" and m.date_explicit and not m.by_dateline
                  and not m.side and not m.planned and not _leg_before(m, v) and m.date is not None and _same_sides(m, v)
                  and not _meeting_of_many(m) and (v.date is None or m.date <= v.date)
                  and _states(m) <= _states(v)]
        days = [m.date for m in inside if m.date is not None]
        if days:
            first, last = min(days), max(days)
            v.date, v.end_date = first, (last if last > first else None)
            v.date_explicit, v.by_dateline = True, False
    # A meeting inside a call, visit or signing is the same event seen from another side.
    absorbing = rules().classes_with("absorbs_meeting")
    # "will travel to Brisbane, Australia, where he and X will meet their Australian counterparts
    # for the Australia-U.S. Ministerial Consultations (AUSMIN) on Saturday": a trip made to attend
    # a gathering; the gathering is the event and the trip the way to it
    for_gathering = rules().cues.get("trip_for_gathering")
    gatherings = {id(x) for x in merged if x.type == "Meeting" and not x.side and for_gathering is not None and any(
        v.type == "Visit" and v.sentence is x.sentence and v.date == x.date and v.planned == x.planned
        and for_gathering.search(v.sentence.text, v.trigger.end - v.sentence.start) for v in merged)}
    hosts = [m for m in merged if m.type in absorbing and not m.tentative]
    out = []
    for m in merged:
        # (a day that is only the report's dateline is no day of the meeting's own)
        compatible = any(not m.date_explicit or m.by_dateline or not h.date_explicit or m.date == h.date
                         or _in_range(m, h) or _day_of_trip_told(m, h) for h in hosts)
        if m.tentative:
            # the planned visit to the place the plan names, else the first planned one
            planned = [h for h in hosts if h.planned]
            named_at = m.place is not None and m.place.iso3 and m.place.kind == "city"
            host = next((h for h in planned if named_at and m.place is not None and _at(h, m.place.iso3)),
                        None if named_at else _stop_of_counterpart(m, planned) or next(iter(planned), None))
            if m.type == "Meeting" and host is not None and not _many(m) and not m.side:
                # where and whom the plan names, not the states its sentence mentions
                m.participants = [r for r in m.participants if r.kind == "person"
                                  or (r.kind == "country" and r.key in m.person_states)]
                # ("In Warsaw he will meet X, and in Vilnius the Chief of Defence of Lithuania": the
                # state of another planned stop is that stop's party, not this one's)
                elsewhere = {k for h in planned if h is not host for k in _states(h)} - _states(host)
                m.participants = [r for r in m.participants if not (r.kind == "country" and r.key in elsewhere)]
                m.convenors = []
                _absorb(host, m)
            elif host is not None and m.type != "Meeting" and m.type != host.type and host.date is not None \
                    and host.end_date is None and rules().cues["during_the_visit"].search(m.sentence.text):
                # "will arrive in Bishkek on Thursday ... During the visit the two presidents are to
                # sign a treaty": an event of its own, planned on the day of the one-day visit
                m.date, m.planned, m.tentative = host.date, True, False
                if m.place is None:
                    m.place = host.place
                if len(_states(m)) < 2:
                    for r in host.participants:
                        if r.kind == "country":
                            _add(m.participants, r)
                out.append(m)
            continue  # a plan without a day is no event by itself
        # a host with other counterparts than the meeting's is another event ("held talks with
        # Estonia's minister and signed a letter of intent with the Dutch one")
        # (a meeting called separate is its own event beside a host that names no party)
        # (talks of several days are not inside a signing of one of them: "the staff talks held from
        # 10 to 12 September ... on the last day, the heads of delegation signed the minutes")
        # ("On the same day, US President Trump, meeting NATO's Secretary General in the White House,
        # announced ...": a sentence opening on another time of the day, whose people are none of
        # the visit's, tells another meeting; cue sequence_open)
        apart = m.type == "Meeting" and m.sentence.start > 0 and bool(_people(m)) and \
            rules().cues["sequence_open"].match(m.sentence.text) is not None
        # (a ship's port call in Busan holds no meeting of its states told in another city: "held
        # the first meeting of their consultative group in Seoul on Tuesday, and on the same day a
        # U.S. submarine made a port call in Busan"; cue port_call_word)
        hosts_m = [h for h in hosts if not (m.leg and h.leg and m.leg != h.leg) and not _leg_before(m, h) and _same_sides(m, h) and not _other_counterpart(m, h) and not _third_state_met(m, h) and not _elsewhere(m, h) and not _port_call_elsewhere(m, h) and (_states(h) or not _SEPARATE_IN.search(m.sentence.text))
                   and not (apart and m.sentence is not h.sentence and _people(h) and not _people(m) & _people(h))
                   and not (m.end_date is not None and m.date is not None and m.end_date > m.date
                            and h.end_date is None and h.type != "Visit")]
        compatible = compatible and bool(hosts_m)
        # ("signed the memorandum on Monday at a meeting on the sidelines of the General
        # Assembly": a meeting on the margins that is the occasion of a signing told in its
        # sentence is that signing's talks, docs/annotation.md 9 (h))
        signed_at = [h for h in hosts_m if m.side and h.type == "AgreementSigning" and h.sentence is m.sentence
                     and h.date == m.date]
        # (a meeting told "a day after"/"two days before" the event reported is on a day of its own)
        if m.type == "Meeting" and hosts_m and not _meeting_of_many(m) and not _named_gathering(m) and compatible \
                and (not m.side or signed_at) and id(m) not in gatherings and m.trigger.days_apart is None:
            # the host of the same day, else the first ("consultations in Ottawa on 18
            # September" belong to that day's visit, not to the one in Washington before it)
            same = signed_at[0] if signed_at else next((h for h in hosts_m if m.date_explicit and h.date_explicit and
                                                        (m.date == h.date or _in_range(m, h))), hosts_m[0])
            _absorb(same, m)
            if m.bilateral and m.sentence is not same.sentence and _states(m) == _states(same):
                same.talks_inside = True
            continue
        out.append(m)
    # "will travel to Paris for a meeting of the Weimar Triangle defence ministers": the trip is
    # the way to the multilateral meeting, which is the event (also told in a sentence of its
    # own: "The summit took place in Astana on Tuesday ... Scholz arrived in Astana from ...")
    for v in [x for x in out if x.type in rules().classes_with("host_is_party") and x.type != "Deployment"]:
        # (not a visit with bilateral talks of its own told apart: "arrived in Kingston ... held
        # bilateral talks with the Prime Minister ... later joined a round table of leaders")
        meeting = next((x for x in out if x.type == "Meeting"
                        and (_meeting_of_many(x) or _named_gathering(x) or id(x) in gatherings) and not x.side and
                        ((x.sentence is v.sentence or v.sentence in x.extra_spans) or
                         (not v.talks_inside and v.place is not None and x.place is not None
                          and _place_key(v.place) == _place_key(x.place)
                          and _states(v) <= _states(x) and v.planned == x.planned)) and
                        (x.date == v.date or _in_range(x, v) or (not v.date_explicit and not x.planned)
                         or _day_of_trip_told(x, v))), None)
        if meeting is not None:
            _absorb(meeting, v)
            out.remove(v)
    after_arrival = rules().cues.get("days_after_arrival")
    for v in out:
        # "held talks with X on Monday, a day after arriving in Monrovia": the visit began that
        # many days before the day its sentence tells ("after he arrived last night": one)
        # (also in the sentence of talks it took in: "Oli had held talks with Li on Tuesday, a day
        # after he landed in Beijing", the visit told by "during Oli's ongoing visit", batch ye)
        ma = None if after_arrival is None else next(
            (a for t in [v.sentence, *v.extra_spans] if (a := after_arrival.search(t.text)) is not None), None)
        if v.type == "Visit" and not v.planned and v.date is not None and v.date_explicit and not v.by_dateline \
                and ma is not None:
            n = 1 if ma.group("n") is None or ma.group("n").lower() in ("a", "one") else number_value(ma.group("n"))
            if n:
                # (the day told stays inside the stay: a signing told that day is during it)
                v.date, v.end_date = v.date - timedelta(days=n), v.end_date or v.date
    arrival = rules().cues.get("arrival_word")
    for v in [x for x in out if x.type == "Visit" and not x.planned and arrival is not None
              and (x.place is not None or len(_states(x)) >= 2) and arrival.match(x.trigger.word)]:
        # "Anwar, who arrived in Vladivostok on Wednesday" beside his meeting there on the margins
        # of a forum the day after: the trip to the forum, the occasion of that meeting
        side = next((m for m in out if m.type == "Meeting" and m.side and not m.planned and m.place is not None
                     and v.place is not None and _place_key(m.place) == _place_key(v.place) and m.date is not None and v.date is not None
                     and timedelta(0) <= m.date - v.date <= timedelta(days=rules().window("arrival_before_forum_days")) and _states(v) <= _states(m)), None)
        if side is not None:
            side.extra_spans.append(v.sentence)
            out.remove(v)
            continue
        # "paid a state visit on Tuesday ... the guest, who arrived in Hanoi on Monday evening": the
        # visit told on the day of its talks began on the day of the arrival in the same city (or, for
        # a visit told without a place, in a city of the state visited)
        stay = next((x for x in out if x is not v and x.type == "Visit" and not x.planned and not x.itinerary
                     and (_place_key(x.place) == _place_key(v.place) if x.place is not None and v.place is not None
                          else bool(v.place.iso3) and v.place.iso3 in _states(x) if v.place is not None
                          # ("The King, who arrived at Jomo Kenyatta International Airport last night":
                          # an arrival told without a city, in the state of the stay)
                          else x.place is not None and bool(x.place.iso3) and x.place.iso3 in _states(v))
                     and x.date is not None and v.date is not None and v.date_explicit and not v.by_dateline
                     and timedelta(0) < x.date - v.date <= timedelta(days=rules().window("arrival_before_visit_days"))
                     and _states(v) <= _states(x)), None)
        if stay is not None:
            stay.date, stay.end_date = v.date, stay.end_date or stay.date
            _absorb(stay, v)
            out.remove(v)
            continue
        # "Biden arrived in Luanda on Monday night ... held official talks today (Tuesday) with
        # President X": talks with the host in the city of the arrival, in the days after it, are
        # held during the visit the arrival began, which spans them
        # (talks told without a place of their own are in the one city the arrival names: "arrived
        # in Asuncion on Thursday ... On Friday he was received by President X")
        talks = [m for m in _talks_during(v, out) if v.place is not None
                 and (m.place is None or _place_key(m.place) == _place_key(v.place))] \
            if v.date_explicit and not v.by_dateline else []
        _spans_talks(v, talks, out)
    for v in [x for x in out if x.type == "Visit" and x.planned and x.place is not None and x.date is not None
              and arrival is not None and arrival.match(x.trigger.word)]:
        # a preview: "will arrive in Dublin this evening ... Tomorrow (Tuesday) he will meet the
        # Taoiseach": the talks planned with the host in the days right after the arrival are
        # held during the visit it begins (as for an arrival reported above; no last day is told)
        for m in [m for m in _talks_during(v, out, planned=True)
                  if _states(m) and (m.place is None or _place_key(m.place) == _place_key(v.place))]:
            _absorb(v, m)
            out.remove(m)
    formal = rules().cues.get("recurring_format")
    for v in [x for x in out if x.type == "Visit" and not x.planned and x.place is not None and x.date is not None
              and x.date_explicit and not x.by_dateline and x.end_date is None
              and not (arrival is not None and arrival.match(x.trigger.word))]:
        # "an official visit that began when the delegation arrived in Washington on Wednesday ...
        # met President X in the Oval Office on Thursday": talks with the host in the city of the
        # visit in the days after the day it is dated are held during it (docs/annotation.md: a
        # visit told with its talks is one Visit), so it spans them; not where another visit of
        # the same sides is told (a visit told by its arrival is read above: "arrived in Seoul on
        # Monday" before a formal meeting there on Tuesday is the trip to that meeting; nor is a
        # meeting of a recurring format, cue recurring_format: "held their annual security talks")
        # (talks told after the visit that name no state, "after which the ministers held talks",
        # are the visit's own sides': _parties_of_visit gives them its states later)
        talks = [m for m in _talks_during(v, out) if (_states(m) or m.sentence.start > v.sentence.start)
                 and not _named_gathering(m)
                 and not (formal is not None and formal.search(m.sentence.text))
                 and (m.place is None or _place_key(m.place) == _place_key(v.place))]  # (no place: none other)
        _spans_talks(v, talks, out)
    arrived = [x for x in drafts if x.arrival_day is not None]
    for v in out if arrived else []:
        # "received the Prime Minister of Canada today ... the ministers, who held a working meeting
        # yesterday evening, upon the Canadian delegation's arrival": the visit began that day
        if v.type != "Visit" or v.planned or v.date is None or (arrival is not None and arrival.match(v.trigger.word)):
            continue
        days = [x.arrival_day for x in arrived if x.arrival_day is not None and timedelta(0) < v.date - x.arrival_day
                <= timedelta(days=rules().window("arrival_before_visit_days")) and _states(x) <= _states(v)]
        if days:
            v.date, v.end_date = min(days), v.end_date or v.date
    for v in [u for u in under_way if u.leads and _states(u)]:
        # "Oli is on a four-day official visit to China that began on Monday. He met President Xi
        # on Tuesday": a stay told in a clause of its own, then a meeting of the same states told
        # after it: the meeting is inside the visit, which is the event (told first, the meeting
        # is the event and the stay describes its guest)
        told = [m for m in out if m.type == "Meeting" and not m.side and not m.planned
                and not _meeting_of_many(m) and _states(m) and _states(m) <= _states(v)]
        # (not a later leg told ahead: "... Tomorrow the delegation will go to Bar", zi07)
        if any(x.type == v.type and _same_sides(x, v) and not (
                x.planned and not v.planned and v.date is not None and x.date is not None and x.date > v.date)
               for x in out):
            continue
        if not told and v.date is not None and any(
                x.type == "AgreementSigning" and not x.planned and x.date is not None and _states(x)
                and _states(x) <= _states(v) and v.date <= x.date <= (v.end_date or v.date) for x in out):
            # "X is on a two-day official visit to Montenegro, where today he held talks with Y ...
            # the two ministers signed the plan": the stay is an event beside the signing made in it
            v.reference = False
            out.append(v)
            continue
        if not told or any(m.sentence.start <= v.sentence.start for m in told):
            continue
        v.reference = False
        for m in told:
            _absorb(v, m)
            out.remove(m)
        out.append(v)
    if not out and under_way:
        # a statement that reports no event but names one under way ("X, on a state visit to Y,
        # attended the launch of ..."): that event, with what the other namings of it add
        d = under_way[0]
        d.reference = False
        for other in under_way[1:]:
            if other.type == d.type:
                _absorb(d, other)
        out.append(d)
    for m in out:
        # "took part in the meeting of the SCO defence ministers in Astana ... On the margins of the
        # meeting he held talks with China's minister and with Russia's": the states of a bilateral
        # held on the margins attend the meeting it was held at (docs/annotation.md 9 e), the one
        # meeting of many of that day
        if m.type != "Meeting" or not m.side or m.date is None or m.planned or len(_states(m)) > 2:
            continue  # (a meeting of many on the margins of another is no bilateral of its attendees)
        host = [x for x in out if x.type == "Meeting" and not x.side and x.date == m.date and x.planned == m.planned
                and _meeting_of_many(x) and (x.place is None or m.place is None or _place_key(x.place) == _place_key(m.place))]
        if len(host) == 1:
            for r in m.participants:
                if r.kind == "country":
                    _add(host[0].participants, r)
    for x in [e for e in out if e.place is None and e.type in ("AgreementSigning", "Meeting") and not e.planned
              and e.date is not None and _states(e) and not (e.type == "Meeting" and _meeting_of_many(e))]:
        day = x.date
        assert day is not None
        # "arrived in Niamey on Sunday ... On Monday the two ministers signed an agreement": a
        # signing or meeting of the visit's states in the days of a visit, told with no place, is
        # held where the visit is (window arrival_before_visit_days after its first day)
        stays = [v for v in out if v.type == "Visit" and not v.planned and v.place is not None and v.date is not None
                 and v.place.kind == "city" and _states(x) <= _states(v)
                 and timedelta(0) <= day - v.date <= timedelta(days=rules().window("arrival_before_visit_days"))
                 and (v.end_date is None or day <= v.end_date)]
        if len({_place_key(v.place) for v in stays if v.place is not None}) == 1:
            x.place = stays[0].place
    return out


_LEG_TYPES = ("Visit", "AgreementSigning")


def _talks_during(v: ev_rules.EventDraft, out: list[ev_rules.EventDraft],
                  planned: bool = False) -> list[ev_rules.EventDraft]:
    """Meetings of the states of visit `v` (not on a forum's margins, nor of many; planned as
    `planned` says) on the days after the one it is dated (window arrival_before_visit_days): held
    during it, where the caller finds them in its city."""
    if v.date is None:
        return []
    window = timedelta(days=rules().window("arrival_before_visit_days"))
    return [m for m in out if m.type == "Meeting" and not m.side and m.planned == planned and not m.tentative
            and not _meeting_of_many(m) and m.date is not None and timedelta(0) < m.date - v.date <= window
            and _states(m) <= _states(v)]


def _spans_talks(v: ev_rules.EventDraft, talks: list[ev_rules.EventDraft], out: list[ev_rules.EventDraft]) -> None:
    """Visit `v` absorbs the talks held during it and runs to the last of them, unless another
    visit of the same sides is told (then which one held them is not known)."""
    if not talks or any(x is not v and x.type == "Visit" and not x.planned and _same_sides(x, v) for x in out):
        return
    for m in talks:
        _absorb(v, m)
        out.remove(m)
    last = max(m.date for m in talks if m.date is not None)
    v.end_date = max(v.end_date or last, last)


def _split_by_legs(drafts: list[ev_rules.EventDraft]) -> list[ev_rules.EventDraft]:
    """"visited Sweden and Finland today and signed declarations with both countries. In Sweden,
    the Prime Minister met X ... where the two leaders signed the UK-Sweden declaration. The Prime
    Minister then travelled on to Helsinki, where he signed a similar declaration with Y": a visit
    or signing told with several host states, each of which has a leg of its own told after it
    (an event of that day that names it and none of the others), is one event per state; the
    events of each leg are kept to it (EventDraft.leg)."""
    out: list[ev_rules.EventDraft] = []
    for x in drafts:
        hosts = _states(x) - x.person_states
        if x.type not in _LEG_TYPES or x.reference or x.tentative or x.date is None or len(hosts) < 2:
            out.append(x)
            continue
        told = [d for d in drafts if d is not x and d.sentence.start > x.sentence.start and not d.headline
                and d.type in ("Meeting", *_LEG_TYPES) and not d.reference and not d.tentative
                and d.date is not None and (d.date == x.date or _in_range(d, x)) and d.planned == x.planned
                and not d.side]
        legs = {a: [d for d in told if a in _states(d) and not _states(d) & (hosts - {a})] for a in sorted(hosts)}
        if not all(legs.values()):
            out.append(x)
            continue
        for a, ds in legs.items():
            part = replace(x, participants=[r for r in x.participants
                                            if not (r.kind == "country" and r.key in hosts and r.key != a)],
                           convenors=list(x.convenors), extra_spans=list(x.extra_spans), leg=a)
            own = next((d for d in ds if d.type == x.type and d.date_explicit), None)
            if own is not None and x.end_date is not None:
                # "visits to Mongolia and Japan from 5 to 9 September ... The visit to Mongolia, from
                # 5 to 7 September": each leg on its own days
                part.date, part.end_date = own.date, own.end_date
            if part.place is not None and part.place.iso3 and part.place.iso3 != a:
                part.place = None
            out.append(part)
            for d in ds:
                d.leg = d.leg or a
    return out


def _stop_state(d: ev_rules.EventDraft) -> str | None:
    """The state of the city a bilateral meeting or visit of a day of its own was held in, when
    that state is a party to it."""
    if d.type not in ("Meeting", "Visit") or d.planned or d.tentative or d.reference or d.side or d.earlier_leg \
            or not d.date_explicit or d.by_dateline or d.place is None or d.place_by_dateline \
            or d.place.kind != "city" or not d.place.iso3 or _meeting_of_many(d) \
            or d.place.iso3 not in _states(d) | d.person_states:
        return None  # (a city whose state is no party is a name misread: "Murray Barracks")
    return str(d.place.iso3)


def _tour_stops(drafts: list[ev_rules.EventDraft]) -> None:
    """"has ended a tour of three states ... On Saturday he met X in Bamako, and later flew to
    Ouagadougou for talks with Y. He was received on Sunday in Niamey by Z": a trip told as a
    whole and whose stops are told as meetings in cities of several states is one visit per stop
    (the visit holds the meeting told there); they are told apart by their places (see
    _elsewhere). Without the trip told as a whole, a meeting stays one ("met Trump at the White
    House on Friday ... flew to London on Saturday for talks with Starmer": the meeting, then a
    visit)."""
    at = [(d, st) for d in drafts if (st := _stop_state(d)) is not None]
    hosts = {st for _d, st in at}
    if len(hosts) < 2 or not any(d.type == "Visit" and not d.planned and not d.tentative
                                 and not any(d is x for x, _st in at) for d in drafts):
        return  # (no trip told besides its stops: "met Trump at the White House ... flew to London")
    guests: set[str] = set()
    for d in drafts:
        if d.type in ("Meeting", "Visit") and not d.planned and not d.tentative and not d.side \
                and (not d.date_explicit or d.by_dateline) and not any(d is x for x, _st in at):
            d.reference = True  # "has ended a tour of three states, where he held talks": the stops summed up
            guests |= _states(d) - hosts  # and the one who toured them
    for d, iso3 in at:
        d.itinerary = True
        for g in sorted(guests):
            _add(d.participants, ActorRef("country", g))
        if d.type == "Meeting":
            d.type = "Visit"
            d.participants = [r for r in d.participants if r.kind != "country" or r.key == iso3
                              or r.key not in hosts]


def _planned_tour_stops(drafts: list[ev_rules.EventDraft]) -> None:
    """"will travel to Singapore and Malaysia next week. On Monday in Singapore she will meet X ...
    She will then go on to Kuala Lumpur, where on Wednesday she will hold talks with Y" (zy14): a
    trip announced as a whole without a day of its own, whose stops are told with their days in
    cities of two or more states, is one planned visit per stop (docs/annotation.md 4 and 9 (g):
    one event per leg with its own day); the talks told at a stop are that visit, as for a trip
    reported done (_tour_stops)."""
    trips = [d for d in drafts if d.type == "Visit" and d.planned and d.tentative and not d.reference]
    gathering = rules().cues["trip_for_gathering"]
    if not trips:
        return
    # (a stop in a city of a state the trip names: "will travel to South Korea and Japan next
    # week. On Tuesday in Seoul he is to meet Minister Kim", whose state the text does not tell)
    named = {k for t in trips for k in _states(t)}
    at = [(d, str(d.place.iso3)) for d in drafts
          if d.type in ("Meeting", "Visit") and d.planned and not d.tentative and not d.reference and not d.side
          and d.date_explicit and not d.by_dateline and d.place is not None and not d.place_by_dateline
          and d.place.kind == "city" and d.place.iso3 and not _meeting_of_many(d)
          and d.place.iso3 in _states(d) | d.person_states | named
          # (not a trip made for a gathering: "will travel to Singapore on Thursday for the
          # Shangri-La Dialogue", v26: the gathering is the event, docs/annotation.md 9 (d))
          and not (d.type == "Meeting" and gathering.search(d.sentence.text))]
    hosts = {st for _d, st in at}
    if len(hosts) < 2:
        return
    for d, iso3 in at:
        _add(d.participants, ActorRef("country", iso3))  # (the guest's state: _guests_of_trip)
        if d.type == "Meeting":
            d.type = "Visit"
            d.participants = [r for r in d.participants if r.kind != "country" or r.key == iso3
                              or r.key not in hosts]


def _elsewhere(m: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """A meeting held in another state than the one a visit goes to is not inside that visit
    ("met Trump at the White House ... flew to London the next day")."""
    return h.type == "Visit" and m.place is not None and h.place is not None and bool(m.place.iso3) \
        and bool(h.place.iso3) and m.place.iso3 != h.place.iso3


def _port_call_elsewhere(m: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """A ship's port call (cue port_call_word in the visit's sentences) and a meeting told in
    another city: the meeting is no talk inside the ship's visit."""
    cue = rules().cues.get("port_call_word")
    return h.type == "Visit" and cue is not None and _other_city(m, h) and \
        any(cue.search(sp.text) is not None for sp in [h.sentence] + h.extra_spans)


def _next_leg_of_plan(d: ev_rules.EventDraft, m: ev_rules.EventDraft) -> bool:
    """A planned visit told after another planned visit, on a day of its own, in a city of
    another state ("will arrive in Ashgabat on Monday, June 10, for a two-day state visit ... On
    Tuesday the President will fly on to Astana"): the next leg of the tour, not a day of the
    first stay, even inside the days told for it."""
    return m.planned and d.planned and m.type == "Visit" and d.type == m.type and d.date_explicit \
        and m.date_explicit and d.sentence.start > m.sentence.start and _elsewhere(d, m) \
        and d.place is not None and d.place.kind == "city"


def _leg_before(m: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """A meeting told as the earlier leg of a trip ("arrived in Samarkand from Tashkent, where he
    had held talks with the Uzbek prime minister on Thursday") is no part of the visit to the city
    reached, even in the same state."""
    return m.earlier_leg and h.type == "Visit" and m.date is not None and h.date is not None and m.date < h.date


def _other_city(d: ev_rules.EventDraft, m: ev_rules.EventDraft) -> bool:
    """A leg of a trip told in another city of the same state than the visit it follows ("a
    State Visit to Kenya ... will travel to Mombasa on Thursday"): a visit of its own."""
    return d.place is not None and m.place is not None and d.place.kind == "city" and m.place.kind == "city" \
        and _place_key(d.place) != _place_key(m.place) and not d.place_by_dateline and not m.place_by_dateline


def _people(d: ev_rules.EventDraft) -> set[str]:
    return {r.key for r in d.participants if r.kind in ("person", "post")}


def _other_counterpart(m: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """A meeting, told in a sentence of its own, with someone the signing or call does not name
    where that names both sides ("X and Deputy Prime Minister Y signed the agreement ... X also met
    Prime Minister Z earlier in the day"): another event with the same states. A visit holds
    every meeting inside it."""
    if h.type == "Visit" or m.type != "Meeting":
        return False
    a, b = _people(m), _people(h)
    return m.sentence is not h.sentence and len(b) >= 2 and bool(a - b)


def _third_state_met(m: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """A meeting during a visit with an official of a state that is neither the guest's nor the
    host's ("During his visit to Warsaw, he also held a meeting with Canadian Minister X"): another
    event beside the visit, not its talks (docs/annotation.md 9 (b): a separate Meeting for a
    meeting with other parties)."""
    if h.type != "Visit" or m.type != "Meeting" or len(_states(h)) < 2 or m.headline:
        return False
    # (the persons of the meeting all of other states: "for talks with General X [of the host],
    # and to Ottawa on Thursday, where he is to meet General Y" names the host's too, z29)
    return bool(m.person_states) and not m.person_states & _states(h)


def _stop_of_counterpart(d: ev_rules.EventDraft, drafts: list[ev_rules.EventDraft]) -> ev_rules.EventDraft | None:
    """The one planned stop of a trip (a visit, or a meeting told at a stop) whose state is the
    state of a person a plan without a day or place names ("He is scheduled to hold talks with
    President Ruto", after "will arrive in Nairobi"), None when there is none or more than one."""
    stops = [x for x in drafts if x is not d and x.planned and not x.tentative and not x.reference
             and x.type in ("Visit", "Meeting") and _states(x)]
    if len(stops) < 2 or not d.person_states:
        return None
    shared = set.intersection(*[_states(x) for x in stops])  # the guest's own state
    own = d.person_states - shared
    found = [x for x in stops if own & _states(x)]
    hosts = {k for x in found for k in own & _states(x)}
    if not found or len(hosts) != 1:
        return None
    visits = [x for x in found if x.type == "Visit"]
    return (visits or found)[0]


def _at(m: ev_rules.EventDraft, iso3: str) -> bool:
    """The event is in that state: its place is there, or (no place) the state takes part."""
    if m.place is not None and m.place.iso3:
        return bool(m.place.iso3 == iso3)
    return ActorRef("country", iso3) in m.participants


def _same_sides(m: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """Two events of two states each that share no more than one of them are not one event."""
    a = {r.key for r in m.participants if r.kind == "country"}
    b = {r.key for r in h.participants if r.kind == "country"}
    return len(a) < 2 or len(b) < 2 or len(a & b) >= 2


def _states(d: ev_rules.EventDraft) -> set[str]:
    return {r.key for r in d.participants if r.kind == "country"}


def _same_parties(m: ev_rules.EventDraft, d: ev_rules.EventDraft) -> bool:
    """The same two or more states and the same organisations: a headline's "A, B and C meet in
    Brussels" is the trilateral its text holds on the margins there, not the meeting it was held at."""
    def parties(x: ev_rules.EventDraft) -> set[ActorRef]:
        return {r for r in x.participants if r.kind in ("country", "organisation")}
    a = parties(m)
    return sum(r.kind == "country" for r in a) >= 2 and a == parties(d)


def _bilateral_beside_body(m: ev_rules.EventDraft, d: ev_rules.EventDraft) -> bool:
    """One of two meetings told with their own days is of two states alone, the other of three or
    more with an organisation (a body's session): a bilateral held at it, not the same meeting
    (docs/annotation.md 9 (e))."""
    def two(x: ev_rules.EventDraft) -> bool:
        return len(_states(x)) == 2 and not any(r.kind == "organisation" for r in x.participants)

    def body(x: ev_rules.EventDraft) -> bool:
        return len(_states(x)) >= 3 and any(r.kind == "organisation" for r in x.participants)
    return (two(m) and body(d)) or (two(d) and body(m))


def _multilateral(d: ev_rules.EventDraft) -> bool:
    states = [r for r in d.participants if r.kind == "country"]
    return _many(d) or len(states) > 2 or any(r.kind == "organisation" for r in d.participants)


def _span_after_departure(m: ev_rules.EventDraft, d: ev_rules.EventDraft) -> bool:
    """"A contingent left Katunayake for India on Monday to take part in the exercise ... The
    exercise will be conducted from 16 to 29 August": the day told with the departure (cue
    departure_for_event, read in the first event's sentences) is the trip's; the event named
    again with its own span a few days later (window frame_before_days) is held then."""
    cue = rules().cues.get("departure_for_event")
    return cue is not None and m.type == d.type and not m.tentative and m.end_date is None \
        and d.end_date is not None and m.date is not None and d.date is not None \
        and timedelta(0) < d.date - m.date <= timedelta(days=rules().window("frame_before_days")) \
        and any(cue.search(x.text) is not None for x in (m.sentence, *m.extra_spans))


def _named_gathering(d: ev_rules.EventDraft) -> bool:
    """A meeting its sentence names as a gathering after its word ("will meet their Australian
    counterparts for the Australia-U.S. Ministerial Consultations (AUSMIN) on Saturday"): the trip
    made to it is the way there (docs/annotation.md 9 (d)), not a visit that holds it."""
    cue = rules().cues.get("named_gathering_after")
    t = d.trigger
    return cue is not None and may_match(cue, t.sentence_text) and \
        cue.search(t.sentence_text, max(0, t.end - t.sentence_start)) is not None


def _meeting_of_many(d: ev_rules.EventDraft) -> bool:
    """Multilateral by its states, its count or an organisation that meets, not one whose official
    is a party ("NATO Deputy Secretary General X visited Skopje and met ...": a visit)."""
    states = [r for r in d.participants if r.kind == "country"]
    return _many(d) or len(states) > 2 or any(r.kind == "organisation" and r.key not in d.person_orgs
                                             for r in d.participants)


def _day_of_trip_told(m: ev_rules.EventDraft, v: ev_rules.EventDraft) -> bool:
    """A planned trip with no last day and a planned event its own sentence tells a day or two
    after its start ("leaves on Friday for Beijing, where he will meet X on Saturday"): a day of
    that trip (window arrival_before_forum_days)."""
    return v.type == "Visit" and v.planned and m.planned and v.end_date is None and m.sentence is v.sentence \
        and m.date is not None and v.date is not None \
        and timedelta(0) < m.date - v.date <= timedelta(days=rules().window("arrival_before_forum_days"))


def _many(d: ev_rules.EventDraft) -> bool:
    """A number of participants that makes a meeting multilateral ("the two ministers" does not)."""
    return d.count is not None and d.count > 2


def _within_vague(d: ev_rules.EventDraft, m: ev_rules.EventDraft) -> bool:
    """A plan dated by a week only ("will travel next week to India on a state visit") and one of
    its days told ("will land in New Delhi on Tuesday 1 April"): the same trip (window
    vague_week_days; batch ye)."""
    return m.planned and d.planned and (m.vague != d.vague) and m.date is not None and d.date is not None \
        and abs((m.date - d.date).days) <= rules().window("vague_week_days")


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
    if target.type not in rules().classes_with("remote"):
        # a call joins two places: the city of a meeting draft it absorbs (often the dateline's)
        # is where the report was made
        if d.place is not None and target.place_by_dateline and not d.place_by_dateline and \
                d.date_explicit and not target.date_explicit:
            # "MOGADISHU (Agency) - A and B have signed ... The agreement was signed in Ankara":
            # the place the event's own telling names, not where the report was filed
            target.place, target.place_by_dateline = d.place, False
        host_party = rules().classes_with("host_is_party")
        if not (d.place_by_dateline and target.type in host_party and d.type not in host_party):
            # (a visit is where the guest went, not where an agency filed the report on it; a
            # visit's own telling took the dateline's city only where the visit is there: "BANDAR
            # SERI BEGAWAN, March 12 - X paid an official visit to Brunei" after a headline)
            target.place = target.place or d.place
        target.venue = target.venue or d.venue
        if target.place is d.place:
            target.place_by_dateline = d.place_by_dateline
    if d.date_explicit and not target.date_explicit:
        target.date, target.end_date, target.date_explicit = d.date, d.end_date, True
        target.planned, target.by_dateline = d.planned, d.by_dateline
    elif d.date_explicit and target.end_date is None and d.end_date is not None and _in_range(target, d) \
            and target.type in rules().classes_with("host_is_party") and target.planned == d.planned:
        # "signed ... on Thursday during a visit by X ... X, who arrived on Wednesday for a two-day
        # visit": a day told inside the stay the other telling spans is one day of it
        target.date, target.end_date = d.date, d.end_date
    elif d.end_date is not None and target.end_date is None and \
            target.date is not None and d.date == target.date and d.end_date > target.date:
        # "opened its session on Wednesday ... co-chair the session, which ends on Friday"; "exercise
        # to open on Monday" over "will be held from 15 to 28 April": the range that begins that day
        target.end_date = d.end_date
    target.confidence = max(target.confidence, d.confidence)
    target.person_orgs |= d.person_orgs
    target.leg = target.leg or d.leg
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
    return f"{kind}: {who}{when}"[:rules().window("max_event_label")]


# searched in sentences and windows: behind a lookahead of their first characters
# (rules.quick_start), not tried at every position
(_SEPARATE, _MONTH_OR_YEAR) = map(quick_start, (_SEPARATE, _MONTH_OR_YEAR))


def _hosts_of_legs(drafts: list[ev_rules.EventDraft]) -> list[ev_rules.EventDraft]:
    """Drop a meeting whose states are only the hosts of several visits of one guest: "visited
    Qatar on 16 November and Oman on 17 November. In Doha he met X, and in Muscat he held talks
    with Y", "In Tallinn she met X. In Vilnius she met Y" (round 24 probes): the hosts met the
    guest at their own stops, not each other; each stop's talks are its visit's. Each state of the
    meeting is the one host of a visit of its own, and those visits share the guest, who is no
    party of the meeting as read (a meeting the guest is a party to stays)."""
    visits = [v for v in drafts if v.type == "Visit" and not v.tentative and not v.reference]
    out = []
    for d in drafts:
        mine = _states(d)
        if d.type == "Meeting" and len(mine) >= 2 and not d.convenors and not d.side and not d.count \
                and not any(r.kind == "organisation" for r in d.participants):
            legs = {c: [v for v in visits if _states(v) & mine == {c} and _states(v) - mine] for c in mine}
            if all(legs.values()):
                guests = set.intersection(*(set().union(*(_states(v) - mine for v in vs)) for vs in legs.values()))
                if guests:
                    for vs in legs.values():
                        if d.sentence is not vs[0].sentence and d.sentence not in vs[0].extra_spans:
                            vs[0].extra_spans.append(d.sentence)
                    continue
        out.append(d)
    return out


def _end_told(v: ev_rules.EventDraft, d: DateMention) -> bool:
    """Date `d`, told after visit `v`'s first day (a weekday read in the past is the first such
    day after it: "will return to Jakarta on Friday" after a departure on Wednesday), is `v`'s
    last day when it falls within window end_told_max_days and after the last day `v` has: set
    it and say so."""
    assert v.date is not None
    day = d.date
    if d.relative and day <= v.date:
        ahead = (day.weekday() - v.date.weekday()) % 7
        day = v.date + timedelta(days=ahead) if ahead else day
    if 0 < (day - v.date).days <= rules().window("end_told_max_days") and (v.end_date is None or day > v.end_date):
        v.end_date = day
        return True
    return False


def _lone_visit(drafts: list[ev_rules.EventDraft]) -> ev_rules.EventDraft | None:
    """The one visit (not tentative) the statement tells, when it tells one alone and has its day."""
    visits = [v for v in drafts if v.type == "Visit" and not v.tentative]
    return visits[0] if len(visits) == 1 and visits[0].date is not None else None


def _ends_by_return(ctx: _Context, drafts: list[ev_rules.EventDraft]) -> None:
    """"will depart for Australia on Wednesday for a working visit to Canberra ... The minister will
    return to Jakarta on Friday": a sentence after a visit's own that tells the return to a place
    of the guest's state (cue return_to_before before it) on a later day (within window
    end_told_max_days) gives the visit's last day, where the statement tells one visit alone (a
    later day than the one its talks gave it too)."""
    R = rules()
    back = R.cues["return_to_before"]
    v = _lone_visit(drafts)
    if v is None or v.place is None or not v.place.iso3:
        return
    guests = _states(v) - {v.place.iso3}
    home_cue = R.cues.get("return_home")
    for s in ctx.sentences:
        if s.start <= v.sentence.start:
            continue
        homeward = home_cue.search(s.text) if home_cue is not None else None
        if homeward is not None:
            # "Oli returns home on Thursday" (batch ye): the return told without the place
            for d in ctx.within(ctx.dates, s):
                if d.start < s.start + homeward.end() or d.vague or d.end_date is not None:
                    continue
                if _end_told(v, d):
                    return
        for p in ctx.within(ctx.places, s):
            if p.iso3 not in guests or not back.search(ctx.text, max(s.start, p.start - R.window("return_to_before")), p.start):
                continue
            for d in ctx.within(ctx.dates, s):
                if d.start <= p.end or d.vague or d.end_date is not None:
                    continue
                if _end_told(v, d):  # (a later day than the last talks read for its end: "met X
                    return  # on Thursday ... returned to Manila on Friday")


def _ends_by_stay(ctx: _Context, drafts: list[ev_rules.EventDraft]) -> None:
    """"arrived this Monday at the port ... It will remain docked until Thursday 16", "will land in
    New Delhi on Tuesday 1 April ... The visit will extend until Saturday 5 April": a sentence after
    a visit's own that tells the stay goes on until a later day (cue stay_until_before, within
    window end_told_max_days) gives the visit's last day, where the statement tells one visit alone."""
    R = rules()
    cue = R.cues.get("stay_until_before")
    v = _lone_visit(drafts)
    if cue is None or v is None:
        return
    for s in ctx.sentences:
        if s.start <= v.sentence.start:
            continue
        for d in ctx.within(ctx.dates, s):
            if d.vague or d.end_date is not None:
                continue
            words = d.text.lower().split()
            until = bool(words) and words[0] in ("until", "till")
            before = ctx.text[max(s.start, d.start - R.window("until_before_date")):d.start] + ("until " if until else "")
            if not cue.search(before):
                continue
            if _end_told(v, d):  # ("until Thursday" after an arrival on Monday: the first Thursday after it)
                return


def _told_inside(c: Cover, d: ev_rules.EventDraft, h: ev_rules.EventDraft) -> bool:
    """A sentence of event `d` that is also one of `h` tells `d` inside `h` (cover `c`'s `inside`)."""
    assert c.inside is not None
    mine = [d.sentence] + d.extra_spans
    return any(c.inside.search(sp.text) is not None and (sp is h.sentence or sp in h.extra_spans) for sp in mine)


def _covered(drafts: list[ev_rules.EventDraft]) -> list[ev_rules.EventDraft]:
    """Drop an event told only as the frame of another the statement reports (rules: a type's
    `covered_by`): "HMS X, the flagship of the carrier strike group, berthed at Yokosuka today, the
    first visit to Japan ..." is a port call; the strike group's deployment it is part of is no
    event of its own. The frame's states and the covering event's are one inside the other, and
    the frame has no day of its own apart from the cover's days; its sentences add to the cover
    (not its states: "had earlier called at Cotonou, Benin" names other stops)."""
    out = []
    for d in drafts:
        rt = rules().event_type(d.trigger.kind) or rules().event_type(d.type)
        covers = [c for c in (rt.covered_by if rt is not None else ())
                  if c.word is None or c.word.search(d.trigger.word)]
        mine = _states(d)
        ahead = timedelta(days=rules().window("frame_before_days"))
        # (a frame told done may lead to a cover still planned: forces that left on Monday for an
        # exercise that opens on Wednesday)
        # ("arrived in the port on Monday for a five-day stay, during which its crew will train with
        # the Navy": told inside the cover in the cover's own sentence, whatever day was read for it)
        cover = next((h for c in covers for h in drafts
                      if h is not d and h.type in c.by and len(_states(h)) >= 2 and mine
                      and (h.planned == d.planned or h.planned or c.inside is not None)
                      and (_states(h) <= mine or mine <= _states(h))
                      and (_told_inside(c, d, h) if c.inside is not None else
                           (not d.date_explicit or d.by_dateline or d.date is None or h.date is None
                            or h.date - ahead <= d.date <= (h.end_date or h.date)
                            or (d.end_date is not None and d.date <= h.date <= d.end_date)))), None)
        if cover is None:
            out.append(d)
            continue
        for sp in [d.sentence] + d.extra_spans:
            if sp is not cover.sentence and sp not in cover.extra_spans:
                cover.extra_spans.append(sp)
    return out
