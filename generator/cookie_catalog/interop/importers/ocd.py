"""The Open Cookie Database CSV -> a catalog: one plugin per platform.

https://github.com/jkwakman/Open-Cookie-Database (Apache-2.0). Each row is one
cookie or storage key of one platform. What the catalog model has no column
for is kept in optional keys so that ``cookie_catalog.interop.exporters.ocd`` can write the
same rows back: the row's ``ID`` as ``id``, ``Data Controller`` as
``controller``, the privacy portal as ``privacy_url``. Retention periods go
through ``retention.normalise``; categories map one to one (``CATEGORIES``).
Platforms become plugins in the order they first appear (the plugin's ``order``),
so that the exporter writes the rows back in the database's order.

Rows without a platform go into the plugin titled ``UNATTRIBUTED``. The
database has no provenance column. A row naming a ``Domain`` is set by
that platform's own domain, so it is read as ``third-party``; a row without
one is set on the visited site's domain (``_ga``), so ``first-party``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from cookie_catalog.catalog import patterns
from cookie_catalog.catalog.inputfile import read_located
from cookie_catalog.catalog.model import CategoryDef, CookieEntry, Note, PluginFile, ProductFile
from cookie_catalog.catalog.problems import CatalogError, Problem, display_path
from cookie_catalog.interop.importers import categories, retention
from cookie_catalog.interop.importers.imported import Imported

COLUMNS = (
    "ID",
    "Platform",
    "Category",
    "Cookie / Data Key name",
    "Domain",
    "Description",
    "Retention period",
    "Data Controller",
    "User Privacy & GDPR Rights Portals",
    "Wildcard match",
)
# The database's category names and our keys, both ways.
CATEGORIES = {
    "Necessary": "strictly-necessary",
    "Functional": "functional",
    "Analytics": "analytics",
    "Marketing": "marketing",
    "Security": "security",
    "Personalization": "personalization",
}
MAX_CSV_BYTES = 64 * 1024 * 1024  # the whole database is 0.6 MB
PRODUCT = "Open Cookie Database"
SOURCE_URL = "https://github.com/jkwakman/Open-Cookie-Database"
LICENCE_NOTE = (
    f"Imported from the Open Cookie Database ({SOURCE_URL}), © its contributors, licensed under the Apache License 2.0."
)
LOCAL_STORAGE_RETENTION = "local storage"  # the database's way of saying "a localStorage key"
# A few rows name no platform; a plugin needs a title, and the exporter maps it back to "".
UNATTRIBUTED = "(no platform)"


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The CSV's rows with the line each starts on; raises CatalogError naming the file
    and every row that does not have the header's fields."""
    shown = display_path(path)
    text = read_located(path, MAX_CSV_BYTES, "the Open Cookie Database CSV")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        header = next(reader, [])
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            what = "is empty" if not header else f"has no {', '.join(repr(c) for c in missing)} column"
            expected = f"expected the Open Cookie Database's header: {', '.join(COLUMNS)}"
            raise CatalogError([Problem(shown, 1, 0, "", f"{what}; {expected}")])
        rows, problems = [], []
        start = reader.line_num + 1
        for fields in reader:
            if len(fields) == len(header):
                rows.append((start, dict(zip(header, fields))))
            elif any(fields):  # a blank line is no row
                wrong = f"has {len(fields)} fields; expected {len(header)}, one for each column of the header"
                problems.append(Problem(shown, start, 0, "", wrong))
            start = reader.line_num + 1
    except csv.Error as exc:
        hint = " (a quote that is never closed?)" if "end of data" in str(exc) else ""
        raise CatalogError([Problem(shown, start, 0, "", f"is not valid CSV: {exc}{hint}")]) from None
    if not rows and not problems:
        problems.append(Problem(shown, 2, 0, "", "holds no row after its header; expected one row per cookie"))
    if problems:
        raise CatalogError(problems)
    return rows


def import_ocd(path: Path) -> Imported:
    """Build a catalog from the CSV at ``path``; raises CatalogError listing every bad row."""
    return from_rows(read_rows(path), path)


def from_rows(
    rows: list[tuple[int, dict[str, str]]], path: Path, progress: Callable[[int], None] = lambda n: None
) -> Imported:
    """Build a catalog from ``read_rows(path)``; ``progress`` is told of every row done."""
    shown = display_path(path)
    problems: list[Problem] = []
    platforms: dict[str, list[CookieEntry]] = {}
    seen: dict[tuple, int] = {}
    custom: dict[str, CategoryDef] = {}
    result = Imported(ProductFile(product=PRODUCT), [], source=f"the Open Cookie Database ({path.name})")
    for line, row in rows:
        entry = _entry(row, custom, result)
        if isinstance(entry, str):
            problems.append(Problem(shown, line, 0, "", entry))
        else:
            platform = row["Platform"] or UNATTRIBUTED
            identity = (platform, *entry.identity)
            if identity in seen:
                problems.append(
                    Problem(
                        shown,
                        line,
                        0,
                        "",
                        f"{entry.name!r} of {platform!r} on {entry.domain or 'no domain'} repeats line "
                        f"{seen[identity]}; expected each (platform, name, domain) once",
                    )
                )
            seen.setdefault(identity, line)
            platforms.setdefault(platform, []).append(entry)
        progress(1)
    if problems:
        raise CatalogError(problems)
    result.product = ProductFile(
        product=PRODUCT,
        intro=f"The cookies and storage keys of {len(platforms)} platforms, "
        "as the Open Cookie Database describes them.",
        notes=[Note(kind="note", text=LICENCE_NOTE)],
        categories=custom,
    )
    result.plugins = [
        PluginFile(plugin=name, order=position, cookies=cookies)
        for position, (name, cookies) in enumerate(platforms.items(), start=1)
    ]
    return result


def _entry(row: dict[str, str], custom: dict[str, CategoryDef], result: Imported) -> CookieEntry | str:
    """One row as a cookie, or what is wrong with it."""
    wildcard = row["Wildcard match"].strip()
    if wildcard not in ("", "0", "1"):
        return f"'Wildcard match' is {wildcard!r}; expected 0 or 1"
    kept = retention.normalise(row["Retention period"])
    if kept.normalised:
        result.normalised += 1
    else:
        result.noted += 1
    try:
        return CookieEntry(
            name=row["Cookie / Data Key name"],
            purpose=row["Description"],
            duration=kept.duration,
            duration_note=kept.note,
            provenance="third-party" if row["Domain"].strip() else "first-party",
            category=_category(row["Category"], custom),
            storage="local-storage" if row["Retention period"].strip().lower() == LOCAL_STORAGE_RETENTION else "cookie",
            domain=row["Domain"] or None,
            pattern=wildcard == "1" or patterns.written_as_wildcard(row["Cookie / Data Key name"]),
            id=row["ID"] or None,
            controller=row["Data Controller"] or None,
            privacy_url=row["User Privacy & GDPR Rights Portals"] or None,
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        column = {"name": "Cookie / Data Key name", "purpose": "Description"}.get(
            str(error["loc"][0]), str(error["loc"][0])
        )
        message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
        return f"{column!r}: {message}"


def _category(text: str, custom: dict[str, CategoryDef]) -> str:
    """The database's own names first (they map one to one), then what any importer recognises."""
    return CATEGORIES.get(text) or categories.category_key(text, custom)
