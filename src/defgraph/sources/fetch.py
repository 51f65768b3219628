"""Fetch sources (feeds, sitemaps, pages) into the store: the `fetch` and `update` commands.

For each source: a conditional GET of the listing (nothing more when it is not
modified), its articles newest first, each skipped without a request when it is
older than ``since``, already fetched through another source in this run, or
already stored with the same date stamp in its listing; the rest fetched side by
side across hosts (one at a time per host), read as ``ingest`` reads HTML,
archived to WARC, then stored. A listing's validators are remembered only once
every article it lists is handled, so a run killed half-way lists it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest import IngestError, statement_from_response
from ..pipeline import KnowledgeGraph
from ..store import StoreUnavailable
from . import discover
from .archive import WarcArchive
from .bridge import ingest_statements
from .http import Fetched, FetchError, PoliteClient, Politeness
from .state import FetchState, PageState
from .urls import canonical_url, is_web_url

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class FetchOptions:
    """What to fetch and how politely."""

    since: dt.date | None = None  # items older than this day are skipped, unfetched
    limit: int | None = None  # at most this many articles fetched per source
    politeness: Politeness = field(default_factory=Politeness)
    workers: int = 4  # hosts fetched side by side
    max_sitemaps: int = 200  # sitemaps followed per sitemap index
    trust_env: bool = True  # honour HTTP(S)_PROXY / NO_PROXY from the environment


@dataclass
class SourceResult:
    """What one source gave: counts, and one line per article that failed."""

    url: str
    kind: str = "-"
    listed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0  # older than --since, beyond --limit, or reached through another source
    failed: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None  # the source itself could not be read
    not_modified: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed

    def line(self) -> str:
        """The one-line summary of this source."""
        if self.error:
            return f"{self.url}: {self.error}"
        if self.not_modified:
            return f"{self.url}: not modified since the last fetch, nothing new"
        return (f"{self.url}: {self.kind}, {self.listed} listed: {self.new} new, {self.changed} "
                f"changed, {self.unchanged} unchanged, {self.skipped} skipped, "
                f"{len(self.failed)} failed")


@dataclass
class FetchReport:
    sources: list[SourceResult] = field(default_factory=list)
    requests: int = 0
    archive: Path | None = None
    aborted: str | None = None  # the store stopped answering

    @property
    def ok(self) -> bool:
        return self.aborted is None and all(s.ok for s in self.sources)

    @property
    def stored(self) -> int:
        return sum(s.new + s.changed for s in self.sources)


@dataclass
class _Task:
    url: str  # canonical address, the one requested
    marker: str | None
    prev: PageState | None


class _Run:
    def __init__(self, kg: KnowledgeGraph, options: FetchOptions, folder: Path) -> None:
        self.kg = kg
        self.o = options
        self.state = FetchState(folder)
        self.client = PoliteClient(options.politeness, robots_cache=self.state,
                                   trust_env=options.trust_env)
        self.archive = WarcArchive(folder)
        self.seen: set[str] = set()  # canonical article addresses handled in this run

    def close(self) -> None:
        self.client.close()
        self.archive.close()
        self.state.close()

    # -- a source ------------------------------------------------------------------
    def source(self, url: str) -> SourceResult:
        result = SourceResult(url)
        if not is_web_url(url):
            result.error = "not an http(s) address"
            return result
        canon = canonical_url(url)
        prev = self.state.page(canon)
        try:
            resp = self.client.get(canon, etag=prev.etag if prev else None,
                                   last_modified=prev.last_modified if prev else None)
        except FetchError as exc:
            result.error = exc.reason
            return result
        if resp.not_modified:
            result.not_modified = True
            return result
        try:
            listing = discover.read(resp, self.o.politeness.max_bytes)
        except discover.NotUnderstood as exc:
            result.error = str(exc)
            return result
        result.kind = listing.kind
        if listing.kind == "page":
            result.listed = 1
            self.seen.add(canon)
            self._article(_Task(canon, None, prev), resp, result)
            return result
        items = list(listing.items)
        listings = [(canon, resp)]
        unfinished = False
        if listing.kind == "sitemapindex":
            items, children, unfinished = self._children(listing.children, result)
            listings += children
        unfinished |= self._articles(items, result)
        if not unfinished:
            # Every article handled: the listings need not be read again unless they change.
            # After a failure that may pass, --limit, or a kill before this point, they are read
            # again in full.
            for where, got in listings:
                self.state.remember(where, etag=got.header("etag"),
                                    last_modified=got.header("last-modified"), marker=None,
                                    statement_url=None)
        return result

    def _children(self, children: list[discover.Item], result: SourceResult
                  ) -> tuple[list[discover.Item], list[tuple[str, Fetched]], bool]:
        """The articles of the sitemaps a sitemap index names (one level deep)."""
        items: list[discover.Item] = []
        read: list[tuple[str, Fetched]] = []
        transient = False
        for child in children[: self.o.max_sitemaps]:
            canon = canonical_url(child.url)
            prev = self.state.page(canon)
            try:
                resp = self.client.get(canon, etag=prev.etag if prev else None,
                                       last_modified=prev.last_modified if prev else None)
                if resp.not_modified:
                    continue
                listing = discover.read(resp, self.o.politeness.max_bytes)
            except FetchError as exc:
                result.failed.append((child.url, exc.reason))
                transient |= exc.transient
                continue
            except discover.NotUnderstood as exc:
                result.failed.append((child.url, str(exc)))
                continue
            if listing.kind != "sitemap":
                result.failed.append((child.url, f"named by a sitemap index but is a {listing.kind}"))
                continue
            items.extend(listing.items)
            read.append((canon, resp))
        return items, read, transient

    # -- articles ----------------------------------------------------------------
    def _articles(self, items: list[discover.Item], result: SourceResult) -> bool:
        """Fetch and store the new or changed articles; True when some are left for a later
        run (a failure that may pass, or --limit reached)."""
        result.listed += len(items)
        since = self.o.since
        ordered = sorted(items, key=lambda i: i.date or dt.date.min, reverse=True)
        tasks: list[_Task] = []
        unfinished = False
        for item in ordered:
            canon = canonical_url(item.url)
            if canon in self.seen:
                result.skipped += 1
                continue
            if since and item.date and item.date < since:
                self.seen.add(canon)
                result.skipped += 1
                continue
            prev = self.state.page(canon)
            if prev and prev.statement_url and (item.marker is None or item.marker == prev.marker):
                self.seen.add(canon)
                result.unchanged += 1
                continue
            if self.o.limit is not None and len(tasks) >= self.o.limit:
                result.skipped += 1  # left for a later run: the listing must be read again
                unfinished = True
                continue
            self.seen.add(canon)
            tasks.append(_Task(canon, item.marker, prev))
        batch = max(1, self.o.workers) * 4  # bodies held in memory at once stay bounded
        with ThreadPoolExecutor(max_workers=max(1, self.o.workers)) as pool:
            for start in range(0, len(tasks), batch):
                chunk = tasks[start:start + batch]
                futures: list[Future[Fetched]] = [
                    pool.submit(self.client.get, t.url,
                                etag=t.prev.etag if t.prev and t.prev.statement_url else None,
                                last_modified=(t.prev.last_modified
                                               if t.prev and t.prev.statement_url else None))
                    for t in chunk]
                for task, future in zip(chunk, futures):  # stored in listing order
                    try:
                        resp = future.result()
                    except FetchError as exc:
                        result.failed.append((task.url, exc.reason))
                        unfinished |= exc.transient
                        continue
                    self._article(task, resp, result)
        return unfinished

    def _article(self, task: _Task, resp: Fetched, result: SourceResult) -> None:
        prev = task.prev
        if resp.not_modified:
            result.unchanged += 1
            self.state.remember(task.url, etag=prev.etag if prev else None,
                                last_modified=prev.last_modified if prev else None,
                                marker=task.marker, statement_url=prev.statement_url if prev else None)
            return
        ctype = resp.content_type
        if ctype and ctype not in _HTML_TYPES:
            result.failed.append((task.url, f"not an HTML page (content type {ctype})"))
            return
        try:
            statement = statement_from_response(resp.body, resp.final_url,
                                                resp.header("content-type"), task.url)
        except IngestError as exc:
            result.failed.append((task.url, exc.message))
            return
        if self.o.since and statement.issued and statement.issued < self.o.since:
            result.skipped += 1
            return
        try:
            self.archive.add(resp)  # raw, before storing: a stored statement is always archived
        except OSError as exc:
            why = f"could not be archived ({exc.strerror or exc}); not stored"
            result.failed.append((task.url, why))
            return
        outcome = ingest_statements(self.kg, [statement])[0]
        if outcome.error:
            result.failed.append((task.url, outcome.error))
            return
        if not outcome.stored:
            result.unchanged += 1
        elif prev and prev.statement_url:
            result.changed += 1
        else:
            result.new += 1
        self.state.remember(task.url, etag=resp.header("etag"),
                            last_modified=resp.header("last-modified"), marker=task.marker,
                            statement_url=statement.source_url)


def fetch_sources(kg: KnowledgeGraph, urls: Iterable[str], options: FetchOptions | None = None, *,
                  folder: str | Path, on_source: Callable[[SourceResult], None] | None = None,
                  ) -> FetchReport:
    """Fetch every URL (feed, sitemap, sitemap index or page) into kg; WARC and state in folder.

    A source that fails does not stop the others; only the store going away stops the run.
    """
    o = options or FetchOptions()
    run = _Run(kg, o, Path(folder))
    report = FetchReport()
    try:
        for url in urls:
            try:
                result = run.source(url)
            except StoreUnavailable as exc:
                report.aborted = str(exc)
                result = SourceResult(url, error=f"not finished: the store stopped answering ({exc})")
                report.sources.append(result)
                if on_source:
                    on_source(result)
                break
            report.sources.append(result)
            if on_source:
                on_source(result)
    finally:
        report.requests = run.client.requests
        report.archive = run.archive.path
        run.close()
    return report
