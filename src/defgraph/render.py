"""Kept so that ``from defgraph.render import render, page`` goes on working: see ``defgraph.views``."""

from __future__ import annotations

from .views import (
    DEFAULT_MAX_NODES,
    TAKING_PART,
    VIEWS,
    Filters,
    Queryable,
    Snapshot,
    View,
    ViewOptions,
    convert,
    fx_table,
    make_filters,
    money,
    network,
    page,
    read_store,
    render,
    render_html,
    resolve_focus,
    script_json,
    write_html,
)

__all__ = [
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
