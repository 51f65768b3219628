"""The bulk path: worker processes and batched loading give the very store one process gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
from bench_util import generator
from click.testing import CliRunner

from defgraph import KnowledgeGraph
from defgraph import bulk as bulk_mod
from defgraph.bulk import IngestProgress, bulk_ingest, is_fresh, resolve_workers
from defgraph.cli import main
from defgraph.maintain import rebuild
from defgraph.pipeline import IngestReport
from defgraph.vocab import CONSOLIDATED_GRAPH, ONTOLOGY_GRAPH, TYPE, dg, is_statement_graph

REPO = Path(__file__).resolve().parents[1]


def _generator() -> ModuleType:
    return generator()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 generated statements of every kind."""
    folder = tmp_path_factory.mktemp("corpus")
    _generator().write_corpus(folder, 200, seed=11)
    return folder


@pytest.fixture(scope="module")
def corpus_with_copy(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus and a second copy of one file: same URL, so the same graph, written twice."""
    folder = tmp_path_factory.mktemp("copy") / "c"
    shutil.copytree(corpus, folder)
    first = sorted(folder.glob("*.txt"))[3]
    shutil.copy(first, folder / ("zz-copy-of-" + first.name))
    return folder


def statement_quads(kg: KnowledgeGraph) -> set[str]:
    """Every quad outside the ontology graph (whose blank nodes differ from store to store)."""
    return {str(q) for q in kg.store.quads() if q.graph_name.value != ONTOLOGY_GRAPH}


def without_source_files(quads: set[str]) -> set[str]:
    """The quads minus dg:sourceFile, for comparing copies of a corpus in another folder."""
    return {q for q in quads if "#sourceFile>" not in q}


def summary(report: IngestReport) -> tuple:
    return (report.statements, report.stored, report.unchanged, len(report.failures),
            dict(report.events))


def one_process(folder: Path, store: Path) -> tuple[set[str], tuple]:
    kg = KnowledgeGraph(store)
    report = kg.ingest(folder, workers=1)
    assert report.ok
    return statement_quads(kg), summary(report)


@pytest.fixture(scope="module")
def sequential(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], tuple]:
    quads, report = one_process(corpus, tmp_path_factory.mktemp("seq"))
    assert report[0] == 200
    return quads, report


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_gives_the_same_store_as_one_process(corpus: Path, sequential: tuple, tmp_path: Path,
                                                  workers: int) -> None:
    kg = KnowledgeGraph(tmp_path / "store")
    assert is_fresh(kg.store)
    report = bulk_ingest(kg.store, [corpus], workers=workers)
    quads, expected = sequential
    assert summary(report) == expected
    assert statement_quads(kg) == quads


def test_the_same_graph_twice_in_one_run(corpus_with_copy: Path, tmp_path: Path) -> None:
    """The later file wins, as in one process: its graph replaces the earlier one whole."""
    quads, expected = one_process(corpus_with_copy, tmp_path / "seq")
    assert expected[0] == 201
    kg = KnowledgeGraph(tmp_path / "store")
    report = bulk_ingest(kg.store, [corpus_with_copy], workers=2)
    assert summary(report) == expected
    assert statement_quads(kg) == quads


def test_kg_ingest_with_workers_and_rerun_changes_nothing(corpus: Path, sequential: tuple,
                                                          tmp_path: Path) -> None:
    kg = KnowledgeGraph(tmp_path / "store")
    first = kg.ingest(corpus, workers=2)
    assert first.ok and first.stored == 200
    again = kg.ingest(corpus, workers=2)
    assert again.ok and again.stored == 0 and again.unchanged == 200
    assert again.events == first.events
    assert statement_quads(kg) == sequential[0]


def test_bulk_into_a_store_that_already_holds_statements(corpus: Path, sequential: tuple,
                                                         tmp_path: Path) -> None:
    """Not fresh: no bulk loader; graphs already there are compared, the others added."""
    kg = KnowledgeGraph(tmp_path / "store")
    some = sorted(corpus.glob("*.txt"))[:40]
    kg.ingest(*some, workers=1)
    assert not is_fresh(kg.store)
    report = bulk_ingest(kg.store, [corpus], workers=2)
    assert report.ok and report.statements == 200
    assert statement_quads(kg) == sequential[0]


def test_a_changed_statement_is_replaced_whole(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(corpus, folder)
    kg = KnowledgeGraph(tmp_path / "store")
    bulk_ingest(kg.store, [folder], workers=2)
    target = min(folder.glob("*.txt"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("|Printable version\n", "|Printable version\nUpdated: "), "utf-8")
    report = bulk_ingest(kg.store, [folder], workers=2)
    assert report.ok and report.stored == 1

    fresh = KnowledgeGraph(tmp_path / "fresh")
    fresh.ingest(folder, workers=1)
    assert statement_quads(kg) == statement_quads(fresh)


def test_bad_files_are_reported_and_the_rest_stored(corpus: Path, sequential: tuple,
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(corpus, folder)
    (folder / "0000050-broken.txt").write_bytes(b"%PDF-1.7 not a statement")
    (folder / "0000051-empty.txt").write_bytes(b"")
    (folder / "0000052-latin1.txt").write_bytes(" date 2024-01-01 Ministère\nD\xe9fense\n".encode("latin-1"))
    kg = KnowledgeGraph(tmp_path / "store")
    seen: list[str] = []
    report = bulk_ingest(kg.store, [folder], workers=2, on_item=seen.append)
    failed = {Path(f.path).name: f.reason for f in report.failures}
    assert set(failed) == {"0000050-broken.txt", "0000051-empty.txt", "0000052-latin1.txt"}
    assert "PDF" in failed["0000050-broken.txt"] and "empty" in failed["0000051-empty.txt"]
    assert "UTF-8" in failed["0000052-latin1.txt"]
    assert report.statements == 200 and report.stored == 200
    assert without_source_files(statement_quads(kg)) == without_source_files(sequential[0])
    # on_item: every statement's file and every failed file, in input order
    assert len(seen) == 200 + 3
    assert seen.index(str(folder / "0000050-broken.txt")) < seen.index(str(folder / "0000052-latin1.txt"))


def test_a_statement_that_breaks_extraction_is_reported(corpus: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = bulk_mod.extract

    def fragile(statement):  # type: ignore[no-untyped-def]
        if "Printable" not in statement.text and statement.title and "Cadets" in statement.title:
            raise RuntimeError("boom")
        return real(statement)

    monkeypatch.setattr(bulk_mod, "extract", fragile)  # workers=1: extraction in this process
    kg = KnowledgeGraph(tmp_path / "store")
    report = bulk_ingest(kg.store, [corpus], workers=1)
    broken = [f for f in report.failures if "boom" in f.reason]
    assert broken and len(report.failures) == len(broken)
    assert report.statements == 200
    assert report.stored == 200 - len(broken)



class _FailingLoader:
    """An Oxigraph store whose ``call``-th load writes all its batch but the last line, then
    fails as a disk that fills up would: what the bulk loader, not transactional, may leave."""

    def __init__(self, store: ox.Store, call: int) -> None:
        self.store, self.call, self.calls = store, call, 0
        self.lost: set[str] = set()  # the statement graphs of the failed batch

    def _fail_part_way(self, data: bytes, load: object, **options: object) -> None:
        self.calls += 1
        if self.calls != self.call:
            load(data, **options)  # type: ignore[operator]
            return
        lines = data.splitlines(keepends=True)
        self.lost = {q.graph_name.value for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)
                     if is_statement_graph(q.graph_name.value)}
        load(b"".join(lines[:-1]), **options)  # type: ignore[operator]
        raise OSError("No space left on device")

    def bulk_load(self, data: bytes, **options: object) -> None:
        self._fail_part_way(data, self.store.bulk_load, **options)

    def load(self, data: bytes, **options: object) -> None:
        self._fail_part_way(data, self.store.load, **options)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_that_fails_part_way_into_a_fresh_store_leaves_nothing(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """A statement is stored whole or not at all: a batch whose load fails part-way leaves
    none of its statements' quads, in their graphs or (evidence spans) in the consolidated one."""
    kg = KnowledgeGraph(tmp_path / "store")
    loader = _FailingLoader(kg.store.raw, call=2)
    monkeypatch.setattr(bulk_mod, "_oxigraph", lambda store: loader)
    monkeypatch.setattr(bulk_mod, "BATCH_QUADS", 3_000)  # batches of some 30 statements
    report = bulk_ingest(kg.store, [corpus], workers=workers)
    assert loader.calls > 2 and loader.lost
    failed = [f for f in report.failures if "No space left" in f.reason]
    assert len(failed) == len(loader.lost) and report.stored == 200 - len(loader.lost)
    stored = {g.value for g in kg.store.named_graphs() if is_statement_graph(g.value)}

    def spans(graph: str) -> set[ox.NamedNode]:
        return {q.subject for q in kg.store.raw.quads_for_pattern(
            None, TYPE, dg("Evidence"), ox.NamedNode(graph))}

    # the consolidated graph's spans are those of the statements it consolidates
    assert spans(CONSOLIDATED_GRAPH) == {s for g in stored - loader.lost for s in spans(g)}
    assert len(stored) == report.stored and not stored & loader.lost
    consolidated = kg.store.graph_quads(CONSOLIDATED_GRAPH)
    rebuild(kg.store)  # the consolidated graph of the statements stored, from them alone
    assert kg.store.graph_quads(CONSOLIDATED_GRAPH) == consolidated


SAME_MEETING = {
    "a.txt": """ date 2025-03-10 Ministry of National Defence of Poland
|Printable version
Polish and Lithuanian defence ministers meet in Vilnius
The ministers discussed air defence.
Minister of National Defence Jan Kowalczyk met Lithuania's Minister of Defence Rasa Jankauskiene \
in Vilnius today for talks on air defence.
Original article link: https://www.gov.pl/web/national-defence/meeting-vilnius-1
""",
    "b.txt": """ date 2025-03-10 Ministry of National Defence of Lithuania
|Printable version
Lithuanian defence minister hosts Polish counterpart
Talks in Vilnius focused on air defence.
Minister of Defence Rasa Jankauskiene met Poland's Minister of National Defence Jan Kowalczyk \
in Vilnius today.
Original article link: https://kam.lt/en/news/meeting-vilnius-2
""",
    "c.txt": """ date 2025-03-11 Ministry of Defence of Latvia
|Printable version
Baltic and Polish ministers discuss air defence
A report on yesterday's meeting in Vilnius.
Minister of Defence Andris Kalnins said that the meeting of Poland's Minister of National Defence \
Jan Kowalczyk and Lithuania's Minister of Defence Rasa Jankauskiene in Vilnius yesterday was an \
important step.
Original article link: https://www.mod.gov.lv/en/news/meeting-vilnius-3
""",
}


@pytest.fixture
def same_meeting(tmp_path: Path) -> Path:
    """Three statements from three ministries about one meeting: merged into one event."""
    folder = tmp_path / "same-meeting"
    folder.mkdir()
    for name, text in SAME_MEETING.items():
        (folder / name).write_text(text, encoding="utf-8")  # "\\" + newline joins the lines
    return folder


def meetings(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    rows = kg.store.query("SELECT ?e (COUNT(DISTINCT ?s) AS ?n) WHERE { ?e a dg:Meeting ; "
                          "dg:reportedIn ?s } GROUP BY ?e")
    return [(r[0].value, int(r[1].value)) for r in rows.rows]  # type: ignore[union-attr]


def test_merged_events_as_in_one_process(same_meeting: Path, tmp_path: Path) -> None:
    seq = KnowledgeGraph(tmp_path / "seq")
    seq.ingest(same_meeting, workers=1)
    assert [n for _, n in meetings(seq)] == [3]  # one event, reported by three statements

    fresh = KnowledgeGraph(tmp_path / "bulk")  # merged among statements queued together
    bulk_ingest(fresh.store, [same_meeting], workers=2)
    assert statement_quads(fresh) == statement_quads(seq)

    later = KnowledgeGraph(tmp_path / "later")  # merged with a statement already stored
    later.ingest(same_meeting / "a.txt", workers=1)
    bulk_ingest(later.store, [same_meeting], workers=2)
    assert statement_quads(later) == statement_quads(seq)
    again = bulk_ingest(later.store, [same_meeting], workers=2)
    assert again.unchanged == 3


def test_resolve_workers(corpus: Path, sample_dir: Path) -> None:
    assert resolve_workers(3, []) == 3
    assert resolve_workers(None, [sample_dir]) == 1  # fewer than SMALL_BATCH files
    assert resolve_workers(None, [corpus]) >= 1
    assert resolve_workers(0, []) >= 1


def test_cli_ingest_with_workers(corpus: Path, sequential: tuple, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--workers", "2", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "200" in result.output
    kg = KnowledgeGraph(store)
    assert statement_quads(kg) == sequential[0]


def test_progress_counts_files_and_statements() -> None:
    with IngestProgress(3, disable=True) as tick:
        for source in ["a.txt", "a.txt", "a.txt", "b.txt", "c.txt"]:
            tick(source)
    assert tick.files == 3 and tick.statements == 5


def test_bulk_merges_events_as_one_process_does(seed_file: Path, sample_dir: Path,
                                                tmp_path: Path) -> None:
    """Reports of one event in several statements become one node, in a bulk run too."""
    import shutil

    folder = tmp_path / "in"
    shutil.copytree(sample_dir, folder / "sample")
    shutil.copy(seed_file, folder / "seed.txt")
    quads, expected = one_process(folder, tmp_path / "seq")
    kg = KnowledgeGraph(tmp_path / "store")
    report = bulk_ingest(kg.store, [folder], workers=2)
    assert summary(report) == expected
    assert statement_quads(kg) == quads
    merged = kg.query("""SELECT ?e (COUNT(DISTINCT ?s) AS ?n) WHERE { ?e dg:reportedIn ?s ;
        dg:location/rdfs:label "Copenhagen" ; dg:date "2024-10-17"^^xsd:date } GROUP BY ?e""")
    assert [r["n"] for r in merged] == [2]
