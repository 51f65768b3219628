"""The pipeline end to end, and the KnowledgeGraph object a notebook uses.

ingest (files -> Statements) -> extract (Statement -> Extraction) -> mapping
(Extraction -> quads) -> store (one named graph per statement). Querying,
rendering and exporting read the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import export as export_mod
from . import ingest as ingest_mod
from .extract import extract
from .mapping import to_quads
from .model import Extraction, Statement
from .stores import OxigraphStore, Rows, StoreError, open_store
from .stores.remote import RemoteStore


@dataclass
class IngestReport:
    """What one ingest run did."""

    statements: int = 0  # statements read
    stored: int = 0  # named graphs written or replaced
    unchanged: int = 0  # already in the store exactly so
    withdrawn: int = 0  # statements of a file read again that the file no longer gives
    failures: list[ingest_mod.Failure] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)
    aborted: str | None = None  # why the run stopped writing early (the store stopped answering)

    @property
    def ok(self) -> bool:
        return not self.failures


def process(statement: Statement) -> tuple[Extraction, list[Any]]:
    """Extract and map one statement on its own (no merging): the work a worker process does."""
    ex = extract(statement)
    return ex, to_quads(ex)


#: An ingest that stores at least this many statements compacts the embedded store when it
#: ends: the files it wrote are merged, so later reads seek through fewer of them. Below it,
#: RocksDB's own background compaction is enough, and a full compaction of a large store
#: (about 80 s at 100,000 statements) would cost more than a small ingest.
COMPACT_AFTER = 1000


class KnowledgeGraph:
    """A defgraph knowledge graph in a store: ingest statements, query, export, render.

    >>> kg = KnowledgeGraph(":memory:")
    >>> report = kg.ingest("data/statements")            # doctest: +SKIP
    >>> kg.query("events_timeline")[:2]                   # doctest: +SKIP
    """

    def __init__(self, store: str | Path | OxigraphStore | RemoteStore | None = None, *,
                 update_url: str | None = None) -> None:
        self.store: OxigraphStore | RemoteStore
        if isinstance(store, (OxigraphStore, RemoteStore)):
            self.store = store
        elif store == ":memory:":
            self.store = OxigraphStore(None)
        else:
            self.store = open_store(store, update_url=update_url)

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.store.location})"

    def close(self) -> None:
        """Flush and release the store (an embedded store is locked while open)."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ----------------------------------------------------------------------
    def add_statement(self, statement: Statement) -> tuple[bool, Extraction]:
        """Store one statement (its graph, then the consolidated graph); False when it was
        already there as is."""
        from .bulk import ingest_statements

        ex = extract(statement)
        report = ingest_statements(self.store, [(statement, ex)])
        if report.failures:
            raise StoreError(report.failures[0].reason)
        return bool(report.stored), ex

    def rebuild(self) -> int:
        """Recompute the consolidated graph from the statement graphs; returns its triples."""
        from .maintain import rebuild

        n = rebuild(self.store)
        self.store.compact()
        return n

    def ingest(self, *paths: str | Path, on_item: Callable[[str], None] | None = None,
               workers: int | None = None,
               file_timeout: float | None = ingest_mod.FILE_TIMEOUT) -> IngestReport:
        """Read files and folders of statements into the store; bad files are reported, not fatal.

        ``workers``: processes extracting in parallel (None: one for fewer than 200
        files, else one per core); more than one goes through :mod:`defgraph.bulk`.
        ``file_timeout``: processor seconds a file may take to be read and extracted; a
        file over it is a failure and is skipped (None or 0: no limit).
        """
        from .bulk import bulk_ingest

        report = bulk_ingest(self.store, paths, workers=workers, on_item=on_item,
                             file_timeout=file_timeout)
        if report.stored >= COMPACT_AFTER and not report.aborted:
            self.store.compact()
        return report

    # -- read ------------------------------------------------------------------------
    def query(self, query: str, params: dict[str, str] | None = None, **kw: str) -> list[dict[str, Any]]:
        """Run a canned query by name, a .rq file, or SPARQL text; rows as dicts."""
        from .query import load_or_text, run_query

        result = run_query(self.store, load_or_text(query), {**(params or {}), **kw})
        if isinstance(result, Rows):
            return result.dicts()
        if isinstance(result, bool):
            return [{"boolean": result}]
        return [{"subject": str(t.subject), "predicate": str(t.predicate), "object": str(t.object)}
                for t in result or []]

    def query_df(self, query: str, params: dict[str, str] | None = None, **kw: str) -> Any:
        """Like query(), as a pandas DataFrame with typed columns (needs pandas).

        Numbers are numbers (nullable Int64, float64), dates datetime64, booleans
        boolean, IRIs strings: ``kg.query_df("pledges_by_donor").total.sum()`` just works.
        """
        from .query import load_or_text, run_query, to_dataframe

        return to_dataframe(run_query(self.store, load_or_text(query), {**(params or {}), **kw}))

    def export(self, path: str | Path, fmt: str = "turtle", *, include_ontology: bool = False) -> int:
        return export_mod.export(self.store, path, fmt, include_ontology=include_ontology)

    def render(self, path: str | Path, view: str = "events", **options: Any) -> Path:
        """Write a view as one self-contained HTML file.

        ``options``: ``date_from``, ``date_to``, ``types``; ``focus`` and ``depth`` (ego);
        ``currency`` (pledges); ``max_nodes``; ``title``, ``subtitle``.
        """
        from .views import render

        return render(self.store, path, view=view, **options)

    def show(self, view: str = "events", *, height: int = 720, **options: Any) -> Any:
        """A view to display in a notebook: the page isolated in a sandboxed ``<iframe srcdoc>``.

        >>> kg.show("ego", focus="France", depth=2)          # doctest: +SKIP
        """
        from .views import page

        return page(self.store, view, height=height, **options)

    def analyse(self, by: str | None = None, **filters: Any) -> Any:
        """Centrality and communities of who meets whom (see defgraph.analysis), per period."""
        from .analysis import analyse

        return analyse(self.store, by, **filters)  # type: ignore[arg-type]

    def validate(self, progress: Callable[[int], None] | None = None) -> Any:
        """SHACL validation of the published graph (see defgraph.validate); ``progress`` is
        told how many triples have been checked, chunk by chunk."""
        from .validate import validate

        return validate(self.store, progress=progress)

    def summary(self) -> dict[str, Any]:
        """Counts of what the graph holds: statements, events by type, countries, persons, pledges, triples."""
        from .maintain import internal_query

        counts = self.store.query(internal_query("summary_counts"))
        triples = self.store.query(internal_query("summary_triples"), union=True)
        by_type = self.store.query(internal_query("summary_events"))
        assert isinstance(counts, Rows) and isinstance(triples, Rows) and isinstance(by_type, Rows)
        row = dict(zip(counts.variables, counts.rows[0])) if counts.rows else {}
        row.update(zip(triples.variables, triples.rows[0]) if triples.rows else {})

        def n(name: str) -> int:
            t = row.get(name)
            return int(t.value) if t is not None else 0

        return {
            "statements": n("statements"),
            "events": {str(r[0].value): int(r[1].value) for r in by_type.rows if r[0] and r[1]},
            "countries": n("countries"),
            "organisations": n("organisations"),
            "persons": n("persons"),
            "pledges": n("pledges"),
            "triples": n("triples"),
        }


def _not_stored(statement: Statement, reason: str) -> ingest_mod.Failure:
    return ingest_mod.Failure(statement.source_file or statement.title or "<statement>",
                              f"statement {statement.title!r} not stored: {reason}")


def ingest_paths(paths: Iterable[str | Path], store: str | Path | None = None) -> IngestReport:
    """Ingest files into a store (by location): the one-call form of KnowledgeGraph.ingest."""
    return KnowledgeGraph(store).ingest(*paths)
