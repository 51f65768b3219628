"""What was fetched, per address: validators for conditional requests, and what it became.

A small SQLite file next to the WARC archive. Every change is its own transaction,
written after the statement it describes is stored, so a run killed at any point
leaves the file consistent, and the next run fetches again only what it had not
finished.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .http import RobotsCache

ROBOTS_TTL = 24 * 3600.0  # robots.txt is re-read once a day (RFC 9309 suggests at most 24 h)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,        -- canonical address asked for
    etag TEXT,
    last_modified TEXT,
    marker TEXT,                 -- the item's date or lastmod in its feed or sitemap when fetched
    statement_url TEXT,          -- the statement it became (its canonical URL)
    fetched_at REAL
);
CREATE TABLE IF NOT EXISTS robots (
    host TEXT PRIMARY KEY,
    body TEXT,
    fetched_at REAL
);
"""


@dataclass(frozen=True)
class PageState:
    url: str
    etag: str | None
    last_modified: str | None
    marker: str | None
    statement_url: str | None


class FetchState(RobotsCache):
    """The per-address memory of fetch runs, in ``folder/fetch-state.sqlite``."""

    FILE = "fetch-state.sqlite"

    def __init__(self, folder: str | Path, *, robots_ttl: float = ROBOTS_TTL) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.robots_ttl = robots_ttl
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.folder / self.FILE), check_same_thread=False,
                                   isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def page(self, url: str) -> PageState | None:
        with self._lock:
            row = self._db.execute(
                "SELECT url, etag, last_modified, marker, statement_url FROM pages WHERE url = ?",
                (url,)).fetchone()
        return PageState(*row) if row else None

    def remember(self, url: str, *, etag: str | None, last_modified: str | None,
                 marker: str | None, statement_url: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                (url, etag, last_modified, marker, statement_url, time.time()))

    def forget(self, url: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM pages WHERE url = ?", (url,))

    # -- robots.txt (RobotsCache) ---------------------------------------------------
    def get(self, host: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT body, fetched_at FROM robots WHERE host = ?",
                                   (host,)).fetchone()
        if row is None or time.time() - row[1] > self.robots_ttl:
            return None
        return str(row[0])

    def put(self, host: str, body: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO robots VALUES (?, ?, ?)",
                             (host, body, time.time()))
