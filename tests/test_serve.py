"""`defgraph serve`: the embedded store as a SPARQL 1.1 Protocol endpoint, queried with SPARQLWrapper."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from query_util import required_params

from defgraph.pipeline import KnowledgeGraph
from defgraph.query import list_queries, run_query
from defgraph.serve import negotiate
from defgraph.stores import OxigraphStore, Rows, StoreUnavailable
from defgraph.stores.remote import RemoteStore

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

COUNTRIES = """SELECT ?country ?label WHERE { ?country a dg:Country ; rdfs:label ?label }
ORDER BY ?label ?country"""


@pytest.fixture(scope="module")
def kg(sample_dir: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(sample_dir, workers=1)
    return kg


@pytest.fixture
def url(kg: KnowledgeGraph, serve_store) -> str:  # type: ignore[no-untyped-def]
    return serve_store(kg.store)


def _expected(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    rows = kg.store.query(COUNTRIES)
    assert isinstance(rows, Rows) and rows.rows
    return [(r[0].value, r[1].value) for r in rows.rows]  # type: ignore[union-attr]


def _wrapper(url: str, fmt: str, query: str = COUNTRIES) -> object:
    sw = SPARQLWrapper.SPARQLWrapper(url)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw.query()


def test_json(kg: KnowledgeGraph, url: str) -> None:
    result = _wrapper(url, SPARQLWrapper.JSON)
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    doc = result.convert()
    got = [(b["country"]["value"], b["label"]["value"]) for b in doc["results"]["bindings"]]
    assert got == _expected(kg)


def test_csv(kg: KnowledgeGraph, url: str) -> None:
    result = _wrapper(url, SPARQLWrapper.CSV)
    assert result.response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8"))))
    assert rows[0] == ["country", "label"]
    assert [tuple(r) for r in rows[1:]] == _expected(kg)


def test_xml(kg: KnowledgeGraph, url: str) -> None:
    result = _wrapper(url, SPARQLWrapper.XML)
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    doc = result.convert()
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    assert uris == [c for c, _ in _expected(kg)]


def test_tsv(kg: KnowledgeGraph, url: str) -> None:
    result = _wrapper(url, SPARQLWrapper.TSV)
    lines = result.convert().decode("utf-8").splitlines()
    assert lines[0] == "?country\t?label"
    assert lines[1] == "<{}>\t\"{}\"".format(*_expected(kg)[0])


def test_ask_and_construct(url: str) -> None:
    ask = _wrapper(url, SPARQLWrapper.JSON, "ASK { ?s a dg:Statement }").convert()
    assert ask["boolean"] is True
    sw = SPARQLWrapper.SPARQLWrapper(url)
    sw.setQuery("CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a dg:Country ; rdfs:label ?l }")
    sw.setReturnFormat(SPARQLWrapper.TURTLE)
    data = sw.query().convert()
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    assert triples and all(t.predicate.value.endswith("#label") for t in triples)


def test_get_and_post_forms(kg: KnowledgeGraph, url: str) -> None:
    """GET ?query=, POST form, and POST application/sparql-query give the same rows."""
    expected = len(_expected(kg))
    accept = {"Accept": "application/sparql-results+json"}
    requests = [
        urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": COUNTRIES}), headers=accept),
        urllib.request.Request(url, data=urllib.parse.urlencode({"query": COUNTRIES}).encode(),
                               headers=accept),
        urllib.request.Request(url, data=COUNTRIES.encode(),
                               headers={**accept, "Content-Type": "application/sparql-query"}),
    ]
    for req in requests:
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.headers["Access-Control-Allow-Origin"] is None  # no CORS unless --cors
            assert len(json.load(resp)["results"]["bindings"]) == expected


def test_cors_preflight(kg: KnowledgeGraph, serve_store) -> None:  # type: ignore[no-untyped-def]
    """--cors ORIGIN: that origin (only) gets CORS headers; another origin is refused."""
    url = serve_store(kg.store, cors="https://yasgui.example")
    req = urllib.request.Request(url, method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 204
        assert resp.headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    other = urllib.request.Request(url, method="OPTIONS", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(other, timeout=10)
    assert info.value.code == 403


def test_syntax_error_is_400(url: str) -> None:
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": "SELEKT nothing"}))
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 400
    assert "syntax" in info.value.read().decode().lower()


def test_update_refused_when_read_only(kg: KnowledgeGraph, url: str) -> None:
    before = kg.store.triple_count()
    sw = SPARQLWrapper.SPARQLWrapper(url)
    sw.setMethod(SPARQLWrapper.POST)
    sw.setQuery("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
    with pytest.raises(Exception) as info:
        sw.query()
    assert "403" in str(info.value) or "Forbidden" in type(info.value).__name__
    req = urllib.request.Request(url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as http_info:
        urllib.request.urlopen(req, timeout=10)
    assert http_info.value.code == 403
    # A query form cannot smuggle an update in either: it is parsed as a query.
    req = urllib.request.Request(url, data=urllib.parse.urlencode({"query": "DROP ALL"}).encode())
    with pytest.raises(urllib.error.HTTPError) as http_info:
        urllib.request.urlopen(req, timeout=10)
    assert http_info.value.code == 400
    assert kg.store.triple_count() == before


def test_update_allowed(serve_store) -> None:  # type: ignore[no-untyped-def]
    store = OxigraphStore(None)
    url = serve_store(store, allow_update=True, token="s3cret-token")
    sw = SPARQLWrapper.SPARQLWrapper(url)
    sw.setMethod(SPARQLWrapper.POST)
    sw.addCustomHttpHeader("Authorization", "Bearer s3cret-token")
    sw.setQuery("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> rdfs:label \"served\" } }")
    sw.query()
    assert store.has_graph("urn:x:g")
    got = store.query("SELECT ?l WHERE { GRAPH <urn:x:g> { <urn:x:s> rdfs:label ?l } }")
    assert isinstance(got, Rows) and got.rows[0][0] == ox.Literal("served")


def test_remote_store_over_serve_matches_embedded(kg: KnowledgeGraph, url: str) -> None:
    """Our own client against our own server: every canned query, same rows in the same order."""
    remote = RemoteStore(url, read_only=True)
    for q in list_queries():
        params = required_params(q, kg.store)
        a = run_query(kg.store, q, params)
        b = run_query(remote, q, params)
        assert isinstance(a, Rows) and isinstance(b, Rows)
        assert [list(map(str, r)) for r in a.rows] == [list(map(str, r)) for r in b.rows], q.name


def test_remote_store_in_parts_over_serve_matches_embedded(kg: KnowledgeGraph, url: str) -> None:
    """A server that sends few rows per answer (page_size 40 here): results longer than that come
    in parts by a hash of their rows, standard SPARQL only, and end in the same rows in the
    same order as the embedded store's."""
    remote = RemoteStore(url, read_only=True, page_size=40)
    parted = 0
    for q in list_queries():
        params = required_params(q, kg.store)
        a = run_query(kg.store, q, params)
        before = remote.requests
        b = run_query(remote, q, params)
        assert isinstance(a, Rows) and isinstance(b, Rows)
        assert [list(map(str, r)) for r in a.rows] == [list(map(str, r)) for r in b.rows], q.name
        if len(a.rows) >= 40:
            parted += 1
            assert remote.requests - before >= 2 + len(a.rows) // 40, q.name
    assert parted >= 3


def test_remote_store_refused_update_is_unavailable(serve_store) -> None:  # type: ignore[no-untyped-def]
    """Opening a writable RemoteStore writes the ontology; a read-only server says 403."""
    url = serve_store(OxigraphStore(None))
    with pytest.raises(StoreUnavailable, match="403"):
        RemoteStore(url)


@pytest.mark.parametrize(("accept", "fmt", "expected"), [
    ("text/csv", None, "csv"),
    ("text/csv;q=0.5, application/sparql-results+xml", None, "xml"),
    ("*/*", None, "json"),
    ("", None, "json"),
    ("application/sparql-results+json", "csv", "csv"),
    ("image/png", None, "json"),
])
def test_negotiate(accept: str, fmt: str | None, expected: str) -> None:
    table = {"text/csv": "csv", "application/sparql-results+xml": "xml",
             "application/sparql-results+json": "json"}
    assert negotiate(accept, fmt, table, "json") == expected


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_command(tmp_path: Path, sample_dir: Path) -> None:
    """The CLI command itself, as a process: starts, answers, stops on SIGINT."""
    store = tmp_path / "store"
    kg = KnowledgeGraph(store)
    kg.ingest(sample_dir / "a01-uk-poland-talks.txt", workers=1)
    kg.close()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "defgraph.cli", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        deadline = time.monotonic() + 30
        while True:
            try:
                result = _wrapper(url, SPARQLWrapper.JSON, "SELECT (COUNT(*) AS ?n) { ?s a dg:Statement }")
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert result.convert()["results"]["bindings"][0]["n"]["value"] == "1"
    finally:
        proc.send_signal(2)
        try:
            _, stderr = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    assert "read-only" in stderr and str(port) in stderr
