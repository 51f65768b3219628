"""Very long texts are extracted section by section, with offsets into the whole text.

(Speed itself is measured in bench/extract_speed.py, not asserted here.)
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from defgraph import extract as extract_module
from defgraph.extract import _sections, extract
from defgraph.extract.spans import Occupied, SpanIndex
from defgraph.model import Statement

_PIECE = ("Defence Secretary John Healey met his Polish counterpart, Władysław Kosiniak-Kamysz, "
          "in Warsaw on 15 January 2025. The United Kingdom will provide £50 million to Ukraine "
          "for air defence. Danish and Dutch engineers met in Copenhagen on 3 March 2025. ")


def test_sections_cover_the_text_and_cut_at_sentence_ends() -> None:
    text = _PIECE * 400
    parts = _sections(text, 10_000)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(parts))
    assert all(b - a <= 10_000 for a, b in parts)
    assert all(text[a:b].rstrip().endswith(".") for a, b in parts[:-1])


def test_long_text_facts_carry_offsets_into_the_whole_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(extract_module, "SECTION_CHARS", 5_000)
    text = _PIECE * 60
    ex = extract(Statement(text=text, title="long", issued=date(2025, 3, 10)))
    assert len(ex.events) > 2 and len(ex.pledges) >= 1  # two events per section at least
    spans = [sp for e in ex.events for sp in e.evidence] + [sp for p in ex.persons.values() for sp in p.evidence] \
        + [sp for p in ex.pledges for sp in p.evidence]
    assert max(sp.start for sp in spans) > 5_000  # facts from later sections are there
    for sp in spans:
        assert text[sp.start:sp.end] == sp.quote
    assert ex.persons["john-healey"].country == "GBR"
    for p in ex.pledges:
        assert p.announced_at is None or 0 <= p.announced_at < len(ex.events)
        assert p.part_of is None or 0 <= p.part_of < len(ex.pledges)


def test_short_and_sectioned_extraction_agree_on_one_section(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    st = Statement(text=_PIECE * 3, title="t", issued=date(2025, 3, 10))
    whole = extract(st)
    monkeypatch.setattr(extract_module, "SECTION_CHARS", len(_PIECE) + 10)
    cut = extract(st)
    assert {(e.type, e.date) for e in whole.events} == {(e.type, e.date) for e in cut.events}
    assert set(whole.persons) == set(cut.persons)


def test_span_index_and_occupied_answer_like_a_scan() -> None:
    import random

    rng = random.Random(3)
    pairs = [(s, s + rng.randint(1, 30)) for s in (rng.randint(0, 2000) for _ in range(300))]
    ix = SpanIndex(pairs, lambda p: p[0], lambda p: p[1])
    for _ in range(200):
        a = rng.randint(0, 2000)
        b = a + rng.randint(1, 80)
        assert sorted(ix.overlapping(a, b)) == sorted(p for p in pairs if p[0] < b and p[1] > a)
        assert sorted(ix.starting_in(a, b)) == sorted(p for p in pairs if a <= p[0] < b)
        ends = [p for p in pairs if p[1] <= a]
        got = ix.last_ending_by(a)
        assert (got is None) == (not ends)
        if got:
            assert got[1] == max(p[1] for p in ends)
    occ = Occupied()
    kept: list[tuple[int, int]] = []
    for s, e in pairs:
        scan = any(s < ke and ks < e for ks, ke in kept)
        assert occ.overlaps(s, e) == scan
        if not scan:
            occ.add(s, e)
            kept.append((s, e))
