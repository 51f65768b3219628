"""Draw the graph: SPARQL over the store, a networkx graph per view, one self-contained HTML page.

``network`` reads the store with a few constant SPARQL queries and builds a
networkx MultiDiGraph for a view (``VIEWS`` maps view names to builders, so
more views can be added). ``write_html`` lays the graph out with networkx,
turns it into vis-network nodes, edges and options with pyvis, and writes one
HTML file from defgraph's own Jinja2 template, with vis-network inlined from
the installed pyvis package: no CDN, nothing fetched when the page opens.

Every label and detail comes from untrusted statements: it travels as JSON in
a ``<script type="application/json">`` block (``<``, ``>``, ``&``, U+2028/9
escaped) and the page puts it in the DOM with ``textContent`` only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from itertools import combinations
from pathlib import Path
from typing import Any, Protocol

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .vocab import DCT, DG, DG_NS, EVENT_TYPES

__all__ = ["VIEWS", "Filters", "network", "render", "write_html"]


class _Queryable(Protocol):
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
SELECT DISTINCT ?s ?quote WHERE { ?s dg:evidence ?ev . ?ev dg:quote ?quote . }
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


def _local(iri: str, namespace: str) -> str | None:
    return iri[len(namespace) :] if iri.startswith(namespace) else None


_PROPS: dict[str, str] = {str(getattr(DG, name)): name for name in EDGE_LABELS}
_ATTR_NAMES = ("date", "endDate", "iso3", "roleTitle", "amount", "currency", "confidence",
               "method", "participantCount", "planned", "item")  # fmt: skip
_ATTR_PROPS: dict[str, str] = {
    **{str(getattr(DG, name)): name for name in _ATTR_NAMES},
    **{DCT + name: name for name in ("title", "issued", "publisher", "source")},
}


@dataclass
class _Raw:
    """What the views are built from: one pass of SPARQL over the store."""

    kinds: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # most specific class name
    labels: dict[str, str] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (s, property, o)
    out: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    attrs: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    evidence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def attr(self, iri: str, name: str) -> str | None:
        values = self.attrs.get(iri, {}).get(name)
        return min(values) if values else None

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1]


def _rows(store: _Queryable, sparql: str) -> list[list[Any]]:
    result = store.query(sparql)
    return list(getattr(result, "rows", []))


def _fetch(store: _Queryable) -> _Raw:
    raw = _Raw()
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
    for s, p, o in _rows(store, _ATTRS_RQ):
        name = _ATTR_PROPS.get(p.value)
        if name and s.value in raw.kinds:
            raw.attrs[s.value][name].append(o.value)
    for s, quote in _rows(store, _EVIDENCE_RQ):
        if s.value in raw.kinds:
            raw.evidence[s.value].append(quote.value)
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

    def keeps(self, raw: _Raw, iri: str) -> bool:
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
        start = _as_date(raw.attr(iri, "date"))
        if start is None:
            issued = [raw.attr(o, "issued") for p, o in raw.out.get(iri, []) if p == "reportedIn"]
            dates = sorted(d for d in (_as_date(x) for x in issued if x) if d)
            start = dates[0] if dates else None
        if start is None:
            return False
        end = _as_date(raw.attr(iri, "endDate")) or start
        if self.date_from and end < self.date_from:
            return False
        return not (self.date_to and start > self.date_to)


def _filters(
    raw: _Raw,
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
    return Filters(_as_date(date_from), _as_date(date_to), chosen)


# -- node attributes ------------------------------------------------------------------


def _amount(value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _details(raw: _Raw, iri: str) -> dict[str, str]:
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
        if a.get("source"):
            d["source url"] = "\n".join(sorted(a["source"]))
    else:
        sources = sorted(o for p, o in raw.out.get(iri, []) if p == "reportedIn")
        if sources:
            d["source"] = "\n".join(raw.attr(s, "title") or raw.label(s) for s in sources)
            urls = sorted({u for s in sources for u in raw.attrs.get(s, {}).get("source", [])})
            if urls:
                d["source url"] = "\n".join(urls)
    quotes = sorted(set(raw.evidence.get(iri, [])))
    if quotes:
        d["evidence"] = "\n\n".join(f"“{q}”" for q in quotes)
    if a.get("confidence"):
        d["confidence"] = max(a["confidence"], key=float)
    if a.get("method"):
        d["method"] = ", ".join(sorted(a["method"]))
    d["iri"] = iri
    return d


def _node_attrs(raw: _Raw, iri: str) -> dict[str, Any]:
    kind = raw.kinds[iri]
    when = raw.attr(iri, "issued") if kind == "statement" else raw.attr(iri, "date")
    confidence = raw.attrs.get(iri, {}).get("confidence")
    return {
        "kind": kind,
        "type": raw.types[iri],
        "label": raw.label(iri),
        "details": _details(raw, iri),
        "date": when,
        "confidence": float(max(confidence, key=float)) if confidence else None,
    }


# -- views ----------------------------------------------------------------------------

ViewBuilder = Callable[[_Raw, Filters], nx.MultiDiGraph]


def _events_view(raw: _Raw, f: Filters) -> nx.MultiDiGraph:
    """Events and pledges with their parties, places, statements and whom people represent."""
    anchors = {i for i, k in raw.kinds.items() if k in ("event", "pledge") and f.keeps(raw, i)}
    keep = set(anchors)
    for s, prop, o in raw.links:
        wanted = raw.kinds[o] not in ("event", "pledge") or o in anchors
        if s in anchors and prop != "represents" and wanted:
            keep.add(o)
    for s, prop, o in raw.links:
        if prop == "represents" and s in keep and raw.kinds[s] == "person":
            keep.add(o)
    g = nx.MultiDiGraph(
        description="Events and pledges with the statements that report them, "
        "their participants, places, donors and recipients."
    )
    for iri in sorted(keep):
        g.add_node(iri, **_node_attrs(raw, iri))
    convened = {(s, o) for s, p, o in raw.links if p == "convenedBy"}
    for s, prop, o in raw.links:
        if s in keep and o in keep and not (prop == "participant" and (s, o) in convened):
            g.add_edge(s, o, key=prop, label=EDGE_LABELS[prop])
    return g


def _countries_view(raw: _Raw, f: Filters) -> nx.MultiDiGraph:
    """Countries linked by the events they share (directly, or through a person representing them)."""
    represents: dict[str, list[str]] = defaultdict(list)
    for s, prop, o in raw.links:
        if prop == "represents" and raw.kinds[o] == "country":
            represents[s].append(o)
    taking_part: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ev in sorted(i for i, k in raw.kinds.items() if k == "event" and f.keeps(raw, i)):
        countries: set[str] = set()
        for prop, o in raw.out.get(ev, []):
            if prop in ("participant", "convenedBy", "attendedVirtually"):
                if raw.kinds[o] == "country":
                    countries.add(o)
                elif raw.kinds[o] == "person":
                    countries.update(represents.get(o, []))
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
        attrs = _node_attrs(raw, iri)
        attrs["details"] = {
            "type": raw.types[iri],
            **({"iso3": attrs["details"]["iso3"]} if "iso3" in attrs["details"] else {}),
            "events": str(len(taking_part[iri])),
            "partners": str(simple.degree(iri)),
            "degree centrality": f"{centrality[iri]:.3f}",
            "community": f"group {group[iri] + 1}",
            "iri": iri,
        }
        g.add_node(iri, **attrs, centrality=centrality[iri], community=group[iri])
    for (a, b), evs in sorted(shared.items()):
        g.add_edge(
            a,
            b,
            key="shared",
            label="shared events",
            weight=len(evs),
            events=sorted(raw.label(e) for e in evs),
        )
    return g


#: view name -> builder; add "pledges", "ego"... here
VIEWS: dict[str, ViewBuilder] = {"events": _events_view, "countries": _countries_view}


def network(
    store: _Queryable,
    view: str = "events",
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    types: Iterable[str] | str | None = None,
) -> nx.MultiDiGraph:
    """Build the networkx graph of one view from the store.

    Nodes carry ``kind``, ``label``, ``details`` (plain strings), ``date`` and
    ``confidence``; edges carry ``label``. See ``Filters`` for the filters.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    raw = _fetch(store)
    f = _filters(raw, date_from, date_to, types)
    g = VIEWS[view](raw, f)
    g.graph.update(view=view, filters=f.describe())
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


def _layout(graph: nx.MultiDiGraph, spacing: float) -> dict[str, tuple[float, float]] | None:
    """Positions in vis pixels: each connected component laid out apart, then packed in rows.

    None when numpy is missing: the page then lets vis-network's physics place the nodes.
    """
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
    for key in ("role", "represents", "amount", "events"):
        if key in details:
            lines.append(f"{key}: {details[key]}")
    return "\n".join(_short(line, 120) for line in lines if line)


def _vis_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """vis-network nodes, edges and options via pyvis, plus the panel's data."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    directed = bool(graph.graph.get("directed", True))
    net = Network(directed=directed)
    degree = dict(graph.degree())
    sizes: dict[str, float] = {}
    for iri, a in graph.nodes(data=True):
        if "centrality" in a:
            sizes[iri] = 8 + 24 * float(a["centrality"])
        else:
            sizes[iri] = KIND_STYLES.get(a.get("kind", ""), _OTHER).size + min(
                10.0, 1.5 * math.sqrt(degree[iri])
            )
    positions = _layout(graph, spacing=min(180.0, 70.0 + 2 * max(sizes.values(), default=10.0)))
    info: list[tuple[str, dict[str, Any]]] = []
    for iri, a in graph.nodes(data=True):
        style = KIND_STYLES.get(a.get("kind", ""), _OTHER)
        if "community" in a:
            colour = COMMUNITY_COLOURS[int(a["community"]) % len(COMMUNITY_COLOURS)]
        else:
            colour = style.colour
        label = str(a.get("label", ""))
        where = {"x": positions[iri][0], "y": positions[iri][1]} if positions else {}
        net.add_node(
            iri,
            label=_short(label) or " ",
            shape=style.shape,
            color=colour,
            title=_tooltip(a),
            size=round(sizes[iri], 1),
            **where,
        )
        details = {str(k): str(v) for k, v in a.get("details", {}).items()}
        info.append(
            (
                iri,
                {
                    "label": label,
                    "kind": style.name,
                    "type": details.get("type", style.name),
                    "details": list(details.items()),
                    "search": details.get("iso3", "").lower(),
                },
            )
        )
    # pyvis.Network.add_edge checks membership in a list per edge (quadratic); Edge is the same
    # conversion without the check, and every endpoint is a node added above.
    edge_info: list[tuple[str, str]] = []
    for n, (u, v, a) in enumerate(graph.edges(data=True)):
        label = str(a.get("label", ""))
        options: dict[str, Any] = {"id": f"e{n}", "label": label, "title": label}
        if "weight" in a:
            weight = int(a["weight"])
            options.update(value=weight, label=str(weight) if weight > 1 else "")
            events = list(a.get("events", []))
            options["title"] = "\n".join(
                [f"{weight} {label}"]
                + [f"• {_short(e, 80)}" for e in events[:12]]
                + (["…"] if len(events) > 12 else [])
            )
        if not directed:
            options["arrows"] = {"to": {"enabled": False}}
        net.edges.append(Edge(u, v, directed, **options).options)
        edge_info.append((f"e{n}", f"{a['weight']} {label}" if "weight" in a else label))
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
            "arrows": {"to": {"scaleFactor": 0.45}},
            "color": {"color": "#b5b5b5", "highlight": "#333333", "hover": "#666666"},
            "font": {"size": 12, "color": "#666", "strokeWidth": 3, "strokeColor": "#ffffff",
                     "align": "middle"},
            "scaling": {"min": 1, "max": 9, "label": {"enabled": False}},
        },
    }  # fmt: skip
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return {
        "view": graph.graph.get("view", ""),
        "directed": directed,
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
    entries = []
    for kind, style in KIND_STYLES.items():
        if kinds.get(kind):
            entries.append({"name": style.name, "colour": style.colour, "shape": style.shape,
                            "count": kinds[kind]})  # fmt: skip
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


def write_html(graph: nx.MultiDiGraph, path: str | Path, *, title: str, subtitle: str = "") -> Path:
    """Write the graph as one self-contained HTML page (vis-network inlined, no request made)."""
    path = Path(path)
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
    html = env.get_template("network.html").render(
        title=title,
        subtitle=subtitle,
        view=graph.graph.get("view", ""),
        description=graph.graph.get("description", ""),
        n_nodes=graph.number_of_nodes(),
        n_edges=graph.number_of_edges(),
        node_counts=node_counts,
        edge_counts=edge_counts,
        filters=graph.graph.get("filters", []),
        built=_build_time(),
        legend=legend,
        groups=groups,
        csp=csp,
        vis_css=Markup(_raw_text(vis_css, "style")),
        app_css=Markup(_raw_text(app_css, "style")),
        data=Markup(script_json(_vis_data(graph))),
        vis_js=Markup(scripts[0]),
        app_js=Markup(scripts[1]),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def render(
    store: _Queryable,
    path: str | Path,
    view: str = "events",
    *,
    title: str | None = None,
    subtitle: str = "",
    **filters: Any,
) -> Path:
    """network() then write_html(): the store's view as one HTML file."""
    graph = network(store, view, **filters)
    return write_html(graph, path, title=title or f"defgraph: {view}", subtitle=subtitle)
