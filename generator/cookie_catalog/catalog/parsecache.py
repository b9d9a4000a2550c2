"""Catalog files already parsed, kept on disk by their content: a repeated build reads JSON, not YAML.

Composing YAML is most of the time of loading a large catalog (libyaml builds a node, two marks and a
resolver call for every value: 20 ms a file of 1,000 cookies); reading the same data back as JSON takes a
twentieth of that. A build under ``mkdocs serve``, a rebuild in CI or a second command on the same catalog
finds every unchanged file here.

- Keyed by the SHA-256 of the file's text (and ``FORMAT``): an edited file is a new key whatever its
  modification time says, an unchanged one is found again even after a checkout touched it.
- Plain data only: JSON holds exactly the values :func:`cookie_catalog.catalog.yamlsource.load_yaml` makes
  (mappings, lists, text, null). Nothing is unpickled; an entry that cannot be read is a miss.
- Only files that were read without a problem are kept; a problem's position is still found from the text.
- Where: ``$COOKIE_CATALOG_CACHE``, else ``$XDG_CACHE_HOME/cookie-catalog/parsed``, else
  ``~/.cache/cookie-catalog/parsed``; ``COOKIE_CATALOG_CACHE=off`` turns it off. A cache that cannot be
  written (a read-only home) is no cache: the build goes on.
- Bounded: after each load the oldest entries (by last use) go until the rest fits in ``MAX_BYTES``; files
  that are not entries (the folder may be shared) are left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "COOKIE_CATALOG_CACHE"
# Part of every key: raise it when what load_yaml makes of a text changes, so older entries are not used.
FORMAT = "1"
MAX_BYTES = 256 * 1024 * 1024
SUFFIX = ".json"
TEMPORARY = "entry-"  # the prefix of an entry being written
# The files prune may remove: the folder may be shared with others' (``COOKIE_CATALOG_CACHE=~/.cache``).
_OWN = re.compile(rf"[0-9a-f]{{64}}{re.escape(SUFFIX)}|{TEMPORARY}\w+\.tmp")


def directory() -> Path | None:
    """Where entries are kept, or None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV, "")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cookie-catalog" / "parsed"


def _entry(root: Path, text: str) -> Path:
    digest = hashlib.sha256(f"{FORMAT}\0{text}".encode()).hexdigest()
    return root / f"{digest}{SUFFIX}"


def get(text: str) -> tuple[bool, Any]:
    """``(True, data)`` for a text parsed before, ``(False, None)`` otherwise."""
    root = directory()
    if root is None:
        return False, None
    entry = _entry(root, text)
    try:
        with open(entry, encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, ValueError, RecursionError):  # RecursionError: nested deeper than any file load_yaml reads
        return False, None
    with contextlib.suppress(OSError):  # a cache shared read-only is read all the same
        os.utime(entry)  # last use, for pruning
    return True, data


def put(text: str, data: Any) -> None:
    """Keep ``data`` as what ``text`` parses to; quietly nothing where the cache cannot be written."""
    root = directory()
    if root is None:
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=root, prefix=TEMPORARY, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, _entry(root, text))
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):  # no space, read-only, or a text JSON cannot hold (a lone surrogate)
        return


def prune(max_bytes: int = MAX_BYTES) -> None:
    """Remove the least recently used entries until the rest take at most ``max_bytes``."""
    root = directory()
    if root is None:
        return
    try:
        entries = [
            (e.stat().st_mtime_ns, e.stat().st_size, Path(e.path)) for e in os.scandir(root) if _OWN.fullmatch(e.name)
        ]
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
