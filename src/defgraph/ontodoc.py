"""A human-readable page of the ontology, generated from ontology/defgraph.ttl.

Every class and property of the dg: namespace with its definition (rdfs:comment),
its place in the hierarchy, its alignments to other vocabularies (rdfs:subClassOf
and rdfs:subPropertyOf outside dg:), domain, range, JSON-LD key, and an example
taken from the graph of the bundled sample corpus. ``check()`` names every term
that lacks a definition or an example; the page is written by ``defgraph
ontology-docs`` (pyLODE was tried first: its current release does not start when
installed from a wheel, and it cannot show examples from a corpus).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from . import resources
from .export import build_context, turtle_term
from .vocab import DG_NS, ID_PREFIXES, PREFIXES

KINDS = (("class", OWL.Class), ("object property", OWL.ObjectProperty),
         ("datatype property", OWL.DatatypeProperty))
PLURAL = {"class": "Classes", "object property": "Object properties",
          "datatype property": "Datatype properties"}
#: How the page names other vocabularies' terms. W3C ORG is ``w3corg:`` here because
#: ``org:`` names defgraph's organisations in the exports (ontology/defgraph.ttl says org:).
VOCABULARIES: dict[str, tuple[str, str]] = {
    "schema": ("http://schema.org/", "schema.org"),
    "sem": ("http://semanticweb.cs.vu.nl/2009/11/sem/", "Simple Event Model (SEM)"),
    "prov": ("http://www.w3.org/ns/prov#", "PROV-O"),
    "foaf": ("http://xmlns.com/foaf/0.1/", "FOAF"),
    "w3corg": ("http://www.w3.org/ns/org#", "W3C Organization Ontology (ORG)"),
    "dct": ("http://purl.org/dc/terms/", "Dublin Core terms"),
    "oa": ("http://www.w3.org/ns/oa#", "Web Annotation"),
    "skos": ("http://www.w3.org/2004/02/skos/core#", "SKOS"),
    "wdt": ("http://www.wikidata.org/prop/direct/", "Wikidata properties"),
    "owl": ("http://www.w3.org/2002/07/owl#", "OWL"),
    "xsd": ("http://www.w3.org/2001/XMLSchema#", "XML Schema datatypes"),
}
_LONG = 110  # characters of a literal shown in an example
_MAX_OBJECTS = 4  # values of one property shown in a class example


@dataclass
class Ref:
    """A term as the page links it: its text and where the link goes."""

    text: str
    href: str


@dataclass
class Term:
    """One dg: class or property and what the page says about it."""

    name: str
    iri: str
    kind: str
    label: str = ""
    definition: str = ""
    parents: list[Ref] = field(default_factory=list)  # within dg:
    children: list[Ref] = field(default_factory=list)
    alignments: list[Ref] = field(default_factory=list)  # outside dg:
    domain: list[list[Ref]] = field(default_factory=list)  # a union is one inner list
    range: list[list[Ref]] = field(default_factory=list)
    json: str = ""
    example: str = ""


def _ref(iri: str) -> Ref:
    if iri.startswith(DG_NS):
        return Ref(f"dg:{iri[len(DG_NS):]}", f"#{iri[len(DG_NS):]}")
    for prefix, (ns, _) in VOCABULARIES.items():
        if iri.startswith(ns):
            return Ref(f"{prefix}:{iri[len(ns):]}", iri)
    return Ref(iri, iri)


def _classes_of(g: Graph, value: Any) -> list[Ref]:
    if isinstance(value, BNode):
        union = g.value(value, OWL.unionOf)
        if union is not None:
            return [_ref(str(m)) for m in Collection(g, union)]
    return [_ref(str(value))]


def ontology_terms(ontology_file: str | Path | None = None) -> list[Term]:
    """The dg: classes and properties of the ontology, in page order (kind, then name)."""
    g = Graph().parse(str(ontology_file or resources.ontology_file()), format="turtle")
    context = build_context(ontology_file)["@context"]
    keys = {(v if isinstance(v, str) else v["@id"]): k for k, v in context.items()
            if not k.startswith("@") and isinstance(v, (str, dict))}
    terms: list[Term] = []
    for kind, cls in KINDS:
        members = sorted((s for s in g.subjects(RDF.type, cls)
                          if isinstance(s, URIRef) and str(s).startswith(DG_NS)), key=str)
        sub = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
        for s in members:
            name = str(s)[len(DG_NS):]
            t = Term(name=name, iri=str(s), kind=kind,
                     label=str(g.value(s, RDFS.label) or ""),
                     definition=" ".join(str(g.value(s, RDFS.comment) or "").split()))
            for parent in sorted(g.objects(s, sub), key=str):
                ref = _ref(str(parent))
                (t.parents if str(parent).startswith(DG_NS) else t.alignments).append(ref)
            t.children = [_ref(str(c)) for c in sorted(g.subjects(sub, s), key=str)]
            t.domain = [_classes_of(g, d) for d in g.objects(s, RDFS.domain)]
            t.range = [_classes_of(g, r) for r in g.objects(s, RDFS.range)]
            key = keys.get(f"dg:{name}", "")
            if kind == "class":
                t.json = f'"type": "{key}"' if key else ""
            else:
                entry = context.get(key)
                coercion = entry.get("@type") if isinstance(entry, dict) else None
                t.json = f'"{key}"' + (" (node ids)" if coercion == "@id" else
                                       f" ({coercion} values)" if coercion else "")
            terms.append(t)
    return terms


def ontology_meta(ontology_file: str | Path | None = None) -> dict[str, str]:
    """Title, description, version and namespace of the ontology."""
    g = Graph().parse(str(ontology_file or resources.ontology_file()), format="turtle")
    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)

    def text(p: Any) -> str:
        v = g.value(onto, p) if onto is not None else None
        return " ".join(str(v).split()) if isinstance(v, Literal) else ""

    return {"iri": str(onto or ""), "title": text(DCTERMS.title) or "defgraph ontology",
            "description": text(DCTERMS.description), "version": text(OWL.versionInfo),
            "namespace": DG_NS}


# -- examples from the corpus ------------------------------------------------------------

def corpus_store(corpus: str | Path | None = None) -> Any:
    """An in-memory store of the corpus (the bundled sample statements by default)."""
    from .pipeline import KnowledgeGraph

    kg = KnowledgeGraph(":memory:")
    report = kg.ingest(corpus or resources.sample_data_dir() / "statements", workers=1)
    if not report.stored:
        raise ValueError(f"no statement could be read from {corpus}")
    sample_corrections = resources.sample_data_dir() / "corrections.ttl"
    if corpus is None and sample_corrections.is_file():  # the bundled analysts' corrections
        from .curation import import_corrections

        import_corrections(kg.store, sample_corrections)
    return kg.store


def _short(term: Any) -> Any:
    if isinstance(term, ox.Literal) and len(term.value) > _LONG:
        cut = term.value[:_LONG].rsplit(" ", 1)[0]
        return ox.Literal(cut + " …", language=term.language) if term.language else \
            ox.Literal(cut + " …", datatype=term.datatype)
    return term


def _rows(store: Any, sparql: str) -> list[list[Any]]:
    """Rows from the consolidated graph, else from the statements' own graphs (a statement's
    text lives only there)."""
    for union in (False, True):
        result = store.query(sparql, union=union)
        rows = [list(r) for r in getattr(result, "rows", [])]
        if rows:
            return rows
    return []


def _class_example(store: Any, iri: str) -> str:
    """The instance with the most kinds of statement about it, as a Turtle block."""
    rows = _rows(store, f"""
        SELECT ?s (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          ?s a ?t . ?t rdfs:subClassOf* <{iri}> . ?s ?p ?o }}
        GROUP BY ?s ORDER BY DESC(?n) STR(?s) LIMIT 1""")
    if not rows:
        return ""
    subject = rows[0][0]
    triples = _rows(store, f"SELECT DISTINCT ?p ?o WHERE {{ <{subject.value}> ?p ?o }} "
                           "ORDER BY STR(?p) STR(?o)")
    by_p: dict[str, list[str]] = {}
    for p, o in triples:
        name = "a" if p.value == str(RDF.type) else turtle_term(p)
        by_p.setdefault(name, []).append(turtle_term(_short(o)))
    lines = [turtle_term(subject)]
    preds = sorted(by_p, key=lambda p: (p != "a", p != "rdfs:label", p))
    for i, p in enumerate(preds):
        objects = by_p[p]
        shown = " , ".join(objects[:_MAX_OBJECTS])
        more = f"  # and {len(objects) - _MAX_OBJECTS} more" if len(objects) > _MAX_OBJECTS else ""
        end = " ." if i == len(preds) - 1 else " ;"
        lines.append(f"    {p} {shown}{end}{more}")
    return "\n".join(lines)


def _property_example(store: Any, iri: str) -> str:
    """One use of the property (or of a sub-property), each end with its label when it has one."""
    rows = _rows(store, f"""
        SELECT ?s ?o ?sl ?ol WHERE {{
          ?p rdfs:subPropertyOf* <{iri}> . ?s ?p ?o .
          OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?o rdfs:label ?ol }} }}
        ORDER BY DESC(BOUND(?sl) && (isLiteral(?o) || BOUND(?ol))) STR(?s) STR(?o) LIMIT 1""")
    if not rows:
        return ""
    s, o, sl, ol = rows[0]
    line = f"{turtle_term(s)} {turtle_term(ox.NamedNode(iri))} {turtle_term(_short(o))} ."
    notes = [f"{turtle_term(s)} is {_quoted(sl)}" if sl is not None else "",
             f"{turtle_term(o)} is {_quoted(ol)}" if ol is not None and not isinstance(o, ox.Literal)
             else ""]
    notes = [n for n in notes if n]
    return line + "".join(f"\n# {n}" for n in notes)


def _quoted(term: Any) -> str:
    text = " ".join(str(term.value).split())
    return f"\u201c{text[:_LONG]}\u201d"


def examples(terms: Iterable[Term], store: Any) -> None:
    """Fill each term's example from the store (left empty when the corpus never uses it)."""
    for t in terms:
        t.example = _class_example(store, t.iri) if t.kind == "class" else \
            _property_example(store, t.iri)


def check(terms: Iterable[Term]) -> list[str]:
    """One line per missing piece: a term without a label, a definition or an example."""
    problems = []
    for t in terms:
        for what, value in (("label (rdfs:label)", t.label),
                            ("definition (rdfs:comment)", t.definition),
                            ("example in the sample corpus", t.example)):
            if not value:
                problems.append(f"dg:{t.name} has no {what}")
    return problems


# -- the page ---------------------------------------------------------------------------

def render_page(terms: list[Term], meta: dict[str, str]) -> str:
    """The HTML page (self-contained: its style inline, no script)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("defgraph", "templates"),
                      autoescape=select_autoescape(["html"]), keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    groups = [(kind, [t for t in terms if t.kind == kind]) for kind, _ in KINDS]
    context = build_context()["@context"]
    external = [(k, v if isinstance(v, str) else v["@id"]) for k, v in context.items()
                if not k.startswith("@") and isinstance(v, (str, dict)) and
                (v if isinstance(v, str) else v["@id"]).split(":")[0] in ("rdfs", "owl", "dct")]
    return env.get_template("ontology.html").render(
        meta=meta, groups=groups, plural=PLURAL, vocabularies=VOCABULARIES, id_prefixes=ID_PREFIXES,
        dgid=PREFIXES["dgid"], external=external)


def generate(out: str | Path, *, ontology_file: str | Path | None = None,
             corpus: str | Path | None = None) -> list[str]:
    """Write the page; returns check()'s problems (the page is written either way)."""
    terms = ontology_terms(ontology_file)
    examples(terms, corpus_store(corpus))
    page = render_page(terms, ontology_meta(ontology_file))
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8", newline="\n")
    return check(terms)


__all__ = ["Term", "check", "corpus_store", "examples", "generate", "ontology_meta",
           "ontology_terms", "render_page"]
