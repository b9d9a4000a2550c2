"""Catalog directory -> validated :class:`Catalog`, or every problem in it.

Three passes, each reporting all it finds: read each file (``yamlsource``),
check its shape against the model (pydantic), then check what spans files
(categories declared in ``catalog.yml``, duplicate cookies and titles).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cookie_catalog.catalog import collector, parsecache, slugs, translations
from cookie_catalog.catalog.model import (
    BUILTIN_CATEGORIES,
    IDENTITY_FIELDS,
    Catalog,
    Category,
    Cookie,
    CookieEntry,
    Plugin,
    PluginFile,
    ProductFile,
)
from cookie_catalog.catalog.parallel import split_map
from cookie_catalog.catalog.problems import CatalogError, Problem, display_path, quoted
from cookie_catalog.catalog.yamlsource import YamlDocument, load_yaml

PRODUCT_FILE = "catalog.yml"
PLUGINS_DIR = "plugins"
M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
# From this many bytes of YAML a forked child reads half the files: about 10,000 cookies.
PARALLEL_BYTES = 1_500_000
# From this many cookies the models are kept out of the cycle collector's walks (``collector``).
KEPT_OUT_COOKIES = 10_000


def plugin_files(root: Path) -> list[Path]:
    """The YAML files in ``root/plugins``, by name; entries that are no file are left to :func:`_refusal`."""
    directory = root / PLUGINS_DIR
    if not directory.is_dir():
        return []
    named = (p for p in directory.iterdir() if p.suffix in (".yml", ".yaml"))
    return sorted(p for p in named if p.exists() or not p.is_symlink())  # a link to nothing holds nothing


def _refusal(path: Path, real_root: Path, expected: str, *, directory: bool = False) -> Problem | None:
    """Why ``path`` cannot be read as part of the catalog at ``real_root``, or None.

    A symbolic link is followed only while it stays inside the catalog: a link
    to ``/etc/passwd`` or to a file of another project must not be read (its
    text would appear in messages or, being valid YAML, be published), as the
    git-history loader skips links for the same reason. A directory, FIFO or
    device where a file is expected is named as such instead of being skipped.
    """
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return Problem(
            display_path(path), 0, 0, "", f"is a symbolic link that cannot be followed (a loop?); expected {expected}"
        )
    if real != real_root and real_root not in real.parents:
        return Problem(
            display_path(path),
            0,
            0,
            "",
            f"is a symbolic link that leads out of the catalog; expected {expected} inside it",
        )
    if not (real.is_dir() if directory else real.is_file()):
        kind = "not a directory" if directory else "a directory" if real.is_dir() else "not a regular file"
        return Problem(display_path(path), 0, 0, "", f"is {kind}; expected {expected}")
    return None


def load_catalog(root: Path | str, *, with_translations: bool = True) -> Catalog:
    """Read and validate a catalog directory; raises :class:`CatalogError`.

    ``with_translations=False`` leaves ``translations/`` unread: for ``translations update``, which rewrites
    those files and so must start from a catalog whose PO files name texts it no longer has.
    """
    with collector.paused():
        catalog = _load(Path(root))
        if catalog.cookie_count >= KEPT_OUT_COOKIES:
            collector.keep_out()
    return _translated(catalog, Path(root)) if with_translations else catalog


def _load(root: Path) -> Catalog:
    """Every problem of every file in one pass: a file whose shape is wrong is
    still checked for unknown categories and repeated cookies."""
    shown = display_path(root)
    if not root.is_dir():
        raise CatalogError(
            [
                Problem(
                    shown, 0, 0, "", "no such catalog directory; expected a directory holding catalog.yml and plugins/"
                )
            ]
        )
    real_root = root.resolve()
    problems: list[Problem] = []
    product_doc, product = _read_product(root, real_root, problems)
    paths = _plugin_paths(root, real_root, problems)
    checked = zip(paths, _load_all(paths, lambda part: [_checked(loaded, PluginFile, problems) for loaded in part]))
    parsed = [(path, doc, model) for path, (doc, model) in checked if doc is not None]
    problems += _cross_file(product_doc, [doc for _, doc, _ in parsed])
    if problems:
        raise CatalogError(problems)
    assert product is not None
    valid = [(path, doc, model) for path, doc, model in parsed if model is not None]
    valid.sort(key=lambda item: (item[2].order is None, item[2].order or 0, item[0].name))
    catalog = Catalog(product=product, categories=_categories(product), plugins=_plugins(valid), root=shown)
    return dataclasses.replace(catalog, language=catalog.languages[0])


def translation_refusals(root: Path, languages: tuple[str, ...]) -> list[Problem]:
    """Why ``translations/`` or a PO file in it may not be read or written: a link out of the catalog (its
    text would be published, or ``translations update`` would write elsewhere), a directory, a device."""
    real_root = root.resolve()
    directory = root / translations.TRANSLATIONS_DIR
    if not directory.exists() and not directory.is_symlink():
        return []
    refused = _refusal(directory, real_root, "a directory of PO files", directory=True)
    if refused:
        return [refused]
    paths = [translations.po_path(root, language) for language in languages[1:]]
    return [
        refused
        for path in paths
        if path.exists() or path.is_symlink()
        for refused in [_refusal(path, real_root, "a gettext PO file")]
        if refused
    ]


def _translated(catalog: Catalog, root: Path) -> Catalog:
    """The catalog with its translations (``translations/*.po``) read and checked, in its default language."""
    problems = translation_refusals(root, catalog.languages)
    if problems:
        raise CatalogError(problems)
    found = translations.load(catalog, root, problems)
    if problems:
        raise CatalogError(problems)
    return dataclasses.replace(catalog, translations=found)


def _read_product(
    root: Path, real_root: Path, problems: list[Problem]
) -> tuple[YamlDocument | None, ProductFile | None]:
    path = root / PRODUCT_FILE
    if not path.exists() and not path.is_symlink():
        missing = "is missing; every catalog needs one, with at least `product:`"
        problems.append(Problem(display_path(path), 0, 0, "", missing))
        return None, None
    refused = _refusal(path, real_root, "a YAML file with at least `product:`")
    if refused:
        problems.append(refused)
        return None, None
    return _read_located(path, ProductFile, problems)


def _plugin_paths(root: Path, real_root: Path, problems: list[Problem]) -> list[Path]:
    directory = root / PLUGINS_DIR
    refused = (
        _refusal(directory, real_root, "a directory of plugin files", directory=True) if directory.exists() else None
    )
    if refused:
        problems.append(refused)
        return []
    paths = plugin_files(root)
    refusals = {path: _refusal(path, real_root, "a YAML plugin file") for path in paths}
    problems += [refused for refused in refusals.values() if refused]
    if not paths:
        none = "holds no plugin files; expected plugins/<name>.yml, one per plugin"
        problems.append(Problem(display_path(directory), 0, 0, "", none))
    return [path for path in paths if refusals[path] is None]


def _choices(valid: set[str] | list[str], given: str) -> str:
    close = difflib.get_close_matches(given, list(valid), n=1)
    listed = ", ".join(sorted(valid))
    return f"{listed} (did you mean {close[0]!r}?)" if close else listed


def _load_all(paths: list[Path], check: Callable[[list[YamlDocument | Problem]], list[R]]) -> list[R]:
    """Every file read, composed and then ``check``-ed, in order.

    A large catalog's files are split with a forked child (``parallel``), which only reads its half: the
    models ``check`` makes would cost more to send back than to make, so this process checks its own half
    while the child still reads. Files parsed before are read from ``parsecache``, which is kept within its
    bound once a load.
    """
    loaded = split_map(_composed, paths, _size, PARALLEL_BYTES, lambda part: check(list(map(_document, part))))
    parsecache.prune()
    return loaded


# A read file as the child sends it: its path, data and text, plain data that crosses the pipe marshalled.
PlainDocument = tuple[str, Any, str]


def _composed(paths: Sequence[Path]) -> list[PlainDocument | Problem]:
    return [doc if isinstance(doc, Problem) else (str(doc.path), doc.data, doc.text) for doc in map(load_yaml, paths)]


def _document(read: PlainDocument | Problem) -> YamlDocument | Problem:
    return read if isinstance(read, Problem) else YamlDocument(Path(read[0]), read[1], read[2])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_located(path: Path, model: type[M], problems: list[Problem]) -> tuple[YamlDocument, M]:
    return _checked(load_yaml(path), model, problems)


def _checked(doc: YamlDocument | Problem, model: type[M], problems: list[Problem]) -> tuple[YamlDocument, M]:
    if isinstance(doc, Problem):
        problems.append(doc)
        return None, None  # type: ignore[return-value]
    return doc, _validate(doc, model, problems)  # type: ignore[return-value]


def _read(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    return _read_located(path, model, problems)[1]


def _validate(doc: YamlDocument, model: type[M], problems: list[Problem]) -> M | None:
    if not isinstance(doc.data, dict):
        problems.append(
            Problem(
                doc.display,
                1,
                1,
                "",
                f"holds {_describe(doc.data)}; "
                f"expected a mapping of keys such as {', '.join(list(model.model_fields)[:3])}",
            )
        )
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


def _problem(doc: YamlDocument, model: type[BaseModel], error: ErrorDetails) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    given = error.get("input")
    if loc[-1:] == ("[key]",):  # pydantic's mark for a mapping key (a category key): point at the key
        return doc.problem(loc[:-1], str(error.get("ctx", {}).get("error") or error["msg"]), key=True)
    if kind == "missing":
        return doc.problem(loc, "is required but missing; add it")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        return doc.problem(
            loc, f"unknown key; expected one of {_choices(list(owner.model_fields), str(loc[-1]))}", key=True
        )
    if kind == "literal_error":
        return doc.problem(loc, f"{quoted(given)} is not allowed; expected {error['ctx']['expected']}")
    if kind in ("string_type", "list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type"):
        expected = {"string_type": "text", "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping"}.get(
            kind, "a mapping"
        )
        return doc.problem(loc, f"is {_describe(given)}; expected {expected}")
    if kind.startswith("date"):
        return doc.problem(loc, f"{quoted(given)} is not a date; expected an ISO date such as 2020-04-15")
    if kind.startswith("int"):
        return doc.problem(loc, f"{quoted(given)} is not a whole number; expected one such as 1")
    if kind == "value_error":
        return doc.problem(loc, str(error["ctx"]["error"]))
    if kind == "string_too_short":
        return doc.problem(loc, "is empty; expected text")
    return doc.problem(loc, error["msg"])


def _categories(product: ProductFile) -> tuple[Category, ...]:
    merged: list[Category] = []
    for key, (label, description) in BUILTIN_CATEGORIES.items():
        override = product.categories.get(key)
        merged.append(
            Category(key, (override and override.label) or label, (override and override.description) or description)
        )
    for key, definition in product.categories.items():
        if key not in BUILTIN_CATEGORIES:
            merged.append(
                Category(key, definition.label or key.replace("-", " ").capitalize(), definition.description or "")
            )
    return tuple(merged)


def _cross_file(product: YamlDocument | None, plugins: list[YamlDocument]) -> list[Problem]:
    """Unknown categories, repeated cookies and repeated titles, read from the files' data.

    The data rather than the validated models, so that these problems are
    reported together with the files' shape problems, not only once those are
    fixed; a value of the wrong type is left to the shape check.
    """
    keys = _category_keys(product)
    problems: list[Problem] = []
    titles: dict[str, YamlDocument] = {}
    for doc in plugins:
        data = doc.data if isinstance(doc.data, dict) else {}
        title = data.get("plugin")
        if isinstance(title, str):
            first = titles.setdefault(title, doc)
            if first is not doc:
                line, _ = first.locate(("plugin",))
                used = f"title {quoted(title)} is already used by {first.display}:{line}"
                problems.append(doc.problem(("plugin",), f"{used}; expected each plugin to have its own title"))
        cookies = data.get("cookies")
        problems += _cookie_problems(doc, cookies if isinstance(cookies, list) else [], keys)
    return problems


def _category_keys(product: YamlDocument | None) -> set[str] | None:
    """The built-in categories and those ``catalog.yml`` declares; None when it cannot be read (no check then)."""
    if product is None or not isinstance(product.data, dict):
        return None
    declared = product.data.get("categories")
    return set(BUILTIN_CATEGORIES) | (set(declared) if isinstance(declared, dict) else set())  # YAML keys are text


def _cookie_problems(doc: YamlDocument, cookies: list[Any], keys: set[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}
    defaults = [(f, CookieEntry.model_fields[f].default) for f in IDENTITY_FIELDS]  # once, not once a cookie
    for i, entry in enumerate(cookies):
        if not isinstance(entry, dict):
            continue
        category = entry.get("category")
        if keys is not None and isinstance(category, str) and category not in keys:
            expected = f"expected one of {_choices(keys, category)}, or declare it under `categories:` in catalog.yml"
            problems.append(doc.problem(("cookies", i, "category"), f"unknown category {quoted(category)}; {expected}"))
        identity = tuple(entry.get(f, default) for f, default in defaults)
        name, domain, storage = identity
        if not (isinstance(name, str) and isinstance(domain, (str, type(None))) and isinstance(storage, str)):
            continue  # the shape check reports it
        if identity in seen:
            line, _ = doc.locate(("cookies", seen[identity]))
            where = f" on {domain if len(domain) <= 100 else quoted(domain)}" if domain else ""
            kind = storage if len(storage) <= 40 else quoted(storage)
            listed = f"{quoted(name)}{where} ({kind}) is already listed at line {line}"
            once = f"expected each ({', '.join(IDENTITY_FIELDS)}) once per plugin"
            problems.append(doc.problem(("cookies", i, "name"), f"{listed}; {once}"))
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
            Cookie(entry, slugs.anchor(slug, entry.name, entry.identity, taken_anchors)) for entry in model.cookies
        )
        plugins.append(Plugin(model.plugin, path.name, slug, model.description, tuple(model.notes), cookies))
    return tuple(plugins)
