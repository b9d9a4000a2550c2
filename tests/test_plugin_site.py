"""What the plugin sets or says about the site as a whole: name, search separator, Google Fonts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cookie_catalog.sinks.mkdocs.site import SEARCH_SEPARATOR

from support.catalogs import write_catalog
from support.paths import CATALOG, REPO
from support.sitebuild import ENV, MKDOCS

PLUGIN = "  - cookie-catalog:\n      catalog: catalog\n"


def _project(tmp_path: Path, config: str, catalog: Path = CATALOG) -> Path:
    shutil.copytree(catalog, tmp_path / "catalog")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path


def _build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    """A build without --strict (the project's config decides), its log on stderr."""
    return subprocess.run(
        [*MKDOCS, "build", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site"), *extra],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )


def _index_config(project: Path) -> dict:
    return json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]


def _title(project: Path) -> str:
    return re.search(r"<title>([^<]*)</title>", (project / "site" / "index.html").read_text(encoding="utf-8"))[1]


def test_empty_site_name_is_the_catalogs_title(tmp_path):
    other = write_catalog(
        tmp_path / "other",
        "product: Acme Shop\n",
        {
            "a.yml": "plugin: A\ncookies:\n  - {name: a, purpose: p, duration: session, provenance: first-party,"
            " category: functional}\n"
        },
    )
    config = 'site_name: ""\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n' + PLUGIN
    project = _project(tmp_path / "site", config, other)
    result = _build(project, "--strict")
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert _title(project) == "Acme Shop cookie policy"
    assert '<meta name="description" content="The cookies Acme Shop sets, why, and for how long.">' in html


def test_a_site_name_set_in_mkdocs_yml_is_kept(tmp_path):
    config = "site_name: Our legal pages\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n" + PLUGIN
    project = _project(tmp_path, config)
    assert _build(project, "--strict").returncode == 0
    assert _title(project) == "Our legal pages"


def test_the_bundled_site_names_no_product_but_the_catalogs(tmp_path):
    """`make site CATALOG=other`: the project's own mkdocs.yml and docs/ with another catalog."""
    for name in ("docs",):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    write_catalog(
        tmp_path / "catalog",
        "product: Acme Shop\n",
        {
            "a.yml": "plugin: A\ncookies:\n  - {name: a, purpose: p, duration: session, provenance: first-party,"
            " category: functional}\n"
        },
    )
    result = _build(tmp_path, "--strict")
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "reading/index.html", "cookies/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "Genesys" not in html and "genesys" not in html, page
        assert "Acme Shop cookie policy" in html


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_search_gets_the_separator_names_need_unless_the_site_sets_one(tmp_path, theme):
    font = "  font: false\n" if theme == "material" else ""
    config = f"site_name: S\ntheme:\n  name: {theme}\n{font}plugins:\n  - search\n" + PLUGIN
    project = _project(tmp_path / "ours", config)
    assert _build(project, "--strict").returncode == 0
    assert _index_config(project)["separator"] == SEARCH_SEPARATOR
    own = config.replace("  - search\n", "  - search:\n      separator: '[\\s]+'\n")
    project = _project(tmp_path / "own", own)
    assert _build(project, "--strict").returncode == 0
    assert _index_config(project)["separator"] == "[\\s]+"


def test_google_fonts_are_named_in_the_build_log_with_the_fix(tmp_path):
    config = "site_name: S\ntheme:\n  name: material\nplugins:\n  - search\n" + PLUGIN
    project = _project(tmp_path / "fonts", config)
    result = _build(project)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "Google Fonts" in line]
    assert len(warnings) == 1 and warnings[0].startswith("WARNING") and "`font: false`" in warnings[0]
    assert "fonts.googleapis.com" in (project / "site" / "index.html").read_text(encoding="utf-8")
    # under --strict the warning fails the build, as every warning does
    assert _build(project, "--strict").returncode != 0


@pytest.mark.parametrize(
    "setting", ["theme:\n  name: material\n  font: false\n", "theme:\n  name: mkdocs\n", "theme:\n  name: material\n"]
)
def test_no_fonts_warning_where_no_google_font_is_loaded(tmp_path, setting):
    plugins = "plugins:\n  - search\n" + ("  - privacy\n" if setting.endswith("material\n") else "") + PLUGIN
    project = _project(tmp_path, f"site_name: S\n{setting}{plugins}")
    result = _build(project, "--strict")
    assert "Google Fonts" not in result.stderr
    if "privacy" not in plugins:
        assert result.returncode == 0, result.stderr
        assert "fonts.googleapis.com" not in (project / "site" / "index.html").read_text(encoding="utf-8")
