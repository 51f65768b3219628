"""The ontology matches vocab.DG and the public contract; the SHACL shapes catch broken data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef

from defgraph import resources
from defgraph.maintain import published_triples
from defgraph.stores import OxigraphStore
from defgraph.validate import ValidationError, ValidationReport, validate
from defgraph.vocab import CONSOLIDATED_GRAPH, DG, DG_NS, DGID_NS, RDF_TYPE, XSD

# The public contract (docs: contract.md). These names are a promise to other tools.
CONTRACT_CLASSES = [
    "Statement",
    "Event",
    "Meeting",
    "Visit",
    "Call",
    "AgreementSigning",
    "Exercise",
    "Deployment",
    "Pledge",
    "Country",
    "Organisation",
    "Person",
    "Place",
    "Evidence",
]
CONTRACT_PROPERTIES = [
    "date",
    "endDate",
    "location",
    "country",
    "participant",
    "convenedBy",
    "participantCount",
    "represents",
    "roleTitle",
    "iso3",
    "pledgedBy",
    "beneficiary",
    "amount",
    "currency",
    "announcedAt",
    "reportedIn",
    "evidence",
    "quote",
    "start",
    "end",
    "inStatement",
]

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)
TERM_TYPES = (OWL.Class, *PROPERTY_TYPES)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def vocab_terms() -> list[URIRef]:
    return sorted(URIRef(DG_NS + name) for name in DG.__annotations__)


def defined_dg_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and s.startswith(DG_NS)}


def types_of(g: Graph, term: URIRef) -> set[URIRef]:
    return {t for t in g.objects(term, RDF.type) if isinstance(t, URIRef) and t in TERM_TYPES}


# -- (a) every vocab term is defined ---------------------------------------------


@pytest.mark.parametrize("term", vocab_terms(), ids=lambda t: t.removeprefix(DG_NS))
def test_vocab_term_is_defined(onto: Graph, term: URIRef) -> None:
    assert len(types_of(onto, term)) == 1, (
        "exactly one of owl:Class / ObjectProperty / DatatypeProperty"
    )
    for annotation in (RDFS.label, RDFS.comment):
        values = list(onto.objects(term, annotation))
        assert values and all(getattr(v, "language", None) == "en" for v in values)
    if types_of(onto, term) & set(PROPERTY_TYPES):
        assert onto.value(term, RDFS.domain) is not None
        assert onto.value(term, RDFS.range) is not None


def test_datatype_properties_have_xsd_ranges(onto: Graph) -> None:
    for prop in onto.subjects(RDF.type, OWL.DatatypeProperty):
        if str(prop).startswith(DG_NS):
            assert str(onto.value(prop, RDFS.range)).startswith(XSD), prop


# -- (b) no drift ------------------------------------------------------------------


def test_no_dg_term_missing_from_vocab(onto: Graph) -> None:
    assert defined_dg_terms(onto) == set(vocab_terms())


def test_every_dg_iri_used_is_in_vocab(onto: Graph) -> None:
    """A typo such as dg:Statment in a range would otherwise pass unnoticed."""
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and t.startswith(DG_NS)}
    assert used <= set(vocab_terms())


# -- (c) the contract ----------------------------------------------------------------


def test_contract_terms_present(onto: Graph) -> None:
    for name in CONTRACT_CLASSES:
        assert (URIRef(DG_NS + name), RDF.type, OWL.Class) in onto, name
    for name in CONTRACT_PROPERTIES:
        assert types_of(onto, URIRef(DG_NS + name)) & set(PROPERTY_TYPES), name
    assert (URIRef(DG_NS + "convenedBy"), RDFS.subPropertyOf, URIRef(DG_NS + "participant")) in onto
    for sub in ("Meeting", "Visit", "Call", "AgreementSigning", "Exercise", "Deployment"):
        assert (URIRef(DG_NS + sub), RDFS.subClassOf, URIRef(DG_NS + "Event")) in onto


def test_ontology_header(onto: Graph) -> None:
    header = URIRef("https://w3id.org/defgraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    assert str(onto.value(header, OWL.versionInfo)) == "0.1.0"
    for p in ("title", "description"):
        assert onto.value(header, URIRef("http://purl.org/dc/terms/" + p)) is not None


# -- (d) alignment ---------------------------------------------------------------------


def test_every_term_is_aligned(onto: Graph) -> None:
    def aligned(term: URIRef, seen: frozenset[URIRef] = frozenset()) -> bool:
        for link in (RDFS.subClassOf, RDFS.subPropertyOf):
            for sup in onto.objects(term, link):
                if not isinstance(sup, URIRef) or sup in seen:
                    continue
                if not sup.startswith(DG_NS) or aligned(sup, seen | {term}):
                    return True
        return False

    unaligned = [t for t in vocab_terms() if not aligned(t)]
    assert not unaligned


# -- (e) pyoxigraph parses it -------------------------------------------------------


@pytest.mark.parametrize("path", [resources.ontology_file(), resources.shapes_file()], ids=str)
def test_parses_with_pyoxigraph(path: object) -> None:
    with open(str(path), "rb") as f:
        triples = list(ox.parse(f, format=ox.RdfFormat.TURTLE))
    assert len(triples) > 50


# -- (f) validate() on a real store --------------------------------------------------

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

TYPE = ox.NamedNode(RDF_TYPE)
LABEL = ox.NamedNode(str(RDFS.label))


def dg(name: str) -> ox.NamedNode:
    return ox.NamedNode(DG_NS + name)


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(DGID_NS + path)


def lit(value: object, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
    return ox.Literal(str(value))


STMT = iri("statement/s1")
TEXT = "UK Defence Secretary met counterparts in Brussels and pledged £450 million."


def good_triples() -> list[Triple]:
    gbr, ukr = iri("country/GBR"), iri("country/UKR")
    meeting, pledge, person = iri("event/e1"), iri("pledge/p1"), iri("person/john-healey")
    ev = ox.BlankNode("ev1")
    return [
        (STMT, TYPE, dg("Statement")),
        (STMT, dg("text"), lit(TEXT)),
        (STMT, dg("contentHash"), lit("a" * 64)),
        (STMT, dg("mentions"), ukr),
        (gbr, TYPE, dg("Country")),
        (gbr, LABEL, ox.Literal("United Kingdom", language="en")),
        (gbr, dg("iso3"), lit("GBR")),
        (ukr, TYPE, dg("Country")),
        (ukr, LABEL, lit("Ukraine")),
        (ukr, dg("iso3"), lit("UKR")),
        (person, TYPE, dg("Person")),
        (person, LABEL, lit("John Healey")),
        (person, dg("represents"), gbr),
        (meeting, TYPE, dg("Meeting")),
        (meeting, LABEL, lit("Meeting in Brussels")),
        (meeting, dg("date"), lit(date(2025, 2, 12), "date")),
        (meeting, dg("endDate"), lit(date(2025, 2, 13), "date")),
        (meeting, dg("participant"), gbr),
        (meeting, dg("reportedIn"), STMT),
        (meeting, dg("evidence"), ev),
        (meeting, dg("confidence"), lit("0.8", "decimal")),
        (ev, TYPE, dg("Evidence")),
        (ev, dg("quote"), lit(TEXT[:36])),
        (ev, dg("start"), lit(0, "integer")),
        (ev, dg("end"), lit(36, "integer")),
        (ev, dg("inStatement"), STMT),
        (pledge, TYPE, dg("Pledge")),
        (pledge, LABEL, lit("UK pledge to Ukraine")),
        (pledge, dg("amount"), lit(450000000, "decimal")),
        (pledge, dg("currency"), lit("GBP")),
        (pledge, dg("pledgedBy"), gbr),
        (pledge, dg("beneficiary"), ukr),
        (pledge, dg("reportedIn"), STMT),
    ]


def store_with(triples: list[Triple]) -> OxigraphStore:
    """A store whose consolidated graph (what validate checks) holds exactly these triples."""
    store = OxigraphStore(None)
    store.replace_graph(CONSOLIDATED_GRAPH, [ox.Quad(s, p, o) for s, p, o in triples])
    return store


def without(triples: list[Triple], *drop: Triple) -> list[Triple]:
    return [t for t in triples if t not in drop]


def test_conforming_store() -> None:
    report = validate(store_with(good_triples()))
    assert isinstance(report, ValidationReport)
    assert report.conforms, report.text
    assert report.violations == []


def test_empty_store_conforms() -> None:
    assert validate(OxigraphStore(None)).conforms


def store_graph(store: OxigraphStore) -> Graph:
    """The published graph (what validate checks) as an rdflib Graph, for pySHACL."""
    graph = Graph()
    for t in published_triples(store):
        graph.add(tuple(rdflib_term(term) for term in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    return graph


def rdflib_term(term: object) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD + "string" else URIRef(datatype))


def test_ontology_graph_is_not_validated_as_data() -> None:
    store = store_with(good_triples())
    assert any(q.subject == dg("Event") for q in store.quads(include_ontology=True))
    assert (URIRef(DG_NS + "Event"), None, None) not in store_graph(store)


def test_subclass_added_later_is_still_targeted() -> None:
    """sh:targetClass dg:Event reaches an instance typed only with the abstract class."""
    e = iri("event/bare")
    report = validate(store_with(good_triples() + [(e, TYPE, dg("Event")), (e, LABEL, lit("x"))]))
    assert (DGID_NS + "event/bare", DG_NS + "reportedIn") in {
        (f, p) for f, p, _ in report.violations
    }


def test_broken_store_reports_each_violation() -> None:
    gbr, pledge, meeting = iri("country/GBR"), iri("pledge/p1"), iri("event/e1")
    broken = without(
        good_triples(),
        (gbr, dg("iso3"), lit("GBR")),
        (pledge, dg("currency"), lit("GBP")),
        (meeting, dg("reportedIn"), STMT),
    )
    ev = ox.BlankNode("ev1")
    broken = without(
        broken, (ev, dg("start"), lit(0, "integer")), (ev, dg("end"), lit(36, "integer"))
    )
    broken += [(ev, dg("start"), lit(10, "integer")), (ev, dg("end"), lit(3, "integer"))]
    report = validate(store_with(broken))

    assert not report.conforms
    found = {(focus, path) for focus, path, _ in report.violations}
    assert (DGID_NS + "country/GBR", DG_NS + "iso3") in found
    assert (DGID_NS + "pledge/p1", DG_NS + "currency") in found
    assert (DGID_NS + "event/e1", DG_NS + "reportedIn") in found
    assert ("_:ev1", DG_NS + "start") in found  # blank nodes keep their store ids
    assert all(message for _, _, message in report.violations)
    assert "iso3" in report.text


def test_pattern_and_cardinality_violations() -> None:
    gbr, meeting, pledge = iri("country/GBR"), iri("event/e1"), iri("pledge/p1")
    report = validate(
        store_with(
            good_triples()
            + [
                (gbr, dg("iso3"), lit("GB")),  # a second, malformed code
                (meeting, dg("date"), lit(date(2025, 2, 14), "date")),  # after its end date
                (pledge, dg("currency"), lit("pounds")),
            ]
        )
    )
    found = {(focus, path) for focus, path, _ in report.violations}
    assert (DGID_NS + "country/GBR", DG_NS + "iso3") in found
    assert (DGID_NS + "event/e1", DG_NS + "date") in found
    assert (DGID_NS + "pledge/p1", DG_NS + "currency") in found


def test_a_merged_event_may_carry_each_reports_date() -> None:
    meeting = iri("event/e1")
    report = validate(store_with(good_triples() + [(meeting, dg("date"), lit(date(2025, 2, 11), "date"))]))
    assert report.conforms, report.text


def test_reported_in_must_point_to_a_statement() -> None:
    meeting = iri("event/e1")
    triples = without(good_triples(), (meeting, dg("reportedIn"), STMT))
    triples.append((meeting, dg("reportedIn"), iri("country/GBR")))
    found = {(f, p) for f, p, _ in validate(store_with(triples)).violations}
    assert (DGID_NS + "event/e1", DG_NS + "reportedIn") in found


def test_store_graph_round_trips_literals() -> None:
    g = store_graph(store_with(good_triples()))
    assert len(g) == len(good_triples())
    assert "450000000" in g.serialize(format="nt")


def test_broken_shapes_file_raises_validation_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text("this is not turtle .")
    monkeypatch.setattr(resources, "shapes_file", lambda: bad)
    with pytest.raises(ValidationError, match="shapes.ttl"):
        validate(store_with(good_triples()))


# -- (g) the engine against pySHACL, and chunks against the whole ---------------------------------

PROV = "http://www.w3.org/ns/prov#"


def correction(name: str, operation: str, **extra: ox.NamedNode | ox.Literal) -> list[Triple]:
    c = iri(f"correction/{name}")
    triples: list[Triple] = [
        (c, TYPE, dg("Correction")),
        (c, dg("operation"), lit(operation)),
        (c, dg("target"), iri("event/e1")),
        (c, dg("reason"), lit("seen in the source")),
        (c, ox.NamedNode(PROV + "wasAssociatedWith"), iri("agent/analyst")),
        (c, ox.NamedNode(PROV + "endedAtTime"), lit("2026-11-30T12:00:00Z", "dateTime")),
        (c, ox.NamedNode("http://purl.org/dc/terms/identifier"), lit(name)),
    ]
    return triples + [(c, dg(p), v) for p, v in extra.items()]


def oracle_cases() -> dict[str, list[Triple]]:
    """Graphs that break each kind of constraint the shapes use (sh:or, sh:in, sh:class,
    sh:pattern, sh:lessThanOrEquals, counts, datatypes, ranges, subclass targets)."""
    g = good_triples()
    gbr, meeting, pledge = iri("country/GBR"), iri("event/e1"), iri("pledge/p1")
    ev = ox.BlankNode("ev1")
    return {
        "good": g,
        "missing": without(g, (gbr, dg("iso3"), lit("GBR")), (pledge, dg("currency"), lit("GBP")),
                           (meeting, dg("reportedIn"), STMT), (ev, dg("end"), lit(36, "integer"))),
        "malformed": g + [(gbr, dg("iso3"), lit("GB")), (pledge, dg("currency"), lit("pounds")),
                          (meeting, dg("date"), lit(date(2025, 2, 14), "date")),
                          (meeting, dg("confidence"), lit("1.5", "decimal")),
                          (ev, dg("start"), lit("x"))],
        "subclass": g + [(iri("event/bare"), TYPE, dg("Event"))],
        "range": without(g, (meeting, dg("reportedIn"), STMT)) + [(meeting, dg("reportedIn"), gbr)],
        "corrections": g + correction("c1", "set") + correction("c2", "merge")
        + correction("c3", "split", movedReport=iri("report/r1"))
        + correction("c4", "merge", mergedWith=iri("event/e2"))
        + correction("c5", "paint", property=dg("date")),
    }


def pyshacl_findings(store: OxigraphStore) -> list[tuple[str, str, str]]:
    """(focus node, path, message) of each violation pySHACL finds in the published graph."""
    from pyshacl import validate as pyshacl_validate

    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    onto = Graph().parse(resources.ontology_file(), format="turtle")
    _, results, _ = pyshacl_validate(store_graph(store), shacl_graph=shapes, ont_graph=onto,
                                     inference="none", meta_shacl=False, advanced=False)
    found = []
    for r in results.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationResult")):
        focus = results.value(r, URIRef("http://www.w3.org/ns/shacl#focusNode"))
        path = results.value(r, URIRef("http://www.w3.org/ns/shacl#resultPath"))
        message = results.value(r, URIRef("http://www.w3.org/ns/shacl#resultMessage"))
        found.append((f"_:{focus}" if isinstance(focus, BNode) else str(focus),
                      "" if path is None else str(path), str(message)))
    return sorted(found)


@pytest.mark.parametrize("case", sorted(oracle_cases()))
def test_findings_match_pyshacl(case: str) -> None:
    """rudof (what validate runs) finds what pySHACL finds, in the shapes file's words."""
    store = store_with(oracle_cases()[case])
    ours = validate(store).violations
    assert ours == pyshacl_findings(store)
    assert (case == "good") == (ours == [])


def test_chunks_give_what_the_whole_gives(tmp_path: Path) -> None:
    """Validating in chunks of a few subjects finds what one chunk finds: each subject's
    triples, its statement's text and the types its sh:class paths point to travel with it."""
    from defgraph.pipeline import KnowledgeGraph

    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(resources.sample_data_dir())
    store = kg.store
    assert validate(store).conforms
    events = [q.subject for q in store.iter_graph_quads(CONSOLIDATED_GRAPH)
              if q.predicate == TYPE and q.object == dg("Meeting")]
    statements = sorted({q.subject for q in store.iter_graph_quads(CONSOLIDATED_GRAPH)
                         if q.predicate == TYPE and q.object == dg("Statement")}, key=str)
    # break it: an event loses its date's order, a statement its hash, one event points to
    # a country as its statement
    consolidated = ox.NamedNode(CONSOLIDATED_GRAPH)
    remove = [q for q in store.iter_graph_quads(CONSOLIDATED_GRAPH)
              if q.subject == statements[0] and q.predicate == dg("contentHash")]
    store.change(remove, [ox.Quad(events[0], dg("endDate"), lit(date(1990, 1, 1), "date"), consolidated),
                          ox.Quad(events[1], dg("reportedIn"), iri("country/GBR"), consolidated)])
    chunks: list[int] = []
    whole = validate(store, chunk_triples=10**9)
    parts = validate(store, chunk_triples=200, progress=chunks.append)
    assert len(chunks) > 20
    assert parts.violations == whole.violations
    found = {(focus, path) for focus, path, _ in parts.violations}
    assert (statements[0].value, DG_NS + "contentHash") in found
    assert (events[1].value, DG_NS + "reportedIn") in found
    assert any(focus == events[0].value for focus, _ in found)
    assert len(parts.violations) == 3
    assert parts.violations == pyshacl_findings(store)


def test_shapes_that_read_beyond_their_node_are_checked_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shape targeting a node by name (sh:targetNode) is not local to a chunk: such a
    shapes file is validated in one piece, so a named node with no triples is still found."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(resources.shapes_file().read_text(encoding="utf-8") + """
<urn:shape:needed> a sh:NodeShape ;
    sh:targetNode <https://w3id.org/defgraph/id/country/ATL> ;
    sh:property [ sh:path dg:iso3 ; sh:minCount 1 ; sh:message "must exist" ] .
""", encoding="utf-8")
    monkeypatch.setattr(resources, "shapes_file", lambda: shapes)
    report = validate(store_with(good_triples()), chunk_triples=5)
    assert report.violations == [(DGID_NS + "country/ATL", DG_NS + "iso3", "must exist")]


def test_a_store_in_memory_is_checked_whole() -> None:
    """A store in memory gives a graph's quads in the order they came, not subject by
    subject: split into chunks, a country's label and code would be judged apart."""
    store = OxigraphStore(None)
    consolidated = ox.NamedNode(CONSOLIDATED_GRAPH)
    codes = ["GBR", "FRA", "DEU", "POL", "ITA", "ESP"]
    for predicate in (TYPE, LABEL, dg("iso3")):  # one property at a time, every country
        store.add_quads([ox.Quad(iri(f"country/{c}"), predicate,
                                 dg("Country") if predicate == TYPE else lit(c), consolidated)
                         for c in codes])
    assert validate(store, chunk_triples=4).violations == []


@pytest.mark.parametrize("extra, local", [
    ("", True),
    ("[ sh:targetClass dg:Event ; sh:property [ sh:path ( dg:location dg:country ) ; "
     "sh:minCount 1 ] ] .", False),
    ("[ sh:targetClass dg:Event ; sh:property [ sh:path dg:location ; "
     "sh:or ( [ sh:path dg:country ; sh:minCount 1 ] ) ] ] .", False),
])
def test_shapes_that_read_other_nodes_are_not_chunked(extra: str, local: bool) -> None:
    from defgraph.validate import _analyse

    shapes = resources.shapes_file().read_text(encoding="utf-8") + "\n" + extra
    assert _analyse(shapes, resources.ontology_file().read_text(encoding="utf-8")).local is local


def test_sh_class_behind_a_named_shape_gets_its_context() -> None:
    from defgraph.validate import _analyse

    shapes = resources.shapes_file().read_text(encoding="utf-8") + """
<urn:shape:placed> sh:class dg:Place .
[ sh:targetClass dg:Event ; sh:property [ sh:path dg:location ; sh:or ( <urn:shape:placed> ) ] ] .
"""
    found = _analyse(shapes, resources.ontology_file().read_text(encoding="utf-8"))
    assert DG_NS + "location" in found.class_paths and found.local
