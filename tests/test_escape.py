"""The escapes: Markdown text against a slow, obviously-right statement of its rules; attributes and links."""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from urllib.parse import quote, unquote

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import LINE_BREAKS, Category, Cookie, CookieEntry, PluginFile
from cookie_catalog.interop.catalog_writer import dump_model
from cookie_catalog.render.escape import html_attr, html_content, html_text, md_code, md_line, md_text, url_part
from cookie_catalog.render.pages import Renderer

from support.inert import seen
from support.paths import CATALOG
from support.rendered import EXTENSIONS, parse
from support.strategies import METACHARACTERS

ALWAYS = set("\\`*_[]<>&|{}#!=~^$+'\"@\t")
_MARKDOWN = markdown.Markdown(extensions=EXTENSIONS)
BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")


def reference(text: str) -> str:
    """Character by character: which characters become references, and why."""
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "\ufffd", text)

    def escape(i: int) -> bool:
        ch = text[i]
        if ch in ALWAYS:
            return True
        if ch not in ".-:":
            return False
        if i == 0:
            return True  # a list marker, a rule, a definition
        before, after = text[i - 1], text[i + 1 : i + 2]
        if ch == ".":  # a list number, an ellipsis, a www. link
            return (
                bool(re.match(r"\d", before))
                or before == "."
                or after == "."
                or text[max(0, i - 3) : i].lower() == "www"
            )
        if ch == "-":  # smart dashes, rules
            return before == "-" or after == "-"
        return after not in ("", " ")  # ":" glued to what follows: javascript:x, :emoji:

    out = "".join(f"&#{ord(ch)};" if escape(i) else ch for i, ch in enumerate(text))
    edge = r"[^\S\n\r\x0b\x0c\x85\u2028\u2029]+"
    out = re.sub(f"^{edge}|{edge}\\Z", lambda m: "".join(f"&#{ord(c)};" for c in m.group()), out)
    return BREAKS.sub("<br>", out)


@settings(max_examples=2000)
@given(
    st.lists(
        st.sampled_from([*METACHARACTERS, ".", "-", ":", "www", "WwW", "1", "١", " ", "x"]) | st.text(max_size=4),
        max_size=12,
    ).map("".join)
)
def test_md_text_follows_its_rules(text):
    assert md_text(text) == reference(text)


# Any text an identifier could hold: no control characters, surrogates or noncharacters (U+FFFE,
# U+FDD0...), which YAML cannot hold and Python's HTML parser drops from character references.
_IDENTIFIER_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"))).filter(
    lambda t: not any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE for c in t)
)


@settings(max_examples=300)
@given(_IDENTIFIER_TEXT | st.sampled_from(['x" onclick="a()" y="', "a|b`c`"]))
def test_html_attr_keeps_any_text_inside_its_attribute_and_its_table_cell(text):
    table = f'| a | b |\n| --- | --- |\n| <span id="{html_attr(text)}"></span>x | y |\n'
    parsed = parse(_MARKDOWN.reset().convert(table))
    assert [attrs for tag, attrs in parsed.tags if tag == "span"] == [{"id": text}]
    assert [t for tag, t in parsed.blocks if tag == "td"] == ["x", "y"]


@given(st.text())
def test_url_part_is_one_inert_segment_of_a_link(text):
    assert re.fullmatch(r"[A-Za-z0-9_.~%-]*", url_part(text))
    assert unquote(url_part(text), errors="surrogatepass") == text


def test_templates_escape_identifiers_the_validator_would_refuse():
    """Defence in depth: a category key or an anchor of any shape stays inside its attribute and its link."""
    catalog = load_catalog(CATALOG)
    key, anchor = 'x" onmouseover="alert(1)" data-a="|`', "a\" onclick='alert(2)' |"
    cookie = Cookie(catalog.plugins[0].cookies[0].entry.model_copy(update={"category": key}), anchor)
    plugin = dataclasses.replace(catalog.plugins[0], cookies=(cookie,))
    categories = (*catalog.categories, Category(key, "Label", "Description"))
    catalog = dataclasses.replace(catalog, categories=categories, plugins=(plugin,))
    renderer = Renderer(catalog)
    md = markdown.Markdown(extensions=EXTENSIONS)
    overview = parse(md.reset().convert(renderer.overview()))
    page = parse(md.reset().convert(renderer.plugin_page(plugin)))
    fragment = parse(renderer.fragments()[f"{plugin.slug}.html"])
    for parsed in (overview, page, fragment):
        injected = [(tag, attrs) for tag, attrs in parsed.tags if any(k[:2] == "on" or k == "data-a" for k in attrs)]
        assert injected == []
    assert {"id": f"category-{key}"} in [attrs for tag, attrs in overview.tags if tag == "span"]
    assert {"class": "cc-anchor", "id": anchor} in [attrs for tag, attrs in page.tags if tag == "span"]
    assert {"href": f"index.md#category-{quote(key, safe='')}"} in [attrs for tag, attrs in page.tags if tag == "a"]
    assert [t for tag, t in page.blocks if tag == "td"][4:] == ["Label"]  # the row kept its five cells
    assert {"class": "cookie-catalog__cookie", "id": anchor} in [attrs for tag, attrs in fragment.tags if tag == "tr"]


@pytest.mark.parametrize("br", list(LINE_BREAKS))
def test_every_reader_and_writer_agrees_on_line_breaks(br):
    """One definition of a line break: text shows it as one, a heading as a space, a name refuses it,
    and the catalog writer keeps it through YAML."""
    assert md_text(f"a{br}b") == "a<br>b" and str(html_text(f"a{br}b")) == "a<br>b"
    assert html_content(f"a{br}b") == "a<br>b" and md_line(f"a{br}b") == "a b"
    assert BREAKS.fullmatch(br)  # the escapes' slow statement agrees
    with pytest.raises(ValidationError, match="spans several lines"):
        CookieEntry(name=f"a{br}b", purpose="p", duration="session", provenance="first-party", category="analytics")
    written = dump_model(PluginFile(plugin=f"a{br}b", cookies=[]))
    assert yaml.safe_load(written)["plugin"] == f"a{br}b" and '"' in written


# Names a code span holds (with a longer fence, or padding), and names it cannot (a `<code>` element instead).
CODE_NAMES = [
    "_ga",
    "a`b",
    "`x",
    "x`",
    "```",
    "a``b`",
    "a\\",
    "\\`",
    "<b>x</b>",
    "&amp;",
    "*a* _b_ [l](u)",
    "{: .c}",
    "$x$",
    "++ctrl++",
    ":smile:",
    "www.x.com",
    "https://x.io",
    "[^1]",
    "a  b",
    "a|b",
    "|",
    " x",
    "x ",
    "a\tb",
    "#!python x",
    ":::js x",
    "a\nb",
    "a\x00b",
    "\u00a0x",
]


@pytest.mark.parametrize("name", CODE_NAMES)
def test_cookie_name_is_verbatim_inline_code_in_every_parser(name):
    """Python-Markdown with every extension, markdown-it and GitHub's renderer show the name as one code element,
    in a table cell and in a list item, with nothing else around it."""
    import cmarkgfm
    from cmarkgfm.cmark import Options
    from markdown_it import MarkdownIt

    code = md_code(name)
    renderers = [
        markdown.Markdown(extensions=EXTENSIONS).convert,
        MarkdownIt("commonmark", {"html": True}).enable("table").render,
        lambda text: cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE),
    ]
    for render in renderers:
        for markdown_text in (f"| A | B |\n| --- | --- |\n| {code} | x |\n", f"- {code}: x\n"):
            html = render(markdown_text)
            parsed = parse(html)
            assert [
                tag
                for tag, _ in parsed.tags
                if tag not in {"table", "thead", "tbody", "tr", "th", "td", "p", "ul", "li", "br"}
            ] == ["code"], (render, html)
            visible = re.search(r"<code>(.*?)</code>", html, re.S)
            assert visible and unescape(visible.group(1).replace("<br>", "\n")) == seen(name), (render, html)


def test_names_a_code_span_can_hold_are_written_as_code_spans():
    assert md_code("_genesys.widgets.x") == "`_genesys.widgets.x`"
    assert md_code("a`b") == "``a`b``" and md_code("`x") == "`` `x ``"
    assert md_code("a|b") == "<code>a&#124;b</code>"
