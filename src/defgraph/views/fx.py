"""Exchange rates: the shipped table of yearly averages (``defgraph/data/fx.json``) and conversion."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

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
