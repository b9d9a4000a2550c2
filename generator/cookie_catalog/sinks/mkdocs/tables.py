"""The cookie tables of our pages as HTML made by cmark-gfm, handed to Python-Markdown through its stash.

A large catalog's pages are mostly table cells, and Python-Markdown runs every inline pattern over every cell
(its inline processing was some 40% of a build). The tables are made of the templates' Markdown; this
converts each table block of our pages with cmark-gfm (C, the CommonMark reference with GitHub's tables),
and puts the HTML in the page as one stashed block, so no inline pattern runs over the cells. The templates
stay the one source of the tables' layout, and the Markdown files ``generate`` writes are unchanged.

The pages' Markdown is written for Python-Markdown (``render.escape``, flavour ``mkdocs``); CommonMark reads
it the same: every escape is a backslash before ASCII punctuation or a character reference, both of which
CommonMark honours, and the raw HTML (``<span id>``, ``<br>``, ``<small>``, ``<a href>``) passes through.
Only cmark-gfm's ``autolink`` extension would need the ``gfm`` flavour's escapes: it is not enabled.

What MkDocs does to a page's HTML is done to the tables too, by MkDocs' own code for the page being built:
each link goes through its link rewriter (relative URLs, ``use_directory_urls``, warnings for links to
nowhere, links to anchors recorded for ``validation.anchors``), and each ``id`` joins the page's anchors.
Where those are not found (another MkDocs, or Python-Markdown alone), tables are left to Python-Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from cookie_catalog.sinks.mkdocs.cmark import gfm_tables_html

# After fenced code (25): a table shown as code is stashed already; before MkDocs' scan of raw HTML (21) and
# Python-Markdown's HTML blocks (20), which would otherwise parse every tag of the table.
PRIORITY = 22
# A table's delimiter row: one "---" cell or more, each between pipes.
_DELIMITER = re.compile(r"\|(?: *:?-+:? *\|)+ *")
# The link targets MkDocs rewrites (``a href``, ``img src``), as cmark-gfm writes them: attribute values in
# double quotes, every quote in them a reference.
_LINK = re.compile(r'(<a href="|<img src=")([^"]*)(")')
# An element's id: in cmark-gfm's output a quote in text is always a reference, so `id="` is inside a tag.
_ID = re.compile(r'\sid="([^"]*)"')
# The start of an HTML block that runs to its end marker across blank lines, in CommonMark (kinds 1 to 5) and in
# Python-Markdown alike (raw): <pre>, <script>, <style>, <textarea>, a comment, a processing instruction, a
# declaration, CDATA. A table-looking block inside one (a template's example in <pre>) is that block's text.
_RAW_START = re.compile(r" {0,3}<(?:(pre|script|style|textarea)(?=[\s>]|$)|(!--|\?|![A-Za-z]|!\[CDATA\[))", re.I)
_RAW_END = {"!--": "-->", "?": "?>", "![CDATA[": "]]>"}


def table_blocks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each table block in ``lines``: a header row, a delimiter row, then rows.

    Only a block standing between blank lines (or the page's ends), every line a row starting with a pipe:
    where a line of another kind follows, the two parsers could end the table differently, and it is left
    to Python-Markdown. Lines inside a raw HTML block (``_RAW_START``, to its end marker) are no table.
    """
    count, i = len(lines), 0
    while i < count - 1:
        raw_end = _raw_block_end(lines[i])
        if raw_end is not None:
            while i < count and raw_end not in lines[i].lower():
                i += 1
            i += 1
        elif lines[i].startswith("|") and (i == 0 or not lines[i - 1].strip()) and _DELIMITER.fullmatch(lines[i + 1]):
            end = i + 2
            while end < count and lines[end].startswith("|"):
                end += 1
            if end == count or not lines[end].strip():
                yield i, end
            i = end
        else:
            i += 1


def _raw_block_end(line: str) -> str | None:
    """The end marker (lower case) of the raw HTML block ``line`` starts, or None where it starts none."""
    found = _RAW_START.match(line)
    if found is None:
        return None
    tag, other = found.groups()
    return f"</{tag.lower()}>" if tag else _RAW_END.get(other, ">")


def table_html(markdown: str) -> str | None:
    """``markdown``'s one table as HTML, or None where cmark-gfm does not read it as one table."""
    out = gfm_tables_html(markdown)
    if not out.startswith("<table>") or not out.endswith("</table>\n") or out.count("<table>") != 1:
        return None
    return out


def with_links(table: str, rewrite: Callable[[str], str]) -> str:
    """``table`` with each link target replaced by ``rewrite(target)``, called once a target.

    A table links to a handful of targets (the overview's categories, the plugin pages) thousands of times;
    MkDocs' rewriter only records a link to an anchor once, and warns of a broken target once here.
    """
    done: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        written = match.group(2)
        found = done.get(written)
        if found is None:
            found = done[written] = _rewritten(written, rewrite)
        return match.group(1) + found + match.group(3)

    return _LINK.sub(replace, table)


def _rewritten(written: str, rewrite: Callable[[str], str]) -> str:
    """A link target as ``rewrite`` makes it; as written where MkDocs' rewriter cannot split it into parts.

    The templates' raw ``<a href>`` (a cookie's ``privacy_url``, any http(s) address the catalog takes, such as
    ``https://[x``) was never handed to MkDocs by Python-Markdown, and ``urlsplit`` raises on some.
    """
    try:
        return html.escape(rewrite(html.unescape(written)))
    except ValueError:
        return written


def anchor_ids(table: str) -> set[str]:
    """The ids of the elements in ``table``, as an HTML parser reads them."""
    return {html.unescape(found) for found in _ID.findall(table)}


class _Tables(Preprocessor):
    """Replaces each table block of a page of ours with its HTML, stashed; other pages are left alone."""

    def __init__(self, md: Markdown, wanted: Callable[[str], bool]) -> None:
        super().__init__(md)
        self.wanted = wanted

    def run(self, lines: list[str]) -> list[str]:
        mkdocs = _mkdocs_steps(self.md)
        if mkdocs is None or "table" not in self.md.parser.blockprocessors:
            return lines
        src_uri, rewrite, anchors = mkdocs
        if not self.wanted(src_uri):
            return lines
        out: list[str] = []
        done = 0
        for start, end in table_blocks(lines):
            table = table_html("\n".join(lines[start:end]))
            if table is None:
                continue
            table = with_links(table, rewrite)
            anchors.update(anchor_ids(table))
            out += [*lines[done:start], self.md.htmlStash.store(table)]
            done = end
        return out + lines[done:] if done else lines


def _mkdocs_steps(md: Markdown) -> tuple[str, Callable[[str], str], set[str]] | None:
    """The page being converted (its ``src_uri``), MkDocs' link rewriter and set of anchors for it.

    None outside MkDocs 1.6 (which registers them under these names).
    """
    relpath, extract = _registered(md, "relpath"), _registered(md, "mkdocs_extract_anchors")
    rewrite = getattr(relpath, "path_to_url", None)
    src_uri = getattr(getattr(relpath, "file", None), "src_uri", None)
    anchors = getattr(extract, "present_anchor_ids", None)
    if not callable(rewrite) or not isinstance(src_uri, str) or not isinstance(anchors, set):
        return None
    return src_uri, rewrite, anchors


def _registered(md: Markdown, name: str) -> Any:
    """The tree processor registered under ``name``, or None (a Registry has no ``get``)."""
    return md.treeprocessors[name] if name in md.treeprocessors else None  # noqa: SIM401


class TablesExtension(Extension):
    """Registers the table converter; ``wanted(src_uri)`` says whether that page is one of ours."""

    def __init__(self, wanted: Callable[[str], bool]) -> None:
        super().__init__()
        self.wanted = wanted

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Tables(md, self.wanted), "cookie_catalog_tables", PRIORITY)
