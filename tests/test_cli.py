"""Every command through click's CliRunner, against a real on-disk Oxigraph store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from query_util import required_params

from defgraph.cli import main
from defgraph.stores import OxigraphStore


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def store(tmp_path: Path, runner: CliRunner, seed_file: Path) -> str:
    location = str(tmp_path / "store")
    result = runner.invoke(main, ["ingest", str(seed_file), "--store", location])
    assert result.exit_code == 0, result.output
    return location


def test_ingest_prints_a_table_and_is_idempotent(runner: CliRunner, store: str, seed_file: Path) -> None:
    again = runner.invoke(main, ["ingest", str(seed_file), "--store", store])
    assert again.exit_code == 0
    assert "unchanged" in again.output and "9" in again.output


def test_store_from_environment(runner: CliRunner, tmp_path: Path, seed_file: Path) -> None:
    location = tmp_path / "envstore"
    result = runner.invoke(main, ["ingest", str(seed_file)], env={"DEFGRAPH_STORE": str(location)})
    assert result.exit_code == 0
    assert location.is_dir()


def test_bad_inputs_are_named_and_the_rest_ingested(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (folder / "latin1.txt").write_bytes("Caf\xe9 talks".encode("latin-1"))
    (folder / "blank.html").write_text("<html><body><nav></nav></body></html>", encoding="utf-8")
    big = folder / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    (folder / "good.txt").write_text("Poland and Lithuania held talks\nThe ministers of Poland and "
                                     "Lithuania met in Vilnius on 3 March 2025.\n", encoding="utf-8")
    location = str(tmp_path / "s")
    result = runner.invoke(main, ["ingest", str(folder), "--store", location])
    assert result.exit_code == 1
    for name in ("empty.txt", "binary.txt", "latin1.txt", "blank.html", "huge.txt"):
        assert name in result.output, name
    rows = runner.invoke(main, ["query", "statements_list", "--format", "json", "--store", location])
    data = json.loads(rows.output)
    assert len(data["results"]["bindings"]) == 1


def test_query_list_shows_titles(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    assert "events_timeline" in result.output and "Who met whom" in result.output


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_every_canned_query_runs(runner: CliRunner, store: str, fmt: str) -> None:
    from defgraph.query import list_queries

    opened = OxigraphStore(Path(store), read_only=True)
    required = {q.name: required_params(q, opened, country="Ukraine") for q in list_queries()}
    opened.close()
    for q in list_queries():
        args = ["query", q.name, "--store", store, "--format", fmt]
        for name, value in required[q.name].items():
            args += ["--param", f"{name}={value}"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (q.name, result.output)
        if fmt == "json":
            assert "head" in json.loads(result.output)


def test_query_param_is_bound(runner: CliRunner, store: str) -> None:
    result = runner.invoke(main, ["query", "pledges_to_country", "--param", "country=UKR",
                                  "--format", "csv", "--store", store])
    assert result.exit_code == 0
    assert "300000000" in result.output


def test_a_long_result_is_cut_for_reading_and_whole_for_piping(
        runner: CliRunner, store: str, tmp_path: Path) -> None:
    rq = tmp_path / "every-triple.rq"
    rq.write_text("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", encoding="utf-8")
    every = runner.invoke(main, ["query", str(rq), "--format", "csv", "--store", store])
    total = len(every.output.splitlines()) - 1  # csv writes every row, and says nothing
    assert every.exit_code == 0 and total > 100
    table = runner.invoke(main, ["query", str(rq), "--store", store])
    assert table.exit_code == 0 and f"100 of {total:,} rows shown" in table.output
    whole = runner.invoke(main, ["query", str(rq), "--store", store, "--limit", "0"])
    assert whole.exit_code == 0 and "rows shown" not in whole.output
    assert len(whole.output.splitlines()) > len(table.output.splitlines())
    few = runner.invoke(main, ["query", str(rq), "--format", "csv", "--limit", "5",
                               "--store", store])
    lines = few.output.splitlines()
    assert f"5 of {total:,} rows written (--limit 5)" in lines
    assert len([line for line in lines if "rows written" not in line]) == 6
    # a result within the limit is shown whole, with no note
    short = runner.invoke(main, ["query", "statements_list", "--store", store, "--limit", "50"])
    assert short.exit_code == 0 and "rows shown" not in short.output
    assert runner.invoke(main, ["query", str(rq), "--limit", "-1", "--store", store]).exit_code == 2


def test_update_is_refused_without_flag(runner: CliRunner, store: str, tmp_path: Path) -> None:
    rq = tmp_path / "drop.rq"
    rq.write_text("DROP ALL", encoding="utf-8")
    refused = runner.invoke(main, ["query", str(rq), "--store", store])
    assert refused.exit_code == 2 and "update" in refused.output
    still = runner.invoke(main, ["query", "statements_list", "--format", "csv", "--store", store])
    assert len(still.output.splitlines()) == 10
    allowed = runner.invoke(main, ["query", str(rq), "--allow-update", "--store", store])
    assert allowed.exit_code == 0


def test_unknown_query_is_exit_2(runner: CliRunner, store: str) -> None:
    result = runner.invoke(main, ["query", "no_such_query", "--store", store])
    assert result.exit_code == 2 and "available" in result.output


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nquads", "trig", "jsonld"])
def test_export_formats(runner: CliRunner, store: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"g.{fmt}"
    result = runner.invoke(main, ["export", "--format", fmt, "-o", str(out), "--store", store])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


def test_render_writes_offline_html(runner: CliRunner, store: str, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    result = runner.invoke(main, ["render", "-o", str(out), "--store", store])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    import re

    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|@import""", html)


def test_validate_conforms(runner: CliRunner, store: str) -> None:
    result = runner.invoke(main, ["validate", "--store", store])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_build_writes_everything(runner: CliRunner, seed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(seed_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("graph.ttl", "graph.html", "countries.html", "summary.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["statements"] == 9 and summary["pledges"] == 1
    assert "events: Meeting" in result.output
    # the acceptance, read from the exported Turtle itself
    from rdflib import Graph

    g = Graph().parse(out / "graph.ttl", format="turtle")
    ask = g.query("""
        PREFIX dg: <https://w3id.org/defgraph/ontology#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        ASK { ?m a dg:Meeting ; dg:date "2024-10-17"^^xsd:date ; dg:participantCount 22 ;
                 dg:convenedBy <https://w3id.org/defgraph/id/country/DEU>,
                               <https://w3id.org/defgraph/id/country/NLD> ;
                 dg:participant ?ec, ?council, ?nato .
              ?ec rdfs:label "European Commission" . ?council rdfs:label "Council of the EU" .
              ?nato rdfs:label "NATO" .
              ?p a dg:Pledge ; dg:amount ?amount ; dg:currency "EUR" ;
                 dg:pledgedBy <https://w3id.org/defgraph/id/country/DEU> ;
                 dg:beneficiary <https://w3id.org/defgraph/id/country/UKR> .
              FILTER(?amount = 300000000) }""")
    assert ask.askAnswer


def test_demo_runs_on_the_bundled_corpus(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(main, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["statements"] >= 25


def test_evaluate_prints_scores(runner: CliRunner, tmp_path: Path) -> None:
    gold = Path(__file__).resolve().parents[1] / "data" / "expected.json"
    result = runner.invoke(main, ["evaluate", str(gold), "--format", "json"])
    assert result.exit_code == 0
    parts = json.loads(result.output)
    assert set(parts) == {"dev", "test"}  # data/test/expected.json beside the development part
    assert set(parts["dev"]["categories"]) == {"events", "persons", "pledges", "states", "attributes"}


def test_help_of_every_command_ends_with_an_example(runner: CliRunner) -> None:
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, name


def _all_quads(location: str) -> set[str]:
    from defgraph.stores import OxigraphStore

    store = OxigraphStore(location, read_only=True)
    try:
        return {str(q) for q in store.quads(include_ontology=True)}
    finally:
        store.close()


def test_compact_keeps_the_graph(runner: CliRunner, store: str) -> None:
    before = _all_quads(store)
    result = runner.invoke(main, ["compact", "--store", store])
    assert result.exit_code == 0, result.output
    assert "compacted" in result.output
    assert _all_quads(store) == before and before


def test_a_large_ingest_compacts_and_a_small_one_does_not(
        tmp_path: Path, sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from defgraph import pipeline
    from defgraph.stores import OxigraphStore

    calls: list[str] = []
    compact = OxigraphStore.compact

    def counted(self: OxigraphStore) -> bool:
        calls.append(self.location)
        return compact(self)

    monkeypatch.setattr(OxigraphStore, "compact", counted)
    files = sorted(sample_dir.glob("*.txt"))
    monkeypatch.setattr(pipeline, "COMPACT_AFTER", 10**9)
    with pipeline.KnowledgeGraph(tmp_path / "store") as kg:
        stored = kg.ingest(*files).stored
        assert stored > 1 and calls == []  # fewer than the threshold: no compaction
    monkeypatch.setattr(pipeline, "COMPACT_AFTER", stored)
    with pipeline.KnowledgeGraph(tmp_path / "store") as kg:
        assert kg.ingest(*files).stored == 0 and calls == []  # nothing new: nothing to compact
    with pipeline.KnowledgeGraph(tmp_path / "other") as kg:
        assert kg.ingest(*files).stored == stored and len(calls) == 1
        assert kg.query("events_timeline")  # the compacted store still answers
