"""The cookie finder's index: every cookie of the catalog, compact, for the pages' JavaScript.

The finder box ("Find a cookie") and the table controls (filters, sorting) run
in the visitor's browser, offline: they read this one JSON file, written beside
the JavaScript (``assets/cookie-catalog/``) and fetched by a URL relative to the
script, so it works under any site path and in any engine. The file is
downloaded by visitors, so it is shaped for size and for the finder's speed:

- the categories, provenances, storage types, plugins and pages are listed once,
  and each cookie refers to them by position;
- the durations are listed once in their real time order (session first, then
  by seconds, persistent, unknown) with their seconds: a cookie's duration
  position is its sort rank, and nobody parses display text;
- the cookies are sorted by name, case folded first (as JavaScript compares
  strings: by UTF-16 code units), so a prefix is a binary search away;
- a pattern cookie carries its regular expression's source, the one spelling
  ``cookie_catalog.catalog.patterns`` gives the scanner and consent tools.

Each cookie is ``[name, plugin, category, provenance, storage, duration, page, anchor]``;
``page`` (an index into ``pages``, -1 for none) is left out when it is the
plugin's, and ``anchor`` when it is ``<plugin slug>--<name>``. Text is data:
the JavaScript puts every string into the page as text, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from cookie_catalog.catalog.duration import UNITS, Duration
from cookie_catalog.catalog.model import Catalog, Cookie, Plugin
from cookie_catalog.catalog.patterns import name_regex

# Where the index lives in a site, beside the JavaScript that reads it.
INDEX_NAME = "cookie-catalog-index.json"
FORMAT_VERSION = 1
PROVENANCES = (("first-party", "First-party"), ("third-party", "Third-party"))
STORAGES = (
    ("cookie", "Cookie"),
    ("local-storage", "Local storage"),
    ("session-storage", "Session storage"),
    ("indexeddb", "IndexedDB"),
    ("pixel", "Pixel"),
)


def _seconds(duration: Duration) -> int | None:
    """A fixed lifetime in seconds; None for session, persistent and unknown."""
    return duration.amount * UNITS[duration.unit][0] if duration.kind == "fixed" else None


def _js_order(name: str) -> tuple[bytes, bytes]:
    """Case folded, then as written, each compared by UTF-16 code units as JavaScript compares strings.

    The script checks the order once and sorts again if a folding differs from
    Python's (it never trusts it for a binary search).
    """
    return name.lower().encode("utf-16-be", "surrogatepass"), name.encode("utf-16-be", "surrogatepass")


def finder_index(catalog: Catalog, locations: Mapping[str, str]) -> bytes:
    """The index as UTF-8 JSON bytes: the same catalog and locations give the same bytes.

    ``locations`` maps a cookie's anchor to the URL of the page holding its row,
    relative to the index file; a cookie on no page has no link.
    """
    pages = sorted(set(locations.values()))
    page_number = {url: i for i, url in enumerate(pages)}
    durations = sorted({c.duration for p in catalog.plugins for c in p.cookies}, key=lambda d: d.sort_key)
    duration_number = {d: i for i, d in enumerate(durations)}
    categories = {c.key: i for i, c in enumerate(catalog.categories)}
    provenances = {key: i for i, (key, _) in enumerate(PROVENANCES)}
    storages = {key: i for i, (key, _) in enumerate(STORAGES)}
    plugin_pages = [_plugin_page(plugin, locations, page_number) for plugin in catalog.plugins]
    rows: list[tuple[tuple[bytes, bytes], list[object], str | None]] = []
    for number, plugin in enumerate(catalog.plugins):
        for cookie in plugin.cookies:
            page = page_number.get(locations.get(cookie.anchor, ""), -1)
            row: list[object] = [
                cookie.name,
                number,
                categories[cookie.category],
                provenances[cookie.provenance],
                storages[cookie.storage],
                duration_number[cookie.duration],
            ]
            anchor = _anchor_suffix(plugin, cookie)
            if page != plugin_pages[number] or anchor is not None:
                row.append(page)
            if anchor is not None:
                row.append(anchor)
            rows.append((_js_order(cookie.name), row, name_regex(cookie.name) if cookie.pattern else None))
    rows.sort(key=lambda r: r[0])
    document = {
        "version": FORMAT_VERSION,
        "categories": [[c.key, c.label] for c in catalog.categories],
        "provenances": [list(p) for p in PROVENANCES],
        "storages": [list(s) for s in STORAGES],
        "durations": [[d.text, _seconds(d)] for d in durations],
        "pages": pages,
        "plugins": [[p.title, p.slug, plugin_pages[i]] for i, p in enumerate(catalog.plugins)],
        "cookies": [row for _, row, _ in rows],
        "patterns": [[i, source] for i, (_, _, source) in enumerate(rows) if source is not None],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _plugin_page(plugin: Plugin, locations: Mapping[str, str], page_number: Mapping[str, int]) -> int:
    """The page most of the plugin's cookies are on (its own page, on a site with pages); -1 for none."""
    counts: dict[int, int] = {}
    for cookie in plugin.cookies:
        page = page_number.get(locations.get(cookie.anchor, ""), -1)
        counts[page] = counts.get(page, 0) + 1
    return max(sorted(counts), key=lambda page: counts[page], default=-1)


def _anchor_suffix(plugin: Plugin, cookie: Cookie) -> str | None:
    """The anchor after ``<slug>--`` when it is not the name itself (a name with spaces, a second identity)."""
    prefix = f"{plugin.slug}--"
    if cookie.anchor == prefix + cookie.name:
        return None
    return cookie.anchor.removeprefix(prefix) if cookie.anchor.startswith(prefix) else cookie.anchor


def plugin_locations(catalog: Catalog, page_urls: Mapping[str, str], prefix: str) -> dict[str, str]:
    """Each cookie's anchor -> ``prefix`` + the URL of its plugin's page, for ``page_urls`` (slug -> URL)."""
    return {
        cookie.anchor: prefix + page_urls[plugin.slug]
        for plugin in catalog.plugins
        if plugin.slug in page_urls
        for cookie in plugin.cookies
    }
