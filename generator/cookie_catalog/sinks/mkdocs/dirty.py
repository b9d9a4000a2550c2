"""The search index of a ``mkdocs serve --dirty`` rebuild: every page's entries, as a full build has them.

A dirty rebuild builds only the modified pages, so the search plugin sees only
those. Material's plugin then merges in its previous index, dropping the
previous entries under the URL of the first rebuilt page only: when that page
is our overview (``cookies/``), every plugin page's entries are dropped with it,
and a second rebuilt page keeps its stale entries besides the new ones. Here
the index is put together again from the pages' order in this build: a rebuilt
page's entries as the search plugin wrote them, any other page's as the last
build's index had them, a page that is gone with none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from cookie_catalog.render.search_index import INDEX_PATH


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def merged_docs(previous: list[dict], written: list[dict], rebuilt: set[str], pages: list[str]) -> list[dict]:
    """The entries of ``pages`` in their order: from ``written`` for the ``rebuilt``, else from ``previous``.

    The search plugin may have merged stale entries of a rebuilt page into ``written`` (Material keeps its
    last index, that of the last language tree built); the entries it made in this build come last, each
    page's as a page entry followed by its sections.
    """
    by_page: dict[str, list[dict]] = {}
    for doc in previous:
        if _page(doc.get("location", "")) not in rebuilt:
            by_page.setdefault(_page(doc.get("location", "")), []).append(doc)
    for i, doc in enumerate(written):
        url = doc.get("location", "")
        if url in rebuilt:  # a page entry: a later one of the same page replaces it and its sections
            by_page[url] = [doc, *_sections(written, i + 1, url)]
    return [doc for url in dict.fromkeys(pages) for doc in by_page.get(url, [])]


def _sections(docs: list[dict], start: int, url: str) -> list[dict]:
    """The section entries of the page at ``url`` that follow its page entry."""
    out = []
    for doc in docs[start:]:
        location = doc.get("location", "")
        if "#" not in location or _page(location) != url:
            break
        out.append(doc)
    return out


def unmerged(plugins: Iterable[object]) -> None:
    """Material's search plugin writes this build's entries alone, which :func:`merged_docs` completes page by page.

    Merged in by Material, its last index keeps the stale entries of a page rebuilt with none (``search:
    exclude``, a page of ours that showed the catalog's problems): the page's last entries in the index.
    """
    for plugin in plugins:
        if hasattr(plugin, "search_index_prev"):
            plugin.search_index_prev = None


class DirtyIndex:
    """The last dirty build's final search index of one site directory, to complete the next one's."""

    def __init__(self) -> None:
        self._previous: list[dict] | None = None

    def complete(self, site_dir: Path, rebuilt: set[str], pages: list[str]) -> None:
        """Rewrite the index the search plugin wrote with every page's entries (see the module docstring)."""
        path = site_dir / INDEX_PATH
        if self._previous is None or not path.is_file():
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        index["docs"] = merged_docs(self._previous, index.get("docs", []), rebuilt, pages)
        path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")

    def keep(self, site_dir: Path) -> None:
        """Remember the final index (cookie entries added) for the next rebuild."""
        path = site_dir / INDEX_PATH
        self._previous = json.loads(path.read_text(encoding="utf-8")).get("docs", []) if path.is_file() else None
