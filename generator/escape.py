"""Turning catalog text into inert Markdown: the one place that escapes it.

Catalog text is data. Our pages are read by Python-Markdown with whatever
extensions a customer enabled (smarty, magiclink, emoji, caret, keys, ...) and
the policy by markdown-it-py, so characters that can start markup are written
as numeric character references. Both parsers pass references through as
literal characters and no extension matches on them: ``*``, ``|``,
``<script>``, ``{{`` and ``javascript:`` reach the reader verbatim and never
become markup.

Characters that are markup only in some contexts stay readable elsewhere, so
the generated Markdown remains legible: ``.`` is escaped only where it could
end a list number, form an ellipsis or a ``www.`` link; ``-`` only in runs
(smart dashes, rules) or at the start; ``:`` only when glued to what follows
(``javascript:x``, ``:emoji:``) or at the start. ``,``, ``/``, ``?``, ``%``,
``;``, ``(`` and ``)`` are markup nowhere on their own.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_ALWAYS = set("\\`*_[]<>&|{}#!=~^$+'\"@\t")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_EDGE_SPACE = re.compile(r"^[^\S\n\r\x0b\x0c\x85\u2028\u2029]+|[^\S\n\r\x0b\x0c\x85\u2028\u2029]+$")
_CANDIDATES = re.compile(r"[\\`*_\[\]<>&|{}#!=~^$+'\"@.:\t-]")


def _needs_escape(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _ALWAYS or i == 0:
        return True
    before, after = text[i - 1], text[i + 1 : i + 2]
    if ch == ".":
        return before.isdigit() or before == "." or after == "." or text[max(0, i - 3) : i].lower() == "www"
    if ch == "-":
        return before == "-" or after == "-"
    return after not in ("", " ")  # ":" glued to what follows


def md_text(text: str) -> str:
    """Inline Markdown that shows ``text`` exactly; line breaks become ``<br>``."""
    # Control characters are invalid in HTML; show them as U+FFFD like browsers do.
    text = _CONTROL.sub("\ufffd", text)
    escaped = _CANDIDATES.sub(
        lambda m: f"&#{ord(m.group())};" if _needs_escape(text, m.start()) else m.group(), text
    )
    # Parsers strip leading and trailing white space (Python's str.strip: any
    # Unicode space) from cells and paragraphs; references survive that.
    escaped = _EDGE_SPACE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), escaped)
    return _LINE_BREAKS.sub("<br>", escaped)


def md_code(text: str) -> str:
    """``text`` as inline code; an HTML element because backtick spans cannot hold references."""
    return f"<code>{md_text(text)}</code>"


def html_text(text: str) -> Markup:
    """HTML that shows ``text`` exactly; line breaks become ``<br>``."""
    text = _CONTROL.sub("\ufffd", text)
    return Markup("<br>").join(escape(part) for part in _LINE_BREAKS.split(text))
