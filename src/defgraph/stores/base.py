"""What every store is: the Store protocol, its result rows, its errors, where a store is.

Two stores implement :class:`Store`: the embedded Oxigraph store (``stores.oxigraph``)
and a SPARQL 1.1 endpoint (``stores.remote``). Callers use the protocol's methods
only, never a store's private attributes; this module imports nothing of defgraph's
but the vocabulary, so every other module can import it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox

from ..vocab import XSD, node

DEFAULT_STORE = ".defgraph"
STORE_ENV = "DEFGRAPH_STORE"


class StoreError(Exception):
    """The store cannot be opened or refused an operation."""


class StoreUnavailable(StoreError):
    """The store stopped answering, timed out or refuses us altogether: a batch must stop."""


class StoreMissing(StoreError):
    """A command that only reads named a folder that holds no store (a typo must not create one)."""


class StoreBusy(StoreError):
    """Another process holds the embedded store for writing (or reading, when we would write)."""


_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def python_value(term: Term | None) -> Any:
    """A pyoxigraph term as a Python value: str (IRIs, strings), int, Decimal, date, bool.

    Other literals keep their lexical form as str; a malformed lexical form falls back to str.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        text = term.value
        try:
            if dt in _INTEGER_TYPES:
                return int(text)
            if dt == XSD + "decimal":
                return Decimal(text)
            if dt == XSD + "date":
                return date.fromisoformat(text)
            if dt == XSD + "dateTime":
                return datetime.fromisoformat(text)
            if dt == XSD + "boolean":
                return text.strip() in ("true", "1")
            if dt in (XSD + "double", XSD + "float"):
                return float(text)
        except (ValueError, InvalidOperation):
            return text
        return text
    return str(term)


@dataclass
class Rows:
    """A SELECT result: variable names and one list of terms (or None) per row."""

    variables: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]

    def dicts(self) -> list[dict[str, object]]:
        """Rows as dicts of Python values (str, int, Decimal, date, bool), unbound keys left out."""
        return [
            {v: python_value(t) for v, t in zip(self.variables, row) if t is not None}
            for row in self.rows
        ]


QueryOutcome = Rows | bool | list[ox.Triple]





def as_graph_name(graph: str | ox.NamedNode) -> ox.NamedNode:
    """A graph given by IRI or NamedNode, as a NamedNode."""
    return graph if isinstance(graph, ox.NamedNode) else node(graph)


Bindings = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


class Store(Protocol):
    """What the pipeline, queries, views and exports need of a store, embedded or remote.

    Named graphs hold each statement's record and the consolidated graph; ``query``
    reads the consolidated graph with the ontology as its default graph (``union=True``:
    every graph).
    """

    @property
    def location(self) -> str: ...

    def query(self, sparql: str, bindings: Bindings | None = None, *,
              union: bool = False) -> QueryOutcome: ...

    def update(self, sparql: str) -> None: ...

    def named_graphs(self) -> Iterator[ox.NamedNode]: ...

    def has_graph(self, graph: str | ox.NamedNode) -> bool: ...

    def graph_quads(self, graph: str | ox.NamedNode) -> set[ox.Quad]: ...

    def iter_graph_quads(self, graph: str | ox.NamedNode) -> Iterator[ox.Quad]:
        """graph_quads one at a time (the embedded store streams them; memory stays flat)."""
        ...

    def iter_rows(self, sparql: str, *, union: bool = False) -> Iterator[list[Term | None]]:
        """A SELECT query's rows one at a time (the embedded store streams them)."""
        ...

    def subject_quads(self, subject: ox.NamedNode | ox.BlankNode,
                      graph: str | ox.NamedNode | None = None,
                      predicate: ox.NamedNode | None = None) -> list[ox.Quad]:
        """Every quad with this subject (and predicate, if given), in one graph or (None) in all."""
        ...

    def quads(self, *, include_ontology: bool = False) -> Iterator[ox.Quad]: ...

    def replace_graph(self, graph: str | ox.NamedNode, quads: Iterable[ox.Quad]) -> bool: ...

    def remove_graph(self, graph: str | ox.NamedNode) -> None: ...

    def replace_subjects(self, graph: str | ox.NamedNode, subjects: Iterable[ox.NamedNode],
                         quads: Iterable[ox.Quad]) -> None: ...

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None: ...

    def change(self, remove: Iterable[ox.Quad], add: Iterable[ox.Quad]) -> None: ...

    def refresh_vocabulary(self) -> None:
        """After the consolidated graph is written whole: whatever the store keeps beside
        it so that queries read one default graph (the embedded store: a copy of the
        ontology's named-term triples; a remote store: nothing)."""
        ...

    def triple_count(self) -> int: ...

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None: ...

    def flush(self) -> None: ...

    def compact(self) -> bool:
        """Rewrite the store's files for reading (the embedded store: RocksDB compaction,
        after many writes); False where the server looks after its own files."""
        ...

    def close(self) -> None: ...


def store_location(location: str | Path | None = None) -> str:
    """The store named by --store, else $DEFGRAPH_STORE, else ./.defgraph."""
    if location:
        return str(location)
    return os.environ.get(STORE_ENV) or DEFAULT_STORE
