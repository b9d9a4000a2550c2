"""``cookie_catalog.markdown``: the catalog's directives as a Python-Markdown extension.

For any engine that runs Python-Markdown (MkDocs, Zensical, plain
``markdown.markdown``), without the MkDocs plugin::

    markdown_extensions:
      - cookie_catalog.markdown:
          catalog: catalog

``catalog`` (the catalog directory) and ``templates`` (a folder of templates
overriding the bundled ones) are relative to ``mkdocs.yml``'s folder under
MkDocs and Zensical, and to the working directory elsewhere. The work is done in
``cookie_catalog.sinks.embed``; this module only plugs it into Python-Markdown.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from cookie_catalog.catalog.problems import quoted
from cookie_catalog.sinks.embed import expand_in_engine

# After normalize_whitespace (30), before meta (27) and fenced code (25): line numbers are the page's own.
PRIORITY = 29


class CookieCatalogExtension(Extension):
    """Replaces ``<!-- cookie-catalog:table plugin="..." -->`` and the other directives with the catalog's tables."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "catalog": ["catalog", "The catalog directory, relative to mkdocs.yml's folder or the working directory"],
            "templates": ["", "A directory of templates overriding the bundled ones (empty: the bundled ones)"],
        }
        super().__init__(**kwargs)

    def setConfig(self, key: str, value: Any) -> None:
        """An unknown option is one line naming the valid ones (Python-Markdown raises a bare KeyError)."""
        if key not in self.config:
            raise ValueError(
                f"cookie_catalog.markdown: unknown option {quoted(key)}; expected one of: {', '.join(self.config)}"
            )
        if not isinstance(value, str):
            raise ValueError(f"cookie_catalog.markdown: {key}: expected a directory path, got {quoted(value)}")
        super().setConfig(key, value)

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Directives(md, self), "cookie_catalog", PRIORITY)


class _Directives(Preprocessor):
    def __init__(self, md: Markdown, extension: CookieCatalogExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        catalog = str(self.extension.getConfig("catalog"))
        templates = str(self.extension.getConfig("templates")) or None
        return expand_in_engine("\n".join(lines), catalog, templates).split("\n")


def makeExtension(**kwargs: Any) -> CookieCatalogExtension:
    """The entry point Python-Markdown calls for ``extensions=["cookie_catalog.markdown"]``."""
    return CookieCatalogExtension(**kwargs)
