"""The extraction rules as data: event types, offices, names, organisations, groups of states,
venues, windows and confidences, read from the YAML files of this folder.

Every file is validated when it is loaded (`rules()` does it once, on first use): a bad entry
is a `RulesError` whose one line names the file and the entry. More rules can be added with
no change to Python: name extra YAML files (or folders of them) in the environment variable
``DEFGRAPH_RULES`` (separated by ``os.pathsep``), or pass them to ``load_rules(extra=...)``.
An extra file uses the same families as the built-in ones; its entries are added (event types
with a known name add triggers to it; offices and organisations are tried before the built-in
ones, so a more specific title wins; windows and confidences replace the value of the same name).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

__all__ = ["EventType", "Group", "Holder", "Rules", "RulesError", "load_rules", "reset_rules", "rules"]

HERE = Path(__file__).resolve().parent
BUILTIN = ("event_types.yaml", "cues.yaml", "offices.yaml", "names.yaml", "organisations.yaml",
           "groups.yaml", "venues.yaml", "countries.yaml", "windows.yaml", "people.yaml", "phrasing.yaml",
           "pledges.yaml", "money.yaml")
EVENT_CLASSES = ("Meeting", "Visit", "Call", "AgreementSigning", "Exercise", "Deployment")
FLAGS = ("host_is_party", "multilateral", "absorbs_meeting", "remote", "needs_partner", "between_two")
ENV = "DEFGRAPH_RULES"


# What the extractor reads of some cues (mechanism, checked when a rules file is loaded): the
# capturing group it takes the words from, and cues whose words stand for numbers (`values`).
CUE_KEYS = frozenset({"pattern", "words", "note", "ignore_case", "values"})
CUE_GROUPS = {"office_of_state": 1, "capital_after_giving": 1, "nth_day_of": 1, "plural_count_before": 1,
              "plural_office_after": 1, "counted_members": 1}
CUE_VALUES = frozenset({"nth_day_of", "plural_count_before", "counted_members", "spelled_unit", "number_word",
                        "the_counted_parties"})
# Cues the extractor reads with no fallback, checked once every file is loaded (a missing one is
# refused at start, not met as a KeyError in the middle of a statement), with the file that holds
# each. (Older cues read by name are not listed yet.)
CUES_READ = {
    **dict.fromkeys((
        "sentence_abbreviation", "list_joining_word", "state_body_after_adjective", "lower_office_modifier",
        "lower_office", "counterpart_slot_before", "plural_sides_before", "sides_act", "calendar_word",
        "state_name_as_given_name", "state_after_of", "coalition_noun", "group_noun_after_name", "not_a_coalition_name",
        "plural_offices_of_states", "plural_office_before_holders", "plural_office_before_pair",
        "possessive_state_before_pair", "speech_verb", "generational_suffix",
        "place_context_before", "place_name_particle", "place_name_particle_before_capital", "demonym_suffix",
        "meeting_verb_after_pair", "capital_pair_verb", "delegation_led_by", "serves_as_before",
        "state_style_noun", "served_body_word", "served_body_field_end", "thing_name_head", "bare_weekday_verb", "number_word", "capitalised_function_word", "determiner_before_name",
        "initials_as_adjective",
        # (round 22: read by extract.events)
        "count_modifier", "counted_participants", "past_participle_trigger", "convening_word", "by_convenor",
        "convenor_list_stop", "press_before_trigger", "press_briefing_after", "clause_break_between",
        "relative_pronoun_before", "closed_relative_clause",
        # (round 22: read by extract.eventfacts)
        "armed_forces_after", "visit_to_before", "hosted_by_before", "head_of_forces_before", "list_role_after",
        "which_hosted_before", "it_is_hosted_before", "ended_before_date", "ended_span_before_date", "began_before_date", "until_before_date",
        "relative_piece", "elliptic_piece", "counted_events_before", "bilateral_meeting", "separately_later",
        "with_whom", "topic_clause", "clause_break_after_trigger", "resolve_verb", "next_predicate",
        "named_after_venue", "place_break", "saying_before_date", "holder_after_demonym", "receives_name_before",
        "relative_tail", "and_clause", "own_day_counterpart_gap", "during_the_visit", "office_after_demonym", "gathering_of_before",
        "membership_before", "organisation_event_after_possessive", "remote_after", "margins_phrase_end",
        "relative_or_concessive", "attending_body_after_demonym", "relative_or_concessive_person", "list_from_before",
        "clause_break_before_trigger", "length_in_days_noun"), "phrasing.yaml"),
    # (round 23: read by name in extract.persons, extract.places and extract.eventfacts)
    **dict.fromkeys(("office_after_body_name", "site_before_town", "trip_to_gathering_before", "body_name_link",
                     "body_not_after"), "cues.yaml"),
    **dict.fromkeys((
        "pledge_word", "cumulative_total", "not_new_before", "procurement", "given_before", "part_of_total",
        "in_kind_verb", "pledge_items",
        # (round 22: the word lists of extract.pledgefacts)
        "acts_after", "aid_to", "pledge_habit", "pays_for_purchase_after", "reporting_verb", "recipient_before",
        "forces_of_before", "forces_after_adjective", "runs_scheme_after", "made_in_before", "not_recipient_to_before",
        "first_person", "for_someone_after", "same_package_opens", "place_preposition_before", "usual_recipient_before",
        "pledge_negation_before", "pledge_unsure_before", "forces_name_after", "first_person_plural",
        "thing_after_adjective", "side_after_adjective", "channel_before", "private_investment_before",
        "cumulative_opening", "total_clause_opens", "earlier_time_after", "price_before",
        "help_from_outside", "recipient_right_after_amount", "capital_after_giving"), "pledges.yaml"),
    **dict.fromkeys(("amount_qualifier", "conversion_gap", "conversion_comma", "equivalent_before", "spelled_unit",
                     "conversion_dash", "conversion_apposition", "conversion_apposition_close"), "money.yaml"),
    **dict.fromkeys(("helped_before", "day_of_month_after", "surname_short_title", "the_counted_parties",
                     "joint_authors_opens", "headline_present_verb", "patronymic_name_head",
                     "later_stop_after", "trip_for_gathering", "background_time", "opening_phrase", "company_after_adjective"), "cues.yaml")}

# cues the extractor reads word by word: they must give `words`, not a pattern
CUES_AS_WORDS = frozenset({"bare_weekday_verb", "capitalised_function_word", "determiner_before_name",
                           "initials_as_adjective", "spelled_unit", "number_word"})


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Guard:
    word: str  # the trigger word (lower case) the guard applies to
    needs_before: re.Pattern[str] | None
    # where `when_before` matches the text just before the word (or always, when it is None),
    # the word is a trigger only if `needs_after` matches the text after it
    when_before: re.Pattern[str] | None = None
    needs_after: re.Pattern[str] | None = None
    # the word names an event under way ("who is on a state visit to Brazil"): it stands for
    # that event where the statement reports no event at all
    asserts: bool = False
    # the event under way is told in a clause of its own ("X is on a visit to Y"): it is the event
    # reported where a meeting of the same states is told after it (the meeting is inside it)
    leads: bool = False


@dataclass
class Trigger:
    pattern: re.Pattern[str]
    convening: bool = False
    guards: tuple[Guard, ...] = ()


@dataclass
class Yield:
    to: str
    word: re.Pattern[str] | None
    sentence: re.Pattern[str] | None


@dataclass
class Cover:
    """An event of this type told only as the frame of another ("the ship, on a deployment to the
    region, called at Lagos"): dropped where the statement reports an event of a class in `by`
    with the same states (one side's contained in the other's) over the same days."""
    by: tuple[str, ...]
    word: re.Pattern[str] | None  # the event's first trigger word must match (None: any)
    # a sentence of the event that, where it matches, tells it inside the cover told in that same
    # sentence: covered whatever day was read for it (None: the days must agree)
    inside: re.Pattern[str] | None = None


@dataclass
class EventType:
    name: str
    cls: str
    flags: dict[str, bool]
    triggers: list[Trigger]
    requires: re.Pattern[str] | None = None
    not_after: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    drops: tuple[str, ...] = ()
    yields: tuple[Yield, ...] = ()
    convening_yields_to: tuple[str, ...] = ()
    covered_by: tuple[Cover, ...] = ()


@dataclass(frozen=True)
class Member:
    state: str
    start: dt.date | None
    end: dt.date | None


@dataclass
class Group:
    key: str
    name: str
    names: list[str]
    members: list[Member]
    as_members: bool = True  # its full name after its members' people names its members
    full_names: tuple[str, ...] = ()  # its other full names, read as `name` is ("Group of Seven")

    def members_on(self, day: dt.date | None) -> list[str]:
        """ISO3 codes of the members on that day (every member ever, when the day is unknown)."""
        return [m.state for m in self.members
                if day is None or ((m.start is None or m.start <= day) and (m.end is None or day <= m.end))]


@dataclass(frozen=True)
class Holder:
    """One public office held by one person of one state between two days (people.yaml)."""

    name: str
    also: tuple[str, ...]
    state: str
    office: str
    start: dt.date
    end: dt.date | None  # None: still in office

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def fold_name(name: str) -> str:
    """A person's name with accents and case folded and spaces collapsed, as people.yaml's
    index keys it ("Recep Tayyip Erdoğan" -> "recep tayyip erdogan")."""
    return " ".join(fold_accents(name).casefold().replace("’", "'").split())


def fold_accents(text: str) -> str:
    """The text without its accents ("Erdoğan" -> "Erdogan"); used for people.yaml's index and
    the places' gazetteer."""
    import unicodedata

    if text.isascii():  # most names: nothing to fold (the gazetteer folds 69,000 at start)
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass
class PeopleIndex:
    """people.yaml's entries by folded full name (the `also` forms too), by folded surname, and
    by the first word of each full name as written with its accents folded (for the names met
    in a text with no office: one dictionary look-up per capitalised word), and by state (for
    the holder of an office named without one)."""

    by_name: dict[str, list[Holder]]
    by_surname: dict[str, list[Holder]]
    by_first_word: dict[str, list[tuple[tuple[str, ...], str]]]
    by_state: dict[str, list[Holder]] = field(default_factory=dict)


@dataclass(frozen=True)
class Venue:
    name: str
    pattern: str | None
    city: str
    aliases: tuple[str, ...]


@dataclass
class Rules:
    """Everything the rules read, as loaded from the files in `sources`."""

    sources: list[str] = field(default_factory=list)
    event_types: list[EventType] = field(default_factory=list)
    cues: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # each cue's pattern as written (its `words` as an alternation), for a pattern built around it
    cue_texts: dict[str, str] = field(default_factory=dict)
    # the words of each cue given as `words`, in their order (for a rule that reads each one)
    cue_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a cue's words with the value each stands for ("second": 2), where the cue has `values`
    cue_values: dict[str, dict[str, int]] = field(default_factory=dict)
    cue_files: dict[str, str] = field(default_factory=dict)  # the built-in file that gives each cue
    offices: list[str] = field(default_factory=list)
    national_offices: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    # national titles other governments use too: (pattern, those states); a holder in a release
    # of one of them is that state's
    shared_titles: list[tuple[re.Pattern[str], frozenset[str]]] = field(default_factory=list)
    # offices of an international organisation that name no organisation in their words
    # ("Supreme Allied Commander Europe"): (pattern, organisation key); a holder speaks for it
    organisation_offices: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    ranks: list[str] = field(default_factory=list)
    honorifics: list[tuple[str, bool]] = field(default_factory=list)
    honorific_states: list[tuple[str, str]] = field(default_factory=list)  # (pattern, ISO3) of one tradition
    post_nominals: list[str] = field(default_factory=list)
    post_nominal_states: list[tuple[str, str]] = field(default_factory=list)  # (pattern, ISO3) of one state's service
    particles: list[str] = field(default_factory=list)
    given_abbreviations: list[str] = field(default_factory=list)
    not_names: set[str] = field(default_factory=set)
    organisations: list[tuple[str, str, str]] = field(default_factory=list)
    institutions: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    # institutions whose name holds another state's name or demonym ("Athens-Macedonian News
    # Agency"): read before the state names of a publisher
    institutions_first: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    venue_words: str = ""
    windows: dict[str, int] = field(default_factory=dict)
    confidences: dict[str, float] = field(default_factory=dict)
    country_forms: dict[str, str] = field(default_factory=dict)  # form -> ISO3
    combining: dict[str, str] = field(default_factory=dict)  # compound prefix -> ISO3
    capital_forms: dict[str, str] = field(default_factory=dict)  # a capital's name -> ISO3
    # a web site's top-level domain (lower case) -> the state that publishes there, or None for a
    # two-letter domain that names no state (read before the ISO 3166 two-letter codes)
    domains: dict[str, str | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # ISO3 -> the name a fact's label gives the state
    ambiguous_names: set[str] = field(default_factory=set)
    proper_names: set[str] = field(default_factory=set)
    feature_names: list[str] = field(default_factory=list)  # seas and straits named after a state
    style_nouns: dict[str, frozenset[str]] = field(default_factory=dict)  # "Kingdom" -> the states styled so
    people: list[Holder] = field(default_factory=list)  # public office holders (people.yaml)
    # amounts of money (money.yaml): a currency's signs and words -> ISO 4217 code, the signs
    # several states write for their own currency, the words of a scale -> its value, and the
    # scales that are spelled out ("million") as against written short ("bn")
    currency_signs: dict[str, str] = field(default_factory=dict)
    generic_signs: set[str] = field(default_factory=set)
    currency_words: dict[str, str] = field(default_factory=dict)
    # a currency's sign or word -> the issues of the currency a zone of states shares under that
    # name (money.yaml's `zone`: "francs CFA" are West Africa's XOF or Central Africa's XAF)
    currency_zones: dict[str, tuple[str, ...]] = field(default_factory=dict)
    currency_singular: dict[str, str] = field(default_factory=dict)
    # GeoNames' names of the currencies of one family (lower case) -> the family's name ("krone" ->
    # "crown"): a shared word for one of them is the payer's own
    currency_families: dict[str, str] = field(default_factory=dict)
    scales: dict[str, int] = field(default_factory=dict)
    spelled_scales: list[str] = field(default_factory=list)
    # the ontology classes of the event types that carry each flag (classes_with)
    _flag_classes: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def people_index(self) -> PeopleIndex:
        by_name: dict[str, list[Holder]] = {}
        by_surname: dict[str, list[Holder]] = {}
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        by_state: dict[str, list[Holder]] = {}
        org = self.org_re
        for h in self.people:
            if org.search(h.office):
                continue  # an international organisation's office ("NATO Secretary General") is no state's
            by_state.setdefault(h.state, []).append(h)
            for form in dict.fromkeys((h.name, *h.also)):
                by_name.setdefault(fold_name(form), []).append(h)
                words = tuple(fold_accents(form).split())
                if len(words) >= 2 and (words, form) not in by_first.get(words[0], []):
                    by_first.setdefault(words[0], []).append((words, form))
            # (each spelling's surname: "President Zelensky" is the entry "Volodymyr Zelenskyy",
            # also written "Volodymyr Zelensky")
            for surname in dict.fromkeys(fold_name(form).split()[-1] for form in (h.name, *h.also)
                                         if " " in form):
                by_surname.setdefault(surname, []).append(h)
        return PeopleIndex(by_name, by_surname, by_first, by_state)

    # Compiled forms, built once per Rules object.
    @cached_property
    def role_re(self) -> re.Pattern[str]:
        return re.compile(first_chars(self.offices) + r"(?<![\w-])(?:" + "|".join(self.offices) + r")(?![\w-])")

    @cached_property
    def rank_re(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{r})" for r in self.ranks))

    @cached_property
    def honorific_any(self) -> str:
        return "(?:" + "|".join(p for p, _ in self.honorifics) + ")"

    @cached_property
    def honorific_strip_re(self) -> re.Pattern[str]:
        return re.compile(r"^(?:" + "|".join(p for p, strip in self.honorifics if strip) + r")\s+")

    @cached_property
    def honorific_state_re(self) -> re.Pattern[str] | None:
        """Honorifics used by one state's tradition only ("Shri", "Datuk"), as named groups."""
        if not self.honorific_states:
            return None
        return re.compile(r"(?<![\w'’])(?:" + "|".join(
            f"(?P<h{i}>{p})" for i, (p, _s) in enumerate(self.honorific_states)) + r")\s+(?=[A-Z])")

    @cached_property
    def post_nominal_any(self) -> str:
        return "(?:" + "|".join(self.post_nominals) + ")"

    @cached_property
    def post_nominal_state_re(self) -> re.Pattern[str] | None:
        """Letters after a name of one state's service or honours only ("RAF", "USMC", "PVSM"),
        as named groups."""
        if not self.post_nominal_states:
            return None
        return re.compile(r"(?<![\w'’])(?:" + "|".join(
            f"(?P<p{i}>{p})" for i, (p, _s) in enumerate(self.post_nominal_states)) + r")(?![\w'’])")

    @cached_property
    def post_nominal_strip_re(self) -> re.Pattern[str]:
        return re.compile(r"(?:,?\s+" + self.post_nominal_any + r")+$")

    @cached_property
    def org_re(self) -> re.Pattern[str]:
        return re.compile(first_chars([p for _k, _n, p in self.organisations]) + r"(?<![\w-])(?:" + "|".join(
            f"(?P<o{i}>{p})" for i, (_k, _n, p) in enumerate(self.organisations)) + ")")

    @cached_property
    def group_re(self) -> re.Pattern[str] | None:
        if not self.groups:
            return None
        # one named group per alternative; the group's index is read back from the name
        names = [n for g in self.groups for n in g.names]
        return re.compile(first_chars(names) + r"(?<![\w-])(?:" + "|".join(
            f"(?P<g{i}_{j}>{n})" for i, g in enumerate(self.groups) for j, n in enumerate(g.names)) + r")(?![\w-])")

    @cached_property
    def group_name_re(self) -> re.Pattern[str] | None:
        """The groups' full names, each a named group `n<index>`: read where the people of its
        members come before ("his counterparts from the Joint Expeditionary Force")."""
        if not self.groups:
            return None
        return re.compile("(?:" + "|".join(f"(?P<n{i}_{j}>{re.escape(n)})" for i, g in enumerate(self.groups)
                                           for j, n in enumerate((g.name, *g.full_names)))
                          + r")(?![\w-])")

    @cached_property
    def venue_city(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for v in self.venues:
            for name in (v.name, *v.aliases):
                out.setdefault(name, v.city)
        return out

    @cached_property
    def feature_re(self) -> re.Pattern[str] | None:
        """Seas, straits and gulfs named after a state ("the South China Sea"), as one pattern."""
        if not self.feature_names:
            return None
        return re.compile(first_chars(self.feature_names) + "(?:" + "|".join(f"(?:{p})" for p in self.feature_names) + ")")

    @cached_property
    def standalone_venue_re(self) -> re.Pattern[str]:
        # (behind a lookahead of the venues' first characters: searched in whole texts)
        return quick_start(re.compile(r"\b(?:" + "|".join(v.pattern for v in self.venues if v.pattern) + r")\b"))

    def event_type(self, name: str) -> EventType | None:
        return next((t for t in self.event_types if t.name == name), None)

    def classes_with(self, flag: str) -> frozenset[str]:
        """Ontology classes of the event types that carry a flag (told once per flag: rules
        ask it for each sentence and event; forgotten when event types are added)."""
        held = self._flag_classes.get(flag)
        if held is None:
            held = self._flag_classes[flag] = frozenset(t.cls for t in self.event_types if t.flags.get(flag))
        return held

    def window(self, name: str) -> int:
        return self.windows[name]

    def confidence(self, name: str) -> float:
        return self.confidences[name]


def _regex_parser() -> tuple[Any, Any] | None:
    """The standard library's own parser of regular expressions and its constants (re._parser
    and re._constants since Python 3.11), or None where they are not found: the callers then
    leave a pattern as it is (no lookahead, no prefilter; the same matches)."""
    import importlib

    try:
        return importlib.import_module("re._constants"), importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - older Pythons
        return None


def first_chars(patterns: list[str], ignore_case: bool = False) -> str:
    """A lookahead "(?=[...])" of the characters any of the patterns can start with, or ""
    when that cannot be told (a pattern may start with a class of characters, a repeat that
    can be empty, or anything else). Put in front of a long alternation, it lets the engine
    skip at once the positions where no alternative can start. Case-blind ("(?i:(?=[...]))")
    where a pattern has a group that ignores case ("(?i:m)inister" starts with "M" too)."""
    if not ignore_case and any(_SCOPED_IGNORE_CASE.search(p) for p in patterns):
        blind = first_chars(patterns, ignore_case=True)
        return "(?i:" + blind + ")" if blind else ""
    chars = _first_char_set(patterns, ignore_case)
    return "(?=[" + "".join(map(_in_class, sorted(chars))) + "])" if chars else ""


def _in_class(c: str) -> str:
    """A character (or \\d, \\s) as written in a class: escaped, a control character by its code."""
    return c if c in _CLASSES else re.escape(c) if c.isprintable() else f"\\U{ord(c):08x}"


def by_first_char(patterns: list[str]) -> str | None:
    """The alternation "(?:p1|p2|...)" of patterns that mind case, split by the character a
    match starts with: for each such character, behind a lookahead of it, the patterns that can
    start with it in their order. The same matches (at a position the others cannot start, and
    those that can are tried in the same order), with fewer alternatives tried at each position.
    None when that cannot be told: a pattern whose first characters are not known (see
    first_chars) or may be a digit, a group that ignores case or a group that captures (it
    would be written twice)."""
    sets = [_first_char_set([p]) for p in patterns]
    if not patterns or any(not x or x & _CLASSES for x in sets) or any(_SCOPED_IGNORE_CASE.search(p) for p in patterns):
        return None
    try:
        if re.compile("|".join(patterns)).groups:
            return None
    except re.error:
        return None
    chars = sorted(set().union(*sets))
    return "(?:" + "|".join("(?=" + re.escape(c) + ")(?:" + "|".join(p for p, x in zip(patterns, sets, strict=True)
                                                                    if c in x) + ")" for c in chars) + ")"


def _first_char_set(patterns: list[str], ignore_case: bool = False) -> set[str]:
    """The characters any of the patterns can start with (first_chars), empty when not known."""
    sre = _regex_parser()
    if sre is None:
        return set()
    C, _parser = sre
    categories = {C.CATEGORY_DIGIT: _DIGIT, C.CATEGORY_SPACE: r"\s"}  # (kept as classes: see _CLASSES)

    def firsts(items: Any) -> set[str] | None:
        """The characters a sequence can start with; None if unknown or if it can be empty."""
        optional: set[str] = set()  # from leading parts that may be absent
        for op, av in items:
            if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                continue  # \b, a lookbehind and the like take no character (a lookahead only narrows)
            if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0:
                got = firsts(av[2])
                if got is None:
                    return None
                optional |= got
                continue
            if op is C.LITERAL:
                return optional | {chr(av)}
            if op is C.SUBPATTERN:
                got = firsts(av[-1])
            elif op is C.BRANCH:
                got = set()
                for branch in av[1]:
                    one = firsts(branch)
                    if one is None:
                        return None
                    got |= one
            elif op is C.IN and all(o is C.LITERAL or (o is C.CATEGORY and v in categories)
                                    or (o is C.RANGE and v[1] - v[0] < _MAX_RANGE) for o, v in av):
                # (\d and \s stay classes in the lookahead: they take in every script's)
                got = set()
                for o, v in av:
                    got |= {chr(v)} if o is C.LITERAL else {categories[v]} if o is C.CATEGORY else set(
                        map(chr, range(v[0], v[1] + 1)))
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                got = firsts(av[2])
            else:
                return None
            return None if got is None else optional | got
        return None

    chars: set[str] = set()
    try:
        for pattern in patterns:
            got = firsts(_parser.parse(pattern))
            if got is None:
                return set()
            chars |= got
    except (re.error, TypeError, ValueError, AttributeError):
        return set()
    if ignore_case:
        chars |= {c.swapcase() for c in chars if c not in _CLASSES and len(c.swapcase()) == 1}
    return chars


_DIGIT = r"\d"  # (in first_chars' sets: the class of digits, not a character)
_CLASSES = frozenset((_DIGIT, r"\s"))  # (\d and \s stay classes in the lookahead: they take in every script's)
_MAX_RANGE = 512  # (a range of characters in a class, "[A-Z]", is read up to this size)


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def quick_start(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern behind a lookahead of the characters a match can start with, where the engine
    cannot skip positions by itself: a pattern that ignores case or does not open with a plain
    letter (\\b, a group, an alternation) is tried at every position of the text. The lookahead
    is case-blind, so it lets through every character a match can start with: the same matches,
    found sooner; it minds case where the whole pattern does (no re.IGNORECASE, no "(?i:" in
    it), and then lets through fewer positions ("[A-Z]" not "a"). The pattern as it is when that
    cannot be told (see first_chars), in verbose mode, or with flags of its own at its start."""
    text = pattern.pattern
    sre = _regex_parser()
    if sre is None or pattern.flags & re.VERBOSE or _GLOBAL_FLAGS.match(text):
        return pattern
    C, _parser = sre
    try:
        first = list(_parser.parse(text))[:1]
    except re.error:  # pragma: no cover - a pattern that compiled parses
        return pattern
    if not first or (first[0][0] is C.LITERAL and not pattern.flags & re.IGNORECASE):
        return pattern  # (the engine skips ahead to a literal first character by itself)
    exact = not pattern.flags & re.IGNORECASE and not _SCOPED_IGNORE_CASE.search(text)
    ahead = first_chars([text], ignore_case=not exact)
    if ahead and _top_level_bar(text):
        text = "(?:" + text + ")"  # (else the lookahead would guard the first alternative alone)
    if not ahead:
        return pattern
    return re.compile((ahead if exact else "(?i:" + ahead + ")") + text, pattern.flags)


# a group that ignores case inside a pattern ("(?i:", "(?ai:"; not "(?-i:")
_SCOPED_IGNORE_CASE = re.compile(r"\(\?[aLmsux]*i")


def _top_level_bar(text: str) -> bool:
    """Whether a pattern (not in verbose mode) has an alternation outside every group: "a|b",
    not "(?:a|b)c". A non-capturing group around such a pattern keeps its groups' numbers."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: up to its closing bracket ("]" right after "[" or "[^" is a character)
            i += 2 if text.startswith("[^", i) else 1
            i += 1 if text[i:i + 1] == "]" else 0
            while i < n and text[i] != "]":
                i += 2 if text[i] == "\\" else 1
        elif text.startswith("(?#", i):  # a comment: up to its closing parenthesis
            i = text.find(")", i)
            if i < 0:
                return False
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def required_words(patterns: Sequence[str | re.Pattern[str]]) -> list[str] | None:
    """Lower-case ASCII strings one of which every match of any of the patterns contains (the
    longest ones the patterns' literal text tells, white space as one space), or None when some
    pattern has none. A text whose lower case with white space as one space (lower_for_words)
    contains none of them has no match, whatever the case-blindness of the patterns: a cheap
    test before a costly one."""
    sre = _regex_parser()
    if sre is None:
        return None
    C, _parser = sre

    def spacey(op: Any, av: Any) -> bool:
        """White space, one character or a run of it (\\s, \\s+, [ \\t]+, a space)."""
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
            op, av = av[2][0]
        if op is C.LITERAL:
            return chr(av).isspace()
        return op is C.IN and all(o is C.LITERAL and chr(v).isspace() or o is C.CATEGORY
                                  and v is C.CATEGORY_SPACE for o, v in av)

    def join(a: list[str], b: list[str]) -> list[str] | None:
        out = sorted({x + (y[1:] if x.endswith(" ") and y.startswith(" ") else y) for x in a for y in b})
        return out if len(out) <= 64 else None

    def literals(items: Any) -> list[str] | None:
        """Every text the sequence matches, when it is made of literal text alone (lower case,
        white space as one space); None otherwise or when there are too many."""
        got: list[str] | None = [""]
        for op, av in items:
            if got is None:
                return None
            if spacey(op, av):
                got = join(got, [" "])
            elif op is C.LITERAL and av < 128:
                got = join(got, [chr(av).lower()])
            elif op is C.AT:
                continue  # takes no character
            elif op is C.SUBPATTERN:
                sub = literals(av[-1])
                got = None if sub is None else join(got, sub)
            elif op is C.BRANCH:
                alts: list[str] = []
                for branch in av[1]:
                    sub = literals(branch)
                    if sub is None:
                        return None
                    alts += sub
                got = join(got, alts)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
                sub = literals(av[2])
                got = None if sub is None else join(got, [""] + sub)
            else:
                return None
        return got

    def strength(option: list[str]) -> tuple[int, int]:
        """How rarely one of the strings is in a text: the least of its letters (a common word
        counts one) and spaces (six are rare enough), then the fewest strings."""
        return (min(6, min(sum(1 if w in _COMMON else len(w) for w in x.split()) + x.count(" ")
                            for x in option)), -len(option))

    def need(items: Any) -> list[str] | None:
        """Strings one of which every match of the sequence contains; None if unknown."""
        options: list[list[str]] = []
        run: list[str] | None = [""]
        for op, av in list(items) + [(None, None)]:
            lit = literals([(op, av)]) if op is not None else None
            if lit is not None:
                options.append(lit)  # the element alone ("names" of "put their names to")
            if lit is not None and run is not None:
                joined = join(run, lit)
                if joined is not None:
                    run = joined
                    continue
            if run is not None and all(x.strip() for x in run):
                options.append(run)
            run = lit if lit is not None else [""]
            got: list[str] | None = None
            if op is C.SUBPATTERN:
                got = need(av[-1])
            elif op is C.BRANCH:
                union: set[str] = set()
                for branch in av[1]:
                    one = need(branch)
                    if one is None:
                        break
                    union |= set(one)
                else:
                    got = sorted(union)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
                got = need(av[2])
            if got:
                options.append(got)
        # (a string that holds another of the option is implied by it: "signed" by "sign")
        options = [[x for x in o if not any(y != x and y in x for y in o)] for o in options
                   if all(x.strip() for x in o)]
        return max(options, key=strength) if options else None

    out: set[str] = set()
    try:
        for pattern in patterns:
            # (a compiled pattern is read with its flags: in verbose mode a space is no text)
            got = need(_parser.parse(pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern)
                       else _parser.parse(pattern))
            if not got or any(not w.strip() for w in got):
                return None
            out |= set(got)
    except (re.error, TypeError, ValueError, AttributeError):
        return None
    return sorted(out)


# words too common to tell a text from another
_COMMON = frozenset("a an the to on in at of for with by and or is are was were be has have had will".split())

# characters whose lower case is not what a case-blind pattern matches them to: "ſ" and "ı"
# match "s" and "i", "İ" lowers to two characters
_UNLIKE_LOWER = ("\u017f", "\u0131", "\u0130")


def lower_for_words(text: str) -> str | None:
    """The text in lower case with each run of white space one space, to look for
    required_words in; None when a character of it makes lower case differ from what a
    case-blind pattern sees (then no prefilter)."""
    for ch in _UNLIKE_LOWER:  # (a loop, not any() over a generator: called for each sentence)
        if ch in text:
            return None
    low = text.lower()
    out = " ".join(low.split())  # (str.split splits where \s matches)
    if low[:1].isspace():
        out = " " + out
    if low[-1:].isspace() and out != " ":
        out += " "
    return out


# --- loading and validation ------------------------------------------------------------------

class _Entry:
    """Reads one entry's fields, raising RulesError that names the file and the entry."""

    def __init__(self, file: str, family: str, index: int, raw: Any) -> None:
        self.where = f"{file}: {family} entry {index + 1}"
        if not isinstance(raw, dict):
            raise RulesError(f"{self.where}: expected a mapping, got {type(raw).__name__}")
        label = raw.get("name") or raw.get("key") or raw.get("pattern")
        if label:
            self.where += f" ({str(label)[:40]!r})"
        self.raw = raw

    def fail(self, msg: str) -> RulesError:
        return RulesError(f"{self.where}: {msg}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None, required: bool = False) -> Any:
        if key not in self.raw or self.raw[key] is None:
            if required:
                raise self.fail(f"missing {key!r}")
            return default
        value = self.raw[key]
        if not isinstance(value, kind):
            raise self.fail(f"{key!r} must be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
        return value

    def regex(self, key: str, required: bool = False, flags: int = 0) -> re.Pattern[str] | None:
        text = self.get(key, str, required=required)
        return None if text is None else self.compile(text, flags, key)

    def compile(self, text: str, flags: int = 0, key: str = "pattern") -> re.Pattern[str]:
        text = text.replace("{weekday}", WEEKDAY)
        if (unknown := _PLACEHOLDER.search(text)) is not None:
            raise self.fail(f"unknown name {unknown.group(0)!r} in {key!r} (a pattern may name {{weekday}})")
        try:
            return re.compile(text, flags)
        except re.error as exc:
            raise self.fail(f"bad regular expression in {key!r}: {exc}") from exc

    def note(self) -> str:
        return str(self.get("note", str, required=True))


# "{weekday}" in a pattern of the rules' files: one of the English weekdays, from the list that
# extract.dates reads too (calendar.day_name), not spelt out again in each pattern; no other
# name in braces is known (a regular expression never has a letter right after "{")
WEEKDAY = "(?:" + "|".join(calendar.day_name) + ")"
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")


def _state(entry: _Entry, code: Any) -> str:
    import pycountry

    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code) or (
            pycountry.countries.get(alpha_3=code) is None and code not in _EXTRA_STATES):
        raise entry.fail(f"unknown state {code!r} (use an ISO 3166 alpha-3 code)")
    return code


_EXTRA_STATES = {"ESH", "XKX"}  # Western Sahara / Sahrawi Republic, Kosovo


def _day(entry: _Entry, value: Any, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise entry.fail(f"{key!r} must be a date YYYY-MM-DD, got {value!r}") from exc


def _entries(file: str, doc: dict[str, Any], family: str) -> list[_Entry]:
    items = doc.get(family)
    if items is None:
        return []
    if not isinstance(items, list):
        raise RulesError(f"{file}: {family} must be a list")
    return [_Entry(file, family, i, raw) for i, raw in enumerate(items)]


def _add_event_types(r: Rules, file: str, doc: dict[str, Any], builtin: bool = False) -> None:
    for e in _entries(file, doc, "event_types"):
        name = e.get("name", str, required=True)
        e.note()
        known = r.event_type(name)
        triggers = []
        for j, raw in enumerate(e.get("triggers", list, default=[])):
            t = _Entry(file, f"{name} trigger", j, raw)
            t.note()
            guards = []
            for k, graw in enumerate(t.get("guards", list, default=[])):
                g = _Entry(file, f"{name} guard", k, graw)
                g.note()
                guards.append(Guard(g.get("word", str, required=True).lower(),
                                    g.regex("needs_before", flags=re.IGNORECASE),
                                    g.regex("when_before", flags=re.IGNORECASE),
                                    g.regex("needs_after", flags=re.IGNORECASE),
                                    bool(g.get("asserts", bool, default=False)),
                                    bool(g.get("leads", bool, default=False))))
            triggers.append(Trigger(t.regex("pattern", required=True, flags=re.IGNORECASE) or re.compile(""),
                                    bool(t.get("convening", bool, default=False)), tuple(guards)))
        if known is not None:
            known.triggers.extend(triggers)
            continue
        if not triggers:
            raise e.fail("a new event type needs at least one trigger")
        cls = e.get("class", str, default=name)
        if cls not in EVENT_CLASSES:
            raise e.fail(f"class {cls!r} is not an event class of the ontology ({', '.join(EVENT_CLASSES)})")
        flags_raw = e.get("flags", dict, default={})
        unknown = set(flags_raw) - set(FLAGS)
        if unknown:
            raise e.fail(f"unknown flag(s) {sorted(unknown)} (known: {', '.join(FLAGS)})")
        base = r.event_type(cls)
        flags = {f: bool(flags_raw.get(f, base.flags.get(f, False) if base else False)) for f in FLAGS}
        yields = []
        for k, yraw in enumerate(e.get("yields", list, default=[])):
            y = _Entry(file, f"{name} yield", k, yraw)
            y.note()
            yields.append(Yield(y.get("to", str, required=True), y.regex("word", flags=re.IGNORECASE),
                                y.regex("sentence", flags=re.IGNORECASE)))
        covers = []
        for k, craw in enumerate(e.get("covered_by", list, default=[])):
            c = _Entry(file, f"{name} covered_by", k, craw)
            c.note()
            by = tuple(c.get("by", list, required=True))
            bad = [b for b in by if b not in EVENT_CLASSES]
            if bad or not by:
                raise c.fail(f"covered_by: {bad or by!r} is not a list of event classes")
            covers.append(Cover(by, c.regex("word", flags=re.IGNORECASE), c.regex("inside", flags=re.IGNORECASE)))
        requires_flags = 0 if e.get("requires_case_sensitive", bool, default=False) else re.IGNORECASE
        for key in ("drops", "convening_yields_to"):
            for other in e.get(key, list, default=[]):
                if other not in EVENT_CLASSES:
                    raise e.fail(f"{key}: {other!r} is not an event class")
        r.event_types.append(EventType(
            name=name, cls=cls, flags=flags, triggers=triggers,
            requires=e.regex("requires", flags=requires_flags),
            not_after=e.regex("not_after", flags=re.IGNORECASE),
            not_before=e.regex("not_before", flags=re.IGNORECASE),
            drops=tuple(e.get("drops", list, default=[])), yields=tuple(yields),
            convening_yields_to=tuple(e.get("convening_yields_to", list, default=[])),
            covered_by=tuple(covers)))
    r._flag_classes.clear()  # (the classes each flag names, told again)
    cues = doc.get("cues")
    if cues is not None:
        if not isinstance(cues, dict):
            raise RulesError(f"{file}: cues must be a mapping")
        for name, raw in cues.items():
            c = _Entry(file, "cues", 0, {"name": name, **(raw if isinstance(raw, dict) else {"x": raw})})
            c.note()
            extra = sorted(set(raw) - CUE_KEYS) if isinstance(raw, dict) else []
            if extra:
                raise c.fail(f"unknown key(s) {extra} (a cue takes {', '.join(sorted(CUE_KEYS))})")
            if builtin:
                # (an extra file replaces a cue by its name; two built-in files giving one name
                # would replace one with the other with no word)
                if name in r.cue_files:
                    raise c.fail(f"cue {name!r} is given by {r.cue_files[name]} too (a built-in cue has one name)")
                r.cue_files[name] = file
            cue_flags = re.IGNORECASE if c.get("ignore_case", bool, default=True) else 0
            pattern = _cue_pattern(c, cue_flags)
            if pattern.groups < CUE_GROUPS.get(name, 0):
                raise c.fail(f"pattern: the extractor reads group {CUE_GROUPS[name]} of cue {name!r}; "
                             f"this pattern has {pattern.groups} group(s)")
            r.cues[name] = quick_start(pattern)
            r.cue_texts[name] = pattern.pattern
            words = c.get("words", list)
            if words is not None:
                r.cue_words[name] = tuple(words)
            elif name in CUES_AS_WORDS:
                raise c.fail("give 'words', not a pattern (the extractor reads each word)")
            else:
                r.cue_words.pop(name, None)  # a cue replaced by a pattern has no words of its own
            r.cue_values.pop(name, None)  # a replaced cue does not keep the values of the one before
            values = c.get("values", dict)
            if values is None and name in CUE_VALUES:
                raise c.fail(f"values: cue {name!r} needs the number each word of its group stands for")
            if values is not None:
                for word, value in values.items():
                    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                        raise c.fail(f"values: {word!r} must be a whole number, got {value!r}")
                r.cue_values[name] = {str(k).lower(): int(v) for k, v in values.items()}
                # (a cue given as words: each word stands for a number)
                lacking = [w for w in words or () if w.lower() not in r.cue_values[name]]
                if lacking:
                    raise c.fail(f"values: no value for {lacking[0]!r} (each of the cue's words needs one)")


def _cue_pattern(c: _Entry, flags: int) -> re.Pattern[str]:
    """A cue's `pattern`, or its `words` (a list of literal words or phrases) as one alternation
    "(?:w1|w2|...)" in their order; exactly one of the two, never empty."""
    words = c.get("words", list)
    if words is not None:
        if "pattern" in c.raw:
            raise c.fail("give 'pattern' or 'words', not both")
        if not words:
            raise c.fail("'words' must not be empty")
        for w in words:
            if not isinstance(w, str) or not w.strip():
                raise c.fail(f"'words' must be non-empty strings, got {w!r} (quote a word YAML reads "
                             "as something else: 'No', 'yes', '1')")
        return c.compile("(?:" + "|".join(map(re.escape, words)) + ")", flags, "words")
    pattern = c.regex("pattern", required=True, flags=flags) or re.compile("")
    if not pattern.pattern:
        raise c.fail("'pattern' must not be empty")
    return pattern


def _add_offices(r: Rules, file: str, doc: dict[str, Any], builtin: bool) -> None:
    new = []
    for e in _entries(file, doc, "offices"):
        e.note()
        e.regex("pattern", required=True)
        new.append(e.get("pattern", str))
    # an added office is tried before the built-in ones: it is usually the more specific title
    if builtin:
        r.offices.extend(new)
    else:
        r.offices[:0] = new
    for e in _entries(file, doc, "national_offices"):
        e.note()
        pattern = e.regex("pattern", required=True) or re.compile("")
        r.national_offices.append((pattern, _state(e, e.get("state", str, required=True))))
        shared = e.get("shared_with", list, default=[])
        if shared:
            r.shared_titles.append((pattern, frozenset(_state(e, c) for c in shared)))
    for e in _entries(file, doc, "organisation_offices"):
        e.note()
        r.organisation_offices.append((e.regex("pattern", required=True) or re.compile(""),
                                       e.get("organisation", str, required=True)))
    for e in _entries(file, doc, "ranks"):
        e.note()
        e.regex("pattern", required=True)
        r.ranks.append(e.get("pattern", str))


def _add_names(r: Rules, file: str, doc: dict[str, Any]) -> None:
    for e in _entries(file, doc, "honorifics"):
        e.note()
        e.regex("pattern", required=True)
        r.honorifics.append((e.get("pattern", str), bool(e.get("strip", bool, default=True))))
        if e.get("state", str, default=None) is not None:
            r.honorific_states.append((e.get("pattern", str), _state(e, e.get("state", str))))
    for e in _entries(file, doc, "post_nominals"):
        e.note()
        e.regex("pattern", required=True)
        r.post_nominals.append(e.get("pattern", str))
        if e.get("state", str, default=None) is not None:
            r.post_nominal_states.append((e.get("pattern", str), _state(e, e.get("state", str))))
    # lists of single words: name particles, given names written short (without their dot)
    for family, target in (("particles", r.particles), ("given_abbreviations", r.given_abbreviations)):
        for e in _entries(file, doc, family):
            e.note()
            words = e.get("words", list, required=True)
            if not all(isinstance(w, str) and re.fullmatch(r"[\w'’]+", w) for w in words):
                raise e.fail(f"{family} must be single words")
            target.extend(words)
    for e in _entries(file, doc, "not_names"):
        e.note()
        words = e.get("words", (str, list), required=True)
        r.not_names.update(words.split() if isinstance(words, str) else words)


def _add_organisations(r: Rules, file: str, doc: dict[str, Any], builtin: bool) -> None:
    new = []
    for e in _entries(file, doc, "organisations"):
        e.note()
        key = e.get("key", str, required=True)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
            raise e.fail(f"key {key!r} must be lower-case letters, digits and dashes")
        e.regex("pattern", required=True)
        new.append((key, e.get("name", str, required=True), e.get("pattern", str)))
    if builtin:
        r.organisations.extend(new)
    else:
        r.organisations[:0] = new
    for e in _entries(file, doc, "institutions"):
        e.note()
        flags = re.IGNORECASE if e.get("ignore_case", bool, default=False) else 0
        entry = (e.regex("pattern", required=True, flags=flags) or re.compile(""),
                 _state(e, e.get("state", str, required=True)))
        r.institutions.append(entry)
        if e.get("over_state_names", bool, default=False):
            r.institutions_first.append(entry)


def _add_groups(r: Rules, file: str, doc: dict[str, Any]) -> None:
    for e in _entries(file, doc, "groups"):
        e.note()
        key = e.get("key", str, required=True)
        names = e.get("names", list, required=True)
        for n in names:
            if not isinstance(n, str):
                raise e.fail("names must be patterns (strings)")
            e.compile(n, 0, "names")
        members = []
        for k, mraw in enumerate(e.get("members", list, required=True)):
            m = _Entry(file, f"{key} member", k, mraw)
            start = _day(m, m.raw.get("from"), "from")
            end = _day(m, m.raw.get("to"), "to")
            if start and end and end < start:
                raise m.fail("'to' is before 'from'")
            members.append(Member(_state(m, m.raw.get("state")), start, end))
        if not members:
            raise e.fail("a group needs members")
        full = e.get("full_names", list, default=[])
        if not all(isinstance(n, str) for n in full):
            raise e.fail("full_names must be names (strings)")
        r.groups.append(Group(key, e.get("name", str, required=True), names, members,
                              e.get("as_members", bool, default=True), tuple(full)))


def _add_people(r: Rules, file: str, doc: dict[str, Any]) -> None:
    for e in _entries(file, doc, "people"):
        e.note()
        unknown = set(e.raw) - {"name", "also", "state", "office", "from", "to", "note"}
        if unknown:
            raise e.fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        name = " ".join(e.get("name", str, required=True).split())
        also = e.get("also", list, default=[])
        # `name` may be one word where the person is known by one (many Indonesians); the other
        # spellings are full names (never a surname alone); a one-word name is only looked up for
        # a person the text finds, never looked for in the text
        for form in also:
            if not isinstance(form, str) or len(form.split()) < 2:
                raise e.fail(f"an 'also' form needs two words or more (never a surname alone), got {form!r}")
        start = _day(e, e.raw.get("from"), "from")
        if start is None:
            raise e.fail("missing 'from'")
        end = _day(e, e.raw.get("to"), "to")
        if end is not None and end < start:
            raise e.fail("'to' is before 'from'")
        r.people.append(Holder(name, tuple(" ".join(a.split()) for a in also),
                               _state(e, e.get("state", str, required=True)),
                               e.get("office", str, required=True).strip(), start, end))


def _add_venues(r: Rules, file: str, doc: dict[str, Any]) -> None:
    for e in _entries(file, doc, "known"):
        e.note()
        if e.get("pattern", str) is not None:
            e.regex("pattern")
        aliases = e.get("aliases", list, default=[])
        r.venues.append(Venue(e.get("name", str, required=True), e.get("pattern", str),
                              e.get("city", str, required=True), tuple(str(a) for a in aliases)))
    words = doc.get("words")
    if words is not None:
        w = _Entry(file, "words", 0, words)
        w.note()
        w.regex("pattern", required=True)
        r.venue_words = "|".join(x for x in (r.venue_words, w.get("pattern", str)) if x)


def _add_countries(r: Rules, file: str, doc: dict[str, Any]) -> None:
    # a state's other names, and its capital's (two families of the same shape)
    for family, forms_of in (("country_forms", r.country_forms), ("capital_forms", r.capital_forms)):
        for e in _entries(file, doc, family):
            e.note()
            state = _state(e, e.get("state", str, required=True))
            for form in e.get("forms", list, required=True):
                if not isinstance(form, str) or not form.strip():
                    raise e.fail(f"form {form!r} must be a non-empty string")
                forms_of[form] = state
    for e in _entries(file, doc, "domains"):
        e.note()
        code = e.raw.get("state")
        publisher = None if code is None else _state(e, code)  # (no state: a domain that tells none)
        for domain in e.get("domains", list, required=True):
            if not isinstance(domain, str) or not re.fullmatch(r"[a-z]{2,}", domain):
                raise e.fail(f"domain {domain!r} must be a top-level domain in lower case, without its dot")
            r.domains[domain] = publisher
    for e in _entries(file, doc, "labels"):
        e.note()
        label = e.get("label", str, required=True)
        if not label.strip() or label != " ".join(label.split()):
            raise e.fail(f"label {label!r} must be a name with single spaces")
        r.labels[_state(e, e.get("state", str, required=True))] = label
    for e in _entries(file, doc, "combining"):
        e.note()
        prefix = e.get("prefix", str, required=True)
        if not re.fullmatch(r"[A-Z][a-z]+", prefix):
            raise e.fail(f"prefix {prefix!r} must be one capitalised word")
        r.combining[prefix] = _state(e, e.get("state", str, required=True))
    for e in _entries(file, doc, "feature_names"):
        e.note()
        pat = e.regex("pattern", required=True)
        if pat is not None:
            r.feature_names.append(pat.pattern)
    for e in _entries(file, doc, "style_nouns"):
        e.note()
        noun = e.get("noun", str, required=True)
        if not re.fullmatch(r"[A-Z][a-z]+", noun):
            raise e.fail(f"noun {noun!r} must be one capitalised word")
        states = e.get("states", list, required=True)
        r.style_nouns[noun] = r.style_nouns.get(noun, frozenset()) | frozenset(_state(e, x) for x in states)
    for family, target in (("ambiguous_names", r.ambiguous_names), ("proper_names", r.proper_names)):
        for e in _entries(file, doc, family):
            e.note()
            words = e.get("words", list, required=True)
            target.update(str(w) for w in words)


def _add_numbers(r: Rules, file: str, doc: dict[str, Any], builtin: bool) -> None:
    families: tuple[tuple[str, dict[str, Any], type], ...] = (
        ("windows", r.windows, int), ("confidences", r.confidences, float))
    for family, target, kind in families:
        raw = doc.get(family)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            raise RulesError(f"{file}: {family} must be a mapping")
        for name, item in raw.items():
            e = _Entry(file, family, 0, {"name": name, **(item if isinstance(item, dict) else {"value": item})})
            if builtin:
                e.note()
            elif name not in target:
                raise e.fail(f"unknown {family[:-1]} (known: {', '.join(sorted(target))})")
            value = e.get("value", (int, float), required=True)
            if isinstance(value, bool) or value < 0 or (kind is float and value > 1):
                raise e.fail(f"value {value!r} out of range")
            target[name] = kind(value)


def _add_money(r: Rules, file: str, doc: dict[str, Any]) -> None:
    families: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("currency_signs", "signs", r.currency_signs), ("currency_words", "words", r.currency_words),
        ("currency_singular", "words", r.currency_singular), ("scales", "words", r.scales),
        ("currency_families", "names", r.currency_families))
    flags = {"currency_signs": "generic", "scales": "spelled"}
    zoned = ("currency_signs", "currency_words")
    for family, key, target in families:
        for e in _entries(file, doc, family):
            e.note()
            unknown = set(e.raw) - {key, "note", flags.get(family), "zone" if family in zoned else None}
            if unknown:
                raise e.fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
            table = e.get(key, dict, required=True)
            if not table:
                raise e.fail(f"{key!r} must not be empty")
            for word, value in table.items():
                if not isinstance(word, str) or not word.strip():
                    raise e.fail(f"{key!r}: {word!r} must be a non-empty string (quote a word YAML reads "
                                 "as something else: 'No', '1')")
                if key in ("words", "names") and word != word.lower():
                    raise e.fail(f"{key!r}: {word!r} must be written in lower case (it is looked up so)")
                if family == "currency_families":
                    if not isinstance(value, str) or not re.fullmatch(r"[a-z]+", value):
                        raise e.fail(f"{key!r}: the family of {word!r} must be one word in lower case, got {value!r}")
                elif family == "scales":
                    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
                        raise e.fail(f"{key!r}: the value of {word!r} must be a whole number above 1, got {value!r}")
                elif not _currency(value):
                    raise e.fail(f"{key!r}: {word!r}: unknown currency {value!r} (use an ISO 4217 code)")
                target[word] = value
            if family == "currency_signs" and e.get("generic", bool, default=False):
                r.generic_signs.update(table)
            zone = e.get("zone", list, default=None) if family in zoned else None
            if zone is not None:
                if len(zone) < 2 or not all(_currency(c) for c in zone) or any(v not in zone for v in table.values()):
                    raise e.fail(f"'zone' must list two or more ISO 4217 codes, among them those of {key!r}, got {zone!r}")
                r.currency_zones.update({w: tuple(zone) for w in table})
            if family == "scales" and e.get("spelled", bool, default=False):
                r.spelled_scales.extend(w for w in table if w not in r.spelled_scales)


def _currency(code: Any) -> bool:
    import pycountry

    return isinstance(code, str) and bool(re.fullmatch(r"[A-Z]{3}", code)) and \
        pycountry.currencies.get(alpha_3=code) is not None


_FAMILIES = {"event_types", "cues", "offices", "national_offices", "organisation_offices", "ranks", "honorifics",
             "post_nominals", "particles", "given_abbreviations", "not_names", "organisations", "institutions", "groups",
             "known", "words", "windows", "confidences", "country_forms", "capital_forms", "domains", "labels", "combining",
             "ambiguous_names", "proper_names", "feature_names", "style_nouns", "people", "currency_signs", "currency_words",
             "currency_singular", "scales", "currency_families"}


@cache
def _strict_loader() -> type:
    """PyYAML's safe loader (libyaml's where PyYAML was built with it: the same documents,
    read about five times faster; the rules were 0.8 s of each start) refusing a key given
    twice in one mapping, which PyYAML takes silently, the last one winning: a second cue
    of the same name replaced the first with no word."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[valid-type,misc]
        # checked in flatten_mapping, once per node and before a merge key ("<<: *anchor")
        # writes the merged keys into it, on the keys' values ("1" and 1 are two keys,
        # "yes" and "true" one)
        def flatten_mapping(self, node: Any) -> None:
            checked = self.__dict__.setdefault("_checked_nodes", set())
            if id(node) not in checked:
                checked.add(id(node))
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                        key = self.construct_object(key_node)
                        if key in seen:
                            raise yaml.constructor.ConstructorError(
                                None, None, f"key {key_node.value!r} given twice "
                                f"(line {key_node.start_mark.line + 1})", key_node.start_mark)
                        seen.add(key)
            super().flatten_mapping(node)

    return StrictLoader


def _load_file(r: Rules, path: Path, builtin: bool) -> None:
    import yaml

    name = path.name if builtin else str(path)
    try:
        # libyaml's safe loader where PyYAML was built with it (its wheels are): the same
        # documents, read about five times faster (the rules were 0.8 s of each start)
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_strict_loader())  # noqa: S506 - safe loader
    except OSError as exc:
        raise RulesError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{name}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    except ValueError as exc:  # a date such as 2020-13-01
        raise RulesError(f"{name}: bad value: {exc}") from exc
    if doc is None:
        return
    if not isinstance(doc, dict):
        raise RulesError(f"{name}: expected a mapping of rule families at the top")
    unknown = set(doc) - _FAMILIES
    if unknown:
        raise RulesError(f"{name}: unknown rule famil{'y' if len(unknown) == 1 else 'ies'} "
                         f"{', '.join(sorted(unknown))} (known: {', '.join(sorted(_FAMILIES))})")
    _add_event_types(r, name, doc, builtin)
    _add_offices(r, name, doc, builtin)
    _add_names(r, name, doc)
    _add_organisations(r, name, doc, builtin)
    _add_groups(r, name, doc)
    _add_people(r, name, doc)
    _add_venues(r, name, doc)
    _add_countries(r, name, doc)
    _add_numbers(r, name, doc, builtin)
    _add_money(r, name, doc)
    r.sources.append(name)


def _extra_paths(extra: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for item in extra:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        else:
            out.append(p)
    return out


def load_rules(extra: Iterable[str | Path] = ()) -> Rules:
    """The built-in rules, then each extra file, validated; RulesError names a bad entry."""
    r = Rules()
    for name in BUILTIN:
        _load_file(r, HERE / name, builtin=True)
    for path in _extra_paths(extra):
        _load_file(r, path, builtin=False)
    for t in r.event_types:
        for y in t.yields:
            if y.to not in EVENT_CLASSES:
                raise RulesError(f"{r.sources[-1]}: event type {t.name!r}: yields to unknown class {y.to!r}")
    missing = [c for c in EVENT_CLASSES if r.event_type(c) is None]
    if missing:
        raise RulesError(f"event_types.yaml: no entry for the ontology class(es) {', '.join(missing)}")
    for cue, home in CUES_READ.items():
        if cue not in r.cues:
            raise RulesError(f"{home}: no cue {cue!r} (the extractor reads it)")
    for family, table in (("currency_signs", r.currency_signs), ("currency_words", r.currency_words),
                          ("currency_singular", r.currency_singular), ("scales", r.scales),
                          ("scales marked spelled", r.spelled_scales)):
        if not table:
            raise RulesError(f"money.yaml: no {family} (the extractor reads them)")
    # compile the combined patterns now, so that a bad combination fails at start too
    for attr in ("role_re", "rank_re", "honorific_strip_re", "post_nominal_strip_re", "org_re",
                 "group_re", "group_name_re", "standalone_venue_re", "post_nominal_state_re"):
        try:
            getattr(r, attr)
        except re.error as exc:
            raise RulesError(f"{', '.join(r.sources)}: the {attr.removesuffix('_re')} patterns do not "
                             f"combine: {exc}") from exc
    return r


_current: Rules | None = None


def rules() -> Rules:
    """The rules in force: built-in plus the files named in $DEFGRAPH_RULES (loaded once)."""
    global _current
    if _current is None:
        extra = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
        _current = load_rules(extra)
    return _current


_T = TypeVar("_T")


class per_rules(Generic[_T]):  # noqa: N801 - used as a decorator, named like one
    """A table built from a rule set, built once per rule set: ``@per_rules`` on
    ``def f(r: Rules) -> T`` makes ``f()`` (the rules in force) or ``f(r)``, rebuilt when
    another rule set is asked for (a test's temporary rules file, reset_rules)."""

    def __init__(self, build: Callable[[Rules], _T]) -> None:
        self._build = build
        self._held: tuple[Rules, _T] | None = None
        self.__doc__ = build.__doc__

    def __call__(self, r: Rules | None = None) -> _T:
        r = rules() if r is None else r
        held = self._held
        if held is None or held[0] is not r:
            held = self._held = (r, self._build(r))
        return held[1]


_RESET_HOOKS: list[Callable[[], None]] = []


def on_reset(hook: Callable[[], None]) -> None:
    """Call `hook` when the rules are reloaded (modules that cache tables built from them)."""
    _RESET_HOOKS.append(hook)


def reset_rules() -> None:
    """Forget the loaded rules (the next `rules()` reads the files and $DEFGRAPH_RULES again)."""
    global _current
    _current = None
    for hook in _RESET_HOOKS:
        hook()
