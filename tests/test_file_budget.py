"""The per-file time budget of ingest and writing in completion order.

A file whose reading and extraction overrun ``--file-timeout`` is stopped, reported in one
line and skipped; every other statement of the batch is stored, in both ingest paths, and
a second run stores nothing twice. The slow file is slow for real: a long but legal
one-line text under a budget it cannot meet (no duration is asserted: which file overruns
is decided by processor time, many times over in either direction).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from bench_util import generator

from defgraph import KnowledgeGraph
from defgraph.bulk import _Writer, extracted
from defgraph.extract import extract
from defgraph.ingest import Failure, iter_statements
from defgraph.mapping import graph_iri
from defgraph.model import Statement
from defgraph.pipeline import IngestReport
from defgraph.stores import OxigraphStore
from defgraph.vocab import ONTOLOGY_GRAPH

REPO = Path(__file__).resolve().parents[1]
BUDGET = "2"  # processor seconds: the statements of the sample corpus take a few hundredths
SLOW_CHARS = 4_000_000  # several seconds of processor time to extract, far over BUDGET

TALKS = ("Talks in Tallinn\nThe defence ministers of Estonia and Finland met in Tallinn on "
         "3 March 2025 to discuss air defence.\n")


def _generator() -> ModuleType:
    return generator()


@pytest.fixture(scope="module")
def slow_text() -> str:
    """Generated statements joined into one line of about 4 MB: legal, but long to extract."""
    pieces: list[str] = []
    total = 0
    for st in _generator().generate_statements(SLOW_CHARS // 1500, seed=5):
        pieces.append(" ".join(st.text.split()))
        total += len(pieces[-1]) + 1
        if total >= SLOW_CHARS:
            break
    return " ".join(pieces)


def _stored(store: Path) -> dict[str, int]:
    """The statement graphs of a store and its number of quads."""
    s = OxigraphStore(store, read_only=True)
    try:
        quads = list(s.quads())
        graphs = {q.graph_name.value: 0 for q in quads  # type: ignore[union-attr]
                  if "/statement/" in str(q.graph_name)}
        return dict(sorted(graphs.items())) | {"quads": len(quads)}
    finally:
        s.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_slow_file_is_skipped_and_the_rest_stored(tmp_path: Path, sample_dir: Path,
                                                     slow_text: str, workers: str) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    slow = batch / "a-slow.txt"  # first in the input: the others must not wait for it
    slow.write_text("A long day of talks " + slow_text + "\n", encoding="utf-8")
    for f in sorted(sample_dir.iterdir()):
        (batch / f.name).write_bytes(f.read_bytes())
    expected = {graph_iri(s).value for s in iter_statements([batch])
                if not isinstance(s, Failure) and s.source_file != slow.name}
    assert len(expected) >= 50
    store = tmp_path / "store"
    command = [sys.executable, "-m", "defgraph.cli", "ingest", str(batch), "--store", str(store),
               "--workers", workers, "--file-timeout", BUDGET]
    stored = []
    for _ in range(2):
        run = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False,
                             env={**os.environ, "COLUMNS": "300"})
        assert run.returncode == 1, run.stderr[-2000:]
        errors = [line for line in run.stderr.splitlines() if line.startswith("error ")]
        assert errors == [f"error {slow}: took longer than {BUDGET} s to read and extract "
                          "(processor time), skipped; --file-timeout sets the limit"], run.stderr
        assert "Traceback" not in run.stderr
        stored.append(_stored(store))
    assert {g for g in stored[0] if g != "quads"} == expected  # every other statement
    assert stored[1] == stored[0]  # the second run stored nothing twice


def test_the_option_is_checked_and_documented(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from defgraph.cli import main

    (tmp_path / "t.txt").write_text(TALKS, encoding="utf-8")
    bad = CliRunner().invoke(main, ["ingest", str(tmp_path / "t.txt"), "--store",
                                    str(tmp_path / "store"), "--file-timeout", "-1"])
    assert bad.exit_code == 2 and "--file-timeout" in bad.output
    assert not (tmp_path / "store").exists()
    shown = CliRunner().invoke(main, ["ingest", "--help"], terminal_width=200)
    assert "--file-timeout SECONDS" in shown.output and "default: 60" in shown.output


def test_the_budget_holds_off_the_main_thread(tmp_path: Path, slow_text: str) -> None:
    """A notebook or server thread cannot take signals: one worker process times the files."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-slow.txt").write_text(slow_text, encoding="utf-8")
    (folder / "b-talks.txt").write_text(TALKS, encoding="utf-8")
    kg = KnowledgeGraph(":memory:")
    reports: list[IngestReport] = []
    thread = threading.Thread(target=lambda: reports.append(
        kg.ingest(folder, workers=1, file_timeout=float(BUDGET))))
    thread.start()
    thread.join(600)
    (report,) = reports
    assert [f.path for f in report.failures] == [str(folder / "a-slow.txt")]
    assert "took longer than 2 s" in report.failures[0].reason
    assert report.stored == 1 and report.statements == 1


def _warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers))


def test_each_page_of_an_archive_has_its_own_budget(tmp_path: Path, slow_text: str) -> None:
    """A slow page of a WARC archive is skipped; the pages after it are read (in this process)."""
    big = "<html><head><title>A long day</title></head><body>" + "".join(
        f"<p>{slow_text[i:i + 2000]}</p>" for i in range(0, len(slow_text), 2000)) + "</body></html>"
    small = ("<html><head><title>Talks in Tallinn</title></head><body><p>The defence ministers of "
             "Estonia and Finland met in Tallinn on 3 March 2025 to discuss air defence.</p>"
             "</body></html>")
    archive = tmp_path / "pages.warc.gz"
    _warc(archive, [("https://example.org/news/long", big), ("https://example.org/news/talks", small)])
    kg = KnowledgeGraph(":memory:")
    report = kg.ingest(archive, workers=1, file_timeout=float(BUDGET))
    assert [(f.path, f.reason.split(" (")[0]) for f in report.failures] == [
        (f"{archive}#https://example.org/news/long", "took longer than 2 s to read and extract")]
    assert report.stored == 1
    assert any("example.org/news/talks" in str(q) for q in kg.store.quads())
    assert not any("example.org/news/long" in str(q) for q in kg.store.quads())


def test_results_in_any_order_give_the_store_of_input_order(tmp_path: Path) -> None:
    """The writer takes results as they complete; where two give the same graph (one URL twice),
    the one later in the input stays, whatever order they came in."""
    first = Statement(text="The defence ministers of Estonia and Finland met in Tallinn on 3 March "
                      "2025.", title="Talks", source_url="https://example.org/news/talks",
                      source_file="a.txt")
    second = replace(first, text="The defence ministers of Estonia and Finland met in Helsinki on "
                     "4 March 2025.", source_file="c.txt")
    other = Statement(text="The defence ministers of Latvia and Lithuania met in Riga on 5 March "
                      "2025.", title="Riga", source_file="b.txt")
    items = [((0, 0), extracted(first, extract(first))), ((1, 0), extracted(other, extract(other))),
             ((2, 0), extracted(second, extract(second)))]
    stores = []
    for n, order in enumerate(([0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1])):
        store = OxigraphStore(tmp_path / f"s{n}")
        report = IngestReport()
        writer = _Writer(store, report, None)
        for k in order:
            writer.add(items[k][1], items[k][0])
        writer.finish()
        stores.append({str(q) for q in store.quads() if q.graph_name.value != ONTOLOGY_GRAPH})  # type: ignore[union-attr]
        store.close()
    assert all(s == stores[0] for s in stores[1:])
    assert any("Helsinki" in q for q in stores[0]) and not any("Tallinn on 3 March" in q for q in stores[0])


@pytest.mark.parametrize("workers", ["1", "2"])
def test_work_stops_inside_a_runaway_pattern(tmp_path: Path, workers: str) -> None:
    """A user's rule that backtracks without end (nested repetition on a long run of one
    letter) is stopped inside the regular-expression engine: the run ends, names the file,
    and stores the rest. Without the budget this pattern would not finish in years."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "event_types:\n"
        "  - name: Meeting\n"
        "    note: a pattern that backtracks exponentially, to see the budget stop it\n"
        "    triggers:\n"
        "      - pattern: '\\b(?:x+x+)+y'\n"
        "        note: nested repetition, and no y after the run of x\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-runaway.txt").write_text(
        "Talks\nThe defence ministers of Estonia and Finland met in Tallinn on 3 March 2025. "
        f"The notes read {'x' * 60}.\n", encoding="utf-8")
    (folder / "b-talks.txt").write_text(TALKS, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "defgraph.cli", "ingest", str(folder), "--store",
                          str(tmp_path / "store"), "--workers", workers, "--file-timeout", BUDGET],
                         capture_output=True, text=True, timeout=600, check=False,
                         env={**os.environ, "COLUMNS": "300", "DEFGRAPH_RULES": str(rules)})
    assert run.returncode == 1, run.stderr[-2000:]
    errors = [line for line in run.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 1 and errors[0].startswith(f"error {folder / 'a-runaway.txt'}: took longer")
    assert len([g for g in _stored(tmp_path / "store") if g != "quads"]) == 1
