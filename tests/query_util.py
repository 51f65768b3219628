"""Values for the canned queries' required parameters, for tests that run every query."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from defgraph.query import CannedQuery
from defgraph.stores import Rows
from defgraph.vocab import CONSOLIDATED_GRAPH

# The place with the most events (ties broken by IRI): a lookup that returns rows.
BUSIEST_PLACE = """SELECT ?place (COUNT(DISTINCT ?event) AS ?n) WHERE { ?event dg:location ?place }
GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 1"""
# The person the most statements name (whose state has the most sources).
MOST_NAMED_PERSON = """SELECT ?person ?n WHERE { ?person a dg:Person ; dg:statementCount ?n }
ORDER BY DESC(?n) ?person LIMIT 1"""


def required_params(q: CannedQuery, store: Any, country: str = "UKR") -> dict[str, str]:
    """A value for each required parameter of q, read from the store where it must exist there.
    A new kind of required parameter fails here until it is given a value."""
    given: dict[str, str] = {}
    for p in q.params:
        if p.optional:
            continue
        if p.kind == "country":
            given[p.name] = country
        elif p.name == "place":
            rows = store.query(BUSIEST_PLACE, {})
            assert isinstance(rows, Rows) and rows.rows, "the store holds no event with a place"
            given[p.name] = str(rows.rows[0][0].value)
        elif p.name == "person":
            rows = store.query(MOST_NAMED_PERSON, {})
            assert isinstance(rows, Rows) and rows.rows, "the store holds no person"
            given[p.name] = str(rows.rows[0][0].value)
        else:
            raise AssertionError(f"{q.name}: no test value for the required parameter {p.name!r}")
    return given


def damage(store: Any, quads: list[ox.Quad]) -> None:
    """Write a statement graph as given and its triples into the consolidated graph as they are:
    faults consolidation never writes (another tool or a hand edit may), for the violation
    queries to find. The quads are all in one statement graph."""
    consolidated = ox.NamedNode(CONSOLIDATED_GRAPH)
    store.replace_graph(quads[0].graph_name, quads)
    store.replace_subjects(consolidated, [], [ox.Quad(q.subject, q.predicate, q.object, consolidated)
                                              for q in quads])
