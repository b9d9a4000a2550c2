"""One search entry per cookie, so a search result opens the page at the cookie's row.

MkDocs' and Material's search plugins index a page in sections split at
headings: a cookie in a table can only be found as part of its page, and the
result would open the top of a long page. Here we add an entry per cookie to
the search index the search plugin has written (``search/search_index.json``),
with the cookie's row anchor as its location::

    {"location": "cookies/webchat/#webchat--_genesys.widgets.webchat.state.open",
     "title": "_genesys.widgets.webchat.state.open", "text": "<purpose>"}

Material's search front end treats an entry whose location has a ``#`` as a
section of the entry for the same page without it, which must come first in
the index; the cookie entries are therefore placed after their page's own
entries, and only for pages that have one (a page may be excluded from search).

The index holds HTML: the search plugin escapes the text it extracts, and the
front end renders titles and texts as markup. Catalog text is data, so it is
escaped here too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import NamedTuple

from cookie_catalog.catalog.model import Catalog

INDEX_PATH = Path("search") / "search_index.json"

# Material multiplies the score of a page's entry by up to 5 and of a section's
# by up to 2, and a page names all its cookies (and its title is usually part of
# their names). A cookie's entry must outrank its page: 3 > 5 / 2.
COOKIE_BOOST = 3.0
# The search box appends a wildcard to every term, so typing a name in full
# also matches every name that extends it (`console.command` finds
# `console.commandPlugin`, `state.open` finds `state.pureengage-v3-rest.open`),
# and these can score as high or higher. The shorter name gets this much more,
# so typing a name in full lists that cookie first.
CONTAINED_BOOST = 1.4


class CookieEntry(NamedTuple):
    location: str  # page URL + "#" + anchor, relative to the site root
    title: str  # HTML
    text: str  # HTML
    name: str  # the cookie's name, as text

    def doc(self, boost: float) -> dict:
        return {"location": self.location, "title": self.title, "text": self.text, "boost": boost}


def cookie_entries(catalog: Catalog, page_urls: Mapping[str, str]) -> list[CookieEntry]:
    """The entries for every cookie on a page in ``page_urls`` (plugin slug -> page URL)."""
    entries = []
    for plugin in catalog.plugins:
        url = page_urls.get(plugin.slug)
        if url is None:
            continue
        for cookie in plugin.cookies:
            entries.append(
                CookieEntry(
                    location=f"{url}#{cookie.anchor}",
                    title=_html(cookie.name),
                    text=_html(cookie.purpose),
                    name=cookie.name,
                )
            )
    return entries


def add_entries(index: dict, entries: Iterable[CookieEntry]) -> dict:
    """``index`` (the parsed search index) with ``entries`` placed after their page's entries.

    Entries for a page the index does not hold are dropped; an existing entry
    with the same location is replaced, so adding twice changes nothing.
    """
    entries = list(entries)
    boosts = _boosts([e.name for e in entries], index.get("config", {}).get("separator"))
    by_page: dict[str, list[CookieEntry]] = {}
    for entry in entries:
        by_page.setdefault(_page(entry.location), []).append(entry)
    ours = {entry.location for group in by_page.values() for entry in group}
    docs = [doc for doc in index.get("docs", []) if doc.get("location") not in ours]
    articles = {doc["location"] for doc in docs if "#" not in doc["location"]}
    last: dict[str, int] = {}
    for i, doc in enumerate(docs):
        last[_page(doc["location"])] = i
    after = {i: by_page[page] for page, i in last.items() if page in by_page and page in articles}
    out = []
    for i, doc in enumerate(docs):
        out.append(doc)
        out.extend(entry.doc(boosts[entry.name]) for entry in after.get(i, []))
    return {**index, "docs": out}


def update_index_file(site_dir: Path, entries: list[CookieEntry]) -> bool:
    """Add ``entries`` to the site's search index; False when the site has none."""
    path = Path(site_dir) / INDEX_PATH
    if not entries or not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    index = add_entries(index, entries)
    path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return True


def _boosts(names: list[str], separator: str | None) -> dict[str, float]:
    """Each name's boost: more for a name whose every term starts a term of another name."""
    try:
        split = re.compile(separator or r"[\s\-]+").split
    except re.error:  # a JavaScript-only pattern: no finer ranking
        return {name: COOKIE_BOOST for name in names}
    terms = {name: [t.lower() for t in split(name) if t] for name in names}
    # Every prefix of every term -> the names holding a term that starts so;
    # a name is "contained" when another name is found under all its terms.
    # Intersecting these sets keeps it near-linear: 2,264 names in milliseconds.
    starting: dict[str, set[str]] = {}
    for name, name_terms in terms.items():
        for term in name_terms:
            for end in range(1, len(term) + 1):
                starting.setdefault(term[:end], set()).add(name)

    def contained(name: str) -> bool:
        candidates = set.intersection(*(starting[t] for t in terms[name]))
        return len(candidates - {name}) > 0

    return {
        name: round(COOKIE_BOOST * (CONTAINED_BOOST if terms[name] and contained(name) else 1.0), 3) for name in names
    }


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def _html(text: str) -> str:
    return escape(" ".join(text.split()), quote=False)
