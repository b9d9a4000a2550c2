"""Catalogs for tests: written from literal YAML, and the rows of the page the bundled catalog was seeded from."""

from __future__ import annotations

from pathlib import Path

from support.paths import SEED_PAGE

SEED_PLUGINS = ["App", "ClickToCall", "Console", "KnowledgeCenter", "WebChat"]
_ROW_SUFFIX = " Session Cookie Third-Party Strictly necessary"

COOKIE = """  - name: {name}
    purpose: {purpose}
    duration: session
    provenance: first-party
    category: functional
"""


def seed_rows() -> list[tuple[str, str, str]]:
    """(plugin, name, purpose) for every cookie row of the seed page, read from the page itself."""
    rows, plugin = [], None
    for line in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        if line in SEED_PLUGINS:
            plugin = line
        elif plugin and line.endswith(_ROW_SUFFIX):
            name, purpose = line[: -len(_ROW_SUFFIX)].split(" ", 1)
            rows.append((plugin, name, purpose))
    return rows


def write_catalog(root: Path, product: str = "product: Test\n", plugins: dict[str, str] | None = None) -> Path:
    """A catalog from literal YAML texts: {"file.yml": "..."}."""
    (root / "plugins").mkdir(parents=True, exist_ok=True)
    (root / "catalog.yml").write_text(product, encoding="utf-8")
    for name, text in (plugins or {}).items():
        (root / "plugins" / name).write_text(text, encoding="utf-8")
    return root


def plugin_yaml(title: str = "P", cookies: list[tuple[str, str]] = (("a", "b"),)) -> str:
    """A plugin file's YAML with one functional session cookie per (name, purpose)."""
    return f"plugin: {title}\ncookies:\n" + "".join(COOKIE.format(name=n, purpose=p) for n, p in cookies)
