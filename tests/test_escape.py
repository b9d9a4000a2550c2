"""The escapes: Markdown text against a slow, obviously-right statement of its rules; attributes and links."""

from __future__ import annotations

import dataclasses
import re
import string
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
from cookie_catalog.render.escape import (
    URL,
    html_attr,
    html_content,
    html_text,
    md_code,
    md_code_html,
    md_line,
    md_text,
    url_part,
)
from cookie_catalog.render.pages import Renderer

from support.inert import seen
from support.paths import CATALOG
from support.rendered import parse, site_markdown
from support.strategies import METACHARACTERS

_MARKDOWN = site_markdown()
BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
# Python-Markdown's backslash escapes (markdown.Markdown.ESCAPED_CHARS) but "]" and ")" (arithmatex reads "\\[x\\]"
# and "\\(x\\)" as maths): every other character is a reference.
PM_BACKSLASH = set("\\`*_{}[(>#+-.!")
PM_NAMED = {"<": "&lt;", "&": "&amp;", '"': "&quot;"}


def _underscore_inside_a_word(text: str, i: int) -> bool:
    start, end = i, i
    while start > 0 and text[start - 1] == "_":
        start -= 1
    while end < len(text) - 1 and text[end + 1] == "_":
        end += 1
    return start > 0 and end < len(text) - 1 and text[start - 1].isalnum() and text[end + 1].isalnum()


def _commit_at(text: str, i: int) -> bool:
    """Whether a commit hash starts at ``i``: 40 lowercase hex digits, no letter or digit on either side."""
    return (
        re.fullmatch("[0-9a-f]{40}", text[i : i + 40]) is not None
        and not text[i - 1 : i].isalnum()
        and not text[i + 40 : i + 41].isalnum()
    )


def _escaped(text: str, i: int, commonmark: bool) -> bool:
    """Whether character ``i`` can start markup where it is, and why."""
    ch, before, after = text[i], text[i - 1 : i], text[i + 1 : i + 2]
    if not commonmark and _commit_at(text, i):
        return True  # magiclink: a commit hash (its first character escaped)
    if i == 0 and ch in string.punctuation:
        return True  # any block marker: a heading, a quote, a list, a rule, an admonition, a definition...
    if ch in "\\`*[]|~\t":
        return True  # escapes, code, emphasis, links, table cells, strikethrough/subscript, expanded tabs
    if ch == "_":
        return not commonmark or not _underscore_inside_a_word(text, i)  # emphasis (intraword: legacy_em, betterem)
    if ch == "#" and text[i:].strip("#") == "":
        return True  # a heading's closing sequence
    if ch in ".)" and text[:i].isdigit() and text[:i].isascii():
        return commonmark or not _commit_at(text, 0)  # a list number (a commit hash's escape already ends it)
    if ch in ".)" and not commonmark and after == " " and re.fullmatch("[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+", text[:i]):
        return not _commit_at(text, 0)  # fancylists: a list letter or roman number
    if ch == ":" and not commonmark and after == " " and re.fullmatch("[A-Z]{2,}", text[:i]):
        return True  # markdown-callouts: an admonition ("NOTE: ...")
    if ch == "&":
        return re.match(r"&(#|[A-Za-z0-9]+;)", text[i:]) is not None  # a character reference
    if (ch == "." and text[max(0, i - 3) : i].lower() == "www") or (ch == ":" and text[i + 1 : i + 3] == "//"):
        return True  # an autolink
    if commonmark:
        return ch == "<" and after != "" and not after.isspace()  # HTML, an autolink
    if ch in "=+-.>" and ch in (before, after):
        return True  # mark, keys, smart dashes and ellipses, angle quotes
    if ch == ">" and BREAKS.fullmatch(before):
        return True  # smarty's angle quotes, with the ">" of the "<br>" before it
    if ch in "#!?" and after in set("123456789"):
        return True  # magiclink: an issue, a pull request, a discussion (#1, !1, ?1, user/repo#1)
    if ch == ":":
        return re.match(r":[\w+-]+:", text[i:]) is not None  # an emoji
    if ch == "@":
        return re.match(r"@[\w-]", text[i:]) is not None  # an e-mail address, a mention
    around = text[i - 1 : i + 2] if i else ""
    if re.match(r"\((tm|c|r)\)|\+/-|=/=", text[i:]) or (ch == "/" and around == "c/o"):
        return True  # smartsymbols: trademark, copyright, registered, plus-minus, not equal, care of
    if re.fullmatch("[0-9]/[0-9]|[0-9](st|nd|rd|th)", around):
        return True  # smartsymbols: a fraction's "/", an ordinal's first letter
    return ch in "<{^$'\""  # HTML, attributes, superscript, maths, smart quotes


def _written(ch: str, commonmark: bool) -> str:
    if ch.isspace() or not ch.isascii():
        return f"&#{ord(ch)};"
    if commonmark or ch in PM_BACKSLASH:
        return "\\" + ch
    return PM_NAMED.get(ch, f"&#{ord(ch)};")


def reference(text: str, commonmark: bool) -> str:
    """Character by character: which characters are escaped, and how."""
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "\ufffd", text).replace("\r\n", "\n")
    edge = re.compile(r"[^\S\n\r\x0b\x0c\x85\u2028\u2029]")
    lead = len(text) - len(re.sub(f"^{edge.pattern}+", "", text))
    trail = len(text) - len(re.sub(f"{edge.pattern}+\\Z", "", text))
    out = []
    for i, ch in enumerate(text):
        if BREAKS.fullmatch(ch):
            out.append("<br>")
        elif i < lead or i >= len(text) - trail:
            out.append(f"&#{ord(ch)};")
        elif commonmark and ch == "@" and re.fullmatch(r"[A-Za-z0-9._+-]@[A-Za-z0-9._-]", text[i - 1 : i + 2]):
            out.append("<!-- -->@")  # cmark-gfm links an e-mail address however its characters are written
        else:
            out.append(_written(ch, commonmark) if _escaped(text, i, commonmark) else ch)
    return "".join(out)


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*METACHARACTERS, ".", "-", ":", "www", "WwW", "1", "١", " ", "x", "_", "a_", "st", ")", "c", "AB:"]
        )
        | st.text(max_size=4),
        max_size=12,
    ).map("".join),
    st.booleans(),
)
def test_md_text_follows_its_rules(text, commonmark):
    assert md_text(text, commonmark=commonmark, links=False) == reference(text, commonmark)


# Any text an identifier could hold: no control characters, surrogates or noncharacters (U+FFFE,
# U+FDD0...), which YAML cannot hold and Python's HTML parser drops from character references.
_IDENTIFIER_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"))).filter(
    lambda t: not any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE for c in t)
)


@settings(max_examples=300, deadline=None)
@given(
    _IDENTIFIER_TEXT
    | st.sampled_from(['x" onclick="a()" y="', "a|b`c`", "https://x.io/a?b=1&c=++k++ ~~d~~ ==m== ^s^ :smile: a@b.co"])
)
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
    md = site_markdown()
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
    "&#0",
    "a&#65b",
    "&#x41",
    "&#",
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
        site_markdown().convert,
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


@pytest.mark.parametrize(("first", "second"), [("({++", ")"), ("(x", ")"), ("[x", "]")])
def test_texts_sharing_a_cell_make_no_maths_between_them(first, second):
    """A name written as a ``<code>`` element and a domain, in one cell: arithmatex's ``\\(...\\)`` and
    ``\\[...\\]`` must find no pair in their escapes (hypothesis found ``({++`` and ``)``)."""
    cell = f"{md_code_html(first)}<br><small>{md_text(second)}</small>"
    html = _MARKDOWN.reset().convert(f"| A |\n| --- |\n| {cell} |\n")
    assert "arithmatex" not in html and parse(html).blocks[-1] == ("td", f"{first}\n{second}"), html


def test_names_a_code_span_can_hold_are_written_as_code_spans():
    assert md_code("_genesys.widgets.x") == "`_genesys.widgets.x`"
    assert md_code("a`b") == "``a`b``" and md_code("`x") == "`` `x ``"
    assert md_code("a|b") == "<code>a&#124;b</code>"


def _renderers() -> dict[str, tuple[bool, object]]:
    """Every parser the text's Markdown is meant for, and whether it gets the CommonMark escapes."""
    import cmarkgfm
    from cmarkgfm.cmark import Options
    from markdown_it import MarkdownIt

    site = markdown.Markdown(extensions=["admonition", "attr_list", "tables", "toc"])
    legacy = markdown.Markdown(extensions=["tables", "legacy_em"])  # betterem's emphasis replaces legacy_em's
    return {
        "python-markdown, every extension": (False, lambda t: _MARKDOWN.reset().convert(t)),
        "python-markdown, the site's extensions": (False, lambda t: site.reset().convert(t)),
        "python-markdown, legacy_em": (False, lambda t: legacy.reset().convert(t)),
        "markdown-it": (True, MarkdownIt("commonmark", {"html": True}).enable("table").render),
        "cmark-gfm": (True, lambda t: cmarkgfm.github_flavored_markdown_to_html(t, options=Options.CMARK_OPT_UNSAFE)),
    }


RENDERERS = _renderers()


def _shown(text: str, commonmark: bool, render) -> list:
    """What each parser makes of ``text`` in a paragraph and in a table cell: (links, visible text, other tags)."""
    out = []
    for markdown_text, block in ((md_text(text, commonmark=commonmark), "p"), (None, "td")):
        if markdown_text is None:
            markdown_text = f"| A |\n| --- |\n| {md_text(text, commonmark=commonmark)} |\n"
        parsed = parse(render(markdown_text))
        blocks = [t for tag, t in parsed.blocks if tag == block]
        tags = {tag for tag, _ in parsed.tags} - {"p", "a", "br", "table", "thead", "tbody", "tr", "th", "td"}
        out.append(([tuple(link) for link in parsed.links], blocks, tags))
    return out


# Text, and the URLs in it by the grammar of cookie_catalog.render.escape's module doc.
URL_CASES = [
    ("see https://github.com/x/y.", ["https://github.com/x/y"]),
    ("(https://x.io/a_(b)c), and", ["https://x.io/a_(b)c"]),
    ("https://x.io/a(b c", ["https://x.io/a"]),
    ("HTTPS://W.X/~a*b*!", ["HTTPS://W.X/~a*b"]),
    ("http://e.com/?q=1&b=2#f;", ["http://e.com/?q=1&b=2#f"]),
    ("https://a.b/%zz https://a.b/%41&amp;c", ["https://a.b/", "https://a.b/%41"]),
    ("https://x.y/'a\"b<c>d|e`f\\g[h]i$j^k{l}m", ["https://x.y/"]),
    ("https:// http://. xhttps://x.y https://ü.de", []),
    ("https://u@x.y/:a: https://x.y/++k++==m==~~d~~--e", ["https://u@x.y/:a", "https://x.y/++k++==m==~~d~~--e"]),
    ("<https://x.y> [t](https://x.y)", ["https://x.y", "https://x.y"]),
    ("[https://] \\(x\\) [a]", []),  # arithmatex's \[...\] and \(...\)
    # magiclink's shorteners show "u/r#1" and "@u" for a link whose text is its target
    ("https://github.com/u/r/issues/1 https://x.com/u", ["https://github.com/u/r/issues/1", "https://x.com/u"]),
]


@pytest.mark.parametrize(("text", "urls"), URL_CASES)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_urls_in_text_are_links_to_themselves(renderer, text, urls):
    commonmark, render = RENDERERS[renderer]
    for links, blocks, tags in _shown(text, commonmark, render):
        assert links == [(url, url) for url in urls]
        assert blocks == [seen(text)] and tags == set()


# Text the extensions of real sites read as markup: magiclink's references and commit hashes (repo_url_shorthand,
# as Material's own site has it), fancylists' letters and roman numbers, underscores inside words (legacy_em,
# betterem without smart underscores), smarty's angle quotes with the ">" of a line break's "<br>".
EXTENSION_CASES = [
    "see #1, !2 and ?3, repo#4, u/r#5, github:u/r!6 and x&#35;7",
    "0123456789abcdef0123456789abcdef01234567 and " + "a" * 40,
    "a. first",
    "iv) fourth",
    "B)  second",
    "GDPR: consent first",
    "snake_case_name and a__b__c",
    "a\n> b",
]


@pytest.mark.parametrize("text", EXTENSION_CASES)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_text_the_extensions_read_as_markup_is_verbatim(renderer, text):
    commonmark, render = RENDERERS[renderer]
    for links, blocks, tags in _shown(text, commonmark, render):
        assert (links, blocks, tags) == ([], [seen(text)], set())


_URL_TEXT = st.lists(
    st.sampled_from(
        [
            *["https://", "http://", "HTTP://", "x.io", "/", "(", ")", ".", ",", "'", '"', "<", ">", "&amp;", "&"],
            *["%2", "%20", "?a=1", "#f", " ", "_", "*", "~", "|", "`", "[", "]", "\\", "@", "www.", ":", "a", "\n"],
            *["$", "!"],
        ]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_URL_TEXT)
def test_any_url_like_text_is_verbatim_and_links_only_to_itself(text):
    """Whatever surrounds a URL, every parser shows the text as written, and its only links are the text's
    http(s) URLs, each its own target."""
    expected = [(m.group(), m.group()) for m in URL.finditer(text)]
    for commonmark, render in RENDERERS.values():
        for links, blocks, tags in _shown(text, commonmark, render):
            if text.strip():
                assert blocks == [seen(text)], (render, blocks)
            assert links == expected and tags == set(), (render, links, tags)
