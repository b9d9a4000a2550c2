"""Catalog models -> YAML files that ``cookie_catalog.catalog.loader`` reads back identically.

Importers build ``ProductFile`` and ``PluginFile`` models; this module turns
them into the bytes of a catalog directory. Our loader keeps every scalar as
the text written (only plain ``~``, ``null`` and empty become None), so the
danger is a value that a plain scalar would change: PyYAML's emitter quotes any
text that would resolve to something other than a string (``null``, ``true``,
``2020-04-15``, ``010``) and any text it cannot write plainly (leading spaces,
``: ``, ``#``, line breaks, control characters), which is a superset of what our
loader would misread. Text with line breaks is always double-quoted, where
every break is an escape. Lines are never folded, so long purposes stay one line.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml
from pydantic import BaseModel

from cookie_catalog.catalog import collector, slugs
from cookie_catalog.catalog.loader import PLUGINS_DIR, PRODUCT_FILE
from cookie_catalog.catalog.model import LINE_BREAKS, PluginFile, ProductFile


class _Dumper(yaml.CSafeDumper):
    """Block style, keys in model order, no line folding, Unicode kept readable.

    libyaml's emitter (the loader needs libyaml too): PyYAML's pure-Python one
    was three quarters of the time of importing a 100,000-row table. libyaml
    writes characters beyond U+FFFF (emoji) as ``\\U`` escapes in double quotes;
    they read back the same.
    """


_BREAKS = frozenset(LINE_BREAKS)


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    # PyYAML writes line breaks raw in plain and single-quoted scalars, and
    # libyaml folds NEL, U+2028 and U+2029 there; double quotes escape them all
    # (VT and FF it would double-quote anyway, as non-printable).
    style = None if _BREAKS.isdisjoint(value) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_model(model: BaseModel, *, header: str = "") -> str:
    """YAML of ``model`` without fields left at their defaults; ``header`` becomes comments."""
    data = model.model_dump(mode="json", exclude_defaults=True)
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
        indent=2,
    )
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comments + body


def plugin_file_names(titles: Iterable[str]) -> list[str]:
    """A safe, unique ``plugins/<slug>.yml`` for each title (``Bing / Microsoft`` -> ``bing-microsoft.yml``).

    Titles are named in sorted order, so when two clash (``CloudFlare`` and
    ``Cloudflare``) the same one gets the suffix whatever order the source had.
    """
    titles = list(titles)
    taken: set[str] = set()
    names = {title: f"{PLUGINS_DIR}/{slugs.page_slug(title, taken)}.yml" for title in sorted(set(titles))}
    return [names[title] for title in titles]


def catalog_files(product: ProductFile, plugins: list[PluginFile], *, header: str = "") -> dict[str, bytes]:
    """The files of a catalog directory, ready for ``cookie_catalog.sinks.directory.write_tree``."""
    with collector.paused():  # half the time of writing 100,000 cookies otherwise
        files = {PRODUCT_FILE: dump_model(product, header=header).encode("utf-8")}
        for name, plugin in zip(plugin_file_names(p.plugin for p in plugins), plugins):
            files[name] = dump_model(plugin, header=header).encode("utf-8")
    return files
