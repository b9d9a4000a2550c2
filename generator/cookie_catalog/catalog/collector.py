"""Python's cycle collector while a catalog is read: paused, and kept off a large catalog afterwards.

Reading makes millions of short-lived objects (node trees, parsed data) and
hundreds of thousands that live on (the models). With the collector running,
each file's objects are promoted to the oldest generation, and each promotion
counts towards a full collection over everything read so far: quadratic, 12 of
17 s at 100,000 cookies. What is read holds no reference cycles, so a pause
leaves nothing behind.

After a large read, the catalog's objects would still be walked by the next
three collections, young, middle and full (0.8 s at 100,000 cookies, a fifth
of reading and rendering them), and by the collections of each forked child,
which then copies the pages it touches. :func:`keep_out` freezes them
(``gc.freeze``), as Python's documentation advises for long-lived objects
before a fork: they are still freed by their reference counts, never walked.
Frozen objects that later become cyclic garbage would never be collected, so
the next pause first returns everything it froze to the collector and collects
(a long ``mkdocs serve`` frees each rebuild's garbage); a small catalog, or a
process where something else froze objects, is left as it was, also when that
freeze came after ours (it took ours along: a witness made just after ours is
frozen too, and everything frozen is then left to them).
"""

from __future__ import annotations

import gc
import itertools
import operator
from collections.abc import Iterator
from contextlib import contextmanager

_frozen = False  # whether the objects gc.freeze() keeps now were frozen here


class _Witness:
    """Made just after our freeze: still in a collected generation unless someone else has frozen since."""


_witness: _Witness | None = None


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused inside, after what :func:`keep_out` froze last time has gone back to it."""
    _thaw()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep_out() -> None:
    """Freeze every object alive now, unless something else has frozen some (it then decides)."""
    global _frozen, _witness
    if _frozen or gc.get_freeze_count() == 0:
        gc.freeze()
        _frozen, _witness = True, _Witness()


def _thaw() -> None:
    """What we froze back to the collector, collected; left frozen when someone else has frozen since (their
    freeze took ours along). Finding the witness walks the objects made since, less than the collection does."""
    global _frozen, _witness
    if _frozen:
        _frozen, witness, _witness = False, _witness, None
        if any(map(operator.is_, gc.get_objects(), itertools.repeat(witness))):
            gc.unfreeze()
            gc.collect()
