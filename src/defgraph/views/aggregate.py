"""Making a view too big to read smaller, step by step, and saying what was done."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from ..vocab import curie
from .filters import Filters
from .model import Snapshot
from .nodes import _node_attrs

#: above this many nodes a view is aggregated (0 or None: never)
DEFAULT_MAX_NODES = 2000

# -- aggregation ----------------------------------------------------------------------


def _merge_into(g: nx.MultiDiGraph, mapping: dict[str, str], add: Callable[[str], None]) -> None:
    """Redraw each node of ``mapping`` as its target: edges moved over, loops and repeats dropped."""
    for source, target in sorted(mapping.items()):
        if target not in g:
            add(target)
        moved = [(target if u == source else u, target if v == source else v, k, a)
                 for u, v, k, a in [*g.in_edges(source, keys=True, data=True),
                                    *g.out_edges(source, keys=True, data=True)]]  # fmt: skip
        t = g.nodes[target]
        t.setdefault("aliases", []).append(g.nodes[source].get("label", ""))
        g.remove_node(source)
        for u, v, k, a in moved:
            if u != v and not g.has_edge(u, v, k):
                g.add_edge(u, v, key=k, **a)


def _aggregate(
    g: nx.MultiDiGraph, raw: Snapshot, f: Filters, max_nodes: int | None, keep: set[str]
) -> list[str]:
    """Make a view too big to read smaller, step by step, and say what was done."""
    notes: list[str] = []
    if not max_nodes or g.number_of_nodes() <= max_nodes:
        return notes

    def add(iri: str) -> None:
        g.add_node(iri, **_node_attrs(raw, iri, f))

    people = {}
    for n, a in g.nodes(data=True):
        if a.get("kind") == "person" and n not in keep:
            reps = sorted(o for p, o in raw.out.get(n, []) if p == "represents"
                          and raw.kinds.get(o) in ("country", "organisation"))  # fmt: skip
            if reps:
                people[n] = reps[0]
    if people:
        _merge_into(g, people, add)
        notes.append(f"{len(people)} people drawn as the state or organisation they represent "
                     "(search finds them there)")  # fmt: skip
    if g.number_of_nodes() > max_nodes:
        statements = [n for n, a in g.nodes(data=True)
                      if a.get("kind") == "statement" and n not in keep]  # fmt: skip
        if statements:
            g.remove_nodes_from(statements)
            notes.append(f"{len(statements)} statements left out (each node's panel lists "
                         "its sources)")  # fmt: skip
    if g.number_of_nodes() > max_nodes:
        places = {n: raw.country_of[n] for n, a in g.nodes(data=True)
                  if a.get("kind") == "place" and n in raw.country_of and n not in keep}  # fmt: skip
        if places:
            _merge_into(g, places, add)
            notes.append(f"{len(places)} places drawn as their country")
    for n, a in g.nodes(data=True):
        if a.get("aliases"):
            names = sorted(set(a["aliases"]))
            shown = "; ".join(names[:12]) + (f" … (+{len(names) - 12})" if len(names) > 12 else "")
            details = {k: v for k, v in a["details"].items() if k != "iri"}
            a["details"] = {**details, "drawn here": shown, "iri": a["details"].get("iri", curie(n))}
    if g.number_of_nodes() > max_nodes:
        notes.append(f"still {g.number_of_nodes()} nodes: narrow it with dates or types")
    return notes
