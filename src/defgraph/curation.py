"""Analysts' corrections: record them as data, apply them, list, share and undo them.

A correction is a ``dg:Correction`` (a ``prov:Activity``) in the named graph
``vocab.CORRECTIONS_GRAPH``: who made it (``prov:wasAssociatedWith`` an agent with a
name), when (``prov:endedAtTime``), why (``dg:reason``), what it does
(``dg:operation``: set, unset, reject, merge, split), on what (``dg:target``, and for
an event or pledge the reports it had, ``dg:targetReport``), what it replaced
(``dg:oldValue`` / ``dg:oldLiteralValue``) and a short id (``dct:identifier``) for
``undo``. Consolidation applies corrections as an overlay (overlay.py), so they win
over extraction and last through re-ingest, rebuild and a move to another store.

Adding or undoing a correction recomputes only the units it touches: its target (the
event or pledge holding its reports, or the entity), and the events, pledges and
entities whose statements point at it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import re
import shlex
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from .maintain import Maintainer, corrections, internal_query, rebuild
from .overlay import OPERATIONS, Correction, agent_iri, description, from_triples
from .vocab import (
    CONSOLIDATED_GRAPH,
    CORRECTIONS_GRAPH,
    DG,
    DG_NS,
    DGID_NS,
    LABEL,
    PREFIXES,
    RDFS,
    TYPE,
    XSD,
    dg,
    node,
)

PROV = "http://www.w3.org/ns/prov#"
SUBCLASS_OF = node(RDFS + "subClassOf")
DCT_IDENTIFIER = node("http://purl.org/dc/terms/identifier")
_NOT_NODES = re.compile(r"/(report|evidence|correction|agent)/")  # never what a label names
MAX_REASON = 2000  # characters: a reason is a sentence or two, not a document
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class CurationError(Exception):
    """A correction cannot be made: the node, property or value is unknown or ambiguous."""


# -- reading the store --------------------------------------------------------------------------


def _rows(store: Any, name: str, union: bool = False, **bindings: ox.NamedNode | ox.Literal) -> list[list[Any]]:
    from .stores import Rows

    result = store.query(internal_query(name), bindings, union=union)
    assert isinstance(result, Rows)
    return result.rows


def _expand(text: str) -> str | None:
    """A full IRI for an IRI or a CURIE of a known prefix (vocab.PREFIXES); None otherwise."""
    if text.startswith(("http://", "https://")):
        return text
    prefix, colon, rest = text.partition(":")
    if colon and prefix in PREFIXES and rest and " " not in text:
        return PREFIXES[prefix] + rest
    return None


def _known(store: Any, iri: str) -> bool:
    n = node(iri)
    return bool(store.subject_quads(n, _consolidated())) or bool(
        [c for c in corrections(store) if c.target == iri])


def _consolidated() -> ox.NamedNode:
    return node(CONSOLIDATED_GRAPH)


def resolve_node(store: Any, text: str) -> ox.NamedNode:
    """The node NODE names: a full IRI, a CURIE (dgid:person/..., or any prefix of
    vocab.PREFIXES), or an unambiguous label (an error lists the candidates)."""
    text = text.strip()
    iri = _expand(text)
    if iri is not None:
        if store.subject_quads(node(iri), _consolidated()):
            return node(iri)
        # an event or pledge merged into another since: the node that holds its report now
        from .consolidate import founding_report

        report = founding_report(iri)
        if report is not None:
            for r in _rows(store, "consolidated_of_report", report=node(report)):
                if isinstance(r[1], ox.NamedNode):
                    return r[1]
        if not _known(store, iri):
            raise CurationError(f"{text}: no such node in the consolidated graph")
        return node(iri)
    found = sorted({r[1].value for r in _rows(store, "curation_by_label", text=ox.Literal(text))
                    if isinstance(r[1], ox.NamedNode) and not _NOT_NODES.search(r[1].value)})
    if not found:
        raise CurationError(f"{text!r}: no node has this label; give its IRI or a CURIE "
                            "such as dgid:person/...")
    if len(found) > 1:
        raise CurationError(f"{text!r} is ambiguous; give one of: "
                            + ", ".join(_short(x) for x in found))
    return node(found[0])


def _short(iri: str) -> str:
    from .query import shorten

    return shorten(iri)


def resolve_property(text: str) -> ox.NamedNode:
    """An ontology property by local name, CURIE (dg:represents) or IRI, checked against vocab.DG."""
    text = text.strip()
    name = text.removeprefix(DG_NS).removeprefix("dg:")
    props = sorted(n for n in DG.__annotations__ if n[:1].islower())
    if name not in props:
        raise CurationError(f"{text!r} is not a defgraph property; use one of: " + ", ".join(props))
    return dg(name)


def _describe(store: Any, prop: ox.NamedNode) -> tuple[str, str, set[str]]:
    """(kind, range, domains) of a property in the ontology: kind 'object' or 'data'; the
    domains that are the ontology's own classes (a union of classes is a blank node, which
    a remote store may give as a skolem IRI, and is left out)."""
    kind, rng, domains = "data", "", set()
    for _, k, rg, d in _rows(store, "curation_property_range", p=prop):
        if k is not None and k.value.endswith("ObjectProperty"):
            kind = "object"
        if isinstance(rg, ox.NamedNode):
            rng = rg.value
        if isinstance(d, ox.NamedNode) and d.value.startswith(DG_NS):
            domains.add(d.value)
    return kind, rng, domains


def _check_domain(store: Any, target: ox.NamedNode, prop: ox.NamedNode) -> None:
    """Refuse to set a property whose domain is one named class on a node of another class
    (or of a class under it, two levels down): queries rely on the domain (dg:pledgedBy is
    stated of pledges only, so they need not check the class)."""
    domains = _describe(store, prop)[2]
    if len(domains) != 1:
        return
    domain = domains.pop()
    classes = {t.value for t in _values(store, target, TYPE) if isinstance(t, ox.NamedNode)}
    parents = {p.value for c in classes for p in _values(store, node(c), SUBCLASS_OF)}
    grand = {p.value for c in parents for p in _values(store, node(c), SUBCLASS_OF)}
    if domain not in classes | parents | grand:
        raise CurationError(f"{_short(prop.value)} applies to a {_short(domain)}; "
                            f"{_short(target.value)} is not one")


_COUNTRY_PROPS = {dg(p).value for p in ("represents", "pledgedBy", "beneficiary", "participant",
                                        "convenedBy", "attendedVirtually", "country")}


def parse_value(store: Any, prop: ox.NamedNode, text: str) -> ox.NamedNode | ox.Literal:
    """A VALUE for PROPERTY: a state by ISO code or name, another node by IRI, CURIE or label,
    or a literal of the property's range (date, decimal, integer, boolean, text)."""
    text = text.strip()
    kind, rng, _ = _describe(store, prop)
    where = f"value of {_short(prop.value)}"
    if kind == "object":
        iri = _expand(text)
        if iri is not None:
            return node(iri)
        if prop.value in _COUNTRY_PROPS:
            from .extract.countries import resolve_country

            code = resolve_country(text)
            if code is not None:
                return node(f"{DGID_NS}country/{code}")
        try:
            return resolve_node(store, text)
        except CurationError as exc:
            raise CurationError(f"{where}: {exc}") from None
    if rng == XSD + "date":
        try:
            return ox.Literal(dt.date.fromisoformat(text).isoformat(), datatype=node(XSD + "date"))
        except ValueError:
            raise CurationError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None
    if rng in (XSD + "decimal", XSD + "integer", XSD + "nonNegativeInteger"):
        try:
            number = Decimal(text.replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise CurationError(f"{where}: {text!r} is not a number") from None
        if rng != XSD + "decimal":
            if number != number.to_integral_value() or (number < 0 and "nonNegative" in rng):
                raise CurationError(f"{where}: {text!r} is not a whole number")
            return ox.Literal(str(int(number)), datatype=node(rng))
        return ox.Literal(format(number.normalize(), "f"), datatype=node(rng))
    if rng == XSD + "boolean":
        if text.lower() not in ("true", "false"):
            raise CurationError(f"{where}: {text!r} is not true or false")
        return ox.Literal(text.lower(), datatype=node(rng))
    if prop.value == dg("currency").value and not (len(text) == 3 and text.isalpha()):
        raise CurationError(f"{where}: {text!r} is not an ISO 4217 code such as USD")
    return ox.Literal(text.upper() if prop.value == dg("currency").value else text)


def reports_of(store: Any, target: ox.NamedNode) -> list[tuple[str, str]]:
    """(statement graph, report IRI) of each report of a consolidated event or pledge."""
    return sorted({(r[2].value, r[1].value) for r in _rows(store, "curation_node_reports",
                                                            union=True, node=target)
                   if isinstance(r[1], ox.NamedNode) and isinstance(r[2], ox.NamedNode)})


def statements_at(store: Any, url: str) -> set[str]:
    """The statements whose original address (dct:source) is url, stored as an IRI or, where
    it is not a valid one, as a string (defgraph writes these two; another tool may have
    written an xsd:anyURI literal)."""
    forms: list[ox.NamedNode | ox.Literal] = [ox.Literal(url), ox.Literal(url, datatype=node(XSD + "anyURI"))]
    with suppress(ValueError):
        forms.append(ox.NamedNode(url))
    return {r[1].value for form in forms
            for r in _rows(store, "curation_statement_of_url", source=form)
            if isinstance(r[1], ox.NamedNode)}


def _values(store: Any, target: ox.NamedNode, prop: ox.NamedNode) -> list[Any]:
    return sorted((r[2] for r in _rows(store, "curation_values", node=target, property=prop)
                   if r[2] is not None), key=str)


# -- making corrections ---------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def _id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:10]


def make(store: Any, operation: str, target_text: str, *, reason: str, by: str | None = None,
         prop: str | None = None, value: str | None = None, other: str | None = None,
         statement: str | None = None, when: str | None = None) -> Correction:
    """Check a correction against the store and describe it (nothing is written)."""
    if operation not in OPERATIONS:
        raise CurationError(f"unknown operation {operation!r}; one of {', '.join(OPERATIONS)}")
    reason = " ".join((reason or "").split())
    if not reason:
        raise CurationError("--reason is required: say why, in a sentence")
    if len(reason) > MAX_REASON:
        raise CurationError(f"--reason is {len(reason)} characters; keep it under {MAX_REASON}")
    by = (by or getpass.getuser()).strip() or "analyst"
    when = when or _now()
    target = resolve_node(store, target_text)
    reports = [r for _, r in reports_of(store, target)]
    p = resolve_property(prop) if prop else None
    v = parse_value(store, p, value) if p is not None and value is not None else None
    old: tuple[Any, ...] = ()
    merged_with = moved = None
    if operation in ("set", "unset"):
        if p is None:
            raise CurationError(f"{operation} needs a PROPERTY")
        if operation == "set" and v is None:
            raise CurationError("set needs a VALUE")
        if operation == "set":
            _check_domain(store, target, p)
        current = _values(store, target, p)
        old = tuple(x for x in current if operation == "set" or v is None or x == v)
        if operation == "unset" and not old:
            raise CurationError(f"{_short(target.value)} has no {_short(p.value)}"
                                + (f" {value}" if value else "") + " to unset")
    elif operation == "merge":
        if other is None:
            raise CurationError("merge needs two nodes")
        second = resolve_node(store, other)
        if second == target:
            raise CurationError("merge needs two different nodes")
        more = [r for _, r in reports_of(store, second)]
        if not reports or not more:
            raise CurationError("merge joins events or pledges (nodes with reports); "
                                f"{_short((target if not reports else second).value)} is neither")
        merged_with = second.value
        reports = sorted(set(reports) | set(more))
    elif operation == "split":
        if not statement:
            raise CurationError("split needs --statement URL: the statement whose report moves out")
        pairs = reports_of(store, target)
        wanted = {_expand(statement.strip()) or statement.strip()}
        wanted |= statements_at(store, statement.strip())
        moving = [r for g, r in pairs if g in wanted]
        if not moving:
            raise CurationError(f"{_short(target.value)} has no report from {statement}; its "
                                "statements: " + ", ".join(sorted({g for g, _ in pairs})))
        if len(pairs) < 2:
            raise CurationError(f"{_short(target.value)} has one report only: nothing to split")
        moved = moving[0]
    ident = _id(operation, target.value, p.value if p else "", v, merged_with, moved, by, when,
                reason)
    return Correction(iri=f"{DGID_NS}correction/{ident}", id=ident, operation=operation,
                      target=target.value, reason=reason, by=by, when=when,
                      reports=tuple(sorted(reports)), prop=p.value if p else None, value=v,
                      old=old, merged_with=merged_with, moved_report=moved)


def to_triples(c: Correction) -> list[ox.Triple]:
    """The correction's description in the corrections graph, and its agent's name."""
    agent = agent_iri(c.by)
    return [ox.Triple(*t) for t in description(c)] + [
        ox.Triple(agent, TYPE, node(PROV + "Agent")), ox.Triple(agent, LABEL, ox.Literal(c.by))]


# -- writing and recomputing ------------------------------------------------------------------------


def _graph_quads(store: Any) -> set[ox.Quad]:
    return store.graph_quads(CORRECTIONS_GRAPH) if store.has_graph(CORRECTIONS_GRAPH) else set()


def _write(store: Any, quads: Iterable[ox.Quad]) -> None:
    quads = list(quads)
    if quads:
        store.replace_graph(CORRECTIONS_GRAPH, quads)
    else:
        store.remove_graph(CORRECTIONS_GRAPH)


def _as_quads(triples: Iterable[ox.Triple]) -> set[ox.Quad]:
    g = node(CORRECTIONS_GRAPH)
    return {ox.Quad(t.subject, t.predicate, t.object, g) for t in triples}


def touched(store: Any, cs: Sequence[Correction]) -> Touched:
    """The reports (graph, IRI), entities and statements whose units these corrections
    change: the corrections' own nodes and everything that points at them, in the
    statements' graphs or (a value another correction gave) in the consolidated graph."""
    found = Touched(set(), set(), set())
    statements = set(store_statements(store))
    given: dict[str, set[str]] = {}  # node -> the targets other corrections gave it as a value
    for k in corrections(store):
        if isinstance(k.value, ox.NamedNode):
            given.setdefault(k.value.value, set()).add(k.target)
    for c in cs:
        anchors = {c.target, *c.reports} | ({c.moved_report} if c.moved_report else set())
        if c.merged_with:
            anchors.add(c.merged_with)
        # what another correction gave this node to: a reject undone gives it back there
        anchors |= {t for a in list(anchors) for t in given.get(a, ())}
        for a in sorted(anchors):
            found.reports.update(reports_of(store, node(a)))
            pointing = _rows(store, "curation_pointing", union=True, target=node(a))
            for _, g, s in pointing + [[None, None, node(a)]]:
                if not isinstance(s, ox.NamedNode):
                    continue
                if s.value in statements:  # what a statement mentions
                    found.statements.add(s.value)
                elif "/report/" in s.value:
                    graphs = [g.value] if isinstance(g, ox.NamedNode) \
                        and g.value != CONSOLIDATED_GRAPH else _graphs_of(store, s)
                    found.reports.update((x, s.value) for x in graphs)
                elif "/evidence/" in s.value or "/pair/" in s.value:
                    continue  # recomputed with their statement; pairs with the events' states
                elif isinstance(g, ox.NamedNode) and g.value == CONSOLIDATED_GRAPH \
                        and ("/event/" in s.value or "/pledge/" in s.value):
                    found.reports.update(reports_of(store, s))
                else:
                    found.entities.add(s.value)
    return found


class Touched(NamedTuple):
    """What a correction reaches, for Maintainer.touch."""

    reports: set[tuple[str, str]]
    entities: set[str]
    statements: set[str]


def _graphs_of(store: Any, report: ox.NamedNode) -> list[str]:
    return [r[1].value for r in _rows(store, "graph_of_report", union=True, report=report)
            if isinstance(r[1], ox.NamedNode)]


def store_statements(store: Any) -> list[str]:
    from .maintain import statement_graphs

    return statement_graphs(store)


def _recompute(store: Any, before: Sequence[Correction], after: Sequence[Correction],
               m: Maintainer | None = None) -> None:
    t = touched(store, list(before) + list(after))
    m = m or Maintainer(store)
    m.touch(t.reports, t.entities, [c.iri for c in list(before) + list(after)], t.statements)
    m.apply()
    store.flush()


def add(store: Any, c: Correction) -> Correction:
    """Record a correction and bring the consolidated graph in line with it."""
    before = touched(store, [c])  # the units as they are now
    m = Maintainer(store)
    m.begin()  # cut short from here on, the next run that writes rebuilds the graph
    _write(store, _graph_quads(store) | _as_quads(to_triples(c)))
    after = touched(store, [c])
    m.touch(before.reports | after.reports, before.entities | after.entities, [c.iri],
            before.statements | after.statements)
    m.apply()
    store.flush()
    return c


def find(store: Any, ident: str) -> Correction:
    """The correction whose id is (or starts with) IDENT."""
    ident = ident.strip()
    hits = [c for c in corrections(store) if c.id == ident] or \
        [c for c in corrections(store) if len(ident) >= 4 and c.id.startswith(ident)]
    if not hits:
        raise CurationError(f"no correction with id {ident!r}; `defgraph correct list` shows them")
    if len(hits) > 1:
        raise CurationError(f"{ident!r} names several corrections: "
                            + ", ".join(c.id for c in hits))
    return hits[0]


def undo(store: Any, ident: str) -> Correction:
    """Remove a correction; the consolidated graph shows what extraction found again."""
    c = find(store, ident)
    t = touched(store, [c])
    keep = {q for q in _graph_quads(store) if q.subject != node(c.iri)}
    m = Maintainer(store)
    m.begin()
    _write(store, _drop_unused_agents(keep))
    m.touch(t.reports, t.entities, [c.iri], t.statements)
    m.apply()
    store.flush()
    return c


def _drop_unused_agents(quads: set[ox.Quad]) -> set[ox.Quad]:
    used = {q.object for q in quads if q.predicate == node(PROV + "wasAssociatedWith")}
    return {q for q in quads if not (isinstance(q.subject, ox.NamedNode)
                                     and q.subject.value.startswith(f"{DGID_NS}agent/")
                                     and q.subject not in used)}


def is_stale(store: Any, c: Correction, statements: set[str] | None = None) -> bool:
    """True when no statement says anything of the correction's target any more (withdrawn)."""
    statements = set(store_statements(store)) if statements is None else statements
    anchors = list(c.reports) or [c.target]
    return not any(isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in statements
                   for a in anchors for q in store.subject_quads(node(a)))


@dataclass
class Listed:
    correction: Correction
    stale: bool

    def row(self) -> dict[str, str]:
        c = self.correction
        return {"id": c.id, "when": c.when, "by": c.by, "operation": c.operation,
                "target": _short(c.target), "property": _short(c.prop) if c.prop else "",
                "value": _show(c.value) if c.value is not None else
                (_short(c.merged_with) if c.merged_with else
                 (_short(c.moved_report) if c.moved_report else "")),
                "old": "; ".join(_show(o) for o in c.old), "reason": c.reason,
                "stale": "yes" if self.stale else ""}


def _show(t: Any) -> str:
    return _short(t.value) if isinstance(t, ox.NamedNode) else str(t.value)


def listing(store: Any, *, stale_only: bool = False) -> list[Listed]:
    """Every correction, oldest first, with whether its target has disappeared."""
    statements = set(store_statements(store))
    out = []
    for c in corrections(store):
        stale = is_stale(store, c, statements)
        if stale or not stale_only:
            out.append(Listed(c, stale))
    return out


# -- sharing -------------------------------------------------------------------------------------


def export_corrections(store: Any, path: str | Path) -> int:
    """Write the corrections graph as Turtle (for review in version control); returns triples."""
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in _graph_quads(store)},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = {**PREFIXES, "prov": PROV}
    if str(path) == "-":
        import sys

        ox.serialize(triples, sys.stdout.buffer, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    else:
        with open(path, "wb") as f:
            ox.serialize(triples, f, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return len(triples)


def read_file(path: str | Path) -> list[ox.Triple]:
    """The triples of a corrections file (Turtle, N-Triples, or the corrections graph of a
    TriG / N-Quads export), checked against the SHACL shapes."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_IMPORT_BYTES:
            raise CurationError(f"{p}: larger than {MAX_IMPORT_BYTES // 2**20} MB")
        data = p.read_bytes()
    except OSError as exc:
        raise CurationError(f"{p}: cannot read: {exc.strerror or exc}") from None
    fmt = {".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
           ".trig": ox.RdfFormat.TRIG}.get(p.suffix.lower(), ox.RdfFormat.TURTLE)
    try:
        parsed = list(ox.parse(data, format=fmt))
    except SyntaxError as exc:
        raise CurationError(f"{p}: not valid {fmt.name}: {exc}") from None
    triples: list[ox.Triple] = []
    for t in parsed:
        g = t.graph_name
        if isinstance(g, ox.DefaultGraph) or g == node(CORRECTIONS_GRAPH):
            triples.append(ox.Triple(t.subject, t.predicate, t.object))
    problems = check(triples)
    if problems:
        raise CurationError(f"{p}: {len(problems)} problem(s): " + "; ".join(problems[:5]))
    return triples


def check(triples: Sequence[ox.Triple]) -> list[str]:
    """SHACL violations of corrections (ontology/shapes.ttl), one line each."""
    from .validate import check_triples

    return [f"{focus} {path}: {msg}".strip() for focus, path, msg in check_triples(triples)]


def import_corrections(store: Any, path: str | Path) -> list[Correction]:
    """Add the corrections of a file (ones already here, by IRI, are left as they are) and
    apply them; returns the new ones."""
    triples = read_file(path)
    incoming = from_triples(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    if not incoming:
        raise CurationError(f"{path}: no dg:Correction in the file")
    have = {c.iri for c in corrections(store)}
    new = [c for c in incoming if c.iri not in have]
    mine = {node(c.iri) for c in new}
    agents = {t.object for t in triples if t.subject in mine
              and t.predicate == node(PROV + "wasAssociatedWith")}
    keep = [t for t in triples if t.subject in mine or t.subject in agents]
    m = Maintainer(store) if new else None
    if m is not None:
        m.begin()  # cut short before the graph follows: the next run that writes rebuilds it
    _write(store, _graph_quads(store) | _as_quads(keep))
    if len(new) > 50:  # many at once: one rebuild is cheaper than many partial recomputes
        rebuild(store)
    elif new:
        _recompute(store, [], new, m)
    return new


# -- the page's "suggest a correction" ---------------------------------------------------------------


def suggest_command(operation: str, node_iri: str, prop: str | None = None,
                    value: str | None = None, reason: str = "") -> str:
    """The `defgraph correct ...` command the views' panel offers (templates/network.js,
    correctionCommand, builds the same string; a test compares them)."""
    words = ["defgraph", "correct", operation, node_iri]
    if operation in ("set", "unset") and prop:
        words.append(prop)
        if value:
            words.append(value)
    words += ["--reason", reason]
    return " ".join(shlex.quote(w) for w in words)

