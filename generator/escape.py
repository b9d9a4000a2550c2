"""Turning catalog text into inert Markdown: the one place that escapes it.

Catalog text is data. Our pages are read by Python-Markdown with whatever
extensions a customer enabled (smarty, magiclink, emoji, attr_list, ...), so
instead of guessing which characters each extension treats as markup we write
every ASCII punctuation character as a numeric character reference. Both
Python-Markdown and CommonMark pass references through as literal characters,
and no extension matches on them: ``*``, ``|``, ``<script>``, ``{{`` and
``javascript:`` reach the reader verbatim and never become markup.
"""

from __future__ import annotations

import re
import string

# ",", "/", "?", "%" and ";" are markup in no Markdown dialect or extension we know
# of; leaving them readable keeps the generated files legible.
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation.translate(str.maketrans("", "", ",/?%;"))) + "]")
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def md_text(text: str) -> str:
    """Inline Markdown that shows ``text`` exactly; line breaks become ``<br>``."""
    escaped = _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", text)
    # Control characters are invalid in HTML; show them as U+FFFD like browsers do.
    escaped = _CONTROL.sub("\ufffd", escaped)
    # Leading/trailing spaces and tabs would be stripped by table and paragraph parsing.
    escaped = re.sub(r"^[ \t]|[ \t]$", lambda m: f"&#{ord(m.group())};", escaped)
    return _LINE_BREAKS.sub("<br>", escaped)


def md_code(text: str) -> str:
    """``text`` as inline code; an HTML element because backtick spans cannot hold references."""
    return f"<code>{md_text(text)}</code>"
