"""A linear-time HTML tokenizer: start tags, end tags and text, for ``html_tables``.

Python's ``html.parser`` rescans the rest of the document at every ``<`` it
cannot close (before CPython 3.13.5 and 3.12.11): 200 KB of ``<a`` took 26 s,
twice that 104 s. This tokenizer follows the HTML standard's rule instead: a
tag, comment or quoted value that never ends runs to the end of the document,
so every character is looked at a bounded number of times, whatever the input.

It knows only what reading cookie tables needs: tags with attributes
(lower-cased names, entities decoded), text with entities decoded, comments,
doctypes and processing instructions skipped, and the text of ``<script>``,
``<style>``, ``<title>`` and ``<textarea>`` read up to their end tag, as
browsers do. It builds no tree; the handler tracks nesting itself.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Protocol

Attrs = list[tuple[str, str | None]]

_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*")
_SPACE_OR_SLASH = re.compile(r"[\t\n\f\r /]*")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
# Elements whose content is text up to their end tag, never markup.
_RAW_TEXT = {"script", "style", "title", "textarea", "xmp", "plaintext"}
_RAW_END = {name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE) for name in _RAW_TEXT}
_DECODED = {"title", "textarea"}  # RCDATA: entities are decoded, tags are not


class Handler(Protocol):
    def handle_starttag(self, tag: str, attrs: Attrs, line: int) -> None: ...

    def handle_endtag(self, tag: str) -> None: ...

    def handle_data(self, data: str) -> None: ...


class _Cursor:
    """The text, a position in it, and the line of that position (counted once, forwards)."""

    def __init__(self, text: str):
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.pos = 0
        self._line, self._line_pos = 1, 0

    def line(self, at: int) -> int:
        self._line += self.text.count("\n", self._line_pos, at)
        self._line_pos = at
        return self._line

    def skip_to(self, needle: str, start: int) -> int:
        """Position just after ``needle`` from ``start``; the end of the text when it never comes."""
        found = self.text.find(needle, start)
        return len(self.text) if found < 0 else found + len(needle)


def tokenize(text: str, handler: Handler) -> None:
    """Feed every tag and text run of ``text`` to ``handler``, in document order."""
    cur = _Cursor(text)
    source, end = cur.text, len(cur.text)
    while cur.pos < end:
        lt = source.find("<", cur.pos)
        if lt < 0:
            handler.handle_data(unescape(source[cur.pos :]))
            return
        if lt > cur.pos:
            handler.handle_data(unescape(source[cur.pos : lt]))
        cur.pos = _markup(cur, lt, handler)


def _markup(cur: _Cursor, lt: int, handler: Handler) -> int:
    """Read the markup starting with the ``<`` at ``lt``; returns where the text goes on."""
    source = cur.text
    following = source[lt + 1 : lt + 2]
    if following == "/" and _TAG_NAME.match(source, lt + 2):
        name = _TAG_NAME.match(source, lt + 2)
        assert name is not None
        after, _ = _attributes(source, name.end())
        handler.handle_endtag(name.group().lower())
        return after
    if following in ("!", "?", "/"):
        if source.startswith("<!--", lt):
            return _comment_end(cur, lt)
        return cur.skip_to(">", lt + 2)  # doctype, processing instruction, </> and the like
    name = _TAG_NAME.match(source, lt + 1)
    if name is None:
        handler.handle_data("<")  # a lone "<" is text
        return lt + 1
    tag = name.group().lower()
    after, attrs = _attributes(source, name.end())
    handler.handle_starttag(tag, attrs, cur.line(lt))
    if source.startswith("/>", after - 2):
        handler.handle_endtag(tag)
    elif tag in _RAW_TEXT:
        return _raw_text(cur, tag, after, handler)
    return after


def _comment_end(cur: _Cursor, lt: int) -> int:
    source = cur.text
    if source.startswith("<!-->", lt) or source.startswith("<!--->", lt):
        return source.index(">", lt + 4) + 1
    return cur.skip_to("-->", lt + 4)


def _attributes(source: str, pos: int) -> tuple[int, Attrs]:
    """The attributes from ``pos`` and the position after the tag's ``>``.

    Each step moves forwards over what it matched; a quoted value without its
    closing quote, or a tag without ``>``, takes the rest of the document.
    """
    attrs: Attrs = []
    end = len(source)
    while True:
        pos = _SPACE_OR_SLASH.match(source, pos).end()  # type: ignore[union-attr]
        if pos >= end:
            return end, attrs
        if source[pos] == ">":
            return pos + 1, attrs
        name = _ATTR_NAME.match(source, pos)
        assert name is not None  # the character at pos is none of space, "/" and ">"
        pos = _SPACE.match(source, name.end()).end()  # type: ignore[union-attr]
        value: str | None = None
        if source.startswith("=", pos):
            pos = _SPACE.match(source, pos + 1).end()  # type: ignore[union-attr]
            quote = source[pos : pos + 1]
            if quote in ('"', "'"):
                close = source.find(quote, pos + 1)
                if close < 0:
                    return end, attrs
                value, pos = source[pos + 1 : close], close + 1
            else:
                unquoted = _UNQUOTED.match(source, pos)
                assert unquoted is not None
                value, pos = unquoted.group(), unquoted.end()
        attrs.append((name.group().lower(), None if value is None else unescape(value)))


def _raw_text(cur: _Cursor, tag: str, start: int, handler: Handler) -> int:
    """The text of a raw-text element up to its end tag (to the end of the document without one)."""
    found = _RAW_END[tag].search(cur.text, start)
    stop = found.start() if found else len(cur.text)
    if stop > start:
        content = cur.text[start:stop]
        handler.handle_data(unescape(content) if tag in _DECODED else content)
    if found is None:
        handler.handle_endtag(tag)
        return stop
    after, _ = _attributes(cur.text, found.end())
    handler.handle_endtag(tag)
    return after
