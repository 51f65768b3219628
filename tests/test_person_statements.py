"""How each statement told a person's state: the rule and its confidence in the statement's own
graph (dg:stateMethod, dg:stateConfidence), never in the consolidated graph, and
queries/person_statements.rq listing what each statement says of a person (issue #9, item 2)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from defgraph import KnowledgeGraph
from defgraph.query import load_query, run_query
from defgraph.vocab import CONSOLIDATED_GRAPH, DG_NS

# Two statements written for this test. The first says whose minister each is; the second
# names the same two ministers by office alone (their states come from rules/people.yaml, the
# list of public office holders, on the statement's day).
SAID = """Title: Defence ministers of India and Japan meet in New Delhi
Date: 2025-05-05
Publisher: Ministry of Defence (India)

New Delhi, 5 May 2025. India's Defence Minister Rajnath Singh received Japan's Minister of
Defense Gen Nakatani in New Delhi today for talks on maritime security.
"""
NOT_SAID = """Title: Minister of Defense holds talks in Tokyo
Date: 2025-06-10
Publisher: Ministry of Defense (Japan)

Tokyo, 10 June 2025. Minister of Defense Gen Nakatani held talks with
Defence Minister Rajnath Singh in Tokyo today. The two ministers discussed joint exercises.
"""
METHOD, CONFIDENCE = ox.NamedNode(DG_NS + "stateMethod"), ox.NamedNode(DG_NS + "stateConfidence")
SINGH = ox.NamedNode("https://w3id.org/defgraph/id/person/rajnath-singh")


def _kg(tmp_path: Path) -> KnowledgeGraph:
    folder = tmp_path / "statements"
    folder.mkdir()
    (folder / "a.txt").write_text(SAID, encoding="utf-8")
    (folder / "b.txt").write_text(NOT_SAID, encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    assert kg.ingest(folder).stored == 2
    return kg


def _rows(kg: KnowledgeGraph, person: str) -> list[tuple[str | None, ...]]:
    rows = run_query(kg.store, load_query("person_statements"), {"person": person}).rows  # type: ignore[union-attr]
    return [tuple(None if v is None else v.value for v in row) for row in rows]


def test_the_rule_that_told_a_state_is_in_the_statement_graph_only(tmp_path: Path) -> None:
    kg = _kg(tmp_path)
    told = {(q.graph_name.value, q.object.value) for q in kg.store.raw.quads_for_pattern(SINGH, METHOD, None)}
    # one statement graph says how it told the state; the one whose text says it has none
    assert len(told) == 1 and next(iter(told))[1] == "known_office_holder"
    (graph, _), = told
    conf = list(kg.store.raw.quads_for_pattern(SINGH, CONFIDENCE, None, ox.NamedNode(graph)))
    assert [q.object.value for q in conf] == ["0.8"]
    consolidated = ox.NamedNode(CONSOLIDATED_GRAPH)
    for p in (METHOD, CONFIDENCE):
        assert not list(kg.store.raw.quads_for_pattern(None, p, None, consolidated))
    state = list(kg.store.raw.quads_for_pattern(SINGH, ox.NamedNode(DG_NS + "represents"), None, consolidated))
    assert [q.object.value.rsplit("/", 1)[1] for q in state] == ["IND"]


def test_person_statements_lists_each_statement_with_its_method(tmp_path: Path) -> None:
    kg = _kg(tmp_path)
    rows = _rows(kg, "dgid:person/rajnath-singh")
    # one row per statement naming him, the earliest first: office, state, how it was told
    assert [(r[4], r[6], r[7].rsplit("/", 1)[1], r[8], r[9]) for r in rows] == [  # type: ignore[union-attr]
        ("2025-05-05", "Defence Minister", "IND", "stated", None),
        ("2025-06-10", "Defence Minister", "IND", "known_office_holder", "0.8"),
    ]
    assert {(r[2], r[3]) for r in rows} == {("Defence Minister", "https://w3id.org/defgraph/id/country/IND")}
    assert len({r[5] for r in rows}) == 2
    assert _rows(kg, "dgid:person/nobody-at-all") == []


def test_a_statement_that_gives_no_state_has_a_row_without_one(tmp_path: Path) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    (folder / "c.txt").write_text(
        "Title: Alliance official visits a training centre\nDate: 2025-03-02\n\n"
        "Deputy Secretary General Radmila Okonjo of the alliance toured a training centre "
        "on 2 March 2025 and spoke to instructors.\n", encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    assert kg.ingest(folder).stored == 1
    rows = _rows(kg, "dgid:person/radmila-okonjo")
    assert [(r[4], r[6], r[7], r[8], r[9]) for r in rows] == [
        ("2025-03-02", "Deputy Secretary General", None, None, None)]


def test_rebuild_keeps_the_records_and_the_same_consolidated_graph(tmp_path: Path) -> None:
    kg = _kg(tmp_path)
    consolidated = ox.NamedNode(CONSOLIDATED_GRAPH)
    before = set(kg.store.raw.quads_for_pattern(None, None, None, consolidated))
    kg.rebuild()
    assert set(kg.store.raw.quads_for_pattern(None, None, None, consolidated)) == before
    assert _rows(kg, "dgid:person/rajnath-singh")[1][8] == "known_office_holder"


POST = """Title: Philippine and Japanese officials meet in Manila
Date: 2025-02-24
Publisher: Department of National Defense (Philippines)

Manila, 24 February 2025. Senior Philippine officials met the Japanese Defense Minister in
Manila today, together with the Japanese defense attache, to discuss maritime security.
"""


def test_an_office_named_without_its_holder_is_held_by_the_listed_holder(tmp_path: Path) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    (folder / "post.txt").write_text(POST, encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    assert kg.ingest(folder).stored == 1
    held = ox.NamedNode(DG_NS + "heldBy")
    nakatani = "https://w3id.org/defgraph/id/person/gen-nakatani"
    by_graph: dict[str, set[tuple[str, str]]] = {}
    for q in kg.store.raw.quads_for_pattern(None, held, None):
        by_graph.setdefault(q.graph_name.value, set()).add((q.subject.value, q.object.value))
    # the statement's graph and the consolidated graph: one post, held by the one listed holder
    # that day; the attache's post (a state has many) is held by no one listed
    assert len(by_graph) == 2 and CONSOLIDATED_GRAPH in by_graph
    for pairs in by_graph.values():
        assert len(pairs) == 1 and next(iter(pairs))[1] == nakatani
        assert "defense-minister" in next(iter(pairs))[0]
    rows = _rows(kg, "dgid:person/gen-nakatani")
    assert [(r[1], r[6], r[7].rsplit("/", 1)[1], r[8], r[9]) for r in rows] == [  # type: ignore[union-attr]
        ("Gen Nakatani", "Defense Minister", "JPN", "known_office_holder", "0.8")]


def test_a_junior_or_civil_service_office_is_held_by_no_listed_minister() -> None:
    # the listed holder of the minister's office holds none of the offices beside it: a junior
    # minister's, an under or permanent secretary's, a shadow's or a former one's; and where
    # ministers lead (India), the Defence and Foreign Secretaries are civil servants
    import datetime as dt

    from defgraph.extract.holders import post_holder

    day = dt.date(2025, 3, 1)
    for state, role in [("GBR", "Minister of State for Defence"), ("GBR", "Shadow Defence Secretary"),
                        ("GBR", "Permanent Secretary"), ("GBR", "former Defence Secretary"),
                        ("USA", "Under Secretary of Defense"), ("USA", "Assistant Secretary of Defense"),
                        ("USA", "Acting Secretary of Defense"), ("IND", "Defence Secretary"),
                        ("IND", "Foreign Secretary"), ("IND", "Minister of State for External Affairs"),
                        ("FRA", "Minister Delegate for Foreign Affairs")]:
        assert post_holder(state, role, day) is None, (state, role)
    for state, role, name in [("GBR", "Defence Secretary", "John Healey"),
                              ("USA", "Secretary of Defense", "Pete Hegseth"),
                              ("IND", "Defence Minister", "Rajnath Singh"),
                              ("JPN", "Minister of Defense", "Gen Nakatani")]:
        h = post_holder(state, role, day)
        assert h is not None and h.name == name, (state, role)
    assert post_holder("IND", "Defence Minister", None) is None
