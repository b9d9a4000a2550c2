"""Work over a list split between this process and one forked child: the second core of a build.

Loading and rendering a large catalog are pure Python and hold the GIL, so a
thread gains nothing; a forked child shares the catalog read so far without
copying it and sends its part of the results back through a pipe: with ``marshal`` when they are plain data
(exactly str, int, float, bool, None, tuple, list, dict: five times faster to write than pickle, and the
parent waits for it), else pickled.
A fork is only made where it is safe and pays: on POSIX, with a single thread
(forking a process with threads, as ``mkdocs serve`` is, can deadlock the
child), and for enough items. The child dies with its parent (Linux's
parent-death signal), so a build killed with SIGKILL leaves nothing behind.
If the child fails in any way, its part is done again here, so an error is
raised in this process exactly as without the fork, and the results are the
same, in the same order, either way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import marshal
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

PR_SET_PDEATHSIG = 1
_MARSHALLED, _PICKLED = b"m", b"p"  # the first byte of a child's results: how they were written (``_encode``)


def split_map(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    cost: Callable[[T], int],
    min_cost: int,
    then: Callable[[list[R]], list[S]] | None = None,
) -> list[S]:
    """``then(work(items))``, ``work``'s second part computed in a forked child while this process does the first.

    ``work`` maps a slice of ``items`` to one result per item; ``cost`` weighs
    an item (e.g. its size), so that both halves take about as long; below a
    total of ``min_cost`` a fork would cost more than it saves. ``then`` is a
    step that stays in this process (its results would cost more to send than to
    make, or it records into this process's state): it is applied to this
    process's part while the child still works, then to the child's, in order.
    """
    finish: Callable[[list[R]], list[S]] = then or (lambda results: results)  # type: ignore[assignment,return-value]
    at = _halfway(items, cost, min_cost)
    if at == 0 or not may_fork():
        return finish(work(items))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_end)
        _child(lambda: work(items[at:]), write_end)
    os.close(write_end)
    try:
        mine = finish(work(items[:at]))
    except BaseException:
        _reap(pid, read_end, kill=True)
        raise
    theirs = _reap(pid, read_end, kill=False)
    return mine + finish(theirs if theirs is not None else work(items[at:]))


class Forked(Generic[R]):
    """``compute()`` started in a forked child now, its result collected by :meth:`result` later.

    Where no fork is made (see the module docstring), or the child fails,
    :meth:`result` computes it here, raising what ``compute`` raises.
    """

    def __init__(self, compute: Callable[[], R], *, fork: bool = True) -> None:
        self._compute = compute
        self._child: tuple[int, int] | None = None
        if fork and may_fork():
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                os.close(read_end)
                _child(lambda: [compute()], write_end)
            os.close(write_end)
            self._child = (pid, read_end)

    def result(self) -> R:
        child, self._child = self._child, None
        theirs = _reap(*child, kill=False) if child else None
        return theirs[0] if theirs is not None else self._compute()

    def cancel(self) -> None:
        """Kill and reap the child, if any: its result is no longer wanted."""
        child, self._child = self._child, None
        if child:
            _reap(*child, kill=True)


def may_fork() -> bool:
    """A fork is safe here: Linux, and no thread but this one."""
    return hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1


def _halfway(items: Sequence[T], cost: Callable[[T], int], min_cost: int) -> int:
    """The index where the items' cost reaches half; 0 (no split) for a small or single-item list."""
    weights = [cost(item) for item in items]
    total = sum(weights)
    if len(items) < 2 or total < min_cost:
        return 0
    running = 0
    for i, weight in enumerate(weights):
        running += weight
        if running * 2 >= total:
            return max(1, min(i + 1, len(items) - 1))
    return 0  # pragma: no cover - the loop always returns


def _child(compute: Callable[[], object], write_end: int) -> None:  # pragma: no cover - runs in the child
    """Compute, send the result (marshalled, or pickled: ``_encode``), and leave without running the parent's
    cleanup (atexit, buffers)."""
    status = 1
    try:
        _die_with_parent()
        data = _encode(compute())
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the signal was armed
        os._exit(1)


def _reap(pid: int, read_end: int, *, kill: bool) -> list | None:
    """The child's results, or None if it failed; the child is waited for either way."""
    with os.fdopen(read_end, "rb") as pipe:
        if kill:
            os.kill(pid, signal.SIGKILL)
            data = b""
        else:
            data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if kill or os.waitstatus_to_exitcode(status) != 0:
        return None
    return marshal.loads(data[1:]) if data[:1] == _MARSHALLED else pickle.loads(data[1:])


def _encode(result: object) -> bytes:
    """``result`` as bytes for the pipe, led by how it was written; marshal refuses any subclass (``Markup``)."""
    try:
        return _MARSHALLED + marshal.dumps(result)  # type: ignore[arg-type]  # refused at run time if not plain
    except ValueError:
        return _PICKLED + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
