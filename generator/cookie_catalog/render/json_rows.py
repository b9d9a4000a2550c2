"""JSON downloads written one record a line: small as compact JSON, yet a diff shows which record changed.

``json.dumps(indent=2)`` gives every field of every cookie a line of its own
and its indentation: the Open Cookie Database's policy is 2.2 MB so, 1.5 MB
compact. Compact on one line, though, a change to one cookie is a change to
the whole file. Here the outer structure is indented as usual and every
container from a given depth down (a cookie, a TCF disclosure) is written
compactly on its own line: the same JSON value, for every parser. A line is a line for every reader: the
characters Unicode (``str.splitlines``, editors) also ends a line at, NEL, LS and PS, are written as escapes,
which JSON allows inside a string, the only place they can be.
"""

from __future__ import annotations

import json
from typing import Any

_COMPACT = (",", ":")
_LINE_ENDS = "\x85\u2028\u2029"  # json.dumps writes them raw


def dumps(value: Any, rows_at: int, indent: int = 2) -> str:
    """``value`` as JSON text (non-ASCII as is, but NEL, LS, PS; a newline at the end), containers at depth
    ``rows_at`` on one line.

    The top-level value is depth 0; an object or array nested ``rows_at`` deep,
    or deeper, is written compactly, and each one above it has an item a line.
    """
    text = _dumps(value, rows_at, indent, 0)
    for end in _LINE_ENDS:  # str.replace: C speed, and a copy only where the text holds one
        text = text.replace(end, f"\\u{ord(end):04x}")
    return text + "\n"


def _dumps(value: Any, rows_at: int, indent: int, depth: int) -> str:
    if depth >= rows_at or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False, separators=_COMPACT)
    inner = "\n" + " " * (indent * (depth + 1))
    if isinstance(value, dict):
        items = [f"{_key(k)}: {_dumps(v, rows_at, indent, depth + 1)}" for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        items = [_dumps(v, rows_at, indent, depth + 1) for v in value]
        opening, closing = "[", "]"
    return opening + inner + ("," + inner).join(items) + "\n" + " " * (indent * depth) + closing


def _key(key: Any) -> str:
    """An object key as ``json.dumps`` writes it: a key that is not a string as its JSON text (``true``, ``1``)."""
    return json.dumps(key if isinstance(key, str) else json.dumps(key), ensure_ascii=False)
