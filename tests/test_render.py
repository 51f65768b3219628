"""render: the networkx views built from the store, and the HTML page (no browser here)."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from browser_util import c, extraction, per, sample_store, store_of

from defgraph.model import Event, Person, Place, Pledge
from defgraph.render import VIEWS, network, render, script_json, write_html

COUNTRY = "https://w3id.org/defgraph/id/country/"
PERSON = "https://w3id.org/defgraph/id/person/"
#: what each view needs besides the store
OPTIONS: dict[str, dict[str, object]] = {"ego": {"focus": "United Kingdom"}}
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def graph_data(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.DOTALL
    )
    assert match
    return json.loads(match.group(1))


def script_tags(html: str) -> list[dict[str, str | None]]:
    """Attributes of each <script> element, as an HTML parser sees them."""
    found: list[dict[str, str | None]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "script":
                found.append(dict(attrs))

    Parser().feed(html)
    return found


@pytest.fixture(scope="module")
def store():
    return sample_store()


def small_store():
    """Three events: GBR, FRA and DEU meet; GBR and FRA call; a GBR minister visits POL."""
    return store_of([
        extraction("Trilateral", date(2024, 1, 10), "x", "https://example.org/a",
                   events=[Event("Meeting", "Trilateral meeting", date(2024, 1, 10),
                                 participants=[c("GBR"), c("FRA"), c("DEU")])]),
        extraction("Call", date(2024, 2, 1), "y",
                   events=[Event("Call", "Phone call", date(2024, 2, 1),
                                 participants=[c("GBR"), c("FRA")])]),
        extraction("Visit", date(2024, 3, 5), "z",
                   people=[Person("jane-doe", "Jane Doe", "Minister", "GBR")],
                   events=[Event("Visit", "Visit to Warsaw", date(2024, 3, 5),
                                 convenors=[c("POL")], participants=[per("jane-doe")])]),
    ])  # fmt: skip


def test_countries_view_weights_edges_by_shared_events() -> None:
    g = network(small_store(), "countries")
    weights = {
        tuple(sorted((u.removeprefix(COUNTRY), v.removeprefix(COUNTRY)))): a["weight"]
        for u, v, a in g.edges(data=True)
    }
    assert weights == {("FRA", "GBR"): 2, ("DEU", "GBR"): 1, ("DEU", "FRA"): 1, ("GBR", "POL"): 1}
    assert all(a["label"] == "shared events" for *_, a in g.edges(data=True))
    gbr = g.nodes[COUNTRY + "GBR"]
    assert gbr["kind"] == "country" and gbr["label"] == "United Kingdom"
    assert gbr["centrality"] == 1.0  # linked to all three others
    assert gbr["details"]["events"] == "3"
    assert {a["community"] for _, a in g.nodes(data=True)} <= set(range(4))


def test_events_view_nodes_edges_and_details(store) -> None:
    g = network(store, "events")
    assert isinstance(g, nx.MultiDiGraph)
    kinds = {a["kind"] for _, a in g.nodes(data=True)}
    assert kinds == {"statement", "event", "country", "organisation", "person", "place", "pledge"}
    labels = {a["label"] for *_, a in g.edges(data=True)}
    assert {"participant", "convened by", "location", "reported in", "pledged by",
            "beneficiary", "represents", "attended virtually"} <= labels  # fmt: skip
    by_label = {a["label"]: (n, a) for n, a in g.nodes(data=True)}
    pid, pledge = by_label["British package of £450 million"]
    assert pledge["date"] == "2025-04-11" and pledge["confidence"] == 0.8
    d = pledge["details"]
    assert d["amount"] == "450,000,000 GBP"
    assert pledge["span"] == ("2025-04-11", "2025-04-11")
    [ev] = pledge["evidence"]
    assert ev["quote"] == "British package of £450 million"
    assert ev["statement"] == "Allies pledge fresh aid to Ukraine at Brussels meeting"
    assert ev["url"].startswith("https://www.atlanticdefencewire.com/")
    [source] = pledge["sources"]
    assert source["title"] == ev["statement"] and source["date"] == "2025-04-11"
    assert source["url"] == ev["url"]
    assert [e["label"] for e in pledge["events"]] == ["27th Ukraine Defense Contact Group"]
    assert all(isinstance(v, str) for _, a in g.nodes(data=True) for v in a["details"].values())
    assert {
        g.nodes[v]["label"] for _, v, k in g.out_edges(pid, keys=True) if k == "beneficiary"
    } == {"Ukraine"}
    eid, meeting = by_label["NATO Defence Ministers' Meeting"]
    assert meeting["details"]["type"] == "Meeting"
    assert meeting["details"]["date"] == "2024-06-13 – 2024-06-14"
    # a convenor is drawn once, as "convened by", not also as "participant"
    nato = by_label["NATO"][0]
    assert [k for _, v, k in g.out_edges(eid, keys=True) if v == nato] == ["convenedBy"]
    person = by_label["John Healey"][1]
    assert person["details"]["role"] == "Defence Secretary"
    assert person["details"]["represents"] == "United Kingdom"
    # a state's panel: its events (also through the people representing it), their evidence
    ukraine = by_label["Ukraine"][1]
    assert [e["label"] for e in ukraine["events"]] == [
        "Kubilius visit to Kyiv", "25th Danish support package",
        "27th Ukraine Defense Contact Group", "British package of £450 million",
        "Four IRIS-T air defence systems",
    ]  # fmt: skip
    assert ukraine["events"][0]["date"] == "2025-03-06 – 2025-03-07"
    assert {e["quote"] for e in ukraine["evidence"]} == {
        "DKK 3.5 billion", "co-chaired the meeting", "British package of £450 million"}
    assert [s["date"] for s in ukraine["sources"]] == ["2025-04-11", "2025-03-10", "2025-03-05"]
    assert ukraine["sources"][2]["url"] is None  # a statement with no address
    nosatii = by_label["Anatolie Nosatîi"][1]
    assert [e["label"] for e in nosatii["events"]] == ["Tîlvăr–Nosatîi call"]


def test_filters(store) -> None:
    events = lambda g: sorted(a["label"] for _, a in g.nodes(data=True) if a["kind"] == "event")
    g = network(store, date_from="2025-04-01", date_to=date(2025, 5, 13))
    assert events(g) == ["27th Ukraine Defense Contact Group", "Crystal Arrow 2025"]
    assert g.graph["filters"] == ["from 2025-04-01", "to 2025-05-13"]
    g = network(store, types=["call", "Exercise"])
    assert events(g) == ["Crystal Arrow 2025", "Tîlvăr–Nosatîi call"]
    assert not any(a["kind"] == "pledge" for _, a in g.nodes(data=True))
    assert events(network(store, types="Call")) == ["Tîlvăr–Nosatîi call"]
    g = network(store, types=["Pledge"])
    assert events(g) == [] and sum(a["kind"] == "pledge" for _, a in g.nodes(data=True)) == 3
    g = network(store, "countries", types=["Call"])
    assert sorted(a["label"] for _, a in g.nodes(data=True)) == ["Moldova", "Romania"]
    with pytest.raises(ValueError, match="unknown type"):
        network(store, types=["Meetng"])
    with pytest.raises(ValueError, match="unknown view"):
        network(store, "nope")
    with pytest.raises(ValueError, match="not a date"):
        network(store, date_from="last year")


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_page_references_nothing_remote(store, tmp_path: Path, view: str) -> None:
    html = render(store, tmp_path / "g.html", view, title="T", **OPTIONS.get(view, {})).read_text(
        "utf-8"
    )
    assert html.startswith("<!DOCTYPE html>")
    lowered = html.lower()
    for needle in ('src="http', "src='http", 'href="http', "href='http", "url(http",
                   'url("http', "url('http", "@import", "<link", "<iframe", "srcset"):  # fmt: skip
        assert needle not in lowered, needle
    assert not re.search(r"<script[^>]*\ssrc\s*=", lowered)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp and "default-src 'none'" in unescape(csp.group(1))
    assert script_tags(html) == [{"type": "application/json", "id": "graph-data"}, {}, {}]


def test_page_header_legend_and_counts(store, tmp_path: Path) -> None:
    g = network(store, "events", date_from="2024-01-01")
    html = write_html(
        g, tmp_path / "g.html", title="Defence <diplomacy>", subtitle="A & B"
    ).read_text()
    assert "<title>Defence &lt;diplomacy&gt;</title>" in html
    assert "A &amp; B" in html
    assert 'id="legend"' in html
    for name in ("Event", "Pledge", "Country", "Organisation", "Person", "Place", "Statement"):
        assert re.search(rf"</span>{name} <span class=\"count\">\d+</span>", html), name
    assert "10 events" in html and "3 pledges" in html and "17 countries" in html
    assert f"{g.number_of_nodes()} nodes" in html and f"{g.number_of_edges()} edges" in html
    assert "Filters: from 2024-01-01" in html
    assert re.search(r"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC", html)
    data = graph_data(html)
    assert len(data["nodes"]) == g.number_of_nodes() and len(data["edges"]) == g.number_of_edges()
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert data["options"]["physics"]["enabled"] is False


def test_countries_page_has_communities(tmp_path: Path) -> None:
    html = render(small_store(), tmp_path / "c.html", "countries", title="C").read_text()
    assert "Communities" in html and "Group 1:" in html
    data = graph_data(html)
    assert {e["value"] for e in data["edges"]} == {1, 2}


def test_hostile_person_label_is_escaped(tmp_path: Path) -> None:
    name = f"{SCRIPT}{IMG}"
    t = f"{name} met the Minister.\u2028"
    s = store_of([
        extraction(f"Statement {IMG}", date(2024, 5, 1), t, "https://example.org/x",
                   people=[Person("evil", name, f"Role {SCRIPT}", "GBR")],
                   places=[Place("p", "</script><!--", "GBR")],
                   events=[Event("Meeting", f"Meeting {IMG}", date(2024, 5, 1), place="p",
                                 participants=[c("GBR"), per("evil")])],
                   pledges=[Pledge(f"Pledge {SCRIPT}", donor=c("GBR"), recipient=c("GBR"))]),
    ])  # fmt: skip
    for view in VIEWS:
        options = {"focus": "GBR"} if view == "ego" else {}
        html = render(s, tmp_path / f"{view}.html", view, title=f"Title {SCRIPT}", **options)
        html = html.read_text()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "</script><!--" not in html
        assert "\u2028" not in html and "\u2029" not in html
        assert "<title>Title &lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
        assert len(script_tags(html)) == 3
    html = (tmp_path / "events.html").read_text()
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    labels = {label for _, info in graph_data(html)["info"] for label in [info["label"]]}
    assert name in labels and "</script><!--" in labels


def test_script_json_escapes_what_could_end_a_script() -> None:
    text = script_json({"a": "</script><!-- & \u2028\u2029 > é"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 > é"}


def test_empty_store_renders(tmp_path: Path) -> None:
    empty = store_of([])
    with pytest.raises(ValueError, match="nothing in the graph is called 'France'"):
        network(empty, "ego", focus="France")
    for view in ("events", "countries", "pledges"):
        g = network(empty, view)
        assert g.number_of_nodes() == 0
        html = write_html(g, tmp_path / f"{view}.html", title="Empty").read_text()
        assert "0 nodes" in html and "Nothing to draw." in html


def test_output_is_reproducible(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = render(store, tmp_path / "a.html", title="T").read_bytes()
    b = render(store, tmp_path / "b.html", title="T").read_bytes()
    assert a == b
    assert b"Built 2023-11-14 22:13 UTC" in a
