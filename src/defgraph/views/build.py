"""The registry of views and ``network()``: store -> read model -> filters -> one view's graph."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import networkx as nx

from .aggregate import DEFAULT_MAX_NODES, _aggregate
from .countries import _countries_view
from .ego import _ego_view
from .events import _events_view
from .filters import ViewBuilder, ViewOptions, make_filters
from .model import Queryable, Snapshot, read_store
from .pledges import _pledges_view
from .timeline import _timeline_view

VIEWS: dict[str, ViewBuilder] = {
    "events": _events_view,
    "countries": _countries_view,
    "pledges": _pledges_view,
    "ego": _ego_view,
    "timeline": _timeline_view,
}


def network(
    store: Queryable,
    view: str = "events",
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    types: Iterable[str] | str | None = None,
    focus: str | None = None,
    depth: int = 2,
    currency: str = "USD",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    node_budget: int | None = None,
    raw: Snapshot | None = None,
) -> nx.MultiDiGraph:
    """Build the networkx graph of one view from the store.

    Nodes carry ``kind``, ``label``, ``details`` (plain strings), ``date``,
    ``span``, ``confidence`` and the panel's ``events``, ``evidence`` and
    ``sources``; edges carry ``label``. See ``Filters`` for the filters.
    ``focus`` and ``depth`` are for the ego view, ``currency`` for the pledges
    view; above ``max_nodes`` nodes the view is aggregated (None or 0: never).
    ``node_budget`` (events view) draws only the best-connected events and pledges that fit
    in that many nodes, and says so. ``raw``: a Snapshot already read from ``store``.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    raw = raw if raw is not None else read_store(store)
    f = make_filters(raw, date_from, date_to, types)
    g = VIEWS[view](raw, f, ViewOptions(focus=focus, depth=depth, currency=currency,
                                        node_budget=node_budget))  # fmt: skip
    if g.graph.get("limited"):
        shown, total = g.graph["limited"]
        days = sorted(d for _, a in g.nodes(data=True) if a.get("span") for d in a["span"])
        last = days[-1] if days else "YYYY-MM-DD"
        g.graph["left_out"] = (
            f"Showing the {shown} best-connected of {total} events and pledges; "
            f"{total - shown} left out. Every one is on the timeline view; "
            f"`defgraph render --view events --from {last[:7]}-01 --to {last}` draws one period "
            "in full."
        )
    keep = {g.graph["focus_iri"]} if g.graph.get("focus_iri") else set()
    # a timeline has no people, statements or places to fold: its lanes scroll instead
    aggregated = [] if g.graph.get("page") == "timeline" else _aggregate(g, raw, f, max_nodes, keep)
    g.graph.update(view=view, filters=f.describe(), aggregated=aggregated)
    return g
