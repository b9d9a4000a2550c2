"""One rule for "are we in CI", read in one place (cookie_catalog.cli.ci)."""

from __future__ import annotations

import re

import pytest

from cookie_catalog.cli import interop as cli_interop
from cookie_catalog.cli.ci import in_ci

from support.paths import REPO

# The code, the tests and the benchmarks: every Python file of ours.
SOURCES = [
    p for d in ("generator", "tests", "benchmarks") for p in (REPO / d).rglob("*.py") if "node_modules" not in p.parts
]
_READS_CI = re.compile(r"""(environ\s*(\.get\s*\(|\[)|getenv\s*\()\s*['"]CI['"]""")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("true", True),
        ("True", True),
        ("1", True),
        ("yes", True),
        ("woodpecker", True),
        (" true\n", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
        (None, False),
    ],
)
def test_the_rule(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_the_progress_bar_follows_the_rule(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.setenv("CI", "false")
    assert cli_interop.show_progress()
    monkeypatch.setenv("CI", "1")
    assert not cli_interop.show_progress()


def test_nothing_else_reads_ci():
    assert len(SOURCES) > 20
    readers = [str(p.relative_to(REPO)) for p in SOURCES if _READS_CI.search(p.read_text(encoding="utf-8"))]
    assert readers == ["generator/cookie_catalog/cli/ci.py"]
