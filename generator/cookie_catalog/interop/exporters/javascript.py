"""Writing JavaScript object literals: JSON plus regular-expression literals.

Consent tools (cookieconsent, Klaro!) are configured in JavaScript and take a
``RegExp`` where a cookie name varies; JSON cannot hold one, so exporters build
plain data with :class:`Regex` values and this module writes it out.

The output is meant to be pasted into a ``<script>`` element as often as it is
loaded as a file, so it holds no ``<``, ``>`` or ``&`` at all: in strings they
are ``\\u`` escapes (the same characters to JavaScript), so neither ``</script>``
nor ``<!--`` can end or change the element; regex sources arrive escaped the
same way from ``cookie_catalog.catalog.patterns``. The output is ASCII, so no charset or
U+2028 quirk applies either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_HTML_SIGNIFICANT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@dataclass(frozen=True)
class Regex:
    source: str  # as cookie_catalog.catalog.patterns writes it: "/", "<", ">" and "&" already escaped

    def __post_init__(self) -> None:
        # "//" would be a comment; a raw "<" could close a <script> element.
        if not self.source or set(self.source) & set("<>&\n\r\u2028\u2029"):
            raise ValueError(f"not a regex source this module can write: {self.source!r}")


def js_string(text: str) -> str:
    """``text`` as a JavaScript string literal, inert inside an HTML ``<script>`` element."""
    return json.dumps(text, ensure_ascii=True).translate(_HTML_SIGNIFICANT)


def _key(key: object) -> str:
    # A plain "__proto__": value in an object literal sets the prototype instead
    # of adding a property; the computed form adds the property like any other.
    return f"[{js_string('__proto__')}]" if key == "__proto__" else js_string(str(key))


def js_literal(value: Any, indent: int = 0) -> str:
    """``value`` as a JavaScript expression, indented by two spaces a level."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, Regex):
        return f"/{value.source}/"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_key(k)}: {js_literal(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{js_literal(v, indent + 1)}" for v in value) + f"\n{pad}]"
    if isinstance(value, str):
        return js_string(value)
    return json.dumps(value)


def js_comment(text: str) -> str:
    """``text`` for a ``//`` comment, written as a string literal: no line break ends the comment early and no
    ``</script>`` ends the element around it."""
    return js_string(text)
