"""Persons: names with their office and the state they speak for."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..rules import Rules, per_rules, quick_start, rules
from ..vocab import slug
from .countries import CountryMention
from .lexicon import military_rank, national_roles, role_re, strip_honorific, strip_post_nominals
from .spans import SpanIndex, pair_index, span_index
from .text import may_match, trie_pattern

_WORD_OR_HYPHEN = re.compile(r"[\w-]")


def _whole_words(text: str, words: list[str]) -> list[tuple[int, int]]:
    r"""The spans that `(?<![\w-])(?:word|word|...)(?![\w-])` finds with finditer (the longest
    word at each start, leftmost first, no overlap), by str.find: compiling that pattern anew for
    each statement's set of surnames cost more than the rest of the person rules."""
    if not all(words):  # an empty word matches everywhere: leave that to the pattern itself
        pattern = re.compile(r"(?<![\w-])(?:" + trie_pattern(words) + r")(?![\w-])")
        return [m.span() for m in pattern.finditer(text)]
    best: dict[int, int] = {}  # start -> end of the longest word that stands alone there
    for w in words:
        i = text.find(w)
        while i >= 0:
            end = i + len(w)
            if (i == 0 or not _WORD_OR_HYPHEN.match(text, i - 1)) and not _WORD_OR_HYPHEN.match(text, end) \
                    and end > best.get(i, -1):
                best[i] = end
            i = text.find(w, i + 1)
    out: list[tuple[int, int]] = []
    last = 0
    for start in sorted(best):
        if start >= last:
            out.append((start, best[start]))
            last = best[start]
    return out


_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽȘȚА-Я"
# a word of a name: capitalised, or an initial with a stop, or an initial alone before a
# capitalised word ("External Affairs Minister S Jaishankar"; never "A" or "I")
_TOKEN = rf"[{_UP}](?:[\w'’]+(?:-[{_UP}]?[\w'’]+)*|\.|(?<![AI])(?=[ \t]+[{_UP}][\w'’]))"


# a given name's initial written against the name ("U.Khurelsukh", "B.Battsetseg": Mongolian usage)
# or against the next initial ("Rear Admiral Y.R. Serasinghe", "Air Marshal A.P. Singh": South Asian usage)
_GLUED = rf"(?<=\b[{_UP}]\.)(?=[{_UP}](?:[a-z]|\.))"


@per_rules
def name_re(r: Rules) -> re.Pattern[str]:
    """A name, with the honorifics before it and the post-nominals after it (rules/names.yaml)."""
    particle = "(?:" + "|".join(r.particles) + ")"
    # a given name written short ("Ma. Theresa X") before the rest of the name
    short = "(?:(?:" + "|".join(map(re.escape, r.given_abbreviations)) + rf")\.[ \t]+(?=[{_UP}]))?" \
        if r.given_abbreviations else ""
    # ... or after a given name ("Jose Ma. Ambrosio Ezpeleta"; after a surname, "Jack Ma.", the
    # name is cut at the word after it, which opens the next sentence)
    inner = "(?:(?:" + "|".join(map(re.escape, r.given_abbreviations)) + rf")\.(?=[ \t]+[{_UP}])|{_TOKEN})" \
        if r.given_abbreviations else _TOKEN
    return quick_start(re.compile(  # (behind its first characters: searched in whole texts)
        rf"(?<![\w'’-])(?P<hon>(?:{r.honorific_any}\s+){{1,{r.window('honorifics_before_name')}}})?(?P<name>{short}{_TOKEN}(?:(?:[ \t]+|{_GLUED})(?:{particle}[ \t]+|"
        rf"{particle}-){{0,2}}{inner}){{0,4}})(?P<post>(?:,?\s+{r.post_nominal_any})*)"))


@per_rules
def _speech(r: Rules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A run of capitalised words opening a sentence before a verb of speech (cue speech_verb),
    and the verb right after the name."""
    # (the white space from its start only: tried at every blank of a long run, "[ \t]+" would read
    # the rest of the run each time, in time quadratic in its length)
    speech = r"(?<![ \t])[ \t]+" + r.cue_texts["speech_verb"] + r"\b"
    flags = r.cues["speech_verb"].flags
    return (re.compile(r"(?:^|(?<=\n)|(?<=[.!?][ \t]))(?P<n>[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){1,4})" + speech, flags),
            re.compile(speech, flags))


def _not_name(word: str) -> bool:
    return word in rules().not_names


_INITIAL = re.compile(r"[A-Z]\.")


@per_rules
def _function_words(r: Rules) -> frozenset[str]:
    """Words that never begin a name, even after a rank ("General The ..."; cue capitalised_function_word)."""
    return frozenset(r.cue_words["capitalised_function_word"])


@per_rules
def _rank_before(r: Rules) -> re.Pattern[str]:
    """A rank that ends right before a name ("General Said Chanegriha")."""
    bare = [re.sub(r"^\^|\$$", "", x) for x in r.ranks]  # the ranks' patterns match a whole role
    ranks = "|".join(f"(?:{x})" for x in bare)
    return re.compile(rf"(?<![\w-])(?:{ranks})\.?[ \t]+$")


@per_rules
def _rank_start(r: Rules) -> re.Pattern[str]:
    """A rank (offices.yaml ranks) and the blank after it, at a name's start."""
    bare = [re.sub(r"^\^|\$$", "", x) for x in r.ranks]
    return re.compile("(?:" + "|".join(f"(?:{x})" for x in bare) + r")\.?[ \t]+")


_COUNTERPART = "counterpart"  # the noun that introduces one as someone's counterpart


@dataclass
class PersonHit:
    name: str
    key: str
    start: int
    end: int
    role: str | None = None
    country: str | None = None
    org: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    is_post: bool = False  # an office named with its state but without its holder
    state_confidence: float | None = None  # set when the state could not be told among candidates
    state_method: str | None = None  # the rule (windows.yaml) that gave a state the text does not state
    counterpart: bool = False  # introduced as someone's counterpart: of the other side
    title_state: bool = False  # the state was given by a national title alone
    surname_state: tuple[int, int] | None = None  # a state's name written as the surname ("Luís Montenegro")
    post_state: bool = False  # the state of an office named elsewhere without a name (a guess)

    @property
    def counterpart_title(self) -> str | None:
        """The noun that introduced the person as a counterpart ("his Polish counterpart X"):
        the role told of one named with no office anywhere."""
        return _COUNTERPART if self.counterpart else None

    def state_by(self, rule: str, at_most: float | None = None) -> None:
        """The state (set by the caller) was inferred by `rule`, with that rule's confidence, or
        `at_most` where that is lower (a state no surer than the one it came from)."""
        self.state_confidence = min(rules().confidence(rule), at_most or 1.0)
        self.state_method = rule

    def state_from(self, other: PersonHit) -> None:
        """The state of `other`, named with this person as of the same side."""
        self.country = other.country
        self.state_by("state_of_partner_named_with", other.state_confidence)


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    while True:
        new = strip_honorific(name)
        new = strip_post_nominals(new).strip(" ,")
        if new == name:
            return _surname_in_capitals(new)
        name = new


def _surname_in_capitals(name: str) -> str:
    """East Asian ministries write the surname in capitals ("NAKATANI Gen", "Gen NAKATANI"): the
    name in the usual order and case ("Gen Nakatani"), so that it is one person across sources."""
    tokens = name.split()
    caps = [t for t in tokens if len(t) >= 3 and t.isalpha() and t.isupper()]
    if len(tokens) < 2 or len(caps) != 1 or any(t.isupper() and t not in caps for t in tokens):
        return name
    surname = caps[0].capitalize()
    rest = [t for t in tokens if t != caps[0]]
    if tokens[0] == caps[0] and any("-" in t for t in rest):
        return " ".join([surname] + rest)  # "SHIN Won-sik": Korean names keep the surname first
    return " ".join(rest + [surname])


@per_rules
def _lower_office_after(r: Rules) -> re.Pattern[str]:
    """A name, a comma and an office in lower case (cues lower_office_modifier and lower_office)
    then "of" or "for" and the body, up to a comma or the sentence's end; behind a lookahead of
    its first characters (rules.quick_start: it is searched in whole texts)."""
    modifier, office = r.cue_texts["lower_office_modifier"], r.cue_texts["lower_office"]
    return quick_start(re.compile(
        rf"(?<![\w’'.-])(?P<name>(?-i:[{_UP}])[\w’'-]+(?:[ \t]+(?-i:[{_UP}])[\w’'-]+){{1,3}}),[ \t]+(?:the[ \t]+)?"
        r"(?P<office>(?:" + modifier + r"[ \t]+)?" + office + r"[ \t]+(?:of|for)[ \t]+"
        r"(?:[^,.;()]|(?<=[A-Z])(?<!\w[A-Z])\.){3,80}?)(?:,|(?<![A-Z])\.(?=\s|$))",  # "the commander of U.S. Forces Korea,": initials' dots
        r.cues["lower_office"].flags))
# (the office may end the sentence: "the minister met X, the head of the OSCE Mission to Y.", not
# at an initial's dot: "U.S. Pacific Fleet")


def _name_at(text: str, pos: int) -> re.Match[str] | None:
    m = name_re().match(text, pos)
    if not m:
        return None
    return m


def _full_name_at(text: str, pos: int, blocked: SpanIndex[tuple[int, int]]) -> bool:
    """A name of two words or more starts at pos, all of them name words."""
    m = _name_at(text, pos)
    if m is None or m.group("hon"):
        return False
    trimmed = _trim_name(m, blocked)
    # ("U.Khurelsukh": an initial written against the name is a word of its own)
    return trimmed is not None and len(re.split(_GLUED + r"|\s+", trimmed[0])) >= 2 and trimmed[2] == m.end("name")


def _valid_name(name: str, start: int, end: int, blocked: SpanIndex[tuple[int, int]] | None = None) -> bool:
    tokens = name.split()
    if not tokens:
        return False
    if all(_not_name(t.rstrip(".")) for t in tokens):
        return False
    if _not_name(tokens[0]) and len(tokens) == 1:
        return False
    return not (blocked and blocked.overlapping(start, end))


@per_rules
def _thing_named_after(r: Rules) -> re.Pattern[str]:
    """Capitalised words (maybe joined by "and", "of", "for") up to the word that ends a thing's
    name (cue thing_name_head): "Zayed Grand Mosque", "Salman Humanitarian Aid and Relief Centre"."""
    particle = "|".join(r.particles)  # "the Sheikh Hamad bin Khalifa Military Academy"
    return re.compile(r"(?:(?:[A-Z][\w.-]*|(?:" + particle + r"))(?:[ \t]+(?:and|of|for|&))?[ \t]+){1,6}?" +
                      r.cue_texts["thing_name_head"] + r"\b")


def _office_through(text: str, start: int, end: int) -> bool:
    """An office read from `start` (a rank's word) runs to `end` or past it: "Chief of General
    Staff X", where "General Staff" is no rank and a name."""
    for r in role_re().finditer(text, max(0, start - rules().window("rank_before_name")), end):
        if r.start() <= start and r.end() >= end:
            return True
    return False


def _trim_name(m: re.Match[str], blocked: SpanIndex[tuple[int, int]]) -> tuple[str, int, int] | None:
    """The person's name inside a NAME_RE match, cut before any word that is not part of a name."""
    start = m.start("name")
    tokens = list(re.finditer(r"\S+", m.group("name")))
    kept: list[re.Match[str]] = []
    for i, t in enumerate(tokens):
        word = t.group(0).rstrip(".,")
        abs_s = start + t.start()
        if i == 0 and _not_name(word) and len(tokens) > 1 and not _not_name(tokens[1].group(0).rstrip(".,")) \
                and not word.endswith(("'", "’")) and word.istitle() and word not in _function_words() \
                and (rk := _rank_before().search(m.string, max(0, start - rules().window("rank_before_name")), start)) \
                and not _office_through(m.string, rk.start(), abs_s + len(word)):
            kept.append(t)  # "General Said Chanegriha": after a rank, a given name, not a verb
            continue
        if i == 0 and _not_name(word) and len(tokens) > 2 and word.istitle() and word not in _function_words() \
                and _INITIAL.fullmatch(tokens[1].group(0)):
            kept.append(t)  # "Prince C. Johnson": a word before a middle initial is a given name
            continue
        if kept and word.istitle() and word not in _function_words() \
                and kept[-1].group(0).rstrip(".,").lower() in rules().particles \
                and not blocked.overlapping(abs_s, abs_s + len(word)):
            kept.append(t)  # "Shihab bin Tarik Al Said": after a name's particle, a family name, not a verb
            continue
        if _not_name(word) or blocked.overlapping(abs_s, abs_s + len(word)):
            break
        kept.append(t)
        if word.endswith(("'", "’", "'s", "’s")):
            break  # "Jim Mattis' Bilateral Meeting": the possessive ends the name
    if not kept:
        return None
    s = start + kept[0].start()
    e = start + kept[-1].end()
    if _thing_named_after().match(m.string, s):
        return None  # "the Sheikh Zayed Grand Mosque": a thing's name, after a person's
    name = re.sub(r"['’]s?$", "", m.string[s:e].rstrip(".,"))
    e = s + len(name)
    return clean_name(name), s, e


class _Role:
    """A role match cut short before any state named at its end ("... Industries of Ukraine")."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.string, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self.string[self._start:self._end]


def _roles(text: str, countries: SpanIndex[CountryMention]) -> list[_Role]:
    out = []
    for r in role_re().finditer(text):
        end = r.end()
        for c in countries.starting_in(r.start() + 1, end):
            if r.start() < c.start < end:
                if rules().cues["office_names_its_matter"].match(r.group(0)):
                    # "Ambassador to the Republic of Korea" is one office, and it ends with the state
                    # (so is "Special Representative on Afghanistan": the state is its matter)
                    end = min(end, c.end)
                    break
                # "Commander of the Royal Brunei Armed Forces": the office ends before the body's
                # name, whose first words may stand before the state's
                cut = re.search(r"\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,2}$", text[r.start():c.start])
                end = r.start() + cut.start() if cut else c.start
                break
        # "Minister for Defence and ..." — a trailing conjunction is not part of the office
        role = re.sub(r"\s+(?:and|&)$", "", text[r.start():end])
        out.append(_Role(text, r.start(), r.start() + len(role)))
    # News agencies write an office in lower case after its state ("Cambodia's deputy prime
    # minister"): read there only, where the state says it is an office
    starts = {x.start() for x in out}
    ci = _role_ci()
    for c in countries.items:
        m = _AFTER_STATE.match(text, c.end)
        if not m:
            continue
        pos = m.end()
        if pos in starts:
            continue
        rm = ci.match(text, pos)
        if rm:
            out.append(_Role(text, pos, rm.end()))
    # ... and before "of" and a state ("the ambassador of Germany in Togo, X": cue
    # lower_office_of_state), where the offices read the words before "of" as one
    of_state = rules().cues["lower_office_of_state"]
    for c in countries.items:
        m = of_state.search(text, max(0, c.start - rules().window("name_before_office")), c.start)
        if m is None or m.start("office") in starts:
            continue
        rm = ci.match(text, m.start("office"))
        if rm and rm.end() >= m.end("office"):
            out.append(_Role(text, m.start("office"), rm.end()))
            starts.add(m.start("office"))
    # ... and after the possessive of another office ("the President's special adviser X"),
    # where that office says the next words are one too (cue office_possessive)
    possessive = rules().cues["office_possessive"]
    if may_match(possessive, text):
        for m in possessive.finditer(text):
            pos = m.end()
            rm = ci.match(text, pos) if pos not in starts else None
            if rm:
                out.append(_Role(text, pos, rm.end()))
    out.sort(key=lambda x: x.start())
    return out


_AFTER_STATE = re.compile(r"(?:['’]s)?[ \t]+(?=[a-z])")  # "Cambodia's deputy ...": a lower-case word follows


@per_rules
def _offices_in_gap(r: Rules) -> re.Pattern[str]:
    """An office and the "and" or comma after it, taken out of what stands between a state and
    an office (compiled once, not looked up in re's cache by its long text at each call)."""
    return re.compile(r"(?:" + r.role_re.pattern + r")(?:\s+and|,)?")


@per_rules
def _offices_in_gap_ci(r: Rules) -> re.Pattern[str]:
    """The same, for offices in lower case (read only where a lower-case word follows the state)."""
    return re.compile(_offices_in_gap(r).pattern, re.IGNORECASE)


def _without_offices(text: str, a: int, b: int) -> str:
    """text[a:b] without the offices in it, in any case (each read in the whole text, so that
    what an office needs after it, "army chief" a name, is seen past `b`)."""
    out, at = [], a
    for m in _offices_in_gap_ci().finditer(text, a, b + rules().window("office_after_gap")):  # (what an office looks at after it)
        if m.start() >= b or m.end() > b:
            break
        out.append(text[at:m.start()])
        at = m.end()
    return "".join(out) + text[at:b]


@per_rules
def _state_office_gap(r: Rules) -> re.Pattern[str]:
    """What may stand between a state and an office it holds, once the offices of a chain are
    taken out: the possessive, a modifier of the office (cue office_modifier_after_state, "Deputy",
    "acting"), or "was represented by" and its determiner."""
    cue = r.cues["office_modifier_after_state"]
    modifier = ("(?i:" + cue.pattern + ")") if cue.flags & re.IGNORECASE else cue.pattern
    return re.compile(r"(?:['’]s)?\s*(?:Ministry of (?:National )?Defen[cs]e\s+)?(?:(?:" + modifier + r")\s+)?"
                      r"|\s+(?:was|were|is|are) represented by\s+(?:the\s+|its\s+|her\s+|his\s+)?")


@per_rules
def _of_mission(r: Rules) -> re.Pattern[str]:
    """After an office: "of" or "for" and the state it names, maybe through an envoy's mission
    (cue mission_of_state, "of the Embassy of"); the office's last words may follow an "and"."""
    cue = r.cues["mission_of_state"]
    mission = ("(?i:" + cue.pattern + ")") if cue.flags & re.IGNORECASE else cue.pattern
    return re.compile(r"(?:[ \t]+(?:and|&)[ \t]+[A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*){0,2}?(?=\s+(?:of|for)\s))?"
                      r"\s+(?:of|for)\s+(?:the\s+)?(?:(?:" + mission + r")\s+of\s+(?:the\s+)?)?")


@per_rules
def _role_ci(r: Rules) -> re.Pattern[str]:
    """The offices, case-insensitive (used only right after a state's name)."""
    return re.compile(r.role_re.pattern, re.IGNORECASE)


def find_persons(
    text: str,
    countries: list[CountryMention],
    blocked: list[tuple[int, int]],
    org_spans: list[tuple[int, int, str]],
    day: dt.date | None = None,
) -> list[PersonHit]:
    """Persons named beside an office, a counterpart phrase or an honorific, or by the full name
    of a known office holder on `day` (rules/people.yaml), with later mentions."""
    country_spans = [(c.start, c.end) for c in countries]
    block = pair_index(blocked + country_spans)
    cindex = span_index(countries)
    hits: list[PersonHit] = []

    def country_before(pos: int) -> str | None:
        # "Italian Defence Minister", "Sweden's Minister", "UK Defence Secretary", "the French"
        last = cindex.last_ending_by(pos)
        for c in [last] if last is not None else []:
            if c.end <= pos:
                if pos - c.end > rules().window("office_chain") or "\n" in text[c.end:pos]:
                    return None  # too far for a chain of offices, or on another line (a title)
                # "Australian Deputy Prime Minister and Minister for Defence": offices in a chain;
                # papers write the modifier in lower case ("Thailand's acting Defence Minister")
                # (a body's short name in brackets stands for nothing more: "Philippine Coast Guard
                # (PCG) Commandant Admiral X")
                gap = _BODY_SHORT.sub("", _offices_in_gap().sub("", text[c.end:pos]))
                if _state_office_gap().fullmatch(gap):
                    return _state_opening_body(text, c, cindex, oindex) or c.iso3
                # papers write the office in lower case after the state's adjective, with its body
                # ("the Tanzanian army chief, General X", "French government spokeswoman Y")
                if _AFTER_STATE.match(text, c.end) and _state_office_gap().fullmatch(
                        _BODY_SHORT.sub("", _without_offices(text, c.end, pos))):
                    return c.iso3
                return None
        return None

    oindex = SpanIndex(org_spans, lambda o: o[0], lambda o: o[1])
    org_at: dict[int, tuple[int, int, str]] = {}
    for s_, _e, key_ in org_spans:
        org_at.setdefault(s_, (s_, _e, key_))

    def org_before(pos: int) -> str | None:
        last = oindex.last_ending_by(pos)
        for s, e, key in [last] if last is not None else []:
            if e <= pos:
                # on the same line only: a title line ending with an organisation is not an office's
                return key if pos - e < 8 and re.fullmatch(r"(?:['’]s)?[ \t]*", text[e:pos]) else None
        return None

    def country_after_of(pos: int) -> tuple[str | None, int]:
        # "of Vietnam", "of the Embassy of Japan": the state an envoy's mission names
        # (the office's last words may follow an "and": "Minister for Home Affairs and Immigration
        # of the Republic of Fiji")
        m = _of_mission().match(text[pos:pos + rules().window("mission_after_office")])
        if m:
            p = pos + m.end()
            for c in cindex.starting_in(p - 4, p + rules().window("mission_state_after")):
                # "of the Netherlands": the state's name may take in the article
                # "of the Royal Brunei Armed Forces": a word or two of the body's name may come first
                if c.start <= p < c.end or (c.start > p and (text[p:c.start].strip() in ("", "Republic of") or
                                                             _body_words().fullmatch(text, p, c.start))):
                    return c.iso3, c.end
            if p in org_at:
                return "org:" + org_at[p][2], org_at[p][1]
        return None, pos

    roles = _roles(text, cindex)  # read once, used by two rules below
    posts: dict[str, str] = {}  # office -> state, from offices named with a state but no name
    post_hits: list[PersonHit] = []
    office_end: tuple[int, str, str | None, str | None] | None = None  # the last office: where it ends, it, its state, its organisation
    role_ends = {r.end() for r in roles}
    for r in roles:
        role = r.group(0)
        if text[r.start() - 1:r.start()] == "(" and text[r.end():r.end() + 1] == ")" and \
                re.search(r"[ \t]*\($", text[:r.start()]) is not None and \
                any(text[e:r.start()].strip() == "(" for e in role_ends if e < r.start()):
            continue  # "Minister of Defence (Menhan) X": the office's short form, the office is the one before
        country = country_before(r.start())
        org = org_before(r.start())
        after = r.end()
        c2, after2 = country_after_of(after)
        if c2:
            if c2.startswith("org:"):
                org = org or c2[4:]
            else:
                country = country or c2
        if military_rank(role) and office_end is not None and office_end[0] <= r.start() and \
                _RANK_AFTER_OFFICE.fullmatch(text, office_end[0], r.start()):
            # "Commander of the Sri Lanka Army Lieutenant General X": the office, not the rank
            role, country, org = office_end[1], country or office_end[2], org or office_end[3]
        elif not military_rank(role):
            office_end = (r.end(), role, country, org)
        # Role followed directly by a name: "Defence Secretary John Healey MP", "President Macron"
        pos = None
        # "the Minister of National Defense of Korea, Shin Won-sik"; "the Commander of the United
        # States Southern Command, Admiral Alvin Holsey": the body's own name may stand between
        m2 = re.match(r"(?:[ \t]+(?:to|in)[ \t]+(?:the[ \t]+)?[A-Z][\w’'-]*)?(?:[ \t]+[A-Z][\w’'-]*){0,4}"
                      r"(?:[ \t]+(?:in|to)[ \t]+[A-Z][\w’'-]*)?,\s+",
                      text[after2:after2 + rules().window("body_before_name_after")]) if c2 else None  # "of the Pakistan High Commission in Colombo, X"
        if m2 and _name_at(text, after2 + m2.end()):
            pos = after2 + m2.end()  # "the Minister of National Defense of Korea, Shin Won-sik"
        elif c2 and re.match(r"[ \t]+[A-Z]", text[after2:after2 + 3]) and _full_name_at(text, after2 + 1, block):
            pos = after2 + 1  # "Minister of Defence of Ukraine Denys Shmyhal" (not "... Turkish Land Forces")
        elif c2 and (host_at := _host_state_end(text, after2, cindex)) is not None \
                and re.match(r"[ \t]+[A-Z]", text[host_at:host_at + 3]) and _full_name_at(text, host_at + 1, block):
            # "Ambassador of Ukraine to Lithuania Petro Beshta": the envoy's host state, then the
            # holder with no comma
            pos = host_at + 1
        elif m2:
            pos = after2 + m2.end()
        elif (m3 := _to_place_comma().match(text, after)) is not None and _name_at(text, m3.end()):
            # "High Commissioner to Fiji, Charlotte Darlow", "Secretary of State in the Ministry of
            # National Defence, Paweł Zalewski": the holder after the post's place or body
            pos = m3.end()
        elif (m4 := _served_body_no_comma().match(text, after)) is not None and _full_name_at(text, m4.end(), block):
            # "State Secretary of the Ministry of Defence Jānis Garisons": the body served, then
            # the holder with no comma; a state named in the body is the holder's ("at the Romanian
            # Ministry of National Defence X", "of the Ministry of Defence of Ukraine Y")
            pos = m4.end()
            inner = [c.iso3 for c in cindex.starting_in(after, pos)]
            country = country or (inner[0] if inner else None)
        elif (short := _OFFICE_SHORT_AFTER.match(text, after)) is not None and _full_name_at(text, short.end(), block):
            pos = short.end()  # "Minister of Defence (Menhan) Sjafrie Sjamsoeddin": the short form between
        elif (m5 := _lower_rank_comma().match(text, after)) is not None and _full_name_at(text, m5.end(), block):
            # "the Minister of Defence, lieutenant general X": a rank written in lower case
            # between the office's comma and its holder's name
            pos = m5.end()
        else:
            m = re.match(r"[ \t]+", text[after:after + 3])
            if m:
                pos = after + m.end()
        if pos is not None and country and text[pos - 2:pos].startswith(","):
            # "the High Commissioner of Nigeria to Ghana, Ambassador X": the envoy's style repeats
            # an office before the name; the holder is of the office told first, with its state
            style = role_re().match(text, pos)
            if style is not None and re.match(r"[ \t]+[A-Z]", text[style.end():style.end() + 3]) \
                    and _full_name_at(text, style.end() + 1, block):
                pos = style.end() + 1
        if pos is not None:
            nm = _name_at(text, pos)
            if nm:
                trimmed = _trim_name(nm, block)
                if trimmed and _valid_name(*trimmed):
                    name, s, e = trimmed
                    role_title = None if military_rank(role) else role
                    hits.append(PersonHit(name, slug(name), r.start(), e, role_title or role,
                                          country, org))
                    continue
        chain = re.match(r"\s+(?:and|&)\s+", text[r.end():r.end() + 6])
        if chain and role_re().match(text, r.end() + chain.end()):
            continue  # "Deputy Prime Minister and Minister of ...": one holder, named after the chain
        # "the President of Kazakhstan congratulated President X": the office's state is not X's
        acts_on = rules().cues["post_acts_on"].match(text, after2)
        acts_on = acts_on if acts_on is not None and text.startswith(role + " ", acts_on.end()) else None
        if country and not military_rank(role) and acts_on is None and \
                not rules().cues["counterpart_slot_before"].search(text, max(0, r.start() - rules().window("counterpart_slot_before_office")), r.start()):
            # "the US Defence Secretary" with no name; not one named where a counterpart stands
            # ("spoke by phone with Finland's Minister of Defence")
            posts.setdefault(role.lower(), country)
        if country and not military_rank(role) and " " in role.strip():
            post_hits.append(PersonHit(role, f"{country.lower()}-{slug(role)}", r.start(), r.end(),
                                       role, country, org, is_post=True))
        # "Pål Jonson, Sweden's Minister for Defence" / "Shin Won-sik, the Minister of ..."; the
        # words between are an apposition's ("Sweden's", "Acting"), never a verb or "with": in
        # "Ng Eng Hen, met Malaysia's Minister" the office and state are the counterpart's
        if text.startswith(("'s", "’s"), r.end()):
            continue  # "at Harpsund, the Swedish prime minister's retreat": an owner, not an office held
        pre = text[max(0, r.start() - rules().window("name_before_office")):r.start()]
        # "Phan Van Giang, Politburo member and Minister ...": another post may come first
        # ("Pål Jonson, who is Sweden's Minister for Defence,": a relative clause says it too)
        m = re.search(r"(?P<n>[^,;:()]{2,60}),\s+(?:who\s+(?:is|was|serves\s+as)\s+(?:also\s+|now\s+)?)?"
                      r"(?:(?:[A-Za-z][\w’'-]*\s+){1,3}(?:and|&)\s+)?"
                      r"(?:the\s+|his\s+|her\s+)?(?:(?:a|an|new|former|incoming|outgoing|current|[A-Z][\w.’'-]*)\s+){0,2}$", pre)
        if m:
            base = max(0, r.start() - rules().window("name_before_office"))
            seg_start = base + m.start("n")
            n_end = base + m.end("n")
            cands = list(name_re().finditer(text, seg_start, n_end))
            if cands:
                last = cands[-1]
                if last.end() == n_end:
                    trimmed = _trim_name(last, block)
                    if not (trimmed and _valid_name(*trimmed)):
                        # "received on Tuesday Vice Admiral X, Commander of ...": the run of capitals
                        # took in words before the name; the name is the run's last words
                        trimmed = None
                        for w in re.finditer(r"(?<=\s)[A-Z]", text[last.start():n_end]):
                            later = name_re().match(text, last.start() + w.start(), n_end)
                            if later is not None and later.end() == n_end:
                                t2 = _trim_name(later, block)
                                if t2 and _valid_name(*t2) and t2[2] == n_end:
                                    trimmed = t2
                                    break
                    if trimmed and _valid_name(*trimmed):
                        name, s, e = trimmed
                        hits.append(PersonHit(name, slug(name), s, after2 if c2 else r.end(), role,
                                              country, org))
        # "Jaakkola now serves as Chief of Staff of the Defence Command": the office a person holds
        sv = _serves_as().search(pre)
        if sv and not military_rank(role):
            base = max(0, r.start() - rules().window("name_before_office"))
            nm = _name_at(text, base + sv.start("n"))
            trimmed = _trim_name(nm, block) if nm is not None else None
            if trimmed and _valid_name(*trimmed) and trimmed[2] == base + sv.end("n"):
                name, s, e = trimmed
                hits.append(PersonHit(name, slug(name), s, after2 if c2 else r.end(), role, country, org))

    # "his Polish counterpart, Władysław Kosiniak-Kamysz" / "her Canadian counterpart Bill Blair" /
    # "his Polish counterpart, Deputy Prime Minister and Minister of National Defence W. K-K"
    for m in re.finditer(r"\b(?:his|her|their|its)\s+(?:(?P<adj>(?:[\w’'.-]+\s+){0,3}?))" + _COUNTERPART + r"s?,?\s+", text):
        pos = m.end()
        role_chain: str | None = None
        while True:
            rm = role_re().match(text, pos)
            if not rm:
                break
            role_chain = rm.group(0)
            pos = rm.end()
            j = re.match(r"\s+(?:and|&)\s+|,\s+|\s+", text[pos:pos + 6])
            if not j:
                break
            pos += j.end()
        nm = _name_at(text, pos)
        if not nm:
            continue
        trimmed = _trim_name(nm, block)
        if not trimmed or not _valid_name(*trimmed):
            continue
        name, s, e = trimmed
        adj_states = [c.iso3 for c in (cindex.starting_in(m.start("adj"), m.end("adj")) if m.group("adj") else [])]
        country = adj_states[-1] if adj_states else None
        # "his Greek and Romanian counterparts, Nikos Dendias and Angel Tîlvăr": respectively
        second = re.match(r"\s+(?:and|&)\s+", text[e:e + 6]) if len(adj_states) == 2 else None
        nm2 = _name_at(text, e + second.end()) if second else None
        trimmed2 = _trim_name(nm2, block) if nm2 else None
        if trimmed2 and _valid_name(*trimmed2):
            country = adj_states[0]
            hits.append(PersonHit(trimmed2[0], slug(trimmed2[0]), trimmed2[1], trimmed2[2], role_chain,
                                  adj_states[1], counterpart=True))
        hits.append(PersonHit(name, slug(name), m.start(), e, role_chain, country, counterpart=True))

    # "The defence ministers of Bolivia and Peru, Edmundo Novillo and Walter Astudillo": each
    # holder of the state named in the same place, in turn
    plural_office_of = rules().cues["plural_offices_of_states"]
    for pm in (plural_office_of.finditer(text) if may_match(plural_office_of, text) else ()):
        # (also of three or more: "the Foreign Ministers of Estonia, Latvia and Lithuania, A, B and C")
        states: list[CountryMention] = []
        pos = pm.end()
        while (state := next(iter(cindex.starting_in(pos, pos + 1)), None)) is not None:
            states.append(state)
            sep = re.match(r",\s+(?:and\s+)?(?:the\s+)?|\s+(?:and|&)\s+(?:the\s+)?", text[state.end:state.end + rules().window("list_joiner_after")])
            if sep is None:
                break
            pos = state.end + sep.end()
        if len(states) < 2:
            continue
        comma = re.match(r",\s+", text[states[-1].end:states[-1].end + 4])
        pos = states[-1].end + comma.end() if comma else -1
        names: list[tuple[str, int, int]] = []
        while comma and len(names) < len(states):
            nm = _name_at(text, pos)
            t = _trim_name(nm, block) if nm else None
            if not t or not _valid_name(*t):
                break
            names.append(t)
            sep = re.match(r",\s+(?:and\s+)?|\s+(?:and|&)\s+", text[t[2]:t[2] + 8])
            if sep is None:
                break
            pos = t[2] + sep.end()
        if len(names) != len(states):
            continue
        for t, state in zip(names, states):
            hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2], None, state.iso3))

    # "The three Baltic defence ministers, Dovilė Šakalienė of Lithuania, Hanno Pevkur of Estonia
    # and Andris Sprūds of Latvia": each holder of a list with the state after "of"
    plural_holders = rules().cues["plural_office_before_holders"]
    for lm in (plural_holders.finditer(text) if may_match(plural_holders, text) else ()):
        pos = lm.end()
        # "the two defence ministers, A and B": as many full names as the number says, closed by
        # punctuation, each of a side the rules of states tell later
        lead = text[max(0, lm.start() - rules().window("plural_holders_count_before")):lm.start()]
        counted = rules().cues["plural_holders_count"].search(lead)
        pair = _counted_holders(text, pos, block, counted) if counted is not None else None
        if counted is not None and pair:
            # the office in the singular: "the two defence ministers" -> "defence minister"
            plural = (lead[counted.end(1):] + text[lm.start():lm.end()].split(",")[0]).strip()
            office = re.sub(r"ies$", "y", plural) if plural.endswith("ies") else re.sub(r"s$", "", plural)
            for t in pair:
                hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2], office))
        while pair is None:
            nm = _name_at(text, pos)
            t = _trim_name(nm, block) if nm else None
            if not t or not _valid_name(*t) or len(t[0].split()) < 2:
                break
            of = re.match(r"[ \t]+of[ \t]+(?:the[ \t]+)?", text[t[2]:t[2] + rules().window("list_joiner_after")])
            state = next(iter(cindex.starting_in(t[2] + of.end(), t[2] + of.end() + 1)), None) if of else None
            if state is None:
                break
            hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2], None, state.iso3))
            sep = re.match(r",\s+(?:and\s+)?|\s+(?:and|&)\s+", text[state.end:state.end + 8])
            if not sep:
                break
            pos = state.end + sep.end()

    # "Defence Ministers X and Y met": a plural office right before two full names
    pair_office = rules().cues["plural_office_before_pair"]
    for pm in (pair_office.finditer(text) if may_match(pair_office, text) else ()):
        nm = _name_at(text, pm.end())
        t1 = _trim_name(nm, block) if nm else None
        if not t1 or not _valid_name(*t1) or len(t1[0].split()) < 2 or nm is None or t1[2] != nm.end("name"):
            continue
        sep = re.match(r"[ \t]+(?:and|&)[ \t]+", text[t1[2]:t1[2] + 6])
        nm2 = _name_at(text, t1[2] + sep.end()) if sep else None
        t2 = _trim_name(nm2, block) if nm2 else None
        if not t2 or nm2 is None or not _valid_name(*t2) or len(t2[0].split()) < 2 or t2[2] != nm2.end("name") \
                or not re.match(r"(?:[ \t]+(?-i:[a-z])|[ \t]*[,.;:)]|$)", text[t2[2]:t2[2] + 2]):
            continue
        plural = pm.group(0).strip()
        office = re.sub(r"ies$", "y", plural) if plural.endswith("ies") else re.sub(r"s$", "", plural)
        for t in (t1, t2):
            hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2], office))
    # "South Korea's Kim Yong-hyun and his Australian counterpart Y": a state's possessive, then a
    # full name with no office, then the other side (cue possessive_state_before_pair)
    pair_after = rules().cues["possessive_state_before_pair"]
    paired_end = -1  # where the last name so read ends: "Chile's A and Peru's B", B is the pair's second
    for c in cindex.items:
        if c.adjectival or not text.startswith(("'s ", "’s "), c.end):
            continue
        nm = _name_at(text, c.end + 3)
        t = _trim_name(nm, block) if nm else None
        if not t or nm is None or not _valid_name(*t) or len(t[0].split()) < 2 or t[2] != nm.end("name") \
                or role_re().match(text, c.end + 3):
            continue
        is_second = paired_end >= 0 and re.fullmatch(r"[ \t]+and[ \t]+", text[paired_end:c.start]) is not None
        if not is_second and not pair_after.match(text, t[2]):
            continue
        hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2], None, c.iso3))
        paired_end = t[2]

    # "The Minister for Defence, the Hon Richard Marles MP, met ..."; "Fiji's Minister for Home
    # Affairs and Immigration, Pio Tikoduadua": the office's last words may follow an "and"
    field = rules().cues["office_field"]
    for r in roles:
        # "The Minister of Government, X": an office whose field no listed office names, its
        # holder after one of the field's commas (the first full name a punctuation mark closes)
        fm = field.match(text, r.end()) if text.startswith((" of ", " for "), r.end()) else None
        if fm is not None and not military_rank(r.group(0)):
            for cm in re.finditer(r",[ \t]+(?:the[ \t]+)?", text[r.end():fm.end() + 8]):
                at = r.end() + cm.end()
                fnm = _name_at(text, at)
                ft = _trim_name(fnm, block) if fnm else None
                # (the name may follow an honorific: "the Minister of Agriculture, Mr X;")
                if fnm is None or not ft or len(ft[0].split()) < 2 or not _valid_name(*ft) or \
                        ft[1] != (fnm.start("name") if fnm.group("hon") and fnm.start() == at
                                  and not military_rank(fnm.group("hon").strip()) else at) or not re.match(r"\s*(?:[,.;)]|$)", text[fnm.end():fnm.end() + 2]):
                    continue
                office = text[r.start():r.end() + cm.start()]
                hits.append(PersonHit(ft[0], slug(ft[0]), r.start(), ft[2], office,
                                      country_before(r.start()) or
                                      _country_in_role(text, r.start(), r.end() + cm.start(), cindex),
                                      org_before(r.start())))
                break
        # (or a list's last two after a comma: "Commissioner for Political Affairs, Peace and Security, X")
        m = re.match(r"(?:[ \t]+(?:and|&)[ \t]+[A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*){0,2}|"
                     r",[ \t]+[A-Z][\w’'-]*[ \t]+(?:and|&)[ \t]+[A-Z][\w’'-]*)?,\s+(?:the\s+)?",
                     text[r.end():r.end() + rules().window("list_last_two_after")])
        if not m:
            continue
        at_name = r.end() + m.end()
        style = rules().cues["office_as_style"].match(text, at_name)
        gap = re.match(r"\.?[ \t]+", text[style.end():style.end() + 3]) if style is not None else None
        if style is not None and gap is not None:
            # "the Special Representative on X, Ambassador Y": a style between the office and the name
            at_name = style.end() + gap.end()
        nm = _name_at(text, at_name)
        if not nm or not (nm.group("hon") or len(nm.group("name").split()) >= 2):
            continue
        trimmed = _trim_name(nm, block)
        words = nm.group("name").split()
        if trimmed and len(trimmed[0].split()) == 1 and len(words) == 2 and not nm.group("hon") and \
                re.match(r"\s*[,.;)]", text[nm.end():nm.end() + 2]) and \
                any(c.start == nm.end("name") - len(words[1]) and c.end == nm.end("name") and not c.adjectival
                    for c in cindex.starting_in(nm.end("name") - len(words[1]), nm.end("name"))):
            # "the Prime Minister, Luís Montenegro.": a surname that is a state's name, after a
            # given name, between an office's comma and a punctuation mark
            trimmed = (clean_name(nm.group("name")), nm.start("name"), nm.end("name"))
            surname_at: tuple[int, int] | None = (nm.end("name") - len(words[1]), nm.end("name"))
        else:
            surname_at = None
        # one word only after an honorific ("The Minister of Defence, Hon. Lord Fielakepa,")
        if not trimmed or (len(trimmed[0].split()) < 2 and not nm.group("hon")) or not _valid_name(*trimmed):
            continue
        if not re.match(r"\s*(?:[,.;)]|$)", text[nm.end():nm.end() + 2]):
            continue
        name, s, e = trimmed
        hits.append(PersonHit(name, slug(name), r.start(), e, r.group(0),
                              country_before(r.start()), org_before(r.start()), surname_state=surname_at))

    # "a delegation from the Republic of Korea Army led by Lieutenant General X", "a Ukrainian
    # delegation led by Y": the leader is of the state the delegation comes from
    led = [dm for cue in ("delegation_led_by", "state_delegation_led_by")
           for dm in (rules().cues[cue].finditer(text) if "elegation" in text else ())]
    for dm in led:
        named = {c.iso3 for c in cindex.starting_in(dm.start("body"), dm.end("body"))}
        state = next(iter(cindex.starting_in(dm.start("body"), dm.end("body"))), None)
        if state is None or len(named) > 1:
            continue
        pos = dm.end()
        rm = role_re().match(text, pos)
        if rm is not None and military_rank(rm.group(0)) is False:
            pos = rm.end()
            comma = re.match(r",?[ \t]+(?:the[ \t]+)?", text[pos:pos + 8])
            pos += comma.end() if comma else 0
        nm = _name_at(text, pos)
        t = _trim_name(nm, block) if nm else None
        if t and _valid_name(*t) and len(t[0].split()) >= 2:
            hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2], None, state.iso3))

    # A full name opening a sentence before a verb of speech: "John Healey said the package ..."
    speaker, speech_after = _speech()
    for vm in speech_after.finditer(text):  # few verbs of speech: read back from each
        sm = speaker.search(text, max(0, vm.start() - rules().window("speaker_before_speech")), vm.end())
        if sm is None or sm.end() != vm.end():
            continue
        nm = _name_at(text, sm.start("n"))
        t = _trim_name(nm, block) if nm else None
        if not t or not _valid_name(*t) or len(t[0].split()) < 2 or nm is None or t[2] != nm.end("name"):
            continue
        if any(not re.match(r"[A-Z][a-zà-ÿ'’-]", w) for w in t[0].split()):
            continue  # "CS Duale said": an office's letters, not a given name
        if cindex.overlapping(t[1], t[2]) or not speech_after.match(text, t[2]):
            continue  # "Bosnia and Herzegovina said": a state, not a person
        hits.append(PersonHit(t[0], slug(t[0]), t[1], t[2]))

    # Honorifics alone: "Sir Tony Radakin", "Dr Ng Eng Hen", "Mr Pevkur"
    office_at = {x.start(): x.end() for x in roles if not military_rank(x.group(0))}
    for m in name_re().finditer(text):
        if not m.group("hon") and not (m.group("post") or "").strip():
            continue
        if office_at.get(m.start(), -1) > m.end("hon"):
            continue  # "General Officer Commanding-in-Chief Southern Command": an office's first word, no rank
        trimmed = _trim_name(m, block)
        if not trimmed or not _valid_name(*trimmed):
            continue
        name, s, e = trimmed
        hits.append(PersonHit(name, slug(name), m.start(), e))

    # An office in lower case after the name, as news agencies write it: "Zhang Youxia, vice
    # chairman of the Central Military Commission, met with X, chief of the army staff of the
    # Nepali Army": the state its body names, if any
    for m in _lower_office_after().finditer(text):
        trimmed = None
        # the run of capitals may take in words before the name ("U.S. Army General X, chairman
        # of ..."): the name is the run's last words
        for w in re.finditer(rf"(?:^|(?<=[ \t]))(?-i:[{_UP}])", m.group("name")):
            nm = _name_at(text, m.start("name") + w.start())
            trimmed = _trim_name(nm, block) if nm is not None else None
            if trimmed and _valid_name(*trimmed) and trimmed[2] == m.end("name") and len(trimmed[0].split()) >= 2 \
                    and (w.start() == 0 or (nm is not None and nm.group("hon") and military_rank(nm.group("hon").strip()))):
                break  # (later words only from a rank on: "... General X")
            trimmed = None
        if trimmed is None:
            continue
        name, s, e = trimmed
        office = m.group("office")
        # (not the state an envoy is sent to: "the head of the OSCE Mission to Bosnia and Herzegovina")
        body_state: str | None = next((c.iso3 for c in cindex.starting_in(m.start("office"), m.end("office"))
                                       if not text.endswith("to ", 0, c.start)), None)
        # (a state in the words before the name is the person's own: "U.S. Army General X")
        own = [c.iso3 for c in cindex.starting_in(max(0, m.start("name") - 6), s)]
        hits.append(PersonHit(name, slug(name), s, e, office, own[-1] if own else body_state))

    # a known office holder's full name with no office: "Ilham Aliyev and Nikol Pashinyan held talks"
    from .holders import names_in_text

    known = names_in_text(text, day, block)
    if known:
        spans = pair_index([(h.start, h.end) for h in hits])
        for name, s, e in known:
            if not any(a <= s and e <= b for a, b in spans.overlapping(s, e)) \
                    and not _thing_named_after().match(text, s):  # "the King Abdullah II Design and Development Bureau"
                hits.append(PersonHit(name, slug(name), s, e))  # (not one an office found already)

    people = _merge(text, hits, block, posts)
    after_name: set[int] = set()  # (persons whose state was read after their name)
    for p in people:
        if p.org is None and p.role:
            # "Supreme Allied Commander Europe General X": an organisation's office that names no
            # organisation (offices.yaml organisation_offices); its holder speaks for no state
            p.org = next((key for pattern, key in rules().organisation_offices if pattern.search(p.role)), None)
        if p.country is None and p.org is None:
            p.country = _state_after_name(text, p, cindex)
            if p.country is not None:
                after_name.add(id(p))
            else:
                p.country = _state_opening_body_before(text, p, cindex, oindex)
    _state_of_pair_after(text, people, after_name)
    return people + _posts(post_hits, people)


def _state_of_pair_after(text: str, people: list[PersonHit], after_name: set[int]) -> None:
    """"Colonel X and Lieutenant Colonel Y of the Estonian Defence Forces": the state read
    after the second name (_state_after_name) is the first's too, where the two are joined by
    "and" (a rank may stand before the second), the first has no state of their own and neither
    holds an office beyond a rank: two officers of one delegation, not two sides' heads ("Prime
    Minister X and Prime Minister Y of India": X is the host)."""
    def ranked(q: PersonHit) -> bool:
        return q.role is None or military_rank(q.role)

    starts = {a: q for q in people if id(q) in after_name and ranked(q) for a, _b in q.mentions[:1]}
    if not starts:
        return
    for p in people:
        if p.country is not None or p.org is not None or not p.mentions or not ranked(p):
            continue
        end = p.mentions[0][1]
        m = re.match(r"[ \t]+(?:and|&)[ \t]+", text[end:end + 6])
        if m is None:
            continue
        at = end + m.end()
        q = starts.get(at)
        if q is None:
            rank = _rank_start().match(text, at)
            q = starts.get(rank.end()) if rank is not None else None
        if q is not None and q is not p:
            p.country = q.country


def _host_state_end(text: str, at: int, cindex: SpanIndex[CountryMention]) -> int | None:
    """Where the state an envoy is sent to ends, when it follows at `at` after "to" (cue
    envoy_host_before: "to Lithuania", "to the Kyrgyz Republic"); None when no state is there."""
    m = rules().cues["envoy_host_before"].match(text, at)
    if m is None:
        return None
    host = next(iter(cindex.starting_in(m.end(), m.end() + 1)), None)
    if host is None:
        return None
    style = rules().cues["state_style_after_adjective"].match(text, host.end) if host.adjectival else None
    return style.end() if style is not None else host.end


def _counted_holders(text: str, pos: int, block: SpanIndex[tuple[int, int]],
                     counted: re.Match[str]) -> list[tuple[str, int, int]] | None:
    """The full names listed at pos ("A and B", "A, B and C"), exactly as many as the count
    before the plural office says, the last closed by punctuation; else None."""
    want = rules().cue_values.get("plural_holders_count", {}).get(counted.group(1).lower())
    names: list[tuple[str, int, int]] = []
    while want and len(names) < want:
        nm = _name_at(text, pos)
        t = _trim_name(nm, block) if nm else None
        if nm is None or not t or not _valid_name(*t) or len(t[0].split()) < 2 or t[2] != nm.end("name"):
            return None
        names.append(t)
        sep = re.match(r",[ \t]+(?:and[ \t]+)?|[ \t]+(?:and|&)[ \t]+", text[t[2]:t[2] + 8])
        if len(names) < want and sep is None:
            return None
        if len(names) < want:
            pos = t[2] + sep.end() if sep else pos
    if not names or not re.match(r"\s*(?:[,.;:)]|$)", text[names[-1][2]:names[-1][2] + 2]):
        return None
    return names


@per_rules
def _body_words(r: Rules) -> re.Pattern[str]:
    """Before a state's name in a body's name (cue body_word_before_state): "Royal" (Brunei Armed
    Forces), "Hellenic" ..., and the space after it."""
    cue = r.cues["body_word_before_state"]
    return re.compile("(?:" + cue.pattern + r")\s+", cue.flags)

# between an office and the rank before its holder's name: the rest of the body's name
# ("of the US Joint Chiefs of Staff, General X": the body's name may hold "of", "and", "for"), and
# a word of a rank the ranks do not list ("Lieutenant Brigadier"); the body's short name in
# brackets may follow it ("Commander of the Vietnam Coast Guard (VCG) Lieutenant General X")
@per_rules
def _serves_as(r: Rules) -> re.Pattern[str]:
    """A name, then "serves as" (cue serves_as_before), at the end of the text before an office."""
    return quick_start(re.compile(r"(?<![\w’'-])(?P<n>(?-i:[A-Z])[\w’'-]+(?:[ \t]+(?-i:[A-Z])[\w’'-]+){0,3})[ \t]+"
                                  + r.cue_texts["serves_as_before"] + "$", r.cues["serves_as_before"].flags))


# an office's short form in brackets between the office and its holder ("Minister of Defence
# (Menhan) X", batch yc, yc10)
_OFFICE_SHORT_AFTER = re.compile(r"[ \t]*\((?-i:[A-Z])[A-Za-z.&-]{1,14}\)[ \t]+")

# a body's short name in brackets after its full name ("the Vietnam Coast Guard (VCG)")
_BODY_SHORT = re.compile(r"[ \t]*\([A-Z][A-Za-z&.-]{1,14}\)")

_RANK_AFTER_OFFICE = re.compile(r"(?:[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?[A-Z][\w’'-]*"
                                r"(?:[ \t]+(?:(?:of|and|for)[ \t]+(?:the[ \t]+)?)?[A-Z][\w’'-]*){0,6})?"
                                r"(?:[ \t]+\([A-Z][A-Za-z&.-]{1,14}\))?[ \t]*,?[ \t]*"
                                r"(?:(?-i:[A-Z][a-z]+)[ \t]+)?")


def _country_in_role(text: str, start: int, end: int, cindex: SpanIndex[CountryMention]) -> str | None:
    """The state named inside an office after "of" ("Commander of the Sri Lanka Army", "Chief of
    the General Staff of the Armed Defence Forces of Mozambique"), not a host after "to"
    ("Ambassador to the Republic of Korea")."""
    found = [c for c in cindex.starting_in(start, end) if c.end <= end]
    if len(found) != 1 or re.search(r"\bto\b", text[start:found[0].start]):
        return None
    c = found[0]
    return c.iso3 if re.search(r"\bof\s+(?:the\s+)?$", text[max(start, c.start - 8):c.start]) else None


def _title_mentions(text: str, people: list[PersonHit]) -> None:
    """'the Tánaiste held a bilateral meeting': an office named alone, after its holder was
    named with it, is that person again, where no one else in the statement holds that office."""
    heads: dict[str, list[PersonHit]] = {}
    for p in people:
        if not p.role or military_rank(p.role):
            continue
        # the whole office before its first part ("Commissioner for Defence and Space", then
        # "Commissioner for Defence"): a fixed order, or the spans would depend on the hash seed
        for head in sorted({p.role, re.split(r",\s+|\s+and\s+", p.role)[0]}, key=lambda h: (-len(h), h)):
            if head[:1].isupper() and len(head) > 3:
                heads.setdefault(head, []).append(p)
    for head, holders in heads.items():
        if len(holders) != 1 or any(head in q.role for q in people if q is not holders[0] and q.role):
            continue
        p = holders[0]
        first = min(a for a, _b in p.mentions) if p.mentions else p.start
        for m in re.finditer(r"(?=[Tt])\b[Tt]he\s+" + re.escape(head) + r"(?![\w-])(?!\s+(?:of|for|to)\b)(?!,?\s+[A-Z])", text):
            if m.start() > first and not any(a <= m.start() < b for a, b in p.mentions):
                p.mentions.append((m.start(), m.end()))


@per_rules
def _state_after_name_cues(r: Rules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """"of" after a name, or a comma and an office in lower case then "of" (never a word that
    joins a list: cue list_joining_word); the words of a state's body after its adjective
    (cue state_body_after_adjective)."""
    joining = r.cue_texts["list_joining_word"]
    # (an office word among the lower-case words: "X, Commander of the Navy, received a delegation
    # of the Portuguese Navy" is a clause about another side, not X's office)
    office = r.cue_texts["lower_office"]
    return (re.compile(r"\s+of\s+(?:the\s+)?|,\s+(?:the\s+)?(?=(?:[a-z][\w-]*\s+){0,2}?" + office + r"s?\b)(?:(?!" + joining + r"\b)"
                       r"[a-z][\w-]*\s+){1,3}of\s+(?:the\s+)?", r.cues["list_joining_word"].flags),
            re.compile(r"\s+" + r.cue_texts["state_body_after_adjective"] + r"\b", r.cues["state_body_after_adjective"].flags))


def _state_after_name(text: str, p: PersonHit, cindex: SpanIndex[CountryMention]) -> str | None:
    """"Gen. Dinh Van Hung of Vietnam", "Gilberto Teodoro of the Philippines": the state named
    right after the name (not after an office: "Minister of Defence" is read elsewhere)."""
    of_after, body_after = _state_after_name_cues()
    for _a, b in p.mentions[:3]:
        # "X of Vietnam"; "Gen. X, commander of U.S. Forces Korea" (an office in lower case); not
        # the next item of a list ("the heads of state of A, X, and of B, Y": X is not B's)
        m = of_after.match(text[b:b + rules().window("state_after_name")])
        if m:
            at = b + m.end()
            hit = cindex.starting_in(at, at + 1)
            rep = re.match(r"(?:[A-Z][a-z]+\s+)?Republic\s+of\s+(?:the\s+)?", text[at:at + rules().window("republic_of_after")])
            if not hit and rep:
                hit = cindex.starting_in(at + rep.end(), at + rep.end() + 1)  # "of the Republic of X"
            body = _body_words().match(text, at)
            if not hit and body:
                hit = cindex.starting_in(body.end(), body.end() + 1)  # "of the Royal Australian Air Force"
            # "of Vietnam"; "of the Swedish Armed Forces" (a state's body), not "of the Swedish
            # presidency's programme"
            if hit and (not hit[0].adjectival or body_after.match(text[hit[0].end:hit[0].end + rules().window("body_after_adjective")])):
                return hit[0].iso3
    return None


@per_rules
def _body_office_before(r: Rules) -> re.Pattern[str]:
    """Before a name: a run of capitalised words (a body's name), an office of that body (cue
    office_after_body_name: "commander", "chief"), a rank or other capitalised words, the name."""
    cue, link = r.cues["office_after_body_name"], r.cue_texts["body_name_link"]
    return re.compile(r"(?<![\w'’.-])(?P<body>(?-i:[A-Z])[\w.'’-]*(?:[ \t]+(?:" + link + r"[ \t]+)?(?-i:[A-Z])[\w.'’-]*){1,5})"
                      r"[ \t]+(?:" + cue.pattern + r")[ \t]*,?[ \t]*(?:(?-i:[A-Z])[\w.]*[ \t]+){0,3}$", cue.flags)


@per_rules
def _office_opening_mention(r: Rules) -> re.Pattern[str]:
    """Cue office_after_body_name as a whole word, read where a mention opens on the office."""
    cue = r.cues["office_after_body_name"]
    return re.compile(cue.pattern + r"(?![\w'’-])", cue.flags)


@per_rules
def _post_nominal_runs(r: Rules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Post-nominal letters after a name: a run of them ending the text read, and a run of them
    (possibly none) from where the text is read."""
    one = r"(?:,?[ \t]+" + r.post_nominal_any + r"(?![\w'’]))"
    return re.compile(one + "+$"), re.compile(one + "*")


_BODY_RUN_BEFORE = re.compile(r"(?<![\w'’.-])(?-i:[A-Z])[\w.'’-]*(?:[ \t]+(?-i:[A-Z])[\w.'’-]*){1,3}[ \t]+$")


def _state_opening_body(text: str, c: CountryMention, cindex: SpanIndex[CountryMention],
                        oindex: SpanIndex[tuple[int, int, str]]) -> str | None:
    """The state whose name opens the body's name that ends on state c before an office: "US
    Forces Japan commander X" is American, the force stationed in Japan (probes35); None when no
    other state opens the capitalised run before c or an organisation is named in it."""
    lo = max(0, c.start - rules().window("body_run_before_state"))
    m = _BODY_RUN_BEFORE.search(text, lo, c.start)
    if m is None:
        return None
    first = cindex.starting_in(m.start(), m.start() + 1)
    if not first or first[0].iso3 == c.iso3 or first[0].end >= c.start or oindex.overlapping(m.start(), c.end):
        return None
    return first[0].iso3


def _state_opening_body_before(text: str, p: PersonHit, cindex: SpanIndex[CountryMention],
                               oindex: SpanIndex[tuple[int, int, str]]) -> str | None:
    """"US Army Europe commander General X", "Japan Ground Self-Defense Force Chief of Staff Gen.
    Y": a state's name opens the name of the body whose office (cue office_after_body_name) stands
    before the name, so the holder is of that state; not where an organisation is named in those
    words ("Ukraine Defense Contact Group chair X") or the body is one of an organisation's
    (offices.yaml organisation_offices: "Kosovo Force commander Major General Z")."""
    for a, _b in p.mentions[:1]:
        lo = max(0, a - rules().window("body_office_before_name"))
        # (the mention may open on the office: "the US Army Europe commander, General X")
        office = _office_opening_mention().match(text, a)
        m = _body_office_before().search(text[lo:office.end() if office is not None else a])
        if m is None:
            continue
        s, e = lo + m.start("body"), lo + m.end("body")
        first = cindex.starting_in(s, s + 1)
        if not first or first[0].end >= e or oindex.overlapping(s, e):
            continue
        if rules().cues["body_not_after"].search(text, max(0, s - 3), s):
            continue  # "the ambassador to Japan Ground ...", "troops in Poland ...": no state's body
        body = text[s:e]
        if any(pattern.search(f"Commander of {body}") for pattern, _key in rules().organisation_offices):
            continue
        return first[0].iso3
    return None


def _posts(post_hits: list[PersonHit], people: list[PersonHit]) -> list[PersonHit]:
    """Offices without a name: a later mention of a known holder joins that person; the rest
    stay unnamed posts of their state rather than a guess."""
    out: dict[str, PersonHit] = {}
    holders: dict[tuple[str, str | None], PersonHit] = {}
    for p in people:
        if p.role:
            holders.setdefault((p.role.lower(), p.country), p)
    taken = {m for p in people for m in p.mentions}
    grown: list[PersonHit] = []
    for h in post_hits:
        holder = holders.get((h.role.lower(), h.country)) if h.role else None
        if holder is not None:
            if (h.start, h.end) not in taken:
                holder.mentions.append((h.start, h.end))
                taken.add((h.start, h.end))
                grown.append(holder)
            continue
        if (h.start, h.end) in taken:
            continue
        post = out.setdefault(h.key, h)
        post.mentions.append((h.start, h.end))
    for p in grown:
        p.mentions.sort()
    return list(out.values())


def _honorific_state(text: str, p: PersonHit) -> str | None:
    """The state of an honorific before one of the person's first mentions ("Shri", "Datuk")."""
    hre = rules().honorific_state_re
    if hre is None:
        return None
    for a, b in p.mentions[:3]:
        for m in hre.finditer(text, max(0, a - rules().window("honorific_before_name")), b):
            if m.end() > a or text[m.end():a].strip() == "":
                i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
                return rules().honorific_states[i][1]
    return None


def _post_nominal_state(text: str, p: PersonHit) -> str | None:
    """The state of the letters after one of the person's first mentions that only one state's
    service or honours use ("Air Vice-Marshal X RAF", "Lt. Gen. Y, USMC", "Admiral Z PVSM AVSM")."""
    pre = rules().post_nominal_state_re
    if pre is None:
        return None
    letters, run = _post_nominal_runs()
    for a, b in p.mentions[:3]:
        # the letters after the name's last word (the mention may end after some of them, read at
        # first as words of the name; never initials before a name: "General SM Kamrul Hassan")
        inside = letters.search(text, a, b)
        start = inside.start() if inside is not None and inside.start() > a else b
        tail = run.match(text, b)
        end = tail.end() if tail is not None else b
        if end <= start:
            continue
        m = pre.search(text, start, end)
        if m is not None:
            i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
            return rules().post_nominal_states[i][1]
    return None


@per_rules
def _lower_rank_comma(r: Rules) -> re.Pattern[str]:
    """A comma after an office, then a rank (offices.yaml ranks) written in lower case ("the
    Minister of Defence, lieutenant general X", batch ye): the holder's name follows."""
    bare = [re.sub(r"^\^|\$$", "", x) for x in r.ranks]
    return re.compile(r",[ \t]+(?=(?-i:[a-z]))(?:" + "|".join(f"(?:{x})" for x in bare) + r")\.?[ \t]+(?=(?-i:[A-Z]))", re.I)


@per_rules
def _to_place_comma(r: Rules) -> re.Pattern[str]:
    """After an office, before a comma and its holder's name: the place the holder is sent to, a
    state's own style (cue state_style_noun) or the body served (cue served_body_word)."""
    return re.compile(r"[ \t]+(?:(?:to|in)[ \t]+(?:the[ \t]+)?[A-Z][\w'’-]*"
                      r"(?:(?:[ \t]+(?:of|the|and|for))*[ \t]+[A-Z][\w'’-]*){0,5}|"
                      # "the President of the Republic, X": the state's own style
                      r"of[ \t]+the[ \t]+" + r.cue_texts["state_style_noun"] + "|"
                      # "the State Secretary of the Ministry of Defence, X", "the Deputy Secretary
                      # General of the European External Action Service, X": the body served
                      r"of[ \t]+the[ \t]+" + r.cue_texts["served_body_word"] +
                      r"(?:[ \t]+(?:of|for|and|the)?[ \t]*[A-Z][\w'’-]*){0,5}),[ \t]+", r.cues["served_body_word"].flags)


@per_rules
def _served_body_no_comma(r: Rules) -> re.Pattern[str]:
    """After an office, with no comma before its holder's name: the ministry or department it
    serves, up to the word that ends such a body's name (cue served_body_field_end): "State
    Secretary of the Ministry of Defence Jānis Garisons"."""
    # (a state's adjective may stand before the body: "State Secretary at the Romanian Ministry of
    # National Defence X"; the state may follow the field: "... Ministry of Defence of Ukraine X")
    return re.compile(r"[ \t]+(?:of|at|in)[ \t]+the[ \t]+(?:[A-Z][\w'’-]*[ \t]+)?" + r.cue_texts["served_body_word"] +
                      r"(?:[ \t]+(?:(?:of|for|and|the)[ \t]+)*[A-Z][\w'’-]*){0,4}?[ \t]+(?:(?:of|for|and|the)[ \t]+)*" +
                      r.cue_texts["served_body_field_end"] + r"(?:[ \t]+of[ \t]+[A-Z][\w'’-]*)?[ \t]+(?=[A-Z])",
                      r.cues["served_body_word"].flags)


def _national_role_country(role: str | None) -> str | None:
    if not role:
        return None
    for pattern, iso3 in national_roles():
        if pattern.match(role):
            return iso3
    return None


def yield_shared_titles(persons: list[PersonHit], home: str | None) -> None:
    """A holder whose state came from a national title that the publisher's own government
    uses too ("Defence Secretary" in an Indian release) is the publisher's."""
    if home is None:
        return
    for p in persons:
        if p.title_state and p.country != home and p.role and any(
                home in states and pattern.match(p.role) for pattern, states in rules().shared_titles):
            p.country = home
            p.title_state = False


def yield_shared_titles_to_lead(persons: list[PersonHit], lead: set[str], home: str | None) -> None:
    """A holder whose state came from a national title alone, in a statement whose lead (the
    first sentence after the title) does not name that state as a party but names exactly one
    other state whose government uses the title too ("Defense Secretary X" under "The Philippines
    and Canada signed ..."), is that state's: the lead names the parties, the title's first owner
    is only a guess."""
    for p in persons:
        if not p.title_state or p.country in lead or p.country == home or not p.role:
            continue
        cands = {s for pattern, states in rules().shared_titles if pattern.match(p.role) for s in states} & lead
        if len(cands) == 1:
            p.country = cands.pop()
            p.title_state = False


def _styled(role: str) -> bool:
    """A rank or a style ("Ambassador" kept by a career diplomat): less than an office."""
    return military_rank(role) or rules().cues["office_as_style"].fullmatch(role) is not None


@per_rules
def _generational_suffix(r: Rules) -> re.Pattern[str]:
    """A generational suffix, with its dot or without (cue generational_suffix: "Jr.", "III")."""
    return re.compile(r.cue_texts["generational_suffix"] + r"\.?", r.cues["generational_suffix"].flags)


def shorter_forms(full: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A full name as it is written again: "Gilberto C. Teodoro Jr." without its middle initials
    ("Gilberto Teodoro Jr."), and without its generational suffix too ("Gilberto Teodoro")."""
    if not full:
        return full, full
    bare = tuple(w for w in full[1:-1] if not _INITIAL.fullmatch(w))
    bare = (full[0], *bare, full[-1]) if len(full) > 1 else full
    return bare, bare[:-1] if _generational_suffix().fullmatch(bare[-1]) else bare


# a name written as a given name's initial and a surname ("U.Khurelsukh", "V. Putin")
_INITIALLED = re.compile(r"(?P<initial>[A-Z])\.\s?(?P<surname>[A-Z][\w'’-]+)")


def _merge(text: str, hits: list[PersonHit], blocked: SpanIndex[tuple[int, int]],
           posts: dict[str, str] | None = None) -> list[PersonHit]:
    """One person per name: later surname-only mentions join the full name, details are pooled."""
    people: dict[str, PersonHit] = {}
    order: list[str] = []
    # Who a shorter name can be, by rank of first appearance: the same key, a person whose full
    # name ends or begins with it, or (a single word) contains it. Dicts, not a scan of everyone.
    rank_of_key: dict[str, int] = {}
    by_part: dict[tuple[str, ...], int] = {}
    by_token: dict[str, int] = {}
    hits.sort(key=lambda h: (-len(h.name.split()), h.start))
    for h in hits:
        short = tuple(h.name.split())
        ranks = [r for r in (rank_of_key.get(h.key), by_part.get(short),
                             by_token.get(short[0]) if len(short) == 1 else None) if r is not None]
        initialled = _INITIALLED.fullmatch(h.name)
        if not ranks and initialled is not None:
            # "U.Khurelsukh", "V. Putin": a given name's initial and the surname are the person
            # whose full name ends with that surname and begins with that letter (batch ye)
            r = by_part.get((initialled["surname"],))
            if r is not None and people[order[r]].name.startswith(initialled["initial"]):
                ranks = [r]
        target = people[order[min(ranks)]] if ranks else None
        if target is None:
            people[h.key] = h
            rank = len(order)
            order.append(h.key)
            rank_of_key.setdefault(h.key, rank)
            full = tuple(h.name.split())
            for k in range(1, len(full)):
                by_part.setdefault(full[-k:], rank)
                by_part.setdefault(full[:k], rank)
            for form in set(shorter_forms(full)):
                if len(form) >= 2 and form != full:
                    by_part.setdefault(form, rank)
            for tok in full:
                by_token.setdefault(tok, rank)
            article = rules().cues.get("surname_article")
            head = article.match(full[-1]) if article is not None and len(full) > 1 else None
            bare_surname = full[-1][head.end():] if head is not None else full[-1]
            if head is not None and len(bare_surname) > 2:
                # "Abdel Fattah El-Sisi ... President Sisi": the surname without its article
                by_part.setdefault((bare_surname,), rank)
            h.mentions.append((h.start, h.end))
            continue
        target.mentions.append((h.start, h.end))
        target.counterpart = target.counterpart or h.counterpart
        if target.role is None or (h.role and _styled(target.role) and not _styled(h.role)):
            target.role = h.role  # an office named elsewhere says more than a rank or a style
        target.country = target.country or h.country
        target.org = target.org or h.org
        target.surname_state = target.surname_state or h.surname_state
    out = [people[k] for k in order]
    by_surname: dict[str, list[PersonHit]] = {}
    held = {p.country for p in out if p.country}
    for p in out:
        # An office named elsewhere with its state ("the US Defence Secretary") is this person's,
        # unless that state is already another person's: then it is the counterpart's office
        if p.country is None and p.role and posts and p.role.lower() in posts and p.org is None \
                and posts[p.role.lower()] not in held:
            p.country = posts[p.role.lower()]
            p.post_state = True
            held.add(p.country)  # ("an Indian Prime Minister ... Prime Minister Modi ... Prime Minister Tusk": the first only)
        # the person's own cues first (state named with the office), then an honorific of one
        # state's tradition ("Shri"), then the state whose government alone uses the title; a
        # cue that says otherwise lowers the confidence instead of winning
        by_title = _national_role_country(p.role)
        by_honorific = _honorific_state(text, p) or _post_nominal_state(text, p)
        if p.country is None:
            p.country = by_honorific or by_title
            p.title_state = by_honorific is None and by_title is not None
            if p.country is not None:
                p.state_by("state_from_honorific" if by_honorific else "state_from_national_title")
        if p.country is not None and any(x is not None and x != p.country for x in (by_title, by_honorific)):
            p.state_by("state_conflicting_cues")
        name_words = p.name.split()
        while len(name_words) > 2 and re.fullmatch(rules().post_nominal_any, name_words[-1]):
            name_words = name_words[:-1]  # "Ferdinand Marcos Jr." ... "Marcos said": the surname before the suffix
        surname = name_words[-1]
        if len(surname) > 2 and (len(name_words) > 1 or bool(p.role)):
            # (a surname named once with an office and no first name, "Call with Prime Minister
            # Ishiba" in a headline: its bare mentions below are the same person)
            by_surname.setdefault(surname, []).append(p)
        family_first = rules().cues.get("family_name_first_state")
        if family_first is not None and p.country and family_first.match(p.country) and len(name_words) > 1 \
                and re.fullmatch(r"[A-Z][a-z]+", name_words[0]):
            # "Xi Jinping ... Xi, who arrived in Belgrade": the family name, written first
            by_surname.setdefault(name_words[0], []).append(p)
        words = p.name.split()
        if len(words) >= 3 and all(re.fullmatch(r"[A-Z][a-z][\w'’-]+", w) for w in words[:2]):
            # Malay, Indonesian and Arabic names are taken up by their first two words, not a
            # surname: "Dato' Seri Mohamed Khaled Nordin ... Mohamed Khaled held meetings"
            by_surname.setdefault(" ".join(words[:2]), []).append(p)
    # Bare surname mentions ("Healey said") later in the text: one pass for every surname
    if by_surname:
        known = {id(p): pair_index(p.mentions) for ps in by_surname.values() for p in ps}
        for start, end in _whole_words(text, list(by_surname)):
            for p in by_surname.get(text[start:end], ()):
                if not known[id(p)].containing(start):
                    p.mentions.append((start, end))
    _title_mentions(text, out)
    for p in out:
        p.mentions.sort()
        p.start = p.mentions[0][0]
    # A lone surname that matched nothing longer is kept only with a role or honorific.
    out.sort(key=lambda p: p.start)
    return out
