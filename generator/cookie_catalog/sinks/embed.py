"""Directives expanded inside someone else's Markdown: the Python-Markdown extension and the MkDocs plugin.

Both expand ``<!-- cookie-catalog:... -->`` through :func:`expand_page`; the
extension (``cookie_catalog.markdown``) also finds and loads the catalog by
itself, since a Python-Markdown pipeline (plain, MkDocs, Zensical) gives it
nothing but its options. Nothing here imports an engine: MkDocs and Zensical
are only looked at when they are the ones running.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

import jinja2

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.problems import CatalogError, display_path
from cookie_catalog.render.directives import DirectiveError, expand, find_directives
from cookie_catalog.render.pages import Renderer

MAX_CATALOG_FILES = 10_000  # a stamp walks the catalog once a page; a runaway folder must not make that slow
UNNAMED_PAGE = "<markdown>"


def expand_page(markdown: str, page: str, renderer: Renderer, overview_href: str | None, line: int = 1) -> str:
    """``markdown`` with its directives replaced; a bad directive or template is one line naming ``page:line``.

    ``line`` is the page file's line the text starts on (see :func:`first_line`).
    """
    try:
        return expand("\n" * (line - 1) + markdown, page, renderer, overview_href)[line - 1 :]
    except jinja2.TemplateError as exc:
        raise DirectiveError(f"{page}: a template cannot be rendered: {template_problem(exc)}") from None


def has_directives(markdown: str) -> bool:
    """Whether a page holds directives, well-formed or not: under serve, where a catalog's problems show."""
    try:
        return bool(find_directives(markdown, ""))
    except DirectiveError:
        return True


def template_problem(exc: jinja2.TemplateError) -> str:
    """``file:line: message`` for a template error.

    A syntax error knows its line; an error raised while rendering does not,
    but Jinja rewrites the traceback so that a template's frames carry its
    file and line: the innermost one is where it happened.
    """
    filename, line = getattr(exc, "filename", None) or getattr(exc, "name", None), getattr(exc, "lineno", None)
    if line is None:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".j2"):
                filename, line = frame.f_code.co_filename, lineno
    where = display_path(Path(filename)) if filename else "template"
    return f"{where}:{line}: {getattr(exc, 'message', None) or exc}" if line else f"{where}: {exc}"


@dataclass(frozen=True)
class Source:
    """Where a Markdown text is being converted: the config's folder and the page, as far as known."""

    base: Path
    page: str  # as messages show it
    file: Path | None = None  # the page's file, when the engine says which


def current_source() -> Source:
    """The folder relative options resolve against, and the page being converted.

    MkDocs converts a page in ``Page.render(config, files)``: its frames hold
    the config (whose file's folder is the base) and the page. Zensical keeps
    its config's folder as ``root_dir`` and converts in
    ``zensical.markdown.render.render``, whose ``page`` knows its ``path``
    inside the docs. Anywhere else: the working directory, and no page name.
    """
    frame: FrameType | None = sys._getframe(1)
    base: Path | None = None
    page: tuple[str, Path | None] | None = None
    while frame is not None and (base is None or page is None):
        local = frame.f_locals
        config_file = getattr(local.get("config"), "config_file_path", None)
        if base is None and isinstance(config_file, str) and config_file:
            base = Path(os.path.abspath(config_file)).parent
        if page is None:
            page = _page(local.get("page")) or _page(local.get("self"))
        frame = frame.f_back
    name, file = page or (UNNAMED_PAGE, None)
    return Source(base or _zensical_root() or Path.cwd(), name, file)


def _page(candidate: Any) -> tuple[str, Path | None] | None:
    """A MkDocs or Zensical page's name, as messages show paths, and its file; None for anything else."""
    if type(candidate).__module__.startswith("zensical."):
        path = getattr(candidate, "path", None)
        return _zensical_page(path) if isinstance(path, str) and path else None
    file = getattr(candidate, "file", None)
    src_uri = getattr(file, "src_uri", None)
    if not isinstance(src_uri, str):
        return None
    abs_src_path = getattr(file, "abs_src_path", None)
    if not isinstance(abs_src_path, str):
        return src_uri, None
    return display_path(Path(abs_src_path)), Path(abs_src_path)


_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n.*?\n(?:-{3}|\.{3})[ \t]*\n", re.S)


def first_line(file: Path | None, markdown: str) -> int:
    """The line of ``file`` that ``markdown`` starts on: past the front matter MkDocs and Zensical cut off.

    Both engines convert a page without its YAML front matter (and the blank
    lines after it), so the converter's line 1 is further down the file.
    Counted only when the text after the front matter is what was handed over.
    """
    if file is None:
        return 1
    try:
        raw = file.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeError):
        return 1
    matter = _FRONT_MATTER.match(raw)
    if matter is None:
        return 1
    rest = raw[matter.end() :]
    body = rest.lstrip("\n")
    if body.split("\n", 1)[0].strip() != markdown.lstrip("\n").split("\n", 1)[0].strip():
        return 1
    return matter.group().count("\n") + len(rest) - len(body) + 1


def _zensical_config() -> dict[str, Any] | None:
    """Zensical's config, when Zensical is the engine running; None elsewhere or before it has one."""
    if "zensical" not in sys.modules:
        return None
    try:
        from zensical.config import get_config

        config = get_config()
    except Exception:  # not configured (yet)
        return None
    return config if isinstance(config, dict) else None


def _zensical_root() -> Path | None:
    """Zensical's config folder (it does not chdir to it)."""
    root = (_zensical_config() or {}).get("root_dir")
    return Path(root) if isinstance(root, str) and root else None


def _zensical_page(path: str) -> tuple[str, Path | None]:
    """A Zensical page's name, as messages show paths (from the working directory), and its file."""
    config = _zensical_config() or {}
    root, docs = config.get("root_dir"), config.get("docs_dir")
    if isinstance(root, str) and isinstance(docs, str):
        file = Path(root) / docs / path
        return display_path(file), file
    return path, None


def resolve(base: Path, value: str) -> Path:
    """An option's path, relative to ``base`` unless absolute."""
    return Path(os.path.abspath(base / value))


class CachedRenderers:
    """One renderer per catalog and templates folder, reloaded when a catalog file changes.

    Engines make a new extension for every page (and ``serve`` runs for hours),
    so loading is kept across pages, keyed by the catalog files' sizes and times.
    """

    def __init__(self) -> None:
        self._loaded: dict[tuple[Path, Path | None], tuple[tuple[Any, ...], Renderer]] = {}

    def get(self, catalog: Path, templates: Path | None, where: str) -> Renderer:
        stamp = _stamp(catalog)
        kept = self._loaded.get((catalog, templates))
        if kept is not None and kept[0] == stamp:
            return kept[1]
        try:
            loaded = load_catalog(catalog)
        except CatalogError as exc:
            first = exc.problems[0] if exc.problems else "unreadable"
            raise DirectiveError(
                f"{where}: the catalog has {len(exc.problems)} problem(s); the first: {first}"
            ) from None
        renderer = Renderer(loaded, templates, reload_templates=True)  # kept while templates may be edited
        self._loaded[(catalog, templates)] = (stamp, renderer)
        return renderer


def _stamp(root: Path) -> tuple[Any, ...]:
    """Every catalog file's path, size and modification time: changes when the catalog does."""
    stamp: list[tuple[str, int, int]] = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            stamp.append((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
            if len(stamp) > MAX_CATALOG_FILES:
                return tuple(stamp)
    return tuple(stamp)


renderers = CachedRenderers()


@cache
def engine_error() -> type[DirectiveError]:
    """The exception a directive problem is raised as: one MkDocs prints as one line, when MkDocs runs.

    MkDocs prints a ``BuildError`` as its message and no traceback; loaded
    only when MkDocs is already, so plain Python-Markdown never needs it.
    """
    exceptions = sys.modules.get("mkdocs.exceptions")
    build_error = getattr(exceptions, "BuildError", None)
    if build_error is None:
        return DirectiveError
    return type("DirectiveBuildError", (DirectiveError, build_error), {})


def expand_in_engine(markdown: str, catalog: str, templates: str | None) -> str:
    """The extension's work: find the catalog from the running engine, expand, and fail as that engine likes."""
    if "cookie-catalog:" not in markdown:
        return markdown
    source = current_source()
    try:
        renderer = renderers.get(
            resolve(source.base, catalog), resolve(source.base, templates) if templates else None, source.page
        )
        return expand_page(markdown, source.page, renderer, None, first_line(source.file, markdown))
    except DirectiveError as exc:
        message = str(exc) if str(exc).startswith(source.page) else f"{source.page}: {exc}"
        raise engine_error()(message) from None
