"""The bulk path: many statement files into the store, extraction in worker processes.

Extraction (rules over the text) costs far more than storing, and it needs nothing
but the statement, so worker processes read and extract files while the main
process alone writes to the store. A worker sends each statement back as its
named graph's N-Quads (bytes), which the store parses natively; pyoxigraph
terms would pickle too, but ten times slower.

Memory stays flat as the corpus grows: files go out in small tasks, at most a
few tasks per worker are in flight, results are written in input order as they
come back, and nothing is kept per statement once it is stored (only the list of
file paths to read, and the graphs of the batch not yet written).

Writing keeps the rule "a statement is stored whole or not at all":

* A statement whose graph is not in the store yet is queued; queued statements
  are written together, whole, in one step. On an Oxigraph store that already
  holds statements, the step is ``Store.load`` of their N-Quads, a single
  transaction: a crash leaves each batch either stored or absent.
* Into a *fresh* on-disk store (no statement graph at the start of the run) each
  step is Oxigraph's bulk loader (``Store.bulk_load``) instead, three to four times
  cheaper per statement, as nothing can be replaced. pyoxigraph documents the
  bulk loader as not transactional. In Oxigraph 0.5 one ``bulk_load`` call of
  fewer than a million quads ends in a single RocksDB ingestion of sorted files
  for every index at once, which RocksDB applies atomically, and our batches
  hold a few tens of thousands of quads; but that is the implementation, not a
  promise. If the process dies during a bulk load, run the same ingest again:
  the store is then no longer fresh, every statement's graph is compared with
  what the file gives and replaced when it differs, so the re-run completes the
  missing statements and mends any partial one.
* A statement whose graph is already in the store (ingested before, or earlier
  in the same run: the same URL twice) goes through ``replace_graph``, after the
  queue is written: left alone when equal, otherwise replaced whole. The result
  is the same store a one-process ingest gives, statement for statement.
* A store that is not an embedded Oxigraph store (a SPARQL endpoint) gets every
  statement through its own ``replace_graph``.

Events already reported by other statements (merge.py) lend their IRIs before a
statement is queued, as in a one-process ingest: the store is asked about the
statements written so far, and the events of statements still queued are compared
in memory. One difference remains: a one-process ingest compares an event with
the parties of all the statements that reported it together, the queue with each
queued report on its own; both merge the same reports of the same meeting.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import pyoxigraph as ox

from . import ingest as ingest_mod
from .extract import extract
from .maintain import Maintainer, stored_graphs_of_file
from .mapping import graph_iri, to_quads
from .model import Extraction, Statement
from .pipeline import IngestReport, process
from .store import StoreUnavailable
from .vocab import is_statement_graph, node

SMALL_BATCH = 50  # fewer files than this are ingested in one process by default
FILES_PER_TASK = 8  # files a worker reads per task: large enough to amortise the round trip
TASKS_IN_FLIGHT = 3  # per worker: enough to keep workers busy, few enough to bound memory
BATCH_QUADS = 50_000  # quads written per step (about 600 statements of 300 words)

OnItem = Callable[[str], None]


@dataclass(frozen=True)
class Extracted:
    """One statement as a worker returns it: its graph's N-Quads and what the report needs."""

    graph: str
    nquads: bytes
    quads: int
    events: tuple[str, ...]
    source: str
    title: str | None = None
    has_url: bool = False


@dataclass(frozen=True)
class Unprocessed:
    """A statement that was read but could not be extracted or mapped."""

    failure: ingest_mod.Failure


Result = Extracted | Unprocessed | ingest_mod.Failure


def resolve_workers(workers: int | None, paths: Iterable[str | Path] = ()) -> int:
    """Worker processes to use: as given, or (None) one for fewer than SMALL_BATCH files, else one per core."""
    if workers is not None and workers > 0:
        return workers
    cores = os.cpu_count() or 1
    if workers is not None:  # 0 or negative: every core
        return cores
    for n, _ in enumerate(ingest_mod.iter_paths(paths), start=1):
        if n >= SMALL_BATCH:
            return cores
    return 1


# -- the workers' side ----------------------------------------------------------------------


def extract_file(path: str, name: str | None = None) -> list[Result]:
    """Read one file and extract its statements; every problem becomes a Failure, never an exception.

    ``name``: what its statements record as their source file (ingest.source_name).
    """
    out: list[Result] = []
    for item in ingest_mod.statements_of(path, name):
        if isinstance(item, ingest_mod.Failure):
            out.append(item)
            continue
        try:
            result = extracted(item, extract(item))
        except Exception as exc:  # noqa: BLE001 - one statement must not stop the batch
            out.append(Unprocessed(ingest_mod.Failure(
                item.source_file or item.title or "<statement>",
                f"could not process statement {item.title!r}: {type(exc).__name__}: {exc}")))
            continue
        out.append(result)
    return out


def extracted(statement: Statement, ex: Extraction) -> Extracted:
    """A statement and its extraction as the writer takes them (N-Quads of its graph)."""
    quads = to_quads(ex)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert data is not None
    return Extracted(graph_iri(statement).value, data, len(quads),
                     tuple(e.type for e in ex.events), statement.source_file or "",
                     statement.title, bool(statement.source_url))


def ingest_statements(store: Any, items: Iterable[tuple[Statement, Extraction]]) -> IngestReport:
    """Store statements already read and extracted (fetching, notebooks) through the engine."""
    report = IngestReport()
    writer = _Writer(store, report, bulk_load=False)
    for statement, ex in items:
        report.statements += 1
        writer.add(extracted(statement, ex))
    writer.finish()
    store.flush()
    return report


def _extract_files(paths: list[tuple[str, str]]) -> list[list[Result]]:
    return [extract_file(p, name) for p, name in paths]


def _warm_up() -> None:
    """Load the gazetteers once per worker, before the first real task."""
    from .model import Statement

    process(Statement(text="The Defence Minister met his counterpart in Paris today."))


def _results(targets: Sequence[Path | ingest_mod.Failure], workers: int) -> Iterator[Result]:
    """Every file's results, in input order; extraction in `workers` processes (1: in this one)."""
    if workers <= 1:
        for t in targets:
            if isinstance(t, ingest_mod.Failure):
                yield t
            else:
                yield from extract_file(str(t), ingest_mod.source_name(t))
        return

    def tasks() -> Iterator[ingest_mod.Failure | list[tuple[str, str]]]:
        chunk: list[tuple[str, str]] = []
        for t in targets:
            if isinstance(t, ingest_mod.Failure):
                if chunk:
                    yield chunk
                    chunk = []
                yield t
            else:
                chunk.append((str(t), ingest_mod.source_name(t)))
                if len(chunk) >= FILES_PER_TASK:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    # spawn, not fork: the parent holds an open RocksDB store and its threads.
    ctx = multiprocessing.get_context("spawn")
    pending: deque[ingest_mod.Failure | Future[list[list[Result]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm_up) as pool:
        try:
            todo = tasks()
            for task in todo:
                pending.append(task if isinstance(task, ingest_mod.Failure)
                               else pool.submit(_extract_files, task))
                while len(pending) >= workers * TASKS_IN_FLIGHT:
                    yield from _unwrap(pending.popleft())
            while pending:
                yield from _unwrap(pending.popleft())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _unwrap(item: ingest_mod.Failure | Future[list[list[Result]]]) -> Iterator[Result]:
    if isinstance(item, ingest_mod.Failure):
        yield item
        return
    for file_results in item.result():
        yield from file_results


# -- the main process: writing ----------------------------------------------------------------


def _oxigraph(store: Any) -> ox.Store | None:
    """The pyoxigraph Store inside an embedded OxigraphStore, None for any other kind of store."""
    from .store import OxigraphStore

    return store.raw if isinstance(store, OxigraphStore) else None


def is_fresh(store: Any) -> bool:
    """True when the store holds no statement graph (only the ontology, if that)."""
    return not any(is_statement_graph(g.value) for g in store.named_graphs())


class _Writer:
    """Writes statements in input order, whole, in batches, then consolidates what changed.

    Every statement graph written (new or changed) and every one removed is remembered;
    ``finish`` hands them to :class:`defgraph.maintain.Maintainer`, which recomputes the
    parts of the consolidated graph they touch.
    """

    def __init__(self, store: Any, report: IngestReport, bulk_load: bool | None) -> None:
        self.store = store
        self.report = report
        self.ox = _oxigraph(store)
        on_disk = getattr(store, "path", None) is not None
        self.fresh = is_fresh(store)
        fresh_on_disk = self.ox is not None and on_disk and self.fresh
        self.bulk = fresh_on_disk if bulk_load is None else (bulk_load and fresh_on_disk)
        self.queue: list[Extracted] = []
        self.queued: set[str] = set()
        self.queued_quads = 0
        self.maintainer = Maintainer(store, fresh=self.fresh)
        self.files: dict[str, set[str]] = {}  # source file -> graphs it gave (statements with no URL)

    def add(self, st: Extracted) -> None:
        if st.source and not st.has_url:
            self.files.setdefault(st.source, set()).add(st.graph)
        if self.ox is not None and st.graph not in self.queued and not self.store.has_graph(st.graph):
            self.queue.append(st)
            self.queued.add(st.graph)
            self.queued_quads += st.quads
            if self.queued_quads >= BATCH_QUADS:
                self.flush()
            return
        self.flush()
        try:
            quads = list(ox.parse(st.nquads, format=ox.RdfFormat.N_QUADS))
            old = self.store.graph_quads(st.graph) if self.store.has_graph(st.graph) else set()
            if old and old == {ox.Quad(q.subject, q.predicate, q.object, node(st.graph))
                               for q in quads}:
                changed = False
            else:
                changed = self.store.replace_graph(st.graph, quads)
        except Exception as exc:
            if isinstance(exc, StoreUnavailable):
                raise
            self.report.failures.append(ingest_mod.Failure(
                st.source or st.graph, f"could not store statement: {type(exc).__name__}: {exc}"))
            return
        if changed:
            self.maintainer.removed(st.graph, old)
            self.maintainer.added(st.graph, quads)
        elif not self.maintainer.is_consolidated(st.graph):
            # stored by a run cut short before it consolidated: this run makes up for it
            self.maintainer.added(st.graph, quads)
        self.report.stored += changed
        self.report.unchanged += not changed
        self.report.events.update(st.events)

    def flush(self) -> None:
        if not self.queue:
            return
        batch, self.queue, self.queued, self.queued_quads = self.queue, [], set(), 0
        data = b"".join(st.nquads for st in batch)
        assert self.ox is not None
        try:
            if self.bulk:
                self.ox.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
            else:
                self.ox.load(data, format=ox.RdfFormat.N_QUADS)
        except Exception as exc:  # noqa: BLE001 - the batch is not stored; say which statements
            for st in batch:
                self.report.failures.append(ingest_mod.Failure(
                    st.source or st.graph, f"could not store statement: {type(exc).__name__}: {exc}"))
            return
        self.report.stored += len(batch)
        for st in batch:
            self.report.events.update(st.events)
            self.maintainer.added(st.graph, ox.parse(st.nquads, format=ox.RdfFormat.N_QUADS))

    def withdraw_replaced_files(self) -> None:
        """A file read again whose statements (with no URL) changed: the old ones go."""
        for source, graphs in self.files.items():
            for g in stored_graphs_of_file(self.store, source):
                if g not in graphs:
                    old = self.store.graph_quads(g)
                    self.store.remove_graph(g)
                    self.maintainer.removed(g, old)
                    self.report.withdrawn += 1

    def finish(self) -> None:
        self.flush()
        self.withdraw_replaced_files()
        self.maintainer.apply()


def bulk_ingest(store: Any, paths: Iterable[str | Path], *, workers: int | None = None,
                on_item: OnItem | None = None, bulk_load: bool | None = None) -> IngestReport:
    """Ingest files and folders: extraction in worker processes (or this one), writing here.

    The one ingest path, whatever the number of workers. ``workers``: processes (None: see
    :func:`resolve_workers`; 1 extracts in this process). ``on_item`` is called with the
    source file of each statement and with the path of each failed file, in input order.
    ``bulk_load``: None uses Oxigraph's bulk loader when the store is fresh, False never
    does, True does when the store is fresh. A store that stops answering (StoreUnavailable)
    ends the run; every statement not stored is then listed as a failure.
    """
    paths = list(paths)
    # the files to read and the folders that cannot be listed, as iter_statements sees them
    targets = list(ingest_mod._targets(paths))
    n = resolve_workers(workers, [t for t in targets if isinstance(t, Path)])
    report = IngestReport()
    writer = _Writer(store, report, bulk_load)
    results = _results(targets, n)
    for item in results:
        if isinstance(item, Unprocessed):  # read, so counted
            report.statements += 1
            item = item.failure
        if isinstance(item, ingest_mod.Failure):
            report.failures.append(item)
            if on_item:
                on_item(item.path)
            continue
        report.statements += 1
        try:
            writer.add(item)
        except StoreUnavailable as exc:
            report.aborted = str(exc)
            report.failures.append(ingest_mod.Failure(
                item.source or item.graph, f"statement {item.title!r} not stored: {exc}"))
            for rest in results:
                if isinstance(rest, Unprocessed):
                    rest = rest.failure
                if isinstance(rest, ingest_mod.Failure):
                    report.failures.append(rest)
                else:
                    report.statements += 1
                    report.failures.append(ingest_mod.Failure(
                        rest.source or rest.graph,
                        f"statement {rest.title!r} not stored: the store stopped answering"))
            return report
        if on_item:
            on_item(item.source)
    writer.finish()
    store.flush()
    return report


# -- progress ---------------------------------------------------------------------------------


class IngestProgress:
    """A progress bar on stderr for an ingest: files done of the total, statements per second.

    Use it as the ``on_item`` callback::

        with IngestProgress(total_files) as tick:
            kg.ingest(folder, on_item=tick)
    """

    def __init__(self, total_files: int, *, console: Any = None, disable: bool | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = console or Console(stderr=True)
        if disable is None:
            disable = not console.is_terminal
        self.total = total_files
        self.progress = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[statements]} statements, {task.fields[rate]}/s"),
            TimeElapsedColumn(), TimeRemainingColumn(),
            console=console, disable=disable, transient=True)
        self.task = self.progress.add_task("ingesting", total=total_files or None,
                                           statements=0, rate="-")
        self.files = 0
        self.statements = 0
        self._last: str | None = None
        self._start = time.monotonic()
        self._shown = 0.0

    def __enter__(self) -> Self:
        self.progress.__enter__()
        self._start = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def __call__(self, source: str) -> None:
        self.statements += 1
        if source != self._last:  # results come in input order: a new source is a new file
            self._last = source
            self.files += 1
        now = time.monotonic()
        if now - self._shown >= 0.2 or self.files >= self.total:
            self._shown = now
            rate = self.statements / max(now - self._start, 1e-9)
            self.progress.update(self.task, completed=min(self.files, self.total or self.files),
                                 statements=self.statements, rate=f"{rate:.0f}")


__all__ = [
    "SMALL_BATCH",
    "IngestProgress",
    "bulk_ingest",
    "extract_file",
    "is_fresh",
    "resolve_workers",
]
