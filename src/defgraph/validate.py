"""Check the store's data against the SHACL shapes in ontology/shapes.ttl.

The published graph is validated: the consolidated graph, with each statement's text and
the analysts' corrections, as exports show it. The ontology is mixed into the data
without inference, so that ``sh:targetClass`` follows rdfs:subClassOf while range
constraints such as "points to a dg:Statement" are still checked, not inferred true.

Validation runs in chunks of whole subjects, so memory stays bounded at any size (the
whole graph of 100k statements is 8 M triples: pySHACL over it held 9.9 GB and had not
finished in ten minutes). Chunking is exact because every shape in shapes.ttl is local to
its focus node: it reads the node's own triples and, for ``sh:class``, the types of the
nodes it points to, which each chunk carries along as context; only the chunk's own
subjects are reported as focus nodes. ``_analyse`` checks that the shapes use only such
constraints; a shapes file that does not, and a server's graph (read whole anyway), are
validated in one piece. Each chunk is checked by rudof (pyrudof, a SHACL engine in Rust,
about 5x faster a triple than pySHACL) in a worker process while the next chunk is read;
tests compare its findings with pySHACL's on the same graphs.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from . import resources
from .stores import OxigraphStore, python_value
from .vocab import CONSOLIDATED_GRAPH, CORRECTIONS_GRAPH, RDF_TYPE, dg

if TYPE_CHECKING:
    from .stores.remote import RemoteStore

Node = ox.NamedNode | ox.BlankNode
Violation = tuple[str, str, str]
"""(focus node, path, message): the node IRI (or ``_:id``), the property IRI (or ""), the text."""

CHUNK_TRIPLES = 100_000
"""Triples of whole subjects checked at a time (about 0.6 GB and 2 s a chunk)."""

SH = "http://www.w3.org/ns/shacl#"
_TYPE = ox.NamedNode(RDF_TYPE)
_TEXT = dg("text")
_STATEMENT = dg("Statement")
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

# Targets and constraints that look only at the focus node's own triples (and, for
# sh:class, at the types of their values). Anything else (sh:targetNode, whose node may
# have no triples; sh:node, qualified shapes, inverse or sequence paths, SPARQL
# constraints, ...) may read further, so such a shapes file is validated whole.
_LOCAL = frozenset(SH + name for name in (
    "targetClass", "targetSubjectsOf", "severity", "message", "property", "path",
    "minCount", "maxCount", "datatype", "nodeKind", "class", "in", "pattern", "flags",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength", "maxLength",
    "lessThan", "lessThanOrEquals", "equals", "disjoint", "languageIn", "uniqueLang", "or",
    "and", "not", "xone", "hasValue", "name", "description", "deactivated", "closed",
    "ignoredProperties", "order", "group", "defaultValue"))


class ValidationError(Exception):
    """Validation could not run: a shapes or ontology file is missing or broken, or the engine failed."""


@dataclass
class ValidationReport:
    """The outcome of validating a store: whether it conforms, and what is wrong if not."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class _Shapes:
    """The shapes and ontology texts, and what chunking needs to know about the shapes."""

    shapes: str
    subclasses: str
    """The ontology's rdfs:subClassOf triples as N-Triples: what the shapes' targets and
    sh:class need of it (the rest describes terms, not data)."""
    local: bool
    class_paths: frozenset[str]
    by_shape: dict[str, str]
    """A named shape's sh:message, by the shape's IRI (rudof words node-level results itself)."""
    by_constraint: dict[tuple[str, str], str]
    """A property shape's sh:message by (path, constraint parameter), where only one shape
    has that pair (rudof words some constraints' results itself, lessThanOrEquals one)."""


def _read(path: Path, what: str) -> str:
    """A Turtle file's text, checked to parse (a broken file is an error naming it)."""
    try:
        text = path.read_text(encoding="utf-8")
        list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"cannot read the {what} {path}: {exc}") from exc
    return text


def _shapes() -> _Shapes:
    try:
        shapes_path, ontology_path = resources.shapes_file(), resources.ontology_file()
    except FileNotFoundError as exc:
        raise ValidationError(str(exc)) from exc
    return _analyse(_read(shapes_path, "SHACL shapes"), _read(ontology_path, "ontology"))


@cache
def _analyse(shapes: str, ontology: str) -> _Shapes:
    """Whether every constraint is local to its focus node, which paths sh:class checks,
    and the shapes' own messages."""
    triples = list(ox.parse(shapes, format=ox.RdfFormat.TURTLE))
    predicates = {t.predicate.value for t in triples if t.predicate.value.startswith(SH)}
    local = predicates <= _LOCAL
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def reached(node: object) -> Iterator[ox.Triple]:
        """Every triple reachable from a shape node (lists, nested and named shapes)."""
        seen, todo = {node}, [node]
        while todo:
            for t in by_subject.get(todo.pop(), []):
                yield t
                if t.object not in seen and t.object in by_subject:
                    seen.add(t.object)
                    todo.append(t.object)

    class_paths: set[str] = set()
    messages: dict[tuple[str, str], list[str]] = {}
    for t in triples:
        if t.predicate.value != SH + "path":
            continue
        if not isinstance(t.object, ox.NamedNode):
            local = False  # a sequence or inverse path reads other nodes' triples
            continue
        inner = [u for u in reached(t.subject) if u.subject != t.subject]
        if any(u.predicate.value in (SH + "path", SH + "property") for u in inner):
            local = False  # a shape on the values' own properties reads other nodes
        own = by_subject[t.subject]
        if any(u.predicate.value == SH + "class" for u in own + inner):
            class_paths.add(t.object.value)
        message = [str(u.object.value) for u in own if u.predicate.value == SH + "message"
                   and isinstance(u.object, ox.Literal)]
        if message:
            for u in own:
                if u.predicate.value.startswith(SH):
                    messages.setdefault((t.object.value, u.predicate.value[len(SH):]), []).extend(message)
    by_shape = {str(t.subject.value): str(t.object.value) for t in triples
                if t.predicate.value == SH + "message" and isinstance(t.subject, ox.NamedNode)
                and isinstance(t.object, ox.Literal)}
    by_constraint = {key: found[0] for key, found in messages.items() if len(set(found)) == 1}
    subclass = _nt(t for t in ox.parse(ontology, format=ox.RdfFormat.TURTLE)
                   if t.predicate.value == _SUBCLASS)
    return _Shapes(shapes, subclass, local, frozenset(class_paths), by_shape, by_constraint)


def _nt(triples: Iterable[ox.Triple]) -> str:
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)


# -- the engine ----------------------------------------------------------------------------------

_QUOTED = re.compile(r'^"(.*)"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?$', re.DOTALL)


def _message(raw: object) -> str:
    text = "" if raw is None else str(raw)
    m = _QUOTED.match(text)
    return m.group(1) if m else text


def _check(ntriples: str, shapes: _Shapes) -> list[Violation]:
    """Violations (severity sh:Violation) of N-Triples data, the ontology's subclasses
    mixed in. Module level, so that a worker process can run it."""
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    strict = pyrudof.ReaderMode.Strict
    try:
        rudof.read_data(ntriples + shapes.subclasses, format=pyrudof.RDFFormat.NTriples,
                        reader_mode=strict)
        rudof.read_shacl(shapes.shapes, reader_mode=strict)
        report = rudof.validate_shacl()
        return [(str(entry.focus_node), str(entry.path or ""), _worded(entry, shapes))
                for entry in report if str(entry.severity) == "Violation"]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyrudof raises its own types, a Rust panic a BaseException
        raise ValidationError(f"SHACL validation failed: {type(exc).__name__}: {exc}") from None


def _worded(entry: Any, shapes: _Shapes) -> str:
    """The shapes file's own sh:message for a result where it has one, else rudof's words."""
    shape = str(entry.source_shape or "")
    if shape in shapes.by_shape:
        return shapes.by_shape[shape]
    component = str(entry.constraint_component or "").rsplit("#", 1)[-1]
    parameter = component.removesuffix("ConstraintComponent")
    parameter = parameter[:1].lower() + parameter[1:]
    return shapes.by_constraint.get((str(entry.path or ""), parameter), _message(entry.message))


def check_triples(triples: Sequence[ox.Triple]) -> list[Violation]:
    """Violations of a small graph held whole (the ontology mixed in), sorted."""
    return sorted(_check(_nt(triples), _shapes()))


# -- chunks of whole subjects --------------------------------------------------------------------


def _chunks(store: OxigraphStore, shapes: _Shapes, size: int
            ) -> Iterator[tuple[list[ox.Triple], set[str] | None, int]]:
    """(triples, focus names, how many are the chunk's own) of whole subjects, about
    ``size`` triples each, with the context sh:class reads (the types of the nodes the
    chunk points to along those paths).

    The embedded store streams a graph in graph-subject order, so each subject's triples
    come together; its statement text and corrections are looked up and joined to it.
    """
    consolidated = ox.NamedNode(CONSOLIDATED_GRAPH)
    corrections: dict[Node, list[ox.Triple]] = {}
    if store.has_graph(CORRECTIONS_GRAPH):
        for q in store.graph_quads(CORRECTIONS_GRAPH):
            if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)):
                corrections.setdefault(q.subject, []).append(
                    ox.Triple(q.subject, q.predicate, q.object))

    def finish(triples: list[ox.Triple], subjects: set[Node]
               ) -> tuple[list[ox.Triple], set[str], int]:
        wanted = {t.object for t in triples if t.predicate.value in shapes.class_paths
                  and isinstance(t.object, (ox.NamedNode, ox.BlankNode))
                  and t.object not in subjects}
        context = [ox.Triple(q.subject, q.predicate, q.object) for node in wanted
                   for q in store.subject_quads(node, consolidated, _TYPE)]  # type: ignore[arg-type]
        return triples + context, {python_value(s) for s in subjects}, len(triples)

    triples: list[ox.Triple] = []
    subjects: set[Node] = set()
    for subject, quads in groupby(store.iter_graph_quads(consolidated), key=lambda q: q.subject):
        if not isinstance(subject, (ox.NamedNode, ox.BlankNode)):
            continue  # a quoted triple as subject: no shape targets one
        group = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        if any(t.predicate == _TYPE and t.object == _STATEMENT for t in group):
            group += {ox.Triple(q.subject, q.predicate, q.object)  # the text, from its own graph
                      for q in store.subject_quads(subject, None, _TEXT)
                      if q.graph_name != consolidated}
        triples += group + corrections.pop(subject, [])
        subjects.add(subject)
        if len(triples) >= size:
            yield finish(triples, subjects)
            triples, subjects = [], set()
    for subject, group in corrections.items():  # corrections about no consolidated node
        triples += group
        subjects.add(subject)
    if triples:
        yield finish(triples, subjects)


def validate(store: OxigraphStore | RemoteStore, *, chunk_triples: int = CHUNK_TRIPLES,
             progress: Callable[[int], None] | None = None) -> ValidationReport:
    """Validate the published graph against shapes.ttl, in chunks of whole subjects;
    ``progress`` is told how many triples have been checked after each chunk."""
    from .maintain import published_triples

    shapes = _shapes()
    chunks: Iterator[tuple[list[ox.Triple], set[str] | None, int]]
    # only a store on disk gives a graph's quads subject by subject (its index is sorted;
    # one in memory gives them in the order they were added)
    if isinstance(store, OxigraphStore) and store.path is not None and shapes.local:
        chunks = _chunks(store, shapes, chunk_triples)
    else:  # a server (read whole anyway), a store in memory, shapes that are not local
        whole = list(published_triples(store))
        chunks = iter([(whole, None, len(whole))])
    violations: list[Violation] = []
    done = 0

    def collect(found: list[Violation], focus: set[str] | None, size: int) -> None:
        nonlocal done
        violations.extend(v for v in found if focus is None or v[0] in focus)
        done += size
        if progress is not None:
            progress(done)

    first, second = next(chunks, None), next(chunks, None)
    if second is None:  # one chunk: checked here
        if first is not None:
            collect(_check(_nt(first[0]), shapes), first[1], first[2])
    else:  # a worker checks one chunk while this process reads the next
        assert first is not None
        context = multiprocessing.get_context("spawn")  # the store's threads do not fork
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as worker:
                waiting: deque[tuple[Future[list[Violation]], set[str] | None, int]] = deque()

                def drain(keep: int) -> None:
                    """Collect the oldest results until at most ``keep`` chunks are waiting."""
                    while len(waiting) > keep:
                        future, focus_names, size = waiting.popleft()
                        collect(future.result(), focus_names, size)

                for triples, focus, own in chain([first, second], chunks):
                    waiting.append((worker.submit(_check, _nt(triples), shapes), focus, own))
                    drain(2)
                drain(0)
        except BrokenProcessPool as exc:  # the worker died (out of memory, a crash)
            raise ValidationError(f"SHACL validation failed: the checking process died ({exc})") from None
    violations.sort()
    return ValidationReport(not violations, violations, _text(violations))


def _text(violations: list[Violation]) -> str:
    if not violations:
        return "Conforms: True"
    lines = [f"Conforms: False ({len(violations)} violations)"]
    lines += [f"{focus} {path}: {message}".replace("  ", " ") for focus, path, message in violations]
    return "\n".join(lines)
