"""What every view puts on a node: the panel's details, events, evidence and sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..vocab import curie
from .filters import Filters
from .model import Snapshot

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
    if kind == "pledge":
        if iri in raw.part_of:
            d["part of"] = raw.label(raw.part_of[iri]) + " (not counted again in totals)"
        parts = sorted(p for p, w in raw.part_of.items() if w == iri)
        if parts:
            d["components"] = "\n".join(
                raw.label(p) + (f": {_amount(x)} {raw.attr(p, 'currency') or ''}".rstrip()
                                if (x := raw.attr(p, "amount")) else "")
                for p in parts
            )  # fmt: skip
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


def _span_text(raw: Snapshot, iri: str) -> tuple[str | None, str | None]:
    start, end = raw.span(iri)
    return (start.isoformat() if start else None, (end or start).isoformat() if start else None)
