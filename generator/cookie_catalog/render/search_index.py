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
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from html import escape, unescape
from pathlib import Path
from typing import NamedTuple

from cookie_catalog.catalog.model import Catalog

INDEX_PATH = Path("search") / "search_index.json"
_TAG = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<code>([^<]*)</code>(\s?)")  # a name as a page's table shows it, and a space after it
_WORD = re.compile(r"(?<![^\s>])[^\s<]+")  # a word that starts after white space or a tag

# Material multiplies the score of a page's entry by up to 5 and of a section's
# by up to 2, and a page names all its cookies (and its title is usually part of
# their names). A cookie's entry must outrank its page: 3 > 5 / 2.
COOKIE_BOOST = 3.0
# The search box appends a wildcard to every term, so typing a name in full
# also matches every name that extends it (`_ga` finds `_gaexp` and `_gat`,
# `state.open` finds `state.pureengage-v3-rest.open`), and lunr scores a match
# by the rarity (idf) of the term it matched: a rare longer name outranks the
# common short one typed in full. Each name's boost is raised until its own
# name, typed in full, scores it this much above every other name it matches.
MARGIN = 1.1
MAX_BOOST = COOKIE_BOOST * 1000  # a bound for rivals that outbid each other
ROUNDS = 20  # converges in a few; a bound all the same


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
    by_page: dict[str, list[CookieEntry]] = {}
    for entry in entries:
        by_page.setdefault(_page(entry.location), []).append(entry)
    ours = {entry.location for group in by_page.values() for entry in group}
    docs = [doc for doc in index.get("docs", []) if doc.get("location") not in ours]
    articles = {doc["location"] for doc in docs if "#" not in doc["location"]}
    by_page = {page: group for page, group in by_page.items() if page in articles}
    docs = [_without_entries_text(doc, by_page.get(_page(doc["location"]), [])) for doc in docs]
    boosts = _boosts(entries, docs, index.get("config", {}).get("separator"))
    last: dict[str, int] = {}
    for i, doc in enumerate(docs):
        last[_page(doc["location"])] = i
    after = {i: by_page[page] for page, i in last.items() if page in by_page}
    out = []
    for i, doc in enumerate(docs):
        out.append(doc)
        out.extend(entry.doc(boosts[entry.name]) for entry in after.get(i, []))
    return {**index, "docs": out}


def _without_entries_text(doc: dict, entries: list[CookieEntry]) -> dict:
    """A page's doc without the text its cookies' entries hold: each name in ``<code>`` and each purpose, whole.

    The search plugin indexes the page's tables, so every name and purpose
    was in the index twice. A purpose is cut only where it stands between white
    space or tags (never out of a longer word), and its cookie's entry, shown
    by the search front end under this page, still finds it: no query loses
    the page, and a name no longer makes the page a rival of its cookie.
    Linear in the text: names are looked up, purposes found by their first word.
    """
    text = doc.get("text")
    if not entries or not isinstance(text, str):
        return doc
    titles = {entry.title for entry in entries}
    text = _CODE.sub(lambda code: _cut(code) if code.group(1) in titles else code.group(), text)
    return {**doc, "text": _without_purposes(text, {entry.text for entry in entries if entry.text.strip()})}


def _cut(match: re.Match[str]) -> str:
    """A name and the white space after it cut: one space left only where the neighbours would run together."""
    text, start = match.string, match.start()
    if start == 0 or text[start - 1].isspace() or match.end() == len(text):
        return ""
    return " "


def _without_purposes(text: str, purposes: set[str]) -> str:
    """``text`` without each of ``purposes`` that stands whole (white space or a tag, or the text's end, on both
    sides), and one white space after it; the longest first where one purpose begins another."""
    by_word: dict[str, list[str]] = {}
    for purpose in sorted(purposes, key=lambda p: (-len(p), p)):
        by_word.setdefault(purpose.split(None, 1)[0], []).append(purpose)
    out, end = [], 0
    for word in _WORD.finditer(text):
        start = word.start()
        if start < end:
            continue
        for purpose in by_word.get(word.group(), ()):
            stop = start + len(purpose)
            if text.startswith(purpose, start) and (stop == len(text) or text[stop].isspace() or text[stop] == "<"):
                out.append(text[end:start])
                end = stop + (stop < len(text) and text[stop].isspace())
                break
    out.append(text[end:])
    return "".join(out)


def update_index_file(site_dir: Path, entries: list[CookieEntry]) -> bool:
    """Add ``entries`` to the site's search index; False when the site has none."""
    path = Path(site_dir) / INDEX_PATH
    if not entries or not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    index = add_entries(index, entries)
    path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return True


def _boosts(entries: list[CookieEntry], docs: list[dict], separator: str | None) -> dict[str, float]:
    """Each name's boost: enough for the name typed in full to rank its cookie above every other cookie.

    A model of Material's lunr scoring for the query a name makes (each of its
    terms with a trailing wildcard): a cookie's entry scores through its title,
    whose field boost dwarfs the text's, by the idf of each of its terms that
    starts with a query term, times the entry's boost. Names that split into
    the same terms cannot be told apart by search and are not each other's rivals.
    """
    try:
        split = re.compile(separator or r"[\s\-]+").split
    except re.error:  # a JavaScript-only pattern: no finer ranking
        return {e.name: COOKIE_BOOST for e in entries}

    def terms(text: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.lower() for t in split(text) if t))

    texts = [f"{d.get('title', '')} {d.get('text', '')}" for d in docs] + [f"{e.title} {e.text}" for e in entries]
    frequency = Counter(t for text in texts for t in terms(unescape(_TAG.sub(" ", text))))
    idf = {t: math.log(1 + abs((len(texts) - n + 0.5) / (n + 0.5))) for t, n in frequency.items()}
    names = {e.name: terms(e.name) for e in entries}
    rivals = _without_deadlocks(_rivals(names, idf), {n: sum(idf.get(t, 0.0) for t in ts) for n, ts in names.items()})
    boost = dict.fromkeys(names, COOKIE_BOOST)
    for _ in range(ROUNDS):
        raised = False
        for name in sorted(names):
            own = sum(idf.get(t, 0.0) for t in names[name])
            if not own:
                continue
            need = max((boost[other] * score / own for other, score in rivals[name].items()), default=0.0) * MARGIN
            if need > boost[name] and boost[name] < MAX_BOOST:
                boost[name], raised = min(need, MAX_BOOST), True
        if not raised:
            break
    return {name: round(value, 3) for name, value in boost.items()}


def _rivals(names: dict[str, tuple[str, ...]], idf: dict[str, float]) -> dict[str, dict[str, float]]:
    """For each name, the other names matching every term of its full-name query, and the score each gets.

    Every prefix of every term -> the names holding a term that starts so.
    """
    starting: dict[str, set[str]] = {}
    for name, name_terms in names.items():
        for term in name_terms:
            for end in range(1, len(term) + 1):
                starting.setdefault(term[:end], set()).add(name)
    out: dict[str, dict[str, float]] = {}
    for name, query in names.items():
        # Names matching some query terms only score at most (1 + ½²) / 2 of a full match: left out, which
        # keeps this near-linear (an intersection, where a union of the names under `a*` or `t*` is not).
        found = set.intersection(*(starting.get(q, set()) for q in query)) if query else set()
        out[name] = {other: _match(query, names[other], idf) for other in found if set(names[other]) != set(query)}
    return out


def _without_deadlocks(rivals: dict[str, dict[str, float]], own: dict[str, float]) -> dict[str, dict[str, float]]:
    """The rivalries that can be won: not two names each of which outscores the other on its own query.

    ``cs`` matches both terms of ``_cs_c`` (``cs*`` and ``c*``) and ``_cs_c`` every
    term of ``cs``: no pair of boosts ranks each first for itself, and raising
    one after the other would only lift both without end.
    """

    def ratio(name: str, other: str) -> float:
        return rivals[name].get(other, 0.0) / own[name] if own[name] else 0.0

    return {
        name: {
            other: score
            for other, score in found.items()
            if ratio(name, other) * ratio(other, name) * MARGIN * MARGIN < 1
        }
        for name, found in rivals.items()
    }


def _match(query: tuple[str, ...], terms: tuple[str, ...], idf: dict[str, float]) -> float:
    """How a name with ``terms`` scores for ``query``, relative to a name matching every query term exactly.

    lunr adds the idf of the term each query term matched; Material then
    multiplies by 1 + (share of query terms matched)², 2 for a full match.
    """
    scores = [max((idf.get(t, 0.0) for t in terms if t.startswith(q)), default=0.0) for q in query]
    share = sum(1 for score in scores if score) / len(query)
    return sum(scores) * (1 + share**2) / 2


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def _html(text: str) -> str:
    return escape(" ".join(text.split()), quote=False)
