"""Exports parse back: Turtle round-trips through rdflib and parses with Oxigraph too."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import ConjunctiveGraph, Graph
from rdflib.compare import isomorphic

from defgraph import KnowledgeGraph
from defgraph.export import FORMATS, ExportError, export


@pytest.fixture(scope="module")
def kg(sample_dir: Path) -> KnowledgeGraph:
    graph = KnowledgeGraph(":memory:")
    graph.ingest(sample_dir)
    return graph


def _union(kg: KnowledgeGraph) -> Graph:
    g = Graph()
    buf = io.BytesIO()
    export(kg.store, buf, "nt")
    g.parse(data=buf.getvalue().decode("utf-8"), format="nt")
    return g


def test_turtle_round_trips_and_parses_with_oxigraph(kg: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    n = kg.export(out, "turtle")
    text = out.read_text(encoding="utf-8")
    assert "@prefix dg: <https://w3id.org/defgraph/ontology#>" in text
    back = Graph().parse(out, format="turtle")
    assert len(back) == n
    assert isomorphic(back, _union(kg))
    with open(out, "rb") as f:
        assert sum(1 for _ in ox.parse(f, format=ox.RdfFormat.TURTLE)) == n


def test_quad_formats_keep_one_graph_per_statement(kg: KnowledgeGraph, tmp_path: Path) -> None:
    for fmt in ("trig", "nquads"):
        out = tmp_path / f"g.{fmt}"
        kg.export(out, fmt)
        ds = ConjunctiveGraph()
        ds.parse(out, format="trig" if fmt == "trig" else "nquads")
        graphs = {c.identifier for c in ds.contexts() if len(c)}
        statements = set(kg.store.named_graphs()) - {
            ox.NamedNode("https://w3id.org/defgraph/graph/ontology")}
        assert len(graphs) == len(statements)


def test_jsonld_parses(kg: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    n = kg.export(out, "jsonld")
    json.loads(out.read_text(encoding="utf-8"))
    back = Graph().parse(out, format="json-ld")
    assert len(back) == n


def test_every_format_is_offered() -> None:
    assert set(FORMATS) == {"turtle", "nt", "nquads", "trig", "jsonld"}


def test_unknown_format_is_an_error(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export(kg.store, tmp_path / "x", "rdfxml-ish")
