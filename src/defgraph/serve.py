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
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph as ox

from .store import OxigraphStore
from .vocab import PREFIXES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 64 * 1024 * 1024  # bytes of a POSTed query or update
TOKEN_ENV = "DEFGRAPH_TOKEN"  # the update token, when not generated at start

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


class SparqlEndpoint:
    """Runs protocol requests against an embedded store; HTTP-free, so it is easy to test."""

    def __init__(self, store: OxigraphStore, *, allow_update: bool = False,
                 allow_service: bool = False) -> None:
        self.store = store
        self.allow_update = allow_update
        self.allow_service = allow_service
        # The serve command is the embedded store's own front end: it needs pyoxigraph's
        # raw results to serialise them in every format.
        self._ox: ox.Store = store._store

    def query(self, sparql: str, accept: str, fmt: str | None = None,
              default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> tuple[bytes, str]:
        """Run a query; returns the serialised result and its content type."""
        self._check_service(sparql, update=False)
        kwargs: dict[str, Any] = {"prefixes": PREFIXES}
        if default_graphs or named_graphs:
            if default_graphs:
                kwargs["default_graph"] = [_graph_iri(g) for g in default_graphs]
            if named_graphs:
                kwargs["named_graphs"] = [_graph_iri(g) for g in named_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        failure: ProtocolError | None = None
        result: Any = None
        try:
            result = self._ox.query(sparql, **kwargs)
            return self._serialise(result, accept, fmt)
        except SyntaxError as exc:
            failure = ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
        except (OSError, RuntimeError, ValueError) as exc:
            failure = ProtocolError(HTTPStatus.BAD_REQUEST, f"query failed: {exc}")
        finally:
            # pyoxigraph's lazy results belong to this thread: drop them here, never in a
            # traceback that another thread frees later.
            del result
        raise failure

    @staticmethod
    def _serialise(result: Any, accept: str, fmt: str | None) -> tuple[bytes, str]:
        """Results in the negotiated format (evaluation happens here: results are lazy)."""
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            rf = negotiate(accept, fmt, _RESULTS, ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QueryBoolean) and rf in (ox.QueryResultsFormat.CSV,
                                                              ox.QueryResultsFormat.TSV):
                rf = ox.QueryResultsFormat.JSON  # CSV and TSV have no form for a boolean
            data = result.serialize(format=rf)
            assert data is not None
            return data, _CONTENT_TYPE[rf]
        gf = negotiate(accept, fmt, _GRAPHS, ox.RdfFormat.TURTLE)
        data = ox.serialize(result, format=gf,
                            prefixes=PREFIXES if gf is ox.RdfFormat.TURTLE else None)
        assert data is not None
        return data, _GRAPH_CONTENT_TYPE[gf]

    def update(self, sparql: str) -> None:
        if not self.allow_update:
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                "updates are refused: this endpoint is read-only "
                                "(start it with `defgraph serve --allow-update`)")
        self._check_service(sparql, update=True)
        try:
            self._ox.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"update failed: {exc}") from exc


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


def _service_token(sparql: str) -> bool:
    """True when the keyword SERVICE occurs as a token: outside strings, IRIs and comments."""
    i, n = 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch == "#":
            j = sparql.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch == "<" and i + 1 < n and not sparql[i + 1].isspace() and sparql[i + 1] not in "=<":
            j = sparql.find(">", i + 1)
            i = n if j < 0 else j + 1
        elif ch in "\"'":
            quote = sparql[i:i + 3] if sparql[i:i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
        elif ch.isalpha() or ch in "_?$":
            j = i
            while j < n and (sparql[j].isalnum() or sparql[j] in "_-:.?$"):
                j += 1
            if sparql[i:j].rstrip(".").upper() == "SERVICE":
                return True
            i = j
        else:
            i += 1
    return False


def uses_service(sparql: str, *, update: bool = False) -> bool:
    """Whether a query (or update) asks for SERVICE: rdflib's SPARQL parser decides.

    When rdflib cannot parse the text (a syntax oxigraph accepts and rdflib does not), the
    text's tokens decide instead: the bare keyword outside strings, IRIs and comments.
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseUpdate(sparql) if update else parseQuery(sparql)
    except Exception:  # rdflib's parser raises pyparsing's and its own errors
        return _service_token(sparql)
    return _service_in(tree)


class _Handler(BaseHTTPRequestHandler):
    endpoint: SparqlEndpoint  # set on the subclass make_server builds
    log: Callable[[str], None] | None = None
    token: str | None = None  # required on updates when set
    cors: str | None = None  # the one origin that gets CORS headers
    server_version = "defgraph"

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
                allow_service: bool = False,
                log: Callable[[str], None] | None = None) -> ThreadingHTTPServer:
    """An HTTP server for the store, bound but not yet serving (port 0: any free port).

    ``host`` must be a loopback address. With ``allow_update`` every update must carry
    ``token`` (one is generated when none is given: read it from ``server.token``).
    ``cors`` is the one origin allowed to call from a browser page; never ``*`` with updates.
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
    handler = type("Handler", (_Handler,), {
        "endpoint": SparqlEndpoint(store, allow_update=allow_update, allow_service=allow_service),
        "log": staticmethod(log) if log else None,
        "token": token if allow_update else None,
        "cors": cors,
    })
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.token = token if allow_update else None  # type: ignore[attr-defined]
    return server


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
