"""``scan --url --draft DIR``: the names a scan found undocumented, as a catalog a person reviews.

Each entry is what the browser showed (name, domain, storage, lifetime, party)
and, where the Open Cookie Database knows the name (exactly, or through one of
its wildcard rows: ``_ga_XYZ`` is its ``_ga_`` row), its purpose, category,
controller and privacy portal, with the row's ID as ``id``. A name it does not
know gets the ``to-review`` category, declared in the draft's catalog.yml, and
a purpose that says so. Every plugin carries a warning note and every file a
header comment saying the catalog is a draft, so that it is never published
unread; the draft is a valid catalog (``cookie-catalog validate``).

The database ships inside the package (data/, Apache-2.0, its licence beside
it) so that a scan needs no network; ``--ocd CSV`` reads a newer copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from cookie_catalog.catalog import patterns
from cookie_catalog.catalog.model import HTTP_URL, CategoryDef, CookieEntry, Note, PluginFile, ProductFile
from cookie_catalog.interop.catalog_writer import catalog_files
from cookie_catalog.interop.importers import categories, ocd
from cookie_catalog.interop.livescan import STORAGE_LABELS, Found, site_of

BUNDLED_OCD = Path(__file__).parent / "data" / "open-cookie-database.csv"
TO_REVIEW = "to-review"
TO_REVIEW_CATEGORY = CategoryDef(
    label="To review",
    description="Drafted from a scan: the Open Cookie Database does not know these names. Choose their category.",
)
BROWSER_CAP = "400 days"  # Chromium keeps no cookie longer, whatever the site asked for
HEADER = "Drafted by `cookie-catalog scan --url`: review every entry before it joins a catalog."
_HTTP_URL = re.compile(HTTP_URL)


@dataclass(frozen=True)
class Known:
    """One row of the Open Cookie Database, as far as a draft uses it."""

    id: str
    platform: str
    category: str
    name: str
    description: str
    retention: str
    controller: str
    privacy_url: str
    pattern: bool
    storage: str


@dataclass
class Database:
    """The Open Cookie Database by name: exact rows first, then wildcard rows, the longest prefix first."""

    exact: dict[tuple[str, str], Known] = field(default_factory=dict)
    wildcards: list[Known] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Database:
        """Raises CatalogError (from the importer) naming the file and its bad rows."""
        database = cls()
        for _, row in ocd.read_rows(path):
            known = _known(row)
            if known.pattern:
                database.wildcards.append(known)
            else:
                database.exact.setdefault((known.name, known.storage), known)
        database.wildcards.sort(key=lambda k: -len(k.name))
        return database

    def lookup(self, name: str, storage: str) -> Known | None:
        known = self.exact.get((name, storage))
        if known:
            return known
        return next((k for k in self.wildcards if k.storage == storage and patterns.covers(k.name, name)), None)


def _known(row: dict[str, str]) -> Known:
    name = row["Cookie / Data Key name"]
    local = row["Retention period"].strip().lower() == ocd.LOCAL_STORAGE_RETENTION
    return Known(
        id=row["ID"],
        platform=row["Platform"] or ocd.UNATTRIBUTED,
        category=row["Category"],
        name=name,
        description=row["Description"].strip(),
        retention=row["Retention period"].strip(),
        controller=row["Data Controller"].strip(),
        privacy_url=row["User Privacy & GDPR Rights Portals"].strip(),
        pattern=row["Wildcard match"].strip() == "1" or patterns.written_as_wildcard(name),
        storage="local-storage" if local else "cookie",
    )


@dataclass
class Draft:
    product: ProductFile
    plugins: list[PluginFile]
    warnings: list[str]  # names a catalog cannot hold, left out

    @property
    def cookie_count(self) -> int:
        return sum(len(p.cookies) for p in self.plugins)

    def files(self) -> dict[str, bytes]:
        return catalog_files(self.product, self.plugins, header=HEADER)


def draft(found: Iterable[Found], database: Database | None, urls: list[str]) -> Draft:
    """A catalog of ``found`` (the undocumented names), one plugin per platform or, unknown, per site."""
    custom: dict[str, CategoryDef] = {}
    plugins: dict[str, dict[tuple[str, str | None, str], CookieEntry]] = {}
    warnings: list[str] = []
    used_database = False
    for item in found:
        known = database.lookup(item.name, item.storage) if database else None
        # a host with no site in it (".", a bare suffix) still gets a plugin, named so a reviewer sees why
        title = (known.platform if known else site_of(item.domain)) or item.domain.strip(".") or "Unknown site"
        entry = _entry(item, known, custom)
        if isinstance(entry, str):
            warnings.append(f"{STORAGE_LABELS[item.storage]} name {item.name!r} of {item.domain}: {entry}; not drafted")
            continue
        used_database |= known is not None
        plugins.setdefault(title, {}).setdefault(entry.identity, entry)
    note = Note(
        kind="warning",
        text=f"Drafted by `cookie-catalog scan --url` from what {', '.join(urls)} stored. Review every entry: "
        "purposes, categories and controllers come from the Open Cookie Database where it knows the name "
        "(its ID is the entry's id); the others are in the To review category.",
    )
    product = ProductFile(
        product=f"Draft: {', '.join(sorted({site_of(_host(url)) for url in urls}))}",
        intro="Names a scan found that the catalog does not document, drafted for review.",
        notes=[note, *([Note(kind="note", text=ocd.LICENCE_NOTE)] if used_database else [])],
        categories=custom,
    )
    files = [
        PluginFile(plugin=title, notes=[note], cookies=sorted(entries.values(), key=_order))
        for title, entries in sorted(plugins.items())
    ]
    return Draft(product, files, warnings)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _order(entry: CookieEntry) -> tuple[str, str, str]:
    return entry.storage, entry.name, entry.domain or ""


def _entry(item: Found, known: Known | None, custom: dict[str, CategoryDef]) -> CookieEntry | str:
    """The draft entry, or what keeps the name out of a catalog (a line break, say)."""
    notes = []
    if known and known.retention and known.retention.lower() != ocd.LOCAL_STORAGE_RETENTION:
        notes.append(f"The Open Cookie Database gives {known.retention}.")
    if item.duration == BROWSER_CAP:
        notes.append("Chromium keeps a cookie at most 400 days; the site may ask for longer.")
    if not known:
        custom.setdefault(TO_REVIEW, TO_REVIEW_CATEGORY)
    try:
        return CookieEntry(
            name=known.name if known and known.pattern else item.name,
            purpose=(known.description if known and known.description else _unknown_purpose(item)),
            duration=item.duration,
            provenance=item.party,
            category=_category(known, custom),
            storage=item.storage,
            domain=item.domain or None,
            pattern=bool(known and known.pattern),
            duration_note=" ".join(notes) or None,
            id=(known.id or None) if known else None,
            controller=(known.controller or None) if known else None,
            privacy_url=known.privacy_url if known and _HTTP_URL.fullmatch(known.privacy_url) else None,
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        return str(error["ctx"]["error"]) if error["type"] == "value_error" else str(error["msg"])


def _unknown_purpose(item: Found) -> str:
    return f"To review: not in the Open Cookie Database; seen at {item.url} ({item.state})."


def _category(known: Known | None, custom: dict[str, CategoryDef]) -> str:
    if not known:
        return TO_REVIEW
    return ocd.CATEGORIES.get(known.category) or categories.category_key(known.category, custom)
