"""Where the graph lives: one Store protocol (``base``), two implementations.

``OxigraphStore`` (embedded, the default) and ``RemoteStore`` (any SPARQL 1.1
endpoint: Virtuoso, Fuseki, GraphDB, Neptune). ``open_store`` picks one from a folder
or a URL. Server quirks live beside the remote store, never in its callers.
"""

from __future__ import annotations

from pathlib import Path

from .base import (
    DEFAULT_STORE,
    STORE_ENV,
    QueryOutcome,
    Rows,
    Store,
    StoreBusy,
    StoreError,
    StoreMissing,
    StoreUnavailable,
    python_value,
    store_location,
)
from .oxigraph import OxigraphStore, is_store
from .remote import RemoteStore

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV",
    "OxigraphStore",
    "QueryOutcome",
    "RemoteStore",
    "Rows",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreMissing",
    "StoreUnavailable",
    "is_store",
    "open_store",
    "python_value",
    "store_location",
]


def open_store(location: str | Path | None = None, *, read_only: bool = False,
               update_url: str | None = None, create: bool = True) -> OxigraphStore | RemoteStore:
    """Open the store at a folder or an http(s) SPARQL endpoint URL.

    A folder is created when missing only with ``create`` and not ``read_only``; a
    read-only open writes nothing (see OxigraphStore).
    """
    loc = store_location(location)
    if loc.startswith(("http://", "https://")):
        return RemoteStore(loc, update_url=update_url, read_only=read_only)
    if update_url:
        raise StoreError(f"--update-url is for a SPARQL endpoint, but the store {loc} is a folder")
    return OxigraphStore(loc, read_only=read_only, create=create)
