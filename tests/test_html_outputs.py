"""The policy HTML (what the PDF engine prints) and the HTML fragments, parsed as WeasyPrint parses them.

tinyhtml5 is WeasyPrint's HTML parser and follows the WHATWG parsing rules
browsers follow. Every element, attribute and comment of the parsed document
is checked against an allowlist (``inert.py``), for random catalogs with
markup in every text; the texts a reader meets first must read verbatim.
Chromium's view of the same files is checked in tests/browser.
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import tinyhtml5
from hypothesis import HealthCheck, given, settings

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render.pages import Renderer
from cookie_catalog.sinks.downloads import policy_files

from support.inert import FRAGMENT_ALLOWED, POLICY_ALLOWED, seen, seen_line, violations
from support.strategies import markup_catalogs, write

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse(html: str) -> ET.Element:
    return tinyhtml5.parse(html)


def elements(root: ET.Element) -> list[tuple[str, dict[str, str]]]:
    """(tag, attributes) of every node; a comment is reported as the tag "<!-->" with its text as "data", an
    element of another namespace (SVG, MathML) with its namespace."""
    out = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            out.append(("<!-->", {"data": node.text or ""}))
        else:
            out.append((node.tag.removeprefix(XHTML), dict(node.attrib)))
    return out


def text_of(node: ET.Element) -> str:
    """Text as a reader meets it: <br> as a line break, comments unseen."""
    if not isinstance(node.tag, str):
        return ""
    parts = [node.text or ""]
    for child in node:
        parts.append("\n" if child.tag == XHTML + "br" else text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def texts(root: ET.Element, tag: str) -> list[str]:
    return [text_of(node) for node in root.iter(XHTML + tag)]


def _rcdata(text: str) -> str:
    """``text`` as the parser reads it inside <title>: line endings normalised, NUL replaced."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup_catalogs())
def test_policy_html_and_fragments_hold_only_their_templates_markup(data):
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(write(data, Path(tmp) / "catalog"))
    title = f"{data['product']} cookie policy"

    policy = parse(policy_files(catalog, ["html"])["cookie-policy.html"].decode("utf-8"))
    assert violations(elements(policy), POLICY_ALLOWED) == []
    assert texts(policy, "title") == [_rcdata(title)]
    assert texts(policy, "h1") == [seen(title)]
    assert texts(policy, "h3") == [seen_line(p["plugin"]) for p in data["plugins"]]

    fragments = Renderer(catalog).fragments()
    for plugin_data, plugin in zip(data["plugins"], catalog.plugins, strict=True):
        fragment = parse(fragments[f"{plugin.slug}.html"])
        assert violations(elements(fragment), FRAGMENT_ALLOWED) == []
        assert texts(fragment, "h2") == [seen(plugin_data["plugin"])]
        purposes = [text_of(td) for td in fragment.iter(XHTML + "td") if td.get("class") == "cookie-catalog__purpose"]
        assert purposes == [seen(c["purpose"]) for c in plugin_data["cookies"]]


@pytest.mark.parametrize(
    "markup",
    ["<b>x</b>", "<img src=x onerror=alert(1)>", "<!-- x -->", '<p title="t">', "<svg><a href=x>", "</title><script>"],
)
def test_the_allowlist_catches_markup(markup):
    """The check itself: markup a template never writes is reported wherever it lands."""
    page = parse(f"<!DOCTYPE html><html lang=en><head><title>t</title></head><body><main><p>{markup}</p></main>")
    assert violations(elements(page), POLICY_ALLOWED) != []
