"""Check the store's data against the SHACL shapes in ontology/shapes.ttl.

The consolidated graph is validated (with the statements' texts), as it is what
queries, views and exports show.  The ontology
is mixed into the data graph (pySHACL's ``ont_graph``) without inference, so
that ``sh:targetClass`` follows rdfs:subClassOf while range constraints such
as "points to a dg:Statement" are still checked, not inferred true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from . import resources
from .stores import OxigraphStore

if TYPE_CHECKING:
    from .stores.remote import RemoteStore

Violation = tuple[str, str, str]
"""(focus node, path, message): the node IRI (or ``_:id``), the property IRI (or ""), the text."""


class ValidationError(Exception):
    """Validation could not run: a shapes or ontology file is missing or broken, or pySHACL failed."""


@dataclass
class ValidationReport:
    """The outcome of validating a store: whether it conforms, and what is wrong if not."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    text: str = ""


def _rdflib_term(term: object) -> Node:
    """The rdflib twin of a pyoxigraph term; blank nodes keep their store ids."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise ValidationError(f"cannot validate the RDF term {term!r}")


def store_graph(store: OxigraphStore | RemoteStore) -> Graph:
    """The consolidated graph with the statements' texts, as exported, as one rdflib Graph."""
    from .maintain import published_triples

    graph = Graph()
    for t in published_triples(store):
        graph.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    return graph


def _load(path: str, what: str) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"cannot read the {what} {path}: {exc}") from exc


def _name(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, (URIRef, Literal)):
        return str(term)
    return term.n3()


def _violations(results: Graph) -> list[Violation]:
    found: list[Violation] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append(
            (
                _name(results.value(result, SH.focusNode)),
                _name(results.value(result, SH.resultPath)),
                _name(results.value(result, SH.resultMessage)),
            )
        )
    return sorted(found)


def validate(store: OxigraphStore | RemoteStore) -> ValidationReport:
    """Validate every statement graph in the store against shapes.ttl."""
    try:
        shapes_path, ontology_path = resources.shapes_file(), resources.ontology_file()
    except FileNotFoundError as exc:
        raise ValidationError(str(exc)) from exc
    shapes = _load(str(shapes_path), "SHACL shapes")
    ontology = _load(str(ontology_path), "ontology")
    data = store_graph(store)
    try:
        conforms, results, text = shacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            abort_on_first=False,
            meta_shacl=False,
            advanced=False,
        )
    except Exception as exc:  # pySHACL raises many unrelated types; name them as ours
        raise ValidationError(f"SHACL validation failed: {exc}") from exc
    if not isinstance(results, Graph):
        raise ValidationError("pySHACL returned no results graph")
    return ValidationReport(bool(conforms), _violations(results), str(text))
