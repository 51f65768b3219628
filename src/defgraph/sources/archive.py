"""Every stored response, raw, in a WARC file: the graph can be rebuilt with no network.

One ``defgraph-<UTC time>-<pid>.warc.gz`` per run (names sort in time order, so
``ingest archive/*.warc.gz`` replays the runs in the order they happened). Each
record is its own gzip member, flushed and synced before the statement is
stored: a run killed mid-write leaves at most one truncated last record, which
the WARC reader of ``ingest`` reports and steps over.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import BinaryIO

from .http import Fetched


class WarcArchive:
    """Appends request/response record pairs to this run's WARC file under ``folder``."""

    def __init__(self, folder: str | Path, *, software: str = "defgraph") -> None:
        self.folder = Path(folder)
        self.software = software
        self.path: Path | None = None
        self._fh: BinaryIO | None = None
        self._writer: object = None
        self.records = 0

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter

        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = self.folder / f"defgraph-{stamp}-{os.getpid()}.warc.gz"
        self._fh = open(self.path, "ab")  # noqa: SIM115 - open for the whole run
        self._writer = WARCWriter(self._fh, gzip=True)
        info = self._writer.create_warcinfo_record(  # type: ignore[attr-defined]
            self.path.name, {"software": self.software, "format": "WARC File Format 1.1"})
        self._write(info)

    def add(self, fetched: Fetched) -> None:
        """Write the request and the response for fetched.final_url, then sync to disk."""
        from warcio.statusandheaders import StatusAndHeaders

        if self._writer is None:
            self._open()
        writer = self._writer
        uri = fetched.final_url
        req_line = f"GET {_path_of(uri)} HTTP/1.1"
        request = writer.create_warc_record(  # type: ignore[attr-defined]
            uri, "request", http_headers=StatusAndHeaders(
                req_line, fetched.request_headers, is_http_request=True))
        response = writer.create_warc_record(  # type: ignore[attr-defined]
            uri, "response", payload=io.BytesIO(fetched.body),
            http_headers=StatusAndHeaders(f"{fetched.status} {fetched.reason}".strip(),
                                          fetched.headers, protocol="HTTP/1.1"))
        self._write(request)
        self._write(response)
        self.records += 1

    def _write(self, record: object) -> None:
        assert self._fh is not None
        self._writer.write_record(record)  # type: ignore[attr-defined]
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
