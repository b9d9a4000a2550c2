"""`cookie-catalog generate`: golden pages, determinism, atomic and contained output."""

from __future__ import annotations

import os
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

from cookie_catalog.catalog.loader import load_catalog

from support.catalogs import plugin_yaml, write_catalog
from support.cli import no_traceback
from support.inert import seen
from support.paths import CATALOG
from support.rendered import parse

GOLDEN = Path(__file__).parent / "golden"


def snapshot(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("page", ["webchat.md", "index.md"])
def test_golden_pages(cli, tmp_path, page):
    code, _, err = cli("generate", CATALOG, "--out", tmp_path / "out")
    assert code == 0, err
    produced = (tmp_path / "out" / page).read_text(encoding="utf-8")
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8"), (
        f"rerun with UPDATE_GOLDEN=1 if the change to {page} is intended"
    )


def test_writes_overview_and_one_page_per_plugin(cli, tmp_path):
    code, out, _ = cli("generate", CATALOG, "--out", tmp_path / "out")
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        ".cookie-catalog",
        "all-cookies.md",
        "app.md",
        "clicktocall.md",
        "console.md",
        "index.md",
        "knowledgecenter.md",
        "webchat.md",
    ]
    assert "7 files, 7 changed" in out


def test_deterministic_and_unchanged_files_not_rewritten(cli, tmp_path, catalog_copy):
    out = tmp_path / "out"
    cli("generate", catalog_copy, "--out", out)
    before = snapshot(out)
    code, text, _ = cli("generate", catalog_copy, "--out", out)
    assert code == 0 and "0 changed" in text
    assert snapshot(out) == before  # same bytes, same inodes, same mtimes
    # another directory, same bytes
    cli("generate", catalog_copy, "--out", tmp_path / "other")
    assert {k: v[0] for k, v in snapshot(tmp_path / "other").items()} == {k: v[0] for k, v in before.items()}
    # one edit rewrites exactly the pages that show it: its plugin's and All cookies
    path = catalog_copy / "plugins" / "console.yml"
    path.write_text(path.read_text().replace("position of the Console", "place of the Console"))
    code, text, _ = cli("generate", catalog_copy, "--out", out)
    after = snapshot(out)
    assert "2 changed" in text
    assert [k for k in before if before[k][1] != after[k][1]] == ["all-cookies.md", "console.md"]


def test_bad_catalog_leaves_output_untouched(cli, tmp_path, catalog_copy):
    out = tmp_path / "out"
    cli("generate", catalog_copy, "--out", out)
    before = snapshot(out)
    (catalog_copy / "plugins" / "app.yml").write_text("plugin: App\ncookies: foo\n")
    code, _, err = cli("generate", catalog_copy, "--out", out)
    assert code == 1 and "app.yml:2:10: cookies:" in err and no_traceback(err)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog", "out"]  # no temporary left behind


def test_broken_user_template_leaves_output_untouched(cli, tmp_path):
    out = tmp_path / "out"
    cli("generate", CATALOG, "--out", out)
    before = snapshot(out)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "plugin.md.j2").write_text("# {{ plugin.title \n")
    code, _, err = cli("generate", CATALOG, "--out", out, "--templates", templates)
    assert code == 1 and "plugin.md.j2:1: template error" in err and no_traceback(err)
    assert snapshot(out) == before


def test_user_templates_override_bundled_ones(cli, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "plugin.md.j2").write_text("# {{ plugin.title | md }} ({{ plugin.cookies | length }} cookies)\n")
    code, _, err = cli("generate", CATALOG, "--out", tmp_path / "out", "--templates", templates)
    assert code == 0, err
    assert (tmp_path / "out" / "webchat.md").read_text() == "# WebChat (21 cookies)\n"
    assert "## Consent categories" in (tmp_path / "out" / "index.md").read_text()  # not overridden


def test_refuses_to_replace_a_directory_it_did_not_write(cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("hand-written")
    code, _, err = cli("generate", CATALOG, "--out", docs)
    assert code == 1 and "was not written by cookie-catalog" in err
    assert (docs / "index.md").read_text() == "hand-written"


@pytest.mark.parametrize("stem", ["..%2F..%2Fescape", "CON", "nul", "a b", "ünïcödé", "x" * 200, "...."])
def test_never_writes_outside_out_whatever_the_names(cli, tmp_path, stem):
    title = "../../escape/" + stem
    cat = write_catalog(tmp_path / "cat", plugins={f"{stem}.yml": plugin_yaml(title=f'"{title}"')})
    out = tmp_path / "deep" / "out"
    code, _, err = cli("generate", cat, "--out", out)
    assert code == 0, err
    outside = {p for p in tmp_path.rglob("*") if p.is_file()} - set(cat.rglob("*")) - set(out.rglob("*"))
    assert outside == set()
    names = [p.name for p in out.iterdir()]
    assert len(names) == 4 and all(
        n.replace("-", "").replace(".", "").replace("c", "").isalnum() or n == ".cookie-catalog" for n in names
    )


def commonmark_html(markdown_text: str) -> list[str]:
    """The page as GitHub's renderer (raw HTML kept, as before GitHub sanitises) and markdown-it render it."""
    return [
        cmarkgfm.github_flavored_markdown_to_html(markdown_text, options=Options.CMARK_OPT_UNSAFE),
        MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown_text),
    ]


def test_gfm_flavour_renders_the_seed_notes_as_notes_in_github_and_commonmark(cli, tmp_path):
    """CommonMark has no admonitions: `!!! info` there is a paragraph and the note a code block. GFM pages
    write each note as a GitHub alert, a blockquote to any CommonMark renderer, with every name and purpose."""
    code, _, err = cli("generate", CATALOG, "--out", tmp_path / "out", "--flavour", "gfm")
    assert code == 0, err
    catalog = load_catalog(CATALOG)
    pages = {"index.md": (catalog.product.notes, [])} | {f"{p.slug}.md": (p.notes, p.cookies) for p in catalog.plugins}
    assert any(notes for notes, _ in pages.values())
    for page, (notes, cookies) in pages.items():
        for html in commonmark_html((tmp_path / "out" / page).read_text(encoding="utf-8")):
            parsed = parse(html)
            assert not [tag for tag, _ in parsed.tags if tag == "pre"], page
            quotes = [tag for tag, _ in parsed.tags if tag == "blockquote"]
            assert len(quotes) == len(notes), page
            paragraphs = [text for tag, text in parsed.blocks if tag == "p"]
            for note in notes:
                assert f"[!{note.kind.upper()}]\n{seen(note.text)}" in paragraphs
            cells = [text for tag, text in parsed.blocks if tag == "td"]
            for cookie in cookies:
                assert any(cell.startswith(seen(cookie.name)) for cell in cells), cookie.name
                assert seen(cookie.purpose) in cells


def test_flavour_mkdocs_is_the_default(cli, tmp_path):
    cli("generate", CATALOG, "--out", tmp_path / "default")
    cli("generate", CATALOG, "--out", tmp_path / "mkdocs", "--flavour", "mkdocs")
    for page in ("index.md", "webchat.md"):
        assert (tmp_path / "mkdocs" / page).read_bytes() == (tmp_path / "default" / page).read_bytes()
    assert '!!! info "Important"' in (tmp_path / "mkdocs" / "index.md").read_text(encoding="utf-8")
