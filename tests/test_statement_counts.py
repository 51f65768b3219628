"""dg:statementCount: how many statements name each person and organisation, stated on it
whenever the consolidated graph is written (persons_roles_by_country reads it instead of
counting every evidence span's statement)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from test_consolidate import consolidated
from test_derived_states import HOLM, HOLM_B_WITHDRAWN, RUTTE, write

from defgraph.pipeline import KnowledgeGraph
from defgraph.vocab import CONSOLIDATED_GRAPH, dg

C = ox.NamedNode(CONSOLIDATED_GRAPH)

# the count as the spans give it, beside the count the graph states
COUNTS = """
SELECT ?entity ?stated ?spans WHERE {
  { SELECT ?entity (COUNT(DISTINCT ?statement) AS ?spans) WHERE {
      { ?entity a dg:Person } UNION { ?entity a dg:Post } UNION { ?entity a dg:Organisation }
      ?entity dg:evidence ?span . ?span dg:inStatement ?statement }
    GROUP BY ?entity }
  OPTIONAL { ?entity dg:statementCount ?stated }
}"""


def counts(kg: KnowledgeGraph) -> dict[str, tuple[object, object]]:
    return {str(r["entity"]): (r.get("stated"), r["spans"]) for r in kg.query(COUNTS)}


def assert_counted(kg: KnowledgeGraph) -> dict[str, tuple[object, object]]:
    found = counts(kg)
    assert found
    assert all(stated == spans for stated, spans in found.values()), found
    # nothing else carries a count
    counted = {str(q.subject.value) for q in kg.store.graph_quads(C)
               if q.predicate == dg("statementCount")}
    assert counted == set(found)
    return found


def test_each_named_entity_states_how_many_statements_name_it(tmp_path: Path) -> None:
    paths = write(tmp_path / "in", {**HOLM, "rutte.txt": RUTTE})
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*paths[:2])
    kg.ingest(*paths[2:])  # incremental: Karin Holm is named a third time
    found = assert_counted(kg)
    holm = [n for e, (n, _) in found.items() if e.endswith("/karin-holm")]
    assert holm == [3]
    assert any("/person/" not in e for e in found)  # an organisation is counted too
    incremental = consolidated(kg)
    kg.rebuild()
    assert consolidated(kg) == incremental
    assert_counted(kg)


def test_a_replaced_statement_no_longer_counts(tmp_path: Path) -> None:
    paths = write(tmp_path / "in", HOLM)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*paths)
    assert [n for e, (n, _) in assert_counted(kg).items() if e.endswith("/karin-holm")] == [3]
    paths[1].write_text(HOLM_B_WITHDRAWN, encoding="utf-8")  # same URL, now Erik Sand
    kg.ingest(paths[1])
    after = assert_counted(kg)
    assert [n for e, (n, _) in after.items() if e.endswith("/karin-holm")] == [2]
    assert [n for e, (n, _) in after.items() if e.endswith("/erik-sand")] == [1]


def test_a_store_from_before_the_counts_gets_them_all(tmp_path: Path) -> None:
    """A store consolidated by a version without dg:statementCount gets a count on every
    named entity at its next incremental ingest, not only on those the ingest touches."""
    *holm, rutte = write(tmp_path / "in", {**HOLM, "rutte.txt": RUTTE})
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*holm)
    kg.store.change([q for q in kg.store.graph_quads(C)
                     if q.predicate == dg("statementCount")], [])
    assert counts(kg) and all(stated is None for stated, _ in counts(kg).values())
    kg.ingest(rutte)  # names other entities only
    assert [n for e, (n, _) in assert_counted(kg).items() if e.endswith("/karin-holm")] == [3]


def test_an_ingest_that_changes_nothing_still_writes_the_counts(tmp_path: Path) -> None:
    """The same files again into a store from before the counts: nothing new, and yet every
    named entity gets its count (persons_roles_by_country needs it to list a person)."""
    holm = write(tmp_path / "in", HOLM)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*holm)
    kg.store.change([q for q in kg.store.graph_quads(C)
                     if q.predicate == dg("statementCount")], [])
    assert kg.query("persons_roles_by_country") == []
    kg.ingest(*holm)
    assert_counted(kg)
    assert any(r["name"] == "Karin Holm" for r in kg.query("persons_roles_by_country"))


def test_an_entity_grown_from_its_node_is_the_entity_counted_anew() -> None:
    """grown_entity_triples (the node as stored, plus what new statements say) gives what
    counted_entity_triples gives for every statement, or None when a new statement gives a
    one-value property another value: the incremental ingest then counts in the store."""
    from itertools import permutations

    from defgraph.consolidate import entity_triples, grown_entity_triples
    from defgraph.vocab import ALT_LABEL, LABEL, TYPE

    who = ox.NamedNode("https://w3id.org/defgraph/id/person/anna-berg")
    swe = ox.NamedNode("https://w3id.org/defgraph/id/country/SWE")
    nato = ox.NamedNode("https://w3id.org/defgraph/id/org/nato")

    def said(label: str, *more: tuple[ox.NamedNode, ox.NamedNode | ox.Literal],
             span: int | None = None) -> list[tuple[ox.NamedNode, ox.NamedNode, object]]:
        out = [(who, TYPE, dg("Person")), (who, LABEL, ox.Literal(label))]
        out += [(who, p, o) for p, o in more]
        if span is not None:
            out.append((who, dg("evidence"),
                        ox.NamedNode(f"https://w3id.org/defgraph/id/span/{span}")))
        return out

    statements = [
        said("Anna Berg", (dg("country"), swe), (dg("represents"), swe), span=1),
        said("Anna Berg", (dg("roleTitle"), ox.Literal("Defence Minister")), span=2),
        said("Anna Berg", (dg("represents"), swe), (ALT_LABEL, ox.Literal("A. Berg"))),
        said("Anna Berg", (dg("represents"), nato), span=3),  # a second kind: its own winner
        said("Anna Berg", (dg("country"), swe)),
        said("Annа Berg", span=4),  # another label (a Cyrillic a): which leads needs counts
        said("Anna Berg", (dg("roleTitle"), ox.Literal("Minister")), span=5),
    ]
    grown_at_all = 0
    for order in permutations(range(len(statements)), 3):
        before = [statements[i] for i in order[:2]]
        stored = entity_triples(who.value, before)
        grown = grown_entity_triples(who.value, stored, [statements[order[2]]])
        counted = entity_triples(who.value, before + [statements[order[2]]])
        if grown is None:
            # only when the new statement gives a one-value property another value
            one_value = {LABEL, dg("country"), dg("roleTitle"), dg("represents")}
            assert any(t[1] in one_value and t not in stored for t in statements[order[2]])
        else:
            grown_at_all += 1
            assert sorted(map(str, grown)) == sorted(map(str, counted)), order
    assert grown_at_all >= 20  # 22 of the 210 orders: the third agrees with the first two
    assert grown_entity_triples(who.value, [], [statements[0]]) is None  # no node yet
