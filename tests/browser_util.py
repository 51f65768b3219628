"""Small graphs for the render tests, built from defgraph.model dataclasses.

``sample_store`` holds eleven statements modelled on the sample corpus;
``hostile_store`` holds names made of markup that must never execute;
``HOSTILE_STATEMENT`` is a statement file with markup in it, for the whole
pipeline; ``scale_store`` makes the 5,000-node view of the scale test.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from defgraph.maintain import rebuild
from defgraph.mapping import graph_iri, to_quads
from defgraph.model import (
    ActorRef,
    Country,
    Event,
    Extraction,
    Organisation,
    Person,
    Place,
    Pledge,
    Span,
    Statement,
)
from defgraph.pipeline import KnowledgeGraph
from defgraph.stores import OxigraphStore

COUNTRY_NAMES = {
    "BEL": "Belgium", "CAN": "Canada", "DEU": "Germany", "DNK": "Denmark", "ESP": "Spain",
    "EST": "Estonia", "FRA": "France", "GBR": "United Kingdom", "LTU": "Lithuania",
    "LVA": "Latvia", "MDA": "Moldova", "NLD": "Netherlands", "NOR": "Norway", "POL": "Poland",
    "ROU": "Romania", "SWE": "Sweden", "UKR": "Ukraine", "USA": "United States",
}  # fmt: skip


def c(iso3: str) -> ActorRef:
    return ActorRef("country", iso3)


def org(key: str) -> ActorRef:
    return ActorRef("organisation", key)


def per(key: str) -> ActorRef:
    return ActorRef("person", key)


def span(text: str, quote: str) -> Span:
    start = text.index(quote)
    return Span(start, start + len(quote), quote)


def extraction(
    title: str,
    issued: date,
    text: str,
    url: str | None = None,
    *,
    people: Iterable[Person] = (),
    orgs: Iterable[Organisation] = (),
    places: Iterable[Place] = (),
    events: Iterable[Event] = (),
    pledges: Iterable[Pledge] = (),
    countries: dict[str, str] | None = None,
) -> Extraction:
    """An Extraction whose every referenced country is listed with its name."""
    names = {**COUNTRY_NAMES, **(countries or {})}
    ex = Extraction(
        Statement(text=text, title=title, issued=issued, publisher="Test", source_url=url),
        persons={p.key: p for p in people},
        organisations={o.key: o for o in orgs},
        places={p.key: p for p in places},
        events=list(events),
        pledges=list(pledges),
    )
    isos = {p.country for p in ex.persons.values() if p.country}
    isos |= {p.country for p in ex.places.values() if p.country}
    for ev in ex.events:
        isos |= {
            r.key for r in (*ev.convenors, *ev.participants, *ev.virtual) if r.kind == "country"
        }
    for pg in ex.pledges:
        isos |= {r.key for r in (pg.donor, pg.recipient) if r and r.kind == "country"}
    ex.countries = {iso: Country(iso, names[iso]) for iso in sorted(isos)}
    return ex


def store_of(extractions: Iterable[Extraction]) -> OxigraphStore:
    """An in-memory store with one named graph per statement."""
    store = OxigraphStore(None)
    for ex in extractions:
        store.replace_graph(graph_iri(ex.statement), to_quads(ex))
    rebuild(store)
    return store


def sample_extractions() -> list[Extraction]:
    nato = Organisation("nato", "NATO")
    ec = Organisation("european-commission", "European Commission")
    brussels = Place("brussels", "Brussels", "BEL")
    out = []

    t = ("Defence ministers from all 32 NATO Allies met in Brussels on 13 and 14 June 2024. "
         "The meeting was chaired by NATO Secretary General Jens Stoltenberg.")  # fmt: skip
    out.append(extraction(
        "NATO Defence Ministers agree steps on support for Ukraine", date(2024, 6, 14), t,
        "https://www.nato.int/cps/en/natohq/news_226000.htm",
        people=[Person("jens-stoltenberg", "Jens Stoltenberg", "Secretary General",
                       organisation="nato", evidence=[span(t, "NATO Secretary General Jens Stoltenberg")])],
        orgs=[nato], places=[brussels],
        events=[Event("Meeting", "NATO Defence Ministers' Meeting", date(2024, 6, 13), date(2024, 6, 14),
                      place="brussels", convenors=[org("nato"), per("jens-stoltenberg")],
                      participants=[c(x) for x in ("GBR", "FRA", "DEU", "POL", "SWE", "USA", "NOR", "EST")],
                      participant_count=32, evidence=[span(t, "met in Brussels on 13 and 14 June 2024")],
                      confidence=0.9)],
    ))  # fmt: skip

    t = ("On Monday 20 January 2025, Minister of Defence Ruben Brekelmans held talks in The Hague "
         "with his Estonian counterpart, Hanno Pevkur.")  # fmt: skip
    out.append(extraction(
        "Minister Brekelmans and Estonian counterpart discuss Baltic security", date(2025, 1, 21), t,
        "https://www.defensie.nl/actueel/nieuws/2025/01/21/brekelmans-pevkur",
        people=[Person("ruben-brekelmans", "Ruben Brekelmans", "Minister of Defence", "NLD"),
                Person("hanno-pevkur", "Hanno Pevkur", "Minister of Defence", "EST")],
        places=[Place("the-hague", "The Hague", "NLD")],
        events=[Event("Meeting", "Brekelmans–Pevkur talks in The Hague", date(2025, 1, 20),
                      place="the-hague", convenors=[c("NLD")],
                      participants=[c("EST"), per("ruben-brekelmans"), per("hanno-pevkur")],
                      evidence=[span(t, "held talks in The Hague")])],
    ))  # fmt: skip

    t = "Minister of Defence Bjørn Arild Gram hosted Pål Jonson, Sweden's Minister for Defence, in Oslo."
    out.append(extraction(
        "Defence Minister Gram hosts Swedish counterpart in Oslo", date(2024, 9, 5), t,
        "https://www.regjeringen.no/en/aktuelt/gram-hosts-swedish-defence-minister-in-oslo/id3051877/",
        people=[Person("bjorn-arild-gram", "Bjørn Arild Gram", "Minister of Defence", "NOR"),
                Person("pal-jonson", "Pål Jonson", "Minister for Defence", "SWE")],
        places=[Place("oslo", "Oslo", "NOR")],
        events=[Event("Visit", "Jonson visit to Oslo", date(2024, 9, 5), place="oslo",
                      convenors=[c("NOR")], participants=[c("SWE"), per("pal-jonson"), per("bjorn-arild-gram")],
                      evidence=[span(t, "hosted Pål Jonson")])],
    ))  # fmt: skip

    t = "With the package, Denmark will provide DKK 3.5 billion in military assistance to Ukraine."
    out.append(extraction(
        "Denmark launches new support package for Ukraine worth DKK 3.5 billion", date(2025, 3, 10), t,
        "https://www.fmn.dk/en/news/2025/denmark-launches-25th-support-package-for-ukraine/",
        people=[Person("troels-lund-poulsen", "Troels Lund Poulsen", "Minister of Defence", "DNK")],
        pledges=[Pledge("25th Danish support package", Decimal(3500000000), "DKK", c("DNK"), c("UKR"),
                        date=date(2025, 3, 10), evidence=[span(t, "DKK 3.5 billion")])],
    ))  # fmt: skip

    t = ("British Defence Secretary John Healey and German Defence Minister Boris Pistorius co-chaired "
         "the meeting. U.S. Defense Secretary Pete Hegseth joined by video link. Ukrainian Defence "
         "Minister Rustem Umerov and NATO Secretary General Mark Rutte took part. Healey announced a "
         "British package of £450 million.")  # fmt: skip
    out.append(extraction(
        "Allies pledge fresh aid to Ukraine at Brussels meeting", date(2025, 4, 11), t,
        "https://www.atlanticdefencewire.com/europe/2025/04/11/ukraine-defense-contact-group",
        people=[Person("john-healey", "John Healey", "Defence Secretary", "GBR"),
                Person("boris-pistorius", "Boris Pistorius", "Defence Minister", "DEU"),
                Person("pete-hegseth", "Pete Hegseth", "Defense Secretary", "USA"),
                Person("rustem-umerov", "Rustem Umerov", "Defence Minister", "UKR"),
                Person("mark-rutte", "Mark Rutte", "Secretary General", organisation="nato")],
        orgs=[nato], places=[brussels],
        events=[Event("Meeting", "27th Ukraine Defense Contact Group", date(2025, 4, 11), place="brussels",
                      convenors=[c("GBR"), c("DEU"), per("john-healey"), per("boris-pistorius")],
                      participants=[c("UKR"), org("nato"), per("rustem-umerov"), per("mark-rutte")],
                      virtual=[c("USA"), per("pete-hegseth")], participant_count=50,
                      evidence=[span(t, "co-chaired the meeting")])],
        pledges=[Pledge("British package of £450 million", Decimal(450000000), "GBP", c("GBR"), c("UKR"),
                        items=["radar systems", "anti-tank mines"], date=date(2025, 4, 11), announced_at=0,
                        evidence=[span(t, "British package of £450 million")]),
                 Pledge("Four IRIS-T air defence systems", donor=c("DEU"), recipient=c("UKR"),
                        items=["IRIS-T air defence systems"], date=date(2025, 4, 11), announced_at=0)],
    ))  # fmt: skip

    t = "French Armed Forces Minister Sébastien Lecornu and German Defence Minister Boris Pistorius signed the MoU."
    out.append(extraction(
        "France and Germany sign deal to launch next-generation tank project", date(2024, 4, 26), t,
        people=[Person("sebastien-lecornu", "Sébastien Lecornu", "Armed Forces Minister", "FRA"),
                Person("boris-pistorius", "Boris Pistorius", "Defence Minister", "DEU")],
        places=[Place("paris", "Paris", "FRA")],
        events=[Event("AgreementSigning", "MGCS memorandum of understanding", date(2024, 4, 26),
                      place="paris", participants=[c("FRA"), c("DEU"), per("sebastien-lecornu"),
                                                   per("boris-pistorius")])],
    ))  # fmt: skip

    t = "The defence ministers of Poland and Lithuania signed a joint declaration in Vilnius."
    out.append(extraction(
        "Poland, Lithuania pledge closer defence of Suwałki corridor", date(2024, 9, 9), t,
        people=[Person("wladyslaw-kosiniak-kamysz", "Władysław Kosiniak-Kamysz", "Minister of National Defence", "POL"),
                Person("laurynas-kasciunas", "Laurynas Kasčiūnas", "Minister of National Defence", "LTU")],
        places=[Place("vilnius", "Vilnius", "LTU")],
        events=[Event("AgreementSigning", "Polish–Lithuanian joint declaration", date(2024, 9, 9),
                      place="vilnius", participants=[c("POL"), c("LTU"), per("wladyslaw-kosiniak-kamysz"),
                                                     per("laurynas-kasciunas")])],
    ))  # fmt: skip

    t = "Minister Angel Tîlvăr had a telephone conversation with Moldova's Minister of Defence, Anatolie Nosatîi."
    out.append(extraction(
        "Telephone conversation between Minister Angel Tîlvăr and the Minister of Defence of Moldova",
        date(2024, 10, 8), t,
        people=[Person("angel-tilvar", "Angel Tîlvăr", "Minister of National Defence", "ROU"),
                Person("anatolie-nosatii", "Anatolie Nosatîi", "Minister of Defence", "MDA")],
        events=[Event("Call", "Tîlvăr–Nosatîi call", date(2024, 10, 8),
                      participants=[c("ROU"), c("MDA"), per("angel-tilvar"), per("anatolie-nosatii")])],
    ))  # fmt: skip

    t = "Soldiers of the Latvian Land Forces trained alongside units from Canada, Poland, Spain, Sweden and Denmark."
    out.append(extraction(
        "Exercise Crystal Arrow 2025 concludes at Ādaži", date(2025, 5, 21), t,
        places=[Place("adazi", "Ādaži", "LVA")],
        events=[Event("Exercise", "Crystal Arrow 2025", date(2025, 5, 12), date(2025, 5, 20), place="adazi",
                      convenors=[c("LVA")],
                      participants=[c(x) for x in ("CAN", "POL", "ESP", "SWE", "DNK")])],
    ))  # fmt: skip

    t = "A detachment of Eurofighters will deploy to Romania for NATO's enhanced Air Policing mission."
    out.append(extraction(
        "Spanish Eurofighters to deploy to Romania for NATO air policing", date(2025, 3, 14), t,
        orgs=[nato], places=[Place("mihail-kogalniceanu", "Mihail Kogălniceanu air base", "ROU")],
        events=[Event("Deployment", "Eurofighter detachment to Romania", date(2025, 3, 17),
                      place="mihail-kogalniceanu", participants=[c("ESP"), c("ROU"), org("nato")])],
    ))  # fmt: skip

    t = "Commissioner for Defence and Space Andrius Kubilius will travel to Kyiv tomorrow."
    out.append(extraction(
        "Commissioner Kubilius to travel to Ukraine", date(2025, 3, 5), t,
        people=[Person("andrius-kubilius", "Andrius Kubilius", "Commissioner for Defence and Space",
                       organisation="european-commission")],
        orgs=[ec], places=[Place("kyiv", "Kyiv", "UKR")],
        events=[Event("Visit", "Kubilius visit to Kyiv", date(2025, 3, 6), date(2025, 3, 7), place="kyiv",
                      participants=[org("european-commission"), per("andrius-kubilius"), c("UKR")],
                      planned=True)],
    ))  # fmt: skip
    return out


def sample_store() -> OxigraphStore:
    return store_of(sample_extractions())


IMG_NAME = '<img src=x onerror="window.__pwned=1">'
SCRIPT_NAME = "<script>window.__pwned=2</script>"
CLOSE_NAME = "</script><script>window.__pwned=3</script>"


def hostile_store() -> OxigraphStore:
    """Names made of markup: a page that runs any of them sets window.__pwned."""
    t = f"{IMG_NAME} met {SCRIPT_NAME} in {CLOSE_NAME}.\u2028Next line & more."
    ex = extraction(
        f"Hostile {CLOSE_NAME} statement \u2029", date(2025, 1, 1), t,
        "javascript:window.__pwned=4",
        people=[Person("hostile-img", IMG_NAME, "Minister of <b>Defence</b>", "GBR",
                       evidence=[span(t, IMG_NAME)]),
                Person("hostile-script", SCRIPT_NAME, None, "XSS")],
        places=[Place("hostile-place", CLOSE_NAME, "XSS")],
        events=[Event("Meeting", f"Meeting of {IMG_NAME}", date(2025, 1, 1), place="hostile-place",
                      participants=[c("GBR"), c("XSS"), per("hostile-img"), per("hostile-script")],
                      evidence=[span(t, SCRIPT_NAME)])],
        countries={"XSS": '<svg onload="window.__pwned=5">'},
    )  # fmt: skip
    return store_of([ex])


# -- statements that go through the whole pipeline ----------------------------------------

#: a statement as the aggregator scrapes them, with markup in its publisher, title, a person's
#: name, a pledge sentence and its source link: each sets window.__pwned if it ever runs
HOSTILE_STATEMENT = """\
 date 2025-02-03 Ministry of <img src=x onerror="window.__pwned=11">Defence
|Printable version
Defence Secretary <script>window.__pwned=12</script> meets Czech counterpart in London
A statement about <img src=x onerror="window.__pwned=13"> a meeting.
On 3 February 2025, Defence Secretary John Healey met Czech Defence Minister \
Jan<script>window.__pwned=14</script> Novak<img src=x onerror="window.__pwned=15"> in London.
Healey announced that the United Kingdom will provide £5 million to Ukraine \
<img src=x onerror="window.__pwned=16"> for drones.
Original article link: javascript:window.__pwned=17
"""
HOSTILE_TITLE = "Defence Secretary <script>window.__pwned=12</script> meets Czech counterpart in London"
HOSTILE_PUBLISHER = 'Ministry of <img src=x onerror="window.__pwned=11">Defence'


def ingested(*paths: str | Path) -> KnowledgeGraph:
    """A KnowledgeGraph in memory with these files read, extracted and stored as defgraph does."""
    kg = KnowledgeGraph(":memory:")
    report = kg.ingest(*paths)
    assert report.ok, report.failures
    return kg


def hostile_statement_file(folder: Path) -> Path:
    path = folder / "statement-hostile.txt"
    path.write_text(HOSTILE_STATEMENT, encoding="utf-8")
    return path


# -- a big graph, for the scale test ------------------------------------------------------


def _code(n: int) -> str:
    return "X" + chr(65 + n // 26) + chr(65 + n % 26)


def scale_extractions(
    statements: int = 1000, countries: int = 150, organisations: int = 40, people: int = 1610,
    places: int = 400,
) -> list[Extraction]:
    """Synthetic statements whose events view has 5,000 nodes with the defaults.

    1,000 statements reporting 1,500 events and 300 pledges among 150 states,
    40 organisations, 1,610 people and 400 places, every one of them in some event.
    """
    import random

    rng = random.Random(1)
    names = {_code(i): f"State {_code(i)}" for i in range(countries)}
    cur = ("GBP", "EUR", "USD", "NOK", "SEK", "PLN")
    out = []
    event_no = pledge_no = person_no = 0
    for s in range(statements):
        text = f"Statement {s} about defence cooperation."
        people_here: dict[str, Person] = {}
        places_here: dict[str, Place] = {}
        orgs_here: dict[str, Organisation] = {}
        events = []
        for _ in range(2 if s % 2 else 1):
            i = event_no
            event_no += 1
            states = sorted({_code((i * 7 + j * 13) % countries) for j in range(2 + i % 3)})
            who = [(person_no + j) % people for j in range(1 + i % 2)]
            person_no += len(who)
            for p in who:
                people_here[f"p{p}"] = Person(f"p{p}", f"Person {p:04d}", "Minister",
                                              _code(p % countries))
            place = f"l{i % places}"
            places_here[place] = Place(place, f"Place {i % places:03d}", _code(i % places % countries))
            parties = [c(x) for x in states] + [per(f"p{p}") for p in who]
            if i % 3 == 0:
                key = f"o{i // 3 % organisations}"
                orgs_here[key] = Organisation(key, f"Organisation {i // 3 % organisations:02d}")
                parties.append(org(key))
            day = date(2022, 1, 1) + timedelta(days=(i * 37) % 1460)
            events.append(Event(("Meeting", "Visit", "Call", "Exercise")[i % 4], f"Event {i:04d}",
                                day, place=place, convenors=parties[:1], participants=parties[1:]))
        pledges = []
        if s % 10 < 3:
            i = pledge_no
            pledge_no += 1
            donor, recipient = _code(i % countries), _code((i * 11 + 5) % countries)
            pledges.append(Pledge(f"Pledge {i:03d}", Decimal(rng.randrange(1, 500)) * 1_000_000,
                                  cur[i % len(cur)], c(donor), c(recipient), date=events[0].date))
        out.append(extraction(f"Statement {s:04d}", events[0].date or date(2024, 1, 1), text,
                              f"https://example.org/statements/{s}", people=people_here.values(),
                              orgs=orgs_here.values(), places=places_here.values(),
                              events=events, pledges=pledges, countries=names))  # fmt: skip
    return out


def scale_store() -> OxigraphStore:
    return store_of(scale_extractions())
