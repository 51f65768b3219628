"""Sentences with their offsets, and the small word lists the rules share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..rules import Rules, lower_for_words, per_rules, quick_start, required_words, rules

_SENT_END = re.compile(r"(?<=[.!?。])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9À-ÖØ-Þ])|\n+")
_SENT_END = quick_start(_SENT_END)  # (behind a lookahead of the characters it starts with: searched in whole texts)
MAX_SENTENCE = 1500


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@per_rules
def _given_short(r: Rules) -> re.Pattern[str] | None:
    """A given name written short (names.yaml given_abbreviations: "Ma.") before a candidate
    sentence end, with the word before it."""
    if not r.given_abbreviations:
        return None
    return re.compile(r"(?:(?P<before>[\w'’-]+)[ \t]+)?\b(?:" + "|".join(map(re.escape, r.given_abbreviations))
                      + r")\.$")


@per_rules
def _abbreviation(r: Rules) -> re.Pattern[str]:
    """A word written short that ends no sentence (cue sentence_abbreviation: "Mr.", "Amb.") or
    an initial, at the end of the text."""
    cue = r.cues["sentence_abbreviation"]
    return re.compile(r"(?:\b" + r.cue_texts["sentence_abbreviation"] + r"\.|\b[A-Z]\.)$", cue.flags)


@per_rules
def _given_short_ends(r: Rules) -> tuple[str, ...]:
    """The ends of a text _given_short can match: a given name written short and its dot."""
    return tuple(a + "." for a in r.given_abbreviations)


def _short_given_name(text: str, after: str = "") -> bool:
    """The text ends on a given name written short ("Secretary Ma."), not on a surname that
    looks like one: after a word of a name ("founder Jack Ma. Then ...") the dot ends the sentence."""
    pattern = _given_short()
    # (a match ends the text, or stands before its last line break: "$"; a text that ends
    # otherwise is not searched, a search that tries each of its positions)
    if pattern is None or not text.removesuffix("\n").endswith(_given_short_ends()):
        return False
    m = pattern.search(text)
    if m is None:
        return False
    before = m.group("before")
    if before is None or not before[0].isupper() or before in rules().not_names:
        return True
    # after a word of a name, a given name too where the rest of a name follows, closed by a
    # comma or a word in lower case ("Vice Admiral Jose Ma. Ambrosio Ezpeleta, in Tokyo"), not
    # a sentence that opens with an office ("founder Jack Ma. Defence Minister X spoke")
    rest = _name_rest().match(after)
    return rest is not None and not any(w in rules().not_names for w in rest.group("words").split())


@per_rules
def _name_rest(r: Rules) -> re.Pattern[str]:
    """The rest of a name after a given name written short: capitalised words (a name's particles
    between them), then a comma or a word in lower case."""
    particle = "|".join(r.particles)
    return re.compile(r"[ \t]+(?P<words>[A-Z][\w'’-]+(?:[ \t]+(?:(?:" + particle + r")[ \t]+)*[A-Z][\w'’-]+){1,3})"
                      r"(?=,|[ \t]+[a-z])")


def sentences(text: str) -> list[Sentence]:
    """Split into sentences, keeping offsets; very long runs without breaks are cut in pieces."""
    out: list[Sentence] = []
    start = 0
    abbreviation = _abbreviation()
    w_abbreviation, w_given = rules().window("abbreviation_before_dot"), rules().window("given_name_before_dot")
    for m in _SENT_END.finditer(text):
        cut = m.start()
        if "\n" not in m.group(0) and (abbreviation.search(text[max(start, cut - w_abbreviation):cut])
                                       or _short_given_name(text[max(start, cut - w_given):cut],
                                                                 text[cut:cut + w_given])):
            continue
        _emit(text, start, cut, out)
        start = m.end()
    _emit(text, start, len(text), out)
    return out


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start, start + MAX_SENTENCE)
        if cut <= start:
            cut = start + MAX_SENTENCE
        out.append(Sentence(start, cut, text[start:cut]))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))


# A count in words ("twelve", "a dozen") is cue number_word of phrasing.yaml, each word with its
# value; a pattern takes it as r.cue_texts["number_word"] (with the figures its caller allows:
# "\d{1,3}|" + it).


def number_value(raw: str) -> int | None:
    """The value of a count in figures or in words (cue number_word; None for another word)."""
    raw = raw.lower()
    return int(raw) if raw.isdigit() else rules().cue_values["number_word"].get(raw)


def trie_pattern(words: list[str]) -> str:
    """One regex alternation for many literal words, factored as a trie so matching stays fast."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


Words = tuple[str, ...] | re.Pattern[str]


def compile_words(words: list[str] | None, few: int = 16) -> Words | None:
    """Words to look for in a lower-cased text: up to `few` as they are (str's `in` is quicker
    in a long text), more as one pattern; None for none."""
    if not words:
        return None
    return tuple(words) if len(words) <= few else re.compile(trie_pattern(words))


def has_words(words: Words, low: str) -> bool:
    """Whether one of the words is in the lower-cased text."""
    if isinstance(words, tuple):
        for w in words:  # (a loop, not any() over a generator: called for most sentences)
            if w in low:
                return True
        return False
    return words.search(low) is not None


class WordSet:
    """Which of many words stand in a lower-cased text, in one pass: at each position the
    longest word that starts there (one trie pattern, searched again from the position after
    each match's start, so that words that overlap are all seen), and with it each shorter word
    that is its beginning. The same words as `w in low` for each w, for the price of one look
    instead of one per word list. (A search, not a lookahead at every position: the engine
    skips at once to a character a word starts with.)"""

    def __init__(self, words: list[str]) -> None:
        unique = sorted(set(words))
        self.words = frozenset(unique)
        self._pattern = re.compile(trie_pattern(unique))
        self._heads = {w: frozenset(w[:k] for k in range(1, len(w) + 1) if w[:k] in self.words) for w in unique}

    def present(self, low: str) -> set[str]:
        heads = self._heads
        search = self._pattern.search
        out: set[str] = set()
        m = search(low)
        while m is not None:
            out |= heads[m.group()]
            m = search(low, m.start() + 1)
        return out


@lru_cache(maxsize=64)
def lowered(text: str) -> str | None:
    """rules.lower_for_words, kept for the last sentences: several rules look at each."""
    return lower_for_words(text)


# The words rules look for in sentences (share_words), as one WordSet: in a sentence, one look
# tells which of them stand there, for every rule that asks (sentence_words), instead of one
# look per rule. (The set only grows: words of rules no longer in force are harmless.) Words
# shared after the WordSet was made are looked for one by one until they are many, or until
# none has come for a while: then the WordSet is made again with them (rules share their words
# as they are first used, a dozen times in a process's first statement).
_SHARED_WORDS: set[str] = set()
_SHARED_SET: list[WordSet | None] = [None]
_PENDING: set[str] = set()  # shared words not in the WordSet yet
_CALM = [0]  # sentences looked at since a word was last shared


def share_words(words: frozenset[str] | set[str]) -> None:
    """Add words to those sentence_words tells."""
    if not words <= _SHARED_WORDS:
        new = set(words) - _SHARED_WORDS
        _SHARED_WORDS.update(new)
        _PENDING.update(new)
        _CALM[0] = 0
        sentence_words.cache_clear()


@lru_cache(maxsize=128)
def sentence_words(low: str) -> frozenset[str]:
    """Which of the shared words (share_words) stand in a lower-cased text (lowered): each rule
    takes the ones it needs (its words & these, or its words' isdisjoint)."""
    if _PENDING and (_SHARED_SET[0] is None or len(_PENDING) > 64 or _CALM[0] >= 256):
        _SHARED_SET[0] = WordSet(sorted(_SHARED_WORDS))
        _PENDING.clear()
    _CALM[0] += 1
    shared = _SHARED_SET[0]
    found = shared.present(low) if shared is not None else set()
    for w in _PENDING:
        if w in low:
            found.add(w)
    return frozenset(found)


# each pattern's words by the pattern's id (the pattern kept with them, so that the id is its
# own): a cache keyed by the pattern itself hashes it, which reads all its compiled code at
# each call
_WORDS_OF: dict[int, tuple[re.Pattern[str], Words | None, frozenset[str], list[bool]]] = {}


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False when the pattern cannot match anywhere in the text: none of the words every match
    holds (rules.required_words) is in it. A cheap look before a costly search of a sentence.
    In a text of a sentence's length, the look is the one for every rule's words
    (sentence_words), made once per sentence."""
    held = _WORDS_OF.get(id(pattern))
    if held is None or held[0] is not pattern:
        if len(_WORDS_OF) >= 4096:  # (patterns made on the fly: keep the table bounded)
            _WORDS_OF.clear()
        needed = required_words([pattern])
        held = _WORDS_OF[id(pattern)] = (pattern, compile_words(needed), frozenset(needed or ()), [False])
    words = held[1]
    if words is None:
        return True
    low = lowered(text)
    if low is None:
        return True
    if len(low) <= MAX_SENTENCE:
        if not held[3][0]:  # (its words shared once)
            share_words(held[2])
            held[3][0] = True
        return not held[2].isdisjoint(sentence_words(low))
    return has_words(words, low)
