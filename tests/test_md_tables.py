"""The plain-table rule gives exactly what markdown-it-py's own table rule gives, and is taken for the policy."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render.md_tables import TOKEN, use_plain_tables
from cookie_catalog.render.pages import Renderer
from cookie_catalog.render.policy import policy_markdown

from support.paths import CATALOG, DATA
from support.strategies import METACHARACTERS


def stock() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def fast() -> MarkdownIt:
    return use_plain_tables(stock())


# Cell text: Markdown and HTML that means something in a cell, escapes, spaces of every kind.
_cell = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *METACHARACTERS,
                "|",
                "\\|",
                "`a|b`",
                "<code>x</code>",
                "<br>",
                "&#95;",
                "[r]",
                "[r][]",
                "\u00a0",
                "\u2003",
                "\t",
                ":",
                "-",
                "---",
                " ",
            ]
        ),
        st.text("ab|-: \t`\\<>&#;", max_size=4),
    ),
    max_size=5,
).map(lambda parts: "".join(parts).replace("\n", " ").replace("\r", " "))


# No "|" but escaped ones, and no backslash that would escape the next cell's "|".
_plain_cell = _cell.map(
    lambda text: text.replace("\\|", "\ue000").replace("|", "").replace("\ue000", "\\|").rstrip("\\")
)


@st.composite
def table(draw) -> str:
    """Half the time a table the plain rule takes, else one a step away from it (or many steps)."""
    width = draw(st.integers(1, 4))
    if draw(st.booleans()):
        cell, delimiters, indents = _plain_cell, ["---", " --- ", "-", "---\t"], [""]
        rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=4))
    else:
        cell, delimiters = _cell, ["---", " --- ", "-", ":--", "--:", ":-:", "- -", "", "---\t"]
        indents = ["", " ", "   ", "    ", "> ", "- ", "1. "]
        rows = draw(st.lists(st.lists(cell, min_size=max(width - 1, 0), max_size=width + 1), max_size=4))
    header = draw(st.lists(cell, min_size=width, max_size=width))
    delimiter = [draw(st.sampled_from(delimiters)) for _ in range(width)]
    indent = draw(st.sampled_from(indents))
    lines = ["|" + "|".join(header) + "|", "|" + "|".join(delimiter) + "|", *("|" + "|".join(r) + "|" for r in rows)]
    lines = [indent + line if draw(st.booleans()) or i == 0 else line for i, line in enumerate(lines)]
    return "\n".join(lines)


_block = st.one_of(
    table(),
    _cell,  # a paragraph (or a lazy line right after a table)
    st.sampled_from(
        [
            "# h",
            "> quote",
            "- item",
            "1. item",
            "```\n| a |\n| - |\n```",
            "<div>",
            "</div>",
            "    code",
            "[r]: /target",
            "***",
            "",
            "\\",
            "| not | a table |",
        ]
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_block, st.sampled_from(["\n", "\n\n", "\r\n"])), max_size=6))
def test_same_html_as_the_stock_table_rule(blocks):
    document = "".join(block + end for block, end in blocks)
    assert fast().render(document) == stock().render(document)


def _policy(catalog) -> str:
    return policy_markdown(Renderer(load_catalog(catalog), flavour="gfm"))  # as the downloads render it


def test_the_policy_tables_take_the_plain_path_and_render_the_same(ocd_catalog):
    for catalog in (CATALOG, DATA / "hostile-catalog", ocd_catalog):
        markdown = _policy(catalog)
        tokens = fast().parse(markdown)
        tables = sum(1 for line in markdown.splitlines() if line.startswith("| ---"))
        assert sum(t.type == TOKEN for t in tokens) == tables > 0
        assert not any(t.type == "table_open" for t in tokens)
        assert fast().render(markdown) == stock().render(markdown)
