"""The plugin's options `templates`, `dir`, `nav_title` and `downloads`, each seen in a real build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.catalogs import SEED_PLUGINS, seed_rows
from support.paths import CATALOG
from support.sitebuild import build

DOWNLOADS = ["cookie-policy.csv", "cookie-policy.html", "cookie-policy.json", "cookie-policy.md", "tcf-disclosure.json"]


def site_with(tmp: Path, options: str) -> Path:
    """A one-page project with the bundled catalog and these plugin options; built strictly."""
    (tmp / "docs").mkdir()
    (tmp / "docs" / "index.md").write_text("# Home\n\nThe cookie policy of our product.\n")
    (tmp / "mkdocs.yml").write_text(
        "site_name: Options\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - cookie-catalog:\n      catalog: {CATALOG}\n{options}"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc\n"
    )
    result = build(tmp, tmp / "site")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def nav_labels(page: Path) -> list[str]:
    return re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', page.read_text())


@pytest.fixture(scope="module")
def custom(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("custom")
    (tmp / "overrides").mkdir()
    (tmp / "overrides" / "plugin.md.j2").write_text(
        "# {{ plugin.title | md }}\n\nOverridden: {{ plugin.cookies | length }} cookies.\n"
    )
    options = ["templates: overrides", "dir: policy/cookies", "nav_title: Our cookies", "downloads: false"]
    return site_with(tmp, "".join(f"      {option}\n" for option in options))


def test_dir_places_the_pages(custom):
    assert sorted(p.name for p in (custom / "policy" / "cookies").iterdir() if p.is_dir()) == sorted(
        ["all-cookies", *(p.lower() for p in SEED_PLUGINS)]
    )
    assert (custom / "policy" / "cookies" / "index.html").is_file()
    assert not (custom / "cookies").exists()
    home = (custom / "index.html").read_text()
    assert [f"policy/cookies/{p.lower()}/" for p in SEED_PLUGINS] == list(
        dict.fromkeys(re.findall(r'href="(policy/cookies/[a-z]+/)"', home))
    )


def test_templates_override_the_plugin_pages(custom):
    webchat = sum(1 for plugin, _, _ in seed_rows() if plugin == "WebChat")
    page = (custom / "policy" / "cookies" / "webchat" / "index.html").read_text()
    assert f"<p>Overridden: {webchat} cookies.</p>" in page
    assert "Consent categories" in (custom / "policy" / "cookies" / "index.html").read_text()  # not overridden


def test_nav_title_names_the_section(custom):
    labels = nav_labels(custom / "index.html")
    assert "Our cookies" in labels and "Cookies" not in labels


def test_downloads_false_leaves_them_out(custom):
    assert not (custom / "downloads").exists()
    pages = [p.read_text() for p in custom.rglob("*.html")]
    assert pages and not any("cookie-policy." in page for page in pages)


def test_downloads_true_without_pages(tmp_path):
    site = site_with(tmp_path, "      pages: false\n      downloads: true\n")
    assert sorted(p.name for p in (site / "downloads").iterdir() if p.is_file()) == DOWNLOADS
    assert sorted(p.name for p in (site / "downloads").iterdir() if p.is_dir()) == ["de", "fr"]
    assert not (site / "cookies").exists()
    assert "_genesys.widgets.webchat.state.open" in (site / "downloads" / "cookie-policy.csv").read_text()
