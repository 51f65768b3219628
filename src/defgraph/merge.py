"""Merging: the same event reported by several statements becomes one event node.

Before a statement is written, each of its events is looked up among the events
already stored (and, in a bulk run, among those queued to be written): same
type, a date within a day, and the same parties (Jaccard overlap of the
participating states of at least one half) or the same place. A match lends its
IRI, so the union of the statements' graphs describes one event with several
dg:reportedIn. Each statement's details stay in its own named graph: a
conflicting detail (12 nations in one report, 14 in another) is kept beside its
source, never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pyoxigraph as ox

from .mapping import actor_iri, event_iri, graph_iri
from .model import Event, Extraction, Statement
from .store import Rows
from .vocab import XSD, dg, entity, node

_CANDIDATES = """
SELECT DISTINCT ?e ?date ?type ?g WHERE {
  GRAPH ?g { ?e dg:date ?date ; a ?type }
}"""
_PARTIES = """
SELECT DISTINCT ?e ?x WHERE {
  { ?e dg:participant ?x } UNION { ?e dg:convenedBy ?x }
  ?x a dg:Country .
}"""
_PLACES = """SELECT DISTINCT ?e ?l WHERE { ?e dg:location ?l }"""


@dataclass(frozen=True)
class EventKey:
    """What merging compares: an event's IRI, type, day, states and places (IRIs as strings)."""

    iri: str
    type: str
    day: date
    states: frozenset[str]
    places: frozenset[str]


def event_keys(ex: Extraction) -> list[EventKey | None]:
    """The merge key of each event of an extraction (None for an undated event: never merged)."""
    return [_key(ex.statement, i, e) for i, e in enumerate(ex.events)]


def _key(st: Statement, i: int, e: Event) -> EventKey | None:
    if e.date is None:
        return None
    states = frozenset(actor_iri(r).value for r in e.participants + e.convenors if r.kind == "country")
    places = frozenset(entity("place", k).value for k in (e.place, e.venue) if k)
    return EventKey(event_iri(st, i).value, e.type, e.date, states, places)


def _rows(store: object, sparql: str, bindings: dict[str, Any]) -> list[list[Any]]:
    result = store.query(sparql, bindings)  # type: ignore[attr-defined]
    assert isinstance(result, Rows)
    return result.rows


def stored_candidates(store: object, key: EventKey, own_graph: str) -> list[tuple[EventKey, int]]:
    """Events of the same type within a day of `key`, from other statements' graphs in the store."""
    found: dict[str, int] = {}
    for delta in (0, -1, 1):
        day = key.day + timedelta(days=delta)
        literal = ox.Literal(day.isoformat(), datatype=node(XSD + "date"))
        for e, _, _, g in _rows(store, _CANDIDATES, {"date": literal, "type": dg(key.type)}):
            if isinstance(e, ox.NamedNode) and isinstance(g, ox.NamedNode) and g.value != own_graph:
                found.setdefault(e.value, abs(delta))
    out = []
    for iri, apart in found.items():
        subject = node(iri)
        states = frozenset(x.value for _, x in _rows(store, _PARTIES, {"e": subject}) if x is not None)
        places = frozenset(x.value for _, x in _rows(store, _PLACES, {"e": subject}) if x is not None)
        out.append((EventKey(iri, key.type, key.day + timedelta(days=apart), states, places), apart))
    return out


def best_match(key: EventKey, candidates: Iterable[tuple[EventKey, int]],
               taken: set[str]) -> str | None:
    """The IRI of the candidate that is the same event as `key`, or None."""
    best: tuple[float, str] | None = None
    for cand, apart in candidates:
        if cand.iri in taken or cand.type != key.type or apart > 1:
            continue
        shared = key.states & cand.states
        union = key.states | cand.states
        same_place = bool(key.places & cand.places)
        overlap = len(shared) / len(union) if union else 0.0
        if not (overlap >= 0.5 or (same_place and apart == 0 and (bool(shared) or not union))):
            continue
        score = overlap + same_place - apart * 0.1
        if best is None or score > best[0]:
            best = (score, cand.iri)
    return best[1] if best else None


def resolve_event_iris(store: object, ex: Extraction,
                       pending: Iterable[EventKey] = ()) -> dict[int, ox.NamedNode]:
    """For each event of the extraction that matches an event already stored (or pending, in a
    bulk run), the IRI of that event."""
    own_graph = graph_iri(ex.statement).value
    pending = list(pending)
    out: dict[int, ox.NamedNode] = {}
    taken: set[str] = set()
    for i, key in enumerate(event_keys(ex)):
        if key is None:
            continue
        candidates = stored_candidates(store, key, own_graph)
        candidates += [(p, abs((p.day - key.day).days)) for p in pending
                       if p.type == key.type and abs((p.day - key.day).days) <= 1]
        iri = best_match(key, candidates, taken)
        if iri is not None and iri != key.iri:
            out[i] = node(iri)
            taken.add(iri)
    return out


def merged_keys(ex: Extraction, iris: dict[int, ox.NamedNode]) -> list[EventKey]:
    """The statement's event keys under the IRIs they were written with (for later statements)."""
    out = []
    for i, key in enumerate(event_keys(ex)):
        if key is not None:
            iri = iris[i].value if i in iris else key.iri
            out.append(EventKey(iri, key.type, key.day, key.states, key.places))
    return out
