"""A hostile but legal catalog, end to end, and page paths that are always safe and distinct.

The built site is checked whole: every element and attribute of every page
against what the theme and the templates write (``pagecheck``), and every
catalog text verbatim where the theme puts it outside the article too: the
``<title>``, the header, the nav and its tabs, breadcrumbs, the footer's
links, the table of contents and the search index. The expected texts are
read from the YAML files with PyYAML, never through the code under test.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from cookie_catalog.catalog.loader import load_catalog

from support.catalogs import plugin_yaml, write_catalog
from support.hostile import NAV_TITLE, SITE_NAME, build_hostile_site, collapsed, expected, expected_rows, site_config
from support.inert import seen
from support.pagecheck import Node, parse_page, problems, site_problems, theme_baseline
from support.paths import HOSTILE


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> set[str]:
    no_pages = "      catalog: catalog\n      pages: false\n      downloads: true\n"
    config = site_config().replace("      catalog: catalog\n", no_pages)
    return theme_baseline(config, tmp_path_factory.mktemp("baseline"))


@pytest.fixture(scope="module")
def pages(hostile_site) -> dict[str, Node]:
    files = hostile_site.rglob("*.html")
    return {p.relative_to(hostile_site).as_posix(): parse_page(p.read_text(encoding="utf-8")) for p in files}


def plugin_page(pages: dict[str, Node], title: str) -> Node:
    """The one generated page whose h1 shows ``title``."""
    found = [
        root
        for name, root in pages.items()
        if name.startswith("cookies/") and [h.text().removesuffix("¶") for h in root.find_all("h1")] == [seen(title)]
    ]
    assert len(found) == 1, title
    return found[0]


def test_generates_twice_to_identical_bytes_inside_out_only(cli, tmp_path):
    first, second = tmp_path / "a" / "out", tmp_path / "b" / "out"
    assert cli("generate", HOSTILE, "--out", first, "--format", "html")[0] == 0
    assert cli("generate", HOSTILE, "--out", second, "--format", "html")[0] == 0
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in d.rglob("*") if p.is_file()}
    assert files(first) == files(second)
    assert {p for p in tmp_path.rglob("*") if p.is_file()} == {*first.rglob("*"), *second.rglob("*")} - {first, second}
    pages = sorted(n for n in files(first) if n.endswith(".md") and n not in ("index.md", "all-cookies.md"))
    assert len(pages) == 5 and all(re.fullmatch(r"[a-z0-9-]{1,70}\.md", n) for n in pages)


def test_every_page_whole_holds_only_what_theme_and_templates_put_there(hostile_site, baseline):
    assert len(list(hostile_site.rglob("*.html"))) >= 9  # home, overview, 5 plugins, changes, 404
    # A cookie's privacy_url is the one link with a scheme the templates write: exactly the catalog's address.
    privacy = {f"url {c['privacy_url']}" for p in expected()["plugins"] for c in p["cookies"] if c.get("privacy_url")}
    assert privacy and site_problems(hostile_site, baseline | privacy) == []


@pytest.mark.parametrize(
    "markup",
    [
        "<title>T</title><img src=x onerror=alert(1)>",
        "<a href=' jav&#x09;ascript:alert(1)'>x</a>",
        "<a href=//evil.example>x</a>",
        # a URL in text is a link to itself, and nothing else with a scheme is
        "<a href=https://evil.example>https://other.example</a>",
        "<a href=https://x.io title=t>https://x.io</a>",
        "<a href=javascript:alert(1)>javascript:alert(1)</a>",
        "<script>alert(1)</script>",
        "<script src=https://evil.example/x.js></script>",
        "<svg onload=alert(1)></svg>",
        "<span class=x data-a=1>",
        '<span id="a" id="b">',
        "<iframe></iframe>",
        "<meta http-equiv=refresh content='0;url=x'>",
        "<style>body{}</style>",
        "<article><p><b>bold</b></p></article>",
        "<article><input autofocus></article>",
    ],
)
def test_the_page_check_catches_what_would_run_or_was_not_written_by_theme_or_templates(baseline, markup):
    page = f"<html><head><meta charset=utf-8></head><body><div class=md-content>{markup}</div></body></html>"
    assert problems(parse_page(page), ".", baseline)
    assert problems(parse_page(page.replace(markup, "<article><p>text</p></article>")), ".", baseline) == []
    url = "<article><p><a href=https://x.io/a>https://x.io/a</a></p></article>"
    assert problems(parse_page(page.replace(markup, url)), ".", baseline) == []


def test_titles_verbatim_in_title_header_nav_tabs_and_footer(pages):
    data, site_name = expected(), SITE_NAME
    overview = pages["cookies/index.html"]
    assert overview.find("title").text() == f"{collapsed(data['product']['title'])} - {site_name}"
    section_nav = {collapsed(a.text()) for a in overview.find("nav", "md-nav--primary").find_all("a", "md-nav__link")}
    for plugin in data["plugins"]:
        root = plugin_page(pages, plugin["plugin"])
        title = collapsed(plugin["plugin"])
        assert root.find("title").text() == f"{title} - {site_name}"
        assert collapsed(root.find_all("div", "md-header__topic")[-1].text()) == title
        assert title in section_nav
        footer = root.find_all("a", "md-footer__link")
        assert footer
        for link in footer:  # the screen reader's label says what the link shows
            direction = "Previous" if "md-footer__link--prev" in link.classes() else "Next"
            assert link.attrs["aria-label"] == f"{direction}: {collapsed(link.find('div', 'md-ellipsis').text())}"
    assert {
        collapsed(link.find("div", "md-ellipsis").text())
        for root in pages.values()
        for link in root.find_all("a", "md-footer__link")
    } >= {collapsed(p["plugin"]) for p in data["plugins"]}


def test_nav_title_is_text_in_nav_tabs_and_breadcrumbs(pages):
    home = pages["index.html"]
    assert NAV_TITLE in [label.text().strip() for label in home.find_all("label", "md-nav__title")] or NAV_TITLE in [
        span.text().strip() for span in home.find_all("span", "md-ellipsis")
    ]
    assert NAV_TITLE in [a.text().strip() for a in home.find_all("a", "md-tabs__link")]
    crumbs = pages["cookies/changes/index.html"].find_all("a", "md-path__link")
    assert NAV_TITLE in [a.text().strip() for a in crumbs]


def test_changes_page_toc_shows_version_and_titles_verbatim(pages):
    data = expected()
    toc = pages["cookies/changes/index.html"].find("nav", "md-nav--secondary")
    entries = [collapsed(a.text()) for a in toc.find_all("a", "md-nav__link")]
    assert f"Version {collapsed(data['product']['version'])}" in entries
    assert {collapsed(p["plugin"]) for p in data["plugins"]} <= set(entries)
    nested = [li for li in toc.find_all("li", "md-nav__item") if li.find_all("nav")]
    assert nested
    for li in nested:  # aria-label="{{ toc_item.title | striptags | e }}": the entry's text
        assert li.find("nav").attrs["aria-label"] == collapsed(li.find("a").text())


def cell_texts(root: Node) -> list[list[str]]:
    return [[td.text() for td in tr.find_all("td")] for tr in root.find("article").find_all("tr") if tr.find_all("td")]


def test_every_text_verbatim_in_the_article(pages):
    data = expected()
    for plugin in data["plugins"]:
        root = plugin_page(pages, plugin["plugin"])
        blocks = [n.text() for n in root.find("article").walk() if n.tag in ("p", "td")]
        assert seen(plugin["description"]) in blocks
        notes = [seen(n["text"]) for n in plugin["notes"]]
        assert notes == [p.text() for p in root.find_all("p") if p.text() in notes]
        assert cell_texts(root) == expected_rows(data, plugin), plugin["plugin"]
    overview = pages["cookies/index.html"]
    product = data["product"]
    blocks = [n.text() for n in overview.find("article").walk() if n.tag in ("p", "td", "h1")]
    assert seen(product["title"]) + "¶" in blocks or seen(product["title"]) in blocks
    assert seen(product["intro"]) in blocks and seen(product["notes"][0]["text"]) in blocks
    facts = next(b for b in blocks if b.startswith("Product:"))
    assert f"Version: {seen(product['version'])}" in facts and f"Contact: {seen(product['contact'])}" in facts
    for key, category in product["categories"].items():
        assert [seen(category["label"]), seen(category["description"])] in [r[:2] for r in cell_texts(overview)]
        assert [s for s in overview.find_all("span") if s.attrs.get("id") == f"category-{key}"]


def test_search_index_holds_the_texts_as_escaped_html(hostile_site):
    data = expected()
    docs = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    titles = []
    for doc in docs:
        for html in (doc["title"], doc["text"]):
            root = parse_page(html)
            assert {n.tag for n in root.walk()} <= {"#document", "p", "code", "br", "strong", "em", "h1", "h2"}, html
            assert not [n for n in root.walk() if any(k.startswith("on") for k in n.attrs)], html
        titles.append(collapsed(parse_page(doc["title"]).text()))
    names = [collapsed(c["name"]) for p in data["plugins"] for c in p["cookies"]]
    assert set(names) <= set(titles)
    assert {collapsed(p["plugin"]) for p in data["plugins"]} <= set(titles)


def test_five_distinct_plugin_pages_in_the_site(hostile_site):
    pages = sorted(
        p.parent.name
        for p in (hostile_site / "cookies").glob("*/index.html")
        if p.parent.name not in ("changes", "all-cookies")
    )
    assert len(pages) == 5 and len({p.casefold() for p in pages}) == 5


@pytest.mark.parametrize("layout", ["case", "normalisation", "long", "reserved"])
def test_page_paths_distinct_and_portable(tmp_path, layout):
    stems = {
        "case": ["WebChat", "webchat", "WEBCHAT", "Web Chat", "web-chat", "web_chat"],
        "normalisation": [unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café"), "cafe", "CAFÉ"],
        "long": ["x" * 240, "x" * 241, "y" * 250],
        "reserved": ["CON", "con", "nul", "aux", "com1", "LPT9", "index", "...", "-"],
    }[layout]
    cat = write_catalog(tmp_path / "cat", plugins={f"{s}.yml": plugin_yaml(title=f'"{s}"') for s in stems})
    slugs = [p.slug for p in load_catalog(cat).plugins]
    assert len(slugs) == len(stems)
    assert len({s.casefold() for s in slugs}) == len(stems)
    windows_reserved = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,69}", slug) and slug not in windows_reserved | {"index"}, slug
