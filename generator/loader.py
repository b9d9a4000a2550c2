"""Catalog directory -> validated :class:`Catalog`, or every problem in it.

Three passes, each reporting all it finds: read each file (``yamlsource``),
check its shape against the model (pydantic), then check what spans files
(categories declared in ``catalog.yml``, duplicate cookies and titles).
"""

from __future__ import annotations

import difflib
import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator import slugs
from generator.model import (
    BUILTIN_CATEGORIES,
    Catalog,
    Category,
    Cookie,
    Plugin,
    PluginFile,
    ProductFile,
)
from generator.problems import CatalogError, Problem, display_path
from generator.yamlsource import YamlDocument, load_yaml

PRODUCT_FILE = "catalog.yml"
PLUGINS_DIR = "plugins"
M = TypeVar("M", bound=BaseModel)


def plugin_files(root: Path) -> list[Path]:
    directory = root / PLUGINS_DIR
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def load_catalog(root: Path | str) -> Catalog:
    """Read and validate a catalog directory; raises :class:`CatalogError`."""
    with _collector_paused():
        return _load(Path(root))


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector while a catalog is read.

    Each file's node tree lives just long enough to be promoted to the oldest
    generation, and each promotion counts towards a full collection over
    everything read so far: quadratic, 12 of 17 s at 100,000 cookies. What is
    read holds no reference cycles, so the pause leaves nothing behind.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(root: Path) -> Catalog:
    shown = display_path(root)
    if not root.is_dir():
        raise CatalogError([Problem(shown, 0, 0, "", "no such catalog directory; expected a directory holding catalog.yml and plugins/")])
    problems: list[Problem] = []
    product = None
    if (root / PRODUCT_FILE).is_file():
        product = _read(root / PRODUCT_FILE, ProductFile, problems)
    else:
        problems.append(Problem(display_path(root / PRODUCT_FILE), 0, 0, "", "is missing; every catalog needs one, with at least `product:`"))
    files = plugin_files(root)
    if not files:
        problems.append(Problem(display_path(root / PLUGINS_DIR), 0, 0, "", "holds no plugin files; expected plugins/<name>.yml, one per plugin"))
    parsed = [(path, doc, model) for path in files for doc, model in [_read_located(path, PluginFile, problems)]]
    if problems:
        raise CatalogError(problems)
    assert product is not None
    categories = _categories(product)
    keys = {c.key for c in categories}
    for _, doc, model in parsed:
        for i, entry in enumerate(model.cookies):
            if entry.category not in keys:
                problems.append(doc.problem(("cookies", i, "category"), f"unknown category {entry.category!r}; expected one of {_choices(keys, entry.category)}, or declare it under `categories:` in catalog.yml"))
    problems += _duplicates(parsed)
    if problems:
        raise CatalogError(problems)
    parsed.sort(key=lambda item: (item[2].order is None, item[2].order or 0, item[0].name))
    return Catalog(product=product, categories=categories, plugins=_plugins(parsed), root=shown)


def _choices(valid: set[str] | list[str], given: str) -> str:
    close = difflib.get_close_matches(given, list(valid), n=1)
    listed = ", ".join(sorted(valid))
    return f"{listed} (did you mean {close[0]!r}?)" if close else listed


def _read_located(path: Path, model: type[M], problems: list[Problem]) -> tuple[YamlDocument, M]:
    doc = load_yaml(path)
    if isinstance(doc, Problem):
        problems.append(doc)
        return None, None  # type: ignore[return-value]
    return doc, _validate(doc, model, problems)  # type: ignore[return-value]


def _read(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    return _read_located(path, model, problems)[1]


def _validate(doc: YamlDocument, model: type[M], problems: list[Problem]) -> M | None:
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.display, 1, 1, "", f"holds {_describe(doc.data)}; expected a mapping of keys such as {', '.join(list(model.model_fields)[:3])}"))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            problems.append(_problem(doc, model, error))
        return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    return "a list" if isinstance(value, list) else "a mapping"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model that owns the last key of ``loc``, to suggest its field names."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            annotation = current.model_fields[part].annotation if part in current.model_fields else None
            args = getattr(annotation, "__args__", ())
            current = next((a for a in reversed(args) if isinstance(a, type) and issubclass(a, BaseModel)), annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else model


def _problem(doc: YamlDocument, model: type[BaseModel], error: dict) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    given = error.get("input")
    if loc[-1:] == ("[key]",):  # pydantic's mark for a mapping key (a category key): point at the key
        return doc.problem(loc[:-1], str(error.get("ctx", {}).get("error") or error["msg"]), key=True)
    if kind == "missing":
        return doc.problem(loc, "is required but missing; add it")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        return doc.problem(loc, f"unknown key; expected one of {_choices(list(owner.model_fields), str(loc[-1]))}", key=True)
    if kind == "literal_error":
        return doc.problem(loc, f"{given!r} is not allowed; expected {error['ctx']['expected']}")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        expected = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}.get(kind, "a mapping")
        return doc.problem(loc, f"is {_describe(given)}; expected {expected}")
    if kind.startswith("date") :
        return doc.problem(loc, f"{given!r} is not a date; expected an ISO date such as 2020-04-15")
    if kind.startswith("int"):
        return doc.problem(loc, f"{given!r} is not a whole number; expected one such as 1")
    if kind == "value_error":
        return doc.problem(loc, str(error["ctx"]["error"]))
    if kind == "string_too_short":
        return doc.problem(loc, "is empty; expected text")
    return doc.problem(loc, error["msg"])


def _categories(product: ProductFile) -> tuple[Category, ...]:
    merged: list[Category] = []
    for key, (label, description) in BUILTIN_CATEGORIES.items():
        override = product.categories.get(key)
        merged.append(Category(key, (override and override.label) or label, (override and override.description) or description))
    for key, definition in product.categories.items():
        if key not in BUILTIN_CATEGORIES:
            merged.append(Category(key, definition.label or key.replace("-", " ").capitalize(), definition.description or ""))
    return tuple(merged)


def _duplicates(parsed: list[tuple[Path, YamlDocument, PluginFile]]) -> list[Problem]:
    problems: list[Problem] = []
    titles: dict[str, tuple[YamlDocument, Any]] = {}
    for _, doc, model in parsed:
        first = titles.setdefault(model.plugin, (doc, model))
        if first[0] is not doc:
            line, _ = first[0].locate(("plugin",))
            problems.append(doc.problem(("plugin",), f"title {model.plugin!r} is already used by {first[0].display}:{line}; expected each plugin to have its own title"))
        seen: dict[tuple, int] = {}
        for i, entry in enumerate(model.cookies):
            identity = (entry.name, entry.domain, entry.storage)
            if identity in seen:
                line, _ = doc.locate(("cookies", seen[identity]))
                where = f" on {entry.domain}" if entry.domain else ""
                problems.append(doc.problem(("cookies", i, "name"), f"{entry.name!r}{where} ({entry.storage}) is already listed at line {line}; expected each (name, domain, storage) once per plugin"))
            else:
                seen[identity] = i
    return problems


def _plugins(parsed: list[tuple[Path, YamlDocument, PluginFile]]) -> tuple[Plugin, ...]:
    taken_pages: set[str] = set()
    taken_anchors: set[str] = set()
    plugins = []
    for path, _, model in parsed:
        slug = slugs.page_slug(path.stem, taken_pages)
        cookies = tuple(
            Cookie(entry, slugs.anchor(slug, entry.name, f"{entry.name}\0{entry.domain}\0{entry.storage}", taken_anchors))
            for entry in model.cookies
        )
        plugins.append(Plugin(model.plugin, path.name, slug, model.description, tuple(model.notes), cookies))
    return tuple(plugins)
