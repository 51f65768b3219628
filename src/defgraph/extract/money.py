"""Amounts of money: '£450M', '$2.5 billion', 'more than €3 billion', 'NOK 1.2 billion' -> units + ISO 4217."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

import pycountry

from .text import trie_pattern

_SYMBOLS = {
    "£": "GBP", "€": "EUR", "$": "USD", "US$": "USD", "USD$": "USD", "A$": "AUD", "AU$": "AUD",
    "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "S$": "SGD", "HK$": "HKD", "¥": "JPY", "₹": "INR",
    "₩": "KRW", "₴": "UAH", "zł": "PLN", "R$": "BRL", "₺": "TRY", "CHF": "CHF",
    "Rs": "INR", "Rs.": "INR", "INR": "INR", "₦": "NGN", "₱": "PHP", "RM": "MYR", "Rp": "IDR",
}
_WORDS = {
    "pounds": "GBP", "pound sterling": "GBP", "sterling": "GBP", "euros": "EUR", "euro": "EUR",
    "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "yen": "JPY", "won": "KRW",
    "kroner": "NOK", "norwegian kroner": "NOK", "danish kroner": "DKK", "kronor": "SEK",
    "swedish kronor": "SEK", "zloty": "PLN", "zlotys": "PLN", "hryvnia": "UAH",
    "hryvnias": "UAH", "rupees": "INR", "australian dollars": "AUD",
    "canadian dollars": "CAD", "swiss francs": "CHF", "francs": "CHF",
    "turkish lira": "TRY", "lira": "TRY", "liras": "TRY", "yuan": "CNY", "renminbi": "CNY",
    "rupiah": "IDR", "ringgit": "MYR", "baht": "THB", "philippine pesos": "PHP",
    "shekels": "ILS", "saudi riyals": "SAR", "dirhams": "AED", "naira": "NGN", "rand": "ZAR",
    "kenyan shillings": "KES", "czech crowns": "CZK", "koruna": "CZK", "forints": "HUF", "lei": "RON",
    "new zealand dollars": "NZD", "singapore dollars": "SGD", "taiwan dollars": "TWD",
    "new taiwan dollars": "TWD", "icelandic kronur": "ISK",
}
#: amounts with more significant digits are not amounts (and overflow Decimal's default context)
MAX_DIGITS = 28
_SCALE = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "million": 10**6,
    "bn": 10**9, "b": 10**9, "billion": 10**9, "tn": 10**12, "trillion": 10**12,
    "crore": 10**7, "crores": 10**7, "lakh": 10**5, "lakhs": 10**5,  # Indian numbering
}
_CODES = sorted({c.alpha_3 for c in pycountry.currencies})

_SYM_RE = trie_pattern(list(_SYMBOLS))
_CODE_RE = trie_pattern(_CODES)
_WORD_RE = trie_pattern(list(_WORDS))
_QUAL = (r"(?P<qual>(?:more than|over|up to|worth up to|worth|almost|nearly|around|about|some|"
         r"at least|approximately|an additional|a further|another)\s+)?")


def _num(i: int) -> str:
    return rf"(?P<num{i}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _scale(i: int) -> str:
    return rf"(?:\s*(?P<scale{i}>trillion|billion|million|thousand|crores?|lakhs?|bn|mn|mln|tn|[kmb])\b)?"


_MONEY = re.compile(
    rf"{_QUAL}(?:"
    rf"(?P<sym>{_SYM_RE})\s?{_num(1)}{_scale(1)}"  # £450M, $2.5 billion, US$ 3bn
    rf"|(?P<code>{_CODE_RE})\s?{_num(2)}{_scale(2)}"  # NOK 1.2 billion, EUR 500m
    rf"|{_num(3)}{_scale(3)}\s*(?P<code2>{_CODE_RE})\b"  # 500 million EUR
    rf"|{_num(4)}{_scale(4)}\s+(?P<word>{_WORD_RE})\b"  # 1.2 billion kroner
    rf")",
    re.I,
)


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    text: str
    amount: Decimal
    currency: str
    qualifier: str | None  # "more than", "up to"...


_NUMBER = re.compile(r"\d[\d,.]*")


def _candidates(text: str):  # type: ignore[no-untyped-def]
    """Matches of the money pattern, looked for only around numbers (the pattern is costly)."""
    seen_end = -1
    for n in _NUMBER.finditer(text):
        if n.start() < seen_end:
            continue
        lo = max(0, n.start() - 40)
        for m in _MONEY.finditer(text, lo, min(len(text), n.end() + 40)):
            if m.start() <= n.start() < m.end() and m.end() > seen_end:
                seen_end = m.end()
                yield m
                break


def find_money(text: str) -> list[Money]:
    out = []
    for m in _candidates(text):
        g = m.groupdict()
        num = g["num1"] or g["num2"] or g["num3"] or g["num4"]
        scale = g["scale1"] or g["scale2"] or g["scale3"] or g["scale4"]
        if g.get("sym"):
            sym = g["sym"]
            cur = _SYMBOLS.get(sym) or _SYMBOLS.get(sym.upper())
        elif g.get("code") or g.get("code2"):
            code = (g.get("code") or g.get("code2") or "").upper()
            raw = g.get("code") or g.get("code2") or ""
            if raw != code:  # currency codes are written in capitals; "all 3" is not Albanian lek
                continue
            cur = code
        else:
            cur = _WORDS[g["word"].lower()]
        if not num or not cur:
            continue
        if scale and scale in "kmbKMB" and len(scale) == 1:
            # '£450M' yes; '$5 b' rare; a lone 'b'/'m' must be glued to the number
            if text[m.end() - 2: m.end() - 1].isspace():
                continue
        try:
            with localcontext() as dc:
                dc.prec = 80  # exact for any amount we keep; the default 28 digits would trap
                value = Decimal(num.replace(",", ""))
                if scale:
                    value *= _SCALE[scale.lower()]
                if value == value.to_integral():
                    value = value.quantize(Decimal(1))
        except InvalidOperation:
            continue
        if len(value.as_tuple().digits) > MAX_DIGITS:
            continue  # no pledge has that many digits: a serial number or noise, not an amount
        if not g.get("sym") and not scale and (value < 1000 or 1900 <= value <= 2100):
            continue  # "2025 EUR" is a year beside a code, not an amount
        qual = (g.get("qual") or "").strip().lower() or None
        start = m.start() if not qual else m.start() + len(g["qual"])
        out.append(Money(start, m.end(), text[start:m.end()], value, cur, qual))
    return out
