"""The timeline view: events and pledges along time, one lane per state (or per type).

Each event is drawn in the lane of every state taking part in it (directly, or
through a person representing it), each pledge in its donor's and its
recipient's lanes; switched to lanes by type, each is drawn once. Planned
events (``dg:planned``) are drawn apart from held ones. Undated events and
pledges (no date, and no dated statement reporting them) cannot be placed and
are counted in the header. The page is drawn by vis-timeline (vendored in
``templates/vendor/vis-timeline``); every item opens the same panel as the
other views.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import networkx as nx

from .filters import Filters, ViewOptions
from .model import TAKING_PART, Snapshot
from .nodes import _node_attrs

#: the lane of events and pledges that name no state
NO_STATE = "(no state named)"


def states_of(raw: Snapshot, iri: str) -> list[str]:
    """The states an event involves (parties, or whom its people represent); a pledge's donor
    and recipient states."""
    wanted = TAKING_PART if raw.kinds.get(iri) == "event" else ("pledgedBy", "beneficiary")
    found: set[str] = set()
    for prop, o in raw.out.get(iri, []):
        if prop not in wanted:
            continue
        if raw.kinds.get(o) == "country":
            found.add(o)
        elif raw.kinds.get(o) == "person":
            found |= {c for p, c in raw.out.get(o, [])
                      if p == "represents" and raw.kinds.get(c) == "country"}  # fmt: skip
    return sorted(found)


def _timeline_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Dated events and pledges as nodes (no edges), each with its lanes and planned flag."""
    chosen = sorted(
        (i for i, k in raw.kinds.items() if k in ("event", "pledge") and f.keeps(raw, i)),
        key=lambda i: (raw.span(i)[0] or date.max, raw.label(i), i),
    )
    undated = [i for i in chosen if raw.span(i)[0] is None]
    g = nx.MultiDiGraph(page="timeline")
    per_state: Counter[str] = Counter()
    for iri in chosen:
        if raw.span(iri)[0] is None:
            continue
        states = states_of(raw, iri)
        per_state.update(states or [NO_STATE])
        g.add_node(iri, **_node_attrs(raw, iri, f), states=states,
                   planned=raw.attr(iri, "planned") == "true")  # fmt: skip
    kinds = Counter(a["kind"] for _, a in g.nodes(data=True))
    planned = sum(1 for _, a in g.nodes(data=True) if a["planned"])
    lanes = [(s, raw.label(s) if s != NO_STATE else NO_STATE, n)
             for s, n in sorted(per_state.items(),
                                key=lambda sn: (sn[0] == NO_STATE, -sn[1], raw.label(sn[0])))]  # fmt: skip
    g.graph.update(
        description="Events and pledges along time, one lane per state (or per type): "
        "hollow items are planned (announced, not yet held); drag on the strip under the "
        "axis to select a period; click an item for its evidence.",
        lanes=lanes,
        timeline_counts={
            "events": kinds["event"],
            "pledges": kinds["pledge"],
            "planned": planned,
            "undated": len(undated),
        },
    )
    return g


def _types_of(graph: nx.MultiDiGraph) -> list[tuple[str, int]]:
    counted = Counter(str(a.get("type", "")) for _, a in graph.nodes(data=True))
    return sorted(counted.items(), key=lambda tn: (tn[0] == "Pledge", tn[0]))


def timeline_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """What the timeline page draws: items (one per event or pledge), lanes, and panel data."""
    from .html import _OTHER, KIND_STYLES, _node_info

    ids = {iri: f"n{i}" for i, iri in enumerate(graph.nodes)}
    lane_ids = {iri: f"s{i}" for i, (iri, _, _) in enumerate(graph.graph.get("lanes", []))}
    items = []
    info = []
    for iri, a in graph.nodes(data=True):
        start, end = a["span"]
        items.append({
            "id": ids[iri],
            "start": start,
            "end": end,
            "kind": a["kind"],
            "type": str(a.get("type", "")),
            "label": str(a.get("label", "")),
            "planned": bool(a.get("planned")),
            "lanes": [lane_ids[s] for s in a.get("states", [])] or [lane_ids[NO_STATE]],
            "confidence": a.get("confidence"),
        })  # fmt: skip
        style = KIND_STYLES.get(a.get("kind", ""), _OTHER)
        info.append((ids[iri], _node_info(a, style, ids)))
    return {
        "view": "timeline",
        "items": items,
        "lanes": [[lane_ids[iri], label, n] for iri, label, n in graph.graph.get("lanes", [])],
        "types": [[t, n] for t, n in _types_of(graph)],
        "info": info,
    }
