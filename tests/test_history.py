"""Catalogs from git: `diff git:REV`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import no_traceback, plugin_yaml, write_catalog

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def product(version: str, updated: str) -> str:
    return f'product: Test\nversion: "{version}"\nupdated: {updated}\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """An empty git repository, isolated from any repository around tmp_path."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


def test_git_rev_is_the_catalog_as_committed(cli, repo, monkeypatch):
    catalog = write_catalog(repo / "catalog", plugins={"p.yml": plugin_yaml("P", [("a", "Old purpose.")])})
    commit(repo, "first")
    write_catalog(catalog, plugins={"p.yml": plugin_yaml("P", [("a", "New purpose.")])})
    commit(repo, "second")
    monkeypatch.chdir(repo / "catalog")  # the path is relative to the repository root, not the working directory

    code, out, err = cli("diff", "git:HEAD~1", "git:HEAD:catalog", "--format", "json")
    assert code == 1, err
    assert '"old": "Old purpose."' in out and '"new": "New purpose."' in out
    assert cli("diff", "git:HEAD", repo / "catalog")[0] == 0


def test_invalid_committed_catalog_names_git_rev_file_and_line(cli, repo, monkeypatch):
    write_catalog(repo / "catalog", plugins={"p.yml": plugin_yaml("P").replace("provenance: first-party", "provenance: no")})
    commit(repo, "broken")
    git(repo, "mv", "catalog", "moved")
    commit(repo, "moved")
    monkeypatch.chdir(repo)
    code, out, err = cli("diff", "git:HEAD~1", "git:HEAD:moved")
    assert code == 2 and out == ""
    assert "git:HEAD~1:catalog/plugins/p.yml:6:17: cookies[0].provenance: 'no' is not allowed" in err
    assert "git:HEAD:moved/plugins/p.yml:6:17: cookies[0].provenance:" in err
    assert no_traceback(err)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("git:nope", "error: git:nope: unknown revision 'nope'"),
        ("git:HEAD:elsewhere", "error: git:HEAD:elsewhere: no directory 'elsewhere' at HEAD"),
        ("git:", "error: git:: no revision; expected git:REV or git:REV:path"),
    ],
)
def test_git_failures_are_one_line(cli, repo, monkeypatch, source, message):
    write_catalog(repo / "catalog", plugins={"p.yml": plugin_yaml()})
    commit(repo, "first")
    monkeypatch.chdir(repo)
    code, out, err = cli("diff", source, "catalog")
    assert code == 2 and out == ""
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


def test_not_a_repository(cli, repo, monkeypatch):
    outside = repo.parent / "outside"
    write_catalog(outside, plugins={"p.yml": plugin_yaml()})
    monkeypatch.chdir(outside)
    code, _, err = cli("diff", "git:HEAD", ".")
    assert code == 2 and "is not inside a git work tree" in err and no_traceback(err)
