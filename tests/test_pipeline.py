"""The foundation's acceptance on a seed-shaped statement, end to end through a real Oxigraph store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from defgraph import KnowledgeGraph
from defgraph.ingest import read_file
from defgraph.mapping import graph_iri
from defgraph.store import OxigraphStore, Rows


@pytest.fixture(scope="module")
def seed_kg(seed_file: Path, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    kg = KnowledgeGraph(tmp_path_factory.mktemp("store"))
    report = kg.ingest(seed_file)
    assert report.ok and report.statements == 9
    return kg


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict]:
    result = kg.store.query(sparql)
    assert isinstance(result, Rows)
    return result.dicts()


def test_seed_meeting_convened_by_germany_and_the_netherlands(seed_kg: KnowledgeGraph) -> None:
    meetings = rows(seed_kg, """
        SELECT DISTINCT ?e WHERE { ?e a dg:Meeting ; dg:date "2024-10-17"^^xsd:date ;
            dg:convenedBy <https://w3id.org/defgraph/id/country/DEU>, <https://w3id.org/defgraph/id/country/NLD> ; dg:participantCount 22 }""")
    assert len(meetings) == 1
    event = meetings[0]["e"]
    orgs = {r["label"] for r in rows(seed_kg, f"""
        SELECT DISTINCT ?label WHERE {{ <{event}> dg:participant ?o . ?o a dg:Organisation ;
            rdfs:label ?label }}""")}
    assert {"European Commission", "Council of the EU", "NATO"} <= orgs


def test_evidence_offsets_cut_out_their_quotes(seed_kg: KnowledgeGraph) -> None:
    found = rows(seed_kg, """
        SELECT ?quote ?start ?end ?text WHERE { ?x dg:evidence ?ev . ?ev dg:quote ?quote ;
            dg:start ?start ; dg:end ?end ; dg:inStatement ?s . GRAPH ?s { ?s dg:text ?text } }""")
    assert len(found) >= 8
    for r in found:
        assert r["text"][r["start"]:r["end"]] == r["quote"]
    # every event, pledge and person has evidence
    missing = rows(seed_kg, """
        SELECT ?x WHERE { ?x a ?t . VALUES ?t { dg:Meeting dg:Visit dg:Call dg:Deployment
            dg:Pledge dg:Person } FILTER NOT EXISTS { ?x dg:evidence ?ev } }""")
    assert missing == []


def test_seed_pledge_from_germany_to_ukraine(seed_kg: KnowledgeGraph) -> None:
    pledges = rows(seed_kg, """
        SELECT ?p ?amount ?cur WHERE { ?p a dg:Pledge ; dg:pledgedBy <https://w3id.org/defgraph/id/country/DEU> ;
            dg:beneficiary <https://w3id.org/defgraph/id/country/UKR> ; dg:amount ?amount ; dg:currency ?cur }""")
    assert [(r["amount"], r["cur"]) for r in pledges] == [(300000000, "EUR")]


@pytest.mark.parametrize("headline", ["folding bridge", "Reserve service",
                                      "drone batteries"])
def test_digest_items_that_are_not_diplomacy_yield_no_event(seed_kg: KnowledgeGraph,
                                                            headline: str) -> None:
    found = rows(seed_kg, f"""
        SELECT ?e WHERE {{ ?s dct:title ?t . FILTER(CONTAINS(?t, "{headline}"))
            ?e dg:reportedIn ?s }}""")
    assert found == []


def test_each_statement_is_its_own_named_graph(seed_kg: KnowledgeGraph, seed_file: Path) -> None:
    statements = read_file(seed_file)
    graphs = {g.value for g in seed_kg.store.named_graphs()}
    assert {graph_iri(s).value for s in statements} <= graphs


def test_reingest_changes_nothing(seed_file: Path, tmp_path: Path) -> None:
    kg = KnowledgeGraph(tmp_path / "s")
    kg.ingest(seed_file)
    before = set(kg.store.quads(include_ontology=True))
    again = kg.ingest(seed_file)
    assert again.stored == 0 and again.unchanged == 9
    assert set(kg.store.quads(include_ontology=True)) == before


def test_changed_statement_replaces_its_graph_whole(tmp_path: Path) -> None:
    url = "https://www.example.gov/news/talks"
    first = tmp_path / "a.txt"
    first.write_text(f" date 2025-03-03 Example Ministry\nTalks\nPoland and Lithuania held talks in "
                     f"Vilnius.\nOriginal article link: {url}\n", encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "s")
    kg.ingest(first)
    first.write_text(f" date 2025-03-03 Example Ministry\nTalks\nEstonia and Latvia held talks in "
                     f"Riga.\nOriginal article link: {url}\n", encoding="utf-8")
    kg.ingest(first)
    st = read_file(first)[0]
    quads = kg.store.graph_quads(graph_iri(st))
    text = " ".join(str(q.object) for q in quads)
    assert "Riga" in text and "Vilnius" not in text


def test_store_reopens_from_disk(seed_file: Path, tmp_path: Path) -> None:
    kg = KnowledgeGraph(tmp_path / "disk")
    kg.ingest(seed_file)
    n = kg.store.triple_count()
    kg.store.close()
    del kg
    again = OxigraphStore(tmp_path / "disk")
    assert again.triple_count() == n > 100


def test_summary_counts(seed_kg: KnowledgeGraph) -> None:
    s = seed_kg.summary()
    assert s["statements"] == 9
    assert s["events"]["Meeting"] >= 2 and s["pledges"] == 1
    assert s["triples"] > 100


def test_notebook_api_returns_rows_and_dataframe(seed_kg: KnowledgeGraph) -> None:
    timeline = seed_kg.query("events_timeline")
    assert timeline and isinstance(timeline[0], dict)
    df = seed_kg.query_df("pledges_by_donor")
    assert list(df["donor_iso"]) == ["DEU"] and int(df["total"][0]) == 300000000


def test_ontology_graph_is_kept_apart(seed_kg: KnowledgeGraph) -> None:
    onto = ox.NamedNode("https://w3id.org/defgraph/graph/ontology")
    assert seed_kg.store.has_graph(onto)
    assert all(q.graph_name != onto for q in seed_kg.store.quads())


def test_seed_meeting_merged_with_its_digest_item_is_in_copenhagen(seed_kg: KnowledgeGraph) -> None:
    found = rows(seed_kg, """
        SELECT ?e (COUNT(DISTINCT ?s) AS ?reports) WHERE {
            ?e a dg:Meeting ; dg:date "2024-10-17"^^xsd:date ; dg:reportedIn ?s ;
               dg:location/rdfs:label "Copenhagen" } GROUP BY ?e""")
    assert len(found) == 1 and found[0]["reports"] == 2


def _readout(path: Path, url: str, count: str) -> None:
    path.write_text(f" date 2025-05-06 Example Ministry\nMinisters meet in Tallinn\nThe defence "
                    f"ministers of Estonia and Latvia convened counterparts from {count} countries in "
                    f"Tallinn on 6 May 2025.\nOriginal article link: {url}\n", encoding="utf-8")


def test_conflicting_details_are_kept_with_their_sources(tmp_path: Path) -> None:
    _readout(tmp_path / "a.txt", "https://www.example.ee/a", "12")
    _readout(tmp_path / "b.txt", "https://www.example.lv/b", "14")
    kg = KnowledgeGraph(tmp_path / "s")
    kg.ingest(tmp_path / "a.txt", tmp_path / "b.txt")
    # each statement's graph keeps what it said ...
    found = rows(kg, """
        SELECT ?r ?n ?g WHERE { GRAPH ?g { ?r a dg:Meeting ; dg:participantCount ?n }
            FILTER(?g != <https://w3id.org/defgraph/graph/consolidated>) } ORDER BY ?n""")
    assert [r["n"] for r in found] == [12, 14]
    assert found[0]["g"] != found[1]["g"]
    # ... and the consolidated graph has one event with both reports and one count
    # (a tie: the smaller value, whatever the order the statements came in)
    merged = rows(kg, """
        SELECT ?e ?n (COUNT(DISTINCT ?r) AS ?reports) WHERE {
            ?e a dg:Meeting ; dg:report ?r ; dg:participantCount ?n } GROUP BY ?e ?n""")
    assert [(m["n"], m["reports"]) for m in merged] == [(12, 2)]
    again = set(kg.store.quads())
    kg.ingest(tmp_path / "b.txt", tmp_path / "a.txt")
    assert set(kg.store.quads()) == again


def test_sample_corpus_with_seed_conforms_to_the_shapes(seed_file: Path, sample_dir: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(sample_dir, seed_file)
    report = kg.validate()
    assert report.conforms, report.text
