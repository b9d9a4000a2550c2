"""Any text in, the same text out, and never markup: checked on random catalogs.

Every text of a random catalog (names, purposes, notes, conditions, domains,
titles, the product) must come out verbatim in what a reader sees of every
output, and no element, attribute, link or handler may appear that the
templates did not put there. The site pages are rendered with Python-Markdown
and a deliberately aggressive set of extensions, since customers enable any.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, example, given, settings
from markdown_it import MarkdownIt

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli.ci import in_ci
from cookie_catalog.render.escape import md_text
from cookie_catalog.render.pages import Renderer
from cookie_catalog.sinks.downloads import policy_files

from support.inert import seen, seen_line
from support.readback import read_csv, unguard
from support.rendered import Blocks, expected_cells, parse, site_markdown
from support.strategies import catalogs, title, write

ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "code",
    "a",
    "br",
    "div",
    "small",
    "hr",
    "strong",
    "blockquote",
    "main",
    "html",
    "head",
    "body",
    "meta",
    "title",
    "style",
    "section",
    "aside",
    "time",
    "wbr",
}


# A link the text made of a URL in it: an http(s) target shown as its own text (the escapes' module doc).
TEXT_URL = re.compile(r"https?://\S+", re.I)


def assert_inert(parsed: Blocks, allowed_hrefs: re.Pattern) -> None:
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, f"injected <{tag}>"
        assert not [k for k in attrs if k.lower().startswith("on")], f"handler on <{tag}>"
        if tag == "span":
            # a row's anchor, a category's, or a piece of a name in the policy HTML (kept on one line)
            assert attrs.get("class") in ("cc-anchor", "name-part") or re.fullmatch(
                r"category-[a-z-]+", attrs.get("id", "")
            ), attrs
            assert set(attrs) <= {"class", "id"}, attrs
        if tag == "a":
            assert set(attrs) == {"href"}, f"injected link {attrs}"
    for href, text in parsed.links:
        assert allowed_hrefs.fullmatch(href) or (TEXT_URL.fullmatch(href) and text == href), (href, text)


def check_facts(data: dict, parsed: Blocks) -> None:
    """The facts paragraph names the product first and, when there is one, the contact last."""
    facts = next(t for tag, t in parsed.blocks if tag == "p" and t.startswith("Product: "))
    assert facts.startswith(f"Product: {seen(data['product'])}")
    if data["contact"]:
        assert facts.endswith(f"\nContact: {seen(data['contact'])}")
    else:
        assert "\nContact: " not in facts.removeprefix(f"Product: {seen(data['product'])}")


def check_site_pages(data: dict, catalog) -> None:
    pages = Renderer(catalog, downloads_href="../downloads").pages()
    md = site_markdown()
    overview = parse(md.reset().convert(pages["index.md"]))
    assert_inert(overview, re.compile(r"[a-z0-9-]+\.md"))
    assert ("h1", seen_line(title(data))) in overview.blocks
    if data["note"] is not None:
        assert ("p", seen(data["note"])) in overview.blocks
    if data["intro"]:
        assert ("p", seen(data["intro"])) in overview.blocks
    check_facts(data, overview)
    # the Description column only when a plugin has one
    described = any(p["description"] for p in data["plugins"])
    plugin_rows = [
        [seen(p["plugin"]), str(len(p["cookies"])), *([seen(p["description"] or "")] if described else [])]
        for p in data["plugins"]
    ]
    cells = [t for tag, t in overview.blocks if tag == "td"]
    width = 3 if described else 2
    assert [cells[i : i + width] for i in range(0, width * len(plugin_rows), width)] == plugin_rows
    for plugin_data, plugin in zip(data["plugins"], catalog.plugins, strict=True):
        html = md.reset().convert(pages[f"{plugin.slug}.md"])
        parsed = parse(html)
        assert_inert(
            parsed, re.compile(r"index\.md#category-analytics|\.\./downloads/cookie-policy\.(md|html|csv|json)")
        )
        texts = [t for tag, t in parsed.blocks]
        assert seen_line(plugin_data["plugin"]) in texts
        if plugin_data["note"] is not None:
            assert seen(plugin_data["note"]) in texts
        if (plugin_data["description"] or "").strip():
            assert seen(plugin_data["description"]) in texts
        cells = [t for tag, t in parsed.blocks if tag == "td"]
        rows = [cells[i : i + 6] for i in range(0, len(cells), 6)]
        expected = expected_cells(data, plugin_data)
        if not any(c["condition"] for c in plugin_data["cookies"]):
            expected = [r[:5] for r in expected]
            rows = [cells[i : i + 5] for i in range(0, len(cells), 5)]
        assert rows == expected


def commonmark_renderers() -> list[Callable[[str], str]]:
    """GitHub's own renderer with all its extensions (raw HTML kept, as GitHub does before sanitising)
    and markdown-it with tables."""
    return [github, MarkdownIt("commonmark", {"html": True}).enable("table").render]


def github(text: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


@pytest.mark.parametrize("text", ["0@www.example.com", "name@example.com", "mailto:a@b.co", "xmpp:a@b.co/c"])
def test_github_keeps_an_email_address_as_text(text):
    """cmark-gfm finds e-mail addresses in the text it decoded, so neither a reference nor a backslash stops it;
    the empty comment the escapes put before the "@" splits the word for it."""
    parsed = parse(github(md_text(text, commonmark=True)))
    assert parsed.links == [] and ("p", text) in parsed.blocks


def check_gfm_pages(data: dict, catalog) -> None:
    """``generate --flavour gfm``: in GitHub's renderer and markdown-it, every text verbatim, every note a note.

    Neither renderer knows admonitions; a note must be a blockquote (GitHub shows it as an alert), its first
    line the alert's marker, never a paragraph and a code block.
    """
    pages = Renderer(catalog, flavour="gfm").pages()
    for render in commonmark_renderers():
        overview = parse(render(pages["index.md"]))
        assert_inert(overview, re.compile(r"[a-z0-9-]+\.md"))
        assert ("h1", seen_line(title(data))) in overview.blocks
        assert not [tag for tag, _ in overview.tags if tag == "pre"]
        if data["note"] is not None:
            assert ("p", f"[!IMPORTANT]\n{seen(data['note'])}") in overview.blocks
            assert ("blockquote", {}) in overview.tags
        for plugin_data, plugin in zip(data["plugins"], catalog.plugins, strict=True):
            parsed = parse(render(pages[f"{plugin.slug}.md"]))
            assert_inert(parsed, re.compile(r"index\.md#category-analytics"))
            assert not [tag for tag, _ in parsed.tags if tag == "pre"]
            texts = [t for tag, t in parsed.blocks]
            assert seen_line(plugin_data["plugin"]) in texts
            if plugin_data["note"] is not None:
                assert ("p", f"[!WARNING]\n{seen(plugin_data['note'])}") in parsed.blocks
            cells = [t for tag, t in parsed.blocks if tag == "td"]
            width = 6 if any(c["condition"] for c in plugin_data["cookies"]) else 5
            rows = [cells[i : i + width] for i in range(0, len(cells), width)]
            assert rows == [r[:width] for r in expected_cells(data, plugin_data)]


def check_fragments(data: dict, catalog) -> None:
    fragments = Renderer(catalog).fragments()
    for plugin_data, plugin in zip(data["plugins"], catalog.plugins, strict=True):
        parsed = parse(fragments[f"{plugin.slug}.html"])
        assert_inert(parsed, re.compile(r"(?!)"))
        assert ("h2", seen(plugin_data["plugin"])) in parsed.blocks
        cells = [t for tag, t in parsed.blocks if tag == "td"]
        # the Condition column only where a cookie of the plugin has a condition
        width = 6 if any(c["condition"] for c in plugin_data["cookies"]) else 5
        rows = [cells[i : i + width] for i in range(0, len(cells), width)]
        assert rows == [row[:width] for row in expected_cells(data, plugin_data)]


def check_policy(data: dict, catalog) -> None:
    files = policy_files(catalog)
    # JSON: exact text, whatever it holds
    policy = json.loads(files["cookie-policy.json"])
    assert policy["product"] == data["product"] and policy["title"] == title(data)
    assert (policy["intro"], policy["contact"]) == (data["intro"], data["contact"])
    for plugin_data, plugin in zip(data["plugins"], policy["plugins"], strict=True):
        assert plugin["title"] == plugin_data["plugin"]
        assert [(c["name"], c["purpose"], c["condition"], c["domain"]) for c in plugin["cookies"]] == [
            (c["name"], c["purpose"], c["condition"], c["domain"]) for c in plugin_data["cookies"]
        ]
    # CSV: exact text once the spreadsheet guard is undone
    rows = read_csv(files["cookie-policy.csv"])
    expected = [
        (p["plugin"], c["name"], c["purpose"], c["condition"] or "", c["domain"] or "")
        for p in data["plugins"]
        for c in p["cookies"]
    ]
    assert [
        tuple(unguard(r[k]) for k in ("plugin", "name", "purpose", "condition", "domain")) for r in rows
    ] == expected
    # Markdown and the standalone HTML made from it
    for html in (
        *(render(files["cookie-policy.md"].decode()) for render in commonmark_renderers()),
        files["cookie-policy.html"].decode(),
    ):
        parsed = parse(html)
        assert_inert(parsed, re.compile(r"(?!)"))
        texts = [t for _, t in parsed.blocks]
        assert seen_line(title(data)) in texts
        check_facts(data, parsed)
        # Text of line breaks alone is a line "<br>" in the Markdown, which CommonMark takes for an
        # HTML block rather than a paragraph (as the existing description check allows): nothing to
        # see either way. The JSON above holds it exactly.
        if (data["intro"] or "").strip():
            assert seen(data["intro"]) in texts
        if (data["contact"] or "").strip():
            assert texts[-1] == seen(data["contact"])  # the Contact section ends the policy
        for plugin_data in data["plugins"]:
            assert seen_line(plugin_data["plugin"]) in texts
            for c in plugin_data["cookies"]:
                assert seen(c["purpose"]) in texts
                assert any(t.startswith(seen(c["name"])) for t in texts)


# CI runs at least 1,000 random catalogs; a local run fewer, for speed.
EXAMPLES = 1000 if in_ci() else 200


def _plugin(title: str, cookies: list[dict], description=None, note=None) -> dict:
    return {"plugin": title, "description": description, "note": note, "cookies": cookies}


def _cookie(name: str, purpose: str, **extra) -> dict:
    return {"name": name, "purpose": purpose, "condition": None, "domain": None, "duration_note": None, **extra}


def _catalog(*plugins: dict, product: str = "*", note=None) -> dict:
    return {"product": product, "title": None, "intro": None, "contact": None, "note": note, "plugins": list(plugins)}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
# Failures hypothesis found, kept as regressions:
@example(_catalog(_plugin("*", [])))  # a plugin without cookies gave an empty table row
@example(_catalog(_plugin("0", [_cookie("0\xa0", "0\xa0")])))  # trailing U+00A0 was stripped
@example(_catalog(_plugin("t", [_cookie("c", "p", duration_note="")])))  # empty optional text
@example(_catalog(_plugin("a\tb", [_cookie("\tc\t", "tab\tinside")])))  # tabs expanded to spaces
@example(
    _catalog(_plugin("1. x", [_cookie("- y", "www.example.com... -- (c) :smile: javascript:alert(1)")]), note="+ z")
)
# Names in code spans: backticks at the ends and inside, and names a span cannot hold
@example(
    _catalog(_plugin("p", [_cookie("`a``b`", "p"), _cookie("x|y", "p"), _cookie("#!py x", "p"), _cookie("a\\", "p")]))
)
def test_any_text_verbatim_and_inert_in_every_output(data):
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(write(data, Path(tmp) / "cat"))
    check_site_pages(data, catalog)
    check_gfm_pages(data, catalog)
    check_fragments(data, catalog)
    check_policy(data, catalog)
