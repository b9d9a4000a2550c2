"""The ``cookie-catalog`` MkDocs plugin: the catalog's pages as virtual files.

The plugin is a sink like ``generator.sink``: it loads and renders through the
same library calls, then hands the text to MkDocs as generated files, never
writing into ``docs/``. Under ``mkdocs serve`` it watches the catalog, so an
edit is picked up on the next rebuild.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from generator.loader import load_catalog
from generator.model import Catalog
from generator.problems import CatalogError
from generator.render import OVERVIEW, Renderer
from generator.search_index import cookie_entries, update_index_file


class CookieCatalogConfig(Config):
    catalog = c.Type(str, default="catalog")
    """The catalog directory, relative to mkdocs.yml or absolute."""
    templates = c.Optional(c.Type(str))
    """A directory of templates overriding the bundled ones."""
    pages = c.Type(bool, default=True)
    """False to add no pages (tables are then placed with directives)."""
    dir = c.Type(str, default="cookies")
    """Where the generated pages go inside the site."""
    nav_title = c.Type(str, default="Cookies")
    """Title of the nav section holding the generated pages."""


class CookieCatalogPlugin(BasePlugin[CookieCatalogConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Optional[Catalog] = None
        self.generated: list[str] = []  # src_uris of our pages, overview first
        self.page_urls: dict[str, str] = {}  # plugin slug -> URL of its page

    def _path(self, config: MkDocsConfig, value: str) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        return (base / value).resolve()

    @property
    def _dir(self) -> str:
        return self.config.dir.strip("/")

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        try:
            self.catalog = load_catalog(self._path(config, self.config.catalog))
        except CatalogError as exc:
            raise PluginError(f"cookie-catalog: the catalog has {len(exc.problems)} problem(s):\n{exc}") from None
        self.generated = []
        self.page_urls = {}
        if not self.config.pages:
            return files
        templates = self._path(config, self.config.templates) if self.config.templates else None
        try:
            pages = Renderer(self.catalog, templates).pages()
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
            raise PluginError(f"cookie-catalog: {where}:{getattr(exc, 'lineno', '?')}: {exc}") from None
        for name, text in pages.items():
            src_uri = f"{self._dir}/{name}" if self._dir else name
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                raise PluginError(
                    f"cookie-catalog: the generated page {src_uri} would replace the hand-written "
                    f"{existing.abs_src_path or src_uri}; rename one of them or set `dir:` in the plugin config"
                )
            # NOT_IN_NAV: MkDocs would warn that they are missing from an explicit
            # nav before on_nav gets to place them.
            file = File.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(file)
            self.generated.append(src_uri)
            self.page_urls[name.removesuffix(".md")] = file.url
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Gather our pages into one section, in catalog order, where the site wants them.

        MkDocs sorts generated files by name; the catalog's order is the plugin
        order. If the user's nav names the overview page, the section goes there;
        otherwise it is appended.
        """
        if not self.generated:
            return nav
        ours = [files.get_file_from_path(uri).page for uri in self.generated]
        items, slot = _extract(list(nav.items), {id(p) for p in ours})
        container, index = slot or (items, len(items))
        container.insert(index, Section(self.config.nav_title, list(ours)))
        # Rebuild what get_navigation derived from the tree.
        pages = [p for p in _walk(items) if isinstance(p, Page)]
        for page0, page1, page2 in zip([None, *pages], pages, [*pages[1:], None]):
            page1.previous_page, page1.next_page = page0, page2
        _set_parents(items, None)
        return Navigation(items, pages)

    @event_priority(-50)  # after the search plugin has written search/search_index.json
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Make each cookie a search result of its own that opens its row."""
        if self.catalog is not None:
            update_index_file(Path(config.site_dir), cookie_entries(self.catalog, self.page_urls))

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        server.watch(str(self._path(config, self.config.catalog)))
        if self.config.templates:
            server.watch(str(self._path(config, self.config.templates)))
        return server


def _extract(items: list, ours: set[int]) -> tuple[list, Optional[tuple[list, int]]]:
    """Remove our pages from a nav tree; also return where the first one stood.

    A section left empty is dropped and the slot moves up to where it stood,
    so an auto-generated "Cookies" section is replaced in place.
    """
    kept: list = []
    slot: Optional[tuple[list, int]] = None
    for item in items:
        if id(item) in ours:
            slot = slot or (kept, len(kept))
            continue
        if isinstance(item, Section):
            item.children, inner = _extract(item.children, ours)
            if not item.children:
                slot = slot or (kept, len(kept))
                continue
            slot = slot or inner
        kept.append(item)
    return kept, slot


def _walk(items: list):
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def _set_parents(items: list, parent: Optional[Section]) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _set_parents(item.children, item)
