"""Everything the MkDocs plugin adds to a site, as real files in a docs folder, for any engine.

Zensical (and any engine that reads a folder of Markdown) runs no MkDocs
plugin, so ``cookie-catalog build --docs-dir DOCS`` writes what the plugin
would add. Each folder below is owned as a whole (a marker file, written by
:func:`cookie_catalog.sinks.directory.write_tree`), so a hand-written file is
never touched:

- ``DOCS/<dir>/``: the overview, one page per plugin, the Changes page when
  the catalog has a history, and ``.nav.md``, the section's navigation in
  catalog order for the literate-nav plugin (built into Zensical);
- ``DOCS/downloads/``: the policy as HTML, CSV and JSON, at the plugin's paths;
- ``DOCS/.cookie-catalog-theme/downloads/cookie-policy.md``: the Markdown
  policy. Zensical renders every ``.md`` in the docs folder as a page and
  never copies it; from a theme ``custom_dir`` it copies it verbatim, to the
  same ``downloads/cookie-policy.md`` as the plugin (a dot folder is not a page);
  with a ``main.html`` that escapes the page title in ``<title>`` again, as the
  plugin's ``striptags`` does;
- ``DOCS/assets/cookie-catalog/``: the CSS and JS the pages need.

Links to the Markdown download are written ``<a href="…/cookie-policy.%6D&#100;">``: Zensical
rewrites every link whose target ends in ``.md`` to a page URL and warns about
it in strict mode, on the decoded HTML for the first and the %-decoded source
for the second; this spelling ends in ``.md`` for neither, and for the browser
and every static server it is ``cookie-policy.md``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.translations import in_language
from cookie_catalog.changes.history import CHANGES, changes_pages
from cookie_catalog.render.escape import md_line
from cookie_catalog.render.pages import OVERVIEW, Renderer
from cookie_catalog.render.policy import BASENAME, DEFAULT_FORMATS
from cookie_catalog.sinks.directory import SinkError
from cookie_catalog.sinks.downloads import site_downloads

DOWNLOADS = "downloads"
THEME = ".cookie-catalog-theme"
ASSETS = "assets/cookie-catalog"
NAV_FILE = ".nav.md"
# "cookie-policy.md" as neither Zensical's link check nor its link rewriting sees it (module docstring).
MARKDOWN_HREF = f"{BASENAME}.%6D&#100;"
_TITLES = {CHANGES: "Changes"}  # the h1 of changes.md.j2


def bundled_assets() -> Path:
    """The CSS and JS shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "assets"


def docs_folders(
    catalog: Catalog, catalog_dir: Path, *, pages_dir: str = "cookies", templates: Path | None = None
) -> dict[str, dict[str, bytes]]:
    """``{folder under DOCS: {name: bytes}}`` for every folder ``build --docs-dir`` owns.

    Raises SinkError for a ``pages_dir`` that is not a plain relative folder or
    that would hold one of the other folders.
    """
    pages_dir = _folder(pages_dir, catalog.languages[1:])
    downloads = site_downloads(catalog, DEFAULT_FORMATS, templates)
    markdown = {name: downloads.pop(name) for name in list(downloads) if name.rsplit("/", 1)[-1] == f"{BASENAME}.md"}
    assets = {p.name: p.read_bytes() for p in sorted(bundled_assets().iterdir()) if p.is_file()}
    folders = {
        pages_dir: _pages(catalog, catalog_dir, pages_dir, DOWNLOADS, templates),
        DOWNLOADS: downloads,
        THEME: {
            **{f"{DOWNLOADS}/{name}": data for name, data in markdown.items()},
            "main.html": (bundled_assets() / "theme" / "main.html").read_bytes(),
        },
        ASSETS: assets,
    }
    for language in catalog.languages[1:]:  # one tree per language: DOCS/<language>/<dir>/ (README, "Zensical")
        translated = in_language(catalog, language)
        folder = f"{language}/{pages_dir}"
        folders[folder] = _pages(translated, catalog_dir, folder, f"{DOWNLOADS}/{language}", templates)
    return folders


def _pages(
    catalog: Catalog, catalog_dir: Path, folder: str, downloads: str, templates: Path | None
) -> dict[str, bytes]:
    """The pages of one language's tree in ``folder``, linking the downloads in ``downloads`` (both under DOCS)."""
    href = posixpath.relpath(downloads, folder)
    renderer = Renderer(catalog, templates, downloads_href=href, download_formats=DEFAULT_FORMATS)
    renderer.env.globals["name_headings"] = True
    pages = renderer.pages()
    pages.update(changes_pages(catalog_dir, renderer))
    pages = {name: _markdown_links(text, href) for name, text in pages.items()}
    pages[NAV_FILE] = _nav(catalog, pages)
    return {name: text.encode("utf-8") for name, text in pages.items()}


def _folder(value: str, languages: tuple[str, ...] = ()) -> str:
    """``--dir``: a relative folder inside DOCS, apart from the other owned folders and the language trees."""
    path = PurePosixPath(value.strip("/"))
    if not path.parts or path.is_absolute() or any(p in ("", ".", "..") for p in path.parts) or "\\" in value:
        raise SinkError(f"--dir {value!r}: expected a folder inside the docs folder, such as cookies")
    for other in (DOWNLOADS, THEME, ASSETS, *languages):
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
    """The section's nav for literate-nav: the overview, the plugins in catalog order, then the rest.

    Without it engines list the pages by file name; titles are Markdown link
    text, escaped as the pages' own headings are.
    """
    lines = [f"- [{md_line(catalog.title)}]({OVERVIEW})"]
    lines += [f"- [{md_line(p.title)}]({p.slug}.md)" for p in catalog.plugins]
    named = {OVERVIEW, *(f"{p.slug}.md" for p in catalog.plugins)}
    lines += [f"- [{_TITLES.get(name, name)}]({name})" for name in pages if name not in named and name != NAV_FILE]
    return "\n".join(lines) + "\n"
