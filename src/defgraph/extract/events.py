"""Events: which sentences report a meeting, visit, call, signing, exercise or deployment,
and who took part, who convened, when and where."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import ActorRef
from ..rules import EventType, Rules, first_chars, per_rules, quick_start, required_words, rules
from ..rules import Trigger as TriggerRule
from .text import (
    MAX_SENTENCE,
    Sentence,
    Words,
    WordSet,
    compile_words,
    lowered,
    may_match,
    number_value,
    sentence_words,
    share_words,
)

# A headline's infinitive: "Minister to host NATO Secretary General", "UK to deploy jets"
# a headline's infinitive: "Minister to visit Japan", "Indonesia, Australia to sign agreement"
_HEADLINE_FUTURE = re.compile(r"^[^.;:]{0,100}?\b[A-Z][\w'’-]*\s+to\s+$")

@per_rules
def _count(r: Rules) -> re.Pattern[str]:
    """A number of participants: "12 partner nations", "the six member states" (a count in
    words: cue number_word; the words between, cue count_modifier; the participants, cue
    counted_participants)."""
    return quick_start(re.compile(
        r"\b(?P<n>\d{1,3}|" + r.cue_texts["number_word"] + r")\s+"
        r"(?:(?:" + r.cue_texts["count_modifier"] + r"|[A-Z][\w-]+)\s+){0,3}"
        r"(?P<what>" + r.cue_texts["counted_participants"] + r")\b", re.I))


def __getattr__(name: str) -> Any:
    """The module's former names of the patterns (events._COUNT, events.CLOSED_RELATIVE): the
    rules in force's."""
    if name == "_COUNT":
        return _count()
    if name in _CUE_NAMES:
        return rules().cues[_CUE_NAMES[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NEXT_WORD = re.compile(r"\s+(\w+)")
# the module's former names of patterns that are cues of phrasing.yaml
_CUE_NAMES = {"CLOSED_RELATIVE": "closed_relative_clause", "_BY_CONVENOR": "by_convenor"}


@dataclass
class Trigger:
    type: str
    start: int
    end: int
    word: str
    convening: bool
    sentence_text: str = ""
    sentence_start: int = 0
    kind: str = ""  # the event type of rules/event_types.yaml (its class is `type`)
    anchor: tuple[int, int] | None = None  # the first word of this class in the sentence, when earlier
    reference: bool = False  # names an event again ("during the visit"): adds to one, never makes one
    asserts: bool = False  # a reference that tells an event under way ("who is on a visit to X")
    leads: bool = False  # told under way in a clause of its own ("X is on a visit to Y")
    days_apart: int | None = None  # told "a day after"/"two days before" an event reported: days from it (cue days_apart_before)
    earlier: bool = False  # an earlier event with its own day named by what the one reported followed (cue earlier_named)


@dataclass
class EventDraft:
    type: str
    sentence: Sentence
    trigger: Trigger
    convenors: list[ActorRef] = field(default_factory=list)
    participants: list[ActorRef] = field(default_factory=list)
    virtual: list[ActorRef] = field(default_factory=list)
    count: int | None = None
    date: _dt.date | None = None
    end_date: _dt.date | None = None
    date_explicit: bool = False
    place: Any = None  # PlaceMention of the city
    venue: Any = None  # PlaceMention of a named building
    planned: bool = False
    confidence: float = 0.7
    method: str = ""
    extra_spans: list[Sentence] = field(default_factory=list)
    side: bool = False  # held on the margins of a multilateral meeting: an event of its own
    # announced without a day of its own ("In Tokyo he will meet ..."): only adds to a planned
    # event of the statement, never an event by itself
    tentative: bool = False
    reference: bool = False  # the event named again ("during the visit"): only adds to one reported
    asserts: bool = False  # named again as under way ("X is on a visit to Y"): the event where none is reported
    leads: bool = False  # under way in a clause of its own: the event where a meeting inside it is told after it
    person_states: set[str] = field(default_factory=set)  # states of the persons named in the sentence
    home_trip: bool = False  # a visit to a city of the traveller's own state
    itinerary: bool = False  # one stop of several ("to Tonga on Monday and to Fiji on Thursday")
    arrival_day: _dt.date | None = None  # the day its sentence tells the guests arrived ("upon the delegation's arrival")
    earlier_leg: bool = False  # told of the city left ("arrived in A from B, where he met X")
    headline: bool = False  # told in the title line
    by_dateline: bool = False  # its only day is the day an agency's report was filed
    place_by_dateline: bool = False  # its place is only the agency's dateline
    told_day: bool = False  # its day is the one the report last named ("Earlier the same day")
    separate: int = 0  # one of "separate meetings with A and with B" (its rank; 0: none)
    bilateral: bool = False  # called bilateral or separate: never the multilateral meeting of its day
    talks_inside: bool = False  # a visit that holds bilateral talks of its own states told apart
    person_orgs: set[str] = field(default_factory=set)  # organisations a party is an official of
    leg: str | None = None  # the one state of a trip's leg it belongs to ("In Sweden, ...", "then on to Helsinki")
    vague: bool = False  # dated by a week or a month only ("next week"): any day of it




@per_rules
def _any_trigger(r: Rules) -> re.Pattern[str]:
    """Every trigger of every event type in one pattern, to skip sentences without any."""
    patterns = [t.pattern.pattern for et in r.event_types for t in et.triggers]
    return re.compile(first_chars(patterns, ignore_case=True) + "(?:" +
                      "|".join(f"(?:{p})" for p in patterns) + ")", re.IGNORECASE)


@per_rules
def _trigger_words(r: Rules) -> tuple[Words | None, WordSet | None, list[tuple[EventType, TriggerRule]],
                                      dict[str, tuple[int, ...]]]:
    """Words one of which a sentence must hold (in lower case) for any trigger to match, all of
    them as one WordSet (None when a trigger needs none); every event type's triggers in the
    rules' order, as (type, trigger), and for each word the places there of the triggers that
    need it: in a sentence that holds some, one look for the words it holds tells which
    triggers can match."""
    flat = [(et, t) for et in r.event_types for t in et.triggers]
    any_words = compile_words(required_words([t.pattern for _et, t in flat]))
    by_word: dict[str, list[int]] = {}
    for i, (_et, t) in enumerate(flat):
        own = required_words([t.pattern])
        if any_words is None or own is None:
            return None, None, flat, {}
        for w in sorted(set(own)):
            by_word.setdefault(w, []).append(i)
    share_words(set(by_word))  # (looked for once per sentence with others')
    return any_words, WordSet(list(by_word)), flat, {w: tuple(ix) for w, ix in by_word.items()}


def any_trigger(text: str) -> bool:
    """Whether any event word stands in the text (before any cue or guard is read)."""
    return _any_trigger(rules()).search(text) is not None


@per_rules
def _trigger_windows(r: Rules) -> tuple[int, ...]:
    """The windows find_triggers reads around a trigger (windows.yaml), once per rule set."""
    return tuple(r.window(name) for name in (
        "trigger_apposition_before", "trigger_reported_plan_before", "trigger_past_perfect_before",
        "trigger_past_perfect_apart_before", "trigger_past_perfect_reported_before",
        "trigger_past_perfect_leg_before", "trigger_after", "trigger_specific_before",
        "trigger_comparison_after", "trigger_compared_before", "trigger_comparison_kept_before",
        "trigger_called_off_after", "trigger_press_before", "trigger_not_before", "trigger_habitual_before",
        "trigger_speaker_before", "trigger_guard_before", "trigger_reference_before"))


def find_triggers(s: Sentence) -> list[Trigger]:
    """Event triggers in one sentence, first per event class, with negated and intended ones
    dropped. The triggers, cue words and exclusions are those of rules/event_types.yaml."""
    r = rules()
    any_words, all_words, flat, by_word = _trigger_words(r)
    low = lowered(s.text) if any_words is not None else None
    present: frozenset[str] | set[str] | None = None
    if low is not None and any_words is not None and all_words is not None:
        # (the words any trigger needs that stand in the sentence, each trigger's own among them)
        present = sentence_words(low) & all_words.words if len(low) <= MAX_SENTENCE else all_words.present(low)
        if not present:
            return []  # none of the words any trigger needs
    elif not _any_trigger(r).search(s.text):
        return []  # most sentences name no event: one pass instead of one per trigger
    intent, negation, generic = r.cues["intent"], r.cues["negation"], r.cues["generic_noun"]
    recalled, habitual, speaker = r.cues["recalled"], r.cues["habitual"], r.cues["speaker"]
    earlier_after = r.cues.get("earlier_after")
    compared_before, dated_compared = r.cues.get("comparison_before"), r.cues.get("comparison_dated_before")
    habitual_before, undated = r.cues.get("habitual_before"), r.cues.get("undated_sentence")
    specific = r.cues["specific_plural"]
    verb_named = r.cues.get("verb_before_name")
    convened_named = r.cues.get("convened_named_after")
    distributive = r.cues.get("distributive")
    comparison, kept = r.cues.get("comparison"), r.cues.get("comparison_kept_before")
    past_perfect = r.cues.get("past_perfect")
    pp_dated, pp_apart = r.cues.get("past_perfect_dated"), r.cues.get("past_perfect_apart")
    pp_reported = r.cues.get("past_perfect_reported")
    pp_leg, pp_leg_day = r.cues.get("past_perfect_leg"), r.cues.get("past_perfect_leg_day")
    pp_arrival, pp_arrival_day = r.cues.get("past_perfect_arrival"), r.cues.get("past_perfect_arrival_day")
    pp_opening = r.cues.get("past_perfect_opening_day")
    pp_same_day = r.cues.get("past_perfect_same_day_open")
    arrival_word = r.cues.get("arrival_word")
    called_off = r.cues.get("called_off")
    possible = r.cues.get("possible_after")
    announced = r.cues.get("announced_after")
    content = r.cues.get("content")
    reported_plan, reported_day = r.cues.get("reported_plan"), r.cues.get("reported_plan_day")
    apposed = r.cues.get("intent_apposition")
    coordinated = r.cues.get("intent_coordinated")
    followed, followed_day = r.cues.get("followed_earlier_before"), r.cues.get("followed_earlier_day")
    w_content = r.window("content_before") if content is not None else 0
    w_intent, w_neg = r.window("intent_before"), r.window("negation_before")
    # (the windows of the checks below, windows.yaml)
    (w_apposition, w_reported_plan, w_past_perfect, w_pp_apart, w_pp_reported, w_pp_leg, w_after, w_specific,
     w_comparison_after, w_compared, w_kept, w_called_off, w_press, w_not_before, w_habitual, w_speaker,
     w_guard, w_reference) = _trigger_windows(r)
    w_off, w_coordinated = r.window("called_off_after"), r.window("intent_coordinated_before")
    apart_cue, apart_verb = r.cues.get("days_apart_before"), r.cues.get("days_apart_trigger")
    apart_held, apart_noun = r.cues.get("days_apart_held_before"), r.cues.get("days_apart_noun")
    earlier_named, earlier_day = r.cues.get("earlier_named"), r.cues.get("earlier_named_day")
    w_apart = r.window("days_apart_before") if apart_cue is not None else 0
    found: dict[str, Trigger] = {}
    unmet: dict[str, int] = {}  # class -> end of the first of its words an intention or negation took
    if present is None:
        candidates = flat
    else:  # the triggers that can match: one of the words each needs is in the sentence
        candidates = [flat[i] for i in sorted({i for w in present for i in by_word[w]})]
    # (an earlier event named by what the one reported followed, "met on Friday, on the heels of the
    # ministers' meeting in Riga on Wednesday": a second trigger of the class in the sentence)
    earlier: list[Trigger] = []
    earlier_word = r.cues.get("earlier_named_word")
    later_leg, leg_day = r.cues.get("later_leg_before"), r.cues.get("later_leg_day")
    w_leg = r.window("later_leg_before") if later_leg is not None else 0
    may_earlier = earlier_word is not None and earlier_word.search(s.text) is not None
    def _named_before_earlier(t: Trigger) -> bool:
        # ("The meeting follows up on the talks ... held in Kigali on 4 March"): the event reported,
        # named as the subject before the verb that tells an earlier one (cue followed_earlier_before)
        return followed is not None and followed_day is not None and bool(
            followed.match(s.text, t.end - s.start + 1) or followed.match(s.text, t.end - s.start))
    for et, trig in candidates:  # (in the rules' order)
        cls = et.cls
        if cls in found and not trig.convening and not found[cls].reference and not may_earlier \
                and not _named_before_earlier(found[cls]):
            continue
        for m in trig.pattern.finditer(s.text):
            word = m.group(0)
            head = word.split()[0]
            before = s.text[: m.start()]
            apart = apart_cue.search(before[-w_apart:]) if apart_cue is not None and apart_verb is not None and (
                apart_verb.match(word) or apart_held is not None and apart_held.search(before[-w_apart:])
                or apart_noun is not None and apart_noun.search(before[-w_apart:])) \
                and may_match(apart_cue, before) else None
            if apart is not None and apart.group("dir").lower() == "before" and not (
                    apart_verb is not None and apart_verb.match(word) or apart_held is not None and apart_held.search(before[-w_apart:])):
                apart = None
            days_apart = None if apart is None else \
                (number_value(apart.group("n")) or 1) * (-1 if apart.group("dir").lower() == "after" else 1)
            named = earlier_named is not None and earlier_day is not None and apart is None \
                and earlier_named.search(before[-w_apart:]) is not None and earlier_day.match(s.text, m.end()) is not None
            negated = negation.search(before[-w_neg:]) is not None
            if (apart is not None or named) and not negated:
                pass  # ("The drill came a day after the officers met": an event of its own day, no intention)
            elif followed is not None and followed_day is not None and followed.search(before[-w_intent:]) \
                    and followed_day.match(s.text, m.end()) and not negated:
                # ("The meeting follows up on the talks the two ministers held in Kigali on 4
                # March": an earlier event told with its own day, docs/annotation.md 10)
                if cls in found and found[cls].end <= s.start + m.start() and _named_before_earlier(found[cls]):
                    del found[cls]  # (the subject, "The meeting", names the event reported again)
            elif negated or (
                    apposed is not None and apposed.search(before[-w_apposition:])) or (
                    coordinated is not None and coordinated.search(before[-w_coordinated:])) or intent.search(before[-w_intent:]) and not (
                    reported_plan is not None and reported_day is not None
                    and reported_plan.search(before[-w_reported_plan:]) and reported_day.search(s.text)):
                # ("said the aircraft would depart on Monday 9 October and would be deployed": a
                # plan reported with its day, not an intention)
                unmet.setdefault(cls, m.end())
                continue
            if cls in unmet and unmet[cls] <= m.start() and not r.cues["clause_break_between"].search(s.text, unmet[cls], m.start()):
                continue  # "had hoped to meet X at the summit": the occasion of a meeting not held
            if content is not None and content.search(before[-w_content:]):
                continue  # "a pact that will allow each country to deploy troops": its content
            if past_perfect is not None:
                pp = past_perfect.search(before[-w_past_perfect:])
                if pp is not None and (pp.group("aux") or r.cues["past_participle_trigger"].match(word)) and not (
                        pp_apart is not None and pp_dated is not None and pp_apart.search(before[-w_pp_apart:])
                        and pp_dated.match(s.text, m.end())) and not (
                        pp_reported is not None and pp_reported.search(before[-w_pp_reported:])) and not (
                        pp_leg is not None and pp_leg_day is not None
                        and (leg_at := pp_leg.search(before[-w_pp_leg:])) is not None
                        and (bool(leg_at.groupdict().get("day")) or pp_leg_day.match(s.text, m.end()))) and not (
                        pp_arrival is not None and pp_arrival_day is not None and arrival_word is not None
                        and arrival_word.match(word) and pp_arrival.search(before[-w_past_perfect:])
                        and pp_arrival_day.match(s.text, m.end())) and not (
                        pp_opening is not None and pp_opening.search(before)) and not (
                        pp_same_day is not None and pp_same_day.match(s.text)):
                    continue  # "where he had held talks with X", "had met in Vilnius": before the event told
                    # (not "X, who had arrived in the capital that morning": the guest's arrival)
            after = s.text[m.end(): m.end() + w_after]
            nxt = _NEXT_WORD.match(after)
            if (generic.match(word.split()[-1]) or (nxt and generic.match(nxt.group(1)))) \
                    and not specific.search(before[-w_specific:]) \
                    and not (verb_named is not None and verb_named.match(word.split()[-1] + after)) \
                    and not (distributive is not None and distributive.match(s.text, m.end())):
                continue  # "recent summits", "holds bilateral meetings" (of events in general)
            if et.not_after is not None and et.not_after.match(after):
                continue
            if comparison is not None and (comparison.search(word + after[:w_comparison_after]) and not (
                    dated_compared is not None and dated_compared.search(before)) or (
                    compared_before is not None and compared_before.search(before[-w_compared:]))) and not (
                    kept is not None and kept.search(before[-w_kept:])):
                continue  # "signed a similar agreement earlier this month": named for comparison
            if called_off is not None and called_off.match(s.text[m.end(): m.end() + w_off]) or \
                    announced is not None and announced.match(s.text[m.end(): m.end() + w_called_off]) or \
                    possible is not None and possible.match(s.text[m.end(): m.end() + w_called_off]):
                continue  # "after G7 meeting falls through", "the visit was called off"
            if r.cues["press_before_trigger"].match(before[-w_press:]) or r.cues["press_briefing_after"].match(after) \
                    and word.lower() == "press":
                continue
            if et.not_before is not None and et.not_before.search(before[-w_not_before:]):
                continue
            if earlier_after is not None and earlier_after.match(s.text, m.end()):
                continue  # "after the NATO summit in Vilnius last year": an earlier event named
            if habitual_before is not None and undated is not None and habitual_before.search(before[-w_habitual:]) \
                    and undated.match(s.text):
                continue  # "the two navies hold the annual Bongosagar exercise": a series, no day of its own
            if apart is None and not named and recalled.search(before) or habitual.match(s.text, m.end()) and (
                    undated is None or undated.match(s.text[:m.end()])) or \
                    speaker.search(before[-w_speaker:] + word):
                # "recalled that officers took part in the exercise X held every year"; not a day
                # told before the habit ("arrived this Monday at the port of X, as part of the
                # voyage that the vessel makes every year": a port call of that day, batch ye)
                continue
            if not trig.convening and any(g.word == word.lower() and g.needs_before is not None
                                          and not g.needs_before.search(before[-w_guard:]) for g in trig.guards):
                continue
            # "the visit confirmed ...", "during the visit": an event named again, not reported
            ref_guard = next((g for g in trig.guards if g.word == word.lower() and g.needs_after is not None
                              and (g.when_before is None or g.when_before.search(before[-w_reference:]))
                              and not g.needs_after.match(after)), None)
            reference = ref_guard is not None
            is_convene = trig.convening and bool(r.cues["convening_word"].match(head))
            next_leg = cls in found and later_leg is not None and leg_day is not None \
                and later_leg.search(before[-w_leg:]) is not None and leg_day.match(s.text, m.end()) is not None
            if cls in found and (apart is not None or named or next_leg) and not reference and found[cls].start != s.start + m.start() \
                    and not any(x.start == s.start + m.start() for x in earlier):
                earlier.append(Trigger(cls, s.start + m.start(), s.start + m.end(), word, False, s.text, s.start,
                                       kind=et.name, earlier=named, days_apart=days_apart))
                continue
            if cls in found and not found[cls].reference and not trig.convening:
                continue
            if cls in found and not is_convene:
                if found[cls].reference and not reference:
                    # "X is on a tour of G7 capitals and arrived in London": the word that
                    # reports the event, not the one that describes it
                    found[cls] = Trigger(cls, s.start + m.start(), s.start + m.end(), word, False, s.text,
                                         s.start, kind=et.name)
                    break
                continue
            t = Trigger(cls, s.start + m.start(), s.start + m.end(), word, is_convene, s.text, s.start,
                        kind=et.name, reference=reference,
                        asserts=ref_guard is not None and ref_guard.asserts,
                        leads=ref_guard is not None and ref_guard.leads, earlier=named, days_apart=days_apart)
            if cls in found:
                # keep the convening trigger (it tells who convened), but the earliest position
                if t.convening and not found[cls].convening:
                    t.anchor = (found[cls].start, found[cls].end)  # "met in Bodø ... which Norway chairs"
                    found[cls] = t
            else:
                found[cls] = t
            if not reference and not may_earlier and not _named_before_earlier(t):
                break
    def rule(cls: str) -> EventType | None:
        """The rules of the event type whose trigger was kept for class `cls`."""
        t = found[cls]
        return r.event_type(t.kind) or r.event_type(t.type)

    # "met in Bodø ... which Norway chairs": the convening word tells who convened, the first
    # word of meeting tells where the place is read from
    for cls, t in found.items():
        rt = rule(cls)
        if t.convening and t.anchor is None and rt is not None:
            for trig in rt.triggers:
                hit = None if trig.convening else trig.pattern.search(s.text, 0, t.start - s.start)
                if hit is not None and (t.anchor is None or s.start + hit.start() < t.anchor[0]):
                    t.anchor = (s.start + hit.start(), s.start + hit.end())

    # (first: "attended a virtual meeting ..., chaired by Malaysia" keeps the meeting its convenor
    # names) "joined by video link" is remote attendance at a meeting, not a call
    for cls in list(found):
        rt = rule(cls)
        if rt and any(y.to in found and not found[y.to].reference and (y.word is None or y.word.search(found[cls].word))
                      and (y.sentence is None or y.sentence.search(s.text)) for y in rt.yields):
            del found[cls]
    # "The exercise was organised by ...": the convening word belongs to the other event
    for cls in list(found):
        rt = rule(cls)
        t = found[cls]
        # (not to a visit only named again or to describe the guest, "hosted the visiting minister of
        # Moldova"; a visit told as under way, "is on an official visit to X, where ... his host", stays)
        if rt and t.convening and any(k in found and not (k == "Visit" and found[k].reference and not found[k].asserts)
                                      for k in rt.convening_yields_to) and not (
                t.anchor is not None and t.anchor[0] < t.start and convened_named is not None
                and convened_named.match(s.text, t.end - s.start)):
            del found[cls]  # (not a meeting named before its convenor: "to attend a meeting of X, chaired by Y")
    # "video talks" is a call: the "talks" inside it are no meeting of their own
    for cls in list(found):
        t = found[cls]
        if any(o is not t and o.start <= t.start and t.end <= o.end and (o.end - o.start) > (t.end - t.start)
               for o in found.values()):
            del found[cls]
    # a call excludes a visit
    kept_after = r.cues.get("later_plan_kept_before")
    for cls in list(found):
        rt = rule(cls) if cls in found else None
        if rt:
            for other in rt.drops:
                o = found.get(other)
                plan_kept = kept_after.search(s.text, found[cls].end - s.start, o.end - s.start) \
                    if o is not None and kept_after is not None and o.start > found[cls].end else None
                if o is not None and plan_kept is not None and \
                        plan_kept.end() >= o.start - s.start - r.window("later_plan_kept_gap"):
                    continue  # "held a call with X on Tuesday and will visit Australia next Wednesday"
                found.pop(other, None)
    def rule_ok(t: Trigger) -> bool:
        """An exercise needs a military word in the sentence (a type's `requires`)."""
        rt = r.event_type(t.kind) or r.event_type(t.type)
        return rt is None or rt.requires is None or bool(rt.requires.search(s.text))

    return sorted([t for t in [*found.values(), *earlier] if rule_ok(t)], key=lambda t: t.start)


def participant_count(text: str) -> int | None:
    best = None
    most = rules().window("participants_max")
    for m in _count().finditer(text):
        n = number_value(m.group("n"))
        if n and 2 <= n <= most:
            best = n if best is None else max(best, n)
    return best


def is_future(sentence_text: str, trigger_pos: int, trigger_end: int | None = None) -> bool:
    """An announced event: a future tense before the trigger or inside it ("will travel to"),
    a headline's infinitive, or a forward time word in the sentence."""
    r = rules()
    before = sentence_text[:trigger_pos]
    upto = sentence_text[:trigger_end] if trigger_end is not None else before
    whole = sentence_text
    if "," in upto:
        # "Mr X, who will be sworn in as president next month, also met ...": the future of a
        # closed relative clause is its antecedent's, not the event's
        def blank(m: re.Match[str]) -> str:
            return " " * len(m.group())
        closed = r.cues["closed_relative_clause"]
        upto = closed.sub(blank, upto)
        whole = closed.sub(blank, sentence_text)
    if r.cues["future"].search(upto[-r.window("future_before"):]) or _HEADLINE_FUTURE.match(before):
        return True
    ahead = r.cues["future_anywhere"].search(whole)
    if ahead is not None:
        # "met X in Jakarta on Tuesday ahead of talks next month": a forward time word after a
        # trigger told in the past dates another thing (cue past_trigger_verb)
        past = r.cues.get("past_trigger_verb")
        if past is None or trigger_end is None or ahead.start() < trigger_end or not past.search(
                sentence_text, max(0, trigger_pos - r.window("past_trigger_verb_before")), trigger_end):
            return True
    # "will attend the conference, which A and B are hosting": a relative clause open at the
    # trigger describes the main clause's gathering and is told in its tense
    opened = r.cues.get("open_relative_before")
    rel = opened.search(before) if opened is not None else None
    return rel is not None and bool(r.cues["future"].search(
        before[max(0, rel.start() - r.window("relative_antecedent_future_before")):rel.start()]))


def actor_position(sentence_text: str, rel_start: int) -> str:
    """'actor' when a name stands where a party to the event stands, 'mention' otherwise."""
    before = sentence_text[:rel_start]
    before = before[-rules().window("actor_before"):]
    if rules().cues["relation_before"].search(before):
        return "mention"
    if rules().cues["troops_from"].search(before) and not rules().cues["leaving"].search(before[-rules().window("troops_leaving_before"):]):
        return "actor"  # "3,000 troops from Indonesia, the United States ... began the exercise"
    if rules().cues["actor_before"].search(before):
        return "actor"
    if rules().cues["non_actor_before"].search(before):
        return "mention"
    return "actor"


def attend_sentence(text: str) -> bool:
    """A sentence that names who attended an event reported nearby (cue "attend"), not in a
    relative clause about something else ("the arrangements, which also bring together ...")."""
    cue = rules().cues["attend"]
    if not may_match(cue, text):
        return False
    m = cue.search(text)
    hearsay = rules().cues.get("attend_hearsay_before")
    while m is not None:
        if not rules().cues["relative_pronoun_before"].search(text, max(0, m.start() - rules().window("attend_relative_before")), m.start()) and \
                not (hearsay is not None and hearsay.search(text, 0, m.start())):
            return True
        m = cue.search(text, m.end())
    return False


def convenor_after_by(sentence_text: str) -> tuple[int, int] | None:
    """The stretch after 'hosted by' / 'co-chaired by' that names the convenors."""
    m = rules().cues["by_convenor"].search(sentence_text)
    if not m:
        return None
    end = len(sentence_text)
    stop = rules().cues["convenor_list_stop"].search(sentence_text[m.end():])
    if stop:
        end = m.end() + stop.start()
    return m.end(), end

