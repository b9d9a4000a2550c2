"""Rebuilds as ``mkdocs serve`` makes them, in process: after every edit, the very site a fresh build gives.

The plugin keeps state from one rebuild to the next (pages, their conversions);
each test edits the catalog between rebuilds of one serving plugin and compares
every file of the served site with a build by a fresh plugin instance.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
from markdown.extensions.abbr import AbbrExtension
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

from cookie_catalog.render.pages import bundled_templates
from cookie_catalog.sinks import downloads
from cookie_catalog.sinks.mkdocs import converted
from cookie_catalog.sinks.mkdocs import plugin as plugin_module
from cookie_catalog.sinks.mkdocs.converted import ConversionCache
from cookie_catalog.sinks.mkdocs.plugin import CookieCatalogPlugin

from support.catalogs import plugin_yaml, write_catalog

SERVE_URL = "http://127.0.0.1:8000/"
PLUGINS = {
    "web.yml": plugin_yaml("Web", [("a", "Keeps the chat open."), ("b", "Counts visits.")]),
    "shop.yml": plugin_yaml("Shop", [("cart", "Holds the cart.")]),
    "maps.yml": plugin_yaml("Maps", [("m", "Remembers the zoom.")]),
}


def _forget_plugins() -> None:
    """MkDocs keeps a plugin with ``on_startup`` for the whole process (as serve needs): start afresh."""
    MkDocsConfig.plugins.plugin_cache.clear()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_catalog(tmp_path / "catalog", "product: Test\nlanguages: [en, de]\n", PLUGINS)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the cookies](cookies/index.md).\n", encoding="utf-8")
    (docs / "embed.md").write_text('# Web\n\n<!-- cookie-catalog:table plugin="Web" -->\n', encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Served\nsite_url: https://example.org/\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - cookie-catalog:\n      catalog: {tmp_path / 'catalog'}\n      history: false\n"
        "markdown_extensions:\n  - admonition\n  - attr_list\n  - tables\n  - toc:\n      permalink: true\n",
        encoding="utf-8",
    )
    _forget_plugins()
    yield tmp_path
    _forget_plugins()


def serving(project: Path, *, dirty: bool = False) -> Callable[[], CookieCatalogPlugin]:
    """A rebuild as serve's builder makes it, into one site directory; the first call is the initial build.

    A rebuild returns once its downloads are written, unless called with ``wait=False``.
    """
    started: list[bool] = []

    def rebuild(*, wait: bool = True) -> CookieCatalogPlugin:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "served"))
        if not started:
            config.plugins.on_startup(command="serve", dirty=dirty)
            started.append(True)
        build(config, serve_url=SERVE_URL, dirty=dirty)
        plugin = config.plugins["cookie-catalog"]
        assert isinstance(plugin, CookieCatalogPlugin) and plugin.serving
        if wait:  # the downloads are written after the rebuild (``background``)
            plugin.downloads.wait()
        return plugin

    return rebuild


def fresh_site(project: Path) -> dict[str, bytes]:
    """Every file of a build by a new plugin instance, as ``mkdocs build`` makes it; the serving one is kept."""
    serving = dict(MkDocsConfig.plugins.plugin_cache)
    _forget_plugins()
    site = project / "fresh"
    shutil.rmtree(site, ignore_errors=True)
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)), serve_url=SERVE_URL)
    _forget_plugins()
    MkDocsConfig.plugins.plugin_cache.update(serving)
    return tree(site)


def tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_as_fresh(project: Path) -> None:
    served, fresh = tree(project / "served"), fresh_site(project)
    assert sorted(served) == sorted(fresh)
    differing = [name for name in fresh if served[name] != fresh[name]]
    assert differing == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def with_template_line(project: Path, line: str) -> None:
    """Plugin pages from a template that ends with ``line``."""
    templates = project / "templates"
    templates.mkdir()
    page = (bundled_templates() / "plugin.md.j2").read_text(encoding="utf-8")
    (templates / "plugin.md.j2").write_text(f"{page}\n{line}\n", encoding="utf-8")
    edit(project / "mkdocs.yml", "history: false", f"history: false\n      templates: {templates}")


EDITS: list[Callable[[Path], None]] = [
    lambda catalog: edit(catalog / "plugins/web.yml", "Counts visits.", "Counts *visits* [again](https://e.org)."),
    lambda catalog: edit(catalog / "plugins/shop.yml", "plugin: Shop", "plugin: Boutique"),  # the nav changes
    lambda catalog: (catalog / "plugins/news.yml").write_text(plugin_yaml("News", [("n", "Reads.")]), "utf-8"),
    lambda catalog: (catalog / "plugins/maps.yml").unlink(),
    lambda catalog: edit(catalog / "catalog.yml", "product: Test", "product: Tested"),
]


def test_every_rebuild_serves_the_site_a_fresh_build_gives(project):
    rebuild = serving(project)
    rebuild()
    assert_same_as_fresh(project)
    for change in EDITS:
        change(project / "catalog")
        rebuild()
        assert_same_as_fresh(project)


def test_every_dirty_rebuild_after_a_cookie_edit_serves_the_site_a_fresh_build_gives(project):
    """``--dirty`` builds only the modified pages; the search index still holds every page's entries."""
    rebuild = serving(project, dirty=True)
    rebuild()
    for plugin, old, new in (("web", "Counts visits.", "Counts visits twice."), ("maps", "zoom.", "zoom level.")):
        edit(project / f"catalog/plugins/{plugin}.yml", old, new)
        rebuild()
        assert_same_as_fresh(project)


def test_a_dirty_rebuild_keeps_every_page_in_the_search_index_whatever_the_edit(project):
    """A new or renamed plugin changes the nav, which ``--dirty`` leaves stale in unmodified pages (as MkDocs
    says it does); the search index is the fresh build's all the same."""
    rebuild = serving(project, dirty=True)
    rebuild()
    for change in EDITS:
        change(project / "catalog")
        rebuild()
        index = "search/search_index.json"
        assert (project / "served" / index).read_bytes() == fresh_site(project)[index]


def test_a_dirty_build_into_an_empty_site_directory_writes_every_page(project):
    """A generated page the rebuild did not change is still written where it is missing."""
    rebuild = serving(project, dirty=True)
    rebuild()
    shutil.rmtree(project / "served")
    rebuild()
    assert_same_as_fresh(project)


def test_a_hand_written_page_removed_and_a_config_edit_show_in_our_pages(project):
    """Our pages' links resolve against the site's files, and they are converted with its Markdown settings."""
    (project / "docs" / "policy.md").write_text("# Policy\n", encoding="utf-8")
    with_template_line(project, "See [the policy](../policy.md).")
    rebuild = serving(project)
    rebuild()
    edit(project / "mkdocs.yml", "permalink: true", "permalink: '#'")
    rebuild()
    assert_same_as_fresh(project)
    (project / "docs" / "policy.md").unlink()  # the link no longer leads to a page
    rebuild()
    assert_same_as_fresh(project)


def test_a_rebuild_after_one_edit_converts_only_the_pages_it_changed(project):
    """In each language tree the edited plugin's page and All cookies are converted again (the overview's
    text, counts by category, is the same)."""
    rebuild = serving(project)
    rebuild()
    edit(project / "catalog/plugins/web.yml", "Counts visits.", "Counts visits twice.")
    plugin = rebuild()
    pages = 2 + len(PLUGINS)
    assert {tree: cache.reused for tree, cache in plugin.conversions.items()} == {None: pages - 2, "de": pages - 2}


def test_a_markdown_extension_a_plugin_adds_anew_to_each_rebuild_keeps_the_conversions(project, monkeypatch):
    """A plugin may add an extension instance in ``on_config``: a new object every rebuild, the same settings."""
    on_config = CookieCatalogPlugin.on_config

    def adding(self, config):
        config.markdown_extensions.append(AbbrExtension())
        return on_config(self, config)

    monkeypatch.setattr(CookieCatalogPlugin, "on_config", adding)
    rebuild = serving(project)
    rebuild()
    assert rebuild().conversions[None].reused == 2 + len(PLUGINS)


def test_a_rebuild_compiles_neither_the_theme_nor_the_page_templates_again(project, monkeypatch):
    rebuild = serving(project)
    rebuild()
    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def recording(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_source(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    edit(project / "catalog/plugins/web.yml", "Counts visits.", "Counts visits twice.")
    rebuild()
    assert "main.html" not in compiled and "plugin.md.j2" not in compiled
    # an edited template is compiled again, and used
    with_template_line(project, "Edited template.")
    rebuild()
    assert "plugin.md.j2" in compiled and "Edited template." in (project / "served/cookies/web/index.html").read_text()
    assert_same_as_fresh(project)


def test_a_broken_catalog_shows_its_problems_then_the_fixed_site_is_fresh(project):
    rebuild = serving(project)
    rebuild()
    web = project / "catalog/plugins/web.yml"
    good = web.read_text(encoding="utf-8")
    edit(web, "provenance: first-party", "provenance: nowhere")
    rebuild()
    assert "cookies[0].provenance" in (project / "served/cookies/web/index.html").read_text(encoding="utf-8")
    web.write_text(good, encoding="utf-8")
    rebuild()
    assert_same_as_fresh(project)


def test_a_conversion_that_warned_warns_again(project, caplog):
    """A page whose conversion logged a warning is converted again, so a rebuild warns (and strict mode fails)."""
    with_template_line(project, "See [ours](missing.md).")
    rebuild = serving(project)
    rebuild()
    warned = caplog.text.count("missing.md")
    assert warned >= 2 * len(PLUGINS)  # each plugin page, in each tree
    caplog.clear()
    rebuild()
    assert caplog.text.count("missing.md") == warned


def test_no_conversion_kept_outside_serve(project):
    _forget_plugins()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "built"))
    build(config)
    plugin = config.plugins["cookie-catalog"]
    assert isinstance(plugin, CookieCatalogPlugin) and plugin.conversions == {}


def test_the_files_of_a_rebuild_at_the_address_of_the_last_ones_are_not_taken_for_them(monkeypatch):
    """A rebuild's ``Files`` is a new object, which CPython often places where the last build's, freed, was (half
    the time in a loop of builds): the links of our pages must still resolve against this build's paths and URLs.
    Here every object has the same address."""
    monkeypatch.setattr(converted, "id", lambda _: 1, raising=False)
    cache = ConversionCache()
    before = Files([File("policy.md", "/docs", "/site", True)])
    digest = cache.files_digest(before)
    del before
    assert cache.files_digest(Files([File("renamed.md", "/docs", "/site", True)])) != digest


def test_a_dirty_rebuild_after_a_broken_one_keeps_the_search_entries_the_broken_one_made(project):
    """A hand-written page edited while the catalog is broken is rebuilt then, not after the fix: the search
    index of the fixed build has its entries of the broken build, not those from before the edit."""
    rebuild = serving(project, dirty=True)
    rebuild()
    web = project / "catalog/plugins/web.yml"
    good = web.read_text(encoding="utf-8")
    edit(web, "provenance: first-party", "provenance: nowhere")
    edit(project / "docs/index.md", "See [the cookies]", "Look at [the cookies]")
    rebuild()
    web.write_text(good, encoding="utf-8")
    rebuild()
    index = "search/search_index.json"
    assert (project / "served" / index).read_bytes() == fresh_site(project)[index]


def test_a_dirty_rebuild_after_a_broken_one_replaces_every_page_that_showed_the_problems(project):
    rebuild = serving(project, dirty=True)
    rebuild()
    web = project / "catalog/plugins/web.yml"
    good = web.read_text(encoding="utf-8")
    edit(web, "provenance: first-party", "provenance: nowhere")
    rebuild()
    web.write_text(good, encoding="utf-8")
    rebuild()
    assert_same_as_fresh(project)


def test_a_page_a_dirty_rebuild_leaves_out_of_search_has_no_entries_left(project):
    rebuild = serving(project, dirty=True)
    rebuild()
    index = project / "docs/index.md"
    index.write_text("---\nsearch:\n  exclude: true\n---\n" + index.read_text(encoding="utf-8"), encoding="utf-8")
    rebuild()
    name = "search/search_index.json"
    assert (project / "served" / name).read_bytes() == fresh_site(project)[name]


def test_an_image_a_markdown_extension_embeds_in_our_pages_shows_its_edit(project):
    """``pymdownx.b64`` reads the images of a page into it: an edited image is not one of a page's inputs."""
    (project / "docs" / "logo.png").write_bytes(b"\x89PNG first")
    with_template_line(project, "![logo](../logo.png)")
    # b64 reads the src MkDocs wrote (../../logo.png from cookies/web/): from a folder two below docs
    b64 = f"  - pymdownx.b64:\n      base_path: {project / 'docs/cookies/page'}\n      restrict_path: false\n"
    edit(project / "mkdocs.yml", "  - tables\n", f"  - tables\n{b64}")
    rebuild = serving(project)
    rebuild()
    assert "base64" in (project / "served/cookies/web/index.html").read_text(encoding="utf-8")
    (project / "docs" / "logo.png").write_bytes(b"\x89PNG second")
    rebuild()
    assert_same_as_fresh(project)


def test_no_conversion_is_kept_beside_an_extension_that_records_anchors_for_its_plugin():
    """mkdocs-autorefs records each page's anchors while converting it: a kept conversion would skip that."""
    recorder = type("AutorefsExtension", (AbbrExtension,), {"__module__": "mkdocs_autorefs._internal.references"})
    assert not converted.reads_files({"markdown_extensions": ["toc", AbbrExtension()]})  # type: ignore[arg-type]
    assert converted.reads_files({"markdown_extensions": ["toc", recorder()]})  # type: ignore[arg-type]


def held_csv(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The policy's CSV made only once the returned event is set (or after 5 s): downloads that take their time."""
    release = threading.Event()
    real = downloads.policy_csv

    def held(catalog):
        release.wait(timeout=5)
        return real(catalog)

    monkeypatch.setattr(downloads, "policy_csv", held)
    return release


@pytest.mark.parametrize("dirty", [False, True])
def test_a_rebuild_returns_before_its_downloads_are_made_which_then_are_a_fresh_builds(project, monkeypatch, dirty):
    """MkDocs serves nothing until a rebuild returns: the downloads are made after it, the previous ones meanwhile
    (written again into the cleaned site without ``--dirty``)."""
    rebuild = serving(project, dirty=dirty)
    rebuild()
    before = tree(project / "served/downloads")
    release = held_csv(monkeypatch)
    edit(project / "catalog/plugins/web.yml", "Counts visits.", "Counts visits twice.")
    plugin = rebuild(wait=False)
    assert not release.is_set() and tree(project / "served/downloads") == before
    release.set()
    plugin.downloads.wait()
    assert b"Counts visits twice." in (project / "served/downloads/cookie-policy.csv").read_bytes()
    assert_same_as_fresh(project)


def test_a_rebuild_while_the_downloads_of_the_last_are_pending_ends_with_its_own(project, monkeypatch):
    """The pending thread is superseded before the next rebuild cleans the site, and writes nothing after."""
    from cookie_catalog.sinks.mkdocs.background import Downloads  # here: the other tests also run on older code

    rebuild = serving(project)
    rebuild()
    release = held_csv(monkeypatch)
    written: list[tuple[int, bool]] = []  # (generation a file was made for, whether it was moved into place)
    real_write = Downloads._write

    def spy(self, path, data, generation):
        moved = real_write(self, path, data, generation)
        written.append((generation, moved))
        return moved

    monkeypatch.setattr(Downloads, "_write", spy)
    web = project / "catalog/plugins/web.yml"
    edit(web, "Counts visits.", "Counts visits twice.")
    plugin = rebuild(wait=False)
    stale = plugin.downloads.generation
    edit(web, "Counts visits twice.", "Counts visits thrice.")
    second = threading.Thread(target=rebuild)
    second.start()
    deadline = time.monotonic() + 30
    while plugin.downloads.generation == stale and time.monotonic() < deadline:
        time.sleep(0.01)  # until the second rebuild has superseded the first one's thread
    release.set()
    second.join(timeout=60)
    assert written and not [moved for generation, moved in written if generation == stale and moved]
    assert b"thrice" in (project / "served/downloads/cookie-policy.csv").read_bytes()
    assert_same_as_fresh(project)


def test_downloads_that_failed_after_a_rebuild_are_made_in_the_next_one(project, monkeypatch, caplog):
    """What the rebuild's checks did not foresee is reported; the next rebuild makes them itself, where it shows."""
    rebuild = serving(project)
    rebuild()
    real = downloads.policy_json
    failures = iter([RuntimeError("the disk is full")])

    def failing_once(catalog):
        for failure in failures:
            raise failure
        return real(catalog)

    monkeypatch.setattr(downloads, "policy_json", failing_once)
    web = project / "catalog/plugins/web.yml"
    edit(web, "Counts visits.", "Counts visits twice.")
    console = logging.getLogger("mkdocs")
    console.addHandler(caplog.handler)  # where the report goes: MkDocs' console handlers
    try:
        plugin = rebuild()
    finally:
        console.removeHandler(caplog.handler)
    assert plugin.downloads.failed == "the disk is full"
    assert "cookie-catalog: the policy downloads could not be made: the disk is full" in caplog.text
    edit(web, "Counts visits twice.", "Counts visits thrice.")
    plugin = rebuild(wait=False)
    assert plugin.downloads.failed is None and plugin.after_build is None  # made inside the rebuild
    assert_same_as_fresh(project)


@pytest.mark.parametrize("dirty", [False, True])
def test_a_large_catalog_served_without_dirty_says_once_what_dirty_saves(project, monkeypatch, caplog, dirty):
    monkeypatch.setattr(plugin_module, "DIRTY_HINT_OVER", len(PLUGINS) - 1, raising=False)
    rebuild = serving(project, dirty=dirty)
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        rebuild()
        edit(project / "catalog/plugins/web.yml", "Counts visits.", "Counts visits twice.")
        rebuild()
    hints = [r.getMessage() for r in caplog.records if "--dirty" in r.getMessage()]
    expected = "cookie_catalog: 3 plugin pages: each edit rebuilds all 7 pages of the site in each of its 2 languages; "
    expected += "`mkdocs serve --dirty` rebuilds only the pages the edit changes"
    assert hints == ([] if dirty else [expected])


def test_a_strict_site_is_told_no_strict_with_dirty(project, monkeypatch, caplog):
    """MkDocs aborts a strict --dirty build on its own warning about it: the hint names --no-strict."""
    monkeypatch.setattr(plugin_module, "DIRTY_HINT_OVER", len(PLUGINS) - 1, raising=False)
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write("strict: true\n")
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        serving(project)()
    hints = [r.getMessage() for r in caplog.records if "--dirty" in r.getMessage()]
    assert len(hints) == 1 and hints[0].endswith(
        "`mkdocs serve --dirty --no-strict` rebuilds only the pages the edit changes"
    )
    _forget_plugins()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs"), pytest.raises(Abort):
        serving(project, dirty=True)()
    hints = [r.getMessage() for r in caplog.records if "--dirty" in r.getMessage()]
    assert hints == [
        "cookie_catalog: strict mode aborts a --dirty build on MkDocs' own warning about it: "
        "`mkdocs serve --dirty --no-strict`"
    ]


def test_no_dirty_hint_for_a_catalog_of_the_usual_size(project, caplog):
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        serving(project)()
    assert not [r for r in caplog.records if "--dirty" in r.getMessage()]
