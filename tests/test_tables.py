"""The shape of the cookie tables: the page's width, no empty columns, the All cookies page, unique ids."""

from __future__ import annotations

import shutil
from pathlib import Path

import markdown
import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render import pages as render_pages
from cookie_catalog.render.directives import expand
from cookie_catalog.render.pages import Renderer

from support.catalogs import plugin_yaml, write_catalog
from support.pagecheck import parse_page, repeated_ids
from support.paths import CATALOG
from support.sitebuild import build

# Every cookie of WebChat twice, once more in the category's table, and a note: the page a customer may well write.
TWICE = """# Our cookies

<!-- cookie-catalog:table plugin="WebChat" -->

## Again

<!-- cookie-catalog:table plugin="WebChat" -->

<!-- cookie-catalog:table category="strictly-necessary" -->
"""

BARE = """plugin: {title}
cookies:
  - name: {name}
    purpose: Keeps a session.
    duration: session
    provenance: first-party
    category: functional
"""


@pytest.fixture(scope="module")
def seed() -> Renderer:
    return Renderer(load_catalog(CATALOG))


def _ids(html: str) -> list[str]:
    return [str(n.attrs["id"]) for n in parse_page(html).walk() if n.attrs.get("id")]


def test_a_cookie_in_two_tables_of_a_page_has_one_id_each(seed):
    html = markdown.markdown(expand(TWICE, "page.md", seed, None), extensions=["tables"])
    ids = _ids(html)
    assert repeated_ids(parse_page(html)) == []
    # the first row keeps the anchor links point to; later rows get ~2, ~3 in page order
    first = "webchat--_genesys.widgets.webchat.state.open"
    assert ids.index(first) < ids.index(f"{first}~2") < ids.index(f"{first}~3")
    assert len(ids) == 21 + 21 + 37


def test_ids_are_the_same_from_build_to_build(seed):
    assert expand(TWICE, "page.md", seed, None) == expand(TWICE, "page.md", seed, None)


def test_a_later_id_never_takes_another_cookies_anchor(tmp_path):
    """``x`` twice beside a cookie named ``x-2``: the second ``x`` must not become the id of ``x-2``."""
    cookies = "".join(
        f"  - name: {n}\n    purpose: p\n    duration: session\n    provenance: first-party\n    category: functional\n"
        for n in ("x", "x-2", "x~2")
    )
    root = write_catalog(tmp_path / "cat", plugins={"p.yml": f"plugin: P\ncookies:\n{cookies}"})
    page = '<!-- cookie-catalog:table plugin="P" -->\n\n<!-- cookie-catalog:table plugin="P" -->\n'
    html = markdown.markdown(expand(page, "page.md", Renderer(load_catalog(root)), None), extensions=["tables"])
    ids = _ids(html)
    assert repeated_ids(parse_page(html)) == [] and ids[:2] == ["p--x", "p--x-2"] and len(ids) == 6
    assert ids[3:] == [f"{i}~2" for i in ids[:3]]


def test_the_markdown_extension_gives_unique_ids(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(CATALOG, tmp_path / "catalog")
    html = markdown.markdown(TWICE, extensions=["tables", "cookie_catalog.markdown"])
    assert repeated_ids(parse_page(html)) == [] and len(_ids(html)) == 21 + 21 + 37


@pytest.fixture(scope="module")
def customer(tmp_path_factory) -> Path:
    """A MkDocs site with the plugin (pages and all) and a hand-written page holding the same cookies thrice."""
    project = tmp_path_factory.mktemp("tables")
    shutil.copytree(CATALOG, project / "catalog")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (project / "docs" / "ours.md").write_text(TWICE, encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Tables\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - cookie-catalog\nmarkdown_extensions:\n  - tables\n  - toc\n",
        encoding="utf-8",
    )
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_built_pages_hold_each_id_once(customer):
    pages = sorted(customer.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        assert repeated_ids(parse_page(page.read_text(encoding="utf-8"))) == [], page


def test_plugin_pages_and_all_cookies_hide_the_empty_table_of_contents(customer):
    for name in ("webchat", "all-cookies"):
        root = parse_page((customer / "cookies" / name / "index.html").read_text(encoding="utf-8"))
        secondary = [n for n in root.find_all("div", "md-sidebar--secondary")]
        assert secondary and all("hidden" in n.attrs for n in secondary), name
    overview = parse_page((customer / "cookies" / "index.html").read_text(encoding="utf-8"))
    assert not any("hidden" in n.attrs for n in overview.find_all("div", "md-sidebar--secondary"))


def test_all_cookies_page_lists_every_cookie_once_with_its_plugin(customer):
    catalog = load_catalog(CATALOG)
    root = parse_page((customer / "cookies" / "all-cookies" / "index.html").read_text(encoding="utf-8"))
    rows = root.find("article").find_all("tr")[1:]
    expected = [(c.anchor, p.title) for p in catalog.plugins for c in p.cookies]
    got = [(r.find("span", "cc-anchor").attrs["id"], r.find_all("td")[-1].text()) for r in rows]
    assert got == expected
    # left out of the site's search, where it would match every name before the cookie's own result
    index = (customer / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "cookies/all-cookies/" not in index


def test_all_cookies_stands_next_to_the_overview_in_the_nav(customer):
    html = (customer / "cookies" / "webchat" / "index.html").read_text(encoding="utf-8")
    root = parse_page(html)
    links = [str(a.attrs.get("href")) for a in root.find("nav", "md-nav--primary").find_all("a")]
    ours = [h for h in links if h.startswith("../")]
    assert ours.index("../all-cookies/") == ours.index("../") + 1


def _catalog(tmp_path: Path, product: str, **plugins: str) -> Renderer:
    return Renderer(load_catalog(write_catalog(tmp_path / "cat", product, plugins)))


def test_no_column_empty_in_every_row(tmp_path):
    """No cookie has a condition, no plugin a description, no category description is written."""
    renderer = _catalog(tmp_path, "product: T\n", **{"a.yml": BARE.format(title="A", name="a")})
    pages = renderer.pages()
    header = next(line for line in pages["a.md"].splitlines() if line.startswith("| Name"))
    assert header == "| Name | Purpose | Duration | Provenance | Category |"
    overview = pages["index.md"]
    assert "| Plugin | Cookies |\n" in overview
    assert "| Plugin | Cookies | Description |" not in overview


def test_overview_leaves_out_categories_without_a_cookie(tmp_path):
    renderer = _catalog(tmp_path, "product: T\n", **{"a.yml": BARE.format(title="A", name="a")})
    overview = renderer.pages()["index.md"]
    categories = overview.split("## Consent categories", 1)[1]
    assert "category-functional" in categories
    for unused in ("strictly-necessary", "analytics", "marketing"):
        assert f"category-{unused}" not in categories


def test_github_pages_carry_no_front_matter(tmp_path):
    renderer = Renderer(load_catalog(CATALOG), flavour="gfm")
    pages = renderer.pages()
    assert not pages["webchat.md"].startswith("---") and not pages["all-cookies.md"].startswith("---")
    mkdocs = Renderer(load_catalog(CATALOG)).pages()
    assert mkdocs["webchat.md"].startswith("---\nhide:\n  - toc\n---\n")


def test_a_plugin_file_named_like_the_all_cookies_page_gets_another_page(tmp_path):
    renderer = _catalog(tmp_path, "product: T\n", **{"all-cookies.yml": BARE.format(title="All", name="a")})
    pages = renderer.pages()
    assert pages["all-cookies.md"].count("# All cookies") == 1
    assert any(name.startswith("all-cookies-") for name in pages)


def test_html_fragments_leave_out_an_empty_condition_column():
    fragments = Renderer(load_catalog(CATALOG)).fragments()
    for name, html in fragments.items():
        rows = parse_page(html).find_all("tr")
        widths = {len([n for n in row.children if getattr(n, "tag", "") in ("th", "td")]) for row in rows}
        with_condition = "cookie-catalog__condition" in html
        assert widths == {6 if with_condition else 5}, name
    assert "<th>Condition</th>" in fragments["webchat.html"] and "<th>Condition</th>" not in fragments["app.html"]


def _three_plugins(tmp_path: Path) -> Renderer:
    """Five cookies over three plugins, one title with markup in it."""
    plugins = {
        "a.yml": plugin_yaml("A *1* | x", [("a1", "First."), ("a2", "Second.")]),
        "b.yml": plugin_yaml("B", [("b1", "Third."), ("b2", "Fourth.")]),
        "c.yml": plugin_yaml("C", [("c1", "Fifth.")]),
    }
    return Renderer(load_catalog(write_catalog(tmp_path / "cat", "product: T\n", plugins)))


def test_all_cookies_page_of_a_catalog_too_large_lists_the_plugins(tmp_path, monkeypatch):
    """Above ALL_COOKIES_ROWS cookies (README, "All cookies"): each plugin with its count, linked, no rows."""
    monkeypatch.setattr(render_pages, "ALL_COOKIES_ROWS", 4)
    renderer = _three_plugins(tmp_path)
    rendered = renderer.pages()
    html = markdown.markdown(rendered["all-cookies.md"], extensions=["tables", "admonition", "meta"])
    root = parse_page(f"<article>{html}</article>")
    assert "Too many cookies to show in one table: each plugin's page lists its own." in root.text()
    rows = root.find("table").find_all("tr")[1:]
    got = [(r.find("a").attrs["href"], r.find("a").text(), r.find_all("td")[1].text()) for r in rows]
    assert got == [("a.md", "A *1* | x", "2"), ("b.md", "B", "2"), ("c.md", "C", "1")]
    assert "cc-anchor" not in rendered["all-cookies.md"]
    assert "[All cookies](all-cookies.md)" in rendered["index.md"]


def test_all_cookies_page_at_the_limit_shows_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(render_pages, "ALL_COOKIES_ROWS", 5)
    rendered = _three_plugins(tmp_path).pages()
    assert rendered["all-cookies.md"].count('class="cc-anchor"') == 5
    assert "Too many" not in rendered["all-cookies.md"]
    assert "[All cookies in one table](all-cookies.md)" in rendered["index.md"]
