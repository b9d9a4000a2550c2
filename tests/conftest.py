"""Shared fixtures: the bundled catalog to break, the CLI in-process, the imported Open Cookie Database.

Only fixtures live here; the helpers the tests share are in ``support/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookie_catalog.cli import main

from support.cli import PropagatingRunner
from support.paths import CATALOG, OCD_CSV


def pytest_configure(config: pytest.Config) -> None:
    """The cache of parsed files (catalog/parsecache) in a folder of the run's own, never the user's.

    Set before any test module is collected: helpers copy the environment for the builds they start
    (support/sitebuild) when they are imported.
    """
    folder = tempfile.mkdtemp(prefix="cookie-catalog-parsed-")
    os.environ["COOKIE_CATALOG_CACHE"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled catalog, to edit or break."""
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target)
    return target


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
