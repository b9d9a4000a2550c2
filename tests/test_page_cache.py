"""The page cache behind `mkdocs serve`: an edit shows, and only the pages it touches are rendered again."""

from __future__ import annotations

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render.pages import PageCache, Renderer


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_render_renders_every_page_as_renderer_pages_does(catalog_copy):
    cache = PageCache()
    renderer = Renderer(load_catalog(catalog_copy))
    assert cache.pages(renderer) == renderer.pages()
    assert cache.rendered == len(renderer.pages()) == 7


def test_editing_one_cookie_renders_its_page_the_overview_and_all_cookies_only(catalog_copy):
    cache = PageCache()
    before = cache.pages(Renderer(load_catalog(catalog_copy)))
    _edit(catalog_copy / "plugins" / "console.yml", "position of the Console plugin", "place of the Console plugin")
    renderer = Renderer(load_catalog(catalog_copy))
    after = cache.pages(renderer)
    assert after == renderer.pages()  # the edit shows, and nothing stale is left
    assert "place of the Console plugin" in after["console.md"] and "place of" not in before["console.md"]
    assert cache.rendered == 3 and cache.fresh == {"console.md", "index.md", "all-cookies.md"}
    for name in ("app.md", "clicktocall.md", "knowledgecenter.md", "webchat.md"):
        assert after[name] is before[name]  # handed over as the very same text


def test_nothing_changed_renders_nothing(catalog_copy):
    cache = PageCache()
    before = cache.pages(Renderer(load_catalog(catalog_copy)))
    after = cache.pages(Renderer(load_catalog(catalog_copy)))
    assert cache.rendered == 0 and after == before


def test_product_file_or_template_edit_renders_every_page(catalog_copy, tmp_path):
    cache = PageCache()
    cache.pages(Renderer(load_catalog(catalog_copy)))
    _edit(catalog_copy / "catalog.yml", "product: ", "product: New ")
    cache.pages(Renderer(load_catalog(catalog_copy)))
    assert cache.rendered == 7

    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "_note.md.j2").write_text("NOTE {{ note.text | md }}\n", encoding="utf-8")
    renderer = Renderer(load_catalog(catalog_copy), overrides)
    pages = cache.pages(renderer)
    assert cache.rendered == 7 and pages == renderer.pages()
    (overrides / "_note.md.j2").write_text("REMARK {{ note.text | md }}\n", encoding="utf-8")
    renderer = Renderer(load_catalog(catalog_copy), overrides)
    pages = cache.pages(renderer)
    assert cache.rendered == 7 and pages == renderer.pages()
    assert "REMARK" in "".join(pages.values())


def test_a_change_of_category_label_reaches_every_page(catalog_copy):
    cache = PageCache()
    cache.pages(Renderer(load_catalog(catalog_copy)))
    catalog_yml = catalog_copy / "catalog.yml"
    text = catalog_yml.read_text(encoding="utf-8")
    catalog_yml.write_text(text + "categories:\n  strictly-necessary:\n    label: Essential\n", encoding="utf-8")
    renderer = Renderer(load_catalog(catalog_copy))
    pages = cache.pages(renderer)
    assert pages == renderer.pages() and "Essential" in pages["webchat.md"]
