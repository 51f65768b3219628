"""The embedded store as a SPARQL 1.1 Protocol endpoint, for YASGUI, SPARQLWrapper and friends.

``defgraph serve`` answers on http://127.0.0.1:7878/sparql (any path works):

* queries by GET ``?query=`` or POST (form ``query=``, or the body as
  ``application/sparql-query``), over the union of all named graphs with the
  vocabulary's prefixes predeclared, as ``defgraph query`` runs them;
  ``default-graph-uri`` / ``named-graph-uri`` name another dataset, as the
  protocol says;
* SELECT and ASK results as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE
  as Turtle, N-Triples, RDF/XML or JSON-LD, chosen by the Accept header (or a
  ``format`` parameter: json, xml, csv, tsv, turtle, ntriples...);
* updates (POST form ``update=`` or ``application/sparql-update``) only when
  started with ``allow_update``, else 403, and then only with the server's token
  (``Authorization: Bearer TOKEN``; 401 without it, 403 with a wrong one);
* consent before anything else: the server listens on loopback only, answers only
  requests whose ``Host`` is its own address (so a DNS-rebound name gets 421), refuses
  requests whose ``Origin`` is another site (403), and sends CORS headers only for the
  one origin given with ``cors`` (never ``*`` when updates are allowed);
* ``SERVICE`` (federated queries, which make the server fetch any address a client
  names) is refused unless started with ``allow_service``;
* every error is an HTTP status with a one-line reason, never a dropped connection.

The standard library's ThreadingHTTPServer does the serving; pyoxigraph's own
serialisers write the results.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .sparqltext import QueryBoundsError, check_bounds, scan
from .stores import OxigraphStore
from .stores.oxigraph import default_graphs as store_default_graphs
from .vocab import PREFIXES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 64 * 1024 * 1024  # bytes of a POSTed query or update
TOKEN_ENV = "DEFGRAPH_TOKEN"  # the update token, when not generated at start
DEFAULT_TIMEOUT = 30.0  # seconds a query may run
MAX_RESULT_BYTES = 64 * 1024 * 1024  # a serialised result larger than this is refused
DEFAULT_THREADS = 4  # queries evaluated at once; connections beyond wait in line
CLIENT_TIMEOUT = 30.0  # seconds a client may take to send its request
BACKLOG = 256  # connections the kernel holds before the server accepts them

_RESULTS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
# The ``format`` / ``output`` parameter some clients send instead of (or besides) Accept.
_FORMAT_PARAM = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
    "ttl": "text/turtle", "ntriples": "application/n-triples", "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json", "json-ld": "application/ld+json",
}
_CONTENT_TYPE = {
    ox.QueryResultsFormat.JSON: "application/sparql-results+json",
    ox.QueryResultsFormat.XML: "application/sparql-results+xml",
    ox.QueryResultsFormat.CSV: "text/csv; charset=utf-8",
    ox.QueryResultsFormat.TSV: "text/tab-separated-values; charset=utf-8",
}
_GRAPH_CONTENT_TYPE = {
    ox.RdfFormat.TURTLE: "text/turtle; charset=utf-8",
    ox.RdfFormat.N_TRIPLES: "application/n-triples",
    ox.RdfFormat.RDF_XML: "application/rdf+xml",
    ox.RdfFormat.JSON_LD: "application/ld+json",
}


class ProtocolError(Exception):
    """A request the endpoint answers with an HTTP error status and a one-line reason."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, most preferred first (q=0 left out)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [t for _, _, t in sorted(ranked)]


def negotiate(accept: str, fmt: str | None, table: dict[str, Any], default: Any) -> Any:
    """The serialisation to use: a ``format`` parameter, else the best Accept match, else default."""
    if fmt:
        wanted = _FORMAT_PARAM.get(fmt.lower(), fmt.lower())
        if wanted in table:
            return table[wanted]
    for media in _accepted(accept or "*/*"):
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


class _Stop(Exception):
    """Raised inside pyoxigraph's serialiser to stop a query: past its deadline or too big."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Bounded:
    """The buffer a result is serialised into: it stops the query at the deadline, when the
    result grows past its size limit, or when cancelled (the client was answered already).

    pyoxigraph evaluates lazily while it serialises, so raising here ends the work."""

    def __init__(self, deadline: float, max_bytes: int) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._parts: list[bytes] = []
        self._size = 0
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def write(self, data: bytes) -> int:
        if self._cancelled or time.monotonic() > self.deadline:
            raise _Stop(HTTPStatus.SERVICE_UNAVAILABLE, "the query ran past the time limit and "
                        "was stopped (defgraph serve --timeout); add LIMIT or narrow it")
        self._size += len(data)
        if self._size > self.max_bytes:
            raise _Stop(HTTPStatus.UNPROCESSABLE_ENTITY,
                        f"the result is over {self.max_bytes // (1024 * 1024)} MB "
                        "(defgraph serve --max-result-mb); add LIMIT or page with OFFSET")
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


_TIMED_OUT = ("the query ran past the {:g} s limit and was stopped (defgraph serve --timeout); "
              "add LIMIT or narrow it")
WORKER_MEMORY = 768 * 1024 * 1024  # bytes of data a query worker process may allocate


def _worker_main(path: str, conn: Any, max_bytes: int) -> None:
    """A query worker: opens the store read-only and answers jobs until its pipe closes.

    Its memory is capped (RLIMIT_DATA), so a query that would exhaust the machine ends
    this process instead; the server then starts another.
    """
    import resource

    with suppress_errors():
        resource.setrlimit(resource.RLIMIT_DATA, (WORKER_MEMORY, WORKER_MEMORY))
    store = ox.Store.read_only(path)
    ours = store_default_graphs(store)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        sparql, accept, fmt, default_graphs, named_graphs = job
        try:
            kwargs = _dataset(default_graphs, named_graphs, ours)
            out = _Bounded(float("inf"), max_bytes)
            result = store.query(sparql, **kwargs)
            ctype = SparqlEndpoint._serialise(result, accept, fmt, out)
            del result
            conn.send(("ok", out.getvalue(), ctype))
        except _Stop as exc:
            conn.send(("err", int(exc.status), str(exc)))
        except ProtocolError as exc:
            conn.send(("err", int(exc.status), str(exc)))
        except SyntaxError as exc:
            conn.send(("err", 400, f"SPARQL syntax error: {exc}"))
        except (OSError, RuntimeError, ValueError) as exc:
            conn.send(("err", 400, f"query failed: {exc}"))


class suppress_errors:  # noqa: N801 - used as a statement: `with suppress_errors():`
    """Ignore OSError and ValueError (a limit the platform does not support)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, (OSError, ValueError))


class _Worker:
    """One query worker process and the pipe to it."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(str(path), child, max_bytes),
                                   daemon=True, name="defgraph-query-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Workers:
    """A fixed set of query worker processes; a query waits for a free one, and one that runs
    past its time is killed (its work stops there) and replaced."""

    def __init__(self, path: Path, n: int, max_bytes: int) -> None:
        import queue

        self.path = path
        self.max_bytes = max_bytes
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(n):
            self._add()

    def _add(self) -> None:
        w = _Worker(self.path, self.max_bytes)
        with self._lock:
            self._all.append(w)
        self._idle.put(w)

    def _replace(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            if w in self._all:
                self._all.remove(w)
        self._add()

    def run(self, sparql: str, accept: str, fmt: str | None, default_graphs: list[str] | None,
            named_graphs: list[str] | None, timeout: float) -> tuple[bytes, str]:
        deadline = time.monotonic() + timeout
        w = self._idle.get()
        try:
            w.conn.send((sparql, accept, fmt, default_graphs, named_graphs))
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w)
                w = None  # type: ignore[assignment]
                raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE, _TIMED_OUT.format(timeout))
            reply = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            if w is not None:
                self._replace(w)
                w = None  # type: ignore[assignment]
            raise ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR,
                                "the query worker ended (the query needed more memory than a "
                                "worker may use); narrow the query") from None
        finally:
            if w is not None:
                self._idle.put(w)
        if reply[0] == "ok":
            return reply[1], reply[2]
        raise ProtocolError(HTTPStatus(reply[1]), reply[2])

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.kill()


class SparqlEndpoint:
    """Runs protocol requests against an embedded store; HTTP-free, so it is easy to test."""

    def __init__(self, store: OxigraphStore, *, allow_update: bool = False,
                 allow_service: bool = False, timeout: float = DEFAULT_TIMEOUT,
                 max_result_bytes: int = MAX_RESULT_BYTES, threads: int = DEFAULT_THREADS) -> None:
        self.store = store
        self.allow_update = allow_update
        self.allow_service = allow_service
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        # Queries run here, at most `threads` at once (more wait their turn), so that the
        # request's thread can answer at the deadline while the query is told to stop.
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="defgraph-query")
        # A store on disk that is only read is queried in worker processes instead, which
        # can be killed: pyoxigraph cannot be interrupted while it sorts or aggregates.
        self._workers: _Workers | None = None
        if store.path is not None and store.read_only:
            self._workers = _Workers(store.path, threads, max_result_bytes)
        # The serve command is the embedded store's own front end: it needs pyoxigraph's
        # raw results to serialise them in every format.
        self._ox: ox.Store = store.raw

    def query(self, sparql: str, accept: str, fmt: str | None = None,
              default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> tuple[bytes, str]:
        """Run a query; returns the serialised result and its content type."""
        self._check_bounds(sparql)
        self._check_service(sparql, update=False)
        if self._workers is not None:
            return self._workers.run(sparql, accept, fmt, default_graphs, named_graphs,
                                     self.timeout)
        kwargs = _dataset(default_graphs, named_graphs, store_default_graphs(self._ox))
        out = _Bounded(time.monotonic() + self.timeout, self.max_result_bytes)
        future = self._pool.submit(self._run, sparql, kwargs, accept, fmt, out)
        try:
            return future.result(timeout=self.timeout + 0.5)
        except FutureTimeout:
            out.cancel()  # the query stops at its next row; its thread is then free again
            raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"the query ran past the {self.timeout:g} s limit and was stopped "
                                "(defgraph serve --timeout); add LIMIT or narrow it") from None

    def _run(self, sparql: str, kwargs: dict[str, Any], accept: str, fmt: str | None,
             out: _Bounded) -> tuple[bytes, str]:
        """Evaluate and serialise in one thread (pyoxigraph's results must not change threads)."""
        failure: ProtocolError | None = None
        result: Any = None
        try:
            result = self._ox.query(sparql, **kwargs)
            ctype = self._serialise(result, accept, fmt, out)
            return out.getvalue(), ctype
        except _Stop as exc:
            failure = ProtocolError(exc.status, str(exc))
        except SyntaxError as exc:
            failure = ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
        except (OSError, RuntimeError, ValueError) as exc:
            failure = ProtocolError(HTTPStatus.BAD_REQUEST, f"query failed: {exc}")
        finally:
            # pyoxigraph's lazy results belong to this thread: drop them here, never in a
            # traceback that another thread frees later.
            del result
        raise failure

    def close(self) -> None:
        """Stop taking queries; running ones stop at their deadline, worker processes now."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._workers is not None:
            self._workers.close()

    @staticmethod
    def _serialise(result: Any, accept: str, fmt: str | None, out: _Bounded) -> str:
        """Results in the negotiated format (evaluation happens here: results are lazy)."""
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            rf = negotiate(accept, fmt, _RESULTS, ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QueryBoolean) and rf in (ox.QueryResultsFormat.CSV,
                                                              ox.QueryResultsFormat.TSV):
                rf = ox.QueryResultsFormat.JSON  # CSV and TSV have no form for a boolean
            if isinstance(result, ox.QueryBoolean):
                out.write(result.serialize(format=rf) or b"")
            else:
                result.serialize(out, format=rf)  # type: ignore[arg-type]  # a writer
            return _CONTENT_TYPE[rf]
        gf = negotiate(accept, fmt, _GRAPHS, ox.RdfFormat.TURTLE)
        ox.serialize(result, out, format=gf,  # type: ignore[arg-type]  # a writer
                     prefixes=PREFIXES if gf is ox.RdfFormat.TURTLE else None)
        return _GRAPH_CONTENT_TYPE[gf]

    def update(self, sparql: str) -> None:
        if not self.allow_update:
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                "updates are refused: this endpoint is read-only "
                                "(start it with `defgraph serve --allow-update`)")
        self._check_bounds(sparql)
        self._check_service(sparql, update=True)
        try:
            self._ox.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"update failed: {exc}") from exc


    @staticmethod
    def _check_bounds(sparql: str) -> None:
        """Size and nesting first: the parsers that come next recurse and can crash."""
        try:
            check_bounds(sparql)
        except QueryBoundsError as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, str(exc)) from None

    def _check_service(self, sparql: str, *, update: bool) -> None:
        """Refuse SERVICE (the server would fetch any address the client names) unless allowed."""
        if not self.allow_service and uses_service(sparql, update=update):
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                "SERVICE is disabled: this endpoint does not fetch other addresses "
                                "(start it with `defgraph serve --allow-service`)")


def _graph_iri(value: str) -> ox.NamedNode:
    """A default-graph-uri / named-graph-uri parameter as an IRI, or 400."""
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise ProtocolError(HTTPStatus.BAD_REQUEST,
                            f"not an absolute IRI in a graph parameter: {value[:200]!r}") from None


def _dataset(default_graphs: list[str] | None, named_graphs: list[str] | None,
             ours: list[Any]) -> dict[str, Any]:
    """pyoxigraph's query options for the protocol's dataset: the graphs the request names,
    else ``ours``, the store's own default graph (the consolidated graph, with the
    ontology when it does not hold the ontology's terms: stores.oxigraph.default_graphs)."""
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if default_graphs or named_graphs:
        if default_graphs:
            kwargs["default_graph"] = [_graph_iri(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [_graph_iri(g) for g in named_graphs]
    else:
        kwargs["default_graph"] = ours
    return kwargs


def _service_in(node: Any, depth: int = 0) -> bool:
    """True when rdflib's parse tree has a ServiceGraphPattern (its CompValue nodes, walked)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 2000:  # queries are bounded in nesting before they get here
        return True
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_service_in(v, depth + 1) for v in node.values())
    if isinstance(node, (str, bytes)):
        return False
    if isinstance(node, dict):
        return any(_service_in(v, depth + 1) for v in node.values())
    if hasattr(node, "__iter__"):
        return any(_service_in(v, depth + 1) for v in node)
    return False


def uses_service(sparql: str, *, update: bool = False) -> bool:
    """Whether a query (or update) asks for SERVICE: rdflib's SPARQL parser decides.

    When rdflib cannot parse the text (a syntax oxigraph accepts and rdflib does not), the
    text's tokens decide instead: the bare keyword outside strings, IRIs and comments.
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseUpdate(sparql) if update else parseQuery(sparql)
    except Exception:  # pyparsing's and rdflib's errors, RecursionError on deep nesting
        return "SERVICE" in scan(sparql).keywords
    return _service_in(tree)


class _Handler(BaseHTTPRequestHandler):
    endpoint: SparqlEndpoint  # set on the subclass make_server builds
    log: Callable[[str], None] | None = None
    token: str | None = None  # required on updates when set
    cors: str | None = None  # the one origin that gets CORS headers
    server_version = "defgraph"
    timeout = CLIENT_TIMEOUT  # a client that stalls its request longer is cut off (socket timeout)

    # -- HTTP verbs: every one checks consent first and answers every error ------------
    def do_OPTIONS(self) -> None:
        self._guarded(lambda: self._send(HTTPStatus.NO_CONTENT, b"", None))

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _guarded(self, work: Callable[[], None]) -> None:
        """Check Host and Origin, then do the work; any failure is a status and one line."""
        try:
            self._check_consent()
            work()
        except ProtocolError as exc:
            self._fail(exc)
        except UnicodeDecodeError:
            self._fail(ProtocolError(HTTPStatus.BAD_REQUEST, "the request is not UTF-8"))
        except TimeoutError:
            self._fail(ProtocolError(HTTPStatus.REQUEST_TIMEOUT,
                                     f"the request took over {self.timeout:g} s to arrive"))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # the connection must still get an answer
            self._fail(ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR,
                                     f"internal error: {type(exc).__name__}: {exc}"))

    def _port(self) -> int:
        return int(self.server.server_address[1])  # type: ignore[index]

    def _own_hosts(self) -> set[str]:
        port = self._port()
        return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def _check_consent(self) -> None:
        """Only our own address as Host (no DNS rebinding); no page of another site."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self._own_hosts():
            raise ProtocolError(HTTPStatus.MISDIRECTED_REQUEST,
                                f"Host {host[:100]!r} is not this server's address "
                                f"(use http://127.0.0.1:{self._port()}/)")
        origin = self.headers.get("Origin")
        if origin is not None and not self._origin_allowed(origin.strip()):
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                f"requests from pages of {origin[:100]!r} are refused "
                                "(start the server with --cors ORIGIN to allow one origin)")

    def _origin_allowed(self, origin: str) -> bool:
        own = {f"http://{h}" for h in self._own_hosts()}
        return origin in own or (self.cors is not None and origin == self.cors)

    def _check_token(self) -> None:
        """Updates need the server's token as ``Authorization: Bearer TOKEN``."""
        if self.token is None:
            return
        given = self.headers.get("Authorization") or ""
        scheme, _, value = given.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ProtocolError(HTTPStatus.UNAUTHORIZED,
                                "updates need the server's token: Authorization: Bearer TOKEN "
                                f"(printed at start, or ${TOKEN_ENV})")
        if not hmac.compare_digest(value.strip().encode(), self.token.encode()):
            raise ProtocolError(HTTPStatus.FORBIDDEN, "wrong token")

    def _get(self) -> None:
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "update" in params:
            raise ProtocolError(HTTPStatus.METHOD_NOT_ALLOWED, "send updates with POST, not GET")
        if "query" not in params:
            self._send(HTTPStatus.OK, self._help().encode("utf-8"), "text/plain; charset=utf-8")
            return
        self._query(params["query"][0], params)

    def _post(self) -> None:
        body = self._body()
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        url_params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
            params = {**url_params, **form}
            if "update" in form:
                self._update(form["update"][0])
            elif "query" in form:
                self._query(form["query"][0], params)
            else:
                raise ProtocolError(HTTPStatus.BAD_REQUEST, "the form has no query= or update=")
        elif ctype == "application/sparql-query":
            self._query(body.decode("utf-8"), url_params)
        elif ctype == "application/sparql-update":
            self._update(body.decode("utf-8"))
        else:
            raise ProtocolError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"unsupported Content-Type {ctype or '(none)'!r}; send "
                "application/x-www-form-urlencoded, application/sparql-query or "
                "application/sparql-update")

    # -- work ------------------------------------------------------------------------
    def _query(self, sparql: str, params: dict[str, list[str]]) -> None:
        fmts = params.get("format") or params.get("output")
        fmt = fmts[0] if fmts else None
        data, ctype = self.endpoint.query(
            sparql, self.headers.get("Accept") or "*/*", fmt,
            params.get("default-graph-uri"), params.get("named-graph-uri"))
        self._send(HTTPStatus.OK, data, ctype)

    def _update(self, sparql: str) -> None:
        if self.endpoint.allow_update:
            self._check_token()
        self.endpoint.update(sparql)
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
        if length < 0:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"negative Content-Length {length}")
        if length > MAX_BODY:
            raise ProtocolError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                f"the request body is over {MAX_BODY} bytes")
        return self.rfile.read(length) if length else b""

    def _help(self) -> str:
        mode = "read-write (updates allowed)" if self.endpoint.allow_update else "read-only"
        url = endpoint_url(self.server)  # type: ignore[arg-type]
        return (f"defgraph SPARQL 1.1 endpoint over {self.endpoint.store.location}, {mode}.\n"
                f"Query: GET {url}?query=... or POST it; results as "
                "JSON, XML, CSV or TSV by the Accept header.\n")

    # -- responses -------------------------------------------------------------------
    def _fail(self, exc: ProtocolError) -> None:
        line = " ".join(str(exc).split())[:1000]  # one line, whatever the message held
        self.close_connection = True  # the request's body may be unread: never reuse the line
        extra = {"WWW-Authenticate": "Bearer"} if exc.status == HTTPStatus.UNAUTHORIZED else {}
        self._send(exc.status, (line + "\n").encode("utf-8"), "text/plain; charset=utf-8", extra)

    def _send(self, status: HTTPStatus, data: bytes, ctype: str | None,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if self.cors is not None:
            self.send_header("Access-Control-Allow-Origin", self.cors)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization")
            self.send_header("Vary", "Origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Vary", "Accept")
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        if self.log:
            self.log(f"{self.address_string()} {format % args}")


def is_loopback(host: str) -> bool:
    """Whether a listening address is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def update_token() -> str:
    """The token updates must carry: $DEFGRAPH_TOKEN, else a fresh random one."""
    return os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(32)


def make_server(store: OxigraphStore, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                allow_update: bool = False, token: str | None = None, cors: str | None = None,
                allow_service: bool = False, timeout: float = DEFAULT_TIMEOUT,
                max_result_bytes: int = MAX_RESULT_BYTES, threads: int = DEFAULT_THREADS,
                client_timeout: float = CLIENT_TIMEOUT,
                log: Callable[[str], None] | None = None) -> BoundedHTTPServer:
    """An HTTP server for the store, bound but not yet serving (port 0: any free port).

    ``host`` must be a loopback address. With ``allow_update`` every update must carry
    ``token`` (one is generated when none is given: read it from ``server.token``).
    ``cors`` is the one origin allowed to call from a browser page; never ``*`` with updates.
    Bounds: a query stops after ``timeout`` seconds, a result over ``max_result_bytes`` is
    refused, ``threads`` queries run at once (connections: four times as many), and a
    client has ``client_timeout`` seconds to send its request.
    """
    if not isinstance(store, OxigraphStore):
        raise TypeError("defgraph serve exposes an embedded store; give a store folder")
    if not is_loopback(host):
        raise ValueError(f"defgraph serve listens on loopback only (127.0.0.1), not {host!r}")
    if cors is not None:
        cors = cors.strip().rstrip("/")
        if cors == "*" and allow_update:
            raise ValueError("--cors '*' with --allow-update would let any web page write: "
                             "name the one origin that may call")
        if cors != "*" and not cors.startswith(("http://", "https://")):
            raise ValueError(f"--cors takes an origin such as https://yasgui.example, not {cors!r}")
    if allow_update and not token:
        token = update_token()
    endpoint = SparqlEndpoint(store, allow_update=allow_update, allow_service=allow_service,
                              timeout=timeout, max_result_bytes=max_result_bytes, threads=threads)
    handler = type("Handler", (_Handler,), {
        "endpoint": endpoint,
        "log": staticmethod(log) if log else None,
        "token": token if allow_update else None,
        "cors": cors,
        "timeout": client_timeout,
    })
    server = BoundedHTTPServer((host, port), handler, threads * 4, endpoint)
    server.token = token if allow_update else None
    return server


class BoundedHTTPServer(ThreadingHTTPServer):
    """An HTTP server with a fixed number of connection threads: more clients wait in line
    (in the listen backlog, then in the pool's queue) instead of being refused or reset."""

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 threads: int, endpoint: SparqlEndpoint) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="defgraph-http")
        self.endpoint = endpoint
        self.token: str | None = None
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._pool.submit(self.process_request_thread, request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.endpoint.close()


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (for tests and notebooks); stop with server.shutdown()."""
    thread = threading.Thread(target=server.serve_forever, name="defgraph-serve", daemon=True)
    thread.start()
    return thread


def endpoint_url(server: ThreadingHTTPServer) -> str:
    """The URL a client queries, e.g. http://127.0.0.1:7878/sparql."""
    address = server.server_address
    host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
    return f"http://{host}:{address[1]}/sparql"  # type: ignore[misc]


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ProtocolError",
    "SparqlEndpoint",
    "endpoint_url",
    "is_loopback",
    "make_server",
    "negotiate",
    "serve_in_thread",
    "update_token",
    "uses_service",
]
