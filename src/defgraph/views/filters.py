"""Which events and pledges a view draws: dates and types, checked once for every view."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import networkx as nx

from ..vocab import EVENT_TYPES
from .model import Snapshot

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


@dataclass(frozen=True)
class ViewOptions:
    """What a view takes besides the filters."""

    focus: str | None = None
    depth: int = 2
    currency: str = "USD"
    #: events view: draw only the best-connected events and pledges that fit in this many nodes
    node_budget: int | None = None


ViewBuilder = Callable[[Snapshot, Filters, ViewOptions], nx.MultiDiGraph]
