"""Cookie names as regular expressions, one spelling for Python and JavaScript.

A catalog entry with ``pattern: true`` stands for many names: ``_ga_`` for
``_ga_XYZ123`` (a prefix), ``SSPR_*`` or ``a*b`` (``*`` is any text). The scanner
matches with Python's ``re`` and consent tools with JavaScript ``RegExp``; the
source written here means the same in both, so what we test is what ships.
"""

from __future__ import annotations

import functools
import re

# Characters with a meaning in either regex dialect; escaping "/" also lets the
# source sit inside a JavaScript /literal/.
_SPECIAL = set("\\^$.*+?()[]{}|/")


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:  # control and non-ASCII characters, as \\uXXXX (surrogate pairs beyond the BMP)
            data = ch.encode("utf-16-be")
            out.extend(f"\\u{int.from_bytes(data[i:i + 2], 'big'):04x}" for i in range(0, len(data), 2))
    return "".join(out)


def name_regex(name: str) -> str:
    """``_ga_`` -> ``^_ga_`` (a prefix); ``SSPR_*`` -> ``^SSPR_.*$`` (``*`` is any text)."""
    if "*" not in name:
        return "^" + _escape(name)
    return "^" + ".*".join(_escape(part) for part in name.split("*")) + "$"


@functools.lru_cache(maxsize=None)
def _compiled(name: str) -> re.Pattern[str]:
    return re.compile(name_regex(name), re.DOTALL)


def covers(pattern: str, seen: str) -> bool:
    """Whether a documented pattern name such as ``_ga_`` covers the ``seen`` name ``_ga_XYZ``."""
    return _compiled(pattern).match(seen) is not None
