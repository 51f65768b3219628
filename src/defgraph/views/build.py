"""The registry of views and ``network()``: store -> read model -> filters -> one view's graph."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import networkx as nx

from .aggregate import DEFAULT_MAX_NODES, _aggregate
from .countries import _countries_view
from .ego import _ego_view, resolve_focus
from .events import _events_view
from .filters import Filters, ViewBuilder, ViewOptions, make_filters
from .model import Queryable, Snapshot, read_store
from .pledges import _pledges_view
from .scope import (
    DEFAULT_LIMIT,
    add_nodes,
    choose,
    class_snapshot,
    count_all,
    read_event_states,
    read_names,
    read_pledge_flows,
    read_scope,
)
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
    limit: int | None = DEFAULT_LIMIT,
) -> nx.MultiDiGraph:
    """Build the networkx graph of one view from the store.

    Nodes carry ``kind``, ``label``, ``details`` (plain strings), ``date``,
    ``span``, ``confidence`` and the panel's ``events``, ``evidence`` and
    ``sources``; edges carry ``label``. See ``Filters`` for the filters.
    ``focus`` and ``depth`` are for the ego view, ``currency`` for the pledges
    view; above ``max_nodes`` nodes the view is aggregated (None or 0: never).
    ``node_budget`` (events view) draws only the best-connected events and pledges that fit
    in that many nodes, and says so. ``raw``: a Snapshot already read from ``store``.
    ``limit``: when the graph holds more events and pledges than this, read only this many
    (the most recent the filters keep, around the focus for ego) and their neighbours, and
    say so on the page (None or 0: always read everything).
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    bounded = ""
    if raw is None:
        raw, bounded, focus = _read(store, view, date_from, date_to, types, focus, limit)
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
    if bounded:
        g.graph["left_out"] = " ".join(x for x in (bounded, g.graph.get("left_out", "")) if x)
    keep = {g.graph["focus_iri"]} if g.graph.get("focus_iri") else set()
    # a timeline has no people, statements or places to fold: its lanes scroll instead
    aggregated = [] if g.graph.get("page") == "timeline" else _aggregate(g, raw, f, max_nodes, keep)
    g.graph.update(view=view, filters=f.describe(), aggregated=aggregated)
    return g


def _read(
    store: Queryable,
    view: str,
    date_from: date | str | None,
    date_to: date | str | None,
    types: Iterable[str] | str | None,
    focus: str | None,
    limit: int | None,
) -> tuple[Snapshot, str, str | None]:
    """The read model a view needs: all of it when the graph is small, else a bounded part.

    Returns the Snapshot, the note saying what was left out ("" if nothing) and the focus
    (resolved to an IRI when the read is bounded).
    """
    if not limit or count_all(store) <= limit:
        return read_store(store), "", focus
    f = make_filters(class_snapshot(store), date_from, date_to, types)
    centre = None
    if view == "ego":
        if not focus:
            raise ValueError("the ego view needs a focus: a country, a person or any label")
        try:
            centre = resolve_focus(read_names(store), focus)
        except ValueError as exc:
            if "nothing in the graph is called" not in str(exc):
                raise
            # an event, pledge or statement named as focus: only the whole graph knows it
            return read_store(store), "", focus
    if view == "pledges" and (f.types is None or "pledge" in {t.lower() for t in f.types}):
        f = Filters(f.date_from, f.date_to, frozenset({"Pledge"}))  # list pledges, not events
    scope = choose(store, f, limit, centre)
    raw = read_scope(store, scope.anchors)
    if view == "pledges":  # sums over every pledge, not only the pledges read
        raw.pledge_flows = read_pledge_flows(store, f)
        add_nodes(store, raw, {x for row in raw.pledge_flows for x in row[:2]})
    if view == "countries":  # counts over every event, not only the events read
        raw.event_states = read_event_states(store, f)
        add_nodes(store, raw, {c for _, states in raw.event_states.values() for c in states})
    if not scope.limited:
        return raw, "", centre or focus
    which = "events and pledges" + (" matching the filters" if f.describe() else "")
    if centre:
        which += f" involving {raw.label(centre)}"
    narrow = "--from/--to" + ("" if f.types else " or --type")
    if view == "pledges":
        note = (f"Lines sum every pledge; they list those among the {len(scope.anchors)} most "
                f"recent of {scope.total} pledges{' matching the filters' if f.date_from or f.date_to else ''}. "
                "Narrow with --from/--to, or raise --limit.")  # fmt: skip
        return raw, note, centre
    if view == "countries":
        note = (f"Lines count every shared event; the panels list those among the "
                f"{len(scope.anchors)} most recent of {scope.total} {which}. Narrow with "
                f"{narrow}, or raise --limit.")  # fmt: skip
        return raw, note, centre
    note = (f"Read the {len(scope.anchors)} most recent of {scope.total} {which}; "
            f"{scope.total - len(scope.anchors)} left out. Narrow with {narrow}, or raise "
            "--limit.")  # fmt: skip
    return raw, note, centre
