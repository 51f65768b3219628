"""The countries view: states linked by the events they share, sized by centrality."""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

import networkx as nx

from .filters import Filters, ViewOptions
from .model import TAKING_PART, Snapshot, short
from .nodes import _node_attrs, _span_text


def _countries_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """Countries linked by the events they share (directly, or through a person representing them)."""
    represents: dict[str, list[str]] = defaultdict(list)
    for s, prop, o_ in raw.links:
        if prop == "represents" and raw.kinds[o_] == "country":
            represents[s].append(o_)
    taking_part: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    if raw.event_states is not None:
        # a bounded read: every event's states came aggregated, one row per event
        for ev, (_, states) in sorted(raw.event_states.items()):
            known = [c for c in states if raw.kinds.get(c) == "country"]
            for c in known:
                taking_part[c].add(ev)
            for a, b in combinations(known, 2):
                shared[(a, b)].append(ev)
    for ev in sorted(i for i, k in raw.kinds.items() if k == "event" and f.keeps(raw, i)):
        if raw.event_states is not None:
            break
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

    linking = {ev for evs in shared.values() for ev in evs}
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
        edge_summary=(
            f"{len(shared)} pair{'s' if len(shared) != 1 else ''} of states, linked by "
            f"{len(linking)} shared event{'s' if len(linking) != 1 else ''}"
        ),
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
    months = _months(raw)
    for (a, b), evs in sorted(shared.items()):
        n = len(evs)
        if raw.event_states is not None:
            g.add_edge(a, b, key="shared", **_counted_edge(raw, evs, months))
            continue
        labels = sorted(raw.label(e) for e in evs)
        g.add_edge(a, b, key="shared", **_shared_edge(
            n, labels, ["…"] if n > 12 else [], [(*_span_text(raw, e), 1.0) for e in evs]))
    return g


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])")


def _months(raw: Snapshot) -> dict[str, tuple[str, str] | None]:
    """Each event's month as its first and last day (None when undated), from event_states."""
    bounds: dict[str, tuple[str, str] | None] = {}
    found: dict[str, tuple[str, str] | None] = {}
    for ev, (day, _) in (raw.event_states or {}).items():
        month = day[:7] if day and _MONTH.match(day) else None
        if month is not None and month not in bounds:
            days = calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
            bounds[month] = (f"{month}-01", f"{month}-{days:02d}")
        found[ev] = bounds[month] if month is not None else None
    return found


def _counted_edge(
    raw: Snapshot, evs: list[str], months: dict[str, tuple[str, str] | None]
) -> dict[str, Any]:
    """A pair's line when every event was read as a row: counts per month, the events read
    named. ``parts`` are [first day, last day, count, count] of each month, so the page's date
    filter still counts shared events (undated ones count whatever the dates)."""
    assert raw.event_states is not None
    n = len(evs)
    counted: Counter[tuple[str, str] | None] = Counter(months[e] for e in evs)
    parts: list[tuple[str | None, str | None, float, int]] = [
        (*(span or (None, None)), float(count), count)
        for span, count in sorted(counted.items(), key=lambda sc: sc[0] or ("", ""))
    ]
    named = sorted((e for e in evs if e in raw.kinds),
                   key=lambda e: raw.event_states[e][0] or "", reverse=True)  # type: ignore[index]
    labels = [raw.label(e) for e in named]
    listed = min(12, len(labels))
    return _shared_edge(n, labels, [f"… {n - listed} more"] if n > listed else [], parts)


def _shared_edge(n: int, labels: list[str], more: list[str], parts: list[Any]) -> dict[str, Any]:
    """A pair's line of n shared events: the first 12 labels in its title, then ``more``."""
    relation = f"{n} shared event{'s' if n != 1 else ''}"
    return dict(
        label="shared events",
        relation=relation,
        caption=str(n) if n > 1 else "",
        weight=n,
        value=n,
        events=labels,
        title="\n".join([relation] + [f"• {short(e, 80)}" for e in labels[:12]] + more),
        parts=parts,
        unit="events",
    )
