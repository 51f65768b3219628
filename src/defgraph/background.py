"""One write at a time in a thread of its own, while the caller goes on.

The store's loaders let other threads run while they write, so the main process of an
ingest reads a batch for the consolidated graph while the batch is loaded (bulk.py), and
computes the next part of the whole build while the last one is written (maintain.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """Writes handed over one at a time, each in a thread of its own.

    At most one write is under way: ``submit`` waits for the previous one, and so does
    ``wait``, which raises what a write raised.
    """

    def __init__(self, write: Callable[[T], None], name: str) -> None:
        self._write = write
        self._name = name
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, item: T) -> None:
        self.wait()
        self._thread = threading.Thread(target=self._run, args=(item,), daemon=True,
                                        name=self._name)
        self._thread.start()

    def _run(self, item: T) -> None:
        try:
            self._write(item)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by wait()
            self._error = exc

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
