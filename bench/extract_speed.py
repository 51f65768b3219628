"""Extraction speed: statements per second per core, and time against the length of one text.

    python bench/extract_speed.py                     # both measurements
    python bench/extract_speed.py --rate 2000         # statements/s on 2,000 generated statements
    python bench/extract_speed.py --long 0.4 1.6 5    # one-line texts of 0.4, 1.6 and 5 MB

The rate is measured in one process on statements from bench/generate.py (about 300 words
each), after a warm-up that loads the gazetteers, so it is the cost per statement of the rules
alone. The long texts are generated statements joined into a single line (no line breaks, the
worst case for sectioning): extraction time should grow in proportion to the length.
Wall-clock times on a shared machine; the figures are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate import generate_statements

from defgraph.extract import extract


def rate(count: int) -> dict[str, float]:
    """Statements per second, one process."""
    statements = list(generate_statements(count, seed=7))
    for st in statements[:20]:
        extract(st)  # warm-up: gazetteers, compiled patterns
    words = sum(len(st.text.split()) for st in statements) / len(statements)
    t = time.perf_counter()
    cpu = time.process_time()
    for st in statements:
        extract(st)
    wall = time.perf_counter() - t
    cpu = time.process_time() - cpu
    return {"statements": count, "mean_words": round(words), "wall_s": round(wall, 2),
            "statements_per_s_wall": round(count / wall, 1), "statements_per_s_cpu": round(count / cpu, 1)}


def long_text(megabytes: float) -> dict[str, float]:
    """Seconds to extract one single-line text of the given size."""
    size = int(megabytes * 1_000_000)
    pieces: list[str] = []
    total = 0
    first = None
    for st in generate_statements(max(50, size // 1500), seed=11):
        first = first or st
        line = " ".join(st.text.split())
        pieces.append(line)
        total += len(line) + 1
        if total >= size:
            break
    assert first is not None
    text = " ".join(pieces)[:size]
    st = replace(first, text=text)
    extract(replace(first, text=text[:2000]))  # warm-up
    t = time.perf_counter()
    cpu = time.process_time()
    ex = extract(st)
    return {"megabytes": megabytes, "chars": len(text), "seconds": round(time.perf_counter() - t, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "events": len(ex.events), "persons": len(ex.persons)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=int, default=None, help="statements to extract for the rate")
    ap.add_argument("--long", type=float, nargs="*", default=None, help="sizes in MB of one-line texts")
    args = ap.parse_args(argv)
    run_all = args.rate is None and args.long is None
    out: dict[str, object] = {"cpu_count": os.cpu_count() or 1,
                              "load_before": os.getloadavg()[0]}
    if args.rate or run_all:
        out["rate"] = rate(args.rate or 1000)
    if args.long or run_all:
        out["long"] = [long_text(mb) for mb in (args.long or [0.4, 1.6, 5.0])]
    out["load_after"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
