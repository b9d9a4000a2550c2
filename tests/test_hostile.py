"""A hostile but legal catalog, end to end, and page paths that are always safe and distinct."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import REPO, plugin_yaml, write_catalog
from sitebuild import build
from test_text_properties import parse, seen

from generator.loader import load_catalog

HOSTILE = Path(__file__).parent / "data" / "hostile-catalog"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("hostile")
    shutil.copytree(HOSTILE, project / "catalog")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    config = (project / "mkdocs.yml").read_text()
    config = re.sub(r"\nnav:\n(?:[ ].*\n)+", "\n", config).replace("extra_css:\n  - assets/cookie-catalog.css\n", "")
    (project / "mkdocs.yml").write_text(config)
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_generates_twice_to_identical_bytes_inside_out_only(cli, tmp_path):
    first, second = tmp_path / "a" / "out", tmp_path / "b" / "out"
    assert cli("generate", HOSTILE, "--out", first, "--format", "html")[0] == 0
    assert cli("generate", HOSTILE, "--out", second, "--format", "html")[0] == 0
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in d.rglob("*") if p.is_file()}  # noqa: E731
    assert files(first) == files(second)
    assert {p for p in tmp_path.rglob("*") if p.is_file()} == {*first.rglob("*"), *second.rglob("*")} - {first, second}
    pages = sorted(n for n in files(first) if n.endswith(".md") and n != "index.md")
    assert len(pages) == 5 and all(re.fullmatch(r"[a-z0-9-]{1,70}\.md", n) for n in pages)


def test_every_text_verbatim_and_inert_in_the_built_site(hostile_site):
    catalog = load_catalog(HOSTILE)
    for plugin in catalog.plugins:
        html = (hostile_site / "cookies" / plugin.slug / "index.html").read_text()
        article = html[html.index("<article"): html.index("</article>")]
        parsed = parse(article)
        texts = [t for _, t in parsed.blocks]
        assert any(t in (seen(plugin.title), seen(plugin.title) + "¶") for t in texts), plugin.title
        for cookie in plugin.cookies:
            assert seen(cookie.name) + "\n" + seen(cookie.domain) in texts
            assert seen(cookie.purpose) in texts
        for tag, attrs in parsed.tags:
            assert tag not in ("script", "img", "iframe", "b"), tag
            assert not any(k.startswith("on") for k in attrs)
            assert not attrs.get("href", "").lower().startswith("javascript")
    assert "javascript:alert" not in re.sub(r">[^<]*<", "><", (hostile_site / "cookies" / "index.html").read_text())


def test_five_distinct_plugin_pages_in_the_site(hostile_site):
    pages = sorted(p.parent.name for p in (hostile_site / "cookies").glob("*/index.html"))
    assert len(pages) == 5 and len({p.casefold() for p in pages}) == 5


@pytest.mark.parametrize("layout", ["case", "normalisation", "long", "reserved"])
def test_page_paths_distinct_and_portable(tmp_path, layout):
    stems = {
        "case": ["WebChat", "webchat", "WEBCHAT", "Web Chat", "web-chat", "web_chat"],
        "normalisation": [unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café"), "cafe", "CAFÉ"],
        "long": ["x" * 240, "x" * 241, "y" * 250],
        "reserved": ["CON", "con", "nul", "aux", "com1", "LPT9", "index", "...", "-"],
    }[layout]
    cat = write_catalog(tmp_path / "cat", plugins={f"{s}.yml": plugin_yaml(title=f'"{s}"') for s in stems})
    slugs = [p.slug for p in load_catalog(cat).plugins]
    assert len(slugs) == len(stems)
    assert len({s.casefold() for s in slugs}) == len(stems)
    windows_reserved = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,69}", slug) and slug not in windows_reserved | {"index"}, slug
