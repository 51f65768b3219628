"""Bounded reads: a view of a large graph asks the store only for what it will draw.

Reading the whole graph (``model.read_store``) costs one row per node, link and attribute:
about 450,000 rows at 10,000 statements. Above ``limit`` events and pledges, a view instead
reads ``limit`` of them (the most recent within its dates and types, chosen in SPARQL, so
the store stops there) and only their neighbourhood: parties, places, statements, the states
people represent, the components of pledges. What is read does not grow with the graph; the
page says how many it shows of how many, and how to choose another part.

The queries are ``queries/views/*.rq``; a node set is written into their empty
``VALUES ?x { }`` block as IRIs serialised by pyoxigraph (which refuses a malformed one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..resources import queries_dir
from ..vocab import DG, DG_NS, EVENT_TYPES
from .filters import Filters
from .model import Queryable, Snapshot, _rows, assemble, load_query

#: above this many events and pledges, a view reads this many (0 or None: read everything)
DEFAULT_LIMIT = 500
#: IRIs written into one VALUES block; larger node sets are read in several queries
CHUNK = 500

_VALUES = re.compile(r"VALUES\s+\?(\w+)\s*\{\s*\}")


def view_query(name: str) -> str:
    """The text of ``queries/views/NAME.rq``."""
    return (queries_dir() / "views" / f"{name}.rq").read_text("utf-8")


def fill(sparql: str, var: str, iris: Iterable[str | ox.Literal]) -> str:
    """``sparql`` with its empty ``VALUES ?var { }`` block listing ``iris`` (or literals)."""
    terms = " ".join(str(i if isinstance(i, ox.Literal) else ox.NamedNode(i)) for i in iris)
    filled, n = re.subn(
        rf"VALUES\s+\?{var}\s*\{{\s*\}}", lambda _: f"VALUES ?{var} {{ {terms} }}", sparql, count=1
    )
    if not n:
        raise ValueError(f"the query has no empty VALUES ?{var} block")
    return filled


def _run(store: Queryable, sparql: str, bindings: dict[str, Any] | None = None) -> list[list[Any]]:
    """Rows of ``sparql``; ``bindings`` are written into its empty VALUES blocks."""
    for var, term in (bindings or {}).items():
        sparql = fill(sparql, var, [term if isinstance(term, ox.Literal) else term.value])
    return list(getattr(store.query(sparql), "rows", []))


def _each(store: Queryable, name: str, var: str, iris: Iterable[str]) -> list[list[Any]]:
    """The rows of ``name`` for every IRI of ``iris``, CHUNK at a time."""
    ordered = sorted(set(iris))
    rows: list[list[Any]] = []
    for i in range(0, len(ordered), CHUNK):
        rows += _run(store, fill(view_query(name), var, ordered[i : i + CHUNK]))
    return rows


def anchor_classes(store: Queryable, f: Filters | None = None) -> list[str]:
    """The class IRIs of the events and pledges ``f`` keeps (every one when it names no types)."""
    classes = {DG_NS + "Event", *(DG_NS + t for t in EVENT_TYPES)}
    classes |= {t.value for (t,) in _rows(store, load_query("event_classes"))}
    chosen = {c: "event" for c in classes}
    chosen[str(DG.Pledge)] = "pledge"
    if f is None or f.types is None:
        return sorted(chosen)
    wanted = {t.lower() for t in f.types}
    return sorted(c for c, kind in chosen.items()
                  if c.rsplit("#", 1)[-1].lower() in wanted
                  or (kind == "event" and "event" in wanted))  # fmt: skip


def class_snapshot(store: Queryable) -> Snapshot:
    """Only the event classes, as ``make_filters`` needs them to check --type names."""
    raw = Snapshot()
    for c in anchor_classes(store):
        if c != str(DG.Pledge):
            raw.kinds[c], raw.types[c] = "event", c.rsplit("#", 1)[-1]
    return raw


def _dates(f: Filters) -> dict[str, Any]:
    """?from and ?to as ISO strings, always bound; "~" sorts after any time of the last day."""
    return {
        "from": ox.Literal(f.date_from.isoformat() if f.date_from else "0000"),
        "to": ox.Literal((f.date_to.isoformat() if f.date_to else "9999") + "~"),
    }


@dataclass(frozen=True)
class Scope:
    """The events and pledges a bounded view reads, and how many it could have read."""

    anchors: list[str]
    total: int

    @property
    def limited(self) -> bool:
        return len(self.anchors) < self.total


def _count(store: Queryable, sparql: str, bindings: dict[str, Any] | None = None) -> int:
    rows = _run(store, sparql, bindings)
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


def count_all(store: Queryable) -> int:
    """How many events and pledges the graph holds (of any date and type)."""
    return _count(store, fill(view_query("anchors_count"), "type", anchor_classes(store)))


def _of_classes(store: Queryable, iris: list[str], classes: set[str]) -> set[str]:
    """Those of ``iris`` that have one of ``classes``."""
    return {s.value for s, t in _each(store, "scope_types", "s", iris) if t.value in classes}


#: pages of anchors.rq read at most when a --type filter keeps few of them
MAX_PAGES = 20


def choose(store: Queryable, f: Filters, limit: int, focus: str | None = None) -> Scope:
    """The ``limit`` most recent dated events and pledges that ``f`` keeps (around ``focus``).

    anchors.rq reads dates only, a page at a time, newest first; the classes of each page
    are checked here, so the store never joins every event with its types.
    """
    classes = anchor_classes(store, f)
    wanted = set(classes)
    bindings = _dates(f)
    if focus is not None:
        rows = _run(store, view_query("focus_anchors"), {"focus": ox.NamedNode(focus)})
        low, high = bindings["from"].value, bindings["to"].value
        dated = sorted({(r[1].value, r[0].value) for r in rows
                        if r[1] is not None and low <= r[1].value <= high}, reverse=True)  # fmt: skip
        order = list(dict.fromkeys(a for _, a in dated))
        keep = _of_classes(store, order, wanted)
        found = [a for a in order if a in keep]
        return Scope(found[:limit], len(found))
    found = []
    seen: set[str] = set()
    page = 2 * limit
    for n in range(MAX_PAGES):
        text = view_query("anchors") + f"\nLIMIT {page} OFFSET {n * page}"
        rows = _run(store, text, bindings)
        fresh = list(dict.fromkeys(r[0].value for r in rows if r[0].value not in seen))
        seen.update(fresh)
        keep = _of_classes(store, fresh, wanted) if fresh else set()
        found += [a for a in fresh if a in keep]
        if len(found) >= limit or len(rows) < page:
            break
    if f.date_from is None and f.date_to is None:
        total = _count(store, fill(view_query("anchors_count"), "type", classes))
    elif f.types is None:
        total = _count(store, view_query("dated_count"), bindings)
    else:
        total = _count(store, fill(view_query("dated_count_typed"), "type", classes), bindings)
    return Scope(found[:limit], max(total, min(len(found), limit)))


def read_scope(store: Queryable, anchors: Iterable[str], *, state_evidence: bool = False) -> Snapshot:
    """The read model of ``anchors`` (events and pledges) and what they link to, no more.

    Their components, parties, places, statements, the states and organisations their
    people represent and the state of each place come along; other events and pledges do
    not. Quotes are those of the statements read. ``state_evidence``: also read the quotes
    about states and organisations themselves (by default a state's panel quotes its events).
    """
    chosen = set(anchors)
    parts = _each(store, "scope_part_of", "whole", chosen)
    chosen |= {p.value for p, _ in parts}
    links = _each(store, "scope_links", "s", chosen)
    near = {o.value for _, _, o in links} - chosen
    links += [r for r in _each(store, "scope_links", "s", near) if r[1].value == str(DG.represents)]
    nodes = chosen | near | {o.value for _, _, o in links}
    country_of = _each(store, "scope_country_of", "s", nodes)
    nodes |= {c.value for _, c in country_of}
    anchor_types = set(anchor_classes(store))
    # an event or pledge that is not chosen (one a pledge was announced at) is not drawn
    types = [r for r in _each(store, "scope_types", "s", nodes)
             if r[0].value in chosen or r[1].value not in anchor_types]  # fmt: skip
    kept = {s.value for s, _ in types}
    states = {s.value for s, t in types if t.value in (str(DG.Country), str(DG.Organisation))}
    quoted = kept if state_evidence else kept - states
    statements = {s.value for s, t in types if t.value == str(DG.Statement)}
    rows = {
        "types": types,
        "labels": _each(store, "scope_labels", "s", kept),
        "links": links,
        "attributes": _each(store, "scope_attributes", "s", kept),
        "evidence": [r for r in _each(store, "scope_evidence_in", "st", statements)
                     if r[0].value in quoted],  # fmt: skip
        "country_of": country_of,
        "part_of": parts,
    }
    return assemble(store, lambda name: rows[name])


def read_names(store: Queryable) -> Snapshot:
    """States, organisations, people and places with labels and ISO codes: enough for --focus."""
    raw = Snapshot()
    kinds = {"Country": "country", "Organisation": "organisation", "Person": "person",
             "Place": "place"}  # fmt: skip
    labels: dict[str, set[str]] = {}
    for s, t, label, iso in _run(store, view_query("names")):
        name = t.value.rsplit("#", 1)[-1]
        raw.kinds.setdefault(s.value, kinds[name])
        raw.types.setdefault(s.value, name)
        if label is not None:
            labels.setdefault(s.value, set()).add(label.value)
        if iso is not None and iso.value not in raw.attrs[s.value]["iso3"]:
            raw.attrs[s.value]["iso3"].append(iso.value)
    for iri, names in labels.items():
        raw.labels[iri] = min(names, key=lambda n: (len(n), n))
    return raw


def read_event_states(store: Queryable, f: Filters) -> dict[str, tuple[str | None, list[str]]]:
    """Every event ``f`` keeps with its date and states: one row per event, however many.

    An undated event is kept only when no dates are asked for (the statements that would
    date it are not read).
    """
    if f.types is None:
        rows = _run(store, view_query("event_states"))
    else:
        classes = [c for c in anchor_classes(store, f) if c != str(DG.Pledge)]
        if not classes:
            return {}
        rows = _run(store, fill(view_query("event_states_typed"), "type", classes))
    dates: dict[str, str] = {}
    for e, d in _run(store, view_query("event_dates")):
        dates[e.value] = min(dates.get(e.value, d.value[:10]), d.value[:10])
    low = f.date_from.isoformat() if f.date_from else None
    high = f.date_to.isoformat() if f.date_to else None
    found: dict[str, tuple[str | None, list[str]]] = {}
    for e, states in rows:
        day = dates.get(e.value)
        if (low or high) and (day is None or (low and day < low) or (high and day > high)):
            continue
        found[e.value] = (day, sorted(set(states.value.split())) if states is not None else [])
    return found


def add_nodes(store: Queryable, raw: Snapshot, iris: Iterable[str]) -> None:
    """Read the classes, labels and attributes of ``iris`` missing from ``raw`` into it."""
    missing = sorted({i for i in iris if i not in raw.kinds})
    if not missing:
        return
    rows = {
        "types": _each(store, "scope_types", "s", missing),
        "labels": _each(store, "scope_labels", "s", missing),
        "attributes": _each(store, "scope_attributes", "s", missing),
    }
    more = assemble(store, lambda name: rows.get(name, []))
    for iri, kind in more.kinds.items():
        raw.kinds[iri], raw.types[iri] = kind, more.types[iri]
        if iri in more.labels:
            raw.labels[iri] = more.labels[iri]
        for name, values in more.attrs.get(iri, {}).items():
            raw.attrs[iri][name].extend(values)


def read_pledge_flows(
    store: Queryable, f: Filters
) -> list[tuple[str, str, str | None, str | None, str | None, int]]:
    """Every donor-recipient pair's pledges summed per currency and month (pledge_flows.rq).

    With dates, a month counts when it overlaps them, and undated pledges are left out.
    """
    if f.types is not None and "pledge" not in {t.lower() for t in f.types}:
        return []
    low = f.date_from.isoformat()[:7] if f.date_from else None
    high = f.date_to.isoformat()[:7] if f.date_to else None
    found = []
    for d, r, cur, month, total, n in _run(store, view_query("pledge_flows")):
        m = month.value if month is not None and month.value else None
        if (low or high) and (m is None or (low and m < low) or (high and m > high)):
            continue
        found.append((d.value, r.value, cur.value if cur is not None else None, m,
                      total.value if total is not None else None, int(n.value)))  # fmt: skip
    return sorted(found, key=lambda row: tuple(x or "" for x in row[:5]))
