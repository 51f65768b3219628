"""views.model: each read-model query on a real store, and figures that add up in the views."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from browser_util import c, extraction, ingested, sample_store, store_of
from conftest import DATA

from defgraph.model import Event, Pledge
from defgraph.views import network, read_store, render
from defgraph.views.fx import convert
from defgraph.views.model import NETWORK_QUERY_NAMES, QUERY_NAMES, load_query

COUNTRY = "https://w3id.org/defgraph/id/country/"
DG = "https://w3id.org/defgraph/ontology#"
QUERIES = Path(__file__).resolve().parents[1] / "src" / "defgraph" / "views" / "queries"


@pytest.fixture(scope="module")
def store():
    return sample_store()


@pytest.fixture(scope="module")
def corpus():
    """The bundled corpus, ingested through the whole pipeline."""
    return ingested(DATA / "statements")


def component_store():
    """A total of 300 M EUR from France with a 100 M component, and a 50 M pledge apart."""
    t = "France will give 300 million euros to Ukraine, of which 100 million for drones."
    return store_of([
        extraction("Package", date(2025, 2, 1), t, "https://example.org/p",
                   events=[Event("Meeting", "Talks", date(2025, 2, 1), participants=[c("FRA"), c("UKR")])],
                   pledges=[Pledge("300 M package", Decimal(300_000_000), "EUR", c("FRA"), c("UKR"),
                                   date=date(2025, 2, 1)),
                            Pledge("100 M for drones", Decimal(100_000_000), "EUR", c("FRA"), c("UKR"),
                                   date=date(2025, 2, 1), part_of=0),
                            Pledge("50 M more", Decimal(50_000_000), "EUR", c("FRA"), c("UKR"),
                                   date=date(2025, 2, 1))]),
    ])  # fmt: skip


def rows(store, name: str) -> set[tuple[str | None, ...]]:
    return {tuple(t.value if t is not None else None for t in r)
            for r in store.query(load_query(name)).rows}  # fmt: skip


def test_every_query_file_is_known_and_reads_the_default_graph_only() -> None:
    assert sorted(p.stem for p in QUERIES.glob("*.rq")) == sorted(QUERY_NAMES + NETWORK_QUERY_NAMES)
    for name in QUERY_NAMES + NETWORK_QUERY_NAMES:
        text = "\n".join(line for line in load_query(name).splitlines()
                         if not line.startswith("#"))  # fmt: skip
        assert not re.search(r"\bGRAPH\b", text, re.IGNORECASE), name
        assert re.search(r"SELECT\s+DISTINCT|GROUP BY", text), name


def test_types_and_event_classes(store) -> None:
    types = rows(store, "types")
    assert (COUNTRY + "GBR", DG + "Country") in types
    assert any(t == DG + "Pledge" for _, t in types)
    classes = {t for (t,) in rows(store, "event_classes")}
    assert {DG + n for n in ("Meeting", "Visit", "Call", "AgreementSigning")} <= classes


def test_labels_links_attributes(store) -> None:
    labels = {(s, label) for s, label, _ in rows(store, "labels")}
    assert (COUNTRY + "GBR", "United Kingdom") in labels
    links = rows(store, "links")
    healey = "https://w3id.org/defgraph/id/person/john-healey"
    assert (healey, DG + "represents", COUNTRY + "GBR") in links
    attrs = rows(store, "attributes")
    assert any(p == DG + "amount" and Decimal(o) == 450_000_000 for _, p, o in attrs)
    assert any(p == DG + "planned" and o == "true" for _, p, o in attrs)


def test_evidence_and_country_of(store) -> None:
    quotes = {q for _, q, st in rows(store, "evidence") if st}
    assert {"DKK 3.5 billion", "British package of £450 million"} <= quotes
    places = {(s.rsplit("/", 1)[-1], c_.rsplit("/", 1)[-1]) for s, c_ in rows(store, "country_of")}
    assert ("brussels", "BEL") in places and ("oslo", "NOR") in places


def test_part_of() -> None:
    s = component_store()
    [(part, whole)] = rows(s, "part_of")
    raw = read_store(s)
    assert raw.label(part) == "100 M for drones" and raw.label(whole) == "300 M package"
    assert raw.part_of == {part: whole}


def test_components_are_never_added_and_are_listed_with_their_total() -> None:
    s = component_store()
    g = network(s, "pledges", currency="EUR")
    [(_, _, flow)] = list(g.edges(data=True))
    assert flow["amount"] == pytest.approx(350_000_000)  # 300 + 50, never + 100
    assert flow["title"].splitlines()[0] == "2 pledges, ≈ 350 M EUR"
    assert "◦ of which 100 M for drones: 100,000,000 EUR" in flow["title"]
    events = network(s, "events")
    by_label = {a["label"]: a for _, a in events.nodes(data=True)}
    assert by_label["300 M package"]["details"]["components"] == (
        "100 M for drones: 100,000,000 EUR"
    )
    assert by_label["100 M for drones"]["details"]["part of"].startswith("300 M package")


def test_pledges_view_totals_equal_pledges_by_donor(corpus) -> None:
    """Each donor's total in the view is pledges_by_donor's, converted at the pledge's year."""
    g = network(corpus.store, "pledges", currency="USD")
    by_donor: dict[str, float] = {}
    for row in corpus.query("pledges_by_donor"):
        pledges = [
            p
            for p in corpus.query("pledges_list")
            if p.get("donor") == row["donor"] and p.get("currency") == row["currency"]
        ]
        years = {str(p.get("date") or "")[:4] for p in pledges} - {""}
        year = int(min(years)) if len(years) == 1 else None
        converted = convert(row["total"], row["currency"], year, "USD")
        assert converted is not None
        by_donor[row["donor"]] = by_donor.get(row["donor"], 0.0) + converted[0]
    assert by_donor
    for donor, total in by_donor.items():
        assert g.nodes[donor]["pledged_total"] == pytest.approx(total), donor
    assert g.nodes[COUNTRY + "USA"]["pledged_total"] == pytest.approx(2.5e9)


def test_countries_header_counts_pairs(corpus, tmp_path: Path) -> None:
    g = network(corpus.store, "countries")
    html = render(corpus.store, tmp_path / "c.html", "countries").read_text("utf-8")
    n = g.number_of_edges()
    assert f'<span id="edge-count">{n} pairs of states, linked by ' in html


def test_short_labels_keep_their_dates() -> None:
    from defgraph.views.model import short_label

    assert short_label("Meeting: Poland, United Kingdom, Germany, France on 2025-01-20") == (
        "Meeting: Poland, United… on 2025-01-20"
    )
    assert (
        short_label("Call: Romania, Moldova on 2024-10-08")
        == "Call: Romania, Moldova on 2024-10-08"
    )
    assert short_label("A long name with no date at all in it, none whatsoever") == (
        "A long name with no date at all in it…"
    )
    assert len(short_label("x" * 60 + " on 2025-01-20")) == 38


def test_palettes_are_okabe_ito() -> None:
    """Every colour a view uses is one of Okabe and Ito's, distinct for colour-blind readers."""
    from defgraph.views.html import COMMUNITY_COLOURS, KIND_STYLES
    from defgraph.views.pledges import _ROLE_COLOURS

    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                 "#000000", "#999999"}  # fmt: skip
    used = {s.colour for s in KIND_STYLES.values()} | set(COMMUNITY_COLOURS)
    used |= set(_ROLE_COLOURS.values())
    assert used <= okabe_ito
    css = Path(__file__).resolve().parents[1] / "src" / "defgraph" / "templates" / "timeline.css"
    types = set(re.findall(r"\.tt\d \{ --c: (#[0-9A-Fa-f]{6}); \}", css.read_text("utf-8")))
    assert len(types) == 8 and types <= okabe_ito
