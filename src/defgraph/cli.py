"""The `defgraph` command line: each command parses options, calls the library, reports.

Exit codes: 0 success; 1 done, but some input failed (or the graph does not
conform, for `validate`); 2 error (bad usage, unreadable store, bad query).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from . import ingest as ingest_mod
from .export import EXTENSIONS, FORMATS, ExportError
from .pipeline import IngestReport, KnowledgeGraph
from .store import STORE_ENV, StoreError

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class DefgraphError(click.ClickException):
    exit_code = EXIT_ERROR


UPDATE_URL_ENV = "DEFGRAPH_UPDATE_URL"


def store_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--store DIR|URL and --update-url, shared by every command that reads or writes the graph.

    A store error the command does not handle itself ends it with exit 2 and its message.
    """
    @click.option("--store", "store", envvar=STORE_ENV, default=None, metavar="DIR|URL",
                  help=f"Store folder, or http(s) URL of a SPARQL endpoint (default ./.defgraph; "
                       f"or ${STORE_ENV}). Credentials: DEFGRAPH_USER/DEFGRAPH_PASSWORD or ~/.netrc.")
    @click.option("--update-url", "update_url", envvar=UPDATE_URL_ENV, default=None, metavar="URL",
                  help=f"SPARQL update URL, when the endpoint takes updates elsewhere (or ${UPDATE_URL_ENV}).")
    @functools.wraps(f)
    def wrapper(*args: Any, update_url: str | None = None, **kwargs: Any) -> Any:
        click.get_current_context().meta["defgraph.update_url"] = update_url
        try:
            return f(*args, **kwargs)
        except StoreError as exc:
            raise DefgraphError(str(exc)) from exc
    return wrapper


def workers_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--workers N, shared by the commands that ingest."""
    return click.option(
        "--workers", "-j", type=click.IntRange(min=0), default=None, metavar="N",
        help="Processes extracting in parallel (default: 1 for fewer than 50 files, "
             "else one per core; 0: one per core).")(f)


def _open(store: str | None) -> KnowledgeGraph:
    """Open the store for this command; it is closed (and its lock freed) when the command ends."""
    ctx = click.get_current_context(silent=True)
    update_url = ctx.meta.get("defgraph.update_url") if ctx is not None else None
    try:
        kg = KnowledgeGraph(store, update_url=update_url)
    except StoreError as exc:
        raise DefgraphError(str(exc)) from exc
    if ctx is not None:
        ctx.call_on_close(kg.close)
    return kg


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="defgraph")
def main() -> None:
    """Turn official statements about defence diplomacy into a knowledge graph.

    \b
    Example:
      defgraph build statements/ -o out/
    """


def _ingest(kg: KnowledgeGraph, paths: tuple[str, ...], quiet: bool = False,
            workers: int | None = None) -> IngestReport:
    from .bulk import IngestProgress

    files = sum(1 for _ in ingest_mod.iter_paths(paths)) if paths else 0
    with IngestProgress(files, console=err, disable=quiet or not err.is_terminal) as tick:
        report = kg.ingest(*paths, on_item=tick, workers=workers)
    for f in report.failures:
        err.print(f"[red]error[/red] {f.path}: {f.reason}", highlight=False, markup=True)
    return report


def _report_table(report: IngestReport) -> Table:
    t = Table(title="ingest", show_header=True)
    t.add_column("statements read", justify="right")
    t.add_column("stored", justify="right")
    t.add_column("unchanged", justify="right")
    t.add_column("failed files", justify="right")
    t.add_column("events found")
    t.add_row(str(report.statements), str(report.stored), str(report.unchanged),
              str(len(report.failures)),
              ", ".join(f"{k} {v}" for k, v in sorted(report.events.items())) or "-")
    return t


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
@workers_option
def ingest(paths: tuple[str, ...], store: str | None, workers: int | None) -> None:
    """Read files or folders of statements (plain text, HTML) into the store.

    Each statement becomes one named graph; ingesting it again changes nothing.
    A bad file is reported by name and the rest of the batch goes on (exit 1).

    \b
    Example:
      defgraph ingest data/statements/ press-release.html --store ./.defgraph
      defgraph ingest corpus/ --workers 4
    """
    kg = _open(store)
    report = _ingest(kg, paths, workers=workers)
    out.print(_report_table(report))
    _stop_if_aborted(report)
    sys.exit(EXIT_OK if report.ok else EXIT_PARTIAL)


@main.command()
@store_option
def rebuild(store: str | None) -> None:
    """Recompute the consolidated graph from the statements' own graphs.

    Ingest keeps the consolidated graph (one node per event, person, pledge, each
    fact once, with its sources) up to date by itself; rebuild recomputes it whole,
    for instance after a run was cut short, and gives the same graph.

    \b
    Example:
      defgraph ingest data/statements && defgraph rebuild
    """
    kg = _open(store)
    n = kg.rebuild()
    out.print(f"consolidated graph rebuilt: {n:,} triples")


def _stop_if_aborted(report: IngestReport) -> None:
    """Exit 2 when the store stopped answering mid-run; the statements not stored are listed above."""
    if report.aborted:
        missing = sum(1 for f in report.failures if "not stored" in f.reason)
        raise DefgraphError(
            f"the store stopped answering, so {missing} statement(s) were not stored (listed "
            f"above): {report.aborted}. Run the same command again once it answers: statements "
            "already stored are left as they are, the rest are added.")


@main.command()
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="turtle",
              show_default=True, help="RDF serialisation.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write ('-' for standard output).")
@click.option("--with-ontology", is_flag=True, help="Include the ontology's own triples.")
@store_option
def export(fmt: str, output: str, with_ontology: bool, store: str | None) -> None:
    """Write the graph as Turtle, N-Triples, N-Quads, TriG or JSON-LD.

    \b
    Example:
      defgraph export --format turtle -o graph.ttl
    """
    kg = _open(store)
    try:
        if output == "-":
            n = kg.export(sys.stdout.buffer, fmt, include_ontology=with_ontology)  # type: ignore[arg-type]
        else:
            n = kg.export(output, fmt, include_ontology=with_ontology)
    except ExportError as exc:
        raise DefgraphError(str(exc)) from exc
    if output != "-":
        err.print(f"wrote {n} {'quads' if fmt in ('nquads', 'trig') else 'triples'} to {output}")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"{v!r}: write parameters as name=value", param_hint="--param")
        k, _, val = v.partition("=")
        params[k.strip()] = val
    return params


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable); bound by the engine, never pasted in.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="table for reading; csv or json (SPARQL results JSON) for piping.")
@click.option("--list", "list_", is_flag=True, help="List the canned queries with their titles.")
@click.option("--allow-update", is_flag=True, help="Permit SPARQL updates (refused otherwise).")
@store_option
def query(name: str | None, params: tuple[str, ...], fmt: str, list_: bool, allow_update: bool,
          store: str | None) -> None:
    """Run a canned query by NAME, or a .rq file, over the store.

    \b
    Examples:
      defgraph query --list
      defgraph query events_by_country --param country=France
      defgraph query my-question.rq --format csv > rows.csv
    """
    from .query import QueryError, list_queries, load_query, run_query, to_csv, to_json, to_table

    if list_:
        t = Table(title="canned queries")
        t.add_column("name")
        t.add_column("title")
        t.add_column("parameters")
        for q in list_queries():
            t.add_row(q.name, q.title, ", ".join(
                f"{p.name}{'?' if p.optional else ''}" for p in q.params) or "-")
        out.print(t)
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE.rq, or --list")
    kg = _open(store)
    try:
        q = load_query(name)
        result = run_query(kg.store, q, _parse_params(params), allow_update=allow_update)
    except QueryError as exc:
        raise DefgraphError(str(exc)) from exc
    if result is None:
        err.print("update applied")
        return
    if fmt == "csv":
        click.echo(to_csv(result), nl=False)
    elif fmt == "json":
        click.echo(to_json(result))
    else:
        out.print(to_table(result, title=q.title))


#: the views of `defgraph render` (defgraph.render.VIEWS; a test keeps the two in step)
VIEW_NAMES = ("events", "countries", "pledges", "ego")


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--from, --to and --type: which events and pledges, shared by render and analyse."""
    f = click.option("--type", "types", multiple=True, metavar="TYPE",
                     help="Only these event types, or Event / Pledge (repeatable).")(f)
    f = click.option("--to", "date_to", default=None, metavar="YYYY-MM-DD",
                     help="Events and pledges up to this day.")(f)
    return click.option("--from", "date_from", default=None, metavar="YYYY-MM-DD",
                        help="Events and pledges from this day.")(f)


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--view", type=click.Choice(VIEW_NAMES), default="events", show_default=True,
              help="events: who did what, where, said by whom; countries: states linked by shared "
                   "events; pledges: who pledged how much to whom; ego: around one --focus.")
@filter_options
@click.option("--focus", default=None, metavar="NAME",
              help="ego view: a country (name or ISO code), a person, or any label.")
@click.option("--depth", type=click.IntRange(min=1), default=2, show_default=True,
              help="ego view: how many links from the focus.")
@click.option("--currency", default="USD", show_default=True, metavar="CODE",
              help="pledges view: convert amounts to this currency (shipped yearly rates).")
@click.option("--max-nodes", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Above this, aggregate (people into their states...); 0: never.")
@click.option("--title", default=None, help="Page title.")
@store_option
def render(output: str, view: str, date_from: str | None, date_to: str | None,
           types: tuple[str, ...], focus: str | None, depth: int, currency: str,
           max_nodes: int, title: str | None, store: str | None) -> None:
    """Draw the graph as one self-contained interactive HTML file (works offline).

    \b
    Examples:
      defgraph render --view countries -o countries.html
      defgraph render --view ego --focus France --depth 2 --from 2025-03-01 -o france.html
      defgraph render --view pledges --currency EUR --type Pledge -o pledges.html
    """
    if view == "ego" and not focus:
        raise click.UsageError("--view ego needs --focus (a country, a person or any label)")
    kg = _open(store)
    try:
        path = kg.render(output, view=view, date_from=date_from, date_to=date_to,
                         types=list(types) or None, focus=focus, depth=depth,
                         currency=currency, max_nodes=max_nodes or None, title=title)
    except (ValueError, KeyError) as exc:
        raise DefgraphError(str(exc)) from exc
    err.print(f"wrote {path}")


@main.command()
@click.option("--by", type=click.Choice(["year", "quarter"]), default=None,
              help="Analyse each year or quarter on its own.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Write every actor's metrics to this CSV file.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Rows shown per kind of actor and period.")
@filter_options
@store_option
def analyse(by: str | None, output: str | None, top: int, date_from: str | None,
            date_to: str | None, types: tuple[str, ...], store: str | None) -> None:
    """Network metrics of who meets whom: degree and betweenness centrality, communities.

    Prints the most connected countries, organisations and people; -o writes
    every actor's row (period, kind, rank, label, iri, events, degree,
    degree_centrality, betweenness, community) as CSV.

    \b
    Examples:
      defgraph analyse
      defgraph analyse --by quarter -o metrics.csv
    """
    from .analysis import summary_tables

    kg = _open(store)
    try:
        result = kg.analyse(by, date_from=date_from, date_to=date_to, types=list(types) or None)
    except ValueError as exc:
        raise DefgraphError(str(exc)) from exc
    if not result.rows:
        err.print("no events to analyse")
    for table in summary_tables(result, top):
        out.print(table)
    if output:
        Path(output).write_text(result.to_csv(), encoding="utf-8")
        err.print(f"wrote {len(result.rows)} rows to {output}")


@main.command()
@store_option
def validate(store: str | None) -> None:
    """Check the graph against the SHACL shapes: exit 0 conforms, 1 does not, 2 error.

    \b
    Example:
      defgraph validate --store ./.defgraph
    """
    from .validate import ValidationError

    kg = _open(store)
    try:
        report = kg.validate()
    except ValidationError as exc:
        raise DefgraphError(str(exc)) from exc
    if report.conforms:
        out.print("conforms")
        return
    t = Table(title=f"{len(report.violations)} violations")
    t.add_column("focus node")
    t.add_column("path")
    t.add_column("message")
    for focus, path, message in report.violations:
        t.add_row(str(focus), str(path), str(message))
    out.print(t)
    sys.exit(EXIT_PARTIAL)


def _summary_table(summary: dict[str, Any]) -> Table:
    t = Table(title="knowledge graph")
    t.add_column("what")
    t.add_column("count", justify="right")
    t.add_row("statements", str(summary["statements"]))
    for etype, n in summary["events"].items():
        t.add_row(f"events: {etype}", str(n))
    for key in ("countries", "organisations", "persons", "pledges", "triples"):
        t.add_row(key, str(summary[key]))
    return t


def _build(paths: tuple[str, ...], outdir: Path, store: str | None,
           workers: int | None = None) -> int:
    outdir.mkdir(parents=True, exist_ok=True)
    kg = _open(store if store else str(outdir / "store"))
    report = _ingest(kg, paths, workers=workers)
    if report.aborted:
        out.print(_report_table(report))
        _stop_if_aborted(report)
    try:
        kg.export(outdir / "graph.ttl", "turtle")
    except ExportError as exc:
        raise DefgraphError(str(exc)) from exc
    kg.render(outdir / "graph.html", view="events")
    kg.render(outdir / "countries.html", view="countries")
    summary = kg.summary()
    (outdir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    out.print(_report_table(report))
    out.print(_summary_table(summary))
    out.print(f"wrote {outdir / 'graph.ttl'}, {outdir / 'graph.html'}, {outdir / 'countries.html'}, "
              f"{outdir / 'summary.json'}; store in {kg.store.location}")
    return EXIT_OK if report.ok else EXIT_PARTIAL


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for graph.ttl, graph.html, countries.html, summary.json and the store.")
@store_option
@workers_option
def build(paths: tuple[str, ...], outdir: str, store: str | None, workers: int | None) -> None:
    """The main job: ingest, export Turtle, render HTML, print a summary.

    The store is OUTDIR/store unless --store names another.

    \b
    Example:
      defgraph build statements/ -o out/
    """
    sys.exit(_build(paths, Path(outdir), store, workers))


@main.command()
@click.option("-o", "--output", "outdir", default="defgraph-demo", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write to.")
def demo(outdir: str) -> None:
    """Run `build` on the bundled sample corpus into ./defgraph-demo/.

    \b
    Example:
      defgraph demo && xdg-open defgraph-demo/graph.html
    """
    from .resources import sample_data_dir

    sys.exit(_build((str(sample_data_dir() / "statements"),), Path(outdir), None))


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False), default=None,
              help="Write every mismatch, per statement, to this JSON file.")
@click.option("--corrections", "corrections", type=click.Path(exists=True, dir_okay=False),
              default=None, metavar="FILE",
              help="Score with these analysts' corrections (defgraph correct export) applied, "
                   "and print the score without them beside it.")
def evaluate(gold: str, fmt: str, errors_file: str | None, corrections: str | None) -> None:
    """Score extraction against a gold file: precision, recall, F1 per category.

    \b
    Example:
      defgraph evaluate data/expected.json
      defgraph correct export -o corrections.ttl --store defgraph-demo/store
      defgraph evaluate data/expected.json --corrections corrections.ttl
    """
    from .evaluate import EvaluationError
    from .evaluate import evaluate as run

    try:
        ev = run(gold, corrections=corrections)
        plain = run(gold) if corrections else None
    except EvaluationError as exc:
        raise DefgraphError(str(exc)) from exc
    if errors_file:
        Path(errors_file).write_text(json.dumps(ev.errors, indent=1, default=str), encoding="utf-8")
    if plain is not None:
        _curation_gain(ev, plain, fmt)
        return
    result = ev.as_dict()
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    t = Table(title=f"evaluation on {ev.statements} statements")
    for col in ("category", "precision", "recall", "F1", "tp", "fp", "fn"):
        t.add_column(col, justify="left" if col == "category" else "right")
    rows = list(result["categories"].items()) + [("overall", result["overall"])]
    for name, s in rows:
        t.add_row(name, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                  str(s["tp"]), str(s["fp"]), str(s["fn"]))
    out.print(t)


def _curation_gain(curated: Any, plain: Any, fmt: str) -> None:
    """Scores with and without corrections, and the difference: the value of curation."""
    a, b = plain.as_dict(), curated.as_dict()
    if fmt == "json":
        click.echo(json.dumps({"without_corrections": a, "with_corrections": b,
                               "f1_gain": round(b["overall"]["f1"] - a["overall"]["f1"], 3)},
                              indent=2))
        return
    t = Table(title=f"evaluation on {curated.statements} statements, without and with corrections")
    for col in ("category", "F1 without", "F1 with", "gain"):
        t.add_column(col, justify="left" if col == "category" else "right")
    for name in list(a["categories"]) + ["overall"]:
        x = a["overall"] if name == "overall" else a["categories"][name]
        y = b["overall"] if name == "overall" else b["categories"][name]
        t.add_row(name, f"{x['f1']:.3f}", f"{y['f1']:.3f}", f"{y['f1'] - x['f1']:+.3f}")
    out.print(t)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 unless others must reach it.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL updates (POST update=...); refused with 403 otherwise.")
@store_option
def serve(host: str, port: int, allow_update: bool, store: str | None) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (for YASGUI, SPARQLWrapper, curl).

    Queries by GET ?query= or POST; results as JSON, XML, CSV or TSV by the Accept
    header; over the union of all graphs. Read-only unless --allow-update.

    \b
    Example:
      defgraph serve --port 7878 &
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * {?s ?p ?o} LIMIT 3' \\
           http://127.0.0.1:7878/sparql
    """
    from .serve import endpoint_url, make_server
    from .store import OxigraphStore

    kg = _open(store)
    if not isinstance(kg.store, OxigraphStore):
        raise DefgraphError(f"{kg.store.location} is already a SPARQL endpoint; serve exposes a "
                            "store folder")
    try:
        server = make_server(kg.store, host, port, allow_update=allow_update,
                             log=lambda line: err.print(line, highlight=False, markup=False))
    except OSError as exc:
        raise DefgraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                            "choose another --port") from exc
    mode = "updates allowed" if allow_update else "read-only"
    err.print(f"SPARQL endpoint {endpoint_url(server)} over {kg.store.location} ({mode}); "
              "Ctrl-C stops it", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _register_correct() -> None:
    """`defgraph correct ...` lives in cli_correct.py (analysts' corrections)."""
    from .cli_correct import correct

    main.add_command(correct)


_register_correct()

if __name__ == "__main__":  # pragma: no cover
    main()
