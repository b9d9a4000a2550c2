"""Our generated pages' HTML kept from one ``mkdocs serve`` rebuild to the next.

Every rebuild of ``mkdocs serve`` (without ``--dirty``) converts every page's
Markdown again: on a large catalog most of a rebuild, although an edit of one
cookie changes three of our pages (its plugin's, the overview, All cookies).
A page whose conversion inputs are those of the last build gets the last
build's conversion: its HTML, table of contents, title and anchors. The
inputs are the generated text and the Markdown after every plugin's
``on_page_markdown``, the page's URL, the Markdown configuration, and every
file's path and URL (links between pages resolve against them), so a hit is
the very conversion MkDocs would make. A conversion that logged a warning is
never kept: a rebuild must warn again (and fail in strict mode). With a
Markdown extension that reads other files into a page (``FILE_READERS``), whose
edits none of these inputs show, or one that records what it converts for its
plugin (``RECORDERS``), which a kept conversion would skip, nothing is kept.

MkDocs has no hook between ``on_page_markdown`` and the conversion, so our
pages are made a :class:`ConvertedPage` (a :class:`Page` whose ``render``
looks in the cache first) in ``on_pre_page``, which is there to alter the page.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import weakref
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions import Extension
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

# Markdown extensions that read files named in a page (its snippets, its images for pymdownx.b64): a page's
# conversion then depends on more than its inputs.
FILE_READERS = ("pymdownx.snippets", "pymdownx.b64", "markdown_include", "mdx_include", "markdown_exec")
# Markdown extensions that record a page's anchors for their plugin while it is converted (mkdocs-autorefs):
# a kept conversion would leave them unrecorded, and links to them unresolved.
RECORDERS = ("mkdocs_autorefs",)


def reads_files(config: MkDocsConfig) -> bool:
    """Whether the site converts pages with an extension that may read other files into them, or records them."""
    names = [e if isinstance(e, str) else type(e).__module__ for e in config["markdown_extensions"]]
    return any(name.startswith(FILE_READERS + RECORDERS) for name in names)


@dataclass(frozen=True)
class Conversion:
    """What ``Page.render`` leaves on a page; ``links`` by the src_uri of the file they lead to."""

    content: str
    toc: TableOfContents
    title: str | None
    anchors: frozenset[str] | None
    links: dict[str, dict[str, str]] | None


@dataclass
class ConversionCache:
    """The conversions of one language tree's last build, by src_uri and key; only the last build's are kept."""

    _previous: dict[str, tuple[tuple[str, ...], Conversion]] = field(default_factory=dict)
    _current: dict[str, tuple[tuple[str, ...], Conversion]] = field(default_factory=dict)
    # a build's Files (weakly: an address is handed to the next build's once this one is freed) and its digest
    _files: tuple[weakref.ref[Files] | None, str] = (None, "")
    reused: int = 0  # how many pages of this build were not converted again

    def new_build(self) -> None:
        """Keep the conversions of the build that just ended for this one, and only those."""
        self._previous = self._current or self._previous
        self._current = {}
        self.reused = 0

    def files_digest(self, files: Files) -> str:
        """The paths and URLs of a build's files, once per build: what the links of a page resolve against."""
        if self._files[0] is None or self._files[0]() is not files:
            listed = "\n".join(f"{f.src_uri}\t{f.url}\t{f.inclusion.name}" for f in files)
            self._files = (weakref.ref(files), hashlib.sha256(listed.encode("utf-8")).hexdigest())
        return self._files[1]

    def get(self, src_uri: str, key: tuple[str, ...]) -> Conversion | None:
        found = self._previous.get(src_uri)
        if found is None or found[0] != key:
            return None
        self._current[src_uri] = found
        self.reused += 1
        return found[1]

    def kept_title(self, src_uri: str) -> str | None:
        """The title of a page a dirty rebuild does not convert, from its last conversion, which is kept on."""
        found = self._previous.get(src_uri)
        if found is None:
            return None
        self._current[src_uri] = found
        return found[1].title

    def put(self, src_uri: str, key: tuple[str, ...], conversion: Conversion) -> None:
        self._current[src_uri] = (key, conversion)


class _Warnings(logging.Handler):
    """Counts the warnings MkDocs logs while a page is converted (a broken link, a missing anchor)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class ConvertedPage(Page):
    """One of our generated pages: converted only when its inputs differ from the last build's."""

    conversions: ConversionCache
    generated_text: str

    def render(self, config: MkDocsConfig, files: Files) -> None:
        key = self._key(config, files)
        found = self.conversions.get(self.file.src_uri, key)
        if found is not None:
            self._restore(found, files)
            return
        logger = logging.getLogger("mkdocs")
        warnings = _Warnings()
        logger.addHandler(warnings)
        try:
            super().render(config, files)
        finally:
            logger.removeHandler(warnings)
        if warnings.count == 0 and self.content is not None:
            self.conversions.put(self.file.src_uri, key, self._conversion())

    def _key(self, config: MkDocsConfig, files: Files) -> tuple[str, ...]:
        markdown_config = repr(([_extension(e) for e in config["markdown_extensions"]], config["mdx_configs"]))
        return (
            self.generated_text,
            self.markdown or "",
            self.file.url,
            self.file.dest_uri,
            markdown_config,
            repr(config.validation),
            str(logging.getLogger("mkdocs.structure.pages").getEffectiveLevel()),
            self.conversions.files_digest(files),
        )

    def _conversion(self) -> Conversion:
        assert self.content is not None
        anchors = frozenset(self.present_anchor_ids) if self.present_anchor_ids is not None else None
        links = None
        if self.links_to_anchors is not None:
            links = {file.src_uri: dict(found) for file, found in self.links_to_anchors.items()}
        return Conversion(self.content, copy.deepcopy(self.toc), self._title_from_render, anchors, links)

    def _restore(self, found: Conversion, files: Files) -> None:
        self.content = found.content
        self.toc = copy.deepcopy(found.toc)
        self._title_from_render = found.title
        self.present_anchor_ids = set(found.anchors) if found.anchors is not None else None
        if found.links is not None:
            targets = {uri: files.get_file_from_path(uri) for uri in found.links}
            self.links_to_anchors = {f: dict(found.links[uri]) for uri, f in targets.items() if f is not None}


def _extension(extension: str | Extension) -> str:
    """A Markdown extension as named in the config, or an instance (a plugin's, made anew by every rebuild's
    ``on_config``) by its class and settings, not by its address."""
    if isinstance(extension, str):
        return extension
    settings = sorted((name, _setting(value)) for name, value in extension.getConfigs().items())
    return f"{type(extension).__module__}.{type(extension).__qualname__}{settings!r}"


def _setting(value: object) -> object:
    """A function or method by its name: the same function made again by a rebuild is the same setting."""
    if callable(value):
        return getattr(value, "__qualname__", type(value).__qualname__)
    return value


def convert_through(page: Page, conversions: ConversionCache, generated_text: str) -> None:
    """Make ``page`` (one of ours, still unconverted) look in ``conversions`` before converting its Markdown."""
    converted: Any = page
    converted.__class__ = ConvertedPage
    converted.conversions = conversions
    converted.generated_text = generated_text
