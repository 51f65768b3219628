"""Statement text is untrusted: no text makes extraction raise, or take time growing faster than
its length within one section (rules/windows.yaml section_chars).

Times are processor times compared with a baseline text of the same length measured in the
same test, never absolute.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from test_extract_long import _PIECE

from defgraph.extract import extract
from defgraph.model import Statement

_LENGTH = 20_000  # characters: a third of a section, the quadratic cases 14-27 times the baseline here


def _fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _cpu(text: str) -> float:
    st = Statement(text=text, title="Probe", issued=date(2025, 3, 10))
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        extract(st)
        best = min(best, time.process_time() - t)
    return best


@pytest.mark.parametrize("unit", [
    "General ",  # honorifics and ranks in a row with no name after (names.yaml; window honorifics_before_name)
    " ",  # a run of blanks, tried before a verb of speech at each blank (persons._speech)
])
def test_hostile_runs_take_time_like_an_ordinary_text_of_their_length(unit: str) -> None:
    baseline = _cpu(_fill(_PIECE, _LENGTH))
    hostile = _cpu("Paris. " + _fill(unit, _LENGTH - 7))
    # before: 'General ' 1.2 s and blanks 2.3 s against 0.09 s; after 0.14 s and 0.01 s
    assert hostile < 5 * baseline, (unit, hostile, baseline)


@pytest.mark.parametrize("unit", [
    "Alpha Bravo Charlie ", "and and ", "France, Germany, ", "General Admiral Colonel ", "Mr. Dr. H.E. Sheikh ",
    "Monday 12 March 2025, ", "1234567890", "$ £ € 5 million ", "((((( ", "\"'\u201c\u201d ", "bin ",
    "Faisal bin Farhan bin ", "Ma. ", ". ", "a\u0301\u0302\u0303 ", "\u0645\u062d\u0645\u062f \u200f\u202e ",
    "Minister\u200b\u200c\u200d\ufeff ", "Minister\n", "\t", "\u00a0", "\r\n", "MP, ", "A. B. C. ",
    "his counterpart ", "from 12 to ", "He will be in ", "We, the Ministers of Defence of ", "\ud800",
])
def test_hostile_text_raises_nothing(unit: str) -> None:
    text = _fill(unit, 3_000)
    ex = extract(Statement(text=text, title=text[:50], issued=date(2025, 3, 10)))
    assert ex.statement.text == text
