"""A vendor's published cookie tables (HTML) -> a catalog.

Cookie policies are usually pages of tables, one per product area or consent
category under its own heading, with columns such as *Cookie Name / Purpose /
Duration / Provenance*. Each table becomes a plugin titled by its
``<caption>`` or the heading before it; when a table has a provider column
(*Provider*, *Service*, *Platform*), its rows are grouped into one plugin per
provider.

Columns are recognised by their header text (``ROLES``), then by their values:
a column whose every value is a category name is the category column (Sana's
"Purpose" column holds "Strictly Necessary"; the real purpose is under
"Description"), one of "First Party" / "Third Party" the provenance
(OneTrust's "Cookies used"), one of "HTTP Cookie" / "HTML Local Storage" the
storage (Cookiebot's "Type"). Columns nobody recognises are reported, never
silently dropped.

What a table does not say comes from around it: the category from the
nearest heading that names one ("Analytics cookies (optional)", Cookiebot's
``<p class="CookieDeclarationTypeHeader">Necessary (4)</p>``) or from
``--category``; the provenance from ``--provenance``, else first-party, said
in a warning. A row without a purpose keeps its cookie with a ``TODO``
purpose and a warning naming its line: a policy is better reviewed with the
cookie in it than silently without. Problems and warnings name the row's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from cookie_catalog.catalog import patterns
from cookie_catalog.catalog.inputfile import read_located
from cookie_catalog.catalog.model import CategoryDef, CookieEntry, Identity, PluginFile, ProductFile
from cookie_catalog.catalog.problems import CatalogError, Problem, display_path
from cookie_catalog.interop.importers import categories, retention
from cookie_catalog.interop.importers.html_tokens import Attrs, tokenize
from cookie_catalog.interop.importers.imported import Imported

ROLES: dict[str, tuple[str, ...]] = {
    "name": (
        "cookie name",
        "cookie names",
        "cookie name s",
        "name of cookie",
        "name of the cookie",
        "cookie",
        "cookies",
        "name",
        "cookie / data key name",
        "key",
        "storage key",
        "cookie key",
        "identifier",
    ),
    "purpose": (
        "purpose",
        "description",
        "what it does",
        "usage",
        "use",
        "used for",
        "what it is used for",
        "function",
        "cookie function",
        "cookie purpose",
        "purpose of the cookie",
        "details",
        "description of use",
        "application description",
        "purpose description",
    ),
    "duration": (
        "duration",
        "expiry",
        "expiration",
        "expires",
        "expires after",
        "cookies expires after",
        "expiry date",
        "expiry period",
        "expiration time",
        "default expiration time",
        "retention",
        "retention time",
        "retention period",
        "storage time",
        "storage duration",
        "maximum storage duration",
        "max storage duration",
        "lifetime",
        "lifespan",
        "life span",
        "max age",
        "storage period",
        "validity",
        "session or persistent",
    ),
    "provenance": (
        "provenance",
        "party",
        "first or third party",
        "1st or 3rd party",
        "first party / third party",
        "source",
        "cookies used",
    ),
    "category": ("category", "consent category", "classification", "cookie category", "type of cookie", "cookie type"),
    "domain": ("domain", "host", "set by domain", "cookie subgroup", "subgroup"),
    "condition": ("condition", "set when", "used when", "feature"),
    "provider": ("provider", "service", "platform", "vendor", "set by", "company"),
    "storage": ("type", "storage", "storage type"),
}
_HEADER_ROLE = {alias: role for role, aliases in ROLES.items() for alias in aliases}
_PROVENANCE = {
    **{k: "first-party" for k in ("first party", "1st party", "first", "own", "own site files", "site own files")},
    **{k: "third-party" for k in ("third party", "3rd party", "third")},
}
_STORAGE = {
    **dict.fromkeys(("http cookie", "cookie", "http", "https cookie"), "cookie"),
    **dict.fromkeys(("html local storage", "local storage", "localstorage", "web storage"), "local-storage"),
    **dict.fromkeys(("html session storage", "session storage", "sessionstorage"), "session-storage"),
    **dict.fromkeys(("indexeddb", "html indexeddb", "indexed db"), "indexeddb"),
    **dict.fromkeys(("pixel tracker", "pixel", "tracking pixel", "web beacon"), "pixel"),
}
# What a row says when it lists no purpose, so the cookie is kept and the gap is plain to see.
NO_PURPOSE = "TODO: the imported page states no purpose for this cookie."
# A plugin's cookies by their identity: a repeat is found in constant time, so a
# table of n rows is read in linear time (a scan of the list made it quadratic).
_Cookies = dict[Identity, CookieEntry]
MAX_HTML_BYTES = 64 * 1024 * 1024  # a table of 100,000 cookies is about 10 MB
_HIDDEN = {"script", "style", "template"}
_BLOCKS = {"p", "div", "li", "tr", "table", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6"}
_HEADING = re.compile(r"h[1-6]")
# Consent tools title a category with a styled paragraph, not a heading element
# (Cookiebot: <p class="CookieDeclarationTypeHeader">): such a <p> counts as a heading below h6.
_HEADING_CLASS = re.compile(r"(?i)head(?:er|ing)")
STYLED_HEADING = 7
_BREAK = "\x1e"  # stands for a <br> while a cell's text is collected; the source's own line breaks are spaces
# Placeholders vendors write for the variable part of a name: Cookiebot's "#"
# ("_ga_#"), OneTrust's runs of x ("NSC_xxxxxxxx", "ASPSESSIONIDXXXXXXXX").
_PLACEHOLDER = re.compile(r"#+|(?<=[^xX])(?:x{3,}|X{3,})$")


@dataclass
class Row:
    line: int
    cells: list[str]


@dataclass
class Table:
    caption: str
    headings: list[tuple[int, str]]  # the headings it is under (level, text), outermost first; 7: a styled <p>
    line: int
    rows: list[Row] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """Its caption, or the nearest heading element (a styled <p> names a category, not a plugin)."""
        return self.caption or next((t for level, t in reversed(self.headings) if level < STYLED_HEADING), "")

    def category(self) -> str | None:
        """The category its headings name: the nearest naming a built-in one, else a consent tool's own title."""
        named = next((c for c in (heading_category(text) for _, text in reversed(self.headings)) if c), None)
        if named is None and self.headings and self.headings[-1][0] == STYLED_HEADING:
            return re.sub(r"\s*\(\d+\)\s*$", "", self.headings[-1][1]) or None  # "Unclassified (2)"
        return named


class _TableReader:
    """Collects headings, the page title and every table's cell text (nested tables are flattened).

    Driven by ``html_tokens.tokenize``, in time linear in the page's size. A
    ``<br>`` in a cell is kept as a line break: it separates names listed in one cell.
    """

    def __init__(self) -> None:
        self.title = ""
        self.headings: list[tuple[int, str]] = []  # (level, text): the headings open at this point
        self.tables: list[Table] = []
        self._text: list[str] | None = None
        self._capture: str | None = None  # "title", "heading", "caption", "cell"
        self._capture_tag = ""
        self._row: Row | None = None
        self._depth = 0
        self._hidden = 0  # inside <script>, <style> or <template>: not text a reader sees

    def handle_starttag(self, tag: str, attrs: Attrs, line: int) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append(Table("", list(self.headings), line))
        elif self._depth == 1 and tag == "tr":
            self._row = Row(line, [])
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            self._start("cell", tag)
        elif self._depth == 1 and tag == "caption":
            self._start("caption", tag)
        elif self._depth == 0 and self._capture is None and (_HEADING.fullmatch(tag) or _heading_class(tag, attrs)):
            self._start("heading", tag)
        elif tag == "title":
            self._start("title", tag)
        elif tag == "br" and self._text is not None:
            self._text.append(_BREAK)
        elif tag in _BLOCKS and self._text is not None:
            self._text.append(" ")

    def _start(self, what: str, tag: str) -> None:
        self._capture, self._capture_tag, self._text = what, tag, []

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._hidden:
            self._text.append(data.replace(_BREAK, " "))

    def _finish(self) -> str:
        """The captured text: white space runs as one space, each <br> (run) as one line break."""
        lines = "".join(self._text or []).split(_BREAK)
        text = "\n".join(joined for joined in (" ".join(part.split()) for part in lines) if joined)
        self._text = self._capture = None
        return text

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "table":
            self._depth = max(0, self._depth - 1)
        elif self._capture == "cell" and tag in ("td", "th") and self._row is not None:
            self._row.cells.append(self._finish())
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            if self._row.cells:
                self.tables[-1].rows.append(self._row)
            self._row = None
        elif self._capture == "caption" and tag == "caption":
            self.tables[-1].caption = " ".join(self._finish().split())
        elif self._capture == "heading" and tag == self._capture_tag:
            level = int(tag[1]) if _HEADING.fullmatch(tag) else STYLED_HEADING
            text = " ".join(self._finish().split())
            self.headings = [h for h in self.headings if h[0] < level] + ([(level, text)] if text else [])
        elif self._capture == "title" and tag == "title":
            self.title = " ".join(self._finish().split())


def _heading_class(tag: str, attrs: Attrs) -> bool:
    return tag == "p" and any(k == "class" and v and _HEADING_CLASS.search(v) for k, v in attrs)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w/ ]+", " ", text.lower()).split())


def _role(header: str) -> str | None:
    return _HEADER_ROLE.get(_plain(header))


def heading_category(text: str) -> str | None:
    """The built-in category a heading names: "Analytics cookies (optional)", "Necessary (4)", "Targeting Cookies"."""
    text = re.sub(r"\([^()]*\)|\[[^][]*\]", " ", text)
    words = re.sub(r"(?i)\b(cookies?|technologies|and similar|we use|list|the|our)\b", " ", text)
    return categories.builtin_key(words.strip(" :-–")) if words.strip() else None


def _all(values: list[str], test: Callable[[str], object]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(test(v) for v in filled)


def _provenance_word(value: str) -> str | None:
    return _PROVENANCE.get(" ".join(re.sub(r"[-_]", " ", value).lower().split()))


def _storage_word(value: str) -> str | None:
    return _STORAGE.get(" ".join(value.lower().split()))


# What a column's values must all be for it to take a role its header did not name.
_BY_VALUES: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("category", categories.builtin_key),
    ("provenance", _provenance_word),
    ("storage", _storage_word),
)


@dataclass
class Columns:
    roles: dict[str, int]
    unknown: list[str]


def _columns(header: list[str], body: list[Row]) -> Columns:
    """Which column holds what: by header text, then (for the rest and for repeats) by the values."""
    candidates: dict[str, list[int]] = {}
    unassigned: list[int] = []
    for i, text in enumerate(header):
        role = _role(text)
        if role is None:
            unassigned.append(i)
        else:
            candidates.setdefault(role, []).append(i)
    values = lambda i: [row.cells[i] if i < len(row.cells) else "" for row in body]
    roles: dict[str, int] = {}
    # A "Purpose" or "Type" column whose values are all category names is the category column.
    for role in ("category", "storage", "purpose", "provenance"):
        for i in candidates.get(role, []):
            for value_role, test in _BY_VALUES:
                if value_role not in roles and role != value_role and _all(values(i), test):
                    roles[value_role] = i
    for role, indices in candidates.items():
        free = [i for i in indices if i not in roles.values()]
        if role == "storage":
            free = [i for i in free if _all(values(i), _storage_word)]
        if free and role not in roles:
            roles[role] = free[0]
    for i in unassigned:
        for value_role, test in _BY_VALUES:
            if value_role not in roles and _all(values(i), test):
                roles[value_role] = i
                break
    used = set(roles.values())
    return Columns(roles, [text for i, text in enumerate(header) if i not in used])


def _names(cell: str) -> list[str]:
    """The names one cell lists: one per line, or comma-separated (OneTrust: "__cf_bm, vuid, player")."""
    names = []
    for line in cell.split("\n"):
        parts = [p.strip() for p in line.split(",")]
        names += parts if all(p and " " not in p for p in parts) else [line.strip()]
    return [n for n in names if n]


def _durations(cell: str, count: int) -> list[str]:
    """One duration per name: OneTrust lists them in parallel ("1 Day, A few seconds"), else one for all."""
    if count > 1:
        parts = [p.strip() for p in re.split(r"[,\n]", cell)]
        if len(parts) == count:
            return parts
    return [" ".join(cell.split())] * count


def _pattern_name(name: str) -> tuple[str, bool]:
    """``_ga_#`` -> ``_ga_*``: a placeholder is the catalog's wildcard; and whether the name is a pattern."""
    written = _PLACEHOLDER.sub("*", name)
    return written, patterns.written_as_wildcard(written)


def _page_words(page_title: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", page_title.lower()) if len(w) > 2}


def _provider_party(provider: str, own: set[str]) -> str | None:
    """A provider written as a domain is the site's own when the page's title names it (vendia.com, "Vendia ...")."""
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", provider.lower()):
        return None
    labels = provider.lower().split(".")
    return "first-party" if len(labels) >= 2 and labels[-2] in own else "third-party"


@dataclass
class _Context:
    shown: str
    own: set[str]  # words of the page's title, to know the site's own domain
    provenance: str | None
    category: str | None
    custom: dict[str, CategoryDef]
    plugins: dict[str, _Cookies]
    result: Imported
    problems: list[Problem]


def option_category(text: str) -> str | None:
    """The built-in key a ``--category`` value names ("analytics", "Statistics", "Necessary"), or None.

    A category given on the command line has no label or description to go
    with it, so only built-in ones and their synonyms are taken: a typo must
    not become a new, undescribed category.
    """
    return categories.builtin_key(text) or heading_category(text)


def import_html(
    path: Path, *, product: str | None = None, provenance: str | None = None, category: str | None = None
) -> Imported:
    """Read every cookie table of the page at ``path``; raises CatalogError when there is none to read.

    ``category``, for tables that say none, must name a built-in category (``option_category``).
    """
    shown = display_path(path)
    if category is not None:
        key = option_category(category)
        if key is None:
            raise ValueError(f"category {category!r} is not a built-in category or a synonym of one")
        category = key
    text = read_located(path, MAX_HTML_BYTES, "an HTML page")
    reader = _TableReader()
    tokenize(text, reader)
    first_heading = next((t.headings[0][1] for t in reader.tables if t.headings), "")
    page_title = product or reader.title or first_heading or path.stem
    result = Imported(ProductFile(product=page_title), [], source=path.name)
    context = _Context(shown, _page_words(reader.title), provenance, category, {}, {}, result, [])
    for number, table in enumerate(reader.tables, 1):
        _read_table(table, number, context)
    if context.problems:
        raise CatalogError(context.problems)
    if not context.plugins:
        raise CatalogError(
            [
                Problem(
                    shown,
                    0,
                    0,
                    "",
                    "holds no table with a cookie-name column; "
                    "expected tables headed e.g. Cookie Name | Purpose | Duration",
                )
            ]
        )
    result.product = ProductFile(product=page_title, categories=context.custom)
    result.plugins = [
        PluginFile(plugin=title, cookies=list(cookies.values())) for title, cookies in context.plugins.items()
    ]
    return result


def _read_table(table: Table, number: int, ctx: _Context) -> None:
    where = f"{ctx.shown}:{table.line}: table {number}" + (f" ({table.heading})" if table.heading else "")
    if not table.rows:
        return
    header, body = table.rows[0].cells, [r for r in table.rows[1:] if any(r.cells)]
    columns = _columns(header, body)
    roles = columns.roles
    if "name" not in roles:
        ctx.result.warnings.append(
            f"{where}: no cookie-name column among {', '.join(repr(h) for h in header)}; table skipped"
        )
        return
    ctx.result.warnings += [
        f"{where}: column {text!r} is not recognised; its values were not imported" for text in columns.unknown
    ]
    category = table.category() or ctx.category
    if "category" not in roles and category is None:
        ctx.problems.append(
            Problem(
                ctx.shown,
                table.line,
                0,
                "",
                f"table {number}: no category column and no heading naming one; pass --category to set one",
            )
        )
        return
    if "provenance" not in roles and ctx.provenance is None:
        ctx.result.warnings.append(
            f"{where}: no provenance column; its cookies are taken as first-party"
            + (", or third-party when their provider is another site's domain" if "provider" in roles else "")
            + " (pass --provenance to say otherwise)"
        )
    if "purpose" not in roles:
        ctx.result.warnings.append(f"{where}: no purpose column; each purpose is written as {NO_PURPOSE!r}")
    title = table.heading or f"Table {number}"
    for row in body:
        _read_row(row, roles, number, title, category, ctx)


def _cell(row: Row, roles: dict[str, int], role: str) -> str:
    i = roles.get(role)
    return row.cells[i] if i is not None and i < len(row.cells) else ""


def _read_row(row: Row, roles: dict[str, int], number: int, title: str, category: str | None, ctx: _Context) -> None:
    at = f"{ctx.shown}:{row.line}: table {number}"
    text = {role: " ".join(_cell(row, roles, role).split()) for role in roles}
    names = _names(_cell(row, roles, "name"))
    if not names:
        ctx.result.warnings.append(f"{at}: a row lists no cookie name; row skipped")
        return
    provider = text.get("provider", "")
    party = _row_party(text.get("provenance", ""), provider, ctx)
    if party is None:
        ctx.problems.append(
            Problem(
                ctx.shown,
                row.line,
                0,
                "",
                f"table {number}: provenance {text['provenance']!r} of {names[0]!r} is not first- or third-party",
            )
        )
        return
    purpose = text.get("purpose", "")
    if not purpose and "purpose" in roles:
        ctx.result.warnings.append(f"{at}: {names[0]!r} has no purpose; written as {NO_PURPOSE!r}")
    controller = (
        text.get("provenance") if party == "third-party" and not _provenance_word(text.get("provenance", "")) else None
    )
    for name, duration in zip(names, _durations(_cell(row, roles, "duration"), len(names)), strict=True):
        written, is_pattern = _pattern_name(name)
        kept = retention.normalise(duration)
        ctx.result.normalised += kept.normalised
        ctx.result.noted += not kept.normalised
        fields = dict(
            name=written,
            purpose=purpose or NO_PURPOSE,
            duration=kept.duration,
            duration_note=kept.note,
            provenance=party,
            category=_category(text.get("category"), category, ctx.custom, ctx.result, at),
            condition=text.get("condition") or None,
            storage=_storage_word(text.get("storage", "")) or "cookie",
            domain=text.get("domain") or None,
            pattern=is_pattern,
            controller=controller,
        )
        _add(fields, provider or title, number, row, ctx)


def _row_party(value: str, provider: str, ctx: _Context) -> str | None:
    """First- or third-party: the column's word, a company named there (third), a provider's domain, the option."""
    if value:
        if retention.normalise(value).duration != "unknown":
            return None  # a duration where the party should be: the row's cells are shifted
        return _provenance_word(value) or "third-party"  # "Source: Google" names the third party
    return _provider_party(provider, ctx.own) or ctx.provenance or "first-party"


def _add(fields: Mapping[str, object], plugin: str, number: int, row: Row, ctx: _Context) -> None:
    try:
        entry = CookieEntry.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
        ctx.problems.append(
            Problem(
                ctx.shown, row.line, 0, "", f"table {number}, cookie {fields['name']!r}: {error['loc'][0]}: {message}"
            )
        )
        return
    cookies = ctx.plugins.setdefault(plugin, {})
    if entry.identity in cookies:
        twice = f"table {number}: {entry.name!r} is listed twice for {plugin!r}"
        ctx.problems.append(Problem(ctx.shown, row.line, 0, "", twice))
        return
    cookies[entry.identity] = entry


def _category(text: str | None, fallback: str | None, custom: dict[str, CategoryDef], result: Imported, at: str) -> str:
    """A built-in key, or a custom one declared in ``custom`` (labelled with the page's text, and said so once)."""
    text = text or fallback or "Uncategorised"
    known = categories.builtin_key(text) or heading_category(text)
    if known:
        return known
    declared = len(custom)
    key = categories.category_key(text, custom)
    if len(custom) > declared:
        result.warnings.append(
            f"{at}: category {text!r} is none of the built-in ones; declared as {key!r} in catalog.yml, "
            "to be described there or mapped onto a built-in one"
        )
    return key
