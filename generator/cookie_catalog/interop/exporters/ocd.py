"""A catalog -> the Open Cookie Database's CSV, with its own columns.

The inverse of ``cookie_catalog.interop.importers.ocd``: a catalog imported from the
database gives back its rows (ID, platform, category, name, domain,
description, controller, portal and wildcard flag as they were; retention in
the catalog's spelling where it was normalised, verbatim where it was kept).
Cookies of other catalogs get a stable ID derived from plugin, name and domain.
"""

from __future__ import annotations

import csv
import io
import uuid

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.interop.importers.ocd import CATEGORIES, COLUMNS, UNATTRIBUTED
from cookie_catalog.interop.importers.retention import source_text

_NAMES = {key: name for name, key in CATEGORIES.items()}
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/jkwakman/Open-Cookie-Database")


def category_name(catalog: Catalog, key: str) -> str:
    """The database's name for a category key; a category it lacks goes by our label."""
    return _NAMES.get(key) or catalog.category(key).label


def rows(catalog: Catalog) -> list[dict[str, str]]:
    out = []
    for plugin in catalog.plugins:
        platform = "" if plugin.title == UNATTRIBUTED else plugin.title
        for cookie in plugin.cookies:
            identity = "\0".join([plugin.title, *(part or "" for part in cookie.entry.identity)])
            out.append(
                dict(
                    zip(
                        COLUMNS,
                        (
                            cookie.id or str(uuid.uuid5(_ID_NAMESPACE, identity)),
                            platform,
                            category_name(catalog, cookie.category),
                            cookie.name,
                            cookie.domain or "",
                            cookie.purpose,
                            source_text(cookie.duration, cookie.duration_note),
                            cookie.controller or "",
                            cookie.privacy_url or "",
                            "1" if cookie.pattern else "0",
                        ),
                    )
                )
            )
    return out


def export(catalog: Catalog) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(catalog))
    return buffer.getvalue()
