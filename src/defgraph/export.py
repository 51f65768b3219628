"""Write the graph out for other tools: Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Oxigraph's serialisers do the writing (rdflib's Turtle serialiser slows badly on
large graphs, RDFLib issue 2135). Triple formats hold the union of all statement
graphs, each triple once; quad formats keep one named graph per statement.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from .store import OxigraphStore

if TYPE_CHECKING:
    from .remote import RemoteStore
from .vocab import ONTOLOGY_GRAPH, PREFIXES, node

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld"}
_DATASET_FORMATS = {"nquads", "trig"}


class ExportError(Exception):
    pass


def export(store: OxigraphStore | RemoteStore, out: str | Path | IO[bytes], fmt: str = "turtle", *,
           include_ontology: bool = False) -> int:
    """Serialise the store to a file or binary stream; returns the number of triples or quads written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format = FORMATS[fmt]
    if fmt in _DATASET_FORMATS:
        items: list[ox.Quad] | list[ox.Triple] = list(store.quads(include_ontology=include_ontology))
    else:
        items = _union_triples(store, include_ontology)
    prefixes = PREFIXES if fmt in ("turtle", "trig", "jsonld") else None
    try:
        if isinstance(out, (str, Path)):
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            with open(out, "wb") as f:
                ox.serialize(items, f, format=rdf_format, prefixes=prefixes)
        else:
            ox.serialize(items, out, format=rdf_format, prefixes=prefixes)
    except (OSError, ValueError) as exc:
        raise ExportError(f"writing {fmt} failed: {exc}") from exc
    return len(items)


def _union_triples(store: OxigraphStore | RemoteStore, include_ontology: bool) -> list[ox.Triple]:
    onto = node(ONTOLOGY_GRAPH)
    seen: set[ox.Triple] = set()
    out: list[ox.Triple] = []
    for q in store.quads(include_ontology=include_ontology):
        if q.graph_name == onto and not include_ontology:
            continue
        t = q.triple
        if t not in seen:
            seen.add(t)
            out.append(t)
    out.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return out
