"""Draw the graph: SPARQL over the store, a networkx graph per view, one self-contained HTML page.

``network`` reads the store with a few constant SPARQL queries and builds a
networkx MultiDiGraph for a view (``VIEWS`` maps view names to builders):

- ``events``: statements, events, pledges and everyone and everywhere they involve;
- ``countries``: states linked by the events they share, sized by centrality,
  coloured by Louvain community;
- ``pledges``: donor to recipient flows, line width by amount converted to one
  currency with the shipped table of yearly average rates (``data/fx.json``);
- ``ego``: the neighbourhood of one entity, ``focus`` and ``depth`` hops away.

A view with more than ``max_nodes`` nodes is aggregated (people into the state
they represent, then statements left out, then places into their country) and
the page says so. ``write_html`` lays the graph out with networkx, turns it into
vis-network data with pyvis, and writes one HTML file from defgraph's own Jinja2
template, with vis-network inlined from the installed pyvis package: no CDN,
nothing fetched when the page opens.

Every label and detail comes from untrusted statements: it travels as JSON in
a ``<script type="application/json">`` block (``<``, ``>``, ``&``, U+2028/9
escaped) and the page puts it in the DOM with ``textContent`` only.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html as html_mod
import json
import math
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files
from itertools import combinations
from pathlib import Path
from typing import Any, Protocol

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .vocab import DCT, DG, DG_NS, EVENT_TYPES, curie

__all__ = [
    "DEFAULT_MAX_NODES",
    "VIEWS",
    "Filters",
    "View",
    "fx_table",
    "network",
    "page",
    "render",
    "render_html",
    "resolve_focus",
    "write_html",
]

#: above this many nodes a view is aggregated (0 or None: never)
DEFAULT_MAX_NODES = 2000


class Queryable(Protocol):
    def query(self, sparql: str, bindings: dict[str, Any] | None = None) -> Any: ...


# -- reading the store ----------------------------------------------------------------

# The default graph is the union of all statement graphs: a country named in a hundred
# statements comes back a hundred times, so every query is DISTINCT or grouped, and
# labels are fetched apart from types rather than joined with them.
_TYPES_RQ = """
SELECT DISTINCT ?s ?type WHERE {
  ?s a ?type .
  FILTER(isIRI(?s) && STRSTARTS(STR(?type), STR(dg:)))
}
"""

_EVENT_CLASSES_RQ = """
SELECT DISTINCT ?type WHERE { ?type rdfs:subClassOf+ dg:Event . }
"""

_LABELS_RQ = """
SELECT ?s ?label (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?label . } GROUP BY ?s ?label
"""

_LINKS_RQ = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { dg:participant dg:convenedBy dg:attendedVirtually dg:location dg:reportedIn
              dg:pledgedBy dg:beneficiary dg:represents dg:announcedAt }
  ?s ?p ?o .
  FILTER(isIRI(?o))
}
"""

_ATTRS_RQ = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { dg:date dg:endDate dg:iso3 dg:roleTitle dg:amount dg:currency dg:confidence
              dg:method dg:participantCount dg:planned dg:item
              dct:title dct:issued dct:publisher dct:source }
  ?s ?p ?o .
}
"""

_EVIDENCE_RQ = """
SELECT DISTINCT ?s ?quote ?st WHERE {
  ?s dg:evidence ?ev . ?ev dg:quote ?quote .
  OPTIONAL { ?ev dg:inStatement ?st }
}
"""

# where a place is, which state an organisation belongs to: used to aggregate places
_COUNTRY_OF_RQ = """
SELECT DISTINCT ?s ?c WHERE { ?s dg:country ?c . ?c a dg:Country . }
"""

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
    raw = Snapshot()
    event_classes = {t.value for (t,) in _rows(store, _EVENT_CLASSES_RQ)}
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)  # iri -> [(kind, class)]
    for s, t in _rows(store, _TYPES_RQ):
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
    for s, label, n in _rows(store, _LABELS_RQ):
        if s.value in raw.kinds:
            labels[s.value].append((int(n.value), label.value))
    for iri, counted in labels.items():
        # the label most statements use, then the shortest, then alphabetical
        raw.labels[iri] = min(counted, key=lambda nl: (-nl[0], len(nl[1]), nl[1]))[1]
    for s, p, o in _rows(store, _LINKS_RQ):
        prop = _PROPS.get(p.value)
        if prop and s.value in raw.kinds and o.value in raw.kinds:
            raw.links.append((s.value, prop, o.value))
    raw.links.sort()
    for s, prop, o in raw.links:
        raw.out[s].append((prop, o))
        raw.into[o].append((prop, s))
    for s, p, o in _rows(store, _ATTRS_RQ):
        name = _ATTR_PROPS.get(p.value)
        if name and s.value in raw.kinds:
            raw.attrs[s.value][name].append(o.value)
    for s, quote, st in _rows(store, _EVIDENCE_RQ):
        if s.value in raw.kinds:
            raw.evidence[s.value].append((quote.value, st.value if st is not None else None))
    for iri in raw.evidence:
        raw.evidence[iri].sort(key=lambda qs: (qs[1] or "", qs[0]))
    for s, c in sorted((s.value, c.value) for s, c in _rows(store, _COUNTRY_OF_RQ)):
        if s in raw.kinds and c in raw.kinds:
            raw.country_of.setdefault(s, c)
    return raw


# -- filters --------------------------------------------------------------------------


def _as_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date; give YYYY-MM-DD") from exc


@dataclass(frozen=True)
class Filters:
    """Which events and pledges a view draws: a date range and a set of types.

    ``types`` holds class names, case-insensitive: event classes ("Meeting",
    "Visit"...), "Event" for every event, "Pledge" for pledges.  An event is in
    the range when [date, endDate] overlaps it; an undated one is judged by the
    earliest statement that reports it, and left out when that is unknown too.
    """

    date_from: date | None = None
    date_to: date | None = None
    types: frozenset[str] | None = None

    def describe(self) -> list[str]:
        parts = []
        if self.date_from:
            parts.append(f"from {self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to {self.date_to.isoformat()}")
        if self.types is not None:
            parts.append("types: " + ", ".join(sorted(self.types)))
        return parts

    def keeps(self, raw: Snapshot, iri: str) -> bool:
        kind = raw.kinds.get(iri)
        if kind not in ("event", "pledge"):
            return True
        if self.types is not None:
            wanted = {t.lower() for t in self.types}
            name = raw.types[iri].lower()
            if name not in wanted and not (kind == "event" and "event" in wanted):
                return False
        if self.date_from is None and self.date_to is None:
            return True
        start, end = raw.span(iri)
        if start is None or end is None:
            return False
        if self.date_from and end < self.date_from:
            return False
        return not (self.date_to and start > self.date_to)


def make_filters(
    raw: Snapshot,
    date_from: date | str | None,
    date_to: date | str | None,
    types: Iterable[str] | str | None,
) -> Filters:
    chosen = None
    if isinstance(types, str):
        types = types.split(",")
    if types is not None:
        chosen = frozenset(t.strip() for t in types if t and t.strip())
        known = {t.lower() for t in (*EVENT_TYPES, "Event", "Pledge")}
        known |= {raw.types[i].lower() for i, k in raw.kinds.items() if k == "event"}
        unknown = sorted(t for t in chosen if t.lower() not in known)
        if unknown:
            raise ValueError(
                f"unknown type(s) {', '.join(unknown)}; choose from "
                + ", ".join(sorted((*EVENT_TYPES, "Event", "Pledge")))
            )
    f = Filters(_as_date(date_from), _as_date(date_to), chosen)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValueError(f"--from {f.date_from} is after --to {f.date_to}")
    return f


# -- exchange rates -------------------------------------------------------------------


@lru_cache(maxsize=1)
def fx_table() -> dict[str, Any]:
    """The shipped table of yearly average exchange rates (``defgraph/data/fx.json``).

    ``rates[CUR][YEAR]`` is how many units of CUR one US dollar bought on average that year.
    """
    text = (files("defgraph") / "data" / "fx.json").read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def convert(
    amount: Decimal | float, currency: str, year: int | None, target: str = "USD"
) -> tuple[float, int] | None:
    """``amount`` of ``currency`` in ``target`` at that year's average rate, and the year used.

    A year outside the table uses the nearest one; None when either currency is not in it.
    """
    rates = fx_table()["rates"]
    cur, tgt = currency.upper(), target.upper()
    if cur not in rates or tgt not in rates:
        return None
    years = sorted(int(y) for y in rates[cur] if str(y) in rates[tgt])
    if not years:
        return None
    wanted = year if year is not None else years[-1]
    used = min(years, key=lambda y: (abs(y - wanted), -y))
    value = float(amount) / float(rates[cur][str(used)]) * float(rates[tgt][str(used)])
    return value, used


def money(value: float, unit: str = "") -> str:
    """A large amount made short: 1.25 bn, 575 M, 12.5 k (three significant digits)."""
    for size, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= size:
            text = f"{value / size:.3g}{suffix}"
            break
    else:
        text = f"{value:.0f}"
    return f"{text} {unit}".strip()


# -- node attributes ------------------------------------------------------------------


def _amount(value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _details(raw: Snapshot, iri: str) -> dict[str, str]:
    """Plain strings for the side panel, most useful first."""
    kind = raw.kinds[iri]
    a = raw.attrs.get(iri, {})
    d: dict[str, str] = {"type": raw.types[iri]}
    first = raw.attr(iri, "date") or (raw.attr(iri, "issued") if kind == "statement" else None)
    if first:
        end = raw.attr(iri, "endDate")
        d["date"] = f"{first} – {end}" if end and end != first else first
    if a.get("iso3"):
        d["iso3"] = ", ".join(sorted(a["iso3"]))
    if a.get("roleTitle"):
        d["role"] = "; ".join(sorted(a["roleTitle"]))
    reps = [raw.label(o) for p, o in raw.out.get(iri, []) if p == "represents"]
    if reps:
        d["represents"] = ", ".join(sorted(reps))
    if kind in ("place", "organisation") and iri in raw.country_of:
        d["country"] = raw.label(raw.country_of[iri])
    if a.get("amount"):
        currency = raw.attr(iri, "currency") or ""
        d["amount"] = f"{_amount(min(a['amount']))} {currency}".strip()
    elif a.get("currency"):
        d["currency"] = raw.attr(iri, "currency") or ""
    if a.get("item"):
        d["items"] = "; ".join(sorted(a["item"]))
    if a.get("participantCount"):
        d["participants reported"] = max(a["participantCount"], key=int)
    if raw.attr(iri, "planned") == "true":
        d["planned"] = "yes (announced, not yet held)"
    if kind == "statement":
        if a.get("title"):
            d["title"] = raw.attr(iri, "title") or ""
        if a.get("publisher"):
            d["publisher"] = "; ".join(
                raw.label(x) if x in raw.kinds else x for x in a["publisher"]
            )
        if a.get("source") and not raw.url(iri):
            d["source"] = "\n".join(sorted(a["source"]))  # not http(s): shown as text only
    if a.get("confidence"):
        d["confidence"] = max(a["confidence"], key=float)
    if a.get("method"):
        d["method"] = ", ".join(sorted(a["method"]))
    d["iri"] = curie(iri)  # country:GBR, the prefixes of the Turtle export and query tables
    return d


_MAX_EVENTS, _MAX_EVIDENCE, _MAX_SOURCES = 60, 12, 20


def _when(raw: Snapshot, iri: str) -> str:
    start, end = raw.span(iri)
    if start is None:
        return ""
    return start.isoformat() if end in (None, start) else f"{start.isoformat()} – {end}"


def _panel(raw: Snapshot, iri: str, f: Filters) -> dict[str, Any]:
    """The panel's lists: its events and pledges, evidence quotes, and source statements."""
    kind = raw.kinds[iri]
    related = sorted(
        (x for x in raw.related(iri) if f.keeps(raw, x)),
        key=lambda x: (raw.span(x)[0] or date.max, raw.label(x), x),
    )
    events = [{"iri": x, "label": raw.label(x), "date": _when(raw, x)} for x in related]
    quotes: list[tuple[str, str | None]] = list(raw.evidence.get(iri, []))
    if kind in ("country", "organisation", "place", "statement"):
        for x in related:
            quotes.extend(raw.evidence.get(x, []))
    if kind == "statement":
        quotes = [(q, st) for q, st in quotes if st in (None, iri)]
    seen: set[tuple[str, str | None]] = set()
    evidence = []
    for quote, st in quotes:
        if (quote, st) in seen:
            continue
        seen.add((quote, st))
        evidence.append({
            "quote": quote,
            "statement": (raw.attr(st, "title") or raw.label(st)) if st else "",
            "url": raw.url(st) if st else None,
            "iri": st,
        })  # fmt: skip
    if kind == "statement":
        statements = {iri}
    elif kind in ("event", "pledge"):
        statements = {o for p, o in raw.out.get(iri, []) if p == "reportedIn"}
    else:
        statements = {o for x in related for p, o in raw.out.get(x, []) if p == "reportedIn"}
    ordered = sorted(
        statements, key=lambda s: (raw.attr(s, "issued") or "", raw.label(s)), reverse=True
    )
    sources = [{"iri": s, "title": raw.attr(s, "title") or raw.label(s),
                "date": raw.attr(s, "issued") or "", "url": raw.url(s)} for s in ordered]  # fmt: skip
    return {
        "events": events[:_MAX_EVENTS],
        "more_events": max(0, len(events) - _MAX_EVENTS),
        "evidence": evidence[:_MAX_EVIDENCE],
        "sources": sources[:_MAX_SOURCES],
    }


def _node_attrs(raw: Snapshot, iri: str, f: Filters | None = None) -> dict[str, Any]:
    kind = raw.kinds[iri]
    when = raw.attr(iri, "issued") if kind == "statement" else raw.attr(iri, "date")
    confidence = raw.attrs.get(iri, {}).get("confidence")
    start, end = raw.span(iri)
    return {
        "kind": kind,
        "type": raw.types[iri],
        "label": raw.label(iri),
        "details": _details(raw, iri),
        "date": when,
        "span": (start.isoformat(), (end or start).isoformat()) if start else None,
        "confidence": float(max(confidence, key=float)) if confidence else None,
        **_panel(raw, iri, f or Filters()),
    }


# -- views ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewOptions:
    """What a view takes besides the filters."""

    focus: str | None = None
    depth: int = 2
    currency: str = "USD"


ViewBuilder = Callable[[Snapshot, Filters, ViewOptions], nx.MultiDiGraph]


def _events_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Events and pledges with their parties, places, statements and whom people represent."""
    anchors = {i for i, k in raw.kinds.items() if k in ("event", "pledge") and f.keeps(raw, i)}
    keep = set(anchors)
    for s, prop, o_ in raw.links:
        wanted = raw.kinds[o_] not in ("event", "pledge") or o_ in anchors
        if s in anchors and prop != "represents" and wanted:
            keep.add(o_)
    for s, prop, o_ in raw.links:
        if prop == "represents" and s in keep and raw.kinds[s] == "person":
            keep.add(o_)
    g = nx.MultiDiGraph(
        description="Events and pledges with the statements that report them, "
        "their participants, places, donors and recipients."
    )
    for iri in sorted(keep):
        g.add_node(iri, **_node_attrs(raw, iri, f))
    convened = {(s, o_) for s, p, o_ in raw.links if p == "convenedBy"}
    for s, prop, o_ in raw.links:
        if s in keep and o_ in keep and not (prop == "participant" and (s, o_) in convened):
            g.add_edge(s, o_, key=prop, label=EDGE_LABELS[prop])
    return g


def _countries_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Countries linked by the events they share (directly, or through a person representing them)."""
    represents: dict[str, list[str]] = defaultdict(list)
    for s, prop, o_ in raw.links:
        if prop == "represents" and raw.kinds[o_] == "country":
            represents[s].append(o_)
    taking_part: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ev in sorted(i for i, k in raw.kinds.items() if k == "event" and f.keeps(raw, i)):
        countries: set[str] = set()
        for prop, o_ in raw.out.get(ev, []):
            if prop in TAKING_PART:
                if raw.kinds[o_] == "country":
                    countries.add(o_)
                elif raw.kinds[o_] == "person":
                    countries.update(represents.get(o_, []))
        for c in countries:
            taking_part[c].add(ev)
        for a, b in combinations(sorted(countries), 2):
            shared[(a, b)].append(ev)

    simple = nx.Graph()
    simple.add_nodes_from(sorted(taking_part))
    for (a, b), evs in sorted(shared.items()):
        simple.add_edge(a, b, weight=len(evs))
    centrality = nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    communities = (
        nx.community.louvain_communities(simple, weight="weight", seed=1) if simple else []
    )
    ordered = sorted(
        (sorted(c, key=lambda i: (-centrality[i], raw.label(i))) for c in communities),
        key=lambda members: (-len(members), raw.label(members[0])),
    )
    group = {iri: n for n, members in enumerate(ordered) for iri in members}

    g = nx.MultiDiGraph(
        directed=False,
        description="Countries linked by the events they share: line width = number of shared "
        "events, node size = degree centrality, colour = community (Louvain).",
        communities=[[raw.label(i) for i in members] for members in ordered],
    )
    for iri in simple.nodes:
        attrs = _node_attrs(raw, iri, f)
        attrs["details"] = {
            "type": raw.types[iri],
            **({"iso3": attrs["details"]["iso3"]} if "iso3" in attrs["details"] else {}),
            "events": str(len(taking_part[iri])),
            "partners": str(simple.degree(iri)),
            "degree centrality": f"{centrality[iri]:.3f}",
            "community": f"group {group[iri] + 1}",
            "iri": iri,
        }
        g.add_node(iri, **attrs, centrality=centrality[iri], scale=centrality[iri],
                   community=group[iri])  # fmt: skip
    for (a, b), evs in sorted(shared.items()):
        n = len(evs)
        labels = sorted(raw.label(e) for e in evs)
        g.add_edge(
            a,
            b,
            key="shared",
            label="shared events",
            relation=f"{n} shared event{'s' if n != 1 else ''}",
            caption=str(n) if n > 1 else "",
            weight=n,
            value=n,
            events=labels,
            title="\n".join([f"{n} shared event{'s' if n != 1 else ''}"]
                            + [f"• {_short(e, 80)}" for e in labels[:12]]
                            + (["…"] if n > 12 else [])),
            parts=[(*_span_text(raw, e), 1.0) for e in evs],
            unit="events",
        )  # fmt: skip
    return g


def _span_text(raw: Snapshot, iri: str) -> tuple[str | None, str | None]:
    start, end = raw.span(iri)
    return (start.isoformat() if start else None, (end or start).isoformat() if start else None)


_ROLE_COLOURS = {"donor": "#D55E00", "recipient": "#0072B2", "both": "#CC79A7"}
_ROLE_NAMES = {"donor": "Donor", "recipient": "Recipient", "both": "Donor and recipient"}


def _pledges_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Who pledged to whom: one line per donor and recipient, its width the amount pledged."""
    target = (o.currency if o else "USD").upper()
    table = fx_table()
    if target not in table["rates"]:
        raise ValueError(
            f"no exchange rates for {target!r}; choose one of: {', '.join(sorted(table['rates']))}"
        )
    flows: dict[tuple[str, str], list[str]] = defaultdict(list)
    left_out = 0
    for p in sorted(i for i, k in raw.kinds.items() if k == "pledge" and f.keeps(raw, i)):
        donors = sorted(x for prop, x in raw.out.get(p, []) if prop == "pledgedBy")
        recipients = sorted(x for prop, x in raw.out.get(p, []) if prop == "beneficiary")
        if not donors or not recipients:
            left_out += 1
            continue
        for d in donors:
            for r in recipients:
                if d != r:
                    flows[(d, r)].append(p)

    # each pledge's amount in the target currency, once
    converted: dict[str, tuple[float, int] | None] = {}
    unconverted: Counter[str] = Counter()
    for p in sorted({p for ps in flows.values() for p in ps}):
        amount, currency = raw.attr(p, "amount"), raw.attr(p, "currency")
        result = None
        if amount and currency:
            try:
                start = raw.span(p)[0]
                result = convert(Decimal(amount), currency, start.year if start else None, target)
            except InvalidOperation:
                result = None
            if result is None:
                unconverted[currency] += 1
        converted[p] = result

    pledged: dict[str, float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    n_out: Counter[str] = Counter()
    n_in: Counter[str] = Counter()
    for (d, r), ps in flows.items():
        total = sum(c[0] for p in ps if (c := converted[p]))
        pledged[d] += total
        received[r] += total
        n_out[d] += len(ps)
        n_in[r] += len(ps)
    actors = sorted(set(n_out) | set(n_in))
    biggest = max((pledged[a] + received[a] for a in actors), default=0.0)

    def role(a: str) -> str:
        return "both" if n_out[a] and n_in[a] else "donor" if n_out[a] else "recipient"

    roles = Counter(role(a) for a in actors)
    notes = [
        (
            f"Line width: amount pledged in {target}, converted at the yearly average rate of the "
            "pledge's year. Dashed: in kind, or no amount stated."
        ),
        f"Rates: {table['source_short']}; table of {table['compiled']} (defgraph/data/fx.json).",
    ]
    if unconverted:
        notes.append("Not converted (no rate in the table): "
                     + ", ".join(f"{n} in {c}" for c, n in sorted(unconverted.items())))  # fmt: skip
    description = (f"Pledges from donor to recipient; amounts in {target} at yearly average "
                   f"rates ({table['compiled']} table).")  # fmt: skip
    if left_out:
        description += (f" {left_out} pledge{'s' if left_out != 1 else ''} naming no donor or "
                        "no recipient not drawn.")  # fmt: skip
    g = nx.MultiDiGraph(
        description=description,
        legend_notes=notes,
        groups_title="Role",
        groups=[
            {"name": _ROLE_NAMES[r], "colour": _ROLE_COLOURS[r], "shape": "dot", "count": roles[r]}
            for r in ("donor", "recipient", "both")
            if roles[r]
        ],
        currency=target,
    )
    for a in actors:
        attrs = _node_attrs(raw, a, f)
        details = attrs["details"]
        flow = {}
        for key, total, n in (
            ("pledged", pledged[a], n_out[a]),
            ("received", received[a], n_in[a]),
        ):
            if n:
                counted = f"{n} pledge{'s' if n != 1 else ''}"
                flow[key] = (
                    f"≈ {money(total, target)} in {counted}" if total else f"{counted}, in kind"
                )
        attrs["details"] = {"type": details["type"], **flow,
                            **{k: v for k, v in details.items() if k != "type"}}  # fmt: skip
        share = (pledged[a] + received[a]) / biggest if biggest else 0.0
        g.add_node(a, **attrs, scale=math.sqrt(share), colour=_ROLE_COLOURS[role(a)],
                   role=role(a))  # fmt: skip
    for (d, r), ps in sorted(flows.items()):
        total = sum(c[0] for p in ps if (c := converted[p]))
        lines = []
        parts = []
        for p in sorted(ps, key=lambda p: (raw.span(p)[0] or date.max, raw.label(p))):
            amount, currency = raw.attr(p, "amount"), raw.attr(p, "currency")
            c = converted[p]
            text = f"• {_short(raw.label(p), 60)}"
            if amount:
                text += f": {_amount(amount)} {currency or ''}".rstrip()
                if c and (currency or "").upper() != target:
                    text += f" ≈ {money(c[0], target)} ({c[1]} rate)"
            else:
                text += ": in kind"
            when = _when(raw, p)
            lines.append(text + (f" · {when}" if when else ""))
            parts.append((*_span_text(raw, p), c[0] if c else 0.0))
        caption = f"{money(total, target)}" if total else "in kind"
        head = f"{len(ps)} pledge{'s' if len(ps) != 1 else ''}" + (
            f", ≈ {money(total, target)}" if total else ", in kind or amount not stated"
        )
        g.add_edge(
            d,
            r,
            key="pledged",
            label="pledged to",
            relation=f"pledged ({caption})",
            caption=caption,
            value=total / 1e6 if total else None,
            dashes=not total,
            title="\n".join([head] + lines[:12] + (["…"] if len(lines) > 12 else [])),
            pledges=[raw.label(p) for p in ps],
            amount=total,
            parts=parts,
            unit=target,
        )
    return g


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(folded.casefold().split())


_FOCUS_ORDER = ("country", "organisation", "person", "place", "event", "pledge", "statement")


def resolve_focus(raw: Snapshot, text: str) -> str:
    """The IRI an ego view centres on: an IRI, an ISO code, a country's, person's or any label.

    Exact matches win over partial ones, and states over organisations, people and
    places; a name that still fits several nodes raises ValueError listing them.
    """
    q = text.strip()
    if not q:
        raise ValueError("give --focus: a country (name or ISO code), a person, or any label")
    if q in raw.kinds:
        return q
    if re.fullmatch(r"[A-Za-z]{3}", q):
        hits = [i for i, k in raw.kinds.items() if k == "country" and q.upper() in
                raw.attrs.get(i, {}).get("iso3", [])]  # fmt: skip
        if hits:
            return min(hits)
    folded = _fold(q)

    def pick(candidates: list[str], how: str) -> str | None:
        if not candidates:
            return None
        best = min(_FOCUS_ORDER.index(raw.kinds[i]) for i in candidates)
        top = sorted(i for i in candidates if _FOCUS_ORDER.index(raw.kinds[i]) == best)
        if len(top) == 1:
            return top[0]
        names = "; ".join(f"{raw.label(i)} <{i}>" for i in top[:8])
        raise ValueError(
            f"{text!r} {how} {len(top)} {raw.kinds[top[0]]} nodes: {names}"
            + (" …" if len(top) > 8 else "")
            + "; give the full IRI or a longer name"
        )

    exact = pick([i for i in raw.kinds if _fold(raw.label(i)) == folded], "names")
    if exact:
        return exact
    try:
        from .extract.countries import resolve_country

        code = resolve_country(q)
    except (ImportError, LookupError, ValueError):  # the extractor's tables not loadable
        code = None
    if code:
        hits = [i for i, k in raw.kinds.items() if k == "country" and code in
                raw.attrs.get(i, {}).get("iso3", [])]  # fmt: skip
        if hits:
            return min(hits)
    partial = pick(
        [i for i in raw.kinds if folded in _fold(raw.label(i))], "is part of the name of"
    )
    if partial:
        return partial
    labels = sorted({raw.label(i) for i in raw.kinds})
    close = difflib.get_close_matches(q, labels, n=5, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise ValueError(f"nothing in the graph is called {text!r}{hint}")


def _ego_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """The neighbourhood of one node in the events view: everything ``depth`` links away."""
    o = o or ViewOptions()
    if not o.focus:
        raise ValueError("the ego view needs a focus: a country, a person or any label")
    if o.depth < 1:
        raise ValueError(f"depth must be 1 or more, not {o.depth}")
    centre = resolve_focus(raw, o.focus)
    base = _events_view(raw, f)
    if centre not in base:
        raise ValueError(
            f"{raw.label(centre)} takes part in no event or pledge"
            + (" within the chosen dates and types" if f.describe() else "")
        )
    hops = nx.single_source_shortest_path_length(
        base.to_undirected(as_view=True), centre, cutoff=o.depth
    )
    g = nx.MultiDiGraph(base.subgraph(hops))
    kind = raw.kinds[centre]
    g.graph.update(
        description=f"Everything within {o.depth} link{'s' if o.depth != 1 else ''} of "
        f"{raw.label(centre)} ({kind}) in the events view; the focus is drawn with a black ring.",
        focus=f"{raw.label(centre)} ({kind}), depth {o.depth}",
        focus_iri=centre,
    )
    for n, d in hops.items():
        g.nodes[n]["hops"] = d
        g.nodes[n]["details"] = {**g.nodes[n]["details"], "links from focus": str(d)}
    g.nodes[centre]["focus"] = True
    return g


#: view name -> builder
VIEWS: dict[str, ViewBuilder] = {
    "events": _events_view,
    "countries": _countries_view,
    "pledges": _pledges_view,
    "ego": _ego_view,
}


# -- aggregation ----------------------------------------------------------------------


def _merge_into(g: nx.MultiDiGraph, mapping: dict[str, str], add: Callable[[str], None]) -> None:
    """Redraw each node of ``mapping`` as its target: edges moved over, loops and repeats dropped."""
    for source, target in sorted(mapping.items()):
        if target not in g:
            add(target)
        moved = [(target if u == source else u, target if v == source else v, k, a)
                 for u, v, k, a in [*g.in_edges(source, keys=True, data=True),
                                    *g.out_edges(source, keys=True, data=True)]]  # fmt: skip
        t = g.nodes[target]
        t.setdefault("aliases", []).append(g.nodes[source].get("label", ""))
        g.remove_node(source)
        for u, v, k, a in moved:
            if u != v and not g.has_edge(u, v, k):
                g.add_edge(u, v, key=k, **a)


def _aggregate(
    g: nx.MultiDiGraph, raw: Snapshot, f: Filters, max_nodes: int | None, keep: set[str]
) -> list[str]:
    """Make a view too big to read smaller, step by step, and say what was done."""
    notes: list[str] = []
    if not max_nodes or g.number_of_nodes() <= max_nodes:
        return notes

    def add(iri: str) -> None:
        g.add_node(iri, **_node_attrs(raw, iri, f))

    people = {}
    for n, a in g.nodes(data=True):
        if a.get("kind") == "person" and n not in keep:
            reps = sorted(o for p, o in raw.out.get(n, []) if p == "represents"
                          and raw.kinds.get(o) in ("country", "organisation"))  # fmt: skip
            if reps:
                people[n] = reps[0]
    if people:
        _merge_into(g, people, add)
        notes.append(f"{len(people)} people drawn as the state or organisation they represent "
                     "(search finds them there)")  # fmt: skip
    if g.number_of_nodes() > max_nodes:
        statements = [n for n, a in g.nodes(data=True)
                      if a.get("kind") == "statement" and n not in keep]  # fmt: skip
        if statements:
            g.remove_nodes_from(statements)
            notes.append(f"{len(statements)} statements left out (each node's panel lists "
                         "its sources)")  # fmt: skip
    if g.number_of_nodes() > max_nodes:
        places = {n: raw.country_of[n] for n, a in g.nodes(data=True)
                  if a.get("kind") == "place" and n in raw.country_of and n not in keep}  # fmt: skip
        if places:
            _merge_into(g, places, add)
            notes.append(f"{len(places)} places drawn as their country")
    for n, a in g.nodes(data=True):
        if a.get("aliases"):
            names = sorted(set(a["aliases"]))
            shown = "; ".join(names[:12]) + (f" … (+{len(names) - 12})" if len(names) > 12 else "")
            details = {k: v for k, v in a["details"].items() if k != "iri"}
            a["details"] = {**details, "drawn here": shown, "iri": a["details"].get("iri", curie(n))}
    if g.number_of_nodes() > max_nodes:
        notes.append(f"still {g.number_of_nodes()} nodes: narrow it with dates or types")
    return notes


def network(
    store: Queryable,
    view: str = "events",
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    types: Iterable[str] | str | None = None,
    focus: str | None = None,
    depth: int = 2,
    currency: str = "USD",
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> nx.MultiDiGraph:
    """Build the networkx graph of one view from the store.

    Nodes carry ``kind``, ``label``, ``details`` (plain strings), ``date``,
    ``span``, ``confidence`` and the panel's ``events``, ``evidence`` and
    ``sources``; edges carry ``label``. See ``Filters`` for the filters.
    ``focus`` and ``depth`` are for the ego view, ``currency`` for the pledges
    view; above ``max_nodes`` nodes the view is aggregated (None or 0: never).
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    raw = read_store(store)
    f = make_filters(raw, date_from, date_to, types)
    g = VIEWS[view](raw, f, ViewOptions(focus=focus, depth=depth, currency=currency))
    keep = {g.graph["focus_iri"]} if g.graph.get("focus_iri") else set()
    aggregated = _aggregate(g, raw, f, max_nodes, keep)
    g.graph.update(view=view, filters=f.describe(), aggregated=aggregated)
    return g


# -- drawing --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    name: str
    plural: str
    colour: str
    shape: str
    size: int


# Okabe-Ito colours: distinguishable with colour-blindness
KIND_STYLES: dict[str, _Style] = {
    "event": _Style("Event", "events", "#E69F00", "diamond", 15),
    "pledge": _Style("Pledge", "pledges", "#D55E00", "star", 16),
    "country": _Style("Country", "countries", "#0072B2", "dot", 18),
    "organisation": _Style("Organisation", "organisations", "#CC79A7", "triangle", 14),
    "person": _Style("Person", "people", "#009E73", "dot", 9),
    "place": _Style("Place", "places", "#8C6D31", "triangleDown", 11),
    "statement": _Style("Statement", "statements", "#999999", "square", 9),
}
_OTHER = _Style("Other", "others", "#777777", "dot", 10)
COMMUNITY_COLOURS = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
    "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
)  # fmt: skip


def _short(text: str, limit: int = 38) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_STRETCH = 1.35  # screens are wider than tall; layouts come out round


def _component_layout(sub: nx.Graph) -> dict[str, tuple[float, float]]:
    """Unscaled positions for one connected component (needs numpy; scipy for kamada_kawai)."""
    nodes = list(sub.nodes)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if n == 2:
        return {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
    try:
        if n <= 150:
            pos = nx.kamada_kawai_layout(sub, weight="distance")
        else:
            return _local_force_layout(sub, iterations=150 if n <= 3000 else 50)
    except ImportError:  # no scipy: networkx's spring layout needs numpy only
        pos = nx.spring_layout(sub, seed=1, weight="weight", iterations=100)
    return {k: (float(p[0]), float(p[1])) for k, p in pos.items()}


def _local_force_layout(sub: nx.Graph, iterations: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold for components of more than 150 nodes, near-linear per step.

    networkx's spring_layout costs O(n²) a step (minutes for 10,000 nodes) and
    packs hubs' neighbours tight; this starts from the spectral layout and, as in
    FR's grid variant, lets nodes repel only within 2k, found with a k-d tree.
    Nodes come out evenly spread, so labels stay readable.
    """
    import numpy as np
    from scipy.spatial import cKDTree

    nodes = list(sub)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    ends = np.array([(index[u], index[v]) for u, v in sub.edges()], dtype=np.intp).reshape(-1, 2)
    start = nx.spectral_layout(sub)
    # spectral layouts squeeze hubs' neighbours into a point: keep only each axis's order
    spectral = np.array([start[v] for v in nodes], dtype=float)
    pos = (spectral.argsort(axis=0).argsort(axis=0) + 0.5) / n
    pos += np.random.default_rng(1).uniform(-0.5 / n, 0.5 / n, size=pos.shape)
    k = math.sqrt(1.0 / n)

    def push(disp: Any, pairs: Any, force: Any) -> None:
        for axis in (0, 1):
            disp[:, axis] += np.bincount(pairs[:, 0], force[:, axis], minlength=n)
            disp[:, axis] -= np.bincount(pairs[:, 1], force[:, axis], minlength=n)

    for step in range(iterations):
        disp = np.zeros_like(pos)
        pairs = cKDTree(pos).query_pairs(2 * k, output_type="ndarray")
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            push(disp, pairs, d * (k * k / np.maximum((d * d).sum(axis=1), 1e-12))[:, None])
        d = pos[ends[:, 0]] - pos[ends[:, 1]]
        push(disp, ends, -d * (np.sqrt((d * d).sum(axis=1)) / k)[:, None])
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-12)
        temperature = 0.1 * (1 - step / iterations) + 0.002
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos)}


def _spread(pos: dict[str, tuple[float, float]], spacing: float) -> dict[str, tuple[float, float]]:
    """Scale and centre a layout so that the median nearest-neighbour distance is ``spacing``."""
    import numpy as np

    keys = list(pos)
    xy = np.array([pos[k] for k in keys], dtype=float)
    xy -= xy.mean(axis=0)
    xy[:, 0] *= _STRETCH
    if len(keys) > 1:
        try:
            from scipy.spatial import cKDTree

            distances = cKDTree(xy).query(xy, k=2)[0][:, 1]
        except ImportError:
            parts = []
            for i in range(0, len(keys), 512):  # 512 x n distances at a time
                d = np.hypot(*(xy[i : i + 512, None, :] - xy[None, :, :]).transpose(2, 0, 1))
                d[np.arange(d.shape[0]), np.arange(i, i + d.shape[0])] = np.inf
                parts.append(d.min(axis=1))
            distances = np.concatenate(parts)
        apart = distances[distances > 0]
        if len(apart):
            xy *= spacing / float(np.median(apart))
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, xy)}


def _ego_layout(
    graph: nx.MultiDiGraph, centre: str, spacing: float
) -> dict[str, tuple[float, float]]:
    """Rings around the focus, one per link away; each ring ordered by where its links come from."""
    depth = max((int(a.get("hops", 0)) for _, a in graph.nodes(data=True)), default=0)
    rings: dict[int, list[str]] = defaultdict(list)
    for n, a in graph.nodes(data=True):
        if n != centre:
            rings[int(a.get("hops", depth or 1)) or 1].append(n)
    near = graph.to_undirected(as_view=True)
    angle = {centre: 0.0}
    pos = {centre: (0.0, 0.0)}
    radius = 0.0
    order = {k: i for i, k in enumerate(_FOCUS_ORDER)}
    for ring in sorted(rings):
        members = rings[ring]

        def where(n: str, ring: int = ring) -> tuple[float, int, str]:
            inner = [angle[m] for m in near[n] if m in angle]
            mean = math.atan2(sum(map(math.sin, inner)), sum(map(math.cos, inner))) if inner else 0
            kind = order.get(graph.nodes[n].get("kind", ""), 9)
            return (round(mean % (2 * math.pi), 6) if ring > 1 else 0.0, kind, n)

        members.sort(key=where)
        radius = max(radius + 1.1 * spacing, len(members) * spacing / (2 * math.pi))
        for i, n in enumerate(members):
            theta = 2 * math.pi * i / len(members) + (0.5 if ring % 2 == 0 else 0.0)
            angle[n] = theta
            pos[n] = (
                round(radius * math.cos(theta) * _STRETCH, 1),
                round(radius * math.sin(theta), 1),
            )
    return pos


def _layout(graph: nx.MultiDiGraph, spacing: float) -> dict[str, tuple[float, float]] | None:
    """Positions in vis pixels: each connected component laid out apart, then packed in rows.

    An ego view is drawn as rings around its focus. None when numpy is missing: the
    page then lets vis-network's physics place the nodes.
    """
    centre = graph.graph.get("focus_iri")
    if centre in graph:
        return _ego_layout(graph, centre, spacing)
    try:
        import numpy  # noqa: F401
    except ImportError:
        return None
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for u, v, a in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        if u != v:
            w = float(a.get("weight", 1)) + (simple[u][v]["weight"] if simple.has_edge(u, v) else 0)
            simple.add_edge(u, v, weight=w, distance=1.0 / math.sqrt(w))
    components = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    boxes = []
    for comp in components:
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_edges_from(simple.subgraph(comp).edges(data=True))
        pos = _spread(_component_layout(sub), spacing)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append(
            (pos, min(xs), min(ys), max(xs) - min(xs) + spacing, max(ys) - min(ys) + spacing)
        )
    area = sum(w * h for *_, w, h in boxes)
    row_width = (
        max([w for *_, w, _ in boxes] + [math.sqrt(area) * _STRETCH * 1.2]) if boxes else 0.0
    )
    out: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for pos, x0, y0, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for k, (px, py) in pos.items():
            out[k] = (round(x + px - x0, 1), round(y + py - y0, 1))
        x += w
        row_height = max(row_height, h)
    return out


def _tooltip(attrs: dict[str, Any]) -> str:
    details = attrs.get("details", {})
    head = details.get("type", attrs.get("kind", ""))
    if attrs.get("date"):
        head += f" · {attrs['date']}"
    lines = [head, attrs.get("label", "")]
    for key in ("role", "represents", "amount", "events", "pledged", "received", "drawn here"):
        if key in details:
            lines.append(f"{key}: {details[key]}")
    if attrs.get("events") and "events" not in details:
        n = len(attrs["events"]) + int(attrs.get("more_events", 0))
        lines.append(f"{n} event{'s' if n != 1 else ''} or pledge{'s' if n != 1 else ''}")
    lines.append("Click for details and sources")
    return "\n".join(_short(line, 120) for line in lines if line)


def _node_info(a: dict[str, Any], style: _Style, ids: dict[str, str]) -> dict[str, Any]:
    """What the side panel shows for one node; every value is plain text."""
    details = {str(k): str(v) for k, v in a.get("details", {}).items()}
    search = [details.get("iso3", "")] + [str(x) for x in a.get("aliases", [])]
    item: dict[str, Any] = {
        "label": str(a.get("label", "")),
        "kind": a.get("kind", "") or "other",
        "type": details.get("type", style.name),
        "details": list(details.items()),
        "search": "\n".join(s.lower() for s in search if s),
    }
    if a.get("span"):
        item["span"] = list(a["span"])
    if a.get("events"):
        # an event drawn in this view by its node id (the panel links to it), else null
        item["events"] = [[ids.get(e["iri"]), e["label"], e["date"]] for e in a["events"]]
        if a.get("more_events"):
            item["moreEvents"] = int(a["more_events"])
    if a.get("evidence"):
        item["evidence"] = [[e["quote"], e["statement"], e["url"]] for e in a["evidence"]]
    if a.get("sources"):
        item["sources"] = [[s["title"], s["date"], s["url"]] for s in a["sources"]]
    if a.get("focus"):
        item["focus"] = True
    return item


_EDGE_LABELS_UP_TO = 2000


def _vis_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """vis-network nodes, edges and options via pyvis, plus the panel's data."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    directed = bool(graph.graph.get("directed", True))
    net = Network(directed=directed)
    degree = dict(graph.degree())
    sizes: dict[str, float] = {}
    for iri, a in graph.nodes(data=True):
        if "scale" in a:
            sizes[iri] = 8 + 24 * float(a["scale"])
        else:
            sizes[iri] = KIND_STYLES.get(a.get("kind", ""), _OTHER).size + min(
                10.0, 1.5 * math.sqrt(degree[iri])
            )
        if a.get("focus"):
            sizes[iri] += 8
    spacing = min(180.0, 70.0 + 2 * max(sizes.values(), default=10.0))
    if graph.number_of_nodes() <= 40:  # room for the labels of a small view
        spacing *= 1.7
    positions = _layout(graph, spacing=spacing)
    # short node ids keep the page small; each node's IRI is in its panel's details
    ids = {iri: f"n{i}" for i, iri in enumerate(graph.nodes)}
    info: list[tuple[str, dict[str, Any]]] = []
    for iri, a in graph.nodes(data=True):
        style = KIND_STYLES.get(a.get("kind", ""), _OTHER)
        if a.get("colour"):
            colour: Any = a["colour"]
        elif "community" in a:
            colour = COMMUNITY_COLOURS[int(a["community"]) % len(COMMUNITY_COLOURS)]
        else:
            colour = style.colour
        extra: dict[str, Any] = {}
        if positions:
            extra.update(x=positions[iri][0], y=positions[iri][1])
        if a.get("kind") == "country" and graph.number_of_nodes() > 25:
            extra["font"] = {"size": 30}  # states stay named when a big view is zoomed out
        if a.get("focus"):
            colour = {"background": colour, "border": "#111111",
                      "highlight": {"background": colour, "border": "#111111"}}  # fmt: skip
            extra.update(borderWidth=5, borderWidthSelected=6)
        net.add_node(
            ids[iri],
            label=_short(str(a.get("label", ""))) or " ",
            shape=style.shape,
            color=colour,
            title=_tooltip(a),
            size=round(sizes[iri], 1),
            **extra,
        )
        info.append((ids[iri], _node_info(a, style, ids)))
    # pyvis.Network.add_edge checks membership in a list per edge (quadratic); Edge is the same
    # conversion without the check, and every endpoint is a node added above.
    edge_info: list[tuple[str, dict[str, Any]]] = []
    # Beyond _EDGE_LABELS_UP_TO edges, lines carry no text: vis-network measures every label
    # (seconds for 10,000 edges) and nobody reads them; hover and the panel still name them.
    labelled = graph.number_of_edges() <= _EDGE_LABELS_UP_TO
    for n, (u, v, a) in enumerate(graph.edges(data=True)):
        label = str(a.get("label", ""))
        options: dict[str, Any] = {"id": f"e{n}", "title": str(a.get("title", label))}
        if labelled:
            options["label"] = str(a.get("caption", label))
        if a.get("value") is not None:
            options["value"] = a["value"]
        if a.get("dashes"):
            options["dashes"] = True
        edge = Edge(ids[u], ids[v], directed, **options).options
        edge.pop("arrows", None)  # set once for all edges in the options below
        net.edges.append(edge)
        meta: dict[str, Any] = {"relation": str(a.get("relation", label))}
        if a.get("parts") is not None:
            meta["parts"] = [list(p) for p in a["parts"]]
            meta["unit"] = a.get("unit", "")
        edge_info.append((f"e{n}", meta))
    big = graph.number_of_edges() > 1500
    net.options = {
        "autoResize": True,
        # laid out above; without numpy, vis-network places the nodes and the page stops physics
        "physics": {"enabled": positions is None, "stabilization": {"iterations": 300}},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "multiselect": True,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 19, "face": "system-ui, sans-serif", "color": "#222",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "smooth": False,
            # arrows cost a fifth of drawing a big graph; its panel still says which way
            "arrows": {"to": {"enabled": directed and labelled, "scaleFactor": 0.45}},
            "color": {"color": "#b5b5b5", "highlight": "#333333", "hover": "#666666"},
            "font": {"size": 12, "color": "#666", "strokeWidth": 3, "strokeColor": "#ffffff",
                     "align": "middle"},
            "scaling": {"min": 1, "max": 12 if graph.graph.get("view") == "pledges" else 9,
                        "label": {"enabled": False}},
        },
    }  # fmt: skip
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return {
        "view": graph.graph.get("view", ""),
        "directed": directed,
        "edgeLabels": labelled,
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options) if isinstance(options, str) else options,
        "info": info,
        "edgeInfo": edge_info,
    }


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}  # fmt: skip


def script_json(obj: Any) -> str:
    """JSON safe to put inside a <script> element: no <, >, & or line separators left raw."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(
        _JSON_ESCAPES
    )


def _raw_text(text: str, element: str) -> str:
    """Keep inlined JS/CSS from closing its element early (vis-network has no such text today)."""
    text = re.sub(rf"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, read from the installed pyvis package."""
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text(
        "utf-8"
    )


def _sha256(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def _build_time() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _legend(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    kinds = Counter(a.get("kind", "") for _, a in graph.nodes(data=True))
    recoloured = bool(graph.graph.get("groups") or graph.graph.get("communities"))
    entries = []
    for kind, style in KIND_STYLES.items():
        if kinds.get(kind):
            colour = "#c8c8c8" if recoloured else style.colour  # the groups below colour them
            entries.append({"kind": kind, "name": style.name, "colour": colour,
                            "shape": style.shape, "count": kinds[kind]})  # fmt: skip
    if graph.graph.get("groups"):
        return entries, list(graph.graph["groups"])
    groups = []
    for n, members in enumerate(graph.graph.get("communities", [])):
        shown = ", ".join(members[:3]) + (f" +{len(members) - 3}" if len(members) > 3 else "")
        groups.append({"name": f"Group {n + 1}: {shown}",
                       "colour": COMMUNITY_COLOURS[n % len(COMMUNITY_COLOURS)],
                       "shape": "dot", "count": len(members)})  # fmt: skip
    return entries, groups


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("defgraph", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _date_range(graph: nx.MultiDiGraph) -> tuple[str, str]:
    """The earliest and latest day in the view: bounds for the page's date inputs."""
    days = [d for _, a in graph.nodes(data=True) if a.get("span") for d in a["span"] if d]
    days += [d for *_, a in graph.edges(data=True) for p in a.get("parts") or [] for d in p[:2]
             if d]  # fmt: skip
    return (min(days), max(days)) if days else ("", "")


def render_html(graph: nx.MultiDiGraph, *, title: str, subtitle: str = "") -> str:
    """The graph as one self-contained HTML page (vis-network inlined, no request made)."""
    env = _environment()
    vis_js, vis_css = _vis_assets()
    app_js = (files("defgraph") / "templates" / "network.js").read_text("utf-8")
    app_css = (files("defgraph") / "templates" / "network.css").read_text("utf-8")
    scripts = [_raw_text(vis_js, "script"), _raw_text(app_js, "script")]
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(s) for s in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    kinds = Counter(a.get("kind", "") for _, a in graph.nodes(data=True))
    relations = Counter(str(a.get("label", "")) for _, _, a in graph.edges(data=True))
    node_counts = [
        f"{kinds[k]} {s.plural if kinds[k] != 1 else s.name.lower()}"
        for k, s in KIND_STYLES.items()
        if kinds.get(k)
    ]
    edge_counts = [
        f"{n} {label}" for label, n in sorted(relations.items(), key=lambda x: (-x[1], x[0]))
    ]
    legend, groups = _legend(graph)
    first, last = _date_range(graph)
    return env.get_template("network.html").render(
        title=title,
        subtitle=subtitle,
        view=graph.graph.get("view", ""),
        description=graph.graph.get("description", ""),
        n_nodes=graph.number_of_nodes(),
        n_edges=graph.number_of_edges(),
        node_counts=node_counts,
        edge_counts=edge_counts,
        filters=graph.graph.get("filters", []),
        focus=graph.graph.get("focus", ""),
        aggregated=graph.graph.get("aggregated", []),
        built=_build_time(),
        legend=legend,
        groups=groups,
        groups_title=graph.graph.get("groups_title", "Communities"),
        legend_notes=graph.graph.get("legend_notes", []),
        first_day=first,
        last_day=last,
        csp=csp,
        vis_css=Markup(_raw_text(vis_css, "style")),
        app_css=Markup(_raw_text(app_css, "style")),
        data=Markup(script_json(_vis_data(graph))),
        vis_js=Markup(scripts[0]),
        app_js=Markup(scripts[1]),
    )


def write_html(graph: nx.MultiDiGraph, path: str | Path, *, title: str, subtitle: str = "") -> Path:
    """Write the graph as one self-contained HTML page (vis-network inlined, no request made)."""
    path = Path(path)
    text = render_html(graph, title=title, subtitle=subtitle)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _title(view: str, graph: nx.MultiDiGraph) -> str:
    focus = graph.graph.get("focus")
    return f"defgraph: {view}" + (f" of {focus.split(' (')[0]}" if focus else "")


def render(
    store: Queryable,
    path: str | Path,
    view: str = "events",
    *,
    title: str | None = None,
    subtitle: str = "",
    **options: Any,
) -> Path:
    """network() then write_html(): the store's view as one HTML file."""
    graph = network(store, view, **options)
    return write_html(graph, path, title=title or _title(view, graph), subtitle=subtitle)


@dataclass
class View:
    """A rendered page that shows itself in a notebook, isolated in a sandboxed iframe.

    ``_repr_html_`` puts the whole page in ``<iframe srcdoc="...">`` (escaped with
    ``html.escape(quote=True)``), sandboxed without ``allow-same-origin``: its scripts
    run in an opaque origin, apart from the notebook's page and kernel.
    """

    html: str
    title: str
    height: int = 720

    def _repr_html_(self) -> str:
        return (
            f'<iframe title="{html_mod.escape(self.title, quote=True)}" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #d0d7de" '
            f'srcdoc="{html_mod.escape(self.html, quote=True)}"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to a file, to open in a browser or send on."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path


def page(
    store: Queryable,
    view: str = "events",
    *,
    title: str | None = None,
    subtitle: str = "",
    height: int = 720,
    **options: Any,
) -> View:
    """network() then render_html(), kept in memory: what ``KnowledgeGraph.show`` returns."""
    graph = network(store, view, **options)
    name = title or _title(view, graph)
    return View(render_html(graph, title=name, subtitle=subtitle), name, height)
