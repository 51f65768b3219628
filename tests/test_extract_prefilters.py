"""The shortcuts that make extraction cheaper find exactly what the patterns they stand in for
find: dates tried only where a match can start, amounts only around numbers with a currency
near, surnames by str.find, and the look for required words before a costly pattern.

Each is compared with the plain pattern on random texts made of the pieces that matter (case,
white space of several kinds, the letters whose lower case a case-blind pattern reads apart).
"""

from __future__ import annotations

import random
import re

from defgraph.extract import dates, money
from defgraph.extract.persons import _whole_words
from defgraph.extract.text import WordSet, may_match, trie_pattern
from defgraph.rules import lower_for_words, quick_start, required_words, rules

_SPACES = [" ", "", "  ", "\n", "\t", "\u00a0", "\u2003", " \r\n"]


def _texts(pieces: list[str], count: int, seed: int, longest: int = 25) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) + rnd.choice(_SPACES) for _ in range(rnd.randint(1, longest)))
            for _ in range(count)]


def test_dates_are_tried_only_where_a_match_can_start() -> None:
    pieces = ["from", "From", "between", "the", "THE", "of", "to", "until", "and", "-", "–", "12", "3rd", "31",
              "2025", "June", "jun.", "Sept", "SEPT.", "May", "march", "2025-04-10", "10/04/2025", "on", "last",
              "this", "next", "later", "in", "year", "month", "week", "weekend", "Monday", "SUNDAY", "today",
              "tomorrow", "yesterday", "this morning", ",", "(", "x12", "ſunday", "İn", "ınto", "٣", "monthly",
              "from the 9th to the 13th of January", "between 12 and 14 June", "May 3-5", "30 May - 2 June 2025",
              "From  12\nto 14 JUNE", "later in the year", "later this month", "until Friday"]
    seen = 0
    for text in _texts(pieces, 3000, seed=1):
        starts = dates._Starts(text)
        for pattern, at in zip(dates._PATTERNS, dates._STARTS, strict=True):
            plain = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in dates._finditer_at(pattern, text, at(starts))] == plain, text
            seen += len(plain)
        plain = [m.span() for m in dates._RELATIVE.finditer(text)]
        assert [m.span() for m in dates._finditer_at(dates._RELATIVE, text, starts.relative())] == plain, text
        seen += len(plain)
    assert seen > 1000  # the texts hold dates: the comparison is not of empty lists


def _plain_candidates(text: str) -> list[tuple[int, int]]:
    """money._candidates as it was: the amount pattern around every number."""
    out: list[tuple[int, int]] = []
    seen_end = -1
    for n in money._NUMBER.finditer(text):
        if n.start() < seen_end:
            continue
        for m in money._MONEY.finditer(text, max(0, n.start() - 40), min(len(text), n.end() + 40)):
            if m.start() <= n.start() < m.end() and m.end() > seen_end:
                seen_end = m.end()
                out.append(m.span())
                break
    return out


def test_amounts_are_looked_for_only_near_a_currency() -> None:
    pieces = ["$", "US$", "£", "€", "EUR", "eur", "NOK", "ALL", "top", "Rs.", "zł", "R$", "5", "1,000", "2.5",
              "12.", "1,000,", "bn", "billion", "m", "k", "million", "euros", "US dollars", "Norwegian kroner",
              "more than", "up to", "the", ",", "EURO", "XEUR", "pounds", "lakh", "yen", "won", "wonder", "CHF"]
    found = 0
    for text in _texts(pieces, 3000, seed=2, longest=30):
        plain = _plain_candidates(text)
        assert [m.span() for m in money._candidates(text)] == plain, text
        found += len(plain)
    assert found > 1000


def test_surnames_by_find_are_those_of_the_pattern() -> None:
    words = ["Kim", "Kim Yong", "Lee", "Ng", "Ng Eng Hen", "Austin", "Marles"]
    pieces = words + ["-", "met", "Kimberley", "Lee-Smith", "said", "'s", ",", "_Lee", "Ngo"]
    for text in _texts(pieces, 2000, seed=3):
        pattern = re.compile(r"(?<![\w-])(?:" + trie_pattern(words) + r")(?![\w-])")
        assert _whole_words(text, words) == [m.span() for m in pattern.finditer(text)], text


def test_a_pattern_never_matches_a_text_without_its_required_words() -> None:
    r = rules()
    patterns = [t.pattern for et in r.event_types for t in et.triggers] + [r.cues["attend"]]
    pieces = ["met", "meeting", "Held", "a", "call", "with", "PHONE", "spoke", "by", "telephone", "signed",
              "the", "agreement", "visit", "travelled", "to", "Exercise", "port", "called", "at", "Harbour", "of",
              "participants", "were", "ſigned", "İn", "vıdeo", "talks", "Courtesy", "Call", "on"]
    matched = 0
    for pattern in patterns:
        words = required_words([pattern.pattern])
        for text in _texts(pieces, 300, seed=4):
            if pattern.search(text):
                matched += 1
                low = lower_for_words(text)
                assert low is None or words is None or any(w in low for w in words), (pattern.pattern, text)
                assert may_match(pattern, text)
    assert matched > 200


def test_required_words_read_literal_text_only() -> None:
    assert required_words([r"\bsign(?:ed|s)?\s+(?:an?\s+)?agreement\b"]) is not None
    assert required_words([r"[A-Z]\w+"]) is None  # nothing literal: no prefilter
    assert required_words([r"(?:x)?"]) is None  # may match an empty text
    assert required_words([re.compile(r"held talks", re.X)]) == ["heldtalks"]  # verbose: a space is no text
    # white space of any kind and length is one space in the lowered text
    assert lower_for_words("Held\u00a0 Talks\n") == "held talks "
    assert lower_for_words("ſigned") is None  # "ſ" matches "s" in a case-blind pattern


def test_words_present_in_one_look_are_those_found_one_by_one() -> None:
    words = ["meet", "meeting", "met", "visit", "visits", "isit", "talks", "a", "at the", "call", "called at port",
             "all", " on"]
    pieces = words + ["MEET", "t", "s", "ing", "the", "port", "xx"]
    ws = WordSet(words)
    for text in _texts(pieces, 2000, seed=4):
        low = lower_for_words(text)
        if low is None:
            continue
        assert ws.present(low) == {w for w in words if w in low}, text


# the lookahead quick_start puts in front: case-blind, or minding case where the pattern does
_AHEAD = re.compile(r"^(?:\(\?i:\(\?=\[(?:\\.|[^\]\\])*\]\)\)|\(\?=\[(?:\\.|[^\]\\])*\]\))")


def test_a_pattern_behind_its_first_characters_finds_what_it_found() -> None:
    from defgraph.extract import pledges

    quick = list(rules().cues.values()) + [pledges._PLEDGE_WORD, pledges._NOT_NEW_BEFORE, pledges._GIVEN,
                                           pledges._PART, pledges._IN_KIND_VERB]
    pieces = ["not", "Never", "will", "had", "met", "provided", "pledged", "including", "with", "the", "of",
              "brought", "to", "about", "told", "visit", "Visited", "KEEP", "ſaid", "İn", "\u212aept", ",",
              ".", "Minister", "Defence", "2025", "-", "on", "Monday", "recalled", "that", "during", "its", "٣", "two",
              "years", "ago", "7"]
    seen = 0
    for pattern in quick:
        plain = re.compile(_AHEAD.sub("", pattern.pattern), pattern.flags)
        assert quick_start(plain).pattern == pattern.pattern
        for text in _texts(pieces, 300, seed=5):
            got = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], (pattern.pattern, text)
            seen += len(got)
    assert seen > 1000


def test_the_lookahead_of_first_characters_guards_every_alternative() -> None:
    """A pattern with an alternation outside every group ("a|b") goes behind its lookahead in a
    non-capturing group: put in front of the bare alternation, the lookahead guarded the first
    alternative alone, and the others were still tried at every position. Groups keep their
    numbers and names (backreferences too)."""
    C, parser = re._constants, re._parser  # type: ignore[attr-defined]

    def guarded(pattern: re.Pattern[str]) -> bool:
        top = list(parser.parse(pattern.pattern, pattern.flags))
        return top[0][0] is C.ASSERT or top[0][0] is C.SUBPATTERN and top[0][1][-1][0][0] is C.ASSERT

    own = [re.compile(r"\bfoo|\bbar", re.I), re.compile(r"ab|ac", re.I),
           re.compile(r"\b(?P<w>two|both)\s+(\w+)\s+(?P=w)|\bthe\s+(\w)\3\b|[;.]", re.I),
           re.compile(r"\b[|]x|\by(?#|)|\(z\)", re.I)]
    for pattern in own:
        quick = quick_start(pattern)
        assert guarded(quick), quick.pattern
        assert (quick.groups, quick.groupindex) == (pattern.groups, pattern.groupindex)
        for text in ["Both ways both, the 11 foo bar; ab AC", "|x y (z) TWO a two x"]:
            assert [(m.span(), m.groups()) for m in quick.finditer(text)] == \
                   [(m.span(), m.groups()) for m in pattern.finditer(text)]
    # every cue given a lookahead has it in front of all its alternatives
    cues = rules().cues
    for name in ["recalled", "negation", "future", "comparison", "the_two_states", "clause_end", "background",
                 "compass"]:
        assert guarded(cues[name]), (name, cues[name].pattern)
    assert all(guarded(p) for p in cues.values() if _AHEAD.match(p.pattern))


def test_the_lookahead_reads_ranges_and_lookbehinds_and_minds_case_where_the_pattern_does() -> None:
    """A class of ranges ("[A-Z]") and a lookbehind or \\b before the first character are read
    (first_chars); a pattern that minds case all through gets a lookahead that minds case too
    (lower-case letters are skipped at once), one with a case-blind part a case-blind one."""
    from defgraph.extract import context, countries, persons, places
    from defgraph.extract import text as text_module
    from defgraph.rules import first_chars

    assert first_chars([r"(?<![\w-])[A-C]x", r"\b(?=q)De"]) == "(?=[ABCD])"
    assert first_chars([r"[^A-C]x"]) == "" and first_chars([r"[\u0100-\uffff]"]) == ""
    assert first_chars([r"\s+x|\n|\d"]) == r"(?=[\U0000000a\d\s])"  # (\d, \s as classes; a control character by its code)
    exact = quick_start(re.compile(r"(?<![\w'-])[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+"))
    assert exact.pattern.startswith("(?=[A") and not exact.pattern.startswith("(?=[A-Za")
    blind = quick_start(re.compile(r"(?<!\w)(?:[A-Z]\w+|(?i:de)\s)\w+"))
    assert blind.pattern.startswith("(?i:(?=[")
    pieces = ["Ana", "ana", "de", "DE", "Bo", "x'", "-", "Ẁ", "\u212aelvin", "Ōno", "ſ", "N", "of", "General", "Ng",
              "Paris", "and", "Rome", "agreed", "said", ".", "!", "\n", "\u00a0", '"', "’", ")", "(", "2025"]
    for plain in [re.compile(_AHEAD.sub("", p.pattern), p.flags) for p in
                  (exact, blind, persons.name_re(), persons._lower_office_after(), countries._mention_regex(),
                   places._place_context(), text_module._SENT_END, context._capital_pair())]:
        quick = quick_start(plain)
        assert _AHEAD.match(quick.pattern), plain.pattern
        for text in _texts(pieces, 200, seed=9):
            assert [(m.span(), m.groups()) for m in quick.finditer(text)] == \
                   [(m.span(), m.groups()) for m in plain.finditer(text)], (plain.pattern, text)


def test_patterns_searched_in_sentences_find_behind_their_lookahead_what_they_found() -> None:
    """The patterns of events, event facts, pledges and amounts put behind their first
    characters (rules.quick_start) find what the plain patterns find."""
    from defgraph.extract import eventfacts, events, money, pledgefacts, pledges

    quick = [events._COUNT, events._BY_CONVENOR, pledges.ITEMS, money._SCALE_WORD, money._MONEY, money._SPELLED,
             eventfacts._n_day()] + [
        getattr(eventfacts, n) for n in "_SEPARATE _MONTH_OR_YEAR".split()
    ] + [rules().cues[c] for c in ("bilateral_meeting place_break saying_before_date ended_before_date began_before_date "
                                   "until_before_date hosted_by_before counted_events_before "
                                   "clause_break_after_trigger background_time").split()] + [getattr(pledges, n) for n in
         "_RECIPIENT_BEFORE _REPORTED _NOT_RECIPIENT_TO _HABIT _MADE_IN _AID_TO".split()] + [pledgefacts._capital_subject()]
    pieces = ["two", "Three", "ministers", "hosted", "by", "the", "second", "day", "of", "bilateral", "separate",
              "meetings", "until", "began", "ended", "on", "June", "2025", "€", "$", "EUR", "USD", "5", "1.2",
              "million", "Billion", "thousand", "euros", "dollars", "to", "Ukraine", "for", "said", "told", ",", ".",
              "will", "provide", "tanks", "ammunition", "per", "cent", "GDP", "aid", "made", "in", "every", "year",
              "reported", "ſaid", "İn", "\u212aey", "UK", "France", "with", "and", "an", "a", "hundred",
              "In", "mid-2019", "early"]
    seen = 0
    for pattern in quick:
        assert _AHEAD.match(pattern.pattern), pattern.pattern
        plain = re.compile(_AHEAD.sub("", pattern.pattern), pattern.flags)
        for text in _texts(pieces, 200, seed=13):
            got = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], (pattern.pattern, text)
            seen += len(got)
    assert seen > 300


def test_an_alternation_split_by_first_character_finds_what_it_found() -> None:
    """rules.by_first_char: the alternatives that can start with each character, behind a
    lookahead of it and in their order, match as the plain alternation does (the leftmost
    alternative first, backtracking included); None where that cannot be told. The offices are
    searched that way (lexicon.role_re)."""
    from defgraph.extract.lexicon import role_re
    from defgraph.rules import by_first_char

    assert by_first_char([r"(a)b", "c"]) is None and by_first_char([r"(?i:a)b", "c"]) is None
    assert by_first_char([r"\d+x", "c"]) is None and by_first_char([r"a?", "c"]) is None
    alts = [r"Minister", r"(?:Deputy )?Minister of [A-Z]\w+", r"[DM]e\w*", r"Deputy", r"Min", r"(?:[Dd]efen[cs]e )?Chief"]
    split = by_first_char(alts)
    assert split is not None and split.startswith("(?:(?=C)(?:")
    plain = re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])")
    quick = re.compile(r"(?<![\w-])" + split + r"(?![\w-])")
    pieces = ["Minister", "Deputy", "of", "Defence", "defence", "Chief", "Min", "Mine", "De", "Met", "-", "x"]
    for text in _texts(pieces, 300, seed=21):
        assert [m.span() for m in quick.finditer(text)] == [m.span() for m in plain.finditer(text)], text
    offices = role_re()
    assert offices is not rules().role_re
    pieces = ["Minister", "Deputy", "Prime", "of", "for", "the", "Defence", "Foreign", "Affairs", "Secretary", "State",
              "Chief", "General", "Staff", "Defense", "Army", "Navy", "Commander", "National", "Security", "Adviser",
              "President", "Ambassador", "to", "Vice", "Admiral", "Head", "Ministry", "and", "Armed", "Forces", "-"]
    for text in _texts(pieces, 300, seed=22):
        assert [m.span() for m in offices.finditer(text)] == [m.span() for m in rules().role_re.finditer(text)], text


def test_a_sentence_is_looked_at_once_for_the_words_of_every_rule() -> None:
    """In a text of a sentence's length, may_match reads the words of every rule in one look
    (text.sentence_words) and answers as the look for its own words would; find_triggers takes
    its words from the same look."""
    from defgraph.extract import events, pledges, text

    patterns = [rules().cues["attend"], pledges._PLEDGE_WORD, events._COUNT] + \
        [t.pattern for et in rules().event_types for t in et.triggers][:40]
    pieces = ["attended", "took", "part", "pledged", "provide", "aid", "two", "ministers", "met", "talks", "visit",
              "signed", "an", "agreement", "the", "ſent", "İn", "\u00a0", "exercise", "joint", "with", "Meeting", "x"]
    text.share_words({"ttend", "zzz"})  # (words of another rule: the answer does not change)
    for t in _texts(pieces, 400, seed=31):
        low = lower_for_words(t)
        for pattern in patterns:
            words = required_words([pattern])
            expected = low is None or words is None or any(w in low for w in words)
            assert may_match(pattern, t) == expected, (pattern.pattern, t)
        if low is not None:
            shared = text._SHARED_WORDS
            assert text.sentence_words(low) == {w for w in shared if w in low}
    triggers = [events.find_triggers(text.Sentence(0, len(t), t)) for t in _texts(pieces, 200, seed=32)]
    assert sum(map(len, triggers)) > 20


def test_words_present_in_one_look_when_they_overlap_every_way() -> None:
    """WordSet.present skips the inside of a word found only where no word can start there and
    end beyond it: on words and texts of two letters, where they overlap every way, it finds
    what `w in low` finds."""
    rnd = random.Random(41)
    for _ in range(300):
        words = ["".join(rnd.choice("ab ") for _ in range(rnd.randint(1, 5))) for _ in range(rnd.randint(1, 12))]
        words = [w for w in words if w.strip()] or ["a"]
        ws = WordSet(words)
        for _ in range(20):
            low = "".join(rnd.choice("ab ") for _ in range(rnd.randint(0, 40)))
            assert ws.present(low) == {w for w in words if w in low}, (words, low)
