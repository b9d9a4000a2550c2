"""The plugin's language trees on small sites: languages the theme has no labels for, hand-written translations."""

from __future__ import annotations

import re
from pathlib import Path

from support.catalogs import plugin_yaml, write_catalog
from support.sitebuild import build


def site(tmp: Path, languages: str, docs: dict[str, str]) -> Path:
    catalog = write_catalog(
        tmp / "catalog",
        f"product: Test\nlanguages: {languages}\n",
        {"web.yml": plugin_yaml("Web", [("a", "Keeps the chat open.")])},
    )
    (tmp / "docs").mkdir()
    for name, text in docs.items():
        (tmp / "docs" / name).write_text(text, encoding="utf-8")
    (tmp / "mkdocs.yml").write_text(
        "site_name: Trees\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - cookie-catalog:\n      catalog: {catalog}\n"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc\n",
        encoding="utf-8",
    )
    result = build(tmp, tmp / "site")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    return tmp / "site"


def lang(page: Path) -> str:
    found = re.search(r'<html lang="([^"]+)"', page.read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def test_a_language_the_theme_has_no_labels_for_still_gets_its_html_lang(tmp_path):
    """Material has no Irish or Maltese labels: the tree uses its English ones, and says ga/mt on <html>."""
    built = site(tmp_path, "[en, ga, mt]", {"index.md": "# Home\n\n[Cookies](cookies/index.md)\n"})
    for language in ("ga", "mt"):
        assert lang(built / language / "index.html") == language
        assert lang(built / language / "cookies" / "web" / "index.html") == language
        page = (built / language / "cookies" / "web" / "index.html").read_text(encoding="utf-8")
        assert '<span lang="en">Keeps the chat open.</span> <small class="cc-untranslated">' in page
    assert lang(built / "index.html") == "en"


def test_a_hand_written_translation_stands_in_for_its_page_in_its_tree_only(tmp_path):
    built = site(
        tmp_path,
        "[en, de, fr]",
        {
            "index.md": "# Home\n\nWelcome. [Reading](reading.md)\n",
            "index.de.md": "# Start\n\nWillkommen. [Lesen](reading.md)\n",
            "reading.md": "# Reading\n\nHow to read.\n",
        },
    )
    assert "Willkommen." in (built / "de" / "index.html").read_text(encoding="utf-8")
    assert "Welcome." in (built / "index.html").read_text(encoding="utf-8")
    assert "Welcome." in (built / "fr" / "index.html").read_text(encoding="utf-8")  # no French one: as written
    assert not (built / "index.de").exists() and not (built / "de" / "index.de").exists()
    assert "How to read." in (built / "de" / "reading" / "index.html").read_text(encoding="utf-8")


def test_one_language_builds_one_tree(tmp_path):
    built = site(tmp_path, "[en]", {"index.md": "# Home\n", "index.de.md": "# Start\n"})
    assert not (built / "de").exists()
    assert 'hreflang="de"' not in (built / "index.html").read_text(encoding="utf-8")


def test_a_translated_page_is_titled_by_its_own_heading_in_the_nav(tmp_path):
    built = site(
        tmp_path,
        "[en, de]",
        {"index.md": "# Home\n\n[Reading](reading.md)\n", "reading.md": "# Reading\n", "reading.de.md": "# Lesen\n"},
    )
    (tmp_path / "mkdocs.yml").write_text(
        (tmp_path / "mkdocs.yml").read_text() + "nav:\n  - Home: index.md\n  - How to read: reading.md\n"
    )
    result = build(tmp_path, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    german = (built / "de" / "index.html").read_text(encoding="utf-8")
    english = (built / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="md-ellipsis">\s*Lesen\s*</span>', german)
    assert re.search(r'<span class="md-ellipsis">\s*How to read\s*</span>', english)
