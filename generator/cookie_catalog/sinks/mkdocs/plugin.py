"""The ``cookie-catalog`` MkDocs plugin: the catalog's pages as virtual files.

The plugin is a sink like ``cookie_catalog.sinks.directory``: it loads and renders through the
same library calls, then hands the text to MkDocs as generated files, never
writing into ``docs/``. Under ``mkdocs serve`` it watches the catalog, so an
edit is picked up on the next rebuild, and a broken catalog or template shows
as pages that list the problems (``cookie_catalog.sinks.mkdocs.serve_errors``) instead of a
failed rebuild.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import jinja2
from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.problems import CatalogError, display_path
from cookie_catalog.changes.history import changes_pages
from cookie_catalog.render.directives import DirectiveError, expand, find_directives
from cookie_catalog.render.pages import PageCache, Renderer
from cookie_catalog.render.policy import BASENAME, DEFAULT_FORMATS, PolicyError
from cookie_catalog.render.search_index import cookie_entries, update_index_file
from cookie_catalog.sinks.downloads import policy_files
from cookie_catalog.sinks.mkdocs.serve_errors import TITLE, Broken, problems_html, relax_link_checks, report
from cookie_catalog.sinks.pdf import find_engine

DOWNLOADS = "downloads"
log = logging.getLogger(f"mkdocs.plugins.{__name__}")
# The pages of the previous build, kept in the serving process for the next rebuild.
_page_cache = PageCache()
# White space at the start of a line, and the elements where it is content.
_INDENT = re.compile(r"\n\s+")
_VERBATIM = re.compile(r"<(pre|textarea|script|style)\b.*?</\1>", re.S | re.I)


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
    nav_group_over = c.Type(int, default=40)
    """With more plugins than this, the nav groups their pages in sections by initial.

    Material renders the whole nav into every page, so a flat list of n plugin
    pages costs n² in build time and site size; in sections, with Material's
    `navigation.prune`, each page carries only its own section.
    """
    history = c.Type(bool, default=True)
    """False to leave out the Changes page computed from the catalog's git history."""
    downloads = c.Optional(c.Type(bool))
    """Offer the policy under downloads/ (md, html, csv, json); defaults to `pages`."""
    pdf = c.Type(bool, default=False)
    """Also offer downloads/cookie-policy.pdf (needs WeasyPrint or Chromium)."""


class _Download(File):
    """A generated file MkDocs copies as it is, even when its name ends in .md."""

    def is_documentation_page(self) -> bool:
        return False


class CookieCatalogPlugin(BasePlugin[CookieCatalogConfig]):
    """One instance for a whole ``mkdocs serve`` (MkDocs keeps a plugin that has ``on_startup``).

    Per-build state is reset in ``on_files``; ``serving`` and ``last_pages``
    live from one rebuild to the next.
    """

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False  # under `mkdocs serve`: show problems as pages rather than fail
        self.last_pages: list[str] = []  # src_uris of the last good build: where the problems are shown
        self._start_build()

    def _start_build(self) -> None:
        self.catalog: Catalog | None = None
        self.generated: list[str] = []  # src_uris of our pages, overview first
        self.renderer: Renderer | None = None  # for directives in hand-written pages
        self.page_urls: dict[str, str] = {}  # plugin slug -> URL of its page
        self.downloads: Callable[[], dict[str, bytes]] | None = None  # makes them, in on_env
        self.download_files: dict[str, File] = {}  # file name -> its File, filled in on_env
        self.broken: Broken | None = None  # what stopped this build's pages, under serve
        self.problem_pages: dict[str, str] = {}  # src_uri -> HTML listing the problems, put atop that page

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Only ``mkdocs serve`` keeps a broken catalog's site up; ``build`` and ``gh-deploy`` fail on it.

        ``mkdocs serve --clean`` passes "build" here: MkDocs' pure build, then served.
        """
        self.serving = command == "serve"

    def _path(self, config: MkDocsConfig, value: str) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        return (base / value).resolve()

    @property
    def _dir(self) -> str:
        return self.config.dir.strip("/")

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add the catalog's pages and downloads; a broken catalog fails the build, or under serve shows."""
        self._start_build()
        added: list[File] = []
        try:
            self._generate(config, added)
        except Broken as broken:
            if not self.serving:
                raise PluginError(str(broken)) from None
            added = self._show_broken(broken, config)
        else:
            self.last_pages = list(self.generated)
        for file in added:
            self._add(files, file)
        return files

    def _generate(self, config: MkDocsConfig, added: list[File]) -> None:
        """The files of a good build into ``added``; Broken when the catalog or a template is not."""
        try:
            self.catalog = load_catalog(self._path(config, self.config.catalog))
        except CatalogError as exc:
            raise Broken(f"the catalog has {len(exc.problems)} problem(s):", [str(p) for p in exc.problems]) from None
        templates = self._path(config, self.config.templates) if self.config.templates else None
        downloads = self.config.pages if self.config.downloads is None else self.config.downloads
        formats = (*DEFAULT_FORMATS, "pdf") if self.config.pdf else DEFAULT_FORMATS
        try:
            self.download_files = {}
            if downloads:
                # Fail now on what can be checked now (e.g. no PDF engine); build the
                # files in on_env, in this process: no child to outlive a killed build.
                catalog = self.catalog
                if "pdf" in formats:
                    find_engine()
                self.downloads = lambda: policy_files(catalog, formats, templates)
                for fmt in formats:
                    name = f"{BASENAME}.{fmt}"
                    self.download_files[name] = _Download.generated(config, f"{DOWNLOADS}/{name}", content=b"")
                    added.append(self.download_files[name])
            href = posixpath.relpath(DOWNLOADS, self._dir or ".") if downloads else None
            self.renderer = renderer = Renderer(self.catalog, templates, downloads_href=href, download_formats=formats)
            if self.config.pages:
                pages = _page_cache.pages(renderer)
                log.debug(f"cookie-catalog: rendered {_page_cache.rendered} of {len(pages)} pages")
                if self.config.history:
                    pages.update(changes_pages(self._path(config, self.config.catalog), renderer))
                for name, text in pages.items():
                    src_uri = f"{self._dir}/{name}" if self._dir else name
                    # NOT_IN_NAV: MkDocs would warn that they are missing from an
                    # explicit nav before on_nav gets to place them.
                    file = File.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
                    added.append(file)
                    self.generated.append(src_uri)
                    self.page_urls[name.removesuffix(".md")] = file.url
        except jinja2.TemplateError as exc:
            raise Broken("a template cannot be rendered:", [_template_problem(exc)]) from None
        except PolicyError as exc:
            raise Broken(str(exc), []) from None

    def _show_broken(self, broken: Broken, config: MkDocsConfig) -> list[File]:
        """Under serve: the problems on the console, and pages listing them where the cookie pages were.

        Every page of the last good build is replaced (the browser reloads the
        URL it shows), plus the overview, which a nav may name.
        """
        report(broken)
        relax_link_checks(config)
        self._start_build()
        self.broken = broken
        if not self.config.pages:
            return []  # the problems show atop the pages that hold directives (on_page_markdown)
        overview = f"{self._dir}/index.md" if self._dir else "index.md"
        block = problems_html(broken)
        files = []
        for src_uri in dict.fromkeys([overview, *self.last_pages]):
            files.append(File.generated(config, src_uri, content=f"# {TITLE}\n", inclusion=InclusionLevel.NOT_IN_NAV))
            self.generated.append(src_uri)
            self.problem_pages[src_uri] = block
        return files

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        """Make the theme's `striptags` safe; hand the downloads their content before MkDocs copies static files."""
        env.filters["striptags"] = _text_as_html(env.filters["striptags"])
        if self.downloads is not None:
            try:
                produced = self.downloads()
            except (jinja2.TemplateError, PolicyError) as exc:
                problem = _template_problem(exc) if isinstance(exc, jinja2.TemplateError) else str(exc)
                broken = Broken(f"the policy downloads: {problem}", [])
                if not self.serving:
                    raise PluginError(str(broken)) from None
                self._show_broken_downloads(broken, files)
                return env
            for name, file in self.download_files.items():
                file.content_bytes = produced[name]
            self.downloads = None
        return env

    def _show_broken_downloads(self, broken: Broken, files: Files) -> None:
        """Under serve, downloads that failed late: the pages, converted already, get the problems atop.

        The download files stay empty.
        """
        report(broken)
        self.downloads = None
        self.broken = broken
        block = problems_html(broken)
        for src_uri in self.generated:
            page = files.get_file_from_path(src_uri).page
            page.content = block + (page.content or "")

    @staticmethod
    def _add(files: Files, file: File) -> None:
        """Add a generated file; a hand-written one at the same path is an error, never replaced."""
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            raise PluginError(
                f"cookie-catalog: the generated {file.src_uri} would replace the hand-written "
                f"{existing.abs_src_path or existing.src_uri}; rename one of them or set `dir:` in the plugin config"
            )
        files.append(file)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Gather our pages into one section, in catalog order, where the site wants them.

        MkDocs sorts generated files by name; the catalog's order is the plugin
        order. If the user's nav names the overview page, the section goes there;
        otherwise it is appended.
        """
        if not self.generated:
            return nav
        # With the catalog broken, the overview's stand-in alone is listed (the others share its title).
        ours = [files.get_file_from_path(uri).page for uri in self.generated[: 1 if self.broken else None]]
        items, slot = _extract(list(nav.items), {id(p) for p in ours})
        container, index = slot or (items, len(items))
        container.insert(index, Section(_html(self.config.nav_title), self._grouped(ours)))
        # Rebuild what get_navigation derived from the tree.
        pages = [p for p in _walk(items) if isinstance(p, Page)]
        for page0, page1, page2 in zip([None, *pages], pages, [*pages[1:], None]):
            page1.previous_page, page1.next_page = page0, page2
        _set_parents(items, None)
        return Navigation(items, pages)

    def _grouped(self, pages: list[Page]) -> list:
        """Our pages in order, plugin pages in sections by initial when there are many."""
        plugins = self.catalog.plugins if self.catalog else ()
        titles = {f"{self._dir}/{p.slug}.md" if self._dir else f"{p.slug}.md": p.title for p in plugins}
        if len(titles) <= self.config.nav_group_over:
            return pages
        out: list = []
        sections: dict[str, Section] = {}
        for page in pages:
            title = titles.get(page.file.src_uri)
            if title is None:  # the overview, the Changes page
                out.append(page)
                continue
            initial = title[:1].upper() if title[:1].isalpha() else "0–9" if title[:1].isdigit() else "#"
            if initial not in sections:
                sections[initial] = Section(_html(initial), [])
                out.append(sections[initial])
            sections[initial].children.append(page)
        return out

    def on_page_content(self, html_: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Give our pages a title the theme can put anywhere: its text, as HTML, marked as such.

        MkDocs takes a page's title from its h1 as HTML with the catalog's
        character references (``Chat &#60;/title&#62;``). Themes write it
        unescaped (nav, header, breadcrumbs: right, it is HTML) but also
        escape it again (``aria-label="{{ title | e }}"``: the references
        shown as text). As :class:`Markup`, Jinja's escaping leaves it as it
        is; minimally escaped, it reads the same everywhere. This runs before
        any page is put in a template, so every nav and footer gets it.
        Under serve, the pages that need it also get the list of problems.
        """
        if page.file.src_uri in self.generated and page.title is not None:
            page.title = Markup(escape(html.unescape(page.title)))
        return self._with_problems(html_, page)

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Replace ``<!-- cookie-catalog:... -->`` directives in hand-written pages.

        Under serve, a page whose directives cannot be expanded (a bad
        directive, or no catalog to expand them from) shows the problems atop.
        """
        if page.file.src_uri in self.generated:
            return markdown
        if self.renderer is None:
            if self.broken is not None and _has_directives(markdown):
                self.problem_pages[page.file.src_uri] = problems_html(self.broken)
            return markdown
        overview = f"{self._dir}/index.md" if self.config.pages else None
        href = posixpath.relpath(overview, posixpath.dirname(page.file.src_uri) or ".") if overview else None
        shown = display_path(Path(page.file.abs_src_path)) if page.file.abs_src_path else page.file.src_uri
        try:
            return expand(markdown, shown, self.renderer, href)
        except DirectiveError as exc:
            broken = Broken(str(exc), [])
        except jinja2.TemplateError as exc:
            broken = Broken("a template cannot be rendered:", [_template_problem(exc)])
        if not self.serving:
            raise PluginError(str(broken)) from None
        report(broken)
        self.problem_pages[page.file.src_uri] = problems_html(broken)
        return markdown

    def _with_problems(self, html_: str, page: Page) -> str:
        """Under serve, a page that stands for broken cookie pages, or holds directives, gets the list of problems."""
        block = self.problem_pages.get(page.file.src_uri)
        if block is None:
            return html_
        return html_ + block if page.file.src_uri in self.generated else block + html_

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Our pages without the theme's indentation and blank lines.

        Material's templates leave some 20 KB of white space in every page:
        over hundreds of plugin pages, most of the site's size. A line break
        stays where there was white space, so the page reads the same.
        """
        if page.file.src_uri not in self.generated:
            return output
        out, end = [], 0
        for verbatim in _VERBATIM.finditer(output):
            out += [_INDENT.sub("\n", output[end : verbatim.start()]), verbatim.group()]
            end = verbatim.end()
        out.append(_INDENT.sub("\n", output[end:]))
        return "".join(out)

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


def _html(text: str) -> Markup:
    """Plain text as the HTML a nav title is: themes write nav titles unescaped."""
    return escape(text)


def _text_as_html(striptags: Callable[[object], str]) -> Callable[[object], Markup]:
    """Jinja's ``striptags``, escaped again: the text of some HTML, as HTML.

    ``striptags`` removes tags and then decodes character references, so it
    returns plain text; themes write that text into HTML as it is. Material's
    ``<title>{{ page.title | striptags }}</title>`` thus turns a title's
    ``&lt;/title&gt;&lt;img onerror=...&gt;`` into markup that runs. Escaped
    (as :class:`Markup`, so a following ``| e`` leaves it alone), the text
    shows verbatim, in an element or an attribute.
    """

    def safe_striptags(value: object) -> Markup:
        return escape(striptags(value))

    return safe_striptags


def _has_directives(markdown: str) -> bool:
    """Whether a page holds directives, well-formed or not."""
    try:
        return bool(find_directives(markdown, ""))
    except DirectiveError:
        return True


def _template_problem(exc: jinja2.TemplateError) -> str:
    """``file:line: message`` for a template error.

    A syntax error knows its line; an error raised while rendering does not,
    but Jinja rewrites the traceback so that a template's frames carry its
    file and line: the innermost one is where it happened.
    """
    filename, line = getattr(exc, "filename", None) or getattr(exc, "name", None), getattr(exc, "lineno", None)
    if line is None:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".j2"):
                filename, line = frame.f_code.co_filename, lineno
    where = display_path(Path(filename)) if filename else "template"
    return f"{where}:{line}: {getattr(exc, 'message', None) or exc}" if line else f"{where}: {exc}"


def _extract(items: list, ours: set[int]) -> tuple[list, tuple[list, int] | None]:
    """Remove our pages from a nav tree; also return where the first one stood.

    A section left empty is dropped and the slot moves up to where it stood,
    so an auto-generated "Cookies" section is replaced in place.
    """
    kept: list = []
    slot: tuple[list, int] | None = None
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


def _set_parents(items: list, parent: Section | None) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _set_parents(item.children, item)
