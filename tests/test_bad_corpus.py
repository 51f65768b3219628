"""The bad-input corpus (tests/data/bad and tests/bad_corpus.py) with good statements, in one
batch, through both ingest paths: one line per bad file, exit 1, every good statement
stored, and nothing stored twice on a second run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bad_corpus import unlock, write_bad, write_good

from defgraph.ingest import Failure, iter_statements
from defgraph.mapping import graph_iri
from defgraph.query import terminal_safe
from defgraph.store import OxigraphStore


def _as_reader(args: list[str]) -> tuple[list[str], bool]:
    """The command, run so that file permissions apply (root drops its override capability)."""
    if os.geteuid() != 0:
        return args, True
    if shutil.which("setpriv"):
        return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *args], True
    return args, False


def _statements(store: Path) -> dict[str, int]:
    s = OxigraphStore(store, read_only=True)
    try:
        graphs = {q.graph_name.value: 0 for q in s.quads()  # type: ignore[union-attr]
                  if "/statement/" in str(q.graph_name)}
        return dict(sorted(graphs.items())) | {"quads": sum(1 for _ in s.quads())}
    finally:
        s.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_bad_corpus_with_good_statements(tmp_path: Path, sample_dir: Path, workers: str) -> None:
    args, permissions = _as_reader([])
    bad = tmp_path / "bad"
    names = write_bad(bad, permissions=permissions)
    assert len(names) >= 30
    good = tmp_path / "good"
    write_good(good)
    shutil.copytree(sample_dir, good / "sample")
    expected = {graph_iri(s).value for s in iter_statements([good])
                if not isinstance(s, Failure)}
    store = tmp_path / "store"
    command, _ = _as_reader([sys.executable, "-m", "defgraph.cli", "ingest", str(bad), str(good),
                             "--store", str(store), "--workers", workers])
    try:
        runs = [subprocess.run(command, capture_output=True, text=True, timeout=900, check=False,
                               env={**os.environ, "COLUMNS": "300"}) for _ in range(2)]
    finally:
        unlock(bad)
    stored = []
    for run in runs:
        assert run.returncode == 1, run.stderr[-2000:]
        errors = [line for line in run.stderr.splitlines() if line.startswith("error ")]
        assert len(errors) == len(names), "\n".join(errors)
        for name in names:
            shown = terminal_safe(name)
            assert sum(1 for e in errors if f"/bad/{shown}" in e) == 1, (name, errors)
        assert "\x1b" not in run.stderr and "Traceback" not in run.stderr
        stored.append(_statements(store))
    graphs = {g for g in stored[0] if g != "quads"}
    assert graphs == expected  # every good statement, and nothing from a bad file
    assert stored[1] == stored[0]  # the second run stored nothing twice
