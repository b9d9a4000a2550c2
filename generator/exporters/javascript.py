"""Writing JavaScript object literals: JSON plus regular-expression literals.

Consent tools (cookieconsent, Klaro!) are configured in JavaScript and take a
``RegExp`` where a cookie name varies; JSON cannot hold one, so exporters build
plain data with :class:`Regex` values and this module writes it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Regex:
    source: str  # as generator.patterns.name_regex writes it: "/" already escaped


def js_literal(value: Any, indent: int = 0) -> str:
    """``value`` as a JavaScript expression, indented by two spaces a level."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, Regex):
        return f"/{value.source}/"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {js_literal(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{js_literal(v, indent + 1)}" for v in value) + f"\n{pad}]"
    # ensure_ascii: U+2028/U+2029 and friends stay escapes, valid in every JS engine
    return json.dumps(value, ensure_ascii=True)


def js_comment(text: str) -> str:
    """Text safe inside a ``//`` comment: one line."""
    return " ".join(text.split())
