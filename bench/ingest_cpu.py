"""Ingest cost: processor time per statement of a whole ingest, main process and workers apart.

    python bench/ingest_cpu.py CORPUS                    # an ingest with 2 workers into a new store
    python bench/ingest_cpu.py CORPUS --workers 1 --dump /tmp/x.nq
    python bench/ingest_cpu.py CORPUS --src /other/checkout/src   # the same for another checkout

CORPUS is a folder of statements (``python bench/generate.py --count 10000 --out DIR``). The
ingest runs in a child process (the code of ``--src``, default this checkout), so its own and
its workers' processor time can be told apart (getrusage of the child and of its reaped
children): on a machine shared with other work, processor time is the figure to compare
(alternate two checkouts at least twice), the wall clock and the load average (printed before
and after) say how busy the machine was. The compaction that ``defgraph ingest`` runs after
1,000 statements or more is timed apart. ``--dump`` writes the whole store as sorted N-Quads
(blank nodes, the ontology's only, canonicalised) to check that two checkouts store the same
thing. Figures are printed as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SRC = Path(__file__).resolve().parents[1] / "src"


def _usage() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def child(corpus: str, store: str, workers: int, dump: str | None) -> dict[str, object]:
    """The ingest itself, in this (child) process: its workers are its children."""
    from defgraph.bulk import bulk_ingest
    from defgraph.pipeline import KnowledgeGraph
    from defgraph.stores.oxigraph import OxigraphStore

    kg = KnowledgeGraph(store)
    wall, (main, workers_cpu) = time.monotonic(), _usage()
    report = bulk_ingest(kg.store, [corpus], workers=workers)
    wall2, (main2, workers2) = time.monotonic(), _usage()
    kg.store.compact()
    wall3, (main3, workers3) = time.monotonic(), _usage()
    out: dict[str, object] = {
        "statements": report.statements, "stored": report.stored,
        "failures": len(report.failures),
        "ingest_wall_s": round(wall2 - wall, 2),
        "main_cpu_s": round(main2 - main, 2), "workers_cpu_s": round(workers2 - workers_cpu, 2),
        "compact_wall_s": round(wall3 - wall2, 2),
        "compact_cpu_s": round(main3 + workers3 - main2 - workers2, 2),
    }
    if dump:
        import pyoxigraph as ox

        plain: list[str] = []
        blank = []
        assert isinstance(kg.store, OxigraphStore), "--dump reads the embedded store"
        for q in kg.store.raw:
            if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object, q.graph_name)):
                blank.append(q)
            else:
                plain.append(f"{q} .\n")
        ds = ox.Dataset(blank)
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        lines = sorted(plain) + sorted(f"{q} .\n" for q in ds)
        Path(dump).write_text("".join(lines), encoding="utf-8")
        out["dump_quads"] = len(lines)
        out["dump_sha256"] = hashlib.sha256("".join(lines).encode()).hexdigest()[:16]
    kg.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Example (the bundled corpus, one worker):\n"
               "  python bench/ingest_cpu.py data/statements --workers 1")
    ap.add_argument("corpus")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--src", default=str(_SRC), help="the src folder of the checkout to measure")
    ap.add_argument("--store", help="where the new store goes (default: a temporary folder)")
    ap.add_argument("--dump", help="write the store as sorted N-Quads here")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.corpus, args.store, args.workers, args.dump)))
        return
    tmp = None if args.store else tempfile.mkdtemp(prefix="ingest-cpu-")
    store = args.store or str(Path(tmp or ".") / "store")
    if Path(store).exists():
        sys.exit(f"{store} exists: the ingest must go into a new store")
    cmd = [sys.executable, str(Path(__file__).resolve()), args.corpus, "--child", "--store", store,
           "--workers", str(args.workers)] + (["--dump", args.dump] if args.dump else [])
    load = os.getloadavg()
    before = _usage()[1]
    wall = time.monotonic()
    try:
        done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": args.src}, check=True,
                              capture_output=True, text=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    n = max(int(figures["statements"]), 1)
    total = _usage()[1] - before  # the child and its workers, imports and start-up included
    figures.update({
        "src": args.src, "workers": args.workers,
        "total_cpu_s": round(total, 2), "total_wall_s": round(time.monotonic() - wall, 2),
        "cpu_ms_per_statement": round(1000 * total / n, 3),
        "ingest_cpu_ms_per_statement": round(
            1000 * (float(figures["main_cpu_s"]) + float(figures["workers_cpu_s"])) / n, 3),
        "main_cpu_ms_per_statement": round(1000 * float(figures["main_cpu_s"]) / n, 3),
        "statements_per_s_wall": round(n / float(figures["ingest_wall_s"]), 1),
        "load_before": [round(x, 2) for x in load],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    })
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
