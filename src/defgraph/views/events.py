"""The events view: events and pledges with everyone and everywhere they involve."""

from __future__ import annotations

from datetime import date

import networkx as nx

from .filters import Filters, ViewOptions
from .model import EDGE_LABELS, Snapshot
from .nodes import _node_attrs


def _reach(raw: Snapshot, anchor: str) -> set[str]:
    """What drawing one event or pledge brings in: its parties, places, statements and the states
    its people represent."""
    near = {o for p, o in raw.out.get(anchor, [])
            if p != "represents" and raw.kinds.get(o) not in ("event", "pledge")}  # fmt: skip
    near |= {rep for n in list(near) if raw.kinds.get(n) == "person"
             for p, rep in raw.out.get(n, []) if p == "represents"}  # fmt: skip
    return near


def best_connected(raw: Snapshot, anchors: set[str], budget: int) -> set[str] | None:
    """The events and pledges with the most links whose drawing fits in ``budget`` nodes.

    None when all of them fit. Ties go to the more recent, then by IRI, so the choice is stable.
    """
    reach = {a: _reach(raw, a) for a in anchors}
    if len(anchors | set().union(*reach.values())) <= budget:
        return None
    ranked = sorted(
        anchors, key=lambda a: (-len(reach[a]), -(raw.span(a)[0] or date.min).toordinal(), a)
    )
    chosen: set[str] = set()
    drawn: set[str] = set()
    for a in ranked:
        new = ({a} | reach[a]) - drawn
        if len(drawn) + len(new) > budget:
            continue
        chosen.add(a)
        drawn |= new
        if len(drawn) >= budget:
            break
    return chosen


def _events_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Events and pledges with their parties, places, statements and whom people represent."""
    anchors = {i for i, k in raw.kinds.items() if k in ("event", "pledge") and f.keeps(raw, i)}
    limited = best_connected(raw, anchors, o.node_budget) if o and o.node_budget else None
    total = len(anchors)
    if limited is not None:
        anchors = limited
    keep = set(anchors)
    for s, prop, o_ in raw.links:
        wanted = raw.kinds[o_] not in ("event", "pledge") or o_ in anchors
        if s in anchors and prop != "represents" and wanted:
            keep.add(o_)
    for s, prop, o_ in raw.links:
        if prop == "represents" and s in keep and raw.kinds[s] == "person":
            keep.add(o_)
    g = nx.MultiDiGraph(
        description="Events and pledges with the statements that report them, "
        "their participants, places, donors and recipients."
    )
    for iri in sorted(keep):
        g.add_node(iri, **_node_attrs(raw, iri, f))
    convened = {(s, o_) for s, p, o_ in raw.links if p == "convenedBy"}
    for s, prop, o_ in raw.links:
        if s in keep and o_ in keep and not (prop == "participant" and (s, o_) in convened):
            g.add_edge(s, o_, key=prop, label=EDGE_LABELS[prop])
    if limited is not None:
        g.graph["limited"] = (len(anchors), total)
    return g
