"""The policy HTML laid out for paper: names break at dots only, no empty column, a running header, page numbers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render.pages import Renderer
from cookie_catalog.render.policy import css_string, policy_html, policy_markdown

from support.catalogs import write_catalog
from support.paths import CATALOG

COOKIE = "  - {{name: '{name}', purpose: p, duration: session, provenance: first-party, category: functional{extra}}}\n"


def _html(root) -> str:
    renderer = Renderer(load_catalog(root))
    return policy_html(renderer, policy_markdown(renderer))


def _style(html: str) -> str:
    return html[html.index("<style>") : html.index("</style>")]


def _unescape_css(text: str) -> str:
    """A CSS string's content, its escapes decoded (as a browser reads it)."""
    return re.sub(r"\\([0-9a-fA-F]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), text)


@given(st.text(max_size=80))
def test_css_string_holds_any_text_verbatim_and_cannot_leave_its_string(text):
    quoted = str(css_string(text))
    assert quoted.startswith('"') and quoted.endswith('"')
    inner = quoted[1:-1]
    assert re.fullmatch(r"(?:[A-Za-z0-9]|\\[0-9a-f]{6})*", inner)  # no quote, <, newline, or space to eat
    assert _unescape_css(inner) == text


def test_running_header_names_title_version_and_date_and_footer_numbers_pages():
    style = _style(_html(CATALOG))
    top = re.search(r"@top-left \{ content: (\"[^\"]*\");", style)
    assert (
        top
        and _unescape_css(top[1][1:-1]) == "Genesys Widgets Cookie Usage · Version 2020-04-15 · Last updated 2020-04-15"
    )
    assert 'content: "Page " counter(page) " of " counter(pages);' in style


def test_hostile_version_stays_inside_the_running_header(tmp_path):
    product = 'product: P\nversion: "1</style><script>alert(1)</script>\\" }"\n'
    root = write_catalog(
        tmp_path / "cat", product, {"a.yml": "plugin: A\ncookies:\n" + COOKIE.format(name="a", extra="")}
    )
    html = _html(root)
    style = _style(html)
    assert "<script>" not in style and html.count("<style>") == 1 and html.count("</style>") == 1
    top = re.search(r"@top-left \{ content: (\"[^\"]*\");", style)
    assert top and _unescape_css(top[1][1:-1]).endswith('Version 1</style><script>alert(1)</script>" }')


class _Names(HTMLParser):
    """Each <code>'s text, and how its pieces are marked up."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[tuple[str, list[str]]] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "code":
            self.names.append(("", []))
            self.depth = 1
        elif self.depth and tag == "span":
            self.names[-1][1].append(dict(attrs).get("class") or "")
        elif self.depth and tag == "wbr":
            self.names[-1][1].append("wbr")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "code":
            self.depth = 0

    def handle_data(self, data):
        if self.depth:
            self.names[-1] = (self.names[-1][0] + data, self.names[-1][1])


def test_names_may_break_after_their_dots_and_nowhere_else():
    html = _html(CATALOG)
    style = _style(html)
    assert "break-all" not in style and "anywhere" not in style
    assert re.search(r"code \{[^}]*overflow-wrap: normal; word-break: keep-all;", style)
    assert "code .name-part { white-space: nowrap; }" in style
    parser = _Names()
    parser.feed(html)
    names = {c.name for p in load_catalog(CATALOG).plugins for c in p.cookies}
    shown = {text: marks for text, marks in parser.names if text in names}
    assert set(shown) == names
    for name, marks in shown.items():
        pieces = name.count(".") + (0 if name.endswith(".") else 1)
        assert marks == ["name-part", *["wbr", "name-part"] * (pieces - 1)], name


def test_condition_column_only_in_tables_where_a_cookie_has_one(tmp_path):
    plugins = {
        "a.yml": "plugin: A\ncookies:\n" + COOKIE.format(name="a.b", extra=""),
        "b.yml": "plugin: B\ncookies:\n" + COOKIE.format(name="c", extra=", condition: 'Only with chat'"),
    }
    html = _html(write_catalog(tmp_path / "cat", "product: P\n", plugins))
    tables = re.findall(r"<table>.*?</table>", html, re.S)[1:]  # after the categories' table
    assert len(tables) == 2
    assert "<th>Condition</th>" not in tables[0] and "<th>Condition</th>" in tables[1]
    assert "Only with chat" in tables[1]
