"""Shared fixtures: the bundled catalog, the Open Cookie Database copy, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
OCD_CSV = DATA / "open-cookie-database.csv"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def ocd_catalog(tmp_path_factory) -> Path:
    """The whole Open Cookie Database imported once, for every test that reads it."""
    from generator.importers.ocd import import_ocd
    from generator.sink import write_tree

    out = tmp_path_factory.mktemp("ocd") / "catalog"
    write_tree(out, import_ocd(OCD_CSV).files())
    return out
