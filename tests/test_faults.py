"""Faults: a SPARQL server that goes down, times out or refuses mid-ingest; SIGKILL during an embedded ingest.

Real sockets and real servers throughout: the SPARQL server is `defgraph serve`
over an in-memory store, reached through a loopback proxy that forwards a set
number of requests and then drops the connection and closes its port.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from defgraph.bulk import BATCH_QUADS
from defgraph.cli import main
from defgraph.ingest import Failure, iter_statements
from defgraph.mapping import graph_iri
from defgraph.pipeline import KnowledgeGraph, process
from defgraph.stores import OxigraphStore, StoreUnavailable
from defgraph.stores.remote import RemoteStore
from defgraph.vocab import CONSOLIDATED_GRAPH, ONTOLOGY_GRAPH

REPO = Path(__file__).resolve().parents[1]


class DyingProxy:
    """Forwards HTTP requests to a backend; after ``limit`` requests it drops the next
    connection unanswered and closes its listening port (later connects are refused)."""

    def __init__(self, backend: str, limit: int) -> None:
        self.backend = backend
        self.limit = limit
        self.count = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with proxy.lock:
                    proxy.count += 1
                    dead = proxy.count > proxy.limit
                if dead:
                    proxy.die()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = http.client.HTTPConnection(*backend_address(proxy.backend), timeout=30)
                target.request("POST", "/sparql", body, {
                    k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept", "authorization")})
                resp = target.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() in ("content-type", "x-sparql-maxrows"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                target.close()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self._dead = False

    def die(self) -> None:
        if not self._dead:
            self._dead = True
            self.server.socket.close()  # the port is closed at once: new connects are refused
            threading.Thread(target=self.server.shutdown, daemon=True).start()


def backend_address(url: str) -> tuple[str, int]:
    host, port = url.split("//")[1].split("/")[0].split(":")
    return host, int(port)


@pytest.fixture(autouse=True)
def serve_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve --allow-update` and our RemoteStore agree on the update token through the environment."""
    monkeypatch.setenv("DEFGRAPH_TOKEN", "faults-token")


@pytest.fixture
def proxy() -> Iterator[type[DyingProxy]]:
    made: list[DyingProxy] = []

    def make(backend: str, limit: int) -> DyingProxy:
        p = DyingProxy(backend, limit)
        made.append(p)
        return p

    yield make  # type: ignore[misc]
    for p in made:
        p.die()


def _expected_graphs(folder: Path) -> dict[str, list[set[ox.Quad]]]:
    """Each statement graph the folder gives: graph IRI -> the quad sets that may fill it whole.

    A statement's graph is what ``pipeline.process`` makes of it alone: it depends on
    that statement only (merging happens in the consolidated graph).
    """
    out: dict[str, list[set[ox.Quad]]] = defaultdict(list)
    for item in iter_statements([folder]):
        if not isinstance(item, Failure):
            g = graph_iri(item)
            out[g.value].append({q for q in process(item)[1] if q.graph_name == g})
    return out


def _reference(folder: Path) -> KnowledgeGraph:
    """The folder ingested in one process into an in-memory store, in the usual order."""
    kg = KnowledgeGraph(":memory:")
    assert kg.ingest(folder, workers=1).ok
    return kg


def _statement_labels(folder: Path) -> dict[str, tuple[str, str]]:
    return {graph_iri(s).value: (s.source_file or "", s.title or "")
            for s in iter_statements([folder]) if not isinstance(s, Failure)}


def _graphs(store: OxigraphStore) -> dict[str, set[ox.Quad]]:
    """The statement graphs (not the ontology, nor the consolidated graph made from them)."""
    return {g.value: store.graph_quads(g) for g in store.named_graphs()
            if g.value not in (ONTOLOGY_GRAPH, CONSOLIDATED_GRAPH)}


# -- a server that goes down mid-ingest ---------------------------------------------------


def test_server_down_mid_ingest_then_rerun_completes(sample_dir: Path, serve_store, proxy) -> None:  # type: ignore[no-untyped-def]
    backend = OxigraphStore(None)
    backend_url = serve_store(backend, allow_update=True)
    dying = proxy(backend_url, limit=30)
    report = KnowledgeGraph(RemoteStore(dying.url, timeout=10)).ingest(sample_dir)

    assert report.aborted and "stopped answering" not in report.aborted  # the cause, not a summary
    labels = _statement_labels(sample_dir)
    not_stored = [f for f in report.failures if "not stored" in f.reason]
    assert 0 < report.stored < report.statements
    assert report.stored + len(not_stored) == report.statements == len(labels)
    # Each statement not stored is named by its file and its title.
    reported = {(f.path, f.reason) for f in not_stored}
    stored_graphs = _graphs(backend)
    expected = _expected_graphs(sample_dir)
    for graph, (path, title) in labels.items():
        listed = any(p == path and repr(title) in reason for p, reason in reported)
        if graph in stored_graphs and stored_graphs[graph] in expected[graph]:
            assert not listed, f"{path} is stored whole but listed as not stored"
        else:
            assert listed, f"{path} ({title}) is not stored but not listed"

    # The re-run stores the rest and leaves what is there: nothing duplicated.
    again = KnowledgeGraph(RemoteStore(backend_url)).ingest(sample_dir)
    assert again.ok and again.aborted is None
    assert again.unchanged >= report.stored
    assert again.stored + again.unchanged == again.statements
    final = _graphs(backend)
    assert set(final) == set(expected)
    for graph, quads in final.items():
        assert quads in expected[graph], graph
    # The same store as one uninterrupted ingest, quad for quad.
    reference = _reference(sample_dir)
    assert backend.triple_count() == reference.store.triple_count()
    assert set(backend.quads()) == set(reference.store.quads())


def test_cli_exits_2_and_lists_statements_not_stored(sample_dir: Path, serve_store, proxy) -> None:  # type: ignore[no-untyped-def]
    backend = OxigraphStore(None)
    dying = proxy(serve_store(backend, allow_update=True), limit=12)
    result = CliRunner().invoke(main, ["ingest", str(sample_dir), "--store", dying.url])
    assert result.exit_code == 2, result.output
    assert "stopped answering" in result.output
    assert "Run the same command again" in result.output
    assert result.output.count("not stored") >= 10
    assert "a23-australia-nz-ministers-digest.txt" in result.output  # a late file, by name


def test_connection_refused_at_open() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    with pytest.raises(StoreUnavailable) as info:
        RemoteStore(url)
    message = str(info.value)
    assert url in message and "connection refused" in message and "\n" not in message
    result = CliRunner().invoke(main, ["query", "events_timeline", "--store", url])
    assert result.exit_code == 2
    assert "connection refused" in result.output


def test_timeout() -> None:
    """A server that accepts the connection and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel accepts connections; nobody ever reads them
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        with pytest.raises(StoreUnavailable, match=r"did not answer within 0.5 s.*DEFGRAPH_TIMEOUT"):
            RemoteStore(url, timeout=0.5)
        result = CliRunner().invoke(main, ["ingest", "data/statements", "--store", url],
                                    env={"DEFGRAPH_TIMEOUT": "0.5"})
        assert result.exit_code == 2
        assert "did not answer" in result.output


def test_read_only_server_refuses(sample_dir: Path, serve_store) -> None:  # type: ignore[no-untyped-def]
    url = serve_store(OxigraphStore(None))  # no --allow-update: updates get 403
    result = CliRunner().invoke(main, ["ingest", str(sample_dir), "--store", url])
    assert result.exit_code == 2
    assert "HTTP 403" in result.output


def test_update_url_is_used(sample_dir: Path, serve_store) -> None:  # type: ignore[no-untyped-def]
    """Queries to --store, updates to --update-url (two servers over one store)."""
    backend = OxigraphStore(None)
    read_url = serve_store(backend)
    write_url = serve_store(backend, allow_update=True)
    result = CliRunner().invoke(main, ["ingest", str(sample_dir / "a01-uk-poland-talks.txt"),
                                       "--store", read_url, "--update-url", write_url])
    assert result.exit_code == 0, result.output
    assert len(_graphs(backend)) == 1


# -- SIGKILL during an embedded ingest ---------------------------------------------------------

_INGEST = """
import sys
from defgraph.pipeline import KnowledgeGraph
workers = None if sys.argv[3] == "default" else int(sys.argv[3])
kg = KnowledgeGraph(sys.argv[1])
print("open", flush=True)
kg.ingest(sys.argv[2], on_item=lambda source: print("item", source, flush=True), workers=workers)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1000 synthetic statements (bench/generate.py): enough for the bulk path to write batches."""
    generator = REPO / "bench" / "generate.py"
    if not generator.is_file():
        pytest.skip("bench/generate.py (the synthetic corpus generator) is not in this checkout")
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(generator), "--count", "1000", "--out", str(out), "--seed", "7"],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    return out


@pytest.fixture(scope="module")
def corpus_graphs(corpus: Path) -> dict[str, list[set[ox.Quad]]]:
    return _expected_graphs(corpus)


@pytest.mark.parametrize(("workers", "after", "rerun"), [
    ("1", 40, False),  # extraction in this process, batches written whole
    ("1", 900, True),
    ("default", 700, True),  # worker processes, batches through Oxigraph's (bulk) loader
])
def test_sigkill_mid_ingest_leaves_whole_statements(
        tmp_path: Path, corpus: Path, corpus_graphs: dict[str, list[set[ox.Quad]]],
        workers: str, after: int, rerun: bool) -> None:
    store_dir = tmp_path / "store"
    proc = subprocess.Popen(
        [sys.executable, "-c", _INGEST, str(store_dir), str(corpus), workers],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    items = 0
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            items += line.startswith("item")
            if items >= after or line.startswith("done"):
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the ingest and its worker processes, at once
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert items >= after, proc.stderr.read() if proc.stderr else ""

    store = OxigraphStore(store_dir)  # opens: RocksDB recovers from its log
    graphs = _graphs(store)
    for graph, quads in graphs.items():
        assert graph in corpus_graphs, f"unknown graph {graph}"
        assert quads in corpus_graphs[graph], f"{graph} is not whole ({len(quads)} quads)"
    assert len(graphs) < len(corpus_graphs), "the kill came after the ingest had finished"
    if after * 80 > BATCH_QUADS:  # ~90 quads a statement: a first batch was written
        assert graphs
    store.close()
    if not rerun:
        return

    # The same ingest again completes the store, every statement whole.
    report = KnowledgeGraph(store_dir).ingest(corpus, workers=1)
    assert report.ok
    store = OxigraphStore(store_dir)
    final = _graphs(store)
    assert set(final) == set(corpus_graphs)
    for g, quads in final.items():
        assert quads in corpus_graphs[g], g
    # and the consolidated graph is the one a whole ingest gives
    consolidated = store.graph_quads(CONSOLIDATED_GRAPH)
    store.close()
    reference = KnowledgeGraph(tmp_path / "reference")
    reference.ingest(corpus, workers=1)
    assert consolidated == reference.store.graph_quads(CONSOLIDATED_GRAPH)
    reference.close()

