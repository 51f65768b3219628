"""Write the graph out for other tools: Turtle, N-Triples, N-Quads, TriG, JSON-LD.

Triple formats hold the consolidated graph (one node per event, person, pledge,
each fact once, with its sources) and each statement's text; quad formats keep every
named graph: each statement's own record and the consolidated graph.

- N-Triples and N-Quads: lines written by Oxigraph's serialisers (rdflib's slow badly
  on large graphs, RDFLib issue 2135).
- Turtle and TriG: written here, one block per subject, with a prefix per kind of
  identifier (``country:GBR``, ``person:john-healey``; vocab.ID_PREFIXES) so that
  no name needs an escape; an IRI that no prefix can write plainly is written whole.
- JSON-LD: compacted with defgraph's context (ontology/context.jsonld, embedded in
  the file): one object per node, readable keys (``"type": "Meeting"``,
  ``"date"``, ``"participant"``), values typed by the context. The same context
  reads JSON written by hand back into RDF (read_jsonld).

Order and memory. Every format is written in one order that depends on the graph alone:
the bytes of each item's N-Triples line (for quads: the graph's name, then that line),
so the same graph gives the same file whatever the store or the order it was filled in.
The lines are made by Oxigraph in batches and sorted by an external merge sort (sorted
runs of at most CHUNK_BYTES, kept in temporary files, merged with heapq.merge, removed
afterwards), never as one list of Quad objects: at 100,000 statements (17.7 million
quads) that list and its sort keys took 8.8 GB. N-Triples and N-Quads are the merged
lines themselves; Turtle, TriG and JSON-LD parse them back with Oxigraph's streaming
parser and are written one subject (one node object) at a time. The store's index order
would need no sort, but it follows Oxigraph's internal encoding of terms (hashes of long
strings), which may change between versions and which a remote store does not share.
"""

from __future__ import annotations

import heapq
import io
import json
import re
import tempfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, groupby, islice
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from . import resources
from .vocab import ONTOLOGY_GRAPH, PREFIXES, RDF_TYPE, XSD, prefixed_name

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "nquads": ".nq", "trig": ".trig", "jsonld": ".jsonld"}
_DATASET_FORMATS = {"nquads", "trig"}
CONTEXT_FILE = "context.jsonld"


class ExportError(Exception):
    pass


#: Bytes of N-Triples lines (with Python's per-object cost) sorted in memory at a time; more
#: are sorted in runs written to temporary files and merged. About this much memory again
#: goes to the lists and the store's reading, so an export's peak stays a few hundred MB.
CHUNK_BYTES = 64 << 20
_LINE_COST = 41  # a bytes object's header and its place in the list, beside its length
_BATCH = 4096  # terms turned into N-Triples text by Oxigraph at a time
_DEFAULT_GRAPH = b"*"  # sorts before every IRI ("<") and blank node ("_:")
_FAN_IN = 64  # runs merged at once (each an open file); more are first merged into one


def export(store: Any, out: str | Path | IO[bytes], fmt: str = "turtle", *,
           include_ontology: bool = False, chunk_bytes: int = CHUNK_BYTES,
           temp_dir: str | Path | None = None) -> int:
    """Serialise the store to a file or binary stream; returns the number of triples or quads written.

    The order is the bytes of each item's N-Triples line, so the same graph gives the same
    file whatever the store or the order it was filled in. The lines are sorted by an
    external merge sort: runs of at most ``chunk_bytes`` sorted in memory, written to a
    temporary folder (in ``temp_dir``, else the system's, honouring ``TMPDIR``) when there
    is more than one, merged, then removed, also when writing fails. Turtle, TriG and JSON-LD
    are written from the merged lines one subject at a time, so memory stays that of one
    run whatever the size of the graph.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    lines = _quad_lines(store, include_ontology) if fmt in _DATASET_FORMATS \
        else _triple_lines(store, include_ontology)
    with _SortedLines(chunk_bytes, temp_dir) as ordered:
        try:
            ordered.add(lines)  # the whole store read and sorted before the output is touched
        except (OSError, ValueError) as exc:
            raise ExportError(f"sorting the {fmt} export in {ordered.where} failed: {exc}") from exc
        try:
            if isinstance(out, (str, Path)):
                Path(out).parent.mkdir(parents=True, exist_ok=True)
                with open(out, "wb") as f:
                    _write(ordered, f, fmt)
            else:
                _write(ordered, out, fmt)
        except BrokenPipeError:  # the reader of standard output stopped early: not a failed export
            raise
        except (OSError, ValueError, TypeError) as exc:
            raise ExportError(f"writing {fmt} failed: {exc}") from exc
        return ordered.count


def _write(ordered: _SortedLines, f: IO[bytes], fmt: str) -> None:
    if fmt == "nt":
        f.writelines(ordered)
        return
    if fmt == "nquads":
        f.writelines(_nquads(ordered))
        return
    text = io.TextIOWrapper(f, encoding="utf-8", newline="\n", write_through=False)
    try:
        if fmt == "trig":
            write_trig(ox.parse(_stream(_nquads(ordered)), format=ox.RdfFormat.N_QUADS), text)
        else:
            triples = ox.parse(_stream(ordered), format=ox.RdfFormat.N_TRIPLES)
            if fmt == "turtle":
                write_turtle(triples, text)
            else:
                write_jsonld(triples, text)
        text.flush()
    finally:
        text.detach()


# -- the sorted lines ------------------------------------------------------------------

def _nt_lines(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat) -> Iterator[
        tuple[list[Any], list[bytes]]]:
    """Items in batches, each with its lines as Oxigraph writes them (one per item, in order)."""
    it: Iterator[Any] = iter(items)
    while batch := list(islice(it, _BATCH)):
        data = ox.serialize(batch, format=fmt)
        lines = data.split(b"\n") if data is not None else []
        if len(lines) != len(batch) + 1:  # newlines in terms are escaped: one line per item
            raise ValueError(f"Oxigraph wrote {len(lines) - 1} lines for {len(batch)} items")
        yield batch, lines


def _triple_lines(store: Any, include_ontology: bool) -> Iterator[bytes]:
    """N-Triples lines of the consolidated graph with the statements' texts (and the ontology)."""
    from .maintain import published_triples

    triples: Iterable[ox.Triple] = published_triples(store)
    if include_ontology:
        triples = chain(triples, (ox.Triple(q.subject, q.predicate, q.object)
                                  for q in store.graph_quads(ONTOLOGY_GRAPH)))
    for batch, lines in _nt_lines(triples, ox.RdfFormat.N_TRIPLES):
        yield from (line + b"\n" for line in lines[:len(batch)])


def _quad_lines(store: Any, include_ontology: bool) -> Iterator[bytes]:
    """Every quad as ``GRAPH S P O .``: its graph first, so that sorting groups graphs."""
    graph: Any = None
    name = b""
    for batch, lines in _nt_lines(store.quads(include_ontology=include_ontology),
                                  ox.RdfFormat.N_QUADS):
        for q, line in zip(batch, lines):
            if q.graph_name != graph:
                graph = q.graph_name
                name = _DEFAULT_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph).encode()
            if name == _DEFAULT_GRAPH:  # "S P O ."
                yield name + b" " + line + b"\n"
            else:  # "S P O G ." -> "G S P O ."
                yield name + b" " + line[:-len(name) - 3] + b" .\n"


def _nquads(keys: Iterable[bytes]) -> Iterator[bytes]:
    """N-Quads lines of sorted ``GRAPH S P O .`` keys: the graph put back in its place."""
    for key in keys:
        name, rest = key.split(b" ", 1)
        yield rest if name == _DEFAULT_GRAPH else rest[:-3] + b" " + name + b" .\n"


class _SortedLines:
    """Lines in byte order, each once, in bounded memory: an external merge sort.

    ``add`` sorts runs of at most ``chunk_bytes`` in memory; every full run goes to a file
    in a temporary folder (made only when a run fills), the last stays in memory; at
    _FAN_IN files they are merged into one, so that no more files than that are ever open.
    Iterating merges the runs (heapq.merge) and drops repeats; ``count`` is then the number
    of lines given. Leaving the ``with`` block removes the folder, whatever happened.
    """

    def __init__(self, chunk_bytes: int, temp_dir: str | Path | None = None) -> None:
        self.chunk_bytes = max(1, chunk_bytes)
        self.temp_dir = temp_dir
        self.count = 0
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._runs: list[Path] = []
        self._made = 0  # run files made so far, for their names
        self._last: list[bytes] = []
        self._merging: Generator[bytes, None, None] | None = None

    @property
    def where(self) -> str:
        return self._tmp.name if self._tmp else str(self.temp_dir or tempfile.gettempdir())

    def __enter__(self) -> _SortedLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the runs being merged and remove the temporary folder."""
        if self._merging is not None:
            self._merging.close()
            self._merging = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._runs, self._last = [], []

    def add(self, lines: Iterable[bytes]) -> None:
        if self._last:  # the run kept in memory from an earlier call goes to disk
            self._spill(self._last)
        chunk: list[bytes] = []
        size = 0
        for line in lines:
            chunk.append(line)
            size += len(line) + _LINE_COST
            if size >= self.chunk_bytes:
                self._spill(chunk)
                chunk, size = [], 0
        chunk.sort()
        self._last = chunk

    def _spill(self, chunk: list[bytes]) -> None:
        chunk.sort()
        self._runs.append(self._run(_unique(chunk)))
        chunk.clear()
        if len(self._runs) >= _FAN_IN:  # a bounded number of files open while merging
            merged = self._run(_unique(heapq.merge(*map(_read_run, self._runs))))
            for path in self._runs:
                path.unlink()
            self._runs = [merged]

    def _run(self, lines: Iterable[bytes]) -> Path:
        """A new run file holding these sorted lines."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="defgraph-export-", dir=self.temp_dir)
        self._made += 1
        path = Path(self._tmp.name) / f"run-{self._made:06d}"
        with open(path, "wb", buffering=1 << 20) as f:
            f.writelines(lines)
        return path

    def __iter__(self) -> Iterator[bytes]:
        self._merging = _unique(heapq.merge(*map(_read_run, self._runs), self._last))
        for line in self._merging:
            self.count += 1
            yield line


def _read_run(path: Path) -> Iterator[bytes]:
    with open(path, "rb", buffering=1 << 18) as f:
        yield from f


def _unique(lines: Iterable[bytes]) -> Generator[bytes, None, None]:
    """Sorted lines, each once."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


class _Reader(io.RawIOBase):
    """A binary stream over lines, for Oxigraph's parser (wrapped in a BufferedReader)."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        super().__init__()
        self._lines = iter(lines)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        parts, n = [self._pending], len(self._pending)
        while n < size:
            line = next(self._lines, None)
            if line is None:
                break
            parts.append(line)
            n += len(line)
        data = b"".join(parts)
        self._pending = data[size:]
        data = data[:size]
        buffer[:len(data)] = data
        return len(data)


def _stream(lines: Iterable[bytes]) -> IO[bytes]:
    return io.BufferedReader(_Reader(lines), 1 << 16)


# -- Turtle and TriG ------------------------------------------------------------------

_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_BARE = {XSD + "integer": _INTEGER_RE, XSD + "decimal": _DECIMAL_RE}
_XSD_STRING = XSD + "string"
_INDENT = "    "


def turtle_term(term: Any) -> str:
    """One RDF term in Turtle: a plain prefixed name when one fits, else the IRI whole.

    Literals keep Oxigraph's N-Triples escaping (valid Turtle); integers, decimals and
    booleans in their plain lexical form are written bare (12, 0.75, true).
    """
    if isinstance(term, ox.NamedNode):
        return _iri_name(term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        pattern = _BARE.get(dt)
        if pattern is not None and pattern.fullmatch(term.value):
            return term.value
        if dt == XSD + "boolean" and term.value in ("true", "false"):
            return term.value
        quoted = str(ox.Literal(term.value))
        if term.language:
            return f"{quoted}@{term.language}"
        if dt == _XSD_STRING:
            return quoted
        return f"{quoted}^^{turtle_term(term.datatype)}"
    if isinstance(term, ox.BlankNode):
        return str(term)
    raise TypeError(f"cannot write {term!r} in Turtle")


@lru_cache(maxsize=1 << 16)
def _iri_name(iri: str) -> str:
    return prefixed_name(iri) or f"<{iri}>"


def _prefix_lines() -> Iterator[str]:
    for prefix, ns in PREFIXES.items():
        yield f"@prefix {prefix}: <{ns}> .\n"


def _subject_blocks(triples: Iterable[ox.Triple] | Iterable[ox.Quad],
                    indent: str = "") -> Iterator[str]:
    """Turtle blocks of triples sorted by subject: ``s a C ;\\n    p o1 ,\\n        o2 .``"""
    subject: Any = None
    by_predicate: dict[str, list[str]] = {}

    def block() -> str:
        lines = []
        preds = sorted(by_predicate, key=lambda p: (p != "a", p != "rdfs:label", p))
        for i, p in enumerate(preds):
            objects = (" ,\n" + indent + _INDENT * 2).join(by_predicate[p])
            head = turtle_term(subject) + " " if i == 0 else _INDENT
            end = " ." if i == len(preds) - 1 else " ;"
            lines.append(f"{indent}{head}{p} {objects}{end}\n")
        return "".join(lines)

    for t in triples:
        if t.subject != subject:
            if subject is not None:
                yield block()
            subject, by_predicate = t.subject, {}
        p = "a" if t.predicate.value == RDF_TYPE else turtle_term(t.predicate)
        by_predicate.setdefault(p, []).append(turtle_term(t.object))
    if subject is not None:
        yield block()


def write_turtle(triples: Iterable[ox.Triple] | Iterable[ox.Quad], out: IO[str]) -> None:
    """Turtle of triples sorted by subject (as export gives them), written as they come."""
    out.writelines(_prefix_lines())
    for b in _subject_blocks(triples):
        out.write("\n")
        out.write(b)


def write_trig(quads: Iterable[ox.Quad], out: IO[str]) -> None:
    """TriG of quads sorted by graph, then subject: one ``graph { ... }`` block per named graph,
    written as the quads come (a graph is never held whole)."""
    out.writelines(_prefix_lines())
    for graph, group in groupby(quads, key=lambda q: q.graph_name):
        out.write("\n")
        if isinstance(graph, ox.DefaultGraph):
            out.writelines(_subject_blocks(group))
            continue
        out.write(f"{turtle_term(graph)} {{\n")
        for i, b in enumerate(_subject_blocks(group, _INDENT)):
            if i:
                out.write("\n")
            out.write(b)
        out.write("}\n")


# -- JSON-LD --------------------------------------------------------------------------

#: Terms from other vocabularies that defgraph's statements use, with their JSON key.
_EXTERNAL_TERMS: dict[str, dict[str, str] | str] = {
    "label": "rdfs:label",
    "altLabel": "skos:altLabel",
    "sameAs": {"@id": "owl:sameAs", "@type": "@id", "@container": "@set"},
    "title": "dct:title",
    "issued": {"@id": "dct:issued", "@type": "xsd:date"},
    "publisher": "dct:publisher",
    "source": {"@id": "dct:source", "@type": "@id"},
}
#: Prefixes the context declares. The per-kind identifier prefixes (country:, evidence:) are
#: left out: in JSON-LD a prefix and a key cannot share a name, and "country" and "evidence"
#: are keys (dg:country, dg:evidence); identifiers are written dgid:country/GBR instead.
_CONTEXT_PREFIXES = ("dg", "dgid", "rdf", "rdfs", "owl", "xsd", "dct", "wd", "skos")


def build_context(ontology_file: str | Path | None = None) -> dict[str, Any]:
    """The JSON-LD context of defgraph's terms, made from the ontology.

    A class is a key of its own name (``"Meeting"``); an object property links to
    nodes (``"@type": "@id"``, always a list); a datatype property's values are typed
    by its rdfs:range (xsd:string values are plain strings).
    """
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL as R_OWL
    from rdflib.namespace import RDF as R_RDF
    from rdflib.namespace import RDFS as R_RDFS

    g = Graph().parse(str(ontology_file or resources.ontology_file()), format="turtle")
    dg_ns = PREFIXES["dg"]

    def local(iri: Any) -> str | None:
        return str(iri)[len(dg_ns):] if isinstance(iri, URIRef) and str(iri).startswith(dg_ns) else None

    ctx: dict[str, Any] = {"id": "@id", "type": "@type"}
    for p in _CONTEXT_PREFIXES:
        ctx[p] = PREFIXES[p]
    classes = sorted(n for s in g.subjects(R_RDF.type, R_OWL.Class) if (n := local(s)))
    for name in classes:
        ctx[name] = f"dg:{name}"
    terms: dict[str, Any] = {}
    for s in g.subjects(R_RDF.type, R_OWL.ObjectProperty):
        if prop := local(s):
            terms[prop] = {"@id": f"dg:{prop}", "@type": "@id", "@container": "@set"}
    for s in g.subjects(R_RDF.type, R_OWL.DatatypeProperty):
        if not (prop := local(s)):
            continue
        rng = g.value(s, R_RDFS.range)
        if rng is None or str(rng) == XSD + "string":
            terms[prop] = f"dg:{prop}"
        else:
            terms[prop] = {"@id": f"dg:{prop}", "@type": f"xsd:{str(rng)[len(XSD):]}"}
    terms.update(_EXTERNAL_TERMS)
    clash = set(terms) & set(ctx)
    if clash:
        raise ValueError(f"JSON-LD keys defined twice: {', '.join(sorted(clash))}")
    for name in sorted(terms, key=str.lower):
        ctx[name] = terms[name]
    return {"@context": ctx}


@lru_cache(maxsize=1)
def shipped_context() -> dict[str, Any]:
    """The context shipped with defgraph (ontology/context.jsonld)."""
    path = resources.ontology_dir() / CONTEXT_FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot read the JSON-LD context {path}: {exc}") from exc
    return data


class _Compactor:
    """Compacts triples with a fixed context: the inverse of the context's term definitions."""

    def __init__(self, context: dict[str, Any]) -> None:
        ctx = context["@context"]
        self.prefixes = sorted(((k, v) for k, v in ctx.items()
                                if isinstance(v, str) and k in _CONTEXT_PREFIXES),
                               key=lambda kv: -len(kv[1]))
        self.keys: dict[str, tuple[str, str | None, bool]] = {}  # IRI -> key, coercion, list
        self.classes: dict[str, str] = {}
        self._cache: dict[str, str] = {}
        for key, value in ctx.items():
            if key in _CONTEXT_PREFIXES or key.startswith("@") or value in ("@id", "@type"):
                continue
            if isinstance(value, str):
                iri = self.expand(value)
                if key[:1].isupper():
                    self.classes[iri] = key
                else:
                    self.keys[iri] = (key, None, False)
            else:
                coercion = value.get("@type")
                self.keys[self.expand(value["@id"])] = (
                    key, self.expand(coercion) if coercion and coercion != "@id" else coercion,
                    value.get("@container") == "@set")

    def expand(self, value: str) -> str:
        prefix, _, rest = value.partition(":")
        for p, ns in self.prefixes:
            if p == prefix:
                return ns + rest
        return value

    def iri(self, iri: str) -> str:
        cached = self._cache.get(iri)
        if cached is not None:
            return cached
        if len(self._cache) > 1 << 16:
            self._cache.clear()
        self._cache[iri] = self._compact(iri)
        return self._cache[iri]

    def _compact(self, iri: str) -> str:
        for p, ns in self.prefixes:
            if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
                return f"{p}:{iri[len(ns):]}"
        return iri

    def ref(self, term: Any) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self.iri(term.value)

    def value(self, term: Any, coercion: str | None) -> Any:
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            return self.ref(term) if coercion == "@id" else {"@id": self.ref(term)}
        if not isinstance(term, ox.Literal):
            raise TypeError(f"cannot write {term!r} in JSON-LD")
        dt = term.datatype.value
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if coercion == dt:
            return _native(term.value, dt)
        if coercion is None and dt == _XSD_STRING:
            return term.value
        if dt == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.iri(dt)}

    def node(self, subject: Any, triples: Sequence[ox.Triple | ox.Quad]) -> dict[str, Any]:
        obj: dict[str, Any] = {"id": self.ref(subject)}
        types = [self.classes.get(t.object.value) or self.iri(t.object.value)
                 for t in triples if t.predicate.value == RDF_TYPE
                 and isinstance(t.object, ox.NamedNode)]
        if types:
            obj["type"] = types[0] if len(types) == 1 else types
        props: dict[str, list[Any]] = {}
        as_list: set[str] = set()
        for t in triples:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                continue
            key, coercion, is_set = self.keys.get(t.predicate.value,
                                                  (self.iri(t.predicate.value), None, False))
            props.setdefault(key, []).append(self.value(t.object, coercion))
            if is_set:
                as_list.add(key)
        for key in sorted(props, key=lambda k: (k != "label", k.lower())):
            values = props[key]
            obj[key] = values if key in as_list or len(values) > 1 else values[0]
        return obj


def _native(lexical: str, datatype: str) -> Any:
    """Integers and booleans as JSON numbers and booleans when that keeps their exact lexical
    form; anything else (dates, decimals: JSON numbers are doubles) as the lexical string."""
    if datatype == XSD + "integer" and _INTEGER_RE.fullmatch(lexical) and str(int(lexical)) == lexical:
        return int(lexical)
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return lexical == "true"
    return lexical


def _nodes(triples: Iterable[Any], c: _Compactor) -> Iterator[dict[str, Any]]:
    """One compacted node object per subject of triples sorted by subject."""
    for subject, group in groupby(triples, key=lambda t: t.subject):
        yield c.node(subject, list(group))


def to_jsonld(triples: Iterable[ox.Triple], context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Compacted JSON-LD of triples sorted by subject: the context, then one object per node."""
    ctx = context or shipped_context()
    return {"@context": ctx["@context"], "@graph": list(_nodes(triples, _Compactor(ctx)))}


def write_jsonld(triples: Iterable[ox.Triple] | Iterable[ox.Quad], out: IO[str],
                 context: dict[str, Any] | None = None) -> None:
    """What ``json.dump(to_jsonld(triples), out, ensure_ascii=False, indent=1)`` writes, and a
    newline, byte for byte, but one node object at a time: the graph is never held whole."""
    ctx = context or shipped_context()
    head = json.dumps({"@context": ctx["@context"]}, ensure_ascii=False, indent=1)
    out.write(head[:-2])  # without the closing "\n}"
    out.write(',\n "@graph": [')
    first = True
    for node in _nodes(triples, _Compactor(ctx)):
        text = json.dumps(node, ensure_ascii=False, indent=1)
        out.write("\n  " if first else ",\n  ")
        out.write(text.replace("\n", "\n  "))  # a node is two levels in; JSON strings hold no newline
        first = False
    out.write("]\n}\n" if first else "\n ]\n}\n")


def read_jsonld(data: str | bytes | dict[str, Any] | list[Any]) -> Any:
    """An rdflib Graph of a JSON-LD document, defgraph's context resolved from the package.

    ``"@context": "context.jsonld"`` (or any reference whose name ends so, or a list holding
    one) is replaced by the shipped context, so hand-written defgraph JSON reads offline.
    """
    from rdflib import Graph

    doc = json.loads(data) if isinstance(data, (str, bytes)) else data
    _inline_context(doc)
    g = Graph()
    g.parse(data=json.dumps(doc), format="json-ld")
    return g


def _inline_context(doc: Any) -> None:
    if isinstance(doc, list):
        for item in doc:
            _inline_context(item)
        return
    if not isinstance(doc, dict):
        return
    ctx = doc.get("@context")
    ours = shipped_context()["@context"]
    if isinstance(ctx, str) and ctx.endswith(CONTEXT_FILE):
        doc["@context"] = ours
    elif isinstance(ctx, list):
        doc["@context"] = [ours if isinstance(c, str) and c.endswith(CONTEXT_FILE) else c for c in ctx]
    for value in doc.values():
        if isinstance(value, (list, dict)):
            _inline_context(value)


__all__ = ["EXTENSIONS", "FORMATS", "CHUNK_BYTES", "ExportError", "build_context",
           "export", "read_jsonld", "shipped_context", "to_jsonld", "turtle_term", "write_jsonld",
           "write_trig", "write_turtle"]
