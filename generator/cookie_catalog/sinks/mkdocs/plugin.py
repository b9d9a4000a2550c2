"""The ``cookie-catalog`` MkDocs plugin: the catalog's pages as virtual files.

The plugin is a sink like ``cookie_catalog.sinks.directory``: it loads and renders through the
same library calls (``files``), then hands the text to MkDocs as generated files, never
writing into ``docs/``. Each hook is a few lines over a module named for what it holds:
``files`` (loading, pages, downloads), ``nav`` (the nav section), ``titles``, ``compact``,
``cookie_catalog.sinks.embed`` (directives in hand-written pages, shared with the
``cookie_catalog.markdown`` extension) and ``serve_errors``. Under ``mkdocs serve`` it watches
the catalog, so an edit is picked up on the next rebuild, and a broken catalog or template
shows as pages that list the problems instead of a failed rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from cookie_catalog.catalog.problems import display_path
from cookie_catalog.render.directives import DirectiveError, embedded_cookies
from cookie_catalog.render.placement import Placement
from cookie_catalog.render.policy import PolicyError
from cookie_catalog.render.search_index import cookie_entries, update_index_file
from cookie_catalog.sinks import site_assets
from cookie_catalog.sinks.embed import expand_page, first_line, has_directives, template_problem
from cookie_catalog.sinks.letters import GROUP_OVER
from cookie_catalog.sinks.mkdocs import files as generated_files
from cookie_catalog.sinks.mkdocs import languages
from cookie_catalog.sinks.mkdocs.background import Downloads, whole_files
from cookie_catalog.sinks.mkdocs.compact import compact
from cookie_catalog.sinks.mkdocs.compiled import keep_compiled
from cookie_catalog.sinks.mkdocs.converted import ConversionCache, convert_through, reads_files
from cookie_catalog.sinks.mkdocs.dirty import DirtyIndex, unmerged
from cookie_catalog.sinks.mkdocs.nav import grouped, place_section, pruned
from cookie_catalog.sinks.mkdocs.serve_errors import TITLE, Broken, problems_html, relax_link_checks, report
from cookie_catalog.sinks.mkdocs.site import (
    UNNAMED_SITE,
    bring_search_separator,
    name_the_site,
    warn_about_google_fonts,
)
from cookie_catalog.sinks.mkdocs.tables import TablesExtension
from cookie_catalog.sinks.mkdocs.titles import text_as_html, title_markup

log = get_plugin_logger(__name__)
# Over this many plugin pages, `mkdocs serve` without --dirty says once what --dirty saves.
DIRTY_HINT_OVER = 100


class CookieCatalogConfig(Config):
    catalog = c.Dir(default="catalog")
    """The catalog directory, relative to mkdocs.yml or absolute."""
    templates = c.Optional(c.Dir(exists=True))
    """A directory of templates overriding the bundled ones, relative to mkdocs.yml or absolute."""
    pages = c.Type(bool, default=True)
    """False to add no pages (tables are then placed with directives)."""
    dir = c.Type(str, default="cookies")
    """Where the generated pages go inside the site."""
    nav_title = c.Type(str, default="Cookies")
    """Title of the nav section holding the generated pages."""
    nav_group_over = c.Type(int, default=GROUP_OVER)
    """With more plugins than this, the nav groups their pages in sections by initial.

    Themes render the whole nav into every page, so a flat list of n plugin
    pages costs n² in build time and site size; in sections, each page is
    rendered with only its own section open and the others as links to their
    first page (as Material's `navigation.prune` does, in any configuration).
    """
    history = c.Type(bool, default=True)
    """False to leave out the Changes page computed from the catalog's git history."""
    downloads = c.Optional(c.Type(bool))
    """Offer the policy under downloads/ (md, html, csv, json); defaults to `pages`."""
    pdf = c.Type(bool, default=False)
    """Also offer downloads/cookie-policy.pdf (needs WeasyPrint or Chromium)."""


class CookieCatalogPlugin(BasePlugin[CookieCatalogConfig]):
    """One instance for a whole ``mkdocs serve`` (MkDocs keeps a plugin that has ``on_startup``).

    Per-build state (``built``, ``broken``, ``problem_pages``) is reset in
    ``on_files``; ``serving`` and ``last_pages`` live from one rebuild to the next.
    """

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False  # under `mkdocs serve`: show problems as pages rather than fail
        self.tree: str | None = None  # the language whose tree is being built; None for the default's (languages)
        self.languages: tuple[str, ...] = ()  # the catalog's, the default first, as the last good build read them
        self.last_pages: list[str] = []  # src_uris of the last good build: where the problems are shown
        self.last_title = UNNAMED_SITE  # the catalog's title in the last good build: the site's name meanwhile
        self.conversions: dict[str | None, ConversionCache] = {}  # under serve, per tree: our pages' last HTML
        self.dirty_indexes: dict[str | None, DirtyIndex] | None = None  # under serve --dirty, per tree (``dirty``)
        self.problems_shown: set[str | None] = set()  # the trees whose pages on disk show problems (serve)
        self.downloads = Downloads()  # under serve: the downloads made after each rebuild (``background``)
        self.hinted = False  # whether the first good build under serve has looked at the size for the --dirty hint
        self._start_build()

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build no longer wants the downloads being made in a child."""
        if self.built is not None and self.built.pending is not None:
            self.built.pending.cancel()

    def _start_build(self) -> None:
        self.built: generated_files.Generated | None = None  # what a good build added
        self.ours: dict[str, None] = {}  # src_uris of our pages (or their stand-ins), overview first; asked once a page
        self.broken: Broken | None = None  # what stopped this build's pages, under serve
        self.problem_pages: dict[str, str] = {}  # src_uri -> HTML listing the problems, put atop that page
        self.embedded: dict[str, str] = {}  # anchor -> URL of the first hand-written page embedding its row
        self.letters: Section | None = None  # the nav section holding sections by initial, pruned per page
        self._letters_full: list[Any] = []  # its children while one page's render has them pruned
        self.translated_pages: set[str] = set()  # hand-written pages read from their x.<language>.md
        self.page_urls: list[str] = []  # every page's URL, in the order MkDocs builds them
        self.rebuilt_urls: set[str] = set()  # the URLs of the pages this build put in a template
        self.after_build: Callable[[], dict[str, bytes]] | None = None  # serve: makes the downloads once built

    @property
    def placement(self) -> Placement:
        return Placement.of(self.config.dir)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Only ``mkdocs serve`` keeps a broken catalog's site up; ``build`` and ``gh-deploy`` fail on it.

        ``mkdocs serve --clean`` passes "build" here: MkDocs' pure build, then served.
        """
        self.serving = command == "serve"
        self.dirty_indexes = {} if self.serving and dirty else None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Under serve, no downloads of the previous rebuild are written from now on: MkDocs may clean the site."""
        if self.tree is None:
            self.downloads.supersede()

    def on_shutdown(self) -> None:
        """The server is stopping and deletes its site: the pending downloads are not written."""
        self.downloads.close()

    @event_priority(50)  # before the search plugin reads its separator in its own on_config
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            Placement.of(self.config.dir)
        except ValueError as exc:
            raise PluginError(f"cookie-catalog: {exc}") from None
        bring_search_separator(config)
        if self.tree is None:  # once: each language's tree is built again from the same configuration
            warn_about_google_fonts(config)
        _add_assets(config)
        if not any(isinstance(ext, TablesExtension) for ext in config.markdown_extensions):
            # our pages' tables made by cmark-gfm, not cell by cell by Python-Markdown (``tables``)
            config.markdown_extensions.append(TablesExtension(lambda src_uri: src_uri in self.ours))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add the catalog's pages and downloads; a broken catalog fails the build, or under serve shows."""
        self._start_build()
        if self.dirty_indexes is not None:
            unmerged(config.plugins.values())
        try:
            self.built = generated_files.generate(config, self._options())
        except Broken as broken:
            if not self.serving:
                raise PluginError(str(broken)) from None
            # the hand-written translations stay out of the pages as in a good build (known languages, or
            # any suffix that names one, when no build was good yet)
            known = self.languages or ("", *languages.suffix_languages(files))
            self.translated_pages = languages.hand_written(files, config, self.tree or known[0], known)
            generated_files.add(files, self._show_broken(broken, config))
            self.problems_shown.add(self.tree)
            name_the_site(config, self.last_title)
            return files
        self.last_pages = [f.src_uri for f in self.built.pages]
        self.ours = dict.fromkeys(self.last_pages)
        if self.tree in self.problems_shown:  # ``--dirty`` must write them again, even with the text of before
            self.problems_shown.discard(self.tree)
            for file in self.built.pages:
                file.is_modified = lambda: True  # type: ignore[method-assign]
        if self.serving and not reads_files(config):
            self.conversions.setdefault(self.tree, ConversionCache()).new_build()
        else:
            self.conversions.pop(self.tree, None)
        self.last_title = self.built.catalog.title
        self.languages = self.built.catalog.languages
        # hand-written translations (x.de.md) into any language, published or not, are never pages of their own
        known = tuple(dict.fromkeys((*self.languages, *languages.suffix_languages(files))))
        self.translated_pages = languages.hand_written(files, config, self.built.catalog.language, known)
        if len(self.languages) > 1:
            config.extra["alternate"] = languages.alternates(self.languages)
        generated_files.add(files, self.built.files)
        if self.dirty_indexes is not None:
            _rebuild_embedding_pages(files)
        name_the_site(config, self.last_title, self.built.catalog.product.product)
        generated_files.add_assets(files, config, site_assets.asset_files())
        self._hint_dirty(files, config)
        return files

    def _hint_dirty(self, files: Files, config: MkDocsConfig) -> None:
        """Once a serve, on a large catalog without ``--dirty``: the option MkDocs has for large sites.

        Without it MkDocs empties the site and puts every page through the theme again on every edit
        (about 2 s for the Open Cookie Database's 354 plugins on two cores); with it, the plugin tells
        MkDocs which of its pages an edit changed, and only those are built again. In strict mode MkDocs
        counts its own warning about a dirty build and aborts it, so a strict site is told ``--no-strict`` too,
        whether served with ``--dirty`` already (its first build is about to abort) or told to.
        """
        if not self.serving or self.tree is not None or self.hinted:
            return
        self.hinted = True
        option = "--dirty --no-strict" if config.strict else "--dirty"
        if self.dirty_indexes is not None:
            if config.strict:
                log.info(f"strict mode aborts a --dirty build on MkDocs' own warning about it: `mkdocs serve {option}`")
            return
        assert self.built is not None
        plugin_pages = len(self.built.plugin_pages(self.placement))
        if plugin_pages > DIRTY_HINT_OVER:
            pages = len(files.documentation_pages())
            trees = f" in each of its {len(self.languages)} languages" if len(self.languages) > 1 else ""
            log.info(
                f"{plugin_pages} plugin pages: each edit rebuilds all {pages} pages of the site{trees}; "
                f"`mkdocs serve {option}` rebuilds only the pages the edit changes"
            )

    def _options(self) -> generated_files.Options:
        downloads = self.config.pages if self.config.downloads is None else self.config.downloads
        templates = Path(self.config.templates) if self.config.templates else None
        return generated_files.Options(
            Path(self.config.catalog),
            templates,
            self.placement,
            self.config.pages,
            self.config.history,
            downloads,
            self.config.pdf,
            self.tree,
        )

    def _show_broken(self, broken: Broken, config: MkDocsConfig) -> list[File]:
        """Under serve: the problems on the console, and pages listing them where the cookie pages were.

        Every page of the last good build is replaced (the browser reloads the
        URL it shows), plus the overview, which a nav may name. With
        ``pages: false`` the problems show atop the pages that hold directives.
        """
        report(broken)
        relax_link_checks(config)
        self.broken = broken
        if not self.config.pages:
            return []
        self.ours = dict.fromkeys([self.placement.overview, *self.last_pages])
        self.problem_pages = dict.fromkeys(self.ours, problems_html(broken))
        return [generated_files.page_file(config, src_uri, f"# {TITLE}\n") for src_uri in self.ours]

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Make the theme's `striptags` safe; hand the downloads their content before MkDocs copies static files."""
        env.filters["striptags"] = text_as_html(env.filters["striptags"])
        keep_compiled(env)  # the theme's templates are compiled once a process, not once a rebuild
        self.page_urls = [f.page.url for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve) if f.page]
        if self.dirty_indexes is not None:
            self._title_unbuilt_pages(files, config)
        if self.built is None or (not self.serving and self.built.start_downloads()):
            return env
        try:
            self._make_downloads()
        except (jinja2.TemplateError, PolicyError) as exc:
            problem = template_problem(exc) if isinstance(exc, jinja2.TemplateError) else str(exc)
            self._show_broken_downloads(Broken(f"the policy downloads: {problem}", []), files)
        return env

    def _make_downloads(self) -> None:
        """The downloads now; under serve, after the rebuild, once their templates compile (``background``).

        They are left to a thread started once the rebuild is over (``on_post_build``): MkDocs serves no
        request until then. They are made here, as before, in the first build (there are no previous bytes
        to stand in), after a thread failed (here its problem shows on the pages), and with a PDF (Chromium
        is a child of the build).
        """
        assert self.built is not None
        stand_ins = self.downloads.stand_ins(list(self.built.downloads)) if self.serving else None
        if stand_ins is not None:
            self.after_build = self.built.defer_downloads(stand_ins)
        if self.after_build is None and (made := self.built.fill_downloads()) and self.serving:
            self.downloads.keep(made)

    def _title_unbuilt_pages(self, files: Files, config: MkDocsConfig) -> None:
        """Under ``--dirty``, the pages MkDocs does not read again keep their titles in the nav of those it builds.

        MkDocs leaves an unmodified page unread, so its title is None in the nav. Ours take the title of
        their last conversion; a hand-written one is read (not converted): its title is then its first
        heading as written, or its ``title:``, as MkDocs takes it from an unconverted page.
        """
        conversions = self.conversions.get(self.tree)
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            page = file.page
            if page is None or page.markdown is not None:
                continue
            if file.src_uri not in self.ours:
                page.read_source(config)
            elif conversions is not None and (title := conversions.kept_title(file.src_uri)) is not None:
                page.title = title_markup(title)

    def _show_broken_downloads(self, broken: Broken, files: Files) -> None:
        """Downloads that failed late fail the build; under serve the pages, converted already, show the problems.

        The download files stay empty.
        """
        if not self.serving:
            raise PluginError(str(broken)) from None
        report(broken)
        assert self.built is not None
        self.built.make_downloads = None
        self.broken = broken
        self.problems_shown.add(self.tree)
        for file in self.built.pages:
            if file.page is not None:
                file.page.content = problems_html(broken) + (file.page.content or "")

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Gather our pages into one section, in catalog order, where the site wants them."""
        languages.translated_titles(nav.pages, self.translated_pages)
        if not self.ours:
            return nav
        # With the catalog broken, the overview's stand-in alone is listed (the others share its title).
        ours = [files.get_file_from_path(uri) for uri in list(self.ours)[: 1 if self.broken else None]]
        pages = [file.page for file in ours if file is not None and isinstance(file.page, Page)]
        titles = self.built.plugin_titles(self.placement) if self.built else {}
        items = grouped(pages, titles, self.config.nav_group_over)
        nav = place_section(nav, self.config.nav_title, items, pages)
        self.letters = next((item.parent for item in items if isinstance(item, Section)), None)
        return nav

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        """A page of a grouped nav shows only its own letter open: the theme renders a nav of ~30 links, not n.

        The children are swapped for this page's render and put back in ``on_post_page``.
        """
        self.rebuilt_urls.add(page.url)
        if self.letters is not None:
            self._letters_full = self.letters.children
            self.letters.children = pruned(self.letters, page)
        return context

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        """Under serve, our pages are converted only when their inputs changed since the last build (``converted``)."""
        conversions = self.conversions.get(self.tree)
        if conversions is not None and self.built is not None and page.file.src_uri in self.ours:
            convert_through(page, conversions, page.file.content_string)
        return page

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Replace ``<!-- cookie-catalog:... -->`` directives in hand-written pages, as the Markdown extension does.

        Under serve, a page whose directives cannot be expanded (a bad
        directive, or no catalog to expand them from) shows the problems atop.
        """
        src_uri = page.file.src_uri
        if src_uri in self.ours:
            return markdown
        if self.built is None:
            if self.broken is not None and has_directives(markdown):
                self.problem_pages[src_uri] = problems_html(self.broken)
            return markdown
        overview = self.placement.href(self.placement.overview, src_uri) if self.config.pages else None
        file = Path(page.file.abs_src_path) if page.file.abs_src_path else None
        shown = display_path(file) if file else src_uri
        try:
            expanded = expand_page(markdown, shown, self.built.renderer, overview, first_line(file, markdown))
            for cookie in embedded_cookies(markdown, shown, self.built.catalog):
                self.embedded.setdefault(cookie.anchor, page.url)
            return expanded
        except DirectiveError as exc:
            broken = Broken(str(exc), [])
        if not self.serving:
            raise PluginError(str(broken)) from None
        report(broken)
        self.problem_pages[src_uri] = problems_html(broken)
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Our pages' titles as HTML a theme can put anywhere; under serve, the problems where they belong.

        This runs before any page is put in a template, so every nav and footer gets the title.
        """
        src_uri = page.file.src_uri
        if src_uri in self.ours and page.title is not None:
            page.title = title_markup(page.title)
        if self.tree is not None and self.built is not None:
            html = languages.outside_links(html, page.url, self.built.outside_tree)
        block = self.problem_pages.get(src_uri)
        if block is None:
            return html
        return html + block if src_uri in self.ours else block + html

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Our pages without the theme's indentation (``compact``): most of a large site's size."""
        if self.letters is not None:
            self.letters.children = self._letters_full
        if len(self.languages) > 1:
            output = self._in_tree_language(
                languages.fill_alternates(output, page.url, self.tree_language, self.languages), config
            )
        return compact(output) if page.file.src_uri in self.ours else output

    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        """The 404 page's language switcher: to each tree's home page."""
        if len(self.languages) > 1:
            return self._in_tree_language(
                languages.fill_alternates(output, None, self.tree_language, self.languages), config
            )
        return output

    @property
    def tree_language(self) -> str:
        return self.tree or self.languages[0]

    def _in_tree_language(self, output: str, config: MkDocsConfig) -> str:
        """``<html lang>`` of the tree, where the theme has no labels in its language (``theme_language``)."""
        if config.theme.get("language") == self.tree_language:
            return output
        return languages.html_lang(output, self.tree_language)

    @event_priority(-50)  # after the search plugin has written search/search_index.json
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the downloads made while the pages were built; make each cookie a search result that opens its row;
        write the cookie finder's index; under serve, last, start the thread making the downloads (``background``)."""
        after_build = self._downloads_after_build()  # a tree's build below starts afresh
        dirty_index = None if self.dirty_indexes is None else self.dirty_indexes.setdefault(self.tree, DirtyIndex())
        if dirty_index is not None:
            dirty_index.complete(Path(config.site_dir), self.rebuilt_urls, self.page_urls)
        if self.built is not None:
            try:
                self.built.finish_downloads()
            except (jinja2.TemplateError, PolicyError) as exc:
                problem = template_problem(exc) if isinstance(exc, jinja2.TemplateError) else str(exc)
                raise PluginError(str(Broken(f"the policy downloads: {problem}", []))) from None
            page_urls = self.built.page_urls(self.placement)
            entries = cookie_entries(self.built.catalog, page_urls)
            update_index_file(Path(config.site_dir), entries)
            locations = {
                c.anchor: page_urls[p.slug]
                for p in self.built.catalog.plugins
                if p.slug in page_urls
                for c in p.cookies
            }
            locations = {**self.embedded, **locations}  # a cookie's own page first
            index = Path(config.site_dir) / site_assets.INDEX
            index.parent.mkdir(parents=True, exist_ok=True)
            index.write_bytes(site_assets.index_bytes(self.built.catalog, locations))
        if dirty_index is not None:  # a broken build's index too: the pages it built are not built again
            dirty_index.keep(Path(config.site_dir))
        if self.tree is None and len(self.languages) > 1:
            self._build_trees(config)
        if after_build is not None:  # once every tree is built: the thread would compete with them for the GIL
            self.downloads.start(*after_build)

    def _downloads_after_build(self) -> tuple[Callable[[], dict[str, bytes]], dict[str, Path]] | None:
        """Under serve, what makes this rebuild's downloads and where each goes, if they are made after it."""
        if self.tree is not None or self.built is None or self.after_build is None:
            return None
        return self.after_build, {name: Path(file.abs_dest_path) for name, file in self.built.downloads.items()}

    def _build_trees(self, config: MkDocsConfig) -> None:
        """The site again for each language but the default, into ``<site_dir>/<language>/`` (``languages``)."""
        from mkdocs.commands.build import build  # the command's own module, imported only when it is needed

        def build_tree(language: str) -> None:
            self.tree = language
            build(config)

        try:
            languages.build_trees(config, self.languages, build_tree)
        finally:
            self.tree = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        self.downloads.watch(server, config.site_dir)
        server.set_app(whole_files(server.get_app()))  # the downloads are replaced while requests are served
        server.watch(self.config.catalog)
        if self.config.templates:
            server.watch(self.config.templates)
        return server


def _rebuild_embedding_pages(files: Files) -> None:
    """Under ``--dirty``, a hand-written page with directives is built again: its tables come from the catalog.

    MkDocs rebuilds a hand-written page only when its own file changed.
    """
    for file in files.documentation_pages():
        if file.abs_src_path and not file.generated_by and has_directives(file.content_string):
            file.is_modified = lambda: True  # type: ignore[method-assign]


def _add_assets(config: MkDocsConfig) -> None:
    """The pages' stylesheets and scripts in ``extra_css`` and ``extra_javascript``, each once.

    A site that lists them already (as this project's sites did) keeps its own entries.
    """
    stylesheets, scripts = site_assets.site_paths()
    listed_css = {str(entry) for entry in config.extra_css}
    config.extra_css.extend(path for path in stylesheets if path not in listed_css)
    listed_js = {str(getattr(entry, "path", entry)) for entry in config.extra_javascript}
    config.extra_javascript.extend(path for path in scripts if path not in listed_js)
