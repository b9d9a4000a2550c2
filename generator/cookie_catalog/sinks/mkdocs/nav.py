"""The catalog's pages gathered into one nav section, in catalog order, where the site wants them.

MkDocs sorts generated files by name and lists them wherever their folder
falls; the catalog's order is the plugin order, and a site's ``nav:`` may name
the overview page where the section should stand. The tree is rebuilt with
MkDocs' own helpers, as ``mkdocs.structure.nav.get_navigation`` does.

A large catalog's pages are filed in sections by initial, in the order of an
index (letters, then digits, then the rest; titles compared as people read
them), and each page is rendered with only its own section open: the other
sections are links to their first page (:func:`pruned`). Themes write the
whole nav into every page, so n pages in full would cost n² in build time and
site size; this is what Material's ``navigation.prune`` does, made the default
for every theme and configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape
from mkdocs.structure import StructureItem as Item
from mkdocs.structure.nav import (
    Link,
    Navigation,
    Section,
    _add_parent_links,
    _add_previous_and_next_links,
    _get_by_type,
)
from mkdocs.structure.pages import Page

from cookie_catalog.sinks.letters import initial, initial_rank, title_key


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
    (the overview, the Changes page) stay at the top, in their order. Sections
    come in index order (A-Z, then "0–9", then "#") and hold their pages by
    :func:`title_key`: the catalog's order means nothing in an alphabetical index.
    """
    if len(plugin_titles) <= group_over:
        return list(pages)
    out: list[Item] = [page for page in pages if page.file.src_uri not in plugin_titles]
    filed = sorted(
        (page for page in pages if page.file.src_uri in plugin_titles),
        key=lambda page: title_key(plugin_titles[page.file.src_uri]),
    )
    sections: dict[str, Section] = {}
    for page in filed:
        letter = initial(plugin_titles[page.file.src_uri])
        sections.setdefault(letter, Section(_html(letter), [])).children.append(page)
    out += [sections[letter] for letter in sorted(sections, key=initial_rank)]
    return out


def pruned(section: Section, page: Page) -> list[Item]:
    """``section``'s children as ``page`` shows them: sections not holding it become links to their first page.

    The link keeps the section's title (its initial), as Material's
    ``navigation.prune`` renders a closed section.
    """
    out: list[Item] = []
    for item in section.children:
        if isinstance(item, Section) and page not in item.children and item.children:
            link = Link(item.title, _first_page(item).url)
            link.parent = section
            out.append(link)
        else:
            out.append(item)
    return out


def _first_page(section: Section) -> Page:
    first = section.children[0]
    return first if isinstance(first, Page) else _first_page(first)  # type: ignore[arg-type]


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
