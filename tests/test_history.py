"""Catalogs from git: `diff git:REV`, the version history, and the site's Changes page."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.slugs import page_slug
from cookie_catalog.changes.history import CHANGES, releases
from cookie_catalog.render.pages import OVERVIEW

from support.catalogs import plugin_yaml, write_catalog
from support.cli import no_traceback
from support.sitebuild import article, build, project_copy

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True
    )
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
    write_catalog(
        repo / "catalog", plugins={"p.yml": plugin_yaml("P").replace("provenance: first-party", "provenance: no")}
    )
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
        (
            "git:HEAD:../../etc/passwd",
            "error: git:HEAD:../../etc/passwd: path '../../etc/passwd' leads out of the repository",
        ),
        ("git:HEAD:catalog/../..", "error: git:HEAD:catalog/../..: path 'catalog/../..' leads out of the repository"),
        ("git:--output=x", "error: git:--output=x: a revision cannot start with '-'"),
        ("git:HEAD\nHEAD:catalog", "error: 'git:HEAD\\nHEAD:catalog': holds a control character"),
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
    assert releases(outside) == []


def test_releases_group_commits_by_version_newest_first(repo):
    catalog = repo / "policy"
    write_catalog(catalog, product("1", "2024-01-01"), {"p.yml": plugin_yaml("P", [("a", "x")])})
    commit(repo, "v1")
    write_catalog(catalog, product("1", "2024-01-02"), {"p.yml": plugin_yaml("P", [("a", "x"), ("b", "y")])})
    commit(repo, "v1, amended: b belongs to version 1")
    (repo / "unrelated.txt").write_text("not the catalog")
    commit(repo, "unrelated")
    write_catalog(catalog, product("2", "2024-02-01"), {"p.yml": plugin_yaml("P", [("a", "x2"), ("b", "y")])})
    commit(repo, "v2")
    write_catalog(catalog, product("3", "2024-03-01"), {"p.yml": "plugin: [broken"})
    commit(repo, "an invalid catalog is skipped")
    write_catalog(catalog, product("3", "2024-03-01"), {"p.yml": plugin_yaml("P", [("a", "x2")])})
    commit(repo, "v3")

    found = releases(catalog)
    assert [(r.version, r.updated) for r in found] == [("3", dt.date(2024, 3, 1)), ("2", dt.date(2024, 2, 1))]
    (v3,) = found[0].diff.plugins
    assert [e.name for e in v3.removed] == ["b"] and v3.changed == ()
    (v2,) = found[1].diff.plugins
    assert v2.added == () and [(c.cookie.name, c.fields[0].old, c.fields[0].new) for c in v2.changed] == [
        ("a", "x", "x2")
    ]


def test_one_version_is_no_history(repo):
    write_catalog(repo / "catalog", product("1", "2024-01-01"), {"p.yml": plugin_yaml()})
    commit(repo, "v1")
    write_catalog(repo / "catalog", product("1", "2024-01-02"), {"p.yml": plugin_yaml("P", [("a", "c")])})
    commit(repo, "still v1")
    assert releases(repo / "catalog") == []


def test_catalog_at_the_repository_root(cli, repo, monkeypatch):
    write_catalog(repo, product("1", "2024-01-01"), {"p.yml": plugin_yaml()})
    commit(repo, "v1")
    write_catalog(repo, product("2", "2024-02-01"), {"p.yml": plugin_yaml()})
    commit(repo, "v2")
    assert [r.version for r in releases(repo)] == ["2"]
    monkeypatch.chdir(repo)
    code, out, _ = cli("diff", "git:HEAD~1:.", "git:HEAD:/", "--format", "json")
    assert code == 1 and '"new": "2"' in out


# The site's Changes page, from a real `mkdocs build --strict`.


def site_repo(repo: Path) -> Path:
    """The project's site sources committed as version 2020-04-15, in ``repo``."""
    project_copy(repo)
    commit(repo, "the seed catalog")
    return repo


def test_changes_page_lists_the_change_verbatim(repo):
    project = site_repo(repo)
    catalog_file = project / "catalog" / "catalog.yml"
    catalog_file.write_text(
        catalog_file.read_text()
        .replace('version: "2020-04-15"', 'version: "2.0"')
        .replace("updated: 2020-04-15", "updated: 2021-06-30")
    )
    webchat = project / "catalog" / "plugins" / "webchat.yml"
    old_purpose = "A cookie containing the WebChat Widget open or close state for internal tracking purposes."
    new_purpose = "Open *or* closed <script>alert(1)</script> state | tracked."
    webchat.write_text(webchat.read_text().replace(f'"{old_purpose}"', f"'{new_purpose}'"))
    commit(project, "version 2.0")

    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    page = article(project / "site" / "cookies" / "changes" / "index.html")
    text = "".join(page.chunks)
    assert "Version 2.0" in text and "Last updated: 2021-06-30" in text
    assert old_purpose in text and new_purpose in text
    assert not [tag for tag, _ in page.tags if tag in ("script", "em")]
    # After the plugin pages in the nav.
    home = (project / "site" / "index.html").read_text()
    assert home.index('href="cookies/webchat/"') < home.index('href="cookies/changes/"')

    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("      catalog: !ENV", "      history: false\n      catalog: !ENV"))
    assert build(project, project / "off").returncode == 0
    assert not (project / "off" / "cookies" / "changes").exists()


def test_no_changes_page_without_history(repo, tmp_path):
    project = site_repo(repo)  # one version only
    assert build(project, tmp_path / "one").returncode == 0
    assert not (tmp_path / "one" / "cookies" / "changes").exists()

    plain = project_copy(tmp_path / "plain")  # not in a git repository (GIT_CEILING_DIRECTORIES)
    assert build(plain, tmp_path / "none").returncode == 0
    assert not (tmp_path / "none" / "cookies" / "changes").exists()


@pytest.mark.parametrize("stem", ["changes", "Changes", "CHANGES", "changes-", "index", "Index", "INDEX.", "-index"])
def test_no_plugin_page_takes_a_fixed_page_name(stem):
    """The names the renderer and the history give their pages are never a plugin's page name."""
    assert f"{page_slug(stem, set())}.md" not in (OVERVIEW, CHANGES)


def test_a_plugin_named_like_a_fixed_page_keeps_its_own_page(repo):
    """plugins/changes.yml (titled "Changes") beside a history: the Changes page and the plugin's page are two pages.

    The plugin's page was silently replaced by the Changes page, and its cookies' search entries led there.
    """
    project = site_repo(repo)
    plugins = project / "catalog" / "plugins"
    (plugins / "changes.yml").write_text(plugin_yaml("Changes", [("changes_cookie", "Remembers the changes.")]))
    (plugins / "index.yml").write_text(plugin_yaml("index", [("index_cookie", "Remembers the index.")]))
    catalog_file = project / "catalog" / "catalog.yml"
    catalog_file.write_text(catalog_file.read_text().replace('version: "2020-04-15"', 'version: "2.0"'))
    commit(project, "version 2.0, with plugins named changes and index")

    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    changes = "".join(article(site / "cookies" / "changes" / "index.html").chunks)
    assert "What each version of this policy added" in changes and "changes_cookie" in changes  # the added plugin
    overview = "".join(article(site / "cookies" / "index.html").chunks)
    assert "Consent categories" in overview
    slugs = {p.title: p.slug for p in load_catalog(project / "catalog").plugins}
    assert slugs["Changes"] not in ("changes", "index") and slugs["index"] not in ("changes", "index")
    for title, cookie in (("Changes", "changes_cookie"), ("index", "index_cookie")):
        own = "".join(article(site / "cookies" / slugs[title] / "index.html").chunks)
        assert cookie in own and "What each version" not in own and "Consent categories" not in own
        index = json.loads((site / "search" / "search_index.json").read_text())
        [location] = [d["location"] for d in index["docs"] if d["title"] == cookie]
        assert location.startswith(f"cookies/{slugs[title]}/#"), location


def test_committed_catalog_files_over_the_size_limit_are_refused_unread(cli, repo, monkeypatch):
    """The tree is streamed: a committed file is refused by its size in the archive, never read whole."""
    write_catalog(repo / "catalog", plugins={"p.yml": plugin_yaml(), "q.yml": plugin_yaml("Q") + "#" * 400 + "\n"})
    commit(repo, "big")
    monkeypatch.chdir(repo)
    monkeypatch.setattr("cookie_catalog.changes.history.MAX_FILE_BYTES", 300)
    code, _, err = cli("diff", "git:HEAD", "catalog")
    assert code == 2 and err.startswith("error: git:HEAD:catalog/plugins/q.yml: file is 5")
    assert err.rstrip().endswith("bytes; at most 300 are accepted") and len(err.splitlines()) == 1


def test_committed_links_and_other_files_are_left_out(cli, repo, monkeypatch):
    catalog = write_catalog(repo / "catalog", plugins={"p.yml": plugin_yaml()})
    (catalog / "plugins" / "passwd.yml").symlink_to("/etc/passwd")
    (catalog / "notes.txt").write_text("not read")
    commit(repo, "links")
    monkeypatch.chdir(repo)
    code, out, err = cli("diff", "git:HEAD", "git:HEAD", "--format", "json")
    assert code == 0 and err == "" and '"equal": true' in out
