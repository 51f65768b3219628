"""Find the files shipped with defgraph: the ontology, the canned queries, the sample corpus.

In an installed wheel they live inside the package (pyproject's force-include);
in a source checkout they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _find(packaged: str, in_repo: str) -> Path:
    for candidate in (_PKG / packaged, _REPO / in_repo):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"defgraph resource folder {in_repo!r} is missing from the installation")


def ontology_dir() -> Path:
    return _find("ontology", "ontology")


def queries_dir() -> Path:
    return _find("queries", "queries")


def sample_data_dir() -> Path:
    return _find("sample_data", "data")


def ontology_file() -> Path:
    return ontology_dir() / "defgraph.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


@cache
def vocabulary_triples() -> tuple[ox.Triple, ...]:
    """The ontology's triples between named terms: its class and property hierarchy,
    labels, comments, and the domains and ranges that are IRIs; its OWL class
    expressions (blank nodes) left out. The embedded store keeps a copy in the
    consolidated graph, so that queries read one default graph (stores/oxigraph.py)."""
    with open(ontology_file(), "rb") as f:
        return tuple(t for t in ox.parse(f, format=ox.RdfFormat.TURTLE)
                     if not isinstance(t.subject, ox.BlankNode)
                     and not isinstance(t.object, ox.BlankNode))


@cache
def vocabulary_subjects() -> frozenset[ox.NamedNode]:
    """The terms :func:`vocabulary_triples` describe."""
    return frozenset(t.subject for t in vocabulary_triples()
                     if isinstance(t.subject, ox.NamedNode))
