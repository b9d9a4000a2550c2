"""The downloadable cookie policy as text: Markdown, standalone HTML, CSV and JSON.

Every format is derived from the same validated catalog. The HTML is rendered
with markdown-it-py from the very Markdown of ``cookie-policy.md``, so the two
cannot say different things; CSV and JSON are built from the model directly.
"""

from __future__ import annotations

import csv
import io
import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from cookie_catalog.catalog.model import Catalog, Cookie, Note
from cookie_catalog.catalog.schema import PolicyCookie, PolicyData, PolicyNote
from cookie_catalog.render import json_rows
from cookie_catalog.render.md_tables import use_plain_tables
from cookie_catalog.render.pages import Renderer

BASENAME = "cookie-policy"
FORMATS = ("md", "html", "csv", "json", "pdf")
DEFAULT_FORMATS = ("md", "html", "csv", "json")
CSV_COLUMNS = (
    "plugin",
    "name",
    "purpose",
    "duration",
    "duration_iso8601",
    "provenance",
    "category",
    "condition",
    "storage",
    "domain",
    # Appended later: readers that take columns by position keep working.
    "pattern",
    "duration_note",
    "controller",
    "privacy_url",
    "third_party_access",
    "legal_basis",
    "data_categories",  # joined with "; "
    "retention",
    "retention_iso8601",
    "lifetime_refreshed",
    "country",
    "transfers",  # "US: standard-contractual-clauses; IN: " (a country and its safeguard, if any)
)
# Excel opens a CSV as the system's legacy code page unless it starts with the
# UTF-8 byte order mark; with it, "Café" stays "Café". Other readers skip it
# (Python: encoding="utf-8-sig"; LibreOffice, Numbers and pandas by default).
CSV_BOM = "\ufeff"
# Spreadsheets evaluate a cell starting with one of these as a formula (CWE-1236).
# A leading apostrophe is the spreadsheet's own "this is text" mark, hidden when
# shown; text that already starts with one gets another so it survives as typed.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# Unless told, Chromium prints on Letter and WeasyPrint on A4: the PDF is A4 on
# every engine. The rule goes first in <head>, so a template's own
# `@page { size: ... }`, coming later, wins.
_PAGE_SIZE = "<style>@page { size: A4; }</style>"
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_DOCTYPE = re.compile(r"\s*<!doctype\b[^>]*>", re.I)
_CODE = re.compile(r"<code>([^<]*)</code>")


class PolicyError(Exception):
    """A format cannot be produced (e.g. no PDF engine); nothing was written."""


def policy_markdown(renderer: Renderer) -> str:
    return renderer.render("policy.md.j2")


def policy_html(renderer: Renderer, markdown: str) -> str:
    # html=True lets through only the template's own tags (<br>, <code>): catalog
    # text reaches the Markdown with "<" already written as a character reference.
    body = use_plain_tables(MarkdownIt("commonmark", {"html": True}).enable("table")).render(markdown)
    body = body.replace("<table>", '<div class="table-wrap"><table>').replace("</table>", "</table></div>")
    body = _CODE.sub(_break_at_dots, body)
    return renderer.render("policy.html.j2", body=body, lang=renderer.lang, css_string=css_string)


def _break_at_dots(code: re.Match[str]) -> str:
    """A name whose lines may break after its dots and nowhere else (not after a "-" or "/").

    Each piece up to and including a dot is kept whole (``.name-part``, white-space:
    nowrap; a name without a dot is one piece) and a ``<wbr>`` lets the line break
    between them; neither adds a character to what a reader copies. The text is
    markdown-it's, already escaped, and a character reference holds no dot.
    """
    parts = [part for part in re.split(r"(?<=\.)", code.group(1)) if part]
    return "<code>" + "<wbr>".join(f'<span class="name-part">{part}</span>' for part in parts) + "</code>"


def css_string(text: object) -> Markup:
    """``text`` as a quoted CSS string, for a ``content:`` inside the template's ``<style>``.

    Every character but ASCII letters and digits is a 6-digit CSS escape: no
    quote ends the string, no ``</style>`` ends the element, no newline breaks it.
    Spaces too: CSS takes a space after an escape as the escape's end.
    """
    escaped = "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{escaped}"')


def pdf_source(html: str) -> str:
    """The standalone HTML as printed to PDF: with the default page size, A4, for the template to override."""
    found = _HEAD.search(html) or _DOCTYPE.match(html)  # after the doctype, at worst: never quirks mode
    at = found.end() if found else 0
    return html[:at] + _PAGE_SIZE + html[at:]


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula-looking cells with a leading apostrophe, as OWASP advises."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def policy_csv(catalog: Catalog) -> str:
    """One row per cookie, ``CSV_COLUMNS``, behind a UTF-8 byte order mark for Excel."""
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            row = (
                plugin.title,
                cookie.name,
                cookie.purpose,
                cookie.duration.text,
                cookie.duration.iso8601,
                cookie.provenance,
                cookie.category,
                cookie.condition or "",
                cookie.storage,
                cookie.domain or "",
                "true" if cookie.pattern else "false",
                cookie.duration_note or "",
                cookie.controller or "",
                cookie.privacy_url or "",
                *_regulatory_cells(cookie),
            )
            writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue()


def _flag(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


def _regulatory_cells(cookie: Cookie) -> tuple[str, ...]:
    """The CSV cells of the fields a regulator expects; empty where the catalog does not say."""
    retention = cookie.retention
    return (
        _flag(cookie.third_party_access),
        cookie.legal_basis or "",
        "; ".join(cookie.data_categories),
        str(retention) if retention else "",
        retention.iso8601 if retention else "",
        _flag(cookie.lifetime_refreshed),
        cookie.country or "",
        "; ".join(f"{t.country}: {t.safeguard or ''}" for t in cookie.transfers),
    )


def _cookie_data(cookie: Cookie) -> PolicyCookie:
    return {
        "name": cookie.name,
        "purpose": cookie.purpose,
        "duration": str(cookie.duration),
        "duration_text": cookie.duration.text,
        "duration_iso8601": cookie.duration.iso8601 or None,
        "duration_note": cookie.duration_note,
        "provenance": cookie.provenance,
        "category": cookie.category,
        "condition": cookie.condition,
        "storage": cookie.storage,
        "domain": cookie.domain,
        "pattern": cookie.pattern,
        "controller": cookie.controller,
        "privacy_url": cookie.privacy_url,
        "third_party_access": cookie.third_party_access,
        "legal_basis": cookie.legal_basis,
        "data_categories": list(cookie.data_categories),
        "retention": str(cookie.retention) if cookie.retention else None,
        "retention_iso8601": (cookie.retention.iso8601 or None) if cookie.retention else None,
        "lifetime_refreshed": cookie.lifetime_refreshed,
        "country": cookie.country,
        "transfers": [{"country": t.country, "safeguard": t.safeguard} for t in cookie.transfers],
        "anchor": cookie.anchor,
    }


def _notes(notes: tuple[Note, ...] | list[Note]) -> list[PolicyNote]:
    return [{"kind": n.kind, "text": n.text} for n in notes]


def policy_data(catalog: Catalog) -> PolicyData:
    """The whole policy as plain data, typed by ``PolicyData``: the source of ``policy.schema.json``."""
    product = catalog.product
    return {
        "product": product.product,
        "title": catalog.title,
        "version": product.version,
        "updated": product.updated.isoformat() if product.updated else None,
        "effective": product.effective.isoformat() if product.effective else None,
        "contact": product.contact,
        "intro": product.intro,
        "notes": _notes(product.notes),
        "categories": [{"key": c.key, "label": c.label, "description": c.description} for c in catalog.categories],
        "plugins": [
            {
                "title": p.title,
                "slug": p.slug,
                "description": p.description,
                "notes": _notes(p.notes),
                "cookies": [_cookie_data(c) for c in p.cookies],
            }
            for p in catalog.plugins
        ],
        "cookie_count": catalog.cookie_count,
    }


def policy_json(catalog: Catalog) -> str:
    """The policy data with a cookie a line (policy, plugins, a plugin, its cookies, a cookie: depth 4)."""
    return json_rows.dumps(policy_data(catalog), rows_at=4)
