"""One site tree per language the catalog publishes: ``/``, ``/de/``, ``/fr/``, under one ``mkdocs build``.

Material sets the theme's language (``<html lang>``, its own labels, the search's stemmer and index) per build,
not per page, so a multilingual Material site is one build per language. The default language is built as
usual; at its end the plugin builds the site again for each other language into ``<site_dir>/<language>/``,
with the theme's language and the search's set to it. In the tree of a language:

- the catalog's pages are in that language (``cookie_catalog.catalog.translations``);
- a hand-written page ``x.<language>.md`` stands in for ``x.md`` (the same URL in every tree); a page with no
  translation is shown as written; every ``x.<other language>.md`` is left out of the other trees;
- the language switcher (Material's ``extra.alternate``, which also writes the ``hreflang`` alternates) leads
  to the same page in each language;
- the policy downloads are the default build's ``downloads/<language>/``.

Why not mkdocs-static-i18n, which does the same for hand-written sites: it rebuilds every ``File`` from the
docs folder, which loses the content of generated pages, and merges all languages into one search index,
which overwrote the cookies' own search entries; and Zensical runs neither it nor this plugin. The plugin
knows the languages from the catalog already, so the site's configuration names them nowhere else.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from cookie_catalog.catalog.model import known_language
from cookie_catalog.render.pages import language_name

SEARCH_PLUGINS = ("search", "material/search")


def suffix_language(src_uri: str, languages: tuple[str, ...]) -> str | None:
    """The language of a hand-written translation, ``reading.de.md`` -> ``de``; None for any other file."""
    stem, ext = posixpath.splitext(src_uri)
    language = posixpath.splitext(stem)[1][1:]
    return language if ext == ".md" and language in languages else None


def suffix_languages(files: Files) -> tuple[str, ...]:
    """The languages the hand-written translations' names end in (``reading.de.md``): where no catalog said."""
    found = {posixpath.splitext(posixpath.splitext(f.src_uri)[0])[1][1:] for f in files if f.src_uri.endswith(".md")}
    return tuple(sorted(language for language in found if language and known_language(language)))


def hand_written(files: Files, config: MkDocsConfig, language: str, languages: tuple[str, ...]) -> set[str]:
    """The hand-written pages of the tree of ``language``: its translations stand in for the pages they translate.

    ``x.<language>.md`` is read in place of ``x.md`` (so links between pages, written to ``x.md``, hold in
    every tree); the translations into any other language are left out. Returns the pages translated.
    """
    translated = set()
    for file in list(files):
        found = suffix_language(file.src_uri, languages)
        if found is None:
            continue
        files.remove(file)
        if found != language or file.abs_src_path is None:
            continue
        stem = posixpath.splitext(posixpath.splitext(file.src_uri)[0])[0]
        original = files.get_file_from_path(f"{stem}.md")
        if original is not None:
            files.remove(original)
        files.append(File.generated(config, f"{stem}.md", abs_src_path=file.abs_src_path, inclusion=file.inclusion))
        translated.add(f"{stem}.md")
    return translated


def translated_titles(pages: Iterable[Page], translated: set[str]) -> None:
    """Translated pages titled by their own heading in the nav, not by the title ``nav:`` gives the original.

    MkDocs keeps a title from ``nav:`` in the page's ``__dict__``, in front of the heading it would use.
    """
    for page in pages:
        if page.file.src_uri in translated:
            vars(page).pop("title", None)


def alternates(languages: tuple[str, ...]) -> list[dict[str, str]]:
    """Material's ``extra.alternate``: the switcher's entries (and ``hreflang`` links), each language by its own
    name, its link a placeholder that :func:`fill_alternates` replaces in each page.

    MkDocs' ``url`` filter, which Material applies to these links, mangles a relative link that leads out of
    the tree and back to the same path (``../cookies/`` from ``cookies/``); a fragment it leaves alone.
    """
    return [{"name": language_name(other, other), "link": _token(other), "lang": other} for other in languages]


def _token(language: str) -> str:
    return f"#cookie-catalog-language-{language}"


def fill_alternates(output: str, page_url: str | None, language: str, languages: tuple[str, ...]) -> str:
    """A built page with the switcher's links leading to the same page in each language's tree.

    ``page_url`` is None for a page outside the site's structure (the 404 page): the links lead to each
    tree's home page, from the site's root.
    """
    default = languages[0]
    if page_url is None:
        targets = {other: "/" if other == default else f"/{other}/" for other in languages}
    else:
        folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        up = "../" * len([part for part in folder.split("/") if part]) + ("" if language == default else "../")
        targets = {other: (up + ("" if other == default else f"{other}/") + page_url) or "./" for other in languages}
    for other, target in targets.items():
        output = output.replace(f'href="{_token(other)}"', f'href="{target}"')
    return output


# A relative link's path: up to its fragment or query, character references included ("&#100;").
_LINK = re.compile(r'(?<=\shref=")((?:[^"#?:&]|&#?\w+;)+)(?=[#?"])')


def outside_links(html: str, page_url: str, outside: set[str]) -> str:
    """A translated tree's page with its links to ``outside`` (paths at the site's root, such as the
    downloads) leading out of the tree: MkDocs wrote them relative to the tree's root, where those files
    are not.
    """
    folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)

    def link(match: re.Match) -> str:
        href = match.group(1)
        target = posixpath.normpath(posixpath.join(folder, unquote(unescape(href))))
        return f"../{href}" if target in outside else href

    return _LINK.sub(link, html)


def theme_language(config: MkDocsConfig, language: str) -> str:
    """The theme's language for the tree of ``language``: itself where the theme has labels for it, else the
    language without its region, else English (Material has no Irish or Maltese; :func:`html_lang` then still
    sets ``<html lang>``).
    """
    for candidate in (language, language.split("-")[0]):
        if any(
            (Path(folder) / "partials" / "languages" / f"{candidate}.html").is_file() for folder in config.theme.dirs
        ):
            return candidate
    return "en" if config.theme.name == "material" else language


def html_lang(output: str, language: str) -> str:
    """A page whose theme was set to another language than its tree's (:func:`theme_language`), with the
    tree's language on ``<html>``: what a reader's screen reader and browser go by."""
    return re.sub(r'(<html\b[^>]*?\blang=")[^"]*(")', rf"\g<1>{language}\g<2>", output, count=1)


@contextmanager
def tree(config: MkDocsConfig, language: str, site_dir: str) -> Iterator[None]:
    """``config`` set for building the tree of ``language`` into ``site_dir``; restored after."""
    search = [plugin for name, plugin in config.plugins.items() if name in SEARCH_PLUGINS]
    saved: dict[str, Any] = {"site_dir": config.site_dir, "language": config.theme.get("language")}
    saved_lang = [plugin.config.get("lang") for plugin in search]
    config.site_dir = site_dir
    config.theme["language"] = theme_language(config, language)
    for plugin in search:
        plugin.config["lang"] = None  # the search plugin takes it from the theme's language again
    try:
        yield
    finally:
        config.site_dir = saved["site_dir"]
        config.theme["language"] = saved["language"]
        for plugin, lang in zip(search, saved_lang):
            plugin.config["lang"] = lang


def build_trees(config: MkDocsConfig, languages: tuple[str, ...], build: Callable[[str], None]) -> None:
    """Build the tree of each language but the default, into ``<site_dir>/<language>/``."""
    root = config.site_dir
    for language in languages[1:]:
        with tree(config, language, posixpath.join(root, language)):
            build(language)
