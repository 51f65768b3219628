"""From an Extraction to RDF quads in the statement's own named graph.

IRIs are deterministic: countries by ISO code (dgid:country/GBR), persons,
organisations and places by slug, and a statement's reports of events and
pledges and its evidence by the statement's key and their position, so the same
statement always maps to the same quads. The graph is the record of what the
statement says, whole: the consolidated graph (consolidate.py) is computed from
these records.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from .consolidate import report_iri
from .model import ActorRef, Extraction, Person, Span, Statement
from .vocab import (
    DG,
    ISSUED,
    LABEL,
    PUBLISHER,
    SAME_AS,
    SOURCE,
    TITLE,
    TYPE,
    WD,
    XSD,
    dg,
    entity,
    node,
)


def country_label(iso3: str) -> str:
    """A state's English name (imported late: extract imports this module's neighbours)."""
    from .extract.countries import country_name

    return country_name(iso3)


_XSD_DATE = node(XSD + "date")
_XSD_INT = node(XSD + "integer")
_XSD_DEC = node(XSD + "decimal")
_XSD_BOOL = node(XSD + "boolean")

_ACTOR_KIND = {"country": "country", "organisation": "org", "person": "person", "post": "post"}


def statement_iri(statement: Statement) -> ox.NamedNode:
    return entity("statement", statement.key)


def graph_iri(statement: Statement) -> ox.NamedNode:
    """The named graph that holds everything one statement says: the statement's own IRI."""
    return statement_iri(statement)


def actor_iri(ref: ActorRef) -> ox.NamedNode:
    return entity(_ACTOR_KIND[ref.kind], ref.key)


def _date(d: date) -> ox.Literal:
    return ox.Literal(d.isoformat(), datatype=_XSD_DATE)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_XSD_INT)


def _dec(x: Decimal | float) -> ox.Literal:
    # The canonical lexical form, as Oxigraph stores it ("450000000", "0.8"), so that a
    # graph read back compares equal to the one written.
    text = format(Decimal(str(x)).normalize(), "f")
    return ox.Literal(text, datatype=_XSD_DEC)


def event_iri(statement: Statement, index: int) -> ox.NamedNode:
    """The node of a statement's index-th event report, in the statement's graph."""
    return report_iri(statement.key, "e", index)


def pledge_iri(statement: Statement, index: int) -> ox.NamedNode:
    """The node of a statement's index-th pledge report, in the statement's graph."""
    return report_iri(statement.key, "p", index)


def to_quads(ex: Extraction) -> list[ox.Quad]:
    """All quads for one statement, in its named graph."""
    g = graph_iri(ex.statement)
    quads = [ox.Quad(s, p, o, g) for s, p, o in _triples(ex)]
    quads += [ox.Quad(s, p, o, g) for s, p, o in _reference_triples(ex)]
    return quads


def _reference_triples(ex: Extraction) -> Iterator[Triple]:
    """What the statement's states, organisations and places are (the same in every
    statement that names them; the consolidated graph states it once)."""
    for c in ex.countries.values():
        c_iri = entity("country", c.iso3)
        yield c_iri, TYPE, dg("Country")
        yield c_iri, LABEL, ox.Literal(c.name)
        yield c_iri, dg("iso3"), ox.Literal(c.iso3)
        if c.wikidata:
            yield c_iri, SAME_AS, node(WD + c.wikidata)
        if c.geonames_id:
            yield c_iri, SAME_AS, node(f"https://sws.geonames.org/{c.geonames_id}/")
    for o in ex.organisations.values():
        o_iri = entity("org", o.key)
        yield o_iri, TYPE, dg("Organisation")
        yield o_iri, LABEL, ox.Literal(o.name)
        if o.country:
            yield o_iri, dg("country"), entity("country", o.country)
    for pl in ex.places.values():
        pl_iri = entity("place", pl.key)
        yield pl_iri, TYPE, dg("Place")
        yield pl_iri, LABEL, ox.Literal(pl.name)
        if pl.country:
            yield pl_iri, dg("country"), entity("country", pl.country)


Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _evidence(st_iri: ox.NamedNode, key: str, span: Span) -> Iterator[Triple]:
    ev = entity("evidence", f"{key}/{span.start}-{span.end}")
    yield ev, TYPE, dg("Evidence")
    yield ev, LABEL, ox.Literal(_short(span.quote))
    yield ev, dg("quote"), ox.Literal(span.quote)
    yield ev, dg("start"), _int(span.start)
    yield ev, dg("end"), _int(span.end)
    yield ev, dg("inStatement"), st_iri


def _office(st_iri: ox.NamedNode, key: str, subject: ox.NamedNode, cls: str, label: str,
            role: str | None, country: str | None, org: str | None,
            evidence: list[Span]) -> Iterator[Triple]:
    """A person or an unnamed post: office, whom it speaks for, and the spans naming it."""
    yield subject, TYPE, dg(cls)
    yield subject, LABEL, ox.Literal(label)
    if role:
        yield subject, dg("roleTitle"), ox.Literal(role)
    if country:
        yield subject, dg("represents"), entity("country", country)
    if org:
        yield subject, dg("represents"), entity("org", org)
    for span in evidence:
        yield from _evidenced(subject, st_iri, key, span)


def _evidenced(subject: ox.NamedNode, st_iri: ox.NamedNode, key: str, span: Span) -> Iterator[Triple]:
    yield subject, dg("evidence"), entity("evidence", f"{key}/{span.start}-{span.end}")
    yield from _evidence(st_iri, key, span)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _state_told(subject: ox.NamedNode, p: Person) -> Iterator[Triple]:
    """How this statement told a state it does not state, with the rule and its confidence (in
    its graph only: the consolidated node keeps the state; queries/person_statements.rq lists
    each source)."""
    if p.country and p.state_method:
        yield subject, dg("stateMethod"), ox.Literal(p.state_method)
        if p.state_confidence is not None:
            yield subject, dg("stateConfidence"), _dec(round(p.state_confidence, 3))


def _provenance(subject: ox.NamedNode, method: str, confidence: float) -> Iterator[Triple]:
    yield subject, dg("method"), ox.Literal(method)
    yield subject, dg("confidence"), _dec(round(confidence, 3))


def _triples(ex: Extraction) -> Iterator[Triple]:
    st = ex.statement
    s = statement_iri(st)
    key = st.key
    yield s, TYPE, dg("Statement")
    yield s, LABEL, ox.Literal(_short(st.title or f"Statement {key}", 200))
    if st.title:
        yield s, TITLE, ox.Literal(st.title)
    if st.issued:
        yield s, ISSUED, _date(st.issued)
    if st.publisher:
        yield s, PUBLISHER, ox.Literal(st.publisher)
    if st.source_url:
        yield s, SOURCE, node(st.source_url) if _is_iri(st.source_url) else ox.Literal(st.source_url)
    if st.source_file:
        yield s, dg("sourceFile"), ox.Literal(st.source_file)
    yield s, dg("text"), ox.Literal(st.text)
    yield s, dg("contentHash"), ox.Literal(st.content_hash)

    for c in ex.countries.values():
        yield s, dg("mentions"), entity("country", c.iso3)

    for p in ex.persons.values():
        p_iri = entity("person", p.key)
        yield from _office(s, key, p_iri, "Person", p.name, p.role_title,
                           p.country, p.organisation, p.evidence)
        yield from _state_told(p_iri, p)

    for post in ex.posts.values():
        owner = f"{country_label(post.country)} " if post.country else ""
        post_iri = entity("post", post.key)
        yield from _office(s, key, post_iri, "Post",
                           f"{owner}{post.role_title} (unnamed)", post.role_title, post.country,
                           post.organisation, post.evidence)
        h = post.holder
        if h is not None:
            # who held the office that day (rules/people.yaml): the statement names the office,
            # so its graph says so, with the rule and its confidence; no span names the person
            h_iri = entity("person", h.key)
            yield post_iri, dg("heldBy"), h_iri
            if h.key in ex.persons:
                continue  # named in the text too: described as the text names them
            yield from _office(s, key, h_iri, "Person", h.name, h.role_title, h.country, None, [])
            yield from _state_told(h_iri, h)

    event_iris = [event_iri(st, i) for i in range(len(ex.events))]
    for ev, e_iri in zip(ex.events, event_iris):
        yield e_iri, TYPE, dg(ev.type)
        yield e_iri, LABEL, ox.Literal(ev.label)
        yield e_iri, dg("reportedIn"), s
        if ev.date:
            yield e_iri, dg("date"), _date(ev.date)
        if ev.end_date:
            yield e_iri, dg("endDate"), _date(ev.end_date)
        for place_key in (ev.place, ev.venue):
            if place_key:
                yield e_iri, dg("location"), entity("place", place_key)
        for ref in ev.convenors:
            yield e_iri, dg("convenedBy"), actor_iri(ref)
        for ref in ev.participants:
            yield e_iri, dg("participant"), actor_iri(ref)
        for ref in ev.virtual:
            yield e_iri, dg("attendedVirtually"), actor_iri(ref)
        if ev.participant_count is not None:
            yield e_iri, dg("participantCount"), _int(ev.participant_count)
        if ev.planned:
            yield e_iri, dg("planned"), ox.Literal("true", datatype=_XSD_BOOL)
        yield from _provenance(e_iri, ev.method, ev.confidence)
        for span in ev.evidence:
            yield from _evidenced(e_iri, s, key, span)

    pledge_iris = [pledge_iri(st, i) for i in range(len(ex.pledges))]
    for pg, p_iri in zip(ex.pledges, pledge_iris):
        yield p_iri, TYPE, dg("Pledge")
        yield p_iri, LABEL, ox.Literal(pg.label)
        yield p_iri, dg("reportedIn"), s
        if pg.amount is not None:
            yield p_iri, dg("amount"), _dec(pg.amount)
        if pg.currency:
            yield p_iri, dg("currency"), ox.Literal(pg.currency)
        if pg.donor:
            yield p_iri, dg("pledgedBy"), actor_iri(pg.donor)
        if pg.recipient:
            yield p_iri, dg("beneficiary"), actor_iri(pg.recipient)
        for item in pg.items:
            yield p_iri, dg("item"), ox.Literal(item)
        if pg.date:
            yield p_iri, dg("date"), _date(pg.date)
        if pg.announced_at is not None and 0 <= pg.announced_at < len(event_iris):
            yield p_iri, dg("announcedAt"), event_iris[pg.announced_at]
        if pg.part_of is not None and 0 <= pg.part_of < len(pledge_iris):
            yield p_iri, dg("partOf"), pledge_iris[pg.part_of]
        yield from _provenance(p_iri, pg.method, pg.confidence)
        for span in pg.evidence:
            yield from _evidenced(p_iri, s, key, span)


def _is_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return value.startswith(("http://", "https://")) and not any(c in value for c in ' <>"{}|\\^`')


__all__ = ["to_quads", "graph_iri", "statement_iri", "actor_iri", "DG"]
