"""What `defgraph build` writes: the views that stay readable at the size of the graph.

Up to ``large_above`` events and pledges: the events view whole, the countries view and
the timeline. Above it, the events view would be a disc of thousands of nodes no one can
read, so ``graph.html`` draws only the best-connected events and pledges that fit in
``node_budget`` nodes and its header says what was left out and how to see it; the
countries view and the timeline show everything.
"""

from __future__ import annotations

from pathlib import Path

from .build import network
from .html import _title, write_html
from .model import Queryable, read_store

#: above this many events and pledges, `build` limits the events view
LARGE_ABOVE = 300
#: how many nodes the limited events view draws at most
NODE_BUDGET = 400

#: file name -> view, in the order `build` writes them
PAGES = {"graph.html": "events", "countries.html": "countries", "timeline.html": "timeline"}


def write_views(
    store: Queryable,
    outdir: str | Path,
    *,
    large_above: int = LARGE_ABOVE,
    node_budget: int = NODE_BUDGET,
) -> list[Path]:
    """Write graph.html, countries.html and timeline.html into ``outdir``; return their paths."""
    outdir = Path(outdir)
    raw = read_store(store)  # read once, drawn three times
    anchors = sum(1 for k in raw.kinds.values() if k in ("event", "pledge"))
    written = []
    for name, view in PAGES.items():
        budget = node_budget if view == "events" and anchors > large_above else None
        g = network(store, view, raw=raw, node_budget=budget)
        written.append(write_html(g, outdir / name, title=_title(view, g)))
    return written
