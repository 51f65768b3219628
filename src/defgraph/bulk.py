"""The ingest engine: statements into the store, extraction in worker processes or this one.

Extraction (rules over the text) costs far more than storing, and it needs nothing
but the statement, so worker processes read and extract files while the main
process alone writes to the store. A worker sends each statement back as its
named graph's N-Quads (bytes), which the store parses natively; pyoxigraph
terms would pickle too, but ten times slower.

Files go out in small tasks, a bounded number of tasks per worker are in flight
(enough to keep the workers busy while the main process writes a batch, which takes
seconds), and results are written as they come back, in the order they complete: one slow file
holds back only the few files of its own task, never the rest of the batch (the
consolidated graph does not depend on the order statements are written in). What
the run keeps per statement is its contribution to the consolidated graph (its
facts, sorted by consolidate.contribution) until the run consolidates them at its end.

The main process overlaps its own work too: a batch is loaded into the store in a
thread (Oxigraph lets other threads run while it writes) while the batch is read for
the consolidated graph, and at the end each part of the consolidated graph is written
while the next is computed (maintain.py). Its cyclic garbage collector is off during a
run, with a young collection after each batch: full collections over the millions of
objects a run keeps cost more the larger the run (:func:`_collected`).

Every file has a time budget (``file_timeout``, default 60 s of processor time,
``ingest --file-timeout``): a file whose reading and extraction take longer is
stopped, reported in one line and skipped, and the batch goes on. The budget is
enforced inside the process that extracts, by a one-shot ITIMER_PROF timer whose
SIGPROF handler raises :class:`FileTimeout` in the main thread, so the work really
stops: ``re`` checks for signals while it matches, and a C call that does not
(pyoxigraph's serialiser, lxml) is over when it returns; every such call here is
linear in its input, which is bounded at 20 MB. Processor time rather than the wall
clock: a file gets the same verdict on a busy machine as on an idle one. In a WARC
archive each page has a budget of its own, as an archive may hold thousands.

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
  hold a quarter of a million quads at most; but that is the implementation, not a
  promise. If the process dies during a bulk load, run the same ingest again:
  the store is then no longer fresh, every statement's graph is compared with
  what the file gives and replaced when it differs, so the re-run completes the
  missing statements and mends any partial one. A load that fails with an error while
  the run goes on (its statements are reported as not stored) is undone: whatever it left
  of its statements' graphs and of their evidence spans in the consolidated graph is
  removed before the next batch (``_Writer._unload``).
* A statement whose graph is already in the store (ingested before, or earlier
  in the same run: the same URL twice) goes through ``replace_graph``, after the
  queue is written: left alone when equal, otherwise replaced whole. The result
  is the same store a one-process ingest gives, statement for statement.
* A store that is not an embedded Oxigraph store (a SPARQL endpoint) gets every
  statement through its own ``replace_graph``.

The consolidated graph follows after the statements are written, in several writes: a
run marks the store before its first write and removes the mark when the graph is in step,
and a run that finds the mark rebuilds the graph whole (maintain.Maintainer.begin, and
docs/consolidation.md, "A run cut short").

Merging happens after, not in the statements' graphs: each graph depends on its
statement only, and once a run has written its statements the consolidated graph is
brought up to date (maintain.py; see docs/consolidation.md). This is the one ingest
path, whatever the number of workers, for files, fetched pages and notebooks alike
(``ingest_statements``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Self

import pyoxigraph as ox

from . import ingest as ingest_mod
from .background import Background
from .consolidate import contribution, is_evidence
from .extract import extract
from .maintain import Maintainer, stored_graphs_of_file
from .mapping import graph_iri, to_quads
from .model import Extraction, Statement
from .pipeline import IngestReport, process
from .stores import StoreUnavailable
from .vocab import CONSOLIDATED_GRAPH, TYPE, is_statement_graph, node

# fewer files than this are ingested in one process by default: a worker process costs
# some 2.5 s of processor time to start (imports, gazetteers), about what 400 statements
# take to extract, so a small increment is done sooner (and cheaper) without workers
SMALL_BATCH = 200
FILES_PER_TASK = 8  # files a worker reads per task: large enough to amortise the round trip
TASK_BYTES = 1_000_000  # a task closes at this size: a large file goes alone, holding back no other
# per worker: the tasks queued keep it busy while the main process writes a batch (a second
# and then reads it back, seconds); what they hold back is some 25 MB of results
TASKS_IN_FLIGHT = 64
# quads written per step (about 2,700 statements of 300 words, some 60 MB of N-Quads):
# RocksDB merges fewer, larger bulk loads with less work (a tenth less processor time
# for the statements' graphs than steps of 50,000)
BATCH_QUADS = 250_000
DEFAULT_FILE_TIMEOUT = ingest_mod.FILE_TIMEOUT  # processor seconds per file (a 5 MB one-line text takes ~15)

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
    # where its evidence spans' quads start in ``nquads`` (they come last; the length when
    # none): into a fresh store they are loaded as they are into the consolidated graph too
    # (consolidate.Builder.add writes them unchanged), and only what is before is parsed
    split: int = -1


@dataclass(frozen=True)
class Unprocessed:
    """A statement that was read but could not be extracted or mapped."""

    failure: ingest_mod.Failure


Result = Extracted | Unprocessed | ingest_mod.Failure
Order = tuple[int, int]  # (the file's place in the input, the statement's place in the file)


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


# -- the time budget -----------------------------------------------------------------------


class FileTimeout(BaseException):
    """A file's time budget is spent. A BaseException, as KeyboardInterrupt is, so that no
    rule's ``except Exception`` can swallow it and carry on."""


class _Budget:
    """Processor seconds each file may take in this process, enforced by ITIMER_PROF.

    ``seconds`` None (or 0) is no budget. The SIGPROF handler raises only while a file is
    being worked on (``_armed``); the timer is disarmed as soon as the work returns.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 and _BUDGETS_WORK else None
        self._armed = False

    def _alarm(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            self._armed = False
            raise FileTimeout

    @contextmanager
    def installed(self) -> Iterator[None]:
        """The SIGPROF handler in place (main thread only), the previous one back after."""
        if self.seconds is None:
            yield
            return
        previous = signal.signal(signal.SIGPROF, self._alarm)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)

    def run(self, work: Callable[..., Any], *args: Any) -> Any:
        """``work(*args)``, or FileTimeout once it has used ``seconds`` of processor time."""
        if self.seconds is None:
            return work(*args)
        self._armed = True
        signal.setitimer(signal.ITIMER_PROF, self.seconds)
        try:
            return work(*args)
        finally:
            self._armed = False
            signal.setitimer(signal.ITIMER_PROF, 0)

    def reason(self) -> str:
        assert self.seconds is not None
        return (f"took longer than {self.seconds:g} s to read and extract (processor time), "
                "skipped; --file-timeout sets the limit")


_BUDGETS_WORK = hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")  # POSIX


def _budget_here() -> bool:
    """Whether this process may time files itself: in its main thread, with the profiling
    timer and signal free (a profiler or another library may own them)."""
    return (_BUDGETS_WORK and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
            and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, signal.SIG_IGN, None))


def _extract_within(budget: _Budget, path: str, name: str) -> list[Result]:
    """One file's results, the file skipped (one Failure) when it overruns its budget.

    A WARC archive's pages each get the budget (parsing and extraction); a page that
    overruns is skipped and the archive goes on: its pages are statements of their own.
    """
    if budget.seconds is None:
        return extract_file(path, name)
    if not ingest_mod.is_warc(path):
        try:
            results: list[Result] = budget.run(extract_file, path, name)
        except FileTimeout:
            return [ingest_mod.Failure(path, budget.reason())]
        return results
    out: list[Result] = []
    for page in ingest_mod.warc_pages(path):  # reading a record is linear in its size, bounded
        if isinstance(page, ingest_mod.Failure):
            out.append(page)
            continue
        try:
            out.append(budget.run(_page_result, page))
        except FileTimeout:
            out.append(ingest_mod.Failure(page.label, budget.reason()))
    return out


def _page_result(page: ingest_mod.WarcPage) -> Result:
    statement = page.statement()
    return statement if isinstance(statement, ingest_mod.Failure) else _extract_one(statement)


# -- the workers' side ----------------------------------------------------------------------


def extract_file(path: str, name: str | None = None) -> list[Result]:
    """Read one file and extract its statements; every problem becomes a Failure, never an exception.

    ``name``: what its statements record as their source file (ingest.source_name).
    """
    return [item if isinstance(item, ingest_mod.Failure) else _extract_one(item)
            for item in ingest_mod.statements_of(path, name)]


def _extract_one(statement: Statement) -> Extracted | Unprocessed:
    """One statement extracted and mapped, or the Unprocessed that says why not."""
    try:
        return extracted(statement, extract(statement))
    except Exception as exc:  # noqa: BLE001 - one statement must not stop the batch
        return Unprocessed(ingest_mod.Failure(
            statement.source_file or statement.title or "<statement>",
            f"could not process statement {statement.title!r}: {type(exc).__name__}: {exc}"))


def extracted(statement: Statement, ex: Extraction) -> Extracted:
    """A statement and its extraction as the writer takes them (N-Quads of its graph)."""
    quads = to_quads(ex)
    rest, spans = _spans_apart(quads)
    data = ox.serialize(rest, format=ox.RdfFormat.N_QUADS)
    assert data is not None
    split = len(data)
    if spans:
        tail = ox.serialize(spans, format=ox.RdfFormat.N_QUADS)
        assert tail is not None
        data += tail
    return Extracted(graph_iri(statement).value, data, len(quads),
                     tuple(e.type for e in ex.events), statement.source_file or "",
                     statement.title, bool(statement.source_url), split)


def _spans_apart(quads: list[ox.Quad]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """A statement's quads in two: those of its evidence spans (what consolidate.contribution
    reads as evidence: a named subject that consolidate.is_evidence, an object that is no
    quoted triple) and the rest, each in its order."""
    kinds: dict[ox.NamedNode, set[str]] = {}
    for q in quads:
        if q.predicate == TYPE and isinstance(q.subject, ox.NamedNode) \
                and isinstance(q.object, ox.NamedNode):
            kinds.setdefault(q.subject, set()).add(q.object.value)
    spans = {s for s, k in kinds.items() if is_evidence(k)}
    if not spans:
        return quads, []
    rest: list[ox.Quad] = []
    evidence: list[ox.Quad] = []
    for q in quads:
        (evidence if q.subject in spans and not isinstance(q.object, ox.Triple)
         else rest).append(q)
    return rest, evidence


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


_WORKER_BUDGET = _Budget(None)  # set in each worker process by _start_worker


def _extract_files(paths: list[tuple[int, str, str]]) -> list[tuple[int, list[Result]]]:
    """A worker's task: each file's results, with the file's place in the input."""
    return [(i, _extract_within(_WORKER_BUDGET, p, name)) for i, p, name in paths]


def _warm_up() -> None:
    """Load the gazetteers once per process, before the first real file (and its budget)."""
    from .model import Statement

    process(Statement(text="The Defence Minister met his counterpart in Paris today."))


def _start_worker(seconds: float | None) -> None:
    """A worker process's initializer: warm up, then time every file it is given."""
    global _WORKER_BUDGET
    _warm_up()
    _WORKER_BUDGET = _Budget(seconds)
    if _WORKER_BUDGET.seconds is not None:
        signal.signal(signal.SIGPROF, _WORKER_BUDGET._alarm)


def _numbered(index: int, results: list[Result]) -> Iterator[tuple[Order, Result]]:
    for k, r in enumerate(results):
        yield (index, k), r


def _results(targets: Sequence[Path | ingest_mod.Failure], workers: int,
             file_timeout: float | None = None) -> Iterator[tuple[Order, Result]]:
    """Every file's results with their place in the input, in the order they are ready.

    Extraction in ``workers`` processes; with one, in this process when it may time files
    itself (its main thread), else in one worker process.
    """
    budget = _Budget(file_timeout)
    if workers <= 1 and (budget.seconds is None or _budget_here()):
        with budget.installed():
            warm = budget.seconds is None
            for i, t in enumerate(targets):
                if isinstance(t, ingest_mod.Failure):
                    yield (i, 0), t
                    continue
                if not warm:  # the gazetteers load outside the first file's budget
                    _warm_up()
                    warm = True
                yield from _numbered(i, _extract_within(budget, str(t), ingest_mod.source_name(t)))
        return

    def tasks() -> Iterator[tuple[int, ingest_mod.Failure] | list[tuple[int, str, str]]]:
        chunk: list[tuple[int, str, str]] = []
        size = 0
        for i, t in enumerate(targets):
            if isinstance(t, ingest_mod.Failure):
                yield i, t
                continue
            n = _size(t)
            if chunk and size + n > TASK_BYTES:
                yield chunk
                chunk, size = [], 0
            chunk.append((i, str(t), ingest_mod.source_name(t)))
            size += n
            if len(chunk) >= FILES_PER_TASK or size >= TASK_BYTES:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def ready(futures: set[Future[list[tuple[int, list[Result]]]]]) -> Iterator[tuple[Order, Result]]:
        for f in sorted(futures, key=lambda f: order_of[f]):
            del order_of[f]
            for i, results in f.result():
                yield from _numbered(i, results)

    # spawn, not fork: the parent holds an open RocksDB store and its threads.
    ctx = multiprocessing.get_context("spawn")
    order_of: dict[Future[list[tuple[int, list[Result]]]], int] = {}
    running: set[Future[list[tuple[int, list[Result]]]]] = set()
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx, initializer=_start_worker,
                             initargs=(budget.seconds,)) as pool:
        try:
            for task in tasks():
                if isinstance(task, tuple):  # a folder that cannot be listed
                    yield (task[0], 0), task[1]
                    continue
                future = pool.submit(_extract_files, task)
                order_of[future] = task[0][0]
                running.add(future)
                while len(running) >= max(1, workers) * TASKS_IN_FLIGHT:
                    done, running = _first_done(running)
                    yield from ready(done)
            while running:
                done, running = _first_done(running)
                yield from ready(done)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reading it will say what is wrong
        return 0


def _first_done(futures: set[Future[Any]]) -> tuple[set[Future[Any]], set[Future[Any]]]:
    done, rest = wait(futures, return_when=FIRST_COMPLETED)
    return set(done), set(rest)


# -- the main process: writing ----------------------------------------------------------------


def _oxigraph(store: Any) -> ox.Store | None:
    """The pyoxigraph Store inside an embedded OxigraphStore, None for any other kind of store."""
    from .stores import OxigraphStore

    return store.raw if isinstance(store, OxigraphStore) else None


def is_fresh(store: Any) -> bool:
    """True when the store holds no statement graph (only the ontology, if that)."""
    return not any(is_statement_graph(g.value) for g in store.named_graphs())


_CONSOLIDATED_END = f" <{CONSOLIDATED_GRAPH}> .\n".encode()


def _as_consolidated(st: Extracted) -> bytes | None:
    """A statement's evidence spans (``nquads`` from ``split``) as N-Quads of the consolidated
    graph: each line ends with the statement's graph (a literal holds no line break), which
    becomes the consolidated graph; None when some line does not end so."""
    spans = st.nquads[st.split:]
    end = f" <{st.graph}> .\n".encode()
    if not spans.endswith(b"\n") or spans.count(end) != spans.count(b"\n"):
        return None
    return spans.replace(end, _CONSOLIDATED_END)


def _consolidated_spans(batch: Sequence[Extracted]) -> Iterator[tuple[int, bytes]]:
    """The statements of a batch whose evidence spans are loaded as they are into the
    consolidated graph (their place in the batch), with those spans (_as_consolidated)."""
    for k, st in enumerate(batch):
        if 0 <= st.split < len(st.nquads):
            spans = _as_consolidated(st)
            if spans is not None:
                yield k, spans


class _Writer:
    """Writes statements as they come, whole, in batches, then consolidates what changed.

    Every statement graph written (new or changed) and every one removed is remembered;
    ``finish`` hands them to :class:`defgraph.maintain.Maintainer`, which recomputes the
    parts of the consolidated graph they touch.

    Statements may come in any order. Where two give the same graph (the same URL twice
    in a run), the one later in the input is what stays, as if they had come in input
    order: an earlier one arriving after it is passed over (counted as unchanged).
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
        self.collect = False  # set by _collected: the garbage collector is left to settle()
        # source file -> graphs it gave (statements with no URL); none into a fresh store
        self.files: dict[str, set[str]] = {}
        self.written: dict[str, Order] = {}  # graph -> place in the input of what this run wrote

    def add(self, st: Extracted, order: Order | None = None) -> None:
        """Store one statement; ``order`` is its place in the input (None: after all before)."""
        if st.source and not self.fresh:
            # a file read again: its statements without a URL that it no longer gives go,
            # also when all it gives now have one (a digest's items dropped, a link added)
            given = self.files.setdefault(st.source, set())
            if not st.has_url:
                given.add(st.graph)
        if order is not None:
            if st.graph in self.written and self.written[st.graph] > order:
                self.report.unchanged += 1  # a later statement of the input gave this graph
                return
            self.written[st.graph] = order
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
                self.maintainer.begin()
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
            # stored by a run cut short before it consolidated (by a version that did not
            # mark its runs, maintain.Maintainer.begin): this run makes up for it
            self.maintainer.added(st.graph, quads, unconsolidated=True)
        self.report.stored += changed
        self.report.unchanged += not changed
        self.report.events.update(st.events)

    def flush(self) -> None:
        if not self.queue:
            return
        batch, self.queue, self.queued, self.queued_quads = self.queue, [], set(), 0
        assert self.ox is not None
        store = self.ox

        self.maintainer.begin()
        # into a fresh store, each statement's evidence spans go into the consolidated graph
        # unchanged: loaded with the batch, their lines with the consolidated graph's name
        # put for the statement's, and not parsed here (Maintainer.takes_spans)
        heads = [st.nquads for st in batch]
        parts = list(heads)
        with_spans = self.maintainer.takes_spans()
        if with_spans:
            for k, spans in _consolidated_spans(batch):
                parts.append(spans)
                heads[k] = batch[k].nquads[:batch[k].split]
        data = b"".join(parts)
        del parts

        def load(data: bytes) -> None:
            if self.bulk:
                store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
            else:
                store.load(data, format=ox.RdfFormat.N_QUADS)

        # the store writes in a thread (it lets this one run) while the statements are
        # read here for the consolidated graph; they count only once the batch is stored
        writing: Background[bytes] = Background(load, name="defgraph-batch-writer")
        writing.submit(data)
        failed: Exception | None = None
        try:
            read = [contribution(st.graph, ox.parse(head, format=ox.RdfFormat.N_QUADS))
                    for st, head in zip(batch, heads, strict=True)]
        finally:
            try:
                writing.wait()
            except Exception as exc:  # noqa: BLE001 - the batch is not stored; said below
                failed = exc
        if failed is not None:
            self._unload(batch, with_spans)
            for st in batch:
                self.report.failures.append(ingest_mod.Failure(
                    st.source or st.graph,
                    f"could not store statement: {type(failed).__name__}: {failed}"))
            return
        self.report.stored += len(batch)
        for st, c in zip(batch, read, strict=True):
            self.report.events.update(st.events)
            self.maintainer.added(st.graph, c)
        self.settle()

    def _unload(self, batch: list[Extracted], with_spans: bool) -> None:
        """Whatever a failed load left of its batch: the bulk loader is not transactional, and
        a statement is stored whole or not at all. Each statement's graph goes (none was in
        the store before its batch) and so do the spans loaded into the consolidated graph
        (``with_spans``; the maintainer is not told of the batch). A store that cannot even
        do that is one that stopped answering: the run ends, its mark left for the next run
        to rebuild."""
        try:
            for st in batch:
                self.store.remove_graph(st.graph)
            if with_spans:
                spans = b"".join(spans for _, spans in _consolidated_spans(batch))
                self.store.change(ox.parse(spans, format=ox.RdfFormat.N_QUADS), [])
        except Exception as exc:
            raise StoreUnavailable(
                f"a batch failed to load and what it left could not be removed: "
                f"{type(exc).__name__}: {exc}") from exc

    def settle(self) -> None:
        """Collect what the batch just read left in reference cycles (a young collection:
        it scans only the objects made since the last one); see _collected."""
        if self.collect:
            gc.collect(1)

    def withdraw_replaced_files(self) -> None:
        """A file read again whose statements (with no URL) changed: the old ones go."""
        for source, graphs in self.files.items():
            for g in stored_graphs_of_file(self.store, source):
                if g not in graphs:
                    old = self.store.graph_quads(g)
                    self.maintainer.begin()
                    self.store.remove_graph(g)
                    self.maintainer.removed(g, old)
                    self.report.withdrawn += 1

    def finish(self) -> None:
        self.flush()
        self.withdraw_replaced_files()
        self.settle()
        self.maintainer.apply()


@contextmanager
def _collected(writer: _Writer) -> Iterator[None]:
    """Spare the main process the garbage collector's full scans while it ingests.

    A large ingest keeps millions of small objects (every statement's facts, until it
    consolidates them), none of them in a reference cycle, and each full collection walks
    them all: at 10k statements some twenty took 9 s of the main process, at 30k 35 took
    72 s, growing faster than the run. So the automatic collector is off during the run,
    and after each batch ``writer.settle`` runs a young collection, which scans only what
    the batch made, once, and frees any cycle in it; the collector is as before when the
    run ends. Left alone when something else in this process turned it off already.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    writer.collect = True
    try:
        yield
    finally:
        writer.collect = False
        gc.enable()


def bulk_ingest(store: Any, paths: Iterable[str | Path], *, workers: int | None = None,
                on_item: OnItem | None = None, bulk_load: bool | None = None,
                file_timeout: float | None = DEFAULT_FILE_TIMEOUT) -> IngestReport:
    """Ingest files and folders: extraction in worker processes (or this one), writing here.

    The one ingest path, whatever the number of workers. ``workers``: processes (None: see
    :func:`resolve_workers`; 1 extracts in this process). ``on_item`` is called with the
    source file of each statement and with the path of each failed file, as each is
    written (the statements of one file together, files in the order they are ready).
    ``bulk_load``: None uses Oxigraph's bulk loader when the store is fresh, False never
    does, True does when the store is fresh. ``file_timeout``: processor seconds a file
    may take to be read and extracted before it is reported and skipped (None or 0: no
    limit). A store that stops answering (StoreUnavailable) ends the run; every statement
    not stored is then listed as a failure.
    """
    paths = list(paths)
    # the files to read and the folders that cannot be listed, as iter_statements sees them
    targets = list(ingest_mod.targets(paths))
    n = resolve_workers(workers, [t for t in targets if isinstance(t, Path)])
    report = IngestReport()
    writer = _Writer(store, report, bulk_load)
    with _collected(writer):
        return _ingest_results(store, writer, _results(targets, n, file_timeout), on_item)


def _ingest_results(store: Any, writer: _Writer, results: Iterator[tuple[Order, Result]],
                    on_item: OnItem | None) -> IngestReport:
    """bulk_ingest's loop: write each result as it comes, then consolidate."""
    report = writer.report
    for order, item in results:
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
            writer.add(item, order)
        except StoreUnavailable as exc:
            report.aborted = str(exc)
            report.failures.append(ingest_mod.Failure(
                item.source or item.graph, f"statement {item.title!r} not stored: {exc}"))
            for _, rest in results:
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
        if source != self._last:  # a file's statements come together: a new source is a new file
            self._last = source
            self.files += 1
        now = time.monotonic()
        if now - self._shown >= 0.2 or self.files >= self.total:
            self._shown = now
            rate = self.statements / max(now - self._start, 1e-9)
            self.progress.update(self.task, completed=min(self.files, self.total or self.files),
                                 statements=self.statements, rate=f"{rate:.0f}")


__all__ = [
    "DEFAULT_FILE_TIMEOUT",
    "SMALL_BATCH",
    "FileTimeout",
    "IngestProgress",
    "bulk_ingest",
    "extract_file",
    "is_fresh",
    "resolve_workers",
]
