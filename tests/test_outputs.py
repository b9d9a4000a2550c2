"""Outputs are never surprising: what was asked for or nothing, readable as the umask says, the same bytes every time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CATALOG, no_traceback

from generator.policy import PolicyError, policy_files
from generator.loader import load_catalog


def contents(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


# -- policy --format -------------------------------------------------------------------------------


@pytest.mark.parametrize("formats", ["", ",", " , ", "md,", ",md", "md,,csv", "docx", "md,docx", "MD"])
def test_policy_format_list_empty_or_unknown_is_a_usage_error_and_touches_nothing(cli, tmp_path, formats):
    out = tmp_path / "out"
    assert cli("policy", CATALOG, "--out", out)[0] == 0
    before = contents(out)
    code, stdout, err = cli("policy", CATALOG, "--out", out, "--format", formats)
    assert code == 2 and stdout == "" and no_traceback(err)
    assert err.count("\n") == 1 and err.startswith(f"error: --format {formats!r}: ")
    assert "expected a comma-separated list of md, html, csv, json, pdf" in err
    assert contents(out) == before


def test_policy_formats_with_spaces_and_repeats(cli, tmp_path):
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "out", "--format", " md , csv,md")
    assert code == 0, err
    assert sorted(contents(tmp_path / "out")) == [".cookie-catalog", "cookie-policy.csv", "cookie-policy.md"]


def test_policy_files_refuses_an_empty_format_list():
    with pytest.raises(PolicyError, match="no format asked for"):
        policy_files(load_catalog(CATALOG), [])
