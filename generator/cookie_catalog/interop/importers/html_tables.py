"""A vendor's published cookie tables (HTML) -> a catalog.

Cookie policies are usually pages of tables, one per product area under its
own heading, with columns such as *Cookie Name / Purpose / Duration /
Provenance*. Each table becomes a plugin titled by the heading before it (or
its ``<caption>``); when a table has a provider column instead (*Provider*,
*Service*, *Platform*), its rows are grouped into one plugin per provider.

Columns are recognised by their header text (``ROLES``). A header naming a
role already taken is read as the category column when all its values are
category names: the seed page's second "Purpose" column holds "Strictly
necessary". Columns nobody recognises are reported, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cookie_catalog.catalog.inputfile import read_located
from cookie_catalog.catalog.model import CategoryDef, CookieEntry, Identity, PluginFile, ProductFile
from cookie_catalog.catalog.problems import CatalogError, Problem, display_path
from cookie_catalog.interop.importers import categories, retention
from cookie_catalog.interop.importers.html_tokens import Attrs, tokenize
from cookie_catalog.interop.importers.imported import Imported

ROLES: dict[str, tuple[str, ...]] = {
    "name": (
        "cookie name",
        "cookie",
        "name",
        "cookie / data key name",
        "key",
        "storage key",
        "cookie key",
        "identifier",
    ),
    "purpose": ("purpose", "description", "what it does", "usage", "function", "details"),
    "duration": (
        "duration",
        "expiry",
        "expiration",
        "expires",
        "expiry date",
        "retention",
        "retention period",
        "lifetime",
        "lifespan",
        "max age",
        "storage period",
    ),
    "provenance": ("provenance", "party", "first or third party", "1st or 3rd party", "first party / third party"),
    "category": ("category", "consent category", "classification", "cookie category", "type of cookie"),
    "domain": ("domain", "host", "set by domain"),
    "condition": ("condition", "set when", "used when", "feature"),
    "provider": ("provider", "service", "platform", "vendor", "set by"),
}
_HEADER_ROLE = {alias: role for role, aliases in ROLES.items() for alias in aliases}
_PROVENANCE = {
    **{k: "first-party" for k in ("first party", "1st party", "first", "own")},
    **{k: "third-party" for k in ("third party", "3rd party", "third")},
}
# A plugin's cookies by their identity: a repeat is found in constant time, so a
# table of n rows is read in linear time (a scan of the list made it quadratic).
_Cookies = dict[Identity, CookieEntry]
MAX_HTML_BYTES = 64 * 1024 * 1024  # a table of 100,000 cookies is about 10 MB
_HIDDEN = {"script", "style", "template"}
_BLOCKS = {"p", "div", "li", "br", "tr", "table", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Table:
    heading: str  # the heading before it, or its caption
    line: int
    rows: list[list[str]] = field(default_factory=list)
    header_cells: list[bool] = field(default_factory=list)  # whether each row was all <th>


class _TableReader:
    """Collects headings, the page title and every table's cell text (nested tables are flattened).

    Driven by ``html_tokens.tokenize``, in time linear in the page's size.
    """

    def __init__(self) -> None:
        self.title = ""
        self.headings: list[str] = []
        self.tables: list[Table] = []
        self._text: list[str] | None = None
        self._capture: str | None = None  # "title", "heading", "caption", "cell"
        self._row: list[str] | None = None
        self._row_th = True
        self._depth = 0
        self._hidden = 0  # inside <script>, <style> or <template>: not text a reader sees

    def handle_starttag(self, tag: str, attrs: Attrs, line: int) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append(Table(self.headings[-1] if self.headings else "", line))
        elif self._depth == 1 and tag == "tr":
            self._row, self._row_th = [], True
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            self._row_th &= tag == "th"
            self._start("cell")
        elif self._depth == 1 and tag == "caption":
            self._start("caption")
        elif self._depth == 0 and re.fullmatch(r"h[1-6]", tag):
            self._start("heading")
        elif tag == "title":
            self._start("title")
        elif tag in _BLOCKS and self._text is not None:
            self._text.append(" ")

    def _start(self, what: str) -> None:
        self._capture, self._text = what, []

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._hidden:
            self._text.append(data)

    def _finish(self) -> str:
        text = " ".join("".join(self._text or []).split())
        self._text = self._capture = None
        return text

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "table":
            self._depth = max(0, self._depth - 1)
        elif self._capture == "cell" and tag in ("td", "th") and self._row is not None:
            self._row.append(self._finish())
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            if self._row:
                self.tables[-1].rows.append(self._row)
                self.tables[-1].header_cells.append(self._row_th)
            self._row = None
        elif self._capture == "caption" and tag == "caption":
            self.tables[-1].heading = self._finish() or self.tables[-1].heading
        elif self._capture == "heading" and re.fullmatch(r"h[1-6]", tag):
            self.headings.append(self._finish())
        elif self._capture == "title" and tag == "title":
            self.title = self._finish()


def _role(header: str) -> str | None:
    plain = " ".join(re.sub(r"[^\w/ ]+", " ", header.lower()).split())
    return _HEADER_ROLE.get(plain)


def _is_category(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(categories.builtin_key(v) for v in filled)


def import_html(
    path: Path, *, product: str | None = None, provenance: str | None = None, category: str | None = None
) -> Imported:
    """Read every cookie table of the page at ``path``; raises CatalogError when there is none to read."""
    shown = display_path(path)
    text = read_located(path, MAX_HTML_BYTES, "an HTML page")
    reader = _TableReader()
    tokenize(text, reader)
    page_title = product or reader.title or (reader.headings[0] if reader.headings else "") or path.stem
    result = Imported(ProductFile(product=page_title), [], source=path.name)
    custom: dict[str, CategoryDef] = {}
    plugins: dict[str, _Cookies] = {}
    problems: list[Problem] = []
    for number, table in enumerate(reader.tables, 1):
        _read_table(table, number, shown, plugins, custom, result, problems, provenance, category)
    if problems:
        raise CatalogError(problems)
    if not plugins:
        raise CatalogError(
            [
                Problem(
                    shown,
                    0,
                    0,
                    "",
                    "holds no table with a cookie-name column; expected tables headed e.g. Cookie Name | Purpose | Duration",
                )
            ]
        )
    result.product = ProductFile(product=page_title, categories=custom)
    result.plugins = [PluginFile(plugin=title, cookies=list(cookies.values())) for title, cookies in plugins.items()]
    return result


def _read_table(
    table: Table,
    number: int,
    shown: str,
    plugins: dict[str, _Cookies],
    custom: dict[str, CategoryDef],
    result: Imported,
    problems: list[Problem],
    provenance: str | None,
    category: str | None,
) -> None:
    where = f"{shown}:{table.line}: table {number}" + (f" ({table.heading})" if table.heading else "")
    if not table.rows:
        return
    header, body = table.rows[0], [r for r in table.rows[1:] if any(r)]
    roles: dict[str, int] = {}
    unknown: list[str] = []
    for i, text in enumerate(header):
        role = _role(text)
        column = [row[i] if i < len(row) else "" for row in body]
        if role in roles and "category" not in roles and _is_category(column):
            role = "category"
        if role is None or role in roles:
            unknown.append(text)
        else:
            roles[role] = i
    if "name" not in roles:
        result.warnings.append(
            f"{where}: no cookie-name column among {', '.join(repr(h) for h in header)}; table skipped"
        )
        return
    result.warnings += [f"{where}: column {text!r} is not recognised; its values were not imported" for text in unknown]
    for role, fallback, option in (("provenance", provenance, "--provenance"), ("category", category, "--category")):
        if role not in roles and fallback is None:
            problems.append(
                Problem(
                    shown,
                    table.line,
                    0,
                    "",
                    f"table {number} has no {role} column; pass {option} to set one for its cookies",
                )
            )
    if problems:
        return
    title = table.heading or f"Table {number}"
    for row in body:
        cell = {role: (row[i] if i < len(row) else "") for role, i in roles.items()}
        kept = retention.normalise(cell.get("duration", ""))
        result.normalised += kept.normalised
        result.noted += not kept.normalised
        party = _PROVENANCE.get(" ".join(re.sub(r"[-_]", " ", cell.get("provenance", "")).lower().split()), provenance)
        if party is None:
            problems.append(
                Problem(
                    shown,
                    table.line,
                    0,
                    "",
                    f"table {number}: provenance {cell['provenance']!r} of {cell['name']!r} is not first- or third-party",
                )
            )
            continue
        try:
            entry = CookieEntry(
                name=cell["name"],
                purpose=cell.get("purpose", ""),
                duration=kept.duration,
                duration_note=kept.note,
                provenance=party,
                category=categories.category_key(cell.get("category") or category or "Uncategorised", custom),
                condition=cell.get("condition") or None,
                domain=cell.get("domain") or None,
                pattern="*" in cell["name"],
            )
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
            problems.append(
                Problem(
                    shown, table.line, 0, "", f"table {number}, cookie {cell['name']!r}: {error['loc'][0]}: {message}"
                )
            )
            continue
        plugin = cell.get("provider") or title
        cookies = plugins.setdefault(plugin, {})
        if entry.identity in cookies:
            twice = f"table {number}: {entry.name!r} is listed twice for {plugin!r}"
            problems.append(Problem(shown, table.line, 0, "", twice))
            continue
        cookies[entry.identity] = entry
