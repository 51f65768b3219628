"""The `defgraph` command line: each command parses options, calls the library, reports.

Exit codes: 0 success; 1 done, but some input failed (or the graph does not
conform, for `validate`); 2 error (bad usage, unreadable store, bad query).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import ingest as ingest_mod
from .export import FORMATS, ExportError
from .pipeline import IngestReport, KnowledgeGraph
from .stores import STORE_ENV, Rows, StoreError

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def _whole(table: Table) -> Table:
    """A table safe to print: string cells as plain text (names from statements are never
    markup, control characters escaped) and number columns never wrapped."""
    from .query import keep_numbers_whole, terminal_safe

    for column in table.columns:
        # rich keeps a column's cells in Column._cells; str cells would be parsed as markup
        column._cells = [Text(terminal_safe(c)) if isinstance(c, str) else c
                         for c in column._cells]
    return keep_numbers_whole(table)


def _safe(text: str) -> str:
    """One line of untrusted text (a file name, a reason) for the terminal: no escapes, no markup.

    Printed as a rich Text it is never read as markup; control characters are shown escaped.
    """
    from .query import terminal_safe

    return terminal_safe(" ".join(text.splitlines()))



class _StdoutConsole(Console):
    """Rich's console for standard output, whose closed pipe PipeSafeGroup handles (rich alone
    would exit 1 as if the command had failed)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError("standard output was closed by its reader")


out = _StdoutConsole(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class DefgraphError(click.ClickException):
    exit_code = EXIT_ERROR


UPDATE_URL_ENV = "DEFGRAPH_UPDATE_URL"
# rows a query prints as a table unless --limit says otherwise (csv, json and parquet: all)
TABLE_ROWS = 100


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
        help="Processes extracting in parallel (default: 1 for fewer than 200 files, "
             "else one per core; 0: one per core).")(f)


FILE_TIMEOUT_META = "defgraph.file_timeout"


def file_timeout_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--file-timeout SECONDS: a file whose extraction takes longer is reported and skipped."""

    @click.option("--file-timeout", "file_timeout", type=click.FloatRange(min=0),
                  default=ingest_mod.FILE_TIMEOUT, show_default=True, metavar="SECONDS",
                  help="Processor time one file may take to be read and extracted; a file over "
                       "it is reported in one line and skipped, the batch goes on (0: no limit). "
                       "In a WARC archive, each page.")
    @functools.wraps(f)
    def wrapper(*args: Any, file_timeout: float = ingest_mod.FILE_TIMEOUT, **kwargs: Any) -> Any:
        click.get_current_context().meta[FILE_TIMEOUT_META] = file_timeout
        return f(*args, **kwargs)
    return wrapper


def keep_paths_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--keep-paths: statements record the path as typed instead of the name inside its folder."""
    import os

    @click.option("--keep-paths", is_flag=True,
                  help="Record each file's path as typed (dg:sourceFile); by default only its "
                       "path inside the folder given, so exports hold no private folder names.")
    @functools.wraps(f)
    def wrapper(*args: Any, keep_paths: bool = False, **kwargs: Any) -> Any:
        before = os.environ.get(ingest_mod.KEEP_PATHS_ENV)
        if keep_paths:  # the environment reaches the worker processes too
            os.environ[ingest_mod.KEEP_PATHS_ENV] = "1"
        try:
            return f(*args, **kwargs)
        finally:
            if before is None:
                os.environ.pop(ingest_mod.KEEP_PATHS_ENV, None)
            else:
                os.environ[ingest_mod.KEEP_PATHS_ENV] = before
    return wrapper


def _open(store: str | None, *, read_only: bool = False, create: bool = False) -> KnowledgeGraph:
    """Open the store for this command; it is closed (and its lock freed) when the command ends.

    Commands that only read open it ``read_only`` (nothing in its folder is written); only
    the commands that make a store (ingest, build, demo) pass ``create``: any other command
    refuses a folder that holds no store, so a misspelt --store creates nothing.
    """
    from .stores import open_store

    ctx = click.get_current_context(silent=True)
    update_url = ctx.meta.get("defgraph.update_url") if ctx is not None else None
    try:
        kg = KnowledgeGraph(open_store(store, update_url=update_url, read_only=read_only,
                                       create=create and not read_only))
    except StoreError as exc:
        raise DefgraphError(str(exc)) from exc
    if ctx is not None:
        ctx.call_on_close(kg.close)
    return kg


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that nothing more (not even the final flush)
    meets the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # a stream with no file descriptor
        pass


class PipeSafeGroup(click.Group):
    """Commands whose reader may stop early: ``defgraph analyse -o m.csv | head -1``.

    Every command writes the files named with -o before it prints; a reader closing
    standard output early then only cuts the printed part short. The closed pipe is
    not an error (the command's own exit code stands) and prints no traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        code: Any = EXIT_OK
        try:
            try:
                return super().invoke(ctx)
            except SystemExit as exc:
                code = exc.code
                raise
            except click.exceptions.Exit as exc:
                code = exc.exit_code
                raise
            finally:
                if sys.stdout is not None:
                    sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(code if isinstance(code, int) else EXIT_OK)


@click.group(cls=PipeSafeGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="defgraph")
def main() -> None:
    """Turn official statements about defence diplomacy into a knowledge graph.

    \b
    Example:
      defgraph build data/statements -o out/
    """


def _check_rules() -> None:
    """Load and validate the extraction rules (built-in and $DEFGRAPH_RULES) before any work:
    a bad rules file is one error line naming the file and the entry, exit 2."""
    from .rules import RulesError, rules

    try:
        rules()
    except RulesError as exc:
        raise DefgraphError(f"rules: {exc}") from exc


def _ingest(kg: KnowledgeGraph, paths: tuple[str, ...], quiet: bool = False,
            workers: int | None = None) -> IngestReport:
    from .bulk import IngestProgress

    _check_rules()

    files = sum(1 for _ in ingest_mod.iter_paths(paths)) if paths else 0
    ctx = click.get_current_context(silent=True)
    timeout = ctx.meta.get(FILE_TIMEOUT_META, ingest_mod.FILE_TIMEOUT) if ctx else ingest_mod.FILE_TIMEOUT
    with IngestProgress(files, console=err, disable=quiet or not err.is_terminal) as tick:
        report = kg.ingest(*paths, on_item=tick, workers=workers, file_timeout=timeout)
    for f in report.failures:
        err.print(Text.assemble(("error", "red"), " ", _safe(f"{f.path}: {f.reason}")),
                  highlight=False)
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))  # bad files are reported, not usage
@store_option
@workers_option
@file_timeout_option
@keep_paths_option
def ingest(paths: tuple[str, ...], store: str | None, workers: int | None) -> None:
    """Read files or folders of statements (plain text, HTML, WARC archives) into the store.

    Each statement becomes one named graph; ingesting it again changes nothing.
    A bad file is reported by name and the rest of the batch goes on (exit 1).

    \b
    Example:
      defgraph ingest data/statements/ --store ./.defgraph
      defgraph ingest data/statements/b21-new-zealand-samoa-visit.html   # one page
      defgraph ingest data/statements --workers 2 --file-timeout 10
    """
    kg = _open(store, create=True)
    report = _ingest(kg, paths, workers=workers)
    out.print(_whole(_report_table(report)))
    _stop_if_aborted(report)
    sys.exit(EXIT_OK if report.ok else EXIT_PARTIAL)


@main.command()
@store_option
def rebuild(store: str | None) -> None:
    """Recompute the consolidated graph from the statements' own graphs.

    Ingest keeps the consolidated graph (one node per event, person, pledge, each
    fact once, with its sources) up to date by itself, and the next ingest after a run
    that was cut short rebuilds it; rebuild recomputes it whole at any time and gives
    the same graph.

    \b
    Example:
      defgraph ingest data/statements && defgraph rebuild
    """
    kg = _open(store)
    n = kg.rebuild()
    out.print(f"consolidated graph rebuilt: {n:,} triples")


@main.command(epilog="""\b
Example:
  defgraph ingest data/statements && defgraph compact
""")
@store_option
def compact(store: str | None) -> None:
    """Compact the embedded store's files: smaller on disk, faster to read.

    An ingest of 1,000 statements or more and a rebuild compact by themselves; run
    this after many small ingests, or on a store written by an older defgraph. The
    graph does not change. A remote store keeps its own files: nothing is done there.
    """
    kg = _open(store)
    if kg.store.compact():
        out.print(f"compacted {kg.store.location}")
    else:
        out.print(f"{kg.store.location} is a remote store: its server keeps its own files")


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

    Turtle and TriG name instances by kind (country:GBR); JSON-LD is compacted with
    defgraph's context (ontology/context.jsonld), embedded in the file.

    \b
    Example:
      defgraph export --format turtle -o graph.ttl
    """
    kg = _open(store, read_only=True)
    try:
        if output == "-":
            n = kg.export(sys.stdout.buffer, fmt, include_ontology=with_ontology)  # type: ignore[arg-type]
        else:
            n = kg.export(output, fmt, include_ontology=with_ontology)
    except ExportError as exc:
        raise DefgraphError(str(exc)) from exc
    if output != "-":
        err.print(f"wrote {n} {'quads' if fmt in ('nquads', 'trig') else 'triples'} to "
                  f"{_safe(output)}", markup=False, highlight=False)


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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]),
              default="table", show_default=True,
              help="table for reading; csv or json (SPARQL results JSON) for piping; parquet "
                   "(typed columns, needs -o and pyarrow) for large results.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Write the rows (csv, json or parquet) to this file instead of standard output.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help=f"Show or write at most N rows; 0 for all. A table shows "
                   f"{TABLE_ROWS} by default and says how many it left out; csv, json and "
                   f"parquet write every row unless given a limit.")
@click.option("--list", "list_", is_flag=True,
              help="List every query NAME accepts: the canned questions and the validation queries.")
@click.option("--allow-update", is_flag=True, help="Permit SPARQL updates (refused otherwise).")
@store_option
def query(name: str | None, params: tuple[str, ...], fmt: str, output: str | None,
          limit: int | None, list_: bool, allow_update: bool, store: str | None) -> None:
    """Run a canned query by NAME, or a .rq file, over the store.

    \b
    Examples:
      defgraph query --list
      defgraph query events_by_country --param country=France
      defgraph query events_timeline --limit 20
      defgraph query queries/pledges_list.rq --format csv > rows.csv   # any .rq file
      defgraph query events_timeline --format parquet -o events.parquet
    """
    from .query import QueryError, load_query, run_query, to_csv, to_json, to_table

    if list_:
        out.print(_whole(_query_list()))
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE.rq, or --list")
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet writes a file: give -o FILE.parquet")
    if fmt == "table" and output:
        raise click.UsageError("-o writes csv, json or parquet: add --format csv (or json, parquet)")
    kg = _open(store, read_only=not allow_update)
    try:
        q = load_query(name)
        result = run_query(kg.store, q, _parse_params(params), allow_update=allow_update)
    except QueryError as exc:
        raise DefgraphError(str(exc)) from exc
    if result is None:
        err.print("update applied")
        return
    if limit is None and fmt == "table":
        limit = TABLE_ROWS  # a table is for reading: 70,000 rows would scroll for minutes
    shown = total = len(result.rows) if isinstance(result, Rows) else 0
    if isinstance(result, Rows) and limit and total > limit:
        result, shown = Rows(result.variables, result.rows[:limit]), limit
    if output:
        _write_rows(result, fmt, Path(output))
    elif fmt == "csv":
        click.echo(to_csv(result), nl=False)
    elif fmt == "json":
        click.echo(to_json(result))
    else:
        table = to_table(result, title=q.title)
        if shown < total:
            table.caption = (f"{shown:,} of {total:,} rows shown: --limit 0 shows all, "
                             f"--format csv writes all")
        out.print(table)
    if shown < total and fmt != "table":
        err.print(f"{shown:,} of {total:,} rows written (--limit {limit})")


def _query_list() -> Table:
    """Every name `defgraph query` accepts, the validation queries marked as such."""
    from .query import list_queries, list_violation_queries

    groups = (("question", list_queries()), ("validation", list_violation_queries()))
    t = Table(title="queries (defgraph query NAME)",
              caption="validation: checks of the graph, which must return no rows")
    t.add_column("name", min_width=max((len(q.name) for _, qs in groups for q in qs), default=4))
    t.add_column("kind")
    t.add_column("title")
    t.add_column("parameters")
    for kind, queries in groups:
        for q in queries:
            t.add_row(q.name, kind, q.title, ", ".join(
                f"{p.name}{'?' if p.optional else ''}" for p in q.params) or "-")
    return t


def _write_rows(result: Any, fmt: str, path: Path) -> None:
    """Write a query outcome to the file named with -o (before anything goes to standard output)."""
    from .query import QueryError, to_csv, to_json, to_parquet

    try:
        if fmt == "parquet":
            n = to_parquet(result, path)
        else:
            text = to_csv(result) if fmt == "csv" else to_json(result) + "\n"
            path.write_text(text, encoding="utf-8", newline="")
            n = (len(result.rows) if hasattr(result, "rows")
                 else len(result) if isinstance(result, list) else 1)
    except QueryError as exc:
        raise DefgraphError(str(exc)) from exc
    except OSError as exc:
        raise DefgraphError(f"cannot write {path}: {exc}") from exc
    err.print(f"wrote {n} rows to {path}")


#: the views of `defgraph render` (defgraph.render.VIEWS; a test keeps the two in step)
VIEW_NAMES = ("events", "countries", "pledges", "ego", "timeline")


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
                   "events; pledges: who pledged how much to whom; ego: around one --focus; "
                   "timeline: events and pledges along time, a lane per state.")
@filter_options
@click.option("--focus", default=None, metavar="NAME",
              help="ego view: a country (name or ISO code), a person, or any label.")
@click.option("--depth", type=click.IntRange(min=1), default=2, show_default=True,
              help="ego view: how many links from the focus.")
@click.option("--currency", default="USD", show_default=True, metavar="CODE",
              help="pledges view: convert amounts to this currency (shipped yearly rates).")
@click.option("--max-nodes", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Above this, aggregate (people into their states...); 0: never.")
@click.option("--limit", type=click.IntRange(min=0), default=500, show_default=True,
              help="Above this many events and pledges, read only this many (the most recent "
                   "the filters keep) and say so on the page; lines of the countries and "
                   "pledges views still count them all. 0: read everything.")
@click.option("--title", default=None, help="Page title.")
@store_option
def render(output: str, view: str, date_from: str | None, date_to: str | None,
           types: tuple[str, ...], focus: str | None, depth: int, currency: str,
           max_nodes: int, limit: int, title: str | None, store: str | None) -> None:
    """Draw the graph as one self-contained interactive HTML file (works offline).

    \b
    Examples:
      defgraph render --view countries -o countries.html
      defgraph render --view ego --focus France --depth 2 --from 2024-04-01 -o france.html
      defgraph render --view pledges --currency EUR --type Pledge -o pledges.html
      defgraph render --view timeline -o timeline.html
      defgraph render --view events --limit 20 -o recent.html
    """
    if view == "ego" and not focus:
        raise click.UsageError("--view ego needs --focus (a country, a person or any label)")
    kg = _open(store, read_only=True)
    try:
        path = kg.render(output, view=view, date_from=date_from, date_to=date_to,
                         types=list(types) or None, focus=focus, depth=depth,
                         currency=currency, max_nodes=max_nodes or None, limit=limit or None,
                         title=title)
    except (ValueError, KeyError) as exc:
        raise DefgraphError(str(exc)) from exc
    err.print(f"wrote {_safe(str(path))}", markup=False, highlight=False)


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

    kg = _open(store, read_only=True)
    try:
        result = kg.analyse(by, date_from=date_from, date_to=date_to, types=list(types) or None)
    except ValueError as exc:
        raise DefgraphError(str(exc)) from exc
    if output:  # the file first: a reader that closes standard output early cannot stop it
        try:
            Path(output).write_text(result.to_csv(), encoding="utf-8")
        except OSError as exc:
            raise DefgraphError(f"cannot write {output}: {exc}") from exc
        err.print(f"wrote {len(result.rows)} rows to {output}")
    if not result.rows:
        err.print("no events to analyse")
    for table in summary_tables(result, top):
        out.print(_whole(table))


@main.command()
@store_option
def validate(store: str | None) -> None:
    """Check the graph against the SHACL shapes: exit 0 conforms, 1 does not, 2 error.

    \b
    Example:
      defgraph validate --store ./.defgraph
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .validate import ValidationError

    kg = _open(store, read_only=True)
    try:
        with Progress(SpinnerColumn(), TextColumn("validating: {task.fields[done]:,} triples checked"),
                      TimeElapsedColumn(), console=err, transient=True,
                      disable=not err.is_terminal) as bar:
            task = bar.add_task("validate", total=None, done=0)
            report = kg.validate(progress=lambda done: bar.update(task, done=done))
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
    out.print(_whole(t))
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
    kg = _open(store if store else str(outdir / "store"), create=True)
    report = _ingest(kg, paths, workers=workers)
    if report.aborted:
        out.print(_whole(_report_table(report)))
        _stop_if_aborted(report)
    try:
        kg.export(outdir / "graph.ttl", "turtle")
    except ExportError as exc:
        raise DefgraphError(str(exc)) from exc
    from .views.site import write_views

    pages = write_views(kg.store, outdir)
    summary = kg.summary()
    (outdir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    out.print(_whole(_report_table(report)))
    out.print(_whole(_summary_table(summary)))
    out.print(_safe(f"wrote {outdir / 'graph.ttl'}, {', '.join(str(p) for p in pages)}, "
                    f"{outdir / 'summary.json'}; store in {kg.store.location}"),
              markup=False, highlight=False)
    return EXIT_OK if report.ok else EXIT_PARTIAL


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))  # bad files are reported, not usage
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for graph.ttl, graph.html, countries.html, timeline.html, summary.json "
                   "and the store.")
@store_option
@workers_option
@file_timeout_option
@keep_paths_option
def build(paths: tuple[str, ...], outdir: str, store: str | None, workers: int | None) -> None:
    """The main job: ingest, export Turtle, render HTML, print a summary.

    The store is OUTDIR/store unless --store names another.

    \b
    Example:
      defgraph build data/statements -o out/
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


#: gold sets shipped with defgraph, by name (files in the bundled sample data)
BUNDLED_GOLD = {"dev": "expected.json"}


def _gold_file(gold: str) -> Path:
    """A gold file's path, or the bundled set of that name (``dev``)."""
    from .resources import sample_data_dir

    path = Path(gold)
    if path.is_file():
        return path
    if gold in BUNDLED_GOLD:
        return sample_data_dir() / BUNDLED_GOLD[gold]
    raise click.BadParameter(f"{gold!r} is neither a file nor a bundled set "
                             f"({', '.join(BUNDLED_GOLD)})", param_hint="GOLD")


@main.command()
@click.argument("gold", metavar="[GOLD.json|dev]", required=False)
@click.option("--test", "test_gold", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The held-out test part's gold file (default: test/expected.json beside GOLD, "
                   "when it exists).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False), default=None,
              help="Write every mismatch, per part and statement, to this JSON file.")
@click.option("--write-floors", "floors_file", type=click.Path(dir_okay=False), default=None,
              help="Write each figure of each part minus 0.02 to this JSON file (the tests' floors).")
@click.option("--corrections", "corrections", type=click.Path(exists=True, dir_okay=False),
              default=None, metavar="FILE",
              help="Also score with these analysts' corrections (defgraph correct export) applied: "
                   "each figure without and with them, and the gain.")
def evaluate(gold: str | None, test_gold: str | None, fmt: str, errors_file: str | None,
             floors_file: str | None, corrections: str | None) -> None:
    """Score extraction against hand-made gold facts, on the development part (GOLD, default
    data/expected.json) and the held-out test part (data/test/expected.json): precision, recall
    and F1 of events, persons, money pledges, participant states and attributes, the weighted
    overall score, a person's state accuracy and event recall.

    GOLD may also name the bundled development set: `dev`.

    \b
    Examples:
      defgraph evaluate dev
      defgraph evaluate data/expected.json --errors mismatches.json
      defgraph evaluate dev --corrections data/corrections.ttl
    """
    from .evaluate import LABELS, EvaluationError, default_parts, evaluate_parts, floors

    _check_rules()
    if gold is None:
        local = Path("data")
        parts: dict[str, Path] = default_parts(local if (local / "expected.json").is_file() else None)
    else:
        gold_path = _gold_file(gold)
        parts = {"dev": gold_path}
        beside = gold_path.parent / "test" / "expected.json"
        if test_gold is None and beside.is_file():
            parts["test"] = beside
    if test_gold is not None:
        parts["test"] = Path(test_gold)
    try:
        results = evaluate_parts(dict(parts))
        if corrections:
            curated = evaluate_parts(dict(parts), corrections=corrections)
    except EvaluationError as exc:
        raise DefgraphError(str(exc)) from exc
    if corrections:
        _curation_gain(results, curated, fmt)
        return
    if errors_file:
        Path(errors_file).write_text(json.dumps({name: ev.errors for name, ev in results.items()},
                                                indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    if floors_file:
        Path(floors_file).write_text(json.dumps(floors(results), indent=1) + "\n", encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps({name: ev.as_dict() for name, ev in results.items()}, indent=2))
        return
    t = Table(title="evaluation: " + ", ".join(f"{name} {ev.statements} statements"
                                                  for name, ev in results.items()))
    t.add_column("category", justify="left")
    for name in results:
        for col in ("P", "R", "F1"):
            t.add_column(f"{name} {col}", justify="right")
    for cat, label in LABELS.items():
        cells = []
        for ev in results.values():
            s = ev.scores[cat]
            cells += [f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"]
        t.add_row(label, *cells)
    for label, attr in (("overall (weighted)", "overall"), ("person's state accuracy", "person_state_accuracy"),
                        ("event recall", "event_recall")):
        cells = []
        for ev in results.values():
            cells += ["", "", f"{getattr(ev, attr):.3f}"]
        t.add_row(label, *cells)
    out.print(_whole(t))


def _curation_gain(plain: dict[str, Any], curated: dict[str, Any], fmt: str) -> None:
    """Each figure of each part without and with corrections, and the gain: the value of
    curation as a number."""
    rows = {name: {k: (v, curated[name].figures()[k]) for k, v in ev.figures().items()}
            for name, ev in plain.items()}
    if fmt == "json":
        click.echo(json.dumps({name: {"without_corrections": {k: a for k, (a, _) in r.items()},
                                      "with_corrections": {k: b for k, (_, b) in r.items()},
                                      "gain": {k: round(b - a, 3) for k, (a, b) in r.items()}}
                               for name, r in rows.items()}, indent=2))
        return
    t = Table(title="evaluation without and with corrections")
    t.add_column("figure", justify="left")
    for name in rows:
        for col in ("without", "with", "gain"):
            t.add_column(f"{name} {col}", justify="right")
    for key in next(iter(rows.values()), {}):
        cells = []
        for r in rows.values():
            a, b = r[key]
            cells += [f"{a:.3f}", f"{b:.3f}", f"{b - a:+.3f}"]
        t.add_row(key, *cells)
    out.print(_whole(t))


@main.command("ontology-docs")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="HTML page to write (docs/ontology.html in the repository).")
@click.option("--context", "context_file", default=None, type=click.Path(dir_okay=False),
              help="Also write the JSON-LD context made from the ontology to this file "
                   "(ontology/context.jsonld in the repository).")
@click.option("--corpus", default=None, type=click.Path(exists=True),
              help="Statements to take the examples from (default: the bundled sample corpus).")
def ontology_docs(output: str, context_file: str | None, corpus: str | None) -> None:
    """Write the ontology's documentation page: every class and property, its definition,
    alignments and an example from the corpus. Exit 1 when a term lacks any of them.

    \b
    Example:
      defgraph ontology-docs -o ontology.html --context context.jsonld
    """
    from .export import build_context
    from .ontodoc import generate

    try:
        problems = generate(output, corpus=corpus)
        if context_file:
            Path(context_file).write_text(
                json.dumps(build_context(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise DefgraphError(str(exc)) from exc
    for line in problems:
        err.print(f"[red]missing[/red] {line}", highlight=False)
    err.print(f"wrote {output}" + (f" and {context_file}" if context_file else ""))
    sys.exit(EXIT_PARTIAL if problems else EXIT_OK)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost); others are refused.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL updates (POST update=...), each with the token printed at start "
                   "(or $DEFGRAPH_TOKEN) as 'Authorization: Bearer TOKEN'; refused with 403 otherwise.")
@click.option("--cors", "cors", metavar="ORIGIN", default=None,
              help="Let browser pages of this one origin call the endpoint (e.g. "
                   "https://yasgui.example); '*' only without --allow-update. Default: none.")
@click.option("--allow-service", is_flag=True,
              help="Run SERVICE clauses (the server then fetches any address a query names).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run; then it is stopped and the client gets 503.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256),
              help="Queries run at once (worker processes for a read-only store); more wait.")
@click.option("--max-result-mb", default=64, show_default=True, type=click.IntRange(1, 4096),
              help="Largest result sent; a larger one is refused with a message (add LIMIT).")
@store_option
def serve(host: str, port: int, allow_update: bool, cors: str | None, allow_service: bool,
          timeout: float, threads: int, max_result_mb: int, store: str | None) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (for YASGUI, SPARQLWrapper, curl).

    Queries by GET ?query= or POST; results as JSON, XML, CSV or TSV by the Accept
    header. The default graph is the consolidated graph with the ontology, as for
    `defgraph query`; every statement's record is a named graph (GRAPH ?g), and the
    protocol's default-graph-uri and named-graph-uri choose others. Listens on loopback
    only and answers only requests addressed to it (Host 127.0.0.1:PORT or
    localhost:PORT). Read-only unless --allow-update; SERVICE refused unless
    --allow-service; no CORS unless --cors.

    \b
    Example:
      defgraph serve --port 7878 &
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * {?s ?p ?o} LIMIT 3' \\
           http://127.0.0.1:7878/sparql
    """
    from .serve import TOKEN_ENV, endpoint_url, is_loopback, make_server
    from .stores import OxigraphStore

    if not is_loopback(host):
        raise click.BadParameter(f"{host!r} is not a loopback address; defgraph serve listens "
                                 "on this machine only", param_hint="--host")
    if cors is not None and cors.strip() == "*" and allow_update:
        raise click.BadParameter("'*' with --allow-update would let any web page write; name "
                                 "the one origin that may call", param_hint="--cors")
    kg = _open(store, read_only=not allow_update)
    if not isinstance(kg.store, OxigraphStore):
        raise DefgraphError(f"{kg.store.location} is already a SPARQL endpoint; serve exposes a "
                            "store folder")
    try:
        server = make_server(kg.store, host, port, allow_update=allow_update, cors=cors,
                             allow_service=allow_service, timeout=timeout, threads=threads,
                             max_result_bytes=max_result_mb * 1024 * 1024,
                             log=lambda line: err.print(line, highlight=False, markup=False))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--cors") from exc
    except OSError as exc:
        raise DefgraphError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                            "choose another --port") from exc
    mode = "updates allowed with the token" if allow_update else "read-only"
    err.print(f"SPARQL endpoint {endpoint_url(server)} over {kg.store.location} ({mode}); "
              "Ctrl-C stops it", highlight=False, markup=False)
    token = getattr(server, "token", None)
    if token:
        import os

        if os.environ.get(TOKEN_ENV):
            err.print(f"updates need 'Authorization: Bearer' with the token in ${TOKEN_ENV}",
                      highlight=False, markup=False)
        else:
            # plain echo: a rich console would wrap the token at the terminal's width
            click.echo(f"update token (send as 'Authorization: Bearer TOKEN'): {token}", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# -- fetching from the web: fetch, sources, update --------------------------------------

ARCHIVE_ENV = "DEFGRAPH_ARCHIVE"
REMOTE_ARCHIVE = ".defgraph-archive"


def fetch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """What to fetch (--since, --limit) and how politely; shared by fetch and update."""
    options = [
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     metavar="YYYY-MM-DD", help="Skip items older than this day, without fetching them."),
        click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Fetch at most N articles per source (newest first)."),
        click.option("--archive", "archive", envvar=ARCHIVE_ENV, default=None, metavar="DIR",
                     type=click.Path(file_okay=False),
                     help=f"Folder for the WARC files and the fetch state (default STORE/archive; "
                          f"{REMOTE_ARCHIVE} for a remote store; or ${ARCHIVE_ENV})."),
        click.option("--user-agent", envvar="DEFGRAPH_USER_AGENT", default=None, metavar="TEXT",
                     help="User-Agent sent (default: defgraph/VERSION (+CONTACT))."),
        click.option("--contact", envvar="DEFGRAPH_CONTACT", default=None, metavar="EMAIL|URL",
                     help="How site owners can reach you; put in the default User-Agent."),
        click.option("--interval", type=click.FloatRange(min=0.0), default=1.0, show_default=True,
                     envvar="DEFGRAPH_FETCH_INTERVAL", metavar="SECONDS",
                     help="Seconds between two requests to one host (robots.txt Crawl-delay "
                          "wins when longer)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     metavar="SECONDS", help="Read timeout per request (connect: a third of it, "
                                             "at most 10 s)."),
        click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
                     help="Retries on 429, 5xx and timeouts, with exponential backoff "
                          "(Retry-After honoured)."),
        click.option("--max-mb", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
                     help="Largest body read, in MB; a larger one is abandoned."),
        click.option("--max-redirects", type=click.IntRange(min=0), default=5, show_default=True),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _fetch_run(kg: KnowledgeGraph, urls: list[str], archive: str | None, **opts: Any) -> int:
    """Fetch urls into kg, print one line per source (and per failed article); the exit code."""
    from .sources.fetch import FetchOptions, SourceResult, fetch_sources
    from .sources.http import Politeness, default_user_agent
    from .stores import OxigraphStore

    if archive is None:
        path = kg.store.path if isinstance(kg.store, OxigraphStore) else None
        archive = str(path / "archive") if path is not None else REMOTE_ARCHIVE
    timeout = float(opts["timeout"])
    politeness = Politeness(
        user_agent=opts["user_agent"] or default_user_agent(opts["contact"]),
        interval=float(opts["interval"]), read_timeout=timeout,
        connect_timeout=min(10.0, max(0.1, timeout / 3)), retries=int(opts["retries"]),
        max_bytes=int(float(opts["max_mb"]) * 1024 * 1024),
        max_redirects=int(opts["max_redirects"]))
    since = opts["since"].date() if opts["since"] else None
    options = FetchOptions(since=since, limit=opts["limit"], politeness=politeness)

    def show(result: SourceResult) -> None:
        word, colour = (("ok", "green") if result.ok else ("error", "red") if result.error
                        else ("partly", "yellow"))
        out.print(f"[{colour}]{word}[/{colour}] ", end="", markup=True)
        out.print(result.line(), highlight=False, markup=False)
        for url, reason in result.failed:
            out.print(f"  failed {url}: {reason}", highlight=False, markup=False)

    report = fetch_sources(kg, urls, options, folder=archive, on_source=show)
    new = sum(s.new for s in report.sources)
    changed = sum(s.changed for s in report.sources)
    failed = sum(len(s.failed) + (s.error is not None) for s in report.sources)
    out.print(f"{len(report.sources)} source(s): {new} new, {changed} changed statement(s), "
              f"{failed} failure(s), {report.requests} request(s); archive: "
              f"{report.archive or 'nothing new'}", highlight=False)
    if report.aborted:
        raise DefgraphError(f"the store stopped answering: {report.aborted}. Run the same command "
                            "again once it answers; what was stored stays, the rest is fetched.")
    return EXIT_OK if report.ok else EXIT_PARTIAL


@main.command(epilog="""\b
Examples:
  defgraph fetch https://www.example.org/news/rss.xml --since 2025-01-01 --limit 50 --contact me@example.org
  defgraph fetch https://www.example.org/sitemap.xml https://www.example.org/news/one-article
  defgraph ingest ./.defgraph/archive/*.warc.gz --store rebuilt   # the same graph, offline
""")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@fetch_options
@store_option
def fetch(urls: tuple[str, ...], store: str | None, archive: str | None, **opts: Any) -> None:
    """Fetch statements from feeds (RSS, Atom), sitemaps (news sitemaps, indexes) or pages.

    Feeds and sitemaps are followed to their articles; each article is read as
    `ingest` reads HTML, archived raw to a WARC file (ARCHIVE/*.warc.gz, which
    `ingest` reads back with no network) and stored; an article already stored is
    not fetched again unless its feed or sitemap says it changed. Polite: robots.txt,
    one request per --interval per host, backoff on 429/5xx, conditional requests.
    One line per source says what was new, unchanged, skipped and failed (exit 1
    when anything failed; the rest is stored all the same).
    """
    kg = _open(store, create=True)
    sys.exit(_fetch_run(kg, list(urls), archive, **opts))


@main.group(epilog="""\b
Example:
  defgraph sources add https://www.example.org/news/rss.xml https://www.example.org/sitemap.xml
  defgraph sources list
  defgraph sources remove https://www.example.org/sitemap.xml
  defgraph update
""")
def sources() -> None:
    """The feeds, sitemaps and pages `defgraph update` fetches, remembered in the store.

    They are kept in the store's named graph <https://w3id.org/defgraph/graph/sources>,
    so a remote store remembers them too.
    """


@sources.command("add", epilog="""\b
Example:
  defgraph sources add https://www.example.org/news/rss.xml --store ./.defgraph
""")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@store_option
def sources_add(urls: tuple[str, ...], store: str | None) -> None:
    """Remember feeds, sitemaps or pages to fetch on every `defgraph update`.
    """
    from .sources.registry import Registry, SourceError

    registry = Registry(_open(store, create=True).store)
    bad = 0
    for url in urls:
        try:
            source, added = registry.add(url)
        except (SourceError, ValueError) as exc:
            err.print(f"[red]error[/red] {url}: {exc}", highlight=False, markup=True)
            bad += 1
            continue
        out.print(f"{'added' if added else 'already a source'}: {source.url}", highlight=False)
    sys.exit(EXIT_PARTIAL if bad else EXIT_OK)


@sources.command("list", epilog="""\b
Example:
  defgraph sources list --store ./.defgraph
""")
@store_option
def sources_list(store: str | None) -> None:
    """List the remembered sources, one address per line with when it was added.
    """
    from .sources.registry import Registry

    entries = Registry(_open(store, read_only=True).store).entries()
    if not entries:
        err.print("no sources; add one with `defgraph sources add URL`")
    for s in entries:
        click.echo(f"{s.url}\t{s.added or '-'}")


@sources.command("remove", epilog="""\b
Example:
  defgraph sources add https://www.example.org/news/rss.xml
  defgraph sources remove https://www.example.org/news/rss.xml
""")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@store_option
def sources_remove(urls: tuple[str, ...], store: str | None) -> None:
    """Forget sources (the statements already fetched from them stay in the store).
    """
    from .sources.registry import Registry

    registry = Registry(_open(store).store)
    missing = 0
    for url in urls:
        if registry.remove(url):
            out.print(f"removed: {url}", highlight=False)
        else:
            err.print(f"[red]error[/red] {url}: not a source (see `defgraph sources list`)",
                      highlight=False, markup=True)
            missing += 1
    sys.exit(EXIT_PARTIAL if missing else EXIT_OK)


@main.command(epilog="""\b
Example:
  defgraph sources add https://www.example.org/news/rss.xml
  defgraph update --contact analyst@example.org --store ./.defgraph
""")
@fetch_options
@store_option
def update(store: str | None, archive: str | None, **opts: Any) -> None:
    """Fetch every remembered source; store only what is new or changed.

    Conditional requests make a run with nothing new cost one small request per
    source. A source that fails does not stop the others; one line per source
    says what was new, unchanged, skipped and failed, and why. Run it from cron
    or a systemd timer (see docs/sources.md).
    """
    from .sources.registry import Registry

    kg = _open(store)
    urls = [s.url for s in Registry(kg.store).entries()]
    if not urls:
        err.print("no sources to update; add one with `defgraph sources add URL`")
        sys.exit(EXIT_OK)
    sys.exit(_fetch_run(kg, urls, archive, **opts))

def _register_correct() -> None:
    """`defgraph correct ...` lives in cli_correct.py (analysts' corrections)."""
    from .cli_correct import correct

    main.add_command(correct)


_register_correct()

if __name__ == "__main__":  # pragma: no cover
    main()
