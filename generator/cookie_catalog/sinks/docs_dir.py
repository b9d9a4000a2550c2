"""Everything the MkDocs plugin adds to a site, as real files in a docs folder, for any engine.

Zensical (and any engine that reads a folder of Markdown) runs no MkDocs
plugin, so ``cookie-catalog build --docs-dir DOCS`` writes what the plugin
would add. Each folder below is owned as a whole (a marker file, written by
:func:`cookie_catalog.sinks.directory.write_tree`), so a hand-written file is
never touched:

- ``DOCS/<dir>/``: the overview, one page per plugin, the Changes page when
  the catalog has a history, and ``.nav.md``, the section's navigation for
  the literate-nav plugin (built into Zensical), by initial for a large catalog;
- ``DOCS/downloads/``: the policy as HTML, CSV and JSON, at the plugin's paths;
- ``DOCS/.cookie-catalog-theme/downloads/cookie-policy.md``: the Markdown
  policy. Zensical renders every ``.md`` in the docs folder as a page and
  never copies it; from a theme ``custom_dir`` it copies it verbatim, to the
  same ``downloads/cookie-policy.md`` as the plugin (a dot folder is not a page);
  with a ``main.html`` that escapes the page title in ``<title>`` again, as the
  plugin's ``striptags`` does;
- ``DOCS/assets/cookie-catalog/``: the CSS and JS the pages need, and the cookie finder's
  index (``cookie_catalog.sinks.site_assets``), for pages at directory URLs (``cookies/webchat/``).

Links to the Markdown download are written ``<a href="…/cookie-policy.%6D&#100;">``: Zensical
rewrites every link whose target ends in ``.md`` to a page URL and warns about
it in strict mode, on the decoded HTML for the first and the %-decoded source
for the second; this spelling ends in ``.md`` for neither, and for the browser
and every static server it is ``cookie-policy.md``.
"""

from __future__ import annotations

import posixpath
import re
from functools import partial
from pathlib import Path, PurePosixPath

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.parallel import Forked
from cookie_catalog.changes.history import CHANGES, changes_pages
from cookie_catalog.render.escape import md_line
from cookie_catalog.render.finder_index import INDEX_NAME
from cookie_catalog.render.pages import ALL_COOKIES, OVERVIEW, Renderer
from cookie_catalog.render.policy import BASENAME, DEFAULT_FORMATS
from cookie_catalog.sinks import site_assets
from cookie_catalog.sinks.directory import SinkError
from cookie_catalog.sinks.downloads import site_downloads
from cookie_catalog.sinks.letters import GROUP_OVER, initial, initial_rank, title_key

DOWNLOADS = "downloads"
THEME = ".cookie-catalog-theme"
ASSETS = site_assets.FOLDER
NAV_FILE = ".nav.md"
# "cookie-policy.md" as neither Zensical's link check nor its link rewriting sees it (module docstring).
MARKDOWN_HREF = f"{BASENAME}.%6D&#100;"
_TITLES = {CHANGES: "Changes", ALL_COOKIES: "All cookies"}  # the h1 of changes.md.j2 and all_cookies.md.j2
# From this many cookies the downloads are made in a forked child while the pages render (the OCD: 2,264).
PARALLEL_COOKIES = 1_000


def docs_folders(
    catalog: Catalog, catalog_dir: Path, *, pages_dir: str = "cookies", templates: Path | None = None
) -> dict[str, dict[str, bytes]]:
    """``{folder under DOCS: {name: bytes}}`` for every folder ``build --docs-dir`` owns.

    Raises SinkError for a ``pages_dir`` that is not a plain relative folder or
    that would hold one of the other folders.
    """
    pages_dir = _folder(pages_dir)
    href = posixpath.relpath(DOWNLOADS, pages_dir)
    renderer = Renderer(catalog, templates, downloads_href=href, download_formats=DEFAULT_FORMATS)
    renderer.env.globals["name_headings"] = True
    making = _downloads(catalog, templates)
    try:
        pages = renderer.pages()
        pages.update(changes_pages(catalog_dir, renderer))
    except BaseException:
        making.cancel()
        raise
    pages = {name: _markdown_links(text, href) for name, text in pages.items()}
    pages[NAV_FILE] = _nav(catalog, pages)
    downloads = making.result()
    markdown = downloads.pop(f"{BASENAME}.md")
    assets = site_assets.asset_files()
    assets[INDEX_NAME] = site_assets.index_bytes(catalog, _page_urls(catalog, pages_dir))
    return {
        pages_dir: {name: text.encode("utf-8") for name, text in pages.items()},
        DOWNLOADS: downloads,
        THEME: {
            f"{DOWNLOADS}/{BASENAME}.md": markdown,
            "main.html": (site_assets.bundled_assets() / "theme" / "main.html").read_bytes(),
        },
        ASSETS: assets,
    }


def _page_urls(catalog: Catalog, pages_dir: str) -> dict[str, str]:
    """Each cookie's anchor -> its plugin page's URL, as engines publish ``<dir>/<slug>.md`` (directory URLs)."""
    return {c.anchor: f"{pages_dir}/{p.slug}/" for p in catalog.plugins for c in p.cookies}


def _downloads(catalog: Catalog, templates: Path | None) -> Forked[dict[str, bytes]]:
    """The downloads, made in a forked child while the pages render when the catalog is large enough to pay."""
    make = partial(site_downloads, catalog, DEFAULT_FORMATS, templates)
    if sum(len(p.cookies) for p in catalog.plugins) < PARALLEL_COOKIES:
        return Forked(make, fork=False)
    return Forked(make)


def _folder(value: str) -> str:
    """``--dir``: a relative folder inside DOCS, apart from the other owned folders."""
    path = PurePosixPath(value.strip("/"))
    if not path.parts or path.is_absolute() or any(p in ("", ".", "..") for p in path.parts) or "\\" in value:
        raise SinkError(f"--dir {value!r}: expected a folder inside the docs folder, such as cookies")
    for other in (DOWNLOADS, THEME, ASSETS):
        if _nested(str(path), other):
            raise SinkError(f"--dir {value!r}: overlaps {other}/, which build writes too; choose another folder")
    return str(path)


def _nested(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _markdown_links(page: str, href: str) -> str:
    """The page's links to the Markdown download, spelled so that Zensical leaves them alone.

    An ``<a>`` element rather than a Markdown link: MkDocs checks the target of a
    Markdown link and would read ``#100;`` as a fragment.
    """
    return re.sub(
        rf"\[([^\]\n]*)\]\({re.escape(href)}/{re.escape(BASENAME)}\.md\)",
        lambda m: f'<a href="{href}/{MARKDOWN_HREF}">{m.group(1)}</a>',
        page,
    )


def _nav(catalog: Catalog, pages: dict[str, str]) -> str:
    """The section's nav for literate-nav: the overview, All cookies, the plugins, then the rest.

    Without it engines list the pages by file name; titles are Markdown link
    text, escaped as the pages' own headings are. The plugins come in catalog
    order, or, over ``GROUP_OVER`` of them, in sections by initial as the
    MkDocs plugin's nav has them (``sinks.letters``): with the theme's
    ``navigation.prune`` each page then carries one letter, not every plugin.
    """
    lines = [f"- [{md_line(catalog.title)}]({OVERVIEW})", f"- [{_TITLES[ALL_COOKIES]}]({ALL_COOKIES})"]
    plugins = catalog.plugins
    if len(plugins) <= GROUP_OVER:
        lines += [f"- [{md_line(p.title)}]({p.slug}.md)" for p in plugins]
    else:
        letters: dict[str, list[str]] = {}
        for p in sorted(plugins, key=lambda p: title_key(p.title)):
            letters.setdefault(initial(p.title), []).append(f"    - [{md_line(p.title)}]({p.slug}.md)")
        for letter in sorted(letters, key=initial_rank):
            lines += [f"- {md_line(letter)}", *letters[letter]]
    named = {OVERVIEW, ALL_COOKIES, *(f"{p.slug}.md" for p in plugins)}
    lines += [f"- [{_TITLES.get(name, name)}]({name})" for name in pages if name not in named and name != NAV_FILE]
    return "\n".join(lines) + "\n"
