"""A small web site on 127.0.0.1 for the fetch tests: feeds, sitemaps, robots.txt, articles, faults.

Every request is logged with the time it arrived and its headers, so tests can count
what the server saw (politeness, conditional requests) instead of assuming it.
Articles are written for this project; none is copied from a real publication.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Hit:
    time: float
    path: str  # with its query string
    headers: dict[str, str]  # lower-cased names

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


@dataclass
class Reply:
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering (a server that never answers: longer than the timeout)
    stream: int = 0  # send this many filler bytes instead of body
    announce_length: bool = True


Route = Reply | Callable[[int], Reply]  # a callable gets how many times the path was asked before


class Site:
    """A threaded HTTP server; ``routes`` maps paths (with query) to replies."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._serve(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        hit = Hit(time.monotonic(), handler.path, {k.lower(): v for k, v in handler.headers.items()})
        with self._lock:
            before = sum(1 for h in self.hits if h.path == hit.path)
            self.hits.append(hit)
        route = self.routes.get(handler.path)
        reply = Reply(b"not here", "text/plain", 404) if route is None else (
            route(before) if callable(route) else route)
        if reply.delay:
            time.sleep(reply.delay)
        try:
            if (reply.etag and hit.headers.get("if-none-match") == reply.etag) or (
                    reply.last_modified and hit.headers.get("if-modified-since") == reply.last_modified):
                handler.send_response(304)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.ctype)
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            if reply.last_modified:
                handler.send_header("Last-Modified", reply.last_modified)
            for k, v in reply.headers.items():
                handler.send_header(k, v)
            size = reply.stream or len(reply.body)
            if reply.announce_length:
                handler.send_header("Content-Length", str(size))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if reply.stream:
                chunk = b"<p>" + b"x" * 65530 + b"</p>"
                sent = 0
                while sent < reply.stream:
                    part = chunk[: reply.stream - sent]
                    handler.wfile.write(part)
                    sent += len(part)
            else:
                handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


# -- content written for these tests ------------------------------------------------------

_PAIRS = [
    ("Estonia", "Finland", "Tallinn"), ("Poland", "Lithuania", "Vilnius"),
    ("Norway", "Sweden", "Oslo"), ("France", "Germany", "Paris"), ("Italy", "Greece", "Rome"),
    ("Spain", "Portugal", "Lisbon"), ("Denmark", "Netherlands", "Copenhagen"),
    ("Canada", "Latvia", "Riga"), ("Romania", "Bulgaria", "Bucharest"), ("Japan", "Australia", "Tokyo"),
]
_TOPICS = ["air defence training", "maritime patrols", "cyber exercises", "logistics hubs",
           "medical evacuation drills", "border surveillance"]


def article_html(n: int, base: str, *, path: str | None = None, day: int | None = None,
                 canonical: bool = True, extra: str = "") -> str:
    """Article n: two defence ministers meet; own words, invented details."""
    a, b, city = _PAIRS[n % len(_PAIRS)]
    topic = _TOPICS[n % len(_TOPICS)]
    d = day or (n % 27) + 1
    date = f"2025-03-{d:02d}"
    url = base + (path or f"/news/article-{n}")
    title = f"Defence ministers of {a} and {b} meet in {city} (item {n})"
    link = f'<link rel="canonical" href="{escape(url)}">' if canonical else ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{escape(title)}</title>{link}
<meta property="og:title" content="{escape(title)}">
<meta property="article:published_time" content="{date}T09:00:00Z">
<meta property="og:site_name" content="Test Ministry Press Office">
</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>{escape(title)}</h1>
<p>On {d} March 2025 the Minister of Defence of {a} met the Minister of Defence of {b} in {city}
to review their work on {topic}. Both ministers agreed to hold a further meeting before the end
of the year and asked their staffs to prepare a joint plan for {topic} in the coming months.</p>
<p>The talks in {city} also covered training for reserve units, shared procurement of spare parts
and an exchange of liaison officers between the two ministries. {escape(extra)}</p>
</article></body></html>"""


def rss(items: list[tuple[str, str, str]], title: str = "Test ministry news") -> bytes:
    """RSS 2.0 with (link, title, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><pubDate>{d}</pubDate>"
        f"<guid>{escape(link)}</guid></item>" for link, t, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}'
            f"</title><link>http://127.0.0.1/</link><description>Test feed</description>{entries}"
            "</channel></rss>").encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    """Atom with (link, title, ISO date) entries."""
    entries = "".join(
        f'<entry><title>{escape(t)}</title><link href="{escape(link)}"/><id>{escape(link)}</id>'
        f"<updated>{d}</updated></entry>" for link, t, d in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Test atom</title><id>urn:test</id><updated>2025-03-28T00:00:00Z</updated>{entries}"
            "</feed>").encode()


def sitemap(items: list[tuple[str, str]], news: bool = False) -> bytes:
    """A urlset of (loc, lastmod or publication day); news=True writes a news sitemap."""
    if news:
        body = "".join(
            f"<url><loc>{escape(loc)}</loc><news:news><news:publication><news:name>Test</news:name>"
            f"<news:language>en</news:language></news:publication><news:publication_date>{d}"
            "</news:publication_date><news:title>Item</news:title></news:news></url>"
            for loc, d in items)
        ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    else:
        body = "".join(f"<url><loc>{escape(loc)}</loc><lastmod>{d}</lastmod></url>" for loc, d in items)
        ns = ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{body}</urlset>').encode()


def sitemap_index(locs: list[str]) -> bytes:
    body = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>').encode()


def rfc822(day: int) -> str:
    import datetime as dt

    return email.utils.format_datetime(dt.datetime(2025, 3, day, 9, 0, tzinfo=dt.UTC))


def add_articles(site: Site, count: int, *, etags: bool = True) -> list[str]:
    """Serve articles 0..count-1 under /news/article-N; their paths."""
    paths = []
    for n in range(count):
        path = f"/news/article-{n}"
        site.routes[path] = Reply(article_html(n, site.base).encode(),
                                  etag=f'"a{n}"' if etags else None,
                                  last_modified=rfc822((n % 27) + 1))
        paths.append(path)
    return paths
