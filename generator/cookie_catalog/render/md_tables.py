"""A faster path through markdown-it-py for the plain tables the policy is made of.

markdown-it-py turns every table cell into five tokens and parses every cell
on its own: for a catalog of 2,000 cookies most of the policy downloads' time.
The rule here takes a table only where its result is certain to be what the
stock ``table`` rule gives (tests/test_md_tables.py checks that against the
stock parser on generated documents): every line starts at its line's start
with ``|`` and ends with ``|``, its cells split as the stock rule splits them
(a ``|`` right after a backslash belongs to its cell, the backslash dropped),
the delimiter row has no alignment colons, every row has the header's number
of cells, and the table ends at a blank line or the end of the document.
Anything else is left to the stock rule. The cells are rendered with
the same parser (``MarkdownIt.renderInline``) once per distinct text, after the
whole document is parsed, as the stock pipeline does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

_SEPARATOR = re.compile(r"(?<!\\)\|")
_DELIMITER = re.compile(r"\|(?:[ \t]*-+[ \t]*\|)+")
TOKEN = "plain_table"


def use_plain_tables(md: MarkdownIt) -> MarkdownIt:
    """Add the rule (before the stock ``table``, which stays for everything else) and its renderer."""
    md.block.ruler.before("table", TOKEN, _plain_table)
    md.add_render_rule(TOKEN, _renderer(md))
    return md


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] : state.eMarks[line]]


def _unprefixed(state: StateBlock, line: int) -> bool:
    """The line is not indented and not inside a container's marker (``>``, list indent)."""
    begin = state.bMarks[line]
    return state.tShift[line] == 0 and (begin == 0 or state.src[begin - 1] == "\n")


def _cells(row: str) -> list[str] | None:
    """The row's cells as markdown-it's ``escapedSplit`` makes them, or None unless it starts and ends with a ``|``."""
    pieces = _SEPARATOR.split(row)
    if len(pieces) < 3 or pieces[0] or pieces[-1]:
        return None
    return [mdTrim(piece.replace("\\|", "|")) for piece in pieces[1:-1]]


def _plain_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if silent or state.blkIndent != 0 or start + 2 > end:
        return False
    header, delimiter = _line(state, start), _line(state, start + 1)
    if not (_unprefixed(state, start) and _unprefixed(state, start + 1)):
        return False
    head = _cells(header)
    if head is None or not _DELIMITER.fullmatch(delimiter) or delimiter.count("|") - 1 != len(head):
        return False
    rows, line = [], start + 2
    while line < end:
        text = _line(state, line)
        if state.tShift[line] == len(text):  # a blank line ends the table
            break
        cells = _cells(text) if _unprefixed(state, line) else None
        if cells is None or len(cells) != len(head):
            return False
        rows.append(cells)
        line += 1
    token = state.push(TOKEN, "table", 0)
    token.map = [start, line]
    token.meta = {"head": head, "rows": rows}
    state.line = line
    return True


def _renderer(md: MarkdownIt) -> Callable[..., str]:
    def render(_renderer: Any, tokens: Sequence[Token], idx: int, _options: OptionsDict, env: dict) -> str:
        """The HTML markdown-it writes for the stock table tokens, byte for byte."""
        cache: dict[str, str] = env.setdefault("_plain_table_cells", {})  # env lives for one render

        def inline(text: str) -> str:
            html = cache.get(text)
            if html is None:
                html = cache[text] = md.renderInline(text, env) if text else ""
            return html

        meta = tokens[idx].meta
        out = ["<table>\n<thead>\n<tr>\n", *(f"<th>{inline(c)}</th>\n" for c in meta["head"]), "</tr>\n</thead>\n"]
        if meta["rows"]:
            out.append("<tbody>\n")
            for row in meta["rows"]:
                out += ["<tr>\n", *(f"<td>{inline(c)}</td>\n" for c in row), "</tr>\n"]
            out.append("</tbody>\n")
        out.append("</table>\n")
        return "".join(out)

    return render
