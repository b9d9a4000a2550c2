"""Where the catalog's pages go in a site (the ``dir`` option), and the links between them.

One home for ``dir`` -> path: the generated pages, the overview that holds the
category descriptions, the downloads, and links from any page to those. All
paths are relative to the docs folder, with ``/``; a link is computed between
two such paths only, never against the working directory.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from cookie_catalog.render.pages import OVERVIEW

DOWNLOADS = "downloads"


@dataclass(frozen=True)
class Placement:
    """The folder of the generated pages inside the docs: ``""`` for the top, ``"a/b"`` for a subfolder."""

    dir: str

    @classmethod
    def of(cls, option: str) -> Placement:
        """From the ``dir`` option as written: ``""``, ``"/"``, ``"cookies"``, ``"a/b/"``, ``"./a//b"``."""
        parts = [p for p in option.replace("\\", "/").split("/") if p not in ("", ".")]
        if ".." in parts:
            raise ValueError(f"dir: {option!r} leads out of the docs folder; expected a folder inside it")
        return cls("/".join(parts))

    def page(self, name: str) -> str:
        """The path of a generated page, e.g. ``index.md`` -> ``cookies/index.md``."""
        return f"{self.dir}/{name}" if self.dir else name

    @property
    def overview(self) -> str:
        return self.page(OVERVIEW)

    def href(self, target: str, from_page: str) -> str:
        """A relative link from the page at ``from_page`` to the path ``target`` (both docs-relative)."""
        return posixpath.relpath(target, posixpath.dirname(from_page) or ".")

    def downloads_href(self) -> str:
        """The downloads folder as linked from the generated pages."""
        return self.href(DOWNLOADS, self.overview)
