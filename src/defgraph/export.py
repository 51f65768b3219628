"""Write the graph out for other tools: Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Triple formats hold the consolidated graph (one node per event, person, pledge,
each fact once, with its sources) and each statement's text; quad formats keep every
named graph: each statement's own record and the consolidated graph.

- N-Triples and N-Quads: Oxigraph's serialisers (rdflib's slow badly on large
  graphs, RDFLib issue 2135).
- Turtle and TriG: written here, one block per subject, with a prefix per kind of
  identifier (``country:GBR``, ``person:john-healey``; vocab.ID_PREFIXES) so that
  no name needs an escape; an IRI that no prefix can write plainly is written whole.
- JSON-LD: compacted with defgraph's context (ontology/context.jsonld, embedded in
  the file): one object per node, readable keys (``"type": "Meeting"``,
  ``"date"``, ``"participant"``), values typed by the context. The same context
  reads JSON written by hand back into RDF (read_jsonld).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from . import resources
from .vocab import ONTOLOGY_GRAPH, PREFIXES, RDF_TYPE, XSD, prefixed_name

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld"}
_DATASET_FORMATS = {"nquads", "trig"}
CONTEXT_FILE = "context.jsonld"


class ExportError(Exception):
    pass


def export(store: Any, out: str | Path | IO[bytes], fmt: str = "turtle", *,
           include_ontology: bool = False) -> int:
    """Serialise the store to a file or binary stream; returns the number of triples or quads written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in _DATASET_FORMATS:
        items: list[ox.Quad] | list[ox.Triple] = _quads(store, include_ontology)
    else:
        items = _union_triples(store, include_ontology)
    try:
        if isinstance(out, (str, Path)):
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            with open(out, "wb") as f:
                _write(items, f, fmt)
        else:
            _write(items, out, fmt)
    except BrokenPipeError:  # the reader of standard output stopped early: not a failed export
        raise
    except (OSError, ValueError, TypeError) as exc:
        raise ExportError(f"writing {fmt} failed: {exc}") from exc
    return len(items)


def _write(items: list[ox.Quad] | list[ox.Triple], f: IO[bytes], fmt: str) -> None:
    if fmt in ("nt", "nquads"):
        ox.serialize(items, f, format=FORMATS[fmt])
        return
    text = io.TextIOWrapper(f, encoding="utf-8", newline="\n", write_through=False)
    try:
        if fmt == "turtle":
            write_turtle(items, text)  # type: ignore[arg-type]
        elif fmt == "trig":
            write_trig(items, text)  # type: ignore[arg-type]
        else:
            json.dump(to_jsonld(items), text, ensure_ascii=False, indent=1)  # type: ignore[arg-type]
            text.write("\n")
        text.flush()
    finally:
        text.detach()


def _quads(store: Any, include_ontology: bool) -> list[ox.Quad]:
    quads = list(store.quads(include_ontology=include_ontology))
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return quads


def _union_triples(store: Any, include_ontology: bool) -> list[ox.Triple]:
    """The consolidated graph (each fact once) with the statements' texts, sorted."""
    from .maintain import published_triples

    out = list(dict.fromkeys(published_triples(store)))
    if include_ontology:
        out += [ox.Triple(q.subject, q.predicate, q.object)
                for q in store.graph_quads(ONTOLOGY_GRAPH)]
    out.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return out


# -- Turtle and TriG ------------------------------------------------------------------

_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_BARE = {XSD + "integer": _INTEGER_RE, XSD + "decimal": _DECIMAL_RE}
_XSD_STRING = XSD + "string"
_INDENT = "    "


def turtle_term(term: Any) -> str:
    """One RDF term in Turtle: a plain prefixed name when one fits, else the IRI whole.

    Literals keep Oxigraph's N-Triples escaping (valid Turtle); integers, decimals and
    booleans in their plain lexical form are written bare (12, 0.75, true).
    """
    if isinstance(term, ox.NamedNode):
        return _iri_name(term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        pattern = _BARE.get(dt)
        if pattern is not None and pattern.fullmatch(term.value):
            return term.value
        if dt == XSD + "boolean" and term.value in ("true", "false"):
            return term.value
        quoted = str(ox.Literal(term.value))
        if term.language:
            return f"{quoted}@{term.language}"
        if dt == _XSD_STRING:
            return quoted
        return f"{quoted}^^{turtle_term(term.datatype)}"
    if isinstance(term, ox.BlankNode):
        return str(term)
    raise TypeError(f"cannot write {term!r} in Turtle")


@lru_cache(maxsize=1 << 16)
def _iri_name(iri: str) -> str:
    return prefixed_name(iri) or f"<{iri}>"


def _prefix_lines() -> Iterator[str]:
    for prefix, ns in PREFIXES.items():
        yield f"@prefix {prefix}: <{ns}> .\n"


def _subject_blocks(triples: Iterable[ox.Triple], indent: str = "") -> Iterator[str]:
    """Turtle blocks of triples sorted by subject: ``s a C ;\\n    p o1 ,\\n        o2 .``"""
    subject: Any = None
    by_predicate: dict[str, list[str]] = {}

    def block() -> str:
        lines = []
        preds = sorted(by_predicate, key=lambda p: (p != "a", p != "rdfs:label", p))
        for i, p in enumerate(preds):
            objects = (" ,\n" + indent + _INDENT * 2).join(by_predicate[p])
            head = turtle_term(subject) + " " if i == 0 else _INDENT
            end = " ." if i == len(preds) - 1 else " ;"
            lines.append(f"{indent}{head}{p} {objects}{end}\n")
        return "".join(lines)

    for t in triples:
        if t.subject != subject:
            if subject is not None:
                yield block()
            subject, by_predicate = t.subject, {}
        p = "a" if t.predicate.value == RDF_TYPE else turtle_term(t.predicate)
        by_predicate.setdefault(p, []).append(turtle_term(t.object))
    if subject is not None:
        yield block()


def write_turtle(triples: list[ox.Triple], out: IO[str]) -> None:
    """Turtle of triples sorted by subject (as _union_triples gives them)."""
    out.writelines(_prefix_lines())
    for b in _subject_blocks(triples):
        out.write("\n")
        out.write(b)


def write_trig(quads: list[ox.Quad], out: IO[str]) -> None:
    """TriG of quads sorted by graph, then subject: one ``graph { ... }`` block per named graph."""
    out.writelines(_prefix_lines())
    graph: Any = None
    group: list[ox.Triple] = []

    def flush() -> None:
        if not group:
            return
        out.write("\n")
        if isinstance(graph, ox.DefaultGraph):
            out.writelines(_subject_blocks(group))
            return
        out.write(f"{turtle_term(graph)} {{\n")
        out.write("\n".join(_subject_blocks(group, _INDENT)))
        out.write("}\n")

    for q in quads:
        if q.graph_name != graph:
            flush()
            graph, group = q.graph_name, []
        group.append(q.triple)
    flush()


# -- JSON-LD --------------------------------------------------------------------------

#: Terms from other vocabularies that defgraph's statements use, with their JSON key.
_EXTERNAL_TERMS: dict[str, dict[str, str] | str] = {
    "label": "rdfs:label",
    "sameAs": {"@id": "owl:sameAs", "@type": "@id", "@container": "@set"},
    "title": "dct:title",
    "issued": {"@id": "dct:issued", "@type": "xsd:date"},
    "publisher": "dct:publisher",
    "source": {"@id": "dct:source", "@type": "@id"},
}
#: Prefixes the context declares. The per-kind identifier prefixes (country:, evidence:) are
#: left out: in JSON-LD a prefix and a key cannot share a name, and "country" and "evidence"
#: are keys (dg:country, dg:evidence); identifiers are written dgid:country/GBR instead.
_CONTEXT_PREFIXES = ("dg", "dgid", "rdf", "rdfs", "owl", "xsd", "dct", "wd")


def build_context(ontology_file: str | Path | None = None) -> dict[str, Any]:
    """The JSON-LD context of defgraph's terms, made from the ontology.

    A class is a key of its own name (``"Meeting"``); an object property links to
    nodes (``"@type": "@id"``, always a list); a datatype property's values are typed
    by its rdfs:range (xsd:string values are plain strings).
    """
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL as R_OWL
    from rdflib.namespace import RDF as R_RDF
    from rdflib.namespace import RDFS as R_RDFS

    g = Graph().parse(str(ontology_file or resources.ontology_file()), format="turtle")
    dg_ns = PREFIXES["dg"]

    def local(iri: Any) -> str | None:
        return str(iri)[len(dg_ns):] if isinstance(iri, URIRef) and str(iri).startswith(dg_ns) else None

    ctx: dict[str, Any] = {"id": "@id", "type": "@type"}
    for p in _CONTEXT_PREFIXES:
        ctx[p] = PREFIXES[p]
    classes = sorted(n for s in g.subjects(R_RDF.type, R_OWL.Class) if (n := local(s)))
    for name in classes:
        ctx[name] = f"dg:{name}"
    terms: dict[str, Any] = {}
    for s in g.subjects(R_RDF.type, R_OWL.ObjectProperty):
        if prop := local(s):
            terms[prop] = {"@id": f"dg:{prop}", "@type": "@id", "@container": "@set"}
    for s in g.subjects(R_RDF.type, R_OWL.DatatypeProperty):
        if not (prop := local(s)):
            continue
        rng = g.value(s, R_RDFS.range)
        if rng is None or str(rng) == XSD + "string":
            terms[prop] = f"dg:{prop}"
        else:
            terms[prop] = {"@id": f"dg:{prop}", "@type": f"xsd:{str(rng)[len(XSD):]}"}
    terms.update(_EXTERNAL_TERMS)
    clash = set(terms) & set(ctx)
    if clash:
        raise ValueError(f"JSON-LD keys defined twice: {', '.join(sorted(clash))}")
    for name in sorted(terms, key=str.lower):
        ctx[name] = terms[name]
    return {"@context": ctx}


@lru_cache(maxsize=1)
def shipped_context() -> dict[str, Any]:
    """The context shipped with defgraph (ontology/context.jsonld)."""
    path = resources.ontology_dir() / CONTEXT_FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot read the JSON-LD context {path}: {exc}") from exc
    return data


class _Compactor:
    """Compacts triples with a fixed context: the inverse of the context's term definitions."""

    def __init__(self, context: dict[str, Any]) -> None:
        ctx = context["@context"]
        self.prefixes = sorted(((k, v) for k, v in ctx.items()
                                if isinstance(v, str) and k in _CONTEXT_PREFIXES),
                               key=lambda kv: -len(kv[1]))
        self.keys: dict[str, tuple[str, str | None, bool]] = {}  # IRI -> key, coercion, list
        self.classes: dict[str, str] = {}
        self._cache: dict[str, str] = {}
        for key, value in ctx.items():
            if key in _CONTEXT_PREFIXES or key.startswith("@") or value in ("@id", "@type"):
                continue
            if isinstance(value, str):
                iri = self.expand(value)
                if key[:1].isupper():
                    self.classes[iri] = key
                else:
                    self.keys[iri] = (key, None, False)
            else:
                coercion = value.get("@type")
                self.keys[self.expand(value["@id"])] = (
                    key, self.expand(coercion) if coercion and coercion != "@id" else coercion,
                    value.get("@container") == "@set")

    def expand(self, value: str) -> str:
        prefix, _, rest = value.partition(":")
        for p, ns in self.prefixes:
            if p == prefix:
                return ns + rest
        return value

    def iri(self, iri: str) -> str:
        cached = self._cache.get(iri)
        if cached is not None:
            return cached
        if len(self._cache) > 1 << 16:
            self._cache.clear()
        self._cache[iri] = self._compact(iri)
        return self._cache[iri]

    def _compact(self, iri: str) -> str:
        for p, ns in self.prefixes:
            if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
                return f"{p}:{iri[len(ns):]}"
        return iri

    def ref(self, term: Any) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self.iri(term.value)

    def value(self, term: Any, coercion: str | None) -> Any:
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            return self.ref(term) if coercion == "@id" else {"@id": self.ref(term)}
        if not isinstance(term, ox.Literal):
            raise TypeError(f"cannot write {term!r} in JSON-LD")
        dt = term.datatype.value
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if coercion == dt:
            return _native(term.value, dt)
        if coercion is None and dt == _XSD_STRING:
            return term.value
        if dt == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.iri(dt)}

    def node(self, subject: Any, triples: list[ox.Triple]) -> dict[str, Any]:
        obj: dict[str, Any] = {"id": self.ref(subject)}
        types = [self.classes.get(t.object.value) or self.iri(t.object.value)
                 for t in triples if t.predicate.value == RDF_TYPE
                 and isinstance(t.object, ox.NamedNode)]
        if types:
            obj["type"] = types[0] if len(types) == 1 else types
        props: dict[str, list[Any]] = {}
        as_list: set[str] = set()
        for t in triples:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                continue
            key, coercion, is_set = self.keys.get(t.predicate.value,
                                                  (self.iri(t.predicate.value), None, False))
            props.setdefault(key, []).append(self.value(t.object, coercion))
            if is_set:
                as_list.add(key)
        for key in sorted(props, key=lambda k: (k != "label", k.lower())):
            values = props[key]
            obj[key] = values if key in as_list or len(values) > 1 else values[0]
        return obj


def _native(lexical: str, datatype: str) -> Any:
    """Integers and booleans as JSON numbers and booleans when that keeps their exact lexical
    form; anything else (dates, decimals: JSON numbers are doubles) as the lexical string."""
    if datatype == XSD + "integer" and _INTEGER_RE.fullmatch(lexical) and str(int(lexical)) == lexical:
        return int(lexical)
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return lexical == "true"
    return lexical


def to_jsonld(triples: list[ox.Triple], context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Compacted JSON-LD of triples sorted by subject: the context, then one object per node."""
    ctx = context or shipped_context()
    c = _Compactor(ctx)
    nodes: list[dict[str, Any]] = []
    group: list[ox.Triple] = []
    for t in triples:
        if group and t.subject != group[0].subject:
            nodes.append(c.node(group[0].subject, group))
            group = []
        group.append(t)
    if group:
        nodes.append(c.node(group[0].subject, group))
    return {"@context": ctx["@context"], "@graph": nodes}


def read_jsonld(data: str | bytes | dict[str, Any] | list[Any]) -> Any:
    """An rdflib Graph of a JSON-LD document, defgraph's context resolved from the package.

    ``"@context": "context.jsonld"`` (or any reference whose name ends so, or a list holding
    one) is replaced by the shipped context, so hand-written defgraph JSON reads offline.
    """
    from rdflib import Graph

    doc = json.loads(data) if isinstance(data, (str, bytes)) else data
    _inline_context(doc)
    g = Graph()
    g.parse(data=json.dumps(doc), format="json-ld")
    return g


def _inline_context(doc: Any) -> None:
    if isinstance(doc, list):
        for item in doc:
            _inline_context(item)
        return
    if not isinstance(doc, dict):
        return
    ctx = doc.get("@context")
    ours = shipped_context()["@context"]
    if isinstance(ctx, str) and ctx.endswith(CONTEXT_FILE):
        doc["@context"] = ours
    elif isinstance(ctx, list):
        doc["@context"] = [ours if isinstance(c, str) and c.endswith(CONTEXT_FILE) else c for c in ctx]
    for value in doc.values():
        if isinstance(value, (list, dict)):
            _inline_context(value)


__all__ = ["EXTENSIONS", "FORMATS", "ExportError", "build_context",
           "export", "read_jsonld", "shipped_context", "to_jsonld", "turtle_term", "write_trig",
           "write_turtle"]
