"""Outputs are never surprising: what was asked for or nothing, readable as the umask says, the same bytes every time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CATALOG, OCD_CSV, no_traceback

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


# -- permissions: every output as the umask says -------------------------------------------------


@pytest.fixture
def umask():
    """Set the process umask for a test; restored after it."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of ``root`` and of everything under it."""
    return {p.relative_to(root.parent).as_posix(): p.stat().st_mode & 0o7777 for p in [root, *root.rglob("*")]}


def expected_modes(root: Path, mask: int) -> dict[str, int]:
    return {name: (0o777 if (root.parent / name).is_dir() else 0o666) & ~mask for name in modes(root)}


def _outputs(cli, base: Path) -> dict[Path, Path]:
    """Run every command that writes, each into a new path under a new directory of ``base``.

    Returns each output (a file or a directory) by the new directory above it.
    """
    outputs = {
        base / "e" / "site" / "cookieconsent-config.mjs": ("export", "cookieconsent", "--catalog", CATALOG),
        base / "e2" / "edpb.json": ("export", "edpb", "--catalog", CATALOG),
        base / "i" / "catalog": ("import", "open-cookie-database", OCD_CSV, "--force"),
        base / "g" / "pages": ("generate", CATALOG, "--format", "md,html"),
        base / "p" / "policy": ("policy", CATALOG),
        base / "s" / "schemas": ("schema",),
    }
    for out, args in outputs.items():
        code, _, err = cli(*args, "--out", out)
        assert code == 0, (args, err)
    return {base / out.relative_to(base).parts[0]: out for out in outputs}


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077, 0o002])
def test_every_output_gets_the_umask(cli, tmp_path, umask, mask):
    umask(mask)
    for top in _outputs(cli, tmp_path):  # the directories made on the way included
        assert modes(top) == expected_modes(top, mask), top.name


def test_a_changed_umask_reaches_unchanged_files(cli, tmp_path, umask):
    """Unchanged files are reused from the previous output only when their mode is still right."""
    umask(0o077)
    _outputs(cli, tmp_path)
    umask(0o022)
    for out in _outputs(cli, tmp_path).values():  # the directories above them are left as they were
        got, want = modes(out), expected_modes(out, 0o022)
        if out.name == "schemas":  # schema --out writes files into a directory that may be the user's own
            del got["schemas"], want["schemas"]
        assert got == want, out.name
