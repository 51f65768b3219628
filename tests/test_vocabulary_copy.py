"""The embedded store's copy of the ontology's terms in the consolidated graph.

Queries on the embedded store read the consolidated graph alone when it holds a copy
of the ontology's named-term triples (docs/consolidation.md): these tests check that
the copy changes no answer, no export and no count, that every whole build keeps it,
and that a store without it (an earlier version's) is read as before.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from defgraph import resources
from defgraph.cli import main
from defgraph.export import export
from defgraph.maintain import rebuild
from defgraph.pipeline import KnowledgeGraph
from defgraph.query import list_queries, run_query
from defgraph.serve import SparqlEndpoint
from defgraph.stores import OxigraphStore, Rows
from defgraph.stores.oxigraph import default_graphs, vocabulary_held
from defgraph.vocab import CONSOLIDATED_GRAPH, ONTOLOGY_GRAPH

C = ox.NamedNode(CONSOLIDATED_GRAPH)
SUBCLASS = "SELECT (COUNT(*) AS ?n) WHERE { dg:Meeting rdfs:subClassOf dg:Event }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    store = tmp_path_factory.mktemp("vocab") / "store"
    files = sorted(sample_dir.glob("*.txt"))[:12]
    result = CliRunner().invoke(main, ["ingest", *map(str, files), "--store", str(store),
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    return store


def _strip(src: Path, dest: Path) -> Path:
    """A copy of the store without the vocabulary copy: a store of an earlier version."""
    shutil.copytree(src, dest)
    raw = ox.Store(str(dest))
    for t in resources.vocabulary_triples():
        raw.remove(ox.Quad(t.subject, t.predicate, t.object, C))
    raw.flush()
    del raw
    return dest


def _rows(outcome: object) -> list[tuple[str, ...]]:
    assert isinstance(outcome, Rows)
    return [tuple("" if v is None else str(v) for v in row) for row in outcome.rows]


def _one(store: OxigraphStore, text: str) -> int:
    outcome = store.query(text)
    assert isinstance(outcome, Rows)
    return int(outcome.rows[0][0].value)  # type: ignore[union-attr]


def test_an_ingest_leaves_the_copy_and_queries_read_one_graph(built: Path) -> None:
    store = OxigraphStore(built, read_only=True)
    assert vocabulary_held(store.raw)
    assert default_graphs(store.raw) == [C]
    # one answer per ontology triple: read with the ontology graph too, it would come twice
    assert _one(store, SUBCLASS) == 1


def test_the_copy_changes_no_answer_of_a_canned_query(built: Path, tmp_path: Path) -> None:
    without = _strip(built, tmp_path / "old")
    with_copy = OxigraphStore(built, read_only=True)
    old = OxigraphStore(without, read_only=True)  # read-only: left as it is, read with both graphs
    assert not vocabulary_held(old.raw) and default_graphs(old.raw) == [C, ox.NamedNode(ONTOLOGY_GRAPH)]
    assert _one(old, SUBCLASS) == 1
    compared = 0
    for q in list_queries():
        params: list[dict[str, str]] = [{}]
        if any(p.name == "country" for p in q.params):
            params.append({"country": "GBR"})
        if all(p.optional for p in q.params) or params[1:]:
            for given in params if all(p.optional for p in q.params) else params[1:]:
                a = _rows(run_query(with_copy, q, given))
                b = _rows(run_query(old, q, given))
                assert a == b, (q.name, given)
                compared += 1
    assert compared >= 15


def test_reads_of_the_consolidated_graph_leave_the_copy_out(built: Path, tmp_path: Path) -> None:
    without = _strip(built, tmp_path / "old")
    a, b = OxigraphStore(built, read_only=True), OxigraphStore(without, read_only=True)
    vocabulary = resources.vocabulary_subjects()
    assert not any(q.subject in vocabulary for q in a.graph_quads(C))
    assert not any(q.subject in vocabulary for q in a.quads() if q.graph_name == C)
    assert a.graph_quads(C) == b.graph_quads(C)
    assert a.triple_count() == b.triple_count()
    assert KnowledgeGraph(a).summary() == KnowledgeGraph(b).summary()
    for fmt in ("turtle", "nquads"):
        out_a, out_b = io.BytesIO(), io.BytesIO()
        assert export(a, out_a, fmt) == export(b, out_b, fmt)
        assert out_a.getvalue() == out_b.getvalue(), fmt


def test_an_old_store_gets_the_copy_when_opened_for_writing(built: Path, tmp_path: Path) -> None:
    without = _strip(built, tmp_path / "old")
    store = OxigraphStore(without)
    assert vocabulary_held(store.raw)
    assert _one(store, SUBCLASS) == 1


def test_every_whole_build_keeps_the_copy(built: Path, tmp_path: Path, sample_dir: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(built, path)
    store = OxigraphStore(path)
    before = store.graph_quads(C)
    rebuild(store)
    assert vocabulary_held(store.raw) and store.graph_quads(C) == before
    # the same graph written again changes nothing; a graph replaced by hand has no copy:
    # it is read with both graphs, each triple once
    assert not store.replace_graph(CONSOLIDATED_GRAPH, before)
    assert vocabulary_held(store.raw)
    assert store.replace_graph(CONSOLIDATED_GRAPH, sorted(before, key=str)[1:])
    assert not vocabulary_held(store.raw)
    assert _one(store, SUBCLASS) == 1
    # opened for writing (to ingest more), the store writes it again
    store.close()
    more = sorted(sample_dir.glob("*.txt"))[12:14]
    kg = KnowledgeGraph(path)
    kg.ingest(*more)
    assert vocabulary_held(kg.store.raw)
    # and a fresh build of a new store has it
    fresh = KnowledgeGraph(tmp_path / "fresh")
    fresh.ingest(*sorted(sample_dir.glob("*.txt"))[:3])
    assert vocabulary_held(fresh.store.raw)
    assert _one(fresh.store, SUBCLASS) == 1


def test_the_sparql_endpoint_reads_one_graph_too(built: Path) -> None:
    endpoint = SparqlEndpoint(OxigraphStore(built, read_only=True))
    try:
        body, _ = endpoint.query(
            "PREFIX dg: <https://w3id.org/defgraph/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?c WHERE { ?c rdfs:subClassOf dg:Event }", "text/csv")
    finally:
        endpoint.close()
    rows = body.decode().split()[1:]
    assert rows and len(rows) == len(set(rows))
