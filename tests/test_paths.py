"""No private data in exports: statements record their file relative to the folder named on
the command line, and a statement's graph never depends on how that folder was typed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from defgraph.cli import main
from defgraph.pipeline import KnowledgeGraph
from defgraph.store import OxigraphStore


@pytest.fixture
def corpus(tmp_path: Path, sample_dir: Path) -> Path:
    folder = tmp_path / "private-home" / "statements"
    (folder / "sub").mkdir(parents=True)
    for f in sorted(sample_dir.glob("*.txt"))[:3]:
        shutil.copy(f, folder / f.name)
    shutil.copy(sorted(sample_dir.glob("*.txt"))[3], folder / "sub" / "inner.txt")
    return folder


def _source_files(store: Path) -> list[str]:
    kg = KnowledgeGraph(OxigraphStore(store, read_only=True))
    try:
        return sorted(r["f"] for r in kg.query("SELECT DISTINCT ?f { ?s dg:sourceFile ?f }"))
    finally:
        kg.close()


def _ingest(*args: str) -> str:
    result = CliRunner().invoke(main, ["ingest", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_exports_hold_paths_inside_the_folder_only(corpus: Path, tmp_path: Path,
                                                   workers: str) -> None:
    store = tmp_path / "store"
    _ingest(str(corpus), "--store", str(store), "--workers", workers)
    files = _source_files(store)
    assert "sub/inner.txt" in files and len(files) == 4
    assert all(not f.startswith("/") and "private-home" not in f for f in files)
    out = tmp_path / "graph.nq"
    result = CliRunner().invoke(main, ["export", "--format", "nquads", "-o", str(out),
                                       "--store", str(store)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert str(tmp_path) not in text and "private-home" not in text


@pytest.mark.parametrize("workers", ["1", "2"])
def test_identity_does_not_depend_on_how_the_path_was_typed(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    store = tmp_path / "store"
    monkeypatch.chdir(corpus.parent)
    _ingest("statements", "--store", str(store), "--workers", workers)
    kg = KnowledgeGraph(OxigraphStore(store, read_only=True))
    before = set(kg.store.quads())
    kg.close()
    again = CliRunner().invoke(main, ["ingest", str(corpus.resolve()), "--store", str(store),
                                      "--workers", workers])
    assert again.exit_code == 0 and "unchanged" in again.output
    kg = KnowledgeGraph(OxigraphStore(store, read_only=True))
    assert set(kg.store.quads()) == before
    kg.close()
    # a file named on its own records its name
    single = tmp_path / "single"
    _ingest(str(corpus / "sub" / "inner.txt"), "--store", str(single), "--workers", workers)
    assert _source_files(single) == ["inner.txt"]


def test_keep_paths_records_the_path_as_typed(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    _ingest(str(corpus), "--store", str(store), "--keep-paths", "--workers", "2")
    files = _source_files(store)
    assert str(corpus / "sub" / "inner.txt") in files
    assert all(f.startswith(str(corpus)) for f in files)
    store2 = tmp_path / "store2"
    _ingest(str(corpus), "--store", str(store2))  # the flag does not outlive its command
    assert "sub/inner.txt" in _source_files(store2)
