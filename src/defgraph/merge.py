"""Merging: the same event reported by several statements becomes one event node.

Before a statement is written, each of its events is looked up among the events
already stored: same type, a date within a day, and the same parties (Jaccard
overlap of the participating states of at least one half) or the same place.
A match lends its IRI, so the union of the statements' graphs describes one
event with several dg:reportedIn. Each statement's details stay in its own
named graph: a conflicting detail (12 nations in one report, 14 in another) is
kept beside its source, never overwritten.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyoxigraph as ox

from .mapping import actor_iri, event_iri, graph_iri
from .model import Event, Extraction
from .store import OxigraphStore, Rows
from .vocab import DG, XSD, dg, entity, node

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


def _date_literal(d: date) -> ox.Literal:
    return ox.Literal(d.isoformat(), datatype=node(XSD + "date"))


def _rows(store: OxigraphStore, sparql: str, bindings: dict[str, ox.Term]) -> list[list[ox.Term | None]]:
    result = store.query(sparql, bindings)
    assert isinstance(result, Rows)
    return result.rows


def _states(event: Event) -> set[str]:
    return {actor_iri(r).value for r in event.participants + event.convenors if r.kind == "country"}


def _same_event(ours: set[str], theirs: set[str], same_place: bool, same_day: bool) -> bool:
    if ours and theirs:
        overlap = len(ours & theirs) / len(ours | theirs)
        if overlap >= 0.5:
            return True
        return same_place and same_day and bool(ours & theirs)
    return same_place and same_day


def resolve_event_iris(store: OxigraphStore, ex: Extraction) -> dict[int, ox.NamedNode]:
    """For each event of the extraction that matches a stored event, the stored event's IRI."""
    own_graph = graph_iri(ex.statement)
    out: dict[int, ox.NamedNode] = {}
    taken: set[str] = set()
    for i, event in enumerate(ex.events):
        if event.date is None:
            continue
        candidates: dict[str, int] = {}  # IRI -> days apart
        for delta in (0, -1, 1):
            day = event.date + timedelta(days=delta)
            for e, _, _, g in _rows(store, _CANDIDATES, {
                    "date": _date_literal(day), "type": dg(event.type)}):
                if not isinstance(e, ox.NamedNode) or g == own_graph or e.value in taken:
                    continue
                candidates.setdefault(e.value, abs(delta))
        if not candidates:
            continue
        ours = _states(event)
        our_places = {entity("place", k).value for k in (event.place, event.venue) if k}
        best: tuple[float, str] | None = None
        for iri, apart in candidates.items():
            subject = node(iri)
            theirs = {x.value for _, x in _rows(store, _PARTIES, {"e": subject}) if x is not None}
            places = {x.value for _, x in _rows(store, _PLACES, {"e": subject}) if x is not None}
            same_place = bool(our_places & places)
            if not _same_event(ours, theirs, same_place, apart == 0):
                continue
            union = ours | theirs
            score = (len(ours & theirs) / len(union) if union else 0.0) + same_place - apart * 0.1
            if best is None or score > best[0]:
                best = (score, iri)
        if best is not None:
            out[i] = node(best[1])
            taken.add(best[1])
    return out


__all__ = ["resolve_event_iris", "event_iri", "DG"]
