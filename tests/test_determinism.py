"""The same catalog gives the same site, byte for byte, wherever and whenever it is built.

MkDocs itself stamps the build date into sitemap.xml (each page's lastmod) and
sitemap.xml.gz; it honours SOURCE_DATE_EPOCH for both, so with it set the
whole site is byte-identical. Everything the plugin generates is identical
regardless, since its dates come from the catalog, never from the clock.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from cookie_catalog.cli.ci import in_ci

from support.inert import seen
from support.pagecheck import site_problems, theme_baseline
from support.rendered import parse
from support.sitebuild import build, project_copy
from support.strategies import catalogs, write


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_two_builds_in_different_directories_are_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    first = project_copy(tmp_path / "one")
    second = project_copy(tmp_path / "elsewhere" / "two")
    assert build(first, first / "site").returncode == 0
    assert build(second, second / "site").returncode == 0
    a, b = tree(first / "site"), tree(second / "site")
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_only_the_sitemap_carries_the_build_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    project = project_copy(tmp_path / "p")
    config = project / "mkdocs.yml"  # the sitemap lists pages (with dates) only when site_url is set
    config.write_text("site_url: https://cookies.example.com/\n" + config.read_text())
    assert build(project, project / "a").returncode == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert build(project, project / "b").returncode == 0
    a, b = tree(project / "a"), tree(project / "b")
    sitemaps = [f"{tree}sitemap.xml{gz}" for tree in ("", "de/", "fr/") for gz in ("", ".gz")]  # one per language
    assert sorted(name for name in a if a[name] != b[name]) == sorted(sitemaps)


CONFIG = (
    "site_name: Test\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - cookie-catalog{options}\n"
    "markdown_extensions:\n  - admonition\n  - tables\n  - toc:\n      permalink: true\n"
)


@settings(
    max_examples=8 if in_ci() else 3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(catalogs())
def test_random_catalogs_through_a_real_mkdocs_build(data):
    """A sample of the random catalogs of test_text_properties, built by MkDocs itself, every page checked whole."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        no_pages = CONFIG.format(options=":\n      pages: false\n      downloads: true")
        baseline = theme_baseline(no_pages, project / "baseline")
        write(data, project / "catalog")
        (project / "docs").mkdir()
        (project / "docs" / "index.md").write_text("# Home\n")
        (project / "mkdocs.yml").write_text(CONFIG.format(options=""))
        result = build(project, project / "site")
        assert result.returncode == 0, result.stderr
        pages = sorted(p for p in (project / "site" / "cookies").glob("*/index.html") if p.parent.name != "all-cookies")
        assert len(pages) == len(data["plugins"])
        assert site_problems(project / "site", baseline) == []
        texts = []
        for page in pages:
            html = page.read_text()
            texts += [t for _, t in parse(html[html.index("<article") : html.index("</article>")]).blocks]
        for plugin in data["plugins"]:
            assert any(t in (seen(plugin["plugin"]), seen(plugin["plugin"]) + "¶") for t in texts)
            for cookie in plugin["cookies"]:
                assert seen(cookie["purpose"]) in texts
