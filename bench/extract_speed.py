"""Extraction speed: statements per second per core, and time against the length of one text.

    python bench/extract_speed.py                     # both measurements
    python bench/extract_speed.py --rate 2000         # statements/s on 2,000 generated statements
    python bench/extract_speed.py --long 0.4 1.6 5    # one-line texts of 0.4, 1.6 and 5 MB
    python bench/extract_speed.py --rate 0 --corpus data/dev/statements   # statements/s on files
    python bench/extract_speed.py --corpus DIR --dump /tmp/facts.jsonl    # every fact, to compare
    python bench/extract_speed.py --corpus DIR --digest                   # their checksum alone
    python bench/extract_speed.py --src /other/checkout/src --rate 2000   # another checkout's code

The rate is measured in one process on statements from bench/generate.py (about 300 words
each), after a warm-up that loads the gazetteers, so it is the cost per statement of the rules
alone. The long texts are generated statements joined into a single line (no line breaks, the
worst case for sectioning): extraction time should grow in proportion to the length.
Wall-clock times on a shared machine; the figures are printed as JSON. Compare processor time
(statements_per_s_cpu, ms_cpu_per_statement), alternating two checkouts (--src).

``--corpus`` (files or folders, read as ``defgraph ingest`` reads them) measures the same rate
on real statements, each extracted once after a warm-up. ``--dump FILE`` writes every fact
extracted from them (events, persons, posts, places, pledges, evidence spans and offsets,
confidences, rule names) as one canonical JSON line per statement, so that two checkouts can be
compared byte for byte (extraction's order does not depend on the hash seed:
tests/test_determinism.py); ``--digest`` prints only the SHA-256 of those lines (for texts whose
facts must not be looked at, such as the test part).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path


def _src() -> str:
    """The source folder to import defgraph from: --src, else this checkout's."""
    for i, arg in enumerate(sys.argv):
        if arg == "--src" and i + 1 < len(sys.argv):
            return str(Path(sys.argv[i + 1]).resolve())
        if arg.startswith("--src="):
            return str(Path(arg.split("=", 1)[1]).resolve())
    return str(Path(__file__).resolve().parents[1] / "src")


sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, _src())

from generate import generate_statements  # noqa: E402

from defgraph.extract import extract  # noqa: E402
from defgraph.model import Extraction, Statement  # noqa: E402


def rate(count: int, statements: list[Statement] | None = None) -> dict[str, float]:
    """Statements per second, one process (generated statements, or the ones given)."""
    if statements is None:
        statements = list(generate_statements(count, seed=7))
    count = len(statements)
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
            "statements_per_s_wall": round(count / wall, 1), "statements_per_s_cpu": round(count / cpu, 1),
            "ms_cpu_per_statement": round(1000 * cpu / count, 3)}


def read_corpus(paths: list[str]) -> list[Statement]:
    """The statements of files and folders, as `defgraph ingest` reads them (bad files skipped)."""
    from defgraph.ingest import iter_statements

    return [st for st in iter_statements(paths) if isinstance(st, Statement)]


def _plain(value: object) -> object:
    """A fact as JSON data: dataclasses as objects (fields in order), dates and amounts as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]  # insertion order kept
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return f"{type(value).__name__}:{value}"


def fact_lines(statements: list[Statement]) -> list[str]:
    """One canonical JSON line per statement: its file and everything extracted from it."""
    out = []
    for st in statements:
        ex: Extraction = extract(st)
        facts = {f.name: _plain(getattr(ex, f.name)) for f in dataclasses.fields(ex) if f.name != "statement"}
        out.append(json.dumps({"file": st.source_file, "url": st.source_url, "facts": facts},
                              ensure_ascii=True, separators=(",", ":")) + "\n")
    return out


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
    ap.add_argument("--corpus", nargs="+", default=None, help="files or folders of statements: the rate on them")
    ap.add_argument("--dump", default=None, help="with --corpus: write every extracted fact to this file (JSON lines)")
    ap.add_argument("--digest", action="store_true", help="with --corpus: print only the SHA-256 of the facts")
    ap.add_argument("--src", default=None, help="the defgraph source folder to measure (default this checkout's)")
    args = ap.parse_args(argv)
    out: dict[str, object] = {"src": str(Path(sys.modules["defgraph"].__file__ or "").parent.parent)}
    if args.corpus and (args.dump or args.digest):
        lines = fact_lines(read_corpus(args.corpus))
        if args.dump:
            Path(args.dump).write_text("".join(lines), encoding="ascii")
        out.update(statements=len(lines), sha256=hashlib.sha256("".join(lines).encode("ascii")).hexdigest())
        print(json.dumps(out, indent=1))
        return 0
    run_all = args.rate is None and args.long is None and args.corpus is None
    out.update({"cpu_count": os.cpu_count() or 1, "load_before": os.getloadavg()[0]})
    if args.corpus:
        out["corpus"] = rate(0, read_corpus(args.corpus))
    if args.rate or run_all:
        out["rate"] = rate(args.rate or 1000)
    if args.long or run_all:
        out["long"] = [long_text(mb) for mb in (args.long or [0.4, 1.6, 5.0])]
    out["load_after"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
