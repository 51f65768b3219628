"""Canned SPARQL queries: load them, bind their parameters, run them, format the rows.

A canned query is a file in ``queries/`` named ``{subject}_{question}.rq`` whose
comment header gives its title, description and parameters::

    # title: Who met whom
    # description: Pairs of countries that took part in the same events ...
    # param: country (country, optional) — limit to pairs that include this state

Parameters are bound by the engine (pyoxigraph substitutions), never pasted into
the text. Substitution in Oxigraph has two rules a query file must follow: a
parameter's variable must appear in the top-level SELECT projection, and an
unbound optional parameter simply leaves its variable free, so the query should
use it as an ordinary pattern variable ("unbound means all"); ``BOUND(?param)``
is always false and ``BIND`` does not see a substituted value.
Validation queries that must return no rows live in ``queries/violations/``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from . import resources
from .vocab import DGID_NS, PREFIXES, XSD, curie

if TYPE_CHECKING:
    import pandas
    from rich.table import Table

    from .remote import RemoteStore
    from .store import OxigraphStore, QueryOutcome

PARAM_KINDS: tuple[str, ...] = ("country", "iri", "string", "date", "integer")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryError(Exception):
    """A query cannot be found, loaded, bound or run; the message says what to do."""


@dataclass
class Param:
    """One declared parameter of a canned query; ``name`` is also its SPARQL variable."""

    name: str
    kind: str  # one of PARAM_KINDS
    optional: bool = False
    description: str = ""


@dataclass
class CannedQuery:
    """A query file with its header parsed."""

    name: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    text: str = ""
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# -- loading -------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$", re.IGNORECASE)
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"\(\s*(?P<kind>\w+)\s*(?:,\s*(?P<opt>optional|required)\s*)?\)\s*"
    r"(?:[—–:-]+\s*(?P<desc>.*))?$",
    re.IGNORECASE,
)


def parse_query_text(text: str, name: str = "<query>", path: Path | None = None) -> CannedQuery:
    """Read the comment header (title, description, params) at the top of a query."""
    title = ""
    description: list[str] = []
    params: list[Param] = []
    last: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            last = None
            continue
        if not line.startswith("#"):
            break
        m = _HEADER_RE.match(line)
        if m:
            key, value = m.group(1).lower(), m.group(2).strip()
            last = key
            if key == "title":
                title = value
            elif key == "description":
                description = [value] if value else []
            else:
                params.append(_parse_param(value, name))
            continue
        more = line.lstrip("#").strip()
        if not more:
            continue
        if last == "description":
            description.append(more)
        elif last == "title":
            title = f"{title} {more}".strip()
        elif last == "param" and params:
            params[-1].description = f"{params[-1].description} {more}".strip()
    seen: set[str] = set()
    for p in params:
        if p.name in seen:
            raise QueryError(f"{name}: parameter {p.name!r} is declared twice")
        seen.add(p.name)
    return CannedQuery(
        name=name,
        title=title or name,
        description=" ".join(description),
        params=params,
        text=text,
        path=path,
    )


def _parse_param(spec: str, query_name: str) -> Param:
    m = _PARAM_RE.match(spec)
    if not m:
        raise QueryError(
            f"{query_name}: cannot read the parameter line {spec!r}; "
            "write it as 'name (kind, optional) — description'"
        )
    kind = m.group("kind").lower()
    if kind not in PARAM_KINDS:
        raise QueryError(
            f"{query_name}: parameter {m.group('name')!r} has unknown kind {kind!r}; "
            f"use one of {', '.join(PARAM_KINDS)}"
        )
    return Param(
        name=m.group("name"),
        kind=kind,
        optional=(m.group("opt") or "").lower() == "optional",
        description=(m.group("desc") or "").strip(),
    )


def _load_file(path: Path, name: str | None = None) -> CannedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query file {path}: {exc}") from exc
    return parse_query_text(text, name or path.stem, path)


def list_queries() -> list[CannedQuery]:
    """The canned analyst queries shipped with defgraph, sorted by name."""
    return [_load_file(p) for p in sorted(resources.queries_dir().glob("*.rq"))]


def list_violation_queries() -> list[CannedQuery]:
    """The validation queries (``queries/violations/*-violation.rq``) that must return no rows."""
    folder = resources.queries_dir() / "violations"
    return [_load_file(p) for p in sorted(folder.glob("*.rq"))] if folder.is_dir() else []


def load_query(name_or_path: str | Path) -> CannedQuery:
    """A canned query by name (with or without .rq), a violation query by name, or any .rq file."""
    text = str(name_or_path)
    path = Path(text)
    looks_like_path = isinstance(name_or_path, Path) or "/" in text or "\\" in text
    if path.is_file() and (looks_like_path or path.suffix == ".rq"):
        return _load_file(path)
    if looks_like_path:
        raise QueryError(f"query file {text} does not exist")
    name = text.removesuffix(".rq")
    for folder in (resources.queries_dir(), resources.queries_dir() / "violations"):
        candidate = folder / f"{name}.rq"
        if candidate.is_file():
            return _load_file(candidate)
    names = [q.name for q in list_queries()] + [q.name for q in list_violation_queries()]
    raise QueryError(
        f"no canned query named {name!r}; available: {', '.join(names)} "
        "(or give the path of a .rq file)"
    )


def load_or_text(query: str | Path) -> CannedQuery:
    """A canned query's name, a .rq path, or SPARQL text itself (anything with a '{')."""
    if isinstance(query, str) and "{" in query:
        return parse_query_text(query)
    return load_query(query)


# -- parameters ----------------------------------------------------------------------

_XSD_DATE = ox.NamedNode(XSD + "date")
_XSD_INTEGER = ox.NamedNode(XSD + "integer")
_CURIE_RE = re.compile(r"^([A-Za-z][\w.-]*):(.*)$")


def bind_params(q: CannedQuery, raw: Mapping[str, str | Term | None]) -> dict[str, Term]:
    """Turn user-given strings into RDF terms, one per declared parameter.

    Unknown names, missing required parameters and values that do not fit their
    kind raise QueryError. Optional parameters not given stay unbound. A value that
    is already a pyoxigraph term is used as is.
    """
    declared = {p.name: p for p in q.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        accepted = ", ".join(declared) if declared else "none"
        raise QueryError(
            f"{q.name}: unknown parameter(s) {', '.join(unknown)}; it accepts: {accepted}"
        )
    bound: dict[str, Term] = {}
    for p in q.params:
        value = raw.get(p.name)
        if value is None:
            if not p.optional:
                raise QueryError(
                    f"{q.name}: parameter {p.name!r} ({p.kind}) is required"
                    + (f" — {p.description}" if p.description else "")
                )
            continue
        if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
            bound[p.name] = value
        else:
            bound[p.name] = _convert(q.name, p, str(value))
    return bound


def _convert(query_name: str, p: Param, value: str) -> Term:
    where = f"{query_name}: parameter {p.name!r}"
    if p.kind == "string":
        return ox.Literal(value)
    text = value.strip()
    if p.kind == "country":
        return ox.NamedNode(f"{DGID_NS}country/{_country_code(where, text)}")
    if p.kind == "iri":
        return _iri(where, text)
    if p.kind == "date":
        try:
            return ox.Literal(date.fromisoformat(text).isoformat(), datatype=_XSD_DATE)
        except ValueError:
            raise QueryError(f"{where}: {value!r} is not a date; write it as YYYY-MM-DD") from None
    if p.kind == "integer":
        try:
            return ox.Literal(str(int(text)), datatype=_XSD_INTEGER)
        except ValueError:
            raise QueryError(f"{where}: {value!r} is not a whole number") from None
    raise QueryError(f"{where}: unknown kind {p.kind!r}")  # parse_query_text prevents this


def _country_code(where: str, text: str) -> str:
    from .extract.countries import resolve_country

    prefix = f"{DGID_NS}country/"
    for lead in (prefix, "dgid:country/", "country:"):
        text = text.removeprefix(lead)
    code = resolve_country(text) if text else None
    if code is None:
        raise QueryError(
            f"{where}: {text!r} is not a state defgraph knows; give an ISO 3166-1 alpha-3 "
            "code such as GBR, FRA or UKR, or an English name such as 'United Kingdom'"
        )
    return code


def _iri(where: str, text: str) -> ox.NamedNode:
    m = _CURIE_RE.match(text)
    if m and m.group(1) in PREFIXES and not text.startswith(("http://", "https://")):
        text = PREFIXES[m.group(1)] + m.group(2)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or any(c in text for c in ' <>"{}|\\^`'):
        raise QueryError(
            f"{where}: {text!r} is not an IRI; give a full IRI (https://...) "
            f"or a prefixed name such as event:KEY-1"
        )
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise QueryError(f"{where}: {text!r} is not a valid IRI: {exc}") from None


# -- running -------------------------------------------------------------------------

_PROLOGUE_RE = re.compile(
    r"\A(?:\s+|#[^\n]*(?:\n|\Z)|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)*", re.IGNORECASE
)
_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(sparql: str) -> Literal["query", "update"]:
    """Whether a SPARQL text is a query or an update.

    rdflib's grammar decides when it can parse the text; otherwise the first
    keyword after comments and the prologue does, and anything that is not plainly
    a query form counts as an update (so it is refused, never run as one).
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    # Any parse failure means only "not this form by rdflib's grammar".
    with contextlib.suppress(Exception):
        parseQuery(sparql)
        return "query"
    with contextlib.suppress(Exception):
        parseUpdate(sparql)
        return "update"
    rest = sparql[_PROLOGUE_RE.match(sparql).end() :]  # type: ignore[union-attr]
    word = re.match(r"[A-Za-z]+", rest)
    return "query" if word and word.group(0).upper() in _QUERY_FORMS else "update"


def run_query(
    store: OxigraphStore | RemoteStore,
    q_or_text: CannedQuery | str,
    params: Mapping[str, str | Term | None] | None = None,
    allow_update: bool = False,
) -> QueryOutcome | None:
    """Run a canned query or SPARQL text with parameters bound by the engine.

    Returns Rows for SELECT, a bool for ASK, a list of triples for CONSTRUCT and
    DESCRIBE, and None for an update. Updates are refused unless allow_update.
    """
    from .sparqltext import QueryBoundsError, check_bounds
    from .store import StoreError

    q = q_or_text if isinstance(q_or_text, CannedQuery) else parse_query_text(q_or_text)
    try:
        check_bounds(q.text)  # before any parser: deep nesting crashes them
    except QueryBoundsError as exc:
        raise QueryError(f"{q.name}: {exc}") from None
    bindings = bind_params(q, params or {})
    if query_form(q.text) == "update":
        if not allow_update:
            raise QueryError(
                f"{q.name}: this is a SPARQL update (it would change the store); "
                "it is refused unless updates are explicitly allowed"
            )
        if bindings:
            raise QueryError(f"{q.name}: parameters cannot be bound in an update")
        try:
            store.update(q.text)
        except StoreError as exc:
            raise QueryError(f"{q.name}: {exc}") from exc
        return None
    try:
        return store.query(q.text, bindings)
    except StoreError as exc:
        raise QueryError(f"{q.name}: {exc}") from exc
    except (RuntimeError, ValueError) as exc:
        msg = str(exc)
        if "SELECT projection" in msg:
            msg += " (a parameter's variable must be listed in the query's SELECT clause)"
        raise QueryError(f"{q.name}: {msg}") from exc


# -- values and formats --------------------------------------------------------------

_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_XSD_STRING = XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def python_value(term: Term | None) -> Any:
    """A pyoxigraph term as a Python value: str (IRIs, strings), int, Decimal, date, bool.

    Other literals keep their lexical form as str; a malformed lexical form falls back to str.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        text = term.value
        try:
            if dt in _INTEGER_TYPES:
                return int(text)
            if dt == XSD + "decimal":
                return Decimal(text)
            if dt == XSD + "date":
                return date.fromisoformat(text)
            if dt == XSD + "dateTime":
                return datetime.fromisoformat(text)
            if dt == XSD + "boolean":
                return text.strip() in ("true", "1")
            if dt in (XSD + "double", XSD + "float"):
                return float(text)
        except (ValueError, InvalidOperation):
            return text
        return text
    return str(term)


def _is_rows(result: object) -> bool:
    from .store import Rows

    return isinstance(result, Rows)


def _table_shape(result: Any) -> tuple[list[str], list[list[Term | None]]]:
    """Variables and rows of any query outcome (ASK and CONSTRUCT made tabular)."""
    if _is_rows(result):
        return list(result.variables), [list(r) for r in result.rows]
    if isinstance(result, bool):
        return ["boolean"], [
            [ox.Literal("true" if result else "false", datatype=ox.NamedNode(XSD + "boolean"))]
        ]
    if isinstance(result, list):
        return ["subject", "predicate", "object"], [
            [t.subject, t.predicate, t.object] for t in result
        ]
    raise QueryError(f"cannot format a query result of type {type(result).__name__}")


def shorten(iri: str) -> str:
    """An IRI as a prefixed name when a vocab.PREFIXES namespace matches, e.g. country:GBR."""
    return curie(iri)


def _display(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Text with control characters (terminal escapes, bidi overrides) shown as \\xNN / \\uNNNN.

    Text from statements and file names is untrusted: printed raw, an escape sequence would
    drive the terminal. Tabs and newlines stay.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def keep_numbers_whole(table: Table) -> Table:
    """Columns whose cells are all numbers never wrap: a narrow terminal must not split 3500000000."""
    for column in table.columns:
        cells = [str(c) for c in column.cells if str(c)]
        if cells and all(_NUMBER.fullmatch(c) for c in cells):
            column.no_wrap = True
            column.overflow = "ignore"
            column.min_width = max(len(c) for c in cells + [str(column.header)])
    return table


def to_table(rows: Any, title: str | None = None) -> Table:
    """A rich Table of a query outcome, IRIs shortened with the project's prefixes.

    Cells are plain text (never rich markup) with control characters escaped; number
    columns are never wrapped.
    """
    from rich.table import Table
    from rich.text import Text

    variables, data = _table_shape(rows)
    table = Table(title=Text(terminal_safe(title)) if title else None)
    for v in variables:
        table.add_column(v, overflow="fold")
    for row in data:
        table.add_row(*(Text(terminal_safe(_display(t))) for t in row))
    return keep_numbers_whole(table)


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def to_csv(rows: Any) -> str:
    """SPARQL 1.1 CSV results: a header of variable names, plain values, IRIs in full."""
    variables, data = _table_shape(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(variables)
    for row in data:
        writer.writerow([_plain(t) for t in row])
    return out.getvalue()


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise QueryError(f"cannot write a term of type {type(term).__name__} as JSON")


def to_json(rows: Any) -> str:
    """SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/).

    ASK gives ``{"head": {}, "boolean": true}``; CONSTRUCT triples are written as
    bindings of subject, predicate and object.
    """
    if isinstance(rows, bool):
        return json.dumps({"head": {}, "boolean": rows}, ensure_ascii=False, indent=2)
    variables, data = _table_shape(rows)
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in data]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2)


_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_DATE_TYPES = {XSD + "date", XSD + "dateTime"}


def _kind(term: Term) -> str:
    """The column kind a term asks for: int, float, datetime, bool, or str (IRIs and the rest)."""
    if not isinstance(term, ox.Literal):
        return "str"
    dt = term.datatype.value
    if dt in _INTEGER_TYPES:
        return "int"
    if dt in _FLOAT_TYPES:
        return "float"
    if dt in _DATE_TYPES:
        return "datetime"
    if dt == XSD + "boolean":
        return "bool"
    return "str"


def _column(terms: list[Term | None]) -> Any:
    """One typed column: nullable Int64, float64, datetime64, nullable boolean, else Python values.

    A column mixing kinds (or with a malformed number or date) keeps Python values (object).
    """
    import pandas as pd

    kinds = {_kind(t) for t in terms if t is not None}
    lexical = [None if t is None else str(getattr(t, "value", t)) for t in terms]
    try:
        if kinds == {"int"}:
            return pd.array([None if v is None else int(v) for v in lexical], dtype="Int64")
        if kinds and kinds <= {"int", "float"}:
            return pd.array([float("nan") if v is None else float(v) for v in lexical],
                            dtype="float64")
        if kinds == {"bool"} and all(v in (None, "true", "false", "1", "0") for v in lexical):
            return pd.array([None if v is None else v in ("true", "1") for v in lexical],
                            dtype="boolean")
        if kinds == {"datetime"}:
            try:
                return pd.to_datetime(pd.Series(lexical, dtype=object), format="ISO8601")
            except (ValueError, TypeError):  # time zones mixed with none: all in UTC
                return pd.to_datetime(pd.Series(lexical, dtype=object), format="ISO8601", utc=True)
    except (ValueError, TypeError, OverflowError):
        pass
    return [python_value(t) for t in terms]


def to_dataframe(rows: Any) -> pandas.DataFrame:
    """A pandas DataFrame with one typed column per variable, ready to sum, plot and join.

    Integers are nullable ``Int64``, decimals and doubles ``float64``, dates and
    dateTimes ``datetime64``, booleans nullable ``boolean``, IRIs and strings strings.
    A value that does not fit its column's kind leaves that column as Python values.
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "to_dataframe needs pandas; install it with: pip install 'defgraph[pandas]'"
        ) from exc
    variables, data = _table_shape(rows)
    columns = {v: _column([row[i] for row in data]) for i, v in enumerate(variables)}
    # Python values: pandas infers the column (strings become its string dtype)
    return pd.DataFrame({v: pd.Series(c) if isinstance(c, list) else c
                         for v, c in columns.items()}, columns=variables)


def to_parquet(rows: Any, path: str | Path) -> int:
    """Write a query outcome as a Parquet file with typed columns (needs pandas and pyarrow).

    Returns the number of rows written.
    """
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise QueryError(
            "--format parquet needs pyarrow: pip install 'defgraph[parquet]'") from exc
    frame = to_dataframe(rows)
    for name in frame.columns:  # Python values of mixed kinds: written as their text
        if frame[name].dtype == object:
            frame[name] = frame[name].map(lambda v: None if v is None else str(v)).astype("string")
    frame.to_parquet(path, index=False)
    return len(frame)


__all__ = [
    "CannedQuery",
    "Param",
    "QueryError",
    "bind_params",
    "list_queries",
    "list_violation_queries",
    "load_query",
    "parse_query_text",
    "python_value",
    "query_form",
    "run_query",
    "shorten",
    "to_csv",
    "to_dataframe",
    "to_json",
    "to_parquet",
    "to_table",
]
