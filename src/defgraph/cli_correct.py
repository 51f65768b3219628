"""`defgraph correct ...`: analysts' corrections from the command line (library: curation.py)."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

import click
from rich.table import Table


def _cli() -> Any:
    """The defgraph.cli module that registers this group: under its own name when imported,
    ``__main__`` when run as ``python -m defgraph.cli`` (importing it again would loop), or
    ``__mp_main__`` in a worker process started from that."""
    for name in ("defgraph.cli", "__main__", "__mp_main__"):  # __mp_main__: a worker process
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "store_option"):
            return module
    raise ImportError("defgraph.cli_correct is registered by defgraph.cli; import that instead")


_main = _cli()
DefgraphError, _open, err, out, store_option = (
    _main.DefgraphError, _main._open, _main.err, _main.out, _main.store_option)


def _reason_options(f: Any) -> Any:
    f = click.option("--by", default=None, metavar="NAME",
                     help="Who makes the correction (default: your user name).")(f)
    return click.option("--reason", required=True, metavar="TEXT",
                        help="Why: a sentence an other analyst can check.")(f)


def _run(store: str | None, op: str, target: str, **kw: Any) -> None:
    from .curation import CurationError, add, make

    kg = _open(store)
    try:
        c = add(kg.store, make(kg.store, op, target, **kw))
    except CurationError as exc:
        raise DefgraphError(str(exc)) from exc
    out.print(f"correction {c.id}: {op} {target}" + (f" {kw.get('prop')}" if kw.get("prop") else "")
              + (f" {kw.get('value')}" if kw.get("value") else "")
              + (f" {kw.get('other')}" if kw.get("other") else ""), highlight=False, markup=False)


@click.group()
def correct() -> None:
    """Correct the graph: set or unset a value, reject, merge or split a node.

    Corrections are data (the named graph .../graph/corrections, in PROV-O), applied
    over what extraction found each time the graph is consolidated: they last through
    re-ingest, `rebuild` and export / import. NODE is an IRI, a CURIE
    (dgid:person/...) or an unambiguous label.

    \b
    Example:
      defgraph demo
      defgraph correct set "Sjafrie Sjamsoeddin" represents Indonesia \\
          --reason "Indonesia's defence minister" --store defgraph-demo/store
      defgraph correct list --store defgraph-demo/store
    """


@correct.command("set")
@click.argument("node")
@click.argument("prop", metavar="PROPERTY")
@click.argument("value")
@_reason_options
@store_option
def set_(node: str, prop: str, value: str, reason: str, by: str | None, store: str | None) -> None:
    """Give NODE's PROPERTY the value VALUE (a participant, item: added to the others).

    PROPERTY is an ontology term (represents, dg:represents); a state is an ISO code
    or a name; dates are YYYY-MM-DD.

    \b
    Example:
      defgraph demo
      defgraph correct set "Sjafrie Sjamsoeddin" represents IDN \\
          --reason "Indonesia's defence minister" --store defgraph-demo/store
    """
    _run(store, "set", node, prop=prop, value=value, reason=reason, by=by)


@correct.command()
@click.argument("node")
@click.argument("prop", metavar="PROPERTY")
@click.argument("value", required=False)
@_reason_options
@store_option
def unset(node: str, prop: str, value: str | None, reason: str, by: str | None,
          store: str | None) -> None:
    """Remove NODE's PROPERTY (only the value VALUE, when given).

    \b
    Example:
      defgraph demo
      defgraph correct unset "Pat Conroy" roleTitle --reason "the office is not in the text" \\
          --store defgraph-demo/store
    """
    _run(store, "unset", node, prop=prop, value=value, reason=reason, by=by)


@correct.command()
@click.argument("node")
@_reason_options
@store_option
def reject(node: str, reason: str, by: str | None, store: str | None) -> None:
    """NODE is not a real event, person or pledge: it leaves queries, views and exports.

    \b
    Example:
      defgraph demo
      defgraph correct reject dgid:event/41a695465ee477c7787b-1 \\
          --reason "a trip announced, not held" --store defgraph-demo/store
    """
    _run(store, "reject", node, reason=reason, by=by)


@correct.command()
@click.argument("node")
@click.argument("other", metavar="NODE")
@_reason_options
@store_option
def merge(node: str, other: str, reason: str, by: str | None, store: str | None) -> None:
    """Two events (or pledges) are one.

    \b
    Example:
      defgraph demo
      defgraph correct merge dgid:event/6fb5bf32cf28cf820962-1 \\
          dgid:event/41a695465ee477c7787b-1 --reason "one trip to Kyiv, told twice" \\
          --store defgraph-demo/store
    """
    _run(store, "merge", node, other=other, reason=reason, by=by)


@correct.command()
@click.argument("node")
@click.option("--statement", required=True, metavar="URL",
              help="The statement whose report of NODE is another event: its original URL "
                   "or its IRI (dgid:statement/...).")
@_reason_options
@store_option
def split(node: str, statement: str, reason: str, by: str | None, store: str | None) -> None:
    """One statement's report of NODE is another event: it becomes a node of its own.

    \b
    Example:
      defgraph demo && S="--store defgraph-demo/store"
      defgraph correct merge dgid:event/6fb5bf32cf28cf820962-1 \\
          dgid:event/41a695465ee477c7787b-1 --reason "one visit to Kyiv?" $S
      defgraph correct split dgid:event/6fb5bf32cf28cf820962-1 \\
          --statement https://ec.europa.eu/commission/presscorner/detail/en/ac_25_712 \\
          --reason "two visitors, two visits" $S
    """
    _run(store, "split", node, statement=statement, reason=reason, by=by)


@correct.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--stale", is_flag=True,
              help="Only corrections whose target no statement reports any more.")
@store_option
def list_(fmt: str, stale: bool, store: str | None) -> None:
    """List the corrections, oldest first, with who, when, why and what they replaced.

    \b
    Example:
      defgraph demo && defgraph correct list --format csv --store defgraph-demo/store
    """
    from .curation import listing

    kg = _open(store, read_only=True)
    rows = [x.row() for x in listing(kg.store, stale_only=stale)]
    cols = ["id", "when", "by", "operation", "target", "property", "value", "old", "reason", "stale"]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        t = Table(title=f"{len(rows)} correction{'s' if len(rows) != 1 else ''}"
                  + (" (stale)" if stale else ""))
        for c in cols:
            t.add_column(c)
        for r in rows:
            t.add_row(*(r[c] for c in cols))
        out.print(t)


@correct.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Turtle file to write ('-' for standard output).")
@store_option
def export_(output: str, store: str | None) -> None:
    """Write the corrections as Turtle, to share them or review them in version control.

    \b
    Example:
      defgraph demo && S="--store defgraph-demo/store"
      defgraph correct reject dgid:event/41a695465ee477c7787b-1 --reason "announced, not held" $S
      defgraph correct export -o corrections.ttl $S
    """
    from .curation import export_corrections

    kg = _open(store, read_only=True)
    n = export_corrections(kg.store, output)
    if output != "-":
        err.print(f"wrote {n} triples to {output}")


@correct.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@store_option
def import_(file: str, store: str | None) -> None:
    """Add the corrections of a file (Turtle, or a TriG / N-Quads export) and apply them.

    The file is checked against the SHACL shapes first; corrections already in the
    store are left as they are.

    \b
    Example:
      defgraph demo && S="--store defgraph-demo/store"
      defgraph correct reject dgid:event/41a695465ee477c7787b-1 --reason "announced, not held" $S
      defgraph correct export -o corrections.ttl $S
      defgraph ingest data/statements --store other-store
      defgraph correct import corrections.ttl --store other-store
    """
    from .curation import CurationError, import_corrections

    kg = _open(store, create=True)  # corrections may arrive before the statements
    try:
        new = import_corrections(kg.store, file)
    except CurationError as exc:
        raise DefgraphError(str(exc)) from exc
    out.print(f"imported {len(new)} correction(s) from {file}", highlight=False)


@correct.command()
@click.argument("ident", metavar="ID")
@store_option
def undo(ident: str, store: str | None) -> None:
    """Remove a correction (by the id `correct list` shows): the extracted facts return.

    \b
    Example:
      defgraph demo && S="--store defgraph-demo/store"
      defgraph correct reject "Petr Hromek" --reason "a test" $S
      defgraph correct undo $(defgraph correct list --format csv $S | tail -1 | cut -d, -f1) $S
    """
    from .curation import CurationError
    from .curation import undo as run

    kg = _open(store)
    try:
        c = run(kg.store, ident)
    except CurationError as exc:
        raise DefgraphError(str(exc)) from exc
    out.print(f"undone {c.id}: {c.operation} {c.target}", highlight=False, markup=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(correct())
