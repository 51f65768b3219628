"""Exports parse back: Turtle round-trips through rdflib and parses with Oxigraph too."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import require
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import ConjunctiveGraph, Graph
from rdflib.compare import isomorphic

from defgraph import KnowledgeGraph, resources
from defgraph.export import (
    FORMATS,
    ExportError,
    build_context,
    export,
    read_jsonld,
    write_trig,
    write_turtle,
)
from defgraph.vocab import DG, DGID_NS, XSD


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


# -- readable Turtle and TriG (issue 14) ------------------------------------------------

def test_turtle_names_every_kind_by_its_own_prefix(kg: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    kg.export(out, "turtle")
    text = out.read_text(encoding="utf-8")
    assert "\\/" not in text
    for kind in ("country", "person", "org", "place", "event", "pledge", "statement", "evidence"):
        assert f"@prefix {kind}: <https://w3id.org/defgraph/id/{kind}/> ." in text
    for name in ("country:GBR a dg:Country", "dg:participant country:", "dg:reportedIn statement:",
                 "person:john-healey"):
        assert name in text, name


def test_rapper_reads_the_turtle_and_trig_exports(kg: KnowledgeGraph, tmp_path: Path) -> None:
    require(shutil.which("rapper") is not None, "rapper (Debian package raptor2-utils)")
    for fmt, syntax in (("turtle", "turtle"), ("trig", "trig")):
        out = tmp_path / f"g.{fmt}"
        n = kg.export(out, fmt)
        done = subprocess.run(["rapper", "-i", syntax, "-c", str(out)],
                              check=False, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"returned {n} triples" in done.stderr and "error" not in done.stderr.lower()


def test_trig_keeps_every_quad(kg: KnowledgeGraph, tmp_path: Path) -> None:
    trig, nq = tmp_path / "g.trig", tmp_path / "g.nq"
    kg.export(trig, "trig")
    kg.export(nq, "nquads")
    assert "\\/" not in trig.read_text(encoding="utf-8")
    with open(trig, "rb") as f1, open(nq, "rb") as f2:
        a = set(ox.parse(f1, format=ox.RdfFormat.TRIG))
        b = set(ox.parse(f2, format=ox.RdfFormat.N_QUADS))
    assert a == b and len(a) > 1000


AWKWARD_TERMS = [
    ox.Literal('quote " and \\ backslash'),
    ox.Literal("line\nbreak\ttab\r return"),
    ox.Literal("ünïcødé — 東京 😀"),
    ox.Literal("hello", language="en-GB"),
    ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-5", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal(".5", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("450000000", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("x", datatype=ox.NamedNode("https://example.org/type#custom")),
    ox.NamedNode(DGID_NS + "country/A."),
    ox.NamedNode(DGID_NS + "person/x~(y)"),
    ox.NamedNode(DGID_NS + "evidence/k/1-2"),
    ox.NamedNode(DGID_NS + "place/%20a"),
    ox.NamedNode("https://example.org/a#b?c=d"),
    ox.BlankNode("b1"),
]


def test_turtle_and_trig_writers_round_trip_awkward_terms(tmp_path: Path) -> None:
    """Escapes, bare numbers and prefixed names are only used where they read back the same."""
    graph = ox.NamedNode(DGID_NS + "statement/s1")
    subjects = [ox.NamedNode(DGID_NS + "event/e-1"), ox.NamedNode(DGID_NS + "evidence/k/3-4"),
                ox.BlankNode("b2")]
    quads = [ox.Quad(s, ox.NamedNode(DGID_NS.replace("id/", "ontology#") + "p"), o, graph)
             for s in subjects for o in AWKWARD_TERMS]
    triples = sorted((q.triple for q in quads),
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    buf = io.StringIO()
    write_turtle(triples, buf)
    back = {q.triple for q in ox.parse(buf.getvalue().encode("utf-8"), format=ox.RdfFormat.TURTLE)}
    assert _without_bnodes(back) == _without_bnodes(set(triples))
    assert len(back) == len(triples)
    assert isomorphic(Graph().parse(data=buf.getvalue(), format="turtle"),
                      Graph().parse(data=_nt(triples), format="nt"))
    buf = io.StringIO()
    write_trig(sorted(quads, key=lambda q: (str(q.subject), str(q.object))), buf)
    quads_back = set(ox.parse(buf.getvalue().encode("utf-8"), format=ox.RdfFormat.TRIG))
    assert {q.graph_name for q in quads_back} == {graph} and len(quads_back) == len(quads)


def _without_bnodes(triples: set[ox.Triple]) -> set[ox.Triple]:
    return {t for t in triples if not isinstance(t.subject, ox.BlankNode)
            and not isinstance(t.object, ox.BlankNode)}


def _nt(triples: list[ox.Triple]) -> str:
    buf = io.BytesIO()
    ox.serialize(triples, buf, format=ox.RdfFormat.N_TRIPLES)
    return buf.getvalue().decode("utf-8")


# -- JSON-LD with a context (issue 14) --------------------------------------------------

def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            if k != "@context":
                yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def test_jsonld_is_compacted_with_the_shipped_context(kg: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    kg.export(out, "jsonld")
    doc = json.loads(out.read_text(encoding="utf-8"))
    shipped = json.loads((resources.ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == shipped["@context"]
    keys = set(_keys(doc["@graph"]))
    assert not [k for k in keys if "://" in k or k.startswith("dg:")], keys
    ids = [n["id"] for n in doc["@graph"]]
    assert len(ids) == len(set(ids)), "one object per node"
    meeting = next(n for n in doc["@graph"] if n.get("type") == "Meeting" and "participantCount" in n)
    assert isinstance(meeting["participantCount"], int)
    assert all(p.startswith("dgid:") for p in meeting["participant"])
    assert len(meeting["date"]) == 10 and meeting["date"][4] == "-"
    planned = [n for n in doc["@graph"] if "planned" in n]
    assert planned and all(n["planned"] is True for n in planned)
    country = next(n for n in doc["@graph"] if n["id"] == "dgid:country/GBR")
    assert country["type"] == "Country" and country["iso3"] == "GBR"


def test_jsonld_parses_to_the_graph_of_the_turtle_export(kg: KnowledgeGraph, tmp_path: Path) -> None:
    from pyld import jsonld

    for with_ontology in (False, True):
        ttl, js = tmp_path / "g.ttl", tmp_path / "g.jsonld"
        kg.export(ttl, "turtle", include_ontology=with_ontology)
        kg.export(js, "jsonld", include_ontology=with_ontology)
        turtle = Graph().parse(ttl, format="turtle")
        by_rdflib = Graph().parse(js, format="json-ld")
        assert len(by_rdflib) == len(turtle)
        assert isomorphic(by_rdflib, turtle)
        nquads = jsonld.to_rdf(json.loads(js.read_text(encoding="utf-8")),
                               {"format": "application/n-quads"})
        assert isomorphic(Graph().parse(data=nquads, format="nt"), turtle)


def test_the_context_is_made_from_the_ontology() -> None:
    shipped = json.loads((resources.ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    assert shipped == build_context(), (
        "ontology/context.jsonld is out of date: run `defgraph ontology-docs --context "
        "ontology/context.jsonld -o docs/ontology.html`")
    ctx = shipped["@context"]
    for name in DG.__annotations__:
        assert ctx.get(name) == f"dg:{name}" or ctx[name]["@id"] == f"dg:{name}", name


def test_hand_written_json_reads_back_into_rdf() -> None:
    doc = {
        "@context": "https://example.org/anywhere/context.jsonld",
        "@graph": [
            {"id": "dgid:event/my-meeting", "type": "Meeting", "date": "2025-05-12",
             "participant": ["dgid:country/FRA", "dgid:country/DEU"], "participantCount": 2,
             "planned": False, "label": "Ministers meet"},
            {"id": "dgid:pledge/p1", "type": "Pledge", "amount": "1500000", "currency": "EUR",
             "pledgedBy": "dgid:country/FRA", "confidence": "0.9"},
        ],
    }
    g = read_jsonld(json.dumps(doc))
    expected = Graph().parse(format="turtle", data="""
        @prefix dg: <https://w3id.org/defgraph/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix event: <https://w3id.org/defgraph/id/event/> .
        @prefix country: <https://w3id.org/defgraph/id/country/> .
        @prefix pledge: <https://w3id.org/defgraph/id/pledge/> .
        event:my-meeting a dg:Meeting ; dg:date "2025-05-12"^^xsd:date ;
            dg:participant country:FRA, country:DEU ; dg:participantCount 2 ;
            dg:planned false ; rdfs:label "Ministers meet" .
        pledge:p1 a dg:Pledge ; dg:amount "1500000"^^xsd:decimal ; dg:currency "EUR" ;
            dg:pledgedBy country:FRA ; dg:confidence 0.9 .
    """)
    assert isomorphic(g, expected)
    # the store takes what was read: the pledge is summed by a canned query
    store = KnowledgeGraph(":memory:")
    buf = io.BytesIO(g.serialize(format="nt", encoding="utf-8"))
    graph = ox.NamedNode(DGID_NS + "statement/hand")
    store.store.replace_graph(graph, [ox.Quad(t.subject, t.predicate, t.object, graph)
                                      for t in ox.parse(buf, format=ox.RdfFormat.N_TRIPLES)])
    store.rebuild()  # queries read the consolidated graph
    rows = store.query("pledges_by_donor")
    assert [(r["donor_iso"] if "donor_iso" in r else r["donor"], r["total"]) for r in rows] == [
        (DGID_NS + "country/FRA", Decimal(1500000))]


_LOCAL = st.text(alphabet="abcXYZ019-._~:/()!$&'*+,;=", min_size=0, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("country", "event", "evidence", "org")), _LOCAL,
                          st.text(max_size=30)), min_size=1, max_size=8))
def test_turtle_writer_round_trips_any_name_and_text(items: list[tuple[str, str, str]]) -> None:
    p = ox.NamedNode("https://w3id.org/defgraph/ontology#p")
    triples = sorted({ox.Triple(ox.NamedNode(f"{DGID_NS}{kind}/{local}"), p, ox.Literal(text))
                      for kind, local, text in items},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    buf = io.StringIO()
    write_turtle(triples, buf)
    assert "\\/" not in buf.getvalue().split("\n\n", 1)[-1].replace('\\\\', '')
    back = {q.triple for q in ox.parse(buf.getvalue().encode("utf-8"), format=ox.RdfFormat.TURTLE)}
    assert back == set(triples)


# -- bounded memory: the external merge sort -------------------------------------------

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_runs_on_disk_give_the_same_bytes_as_one_run_in_memory(kg: KnowledgeGraph, tmp_path: Path,
                                                               fmt: str) -> None:
    """Runs of a few kB (hundreds of temporary files, merged in stages) write the very file
    that one run in memory writes, count the same items, and leave no temporary file."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    whole, chunked = io.BytesIO(), io.BytesIO()
    n = export(kg.store, whole, fmt, include_ontology=True, chunk_bytes=1 << 40, temp_dir=scratch)
    m = export(kg.store, chunked, fmt, include_ontology=True, chunk_bytes=8192, temp_dir=scratch)
    assert whole.getvalue() == chunked.getvalue() and n == m > 1000
    assert _leftovers(scratch) == []


def test_sorted_lines_merge_runs_and_drop_repeats(tmp_path: Path) -> None:
    import random

    from defgraph.export import _FAN_IN, _SortedLines

    lines = [f'<https://example.org/s{i % 997}> <https://example.org/p> "{i % 131}" .\n'.encode()
             for i in range(30_000)]
    random.Random(7).shuffle(lines)
    with _SortedLines(4096, tmp_path) as ordered:
        ordered.add(lines)
        (folder,) = tmp_path.iterdir()
        assert 0 < len(list(folder.iterdir())) < _FAN_IN  # runs on disk, merged in stages
        got = list(ordered)
    assert got == sorted(set(lines)) and ordered.count == len(set(lines))
    assert _leftovers(tmp_path) == []


class _FailingStream(io.BytesIO):
    """A binary stream that fails after a few kB, as a full disk would."""

    def write(self, data: Any) -> int:
        if self.tell() > 4096:
            raise OSError(28, "No space left on device")
        return super().write(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)


@pytest.mark.parametrize("fmt", ["nt", "turtle", "trig", "jsonld"])
def test_temporary_files_are_removed_when_writing_fails(kg: KnowledgeGraph, tmp_path: Path,
                                                        fmt: str) -> None:
    with pytest.raises(ExportError, match="No space left"):
        export(kg.store, _FailingStream(), fmt, chunk_bytes=8192, temp_dir=tmp_path)
    assert _leftovers(tmp_path) == []


def test_temporary_files_are_removed_when_reading_the_store_fails(kg: KnowledgeGraph,
                                                                  tmp_path: Path) -> None:
    class Failing:
        """The sample store, failing half-way through its quads."""

        def quads(self, *, include_ontology: bool = False) -> Iterator[ox.Quad]:
            for i, q in enumerate(kg.store.quads(include_ontology=include_ontology)):
                if i == 5000:
                    raise RuntimeError("the store went away")
                yield q

    out = tmp_path / "out" / "g.nq"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(RuntimeError, match="went away"):
        export(Failing(), out, "nquads", chunk_bytes=8192, temp_dir=scratch)
    assert _leftovers(scratch) == [] and not out.exists()  # the output is not even begun


def test_streamed_jsonld_is_json_dump_of_the_whole_document(kg: KnowledgeGraph) -> None:
    from defgraph.export import to_jsonld, write_jsonld

    buf = io.BytesIO()
    export(kg.store, buf, "nt")
    triples = list(ox.parse(buf.getvalue(), format=ox.RdfFormat.N_TRIPLES))
    for part in (triples, triples[:0], triples[:3]):
        streamed = io.StringIO()
        write_jsonld(part, streamed)
        whole = io.StringIO()
        json.dump(to_jsonld(part), whole, ensure_ascii=False, indent=1)  # type: ignore[arg-type]
        assert streamed.getvalue() == whole.getvalue() + "\n"
        json.loads(streamed.getvalue())


def test_streamed_store_reads_give_what_whole_reads_give(kg: KnowledgeGraph) -> None:
    """What export reads one at a time (the consolidated graph, the statements' texts) is
    what the store's whole reads give."""
    from defgraph.maintain import internal_query, statement_graphs
    from defgraph.stores import OxigraphStore, Rows
    from defgraph.vocab import CONSOLIDATED_GRAPH

    store = kg.store
    assert isinstance(store, OxigraphStore)
    streamed = list(store.iter_graph_quads(CONSOLIDATED_GRAPH))
    assert len(streamed) == len(set(streamed)) > 1000
    assert set(streamed) == store.graph_quads(CONSOLIDATED_GRAPH)
    sparql = internal_query("statement_texts")
    whole = store.query(sparql, union=True)
    assert isinstance(whole, Rows) and len(whole.rows) == len(statement_graphs(store))
    assert sorted(map(str, store.iter_rows(sparql, union=True))) == sorted(map(str, whole.rows))
