"""The catalog's pages gathered into one nav section, in catalog order, where the site wants them.

MkDocs sorts generated files by name and lists them wherever their folder
falls; the catalog's order is the plugin order, and a site's ``nav:`` may name
the overview page where the section should stand. The tree is rebuilt with
MkDocs' own helpers, as ``mkdocs.structure.nav.get_navigation`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape
from mkdocs.structure import StructureItem as Item
from mkdocs.structure.nav import (
    Navigation,
    Section,
    _add_parent_links,
    _add_previous_and_next_links,
    _get_by_type,
)
from mkdocs.structure.pages import Page


def place_section(nav: Navigation, title: str, section_items: list[Item], ours: Sequence[Page]) -> Navigation:
    """``nav`` with ``ours`` taken out and a section ``title`` holding ``section_items`` put where they stood.

    If the site's nav names one of our pages, the section goes there (in place
    of an auto-generated section left empty, too); otherwise it is appended.
    """
    items, slot = _extract(list(nav.items), {id(p) for p in ours})
    container, index = slot or (items, len(items))
    container.insert(index, Section(_html(title), section_items))
    _add_parent_links(items)
    pages = _get_by_type(items, Page)
    _add_previous_and_next_links(pages)
    return Navigation(items, pages)


def grouped(pages: Sequence[Page], plugin_titles: Mapping[str, str], group_over: int) -> list[Item]:
    """Our pages in order; with more than ``group_over`` plugins, their pages in sections by initial.

    ``plugin_titles`` maps a plugin page's src_uri to its title; pages not in it
    (the overview, the Changes page) stay at the top level.
    """
    if len(plugin_titles) <= group_over:
        return list(pages)
    out: list[Item] = []
    sections: dict[str, Section] = {}
    for page in pages:
        title = plugin_titles.get(page.file.src_uri)
        if title is None:
            out.append(page)
            continue
        initial = _initial(title)
        if initial not in sections:
            sections[initial] = Section(_html(initial), [])
            out.append(sections[initial])
        sections[initial].children.append(page)
    return out


def _initial(title: str) -> str:
    """The letter a title is filed under: its initial, "0–9" for a digit, "#" for anything else."""
    first = title[:1]
    return first.upper() if first.isalpha() else "0–9" if first.isdigit() else "#"


def _html(text: str) -> Markup:
    """Plain text as the HTML a nav title is: themes write nav titles unescaped."""
    return escape(text)


def _extract(items: list[Item], ours: set[int]) -> tuple[list[Item], tuple[list[Item], int] | None]:
    """Remove our pages from a nav tree; also return where the first one stood.

    A section left empty is dropped and the slot moves up to where it stood,
    so an auto-generated "Cookies" section is replaced in place.
    """
    kept: list[Item] = []
    slot: tuple[list[Item], int] | None = None
    for item in items:
        if id(item) in ours:
            slot = slot or (kept, len(kept))
            continue
        if isinstance(item, Section):
            item.children, inner = _extract(item.children, ours)
            if not item.children:
                slot = slot or (kept, len(kept))
                continue
            slot = slot or inner
        kept.append(item)
    return kept, slot
