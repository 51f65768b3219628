"""`defgraph serve` asks for consent: loopback only, its own Host only, no foreign pages,
a token on every update, no SERVICE unless allowed, and a status line for every error.

The hostile page is real: a second HTTP server on another port serves it, and headless
Chromium opens it while `serve --allow-update` runs over a real store.
"""

from __future__ import annotations

import http.client
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import IN_CI

from defgraph.cli import main
from defgraph.pipeline import KnowledgeGraph
from defgraph.serve import make_server, uses_service
from defgraph.store import OxigraphStore

TOKEN = "test-token-3f9a"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def kg(sample_dir: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(sample_dir / "a01-uk-poland-talks.txt", sample_dir / "a02-us-japan-tokyo-meeting.txt",
              workers=1)
    return kg


@pytest.fixture
def writable(kg: KnowledgeGraph, serve_store: Any) -> str:
    return str(serve_store(kg.store, allow_update=True, token=TOKEN))


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _raw(url: str, method: str, headers: dict[str, str], body: bytes = b"",
         path: str = "/sparql") -> tuple[int, str]:
    """One request with exactly these headers (http.client adds no Host when one is given)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders(body or None)
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    return resp.status, text


UPDATE = b"DROP ALL"


def test_update_without_token_is_401_and_wrong_token_403(kg: KnowledgeGraph, writable: str) -> None:
    before = kg.store.triple_count()
    ctype = {"Content-Type": "application/sparql-update"}
    status, text = _post(writable, UPDATE, ctype)
    assert status == 401 and "token" in text and text.count("\n") == 1
    status, _ = _post(writable, UPDATE, {**ctype, "Authorization": "Bearer wrong"})
    assert status == 403
    status, _ = _post(writable, urllib.parse.urlencode({"update": "DROP ALL"}).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401
    assert kg.store.triple_count() == before > 0
    g = "urn:defgraph:test:consent"
    status, _ = _post(writable, f"INSERT DATA {{ GRAPH <{g}> {{ <urn:s> <urn:p> 1 }} }}".encode(),
                      {**ctype, "Authorization": f"Bearer {TOKEN}"})
    assert status == 204 and kg.store.has_graph(g)
    status, _ = _post(writable, f"DROP GRAPH <{g}>".encode(),
                      {**ctype, "Authorization": f"Bearer {TOKEN}"})
    assert status == 204 and not kg.store.has_graph(g)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.2:{port}",
                                  "localhost.evil.example:{port}", ""])
def test_foreign_host_is_refused(kg: KnowledgeGraph, writable: str, host: str) -> None:
    """A DNS-rebound name (or none) reaches the socket but gets 421 and one line."""
    port = urllib.parse.urlsplit(writable).port
    headers = {"Host": host.format(port=port)} if host else {}
    before = kg.store.triple_count()
    status, text = _raw(writable, "POST", {**headers, "Content-Type": "application/sparql-update",
                                           "Authorization": f"Bearer {TOKEN}",
                                           "Content-Length": str(len(UPDATE))}, UPDATE)
    assert status == 421 and text.count("\n") == 1
    status, _ = _raw(writable, "GET", headers, path="/sparql?query=ASK%7B%7D")
    assert status == 421
    assert kg.store.triple_count() == before


def test_own_hosts_are_answered(writable: str) -> None:
    port = urllib.parse.urlsplit(writable).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        status, _ = _raw(writable, "GET", {"Host": host}, path="/sparql?query=ASK%7B%7D")
        assert status == 200, host


def test_foreign_origin_is_refused_even_with_the_token(kg: KnowledgeGraph, writable: str) -> None:
    before = kg.store.triple_count()
    status, _ = _post(writable, UPDATE, {"Content-Type": "application/sparql-update",
                                         "Authorization": f"Bearer {TOKEN}",
                                         "Origin": "https://evil.example"})
    assert status == 403
    assert kg.store.triple_count() == before


def test_no_cors_headers_unless_asked(writable: str) -> None:
    req = urllib.request.Request(writable + "?query=ASK%7B%7D")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert not [h for h in resp.headers if h.lower().startswith("access-control")]


def test_cors_star_with_updates_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="any web page"):
        make_server(kg.store, "127.0.0.1", 0, allow_update=True, cors="*")
    result = CliRunner().invoke(main, ["serve", "--allow-update", "--cors", "*", "--store", "x"])
    assert result.exit_code == 2


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "::", "example.org"])
def test_only_loopback(kg: KnowledgeGraph, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        make_server(kg.store, host, 0)
    result = CliRunner().invoke(main, ["serve", "--host", host, "--store", "x"])
    assert result.exit_code == 2 and "loopback" in result.output


# -- SERVICE ---------------------------------------------------------------------------


@pytest.fixture
def target() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server that records every request a SERVICE clause would send it."""
    hits: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", hits
    server.shutdown()
    server.server_close()


def test_service_is_refused_by_default(kg: KnowledgeGraph, serve_store: Any,
                                       target: tuple[str, list[str]]) -> None:
    url = serve_store(kg.store)
    address, hits = target
    for query in (f"SELECT * WHERE {{ SERVICE <{address}> {{ ?s ?p ?o }} }}",
                  f"select * {{ ?a ?b ?c OPTIONAL {{ service silent <{address}> {{ ?s ?p ?o }} }} }}",
                  "SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment\nLIMIT 1"):
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}))
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == (200 if "comment" in query else 403), query
    assert hits == []


def test_service_when_allowed_reaches_out_and_fails_with_a_status(
        kg: KnowledgeGraph, serve_store: Any, target: tuple[str, list[str]]) -> None:
    url = serve_store(kg.store, allow_service=True)
    address, hits = target
    query = f"SELECT * WHERE {{ SERVICE <{address}> {{ ?s ?p ?o }} }}"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": query}), timeout=10)
    assert info.value.code == 400 and info.value.read().decode().count("\n") == 1
    assert hits  # the flag is what stood between the query and the address


@pytest.mark.parametrize(("sparql", "update", "expected"), [
    ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", False, True),
    ("SELECT * { ?s <http://x/SERVICE> 'SERVICE' }", False, False),
    ("SELECT ?service { ?service ?p ?o }", False, False),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }", True, True),
    ("DROP ALL", True, False),
    ("SELECT * { ?s ?p ?o . FILTER(?o = <<?a ?b ?c>>) SERVICE <http://x/> {} }", False, True),
])
def test_uses_service(sparql: str, update: bool, expected: bool) -> None:
    assert uses_service(sparql, update=update) is expected


# -- every error is a status -------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "headers", "body", "status"), [
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", {}, b"", 400),
    ("GET", "/sparql?query=ASK%7B%7D&named-graph-uri=%3Cx", {}, b"", 400),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": "-5"},
     b"", 400),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": "x"},
     b"", 400),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": "2"},
     b"\xff\xfe", 400),
    ("POST", "/sparql", {"Content-Type": "image/png", "Content-Length": "1"}, b"x", 415),
    ("GET", "/sparql?update=DROP%20ALL", {}, b"", 405),
    ("GET", "/sparql?query=SELECT%20*%20%7B%20SERVICE%20%3Cfile%3A%2F%2F%2Fetc%3E%20%7B%7D%20%7D",
     {}, b"", 403),
])
def test_every_error_is_a_status_line(kg: KnowledgeGraph, serve_store: Any, method: str, path: str,
                                      headers: dict[str, str], body: bytes, status: int) -> None:
    url = serve_store(kg.store)
    host = {"Host": urllib.parse.urlsplit(url).netloc}
    got, text = _raw(url, method, {**host, **headers}, body, path)
    assert got == status and text.count("\n") == 1, text
    again, _ = _raw(url, "GET", host, path="/sparql?query=ASK%7B%7D")
    assert again == 200  # and the server goes on


# -- the CLI prints the token once ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_command_prints_a_token_and_requires_it(tmp_path: Path, sample_dir: Path) -> None:
    store = tmp_path / "store"
    kg = KnowledgeGraph(store)
    kg.ingest(sample_dir / "a01-uk-poland-talks.txt", workers=1)
    kg.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DEFGRAPH_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-m", "defgraph.cli", "serve", "--allow-update",
                             "--store", str(store), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        lines = [proc.stderr.readline(), proc.stderr.readline()]
        token = lines[1].strip().rsplit(" ", 1)[-1]
        assert "token" in lines[1] and len(token) >= 32
        url = f"http://127.0.0.1:{port}/sparql"
        ctype = {"Content-Type": "application/sparql-update"}
        assert _post(url, UPDATE, ctype)[0] == 401
        assert _post(url, b"CLEAR SILENT GRAPH <urn:none>", {**ctype, "Authorization": f"Bearer {token}"})[0] == 204
    finally:
        proc.send_signal(2)
        try:
            _, rest = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, rest = proc.communicate()
    assert token not in rest  # printed once, at start


# -- a hostile page in a real browser --------------------------------------------------------

HOSTILE_PAGE = """<!doctype html><html><body>
<form id="f" method="POST" action="{url}" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="update" value="DROP ALL"></form>
<form id="g" method="POST" action="{url}" enctype="text/plain" target="frame">
<input type="hidden" name="update" value="DROP ALL"></form>
<iframe name="frame"></iframe>
<script>
const tries = [
  fetch("{url}", {{method: "POST", mode: "no-cors", body: "DROP ALL",
                   headers: {{"Content-Type": "application/sparql-update"}}}}),
  fetch("{url}", {{method: "POST", mode: "no-cors", body: "update=DROP%20ALL",
                   headers: {{"Content-Type": "application/x-www-form-urlencoded"}}}}),
  fetch("{url}", {{method: "POST", body: "DROP ALL",
                   headers: {{"Content-Type": "application/sparql-update",
                              "Authorization": "Bearer guess"}}}}),
  fetch("{url}?query=" + encodeURIComponent("SELECT * {{ ?s ?p ?o }} LIMIT 1")),
];
Promise.allSettled(tries).then(r => {{
  window.__outcomes = r.map(x => x.status);
  document.getElementById("g").submit();
  setTimeout(() => document.getElementById("f").submit(), 300);
}});
</script></body></html>"""


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.mark.browser
def test_page_of_another_origin_cannot_change_the_store(tmp_path: Path, sample_dir: Path,
                                                        serve_store: Any, browser: Any) -> None:
    store = OxigraphStore(tmp_path / "store")
    KnowledgeGraph(store).ingest(sample_dir / "a01-uk-poland-talks.txt", workers=1)
    before = store.triple_count()
    url = serve_store(store, allow_update=True, token=TOKEN)
    seen: list[tuple[str, int]] = []

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = HOSTILE_PAGE.format(url=url).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        for origin in (f"http://127.0.0.1:{site.server_address[1]}/",
                       f"http://localhost:{site.server_address[1]}/"):
            page = browser.new_page()
            page.on("response", lambda r: seen.append((r.url, r.status)) if "/sparql" in r.url else None)
            page.goto(origin)
            page.wait_for_function("window.__outcomes !== undefined", timeout=15_000)
            deadline = time.monotonic() + 10
            while sum(1 for u, _ in seen if u.startswith(url)) < 2 and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            page.wait_for_timeout(500)
            page.close()
    finally:
        site.shutdown()
        site.server_close()
    assert store.triple_count() == before > 0
    assert store.has_graph(next(iter(store.named_graphs())))
    assert len(seen) >= 4 and all(status in (401, 403) for _, status in seen), seen
