"""Statement text is untrusted: no text makes extraction raise or gives facts out of proportion
to its length, and the patterns searched in whole texts that once read a run of words or blanks
again from each of its words read it once.

Time itself is measured in bench/hostile.py (the same families of hostile text at several
lengths, against an ordinary text), never asserted here. What stands in for it: the characters
a pattern matches from every position of a run that ends in what it looks for, summed. A
pattern that reads the run again from each position (an unbounded run of honorifics, blanks
before a verb tried at every blank) sums to the square of the run's length; one that reads it
once, to its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from bench_util import bench_module

from defgraph.extract import extract
from defgraph.extract.persons import _speech, name_re
from defgraph.model import Extraction, Statement
from defgraph.rules import rules

hostile = bench_module("hostile")


def _facts(ex: Extraction) -> tuple[int, int]:
    """How many facts an extraction holds, and how many evidence spans."""
    found = [*ex.events, *ex.pledges, *ex.persons.values(), *ex.posts.values(), *ex.places.values(),
             *ex.organisations.values(), *ex.countries.values()]
    return len(found), sum(len(getattr(f, "evidence", ())) for f in found)


@pytest.mark.parametrize("family", hostile.FAMILIES, ids=lambda f: f.name)
def test_hostile_text_raises_nothing_and_gives_facts_in_proportion(family) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for n in (3_000, 12_000):
        text = family.text(n)
        ex = extract(Statement(text=text, title=text[:50], issued=date(2025, 3, 10)))
        assert ex.statement.text == text
        facts, spans = _facts(ex)
        assert facts <= 5 + n // 100 and spans <= 10 * (facts + 1), (family.name, n, facts, spans)
        counts.append((facts, spans))
    (short, short_spans), (long, long_spans) = counts
    assert long <= 4 * short + 4 and long_spans <= 4 * short_spans + 20, (family.name, counts)


def _reach(pattern: re.Pattern[str], text: str) -> int:
    """The characters ``pattern`` matches from every position of ``text``, summed."""
    return sum(len(m.group(0)) for i in range(len(text)) if (m := pattern.match(text, i)) is not None)


# (a pattern searched in whole texts or sentences, and the run it once read again from each of
# its words or blanks: what stands before it, the run, and what the pattern looks for after it)
_RUNS: list[tuple[str, Callable[[], re.Pattern[str]], str, str, str]] = [
    ("honorifics before a name", name_re, "", "General ", "Smith"),
    ("blanks before a verb of speech", lambda: _speech()[1], "Smith", " ", "said"),
    ("blanks before a stop's evening", lambda: rules().cues["same_day_after_stop"], "Paramaribo", " ",
     "in the evening"),
]


@pytest.mark.parametrize(("pattern", "head", "unit", "tail"), [r[1:] for r in _RUNS], ids=[r[0] for r in _RUNS])
def test_whole_text_patterns_read_a_run_once(pattern: Callable[[], re.Pattern[str]], head: str, unit: str,
                                             tail: str) -> None:
    p = pattern()
    short, long = (_reach(p, head + hostile.fill(unit, n) + tail) for n in (1_000, 4_000))
    # four times the run: four times the characters matched if each is read once, sixteen if
    # the run is read again from each position (before the fixes: 14.4 to 16 times)
    assert long <= 6 * max(short, 1), (short, long)
