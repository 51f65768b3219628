"""The consolidated graph: one node per real thing, decided merging, the same graph whatever
the order, the number of workers, or the path (incremental or rebuilt)."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from defgraph.pipeline import KnowledgeGraph
from defgraph.vocab import CONSOLIDATED_GRAPH

C = ox.NamedNode(CONSOLIDATED_GRAPH)

# Statements written for these tests. Several report the same meeting (one a preview, one
# a digest-like short note), two are different visits to one city on one day, one gives a
# pledge with a component, one gives a different date for a meeting (a conflict).
STATEMENTS = {
    "tallinn-readout.txt": (
        " date 2025-05-07 Ministry of Defence of Estonia\n"
        "Estonia and Latvia host Baltic defence talks\n"
        "The defence ministers of Estonia and Latvia met their Lithuanian counterpart in "
        "Tallinn on 6 May 2025 to discuss air defence.\n"
        "Original article link: https://example.ee/news/baltic-talks\n"),
    "tallinn-short.txt": (
        " date 2025-05-06 Ministry of Defence of Latvia\n"
        "Latvian minister in Tallinn\n"
        "The Latvian defence minister met the Estonian defence minister in Tallinn today.\n"
        "Original article link: https://example.lv/news/tallinn\n"),
    "tallinn-preview.txt": (
        " date 2025-05-02 Ministry of National Defence of Lithuania\n"
        "Minister to attend Baltic talks\n"
        "The Lithuanian defence minister will meet the defence ministers of Estonia and "
        "Latvia in Tallinn on 6 May 2025.\n"
        "Original article link: https://example.lt/news/preview\n"),
    "oslo-visit-held.txt": (
        " date 2025-03-11 Norwegian Ministry of Defence\n"
        "Danish minister visits Oslo\n"
        "Denmark's defence minister arrived in Oslo today on a working visit and was "
        "welcomed by Norway's defence minister.\n"
        "Original article link: https://example.no/news/danish-visit\n"),
    "oslo-visit-planned.txt": (
        " date 2025-03-10 Ministry of Defence of Finland\n"
        "Finnish minister to travel to Norway\n"
        "Finland's defence minister will travel to Oslo on 11 March 2025 for talks with "
        "Norway's defence minister.\n"
        "Original article link: https://example.fi/news/oslo-trip\n"),
    "pledge.txt": (
        " date 2025-06-02 Ministry of Defence\n"
        "New support package for Ukraine\n"
        "The United Kingdom will provide Ukraine with a package worth £300 million, "
        "including £100 million for air defence missiles.\n"
        "Original article link: https://example.uk/news/package\n"),
}


def write_corpus(folder: Path, names: list[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or list(STATEMENTS):
        p = folder / name
        p.write_text(STATEMENTS[name], encoding="utf-8")
        paths.append(p)
    return paths


def consolidated(kg: KnowledgeGraph) -> set[ox.Quad]:
    """The consolidated graph, less the files' paths (each test writes its own folder)."""
    source_file = ox.NamedNode("https://w3id.org/defgraph/ontology#sourceFile")
    return {q for q in kg.store.graph_quads(C) if q.predicate != source_file}


def rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, object]]:
    return kg.query(sparql)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> set[ox.Quad]:
    """The consolidated graph of the corpus ingested at once into a fresh store."""
    tmp = tmp_path_factory.mktemp("whole")
    kg = KnowledgeGraph(tmp / "store")
    kg.ingest(*write_corpus(tmp / "corpus"), workers=1)
    quads = consolidated(kg)
    kg.close()
    return quads


def test_reports_of_one_meeting_are_one_event(tmp_path: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(*write_corpus(tmp_path))
    found = rows(kg, """
        SELECT ?e (COUNT(DISTINCT ?s) AS ?n) WHERE {
            ?e a dg:Meeting ; dg:date "2025-05-06"^^xsd:date ; dg:reportedIn ?s } GROUP BY ?e""")
    assert [r["n"] for r in found] == [3]
    # held, though one report was a preview; one label, the others alternative labels
    meeting = found[0]["e"]
    planned = rows(kg, f"ASK {{ <{meeting}> dg:planned true }}")
    assert planned == [{"boolean": False}]
    labels = rows(kg, f"SELECT ?l WHERE {{ <{meeting}> rdfs:label ?l }}")
    assert len(labels) == 1


def test_a_planned_visit_and_a_different_held_visit_are_two_events(tmp_path: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(*write_corpus(tmp_path, ["oslo-visit-held.txt", "oslo-visit-planned.txt"]))
    found = rows(kg, """
        SELECT ?e ?planned WHERE { ?e a dg:Visit ; dg:date "2025-03-11"^^xsd:date .
            OPTIONAL { ?e dg:planned ?planned } } ORDER BY ?planned""")
    assert len(found) == 2
    assert sorted(str(r.get("planned")) for r in found) == ["None", "True"]


def test_timeline_and_evidence_give_one_row_per_event_and_span(tmp_path: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(*write_corpus(tmp_path))
    events = rows(kg, "SELECT DISTINCT ?e WHERE { ?e a ?c . ?c rdfs:subClassOf dg:Event }")
    assert len(kg.query("events_timeline")) == len(events)
    spans = rows(kg, """SELECT DISTINCT ?r ?ev WHERE { ?e dg:report ?r . ?r dg:evidence ?ev .
                        ?e a ?c . ?c rdfs:subClassOf dg:Event }""")
    evidence = kg.query("event_evidence")
    assert len(evidence) == len(spans)
    # each span credited to the statement it was cut from
    for row in evidence:
        assert str(row["evidence"]).split("/evidence/")[1].split("/")[0] == \
            str(row["statement"]).rsplit("/", 1)[1]


def test_a_component_pledge_points_at_its_total(tmp_path: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(*write_corpus(tmp_path, ["pledge.txt"]))
    totals = kg.query("pledges_by_donor")
    assert [(r["donor_iso"], r["total"], r["pledges"]) for r in totals] == [("GBR", 300000000, 1)]
    parts = rows(kg, "SELECT ?p ?whole WHERE { ?p dg:partOf ?whole . ?whole a dg:Pledge }")
    assert len(parts) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_graph_whatever_the_order(whole: set[ox.Quad], tmp_path: Path, seed: int) -> None:
    paths = write_corpus(tmp_path / "corpus")
    random.Random(seed).shuffle(paths)
    kg = KnowledgeGraph(tmp_path / "store")
    for p in paths:  # one statement at a time: the incremental path every time but the first
        kg.ingest(p)
    assert consolidated(kg) == whole


@pytest.mark.parametrize("workers", [1, 2])
def test_the_same_graph_whatever_the_number_of_workers(whole: set[ox.Quad], tmp_path: Path,
                                                       workers: int) -> None:
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(tmp_path / "corpus" if write_corpus(tmp_path / "corpus") else "", workers=workers)
    assert consolidated(kg) == whole


def test_rebuild_gives_the_incremental_graph(whole: set[ox.Quad], tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "corpus")
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*paths[:3])
    kg.ingest(*paths[3:])  # incremental
    incremental = consolidated(kg)
    kg.rebuild()
    assert consolidated(kg) == incremental == whole


def test_a_changed_file_without_url_replaces_its_statement(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text(" date 2025-02-03 Ministry of Defence\nCall with Japan\nThe Defence "
                    "Secretary spoke with Japan's defence minister by phone today.\n",
                    encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(note)
    assert rows(kg, "SELECT ?c WHERE { ?c a dg:Country ; dg:iso3 'JPN' }")
    note.write_text(" date 2025-02-03 Ministry of Defence\nCall with Korea\nThe Defence "
                    "Secretary spoke with South Korea's defence minister by phone today.\n",
                    encoding="utf-8")
    report = kg.ingest(note)
    assert report.stored == 1 and report.withdrawn == 1
    statements = rows(kg, "SELECT ?s WHERE { ?s a dg:Statement }")
    assert len(statements) == 1
    # nothing left of the old statement in the consolidated graph: no orphan
    assert rows(kg, "SELECT ?c WHERE { ?c a dg:Country ; dg:iso3 'JPN' }") == []
    assert rows(kg, "SELECT ?c WHERE { ?c a dg:Country ; dg:iso3 'KOR' }")
    before = consolidated(kg)
    kg.rebuild()
    assert consolidated(kg) == before


# A person whose state the statements disagree on, then settle: the first names her in a
# Danish release (the extractor gives her Denmark), the two later ones give Sweden.
BERGLUND = {
    "a.txt": (" date 2025-04-02 Ministry of Defence of Denmark\nDanish minister meets Anna "
              "Berglund\nThe Danish defence minister met Defence Minister Anna Berglund in "
              "Copenhagen today to discuss air defence.\n"
              "Original article link: https://example.dk/news/berglund\n"),
    "b.txt": (" date 2025-04-20 Ministry of Defence of Sweden\nSwedish minister in Helsinki\n"
              "Anna Berglund, Sweden's defence minister, met the Finnish defence minister in "
              "Helsinki today.\nOriginal article link: https://example.se/news/helsinki\n"),
    "c.txt": (" date 2025-05-05 Ministry of Defence of Sweden\nCall with Norway\nAnna "
              "Berglund, the Swedish defence minister, spoke by phone with the Norwegian "
              "defence minister today.\nOriginal article link: https://example.se/news/call\n"),
}


def test_the_states_of_an_event_follow_what_later_statements_say_of_its_parties(
        tmp_path: Path) -> None:
    """dg:convenorState / participantState / virtualState are derived from the parties: when
    a later statement changes a person's state, the events she took part in follow, though
    their own reports did not change (the incremental path equals a whole build)."""
    paths = []
    for name, text in BERGLUND.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    kg = KnowledgeGraph(tmp_path / "one-by-one")
    by_country = "SELECT ?country_iso ?label ?role WHERE { " \
        "?event rdfs:label ?label ; ?property ?country . ?country dg:iso3 ?country_iso . " \
        "VALUES (?property ?role) { (dg:convenorState 'convenor') " \
        "(dg:participantState 'participant') (dg:virtualState 'virtual') } }"
    kg.ingest(paths[0])
    first = [r for r in rows(kg, by_country)]
    assert {r["country_iso"] for r in first} == {"DNK"}
    for p in paths[1:]:
        kg.ingest(p)
    copenhagen = {r["country_iso"] for r in rows(kg, by_country)
                  if r["label"] == first[0]["label"]}
    assert copenhagen == {"DNK", "SWE"}  # she is Swedish now, in two statements of three
    whole = KnowledgeGraph(tmp_path / "whole")
    whole.ingest(*paths)
    assert consolidated(kg) == consolidated(whole)
    kg.rebuild()
    assert consolidated(kg) == consolidated(whole)


# Two exercises announced with their days, 5 to 15 May near Tallinn and 2 to 9 May near
# Riga, and a report of one day of each: the 10th near Tallinn, the 9th (the Riga
# exercise's last) near Riga. Each day report starts within its exercise's days; the Riga
# exercise and the report of the 9th start before the 10th and do not reach it.
EXERCISE = {
    "runs.txt": (" date 2025-05-04 Ministry of Defence of Estonia\nExercise with Latvia begins\n"
                 "Estonia and Latvia start a joint exercise that runs from 5 to 15 May 2025 "
                 "near Tallinn.\nOriginal article link: https://example.ee/news/exercise-start\n"),
    "day.txt": (" date 2025-05-10 Ministry of Defence of Latvia\nLatvian troops in joint "
                "exercise\nLatvian and Estonian troops held a joint exercise near Tallinn "
                "today.\nOriginal article link: https://example.lv/news/exercise-day\n"),
    "single.txt": (" date 2025-05-09 Ministry of Defence of Latvia\nTroops train together\n"
                   "Latvian and Estonian troops held a joint exercise near Riga today.\n"
                   "Original article link: https://example.lv/news/exercise-riga\n"),
    "ended.txt": (" date 2025-05-01 Ministry of Defence of Estonia\nShort exercise\nEstonia and "
                  "Latvia hold a joint exercise from 2 to 9 May 2025 near Riga.\n"
                  "Original article link: https://example.ee/news/exercise-short\n"),
}


@pytest.mark.parametrize("first", list(EXERCISE))
def test_an_event_of_several_days_meets_a_report_of_one_of_them_in_any_order(
        tmp_path: Path, first: str) -> None:
    """The incremental path looks for reports that start up to MAX_SPAN_DAYS before a new
    report and run on into its days (reports_running_from_day.rq): whichever statement comes
    first, the graph is the whole build's, each exercise one event with the report of its
    day."""
    paths = []
    for name, text in EXERCISE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    whole = KnowledgeGraph(tmp_path / "whole")
    whole.ingest(*paths)
    events = rows(whole, "SELECT ?e (COUNT(?r) AS ?n) WHERE { ?e a dg:Exercise ; dg:report ?r }"
                         " GROUP BY ?e")
    assert [int(str(r["n"])) for r in events] == [2, 2]
    kg = KnowledgeGraph(tmp_path / "one-by-one")
    order = [p for p in paths if p.name != first] + [p for p in paths if p.name == first]
    for p in reversed(order):  # ``first`` is ingested first, the others one at a time after
        kg.ingest(p)
    assert consolidated(kg) == consolidated(whole)
