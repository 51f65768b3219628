"""The sources an analyst follows, remembered in the store itself (embedded or remote).

They live in their own named graph, ``https://w3id.org/defgraph/graph/sources``: one
``fetch:Source`` per address with the time it was added. The graph is small and is
rewritten whole through the store's ``replace_graph``, so it works the same on a
SPARQL endpoint as on the embedded store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import GRAPH_NS
from .urls import canonical_url, is_web_url

SOURCES_GRAPH = GRAPH_NS + "sources"
FETCH_NS = "https://w3id.org/defgraph/fetch#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_SOURCE = ox.NamedNode(FETCH_NS + "Source")
_ADDED = ox.NamedNode(FETCH_NS + "added")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


class SourceError(ValueError):
    """An address that cannot be a source."""


@dataclass(frozen=True)
class Source:
    url: str
    added: str | None = None


class Registry:
    """Add, list and remove sources in a store (OxigraphStore or RemoteStore)."""

    def __init__(self, store: object) -> None:
        self.store = store

    def entries(self) -> list[Source]:
        quads = self.store.graph_quads(SOURCES_GRAPH)  # type: ignore[attr-defined]
        added = {q.subject.value: q.object.value for q in quads if q.predicate == _ADDED}
        urls = sorted(q.subject.value for q in quads
                      if q.predicate == _RDF_TYPE and q.object == _SOURCE)
        return [Source(u, added.get(u)) for u in urls]

    def add(self, url: str) -> tuple[Source, bool]:
        """Remember url (normalised); False when it was already there."""
        if not is_web_url(url):
            raise SourceError(f"{url!r} is not an http(s) address")
        norm = canonical_url(url)
        current = self.entries()
        for s in current:
            if s.url == norm:
                return s, False
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        new = Source(norm, now)
        self._write([*current, new])
        return new, True

    def remove(self, url: str) -> bool:
        norm = canonical_url(url) if is_web_url(url) else url
        current = self.entries()
        kept = [s for s in current if s.url not in (norm, url)]
        if len(kept) == len(current):
            return False
        self._write(kept)
        return True

    def _write(self, sources: list[Source]) -> None:
        g = ox.NamedNode(SOURCES_GRAPH)
        quads: list[ox.Quad] = []
        for s in sources:
            node = ox.NamedNode(s.url)
            quads.append(ox.Quad(node, _RDF_TYPE, _SOURCE, g))
            if s.added:
                quads.append(ox.Quad(node, _ADDED, ox.Literal(s.added, datatype=_XSD_DATETIME), g))
        if quads:
            self.store.replace_graph(g, quads)  # type: ignore[attr-defined]
        else:
            self.store.remove_graph(g)  # type: ignore[attr-defined]
