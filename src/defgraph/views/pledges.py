"""The pledges view: donor to recipient flows, line width by amount in one currency."""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx

from .filters import Filters, ViewOptions
from .fx import convert, fx_table, money
from .model import Snapshot, short
from .nodes import _amount, _node_attrs, _span_text, _when

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
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
    # a component (dg:partOf another pledge) is never a flow of its own: its amount is already
    # in its total's, and it is listed under that total
    components: dict[str, list[str]] = defaultdict(list)
    for part, whole in sorted(raw.part_of.items()):
        components[whole].append(part)
    for p in sorted(i for i, k in raw.kinds.items()
                    if k == "pledge" and i not in raw.part_of and f.keeps(raw, i)):  # fmt: skip
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

    # each pair's total in the target currency, its number of pledges and its dated parts
    pair_total: dict[tuple[str, str], float] = {}
    pair_count: dict[tuple[str, str], int] = {}
    pair_parts: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for (d, r), ps in flows.items():
        pair_total[(d, r)] = sum(c[0] for p in ps if (c := converted[p]))
        pair_count[(d, r)] = len(ps)
        pair_parts[(d, r)] = [(*_span_text(raw, p), c[0] if (c := converted[p]) else 0.0)
                              for p in ps]  # fmt: skip
    if raw.pledge_flows is not None:
        left_out = 0  # pledge_flows.rq has only pledges with a donor and a recipient
        _summed_flows(raw, target, pair_total, pair_count, pair_parts, unconverted)
    pledged: dict[str, float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    n_out: Counter[str] = Counter()
    n_in: Counter[str] = Counter()
    for (d, r), total in pair_total.items():
        pledged[d] += total
        received[r] += total
        n_out[d] += pair_count[(d, r)]
        n_in[r] += pair_count[(d, r)]
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
                   role=role(a), pledged_total=pledged[a], received_total=received[a])  # fmt: skip
    for (d, r) in sorted(pair_total):
        ps = flows.get((d, r), [])
        total, count = pair_total[(d, r)], pair_count[(d, r)]
        lines = []
        for p in sorted(ps, key=lambda p: (raw.span(p)[0] or date.max, raw.label(p))):
            amount, currency = raw.attr(p, "amount"), raw.attr(p, "currency")
            c = converted[p]
            text = f"• {short(raw.label(p), 60)}"
            if amount:
                text += f": {_amount(amount)} {currency or ''}".rstrip()
                if c and (currency or "").upper() != target:
                    text += f" ≈ {money(c[0], target)} ({c[1]} rate)"
            else:
                text += ": in kind"
            when = _when(raw, p)
            lines.append(text + (f" · {when}" if when else ""))
            for part in components.get(p, []):
                part_amount = raw.attr(part, "amount")
                lines.append(f"    ◦ of which {short(raw.label(part), 50)}"
                             + (f": {_amount(part_amount)} {raw.attr(part, 'currency') or ''}"
                                .rstrip() if part_amount else ""))  # fmt: skip
        if count > len(ps):
            lines.append(f"… {count - len(ps)} more pledge{'s' if count - len(ps) != 1 else ''} "
                         "not listed (narrow the dates to list them)")  # fmt: skip
        caption = f"{money(total, target)}" if total else "in kind"
        head = f"{count} pledge{'s' if count != 1 else ''}" + (
            f", ≈ {money(total, target)}" if total else ", in kind or amount not stated"
        )
        g.add_edge(
            d,
            r,
            key="pledged",
            label="pledged to",
            relation=f"pledged ({caption})",
            caption="",  # amounts are line widths, read off the legend; hover says the figure
            value=total / 1e6 if total else None,
            dashes=not total,
            title="\n".join([head] + lines[:12] + (["…"] if len(lines) > 12 else [])
                             + ([lines[-1]] if count > len(ps) and len(lines) > 12 else [])),
            pledges=[raw.label(p) for p in ps],
            amount=total,
            parts=pair_parts[(d, r)],
            unit=target,
        )
    return g


def _summed_flows(
    raw: Snapshot,
    target: str,
    pair_total: dict[tuple[str, str], float],
    pair_count: dict[tuple[str, str], int],
    pair_parts: dict[tuple[str, str], list[tuple[Any, ...]]],
    unconverted: Counter[str],
) -> None:
    """Replace the pairs' totals, counts and parts by those summed in the store (a bounded read):
    each month's sum converted at that year's rate; ``parts`` are [first day, last day, amount,
    pledges] per month, so the page's date filter still counts pledges."""
    assert raw.pledge_flows is not None
    pair_total.clear()
    pair_count.clear()
    pair_parts.clear()
    unconverted.clear()
    for d, r, currency, month, amount, n in raw.pledge_flows:
        if d == r or raw.kinds.get(d) is None or raw.kinds.get(r) is None:
            continue
        value = 0.0
        if amount and currency:
            year = int(month[:4]) if month and month[:4].isdigit() else None
            try:
                c = convert(Decimal(amount), currency, year, target)
            except InvalidOperation:
                c = None
            if c is None:
                unconverted[currency] += n
            else:
                value = c[0]
        pair_total[(d, r)] = pair_total.get((d, r), 0.0) + value
        pair_count[(d, r)] = pair_count.get((d, r), 0) + n
        first = last = None
        if month and _MONTH.match(month):
            days = calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
            first, last = f"{month}-01", f"{month}-{days:02d}"
        pair_parts.setdefault((d, r), []).append((first, last, value, n))
