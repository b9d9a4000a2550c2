"""Validated catalog -> rendered Markdown pages (path -> text).

Rendering is pure: no file is written here. Sinks (``generator.sink`` for a
directory, ``generator.plugin`` for MkDocs) decide where the text goes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable, Optional

import jinja2

from generator.escape import html_text, md_code, md_text
from generator.model import Catalog, Cookie, Note, Plugin

OVERVIEW = "index.md"


def bundled_templates() -> Path:
    """``templates/`` at the repository root, or its copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    packaged = here / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


class Renderer:
    """Renders one catalog with one set of templates.

    ``overview_href`` is None where the overview page (which holds the category
    descriptions) is not part of the site, e.g. tables embedded in a customer's
    docs; ``downloads_href`` (the policy downloads' folder, relative to the
    pages) is None where there are no downloads to link to.
    """

    def __init__(
        self,
        catalog: Catalog,
        templates: Optional[Path] = None,
        *,
        overview_href: Optional[str] = OVERVIEW,
        downloads_href: Optional[str] = None,
        download_formats: tuple[str, ...] = (),
    ):
        self.catalog = catalog
        search = [str(templates)] if templates else []
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*search, str(bundled_templates())]),
            # Markdown templates: catalog text goes through the `md` filter;
            # HTML templates (*.html.j2): Jinja's own HTML escaping.
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=False,
        )
        self.env.filters["md"] = md_text
        self.env.filters["md_code"] = md_code
        self.env.filters["html_text"] = html_text
        self.env.globals.update(
            catalog=catalog,
            product=catalog.product,
            category_link=self._category_link(overview_href),
            downloads_href=downloads_href,
            download_formats=download_formats,
        )

    def _category_link(self, overview_href: Optional[str]) -> Callable[[str], str]:
        labels = {c.key: md_text(c.label) for c in self.catalog.categories}
        if overview_href is None:
            return lambda key: labels[key]
        return lambda key: f"[{labels[key]}]({overview_href}#category-{key})"

    def pages(self) -> dict[str, str]:
        """Every page of the catalog: the overview, then one page per plugin."""
        counts = Counter(c.category for p in self.catalog.plugins for c in p.cookies)
        out = {OVERVIEW: self.render("overview.md.j2", counts=counts)}
        for plugin in self.catalog.plugins:
            out[f"{plugin.slug}.md"] = self.plugin_page(plugin)
        return out

    def fragments(self) -> dict[str, str]:
        """One standalone HTML ``<section>`` per plugin, for pages outside MkDocs."""
        return {f"{p.slug}.html": self.render("fragment.html.j2", plugin=p) for p in self.catalog.plugins}

    def plugin_page(self, plugin: Plugin) -> str:
        return self.render("plugin.md.j2", plugin=plugin)

    def cookie_table(self, cookies: tuple[Cookie, ...], overview_href: Optional[str]) -> str:
        """The table as on the plugin pages, for a page elsewhere in the site."""
        return self.render("_cookie_table.md.j2", cookies=cookies, category_link=self._category_link(overview_href))

    def notes(self, notes: tuple[Note, ...]) -> str:
        return "\n".join(self.render("_note.md.j2", note=note) for note in notes)

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)
