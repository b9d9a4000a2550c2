"""The CSS, the JavaScript and the finder's index every site with cookie tables gets, in every sink.

The MkDocs plugin adds them to the site's files and pages; ``build --docs-dir``
writes them into ``DOCS/assets/cookie-catalog/``. One folder for all of them:
the script finds the index beside itself, by a URL relative to its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.render.finder_index import INDEX_NAME, finder_index

FOLDER = "assets/cookie-catalog"
STYLESHEETS = ("cookie-catalog.css", "cookie-catalog-tables.css")
SCRIPTS = ("cookie-catalog.js", "cookie-catalog-tables.js")
INDEX = f"{FOLDER}/{INDEX_NAME}"
# From the index's folder back to the site's root: page URLs in the index are relative to the index.
TO_ROOT = "../" * len(FOLDER.split("/"))


def bundled_assets() -> Path:
    """The CSS and JS shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "assets"


def asset_files() -> dict[str, bytes]:
    """``{name: bytes}`` of every stylesheet and script, as the folder holds them."""
    return {name: (bundled_assets() / name).read_bytes() for name in (*STYLESHEETS, *SCRIPTS)}


def site_paths() -> tuple[list[str], list[str]]:
    """The stylesheets' and the scripts' paths in the site, as ``extra_css`` and ``extra_javascript`` list them."""
    return [f"{FOLDER}/{n}" for n in STYLESHEETS], [f"{FOLDER}/{n}" for n in SCRIPTS]


def index_bytes(catalog: Catalog, page_urls: Mapping[str, str]) -> bytes:
    """The finder's index for rows at ``page_urls`` (cookie anchor -> page URL relative to the site's root)."""
    return finder_index(catalog, {anchor: TO_ROOT + url for anchor, url in page_urls.items()})
