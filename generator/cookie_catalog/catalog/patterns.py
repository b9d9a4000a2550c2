"""Cookie names as regular expressions, one spelling for Python and JavaScript.

A catalog entry with ``pattern: true`` stands for many names: ``_ga_`` for
``_ga_XYZ123`` (a prefix), ``SSPR_*`` or ``a*b`` (``*`` is any text). The scanner
matches with Python's ``re`` and consent tools with JavaScript ``RegExp``; the
source written here means the same in both, so what we test is what ships.
The one difference is how the two escape a character beyond the BMP.
"""

from __future__ import annotations

import functools
import re

# Characters with a meaning in either regex dialect; escaping "/" also lets the
# source sit inside a JavaScript /literal/.
_SPECIAL = set("\\^$.*+?()[]{}|/")
# Written as \uXXXX like non-ASCII text: a source pasted into a <script>
# element must not hold "</script>" or "<!--".
_HTML_SIGNIFICANT = set("<>&")


def _unit_escapes(ch: str, python: bool) -> str:
    """``ch`` as ``\\uXXXX``. JavaScript (without the ``u`` flag) matches UTF-16 code
    units, so a character beyond the BMP is its surrogate pair; Python matches
    code points and spells it ``\\UXXXXXXXX``."""
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    if python:
        return f"\\U{code:08x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _escape(text: str, python: bool) -> str:
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append("\\" + ch)
        elif " " <= ch <= "~" and ch not in _HTML_SIGNIFICANT:
            out.append(ch)
        else:  # control, non-ASCII and HTML-significant characters
            out.append(_unit_escapes(ch, python))
    return "".join(out)


def name_regex(name: str, *, python: bool = False) -> str:
    """``_ga_`` -> ``^_ga_`` (a prefix); ``SSPR_*`` -> ``^SSPR_.*$`` (``*`` is any text).

    The JavaScript spelling by default; ``python=True`` differs only for
    characters beyond the BMP (see ``_unit_escapes``).
    """
    if "*" not in name:
        return "^" + _escape(name, python)
    return "^" + ".*".join(_escape(part, python) for part in name.split("*")) + "$"


def written_as_wildcard(name: str) -> bool:
    """Whether a source's name spells a wildcard (``SSPR_*``, ``*_key``), whatever the source's flag says.

    Inventories mark patterns inconsistently (the Open Cookie Database has
    ``SSPR_*`` with its wildcard flag unset; a vendor table has no flag at
    all). A ``*`` is the universal spelling of "any text", so an importer
    takes such a name as a pattern; in the catalog ``pattern: true`` is then
    the one switch every exporter and the scanner read.
    """
    return "*" in name


def exact_regex(name: str) -> str:
    """The JavaScript regex source matching exactly the name ``name``, every character literal."""
    return "^" + _escape(name, False) + "$"


@functools.cache
def _compiled(name: str) -> re.Pattern[str]:
    return re.compile(name_regex(name, python=True), re.DOTALL)


def covers(pattern: str, seen: str) -> bool:
    """Whether a documented pattern name such as ``_ga_`` covers the ``seen`` name ``_ga_XYZ``."""
    return _compiled(pattern).match(seen) is not None
