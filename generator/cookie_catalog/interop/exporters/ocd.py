"""A catalog -> the Open Cookie Database's CSV, with its own columns, and its JSON edition.

The inverse of ``cookie_catalog.interop.importers.ocd``: a catalog imported from the
database gives back its rows in the database's order (the importer keeps each
platform's first position as the plugin's ``order``) with their ID, platform,
category, name, domain, description, controller, portal and wildcard flag as they
were; retention in the catalog's spelling where it was normalised, verbatim where
it was kept, and empty where it was empty. Cookies of other catalogs get a stable
ID derived from plugin, name and domain.

Upstream's rules (https://github.com/jkwakman/Open-Cookie-Database):

- ``.github/workflows/validate.py`` accepts only its own categories, and its
  README files strictly necessary cookies under Functional ("also known as
  technical, essential or strictly necessary"), so ``strictly-necessary`` is
  written as ``Functional`` (the importer still reads the older ``Necessary``).
- Its converters read the CSV with pandas' ``skipinitialspace=True``, which drops
  a space after the comma unless the field is quoted, so every field that starts
  with white space is quoted. The file is edited by hand and quoted
  irregularly; descriptions are quoted in nine rows of ten, so this writer
  quotes every description and any other field only where CSV needs it.
- ``convert_csv_to_json.py`` publishes ``open-cookie-database.json``: the rows
  grouped by platform, each as ``{id, category, cookie, domain, description,
  retentionPeriod, dataController, privacyLink, wildcardMatch}``, all strings,
  indented by four spaces, with no line break at the end. ``export_json`` writes
  that shape from the same rows.
"""

from __future__ import annotations

import json
import uuid

from cookie_catalog.catalog.model import Catalog, Cookie
from cookie_catalog.interop.importers.ocd import CATEGORIES, COLUMNS, UNATTRIBUTED
from cookie_catalog.interop.importers.retention import source_text

NECESSARY = "strictly-necessary"
_NAMES = {**{key: name for name, key in CATEGORIES.items()}, NECESSARY: "Functional"}
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/jkwakman/Open-Cookie-Database")
_ALWAYS_QUOTED = frozenset({"Description"})
_JSON_KEYS = dict(
    zip(
        COLUMNS,
        (
            "id",
            "platform",
            "category",
            "cookie",
            "domain",
            "description",
            "retentionPeriod",
            "dataController",
            "privacyLink",
            "wildcardMatch",
        ),
    )
)


def category_name(catalog: Catalog, key: str) -> str:
    """The database's name for a category key; a category it lacks goes by our label."""
    return _NAMES.get(key) or catalog.category(key).label


def platform_name(title: str) -> str:
    """The database's platform for a plugin: the plugin the importer made of rows without one is ""."""
    return "" if title == UNATTRIBUTED else title


def _retention(cookie: Cookie) -> str:
    """``unknown`` with nothing more said is what an empty cell says: the database leaves it empty."""
    if cookie.duration.kind == "unknown" and cookie.duration_note is None:
        return ""
    return source_text(cookie.duration, cookie.duration_note)


def rows(catalog: Catalog) -> list[dict[str, str]]:
    out = []
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            identity = "\0".join([plugin.title, *(part or "" for part in cookie.entry.identity)])
            values = (
                cookie.id or str(uuid.uuid5(_ID_NAMESPACE, identity)),
                platform_name(plugin.title),
                category_name(catalog, cookie.category),
                cookie.name,
                cookie.domain or "",
                cookie.purpose,
                _retention(cookie),
                cookie.controller or "",
                cookie.privacy_url or "",
                "1" if cookie.pattern else "0",
            )
            out.append(dict(zip(COLUMNS, values)))
    return out


def _field(column: str, value: str) -> str:
    """One CSV field: quoted where CSV needs it, where a reader would skip its leading white space, or by custom."""
    if column in _ALWAYS_QUOTED or value != value.lstrip() or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(table: list[dict[str, str]]) -> str:
    """The header and ``table``'s rows, each field quoted as ``_field`` decides, lines ended by "\\n"."""
    lines = [",".join(COLUMNS)]
    lines += [",".join(_field(column, row[column]) for column in COLUMNS) for row in table]
    return "\n".join(lines) + "\n"


def export(catalog: Catalog) -> str:
    return write_csv(rows(catalog))


def export_json(catalog: Catalog) -> str:
    """The database's JSON edition: the rows grouped by platform, in the order platforms first appear."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows(catalog):
        item = {_JSON_KEYS[c]: row[c] for c in COLUMNS if c != "Platform"}
        grouped.setdefault(row["Platform"], []).append(item)
    return json.dumps(grouped, ensure_ascii=False, indent=4)
