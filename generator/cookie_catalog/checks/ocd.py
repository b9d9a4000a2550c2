"""What the Open Cookie Database says about cookie names and domains.

Read from ``ocd_names.tsv`` beside this module, a compact table derived from the database
(Apache-2.0, attribution in its header, the licence in ``interop/data/``) by ``scripts/ocd_names.py``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

TABLE = "ocd_names.tsv"


@dataclass(frozen=True)
class OcdFacts:
    names: dict[str, frozenset[str]]  # a cookie name -> the catalog category keys the database files it under
    prefixes: tuple[tuple[str, frozenset[str]], ...]  # the database's wildcard names, longest first
    domains: dict[str, str]  # a third-party platform's domain -> the platform

    def categories(self, name: str, *, pattern: bool = False) -> frozenset[str]:
        """The categories the database files ``name`` under: its own row, else the longest wildcard that covers it.

        A catalog pattern such as ``_ga_*`` is looked up by its prefix, ``_ga_``.
        """
        if pattern:
            name = name.rstrip("*")
        found = self.names.get(name)
        if found is not None:
            return found
        return next((cats for prefix, cats in self.prefixes if name.startswith(prefix)), frozenset())

    def platform(self, domain: str) -> tuple[str, str] | None:
        """The platform whose domain ``domain`` is or is under, with that domain; None when the database has none."""
        labels = domain.strip().lstrip(".").lower().split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in self.domains:
                return candidate, self.domains[candidate]
        return None


def parse(text: str) -> OcdFacts:
    """The table's text as facts; comment lines start with ``#``."""
    names: dict[str, frozenset[str]] = {}
    prefixes: list[tuple[str, frozenset[str]]] = []
    domains: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, key, value = line.split("\t")
        if kind == "domain":
            domains[key] = value
        elif kind == "prefix":
            prefixes.append((key, frozenset(value.split(","))))
        else:
            names[key] = frozenset(value.split(","))
    prefixes.sort(key=lambda item: -len(item[0]))
    return OcdFacts(names, tuple(prefixes), domains)


@functools.cache
def facts() -> OcdFacts:
    """The shipped table, read once per process."""
    return parse(resources.files(__package__).joinpath(TABLE).read_text(encoding="utf-8"))
