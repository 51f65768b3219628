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
from click.testing import CliRunner

from defgraph.cli import VIEW_NAMES, main
from defgraph.model import Event, Person, Place, Pledge
from defgraph.render import (
    VIEWS,
    convert,
    fx_table,
    money,
    network,
    page,
    read_store,
    render,
    resolve_focus,
    script_json,
    write_html,
)

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
    def events(g):
        return sorted(a["label"] for _, a in g.nodes(data=True) if a["kind"] == "event")
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


# -- pledges ----------------------------------------------------------------------------


def test_fx_table_is_dated_sourced_and_complete() -> None:
    table = fx_table()
    assert table["base"] == "USD" and table["compiled"] and "Federal Reserve" in table["source"]
    main = ("GBP", "EUR", "USD", "NOK", "SEK", "DKK", "PLN", "AUD", "CAD", "JPY", "KRW", "CHF",
            "UAH")  # fmt: skip
    for currency in main:
        assert sorted(table["rates"][currency]) == ["2022", "2023", "2024", "2025"], currency
        assert all(rate > 0 for rate in table["rates"][currency].values())


def test_convert_uses_the_year_and_the_nearest_year() -> None:
    assert convert(100, "EUR", 2023) == (pytest.approx(100 / 0.9245), 2023)
    assert convert(100, "GBP", 2019) == (pytest.approx(100 / 0.8083), 2022)  # nearest year
    assert convert(100, "GBP", 2031) == (pytest.approx(100 / 0.7587), 2025)
    assert convert(100, "GBP", 2024, "EUR") == (pytest.approx(100 / 0.7824 * 0.9239), 2024)
    assert convert(100, "usd", None) == (100.0, 2025)
    assert convert(100, "XYZ", 2024) is None
    assert [money(x, "USD") for x in (593_119_810.2, 2.5e9, 12_500, 7)] == [
        "593 M USD", "2.5 bn USD", "12.5 k USD", "7 USD"]  # fmt: skip


def test_pledges_view_flows_widths_and_legend(store, tmp_path: Path) -> None:
    g = network(store, "pledges")
    assert {a["label"] for _, a in g.nodes(data=True)} == {
        "Denmark", "United Kingdom", "Germany", "Ukraine"}  # fmt: skip
    flows = {(u.removeprefix(COUNTRY), v.removeprefix(COUNTRY)): a for u, v, a in g.edges(data=True)}
    assert set(flows) == {("DNK", "UKR"), ("GBR", "UKR"), ("DEU", "UKR")}
    dnk, gbr, deu = flows["DNK", "UKR"], flows["GBR", "UKR"], flows["DEU", "UKR"]
    assert dnk["amount"] == pytest.approx(3.5e9 / 6.6)  # DKK at the 2025 average rate
    assert gbr["amount"] == pytest.approx(450e6 / 0.7587)
    assert gbr["value"] == pytest.approx(gbr["amount"] / 1e6) and gbr["caption"] == ""
    assert gbr["title"].startswith("1 pledge, ≈ 593 M USD")  # amounts on hover and in the legend
    assert "450,000,000 GBP ≈ 593 M USD (2025 rate) · 2025-04-11" in gbr["title"]
    assert gbr["parts"] == [("2025-04-11", "2025-04-11", pytest.approx(gbr["amount"]))]
    assert deu["value"] is None and deu["dashes"] and deu["relation"] == "pledged (in kind)"
    ukraine = g.nodes[COUNTRY + "UKR"]
    assert ukraine["role"] == "recipient" and ukraine["scale"] == 1.0
    assert ukraine["details"]["received"] == "≈ 1.12 bn USD in 3 pledges"
    assert g.nodes[COUNTRY + "DEU"]["details"]["pledged"] == "1 pledge, in kind"
    assert g.nodes[COUNTRY + "DNK"]["role"] == "donor"
    html = write_html(g, tmp_path / "p.html", title="P").read_text()
    assert "Federal Reserve G.5A annual averages" in html and fx_table()["compiled"] in html
    assert "Donor" in html and "Recipient" in html and "Dashed: in kind" in html
    assert "<h3>Amount pledged</h3>" in html and "593 M USD" in html  # the width legend
    eur = network(store, "pledges", currency="eur")
    gbr_eur = next(a for u, _, a in eur.edges(data=True) if u.endswith("GBR"))
    assert gbr_eur["amount"] == pytest.approx(450e6 / 0.7587 * 0.8850)
    with pytest.raises(ValueError, match="no exchange rates for 'XYZ'"):
        network(store, "pledges", currency="XYZ")
    assert network(store, "pledges", date_to="2025-03-31").number_of_edges() == 1
    assert network(store, "pledges", types=["Meeting"]).number_of_nodes() == 0


# -- ego --------------------------------------------------------------------------------


def test_resolve_focus_by_code_name_person_and_label(store) -> None:
    raw = read_store(store)
    lecornu = PERSON + "sebastien-lecornu"
    assert resolve_focus(raw, "FRA") == resolve_focus(raw, "france") == COUNTRY + "FRA"
    assert resolve_focus(raw, "UK") == COUNTRY + "GBR"  # a name the country lexicon knows
    assert resolve_focus(raw, "Sébastien Lecornu") == lecornu
    assert resolve_focus(raw, "sebastien lecornu") == lecornu  # accents and case folded
    assert resolve_focus(raw, "Lecornu") == lecornu  # part of one name
    assert resolve_focus(raw, "Brussels").endswith("/place/brussels")
    assert resolve_focus(raw, COUNTRY + "POL") == COUNTRY + "POL"
    with pytest.raises(ValueError, match="'Visit' is part of the name of 2 event nodes"):
        resolve_focus(raw, "Visit")
    with pytest.raises(ValueError, match="did you mean: France"):
        resolve_focus(raw, "Frnace")


def test_ego_view_depth_and_filters(store, tmp_path: Path) -> None:
    def hops(g):
        return sorted((a["hops"], a["label"]) for _, a in g.nodes(data=True))
    g = network(store, "ego", focus="France", depth=1)
    assert hops(g) == [(0, "France"), (1, "MGCS memorandum of understanding"),
                       (1, "NATO Defence Ministers' Meeting"), (1, "Sébastien Lecornu")]  # fmt: skip
    assert g.nodes[COUNTRY + "FRA"]["focus"] and g.graph["focus"] == "France (country), depth 1"
    g2 = network(store, "ego", focus="France", depth=2)
    assert {lab for d, lab in hops(g2) if d == 2} >= {"Germany", "Paris", "Brussels", "NATO"}
    assert g2.nodes[COUNTRY + "DEU"]["details"]["links from focus"] == "2"
    only_2024_june = network(store, "ego", focus="FRA", date_from="2024-06-01", depth=1)
    assert hops(only_2024_june) == [(0, "France"), (1, "NATO Defence Ministers' Meeting")]
    with pytest.raises(ValueError, match="France takes part in no event or pledge within"):
        network(store, "ego", focus="France", date_from="2025-01-01")
    with pytest.raises(ValueError, match="needs a focus"):
        network(store, "ego")
    html = render(store, tmp_path / "e.html", "ego", focus="France").read_text()
    assert "<title>defgraph: ego of France</title>" in html
    assert "Focus: France (country), depth 2" in html
    [focus] = [i for _, i in graph_data(html)["info"] if i.get("focus")]
    assert focus["label"] == "France"


# -- aggregation ------------------------------------------------------------------------


def test_big_views_are_aggregated_and_say_so(store, tmp_path: Path) -> None:
    full = network(store, "events", max_nodes=None)
    g = network(store, "events", max_nodes=40)
    assert full.number_of_nodes() > 40 >= g.number_of_nodes()
    assert not any(a["kind"] == "person" for _, a in g.nodes(data=True))
    assert g.graph["aggregated"][0].endswith(
        "people drawn as the state or organisation they represent (search finds them there)")
    assert "statements left out" in g.graph["aggregated"][1]
    gbr = g.nodes[COUNTRY + "GBR"]
    assert gbr["aliases"] == ["John Healey"] and gbr["details"]["drawn here"] == "John Healey"
    # the events the people took part in now link to their states
    assert g.has_edge(next(n for n, a in g.nodes(data=True) if a["label"] == "Tîlvăr–Nosatîi call"),
                      COUNTRY + "MDA", "participant")  # fmt: skip
    html = write_html(g, tmp_path / "a.html", title="A").read_text()
    assert "Aggregated to stay readable: " in html
    [gbr_info] = [i for _, i in graph_data(html)["info"] if i["label"] == "United Kingdom"]
    assert gbr_info["search"] == "gbr\njohn healey"  # the page's search finds him there
    assert network(store, "events").graph["aggregated"] == []  # small: drawn as it is
    # the focus of an ego view is never folded away
    ego = network(store, "ego", focus="Jens Stoltenberg", max_nodes=3)
    assert PERSON + "jens-stoltenberg" in ego


# -- notebooks and the command line -----------------------------------------------------


def test_show_embeds_the_page_in_a_sandboxed_srcdoc_iframe(store) -> None:
    view = page(store, "countries", title="C <b>")
    assert view.html.startswith("<!DOCTYPE html>") and "<title>C &lt;b&gt;</title>" in view.html
    frame = view._repr_html_()
    assert frame.startswith('<iframe title="C &lt;b&gt;" ') and frame.endswith("></iframe>")
    assert frame.count("<") == 2  # the page's own markup is all escaped in the attribute
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "allow-same-origin" not in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
    assert srcdoc and unescape(srcdoc.group(1)) == view.html


def test_render_command_lists_views_and_checks_options(tmp_path: Path) -> None:
    assert VIEW_NAMES == tuple(VIEWS)
    runner = CliRunner()
    result = runner.invoke(main, ["render", "--help"])
    assert result.exit_code == 0 and "[events|countries|pledges|ego|timeline]" in result.output
    for flag in ("--focus", "--depth", "--from", "--to", "--type", "--currency", "--max-nodes"):
        assert flag in result.output
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["render", "--view", "ego", "-o", "x.html", "--store", store])
    assert result.exit_code == 2 and "--view ego needs --focus" in result.output
    result = runner.invoke(main, ["render", "--view", "nope", "-o", "x.html", "--store", store])
    assert result.exit_code == 2 and "'nope' is not one of" in result.output


def test_show_and_render_write_the_same_page(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shown = page(store, "ego", focus="France", title="T").html
    assert shown == render(store, tmp_path / "e.html", "ego", focus="France", title="T").read_text()
