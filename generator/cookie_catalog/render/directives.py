"""``<!-- cookie-catalog:... -->`` directives: catalog tables inside any Markdown page.

A directive is an HTML comment on a line of its own, so a page that uses it
still reads fine wherever the plugin is absent. Lines inside fenced code
blocks are left alone, so documentation can show a directive without running it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cookie_catalog.catalog.model import Catalog, Cookie, Plugin
from cookie_catalog.render.pages import Renderer, RowIds

_DIRECTIVE = re.compile(r"^ {0,3}<!--\s*cookie-catalog:(?P<kind>[a-z-]+)(?P<attrs>(?:\s+[a-z]+=\"[^\"]*\")*)\s*-->\s*$")
_ATTR = re.compile(r'([a-z]+)="([^"]*)"')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
KINDS = {"table": ("plugin", "category"), "notes": ("plugin",)}


class DirectiveError(Exception):
    """A directive names something the catalog does not have; says where and what is valid."""


@dataclass(frozen=True)
class Directive:
    line: int  # 1-based
    kind: str
    attrs: dict[str, str]


def find_directives(markdown: str, page: str) -> list[Directive]:
    """Every directive outside fenced code, checked for shape (not yet for names)."""
    found: list[Directive] = []
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        opened = _FENCE.match(line)
        if fence:
            if (
                opened
                and opened.group(1)[0] == fence[0]
                and len(opened.group(1)) >= len(fence)
                and not line.strip()[len(opened.group(1)) :].strip()
            ):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if "cookie-catalog:" not in line:
            continue
        match = _DIRECTIVE.match(line)
        if not match:
            if line.lstrip().startswith("<!--"):
                raise DirectiveError(
                    f"{page}:{number}: malformed directive; "
                    'expected e.g. <!-- cookie-catalog:table plugin="WebChat" -->'
                )
            continue
        kind, attrs = match.group("kind"), dict(_ATTR.findall(match.group("attrs")))
        if kind not in KINDS:
            raise DirectiveError(
                f"{page}:{number}: unknown directive cookie-catalog:{kind}; expected one of {', '.join(KINDS)}"
            )
        allowed = KINDS[kind]
        if len(attrs) != 1 or not set(attrs) <= set(allowed):
            raise DirectiveError(
                f"{page}:{number}: cookie-catalog:{kind} takes exactly one of "
                f"{', '.join(a + '=' for a in allowed)}; got {', '.join(attrs) or 'none'}"
            )
        found.append(Directive(number, kind, attrs))
    return found


def find_plugin(catalog: Catalog, wanted: str, where: str) -> Plugin:
    """A plugin by its title or its file's name (with or without .yml)."""
    for plugin in catalog.plugins:
        if wanted in (plugin.title, plugin.source, plugin.source.rsplit(".", 1)[0]):
            return plugin
    valid = ", ".join(repr(p.title) for p in catalog.plugins)
    raise DirectiveError(f'{where}: no plugin "{wanted}" in the catalog; valid plugins (title or file name): {valid}')


def check_category(catalog: Catalog, wanted: str, where: str) -> None:
    if wanted not in {c.key for c in catalog.categories}:
        valid = ", ".join(c.key for c in catalog.categories)
        raise DirectiveError(f'{where}: no category "{wanted}"; valid categories: {valid}')


def expand(markdown: str, page: str, renderer: Renderer, overview_href: str | None) -> str:
    """``markdown`` with every directive replaced by what it names.

    ``overview_href`` links category names to their descriptions; None where
    the site has no overview page.
    """
    directives = find_directives(markdown, page)
    if not directives:
        return markdown
    catalog = renderer.catalog
    lines = markdown.splitlines()
    row_ids = RowIds()  # a cookie in two tables of the page: one id each
    for directive in directives:  # in page order, so the first bad one is reported
        where = f"{page}:{directive.line}"
        if directive.kind == "notes":
            text = renderer.notes(find_plugin(catalog, directive.attrs["plugin"], where).notes)
        elif "plugin" in directive.attrs:
            plugin = find_plugin(catalog, directive.attrs["plugin"], where)
            text = renderer.cookie_table(plugin.cookies, overview_href, row_ids)
        else:
            key = directive.attrs["category"]
            check_category(catalog, key, where)
            cookies = tuple(c for p in catalog.plugins for c in p.cookies if c.category == key)
            text = renderer.cookie_table(cookies, overview_href, row_ids)
        # Blank lines around, so a table or admonition is its own block.
        lines[directive.line - 1] = f"\n{text.strip()}\n"
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def embedded_cookies(markdown: str, page: str, catalog: Catalog) -> list[Cookie]:
    """The cookies whose rows the page's table directives put on it, in page order.

    The finder's index links a cookie to a page showing its row; on a site
    without the catalog's own pages, that is a page embedding it.
    """
    cookies: list[Cookie] = []
    for directive in find_directives(markdown, page):
        if directive.kind != "table":
            continue
        where = f"{page}:{directive.line}"
        if "plugin" in directive.attrs:
            cookies += find_plugin(catalog, directive.attrs["plugin"], where).cookies
        else:
            cookies += [c for p in catalog.plugins for c in p.cookies if c.category == directive.attrs["category"]]
    return cookies
