"""The events view: events and pledges with everyone and everywhere they involve."""

from __future__ import annotations

import networkx as nx

from .filters import Filters, ViewOptions
from .model import EDGE_LABELS, Snapshot
from .nodes import _node_attrs


def _events_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Events and pledges with their parties, places, statements and whom people represent."""
    anchors = {i for i, k in raw.kinds.items() if k in ("event", "pledge") and f.keeps(raw, i)}
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
    return g
