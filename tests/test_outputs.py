"""Outputs other tools take as they are (issue 14): typed data frames, Parquet, the command
line in pipes, the bundled gold set by name, every query listed, prefixes in the views' panel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import defgraph
from defgraph import KnowledgeGraph
from defgraph.cli import main
from defgraph.query import list_queries, list_violation_queries
from defgraph.resources import sample_data_dir

ENV = {**os.environ, "PYTHONPATH": str(Path(defgraph.__file__).resolve().parents[1])}


def defgraph_cmd(*args: str) -> list[str]:
    """The command line of a real `defgraph` process, running this checkout's package."""
    return [sys.executable, "-m", "defgraph.cli", *args]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> str:
    location = str(tmp_path_factory.mktemp("outputs") / "store")
    result = CliRunner().invoke(main, ["ingest", str(sample_dir), "--store", location])
    assert result.exit_code == 0, result.output
    return location


@pytest.fixture
def kg(store_dir: str) -> Iterator[KnowledgeGraph]:
    """The store, open for one test only (an open embedded store is locked to other processes)."""
    graph = KnowledgeGraph(store_dir)
    yield graph
    graph.close()


# -- typed data frames ---------------------------------------------------------------

def test_query_df_gives_numbers_as_numbers(kg: KnowledgeGraph) -> None:
    df = kg.query_df("pledges_by_donor")
    assert df["total"].dtype == "float64"
    assert df["pledges"].dtype == "Int64"
    assert df["min_confidence"].dtype == "float64"
    assert pd.api.types.is_string_dtype(df["donor"]) and df["donor"].str.startswith("https://").all()
    expected = sum(Decimal(r["total"]) for r in kg.query("pledges_by_donor"))
    assert expected > 0
    assert df["total"].sum() == pytest.approx(float(expected))
    assert int(df["pledges"].sum()) == sum(r["pledges"] for r in kg.query("pledges_by_donor"))


def test_query_df_gives_dates_and_booleans(kg: KnowledgeGraph) -> None:
    df = kg.query_df("events_timeline")
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert pd.api.types.is_datetime64_any_dtype(df["end_date"])
    assert df["planned"].dtype == "boolean"
    assert df["participant_count"].dtype == "Int64"
    assert df["participant_count"].isna().any() and df["participant_count"].notna().any()
    assert df["date"].min().year >= 2000 and (df["end_date"].dropna() >= df["date"][df["end_date"].notna()]).all()
    rows = kg.query("events_timeline")
    assert int(df["planned"].sum()) == sum(1 for r in rows if r.get("planned") is True)


def test_query_df_keeps_a_mixed_column_as_values(kg: KnowledgeGraph) -> None:
    df = kg.query_df("SELECT ?v WHERE { VALUES ?v { 1 'one' <https://example.org/x> } }")
    assert sorted(map(str, df["v"])) == ["1", "https://example.org/x", "one"]


def test_parquet_keeps_the_types(store_dir: str, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(main, ["query", "events_timeline", "--format", "parquet",
                                       "-o", str(out), "--store", store_dir])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    schema = table.schema
    assert pa.types.is_timestamp(schema.field("date").type)
    assert pa.types.is_boolean(schema.field("planned").type)
    assert pa.types.is_integer(schema.field("participant_count").type)
    assert pa.types.is_floating(schema.field("confidence").type)
    as_json = CliRunner().invoke(main, ["query", "events_timeline", "--format", "json",
                                        "--store", store_dir])
    assert table.num_rows == len(json.loads(as_json.output)["results"]["bindings"]) > 10


def test_parquet_needs_a_file_and_table_is_not_written(store_dir: str, tmp_path: Path) -> None:
    runner = CliRunner()
    no_file = runner.invoke(main, ["query", "events_timeline", "--format", "parquet",
                                   "--store", store_dir])
    assert no_file.exit_code == 2 and "-o" in no_file.output
    table = runner.invoke(main, ["query", "events_timeline", "-o", str(tmp_path / "t.txt"),
                                 "--store", store_dir])
    assert table.exit_code == 2 and not (tmp_path / "t.txt").exists()


def test_query_output_file_gets_the_rows_and_stdout_nothing(store_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    done = subprocess.run(defgraph_cmd("query", "pledges_by_donor", "--format", "csv", "-o", str(out),
                                       "--store", store_dir),
                          check=False, capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("donor,donor_iso") and len(lines) > 2


# -- the command line in pipes --------------------------------------------------------

def test_analyse_writes_its_file_when_the_reader_closes_the_pipe(store_dir: str,
                                                                 tmp_path: Path) -> None:
    ref = tmp_path / "ref.csv"
    whole = subprocess.run(defgraph_cmd("analyse", "--top", "1000", "-o", str(ref),
                                        "--store", store_dir),
                           check=False, capture_output=True, env=ENV, timeout=120)
    assert whole.returncode == 0, whole.stderr
    assert len(whole.stdout) > 8 * 1024  # more than one buffer: printing would meet the pipe
    # the reader is gone before the command prints a thing
    closed = tmp_path / "closed.csv"
    proc = subprocess.Popen(defgraph_cmd("analyse", "--top", "1000", "-o", str(closed),
                                         "--store", store_dir),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert closed.read_bytes() == ref.read_bytes()
    # and as the issue tried it, through head
    head = tmp_path / "head.csv"
    shell = subprocess.run(
        " ".join(f"'{a}'" for a in defgraph_cmd("analyse", "--top", "1000", "-o", str(head),
                                                  "--store", store_dir)) + " | head -1",
        shell=True, check=False, capture_output=True, text=True, env=ENV, timeout=120)
    assert len(shell.stdout.splitlines()) == 1
    assert "Traceback" not in shell.stderr, shell.stderr
    assert head.read_bytes() == ref.read_bytes()
    assert ref.read_text(encoding="utf-8").splitlines()[0].startswith("period,kind,rank")


def test_query_csv_into_a_closed_pipe_is_quiet(store_dir: str) -> None:
    proc = subprocess.Popen(defgraph_cmd("query", "event_evidence", "--format", "csv",
                                         "--store", store_dir),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0
    assert stderr == ""


# -- evaluate by name, every query listed ------------------------------------------------

def test_evaluate_takes_the_bundled_set_by_name(tmp_path: Path) -> None:
    done = subprocess.run(defgraph_cmd("evaluate", "dev", "--format", "json"), cwd=tmp_path,
                          check=False, capture_output=True, text=True, env=ENV, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    gold = json.loads((sample_data_dir() / "expected.json").read_text(encoding="utf-8"))
    entries = gold["statements"] if isinstance(gold, dict) else gold
    assert result["statements"] == len(entries)
    assert 0 < result["overall"]["f1"] <= 1


def test_evaluate_names_a_missing_gold_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "nope.json" in result.output and "dev" in result.output


def test_query_list_shows_every_name_query_accepts() -> None:
    result = CliRunner().invoke(main, ["query", "--list"], terminal_width=200)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for q in list_queries():
        assert any(q.name in line and "question" in line for line in lines), q.name
    assert list_violation_queries()
    for q in list_violation_queries():
        assert any(q.name in line and "validation" in line for line in lines), q.name
        ran = CliRunner().invoke(main, ["query", q.name, "--store", ":memory:"])
        assert "no canned query" not in ran.output


# -- prefixes in the views' panel ------------------------------------------------------

def test_panel_names_nodes_with_the_turtle_prefixes(kg: KnowledgeGraph, tmp_path: Path) -> None:
    html = kg.render(tmp_path / "v.html", view="events").read_text(encoding="utf-8")
    assert '["iri","country:GBR"]' in html
    assert '["iri","https://w3id.org/defgraph/id/' not in html


def test_a_prefixed_name_from_a_table_works_as_a_parameter(kg: KnowledgeGraph) -> None:
    from defgraph.vocab import curie

    event = kg.query("events_timeline")[0]["event"]
    short = curie(event)
    assert short.startswith("event:") and "/" not in short
    by_iri = kg.query("event_evidence", event=event)
    assert by_iri and kg.query("event_evidence", event=short) == by_iri
    assert kg.query("countries_activity", country="country:GBR") == \
        kg.query("countries_activity", country="GBR")
