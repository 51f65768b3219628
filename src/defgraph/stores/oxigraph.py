"""The embedded store: Oxigraph on disk (or in memory), one named graph per statement.

Every statement is written as one named graph, whole or not at all:
``replace_graph`` compares what is there with what comes in, leaves an equal
graph untouched (re-ingest changes nothing), and otherwise drops the old graph
and adds the new one, each step a single Oxigraph transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .. import resources
from ..vocab import CONSOLIDATED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, node
from .base import (
    QueryOutcome,
    Rows,
    StoreBusy,
    StoreError,
    StoreMissing,
    Term,
)
from .base import as_graph_name as _as_graph_name

_CONSOLIDATED = node(CONSOLIDATED_GRAPH)


def _vocabulary_quads() -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, _CONSOLIDATED)
            for t in resources.vocabulary_triples()]


def _is_vocabulary(q: ox.Quad) -> bool:
    """Whether a quad is the store's copy of an ontology term in the consolidated graph."""
    return q.graph_name == _CONSOLIDATED and q.subject in resources.vocabulary_subjects()


def vocabulary_held(store: ox.Store) -> bool:
    """Whether the consolidated graph holds the whole copy of the ontology's named-term
    triples (a store written before it was kept, or a graph replaced by hand, does not:
    queries then read both graphs)."""
    return all(q in store for q in _vocabulary_quads())


def default_graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """What queries read as their default graph: the consolidated graph, alone when it
    holds the ontology's terms, else with the ontology graph (both would repeat them)."""
    return _read_graphs(vocabulary_held(store))


def _read_graphs(one_graph: bool) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    return [_CONSOLIDATED] if one_graph else [_CONSOLIDATED, node(ONTOLOGY_GRAPH)]


def is_store(path: Path) -> bool:
    """Whether a folder holds an embedded Oxigraph store (RocksDB's CURRENT file)."""
    return (path / "CURRENT").is_file()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


def _missing_hint(path: Path) -> str:
    """Stores near the working folder, to suggest for a misspelt --store."""
    here = Path.cwd()
    found: list[str] = []
    with suppress(OSError):
        for child in sorted(here.iterdir()):
            for cand in (child, child / "store"):
                if cand.is_dir() and is_store(cand) and cand.resolve() != path.resolve():
                    found.append(str(cand.relative_to(here)))
            if len(found) >= 3:
                break
    if found:
        return " or ".join(f"--store {f}" for f in found) + "?"
    return "create one with `defgraph ingest PATH --store DIR`, or `defgraph demo`"


class OxigraphStore:
    """An embedded Oxigraph store in a folder on disk (or in memory when path is None)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 create: bool = True) -> None:
        """Open (``create``: or make) the store; ``read_only`` never writes a byte to its folder.

        A read-only open refuses a folder that holds no store (StoreMissing) and a store
        another process holds for writing (StoreBusy, naming it), and keeps writers out
        while it is open. Only a writable open with ``create`` makes a new store.
        """
        from . import lock as storelock

        self.path = Path(path) if path is not None else None
        self._read_lock: storelock.ReadLock | None = None
        self.read_only = read_only and self.path is not None
        if self.path is not None and (read_only or not create) and not is_store(self.path):
            what = "no folder" if not self.path.exists() else "no defgraph store"
            raise StoreMissing(f"{what} at {self.path}: {_missing_hint(self.path)}")
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                holder = storelock.writer(self.path)
                if holder:
                    raise StoreBusy(f"the store {self.path} is busy: {holder} holds it for "
                                    "writing; try again when it ends")
                try:
                    self._read_lock = storelock.ReadLock(self.path)
                except BlockingIOError:
                    raise StoreBusy(f"the store {self.path} is busy: "
                                    f"{storelock.writer(self.path) or 'another process'} holds "
                                    "it for writing; try again when it ends") from None
                self._store = ox.Store.read_only(str(self.path))
            else:
                if is_store(self.path):  # ask before RocksDB, which rotates its log first
                    holder = storelock.writer(self.path) or storelock.reader(self.path)
                    if holder:
                        raise StoreBusy(f"the store {self.path} is busy: {holder} has it open; "
                                        "try again when it ends")
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            self._release()
            if self.path is not None and "lock" in str(exc).lower():
                holder = storelock.writer(self.path) or storelock.reader(self.path)
                raise StoreBusy(f"the store {self.path} is busy: {holder or 'another process'} "
                                "has it open; try again when it ends") from exc
            raise StoreError(f"cannot open the store at {self.path}: {_one_line(exc)}") from exc
        self._one_graph: bool | None = None  # whether queries can read the consolidated graph alone
        if not read_only:
            self._ensure_ontology()

    def _release(self) -> None:
        if self._read_lock is not None:
            self._read_lock.close()
            self._read_lock = None

    def __repr__(self) -> str:
        return f"OxigraphStore({str(self.path) if self.path else ':memory:'})"

    @property
    def location(self) -> str:
        return str(self.path) if self.path else ":memory:"

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph Store itself, for the ingest engine's bulk loader."""
        return self._store

    def _ensure_ontology(self) -> None:
        """Keep the ontology in its own named graph so queries can follow rdfs:subClassOf.

        Written only when it differs: its blank nodes get new names at every parse, so the
        stored and the bundled graph are compared in canonical form (RDF canonicalisation).
        """
        g = node(ONTOLOGY_GRAPH)
        with open(resources.ontology_file(), "rb") as f:
            quads = [ox.Quad(t.subject, t.predicate, t.object, g)
                     for t in ox.parse(f, format=ox.RdfFormat.TURTLE)]
        if not (self.has_graph(g) and _canonical(self.graph_quads(g)) == _canonical(quads)):
            self.replace_graph(ONTOLOGY_GRAPH, quads)
        if self.has_graph(_CONSOLIDATED) and not vocabulary_held(self._store):
            self.refresh_vocabulary()

    # -- the ontology's terms in the consolidated graph ---------------------------------
    # A default graph of two graphs costs Oxigraph two index reads per triple pattern, so
    # a query that reads the consolidated graph with the ontology took up to twice as
    # long as one that reads a single graph. The consolidated graph therefore carries a
    # copy of the ontology's triples between named terms (resources.vocabulary_triples),
    # and queries read it alone when the copy is there. The copy is the store's own:
    # graph_quads, subject_quads and quads leave it out, so the consolidated graph that
    # maintenance compares, exports publish and tests check is the same as without it.

    def refresh_vocabulary(self) -> None:
        """Write the copy of the ontology's named-term triples into the consolidated graph."""
        copy = _vocabulary_quads()
        try:
            held = [q for s in resources.vocabulary_subjects()
                    for q in self._store.quads_for_pattern(s, None, None, _CONSOLIDATED)]
            wanted = set(copy)
            for q in held:
                if q not in wanted:
                    self._store.remove(q)
            self._store.extend([q for q in copy if q not in self._store])
        except OSError as exc:
            raise StoreError(f"writing graph <{CONSOLIDATED_GRAPH}> failed: {exc}") from exc
        self._one_graph = True

    def _default_graphs(self) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
        """default_graphs, asked of the store once until a write may have changed it."""
        if self._one_graph is None:
            self._one_graph = vocabulary_held(self._store)
        return _read_graphs(self._one_graph)

    # -- writing -----------------------------------------------------------------
    def graph_quads(self, graph: str | ox.NamedNode) -> set[ox.Quad]:
        return set(self.iter_graph_quads(graph))

    def iter_graph_quads(self, graph: str | ox.NamedNode) -> Iterator[ox.Quad]:
        """graph_quads one at a time, for readers of a whole graph (export): memory stays
        flat. The consolidated graph's copy of the ontology's terms is left out."""
        g = _as_graph_name(graph)
        quads = self._store.quads_for_pattern(None, None, None, g)
        if g == _CONSOLIDATED:
            return (q for q in quads if not _is_vocabulary(q))
        return iter(quads)

    def has_graph(self, graph: str | ox.NamedNode) -> bool:
        return self._store.contains_named_graph(_as_graph_name(graph))

    def replace_graph(self, graph: str | ox.NamedNode, quads: Iterable[ox.Quad]) -> bool:
        """Make the named graph hold exactly its quads; returns False when nothing changed.

        Quads in the default graph go to `graph` too. Quads addressed to another named graph
        (the shared reference graph) are added there, never removed: they hold facts true
        whichever statement states them.
        """
        g = _as_graph_name(graph)
        own: set[ox.Quad] = set()
        shared: list[ox.Quad] = []
        for q in quads:
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != g:
                shared.append(q)
            else:
                own.add(ox.Quad(q.subject, q.predicate, q.object, g))
        if g == _CONSOLIDATED:
            self._one_graph = None
        try:
            missing = [q for q in shared if q not in self._store]
            exists = self.has_graph(g)
            if exists and not missing and self.graph_quads(g) == own:
                return False
            if exists and self.graph_quads(g) != own:
                self._store.remove_graph(g)
            self._store.extend(list(own) + missing)
            self._store.add_graph(g)
        except OSError as exc:
            raise StoreError(f"writing graph <{g.value}> failed: {exc}") from exc
        return True

    def remove_graph(self, graph: str | ox.NamedNode) -> None:
        g = _as_graph_name(graph)
        if g == _CONSOLIDATED:
            self._one_graph = None
        if self.has_graph(g):
            self._store.remove_graph(g)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        for g in self._store.named_graphs():
            if isinstance(g, ox.NamedNode):
                yield g

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads; ``bulk`` uses Oxigraph's bulk loader (for a graph being written anew)."""
        try:
            if bulk and self.path is not None:
                self._store.bulk_extend(quads)
            else:
                self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"writing failed: {exc}") from exc

    def change(self, remove: Iterable[ox.Quad], add: Iterable[ox.Quad]) -> None:
        """Remove some quads and add others (a small diff to a large graph)."""
        try:
            for q in remove:
                if _is_vocabulary(q):
                    self._one_graph = None
                self._store.remove(q)
            self._store.extend(add)
        except OSError as exc:
            raise StoreError(f"writing failed: {exc}") from exc

    def replace_subjects(self, graph: str | ox.NamedNode, subjects: Iterable[ox.NamedNode],
                         quads: Iterable[ox.Quad]) -> None:
        """In one graph, drop every triple of these subjects, then add these quads (its new ones).

        Not one transaction: the old triples go one by one, the new ones come in one. A run
        cut in between leaves the mark of maintain.Maintainer.begin, and the next run that
        writes rebuilds the consolidated graph."""
        g = _as_graph_name(graph)
        try:
            old = [q for s in subjects for q in self._store.quads_for_pattern(s, None, None, g)]
            new = set(quads)
            gone = [q for q in old if q not in new]
            for q in gone:
                self._store.remove(q)
            self._store.extend([q for q in new if q not in self._store])
        except OSError as exc:
            raise StoreError(f"writing graph <{g.value}> failed: {exc}") from exc

    def subject_quads(self, subject: ox.NamedNode | ox.BlankNode,
                      graph: str | ox.NamedNode | None = None,
                      predicate: ox.NamedNode | None = None) -> list[ox.Quad]:
        """Every quad with this subject (and predicate, if given), in one graph or (None) in all."""
        g = _as_graph_name(graph) if graph is not None else None
        return [q for q in self._store.quads_for_pattern(subject, predicate, None, g)
                if not _is_vocabulary(q)]

    # -- reading -----------------------------------------------------------------
    def query(self, sparql: str,
              bindings: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = None, *,
              union: bool = False) -> QueryOutcome:
        """Run a SPARQL query; bindings are substituted by the engine.

        The default graph is the consolidated graph with the ontology (what analysts ask
        about); ``union=True`` makes it the union of every graph, statements' records included.
        """
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        result = self._execute(sparql, union, substitutions or None)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            # a solution iterates over its values in the variables' order (None where
            # unbound): about 15 % of a 1,000-row lookup's time, against a lookup by name
            return Rows([v.value for v in result.variables], [list(sol) for sol in result])
        return list(result)

    def iter_rows(self, sparql: str, *, union: bool = False) -> Iterator[list[Term | None]]:
        """A SELECT query's rows one at a time (``query`` holds them all), for readers of
        many large rows: the export's statement texts. The same default graph as ``query``."""
        result = self._execute(sparql, union)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("iter_rows runs SELECT queries only")
        try:
            for solution in result:
                yield list(solution)
        except OSError as exc:  # a read that fails part way
            raise StoreError(f"query failed: {exc}") from exc

    def _execute(self, sparql: str, union: bool,
                 substitutions: dict[ox.Variable, Term] | None = None
                 ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """pyoxigraph's answer over this store's default graph (or every graph), its
        syntax and reading errors as StoreError."""
        try:
            return self._store.query(sparql, use_default_graph_as_union=union,
                                     default_graph=None if union else self._default_graphs(),
                                     prefixes=PREFIXES, substitutions=substitutions)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def update(self, sparql: str) -> None:
        self._one_graph = None  # an update may remove the copy of the ontology's terms
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def quads(self, *, include_ontology: bool = False) -> Iterator[ox.Quad]:
        onto = node(ONTOLOGY_GRAPH)
        for q in self._store:
            if (include_ontology or q.graph_name != onto) and not _is_vocabulary(q):
                yield q

    def triple_count(self) -> int:
        """Distinct triples over all statement graphs (the ontology graph left out)."""
        r = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
            "{ GRAPH ?g { ?s ?p ?o } FILTER(?g != <" + ONTOLOGY_GRAPH + ">) } }"
        )
        assert isinstance(r, Rows)
        term = r.rows[0][0]
        copy = sum(1 for q in _vocabulary_quads() if q in self._store)  # the store's own
        return int(term.value) - copy if term is not None else 0

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        self._store.dump(out, format=fmt, from_graph=node(graph) if graph else None)

    def flush(self) -> None:
        self._store.flush()

    def compact(self) -> bool:
        """Compact the store's files (pyoxigraph's ``optimize``). After a large ingest the
        bulk loader's files lie unmerged: at 100,000 statements compaction takes about 80 s,
        halves the folder (5.1 to 2.7 GB) and makes lookups 20-40 % faster."""
        if self.read_only:
            raise StoreError(f"{self.location} is open read-only: it cannot be compacted")
        self._store.flush()
        self._store.optimize()
        return True

    def close(self) -> None:
        """Flush and drop the store; pyoxigraph releases the folder's lock when it is freed."""
        if hasattr(self, "_store"):
            if not self.read_only:
                self._store.flush()
            del self._store
            import gc

            gc.collect()
        self._release()


Store = OxigraphStore


def _canonical(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """Quads with blank nodes renamed canonically, so equal graphs compare equal."""
    ds = ox.Dataset(quads)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(ds)
