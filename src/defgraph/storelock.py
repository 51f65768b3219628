"""Who holds an embedded store, and a read lock that keeps writers out while we read.

Oxigraph (RocksDB) takes a POSIX write lock on the store's ``LOCK`` file while a process
has it open for writing. pyoxigraph's read-only mode beside such a writer is undefined
behaviour, so a read first looks in ``/proc/locks`` for a writer (and names it), then
holds an open-file-description read lock on ``LOCK`` for as long as it reads: a writer
that starts meanwhile is refused by RocksDB instead of changing files under the reader.
Linux only; elsewhere these checks do nothing.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import struct
from pathlib import Path

_FLOCK = "hhqqi4x"  # struct flock on Linux: type, whence, start, len, pid (+ padding)


def _lock_file(store: Path) -> Path:
    return store / "LOCK"


def holders(store: Path) -> list[tuple[str, str, int]]:
    """Locks on the store's LOCK file from /proc/locks: (kind, mode, pid); pid -1 when unknown."""
    lock = _lock_file(store)
    try:
        st = lock.stat()
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    found = []
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        with contextlib.suppress(IndexError, ValueError):
            if fields[5] == wanted:
                found.append((fields[1], fields[3], int(fields[4])))
    return found


def describe(pid: int) -> str:
    """'process 1234 (defgraph ingest data/)' from /proc, or just the number."""
    if pid <= 0:
        return "another process"
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        text = " ".join(a.decode("utf-8", "replace") for a in argv if a)
        text = "".join(ch for ch in " ".join(text.split()) if ch.isprintable())
    except OSError:
        text = ""
    own = " (this process)" if pid == os.getpid() else ""
    return f"process {pid}{own}" + (f" ({text[:120]})" if text else "")


def writer(store: Path) -> str | None:
    """Who holds the store for writing (a description), or None."""
    for kind, mode, pid in holders(store):
        if kind == "POSIX" and mode == "WRITE":
            return describe(pid)
    return None


def reader(store: Path) -> str | None:
    """Who holds a defgraph read lock on the store, or None."""
    for kind, mode, pid in holders(store):
        if kind == "OFDLCK" and mode == "READ":
            return describe(pid) if pid > 0 else "a defgraph read (query, export, render, serve...)"
    return None


class ReadLock:
    """An open-file-description read lock on the store's LOCK file; close() releases it."""

    def __init__(self, store: Path) -> None:
        self._fd: int | None = None
        setlk = getattr(fcntl, "F_OFD_SETLK", None)
        lock = _lock_file(store)
        if setlk is None or not lock.exists():
            return
        fd = os.open(lock, os.O_RDONLY)
        try:
            fcntl.fcntl(fd, setlk, struct.pack(_FLOCK, fcntl.F_RDLCK, 0, 0, 0, 0))
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise BlockingIOError(exc.errno, "the store is locked for writing") from None
            return  # a file system without locks: read without one
        self._fd = fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


__all__ = ["ReadLock", "describe", "holders", "reader", "writer"]
