"""The files the plugin adds to a MkDocs build: the catalog's pages and the policy downloads.

Loading, rendering (through the page cache kept across ``mkdocs serve``
rebuilds) and the Changes page happen here, as library calls; the plugin only
hands the result to MkDocs. A problem in the catalog or a template is raised
as :class:`Broken`, which the plugin turns into a failed build or, under
serve, into pages listing the problems.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.parallel import Forked, may_fork
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.catalog.translations import in_language
from cookie_catalog.changes.history import changes_pages
from cookie_catalog.render.pages import PageCache, Renderer
from cookie_catalog.render.placement import DOWNLOADS, Placement
from cookie_catalog.render.policy import DEFAULT_FORMATS, PolicyError
from cookie_catalog.sinks import site_assets
from cookie_catalog.sinks.downloads import site_download_names, site_downloads
from cookie_catalog.sinks.embed import template_problem
from cookie_catalog.sinks.mkdocs.background import put_in_place
from cookie_catalog.sinks.mkdocs.compiled import keep_compiled
from cookie_catalog.sinks.mkdocs.serve_errors import Broken
from cookie_catalog.sinks.pdf import find_engine

log = get_plugin_logger(__name__)
# The pages of the previous build of each language tree, kept in the serving process for the next rebuild.
_page_caches: dict[str, PageCache] = {}


class Download(File):
    """A generated file MkDocs copies as it is, even when its name ends in .md.

    While its content is being made in a forked child (``Generated.start_downloads``),
    MkDocs' copy of static files leaves it alone; ``finish_downloads`` writes it.
    Under ``mkdocs serve``, while it is made after the rebuild (``background``), its content is the
    previous bytes, a ``stand_in`` written only where the site has no file (``Generated.defer_downloads``).
    """

    deferred = False
    stand_in = False

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        if self.deferred:
            return
        if not self.stand_in:
            super().copy_file(dirty)
        elif not os.path.isfile(self.abs_dest_path):
            put_in_place(Path(self.abs_dest_path), self.content_bytes)


class OutsideTree(File):
    """A download of the default language's build, as a translated tree (``<site>/<language>/``) links to it.

    The file is written once, by the default build, at the site's root. It is in the tree's files so that
    MkDocs finds the links to it; they lead one folder further up than MkDocs writes them, out of the tree
    (``languages.outside_links``).
    """

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing to write: the default build wrote it."""


@dataclass(frozen=True)
class Options:
    """The plugin options these files depend on, paths already resolved against mkdocs.yml."""

    catalog: Path
    templates: Path | None
    placement: Placement
    pages: bool
    history: bool
    downloads: bool
    pdf: bool
    language: str | None = None  # the language tree being built; None for the default language's


@dataclass
class Generated:
    """What one good build adds: the catalog, its renderer, our pages (overview first) and the downloads.

    The downloads are made in ``on_env`` (``make_downloads``); in ``mkdocs build``
    in a forked child that dies with the build (``start_downloads``), collected
    and written after the pages (``finish_downloads``). Their files are empty until then.
    """

    catalog: Catalog
    renderer: Renderer
    files: list[File] = field(default_factory=list)
    pages: list[File] = field(default_factory=list)
    downloads: dict[str, Download] = field(default_factory=dict)
    make_downloads: Callable[[], dict[str, bytes]] | None = None
    check_templates: Callable[[], None] | None = None  # serve: what the rebuild checks of the policy's templates
    pending: Forked[dict[str, bytes]] | None = None  # the downloads being made in a forked child
    forkable: bool = False  # whether they may be
    outside_tree: set[str] = field(default_factory=set)  # in a translated tree: the default build's downloads

    def plugin_pages(self, placement: Placement) -> dict[str, str]:
        """Plugin slug -> src_uri of its page, for the plugins that have one."""
        ours = {f.src_uri for f in self.pages}
        found = {p.slug: placement.page(f"{p.slug}.md") for p in self.catalog.plugins}
        return {slug: src_uri for slug, src_uri in found.items() if src_uri in ours}

    def page_urls(self, placement: Placement) -> dict[str, str]:
        """Plugin slug -> URL of its page: where each cookie's search result leads."""
        urls = {f.src_uri: f.url for f in self.pages}
        return {slug: urls[src_uri] for slug, src_uri in self.plugin_pages(placement).items()}

    def plugin_titles(self, placement: Placement) -> dict[str, str]:
        """src_uri of a plugin's page -> the plugin's title: what the nav files it under."""
        titles = {p.slug: p.title for p in self.catalog.plugins}
        return {src_uri: titles[slug] for slug, src_uri in self.plugin_pages(placement).items()}

    def fill_downloads(self) -> dict[str, bytes]:
        """Render the downloads into their files and return them; jinja2.TemplateError or PolicyError when
        they cannot be."""
        if self.make_downloads is None:
            return {}
        produced = self.make_downloads()
        for name, file in self.downloads.items():
            file.content_bytes = produced[name]
        self.make_downloads = None
        return produced

    def defer_downloads(self, stand_ins: dict[str, bytes]) -> Callable[[], dict[str, bytes]] | None:
        """Under serve: what makes the downloads after the rebuild, once their templates compile; None when they are
        made in the rebuild (none to make, or a PDF: Chromium stays a child of the build).

        Raises jinja2.TemplateError now for a template that does not compile; whatever fails later fails in the
        thread (``background``), and the rebuild it then starts makes the downloads here, where it shows.
        Meanwhile each file holds its ``stand_ins`` bytes (the previous ones), written only where the rebuild
        left no file, i.e. when MkDocs has cleaned the site (serve without ``--dirty``): a request in the gap
        until the thread has written the new bytes gets a whole download of the previous version, as under
        ``--dirty``, rather than a 404.
        """
        if self.make_downloads is None or self.check_templates is None:
            return None
        self.check_templates()
        make, self.make_downloads = self.make_downloads, None
        for name, file in self.downloads.items():
            file.content_bytes = stand_ins[name]
            file.stand_in = True
        return make

    def start_downloads(self) -> bool:
        """Start making the downloads on the second core, while MkDocs builds the pages; False if it cannot.

        A build with threads (``mkdocs serve``) or on a platform without fork makes them in ``fill_downloads``.
        """
        if self.make_downloads is None or not self.forkable or not may_fork():
            return False
        self.pending = Forked(self.make_downloads)
        self.make_downloads = None
        for file in self.downloads.values():
            file.deferred = True
        return True

    def finish_downloads(self) -> None:
        """Write the downloads started by ``start_downloads``; jinja2.TemplateError or PolicyError as there."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        produced = pending.result()
        for name, file in self.downloads.items():
            file.content_bytes = produced[name]
            file.deferred = False
            file.copy_file()


def generate(config: MkDocsConfig, options: Options) -> Generated:
    """Every file a good build adds; :class:`Broken` when the catalog or a template is not good."""
    try:
        loaded = load_catalog(options.catalog)
    except CatalogError as exc:
        raise Broken(f"the catalog has {len(exc.problems)} problem(s):", [str(p) for p in exc.problems]) from None
    formats = (*DEFAULT_FORMATS, "pdf") if options.pdf else DEFAULT_FORMATS
    translated = options.language is not None and options.language != loaded.languages[0]
    catalog = in_language(loaded, options.language) if options.language and translated else loaded
    href = options.placement.downloads_href() if options.downloads else None
    if href is not None and translated:
        href = f"{href}/{catalog.language}"  # made by the default language's build, in downloads/<language>/
    renderer = Renderer(catalog, options.templates, downloads_href=href, download_formats=formats)
    keep_compiled(renderer.env)
    out = Generated(catalog, renderer)
    try:
        if options.downloads and not translated:
            _add_downloads(config, options, out, formats)
        elif options.downloads:
            names = site_download_names(formats, loaded.languages[1:])
            outside = [OutsideTree.generated(config, f"{DOWNLOADS}/{name}", content=b"") for name in names]
            out.outside_tree = {file.src_uri for file in outside}
            out.files += outside
        if options.pages:
            _add_pages(config, options, out)
    except jinja2.TemplateError as exc:
        raise Broken("a template cannot be rendered:", [template_problem(exc)]) from None
    except PolicyError as exc:
        raise Broken(str(exc), []) from None
    return out


def _add_downloads(config: MkDocsConfig, options: Options, out: Generated, formats: tuple[str, ...]) -> None:
    """Empty download files now, failing now on what can be checked now (e.g. no PDF engine)."""
    if "pdf" in formats:
        find_engine()
    catalog, templates = out.catalog, options.templates
    out.make_downloads = lambda: site_downloads(catalog, formats, templates)
    out.forkable = "pdf" not in formats  # Chromium printing stays a child of the build itself
    if out.forkable:  # and, under serve, inside the rebuild
        out.check_templates = lambda: _compile_policy_templates(catalog, templates)
    for name in site_download_names(formats, catalog.languages[1:]):
        file = Download.generated(config, f"{DOWNLOADS}/{name}", content=b"")
        assert isinstance(file, Download)
        out.downloads[name] = file
        out.files.append(file)


def _compile_policy_templates(catalog: Catalog, templates: Path | None) -> None:
    """The policy's templates compiled (jinja2.TemplateError if one does not): what a rebuild under serve checks
    of downloads it leaves to a thread, in a blink (the compiled code is kept from one rebuild to the next)."""
    env = keep_compiled(Renderer(catalog, templates, flavour="gfm").env)
    for name in ("policy.md.j2", "policy.html.j2"):
        env.get_template(name)


def _add_pages(config: MkDocsConfig, options: Options, out: Generated) -> None:
    cache = _page_caches.setdefault(out.catalog.language, PageCache())
    pages = cache.pages(out.renderer)
    log.debug(f"rendered {cache.rendered} of {len(pages)} pages")
    kept = set(pages) - cache.fresh
    if options.history:
        pages.update(changes_pages(options.catalog, out.renderer))
    for name, text in pages.items():
        out.pages.append(page_file(config, options.placement.page(name), text, modified=name not in kept))
    out.files += out.pages


class GeneratedPage(File):
    """A generated page that tells ``mkdocs serve --dirty`` whether the rebuild changed it.

    MkDocs takes every generated file for modified; a page handed over from the
    page cache is the very text of the last build, so a dirty rebuild after an
    edit of one cookie converts two pages (its plugin's and the overview), not all.
    """

    modified = True

    def is_modified(self) -> bool:
        """Changed since the last build, or not written yet (a build into a new site directory)."""
        return self.modified or not os.path.isfile(self.abs_dest_path)


def page_file(config: MkDocsConfig, src_uri: str, text: str, *, modified: bool = True) -> File:
    """A generated page, NOT_IN_NAV: MkDocs would warn that it is missing from an explicit nav
    before on_nav gets to place it."""
    file = GeneratedPage.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
    assert isinstance(file, GeneratedPage)
    file.modified = modified
    return file


def add(files: Files, added: list[File]) -> None:
    """Add generated files; a hand-written one at the same path is an error, never replaced."""
    for file in added:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            raise PluginError(
                f"cookie-catalog: the generated {file.src_uri} would replace the hand-written "
                f"{existing.abs_src_path or existing.src_uri}; rename one of them or set `dir:` in the plugin config"
            )
        files.append(file)


def add_assets(files: Files, config: MkDocsConfig, assets: dict[str, bytes]) -> None:
    """The pages' CSS and JS under ``assets/cookie-catalog/``; a file the site has there already is kept."""
    for name, content in assets.items():
        src_uri = f"{site_assets.FOLDER}/{name}"
        if files.get_file_from_path(src_uri) is None:
            files.append(Download.generated(config, src_uri, content=content))
