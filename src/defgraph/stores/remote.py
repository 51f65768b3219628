"""A SPARQL 1.1 endpoint as the store: Virtuoso, Apache Jena Fuseki, GraphDB, Amazon Neptune.

:class:`RemoteStore` mirrors :class:`~defgraph.store.OxigraphStore` over the
SPARQL 1.1 Protocol (queries and updates POSTed form-encoded, results read as
SPARQL JSON), so the pipeline, canned queries, export and render work unchanged.

What differs from the embedded store, and how it is handled:

* **Parameters** are bound with a ``VALUES`` block built from each term's own
  N-Triples form (which escapes it), the standard SPARQL 1.1 way to bind over
  the protocol; user values are never pasted into the query as raw text. The
  block opens the WHERE group (a trailing ``VALUES`` after the solution
  modifiers is valid SPARQL 1.1 too, and is used for aggregate queries, but
  Virtuoso 7.2 applies it after LIMIT, or not at all; at the end of the group,
  it lost rows of event_evidence for one event at 10,000 statements: 4 of 10). Virtuoso
  also loses rows when a bound value meets a subquery holding a property path,
  so there such a query runs unbound and its rows are filtered on the
  parameters here (``bind_on_client``), as is a bound query that Virtuoso's
  cost estimator refuses (its estimate changes with the bound values). Even
  unbound, Virtuoso 7.2 can answer a property path inside a subquery wrongly,
  depending on its plan (upstream issues 127, 704, 1078): such a query raises a
  VirtuosoPathWarning.
* **Union default graph**: queries must see the union of all named graphs. That
  is the default graph of Virtuoso, GraphDB and Neptune, and of Fuseki with
  ``tdb2:unionDefaultGraph true``; a server that names its union graph instead
  can be given ``union_graph``, sent as the protocol's ``default-graph-uri``.
* **Duplicates**: Virtuoso 7.2 can return duplicate rows for ``SELECT DISTINCT``
  with many OPTIONALs; such results are made distinct here.
* **Capped results**: Virtuoso returns at most ResultSetMaxRows rows (10000 by
  default) and says so in an ``X-SPARQL-MaxRows`` header. A SELECT result that
  is cut, or as long as ``page_size``, is fetched again in parts by a hash range
  of its rows (no ORDER BY or OFFSET on the server, which Virtuoso refuses past
  MaxSortedTopRows), checked against a COUNT, and put in the query's order here
  (see :meth:`RemoteStore._partitioned`). A cut result that cannot be fetched in
  parts, or a Virtuoso answer stopped at MaxQueryExecutionTime, raises
  StoreError. Rows are never returned silently truncated.
* **Writes**: ``replace_graph`` reads the graph back and compares by value
  (Virtuoso rewrites literals: ``"0.80"^^xsd:decimal`` comes back as ``0.8``,
  ``"1.0"`` as an integer, ``true`` as ``1``); if it differs it sends
  ``DROP SILENT GRAPH`` and ``INSERT DATA`` in batches of at most 500 triples
  (Virtuoso refuses larger ones with error 37000), blank nodes skolemised to
  IRIs (Virtuoso refuses them in INSERT DATA). Over HTTP the replace is not one
  transaction: a run cut between batches leaves part of the graph, and the
  next run, finding it different, rewrites it whole.
* **Credentials** come from DEFGRAPH_USER / DEFGRAPH_PASSWORD, else ~/.netrc
  for the endpoint's host; HTTP Basic and Digest both work. Never from the URL.
* **Failures** raise StoreError with one line naming the endpoint and what to
  do; a server that is down, times out, or refuses us altogether raises
  StoreUnavailable, which stops an ingest run.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import netrc
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.message import Message
from typing import IO

import pyoxigraph as ox

from .. import resources
from ..vocab import CONSOLIDATED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, XSD, node
from .base import QueryOutcome, Rows, StoreError, StoreUnavailable

USER_ENV = "DEFGRAPH_USER"
TOKEN_ENV = "DEFGRAPH_TOKEN"  # the bearer token of `defgraph serve --allow-update`
PASSWORD_ENV = "DEFGRAPH_PASSWORD"
TIMEOUT_ENV = "DEFGRAPH_TIMEOUT"
UNION_GRAPH_ENV = "DEFGRAPH_UNION_GRAPH"

DEFAULT_TIMEOUT = 30.0
DEFAULT_PAGE_SIZE = 10_000  # Virtuoso's default ResultSetMaxRows
BATCH_TRIPLES = 500
BATCH_BYTES = 1_000_000
# Graphs defgraph writes (statements under dgid:, the ontology under graph/); a shared
# server's other graphs (Virtuoso's own system graphs included) are left alone.
GRAPH_SCOPE = "https://w3id.org/defgraph/"
SKOLEM_NS = "https://w3id.org/defgraph/.well-known/genid/"

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_XSD_BOOLEAN = XSD + "boolean"
_NUMERIC = {XSD + t for t in (
    "integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOATING = {XSD + "double", XSD + "float"}
# Virtuoso's answers when an INSERT DATA is too large for its SQL compiler.
# (Its error 37000 covers every compile error; these are the ones about size.)
_TOO_LARGE_RE = re.compile(r"SP031|text exceeded|has exceeded|memory exhausted", re.IGNORECASE)
# Virtuoso's answer when its estimate of a query's time passes MaxQueryCostEstimationTime.
_COST_RE = re.compile(r"estimated execution time", re.IGNORECASE)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindable = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple  # what query.bind_params gives


class VirtuosoPathWarning(UserWarning):
    """Virtuoso 7.2 may answer a property path inside a subquery wrongly."""


class _TooLarge(StoreError):
    """The server refused a request for its size; a smaller batch may pass."""


class _CostRefused(StoreError):
    """The server refused a query for its estimated cost, before running it (Virtuoso)."""


# -- query text ----------------------------------------------------------------------

_LEXEME_RE = re.compile(
    r'(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
    re.DOTALL,
)
# Comments, PREFIX and BASE, and Virtuoso's own "define name value" pragmas.
_PROLOGUE_RE = re.compile(
    r"\A(?:\s+|#[^\n]*(?:\n|\Z)|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>"
    r'|DEFINE\s+[\w:-]+\s+(?:"[^"]*"|<[^>]*>|\S+))*', re.IGNORECASE
)
_DECLARED_RE = re.compile(r"PREFIX\s+([\w.-]*):", re.IGNORECASE)
# A property path operator (*, + or ?) after an IRI, a prefixed name or a ")".
_PATH_RE = re.compile(r"(?<=[\w>)])[*+?](?=[\s/)|^])")
_AGGREGATE_RE = re.compile(r"\b(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)


def _mask(text: str, *, comments_only: bool = False) -> str:
    """The text with comments, strings and IRIs blanked (same length), for finding keywords and
    braces; with comments_only, only comments, for text to copy into a rewritten query."""
    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        if m.group("comment"):
            return " " * len(s)
        if comments_only:
            return s
        return s[0] + " " * (len(s) - 2) + s[-1]

    return _LEXEME_RE.sub(blank, text)


@dataclass
class _Shape:
    """Where the parts of a query are: enough to add prefixes, bind values and page it."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    prologue_end: int
    where_start: int  # index of the WHERE group's "{" (-1 if there is none, e.g. DESCRIBE <x>)
    where_end: int  # index of its closing "}"
    order_by: str  # the top-level ORDER BY conditions, "" if none
    group_having: str  # the top-level GROUP BY / HAVING text, "" if none
    values: str  # a trailing VALUES clause of the query's own, "" if none
    limited: bool  # the query has a top-level LIMIT or OFFSET
    distinct: bool  # SELECT DISTINCT or REDUCED
    projection: str  # the masked text between the query form and the WHERE group
    has_subquery: bool  # a SELECT nested in the WHERE group
    has_path: bool  # a property path with *, + or ? in the WHERE group
    aggregated: bool  # top-level GROUP BY or an aggregate in the projection

    @classmethod
    def parse(cls, text: str) -> _Shape:
        masked = _mask(text)
        clean = _mask(text, comments_only=True)
        m = _PROLOGUE_RE.match(text)
        prologue_end = m.end() if m else 0
        word = re.match(r"[A-Za-z]+", masked[prologue_end:])
        form = word.group(0).upper() if word else ""
        if form not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise StoreError(f"not a SPARQL query (it starts with {form or 'nothing'!r}); "
                             "use update() for updates")
        groups = _top_level_groups(masked, prologue_end)
        where: tuple[int, int] | None = None
        template_first = re.match(r"CONSTRUCT\s*\{", masked[prologue_end:], re.IGNORECASE)
        if form == "CONSTRUCT" and template_first:
            where = groups[1] if len(groups) > 1 else None  # the first group is the template
        elif groups:
            where = groups[0]
        start, end = where if where else (-1, len(text) - 1)
        tail = masked[end + 1:] if where else ""
        tail_at = end + 1

        def clause(pattern: str) -> tuple[int, int] | None:
            found = re.search(pattern, tail, re.IGNORECASE | re.DOTALL)
            return (found.start() + tail_at, found.end() + tail_at) if found else None

        values_at = clause(r"\bVALUES\b")
        stop = values_at[0] if values_at else len(text)
        limit_at = clause(r"\b(?:LIMIT|OFFSET)\b")
        order_at = clause(r"\bORDER\s+BY\b")
        order_by = ""
        if order_at:
            order_stop = limit_at[0] if limit_at and limit_at[0] > order_at[0] else stop
            order_by = clean[order_at[1]:order_stop].strip()
        group_stop = min(x[0] for x in (order_at, limit_at, values_at, (stop, stop)) if x)
        group_having = clean[tail_at:group_stop].strip() if where else ""
        projection = masked[prologue_end:start] if where else ""
        return cls(
            text=text, form=form, prologue_end=prologue_end, where_start=start, where_end=end,
            order_by=order_by, group_having=group_having,
            values=clean[values_at[0]:].strip() if values_at else "",
            limited=limit_at is not None and (values_at is None or limit_at[0] < values_at[0]),
            aggregated=bool(re.search(r"\bGROUP\s+BY\b", group_having, re.IGNORECASE)
                            or _AGGREGATE_RE.search(projection)),
            distinct=bool(re.match(r"SELECT\s+(?:DISTINCT|REDUCED)\b", masked[prologue_end:],
                                   re.IGNORECASE)),
            projection=projection,
            has_subquery=where is not None and bool(
                re.search(r"\bSELECT\b", masked[start:end], re.IGNORECASE)),
            has_path=where is not None and bool(_PATH_RE.search(masked[start:end])),
        )

    def projects(self, names: Iterable[str]) -> bool:
        """Whether each variable is in the top-level projection (SELECT * projects all)."""
        if self.form != "SELECT":
            return False
        if re.search(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", self.projection, re.IGNORECASE):
            return True
        plain = set(re.findall(r"[?$](\w+)", re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", " ",
                                                     self.projection)))
        aliases = set(re.findall(r"\bAS\s+[?$](\w+)", self.projection, re.IGNORECASE))
        return all(n in plain | aliases for n in names)

    def bound(self, values: str) -> str:
        """The query with a VALUES block for its parameters, placed where Virtuoso honours it."""
        if not values:
            return self.text
        inline = not self.aggregated and self.where_start >= 0
        if inline:
            at = self.where_start + 1
            return f"{self.text[:at]}\n{values}\n{self.text[at:]}"
        if self.values:
            raise StoreError("cannot bind parameters into a query that ends in a VALUES clause "
                             "of its own and aggregates; bind them in that clause instead")
        return f"{self.text.rstrip()}\n{values}"

    def order_variables(self) -> list[str]:
        """Variables the top-level ORDER BY reads, in their order of appearance."""
        return list(dict.fromkeys(re.findall(r"[?$](\w+)", _mask(self.order_by))))

    def unordered(self, values: str, extra: Iterable[str] = ()) -> tuple[str, str]:
        """The query as a subquery that parts wrap: without prologue, ORDER BY and dataset
        clauses, parameters bound, ``extra`` variables added to its projection; and its
        ``FROM`` clauses, which a subquery cannot hold, for the query around it."""
        text, start, end = self.text, self.prologue_end, self.where_end
        extra = [v for v in extra if not self.projects([v])]
        head = self.projection.rstrip()
        clause = re.search(r"\b(?:FROM|WHERE)\b", head, re.IGNORECASE)
        cut = start + (clause.start() if clause else len(head))
        dataset = " ".join(
            text[start + m.start():start + m.end()] for m in re.finditer(
                r"\bFROM\s+(?:NAMED\s+)?(?:<[^>]*>|[\w.-]*:[\w.-]*)", head, re.IGNORECASE))
        more = "".join(f" ?{v}" for v in extra)
        trailing = self.values
        if values and not self.aggregated:
            body = f"{text[start:cut]}{more} WHERE {{\n{values}\n{text[self.where_start + 1:end]}\n}}"
        else:
            body = f"{text[start:cut]}{more} WHERE {text[self.where_start:end + 1]}"
            trailing = values or trailing
        return f"{body}\n{self.group_having}\n{trailing}".rstrip(), dataset

    def wrapped(self, values: str, extra: Iterable[str], head: str, tail: str = "") -> str:
        """``SELECT head WHERE { { the query, unordered } tail }``: its count, or one part of it."""
        inner, dataset = self.unordered(values, extra)
        return with_prefixes(f"{self.text[: self.prologue_end]}\nSELECT {head} {dataset} WHERE {{ {{\n"
                             f"{inner}\n}}\n{tail}\n}}")


def _top_level_groups(masked: str, start: int) -> list[tuple[int, int]]:
    """(open, close) indexes of the brace groups at depth 0 after ``start``."""
    groups: list[tuple[int, int]] = []
    depth, opened = 0, -1
    for i in range(start, len(masked)):
        c = masked[i]
        if c == "{":
            if depth == 0:
                opened = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                groups.append((opened, i))
            elif depth < 0:
                raise StoreError("unbalanced braces in the SPARQL query")
    if depth:
        raise StoreError("unbalanced braces in the SPARQL query: a '{' is never closed")
    return groups


def with_prefixes(sparql: str) -> str:
    """Add PREFIX lines of vocab.PREFIXES that the text does not declare, at the end of its prologue."""
    m = _PROLOGUE_RE.match(sparql)
    end = m.end() if m else 0
    declared = set(_DECLARED_RE.findall(sparql[:end]))
    lines = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
    if not lines:
        return sparql
    return f"{sparql[:end]}\n{lines}{sparql[end:]}" if end else lines + sparql


def values_clause(bindings: Mapping[str, Bindable] | None) -> str:
    """``VALUES (?a ?b) { (<iri> "lit"^^<dt>) }`` from terms' N-Triples forms (escaped by pyoxigraph)."""
    if not bindings:
        return ""
    names, terms = [], []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise StoreError(f"{name!r} is not a SPARQL variable name")
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise StoreError(f"parameter {name!r}: only IRIs and literals can be bound over HTTP")
        names.append(f"?{name}")
        terms.append(str(term))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


# -- terms: comparison and blank nodes -----------------------------------------------

def term_key(term: Term) -> tuple[str, ...]:
    """A term by value, so a graph read back from a server compares equal to the one written.

    Servers rewrite literals (Virtuoso: ``"0.80"^^xsd:decimal`` -> ``0.8``, a decimal with
    no fraction -> xsd:integer, ``true`` -> ``1``), so numbers compare by value.
    """
    if isinstance(term, ox.NamedNode):
        return ("I", term.value)
    if isinstance(term, ox.BlankNode):
        return ("B", term.value)
    if term.language:
        return ("L", term.value, term.language.lower())
    dt = term.datatype.value
    try:
        if dt in _NUMERIC:
            return ("N", str(Decimal(term.value.strip()).normalize()))
        if dt in _FLOATING:
            return ("F", repr(float(term.value)))
        if dt == _XSD_BOOLEAN:
            return ("Z", str(term.value.strip() in ("true", "1")))
    except (InvalidOperation, ValueError):
        pass
    return ("S", dt, term.value)


def triple_key(t: ox.Triple) -> tuple[tuple[str, ...], ...]:
    return term_key(t.subject), term_key(t.predicate), term_key(t.object)  # type: ignore[arg-type]


def skolemise(triples: Iterable[ox.Triple], graph: ox.NamedNode) -> list[ox.Triple]:
    """Replace blank nodes by IRIs under SKOLEM_NS, the same IRIs for the same graph every run.

    A blank node's name is a hash of its neighbourhood, refined until stable (colour
    refinement), so re-parsing a file whose parser invents new blank node labels still
    gives the same IRIs; blank nodes the refinement cannot tell apart are numbered.
    """
    items = list(dict.fromkeys(triples))
    blanks = list(dict.fromkeys(
        t for tr in items for t in (tr.subject, tr.object) if isinstance(t, ox.BlankNode)))
    if not blanks:
        return items
    for tr in items:
        if isinstance(tr.subject, ox.Triple) or isinstance(tr.object, ox.Triple):
            raise StoreError("RDF-star triples cannot be written to a remote store")
    colour: dict[ox.BlankNode, str] = {b: "" for b in blanks}

    def name(t: object, c: Mapping[ox.BlankNode, str]) -> str:
        return "_:" + c[t] if isinstance(t, ox.BlankNode) else str(t)

    for _ in range(len(blanks) + 1):
        parts: dict[ox.BlankNode, list[str]] = defaultdict(list)
        for tr in items:
            if isinstance(tr.subject, ox.BlankNode):
                parts[tr.subject].append(f"> {tr.predicate} {name(tr.object, colour)}")
            if isinstance(tr.object, ox.BlankNode):
                parts[tr.object].append(f"< {name(tr.subject, colour)} {tr.predicate}")
        new = {b: hashlib.sha256("\n".join(sorted(parts[b])).encode()).hexdigest() for b in blanks}
        if len(set(new.values())) == len(set(colour.values())) and all(colour.values()):
            break
        colour = new
    seen: dict[str, int] = defaultdict(int)
    iri: dict[ox.BlankNode, ox.NamedNode] = {}
    for b in sorted(blanks, key=lambda b: colour[b]):
        n = seen[colour[b]]
        seen[colour[b]] += 1
        digest = hashlib.sha256(f"{graph.value}\n{colour[b]}\n{n}".encode()).hexdigest()[:32]
        iri[b] = ox.NamedNode(SKOLEM_NS + digest)

    def fix(t: Term) -> Term:
        return iri[t] if isinstance(t, ox.BlankNode) else t

    return list(dict.fromkeys(
        ox.Triple(fix(tr.subject), tr.predicate, fix(tr.object)) for tr in items))  # type: ignore[arg-type]


# -- credentials ---------------------------------------------------------------------

def credentials(url: str) -> tuple[str, str] | None:
    """(user, password) from DEFGRAPH_USER / DEFGRAPH_PASSWORD, else ~/.netrc for the URL's host."""
    user = os.environ.get(USER_ENV)
    if user:
        return user, os.environ.get(PASSWORD_ENV, "")
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        auth = netrc.netrc().authenticators(host)
    except FileNotFoundError:
        return None
    except (netrc.NetrcParseError, OSError) as exc:
        raise StoreError(f"cannot read ~/.netrc for the credentials of {host}: {exc}") from exc
    if auth is None:
        return None
    login, _account, password = auth
    return login, password or ""


# -- the store -----------------------------------------------------------------------

# the GRAPH keyword (not a variable such as ?graph) followed by a graph name or variable
NAMES_GRAPHS_RE = re.compile(r"(?<![?$\w])GRAPH\s+[?$<\w]", re.IGNORECASE)


_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def _line(t: ox.Triple | ox.Quad) -> str:
    """One triple as N-Triples for INSERT/DELETE DATA. A whole xsd:decimal is written with
    ".0": Virtuoso stores "5"^^xsd:decimal as an xsd:integer, "5.0" as the decimal it is
    (the value is the same; patterns match by value either way)."""
    o = t.object
    if isinstance(o, ox.Literal) and o.datatype == _DECIMAL and o.value.lstrip("+-").isdigit():
        o = ox.Literal(o.value + ".0", datatype=_DECIMAL)
    return f"{t.subject} {t.predicate} {o} ."


class RemoteStore:
    """A SPARQL 1.1 endpoint with the interface of OxigraphStore (see the module docstring)."""

    def __init__(
        self,
        endpoint: str,
        *,
        update_url: str | None = None,
        read_only: bool = False,
        timeout: float | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        batch_triples: int = BATCH_TRIPLES,
        union_graph: str | None = None,
        bind_on_client: bool | None = None,
    ) -> None:
        self.endpoint = _check_url(endpoint, "--store")
        self.update_url = _check_url(update_url, "--update-url") if update_url else self.endpoint
        self.read_only = read_only
        self.timeout = timeout if timeout is not None else _env_timeout()
        if page_size < 1 or batch_triples < 1:
            raise StoreError("page_size and batch_triples must be at least 1")
        self.page_size = page_size
        self.batch_triples = batch_triples
        self.union_graph = union_graph if union_graph is not None else os.environ.get(UNION_GRAPH_ENV)
        self.bind_on_client = bind_on_client
        self.server = ""  # the server's name, from its Server header
        self.requests = 0  # HTTP requests sent, for tests and progress reports
        self._opener = _opener(self.endpoint, self.update_url)
        if not read_only:
            self._ensure_ontology()

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint})"

    @property
    def location(self) -> str:
        return self.endpoint

    def refresh_vocabulary(self) -> None:
        """Nothing to do: a SPARQL server reads the consolidated graph with the ontology
        (default-graph-uri twice) without the embedded store's cost per graph."""

    def _ensure_ontology(self) -> None:
        """Keep the ontology in its own named graph, as the embedded store does."""
        with open(resources.ontology_file(), "rb") as f:
            triples = list(ox.parse(f, format=ox.RdfFormat.TURTLE))
        self.replace_graph(ONTOLOGY_GRAPH, [ox.Quad(t.subject, t.predicate, t.object,
                                                    node(ONTOLOGY_GRAPH)) for t in triples])

    # -- HTTP ----------------------------------------------------------------------------
    def _post(self, url: str, fields: dict[str, str] | list[tuple[str, str]], accept: str,
              what: str) -> tuple[bytes, Message]:
        data = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {
            "Accept": accept,
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "User-Agent": "defgraph",
        }
        token = os.environ.get(TOKEN_ENV)
        host = urllib.parse.urlsplit(url).hostname or ""
        if token and what == "update" and host in ("127.0.0.1", "localhost", "::1"):
            # `defgraph serve --allow-update` (loopback only) asks for its token
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(url, data=data, method="POST", headers=headers)
        self.requests += 1
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                self.server = resp.headers.get("Server", self.server)
                return resp.read(), resp.headers
        except urllib.error.HTTPError as exc:
            body = _read_quietly(exc)
            raise _http_error(url, exc.code, body, what) from None
        except urllib.error.URLError as exc:
            raise _connection_error(url, exc.reason, self.timeout) from None
        except TimeoutError as exc:
            raise _connection_error(url, exc, self.timeout) from None
        except (http.client.HTTPException, OSError) as exc:
            raise _connection_error(url, exc, self.timeout) from None

    def _query_fields(self, text: str, union: bool | None) -> list[tuple[str, str]]:
        """The request's fields. union None: the consolidated graph and the ontology as the
        default graph (what analysts ask about); True: the union of all graphs; False: the
        server's own default graph (queries that name their graphs)."""
        fields = [("query", text)]
        if union is None:
            fields += [("default-graph-uri", CONSOLIDATED_GRAPH),
                       ("default-graph-uri", ONTOLOGY_GRAPH)]
        elif union and self.union_graph:
            fields.append(("default-graph-uri", self.union_graph))
        return fields

    def _fetch(self, text: str, union: bool | None = None) -> tuple[Rows, int | None]:
        """One SELECT request: its rows, and the server's row cap when it says it cut them."""
        body, headers = self._post(self.endpoint, self._query_fields(text, union), _JSON, "query")
        state = (headers.get("X-SQL-State") or "").strip()
        if state == "S1TAT":  # Virtuoso's "anytime" answer: what it found before its time ran out
            raise StoreError(
                f"{self.endpoint} stopped the query at its MaxQueryExecutionTime and sent a partial "
                f"result ({(headers.get('X-SQL-Message') or '').strip()}); narrow the query, or "
                "raise MaxQueryExecutionTime in the server's [SPARQL] section")
        rows = _parse_rows(body, self.endpoint)
        cap = headers.get("X-SPARQL-MaxRows")
        return rows, int(cap) if cap and cap.strip().isdigit() else None

    def _select(self, shape: _Shape, values: str, union: bool | None = None) -> Rows:
        rows = self._select_rows(shape, values, union)
        if shape.distinct:
            # Virtuoso 7.2 returns duplicate rows for SELECT DISTINCT with many OPTIONALs.
            unique = dict.fromkeys(tuple(row) for row in rows.rows)
            if len(unique) < len(rows.rows):
                rows = Rows(rows.variables, [list(row) for row in unique])
        return rows

    def _select_rows(self, shape: _Shape, values: str, union: bool | None) -> Rows:
        rows, cap = self._fetch(with_prefixes(shape.bound(values)), union)
        size = min(self.page_size, cap) if cap else self.page_size
        cut = cap is not None and len(rows.rows) >= cap
        if shape.limited:
            if cut:
                raise StoreError(
                    f"{self.endpoint} cut the result at {cap} rows (its ResultSetMaxRows) and the "
                    f"query has a LIMIT/OFFSET of its own, so it is not paged; page it yourself "
                    f"with LIMIT {cap} and OFFSET")
            return rows
        if not cut and len(rows.rows) < self.page_size:
            return rows
        return self._partitioned(shape, values, union, rows.variables, size)

    def _partitioned(self, shape: _Shape, values: str, union: bool | None,
                     variables: list[str], size: int) -> Rows:
        """A result too long for one answer, fetched in parts by a hash of each row.

        No ORDER BY, LIMIT or OFFSET reaches the server (Virtuoso refuses a sorted result
        past MaxSortedTopRows, and ignores OFFSET without ORDER BY): each part is the query
        as a subquery, filtered on a range of the MD5 of its row's values (standard SPARQL
        1.1), small enough to come back whole; a part that comes back full is split in
        two. A COUNT of the whole result sizes the parts and checks that they add up
        (for SELECT DISTINCT, that they do not add up to more). The query's own
        ORDER BY is then applied here, by an in-memory Oxigraph: the same order as the
        embedded store.
        """
        if shape.order_by and _AGGREGATE_RE.search(_mask(shape.order_by)):
            raise StoreError(
                f"the result is longer than {self.endpoint} sends in one answer ({size} rows), and "
                "its ORDER BY holds an aggregate, which cannot be applied to its parts; order by "
                "a projected variable instead")
        extra = [v for v in shape.order_variables() if v not in variables]
        names = variables + extra
        count_var = _fresh_name("n", names)
        counted, _ = self._fetch(shape.wrapped(values, extra, f"(COUNT(*) AS ?{count_var})"), union)
        total = int(counted.rows[0][0].value) if counted.rows and counted.rows[0][0] else 0
        digest = _row_hash(names)
        parts = max(2, -(-total * 2 // size))  # about half a page each
        step = -(-_HASH_SPACE // parts)
        todo = [(lo, min(lo + step, _HASH_SPACE)) for lo in range(0, _HASH_SPACE, step)]
        out: list[list[Term | None]] = []
        while todo:
            lo, hi = todo.pop()
            cond = f'{digest} >= "{lo:08x}"' + (f' && {digest} < "{hi:08x}"' if hi < _HASH_SPACE else "")
            head = " ".join(f"?{n}" for n in names)
            part, cap = self._fetch(shape.wrapped(values, extra, head, f"FILTER({cond})"), union)
            if len(part.rows) >= size or (cap is not None and len(part.rows) >= cap):
                if hi - lo < 2:
                    raise StoreError(
                        f"{self.endpoint}: {len(part.rows)} rows of the result have the same values "
                        f"(more than the {size} one answer holds), so it cannot be fetched in parts")
                mid = (lo + hi) // 2
                todo += [(lo, mid), (mid, hi)]
                continue
            # by name: a server may list the variables in another order, or leave out one
            # that no row binds
            index = [part.variables.index(n) if n in part.variables else None for n in names]
            out.extend([row[i] if i is not None else None for i in index] for row in part.rows)
        # Virtuoso 7.2 counts (and sends) some rows of a SELECT DISTINCT twice: there the
        # distinct rows of the parts can only be checked not to outnumber the count.
        held = len(set(map(tuple, out))) if shape.distinct else len(out)
        if held > total or (held < total and not shape.distinct):
            raise StoreError(
                f"{self.endpoint} counts {total} rows in the result but its parts hold {held}; "
                "the server changed during the query, or answered it inconsistently")
        if shape.order_by:
            out = _order_rows(shape.text[: shape.prologue_end], shape.order_by, names, out)
        if extra:
            out = [row[: len(variables)] for row in out]
        return Rows(variables, out)  # type: ignore[arg-type]

    # -- reading -------------------------------------------------------------------------
    def query(self, sparql: str, bindings: Mapping[str, Bindable] | None = None, *,
              union: bool = False) -> QueryOutcome:
        """Run a SPARQL query; bindings go in a VALUES block.

        The default graph is the consolidated graph with the ontology, or with
        ``union=True`` the union of every graph (as for the embedded store).
        """
        # A query that names graphs (GRAPH ...) runs over the server's own dataset: with
        # default-graph-uri given, the protocol leaves it no named graphs to look in.
        names_graphs = NAMES_GRAPHS_RE.search(_mask(sparql)) is not None
        graphs: bool | None = True if union else (False if names_graphs else None)
        shape = _Shape.parse(sparql)
        values = values_clause(bindings)
        if self.is_virtuoso and shape.has_subquery and shape.has_path:
            warnings.warn(
                f"{self.endpoint} is Virtuoso, whose 7.2 releases can return wrong rows for a "
                "property path (*, +, ?) inside a subquery (openlink/virtuoso-opensource issues "
                "127, 704, 1078); check important results against an embedded store",
                VirtuosoPathWarning, stacklevel=2)
        if shape.form == "SELECT":
            if bindings and self._binds_on_client(shape, bindings):
                return _bind_rows(self._select(shape, "", graphs), bindings, shape.distinct)
            try:
                return self._select(shape, values, graphs)
            except _CostRefused:
                # Virtuoso's estimate changes with the bound values: it refuses some lookups
                # whose unbound query it runs; then bind them here, as _binds_on_client does.
                if not (bindings and self.bind_on_client is None and not shape.limited
                        and shape.projects(bindings)):
                    raise
                return _bind_rows(self._select(shape, "", graphs), bindings, shape.distinct)
        text = with_prefixes(shape.bound(values))
        fields = self._query_fields(text, union=graphs)
        if shape.form == "ASK":
            body, _ = self._post(self.endpoint, fields, _JSON, "query")
            try:
                result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError) as exc:
                raise StoreError(f"{self.endpoint} sent an unreadable ASK result: {exc}") from exc
            if not isinstance(result, ox.QueryBoolean):
                raise StoreError(f"{self.endpoint} answered an ASK query with rows")
            return bool(result)
        body, headers = self._post(self.endpoint, fields, _NTRIPLES, "query")
        try:
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise StoreError(f"{self.endpoint} sent unreadable N-Triples: {exc}") from exc
        cap = headers.get("X-SPARQL-MaxRows")
        if cap and cap.strip().isdigit() and len(triples) >= int(cap):
            raise StoreError(
                f"{self.endpoint} cut the {shape.form} result at {cap} triples (its "
                "ResultSetMaxRows); CONSTRUCT results are not paged: use a SELECT, or narrow it")
        return [_normalise_triple(t) for t in triples]

    def _binds_on_client(self, shape: _Shape, bindings: Mapping[str, Bindable]) -> bool:
        """Whether to bind parameters by filtering the unbound result's rows here.

        Virtuoso 7.2 loses rows when a bound value meets a subquery that holds a property
        path (``*``, ``+``, ``?``), with VALUES and FILTER alike. So for Virtuoso, such a
        query runs unbound and its rows are filtered on the parameters, which is what a
        trailing VALUES means for a variable of the projection: slower on large results,
        but right. Other queries and other servers get VALUES (measured at 10k statements:
        the canned queries' lookups, all subqueries without such paths, give the embedded
        store's rows bound on Virtuoso, in well under a second instead of 20 s unbound).
        """
        if shape.limited or not shape.projects(bindings):
            return False
        if self.bind_on_client is not None:
            return self.bind_on_client
        return self.is_virtuoso and shape.has_subquery and shape.has_path

    @property
    def is_virtuoso(self) -> bool:
        """Whether the server said it is Virtuoso (its Server header), as far as we have heard."""
        return "virtuoso" in self.server.lower()

    def _graph_triples(self, g: ox.NamedNode) -> list[ox.Triple]:
        shape = _Shape.parse(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}")
        rows = self._select(shape, "", union=False)
        return [ox.Triple(s, p, o) for s, p, o in rows.rows  # type: ignore[arg-type]
                if s is not None and p is not None and o is not None]

    def graph_quads(self, graph: str | ox.NamedNode) -> set[ox.Quad]:
        g = _as_graph_name(graph)
        return {ox.Quad(t.subject, t.predicate, t.object, g) for t in self._graph_triples(g)}

    def iter_graph_quads(self, graph: str | ox.NamedNode) -> Iterator[ox.Quad]:
        """graph_quads, read whole (the server's answer is paged, then held)."""
        return iter(self.graph_quads(graph))

    def iter_rows(self, sparql: str, *, union: bool = False) -> Iterator[list[Term | None]]:
        """A SELECT query's rows, read whole (as ``query`` reads them)."""
        rows = self.query(sparql, union=union)
        if not isinstance(rows, Rows):
            raise StoreError("iter_rows runs SELECT queries only")
        return iter(rows.rows)

    def has_graph(self, graph: str | ox.NamedNode) -> bool:
        g = _as_graph_name(graph)
        body, _ = self._post(self.endpoint, {"query": f"ASK {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}"},
                             _JSON, "query")
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return bool(result)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The named graphs defgraph wrote (IRIs under GRAPH_SCOPE); a shared server's others are skipped."""
        shape = _Shape.parse(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_SCOPE}")) }}')
        for (g,) in self._select(shape, "", union=False).rows:
            if isinstance(g, ox.NamedNode):
                yield g

    def quads(self, *, include_ontology: bool = False) -> Iterator[ox.Quad]:
        """Every quad of defgraph's graphs, one graph at a time (memory stays flat)."""
        onto = node(ONTOLOGY_GRAPH)
        for g in sorted(self.named_graphs(), key=lambda g: g.value):
            if include_ontology or g != onto:
                for t in self._graph_triples(g):
                    yield ox.Quad(t.subject, t.predicate, t.object, g)

    def triple_count(self) -> int:
        """Distinct triples over all statement graphs (the ontology graph left out)."""
        shape = _Shape.parse(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_SCOPE}") && ?g != <{ONTOLOGY_GRAPH}>) }} }}')
        rows = self._select(shape, "", union=False)
        term = rows.rows[0][0] if rows.rows else None
        return int(term.value) if term is not None else 0

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        if graph:
            items: list[ox.Quad] | list[ox.Triple] = self._graph_triples(node(graph))
        else:
            items = list(self.quads(include_ontology=True))
        ox.serialize(items, out, format=fmt)

    # -- writing -------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Send a SPARQL update to the update URL (the vocabulary's prefixes predeclared)."""
        if self.read_only:
            raise StoreError(f"the store at {self.endpoint} was opened read-only")
        self._post(self.update_url, {"update": with_prefixes(sparql)}, _JSON, "update")

    def replace_graph(self, graph: str | ox.NamedNode, quads: Iterable[ox.Quad]) -> bool:
        """Make the named graph hold exactly these quads. Returns False when nothing changed.

        Not atomic over HTTP (see the module docstring); idempotent: a re-run rewrites a
        graph left partial.
        """
        g = _as_graph_name(graph)
        quads = list(quads)
        shared = [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != g]
        if shared:
            self._add_shared(shared)
            quads = [q for q in quads if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name != g)]
        new = skolemise((ox.Triple(q.subject, q.predicate, q.object) for q in quads), g)
        current = self._graph_triples(g)
        if {triple_key(t) for t in current} == {triple_key(t) for t in new}:
            return False
        if not new:
            self.update(f"DROP SILENT GRAPH <{g.value}>")
            return True
        batch: list[str] = []
        size, first = 0, True
        for t in new:
            line = _line(t)
            if batch and (len(batch) >= self.batch_triples or size + len(line) > BATCH_BYTES):
                self._insert(g, batch, drop=first and bool(current))
                batch, size, first = [], 0, False
            batch.append(line)
            size += len(line)
        self._insert(g, batch, drop=first and bool(current))
        return True

    def _add_shared(self, quads: list[ox.Quad]) -> None:
        """Add quads of shared graphs (the reference graph): inserting what is there changes nothing."""
        by_graph: dict[str, list[str]] = {}
        for q in quads:
            by_graph.setdefault(str(getattr(q.graph_name, "value", "")), []).append(_line(q))
        for graph, lines in by_graph.items():
            for i in range(0, len(lines), self.batch_triples):
                self._insert(ox.NamedNode(graph), lines[i:i + self.batch_triples], drop=False)

    def _insert(self, g: ox.NamedNode, lines: list[str], drop: bool) -> None:
        """INSERT DATA one batch (after dropping the old graph); halve a batch the server finds too large."""
        text = (f"DROP SILENT GRAPH <{g.value}> ;\n" if drop else "") + (
            f"INSERT DATA {{ GRAPH <{g.value}> {{\n" + "\n".join(lines) + "\n} }")
        try:
            self.update(text)
        except _TooLarge:
            if len(lines) < 2:
                raise
            half = len(lines) // 2
            self._insert(g, lines[:half], drop)
            self._insert(g, lines[half:], False)

    def remove_graph(self, graph: str | ox.NamedNode) -> None:
        self.update(f"DROP SILENT GRAPH <{_as_graph_name(graph).value}>")

    def add_quads(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        """Add quads (INSERT DATA in batches, per graph)."""
        by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
        for q in quads:
            if isinstance(q.graph_name, ox.NamedNode):  # defgraph writes named graphs only
                by_graph[q.graph_name.value].append(q)
        for graph, qs in by_graph.items():
            g = node(graph)
            new = skolemise((ox.Triple(q.subject, q.predicate, q.object) for q in qs), g)
            lines = [_line(t) for t in new]
            for i in range(0, len(lines), self.batch_triples):
                self._insert(g, lines[i:i + self.batch_triples], drop=False)

    def change(self, remove: Iterable[ox.Quad], add: Iterable[ox.Quad]) -> None:
        """Remove some quads and add others: DELETE DATA, then INSERT DATA, in batches."""
        by_graph: dict[str, list[str]] = defaultdict(list)
        for q in remove:
            if isinstance(q.graph_name, ox.NamedNode):
                by_graph[q.graph_name.value].append(_line(q))
        for graph, lines in by_graph.items():
            for i in range(0, len(lines), self.batch_triples):
                self.update(f"DELETE DATA {{ GRAPH <{graph}> {{\n"
                            + "\n".join(lines[i:i + self.batch_triples]) + "\n} }")
        self.add_quads(add)

    def replace_subjects(self, graph: str | ox.NamedNode, subjects: Iterable[ox.NamedNode],
                         quads: Iterable[ox.Quad]) -> None:
        """In one graph, drop every triple of these subjects, then add these quads.

        Not atomic over HTTP: a run cut in between leaves the consolidated graph behind
        its statements, and the next run that writes rebuilds it (the run's mark,
        maintain.Maintainer.begin), as ``defgraph rebuild`` does."""
        g = _as_graph_name(graph)
        subjects = list(subjects)
        for i in range(0, len(subjects), 50):
            self.update(" ;\n".join(
                f"DELETE WHERE {{ GRAPH <{g.value}> {{ {s} ?p ?o }} }}"
                for s in subjects[i:i + 50]))
        new = skolemise((ox.Triple(q.subject, q.predicate, q.object) for q in quads), g)
        lines = [_line(t) for t in new]
        for i in range(0, len(lines), self.batch_triples):
            self._insert(g, lines[i:i + self.batch_triples], drop=False)

    def subject_quads(self, subject: ox.NamedNode | ox.BlankNode,
                      graph: str | ox.NamedNode | None = None,
                      predicate: ox.NamedNode | None = None) -> list[ox.Quad]:
        """Every quad with this subject (and predicate, if given), in one graph or (None) in all."""
        if not isinstance(subject, ox.NamedNode):
            raise StoreError("a blank node cannot be looked up on a SPARQL server")
        p_term = "?p" if predicate is None else str(predicate)
        bind = "" if predicate is None else f" BIND({predicate} AS ?p)"
        if graph is not None:
            g = _as_graph_name(graph)
            rows = self._select(_Shape.parse(
                f"SELECT ?p ?o WHERE {{ GRAPH <{g.value}> {{ {subject} {p_term} ?o }}{bind} }}"),
                "", False)
            return [ox.Quad(subject, p, o, g) for p, o in rows.rows  # type: ignore[arg-type]
                    if p is not None and o is not None]
        rows = self._select(_Shape.parse(
            f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ {subject} {p_term} ?o }}{bind} }}"), "", False)
        return [ox.Quad(subject, p, o, g) for g, p, o in rows.rows  # type: ignore[arg-type]
                if g is not None and p is not None and o is not None]

    def flush(self) -> None:
        """Nothing to do: each update is committed by the server when it answers."""

    def compact(self) -> bool:
        """Nothing to do: the server keeps its own files."""
        return False

    def close(self) -> None:
        """Nothing to close: every request opens and closes its own connection."""


# -- helpers -------------------------------------------------------------------------

def _as_graph_name(graph: str | ox.NamedNode) -> ox.NamedNode:
    return graph if isinstance(graph, ox.NamedNode) else node(graph)


def _check_url(url: str, option: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{option} {url!r} is not an http(s) URL of a SPARQL endpoint")
    if parts.password is not None:
        raise StoreError(f"{option}: do not put a password in the URL; set {USER_ENV} and "
                         f"{PASSWORD_ENV}, or add the host to ~/.netrc")
    return url


def _env_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise StoreError(f"{TIMEOUT_ENV} must be more than 0 seconds")
    return value


def _opener(*urls: str) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    auth = credentials(urls[0])
    if auth:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in dict.fromkeys(urls):
            manager.add_password(None, url, *auth)  # type: ignore[arg-type]
        handlers += [urllib.request.HTTPBasicAuthHandler(manager),
                     urllib.request.HTTPDigestAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _read_quietly(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"<[^>]+>", "", line).strip()  # an HTML error page: keep the words
    return line[:300]


def _http_error(url: str, status: int, body: str, what: str) -> StoreError:
    said = _first_line(body)
    detail = f": {said}" if said else ""
    if status == 401:
        return StoreUnavailable(
            f"{url} wants credentials (HTTP 401){detail}; set {USER_ENV} and {PASSWORD_ENV}, or "
            "add the host to ~/.netrc")
    if status == 403:
        return StoreUnavailable(
            f"{url} refused the {what} (HTTP 403){detail}; the account lacks the right to it "
            "(Virtuoso: GRANT SPARQL_UPDATE, or use /sparql-auth with credentials; Fuseki: "
            "start it with --update and give --update-url)")
    if status == 404:
        return StoreUnavailable(
            f"no SPARQL endpoint at {url} (HTTP 404); check the URL (Virtuoso: "
            "http://HOST:8890/sparql, Fuseki: http://HOST:3030/DATASET/sparql)")
    if status in (502, 503, 504):
        return StoreUnavailable(f"{url} is not available (HTTP {status}){detail}; try again later")
    if what == "query" and _COST_RE.search(said):
        return _CostRefused(f"{url} rejected the {what} (HTTP {status}){detail}")
    if what == "update" and (status == 413 or _TOO_LARGE_RE.search(said)):
        return _TooLarge(f"{url} refused the {what} as too large (HTTP {status}){detail}")
    return StoreError(f"{url} rejected the {what} (HTTP {status}){detail}")


def _connection_error(url: str, reason: object, timeout: float) -> StoreUnavailable:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return StoreUnavailable(
            f"the SPARQL endpoint {url} did not answer within {timeout:g} s; check the server, "
            f"or allow longer with {TIMEOUT_ENV}=SECONDS")
    if isinstance(reason, ConnectionRefusedError):
        return StoreUnavailable(
            f"cannot reach the SPARQL endpoint {url}: connection refused; is the server running "
            "(Virtuoso: .ci/virtuoso.sh), and is --store the right URL?")
    if isinstance(reason, socket.gaierror):
        return StoreUnavailable(f"cannot reach the SPARQL endpoint {url}: unknown host ({reason})")
    return StoreUnavailable(
        f"lost the connection to the SPARQL endpoint {url}: {reason or type(reason).__name__}; "
        "is the server still running?")


def _normalise(term: Term | None) -> Term | None:
    """Canonical booleans: Virtuoso writes xsd:boolean true as "1"."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_BOOLEAN and term.value in ("1", "0"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def _normalise_triple(t: ox.Triple) -> ox.Triple:
    return ox.Triple(t.subject, t.predicate, _normalise(t.object))  # type: ignore[arg-type]


def _bind_rows(rows: Rows, bindings: Mapping[str, Bindable], distinct: bool) -> Rows:
    """The rows a join with one row of bindings keeps: equal (by value) or unbound, then bound."""
    index = {name: rows.variables.index(name) for name in bindings}
    wanted = {name: term_key(term) for name, term in bindings.items()}  # type: ignore[arg-type]
    out: list[list[Term | None]] = []
    for row in rows.rows:
        if all(row[i] is None or term_key(row[i]) == wanted[n] for n, i in index.items()):  # type: ignore[arg-type]
            new = list(row)
            for n, i in index.items():
                if new[i] is None:
                    new[i] = bindings[n]  # type: ignore[assignment]
            out.append(new)  # type: ignore[arg-type]
    if distinct:
        out = [list(r) for r in dict.fromkeys(tuple(r) for r in out)]
    return Rows(rows.variables, out)  # type: ignore[arg-type]


_HASH_SPACE = 16 ** 8  # the first 8 hex digits of an MD5: the ranges results are split by
_PREFIX_OR_BASE_RE = re.compile(r"PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>", re.IGNORECASE)


def _fresh_name(base: str, taken: Iterable[str]) -> str:
    """A variable name that is not one of ``taken``."""
    taken = set(taken)
    name = f"defgraph_{base}"
    while name in taken:
        name += "_"
    return name


def _row_hash(names: list[str]) -> str:
    """SPARQL for the first 8 hex digits of the MD5 of a row's values (unbound as "")."""
    parts = ', "|", '.join(f'COALESCE(STR(?{n}), "")' for n in names)
    return f'SUBSTR(MD5(CONCAT({parts}, "")), 1, 8)'


def _order_rows(prologue: str, order_by: str, names: list[str],
                rows: list[list[Term | None]]) -> list[list[Term | None]]:
    """The rows in the order of ``ORDER BY order_by``, as Oxigraph (the embedded store) orders."""
    index = _fresh_name("row", names)
    blank: dict[ox.BlankNode, str] = {}

    def term(t: Term | None) -> str:
        if t is None:
            return "UNDEF"
        if isinstance(t, ox.BlankNode):  # VALUES takes no blank nodes: stand-in IRIs, in order
            return blank.setdefault(t, f"<urn:defgraph:blank:{len(blank)}>")
        return str(t)

    data = "\n".join(f"({i} {' '.join(term(t) for t in row)})" for i, row in enumerate(rows))
    heads = "\n".join(_PREFIX_OR_BASE_RE.findall(prologue))
    text = with_prefixes(
        f"{heads}\nSELECT ?{index} WHERE {{ VALUES (?{index} {' '.join('?' + n for n in names)}) "
        f"{{\n{data}\n}} }}\nORDER BY {order_by}")
    try:
        result = ox.Store().query(text)
    except (SyntaxError, ValueError, OSError) as exc:
        raise StoreError(f"cannot apply the query's ORDER BY to its rows here: {exc}") from exc
    assert isinstance(result, ox.QuerySolutions)
    return [rows[int(sol[0].value)] for sol in result]  # type: ignore[union-attr]


def _parse_rows(body: bytes, url: str) -> Rows:
    try:
        return _read_rows(body, url)
    except SyntaxError:
        # Blank node labels a SPARQL JSON parser refuses, e.g. Virtuoso's "nodeID://b10000"
        # for data bulk-loaded with blank nodes: relabel them, the same label for the same node.
        try:
            data = json.loads(body)
            for binding in data["results"]["bindings"]:
                for term in binding.values():
                    if term.get("type") == "bnode":
                        term["value"] = "b" + hashlib.sha256(str(term["value"]).encode()).hexdigest()[:24]
            fixed = json.dumps(data).encode()
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{url} sent an unreadable SPARQL JSON result: {exc}") from exc
        try:
            return _read_rows(fixed, url)
        except SyntaxError as exc:
            raise StoreError(f"{url} sent an unreadable SPARQL JSON result: {exc}") from exc


def _read_rows(body: bytes, url: str) -> Rows:
    """SPARQL JSON results as Rows (SyntaxError when pyoxigraph cannot read them)."""
    try:
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except ValueError as exc:
        raise StoreError(f"{url} sent an unreadable SPARQL JSON result: {exc}") from exc
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError(f"{url} answered a SELECT query with a boolean")
    variables = [v.value for v in result.variables]
    try:
        rows = [[_normalise(sol[v]) for v in variables] for sol in result]  # type: ignore[arg-type]
    except ValueError as exc:
        raise StoreError(f"{url} sent an unreadable SPARQL JSON result: {exc}") from exc
    return Rows(variables, rows)  # type: ignore[arg-type]
