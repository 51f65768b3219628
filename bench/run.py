"""The defgraph benchmark of issue #8 item 5: ingest, maintenance, queries, views, baselines.

    python bench/run.py                                   # 10k and 100k statements
    python bench/run.py --sizes 500 --work /tmp/bench-check \\
        --out /tmp/bench-check/results.json --markdown /tmp/bench-check/BENCHMARKS.md
    python bench/run.py --render                          # redraw BENCHMARKS.md from results.json

For each size: a synthetic corpus (bench/generate.py, cached in --work by size and seed);
ingest with every core into a fresh store (statements/s, triples/s, peak memory of the
main process, of the largest worker and of the whole process tree, store size);
`rebuild` of the consolidated graph; every canned query, each in a fresh process with a
time limit (cold first run, then the median of warm runs within a budget); each view
rendered; the same queries on rdflib (the N-Triples export parsed into a Graph) and on
a Virtuoso started here from Debian's default virtuoso.ini (the N-Quads export
bulk-loaded, queried through defgraph's RemoteStore); last, 100 new statements ingested
into the full store. Results go to --out (JSON) and --markdown (the page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CONDITIONS = HERE / "conditions.md"
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results.json"
MARKDOWN = REPO / "BENCHMARKS.md"
REPORT_SIZES = (10_000, 100_000)  # the sizes of issue #8; the page always has their columns
VIEWS = ("events", "countries", "pledges", "ego", "timeline")
INCREMENT = 100  # new statements ingested into the full store
DEBIAN_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
GB = 1024.0  # MB

# Issue #8 item 5: (key, what, threshold text, limit in seconds or units)
TARGETS = {
    "whole": ("every canned query without parameters, median", "< 2 s", 2.0),
    "country": ("every query with a country parameter, median", "< 300 ms", 0.300),
    "lookup": ("lookups (an event, a country, events at a place, a person's states), median", "< 50 ms", 0.050),
    "met": ("`countries_who_met_whom`, median", "< 1 s", 1.0),
    "ingest": ("ingest with every core", ">= 300 statements/s", 300.0),
    "memory": ("peak memory (ingest process tree, each query and render process)", "< 4 GB", 4 * GB),
    "render": ("`render` of each view (Python side)", "< 10 s", 10.0),
}

# Which lookups to time, and what they bind (found once per store, not timed).
PICK_COUNTRY = """SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e dg:participant|dg:convenedBy|dg:attendedVirtually ?x . ?x a dg:Country }
GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"""
PICK_EVENT = """SELECT ?x (COUNT(DISTINCT ?r) AS ?n) WHERE { ?x dg:report ?r }
GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"""
# The place with the most events (the lookup of events at a place).
PICK_PLACE = """SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e dg:location ?x }
GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"""
# The person the most statements name (the lookup of where a person's state comes from).
PICK_PERSON = """SELECT ?x ?n WHERE { ?x a dg:Person ; dg:statementCount ?n }
ORDER BY DESC(?n) ?x LIMIT 1"""
# A country's row: what the consolidated graph says of one state (the lookup of an entity by IRI).
COUNTRY_ROW = """SELECT ?country ?p ?o WHERE { ?country ?p ?o }"""


# --- small helpers ------------------------------------------------------------------------


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def machine() -> dict[str, Any]:
    import pyoxigraph
    import rdflib

    from defgraph import __version__

    def first(path: str, key: str) -> str | None:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return None

    mem = first("/proc/meminfo", "MemTotal")
    return {
        "cpu": first("/proc/cpuinfo", "model name") or "unknown", "cores": os.cpu_count(),
        "ram_gb": round(int(mem.split()[0]) / 1024 / 1024, 1) if mem else None,
        "os": platform.platform(), "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__, "defgraph": __version__,
        "virtuoso": virtuoso_version(),
    }


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, float] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            parents[int(d.name)] = int(fields[1])
            rss[int(d.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0.0)
        todo.extend(p for p, pp in parents.items() if pp == pid)
    return total


def canonical(values: list[list[Any]]) -> dict[str, Any]:
    """Rows as a count and a digest that ignore row order and how engines write numbers."""
    def one(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, (int, float, Decimal)):
            return repr(float(v))
        return str(v)

    rows = sorted("\x1f".join(one(v) for v in row) for row in values)
    return {"rows": len(rows), "digest": hashlib.sha256("\x1e".join(rows).encode()).hexdigest()[:16]}


def timed_runs(run: Callable[[], Any], runs: int, budget: float,
               on_first: Callable[[Any, float], None] | None = None) -> dict[str, Any]:
    """The first (cold) run, then warm runs until `runs` of them or `budget` seconds.

    A query whose first run alone exceeds the budget gets no warm run: its median is that run.
    """
    t = time.perf_counter()
    result = run()
    first = time.perf_counter() - t
    if on_first is not None:
        on_first(result, first)
    warm: list[float] = []
    while len(warm) < runs and first <= budget and (sum(warm) + first < budget or not warm):
        t = time.perf_counter()
        run()
        warm.append(time.perf_counter() - t)
    return {"result": result, "first_s": first, "median_s": statistics.median(warm) if warm else first,
            "runs": len(warm)}


# --- child processes: `python bench/run.py _child NAME ARGS_JSON` prints one JSON line -----------


def child_generate(a: dict[str, Any]) -> dict[str, Any]:
    import generate

    t = time.perf_counter()
    files, statements = generate.write_corpus(a["corpus"], a["count"], a["seed"])
    return {"files": files, "statements": statements, "seconds": time.perf_counter() - t,
            "bytes": du(Path(a["corpus"])),
            "words_per_statement": sum(len(p.read_text().split()) for p in Path(a["corpus"]).iterdir())
            / max(statements, 1)}


def child_ingest(a: dict[str, Any]) -> dict[str, Any]:
    from defgraph import KnowledgeGraph
    from defgraph.bulk import resolve_workers
    from defgraph.vocab import CONSOLIDATED_GRAPH

    store = Path(a["store"])
    if a.get("fresh"):
        shutil.rmtree(store, ignore_errors=True)
    kg = KnowledgeGraph(store)
    workers = resolve_workers(None, [a["corpus"]])
    t = time.perf_counter()
    report = kg.ingest(a["corpus"])  # default workers: one per core for 200 files or more
    seconds = time.perf_counter() - t
    main_mb, worker_mb = maxrss_mb(), maxrss_mb(resource.RUSAGE_CHILDREN)
    raw = kg.store.raw  # type: ignore[union-attr]
    quads = len(raw)
    n = raw.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CONSOLIDATED_GRAPH}> {{ ?s ?p ?o }} }}")
    consolidated = int(next(iter(n))["n"].value)  # type: ignore[index, arg-type]
    kg.close()
    return {"workers": workers, "seconds": seconds, "statements": report.statements,
            "stored": report.stored, "unchanged": report.unchanged, "failures": len(report.failures),
            "quads": quads, "consolidated_triples": consolidated,
            "statements_per_s": report.statements / seconds, "quads_per_s": quads / seconds,
            "store_bytes": du(store), "maxrss_main_mb": main_mb, "maxrss_worker_mb": worker_mb}


def child_rebuild(a: dict[str, Any]) -> dict[str, Any]:
    from defgraph import KnowledgeGraph

    kg = KnowledgeGraph(a["store"])
    t = time.perf_counter()
    triples = kg.rebuild()
    seconds = time.perf_counter() - t
    kg.close()
    return {"seconds": seconds, "consolidated_triples": triples, "maxrss_mb": maxrss_mb()}


def child_picks(a: dict[str, Any]) -> dict[str, Any]:
    from defgraph.stores import OxigraphStore, Rows

    store = OxigraphStore(a["store"], read_only=True)
    out: dict[str, Any] = {}
    for key, text in (("country", PICK_COUNTRY), ("event", PICK_EVENT), ("place", PICK_PLACE),
                      ("person", PICK_PERSON)):
        r = store.query(text)
        assert isinstance(r, Rows)
        out[key] = str(r.rows[0][0].value) if r.rows and r.rows[0][0] is not None else None
        out[key + "_count"] = int(r.rows[0][1].value) if r.rows and r.rows[0][1] is not None else 0
    return out


def child_export(a: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    from defgraph.export import export
    from defgraph.stores import OxigraphStore

    store = OxigraphStore(a["store"], read_only=True)
    out: dict[str, Any] = {}
    for fmt, path in a["files"].items():
        t = time.perf_counter()
        if fmt == "nquads":  # every graph in Oxigraph's order: Virtuoso needs no sorted file
            with open(path, "wb") as f:
                store.dump(f, ox.RdfFormat.N_QUADS)
            n = None
        else:  # the consolidated graph, the texts and the ontology (for rdfs:subClassOf)
            n = export(store, path, fmt, include_ontology=True)
        out[fmt] = {"seconds": time.perf_counter() - t, "items": n, "bytes": Path(path).stat().st_size}
    out["maxrss_mb"] = maxrss_mb()
    return out


def child_query(a: dict[str, Any]) -> dict[str, Any]:
    """One query on the embedded store, in a process of its own: cold, then warm runs."""
    import pyoxigraph as ox

    from defgraph.query import load_query, query_form
    from defgraph.stores import OxigraphStore, Rows

    store = OxigraphStore(a["store"], read_only=True)
    text = a["text"] or load_query(a["query"]).text
    bindings: dict[str, Any] = {k: ox.NamedNode(v) for k, v in a["bindings"].items()}
    t = time.perf_counter()
    query_form(text)  # what run_query adds before the engine runs (refusing updates)
    check_s = time.perf_counter() - t
    r = timed_runs(lambda: store.query(text, bindings), a["runs"], a["budget"], print_cold)
    rows = r.pop("result")
    assert isinstance(rows, Rows)
    return {**r, **canonical([[_py(t) for t in row] for row in rows.rows]),
            "update_check_s": check_s, "maxrss_mb": maxrss_mb()}


def print_cold(rows: Any, first: float) -> None:
    """A query child's cold run, printed at once: kept if the time limit cuts its warm runs."""
    print(json.dumps({"first_s": first, "median_s": first, "runs": 0, "cut": True,
                      **canonical([[_py(t) for t in row] for row in rows.rows])}), flush=True)


def _py(term: Any) -> Any:
    from defgraph.query import python_value

    return python_value(term)


def child_render(a: dict[str, Any]) -> dict[str, Any]:
    """One view written to a file, timed on the Python side (reading the store, layout, HTML)."""
    from defgraph import KnowledgeGraph
    from defgraph.stores import OxigraphStore

    kg = KnowledgeGraph(OxigraphStore(a["store"], read_only=True))
    options = {"focus": a["focus"]} if a["view"] == "ego" and a.get("focus") else {}
    t = time.perf_counter()
    path = kg.render(a["out"], a["view"], **options)
    return {"seconds": time.perf_counter() - t, "bytes": Path(path).stat().st_size,
            "maxrss_mb": maxrss_mb()}


def rdflib_server(a: dict[str, Any]) -> None:
    """Parse the N-Triples export into an rdflib Graph, then answer queries (JSON lines)."""
    import rdflib

    from defgraph.vocab import PREFIXES

    limit = int(a["memory_mb"] * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    t = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(a["source"], format="nt")
    ns = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}
    print(json.dumps({"load_s": time.perf_counter() - t, "triples": len(graph),
                      "maxrss_mb": maxrss_mb()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            binds = {k: rdflib.URIRef(v) for k, v in req["bindings"].items()}
            text = req["text"]
            r = timed_runs(lambda t=text, b=binds: list(graph.query(t, initNs=ns, initBindings=b)),  # type: ignore[misc]
                           req["runs"], req["budget"])
            rows = r.pop("result")
            values = [[None if x is None else x.toPython() for x in row] for row in rows]
            print(json.dumps({**r, **canonical(values), "maxrss_mb": maxrss_mb()}, default=str),
                  flush=True)
        except Exception as exc:  # noqa: BLE001 - one failed query is a result, not the end
            print(json.dumps({"error": _line(f"{type(exc).__name__}: {exc}")}), flush=True)


def _line(text: str) -> str:
    return " ".join(text.split())[:240]


def child(name: str, a: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run one child step; its JSON result, or {"error": ...} (with "timeout": True on time out).

    Adds "tree_peak_mb": the largest resident memory of the child with all its descendants.
    """
    proc = subprocess.Popen([sys.executable, __file__, "_child", name, json.dumps(a)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        lines = out.strip().splitlines()
        if lines:  # the cold run finished: keep it, the warm runs were cut
            cut: dict[str, Any] = json.loads(lines[-1])
            cut["tree_peak_mb"] = peak[0]
            return cut
        return {"error": f"did not finish in {timeout:.0f} s", "timeout": True, "timeout_s": timeout}
    finally:
        done.set()
        sampler.join()
    if proc.returncode != 0:
        tail = [x for x in err.strip().splitlines() if x.strip()]
        return {"error": _line(tail[-1] if tail else f"exit code {proc.returncode}")}
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["tree_peak_mb"] = peak[0]
    return result


# --- the queries of the plan ----------------------------------------------------------------


def query_plan(picks: dict[str, Any]) -> list[dict[str, Any]]:
    """Every query to time: id, canned name (or text), bindings, and the targets it counts for."""
    from defgraph.query import list_queries

    country = picks.get("country")
    plan: list[dict[str, Any]] = []
    for q in list_queries():
        if all(p.optional for p in q.params):
            groups = ["met"] if q.name == "countries_who_met_whom" else []
            plan.append({"id": q.name, "query": q.name, "bindings": {}, "groups": ["whole", *groups]})
        for p in q.params:
            if p.kind == "country" and country:
                plan.append({"id": f"{q.name} {p.name}=top", "query": q.name,
                             "bindings": {p.name: country}, "groups": ["country"]})
            iri = picks.get(p.name) if p.kind == "iri" else None  # the event, the place, the person
            if iri:
                plan.append({"id": f"{q.name} {p.name}=top", "query": q.name,
                             "bindings": {p.name: iri}, "groups": ["lookup"]})
    if country:
        plan.append({"id": "country row", "query": None, "text": COUNTRY_ROW,
                     "bindings": {"country": country}, "groups": ["lookup"]})
    return plan


def query_text(item: dict[str, Any]) -> str:
    from defgraph.query import load_query

    return str(item.get("text") or load_query(item["query"]).text)


def skipped(engine: str, item: dict[str, Any], args: argparse.Namespace) -> dict[str, Any] | None:
    """A query that ran out of time at a smaller size is not run again (it only gets slower)."""
    why = args.skips.setdefault(engine, {}).get(item["id"])
    return {"error": f"not run: {why}", "skipped": True} if why else None


def remember(engine: str, item: dict[str, Any], r: dict[str, Any], n: int,
             args: argparse.Namespace) -> None:
    if r.get("timeout"):
        args.skips.setdefault(engine, {})[item["id"]] = f"{r['error']} at {label(n)} statements"


def time_embedded(store: Path, plan: list[dict[str, Any]], args: argparse.Namespace,
                  n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in plan:
        if (r := skipped("embedded", item, args)) is not None:
            out[item["id"]] = r
            say(f"    embedded  {item['id']:40} {fmt_entry(r)}")
            continue
        r = child("query", {"store": str(store), "query": item["query"], "text": item.get("text"),
                            "bindings": item["bindings"], "runs": args.runs, "budget": args.budget},
                  timeout=args.query_timeout)
        out[item["id"]] = r
        remember("embedded", item, r, n, args)
        say(f"    embedded  {item['id']:40} {fmt_entry(r)}")
    return out


class RdflibServer:
    """The rdflib child process: one load, then one query at a time, each with a time limit."""

    def __init__(self, source: Path, args: argparse.Namespace) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "_rdflib", json.dumps({"source": str(source),
                                                               "memory_mb": args.rdflib_memory_mb})],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            bufsize=1)
        self.ready = self.read(args.rdflib_load_timeout or args.rdflib_timeout)

    def read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            self.kill()
            return {"error": f"did not finish in {timeout:.0f} s", "timeout": True, "timeout_s": timeout}
        line = self.proc.stdout.readline()
        if not line:
            self.kill()
            return {"error": "rdflib's process died (memory limit?)"}
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, req: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return self.read(timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def time_rdflib(nt: Path, plan: list[dict[str, Any]], args: argparse.Namespace,
                n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"_loads": []}
    server: RdflibServer | None = None
    for item in plan:
        if (r := skipped("rdflib", item, args)) is not None:
            out[item["id"]] = r
            continue
        if server is None or not server.alive():
            if len(out["_loads"]) > args.rdflib_reloads:
                out[item["id"]] = {"error": f"not run: rdflib was stopped after "
                                            f"{args.rdflib_reloads} time-out(s) at this size"}
                say(f"    rdflib    {item['id']:40} {out[item['id']]['error']}")
                continue
            server = RdflibServer(nt, args)
            out["_loads"].append(server.ready)
            say(f"    rdflib    load: {fmt_entry(server.ready, 'load_s')}")
            if "error" in server.ready:
                out["_error"] = "loading the export: " + server.ready["error"]
                break
        r = server.ask({"text": query_text(item), "bindings": item["bindings"], "runs": args.runs,
                        "budget": args.budget}, args.rdflib_timeout)
        out[item["id"]] = r
        remember("rdflib", item, r, n, args)
        say(f"    rdflib    {item['id']:40} {fmt_entry(r)}")
    if server is not None:
        server.kill()
    return out


# --- Virtuoso, started here from Debian's default configuration --------------------------------


def virtuoso_version() -> str | None:
    if not shutil.which("virtuoso-t"):
        return None
    try:
        p = subprocess.run(["virtuoso-t", "-?"], check=False, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"Version (\S+)", p.stdout + p.stderr)
    return m.group(1) if m else "unknown"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def virtuoso_ini(default: str, db: Path, isql_port: int, http_port: int, load_dir: Path) -> str:
    """Debian's virtuoso.ini with only paths and ports changed (the database in `db`, the
    folder to bulk-load from allowed)."""
    out: list[str] = []
    section = ""
    for line in default.splitlines():
        s = line.strip()
        if s.startswith("["):
            section = s
        key = s.split("=", 1)[0].strip() if "=" in s and not s.startswith(";") else ""
        if key == "ServerPort" and section == "[Parameters]":
            line = f"ServerPort = 127.0.0.1:{isql_port}"
        elif key == "ServerPort" and section == "[HTTPServer]":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif key == "DefaultHost":
            line = f"DefaultHost = localhost:{http_port}"
        elif key == "DirsAllowed":
            line = f"{line.rstrip()}, {load_dir}"
        else:
            line = line.replace("/var/lib/virtuoso-opensource-7/db/", f"{db}/")
        out.append(line)
    return "\n".join(out) + "\n"


class Virtuoso:
    """One virtuoso-t with its own database folder and free ports; stop() ends it."""

    def __init__(self, home: Path, load_dir: Path, timeout: float = 180) -> None:
        shutil.rmtree(home, ignore_errors=True)
        self.db = home / "db"
        self.db.mkdir(parents=True)
        self.isql_port, self.http_port = free_port(), free_port()
        self.endpoint = f"http://127.0.0.1:{self.http_port}/sparql"
        ini = home / "virtuoso.ini"
        ini.write_text(virtuoso_ini(DEBIAN_INI.read_text(), self.db, self.isql_port, self.http_port,
                                    load_dir))
        self.log = open(home / "stdout.log", "wb")  # noqa: SIM115 - open while the server runs
        self.proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)],
                                     cwd=self.db, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({self.proc.returncode}); see {home}")
            ok, _ = self.isql("select 1;", timeout=10)
            if ok and self._http_up():
                break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"virtuoso-t did not answer in {timeout:.0f} s")
            time.sleep(1)

    def isql(self, sql: str, timeout: float = 60) -> tuple[bool, str]:
        try:
            p = subprocess.run(["isql-vt", f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={sql}"],
                               check=False, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, f"isql timed out after {timeout:.0f} s"
        text = p.stdout + p.stderr
        return p.returncode == 0 and "*** Error" not in text, text

    def _http_up(self) -> bool:
        import urllib.parse
        import urllib.request

        req = urllib.request.Request(self.endpoint, data=urllib.parse.urlencode({"query": "ASK {}"}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return b"boolean" in r.read()
        except OSError:
            return False

    def bulk_load(self, folder: Path, pattern: str, timeout: float) -> dict[str, Any]:
        t = time.perf_counter()
        steps = [f"ld_dir('{folder}', '{pattern}', 'urn:defgraph:bench:unused');",
                 "rdf_loader_run();", "checkpoint;"]
        for sql in steps:
            ok, text = self.isql(sql, timeout=timeout)
            if not ok:
                return {"error": _line(text)}
        _, text = self.isql("select count(*) from DB.DBA.LOAD_LIST where ll_error is not null;")
        errors = re.findall(r"^\s*(\d+)\s*$", text, re.MULTILINE)
        _, text2 = self.isql("sparql select count(*) where { graph ?g { ?s ?p ?o } };")
        counts = re.findall(r"^\s*(\d+)\s*$", text2, re.MULTILINE)
        return {"seconds": time.perf_counter() - t, "files_failed": int(errors[0]) if errors else None,
                "quads": int(counts[0]) if counts else None}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.isql("shutdown();", timeout=60)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def child_virtuoso(a: dict[str, Any]) -> dict[str, Any]:
    """One query on the Virtuoso endpoint through RemoteStore, in a process of its own (so
    that a query paged over many requests ends at the time limit): cold, then warm runs."""
    import pyoxigraph as ox

    from defgraph.stores import Rows, StoreError
    from defgraph.stores.remote import RemoteStore

    store = RemoteStore(a["endpoint"], read_only=True, timeout=a["timeout"])
    bindings = {k: ox.NamedNode(v) for k, v in a["bindings"].items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = timed_runs(lambda: store.query(a["text"], bindings), a["runs"], a["budget"],
                           print_cold)
            rows = r.pop("result")
            assert isinstance(rows, Rows)
            r.update(canonical([[_py(t) for t in row] for row in rows.rows]))
        except Exception as exc:  # noqa: BLE001 - a refused query is a result, not the end
            r = {"error": _line(str(exc) if isinstance(exc, StoreError)
                             else f"{type(exc).__name__}: {exc}")}
    if caught:
        r["warning"] = _line(str(caught[0].message))[:120]
    return r


def time_virtuoso(endpoint: str, plan: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in plan:
        r = child("virtuoso", {"endpoint": endpoint, "text": query_text(item),
                               "bindings": item["bindings"], "runs": args.runs,
                               "budget": args.budget, "timeout": args.query_timeout},
                  timeout=args.query_timeout)
        r.pop("tree_peak_mb", None)  # the client's, not the server's
        out[item["id"]] = r
        say(f"    virtuoso  {item['id']:40} {fmt_entry(r)}")
    return out


# --- one size ------------------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, flush=True)


def fmt_entry(r: dict[str, Any] | None, key: str = "median_s") -> str:
    if not r:
        return "-"
    if "error" in r:
        return "error: " + r["error"][:100]
    extra = (f"  rows {r['rows']}" if "rows" in r else "") + ("  (warm runs cut)" if r.get("cut") else "")
    first = f"first {secs(r['first_s'])}  " if "first_s" in r else ""
    return f"{first}{key.removesuffix('_s')} {secs(r.get(key))}{extra}"


def run_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work)
    store = work / f"store-{n}"
    res: dict[str, Any] = {"size": n, "label": label(n), "loadavg_before": loadavg(), "phases_s": {}}
    phases = res["phases_s"]
    say(f"== {label(n)} statements")

    def phase(name: str) -> Callable[[], None]:
        started = time.perf_counter()

        def end() -> None:
            phases[name] = time.perf_counter() - started
        return end

    res["commit"] = git_commit()
    res["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    earlier = args.earlier.get(n) if args.reuse_store else None
    if earlier and store.is_dir():
        # queries, views and baselines again on the store an earlier run kept (--keep):
        # its ingest, rebuild and increment figures are that run's, and say so
        for key in ("corpus", "ingest", "rebuild", "incremental"):
            if key in earlier:
                res[key] = earlier[key]
        # the run that ingested the store: an earlier reuse run says which it was
        res["store_from"] = earlier.get("store_from") or {"commit": earlier.get("commit"),
                                                          "date": earlier.get("date")}
        say(f"  reusing {store} (ingested at "
            f"{res['store_from'].get('commit') or 'an unrecorded commit'})")
    else:
        if args.reuse_store:
            say(f"  nothing to reuse for {label(n)} (no kept store or no earlier run): ingesting")
        end = phase("generate")
        corpus = work / f"corpus-{n}-seed{args.seed}"
        res["corpus"] = cached_corpus(corpus, n, args.seed)
        end()
        say(f"  corpus: {res['corpus']}")

        end = phase("ingest")
        ing = child("ingest", {"corpus": str(corpus), "store": str(store), "fresh": True},
                    timeout=args.ingest_timeout)
        res["ingest"] = ing
        end()
        if "error" in ing:
            say(f"  ingest failed: {ing['error']}")
            return res
        say(f"  ingest: {ing['statements_per_s']:.0f} statements/s with {ing['workers']} workers, "
            f"{ing['quads']:,} quads, peak tree {ing['tree_peak_mb']:.0f} MB")

        end = phase("rebuild")
        res["rebuild"] = child("rebuild", {"store": str(store)}, timeout=args.ingest_timeout)
        end()
        say(f"  rebuild: {fmt_entry(res['rebuild'], 'seconds')}")

    picks = child("picks", {"store": str(store)}, timeout=args.query_timeout)
    res["picks"] = picks
    plan = query_plan(picks if "error" not in picks else {})
    res["plan"] = [{k: v for k, v in p.items() if k != "text"} for p in plan]

    end = phase("queries_embedded")
    res["embedded"] = time_embedded(store, plan, args, n)
    end()

    end = phase("render")
    res["render"] = {}
    focus = str(picks["country"]).rsplit("/", 1)[-1] if picks.get("country") else None
    for view in VIEWS:
        out = work / f"view-{n}-{view}.html"
        r = child("render", {"store": str(store), "view": view, "focus": focus, "out": str(out)},
                  timeout=args.render_timeout)
        out.unlink(missing_ok=True)
        res["render"][view] = r
        say(f"    render    {view:40} {fmt_entry(r, 'seconds')}")
    end()

    exports = work / f"exports-{n}"
    shutil.rmtree(exports, ignore_errors=True)
    exports.mkdir(parents=True)
    want_rdflib = n <= args.rdflib_max and not args.no_rdflib
    want_virtuoso = not args.no_virtuoso and n <= args.virtuoso_max
    files = {}
    if want_rdflib:
        files["nt"] = str(exports / "graph.nt")
    if want_virtuoso and virtuoso_version():
        (exports / "nq").mkdir()
        files["nquads"] = str(exports / "nq" / "graph.nq")
    earlier_baselines = args.earlier.get(n) if args.baselines_from_earlier else None
    if earlier_baselines:
        # the rdflib and Virtuoso columns of the earlier run at this size (each engine on
        # that run's export): only the embedded store is measured again
        for key in ("export", "rdflib", "virtuoso"):
            if key in earlier_baselines:
                res[key] = earlier_baselines[key]
        res["baselines_from"] = earlier_baselines.get("baselines_from") or {
            "commit": earlier_baselines.get("commit"), "date": earlier_baselines.get("date")}
        files = {}
        say(f"  baselines: the earlier run's (commit {earlier_baselines.get('commit')})")
    if files:
        end = phase("export")
        res["export"] = child("export", {"store": str(store), "files": files}, timeout=args.ingest_timeout)
        end()
        say(f"  export: {res['export']}")

    if not earlier_baselines:
        end = phase("rdflib")
        if not want_rdflib:
            res["rdflib"] = {"_skipped": ("--no-rdflib" if args.no_rdflib else
                                          f"above --rdflib-max {args.rdflib_max} statements")}
        elif "error" in res.get("export", {}):
            res["rdflib"] = {"_skipped": "the N-Triples export failed: " + res["export"]["error"]}
        else:
            res["rdflib"] = time_rdflib(exports / "graph.nt", plan, args, n)
        end()

        end = phase("virtuoso")
        res["virtuoso"] = run_virtuoso(n, exports, plan, args, want_virtuoso)
        end()
    shutil.rmtree(exports, ignore_errors=True)

    if "store_from" not in res:
        end = phase("incremental")
        incr = work / f"increment-{INCREMENT}-seed{args.seed + 1}"
        cached_corpus(incr, INCREMENT, args.seed + 1)
        res["incremental"] = child("ingest", {"corpus": str(incr), "store": str(store)},
                                   timeout=args.ingest_timeout)
        end()
    inc = res.get("incremental") or {"error": "not measured"}
    if "store_from" in res:
        inc = {"error": "the earlier run's, not measured again"}
    say(f"  incremental ingest of {INCREMENT}: " + (f"{inc['statements_per_s']:.0f} statements/s"
                                                   if "statements_per_s" in inc else inc["error"]))
    res["loadavg_after"] = loadavg()
    if not args.keep and "store_from" not in res:
        shutil.rmtree(store, ignore_errors=True)
    return res


def git_commit() -> str | None:
    """The short commit of the code measured (None outside a git checkout)."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def run_virtuoso(n: int, exports: Path, plan: list[dict[str, Any]], args: argparse.Namespace,
                 wanted: bool) -> dict[str, Any]:
    if not wanted:
        return {"_skipped": "--no-virtuoso" if args.no_virtuoso else
                f"above --virtuoso-max {args.virtuoso_max} statements"}
    if not (virtuoso_version() and shutil.which("isql-vt") and DEBIAN_INI.is_file()):
        return {"_skipped": "virtuoso-t, isql-vt or Debian's virtuoso.ini is missing "
                            "(apt-get install virtuoso-opensource)"}
    nq = exports / "nq"
    if not (nq / "graph.nq").is_file():
        return {"_skipped": "the N-Quads export failed"}
    out: dict[str, Any] = {}
    try:
        t = time.perf_counter()
        server = Virtuoso(Path(args.work) / f"virtuoso-{n}", nq)
        out["_start_s"] = time.perf_counter() - t
    except (RuntimeError, OSError) as exc:
        return {"_skipped": f"Virtuoso did not start: {exc}"}
    try:
        out["_load"] = server.bulk_load(nq, "*.nq", timeout=args.ingest_timeout)
        say(f"  virtuoso: started in {out['_start_s']:.0f} s, bulk load {out['_load']}")
        if "error" not in out["_load"]:
            out.update(time_virtuoso(server.endpoint, plan, args))
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(Path(args.work) / f"virtuoso-{n}", ignore_errors=True)
    return out


def cached_corpus(folder: Path, n: int, seed: int) -> dict[str, Any]:
    marker = folder / ".complete"
    if marker.is_file():
        result: dict[str, Any] = json.loads(marker.read_text())
        return result
    shutil.rmtree(folder, ignore_errors=True)
    r = child("generate", {"corpus": str(folder), "count": n, "seed": seed})
    if "error" in r:
        raise SystemExit(f"generating {n} statements failed: {r['error']}")
    marker.write_text(json.dumps(r))
    return r


# --- targets and the page ---------------------------------------------------------------------


def secs(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def ratio_text(r: float | None, lower: bool = False) -> str:
    if r is None:
        return "-"
    text = f"{r:.0f}x" if r >= 10 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"
    return (">= " if lower else "") + text


def engine_entry(run: dict[str, Any], engine: str, qid: str) -> dict[str, Any] | None:
    e = run.get(engine) or {}
    entry = e.get(qid)
    return entry if isinstance(entry, dict) else None


def ratio(run: dict[str, Any], engine: str, ids: list[str]) -> str:
    """Time on `engine` ÷ time on the embedded store, summed over the queries both answered."""
    e = run.get(engine)
    if not e:
        return "not run"
    if "_skipped" in e:
        return "not run"
    if "_error" in e:
        return "failed"
    num = den = 0.0
    failed = 0
    lower = False
    for qid in ids:
        mine, theirs = engine_entry(run, "embedded", qid), engine_entry(run, engine, qid)
        if not mine or "error" in mine or not theirs:
            continue
        if theirs.get("timeout"):
            num += theirs["timeout_s"]
            den += mine["median_s"]
            lower = True
        elif "error" in theirs:
            failed += 1
        else:
            num += theirs["median_s"]
            den += mine["median_s"]
    text = ratio_text(num / den, lower) if den else "-"
    return text + (f" ({failed} failed)" if failed else "")


def target_cells(run: dict[str, Any] | None, key: str) -> tuple[str, bool | None, list[str]]:
    """(measured text, met?, query ids involved) of one target at one size."""
    if not run or "ingest" not in run:
        return "not run", None, []
    limit = TARGETS[key][2]
    ing = run["ingest"]
    if key == "ingest":
        if "error" in ing:
            return "error: " + ing["error"][:60], False, []
        v = ing["statements_per_s"]
        incr = run.get("incremental") or {}
        extra = (f"; +{INCREMENT} into the full store: {incr['statements_per_s']:.0f}/s"
                 if "statements_per_s" in incr else "")
        return f"{v:.0f} statements/s ({ing['workers']} workers){extra}", v >= limit, []
    if key == "memory":
        parts: list[tuple[str, float]] = [("ingest", ing.get("tree_peak_mb", 0.0))]
        q = [r.get("maxrss_mb", 0.0) for r in (run.get("embedded") or {}).values() if isinstance(r, dict)]
        v = [r["maxrss_mb"] for r in (run.get("render") or {}).values() if "maxrss_mb" in r]
        parts += [("query", max(q, default=0.0))] + ([("render", max(v))] if v else [])
        peak = max(p for _, p in parts)
        text = ", ".join(f"{k} {p:,.0f} MB" for k, p in parts)
        if run.get("render") and not v:
            text += "; no render finished (not measured)"
        return text, peak < limit, []
    if key == "render":
        views = run.get("render") or {}
        if not views:
            return "not run", None, []
        bad = [k for k, r in views.items() if "error" in r]
        worst = max(((r["seconds"], k) for k, r in views.items() if "seconds" in r), default=None)
        text = f"slowest {worst[1]} {secs(worst[0])}" if worst else ""
        if bad:
            why = sorted({views[k]["error"] for k in bad})
            text += ("; " if text else "") + f"failed: {', '.join(bad)} ({'; '.join(why)})"
        return text, not bad and worst is not None and worst[0] < limit, []
    ids = [p["id"] for p in run.get("plan", []) if key in p["groups"]]
    if not ids:
        return "nothing to run", None, []
    entries = [(qid, engine_entry(run, "embedded", qid)) for qid in ids]
    failed = [qid for qid, e in entries if not e or "error" in e]
    timed = [(e["median_s"], qid) for qid, e in entries if e and "median_s" in e]
    worst = max(timed, default=None)
    over = [qid for t, qid in timed if t >= limit]
    text = f"slowest `{worst[1]}` {secs(worst[0])}" if worst else ""
    if len(ids) > 1:
        text += f"; {len(ids) - len(over) - len(failed)} of {len(ids)} under"
    if failed:
        text += "; failed: " + ", ".join(f"`{q}`" for q in failed)
    return text, not failed and not over, ids


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    runs = {r["size"]: r for r in results["runs"]}
    sizes = report_sizes(results)
    rows = []
    for key, (what, threshold, _) in TARGETS.items():
        row: dict[str, Any] = {"key": key, "target": what, "threshold": threshold, "sizes": {}}
        for n in sizes:
            text, met, ids = target_cells(runs.get(n), key)
            cell: dict[str, Any] = {"measured": text, "met": met}
            if ids and n in runs:
                cell["rdflib"] = ratio(runs[n], "rdflib", ids)
                cell["virtuoso"] = ratio(runs[n], "virtuoso", ids)
            row["sizes"][str(n)] = cell
        rows.append(row)
    return rows


def report_sizes(results: dict[str, Any]) -> list[int]:
    return sorted(set(REPORT_SIZES) | {r["size"] for r in results["runs"]})


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    sizes = report_sizes(results)
    runs = {r["size"]: r for r in results["runs"]}
    L: list[str] = []
    add = L.append
    add("# Benchmarks")
    add("")
    add("Written by `bench/run.py` from `bench/results.json` and, for the paragraphs on the "
        "conditions of the runs and what was measured by hand, `bench/conditions.md`; do not "
        "edit this page (edit those, then `python bench/run.py --render` redraws it).")
    add("")
    add(f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, "
        f"{m['os']}; Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, "
        f"Virtuoso {m.get('virtuoso') or 'not installed'}, defgraph {m['defgraph']}.")
    add("")
    add(f"Command: `{results['command']}`"
        + (f" ({results['total_minutes']:.0f} minutes)." if results.get("total_minutes") else "."))
    add("")
    if CONDITIONS.is_file():
        # what was measured by hand and under which load: kept beside the results, so that
        # redrawing the page from results.json never drops it
        add(CONDITIONS.read_text(encoding="utf-8").rstrip("\n"))
        add("")
    s = results["settings"]
    add(f"Statements are synthetic (`bench/generate.py`, seed {s['seed']}), about 300 words each. "
        "Queries read the consolidated graph (with the ontology's terms) as their default graph, as "
        "`defgraph query` does. Each query runs in a fresh process on the embedded store: the "
        f"first run is *cold*, then up to {s['runs']} warm runs within {s['budget']:.0f} s give "
        f"the *median* (a cold run over the budget is its own median, 0 warm runs); a query's "
        f"process is stopped after {s['query_timeout']:.0f} s (its cold run kept if it had "
        "finished), and a query stopped at one size is not run at the larger ones. The machine "
        "is shared: the load average before and after each size is in the results file.")
    add("")
    add("## Targets (issue #8, item 5)")
    add("")
    head = ["target", "threshold"]
    for n in sizes:
        head += [f"{label(n)}", "met?"]
    head += ["rdflib ÷ embedded", "Virtuoso ÷ embedded"]
    add("| " + " | ".join(head) + " |")
    add("|" + "---|" * len(head))
    for t in results.get("targets", []):
        cells = [t["target"], t["threshold"]]
        rd, vi = [], []
        for n in sizes:
            c = t["sizes"].get(str(n), {"measured": "not run", "met": None})
            cells += [c["measured"], {True: "yes", False: "**no**", None: "-"}[c["met"]]]
            if "rdflib" in c:
                rd.append(f"{label(n)}: {c['rdflib']}")
                vi.append(f"{label(n)}: {c['virtuoso']}")
        cells += ["; ".join(rd) or "-", "; ".join(vi) or "-"]
        add("| " + " | ".join(cells) + " |")
    add("")
    add("Ratios are the engine's summed medians over the target's queries ÷ the embedded store's "
        "(above 1: the engine is slower); `>=` when a query hit the time limit there (its limit "
        "is counted); failed queries (errors) are left out of the sum and counted.")
    add("")
    add("## Ingest and maintenance")
    add("")
    add("| statements | files | quads (all graphs) | consolidated triples | statements/s | quads/s | "
        "wall time | workers | peak memory: main / largest worker / process tree | store on disk "
        f"| `rebuild` | +{INCREMENT} statements into the full store |")
    add("|" + "---|" * 12)
    for n in sizes:
        r = runs.get(n)
        if not r:
            add(f"| {label(n)} | not run |" + " |" * 10)
            continue
        g, i = r.get("corpus", {}), r.get("ingest", {})
        if "error" in i:
            add(f"| {label(n)} | {g.get('files', '-')} | ingest failed: {i['error']} |" + " |" * 9)
            continue
        rb, inc = r.get("rebuild") or {}, r.get("incremental") or {}
        add(f"| {label(n)} | {g.get('files', '-'):,} | {i['quads']:,} | {i['consolidated_triples']:,} | "
            f"{i['statements_per_s']:.0f} | {i['quads_per_s']:,.0f} | {secs(i['seconds'])} | "
            f"{i['workers']} | {i['maxrss_main_mb']:,.0f} / {i['maxrss_worker_mb']:,.0f} / "
            f"{i['tree_peak_mb']:,.0f} MB | {i['store_bytes'] / 1e6:,.0f} MB | "
            f"{secs(rb.get('seconds')) if 'seconds' in rb else 'error: ' + rb.get('error', '-')} | "
            + (f"{inc['statements_per_s']:.0f} statements/s ({secs(inc['seconds'])})"
               if "statements_per_s" in inc else "error: " + inc.get("error", "-")) + " |")
    add("")
    add("Ingest is `KnowledgeGraph.ingest` with its default workers (one per core) into a fresh "
        "store: workers extract, the main process writes each statement's record and keeps the "
        "consolidated graph. The process tree's peak is sampled from /proc every 0.5 s; main and "
        "worker peaks are `getrusage`. `rebuild` recomputes the consolidated graph from every "
        "statement record (`defgraph rebuild`).")
    for n in sizes:
        r = runs.get(n) or {}
        if r.get("store_from"):
            f = r["store_from"]
            add("")
            add(f"At {label(n)}, this row is the ingest of an earlier run (commit "
                f"{f.get('commit') or 'not recorded'}{', ' + f['date'] if f.get('date') else ''}): "
                f"queries, views and baselines were measured on the store it kept "
                f"(`--reuse-store`), which holds its +{INCREMENT} statements too.")
    add("")
    for n in sizes:
        r = runs.get(n)
        add(f"## Queries at {label(n)} statements")
        add("")
        if not r or "embedded" not in r:
            add("not run")
            add("")
            continue
        notes = []
        if r.get("commit"):
            notes.append(f"Code at commit {r['commit']}"
                         + (f", measured {r['date']}." if r.get("date") else "."))
        if r.get("baselines_from"):
            f = r["baselines_from"]
            notes.append(f"The rdflib and Virtuoso columns are those of an earlier run on the "
                         f"same store (commit {f.get('commit') or 'not recorded'}"
                         f"{', ' + f['date'] if f.get('date') else ''}; "
                         "`--baselines-from-earlier`), their ratios taken against this run's "
                         "embedded medians.")
        for engine, name in (("rdflib", "rdflib"), ("virtuoso", "Virtuoso")):
            e = r.get(engine) or {}
            if "_skipped" in e:
                notes.append(f"{name}: not run ({e['_skipped']}).")
            elif "_error" in e:
                notes.append(f"{name}: {e['_error']}.")
        loads = [x for x in (r.get("rdflib") or {}).get("_loads", []) if "load_s" in x]
        if loads:
            notes.append(f"rdflib parsed the N-Triples export ({loads[0]['triples']:,} triples, "
                         f"ontology included) in {secs(loads[0]['load_s'])} using "
                         f"{loads[0]['maxrss_mb']:,.0f} MB; {len(loads)} load(s) (one more after "
                         "each time-out).")
        v = r.get("virtuoso") or {}
        if "_load" in v:
            ld = v["_load"]
            notes.append(f"Virtuoso (Debian's default virtuoso.ini, only paths and ports changed) "
                         f"bulk-loaded the N-Quads export in {secs(ld.get('seconds'))}"
                         + (f" ({ld['quads']:,} quads)" if ld.get("quads") else "")
                         + (f"; error: {ld['error']}" if "error" in ld else "") + ".")
        p = r.get("picks") or {}
        if p.get("country"):
            notes.append(f"Bound: country = `{p['country'].rsplit('/', 1)[-1]}` "
                         f"(most events: {p['country_count']}), event = `{p.get('event')}` "
                         f"(most reports: {p.get('event_count')})"
                         + (f", place = `{p['place'].rsplit('/', 1)[-1]}` (most events: "
                            f"{p.get('place_count')})" if p.get("place") else "") + ".")
        if notes:
            add(" ".join(notes))
            add("")
        add("| query | targets | rows | cold | median | warm runs | + update check | rdflib median | "
            "rdflib ÷ | Virtuoso median | Virtuoso ÷ | Virtuoso rows equal |")
        add("|" + "---|" * 12)
        for item in r.get("plan", []):
            qid = item["id"]
            e = engine_entry(r, "embedded", qid)
            cells = [f"`{qid}`", ", ".join(item["groups"]) or "-"]
            if not e or "error" in e:
                cells += [f"error: {(e or {}).get('error', '-')}", "", "", "", ""]
            else:
                cells += [f"{e['rows']:,}", secs(e["first_s"]), secs(e["median_s"]), str(e["runs"]),
                          secs(e.get("update_check_s"))]
            for engine in ("rdflib", "virtuoso"):
                o = engine_entry(r, engine, qid)
                skipped = "_skipped" in (r.get(engine) or {})
                if o is None:
                    cells += ["not run" if skipped or not r.get(engine) else "-", "-"]
                elif "error" in o:
                    cells += [o["error"][:100].replace("|", "\\|"), "-"]
                else:
                    rt = o["median_s"] / e["median_s"] if e and "median_s" in e and e["median_s"] else None
                    cells += [secs(o["median_s"]), ratio_text(rt)]
            o = engine_entry(r, "virtuoso", qid)
            if o and e and "digest" in o and "digest" in e:
                same = o["digest"] == e["digest"]
                cells.append("yes" if same else f"**no** ({o['rows']:,} rows)")
            else:
                cells.append("-")
            add("| " + " | ".join(cells) + " |")
        add("")
        views = r.get("render") or {}
        if views:
            add("| view | render (Python side) | HTML size | peak memory |")
            add("|---|---|---|---|")
            for view, x in views.items():
                if "error" in x:
                    add(f"| {view} | error: {x['error']} | | |")
                else:
                    add(f"| {view} | {secs(x['seconds'])} | {x['bytes'] / 1e6:.1f} MB | "
                        f"{x['maxrss_mb']:,.0f} MB |")
            add("")
    add("Rows are compared as values (numbers as numbers, row order ignored). The embedded "
        "times are `OxigraphStore.query` with the rows read; `defgraph query` (`run_query`) first "
        "parses each query with rdflib to refuse updates, which costs the *+ update check* "
        "column on top, once per call. rdflib runs on a Graph, which has no named graphs: a "
        "query with `GRAPH` fails there. Virtuoso runs every query through `RemoteStore`, "
        "which pages long results; its errors (Debian's MaxSortedTopRows, the cost "
        "estimator's refusals) are shown as they come.")
    add("")
    return "\n".join(L)


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000", help="statement counts (default 10000,100000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", default="/tmp/defgraph-bench", help="scratch folder (corpora, stores)")
    p.add_argument("--out", default=str(RESULTS), help="results file (default bench/results.json)")
    p.add_argument("--markdown", default=str(MARKDOWN), help="the page (default BENCHMARKS.md)")
    p.add_argument("--render", action="store_true", help="only redraw --markdown from --out")
    p.add_argument("--runs", type=int, default=10, help="warm runs per query at most (default 10)")
    p.add_argument("--budget", type=float, default=10.0, help="seconds of warm runs per query (default 10)")
    p.add_argument("--query-timeout", type=float, default=120.0,
                   help="seconds a query process may take, cold and warm runs (default 120)")
    p.add_argument("--render-timeout", type=float, default=600.0)
    p.add_argument("--ingest-timeout", type=float, default=4 * 3600.0)
    p.add_argument("--rdflib-max", type=int, default=10_000,
                   help="no rdflib baseline above this many statements (default 10000)")
    p.add_argument("--rdflib-timeout", type=float, default=60.0,
                   help="seconds rdflib may take to load the export, and per query (default 60)")
    p.add_argument("--rdflib-memory-mb", type=float, default=8192.0,
                   help="address-space limit of the rdflib process (default 8192)")
    p.add_argument("--rdflib-load-timeout", type=float, default=None,
                   help="seconds rdflib may take to load the export (default: --rdflib-timeout)")
    p.add_argument("--rdflib-reloads", type=int, default=1000,
                   help="loads of the export after a time-out, at most; then the queries left "
                        "are not run on rdflib (each load of 100k statements takes minutes)")
    p.add_argument("--no-rdflib", action="store_true")
    p.add_argument("--no-virtuoso", action="store_true")
    p.add_argument("--virtuoso-max", type=int, default=10**9,
                   help="no Virtuoso above this many statements (default: every size)")
    p.add_argument("--keep", action="store_true", help="keep the stores and Virtuoso databases")
    p.add_argument("--merge", action="store_true",
                   help="keep the sizes already in --out that this run does not measure")
    p.add_argument("--baselines-from-earlier", action="store_true",
                   help="keep the rdflib and Virtuoso figures (and export) of the earlier run "
                        "at each size (from --out) instead of measuring them again: the "
                        "embedded store alone is measured, e.g. on a quiet machine after a "
                        "full run under load")
    p.add_argument("--reuse-store", action="store_true",
                   help="measure queries, views and baselines on the store an earlier run kept "
                        "(--keep) in --work, instead of ingesting again; that run's ingest "
                        "figures (from --out) are kept and marked as such")
    args = p.parse_args(argv)

    if args.render:
        saved = json.loads(Path(args.out).read_text())
        saved["targets"] = evaluate(saved)
        Path(args.markdown).write_text(render(saved), encoding="utf-8")
        say(f"wrote {args.markdown}")
        return 0

    Path(args.work).mkdir(parents=True, exist_ok=True)
    started = time.time()
    args.skips = {}
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items()
                     if k not in ("out", "markdown", "render", "skips")},
        "runs": [],
    }
    earlier_runs = (json.loads(Path(args.out).read_text()).get("runs", [])
                    if Path(args.out).is_file() else [])
    args.earlier = {r["size"]: r for r in earlier_runs}
    if args.merge:
        results["runs"] = earlier_runs

    def save() -> None:
        results["runs"].sort(key=lambda r: r["size"])
        results["targets"] = evaluate(results)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1, default=str) + "\n")
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(render(results), encoding="utf-8")

    for n in sorted(int(x) for x in args.sizes.split(",") if x.strip()):
        r = run_size(n, args)
        results["runs"] = [x for x in results["runs"] if x["size"] != n] + [r]
        results["total_minutes"] = (time.time() - started) / 60
        save()
    say(f"wrote {args.out} and {args.markdown} in {(time.time() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        print(json.dumps(globals()[f"child_{sys.argv[2]}"](json.loads(sys.argv[3])), default=str))
    elif len(sys.argv) > 2 and sys.argv[1] == "_rdflib":
        rdflib_server(json.loads(sys.argv[2]))
    else:
        sys.exit(main())
