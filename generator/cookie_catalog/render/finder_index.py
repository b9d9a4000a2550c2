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
- the cookies are listed plugin by plugin, in catalog order, so a plugin is a
  count rather than a field of each cookie; a cookie is its name (``names``) and
  one number (``kinds``): ``((category * P + provenance) * S + storage) * D + duration``,
  for P provenances, S storage types and D durations;
- a cookie's row is on its plugin's page (``plugins``: title, slug, page, count)
  unless ``places`` says otherwise (``[cookie, page]``, -1 for none), and its
  anchor is ``<plugin slug>--<name>`` with every run of characters other than
  ``A-Za-z0-9_.-`` made one ``-`` (:func:`derived_anchor`, which the script
  repeats), unless ``anchors`` gives it (``[cookie, anchor]``);
- a pattern cookie carries its regular expression's source (``patterns``:
  ``[cookie, source]``), the one spelling ``cookie_catalog.catalog.patterns``
  gives the scanner and consent tools.

The script sorts the names itself (once, when the index arrives) and then finds
a prefix by binary search. Text is data: the script puts every string into the
page as text, never as markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from cookie_catalog.catalog.model import Catalog, Plugin
from cookie_catalog.catalog.patterns import name_regex
from cookie_catalog.catalog.slugs import MAX_SLUG
from cookie_catalog.render.labels import SOURCE, SUPPORTED, Labels, labels_for

# Where the index lives in a site, beside the JavaScript that reads it.
INDEX_NAME = "cookie-catalog-index.json"
FORMAT_VERSION = 1
# The model's keys, in the order the index numbers them, with their English filter labels; in another
# language a key's label is the policy's (``labels.term``), starting with a capital as a filter's does.
PROVENANCES = (("first-party", "First-party"), ("third-party", "Third-party"))
STORAGES = (
    ("cookie", "Cookie"),
    ("local-storage", "Local storage"),
    ("session-storage", "Session storage"),
    ("indexeddb", "IndexedDB"),
    ("pixel", "Pixel"),
)


_NOT_ANCHOR = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_READABLE = MAX_SLUG * 2  # as slugs.anchor cuts a name


def derived_anchor(slug: str, name: str) -> str | None:
    """The anchor the script derives for a cookie, as ``cookie_catalog.catalog.slugs.anchor`` makes it for an
    ASCII name it has not had to tell apart; None for a name the script cannot derive it for."""
    if not name.isascii():
        return None
    readable = _NOT_ANCHOR.sub("-", name).strip("-")[:MAX_READABLE]
    return f"{slug}--{readable}" if readable else None


def finder_index(catalog: Catalog, locations: Mapping[str, str]) -> bytes:
    """The index as UTF-8 JSON bytes: the same catalog and locations give the same bytes.

    ``locations`` maps a cookie's anchor to the URL of the page holding its row,
    relative to the index file; a cookie on no page has no link. What the finder
    and the filters show is in the catalog's language (a language tree's catalog
    is in that tree's): labels, durations and, outside English, the script's texts.
    """
    labels = labels_for(catalog.language if catalog.language in SUPPORTED else SOURCE)
    pages = sorted(set(locations.values()))
    page_number = {url: i for i, url in enumerate(pages)}
    # "1 hour" and "60 minutes" last alike: by their text after that, never by the set's (hash seed's) order
    durations = sorted({c.duration for p in catalog.plugins for c in p.cookies}, key=lambda d: (d.sort_key, str(d)))
    duration_number = {d: i for i, d in enumerate(durations)}
    categories = {c.key: i for i, c in enumerate(catalog.categories)}
    provenances = {key: i for i, (key, _) in enumerate(PROVENANCES)}
    storages = {key: i for i, (key, _) in enumerate(STORAGES)}
    plugins: list[list[object]] = []
    names: list[str] = []
    kinds: list[int] = []
    places: list[list[object]] = []
    anchors: list[list[object]] = []
    patterns: list[list[object]] = []
    for plugin in catalog.plugins:
        own_page = _plugin_page(plugin, locations, page_number)
        plugins.append([plugin.title, plugin.slug, own_page, len(plugin.cookies)])
        for cookie in plugin.cookies:
            number = len(names)
            names.append(cookie.name)
            kind = (categories[cookie.category] * len(PROVENANCES) + provenances[cookie.provenance]) * len(STORAGES)
            kinds.append((kind + storages[cookie.storage]) * len(durations) + duration_number[cookie.duration])
            page = page_number.get(locations.get(cookie.anchor, ""), -1)
            if page != own_page:
                places.append([number, page])
            if cookie.anchor != derived_anchor(plugin.slug, cookie.name):
                anchors.append([number, cookie.anchor])
            if cookie.pattern:
                patterns.append([number, name_regex(cookie.name)])
    document = {
        "version": FORMAT_VERSION,
        "categories": [[c.key, labels.category(c).label] for c in catalog.categories],
        "provenances": [[key, _label(labels, key, "provenance", english)] for key, english in PROVENANCES],
        "storages": [[key, _label(labels, key, "storage", english)] for key, english in STORAGES],
        "durations": [[labels.duration(d), d.seconds] for d in durations],
        "pages": pages,
        "plugins": plugins,
        "names": names,
        "kinds": kinds,
        "places": places,
        "anchors": anchors,
        "patterns": patterns,
    }
    if labels.lang != SOURCE:
        document["text"] = labels.finder_text()
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _label(labels: Labels, key: str, field: str, english: str) -> str:
    if labels.lang == SOURCE:
        return english
    text = labels.term(key, field)
    return text[:1].upper() + text[1:]


def _plugin_page(plugin: Plugin, locations: Mapping[str, str], page_number: Mapping[str, int]) -> int:
    """The page most of the plugin's cookies are on (its own page, on a site with pages); -1 for none."""
    counts: dict[int, int] = {}
    for cookie in plugin.cookies:
        page = page_number.get(locations.get(cookie.anchor, ""), -1)
        counts[page] = counts.get(page, 0) + 1
    return max(sorted(counts), key=lambda page: counts[page], default=-1)
