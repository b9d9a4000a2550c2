"""The pieces the consent exports are escaped with, each against an independent reading of its output.

- ``html_content``: parsed back by an HTML parser (tinyhtml5, WHATWG rules)
  inside an element, as ``innerHTML`` parses it: the same text, no element
  but ``<br>``;
- JavaScript literals: read back as JSON (our literals are JSON where they are
  not regexes) and free of anything that ends a ``<script>`` element;
- regex sources: the same matches in Python and, when node is installed, in
  JavaScript;
- the Klaro-specific rules: ``^`` names, service names, ``htmlTexts``.
Their effect in the real cookieconsent and Klaro is checked in tests/browser.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import tinyhtml5
from hypothesis import given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.model import Catalog, Category, Cookie, CookieEntry, Plugin, ProductFile
from cookie_catalog.catalog.patterns import covers, exact_regex, name_regex
from cookie_catalog.interop.exporters import cookieconsent, klaro
from cookie_catalog.interop.exporters.javascript import Regex, js_comment, js_literal
from cookie_catalog.render.escape import html_content

from support.inert import seen
from support.jsparse import parse_js
from support.strategies import HTML_PAYLOADS, METACHARACTERS

NODE = shutil.which("node")
XHTML = "{http://www.w3.org/1999/xhtml}"

any_text = st.lists(
    st.one_of(
        st.sampled_from(HTML_PAYLOADS + METACHARACTERS), st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
    ),
    max_size=6,
).map("".join)


def parsed_in_element(html: str) -> ET.Element:
    """``html`` parsed as the content of a <div>, as innerHTML and insertAdjacentHTML parse it."""
    document = tinyhtml5.parse(f"<!DOCTYPE html><html><head></head><body><div>{html}</div></body></html>")
    return next(document.iter(XHTML + "div"))


def text_of(node: ET.Element) -> str:
    parts = [node.text or ""]
    for child in node:
        parts.append("\n" if child.tag == XHTML + "br" else text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


# -- html_content ----------------------------------------------------------------------------------


@settings(max_examples=500)
@given(any_text)
def test_html_content_reads_back_as_the_text_and_makes_no_element(text):
    div = parsed_in_element(html_content(text))
    assert [child.tag for child in div.iter() if child is not div and child.tag != XHTML + "br"] == []
    assert text_of(div) == seen(text)


@pytest.mark.parametrize(
    "text",
    ["Ads & tracking", "Partners' cookies", 'The "consent" cookie', "a < b > c", "R & D; 50% & more", "x <3", "<", "&"],
)
def test_html_content_leaves_ordinary_text_as_it_is(text):
    """cookieconsent also writes a section title into its switch's label as plain text: ordinary text must read
    the same there, so only what would start markup is escaped."""
    assert html_content(text) == text


@pytest.mark.parametrize(
    "text, html",
    [
        ("<b>", "&lt;b>"),
        ("</title>", "&lt;/title>"),
        ("<!--", "&lt;!--"),
        ("<?x", "&lt;?x"),
        ("&amp;", "&amp;amp;"),
        ("&#60;", "&amp;#60;"),
        ("a\nb", "a<br>b"),
        ("\x00", "\ufffd"),
    ],
)
def test_html_content_escapes_what_starts_markup(text, html):
    assert html_content(text) == html


# -- JavaScript literals ---------------------------------------------------------------------------


@settings(max_examples=300)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | any_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
        max_leaves=8,
    )
)
def test_js_literals_read_back_and_cannot_end_a_script_element(value):
    literal = js_literal(value)
    assert json.loads(literal) == value
    assert literal.isascii() and not set("<>&") & set(literal)


@given(any_text)
def test_js_comments_stay_one_line_and_inert(text):
    comment = js_comment(text)
    assert json.loads(comment) == text
    assert comment.isascii() and not set("<>&\n\r") & set(comment)


def test_a_regex_source_that_could_break_out_is_refused():
    for source in ("", "a</script>", "a\u2028b"):
        with pytest.raises(ValueError):
            Regex(source)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_a_proto_key_is_an_own_property_in_javascript():
    literal = js_literal({"__proto__": {"x": 1}, "y": 2})
    script = (
        f"const o = {literal};"
        "console.log(JSON.stringify([Object.keys(o), Object.getPrototypeOf(o) === Object.prototype]))"
    )
    result = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [["__proto__", "y"], True]


# -- regex sources ---------------------------------------------------------------------------------

REGEX_CASES = [
    # (name, pattern?, names it must match, names it must not)
    ("a😀*", True, ["a😀", "a😀x"], ["a", "ax", "a😁"]),
    ("😀_", True, ["😀_1"], ["x😀_"]),
    ("<b>&", True, ["<b>&x"], ["<b>x"]),
    ("^c", False, ["^c"], ["c", "^cX", "X^c"]),
    ("a.b(", False, ["a.b("], ["aXb(", "a.b(x"]),
]


@pytest.mark.parametrize("name, pattern, yes, no", REGEX_CASES)
def test_regex_sources_match_the_same_in_python(name, pattern, yes, no):
    source = name_regex(name) if pattern else exact_regex(name)
    assert not set("<>&") & set(source)
    if pattern:
        assert all(covers(name, s) for s in yes) and not any(covers(name, s) for s in no)
    else:
        assert all(re.match(source, s) for s in yes) and not any(re.match(source, s) for s in no)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_regex_sources_match_the_same_in_javascript():
    cases = [(name_regex(name) if pattern else exact_regex(name), yes, no) for name, pattern, yes, no in REGEX_CASES]
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(cases.map(([s, yes, no]) => { const r = new RegExp(s);"
        " return yes.every(x => r.test(x)) && !no.some(x => r.test(x)); })))"
    )
    result = subprocess.run([NODE, "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [True] * len(cases)


# -- what the exporters do with them ---------------------------------------------------------------


def _catalog(*cookies: tuple[str, str, bool], categories: tuple[Category, ...] = ()) -> Catalog:
    built = tuple(
        Cookie(
            CookieEntry(
                name=name, purpose="p", duration="1 day", provenance="third-party", category=category, pattern=pattern
            ),
            anchor=f"p--{i}",
        )
        for i, (name, category, pattern) in enumerate(cookies)
    )
    plugin = Plugin(title="P", source="p.yml", slug="p", description=None, notes=(), cookies=built)
    return Catalog(
        product=ProductFile(product="X"),
        categories=categories or (Category("analytics", "Analytics", ""), Category("marketing", "Marketing", "")),
        plugins=(plugin,),
    )


def test_klaro_writes_a_name_starting_with_a_caret_as_an_escaped_regex():
    """Klaro takes a string starting with "^" for a regex source: "^c" would delete every cookie starting with c."""
    config = parse_js(
        klaro.export(_catalog(("^c", "analytics", False), ("c.d", "analytics", False))), "var klaroConfig = "
    )
    assert config["services"][0]["cookies"] == [{"regex": r"^\^c$"}, "c.d"]


def test_klaro_service_names_are_slugs_whatever_the_category_key():
    """A service name lands in Klaro's querySelectorAll("[data-name='...']"): a quote would break it."""
    categories = (Category("it's", "Its", ""), Category("a]b", "AB", ""))
    config = klaro.config(_catalog(("x", "it's", False), ("y", "a]b", False), categories=categories))
    names = [s["name"] for s in config["services"]]
    assert all(re.fullmatch(r"[a-z0-9-]+", n) for n in names) and len(set(names)) == len(names) == 2


def test_klaro_descriptions_are_html_and_titles_text():
    catalog = _catalog(("x", "analytics", False), categories=(Category("analytics", "A <b>", "D <b>\nE"),))
    config = klaro.config(catalog)
    assert config["htmlTexts"] is True
    for lang in ("en", "zz"):  # English overrides Klaro's own English purpose texts
        purposes = config["translations"][lang]["purposes"]
        assert purposes["analytics"] == {"title": "A <b>", "description": "D &lt;b><br>E"}


def test_cookieconsent_texts_are_html():
    catalog = _catalog(("<b>", "analytics", False), categories=(Category("analytics", "A <b>", "D <b>"),))
    section = cookieconsent.config(catalog)["language"]["translations"]["en"]["preferencesModal"]["sections"][1]
    assert (section["title"], section["description"]) == ("A &lt;b>", "D &lt;b>")
    assert section["cookieTable"]["body"] == [{"name": "&lt;b>", "duration": "1 day", "description": "p"}]
    assert cookieconsent.config(catalog)["categories"]["analytics"]["autoClear"]["cookies"] == [{"name": "<b>"}]
