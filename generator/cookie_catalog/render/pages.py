"""Validated catalog -> rendered Markdown pages (path -> text).

Rendering is pure: no file is written here. Sinks (``cookie_catalog.sinks.directory`` for a
directory, ``cookie_catalog.sinks.mkdocs.plugin`` for MkDocs) decide where the text goes.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import replace
from functools import cached_property, partial
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup

from cookie_catalog.catalog.inputfile import InputError, read_text
from cookie_catalog.catalog.model import Catalog, Cookie, Note, Plugin
from cookie_catalog.catalog.parallel import split_map
from cookie_catalog.catalog.problems import display_path
from cookie_catalog.catalog.slugs import ALL_PAGE, OVERVIEW_PAGE
from cookie_catalog.catalog.translations import Untranslated
from cookie_catalog.render.escape import html_attr, html_text, md_code, md_code_html, md_line, md_text, url_part
from cookie_catalog.render.labels import SOURCE, SUPPORTED, install, labels_for
from cookie_catalog.render.rows import ROW_TEMPLATES, TableRows

OVERVIEW = f"{OVERVIEW_PAGE}.md"
ALL_COOKIES = f"{ALL_PAGE}.md"
MAX_TEMPLATE_BYTES = 1024 * 1024
# From this many cookies a forked child renders half the plugin pages.
PARALLEL_COOKIES = 10_000
# Above this many cookies the All cookies page lists the plugins instead of every row: 100,000 rows would be
# a 35 MB page no visitor can use, half the render and most of a site build (README, "All cookies").
ALL_COOKIES_ROWS = 10_000


def bundled_templates() -> Path:
    """The templates inside an installed wheel, or ``templates/`` at the repository root."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent.parent / "templates"


def category_anchor(key: str) -> str:
    """The id of a consent category's row on the overview: written there, and linked to from every cookie table."""
    return f"category-{key}"


class RowIds:
    """The ids of cookie rows on one page: each cookie's anchor the first time, a distinct id after.

    Two tables on a page may list the same cookie (a plugin's table and a
    category's); an id must stay unique in a page. The first row keeps the
    anchor links point to; a later one gets ``<anchor>~2``, ``~3``, ...: no
    anchor holds a "~" (``cookie_catalog.catalog.slugs.anchor``), so it never
    takes another cookie's id, and it follows the page's order, never the clock.
    """

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def __call__(self, cookie: Cookie) -> str:
        self._seen[cookie.anchor] += 1
        count = self._seen[cookie.anchor]
        return cookie.anchor if count == 1 else f"{cookie.anchor}~{count}"


def _anchor(cookie: Cookie) -> str:
    """A row's id on a page that lists each cookie once: its anchor."""
    return cookie.anchor


class _ContainedLoader(jinja2.FileSystemLoader):
    """A file-system loader that reads templates only from inside their directory.

    A templates directory is committed with the catalog and may come from a
    pull request: a link in it to ``/etc/passwd`` would publish that file as a
    page. A template is read like every other input (size limit, UTF-8), and a
    problem is one line naming the file.
    """

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if os.path.isfile(filename):
                break
        else:
            searched = ", ".join(map(repr, self.searchpath))
            raise jinja2.TemplateNotFound(template, f"{template!r} not found in search paths: {searched}")
        shown = display_path(Path(filename))
        real, root = os.path.realpath(filename), os.path.realpath(searchpath)
        if os.path.commonpath([real, root]) != root:
            raise jinja2.TemplateError(
                f"{shown}: is a symbolic link that leads out of {searchpath}; expected a template inside it"
            )
        try:
            contents = read_text(Path(real), MAX_TEMPLATE_BYTES, "a Jinja template")
        except InputError as exc:
            raise jinja2.TemplateError(f"{shown}{f':{exc.line}' if exc.line else ''}: {exc.message}") from None
        mtime = os.path.getmtime(real)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(real) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


def _overrides(templates: Path | None, names: tuple[str, ...]) -> bool:
    """``templates`` holds one of ``names`` (a file, or anything else the loader would try to read)."""
    return templates is not None and any(os.path.lexists(Path(templates) / name) for name in names)


def language_name(language: str, shown_in: str) -> str:
    """The name of ``language`` as readers of ``shown_in`` write it ("Englisch", "anglais"), from CLDR."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(language, sep="-").get_display_name(Locale.parse(shown_in or language, sep="-"))
    except (UnknownLocaleError, ValueError):
        name = None
    return name or language


def marking_untranslated(escape: Callable[..., str], page_language: str) -> Callable[..., str]:
    """``escape``, marking a text shown in the default language for want of a translation.

    The reader sees it is not in the page's language (a small "(Englisch)" after it), and the ``lang``
    attribute lets a screen reader pronounce it and a browser hyphenate it as what it is. The language tag
    was validated against CLDR when the catalog was read, so it is safe in the attribute.
    Escaping is pure, so a plain text met again (every cookie is on its plugin's page and on All cookies)
    is looked up, not escaped again: a third of the render of a large catalog.
    """
    names: dict[str, str] = {}
    memo: dict[tuple[str, tuple[tuple[str, bool], ...]], str] = {}

    def marked(text: str, **options: bool) -> str:
        if type(text) is str:
            key = (text, tuple(options.items()))
            found = memo.get(key)
            if found is None:
                found = memo[key] = escape(text, **options)
            return found
        out = escape(text, **options)
        if not isinstance(text, Untranslated):
            return out
        name = names.get(text.lang) or names.setdefault(text.lang, html_text(language_name(text.lang, page_language)))
        wrapped = f'<span lang="{text.lang}">{out}</span> <small class="cc-untranslated">({name})</small>'
        return Markup(wrapped) if isinstance(out, Markup) else wrapped

    return marked


# How each Markdown flavour writes a note (templates/_note.md.j2).
NOTE_STYLES = {"mkdocs": "admonition", "gfm": "alert"}


class Renderer:
    """Renders one catalog with one set of templates.

    ``overview_href`` is None where the overview page (which holds the category
    descriptions) is not part of the site, e.g. tables embedded in a customer's
    docs; ``downloads_href`` (the policy downloads' folder, relative to the
    pages) is None where there are no downloads to link to. ``flavour`` is
    the Markdown the pages are written for: "mkdocs" (Python-Markdown, notes as
    Material admonitions) or "gfm" (CommonMark/GitHub, which would render an
    admonition as a paragraph and a code block: notes as GitHub alerts). ``lang`` is the language of the
    fixed labels, durations and dates (``cookie_catalog.render.labels.SUPPORTED``); the built-in categories'
    labels and descriptions are shown in it too, unless the catalog gives its own. It defaults to the
    language the catalog's texts are in (``translations.in_language``), English where no labels exist for it.
    ``reload_templates``: a template edited after it was first used is read again (for a renderer kept across
    builds); otherwise each template is read once.
    """

    def __init__(
        self,
        catalog: Catalog,
        templates: Path | None = None,
        *,
        overview_href: str | None = OVERVIEW,
        downloads_href: str | None = None,
        download_formats: tuple[str, ...] = (),
        flavour: str = "mkdocs",
        lang: str | None = None,
        reload_templates: bool = False,
    ):
        if lang is None:
            lang = catalog.language if catalog.language in SUPPORTED else SOURCE
        self.labels = labels_for(lang)
        self.lang = lang
        if lang != SOURCE:
            catalog = replace(catalog, categories=tuple(map(self.labels.category, catalog.categories)))
        self.catalog = catalog
        search = [str(templates)] if templates else []
        self._loader = _ContainedLoader([*search, str(bundled_templates())])
        self.env = jinja2.Environment(
            loader=self._loader,
            # Markdown templates: catalog text goes through the `md` filter;
            # HTML templates (*.html.j2): Jinja's own HTML escaping.
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=False,
            # Checking a template's file for changes costs a stat() each time it is looked up, and a table
            # includes `_controller.md.j2` once a row: 100,000 stat() calls for 100,000 cookies. A renderer
            # lives for one build; only one kept across builds (``sinks.embed``) asks to see edits.
            auto_reload=reload_templates,
        )
        install(self.env, self.labels)
        # The text filters escape for the flavour's parsers: CommonMark for "gfm", Python-Markdown for "mkdocs".
        self._commonmark = commonmark = flavour == "gfm"
        self.env.filters["md"] = marking_untranslated(partial(md_text, commonmark=commonmark), lang)
        self.env.filters["md_code"] = partial(md_code, commonmark=commonmark)
        self.env.filters["md_code_html"] = partial(md_code_html, commonmark=commonmark)
        self.env.filters["md_line"] = partial(md_line, commonmark=commonmark)
        self.env.filters["html_text"] = marking_untranslated(html_text, lang)
        self.env.filters["html_attr"] = html_attr
        self.env.filters["url_part"] = url_part
        self.env.globals.update(
            catalog=catalog,
            product=catalog.product,
            category_link=self._category_link(overview_href),
            category_anchor=category_anchor,
            downloads_href=downloads_href,
            download_formats=download_formats,
            # A sink for engines that index only headings sets this: each cookie's name becomes a heading.
            name_headings=False,
            note_style=NOTE_STYLES[flavour],
            markdown_flavour=flavour,
            row_id=_anchor,
            all_cookies_page=ALL_COOKIES,
            table_rows=None
            if _overrides(templates, ROW_TEMPLATES)
            else TableRows(self.labels, self.env.filters["md"], self.env.filters["md_code"]),
        )
        self._links = (overview_href, downloads_href, download_formats, flavour, lang, catalog.language)

    @cached_property
    def fingerprint(self) -> Hashable:
        """What every page depends on besides its own plugin: templates, product file, categories, links."""
        templates = tuple((name, self._loader.get_source(self.env, name)[0]) for name in self.env.list_templates())
        return templates, self.catalog.product.model_dump_json(), self.catalog.categories, self._links

    def _category_link(self, overview_href: str | None) -> Callable[[str], str]:
        labels = {c.key: md_text(c.label, commonmark=self._commonmark, links=False) for c in self.catalog.categories}
        if overview_href is None:
            return lambda key: labels[key]
        return lambda key: f"[{labels[key]}]({overview_href}#{url_part(category_anchor(key))})"

    def pages(self) -> dict[str, str]:
        """Every page of the catalog: the overview, All cookies, then one page per plugin.

        A large catalog's plugin pages are rendered half here, half in a forked
        child (``cookie_catalog.catalog.parallel``): same pages, same order. The first page is rendered
        before the fork: compiling the templates and loading the language's CLDR data (a third of a second)
        is then done once for both processes.
        """
        plugins = self.catalog.plugins
        texts = [self.plugin_page(p) for p in plugins[:1]]
        texts += split_map(
            lambda part: [self.plugin_page(p) for p in part], plugins[1:], lambda p: len(p.cookies), PARALLEL_COOKIES
        )
        first = {OVERVIEW: self.overview(), ALL_COOKIES: self.all_cookies()}
        return first | {f"{p.slug}.md": text for p, text in zip(plugins, texts)}

    def plan(self) -> Iterator[tuple[str, Hashable, Callable[[], str]]]:
        """Each page's name, everything it is rendered from (a cache key), and how to render it.

        The overview and the All cookies page list every plugin, so they depend
        on all of them; a plugin page depends on its plugin only.
        """
        yield OVERVIEW, (self.fingerprint, self.catalog.plugins), self.overview
        yield ALL_COOKIES, (ALL_COOKIES, self.fingerprint, self.catalog.plugins), self.all_cookies
        for plugin in self.catalog.plugins:
            yield f"{plugin.slug}.md", (self.fingerprint, plugin), partial(self.plugin_page, plugin)

    @property
    def too_many(self) -> bool:
        """More cookies than the All cookies page shows as rows (``ALL_COOKIES_ROWS``)."""
        return self.catalog.cookie_count > ALL_COOKIES_ROWS

    def overview(self) -> str:
        counts = Counter(c.category for p in self.catalog.plugins for c in p.cookies)
        return self.render("overview.md.j2", counts=counts, too_many=self.too_many)

    def all_cookies(self) -> str:
        """Every cookie in one table, in catalog order, with a last column linking each to its plugin's page.

        Above ``ALL_COOKIES_ROWS`` cookies the bundled template lists the plugins instead (``too_many``); the
        rows are passed all the same, so a site's own template written before the limit renders as it did.
        A link's text cannot hold another link: a URL in a title stays text there.
        """
        cookies = tuple(c for p in self.catalog.plugins for c in p.cookies)
        titles = {p.slug: md_text(p.title, commonmark=self._commonmark, links=False) for p in self.catalog.plugins}
        links = {
            c.anchor: link
            for p in self.catalog.plugins
            for link in [f"[{titles[p.slug]}]({url_part(p.slug)}.md)"]
            for c in p.cookies
        }
        return self.render("all_cookies.md.j2", cookies=cookies, plugin_links=links, too_many=self.too_many)

    def fragments(self) -> dict[str, str]:
        """One standalone HTML ``<section>`` per plugin, for pages outside MkDocs."""
        return {f"{p.slug}.html": self.render("fragment.html.j2", plugin=p) for p in self.catalog.plugins}

    def plugin_page(self, plugin: Plugin) -> str:
        return self.render("plugin.md.j2", plugin=plugin)

    def cookie_table(
        self, cookies: tuple[Cookie, ...], overview_href: str | None, row_id: Callable[[Cookie], str] = _anchor
    ) -> str:
        """The table as on the plugin pages, for a page elsewhere in the site; ``row_id``: see :class:`RowIds`."""
        return self.render(
            "_cookie_table.md.j2", cookies=cookies, category_link=self._category_link(overview_href), row_id=row_id
        )

    def notes(self, notes: tuple[Note, ...]) -> str:
        return "\n".join(self.render("_note.md.j2", note=note) for note in notes)

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)


class PageCache:
    """The pages of the previous render, by everything each was rendered from.

    Under ``mkdocs serve`` every edit rebuilds the whole site. Through this
    cache an edit to one cookie re-renders its plugin's page and the overview;
    every other page is handed over as the very text of the previous build.
    Only the last render's pages are kept, so the cache never outgrows a site.
    """

    def __init__(self) -> None:
        self._pages: dict[Hashable, str] = {}
        self.fresh: set[str] = set()  # names of the pages the last call had to render

    @property
    def rendered(self) -> int:
        """How many pages the last call had to render."""
        return len(self.fresh)

    def pages(self, renderer: Renderer) -> dict[str, str]:
        kept: dict[Hashable, str] = {}
        out: dict[str, str] = {}
        self.fresh = set()
        for name, key, render in renderer.plan():
            text = self._pages.get(key)
            if text is None:
                text = render()
                self.fresh.add(name)
            out[name] = kept[key] = text
        self._pages = kept
        return out
