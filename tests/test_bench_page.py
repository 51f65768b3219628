"""BENCHMARKS.md is drawn from bench/results.json and bench/conditions.md: redrawing it
(`python bench/run.py --render`) must give the page as committed, so that the paragraphs
written by hand live in conditions.md and are never lost to a redraw."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_page_is_the_redraw_of_its_sources() -> None:
    run = _bench_run()
    saved = json.loads((REPO / "bench" / "results.json").read_text(encoding="utf-8"))
    saved["targets"] = run.evaluate(saved)
    page = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    drawn = run.render(saved)
    assert drawn == page, "BENCHMARKS.md differs from `python bench/run.py --render`"
    conditions = (REPO / "bench" / "conditions.md").read_text(encoding="utf-8").strip()
    assert conditions and conditions in drawn
