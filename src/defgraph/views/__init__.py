"""The views: one self-contained HTML page per question, over one shared read model.

- ``model``: ``read_store`` runs the SPARQL in ``views/queries/*.rq`` once and returns a
  ``Snapshot`` (nodes, links, attributes, evidence, components of pledges);
- ``scope``: above ``limit`` events and pledges, the same Snapshot for the part a view shows
  (``queries/views/*.rq``), and the countries' and pledges' lines summed in the store;
- ``filters``, ``fx``, ``nodes``: dates and types, exchange rates, what a node's panel shows;
- one module per view: ``events``, ``countries``, ``pledges``, ``ego``, ``timeline``;
- ``aggregate`` folds a view too big to read, ``layout`` places nodes, ``html`` writes the page.

``network(store, view)`` builds a view's networkx graph; ``render`` writes its page and
``page`` keeps it in memory for a notebook.
"""

from __future__ import annotations

from .aggregate import DEFAULT_MAX_NODES
from .build import VIEWS, network
from .ego import resolve_focus
from .filters import Filters, ViewOptions, make_filters
from .fx import convert, fx_table, money
from .html import View, page, render, render_html, script_json, write_html
from .model import TAKING_PART, Queryable, Snapshot, read_store
from .scope import DEFAULT_LIMIT

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_NODES",
    "TAKING_PART",
    "VIEWS",
    "Filters",
    "Queryable",
    "Snapshot",
    "View",
    "ViewOptions",
    "convert",
    "fx_table",
    "make_filters",
    "money",
    "network",
    "page",
    "read_store",
    "render",
    "render_html",
    "resolve_focus",
    "script_json",
    "write_html",
]
