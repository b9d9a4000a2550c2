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
from urllib.parse import quote

from markupsafe import Markup, escape

from cookie_catalog.catalog.model import LINE_BREAKS

_ALWAYS = "\\`*_[]<>&|{}#!=~^$+'\"@\t"
# One translation does most of the work, in C: characters that are always
# markup become references, line breaks <br>, and control characters (invalid
# in HTML) U+FFFD, as browsers show them.
_TRANSLATION = str.maketrans(
    {ch: f"&#{ord(ch)};" for ch in _ALWAYS}
    | {ch: "<br>" for ch in LINE_BREAKS}
    | {chr(c): "\ufffd" for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]}
)
# Then, in one pass: ".", "-" and ":" where the context makes them markup, and
# white space at either end, which parsers strip from cells and paragraphs
# (Python's str.strip: any Unicode space). The translation only produced
# references ending in ";" and "<br>", so the lookarounds still see what the
# original neighbours were.
_IN_CONTEXT = re.compile(r"^\s+|\s+$|^[.:-]|(?<=[\d.])\.|\.(?=\.)|(?i:(?<=www))\.|(?<=-)-|-(?=-)|:(?=[^ ])")
_LINE_BREAKS = re.compile(f"\r\n|[{LINE_BREAKS}]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_NOT_ATTR_SAFE = re.compile(r"[^\w.:-]")


def _reference(match: re.Match) -> str:
    return "".join(f"&#{ord(ch)};" for ch in match.group())


def md_text(text: str) -> str:
    """Inline Markdown that shows ``text`` exactly; line breaks become ``<br>``."""
    return _IN_CONTEXT.sub(_reference, text.replace("\r\n", "\n").translate(_TRANSLATION))


def md_line(text: str) -> str:
    """Inline Markdown for a heading: ``text`` exactly, its line breaks shown as spaces.

    A heading is one line; a ``<br>`` in it would vanish from the page title
    MkDocs derives from it (the nav, ``<title>``), running the words together.
    """
    return md_text(_LINE_BREAKS.sub(" ", text))


# A name a code span cannot hold verbatim in every parser our Markdown is meant for (Python-Markdown with any
# extension, markdown-it, GitHub's cmark-gfm), in a table cell or a list item:
# - "|": GFM and markdown-it end the cell there even inside a code span; their "\\|" shows literally in
#   Python-Markdown's tables;
# - line breaks, tabs, control characters: a span cannot cross a table row, Python-Markdown expands tabs;
# - white space at either end: Python-Markdown strips it all from a code span, cells strip it too;
# - "#!" or ":::" at the start: pymdownx.inlinehilite takes them for a language and highlights the rest;
# - "\\": Python-Markdown's table rows take "\\`" for an escaped backtick, and the policy's fast table path
#   (md_tables) reads only rows without one;
# - nothing at all: an empty span is no span.
_NOT_IN_CODE_SPAN = re.compile(rf"[|\\\t{LINE_BREAKS}\x00-\x08\x0e-\x1f\x7f]|^\s|\s$|^#!|^:::|^$")
_BACKTICK_RUNS = re.compile(r"`+")


def md_code(text: str) -> str:
    """``text`` as inline code that reads as written in the Markdown itself.

    A backtick code span, its fence longer than any backtick run in ``text``
    and padded with a space where ``text`` starts or ends with a backtick
    (CommonMark and Python-Markdown both strip that space): every parser shows
    its content verbatim. Where a span cannot hold ``text`` safely
    (``_NOT_IN_CODE_SPAN``), a ``<code>`` element with references instead.
    """
    if _NOT_IN_CODE_SPAN.search(text):
        return md_code_html(text)
    fence = "`" * (1 + max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_code_html(text: str) -> str:
    """``text`` as inline code in an HTML element, every markup character a reference.

    For where a code span cannot go: a name a span cannot hold, or one whose
    Markdown is processed further (``<wbr>`` added after its dots).
    """
    return f"<code>{md_text(text)}</code>"


def html_text(text: str) -> Markup:
    """HTML that shows ``text`` exactly; line breaks become ``<br>``."""
    text = _CONTROL.sub("\ufffd", text)
    return Markup("<br>").join(escape(part) for part in _LINE_BREAKS.split(text))


def html_attr(text: str) -> str:
    """``text`` inside a double-quoted HTML attribute of a Markdown page (``id="..."``).

    Identifiers written there (anchors, category keys) have a safe shape by
    construction or validation; escaping them anyway means a quote can never
    end the attribute. Every character but letters, digits, ``_ . : -``
    becomes a reference, so neither can a ``|`` end a table cell or a line
    break the row.
    """
    return _NOT_ATTR_SAFE.sub(_reference, text)


def url_part(text: str) -> str:
    """``text`` as one segment or fragment of a link target: every reserved character percent-encoded."""
    return quote(text, safe="")


# In an element's content (the tokenizer's data state, where innerHTML and
# insertAdjacentHTML parse), "&" starts a character reference only before an
# ASCII letter, digit or "#", and "<" starts markup only before an ASCII letter,
# "!", "/" or "?" (WHATWG HTML, 13.2.5.1, .6, .72). Everywhere else both are
# literal text, so only these occurrences are escaped.
_MARKUP_START = re.compile(r"&(?=[0-9A-Za-z#])|<(?=[A-Za-z!/?])")
_REFERENCE_FOR = {"&": "&amp;", "<": "&lt;"}


def html_content(text: str) -> str:
    """Text for a program that parses it as HTML into an element (``innerHTML``); line breaks become ``<br>``.

    Consent tools take their texts as HTML (cookieconsent always, Klaro with
    ``htmlTexts``), and some of them also show the same string as plain text:
    cookieconsent writes a section title into the switch's label with
    ``textContent``. Escaping only what would start markup keeps ordinary text
    (``Ads & tracking``, ``Partners' cookies``, ``a < b``) identical in both.
    """
    parts = _LINE_BREAKS.split(_CONTROL.sub("\ufffd", text))
    return "<br>".join(_MARKUP_START.sub(lambda m: _REFERENCE_FOR[m.group()], part) for part in parts)
