"""Work done in a forked child process while MkDocs goes on with the build.

The policy downloads of a large catalog take a good part of the plugin's own
time (markdown-it over the whole policy), yet nothing reads them until MkDocs
copies static files, after every page's Markdown is converted. On a machine
with a second core they are computed meanwhile in a child; elsewhere, or where
``fork`` is unavailable, inline as before. Errors travel back as messages and
are raised where the result is awaited.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class BackgroundError(Exception):
    """The background computation failed; the message is the original error's."""


class Background(Generic[T]):
    def __init__(self, compute: Callable[[], T], *, worthwhile: bool = True):
        self._value: T | None = None
        self._process = None
        if not worthwhile or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            self._value = compute()
            return
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)

        def child() -> None:
            try:
                writer.send((True, compute()))
            except BaseException as exc:  # reported, not raised, in the child
                writer.send((False, str(exc)))

        self._process = context.Process(target=child, daemon=True)
        self._process.start()
        writer.close()
        self._compute = compute

    def result(self) -> T:
        """Wait for the value; a child that died without answering is replaced by computing inline."""
        if self._process is not None:
            try:
                ok, value = self._reader.recv()
            except EOFError:
                ok, value = True, self._compute()
            self._process.join()
            self._process = None
            if not ok:
                raise BackgroundError(value)
            self._value = value
        return self._value  # type: ignore[return-value]
