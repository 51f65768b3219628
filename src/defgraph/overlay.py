"""Analysts' corrections as an overlay on consolidation: pure functions, no store.

A :class:`Correction` is read from the corrections graph (curation.py). Consolidation
uses corrections in two places:

* **grouping** (:class:`Constraints`): a merge is a must-link between every report
  its two nodes had when it was made; a split isolates one report (it never joins
  another by automatic matching, only by a later merge);
* **facts** (:func:`apply`): once a unit's triples are computed, set / unset change
  one property of the target, a reject removes the target, every triple pointing at
  it and its reports' descriptions, and every applied correction leaves a
  ``dg:curation`` link from the node to the correction, which carries
  ``dg:method "curated"`` and ``dg:confidence 1`` (and, for set/unset, the property
  and value it fixed).

A correction on an event or pledge follows the node that holds its reports
(``dg:targetReport``), so it survives a change of the node's IRI (an earlier report
arriving) and a rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .vocab import DGID_NS, TYPE, XSD, dg, node, slug

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[ox.NamedNode, ox.NamedNode, Term]

OPERATIONS = ("set", "unset", "reject", "merge", "split")
# Properties that hold several values: `set` adds one, `unset` without a value removes all.
ADDITIVE = {dg(p).value for p in ("participant", "convenedBy", "attendedVirtually", "item",
                                  "mentions", "evidence", "reportedIn")}
CURATED = ox.Literal("curated")
_PROV = "http://www.w3.org/ns/prov#"
_DCT = "http://purl.org/dc/terms/"
CERTAIN = ox.Literal("1.0", datatype=node(XSD + "decimal"))


@dataclass(frozen=True)
class Correction:
    """One correction as the corrections graph holds it."""

    iri: str
    id: str
    operation: str
    target: str
    reason: str = ""
    by: str = ""
    when: str = ""  # xsd:dateTime lexical form
    reports: tuple[str, ...] = ()  # dg:targetReport: the reports the node(s) had
    prop: str | None = None  # dg:property
    value: Term | None = None
    old: tuple[Term, ...] = ()
    merged_with: str | None = None
    moved_report: str | None = None

    @property
    def order(self) -> tuple[str, str]:
        return (self.when, self.id)


def ordered(corrections: Iterable[Correction]) -> list[Correction]:
    """Oldest first: a later correction of the same fact wins."""
    return sorted(corrections, key=lambda c: c.order)


@dataclass
class Constraints:
    """What corrections impose on grouping reports into events and pledges."""

    must: list[frozenset[str]] = field(default_factory=list)  # report IRIs that are one node
    isolated: frozenset[str] = frozenset()  # reports split out of their node

    def partners(self, report: str) -> set[str]:
        return {r for g in self.must if report in g for r in g if r != report}

    def groups(self, present: Iterable[str]) -> list[set[str]]:
        """The must-link groups among these reports (overlapping merges joined)."""
        here = set(present)
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        for g in self.must:
            members = sorted(g & here)
            for m in members[1:]:
                parent[find(m)] = find(members[0])
        out: dict[str, set[str]] = defaultdict(set)
        for g in self.must:
            for m in g & here:
                out[find(m)].add(m)
        return [s for s in out.values() if len(s) > 1]


def constraints(corrections: Iterable[Correction]) -> Constraints:
    must: list[frozenset[str]] = []
    isolated: set[str] = set()
    for c in ordered(corrections):
        if c.operation == "merge" and len(c.reports) > 1:
            must.append(frozenset(c.reports))
        elif c.operation == "split" and c.moved_report:
            isolated.add(c.moved_report)
            # a split after a merge undoes the merge for that report
            must = [frozenset(g - {c.moved_report}) for g in must]
    return Constraints([g for g in must if len(g) > 1], frozenset(isolated))


def resolver(iri_of: dict[str, ox.NamedNode]) -> Callable[[Correction], ox.NamedNode]:
    """The node a correction is about now: the node holding its target's founding report, else
    one holding any report it names, else its target as recorded (an entity)."""
    from .consolidate import founding_report

    def resolve(c: Correction) -> ox.NamedNode:
        anchor = founding_report(c.target)
        for r in ([anchor] if anchor else []) + sorted(c.reports):
            if r in iri_of:
                return iri_of[r]
        return node(c.target)

    return resolve


def description(c: Correction) -> list[Triple]:
    """The correction as the corrections graph describes it (PROV-O, dct, dg)."""
    ci = node(c.iri)
    out: list[Triple] = [
        (ci, TYPE, dg("Correction")),
        (ci, node(_DCT + "identifier"), ox.Literal(c.id)),
        (ci, dg("operation"), ox.Literal(c.operation)),
        (ci, dg("target"), node(c.target)),
        (ci, dg("reason"), ox.Literal(c.reason)),
        (ci, node(_PROV + "wasAssociatedWith"), agent_iri(c.by)),
        (ci, node(_PROV + "endedAtTime"), ox.Literal(c.when, datatype=node(XSD + "dateTime"))),
    ]
    out += [(ci, dg("targetReport"), node(r)) for r in c.reports]
    if c.prop:
        out.append((ci, dg("property"), node(c.prop)))
    if c.value is not None:
        out.append((ci, dg("value") if isinstance(c.value, ox.NamedNode) else dg("literalValue"),
                    c.value))
    for o in c.old:
        out.append((ci, dg("oldValue") if isinstance(o, ox.NamedNode) else dg("oldLiteralValue"),
                    o))
    if c.merged_with:
        out.append((ci, dg("mergedWith"), node(c.merged_with)))
    if c.moved_report:
        out.append((ci, dg("movedReport"), node(c.moved_report)))
    return out


def agent_iri(name: str) -> ox.NamedNode:
    """The prov:Agent who made corrections: dgid:agent/{slug of the name}."""
    return node(f"{DGID_NS}agent/{slug(name or 'analyst')}")


def curation_triples(c: Correction, target: ox.NamedNode) -> list[Triple]:
    """The link from a corrected node to its correction, the correction's description (so
    that default-graph queries see who, when and why), and what makes the fact curated."""
    ci = node(c.iri)
    return [(target, dg("curation"), ci), *description(c),
            (ci, dg("method"), CURATED), (ci, dg("confidence"), CERTAIN)]


def apply(triples: Sequence[Triple], corrections: Sequence[Correction],
          resolve: Callable[[Correction], ox.NamedNode]) -> tuple[list[Triple], set[str]]:
    """The triples with the corrections applied, and the IRIs of the corrections applied.

    A set or unset applies only when its target is described here (the unit being
    computed); a reject removes its target's triples, every triple pointing at it and
    the descriptions of its reports wherever they are.
    """
    by_subject: dict[str, list[Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t[0].value].append(t)
    applied: set[str] = set()
    extra: list[Triple] = []
    rejected: set[str] = set()
    for c in ordered(corrections):
        target = resolve(c)
        here = target.value in by_subject
        if c.operation == "reject":
            # the node and its reports: a link to one of them from a unit computed apart
            # (a pledge announced at a rejected event) goes too
            rejected.add(target.value)
            rejected.update(c.reports)
            continue
        if not here:
            continue
        if c.operation in ("set", "unset") and c.prop:
            ts = by_subject[target.value]
            p = c.prop
            if c.operation == "set":
                if p not in ADDITIVE:
                    ts[:] = [t for t in ts if t[1].value != p]
                assert c.value is not None
                if (target, node(p), c.value) not in ts:
                    ts.append((target, node(p), c.value))
            else:
                ts[:] = [t for t in ts if not (t[1].value == p and (c.value is None
                                                                     or t[2] == c.value))]
        extra += curation_triples(c, target)
        applied.add(c.iri)
    out = [t for ts in by_subject.values() for t in ts] + extra
    if rejected:
        reports = {t[2].value for t in out if t[0].value in rejected and t[1] == dg("report")}
        gone = rejected | reports
        out = [t for t in out if t[0].value not in gone
               and not (isinstance(t[2], ox.NamedNode) and t[2].value in gone)]
    return list(dict.fromkeys(out)), applied



def from_triples(triples: Iterable[tuple[Term, Term, Term] | ox.Quad]) -> list[Correction]:
    """The corrections described by these triples (the corrections graph), oldest first.

    A correction missing its operation or target is left out here; SHACL validation
    (ontology/shapes.ttl) names it.
    """
    props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    kinds: set[str] = set()
    for t in triples:
        s, p, o = (t.subject, t.predicate, t.object) if isinstance(t, ox.Quad) else t
        if not isinstance(s, ox.NamedNode) or not isinstance(p, ox.NamedNode):
            continue
        props[s.value][p.value].append(o)  # type: ignore[arg-type]
        if p == TYPE and o == dg("Correction"):
            kinds.add(s.value)
    names = {s: next((o.value for o in v.get(RDFS_LABEL, [])), "") for s, v in props.items()}
    out: list[Correction] = []
    for iri in kinds:
        v = props[iri]

        def one(prop: str, v: dict[str, list[Term]] = v) -> Term | None:
            vals = sorted(v.get(prop, []), key=str)
            return vals[0] if vals else None

        op, target = one(dg("operation").value), one(dg("target").value)
        if not isinstance(op, ox.Literal) or op.value not in OPERATIONS \
                or not isinstance(target, ox.NamedNode):
            continue
        ident, when = one(_DCT + "identifier"), one(_PROV + "endedAtTime")
        reason, agent = one(dg("reason").value), one(_PROV + "wasAssociatedWith")
        prop, merged, moved = (one(dg(x).value) for x in ("property", "mergedWith", "movedReport"))
        value = one(dg("value").value) or one(dg("literalValue").value)
        old = tuple(sorted(v.get(dg("oldValue").value, []) + v.get(dg("oldLiteralValue").value, []),
                           key=str))
        out.append(Correction(
            iri=iri, id=ident.value if ident is not None else iri.rsplit("/", 1)[-1],
            operation=op.value, target=target.value,
            reason=reason.value if reason is not None else "",
            by=names.get(agent.value, agent.value) if isinstance(agent, ox.NamedNode) else "",
            when=when.value if when is not None else "",
            reports=tuple(sorted(o.value for o in v.get(dg("targetReport").value, [])
                                 if isinstance(o, ox.NamedNode))),
            prop=prop.value if isinstance(prop, ox.NamedNode) else None,
            value=value, old=old,
            merged_with=merged.value if isinstance(merged, ox.NamedNode) else None,
            moved_report=moved.value if isinstance(moved, ox.NamedNode) else None))
    return ordered(out)


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
