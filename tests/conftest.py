"""Shared fixtures: the repository, the bundled catalog, and catalogs to break."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookie_catalog.cli import main

REPO = ROOT = Path(__file__).resolve().parent.parent
CATALOG = REPO / "catalog"
DATA = Path(__file__).resolve().parent / "data"
OCD_CSV = DATA / "open-cookie-database.csv"
SEED_PAGE = Path(__file__).parent / "data" / "seed-page.txt"
SEED_PLUGINS = ["App", "ClickToCall", "Console", "KnowledgeCenter", "WebChat"]
_ROW_SUFFIX = " Session Cookie Third-Party Strictly necessary"


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


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled catalog, to edit or break."""
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target)
    return target


class PropagatingRunner(CliRunner):
    """click's CliRunner, except that an exception a command raises reaches the test.

    A plain CliRunner reports a crash as exit code 1 with no traceback in the
    output: exactly what a refusal looks like, so a test of a refusal would pass
    on a crash. ``sys.exit`` (how the commands refuse) still gives an exit code.
    """

    def invoke(self, cli, args=None, **kwargs):
        if kwargs.pop("catch_exceptions", False):
            raise TypeError("tests let exceptions propagate: drop catch_exceptions")
        return super().invoke(cli, args, catch_exceptions=False, **kwargs)


@pytest.fixture
def runner() -> CliRunner:
    """Invoke the CLI in-process; a crash fails the test with its traceback."""
    return PropagatingRunner()


@pytest.fixture(scope="session")
def ocd_catalog(tmp_path_factory) -> Path:
    """The whole Open Cookie Database imported once, for every test that reads it."""
    from cookie_catalog.interop.importers.ocd import import_ocd
    from cookie_catalog.sinks.directory import write_tree

    out = tmp_path_factory.mktemp("ocd") / "catalog"
    write_tree(out, import_ocd(OCD_CSV).files())
    return out


@pytest.fixture
def cli():
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    runner = PropagatingRunner()

    def run(*args: str):
        result = runner.invoke(main, [str(a) for a in args])
        return result.exit_code, result.stdout, result.stderr

    return run


def write_catalog(root: Path, product: str = "product: Test\n", plugins: dict[str, str] | None = None) -> Path:
    """A catalog from literal YAML texts: {"file.yml": "..."}."""
    (root / "plugins").mkdir(parents=True, exist_ok=True)
    (root / "catalog.yml").write_text(product, encoding="utf-8")
    for name, text in (plugins or {}).items():
        (root / "plugins" / name).write_text(text, encoding="utf-8")
    return root


COOKIE = """  - name: {name}
    purpose: {purpose}
    duration: session
    provenance: first-party
    category: functional
"""


def plugin_yaml(title: str = "P", cookies: list[tuple[str, str]] = (("a", "b"),)) -> str:
    return f"plugin: {title}\ncookies:\n" + "".join(COOKIE.format(name=n, purpose=p) for n, p in cookies)


def no_traceback(text: str) -> bool:
    return "Traceback" not in text and not re.search(r'File ".*", line \d+', text)
