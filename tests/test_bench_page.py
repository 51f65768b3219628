"""BENCHMARKS.md is drawn from bench/results.json and bench/conditions.md: redrawing it
(`python bench/run.py --render`) must give the page as committed, so that the paragraphs
written by hand live in conditions.md and are never lost to a redraw."""

from __future__ import annotations

import json
from pathlib import Path

from bench_util import bench_module

REPO = Path(__file__).resolve().parents[1]


def test_page_is_the_redraw_of_its_sources() -> None:
    run = bench_module("run")
    saved = json.loads((REPO / "bench" / "results.json").read_text(encoding="utf-8"))
    saved["targets"] = run.evaluate(saved)
    page = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    drawn = run.render(saved)
    assert drawn == page, "BENCHMARKS.md differs from `python bench/run.py --render`"
    conditions = (REPO / "bench" / "conditions.md").read_text(encoding="utf-8").strip()
    assert conditions and conditions in drawn
