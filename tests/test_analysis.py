"""analysis: centrality and communities of who meets whom, on a graph small enough to check by hand."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from browser_util import c, extraction, per, store_of
from click.testing import CliRunner

from defgraph.analysis import analyse, period_of
from defgraph.cli import main
from defgraph.model import Event, Person
from defgraph.pipeline import KnowledgeGraph
from defgraph.views.model import read_store

COUNTRY = "https://w3id.org/defgraph/id/country/"


def small_store():
    """Three clusters in a chain: GBR-FRA-DEU | GBR-POL-Doe | POL-LTU-Lis, and EST off LTU.

    GBR, POL and LTU are cut vertices, so betweenness is simple to count by hand:
    with 8 actors there are 7 * 6 / 2 = 21 pairs of others;
    GBR stands between {FRA, DEU} and the 5 on the far side: 10 pairs -> 10/21;
    POL between {GBR, FRA, DEU, Doe} and {LTU, Lis, EST}: 12 pairs -> 12/21;
    LTU between EST and the 6 others: 6 pairs -> 6/21.
    """
    return store_of([
        extraction("E1", date(2024, 1, 10), "a",
                   events=[Event("Meeting", "Trilateral", date(2024, 1, 10),
                                 participants=[c("GBR"), c("FRA"), c("DEU")])]),
        extraction("E2", date(2024, 2, 1), "b",
                   events=[Event("Call", "Call", date(2024, 2, 1),
                                 participants=[c("GBR"), c("FRA")])]),
        # GBR takes part through the person who represents it
        extraction("E3", date(2024, 5, 5), "c",
                   people=[Person("jane-doe", "Jane Doe", "Minister", "GBR")],
                   events=[Event("Visit", "Visit to Warsaw", date(2024, 5, 5),
                                 convenors=[c("POL")], participants=[per("jane-doe")])]),
        extraction("E4", date(2025, 3, 1), "d",
                   people=[Person("ana-lis", "Ana Lis", "Minister", "LTU")],
                   events=[Event("Meeting", "Vilnius talks", date(2025, 3, 1),
                                 participants=[c("POL"), c("LTU"), per("ana-lis")])]),
        # no date of its own: dated by its statement
        extraction("E5", date(2025, 6, 10), "e",
                   events=[Event("Call", "Baltic call", None, participants=[c("LTU"), c("EST")])]),
        # no date at all
        extraction("E6", None, "f",  # type: ignore[arg-type]
                   events=[Event("Meeting", "Undated talks", None,
                                 participants=[c("FRA"), c("DEU")])]),
    ])  # fmt: skip


@pytest.fixture(scope="module")
def store():
    return small_store()


def table(rows):
    return [(r.kind, r.rank, r.label, r.events, r.degree, round(r.degree_centrality, 4),
             round(r.betweenness, 4), r.community) for r in rows]  # fmt: skip


def test_metrics_over_all_events(store) -> None:
    a = analyse(store)
    assert a.periods() == ["all"] and a.events == {"all": 6}
    assert table(a.rows) == [
        ("country", 1, "United Kingdom", 3, 4, round(4 / 7, 4), round(10 / 21, 4), 2),
        ("country", 2, "Poland", 2, 4, round(4 / 7, 4), round(12 / 21, 4), 1),
        ("country", 3, "Lithuania", 2, 3, round(3 / 7, 4), round(6 / 21, 4), 1),
        ("country", 4, "France", 3, 2, round(2 / 7, 4), 0.0, 2),
        ("country", 5, "Germany", 2, 2, round(2 / 7, 4), 0.0, 2),
        ("country", 6, "Estonia", 1, 1, round(1 / 7, 4), 0.0, 1),
        ("person", 1, "Ana Lis", 1, 2, round(2 / 7, 4), 0.0, 1),
        ("person", 2, "Jane Doe", 1, 2, round(2 / 7, 4), 0.0, 1),
    ]  # fmt: skip
    # Jane Doe, tied to GBR and POL alike, goes with Poland: modularity 1/3 against 23/72
    assert a.communities["all"] == [
        ["Poland", "Lithuania", "Ana Lis", "Jane Doe", "Estonia"],
        ["United Kingdom", "France", "Germany"],
    ]
    assert [r.label for r in a.top("all", "country", 2)] == ["United Kingdom", "Poland"]
    assert a.rows[0].iri == COUNTRY + "GBR"


def test_metrics_per_year_and_quarter(store) -> None:
    by_year = analyse(store, "year")
    assert by_year.events == {"2024": 3, "2025": 2, "undated": 1}
    assert by_year.communities == {
        "2024": [["United Kingdom", "France", "Germany"], ["Jane Doe", "Poland"]],
        "2025": [["Ana Lis", "Poland"], ["Lithuania", "Estonia"]],
        "undated": [["France", "Germany"]],
    }
    y2024 = [(r.label, r.events, r.degree, round(r.betweenness, 4))
             for r in by_year.rows if r.period == "2024"]  # fmt: skip
    # 2024: GBR-FRA-DEU and GBR-POL-Doe; 5 actors, 6 pairs of others; GBR between 2 x 2 of them
    assert y2024 == [
        ("United Kingdom", 3, 4, round(4 / 6, 4)),
        ("France", 2, 2, 0.0),
        ("Germany", 1, 2, 0.0),
        ("Poland", 1, 2, 0.0),
        ("Jane Doe", 1, 2, 0.0),
    ]
    assert [r.label for r in by_year.rows if r.period == "undated"] == ["France", "Germany"]
    by_quarter = analyse(store, "quarter")
    assert by_quarter.periods() == ["2024-Q1", "2024-Q2", "2025-Q1", "2025-Q2", "undated"]
    assert [r.label for r in by_quarter.rows if r.period == "2025-Q2"] == ["Estonia", "Lithuania"]
    assert analyse(store, "year", date_from="2025-01-01").events == {"2025": 2}
    assert analyse(store, types=["Call"]).events == {"all": 2}
    with pytest.raises(ValueError, match="unknown period"):
        analyse(store, "month")  # type: ignore[arg-type]


def test_period_of() -> None:
    assert period_of(date(2024, 5, 5), None) == "all"
    assert period_of(date(2024, 5, 5), "year") == "2024"
    assert [period_of(date(2025, m, 1), "quarter") for m in (1, 3, 4, 7, 12)] == [
        "2025-Q1", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]  # fmt: skip
    assert period_of(None, "year") == "undated"


def test_csv(store) -> None:
    text = analyse(store, "year").to_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["period", "kind", "rank", "label", "iri", "events", "degree",
                             "degree_centrality", "betweenness", "community"]  # fmt: skip
    assert rows[0] == {
        "period": "2024", "kind": "country", "rank": "1", "label": "United Kingdom",
        "iri": COUNTRY + "GBR", "events": "3", "degree": "4", "degree_centrality": "1.0000",
        "betweenness": "0.6667", "community": "1",
    }  # fmt: skip
    assert len(rows) == 5 + 4 + 2  # 2024, 2025, undated


@pytest.mark.parametrize("by", [None, "year", "quarter"])
def test_the_narrow_read_gives_the_analysis_of_the_whole_read_model(sample_dir: Path, by) -> None:
    """analyse reads only events, their parties, dates and the actors' labels (read_network);
    on the sample corpus that gives the same rows and communities as the views' whole read
    model, with filters too."""
    kg = KnowledgeGraph(":memory:")
    kg.ingest(sample_dir)
    for filters in ({}, {"date_from": "2025-01-01"}, {"types": ["Meeting", "Visit"]}):
        narrow = analyse(kg.store, by, **filters)  # type: ignore[arg-type]
        whole = analyse(kg.store, by, read=read_store, **filters)  # type: ignore[arg-type]
        assert narrow.rows and narrow.rows == whole.rows, filters
        assert narrow.communities == whole.communities and narrow.events == whole.events


def test_the_narrow_read_dates_an_undated_event_by_its_statements(store) -> None:
    narrow, whole = analyse(store, "year"), analyse(store, "year", read=read_store)
    assert narrow.events == whole.events == {"2024": 3, "2025": 2, "undated": 1}
    assert narrow.rows == whole.rows


def test_empty_store() -> None:
    a = analyse(store_of([]))
    assert a.rows == [] and a.periods() == [] and a.to_csv().count("\n") == 1


def test_analyse_command(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    kg = KnowledgeGraph(str(folder))
    for g in small_store().named_graphs():
        kg.store.replace_graph(g, small_store().graph_quads(g))
    kg.rebuild()
    kg.close()
    out = tmp_path / "m.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["analyse", "--by", "year", "-o", str(out), "--store", str(folder)],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "2024: 3 events" in result.output and "United Kingdom" in result.output
    # in 80 columns each row still shows its kind and the whole name
    assert any("│ state  │ 1 │ United Kingdom" in line for line in result.output.splitlines())
    assert max(len(line) for line in result.output.splitlines() if "│" in line) <= 80
    assert "communities: 1: United Kingdom, France, Germany; 2: Jane Doe, Poland" in result.output
    assert out.read_text().splitlines()[1].startswith("2024,country,1,United Kingdom,")
    result = runner.invoke(main, ["analyse", "--by", "month", "--store", str(folder)])
    assert result.exit_code == 2
    assert "[year|quarter]" in runner.invoke(main, ["analyse", "--help"]).output
