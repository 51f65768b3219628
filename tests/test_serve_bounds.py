"""Bounded work in `query` and `serve`: size and depth checked before parsing, a timeout that
stops the work, a cap on results, slow clients cut off, and a queue instead of resets."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from defgraph.cli import main
from defgraph.pipeline import KnowledgeGraph
from defgraph.query import QueryError, run_query
from defgraph.sparqltext import MAX_DEPTH, check_bounds, scan

DEEP = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTED_CARTESIAN = CARTESIAN + " ORDER BY ?a ?c ?f ?i"


@pytest.fixture(scope="module")
def kg(sample_dir: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(sample_dir, workers=1)
    return kg


def _get(url: str, query: str, timeout: float = 60) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": query}),
                                    timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_lexer_counts_depth_outside_strings_and_iris() -> None:
    assert scan("SELECT * { ?s ?p '{{{{' . ?s <urn:x{> ?o # {{{{\n }").depth == 1
    assert scan('SELECT * { { ?s ?p """ } } } """ } }').depth == 2
    assert scan("SELECT * { FILTER(?a < ?b && (?c > 1)) }").depth == 3
    check_bounds("{" * MAX_DEPTH + "}" * MAX_DEPTH)


def test_query_refuses_5000_nested_groups_before_parsing(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="nests 5000 levels"):
        run_query(kg.store, DEEP)
    rq = tmp_path / "deep.rq"
    rq.write_text(DEEP, encoding="utf-8")
    store = tmp_path / "store"
    CliRunner().invoke(main, ["ingest", "data/statements/a01-uk-poland-talks.txt", "--store",
                              str(store)])
    result = CliRunner().invoke(main, ["query", str(rq), "--store", str(store)])
    assert result.exit_code == 2 and "nests 5000 levels" in result.output
    big = tmp_path / "big.rq"
    big.write_text("SELECT * { ?s ?p ?o } #" + "x" * 300_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(big), "--store", str(store)])
    assert result.exit_code == 2 and "characters, over the limit" in result.output


def test_serve_refuses_5000_nested_groups_and_keeps_answering(kg: KnowledgeGraph,
                                                              serve_store: Any) -> None:
    url = serve_store(kg.store)
    status, text = _get(url, DEEP)
    assert status == 400 and "nests 5000 levels" in text
    req = urllib.request.Request(url, data=DEEP.encode(),
                                 headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=30)
    assert info.value.code == 400
    assert _get(url, "ASK { ?s ?p ?o }")[0] == 200


def test_in_process_timeout_stops_a_streaming_cartesian_query(kg: KnowledgeGraph,
                                                              serve_store: Any) -> None:
    url = serve_store(kg.store, timeout=2, max_result_bytes=2**40)
    status, text = _get(url, CARTESIAN)
    assert status == 503 and "limit" in text
    assert _get(url, "ASK { ?s ?p ?o }")[0] == 200


def test_result_cap_says_so(kg: KnowledgeGraph, serve_store: Any) -> None:
    url = serve_store(kg.store, max_result_bytes=10_000)
    status, text = _get(url, "SELECT * { ?s ?p ?o }")
    assert status == 422 and "add LIMIT" in text and text.count("\n") == 1
    assert _get(url, "SELECT * { ?s ?p ?o } LIMIT 3")[0] == 200


def test_200_concurrent_clients_all_get_answers(kg: KnowledgeGraph, serve_store: Any) -> None:
    url = serve_store(kg.store, threads=4)
    results: list[int] = []
    barrier = threading.Barrier(200)

    def client() -> None:
        barrier.wait()
        try:
            results.append(_get(url, "SELECT ?s { ?s a dg:Statement } LIMIT 5", timeout=120)[0])
        except OSError as exc:  # a reset or refused connection counts as a failure
            results.append(-1)
            raise exc

    threads = [threading.Thread(target=client) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(200) == 200, sorted(set(results))


def test_a_stalled_upload_is_cut_off_and_others_are_served(kg: KnowledgeGraph,
                                                           serve_store: Any) -> None:
    url = serve_store(kg.store, threads=1, client_timeout=1)
    port = urllib.parse.urlsplit(url).port
    stalled = []
    for _ in range(6):  # more than the connection threads (4 per query thread)
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  "Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nSEL"
                  .encode())
        stalled.append(s)
    try:
        assert _get(url, "ASK { ?s ?p ?o }", timeout=60)[0] == 200  # waited its turn
        answers = []
        for s in stalled:
            s.settimeout(30)
            answers.append(s.recv(200).decode(errors="replace"))
        assert all(a.startswith("HTTP/1.0 408") for a in answers), answers
    finally:
        for s in stalled:
            s.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(x) for x in text.split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_serve_stops_cartesian_queries_at_the_timeout_within_1_gb(tmp_path: Path,
                                                                  sample_dir: Path) -> None:
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", str(sample_dir), "--store", str(store)])
    assert result.exit_code == 0, result.output
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "defgraph.cli", "serve", "--store", str(store),
                             "--port", str(port), "--timeout", "3", "--threads", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        assert proc.stderr is not None and "SPARQL endpoint" in proc.stderr.readline()
        deadline = time.monotonic() + 60
        while _get(url, "ASK {}")[0] != 200:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
        workers = _children(proc.pid)
        for query in (COUNT_CARTESIAN, SORTED_CARTESIAN, CARTESIAN):
            status, text = _get(url, query)
            assert status in (422, 500, 503) and text.count("\n") == 1, (status, text)
            # the work stopped: the worker that ran it is gone, the others still serve
            assert _get(url, "SELECT (COUNT(*) AS ?n) { ?s a dg:Statement }")[0] == 200
            for pid in _children(proc.pid):
                assert _memory_kb(pid, "VmRSS") < 1024 * 1024
        assert _children(proc.pid) != workers  # killed and replaced
        assert _memory_kb(proc.pid, "VmHWM") < 1024 * 1024
        doc = json.loads(_get(url, "SELECT (COUNT(*) AS ?n) { ?s a dg:Statement }")[1])
        assert int(doc["results"]["bindings"][0]["n"]["value"]) > 20
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    assert not any(Path(f"/proc/{pid}").exists() and
                   "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
                   for pid in workers)
