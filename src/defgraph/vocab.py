"""Every RDF term the code uses, in one place.

`DG` lists the defgraph ontology's terms; a test checks that each one is
defined in ontology/defgraph.ttl and that the file defines nothing else under
the `dg:` namespace that is missing here.  Code names terms as ``DG.Meeting``,
never as IRI strings.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

DG_NS = "https://w3id.org/defgraph/ontology#"
DGID_NS = "https://w3id.org/defgraph/id/"
GRAPH_NS = "https://w3id.org/defgraph/graph/"


class DG(DefinedNamespace):
    """The defgraph ontology (ontology/defgraph.ttl)."""

    _fail = True
    _NS = Namespace(DG_NS)

    # classes
    Statement: URIRef
    Event: URIRef
    Meeting: URIRef
    Visit: URIRef
    Call: URIRef
    AgreementSigning: URIRef
    Exercise: URIRef
    Deployment: URIRef
    Pledge: URIRef
    Country: URIRef
    Organisation: URIRef
    Person: URIRef
    Post: URIRef
    Place: URIRef
    Evidence: URIRef
    # contract properties
    date: URIRef
    endDate: URIRef
    location: URIRef
    country: URIRef
    participant: URIRef
    convenedBy: URIRef
    participantCount: URIRef
    represents: URIRef
    roleTitle: URIRef
    iso3: URIRef
    pledgedBy: URIRef
    beneficiary: URIRef
    amount: URIRef
    currency: URIRef
    announcedAt: URIRef
    reportedIn: URIRef
    evidence: URIRef
    quote: URIRef
    start: URIRef
    end: URIRef
    inStatement: URIRef
    # extensions
    text: URIRef
    contentHash: URIRef
    sourceFile: URIRef
    mentions: URIRef
    planned: URIRef
    attendedVirtually: URIRef
    item: URIRef
    partOf: URIRef
    method: URIRef
    confidence: URIRef
    stateMethod: URIRef
    stateConfidence: URIRef
    heldBy: URIRef
    report: URIRef
    # derived from the parties (maintain.refresh_event_states)
    involvesState: URIRef
    convenorState: URIRef
    participantState: URIRef
    virtualState: URIRef
    # pairs of states that met (maintain.refresh_state_pairs)
    StatePair: URIRef
    pairState: URIRef
    pairPartner: URIRef
    sharedEvents: URIRef
    statementCount: URIRef
    firstDate: URIRef
    lastDate: URIRef
    # corrections by analysts (curation.py)
    Correction: URIRef
    operation: URIRef
    target: URIRef
    targetReport: URIRef
    property: URIRef
    value: URIRef
    literalValue: URIRef
    oldValue: URIRef
    oldLiteralValue: URIRef
    mergedWith: URIRef
    movedReport: URIRef
    reason: URIRef
    curation: URIRef


# Standard vocabularies used alongside dg:
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
WD = "http://www.wikidata.org/entity/"
PROV = "http://www.w3.org/ns/prov#"

#: The kinds of instance IRI, dgid:{kind}/{key}: each has its own prefix ({kind}:{key}, e.g.
#: country:GBR, person:john-healey) so that Turtle, query tables and the views write names that
#: need no escaping (a prefixed name may not contain a "/", so dgid:country/GBR cannot be written).
#: "org" is defgraph's organisations, not the W3C ORG vocabulary that the ontology aligns to.
ID_KINDS = ("country", "person", "post", "org", "place", "event", "pledge", "statement", "evidence",
            "pair")
ID_PREFIXES: dict[str, str] = {kind: f"{DGID_NS}{kind}/" for kind in ID_KINDS}

PREFIXES: dict[str, str] = {
    "dg": DG_NS,
    "dgid": DGID_NS,
    **ID_PREFIXES,
    "dct": DCT,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "wd": WD,
    "skos": SKOS,
    "prov": PROV,
}

ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
# What the statements say together: one node per real thing, each fact once (consolidate.py).
# Queries, views and analysis read it (with the ontology) as their default graph.
CONSOLIDATED_GRAPH = GRAPH_NS + "consolidated"
# Analysts' corrections (curation.py): data of their own, applied over consolidation.
CORRECTIONS_GRAPH = GRAPH_NS + "corrections"
# Present only while a run writes statements or the consolidated graph (maintain.py): found
# at the start of the next run, it says the last one was cut short, and the consolidated
# graph is rebuilt whole.
MAINTENANCE_GRAPH = GRAPH_NS + "maintenance"
# Each statement's own record is the named graph named by the statement's IRI.
STATEMENT_NS = DGID_NS + "statement/"


def is_statement_graph(iri: str) -> bool:
    """Whether a named graph is a statement's record (not the ontology, consolidated, ...)."""
    return iri.startswith(STATEMENT_NS)

EVENT_TYPES = ("Meeting", "Visit", "Call", "AgreementSigning", "Exercise", "Deployment")


# the IRIs node() keeps made: the terms most statements repeat (properties, classes, states,
# places) stay, while the ones a single statement makes (its graph, reports, evidence spans)
# pass through without growing a long ingest's processes by every statement's IRIs
NODE_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=NODE_CACHE_SIZE)
def node(iri: str) -> ox.NamedNode:
    """The pyoxigraph NamedNode for an IRI (a DG term or any string); the same IRI may give
    another, equal, object once it has left the cache: compare terms with ==, not ``is``."""
    return ox.NamedNode(str(iri))


TYPE = node(RDF_TYPE)
LABEL = node(RDFS + "label")
ALT_LABEL = node(SKOS + "altLabel")
SAME_AS = node(OWL + "sameAs")
TITLE = node(DCT + "title")
ISSUED = node(DCT + "issued")
PUBLISHER = node(DCT + "publisher")
SOURCE = node(DCT + "source")


@cache
def dg(name: str) -> ox.NamedNode:
    """The NamedNode of a dg: term; an unknown name raises AttributeError."""
    return node(getattr(DG, name))


_SLUG_RE = re.compile(r"[^a-z0-9]+")


# Letters that NFKD does not decompose into an ASCII base letter plus marks.
_TRANSLIT = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "ẞ": "SS",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ħ": "h", "Ħ": "H", "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "ĸ": "k", "ŋ": "ng",
    "Ŋ": "NG",
})


def slug(text: str) -> str:
    """A stable, readable IRI segment: lower case ASCII letters, digits and dashes.

    Accented letters lose their marks (NFKD) and letters NFKD keeps whole are
    transliterated ("ł" -> "l", "ß" -> "ss"), so no letter of a name is dropped;
    ASCII input gives the same segment as before.
    """
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    s = _SLUG_RE.sub("-", folded.lower()).strip("-")
    return s[:80] or "x"


# A Turtle / SPARQL prefixed name's local part that needs no escape (ASCII subset of PN_LOCAL).
_PLAIN_LOCAL_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def curie(iri: str) -> str:
    """An IRI as a prefixed name for reading: ``country:GBR``, ``evidence:KEY/12-40``.

    The longest matching vocab.PREFIXES namespace wins; an IRI no prefix matches is returned
    whole. The result is for people (tables, the views' panel); Turtle uses prefixed_name().
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def prefixed_name(iri: str) -> str | None:
    """The IRI as a Turtle / SPARQL prefixed name that needs no escape, or None when none fits."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if not local or _PLAIN_LOCAL_RE.fullmatch(local):
                return f"{prefix}:{local}"
    return None


def entity(kind: str, key: str) -> ox.NamedNode:
    """The instance IRI dgid:{kind}/{key}, e.g. entity('country', 'GBR')."""
    return node(f"{DGID_NS}{kind}/{key}")
