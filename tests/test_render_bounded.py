"""Bounded reads (views.scope): above ``limit`` events and pledges a view reads only that many.

The bound bites at scale; here a small ``limit`` makes it bite on the bundled corpus, and
the views must then say what they left out, and the countries and pledges lines must still
count every event and pledge (summed in the store), never a component on top of its total.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_util import ingested, sample_store
from conftest import DATA
from test_views_model import component_store

from defgraph.views import VIEWS, network, read_store, render
from defgraph.views.scope import DEFAULT_LIMIT, fill, read_scope

COUNTRY = "https://w3id.org/defgraph/id/country/"
OPTIONS: dict[str, dict[str, object]] = {"ego": {"focus": "United Kingdom"}}


@pytest.fixture(scope="module")
def corpus():
    """The bundled corpus, ingested through the whole pipeline."""
    return ingested(DATA / "statements")


def anchors(g) -> set[str]:
    return {n for n, a in g.nodes(data=True) if a.get("kind") in ("event", "pledge")}


def weights(g) -> dict[tuple[str, str], float]:
    return {(min(u, v), max(u, v)): a["weight"] for u, v, a in g.edges(data=True)}


def total_anchors(store) -> int:
    raw = read_store(store)
    return sum(1 for k in raw.kinds.values() if k in ("event", "pledge"))


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_bundled_corpus_is_drawn_whole_under_the_default_limit(corpus, view: str) -> None:
    assert total_anchors(corpus.store) <= DEFAULT_LIMIT
    bounded = network(corpus.store, view, **OPTIONS.get(view, {}))
    whole = network(corpus.store, view, limit=None, **OPTIONS.get(view, {}))
    assert set(bounded.nodes) == set(whole.nodes)
    assert sorted(bounded.edges(keys=True)) == sorted(whole.edges(keys=True))
    assert not bounded.graph.get("left_out")


def test_a_small_limit_reads_the_most_recent_and_says_how_many_of_how_many(corpus) -> None:
    total = total_anchors(corpus.store)
    whole = network(corpus.store, "events", limit=None)
    g = network(corpus.store, "events", limit=5)
    shown = anchors(g)
    assert 5 <= len(shown) < total  # the five, and the components of a total among them
    assert f"Read the 5 most recent of {total} events and pledges; {total - 5} left out" in (
        g.graph["left_out"]
    )
    assert "--from/--to" in g.graph["left_out"]
    latest = max(whole.nodes[n]["span"][0] for n in anchors(whole) if whole.nodes[n]["span"])
    assert latest in {g.nodes[n]["span"][0] for n in shown if g.nodes[n]["span"]}
    for n in shown:  # the same panel: quotes, sources, details
        assert g.nodes[n]["evidence"] == whole.nodes[n]["evidence"], n
        assert g.nodes[n]["sources"] == whole.nodes[n]["sources"], n
        assert g.nodes[n]["details"] == whole.nodes[n]["details"], n
    earliest = min(whole.nodes[n]["span"][0] for n in anchors(whole) if whole.nodes[n]["span"])
    assert earliest not in {g.nodes[n]["span"][0] for n in shown if g.nodes[n]["span"]}


def test_the_limit_keeps_to_the_dates_and_types(corpus) -> None:
    g = network(corpus.store, "timeline", limit=3, types=["Meeting"], date_from="2024-01-01")
    assert {a["type"] for _, a in g.nodes(data=True)} == {"Meeting"}
    assert all(a["span"][1] >= "2024-01-01" for _, a in g.nodes(data=True))
    assert len(g) <= 3
    whole = network(corpus.store, "timeline", limit=None, types=["Meeting"],
                    date_from="2024-01-01")  # fmt: skip
    if len(whole) > 3:
        assert f"of {len(whole)} events and pledges matching the filters" in g.graph["left_out"]


def test_countries_lines_count_every_shared_event_whatever_the_limit(corpus) -> None:
    whole = network(corpus.store, "countries", limit=None)
    g = network(corpus.store, "countries", limit=3)
    assert set(g.nodes) == set(whole.nodes)
    assert weights(g) == weights(whole)
    for _, _, a in g.edges(data=True):  # per month: [first day, last day, count, count]
        assert sum(p[3] for p in a["parts"]) == a["weight"]
        assert all(p[0] is None or p[0].endswith("-01") for p in a["parts"])
    assert "Lines count every shared event" in g.graph["left_out"]


def test_pledge_lines_sum_every_pledge_and_never_a_component(corpus) -> None:
    whole = network(corpus.store, "pledges", limit=None)
    g = network(corpus.store, "pledges", limit=1)
    assert set(g.nodes) == set(whole.nodes)
    for n, a in whole.nodes(data=True):
        assert g.nodes[n]["pledged_total"] == pytest.approx(a["pledged_total"])
        assert g.nodes[n]["received_total"] == pytest.approx(a["received_total"])
        assert g.nodes[n]["details"].get("pledged") == a["details"].get("pledged")
    assert g.nodes[COUNTRY + "USA"]["pledged_total"] == pytest.approx(2.5e9)
    heads = {(u, v): a["title"].splitlines()[0] for u, v, a in whole.edges(data=True)}
    assert {(u, v): a["title"].splitlines()[0] for u, v, a in g.edges(data=True)} == heads
    assert "Lines sum every pledge" in g.graph["left_out"]


def test_a_bounded_pledge_page_lists_the_components_of_a_total_it_read() -> None:
    s = component_store()
    g = network(s, "pledges", currency="EUR", limit=1)
    [(_, _, flow)] = list(g.edges(data=True))
    assert flow["amount"] == pytest.approx(350_000_000)  # 300 + 50, never + 100
    assert flow["title"].splitlines()[0] == "2 pledges, ≈ 350 M EUR"
    listed = "300 M package" in flow["title"]
    assert listed == ("◦ of which 100 M for drones: 100,000,000 EUR" in flow["title"])
    assert "more pledge" in flow["title"]
    whole = read_store(s)
    total = next(i for i in whole.kinds if whole.labels.get(i) == "300 M package")
    raw = read_scope(s, [total])
    assert raw.part_of and set(raw.part_of.values()) == {total}
    assert "100 M for drones" in network(s, "events", raw=raw).nodes[total]["details"]["components"]


def test_ego_reads_around_its_focus_only(corpus) -> None:
    whole = network(corpus.store, "ego", focus="United Kingdom", limit=None)
    g = network(corpus.store, "ego", focus="United Kingdom", limit=1)
    assert g.graph["focus_iri"] == whole.graph["focus_iri"] == COUNTRY + "GBR"
    assert len(anchors(g)) < len(anchors(whole))
    assert "involving United Kingdom" in g.graph["left_out"]


def test_the_note_is_on_the_page_escaped(corpus, tmp_path: Path) -> None:
    for view in ("timeline", "events"):
        html = render(corpus.store, tmp_path / f"{view}.html", view, limit=2).read_text("utf-8")
        note = re.search(r'id="left-out">([^<]*)<', html)
        assert note and "Read the 2 most recent of" in note.group(1)


def test_fill_writes_iris_and_refuses_a_malformed_one() -> None:
    text = fill("SELECT ?s WHERE { VALUES ?s { } ?s ?p ?o }", "s", ["https://example.org/a"])
    assert "VALUES ?s { <https://example.org/a> }" in text
    with pytest.raises(ValueError):
        fill("SELECT ?s WHERE { VALUES ?s { } }", "s", ["https://example.org/a> } ?x ?y {"])
    with pytest.raises(ValueError):
        fill("SELECT ?s WHERE { ?s ?p ?o }", "s", ["https://example.org/a"])


def test_the_small_sample_is_unchanged() -> None:
    s = sample_store()
    for view in VIEWS:
        a = network(s, view, **OPTIONS.get(view, {}))
        b = network(s, view, limit=None, **OPTIONS.get(view, {}))
        assert set(a.nodes) == set(b.nodes), view


@pytest.mark.parametrize("filters", [{"date_from": "2024-06-14"}, {"date_to": "2024-06-13"},
                                     {"types": ["Meeting"]}], ids=str)  # fmt: skip
def test_bounded_countries_lines_keep_to_the_filters(corpus, filters) -> None:
    whole = network(corpus.store, "countries", limit=None, **filters)
    assert weights(network(corpus.store, "countries", limit=2, **filters)) == weights(whole)


@pytest.mark.parametrize("filters", [{"date_from": "2024-06-01", "date_to": "2024-12-31"},
                                     {"types": ["Pledge"]}], ids=str)  # fmt: skip
def test_bounded_pledge_lines_keep_to_whole_months_and_types(corpus, filters) -> None:
    """Pledges are summed per month in the store: dates that start and end a month agree."""
    whole = network(corpus.store, "pledges", limit=None, **filters)
    g = network(corpus.store, "pledges", limit=1, **filters)
    assert {n: round(a["pledged_total"]) for n, a in g.nodes(data=True)} == {
        n: round(a["pledged_total"]) for n, a in whole.nodes(data=True)
    }
