"""The read model shared by every view and by ``defgraph analyse``.

``read_store`` runs the queries in ``views/queries/*.rq`` over the store's default
graph (no GRAPH patterns, every query DISTINCT or grouped, so a store that keeps
each fact once and a store that repeats it per statement read the same) and
returns a ``Snapshot``: the kind, type, label and attributes of every node, the
links between them, the evidence quotes, and which pledge is part of which.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from typing import Any, Protocol

import pyoxigraph as ox

from ..vocab import DCT, DG, DG_NS, EVENT_TYPES


class Queryable(Protocol):
    def query(self, sparql: str, bindings: dict[str, Any] | None = None) -> Any: ...


def load_query(name: str) -> str:
    """The text of one read-model query, ``views/queries/NAME.rq`` (shipped in the wheel)."""
    return (files("defgraph.views") / "queries" / f"{name}.rq").read_text("utf-8")


#: the read model's queries, by name; each runs over the default graph only
QUERY_NAMES = ("types", "event_classes", "labels", "links", "attributes", "evidence",
               "country_of", "part_of")  # fmt: skip
#: the narrower read of who took part in what, for ``analyse`` (see read_network)
NETWORK_QUERY_NAMES = ("network_types", "network_labels", "network_links", "network_attributes",
                       "network_undated")  # fmt: skip

#: link property -> edge label
EDGE_LABELS: dict[str, str] = {
    "participant": "participant",
    "convenedBy": "convened by",
    "attendedVirtually": "attended virtually",
    "location": "location",
    "reportedIn": "reported in",
    "pledgedBy": "pledged by",
    "beneficiary": "beneficiary",
    "represents": "represents",
    "announcedAt": "announced at",
}

_CLASS_KIND = {
    "Statement": "statement",
    "Country": "country",
    "Organisation": "organisation",
    "Person": "person",
    "Place": "place",
    "Pledge": "pledge",
}
# when an IRI has several types, the first kind here wins
_KIND_PRIORITY = ("event", "pledge", "statement", "country", "organisation", "person", "place")
TAKING_PART = ("participant", "convenedBy", "attendedVirtually")
_URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def _local(iri: str, namespace: str) -> str | None:
    return iri[len(namespace) :] if iri.startswith(namespace) else None


_PROPS: dict[str, str] = {str(getattr(DG, name)): name for name in EDGE_LABELS}
_ATTR_NAMES = ("date", "endDate", "iso3", "roleTitle", "amount", "currency", "confidence",
               "method", "participantCount", "planned", "item")  # fmt: skip
_ATTR_PROPS: dict[str, str] = {
    **{str(getattr(DG, name)): name for name in _ATTR_NAMES},
    **{DCT + name: name for name in ("title", "issued", "publisher", "source")},
}


def _date_or_none(value: str | None) -> date | None:
    """A date from the store; None when missing or malformed (store text is not trusted)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass
class Snapshot:
    """What the views and the analysis are built from: one pass of SPARQL over the store."""

    kinds: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # most specific class name
    labels: dict[str, str] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (s, property, o)
    out: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    into: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    attrs: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    evidence: dict[str, list[tuple[str, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # iri -> [(quote, statement iri)]
    country_of: dict[str, str] = field(default_factory=dict)  # place/organisation -> country
    part_of: dict[str, str] = field(default_factory=dict)  # component pledge -> its total
    #: every event the filters keep -> (its date, the states it involves), read in one
    #: aggregated query when the rest of the snapshot is bounded (None: use the links)
    event_states: dict[str, tuple[str | None, list[str]]] | None = None
    #: (donor, recipient, currency, month, summed amount, pledges) of every pledge the filters
    #: keep, summed in the store when the rest of the snapshot is bounded (None: use the links)
    pledge_flows: list[tuple[str, str, str | None, str | None, str | None, int]] | None = None

    def attr(self, iri: str, name: str) -> str | None:
        values = self.attrs.get(iri, {}).get(name)
        return min(values) if values else None

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1]

    def span(self, iri: str) -> tuple[date | None, date | None]:
        """When a statement was issued, or when an event or pledge took place.

        An undated event or pledge is dated by the earliest statement that reports it.
        """
        kind = self.kinds.get(iri)
        if kind == "statement":
            issued = _date_or_none(self.attr(iri, "issued"))
            return issued, issued
        if kind not in ("event", "pledge"):
            return None, None
        start = _date_or_none(self.attr(iri, "date"))
        if start is None:
            reported = [_date_or_none(self.attr(o, "issued")) for p, o in self.out.get(iri, [])
                        if p == "reportedIn"]  # fmt: skip
            dates = sorted(d for d in reported if d)
            start = dates[0] if dates else None
        if start is None:
            return None, None
        end = _date_or_none(self.attr(iri, "endDate")) or start
        return start, max(start, end)

    def related(self, iri: str) -> set[str]:
        """The events and pledges a node takes part in, locates, reports or announces.

        A state or organisation also takes part through the people who represent it.
        """
        kind = self.kinds.get(iri)
        into = self.into.get(iri, [])
        found: set[str] = set()
        if kind in ("country", "organisation", "person", "place"):
            wanted = (*TAKING_PART, "pledgedBy", "beneficiary", "location")
            found = {s for p, s in into if p in wanted}
            if kind in ("country", "organisation"):
                for p, person in into:
                    if p == "represents":
                        found |= {s for p2, s in self.into.get(person, []) if p2 in wanted}
        elif kind == "statement":
            found = {s for p, s in into if p == "reportedIn"}
        elif kind == "event":
            found = {s for p, s in into if p == "announcedAt"}
        elif kind == "pledge":
            found = {o for p, o in self.out.get(iri, []) if p == "announcedAt"}
        return {x for x in found if self.kinds.get(x) in ("event", "pledge")}

    def url(self, statement: str) -> str | None:
        """The statement's original http(s) address, if it has one."""
        for value in sorted(self.attrs.get(statement, {}).get("source", [])):
            if _URL_RE.match(value):
                return value
        return None


def _rows(store: Queryable, sparql: str) -> list[list[Any]]:
    result = store.query(sparql)
    return list(getattr(result, "rows", []))


def read_store(store: Queryable) -> Snapshot:
    """The whole read model: every node and link of the graph (see ``scope`` for a bounded one)."""
    return assemble(store, lambda name: _rows(store, load_query(name)))


def read_network(store: Queryable) -> Snapshot:
    """The part of the read model that ``analyse`` reads: events with their classes and dates,
    who took part in each, whom each person represents, and the actors' labels.

    ``read_store`` reads every node, link and quote the views may draw; at 100,000
    statements that did not finish in 10 minutes, most of it rows analyse never looks at.
    The same Snapshot methods answer over both (a test compares their analyses). An
    event with no date of its own is dated by its statements, read for such events only.
    """
    rows = {name: _rows(store, load_query(f"network_{name}"))
            for name in ("types", "labels", "links", "attributes")}
    classes = {t.value for (t,) in _rows(store, load_query("event_classes"))}
    dated = {s.value for s, p, _ in rows["attributes"] if p.value == f"{DG_NS}date"}
    undated = sorted({s.value for s, t in rows["types"]
                      if (t.value in classes or t.value == f"{DG_NS}Event") and s.value not in dated})
    statements_of = load_query("network_undated")
    for event in undated:
        result = store.query(statements_of, {"event": ox.NamedNode(event)})
        for ev, statement, issued in getattr(result, "rows", []):
            rows["links"].append([ev, ox.NamedNode(f"{DG_NS}reportedIn"), statement])
            rows["types"].append([statement, ox.NamedNode(f"{DG_NS}Statement")])
            if issued is not None:
                rows["attributes"].append([statement, ox.NamedNode(f"{DCT}issued"), issued])
    return assemble(store, lambda name: rows.get(name, []))


def assemble(store: Queryable, fetch: Callable[[str], list[list[Any]]]) -> Snapshot:
    """A Snapshot from the rows ``fetch(name)`` gives for each query of ``QUERY_NAMES``.

    ``read_store`` fetches them over the whole graph; ``scope.read_scope`` over a bounded set of
    nodes, with the same columns, so both are folded into a Snapshot the same way.
    """
    raw = Snapshot()
    event_classes = {t.value for (t,) in _rows(store, load_query("event_classes"))}
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)  # iri -> [(kind, class)]
    for s, t in fetch("types"):
        name = _local(t.value, DG_NS)
        if not name:
            continue
        kind = _CLASS_KIND.get(name)
        if kind is None and (name == "Event" or name in EVENT_TYPES or t.value in event_classes):
            kind = "event"
        if kind is not None:
            found[s.value].append((kind, name))
    for iri, options in found.items():
        # prefer dg:Meeting over dg:Event: the most specific class
        kind, name = min(options, key=lambda kn: (_KIND_PRIORITY.index(kn[0]), kn[1] == "Event"))
        raw.kinds[iri] = kind
        raw.types[iri] = name
    labels: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for s, label, n in fetch("labels"):
        if s.value in raw.kinds:
            labels[s.value].append((int(n.value), label.value))
    for iri, counted in labels.items():
        # the label most statements use, then the shortest, then alphabetical
        raw.labels[iri] = min(counted, key=lambda nl: (-nl[0], len(nl[1]), nl[1]))[1]
    for s, p, o in fetch("links"):
        prop = _PROPS.get(p.value)
        if prop and s.value in raw.kinds and o.value in raw.kinds:
            raw.links.append((s.value, prop, o.value))
    raw.links.sort()
    for s, prop, o in raw.links:
        raw.out[s].append((prop, o))
        raw.into[o].append((prop, s))
    for s, p, o in fetch("attributes"):
        name = _ATTR_PROPS.get(p.value)
        if name and s.value in raw.kinds:
            raw.attrs[s.value][name].append(o.value)
    for s, quote, st in fetch("evidence"):
        if s.value in raw.kinds:
            raw.evidence[s.value].append((quote.value, st.value if st is not None else None))
    for iri in raw.evidence:
        raw.evidence[iri].sort(key=lambda qs: (qs[1] or "", qs[0]))
    for s, c in sorted((s.value, c.value) for s, c in fetch("country_of")):
        if s in raw.kinds and c in raw.kinds:
            raw.country_of.setdefault(s, c)
    for part, whole in sorted((p.value, w.value) for p, w in fetch("part_of")):
        if raw.kinds.get(part) == "pledge" and raw.kinds.get(whole) == "pledge" and part != whole:
            raw.part_of.setdefault(part, whole)
    return raw


def short(text: str, limit: int = 38) -> str:
    """One line of at most ``limit`` characters, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TRAILING_DATE = re.compile(r"(\s(?:on|from|in)\s\d{4}-\d\d(?:-\d\d)?(?:\s?[–-]\s?\S+)?)$")


def short_label(text: str, limit: int = 38) -> str:
    """``short`` that keeps a trailing date ("... on 2025-01-20"): it is cut in the middle instead."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    m = _TRAILING_DATE.search(text)
    if not m or len(m.group(1)) > limit // 2:
        return short(text, limit)
    tail = m.group(1)
    return text[: limit - len(tail) - 1].rstrip() + "…" + tail
