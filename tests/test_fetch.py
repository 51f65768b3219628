"""defgraph fetch / sources / update against a real web server on 127.0.0.1 (tests/fetch_site.py).

The server logs every request it receives; politeness, conditional requests and
robots.txt are asserted from that log. Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import glob
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fetch_site import (
    Reply,
    Site,
    add_articles,
    article_html,
    atom,
    rfc822,
    rss,
    sitemap,
    sitemap_index,
)

from defgraph.cli import main
from defgraph.ingest import iter_statements
from defgraph.pipeline import KnowledgeGraph
from defgraph.sources.fetch import FetchOptions, FetchReport, fetch_sources
from defgraph.sources.http import Politeness
from defgraph.sources.registry import SOURCES_GRAPH
from defgraph.vocab import ONTOLOGY_GRAPH

REPO = Path(__file__).resolve().parents[1]
FAST = ["--interval", "0.05", "--timeout", "2", "--retries", "1"]


@pytest.fixture()
def site() -> Iterator[Site]:
    s = Site()
    s.routes["/robots.txt"] = Reply(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    yield s
    s.stop()


def fast(**kw: object) -> FetchOptions:
    p = Politeness(interval=0.05, read_timeout=1.0, connect_timeout=1.0, retries=1, backoff=0.05)
    for k, v in list(kw.items()):
        if hasattr(p, k):
            setattr(p, k, v)
            kw.pop(k)
    return FetchOptions(politeness=p, **kw)  # type: ignore[arg-type]


def run(tmp_path: Path, urls: list[str], options: FetchOptions | None = None) -> FetchReport:
    with KnowledgeGraph(tmp_path / "store") as kg:
        return fetch_sources(kg, urls, options or fast(), folder=tmp_path / "store" / "archive")


def statement_sources(store: Path) -> list[str]:
    """dct:source of every statement, one entry per statement (duplicates would show)."""
    with KnowledgeGraph(store) as kg:
        rows = kg.query("SELECT ?s ?src WHERE { GRAPH ?g { ?s a dg:Statement ; dct:source ?src } }")
    return sorted(str(r["src"]) for r in rows)


def statement_quads(store: Path) -> set[ox.Quad]:
    skip = {ox.NamedNode(SOURCES_GRAPH), ox.NamedNode(ONTOLOGY_GRAPH)}
    with KnowledgeGraph(store) as kg:
        return {q for q in kg.store.quads() if q.graph_name not in skip}


def feed_of(site: Site, paths: list[str], suffix: str = "") -> bytes:
    return rss([(site.url(p) + suffix, f"item {p}", rfc822(i % 27 + 1)) for i, p in enumerate(paths)])


# -- acceptance ------------------------------------------------------------------------------


def test_feed_of_20_then_update_with_nothing_new_then_offline_rebuild(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 20)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml",
                                     etag='"feed-1"', last_modified=rfc822(28))
    store = tmp_path / "store"
    runner = CliRunner()
    added = runner.invoke(main, ["sources", "add", site.url("/feed.xml"), "--store", str(store)])
    assert added.exit_code == 0, added.output

    first = runner.invoke(main, ["update", "--store", str(store), *FAST])
    assert first.exit_code == 0, first.output
    assert "20 new" in first.output
    assert len(statement_sources(store)) == 20
    assert len(set(statement_sources(store))) == 20
    assert all(len(site.hits_for(p)) == 1 for p in paths)
    assert len(site.hits_for("/feed.xml")) == 1 and len(site.hits_for("/robots.txt")) == 1

    before = len(site.hits)
    second = runner.invoke(main, ["update", "--store", str(store), *FAST])
    assert second.exit_code == 0, second.output
    assert "not modified" in second.output and "0 new" in second.output
    new_hits = site.hits[before:]
    assert [h.path for h in new_hits] == ["/feed.xml"]  # robots.txt cached, no article again
    assert all(h.conditional for h in new_hits)
    assert new_hits[0].headers["if-none-match"] == '"feed-1"'
    assert len(statement_sources(store)) == 20

    # the network cut off: the WARC files alone rebuild the same statement graphs
    site.stop()
    warcs = sorted(glob.glob(str(store / "archive" / "*.warc.gz")))
    assert warcs
    rebuilt = tmp_path / "rebuilt"
    result = runner.invoke(main, ["ingest", *warcs, "--store", str(rebuilt)])
    assert result.exit_code == 0, result.output
    original, again = statement_quads(store), statement_quads(rebuilt)
    assert len(original) > 20 * 5
    assert original == again


def test_a_disallowed_path_is_never_requested(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 2)
    site.routes["/private/secret-1"] = Reply(article_html(7, site.base).encode())
    site.routes["/feed.xml"] = Reply(feed_of(site, [*paths, "/private/secret-1"]), "application/rss+xml")
    report = run(tmp_path, [site.url("/feed.xml")])
    assert site.hits_for("/private/secret-1") == []
    (source,) = report.sources
    assert source.new == 2
    assert [(url.endswith("/private/secret-1"), "robots.txt" in why) for url, why in source.failed] == [
        (True, True)]


def test_429_with_retry_after_2_is_retried_after_2_seconds(site: Site, tmp_path: Path) -> None:
    body = article_html(3, site.base, path="/news/busy").encode()
    site.routes["/news/busy"] = lambda n: (
        Reply(b"slow down", "text/plain", 429, {"Retry-After": "2"}) if n == 0 else Reply(body))
    report = run(tmp_path, [site.url("/news/busy")], fast(retries=2))
    hits = site.hits_for("/news/busy")
    assert len(hits) == 2
    assert hits[1].time - hits[0].time >= 2.0
    assert report.sources[0].new == 1 and report.ok


def test_one_request_per_second_per_host_by_default_and_an_identifying_user_agent(
        site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 3)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["fetch", site.url("/feed.xml"), "--store", str(store),
                                       "--contact", "analyst@example.org"])
    assert result.exit_code == 0, result.output
    times = [h.time for h in site.hits]
    assert len(times) == 5  # robots.txt, the feed, three articles
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0, gaps  # the default interval, counted from the end of each exchange
    agents = {h.headers["user-agent"] for h in site.hits}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("defgraph/") and "analyst@example.org" in agent


# -- dedup, listings, since, limit -------------------------------------------------------------


def test_the_same_article_through_two_feeds_and_a_sitemap_is_one_statement(
        site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 6)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths, "?utm_source=rss&utm_medium=feed"),
                                     "application/rss+xml")
    site.routes["/atom.xml"] = Reply(atom([(site.url(p) + "?fbclid=abc", p, f"2025-03-{i + 1:02d}T08:00:00Z")
                                           for i, p in enumerate(paths[2:])]), "application/atom+xml")
    site.routes["/sitemap.xml"] = Reply(sitemap([(site.url(p), "2025-03-01") for p in paths]),
                                        "application/xml")
    report = run(tmp_path, [site.url("/feed.xml"), site.url("/atom.xml"), site.url("/sitemap.xml")])
    assert report.ok, [s.line() for s in report.sources]
    assert [s.kind for s in report.sources] == ["feed", "feed", "sitemap"]
    assert [s.new for s in report.sources] == [6, 0, 0]
    assert all(len(site.hits_for(p)) == 1 for p in paths)
    sources = statement_sources(tmp_path / "store")
    assert sources == sorted(site.url(p) for p in paths)  # tracking parameters gone


def test_sitemap_index_and_news_sitemap_with_since_and_limit(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 8)
    site.routes["/news-sitemap.xml"] = Reply(
        sitemap([(site.url(p), f"2025-03-{i + 1:02d}") for i, p in enumerate(paths[:4])], news=True),
        "application/xml")
    site.routes["/sitemap-2.xml"] = Reply(
        sitemap([(site.url(p), f"2025-03-{i + 10:02d}") for i, p in enumerate(paths[4:])]), "text/xml")
    site.routes["/sitemap-index.xml"] = Reply(
        sitemap_index([site.url("/news-sitemap.xml"), site.url("/sitemap-2.xml")]), "application/xml")
    import datetime as dt

    report = run(tmp_path, [site.url("/sitemap-index.xml")], fast(since=dt.date(2025, 3, 3), limit=4))
    (source,) = report.sources
    assert source.kind == "sitemapindex" and source.listed == 8
    # 2 items are older than --since (never requested); of the 6 left the newest 4 are fetched
    assert source.new == 4 and source.skipped == 4
    assert site.hits_for(paths[0]) == [] and site.hits_for(paths[1]) == []
    fetched = {p for p in paths if site.hits_for(p)}
    assert fetched == set(paths[4:])


def test_a_single_page_then_a_conditional_request(site: Site, tmp_path: Path) -> None:
    add_articles(site, 1)
    url = site.url("/news/article-0")
    assert run(tmp_path, [url]).sources[0].new == 1
    again = run(tmp_path, [url])
    assert again.sources[0].not_modified
    hits = site.hits_for("/news/article-0")
    assert len(hits) == 2 and not hits[0].conditional and hits[1].conditional


def test_a_changed_article_replaces_its_statement(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 2)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml")
    run(tmp_path, [site.url("/feed.xml")])
    # the article is edited and the feed says so with a new date
    site.routes[paths[0]] = Reply(article_html(0, site.base, extra="A correction was added.").encode(),
                                  etag='"a0-v2"')
    site.routes["/feed.xml"] = Reply(rss([(site.url(paths[0]), "edited", rfc822(20)),
                                          (site.url(paths[1]), "same", rfc822(2))]), "application/rss+xml")
    report = run(tmp_path, [site.url("/feed.xml")])
    assert (report.sources[0].changed, report.sources[0].unchanged) == (1, 1)
    assert len(site.hits_for(paths[0])) == 2 and len(site.hits_for(paths[1])) == 1
    assert site.hits_for(paths[0])[1].headers.get("if-none-match") == '"a0"'
    assert len(statement_sources(tmp_path / "store")) == 2
    with KnowledgeGraph(tmp_path / "store") as kg:
        texts = [r["t"] for r in kg.query("SELECT ?t WHERE { ?s a dg:Statement ; dg:text ?t }")]
    assert sum("A correction was added." in str(t) for t in texts) == 1


# -- faults -----------------------------------------------------------------------------------


def test_every_fault_is_one_clear_line_and_the_rest_is_stored(site: Site, tmp_path: Path) -> None:
    good = add_articles(site, 2)
    flaky = article_html(11, site.base, path="/news/flaky").encode()
    site.routes["/news/flaky"] = lambda n: Reply(b"oops", "text/plain", 500) if n == 0 else Reply(flaky)
    site.routes["/news/gone"] = Reply(b"gone", "text/plain", 404)
    site.routes["/news/hangs"] = Reply(article_html(12, site.base).encode(), delay=3.0)
    site.routes["/news/huge"] = Reply(stream=50 * 1024 * 1024)
    site.routes["/news/huge-unannounced"] = Reply(stream=50 * 1024 * 1024, announce_length=False)
    site.routes["/news/loop-a"] = Reply(status=302, headers={"Location": "/news/loop-b"})
    site.routes["/news/loop-b"] = Reply(status=302, headers={"Location": "/news/loop-a"})
    site.routes["/news/report.pdf"] = Reply(b"%PDF-1.4 not a page", "application/pdf")
    for i in range(8):  # a chain longer than the redirect limit
        site.routes[f"/news/chain-{i}"] = Reply(status=301, headers={"Location": f"/news/chain-{i + 1}"})
    latin = article_html(13, site.base, path="/news/latin", extra="Le ministre a salué la coopération "
                         "franco-allemande à Besançon.").replace('<meta charset="utf-8">', "")
    site.routes["/news/latin"] = Reply(latin.encode("iso-8859-1"), "text/html; charset=iso-8859-1")
    listed = [*good, "/news/flaky", "/news/gone", "/news/hangs", "/news/huge",
              "/news/huge-unannounced", "/news/loop-a", "/news/report.pdf", "/news/latin",
              "/news/chain-0"]
    site.routes["/feed.xml"] = Reply(feed_of(site, listed), "application/rss+xml")
    site.routes["/broken-feed.xml"] = Reply(b"this is not xml at all", "application/rss+xml")
    site.routes["/truncated-feed.xml"] = Reply(b"<?xml version='1.0'?><rss><channel><item>",
                                               "application/rss+xml")

    # a server that never answers: connections queue in its backlog, nothing is ever read
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        report = run(tmp_path, [site.url("/feed.xml"), site.url("/broken-feed.xml"),
                                site.url("/truncated-feed.xml"), site.url("/nothing-here.xml"),
                                f"http://127.0.0.1:{silent.getsockname()[1]}/feed.xml"],
                     fast(read_timeout=0.5, max_bytes=1024 * 1024, max_redirects=4))
    finally:
        silent.close()
    feed, broken, truncated, missing, mute = report.sources
    assert mute.error and "robots.txt" in mute.error and "timed out" in mute.error
    assert feed.new == 4  # two plain articles, the one that failed once, the Latin-1 page
    why = {url.rsplit("/", 1)[1]: reason for url, reason in feed.failed}
    assert set(why) == {"gone", "hangs", "huge", "huge-unannounced", "loop-a", "report.pdf",
                        "chain-0"}
    assert why["chain-0"].startswith("more than 4 redirects")
    assert site.hits_for("/news/chain-6") == []
    assert why["gone"] == "HTTP 404 Not Found"
    assert "timed out" in why["hangs"]
    assert "above the 1.0 MB limit" in why["huge"] and "limit" in why["huge-unannounced"]
    assert "redirect loop" in why["loop-a"]
    assert "not an HTML page (content type application/pdf)" == why["report.pdf"]
    assert all("\n" not in r for r in why.values())
    assert broken.error and "not XML" in broken.error
    assert truncated.error and "not well-formed XML" in truncated.error
    assert missing.error == "HTTP 404 Not Found"
    assert len(site.hits_for("/news/flaky")) == 2
    assert len(site.hits_for("/news/huge")) == 1  # abandoned at once, not retried

    with KnowledgeGraph(tmp_path / "store") as kg:
        texts = [str(r["t"]) for r in kg.query("SELECT ?t WHERE { ?s a dg:Statement ; dg:text ?t }")]
    assert len(texts) == 4
    assert any("salué la coopération franco-allemande à Besançon" in t for t in texts)


def test_hosts_are_fetched_side_by_side_but_one_request_at_a_time_per_host(
        site: Site, tmp_path: Path) -> None:
    other = Site()
    try:
        here, there = add_articles(site, 3), add_articles(other, 3)
        site.routes["/feed.xml"] = Reply(rss(
            [(site.url(p), p, rfc822(i + 1)) for i, p in enumerate(here)]
            + [(other.url(p), p, rfc822(i + 1)) for i, p in enumerate(there)]), "application/rss+xml")
        report = run(tmp_path, [site.url("/feed.xml")], fast(interval=0.4))
        assert report.sources[0].new == 6
        for s in (site, other):
            times = [h.time for h in s.hits]
            assert min(b - a for a, b in itertools.pairwise(times)) >= 0.4
        # the second host was served while the first was still being paced
        mine = [h.time for h in site.hits if h.path.startswith("/news/")]
        theirs = [h.time for h in other.hits if h.path.startswith("/news/")]
        assert min(theirs) < max(mine) and min(mine) < max(theirs)
    finally:
        other.stop()


def test_a_source_that_fails_does_not_stop_the_others_on_update(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 2)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml")
    store = str(tmp_path / "store")
    runner = CliRunner()
    for url in (site.url("/down.xml"), site.url("/feed.xml")):
        assert runner.invoke(main, ["sources", "add", url, "--store", store]).exit_code == 0
    result = runner.invoke(main, ["update", "--store", store, *FAST])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("error ") and line.endswith("/down.xml: HTTP 404 Not Found")
               for line in lines)
    assert any("/feed.xml: feed, 2 listed: 2 new" in line for line in lines)


def test_robots_txt_that_cannot_be_fetched_means_nothing_is_requested(tmp_path: Path) -> None:
    site = Site()
    try:
        site.routes["/robots.txt"] = Reply(b"down", "text/plain", 503)
        add_articles(site, 1)
        report = run(tmp_path, [site.url("/news/article-0")], fast(retries=0))
        assert "robots.txt" in (report.sources[0].error or "")
        assert site.hits_for("/news/article-0") == []
    finally:
        site.stop()


def test_killed_mid_fetch_then_rerun_completes_without_duplicates(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 20)
    for p in paths:  # slow articles, so the kill lands in the middle
        reply = site.routes[p]
        assert isinstance(reply, Reply)
        reply.delay = 0.15
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml", etag='"f"')
    store = tmp_path / "store"
    cmd = [sys.executable, "-m", "defgraph.cli", "fetch", site.url("/feed.xml"), "--store", str(store),
           *FAST]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while sum(1 for p in site.paths() if p.startswith("/news/")) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert len(statement_sources(store)) < 20

    again = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    sources = statement_sources(store)
    assert sources == sorted(site.url(p) for p in paths)  # each article once
    # every article stored is in the archive, even with the killed run's records in it
    rebuilt = [s for s in iter_statements(sorted(glob.glob(str(store / "archive" / "*.warc.gz"))))
               if not hasattr(s, "reason")]
    assert {s.source_url for s in rebuilt} == set(sources)  # type: ignore[union-attr]


# -- WARC reading, the source registry, help ------------------------------------------------------


def test_a_warc_cut_short_reads_what_is_before_the_cut(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 3)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml")
    report = run(tmp_path, [site.url("/feed.xml")])
    assert report.archive is not None
    data = report.archive.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 200])
    items = list(iter_statements([cut]))
    statements = [i for i in items if not hasattr(i, "reason")]
    failures = [i for i in items if hasattr(i, "reason")]
    assert len(statements) == 2
    assert len(failures) == 1 and "cut short or damaged" in failures[0].reason  # type: ignore[union-attr]
    # a folder holding WARC files is read too
    assert len([i for i in iter_statements([report.archive.parent]) if not hasattr(i, "reason")]) == 3


def test_sources_add_list_remove(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    r = runner.invoke(main, ["sources", "add", "https://www.example.org/rss.xml?utm_source=x",
                             "https://www.example.net/sitemap.xml", "--store", store])
    assert r.exit_code == 0, r.output
    again = runner.invoke(main, ["sources", "add", "https://www.example.org/rss.xml", "--store", store])
    assert "already a source" in again.output
    bad = runner.invoke(main, ["sources", "add", "ftp://example.org/x", "--store", store])
    assert bad.exit_code == 1 and "not an http(s) address" in bad.output
    listed = runner.invoke(main, ["sources", "list", "--store", store])
    urls = [line.split("\t")[0] for line in listed.output.splitlines()]
    assert urls == ["https://www.example.net/sitemap.xml", "https://www.example.org/rss.xml"]
    gone = runner.invoke(main, ["sources", "remove", "https://www.example.net/sitemap.xml", "--store", store])
    assert gone.exit_code == 0
    missing = runner.invoke(main, ["sources", "remove", "https://www.example.net/nope", "--store", store])
    assert missing.exit_code == 1
    listed = runner.invoke(main, ["sources", "list", "--store", store])
    assert [line.split("\t")[0] for line in listed.output.splitlines()] == ["https://www.example.org/rss.xml"]


def test_sources_on_a_remote_store(serve_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from defgraph.sources.registry import Registry
    from defgraph.store import OxigraphStore, open_store

    url = serve_store(OxigraphStore(None), allow_update=True)
    remote = open_store(url)
    registry = Registry(remote)
    registry.add("https://www.example.org/rss.xml")
    assert [s.url for s in Registry(open_store(url)).entries()] == ["https://www.example.org/rss.xml"]
    assert registry.remove("https://www.example.org/rss.xml")
    assert Registry(open_store(url)).entries() == []


@pytest.mark.parametrize("command", [["fetch"], ["sources"], ["sources", "add"], ["sources", "list"],
                                     ["sources", "remove"], ["update"]])
def test_help_ends_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("defgraph ")
    assert any(line.startswith("Example") for line in lines[-6:])


def test_crawl_delay_and_a_gzipped_sitemap(tmp_path: Path) -> None:
    import gzip

    site = Site()
    try:
        site.routes["/robots.txt"] = Reply(b"User-agent: *\nCrawl-delay: 0.3\n", "text/plain")
        paths = add_articles(site, 2)
        site.routes["/sitemap.xml.gz"] = Reply(
            gzip.compress(sitemap([(site.url(p), "2025-03-02") for p in paths])), "application/gzip")
        report = run(tmp_path, [site.url("/sitemap.xml.gz")])  # our own interval: 0.05 s
        assert report.sources[0].kind == "sitemap" and report.sources[0].new == 2
        times = [h.time for h in site.hits]
        assert len(times) == 4 and min(b - a for a, b in itertools.pairwise(times)) >= 0.3
    finally:
        site.stop()


def test_fetch_into_a_remote_store(serve_store, site: Site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from defgraph.store import OxigraphStore

    paths = add_articles(site, 2)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml")
    backing = OxigraphStore(None)
    url = serve_store(backing, allow_update=True)
    archive = tmp_path / "archive"
    result = CliRunner().invoke(main, ["fetch", site.url("/feed.xml"), "--store", url,
                                       "--archive", str(archive), *FAST])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    rows = backing.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a dg:Statement }")
    assert int(rows.rows[0][0].value) == 2  # type: ignore[union-attr]
    assert list(archive.glob("*.warc.gz")) and (archive / "fetch-state.sqlite").is_file()


def test_what_a_response_is() -> None:
    from defgraph.sources.discover import NotUnderstood, read
    from defgraph.sources.http import Fetched

    def kind(body: bytes, ctype: str) -> str:
        got = read(Fetched("http://h/f", "http://h/f", 200, "OK", [("Content-Type", ctype)], body), 10**6)
        return f"{got.kind}:{','.join(i.url for i in got.items + got.children)}"

    assert kind(rss([("http://h/a", "a", rfc822(1))]), "text/html") == "feed:http://h/a"  # mislabelled
    assert kind(atom([("/rel/b", "b", "2025-03-01T00:00:00Z")]), "application/atom+xml") == "feed:http://h/rel/b"
    rdf = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://h/"><title>t</title></channel>'
           b'<item rdf:about="http://h/c"><title>c</title><link>http://h/c</link></item></rdf:RDF>')
    assert kind(rdf, "application/rdf+xml") == "feed:http://h/c"
    assert kind(sitemap_index(["http://h/s1.xml"]), "text/xml") == "sitemapindex:http://h/s1.xml"
    assert kind(b"<p>Just a fragment of a page.</p>", "text/html; charset=utf-8") == "page:"
    assert kind(b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
                "application/xhtml+xml") == "page:"
    for body, ctype, why in [(b'{"a": 1}', "application/json", "neither an HTML page"),
                             (b"<catalog><book/></catalog>", "application/xml", "root element <catalog>"),
                             (b"<urlset><url><loc>http://h/a</loc></url>", "application/xml",
                              "not well-formed XML")]:
        with pytest.raises(NotUnderstood, match=why):
            read(Fetched("http://h/f", "http://h/f", 200, "OK", [("Content-Type", ctype)], body), 10**6)
    # an external entity is never read: the sitemap lists nothing rather than a file's contents
    xxe = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
           b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>')
    assert kind(xxe, "application/xml") == "sitemap:"


def test_limit_leaves_the_rest_for_the_next_run(site: Site, tmp_path: Path) -> None:
    paths = add_articles(site, 5)
    site.routes["/feed.xml"] = Reply(feed_of(site, paths), "application/rss+xml", etag='"f"')
    got = [run(tmp_path, [site.url("/feed.xml")], fast(limit=2)).sources[0] for _ in range(4)]
    assert [s.new for s in got] == [2, 2, 1, 0]
    assert got[3].not_modified
    assert all(len(site.hits_for(p)) == 1 for p in paths)
    assert [h.conditional for h in site.hits_for("/feed.xml")] == [False, False, False, True]
