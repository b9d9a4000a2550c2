"""The downloadable cookie policy as text: Markdown, standalone HTML, CSV and JSON.

Every format is derived from the same validated catalog. The HTML is rendered
with markdown-it-py from the very Markdown of ``cookie-policy.md``, so the two
cannot say different things; CSV and JSON are built from the model directly.
"""

from __future__ import annotations

import csv
import io
import json
import re

from markdown_it import MarkdownIt

from cookie_catalog.catalog.model import Catalog, Cookie, Note
from cookie_catalog.catalog.schema import PolicyCookie, PolicyData, PolicyNote
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


class PolicyError(Exception):
    """A format cannot be produced (e.g. no PDF engine); nothing was written."""


def policy_markdown(renderer: Renderer) -> str:
    return renderer.render("policy.md.j2")


def policy_html(renderer: Renderer, markdown: str) -> str:
    # html=True lets through only the template's own tags (<br>, <code>): catalog
    # text reaches the Markdown with "<" already written as a character reference.
    body = use_plain_tables(MarkdownIt("commonmark", {"html": True}).enable("table")).render(markdown)
    body = body.replace("<table>", '<div class="table-wrap"><table>').replace("</table>", "</table></div>")
    return renderer.render("policy.html.j2", body=body, lang=renderer.lang)


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
            )
            writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue()


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
    return json.dumps(policy_data(catalog), ensure_ascii=False, indent=2) + "\n"
