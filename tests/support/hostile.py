"""The hostile catalog (tests/data/hostile-catalog) built into a site, and what its pages must show.

The expected texts are read from the YAML files with PyYAML, never through the code under test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from support.inert import seen
from support.paths import HOSTILE, REPO
from support.sitebuild import build

NAV_TITLE = "Cookies </title><img src=x onerror=alert('nav')> & \"more\" 'x' <b>"
FEATURES = ["navigation.footer", "navigation.path", "navigation.tabs"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def expected() -> dict:
    """The hostile catalog as plain YAML: what the site must show, independent of our loader."""
    read = lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))
    plugins = sorted((HOSTILE / "plugins").glob("*.yml"))
    return {"product": read(HOSTILE / "catalog.yml"), "plugins": [read(p) for p in plugins]}


def collapsed(text: str) -> str:
    """Text as a title shows it: MkDocs and browsers collapse white space in titles."""
    return " ".join(seen(text).split())


# The project's mkdocs.yml leaves site_name empty: the plugin names the site with the catalog's title.
SITE_NAME = collapsed(expected()["product"]["title"])


def site_config() -> str:
    """The project's own mkdocs.yml, without its hand-written pages, with more of Material's features on."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nnav:\n(?:[ ].*\n)+", "\n", config)
    config = config.replace("  features:\n", "  features:\n" + "".join(f"    - {f}\n" for f in FEATURES))
    options = f"      catalog: catalog\n      nav_title: {json.dumps(NAV_TITLE)}"
    return config.replace("      catalog: !ENV [COOKIE_CATALOG, catalog]", options)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, check=True)


def build_hostile_site(project: Path) -> Path:
    """The hostile catalog built in ``project``, with a Changes page: committed with another version, then as it is."""
    shutil.copytree(HOSTILE, project / "catalog")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n")
    (project / "mkdocs.yml").write_text(site_config())
    files = [project / "catalog" / "catalog.yml", *(project / "catalog" / "plugins").glob("*.yml")]
    current = {path: path.read_text(encoding="utf-8") for path in files}
    for path, text in current.items():  # version 0.9: another version, every plugin's description changed
        old = text.replace('version: "1.0 ', 'version: "0.9 ').replace('description: "', 'description: "Old: ')
        path.write_text(old, encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "0.9")
    for path, text in current.items():
        path.write_text(text, encoding="utf-8")
    git(project, "commit", "-q", "-am", "1.0")
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def expected_rows(data: dict, plugin: dict) -> list[list[str]]:
    """The cells of a plugin's cookie table, from the YAML: what a reader must see."""
    labels = {key: category["label"] for key, category in data["product"]["categories"].items()}
    rows = []
    for c in plugin["cookies"]:
        name = seen(c["name"]) + (" (pattern)" if c.get("pattern") else "")
        name += f" {c['storage']}" if c.get("storage", "cookie") != "cookie" else ""
        duration = c["duration"].capitalize() if c["duration"] == "session" else c["duration"]
        rows.append(
            [
                name + ("\n" + seen(c["domain"]) if c.get("domain") else ""),
                seen(c["purpose"]),
                duration + ("\n" + seen(c["duration_note"]) if c.get("duration_note") else ""),
                c["provenance"].capitalize()
                + ("\n" + seen(c["controller"]) if c.get("controller") else "")
                + ("\nPrivacy policy" if c.get("privacy_url") else ""),
                seen(labels[c["category"]]),
                seen(c.get("condition") or ""),
            ]
        )
    return rows
