"""The consolidated graph: one node per real thing, each fact once, every fact with its sources.

Each statement's graph records what that statement said, with its own nodes for the
events and pledges it reports (*reports*). The consolidated graph
(``vocab.CONSOLIDATED_GRAPH``) is computed from those records, and it is what the
canned queries, the views and the analysis read:

* **Entities** (states, organisations, places, persons, unnamed posts) keep their IRIs;
  each fact about them is stated once. A property that holds one value (a label, an
  office, the state a person speaks for) takes the value most statements give (ties
  go to the smallest value, so the result is the same whatever the order); other
  labels become ``skos:altLabel``.
* **Events**: reports of the same type whose dates agree (same day, or overlapping
  ranges), that share a party and agree on parties (Jaccard overlap of at least one
  half, or one report's parties all among the other's), and whose places, where both
  give one, are compatible, describe one event. Reports are grouped by complete
  linkage (every two reports of an event agree), pairs taken in a fixed order, so the
  grouping depends on the set of reports only, never on the order they arrived in.
  The event's IRI is that of its earliest report (by statement date, then key).
  Dates, places and counts take the value with most support; parties add up; an event
  is planned only when no report says it was held.
* **Pledges**: reports with the same donor, recipient, amount and currency, within a
  week of each other, are one pledge; a component (``dg:partOf``) points to the
  consolidated total.
* **Sources**: every consolidated event and pledge links each report (``dg:report``),
  and each report keeps its statement, evidence spans, method and confidence, so every
  value can be traced to the sentences behind it.

The same functions serve a full rebuild and the incremental path (ingest recomputes
only the entities and event blocks its statements touch): both give the same graph.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import InitVar, dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from .overlay import Constraints, Correction, constraints, resolver
from .overlay import apply as apply_corrections
from .vocab import (
    ALT_LABEL,
    CONSOLIDATED_GRAPH,
    DGID_NS,
    EVENT_TYPES,
    ISSUED,
    LABEL,
    TYPE,
    XSD,
    dg,
    node,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[ox.NamedNode, ox.NamedNode, Term]

_EVENT_CLASSES = {dg(t).value: t for t in EVENT_TYPES}
_PLEDGE = dg("Pledge").value
_STATEMENT = dg("Statement").value
_EVIDENCE = dg("Evidence").value
_ENTITY_CLASSES = {dg(c).value for c in ("Country", "Organisation", "Person", "Post", "Place")}
_XSD_DATE = node(XSD + "date")
_XSD_DEC = node(XSD + "decimal")
_XSD_BOOL = node(XSD + "boolean")

# Properties of an entity that hold one value; any other property keeps every value.
_EVIDENCE_OF = dg("evidence")
STATEMENT_COUNT = dg("statementCount")
_XSD_INT = node(XSD + "integer")
_SINGLE = {LABEL.value, dg("roleTitle").value, dg("iso3").value, dg("country").value}
# Statement properties that stay in the statement's own graph only.
_TEXT = dg("text")
# What one statement says of how it told a person's state: its record only (the consolidated
# node has the state; queries/person_statements.rq reads each statement's method and confidence)
_STATE_METHOD, _STATE_CONFIDENCE = dg("stateMethod"), dg("stateConfidence")

_PARTY_PROPS = ("convenedBy", "participant", "attendedVirtually")
_REPRESENTS = dg("represents")
_COUNTRY = dg("country")
MAX_SPAN_DAYS = 14  # a report's date range longer than this is not used to find its peers
PLEDGE_WINDOW_DAYS = 7


def date_value(term: Term | None) -> dt.date | None:
    if isinstance(term, ox.Literal):
        try:
            return dt.date.fromisoformat(term.value[:10])
        except ValueError:
            return None
    return None


@dataclass
class Report:
    """An event or pledge as one statement reports it: the node in that statement's graph."""

    iri: str
    graph: str  # the statement
    kind: str  # an event type (Meeting, Visit...) or "Pledge"
    issued: dt.date | None
    triples: InitVar[Iterable[Triple]] = ()  # its own triples, as stated (kept by property)
    parties: frozenset[str] = frozenset()  # states and organisations, persons resolved
    places: frozenset[str] = frozenset()
    place_states: frozenset[str] = frozenset()

    def __post_init__(self, triples: Iterable[Triple]) -> None:
        self._by_prop: dict[str, list[Term]] = {}
        for _, q, o in triples:
            self._by_prop.setdefault(q.value, []).append(o)
        self.start: dt.date | None = date_value(self.first("date"))
        end = date_value(self.first("endDate"))
        if self.start is None:
            self.end: dt.date | None = None
        elif end is None or end < self.start:
            self.end = self.start
        else:
            self.end = min(end, self.start + dt.timedelta(days=MAX_SPAN_DAYS))

    def values(self, prop: str) -> list[Term]:
        return self._by_prop.get(dg(prop).value, [])

    @property
    def label(self) -> Term | None:
        v = self._by_prop.get(LABEL.value)
        return v[0] if v else None

    def first(self, prop: str) -> Term | None:
        v = self.values(prop)
        return v[0] if v else None

    def days(self) -> list[dt.date]:
        """The days its date range covers (none when undated)."""
        if self.start is None or self.end is None:
            return []
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def statements(self) -> list[Term]:
        """The statements it is reported in: as it says, else the graph it is in."""
        return self.values("reportedIn") or [node(self.graph)]

    @property
    def planned(self) -> bool:
        v = self.first("planned")
        return isinstance(v, ox.Literal) and v.value == "true"

    @property
    def order(self) -> tuple[str, str, str]:
        """Earliest first: the statement's date, then the statement and the report IRIs."""
        return ((self.issued or dt.date.max).isoformat(), self.graph, self.iri)


@dataclass
class Contribution:
    """What one statement graph says, sorted by what consolidation does with it."""

    graph: str
    issued: dt.date | None = None
    statement: list[Triple] = field(default_factory=list)  # the statement's own description
    evidence: list[Triple] = field(default_factory=list)
    entities: dict[str, list[Triple]] = field(default_factory=dict)  # subject -> triples
    reports: list[Report] = field(default_factory=list)


# One object per term among the terms most statements repeat (properties, classes, states):
# a large ingest holds the reports of every statement until it consolidates them. The
# properties contribution tells apart are in it from the start, so that a term read is
# one of them exactly when it is the same object (``is``, not a comparison in Oxigraph).
_SHARED: dict[Term, Term] = {}
_SHARED_MAX = 200_000
for _t in (TYPE, ISSUED, _REPRESENTS, _COUNTRY, _TEXT, _STATE_METHOD, _STATE_CONFIDENCE):
    _SHARED[_t] = _t


def is_evidence(kinds: Collection[str]) -> bool:
    """Whether a subject of these types (their IRIs) is an evidence span, as contribution
    reads one (its triples go into the consolidated graph unchanged): typed dg:Evidence and
    not dg:Statement."""
    return _EVIDENCE in kinds and _STATEMENT not in kinds


def contribution(graph: str, triples: Iterable[Triple | ox.Quad]) -> Contribution:
    """Sort a statement graph's triples into a Contribution (the one reading of a graph)."""
    # the loop below runs for every quad an ingest stores (about a hundred a statement):
    # its terms' attributes are read once, and shared terms looked up inline
    by_subject: dict[str, list[Triple]] = {}
    types: dict[str, set[str]] = {}
    shared, get = _SHARED, _SHARED.get
    named, literal, quad, rdf_star = ox.NamedNode, ox.Literal, ox.Quad, ox.Triple
    for t in triples:
        if isinstance(t, quad):
            s, p, o = t.subject, t.predicate, t.object
        else:
            s, p, o = t
        if not isinstance(s, named) or isinstance(o, rdf_star):
            continue
        got = get(p)
        if got is None:
            if len(shared) < _SHARED_MAX and not isinstance(p, literal):
                shared[p] = p
        else:
            p = got  # type: ignore[assignment]
        if not isinstance(o, literal):  # never shared: not looked up
            got = get(o)
            if got is None:
                if len(shared) < _SHARED_MAX:
                    shared[o] = o
            else:
                o = got
        subj = s.value
        ts = by_subject.get(subj)
        if ts is None:
            ts = by_subject[subj] = []
        else:  # one object for a subject's triples: fewer kept, for the collector to scan
            s = ts[0][0]
        ts.append((s, p, o))
        if p is TYPE and isinstance(o, named):
            kinds = types.get(subj)
            if kinds is None:
                types[subj] = {o.value}
            else:
                kinds.add(o.value)
    c = Contribution(graph)
    represents: dict[str, set[str]] = {}
    place_country: dict[str, str] = {}
    none: set[str] = set()
    for subj, ts in by_subject.items():
        kinds = types.get(subj, none)
        if _STATEMENT in kinds:
            c.statement = [t for t in ts if t[1] is not _TEXT]
            for _, p, o in ts:
                if p is ISSUED:
                    c.issued = date_value(o)
        elif is_evidence(kinds):
            c.evidence.extend(ts)
        elif kinds & _EVENT_CLASSES.keys() or _PLEDGE in kinds:
            kind = _PLEDGE if _PLEDGE in kinds else min(kinds & _EVENT_CLASSES.keys())
            c.reports.append(Report(subj, graph, "Pledge" if kind == _PLEDGE
                                    else _EVENT_CLASSES[kind], None, ts))
        else:
            c.entities[subj] = [t for t in ts
                                if t[1] is not _STATE_METHOD and t[1] is not _STATE_CONFIDENCE]
            for _, p, o in ts:
                if p is _REPRESENTS and isinstance(o, named):
                    represents.setdefault(subj, set()).add(o.value)
                elif p is _COUNTRY and isinstance(o, named):
                    place_country[subj] = o.value
    for r in c.reports:
        r.issued = c.issued
        parties: set[str] = set()
        for prop in _PARTY_PROPS + ("pledgedBy", "beneficiary"):
            for o in r.values(prop):
                if isinstance(o, ox.NamedNode):
                    parties |= represents.get(o.value) or {o.value}
        r.parties = frozenset(parties)
        places = frozenset(o.value for o in r.values("location") if isinstance(o, ox.NamedNode))
        r.places = places
        r.place_states = frozenset(place_country[p] for p in places if p in place_country)
    return c


# -- deciding which reports are one event ---------------------------------------------------


def same_event(a: Report, b: Report) -> bool:
    """True when two reports describe one event (see the module docstring)."""
    if a.kind != b.kind or a.graph == b.graph:
        return False
    if a.start is None or b.start is None:
        return False
    assert a.end is not None and b.end is not None
    if a.start > b.end or b.start > a.end:
        return False
    shared = a.parties & b.parties
    if not shared:
        return False
    union = a.parties | b.parties
    if not (len(shared) * 2 >= len(union) or a.parties <= b.parties or b.parties <= a.parties):
        return False
    # places given by both must meet, or at least lie in one state (a city and a venue in it)
    return not (a.places and b.places and not (a.places & b.places)
                and not (a.place_states and b.place_states and a.place_states & b.place_states))


def _score(a: Report, b: Report) -> float:
    union = a.parties | b.parties
    return len(a.parties & b.parties) / len(union) + bool(a.places & b.places)


def cluster_events(reports: Sequence[Report], cons: Constraints | None = None
                   ) -> list[list[Report]]:
    """Group reports into events by complete linkage; the same set gives the same groups.

    ``cons`` (analysts' corrections): must-linked reports are one event whatever they
    say; an isolated (split) report joins no other by matching.
    """
    ordered = sorted(reports, key=lambda r: r.order)
    group = list(range(len(ordered)))  # group id per report
    members: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}
    isolated: set[int] = set()
    if cons is not None:
        at = {r.iri: i for i, r in enumerate(ordered)}
        isolated = {at[r] for r in cons.isolated if r in at}
        for must in cons.groups(at):
            idx = sorted(at[r] for r in must)
            keep = group[idx[0]]
            for i in idx[1:]:
                gi = group[i]
                if gi == keep:
                    continue
                for x in members[gi]:
                    group[x] = keep
                members[keep] = sorted(members[keep] + members.pop(gi))
            isolated -= set(members[keep])  # a merge after a split joins the report again
    # candidate pairs share a day and a party: an index on both keeps this near linear
    index: dict[tuple[str, dt.date, str], list[int]] = defaultdict(list)
    for i, r in enumerate(ordered):
        for day in r.days():
            for party in r.parties:
                index[(r.kind, day, party)].append(i)
    candidates: set[tuple[int, int]] = set()
    for members_of_key in index.values():
        for x, i in enumerate(members_of_key):
            for j in members_of_key[x + 1:]:
                candidates.add((i, j) if i < j else (j, i))
    pairs = []
    for i, j in candidates:
        a, b = ordered[i], ordered[j]
        if same_event(a, b):
            pairs.append((-_score(a, b), a.order, b.order, i, j))
    pairs.sort()
    for *_, i, j in pairs:
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        a_members, b_members = members[gi], members[gj]
        if isolated and (isolated & set(a_members) or isolated & set(b_members)):
            continue
        if any(ordered[x].graph == ordered[y].graph or not same_event(ordered[x], ordered[y])
               for x in a_members for y in b_members):
            continue
        keep, drop = min(gi, gj), max(gi, gj)
        for x in members[drop]:
            group[x] = keep
        members[keep] = sorted(members[keep] + members.pop(drop))
    return [[ordered[i] for i in ms] for _, ms in sorted(members.items())]


def same_pledge(a: Report, b: Report) -> bool:
    if a.graph == b.graph:
        return False
    keys = ("pledgedBy", "beneficiary", "currency")
    if any(a.first(k) != b.first(k) for k in keys) or a.first("pledgedBy") is None:
        return False
    amount_a, amount_b = a.first("amount"), b.first("amount")
    if amount_a is None or amount_b is None or Decimal(amount_a.value) != Decimal(amount_b.value):
        return False
    da, db = date_value(a.first("date")) or a.issued, date_value(b.first("date")) or b.issued
    if da is None or db is None:
        return da == db
    return abs((da - db).days) <= PLEDGE_WINDOW_DAYS


def _pledge_key(r: Report) -> tuple[str, ...] | None:
    """What two reports of one pledge share exactly (None: a report never merged)."""
    amount = r.first("amount")
    if r.first("pledgedBy") is None or amount is None:
        return None
    return tuple(str(r.first(k)) for k in ("pledgedBy", "beneficiary", "currency")) + (
        str(Decimal(amount.value).normalize()),)


def cluster_pledges(reports: Sequence[Report], cons: Constraints | None = None
                    ) -> list[list[Report]]:
    """Group pledge reports: earliest first, each joins the first group it agrees with all of.

    ``cons`` as for cluster_events: must-linked reports are one pledge (which takes no
    other), an isolated (split) report joins none.
    """
    groups: list[list[Report]] = []
    by_key: dict[tuple[str, ...], list[list[Report]]] = defaultdict(list)
    fixed: set[str] = set()
    placed: set[str] = set()
    if cons is not None:
        by_iri = {r.iri: r for r in reports}
        for must in cons.groups(by_iri):
            groups.append(sorted((by_iri[i] for i in must), key=lambda r: r.order))
            fixed |= must
        fixed |= cons.isolated
        placed = {r.iri for g in groups for r in g}
    for r in sorted(reports, key=lambda r: r.order):  # a fixed order, so a fixed result
        if r.iri in placed:
            continue
        key = None if r.iri in fixed else _pledge_key(r)
        for g in by_key.get(key, []) if key is not None else []:
            if all(same_pledge(r, x) for x in g):
                g.append(r)
                break
        else:
            groups.append([r])
            if key is not None:
                by_key[key].append(groups[-1])
    return sorted(groups, key=lambda g: g[0].order)


# -- consolidated quads -------------------------------------------------------------------------


_REPORT_IRI = re.compile(r"^(?P<ns>.*/)report/(?P<key>[^/]+)-(?P<kind>[ep])(?P<n>\d+)$")


def consolidated_iri(report: Report) -> ox.NamedNode:
    """The IRI of the event or pledge a report founds: dgid:event/KEY-N or dgid:pledge/KEY-N."""
    m = _REPORT_IRI.match(report.iri)
    if not m:  # a graph written by hand or by an older version: its node is the event
        return node(report.iri)
    kind = "event" if m["kind"] == "e" else "pledge"
    return node(f"{m['ns']}{kind}/{m['key']}-{m['n']}")


def founding_report(consolidated: str) -> str | None:
    """The report a consolidated event or pledge IRI was made from (consolidated_iri reversed)."""
    m = re.match(r"^(?P<ns>.*/)(?P<kind>event|pledge)/(?P<key>[^/]+)-(?P<n>\d+)$", consolidated)
    if not m:
        return None
    return f"{m['ns']}report/{m['key']}-{'e' if m['kind'] == 'event' else 'p'}{m['n']}"


def report_iri(statement_key: str, kind: str, index: int) -> ox.NamedNode:
    """The node for the index-th event ("e") or pledge ("p") of a statement, in its graph."""
    return node(f"{DGID_NS}report/{statement_key}-{kind}{index + 1}")


def _winner(counts: Counter[Term]) -> Term:
    """The value with most support; ties go to the smallest lexical form (order-free)."""
    return min(counts, key=lambda t: (-counts[t], _sort_key(t)))


def _sort_key(t: Term) -> tuple[str, str]:
    return (t.value, str(t))


class EntityCounts:
    """For each property of one entity, how many statements give each value; and how many
    statements name it (give an evidence span of it)."""

    __slots__ = ("counts", "preds", "named")

    def __init__(self) -> None:
        self.counts: dict[str, Counter[Term]] = defaultdict(Counter)
        self.preds: dict[str, ox.NamedNode] = {}
        self.named = 0

    def add(self, triples: Iterable[Triple]) -> None:
        """What one statement says of the entity."""
        spans = False
        for _, p, o in set(triples):
            self.counts[p.value][o] += 1
            self.preds[p.value] = p
            spans = spans or p == _EVIDENCE_OF
        self.named += spans


def entity_triples(subject: str, stated: Iterable[Iterable[Triple]]) -> list[Triple]:
    """One entity's consolidated triples from what each statement says about it."""
    counts = EntityCounts()
    for triples in stated:
        counts.add(triples)
    return counted_entity_triples(subject, counts)


def counted_entity_triples(subject: str, entity: EntityCounts) -> list[Triple]:
    """One entity's consolidated triples from its counts (see entity_triples)."""
    counts, preds = entity.counts, entity.preds
    s = node(subject)
    out: list[Triple] = []
    for p_iri in sorted(counts):
        c = counts[p_iri]
        p = preds[p_iri]
        if p_iri == dg("represents").value:
            # one state and one organisation at most: the best supported of each
            states = Counter({o: n for o, n in c.items() if "/country/" in o.value})
            others = Counter({o: n for o, n in c.items() if "/country/" not in o.value})
            out += [(s, p, _winner(x)) for x in (states, others) if x]  # type: ignore[misc]
        elif p_iri in _SINGLE:
            best = _winner(c)
            out.append((s, p, best))
            if p == LABEL:
                out += [(s, ALT_LABEL, o) for o in sorted(c, key=_sort_key) if o != best]
        else:
            out += [(s, p, o) for o in sorted(c, key=_sort_key)]
    if entity.named:
        # stated once here so that "how many statements name X" is one lookup, not a
        # read of every evidence span and its statement (docs/consolidation.md)
        out.append((s, STATEMENT_COUNT, ox.Literal(str(entity.named), datatype=_XSD_INT)))
    return out


def grown_entity_triples(subject: str, stored: Iterable[Triple],
                         added: Iterable[Iterable[Triple]]) -> list[Triple] | None:
    """One entity's consolidated triples once more statements describe it, from its node as
    stored (counted_entity_triples of the statements before) and what each new statement
    says of it; None when counts are needed: the entity has no node yet, or a new statement
    gives a one-value property (or dg:represents) a value the node does not state.

    More statements for the value that leads only widen its lead, so the node keeps its
    one-value properties (and the other labels, as alternative labels); a property that
    keeps every value gains the new ones; the statements that name it are counted on from
    its dg:statementCount. counted_entity_triples of the counts with the new statements
    added gives the same triples (tested), without reading what every statement says of
    the entity (a state is described in tens of thousands).
    """
    s = node(subject)
    node_triples = [t for t in stored if t[1] != STATEMENT_COUNT]
    if not node_triples:
        return None
    named = sum(int(t[2].value) for t in stored if t[1] == STATEMENT_COUNT)
    have = set(node_triples)
    out = list(node_triples)
    for triples in added:
        spans = False
        for _, p, o in set(triples):
            t = (s, p, o)
            if t not in have:
                if p.value in _SINGLE or p == _REPRESENTS or p == STATEMENT_COUNT:
                    return None  # another value: which leads depends on the counts
                have.add(t)
                out.append(t)
            spans = spans or p == _EVIDENCE_OF
        named += spans
    if named:
        out.append((s, STATEMENT_COUNT, ox.Literal(str(named), datatype=_XSD_INT)))
    return out


def _dec(x: Decimal) -> ox.Literal:
    return ox.Literal(format(x.normalize(), "f"), datatype=_XSD_DEC)


def _report_sources(r: Report, e: ox.NamedNode) -> Iterator[Triple]:
    """The report itself in the consolidated graph: what links a fact to its statement."""
    rn = node(r.iri)
    yield e, dg("report"), rn
    # where the report comes from; what it says of dates, places and counts stays in its
    # statement's graph (queries/event_reports.rq reads it there)
    for prop in ("reportedIn", "method", "confidence", "evidence"):
        for o in r.values(prop):
            yield rn, dg(prop), o
    label = _label(r)
    if label is not None:
        yield rn, LABEL, label


def _provenance(subject: ox.NamedNode, reports: Sequence[Report]) -> list[Triple]:
    """What an event or pledge owes its reports: their methods, the highest confidence, every
    statement and evidence span, and each report with its own sources."""
    out: list[Triple] = []
    methods = sorted({o.value for r in reports for o in r.values("method")})
    if methods:
        out.append((subject, dg("method"), ox.Literal(" + ".join(methods))))
    confidences = [Decimal(o.value) for r in reports for o in r.values("confidence")]
    if confidences:
        out.append((subject, dg("confidence"), _dec(max(confidences))))
    for r in reports:
        out += [(subject, dg("reportedIn"), st) for st in r.statements]
        out += [(subject, dg("evidence"), o) for o in r.values("evidence")]
        out += list(_report_sources(r, subject))
    return out


def _label(r: Report) -> Term | None:
    return r.label


def event_triples(reports: Sequence[Report], iri_of: dict[str, ox.NamedNode]) -> list[Triple]:
    """The consolidated triples of one event from its reports (earliest first)."""
    first = reports[0]
    e = consolidated_iri(first)
    out: list[Triple] = [(e, TYPE, dg(first.kind))]
    labels = Counter(x for r in reports if (x := _label(r)) is not None)
    if labels:
        best = _winner(labels)
        out.append((e, LABEL, best))
        out += [(e, ALT_LABEL, o) for o in sorted(labels, key=_sort_key) if o != best]
    for prop in ("date", "endDate", "participantCount"):
        c = Counter(o for r in reports for o in r.values(prop)[:1])
        if c:
            out.append((e, dg(prop), _winner(c)))
    places = Counter(o for r in reports for o in set(r.values("location")))
    if places:
        top = max(places.values())
        out += [(e, dg("location"), o) for o in sorted(places, key=_sort_key) if places[o] == top]
    for prop in _PARTY_PROPS:
        parties = {o for r in reports for o in r.values(prop)}
        out += [(e, dg(prop), o) for o in sorted(parties, key=_sort_key)]
    if all(r.planned for r in reports):
        out.append((e, dg("planned"), ox.Literal("true", datatype=_XSD_BOOL)))
    out += _provenance(e, reports)
    return out


def pledge_triples(reports: Sequence[Report], iri_of: dict[str, ox.NamedNode]) -> list[Triple]:
    first = reports[0]
    p = consolidated_iri(first)
    out: list[Triple] = [(p, TYPE, dg("Pledge"))]
    labels = Counter(x for r in reports if (x := _label(r)) is not None)
    if labels:
        out.append((p, LABEL, _winner(labels)))
    for prop in ("amount", "currency", "pledgedBy", "beneficiary", "date"):
        c = Counter(o for r in reports for o in r.values(prop)[:1])
        if c:
            out.append((p, dg(prop), _winner(c)))
    items = {o for r in reports for o in r.values("item")}
    out += [(p, dg("item"), o) for o in sorted(items, key=_sort_key)]
    for prop in ("announcedAt", "partOf"):
        targets = {iri_of.get(o.value, o) for r in reports for o in r.values(prop)
                   if isinstance(o, ox.NamedNode)}
        out += [(p, dg(prop), o) for o in sorted(targets, key=_sort_key)]
    out += _provenance(p, reports)
    return out


@dataclass
class Consolidation:
    """The consolidated triples of a set of units, and which report founds which node."""

    triples: list[Triple]
    iri_of: dict[str, ox.NamedNode]  # report IRI -> consolidated IRI


def consolidate(contributions: Iterable[Contribution],
                corrections: Sequence[Correction] = ()) -> Consolidation:
    """The whole consolidated graph of these statements (a rebuild; pure, order-free),
    with analysts' corrections applied over it (overlay.py)."""
    builder = Builder(corrections)
    out: list[Triple] = []
    for c in sorted(contributions, key=lambda c: c.graph):
        out += builder.add(c)
    result = builder.finish()
    return Consolidation(_unique(out + result.triples), result.iri_of)


class Builder:
    """The whole consolidated graph, built one statement at a time with bounded memory.

    ``add`` takes a statement's contribution and returns the triples that are final at
    once (its evidence spans, which no other statement changes), so a large ingest can
    write them as it goes; what the statement says of entities is kept as counts and its
    reports are kept for clustering; ``finish`` gives the rest: the statements'
    descriptions, entities, events and pledges. With analysts' corrections, nothing is
    final before ``finish`` (a correction may touch any triple), so ``add`` returns nothing.
    The union of what ``add`` returned and ``finish().triples`` is :func:`consolidate`'s graph.
    """

    def __init__(self, corrections: Sequence[Correction] = ()) -> None:
        self.corrections = list(corrections)
        self.held: list[Triple] = []  # the statements' descriptions (and, with corrections, all)
        self.entities: dict[str, EntityCounts] = {}
        self.event_reports: list[Report] = []
        self.pledge_reports: list[Report] = []

    def add(self, c: Contribution) -> list[Triple]:
        self.held += c.statement
        for subj, ts in c.entities.items():
            counts = self.entities.get(subj)
            if counts is None:
                counts = self.entities[subj] = EntityCounts()
            counts.add(ts)
        for r in c.reports:
            (self.pledge_reports if r.kind == "Pledge" else self.event_reports).append(r)
        if self.corrections:
            self.held += c.evidence
            return []
        return c.evidence

    def finish(self) -> Consolidation:
        """The rest of the graph as one list (what a correction needs to see whole)."""
        iri_of: dict[str, ox.NamedNode] = {}
        out = [t for unit in self._units(iri_of) for t in unit]
        if self.corrections:
            out, _ = apply_corrections(out, self.corrections, resolver(iri_of))
        return Consolidation(_unique(out), iri_of)

    def finish_in_parts(self) -> Iterator[list[Triple]]:
        """The rest of the graph a unit at a time (the statements' descriptions, then each
        entity, then each event or pledge with its reports), each without repeats; units
        share no subject, so together they are finish().triples. With corrections, one
        part: finish().triples."""
        if self.corrections:
            yield self.finish().triples
            return
        for unit in self._units({}):
            yield _unique(unit)

    def _units(self, iri_of: dict[str, ox.NamedNode]) -> Iterator[list[Triple]]:
        held, self.held = self.held, []
        yield held
        entities, self.entities = self.entities, {}
        for subj in sorted(entities):
            yield counted_entity_triples(subj, entities.pop(subj))
        yield from event_and_pledge_units(self.event_reports, self.pledge_reports, iri_of,
                                          self.corrections)


def events_and_pledges(event_reports: Sequence[Report], pledge_reports: Sequence[Report],
                       iri_of: dict[str, ox.NamedNode],
                       corrections: Sequence[Correction] = ()) -> list[Triple]:
    """Triples of the events and pledges these reports make up; fills iri_of.

    Corrections decide grouping here (merge, split); their effect on facts is applied
    by the caller over every unit's triples (overlay.apply)."""
    return [t for unit in event_and_pledge_units(event_reports, pledge_reports, iri_of,
                                                 corrections) for t in unit]


def event_and_pledge_units(event_reports: Sequence[Report], pledge_reports: Sequence[Report],
                           iri_of: dict[str, ox.NamedNode],
                           corrections: Sequence[Correction] = ()) -> Iterator[list[Triple]]:
    """events_and_pledges, one event or pledge at a time (iri_of is filled first)."""
    cons = constraints(corrections) if corrections else None
    event_groups = cluster_events(event_reports, cons)
    pledge_groups = cluster_pledges(pledge_reports, cons)
    for g in event_groups + pledge_groups:
        target = consolidated_iri(g[0])
        for r in g:
            iri_of[r.iri] = target
    for g in event_groups:
        yield event_triples(g, iri_of)
    for g in pledge_groups:
        yield pledge_triples(g, iri_of)


def _unique(triples: Iterable[Triple]) -> list[Triple]:
    return list(dict.fromkeys(triples))


def as_quads(triples: Iterable[Triple], graph: str = CONSOLIDATED_GRAPH) -> list[ox.Quad]:
    g = node(graph)
    return [ox.Quad(s, p, o, g) for s, p, o in triples]
