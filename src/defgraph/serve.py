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
  started with ``allow_update``, else 403;
* ``Access-Control-Allow-Origin: *`` so a browser page (YASGUI) on another
  origin can query it.

The standard library's ThreadingHTTPServer does the serving; pyoxigraph's own
serialisers write the results.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph as ox

from .store import OxigraphStore
from .vocab import CONSOLIDATED_GRAPH, ONTOLOGY_GRAPH, PREFIXES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 64 * 1024 * 1024  # bytes of a POSTed query or update

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

    def __init__(self, store: OxigraphStore, *, allow_update: bool = False) -> None:
        self.store = store
        self.allow_update = allow_update
        # The serve command is the embedded store's own front end: it needs pyoxigraph's
        # raw results to serialise them in every format.
        self._ox: ox.Store = store.raw

    def query(self, sparql: str, accept: str, fmt: str | None = None,
              default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None) -> tuple[bytes, str]:
        """Run a query; returns the serialised result and its content type."""
        kwargs: dict[str, Any] = {"prefixes": PREFIXES}
        if default_graphs or named_graphs:
            if default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            if named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        else:  # what analysts ask about: the consolidated graph, with the ontology
            kwargs["default_graph"] = [ox.NamedNode(CONSOLIDATED_GRAPH), ox.NamedNode(ONTOLOGY_GRAPH)]
        try:
            result = self._ox.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"query failed: {exc}") from exc
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
        try:
            self._ox.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"update failed: {exc}") from exc


class _Handler(BaseHTTPRequestHandler):
    endpoint: SparqlEndpoint  # set on the subclass make_server builds
    log: Callable[[str], None] | None = None
    server_version = "defgraph"

    # -- HTTP verbs ------------------------------------------------------------------
    def do_OPTIONS(self) -> None:
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def do_GET(self) -> None:
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "update" in params:
            self._fail(ProtocolError(HTTPStatus.METHOD_NOT_ALLOWED,
                                     "send updates with POST, not GET"))
            return
        if "query" not in params:
            self._send(HTTPStatus.OK, self._help().encode("utf-8"), "text/plain; charset=utf-8")
            return
        self._query(params["query"][0], params)

    def do_POST(self) -> None:
        try:
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
        except ProtocolError as exc:
            self._fail(exc)
        except UnicodeDecodeError:
            self._fail(ProtocolError(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8"))

    # -- work ------------------------------------------------------------------------
    def _query(self, sparql: str, params: dict[str, list[str]]) -> None:
        fmts = params.get("format") or params.get("output")
        fmt = fmts[0] if fmts else None
        try:
            data, ctype = self.endpoint.query(
                sparql, self.headers.get("Accept") or "*/*", fmt,
                params.get("default-graph-uri"), params.get("named-graph-uri"))
        except ProtocolError as exc:
            self._fail(exc)
            return
        self._send(HTTPStatus.OK, data, ctype)

    def _update(self, sparql: str) -> None:
        self.endpoint.update(sparql)
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
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
        self._send(exc.status, (str(exc) + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, data: bytes, ctype: str | None) -> None:
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type, Authorization")
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


def make_server(store: OxigraphStore, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                allow_update: bool = False,
                log: Callable[[str], None] | None = None) -> ThreadingHTTPServer:
    """An HTTP server for the store, bound but not yet serving (port 0: any free port)."""
    if not isinstance(store, OxigraphStore):
        raise TypeError("defgraph serve exposes an embedded store; give a store folder")
    handler = type("Handler", (_Handler,), {
        "endpoint": SparqlEndpoint(store, allow_update=allow_update),
        "log": staticmethod(log) if log else None,
    })
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
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
    "make_server",
    "negotiate",
    "serve_in_thread",
]
