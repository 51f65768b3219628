"""Reading never writes: query, export, render, analyse, validate and serve open the store
read-only, refuse a folder that holds no store (creating nothing), say when another process
holds it, and a corrupted store is one line and exit 2."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from defgraph.cli import main
from defgraph.store import OxigraphStore, StoreBusy, StoreMissing
from defgraph.vocab import ONTOLOGY_GRAPH


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file of the folder: size, modification time and content hash."""
    return {str(f.relative_to(folder)): (f.stat().st_size, f.stat().st_mtime_ns,
                                         hashlib.sha256(f.read_bytes()).hexdigest())
            for f in sorted(folder.rglob("*")) if f.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    store = tmp_path_factory.mktemp("ro") / "store"
    files = sorted(sample_dir.glob("*.txt"))[:6]
    result = CliRunner().invoke(main, ["ingest", *map(str, files), "--store", str(store),
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


READS = [
    ["query", "events_timeline"],
    ["query", "statements_list", "--format", "csv"],
    ["export", "--format", "nquads", "-o", "{out}/g.nq"],
    ["render", "--view", "countries", "-o", "{out}/c.html"],
    ["analyse"],
    ["validate"],
]


def _run(args: list[str], store: Path, out: Path) -> object:
    return CliRunner().invoke(main, [a.format(out=out) for a in args] + ["--store", str(store)])


def test_fifty_queries_leave_the_store_as_it_was(store: Path, tmp_path: Path) -> None:
    before = snapshot(store)
    size = sum(s for s, _, _ in before.values())
    for i in range(50):
        result = _run(READS[i % 2], store, tmp_path)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    after = snapshot(store)
    assert sum(s for s, _, _ in after.values()) == size
    assert after == before


@pytest.mark.parametrize("args", READS[2:], ids=lambda a: a[0])
def test_every_read_command_writes_nothing(store: Path, tmp_path: Path, args: list[str]) -> None:
    before = snapshot(store)
    result = _run(args, store, tmp_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert snapshot(store) == before


def _make_read_only(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def test_a_read_only_copy_can_be_queried(store: Path, tmp_path: Path) -> None:
    before = snapshot(store)
    _make_read_only(store)
    try:
        if os.geteuid() != 0:  # root writes anywhere: the permissions prove nothing there
            with pytest.raises(PermissionError):
                (store / "probe").write_text("x")
        for args in READS:
            result = _run(args, store, tmp_path)
            assert result.exit_code == 0, (args, result.output)  # type: ignore[attr-defined]
        assert snapshot(store) == before
    finally:
        for p in [store, *store.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize("args", [["query", "events_timeline"], ["export", "-o", "-"],
                                  ["render", "-o", "{out}/v.html"], ["analyse"], ["validate"],
                                  ["serve", "--port", "0"]], ids=lambda a: a[0])
def test_a_missing_store_is_exit_2_and_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "no" / "such-store"
    result = _run(args, missing, tmp_path)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert "no folder at" in output and "Traceback" not in output
    assert not (tmp_path / "no").exists()


def test_a_folder_that_is_no_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("hello")
    result = _run(["query", "events_timeline"], folder, tmp_path)
    assert result.exit_code == 2 and "no defgraph store" in result.output  # type: ignore[attr-defined]
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_the_hint_names_a_store_nearby(built: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(built, tmp_path / "defgraph-demo" / "store")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["query", "events_timeline", "--store", "defgraph-dmo/store"])
    assert result.exit_code == 2
    assert "--store defgraph-demo/store?" in " ".join(result.output.split())
    assert not (tmp_path / "defgraph-dmo").exists()


def test_a_corrupted_store_is_one_line_and_exit_2(store: Path, tmp_path: Path) -> None:
    (store / "CURRENT").write_text("MANIFEST-999999\n")
    for args in (["query", "events_timeline"], ["ingest", "data/statements/a01-uk-poland-talks.txt"]):
        result = _run(args, store, tmp_path)
        assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
        lines = [line for line in result.output.splitlines() if line.strip()]  # type: ignore[attr-defined]
        assert len(lines) == 1 and "cannot open the store" in lines[0], lines


def test_ontology_is_not_rewritten_when_unchanged(store: Path) -> None:
    first = OxigraphStore(store)
    quads = first.graph_quads(ONTOLOGY_GRAPH)
    first.close()
    again = OxigraphStore(store)
    # blank nodes keep their identity: the graph was compared, not dropped and written again
    assert again.graph_quads(ONTOLOGY_GRAPH) == quads
    again.close()


HOLD = """import sys, time, pyoxigraph as ox
s = ox.Store(sys.argv[1]) if sys.argv[2] == "write" else ox.Store.read_only(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_a_read_beside_a_writer_says_the_store_is_busy(store: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store), "write"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreBusy, match=f"process {holder.pid}"):
            OxigraphStore(store, read_only=True)
        result = _run(["query", "events_timeline"], store, tmp_path)
        assert result.exit_code == 2  # type: ignore[attr-defined]
        lines = result.output.strip().splitlines()  # type: ignore[attr-defined]
        assert len(lines) == 1 and "busy" in lines[0] and str(holder.pid) in lines[0]
    finally:
        holder.kill()
        holder.wait()
    assert _run(["query", "events_timeline"], store, tmp_path).exit_code == 0  # type: ignore[attr-defined]


def test_a_writer_beside_a_read_is_refused(store: Path, tmp_path: Path) -> None:
    """While a read holds the store, ingest says it is busy instead of writing under it."""
    reading = OxigraphStore(store, read_only=True)
    try:
        before = snapshot(store)
        result = _run(["ingest", "data/statements/a01-uk-poland-talks.txt"], store, tmp_path)
        assert result.exit_code == 2 and "busy" in result.output  # type: ignore[attr-defined]
        assert snapshot(store) == before
    finally:
        reading.close()
    result = _run(["ingest", "data/statements/a01-uk-poland-talks.txt"], store, tmp_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def test_library_read_only_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing):
        OxigraphStore(tmp_path / "nothing", read_only=True)
    assert not (tmp_path / "nothing").exists()
