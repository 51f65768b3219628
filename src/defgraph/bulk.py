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

import dataclasses
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
from .mapping import graph_iri
from .merge import EventKey, best_match, event_keys, stored_candidates
from .pipeline import IngestReport, process
from .vocab import ONTOLOGY_GRAPH

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
    keys: tuple[EventKey, ...] = ()  # what merging compares (see merge.py)


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
    n = 0
    for _ in ingest_mod.iter_paths(paths):
        n += 1
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
            ex, quads = process(item)
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
            assert data is not None
        except Exception as exc:  # noqa: BLE001 - one statement must not stop the batch
            out.append(Unprocessed(ingest_mod.Failure(
                item.source_file or item.title or "<statement>",
                f"could not process statement {item.title!r}: {type(exc).__name__}: {exc}")))
            continue
        out.append(Extracted(graph_iri(item).value, data, len(quads),
                             tuple(e.type for e in ex.events), item.source_file or "",
                             tuple(k for k in event_keys(ex) if k is not None)))
    return out


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

    return store._store if isinstance(store, OxigraphStore) else None  # its own, not a copy


def is_fresh(store: Any) -> bool:
    """True when the store holds no statement graph (only the ontology, if that)."""
    return all(g.value == ONTOLOGY_GRAPH for g in store.named_graphs())


class _Writer:
    """Writes statements in input order, whole, in batches; see the module docstring."""

    def __init__(self, store: Any, report: IngestReport, bulk_load: bool | None) -> None:
        self.store = store
        self.report = report
        self.ox = _oxigraph(store)
        on_disk = getattr(store, "path", None) is not None
        fresh = self.ox is not None and on_disk and is_fresh(store)
        self.bulk = fresh if bulk_load is None else (bulk_load and fresh)
        self.queue: list[Extracted] = []
        self.queued: set[str] = set()
        self.queued_quads = 0
        self.pending: list[EventKey] = []  # events of statements queued but not yet in the store
        # a fresh store has nothing to merge with but what this run queues
        self.merge_store = not (self.ox is not None and is_fresh(store))

    def _merged(self, st: Extracted) -> Extracted:
        """The statement with its events renamed to those already stored or queued (merge.py)."""
        if not st.keys:
            return st
        taken: set[str] = set()
        nquads, keys = st.nquads, []
        for key in st.keys:
            candidates = stored_candidates(self.store, key, st.graph) if self.merge_store else []
            candidates += [(p, abs((p.day - key.day).days)) for p in self.pending
                           if p.type == key.type and abs((p.day - key.day).days) <= 1]
            iri = best_match(key, candidates, taken)
            if iri is not None and iri != key.iri:
                nquads = nquads.replace(f"<{key.iri}>".encode(), f"<{iri}>".encode())
                taken.add(iri)
                key = dataclasses.replace(key, iri=iri)
            keys.append(key)
        self.pending.extend(keys)
        return dataclasses.replace(st, nquads=nquads) if nquads is not st.nquads else st

    def add(self, st: Extracted) -> None:
        st = self._merged(st)
        if self.ox is not None and st.graph not in self.queued and not self.store.has_graph(st.graph):
            self.queue.append(st)
            self.queued.add(st.graph)
            self.queued_quads += st.quads
            if self.queued_quads >= BATCH_QUADS:
                self.flush()
            return
        self.flush()
        try:
            changed = self.store.replace_graph(
                st.graph, ox.parse(st.nquads, format=ox.RdfFormat.N_QUADS))
        except Exception as exc:  # noqa: BLE001 - as the one-process ingest: report, go on
            self.report.failures.append(ingest_mod.Failure(
                st.source or st.graph, f"could not store statement: {type(exc).__name__}: {exc}"))
            return
        self.report.stored += changed
        self.report.unchanged += not changed
        self.report.events.update(st.events)

    def flush(self) -> None:
        if not self.queue:
            return
        self.merge_store = True  # from now on, earlier statements are in the store
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
        self.pending.clear()  # now in the store, where stored_candidates finds them
        for st in batch:
            self.report.events.update(st.events)


def bulk_ingest(store: Any, paths: Iterable[str | Path], *, workers: int | None = None,
                on_item: OnItem | None = None, bulk_load: bool | None = None) -> IngestReport:
    """Ingest files and folders with extraction in worker processes; same result as one process.

    ``workers``: processes (None: see :func:`resolve_workers`; 1 extracts in this
    process but still writes in batches). ``on_item`` is called with the source
    file of each statement and with the path of each failed file, in input order.
    ``bulk_load``: None uses Oxigraph's bulk loader when the store is fresh, False
    never does, True does when the store is fresh.
    """
    paths = list(paths)
    # the files to read and the folders that cannot be listed, as iter_statements sees them
    targets = list(ingest_mod._targets(paths))
    n = resolve_workers(workers, [t for t in targets if isinstance(t, Path)])
    report = IngestReport()
    writer = _Writer(store, report, bulk_load)
    for item in _results(targets, n):
        if isinstance(item, Unprocessed):  # read, so counted, as in the one-process ingest
            report.statements += 1
            item = item.failure
        if isinstance(item, ingest_mod.Failure):
            report.failures.append(item)
            if on_item:
                on_item(item.path)
            continue
        report.statements += 1
        writer.add(item)
        if on_item:
            on_item(item.source)
    writer.flush()
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
