"""The defgraph benchmark: ingest, store, queries, exports, and rdflib as the baseline, in one run.

    python bench/run.py                      # 1k, 10k, the 1 M-triple point, 100k (reduced)
    python bench/run.py --sizes 1000         # a quick run
    python bench/run.py --render             # rewrite BENCHMARKS.md from bench/results.json

For each size it generates a corpus (bench/generate.py), then measures, each
phase in a child process of its own so that its peak memory is its own:

* ingest with one process and with every core (statements/s, triples/s), the
  store's size on disk, and the peak memory of the main process and of the
  largest worker;
* each canned query, three lookups (one entity, one event, one place) and
  whole-graph aggregates on the embedded store: cold (the first run after the
  store is opened) and warm (median and p95 of the following runs);
* the same queries in rdflib's in-memory Graph loaded from the N-Triples
  export (the union of all graphs, ontology included, since rdflib's Graph has
  no union of named graphs), with the same prefixes and bindings, each run in a
  server process that is killed after --rdflib-timeout seconds ("timeout");
* each export format, and Oxigraph's two loaders on the N-Quads export.

The 1 M-triple point is a corpus sized from the triples per statement measured
on the previous size. Sizes above --reduced-above get a reduced run (no
one-process ingest, no rdflib, lookups and aggregates only, two export
formats), which the results say. Results go to bench/results.json and the
table to BENCHMARKS.md. Times are wall-clock on a machine others may share:
the load average before and after each size is recorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import resource
import selectors
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results.json"
MARKDOWN = REPO / "BENCHMARKS.md"
FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld")
LOOKUPS = ("entity_description", "event_details", "events_at_one_place")
AGGREGATES = ("pledges_by_donor", "countries_activity", "countries_who_met_whom", "events_per_type")
TARGETS = {"ingest_per_s": 300, "lookup_s": 0.050, "aggregate_s": 2.0, "ratio": 20, "memory_mb": 2048}

# Queries the benchmark adds to the canned ones: the lookups of the targets and one aggregate.
EXTRA_QUERIES = {
    "entity_description": ("lookup", "entity", """
SELECT DISTINCT ?entity ?p ?o ?o_label WHERE {
  ?entity ?p ?o .
  OPTIONAL { ?o rdfs:label ?o_label }
}"""),
    "event_details": ("lookup", "event", """
SELECT DISTINCT ?event ?type ?label ?date ?place_label ?party_label ?quote WHERE {
  ?event a ?type ; rdfs:label ?label .
  OPTIONAL { ?event dg:date ?date }
  OPTIONAL { ?event dg:location/rdfs:label ?place_label }
  OPTIONAL { ?event dg:participant/rdfs:label ?party_label }
  OPTIONAL { ?event dg:evidence/dg:quote ?quote }
}"""),
    "events_at_one_place": ("lookup", "place", """
SELECT DISTINCT ?place ?event ?type ?date ?label WHERE {
  ?event dg:location ?place ; a ?type .
  OPTIONAL { ?event dg:date ?date }
  OPTIONAL { ?event rdfs:label ?label }
}
ORDER BY ?date ?event"""),
    "events_per_type": ("aggregate", None, """
SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?t . ?t rdfs:subClassOf dg:Event .
  BIND(STRAFTER(STR(?t), "#") AS ?type)
}
GROUP BY ?type ORDER BY ?type"""),
}
# Which IRIs the lookups ask about: picked once per store, deterministically, not timed.
PICKS = {
    "entity": """SELECT ?x WHERE { { SELECT ?x (COUNT(?g) AS ?n) WHERE {
        ?x a dg:Person . GRAPH ?g { ?x a dg:Person } } GROUP BY ?x } } ORDER BY DESC(?n) ?x LIMIT 1""",
    "event": """SELECT ?x WHERE { { SELECT ?x (COUNT(?p) AS ?n) WHERE {
        ?x a dg:Meeting ; dg:participant ?p } GROUP BY ?x } } ORDER BY DESC(?n) ?x LIMIT 1""",
    "place": """SELECT ?x WHERE { { SELECT ?x (COUNT(?e) AS ?n) WHERE {
        ?e dg:location ?x } GROUP BY ?x } } ORDER BY DESC(?n) ?x LIMIT 1""",
    # not a binding: how many times the union default graph holds one triple (Ukraine's label)
    "_copies_of_ukraine_label": """SELECT (COUNT(*) AS ?n) WHERE {
        <https://w3id.org/defgraph/id/country/UKR> rdfs:label ?label }""",
}


# --- small helpers -----------------------------------------------------------------------------


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


MEMORY_CAP_MB = 8192  # a query server above this is killed: the machine is shared


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def summary_of(times: list[float]) -> dict[str, Any]:
    if not times:
        return {}
    s = sorted(times)
    p95 = s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)]
    return {"median_s": statistics.median(s), "p95_s": p95, "min_s": s[0], "runs": len(s)}


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def machine() -> dict[str, Any]:
    import pyoxigraph
    import rdflib

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from defgraph import __version__

    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "os": platform.platform(),
        "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__, "defgraph": __version__,
    }


# --- phases: each runs in a child process (python bench/run.py _phase NAME ARGS_JSON OUT_JSON) ---


def phase_generate(a: dict[str, Any]) -> dict[str, Any]:
    import generate

    out = Path(a["corpus"])
    t = time.perf_counter()
    files, statements = generate.write_corpus(out, a["count"], a["seed"])
    seconds = time.perf_counter() - t
    from defgraph.ingest import Failure, iter_statements

    words = [len(s.text.split()) for s in iter_statements([out]) if not isinstance(s, Failure)]
    return {"files": files, "statements": statements, "seconds": seconds,
            "words_mean": statistics.mean(words), "bytes": du(out)}


def phase_ingest(a: dict[str, Any]) -> dict[str, Any]:
    from defgraph import KnowledgeGraph

    store = Path(a["store"])
    shutil.rmtree(store, ignore_errors=True)
    kg = KnowledgeGraph(store)
    t = time.perf_counter()
    report = kg.ingest(a["corpus"], workers=a["workers"])
    seconds = time.perf_counter() - t
    quads = len(kg.store._store)  # noqa: SLF001 - statement graphs and the ontology
    triples = kg.store.triple_count() if a.get("count_triples", True) else None
    kg.close()
    del kg
    gc.collect()
    size = du(store)
    return {
        "workers": a["workers"], "seconds": seconds, "statements": report.statements,
        "stored": report.stored, "failures": len(report.failures), "quads": quads,
        "triples": triples, "statements_per_s": report.statements / seconds,
        "quads_per_s": quads / seconds, "store_bytes": size,
        "maxrss_main_mb": maxrss_mb(), "maxrss_worker_mb": maxrss_mb(resource.RUSAGE_CHILDREN),
    }


def phase_optimize(a: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    store = ox.Store(a["store"])
    t = time.perf_counter()
    store.optimize()
    store.flush()
    seconds = time.perf_counter() - t
    del store
    gc.collect()
    return {"seconds": seconds, "store_bytes": du(Path(a["store"]))}


def phase_export(a: dict[str, Any]) -> dict[str, Any]:
    from defgraph.export import export
    from defgraph.stores import OxigraphStore

    store = OxigraphStore(a["store"], read_only=True)
    path = Path(a["path"])
    t = time.perf_counter()
    n = export(store, path, a["format"], include_ontology=a.get("include_ontology", False))
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "items": n, "bytes": path.stat().st_size,
            "items_per_s": n / seconds, "maxrss_mb": maxrss_mb()}


def phase_loaders(a: dict[str, Any]) -> dict[str, Any]:
    """Oxigraph's transactional load and its bulk loader on the same N-Quads file."""
    import pyoxigraph as ox

    out: dict[str, Any] = {}
    for name in a["loaders"]:
        target = Path(a["work"]) / f"loader-{name}"
        shutil.rmtree(target, ignore_errors=True)
        store = ox.Store(str(target))
        t = time.perf_counter()
        if name == "bulk_load":
            store.bulk_load(path=a["nquads"], format=ox.RdfFormat.N_QUADS)
        else:
            store.load(path=a["nquads"], format=ox.RdfFormat.N_QUADS)
        store.flush()
        seconds = time.perf_counter() - t
        quads = len(store)
        del store
        gc.collect()
        out[name] = {"seconds": seconds, "quads": quads, "quads_per_s": quads / seconds}
        shutil.rmtree(target, ignore_errors=True)
    out["maxrss_mb"] = maxrss_mb()
    return out


def phase_merged(a: dict[str, Any]) -> dict[str, Any]:
    """A store with the statement graphs and, in its default graph, their merged triples."""
    import pyoxigraph as ox

    target = Path(a["store"])
    shutil.rmtree(target, ignore_errors=True)
    store = ox.Store(str(target))
    t = time.perf_counter()
    store.bulk_load(path=a["nquads"], format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=a["nt"], format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    seconds = time.perf_counter() - t
    quads = len(store)
    del store
    gc.collect()
    return {"seconds": seconds, "quads": quads, "store_bytes": du(target), "maxrss_mb": maxrss_mb()}


def phase_profile(a: dict[str, Any]) -> dict[str, Any]:
    """Where one process spends its time per statement: extraction by function, mapping, storing."""
    import cProfile
    import pstats
    import tempfile

    import generate
    import pyoxigraph as ox

    from defgraph.extract import extract
    from defgraph.mapping import graph_iri, to_quads
    from defgraph.stores import OxigraphStore

    statements = list(generate.generate_statements(a["count"], a["seed"] + 1000))
    extract(statements[0])  # load the gazetteers outside the measurement
    prof = cProfile.Profile()
    t = time.process_time()
    prof.enable()
    extractions = [extract(s) for s in statements]
    prof.disable()
    extract_cpu = time.process_time() - t
    t = time.process_time()
    quads = [to_quads(ex) for ex in extractions]
    map_cpu = time.process_time() - t
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(Path(tmp) / "s")
        t = time.perf_counter()
        for s, q in zip(statements, quads):
            store.replace_graph(graph_iri(s), q)
        store.flush()
        replace_s = time.perf_counter() - t
        store2 = OxigraphStore(Path(tmp) / "b")
        data = b"".join(ox.serialize(q, format=ox.RdfFormat.N_QUADS) or b"" for q in quads)
        t = time.perf_counter()
        store2._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)  # noqa: SLF001
        store2.flush()
        bulk_s = time.perf_counter() - t
        store3 = OxigraphStore(Path(tmp) / "t")
        t = time.perf_counter()
        store3._store.load(data, format=ox.RdfFormat.N_QUADS)  # noqa: SLF001
        store3.flush()
        load_s = time.perf_counter() - t
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "defgraph" in file:
            rows.append({"function": f"{Path(file).parent.name}/{Path(file).name}:{line}({func})",
                         "self_s": tt, "cumulative_s": ct, "calls": nc})
    n = len(statements)
    top_self = sorted(rows, key=lambda r: -r["self_s"])[:12]
    for r in top_self:
        r["self_ms_per_statement"] = 1000 * r["self_s"] / n
        r["share_of_extraction"] = r["self_s"] / max(extract_cpu, 1e-9)
    return {
        "statements": n,
        "extract_ms_per_statement": 1000 * extract_cpu / n,
        "map_ms_per_statement": 1000 * map_cpu / n,
        "store_replace_graph_ms_per_statement": 1000 * replace_s / n,
        "store_load_batch_ms_per_statement": 1000 * load_s / n,
        "store_bulk_load_ms_per_statement": 1000 * bulk_s / n,
        "top_functions_by_self_time": top_self,
    }


# --- query servers: one process holds the store or the rdflib graph and answers on stdin/stdout ---


def serve(engine: str, source: str) -> None:
    """Answer query requests, one JSON line in, one JSON line out."""
    from defgraph.vocab import PREFIXES

    t = time.perf_counter()
    if engine == "oxigraph":
        from defgraph.stores import OxigraphStore

        store: Any = OxigraphStore(source, read_only=True)
        size = None
    elif engine == "merged":
        import pyoxigraph as ox

        store = ox.Store.read_only(source)
        size = None
    else:
        import rdflib

        graph = rdflib.Graph()
        graph.parse(source, format="nt")
        size = len(graph)
        namespaces = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}
    ready = {"ready": True, "load_s": time.perf_counter() - t, "triples": size, "maxrss_mb": maxrss_mb()}
    print(json.dumps(ready), flush=True)

    def run_once(text: str, bindings: dict[str, str]) -> int:
        if engine == "oxigraph":  # as defgraph queries its store: the union of the named graphs
            import pyoxigraph as ox

            result = store.query(text, {k: ox.NamedNode(v) for k, v in bindings.items()})
            return len(result.rows) if hasattr(result, "rows") else 1
        if engine == "merged":  # the default graph holds the merged triples, each once
            import pyoxigraph as ox

            solutions = store.query(text, prefixes=PREFIXES, substitutions={
                ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()} or None)
            variables = [v.value for v in solutions.variables]
            return len([[sol[v] for v in variables] for sol in solutions])
        from rdflib import URIRef

        res = graph.query(text, initNs=namespaces,
                          initBindings={k: URIRef(v) for k, v in bindings.items()})
        return len(list(res))

    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "pick":
            import pyoxigraph as ox

            out = {}
            for key, text in req["queries"].items():
                r = store.query(text)
                out[key] = r.rows[0][0].value if r.rows else None
            print(json.dumps({"picked": out}), flush=True)
            continue
        try:
            if engine in ("oxigraph", "merged") and req.get("reopen"):
                # cold: the first run after opening the store
                import pyoxigraph as ox

                from defgraph.stores import OxigraphStore

                del store
                gc.collect()
                store = (OxigraphStore(source, read_only=True) if engine == "oxigraph"
                         else ox.Store.read_only(source))
            t = time.perf_counter()
            rows = run_once(req["text"], req["bindings"])
            first = time.perf_counter() - t
            warm: list[float] = []
            spent = 0.0
            while len(warm) < req["max_runs"] and (len(warm) < 2 or spent < req["budget_s"]) \
                    and not (first > req["budget_s"] and len(warm) >= 1):
                t = time.perf_counter()
                run_once(req["text"], req["bindings"])
                warm.append(time.perf_counter() - t)
                spent += warm[-1]
            print(json.dumps({"first_s": first, "warm": warm, "rows": rows,
                              "maxrss_mb": maxrss_mb()}), flush=True)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            print(json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:300]}"}), flush=True)


class Server:
    """A query server child process with a timeout on every answer."""

    def __init__(self, engine: str, source: str, load_timeout: float) -> None:
        self.engine, self.source = engine, source
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "_serve", engine, source],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.ready = self.read(load_timeout)

    def read(self, timeout: float) -> dict[str, Any] | None:
        """The next reply; None after `timeout` s; an error when the child outgrows MEMORY_CAP_MB."""
        assert self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while not sel.select(min(1.0, max(0.0, deadline - time.monotonic()))):
            rss = rss_mb(self.proc.pid)
            if rss > MEMORY_CAP_MB:
                self.kill()
                return {"error": f"killed at {rss:.0f} MB of memory (cap {MEMORY_CAP_MB} MB)",
                        "memory_cap": True}
            if time.monotonic() >= deadline:
                self.kill()
                return None
        line = self.proc.stdout.readline()
        if not line:
            self.kill()
            return {"error": "the server process died (out of memory?)"}
        return json.loads(line)

    def ask(self, req: dict[str, Any], timeout: float) -> dict[str, Any] | None:
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

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def query_plan(reduced: bool) -> list[dict[str, Any]]:
    """Every query to time: the canned ones (by name), the lookups and the extra aggregate."""
    from defgraph.query import list_queries

    plan = []
    for q in list_queries():
        kind = "aggregate" if q.name in AGGREGATES else "canned"
        bindings = {}
        if any(p.name == "country" and not p.optional for p in q.params):
            bindings = {"country": "https://w3id.org/defgraph/id/country/UKR"}
        plan.append({"name": q.name, "kind": kind, "text": q.text, "bindings": bindings})
    for name, (kind, pick, text) in EXTRA_QUERIES.items():
        plan.append({"name": name, "kind": kind, "text": text, "pick": pick, "bindings": {}})
    if reduced:
        plan = [p for p in plan if p["kind"] in ("lookup", "aggregate")]
    # fast ones first, the slowest self-join last: a timeout then costs no reload
    order = {"lookup": 0, "canned": 1, "aggregate": 2}
    plan.sort(key=lambda p: (order[p["kind"]], p["name"] == "countries_who_met_whom", p["name"]))
    return plan


def time_queries(engine: str, source: str, plan: list[dict[str, Any]], picks: dict[str, str],
                 args: argparse.Namespace, timeout: float, skip: dict[str, str]) -> dict[str, Any]:
    """Time every query of the plan on one engine; `skip`: names that failed at a smaller size.

    A query that timed out or outgrew the memory cap at a smaller size is not run again:
    it only gets slower as the graph grows. Such names are added to `skip`.
    """
    out: dict[str, Any] = {}
    server: Server | None = None
    loads: list[dict[str, Any]] = []
    for q in plan:
        name = q["name"]
        if name in skip:
            out[name] = {"skipped": skip[name]}
            print(f"    {engine:8} {name:28} skipped: {skip[name]}", flush=True)
            continue
        if server is None or not server.alive():
            server = Server(engine, source, args.load_timeout)
            loads.append(server.ready or {"error": "load timed out"})
            if not server.ready or "error" in server.ready:
                out[name] = {"error": "could not load"}
                server = None
                continue
        bindings = dict(q["bindings"])
        if q.get("pick"):
            if not picks.get(q["pick"]):
                out[name] = {"error": "nothing to look up"}
                continue
            bindings[q["pick"]] = picks[q["pick"]]
        req = {"op": "run", "text": q["text"], "bindings": bindings,
               "reopen": engine in ("oxigraph", "merged"), "max_runs": args.runs,
               "budget_s": args.budget}
        started = time.perf_counter()
        reply = server.ask(req, timeout)
        if reply is None or reply.get("memory_cap"):
            if reply is None:
                out[name] = {"timeout": True, "timeout_s": timeout}
                why = f"timed out after {timeout:.0f} s"
            else:
                out[name] = {"error": reply["error"], "memory_cap": True,
                             "after_s": time.perf_counter() - started}
                why = reply["error"]
            skip[name] = f"{why} at a smaller size"
            server = None
            print(f"    {engine:8} {name:28} {why}", flush=True)
            continue
        if "error" in reply:
            out[name] = {"error": reply["error"]}
            print(f"    {engine:8} {name:28} error {reply['error'][:80]}", flush=True)
            continue
        entry = {"first_s": reply["first_s"], "rows": reply["rows"], **summary_of(reply["warm"])}
        out[name] = entry
        print(f"    {engine:8} {name:28} first {reply['first_s']*1000:10.1f} ms  median "
              f"{entry.get('median_s', reply['first_s'])*1000:10.1f} ms  rows {reply['rows']}",
              flush=True)
        out["_maxrss_mb"] = max(out.get("_maxrss_mb", 0), reply["maxrss_mb"])
    if server is not None:
        server.close()
    out["_loads"] = loads
    return out


# --- the run -------------------------------------------------------------------------------------


def child(name: str, a: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run one phase in a child process and return its JSON result (or the error)."""
    out = Path(a["work"]) / f".phase-{name}.json"
    out.unlink(missing_ok=True)
    try:
        proc = subprocess.run([sys.executable, __file__, "_phase", name, json.dumps(a), str(out)],
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0 or not out.is_file():
        return {"error": f"exit code {proc.returncode}"}
    return json.loads(out.read_text())


def run_size(count: int, args: argparse.Namespace, *, reduced: bool, role: str) -> dict[str, Any]:
    work = Path(args.work)
    corpus = work / f"corpus-{count}-seed{args.seed}"
    store = work / f"store-{count}"
    res: dict[str, Any] = {"size": count, "label": label(count), "role": role, "reduced": reduced,
                           "loadavg_before": loadavg(), "not_measured": []}
    print(f"== {label(count)} statements ({role}{', reduced' if reduced else ''})", flush=True)
    base = {"work": str(work), "seed": args.seed}

    marker = corpus / ".complete"
    if marker.is_file():
        res["generate"] = json.loads(marker.read_text())
    else:
        shutil.rmtree(corpus, ignore_errors=True)
        res["generate"] = child("generate", {**base, "corpus": str(corpus), "count": count})
        marker.write_text(json.dumps(res["generate"]))
    print(f"  corpus: {res['generate']}", flush=True)

    cores = os.cpu_count() or 1
    if reduced or count > args.one_process_max:
        res["ingest_one_process"] = None
        res["not_measured"].append(
            "one-process ingest (it runs at the same rate per statement as at the smaller sizes; "
            "see those)")
    else:
        r = child("ingest", {**base, "corpus": str(corpus), "store": str(store) + "-1p",
                             "workers": 1, "count_triples": False})
        res["ingest_one_process"] = r
        shutil.rmtree(str(store) + "-1p", ignore_errors=True)
        print(f"  ingest, 1 process: {r.get('statements_per_s', 0):.1f} statements/s", flush=True)
    r = child("ingest", {**base, "corpus": str(corpus), "store": str(store), "workers": cores})
    res["ingest_all_cores"] = r
    print(f"  ingest, {cores} workers: {r.get('statements_per_s', 0):.1f} statements/s, "
          f"{r.get('triples')} triples, {r.get('quads')} quads", flush=True)
    if "error" in r:
        return res
    res["triples"] = r["triples"]
    res["quads"] = r["quads"]
    res["optimize"] = child("optimize", {**base, "store": str(store)})

    # Exports (the N-Triples with the ontology feeds rdflib; the N-Quads feeds the loaders).
    formats = args.reduced_formats.split(",") if reduced else list(FORMATS)
    res["exports"] = {}
    exports = work / f"exports-{count}"
    exports.mkdir(exist_ok=True)
    for fmt in formats:
        path = exports / f"graph.{fmt}"
        e = child("export", {**base, "store": str(store), "format": fmt, "path": str(path)},
                  timeout=args.export_timeout)
        res["exports"][fmt] = e
        print(f"  export {fmt}: {e}", flush=True)
        if fmt not in ("nquads",):
            path.unlink(missing_ok=True)
    if reduced:
        res["not_measured"].append(f"exports other than {', '.join(formats)}")

    if not reduced and (exports / "graph.nquads").is_file():
        res["loaders"] = child("loaders", {**base, "nquads": str(exports / "graph.nquads"),
                                           "loaders": ["load", "bulk_load"]})
        print(f"  loaders: {res['loaders']}", flush=True)

    # Queries on the embedded store, as defgraph queries it (the union of the named graphs).
    plan = query_plan(reduced)
    picker = Server("oxigraph", str(store), args.load_timeout)
    picks = (picker.ask({"op": "pick", "queries": PICKS}, 1800) or {}).get("picked", {})
    picker.close()
    res["picked"] = picks
    res["queries_oxigraph"] = time_queries("oxigraph", str(store), plan, picks, args,
                                           args.query_timeout, args.skips["oxigraph"])
    if reduced:
        res["not_measured"].append("canned listing queries (lookups and aggregates only)")

    # The same triples merged (each once) in the default graph of a second store, beside the
    # statement graphs: what a store-side merged graph would give, on the data rdflib gets.
    nt = exports / "graph-with-ontology.nt"
    e = child("export", {**base, "store": str(store), "format": "nt", "path": str(nt),
                         "include_ontology": True}, timeout=args.export_timeout)
    res["rdflib_source"] = {"triples": e.get("items"), "bytes": e.get("bytes")}
    merged = work / f"merged-{count}"
    if (exports / "graph.nquads").is_file() and nt.is_file():
        res["merged_store"] = child("merged", {**base, "store": str(merged), "nt": str(nt),
                                               "nquads": str(exports / "graph.nquads")})
        print(f"  merged store: {res['merged_store']}", flush=True)
        res["queries_merged"] = time_queries("merged", str(merged), plan, picks, args,
                                             args.query_timeout, args.skips["merged"])
        shutil.rmtree(merged, ignore_errors=True)

    # The rdflib baseline on the N-Triples export.
    if reduced or args.no_rdflib:
        res["queries_rdflib"] = None
        res["not_measured"].append("the rdflib baseline")
    elif nt.is_file():
        res["queries_rdflib"] = time_queries("rdflib", str(nt), plan, picks, args,
                                             args.rdflib_timeout, args.skips["rdflib"])
    nt.unlink(missing_ok=True)
    shutil.rmtree(exports, ignore_errors=True)
    res["store_bytes"] = du(store)
    res["loadavg_after"] = loadavg()
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000",
                   help="statement counts, comma-separated (default 1000,10000; add 100000 with "
                        "--merge for the long run)")
    p.add_argument("--million", action=argparse.BooleanOptionalAction, default=True,
                   help="add the 1 M-triple point, sized from the previous size (default on)")
    p.add_argument("--reduced-above", type=int, default=50_000,
                   help="sizes above this get the reduced run (default 50000)")
    p.add_argument("--one-process-max", type=int, default=10_000,
                   help="measure one-process ingest up to this size (default 10000)")
    p.add_argument("--runs", type=int, default=20, help="warm runs per query, at most (default 20)")
    p.add_argument("--budget", type=float, default=15.0,
                   help="seconds of warm runs per query before stopping early (default 15)")
    p.add_argument("--rdflib-timeout", type=float, default=120.0,
                   help="seconds an rdflib query may take before it is killed (default 120)")
    p.add_argument("--query-timeout", type=float, default=60.0,
                   help="seconds an Oxigraph query may take before it is killed (default 60; "
                        "the targets ask for 2 s at most)")
    p.add_argument("--load-timeout", type=float, default=1800.0,
                   help="seconds for loading a query server (default 1800)")
    p.add_argument("--export-timeout", type=float, default=1800.0)
    p.add_argument("--reduced-formats", default="nquads,turtle")
    p.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", default="/tmp/defgraph-bench", help="scratch folder (corpora, stores)")
    p.add_argument("--keep", action="store_true", help="keep the stores in --work")
    p.add_argument("--out", default=str(RESULTS))
    p.add_argument("--markdown", default=str(MARKDOWN))
    p.add_argument("--merge", action="store_true",
                   help="keep the sizes already in --out that this run does not measure")
    p.add_argument("--render", action="store_true", help="only rewrite the Markdown from --out")
    args = p.parse_args(argv)

    if args.render:
        results = json.loads(Path(args.out).read_text())
        Path(args.markdown).write_text(render(results), encoding="utf-8")
        print(f"wrote {args.markdown}")
        return 0

    Path(args.work).mkdir(parents=True, exist_ok=True)
    args.skips = {"oxigraph": {}, "merged": {}, "rdflib": {}}
    started = time.time()
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(), "settings": {k: v for k, v in vars(args).items()
                                           if k not in ("out", "markdown", "render")},
        "runs": [],
    }
    if args.merge and Path(args.out).is_file():
        previous = json.loads(Path(args.out).read_text())
        results["runs"] = previous.get("runs", [])
        results["profile"] = previous.get("profile")
        restore_skips(results["runs"], args.skips)

    def save() -> None:
        results["runs"].sort(key=lambda r: r["size"])
        results["targets"] = evaluate(results)
        Path(args.out).write_text(json.dumps(results, indent=1, default=str) + "\n")
        Path(args.markdown).write_text(render(results), encoding="utf-8")

    def record(r: dict[str, Any]) -> None:
        results["runs"] = [x for x in results["runs"] if x["size"] != r["size"]] + [r]
        save()

    if not results.get("profile"):
        results["profile"] = child("profile", {"work": args.work, "seed": args.seed, "count": 300})
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    million_done = not args.million
    for count in sizes:
        if not million_done and results["runs"]:
            last = max((r for r in results["runs"] if r.get("triples")), key=lambda r: r["size"],
                       default=None)
            if last:
                per = last["triples"] / last["size"]
                m = math.ceil(1_000_000 / per / 1000) * 1000
                if m <= count:
                    record(run_size(m, args, reduced=False, role="1M-triple point"))
                    million_done = True
        reduced = count > args.reduced_above
        record(run_size(count, args, reduced=reduced, role="size"))
    if not million_done and results["runs"]:
        last = max(results["runs"], key=lambda r: r["size"])
        per = last["triples"] / last["size"]
        m = math.ceil(1_000_000 / per / 1000) * 1000
        record(run_size(m, args, reduced=False, role="1M-triple point"))
    results["total_minutes"] = (time.time() - started) / 60
    save()
    print(f"wrote {args.out} and {args.markdown} in {results['total_minutes']:.1f} min")
    return 0


def restore_skips(runs: list[dict[str, Any]], skips: dict[str, dict[str, str]]) -> None:
    """Queries that timed out or outgrew the memory cap in earlier results are not run again."""
    for r in sorted(runs, key=lambda r: r["size"]):
        for engine in skips:
            for name, entry in (r.get(f"queries_{engine}") or {}).items():
                if isinstance(entry, dict) and (entry.get("timeout") or entry.get("memory_cap")):
                    skips[engine].setdefault(name, f"failed at {r['label']} statements")


# --- targets and the Markdown table ---------------------------------------------------------------


def _million(results: dict[str, Any]) -> dict[str, Any] | None:
    runs = [r for r in results["runs"] if r.get("role") == "1M-triple point"]
    if runs:
        return runs[0]
    full = [r for r in results["runs"] if r.get("triples") and not r.get("reduced")]
    return min(full, key=lambda r: abs(r["triples"] - 1_000_000)) if full else None


def _ratio(ox: dict[str, Any] | None, rl: dict[str, Any] | None) -> tuple[float | None, bool]:
    """rdflib time / Oxigraph time (warm medians); (lower bound, True) when rdflib timed out."""
    if not ox or "error" in ox or "timeout" in ox:
        return None, False
    oxt = ox.get("median_s", ox.get("first_s"))
    if not rl or "error" in rl:
        return None, False
    if not oxt:
        return None, False
    if "timeout" in rl:
        return (rl["timeout_s"] / oxt, True) if rl.get("timeout_s") else (None, False)
    rlt = rl.get("median_s") or rl.get("first_s")
    return (rlt / oxt, False) if rlt else (None, False)


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    m = _million(results)
    if m is None:
        return []
    out: list[dict[str, Any]] = []
    where = f"{m['label']} statements, {m.get('triples', 0):,} triples"
    ing = m.get("ingest_all_cores") or {}
    rate = ing.get("statements_per_s")
    out.append({"target": "ingest with all cores", "threshold": f">= {TARGETS['ingest_per_s']} statements/s",
                "measured": f"{rate:.0f} statements/s ({where})" if rate else "not measured",
                "met": bool(rate and rate >= TARGETS["ingest_per_s"])})
    oxq = m.get("queries_oxigraph") or {}
    mgq = m.get("queries_merged") or {}
    rlq = m.get("queries_rdflib") or {}
    for kind, names, limit in (("lookup", LOOKUPS, TARGETS["lookup_s"]),
                               ("aggregate", AGGREGATES, TARGETS["aggregate_s"])):
        for name in names:
            q = oxq.get(name) or {}
            med = q.get("median_s")
            alt = (mgq.get(name) or {}).get("median_s")
            also = f" (merged default graph: {_ms(mgq.get(name))})" if alt is not None else ""
            out.append({"target": f"{kind} `{name}` median", "threshold": f"< {limit*1000:.0f} ms",
                        "measured": _ms(q) + also,
                        "met": bool(med is not None and med < limit)})
            ratio, lower = _ratio(q, rlq.get(name))
            alt_ratio, alt_lower = _ratio(mgq.get(name), rlq.get(name))
            also = f" (merged default graph: {_x(alt_ratio, alt_lower)})" if alt_ratio else ""
            out.append({"target": f"{kind} `{name}` vs rdflib", "threshold": f">= {TARGETS['ratio']}x faster",
                        "measured": (_x(ratio, lower) if ratio
                                     else _ratio_missing(q, rlq.get(name))) + also,
                        "met": bool(ratio and ratio >= TARGETS["ratio"])})
    mem = []
    if ing:
        mem.append(("ingest (main + largest worker)",
                    ing.get("maxrss_main_mb", 0) + ing.get("maxrss_worker_mb", 0)))
    if oxq.get("_maxrss_mb"):
        mem.append(("queries", oxq["_maxrss_mb"]))
    peak = max((v for _, v in mem), default=None)
    out.append({"target": "peak memory at 1 M triples (ingest, queries)",
                "threshold": f"< {TARGETS['memory_mb']} MB",
                "measured": ", ".join(f"{k} {v:.0f} MB" for k, v in mem) or "not measured",
                "met": bool(peak is not None and peak < TARGETS["memory_mb"])})
    return out


def _x(ratio: float | None, lower: bool = False) -> str:
    """A ratio as '12x', '1.5x' or '0.04x'; '>= ' when it is a lower bound."""
    if not ratio:
        return "-"
    text = f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2f}x"
    return (">= " if lower else "") + text


def _ratio_missing(ox: dict[str, Any] | None, rl: dict[str, Any] | None) -> str:
    if ox and ("timeout" in ox or "skipped" in ox or "error" in ox):
        return "no Oxigraph figure (" + _ms(ox) + ")"
    return "no rdflib figure" if rl is not None else "not measured"


def _ms(entry: dict[str, Any] | None, key: str = "median_s") -> str:
    if entry is None:
        return "-"
    if "timeout" in entry:
        return f"timeout ({entry['timeout_s']:.0f} s)"
    if "skipped" in entry:
        return "skipped: " + entry["skipped"]
    if entry.get("memory_cap"):
        return "killed: " + entry["error"].removeprefix("killed ")
    if "error" in entry:
        return "error: " + entry["error"][:60]
    v = entry.get(key)
    if v is None:
        return "-"
    return f"{v*1000:.1f} ms" if v < 10 else f"{v:.1f} s"


def _num(v: float | int | None, digits: int = 0) -> str:
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def _mb(v: float | int | None) -> float | None:
    return None if v is None else v / 1e6


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    L: list[str] = []
    add = L.append
    add("# Benchmarks")
    add("")
    add("Written by `bench/run.py` (do not edit by hand; re-run it, or `python bench/run.py --render` "
        "to redraw this page from `bench/results.json`).")
    add("")
    add(f"Measured {results['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, "
        f"{m['os']}; Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, "
        f"defgraph {m['defgraph']}. Command: `{results['command'].strip()}`"
        + (f"; {results['total_minutes']:.0f} minutes in all." if results.get("total_minutes") else "."))
    add("")
    add("Statements are synthetic (`bench/generate.py`, seed "
        f"{results['settings'].get('seed')}), about 300 words each, of every kind the extractor "
        "knows. Times are wall-clock medians; the machine may be shared, so the load average "
        "before and after each size is in the results file.")
    add("")
    targets = results.get("targets") or []
    if targets:
        mm = _million(results)
        add(f"## Targets (at the 1 M-triple point: {mm['label']} statements, "
            f"{mm.get('triples', 0):,} distinct triples)" if mm else "## Targets")
        add("")
        add("| target | threshold | measured | met |")
        add("|---|---|---|---|")
        for t in targets:
            add(f"| {t['target']} | {t['threshold']} | {t['measured']} | {'met' if t['met'] else '**not met**'} |")
        add("")
        add(_limits(results))
        add("")
    add("## Ingest")
    add("")
    add("| statements | files | words/statement | distinct triples | quads | 1 process: statements/s | "
        "all cores: statements/s | all cores: triples/s | speed-up | store on disk (after optimize) | "
        "peak memory: main / largest worker |")
    add("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results["runs"]:
        g = r.get("generate", {})
        one = r.get("ingest_one_process") or {}
        allc = r.get("ingest_all_cores") or {}
        speed = (allc.get("statements_per_s", 0) / one["statements_per_s"]
                 if one.get("statements_per_s") else None)
        opt = r.get("optimize") or {}
        point = " (1 M-triple point)" if r.get("role") == "1M-triple point" else ""
        cells = [
            f"{r['label']}{point}", _num(g.get("files")), _num(g.get("words_mean")),
            _num(r.get("triples")), _num(r.get("quads")), _num(one.get("statements_per_s"), 1),
            f"{_num(allc.get('statements_per_s'), 1)} ({allc.get('workers', '-')} workers)",
            _num(allc.get("quads_per_s")), f"{speed:.2f}x" if speed else "-",
            f"{_num(_mb(allc.get('store_bytes')))} MB ({_num(_mb(opt.get('store_bytes')))} MB)",
            f"{_num(allc.get('maxrss_main_mb'))} / {_num(allc.get('maxrss_worker_mb'))} MB",
        ]
        add("| " + " | ".join(cells) + " |")
    add("")
    add("Triples/s counts quads written (each statement's triples in its own named graph). "
        "One process is `--workers 1` (extract, then `replace_graph`, statement by statement); "
        "all cores is the bulk path (`src/defgraph/bulk.py`): workers extract, the main process "
        "writes batches of whole statements, with Oxigraph's bulk loader into a fresh store.")
    add("")
    prof = results.get("profile") or {}
    if prof and "error" not in prof:
        add("### Where one process spends its time, per statement")
        add("")
        add(f"Profile of {prof['statements']} generated statements in one process: extraction "
            f"{prof['extract_ms_per_statement']:.1f} ms of CPU, mapping to quads "
            f"{prof['map_ms_per_statement']:.1f} ms, storing with `replace_graph` "
            f"{prof['store_replace_graph_ms_per_statement']:.1f} ms, with a batched transactional "
            f"`load` {prof['store_load_batch_ms_per_statement']:.1f} ms, with the bulk loader "
            f"{prof['store_bulk_load_ms_per_statement']:.1f} ms.")
        add("")
        add("| function (self time) | ms per statement | share of extraction |")
        add("|---|---|---|")
        for f in prof["top_functions_by_self_time"][:8]:
            add(f"| `{f['function']}` | {f['self_ms_per_statement']:.2f} | {f['share_of_extraction']:.0%} |")
        add("")
    full = [r for r in results["runs"] if r.get("queries_oxigraph")]
    for r in full:
        oxq = r["queries_oxigraph"]
        mgq = r.get("queries_merged") or {}
        rlq = r.get("queries_rdflib") or {}
        has_rdflib = r.get("queries_rdflib") is not None
        add(f"## Queries at {r['label']} statements ({r.get('triples') or 0:,} distinct triples"
            f"{', the 1 M-triple point' if r.get('role') == '1M-triple point' else ''})")
        add("")
        loads = [x for x in rlq.get("_loads", []) if x and "load_s" in x]
        if loads:
            add(f"rdflib loaded the N-Triples export ({r.get('rdflib_source', {}).get('triples', 0):,} "
                f"triples with the ontology) in {loads[0]['load_s']:.1f} s, "
                f"{loads[0]['maxrss_mb']:.0f} MB; {len(loads)} load(s) in all (one more after "
                "each timeout).")
            add("")
        add("| query | kind | rows: store / merged / rdflib | store cold | store warm median | "
            "store p95 | merged warm median | rdflib median | rdflib ÷ store | rdflib ÷ merged |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for p in query_plan(r.get("reduced", False)):
            name = p["name"]
            o, g = oxq.get(name), mgq.get(name)
            rl = rlq.get(name) if has_rdflib else None
            rows = [str(x.get("rows", "-")) if x else "-" for x in (o, g, rl)]
            if not has_rdflib:
                rows[2] = "n/m"
            ratio, lower = _ratio(o, rl)
            alt, alt_lower = _ratio(g, rl)
            add(f"| `{name}` | {p['kind']} | {' / '.join(rows)} | {_ms(o, 'first_s')} | {_ms(o)} | "
                f"{_ms(o, 'p95_s')} | {_ms(g)} | {_ms(rl) if has_rdflib else 'not measured'} | "
                f"{_x(ratio, lower)} | {_x(alt, alt_lower)} |")
        add("")
        notes = []
        if oxq.get("_maxrss_mb"):
            notes.append(f"Peak memory of the query process: store {oxq['_maxrss_mb']:.0f} MB"
                         + (f", merged {mgq['_maxrss_mb']:.0f} MB" if mgq.get("_maxrss_mb") else "")
                         + (f", rdflib {rlq['_maxrss_mb']:.0f} MB" if rlq.get("_maxrss_mb") else "") + ".")
        ms = r.get("merged_store") or {}
        if ms and "error" not in ms:
            notes.append(f"The merged store (statement graphs plus their merged triples in the "
                         f"default graph) took {ms['seconds']:.1f} s to bulk-load and "
                         f"{ms['store_bytes']/1e6:.0f} MB on disk.")
        notes.append("*Store* is the embedded store as defgraph queries it: the default graph is "
                     "the union of the statement graphs, in which a triple stated by n statements "
                     "is there n times. *Merged* is the same data with each triple once in the "
                     "default graph (rdflib's data). Cold is the first run after opening the "
                     "store (the OS file cache stays warm); warm is the median and p95 of up to "
                     f"{results['settings'].get('runs')} further runs. A query that timed out or "
                     "outgrew the memory cap at a smaller size is not run again. rdflib's Graph "
                     "has no named graphs, so a `GRAPH ?g` pattern fails there.")
        add(" ".join(notes))
        add("")
    add("## Exports")
    add("")
    add("| statements | format | seconds | size | triples (or quads)/s | peak memory |")
    add("|---|---|---|---|---|---|")
    for r in results["runs"]:
        for fmt, e in (r.get("exports") or {}).items():
            if "error" in e:
                add(f"| {r['label']} | {fmt} | {e['error']} | | | |")
                continue
            add(f"| {r['label']} | {fmt} | {e['seconds']:.1f} | {e['bytes']/1e6:.0f} MB | "
                f"{e['items_per_s']:,.0f} | {e['maxrss_mb']:.0f} MB |")
    add("")
    loaders = [(r["label"], r["loaders"]) for r in results["runs"] if r.get("loaders") and "error" not in r["loaders"]]
    if loaders:
        add("## Oxigraph's loaders on the N-Quads export")
        add("")
        add("| statements | `Store.load` (one transaction) quads/s | `Store.bulk_load` quads/s |")
        add("|---|---|---|")
        for lab, ld in loaders:
            add(f"| {lab} | {ld['load']['quads_per_s']:,.0f} | {ld['bulk_load']['quads_per_s']:,.0f} |")
        add("")
    nm = [(r["label"], x) for r in results["runs"] for x in r.get("not_measured", [])]
    if nm:
        add("## Not measured")
        add("")
        for lab, x in nm:
            add(f"- {lab}: {x}")
        add("")
    return "\n".join(L)


def _limits(results: dict[str, Any]) -> str:
    """Why the targets that are not met are not, from the measurements."""
    notes: list[str] = []
    targets = {t["target"]: t for t in results.get("targets", [])}
    prof = results.get("profile") or {}
    m = _million(results)
    ing = (m or {}).get("ingest_all_cores") or {}
    if not targets.get("ingest with all cores", {}).get("met", True) and prof and "error" not in prof:
        cores = results["machine"]["cores"] or 1
        per = prof["extract_ms_per_statement"] + prof["map_ms_per_statement"]
        ceiling = 1000 * cores / per
        top = prof["top_functions_by_self_time"][0]
        notes.append(
            f"**Ingest is limited by extraction.** One statement costs {per:.1f} ms of CPU to "
            f"extract and map, so {cores} cores cannot exceed about {ceiling:.0f} statements/s "
            f"even with free storing; storing costs {prof['store_bulk_load_ms_per_statement']:.1f} ms "
            f"a statement with the bulk loader ({prof['store_replace_graph_ms_per_statement']:.1f} ms "
            f"one at a time). The all-cores run reached {ing.get('statements_per_s', 0):.0f}/s. "
            f"The largest single cost is `{top['function']}` at {top['self_ms_per_statement']:.1f} ms "
            f"a statement ({top['share_of_extraction']:.0%} of extraction).")
    slow = [t for t in results.get("targets", []) if not t["met"] and ("median" in t["target"] or "rdflib" in t["target"])]
    if slow and m:
        copies = (m.get("picked") or {}).get("_copies_of_ukraine_label")
        quads, triples = m.get("quads") or 0, m.get("triples") or 1
        notes.append(
            "**What limits the queries that miss.** defgraph queries its store with the default "
            "graph as the union of the statement graphs; Oxigraph's union keeps a triple once per "
            f"graph that states it ({quads:,} quads for {triples:,} distinct triples here). Facts "
            "about states, organisations and places are stored once, in a shared reference graph"
            + (f" (Ukraine's `rdfs:label`: {copies} copy)" if copies == 1 else
               f" (Ukraine's `rdfs:label`: {copies} copies)" if copies else "")
            + ", but a person or a merged event is described in every statement that reports "
            "it, and the whole-graph listings (timeline, who met whom, evidence) join and sort "
            "every event. The *merged* column runs the same queries on the same data with each "
            "triple once in the default graph. Missed: "
            + "; ".join(f"{t['target']} ({t['measured']})" for t in slow) + ".")
    return "\n\n".join(notes)


def _phase_main(name: str, a: dict[str, Any], out: str) -> None:
    fn = globals()[f"phase_{name}"]
    result = fn(a)
    Path(out).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_phase":
        _phase_main(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
