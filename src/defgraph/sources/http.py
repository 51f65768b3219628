"""A polite HTTP client: robots.txt, one request per host per interval, backoff, bounds.

Every request to a host waits for that host's slot (``interval`` seconds after the
previous exchange with it ended, longer when robots.txt asks for a Crawl-delay or a
server answers 429/503 with Retry-After), so concurrent workers never exceed the
limit on one host. Bodies
are read in chunks and abandoned past ``max_bytes``; redirects are followed by
hand, each hop checked against its host's robots.txt, up to ``max_redirects``.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from .urls import host_of, is_web_url

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 lets crawlers stop reading at 500 KiB
ROBOTS_TOKEN = "defgraph"  # the product token robots.txt groups are matched against
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def default_user_agent(contact: str | None = None) -> str:
    """defgraph/VERSION (+contact): who is asking and how to reach them."""
    try:
        from importlib.metadata import version

        ver = version("defgraph")
    except Exception:  # noqa: BLE001 - not installed: a source checkout
        ver = "dev"
    reach = contact or "https://w3id.org/defgraph"
    return f"{ROBOTS_TOKEN}/{ver} (+{reach}; knowledge-graph fetcher)"


@dataclass
class Politeness:
    """How hard we may press a server. The defaults are for the open web."""

    user_agent: str = field(default_factory=default_user_agent)
    interval: float = 1.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3  # attempts after the first, on 429, 5xx, timeouts and refused connections
    backoff: float = 1.0  # first wait when the server gives no Retry-After; doubled each time
    max_wait: float = 300.0  # a Retry-After longer than this is not waited for
    max_crawl_delay: float = 60.0
    robots: bool = True


class FetchError(Exception):
    """One address could not be fetched: ``reason`` is a single line saying why."""

    def __init__(self, url: str, reason: str, *, transient: bool = False) -> None:
        self.url = url
        self.reason = " ".join(reason.split())
        self.transient = transient  # worth trying again on a later run (5xx, 429, timeouts)
        super().__init__(f"{url}: {self.reason}")


class RobotsDisallowed(FetchError):
    """robots.txt does not let us fetch this address."""


@dataclass
class Fetched:
    """A final response: status 200 (with its body) or 304 (not modified, no body)."""

    url: str  # the address asked for
    final_url: str  # where the redirects ended
    status: int
    reason: str
    headers: list[tuple[str, str]]  # as received, less the transfer encodings (body is decoded)
    body: bytes
    http_version: str = "HTTP/1.1"
    request_headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class RobotsCache:
    """Where robots.txt bodies are kept between runs (see state.FetchState); None keeps none."""

    def get(self, host: str) -> str | None:  # pragma: no cover - interface
        return None

    def put(self, host: str, body: str) -> None:  # pragma: no cover - interface
        return None


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    delay: float = 0.0  # this host's interval: ours, or its Crawl-delay when longer


class PoliteClient:
    """GET with robots.txt, per-host pacing, retries, conditional requests and size bounds.

    Thread-safe: workers fetching from different hosts run side by side, workers on
    one host take turns.
    """

    def __init__(self, politeness: Politeness | None = None, *, robots_cache: RobotsCache | None = None,
                 sleep: Callable[[float], None] = time.sleep, trust_env: bool = True) -> None:
        self.p = politeness or Politeness()
        self._sleep = sleep
        self._robots_cache = robots_cache
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, object] = {}  # host -> Protego parser, or a str: why all is refused
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.requests = 0
        timeout = httpx.Timeout(self.p.read_timeout, connect=self.p.connect_timeout)
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=trust_env,
            headers={"User-Agent": self.p.user_agent, "Accept-Encoding": "gzip, deflate"})

    def close(self) -> None:
        self._client.close()

    # -- public ------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None) -> Fetched:
        """The final response to GET url (200 or 304); FetchError for anything else."""
        if not is_web_url(url):
            raise FetchError(url, "not an http(s) address")
        extra: dict[str, str] = {}
        if etag:
            extra["If-None-Match"] = etag
        if last_modified:
            extra["If-Modified-Since"] = last_modified
        if accept:
            extra["Accept"] = accept
        visited: list[str] = []
        current = url
        while True:
            self.check_robots(current)
            visited.append(current)
            resp, body = self._request(current, extra, self.p.max_bytes)
            status = resp.status_code
            if status in _REDIRECTS:
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {status} redirect without a Location header")
                target = urljoin(current, location.strip())
                if target in visited:
                    raise FetchError(url, f"redirect loop: {target} was already visited")
                if len(visited) > self.p.max_redirects:
                    raise FetchError(url, f"more than {self.p.max_redirects} redirects (last to "
                                          f"{target})")
                if not is_web_url(target):
                    raise FetchError(url, f"redirect to a non-http(s) address: {target}")
                current = target
                continue
            if status in (200, 203) or status == 304:
                headers = [(k, v) for k, v in resp.headers.multi_items()
                           if k.lower() not in _DROPPED_HEADERS]
                if status != 304:
                    headers.append(("Content-Length", str(len(body))))
                return Fetched(url=url, final_url=current, status=status,
                               reason=resp.reason_phrase, headers=headers, body=body,
                               http_version=resp.http_version,
                               request_headers=list(resp.request.headers.multi_items()))
            raise FetchError(url, f"HTTP {status} {resp.reason_phrase}".strip()
                             + (f" (at {current})" if current != url else ""),
                             transient=status in _RETRY_STATUSES)

    def check_robots(self, url: str) -> None:
        """Raise RobotsDisallowed when robots.txt of url's host does not allow it."""
        if not self.p.robots:
            return
        host = host_of(url)
        with self._lock:
            loading = self._robots_locks.setdefault(host, threading.Lock())
        with loading:  # one worker reads a host's robots.txt; the others wait for its rules
            with self._lock:
                rules = self._robots.get(host)
            if rules is None:
                rules = self._load_robots(host)
                with self._lock:
                    self._robots[host] = rules
        if isinstance(rules, str):
            raise RobotsDisallowed(url, rules, transient=True)
        if not rules.can_fetch(url, ROBOTS_TOKEN):  # type: ignore[attr-defined]
            raise RobotsDisallowed(url, f"disallowed by {host}/robots.txt; not requested")

    # -- internals -----------------------------------------------------------------
    def _load_robots(self, host: str) -> object:
        from protego import Protego

        body = self._robots_cache.get(host) if self._robots_cache else None
        if body is None:
            try:
                resp, data = self._request(host + "/robots.txt", {}, ROBOTS_MAX_BYTES, truncate=True)
                hops = 0
                while resp.status_code in _REDIRECTS and hops < 5 and resp.headers.get("location"):
                    hops += 1
                    target = urljoin(host + "/robots.txt", resp.headers["location"])
                    resp, data = self._request(target, {}, ROBOTS_MAX_BYTES, truncate=True)
            except FetchError as exc:
                # RFC 9309: an unreachable robots.txt means the crawler must assume all is disallowed
                return f"robots.txt of {host} could not be fetched ({exc.reason}); nothing requested"
            # (the string is raised as RobotsDisallowed by check_robots)
            status = resp.status_code
            if status >= 500 or status in _REDIRECTS:
                return (f"robots.txt of {host} answered HTTP {status}; assumed to disallow "
                        "everything, nothing requested")
            body = data.decode("utf-8", errors="replace") if status < 300 else ""  # 4xx: all allowed
            if self._robots_cache:
                self._robots_cache.put(host, body)
        rules = Protego.parse(body)
        delay = rules.crawl_delay(ROBOTS_TOKEN)
        if delay:
            slot = self._host(host)
            longer = min(float(delay), self.p.max_crawl_delay)
            if longer > slot.delay:  # the wait after robots.txt itself already counts
                slot.next_at += longer - slot.delay
                slot.delay = longer
        return rules

    def _host(self, host: str) -> _Host:
        with self._lock:
            slot = self._hosts.get(host)
            if slot is None:
                slot = self._hosts[host] = _Host(delay=self.p.interval)
            return slot

    def _request(self, url: str, headers: dict[str, str], limit: int,
                 truncate: bool = False) -> tuple[httpx.Response, bytes]:
        """One GET with pacing and retries; the response (any status) and its bounded body."""
        slot = self._host(host_of(url))
        attempt = 0
        while True:
            with slot.lock:
                wait = slot.next_at - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
                try:
                    resp, body = self._once(url, headers, limit, truncate)
                    problem = None
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    resp, body = None, b""
                    problem = _transport_reason(exc, self.p)
                finally:
                    # the interval runs from the end of this exchange: the server never sees
                    # two requests closer than that, whatever the latency
                    slot.next_at = time.monotonic() + slot.delay
            if resp is not None and resp.status_code not in _RETRY_STATUSES:
                return resp, body
            if attempt >= self.p.retries:
                if resp is not None:
                    return resp, body
                raise FetchError(url, f"{problem} ({attempt + 1} attempts)", transient=True)
            delay = self.p.backoff * (2 ** attempt)
            if resp is not None:
                after = _retry_after(resp.headers.get("retry-after"))
                if after is not None:
                    if after > self.p.max_wait:
                        raise FetchError(url, f"HTTP {resp.status_code}: the server asks to retry "
                                              f"after {after:.0f} s, longer than the {self.p.max_wait:.0f} s "
                                              "we wait; try again later", transient=True)
                    delay = max(after, 0.0)
            attempt += 1
            with slot.lock:
                slot.next_at = max(slot.next_at, time.monotonic() + delay)

    def _once(self, url: str, headers: dict[str, str], limit: int,
              truncate: bool) -> tuple[httpx.Response, bytes]:
        deadline = time.monotonic() + self.p.read_timeout * 4 + self.p.connect_timeout
        with self._lock:
            self.requests += 1
        with self._client.stream("GET", url, headers=headers) as resp:
            if resp.status_code >= 300:  # redirects, 304 and errors: the body is not needed
                return resp, b""
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit and not truncate:
                raise FetchError(url, f"body of {_mb(int(declared))} announced, above the "
                                      f"{_mb(limit)} limit; not downloaded")
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    if truncate:
                        break
                    raise FetchError(url, f"body larger than the {_mb(limit)} limit; abandoned")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the body took too long to arrive")
            return resp, b"".join(chunks)[:limit]


def _transport_reason(exc: Exception, p: Politeness) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {p.connect_timeout:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {p.read_timeout:g} s (timed out)"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def same_host(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()
