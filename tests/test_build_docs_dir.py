"""``cookie-catalog build --docs-dir``: owned folders, --check, --watch; ``generate``/``policy --check``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli import main

from support.paths import CATALOG

PROGRAM = Path(sys.executable).parent / "cookie-catalog"
FOLDERS = ["cookies", "downloads", ".cookie-catalog-theme", "assets/cookie-catalog"]


def _build(runner, docs: Path, catalog: Path = CATALOG, *extra: str):
    return runner.invoke(main, ["build", str(catalog), "--docs-dir", str(docs), *extra])


def _edit_webchat(catalog: Path) -> None:
    path = catalog / "plugins" / "webchat.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("open or close state", "open or closed state (edited)", 1), encoding="utf-8")


def test_build_writes_every_folder_and_check_passes(runner, tmp_path):
    docs = tmp_path / "docs"
    assert _build(runner, docs).exit_code == 0
    for folder in FOLDERS:
        assert (docs / folder / ".cookie-catalog").is_file(), folder
    assert (docs / ".cookie-catalog-theme" / "downloads" / "cookie-policy.md").is_file()
    assert not (docs / "downloads" / "cookie-policy.md").exists()  # a page under Zensical, not a download
    assert sorted(p.name for p in (docs / "assets" / "cookie-catalog").iterdir()) == [
        ".cookie-catalog",
        "cookie-catalog-index.json",
        "cookie-catalog-tables.css",
        "cookie-catalog-tables.js",
        "cookie-catalog.css",
        "cookie-catalog.js",
    ]
    nav = (docs / "cookies" / ".nav.md").read_text(encoding="utf-8").splitlines()
    assert nav == ["- [Genesys Widgets Cookie Usage](index.md)", "- [All cookies](all-cookies.md)"] + [
        f"- [{p.title}]({p.slug}.md)" for p in load_catalog(CATALOG).plugins
    ]
    result = _build(runner, docs, CATALOG, "--check")
    assert result.exit_code == 0, result.output


def test_nav_file_of_a_large_catalog_files_plugins_by_initial(runner, tmp_path):
    """Over 40 plugins, ``.nav.md`` nests them under their initial, in index order, as the plugin's nav does:
    with ``navigation.prune`` each page then carries one letter (the OCD's Zensical site: 49 MB -> 22 MB)."""
    from support.catalogs import COOKIE, write_catalog

    titles = [f"Vendor {i}" for i in range(1, 40)] + ["(none)", "Ádám", "adobe", "Adobe Target", "9 Lives"]
    plugins = {
        f"p{i:02d}.yml": f"plugin: '{title}'\norder: {i}\ncookies:\n" + COOKIE.format(name=f"c{i}", purpose="Keeps.")
        for i, title in enumerate(titles)
    }
    catalog = write_catalog(tmp_path / "cat", plugins=plugins)
    docs = tmp_path / "docs"
    result = _build(runner, docs, catalog)
    assert result.exit_code == 0, result.output
    nav = (docs / "cookies" / ".nav.md").read_text(encoding="utf-8").splitlines()
    slugs = {p.title: p.slug for p in load_catalog(catalog).plugins}
    assert nav[0].endswith("](index.md)")
    assert nav[:6] == [
        nav[0],
        "- [All cookies](all-cookies.md)",
        "- A",
        f"    - [Ádám]({slugs['Ádám']}.md)",
        f"    - [adobe]({slugs['adobe']}.md)",
        f"    - [Adobe Target]({slugs['Adobe Target']}.md)",
    ]
    assert nav[6:9] == ["- V", f"    - [Vendor 1]({slugs['Vendor 1']}.md)", f"    - [Vendor 2]({slugs['Vendor 2']}.md)"]
    assert nav[-4:] == [
        "- 0–9",
        f"    - [9 Lives]({slugs['9 Lives']}.md)",
        "- \\#",  # escaped: a bare "#" would be a heading in the list item
        f"    - [\\(none)]({slugs['(none)']}.md)",
    ]


def test_check_names_stale_files_after_a_catalog_edit_and_passes_after_build(runner, tmp_path, catalog_copy):
    docs = tmp_path / "docs"
    assert _build(runner, docs, catalog_copy).exit_code == 0
    _edit_webchat(catalog_copy)
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    result = _build(runner, docs, catalog_copy, "--check")
    assert result.exit_code == 1
    assert f"{docs / 'cookies' / 'webchat.md'}: stale" in result.stderr
    assert f"{docs / 'downloads' / 'cookie-policy.csv'}: stale" in result.stderr
    assert f"{docs / 'cookies' / 'app.md'}" not in result.stderr
    assert {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()} == before  # --check wrote nothing
    assert _build(runner, docs, catalog_copy).exit_code == 0
    assert _build(runner, docs, catalog_copy, "--check").exit_code == 0


def test_check_names_missing_and_extra_files(runner, tmp_path):
    docs = tmp_path / "docs"
    assert _build(runner, docs).exit_code == 0
    (docs / "cookies" / "app.md").unlink()
    (docs / "cookies" / "old.md").write_text("# Old\n", encoding="utf-8")
    result = _build(runner, docs, CATALOG, "--check")
    assert result.exit_code == 1
    assert f"{docs / 'cookies' / 'app.md'}: missing" in result.stderr
    assert f"{docs / 'cookies' / 'old.md'}: extra" in result.stderr


def test_an_unchanged_build_rewrites_nothing(runner, tmp_path):
    docs = tmp_path / "docs"
    assert _build(runner, docs).exit_code == 0
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in docs.rglob("*") if p.is_file()}
    result = _build(runner, docs)
    assert result.exit_code == 0 and "changed" in result.output
    written = [line for line in result.output.splitlines() if " files, " in line]
    assert len(written) == 6 and all(line.endswith(" 0 changed") for line in written)  # 3 languages
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in docs.rglob("*") if p.is_file()} == before


def test_a_hand_written_folder_stops_the_build_before_anything_is_written(runner, tmp_path):
    docs = tmp_path / "docs"
    (docs / "downloads").mkdir(parents=True)
    (docs / "downloads" / "brochure.pdf").write_bytes(b"%PDF hand-made")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    result = _build(runner, docs)
    assert result.exit_code == 1
    assert "downloads is not empty and was not written by cookie-catalog" in result.stderr
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*")) == [
        "downloads",
        "downloads/brochure.pdf",
        "index.md",
    ]
    assert (docs / "downloads" / "brochure.pdf").read_bytes() == b"%PDF hand-made"
    check = _build(runner, docs, CATALOG, "--check")
    assert check.exit_code == 1 and "not written by cookie-catalog" in check.stderr


def test_dir_may_not_overlap_the_other_folders(runner, tmp_path):
    for value in ("downloads", "assets", "../x", ".", ""):
        result = _build(runner, tmp_path / "docs", CATALOG, "--dir", value)
        assert result.exit_code == 1, value
        assert result.stderr.startswith("error: --dir"), result.stderr
    assert not (tmp_path / "docs").exists()


def test_generate_and_policy_check(runner, tmp_path, catalog_copy):
    for verb in ("generate", "policy"):
        out = tmp_path / verb
        missing = runner.invoke(main, [verb, str(catalog_copy), "--out", str(out), "--check"])
        assert missing.exit_code == 1 and ": missing" in missing.stderr
        assert not out.exists()
        assert runner.invoke(main, [verb, str(catalog_copy), "--out", str(out)]).exit_code == 0
        assert runner.invoke(main, [verb, str(catalog_copy), "--out", str(out), "--check"]).exit_code == 0
    _edit_webchat(catalog_copy)
    generate = runner.invoke(main, ["generate", str(catalog_copy), "--out", str(tmp_path / "generate"), "--check"])
    assert generate.exit_code == 1 and f"{tmp_path / 'generate' / 'webchat.md'}: stale" in generate.stderr
    policy = runner.invoke(main, ["policy", str(catalog_copy), "--out", str(tmp_path / "policy"), "--check"])
    assert policy.exit_code == 1 and f"{tmp_path / 'policy' / 'cookie-policy.md'}: stale" in policy.stderr


def _wait(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_watch_rewrites_an_edited_page_in_place(tmp_path, catalog_copy):
    """Under --watch a catalog edit reaches the page, file by file: the folder is the same
    directory (``zensical serve`` does not follow a folder replaced by a rename)."""
    docs = tmp_path / "docs"
    page = docs / "cookies" / "webchat.md"
    process = subprocess.Popen(
        [str(PROGRAM), "build", str(catalog_copy), "--docs-dir", str(docs), "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert _wait(lambda: page.is_file() and (docs / "assets" / "cookie-catalog" / ".cookie-catalog").is_file())
        time.sleep(0.5)  # the watcher is started after the first build
        folder = (docs / "cookies").stat().st_ino
        app = (docs / "cookies" / "app.md").stat().st_ino
        _edit_webchat(catalog_copy)
        assert _wait(lambda: "(edited)" in page.read_text(encoding="utf-8")), "the edit never reached the page"
        assert (docs / "cookies").stat().st_ino == folder
        assert (docs / "cookies" / "app.md").stat().st_ino == app  # unchanged pages are not rewritten
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=10)
        process.stdout.close()


def test_build_says_how_the_site_lists_the_css_and_js(runner, tmp_path):
    result = _build(runner, tmp_path / "docs")
    assert result.exit_code == 0
    assert (
        "  extra_css: [assets/cookie-catalog/cookie-catalog.css, assets/cookie-catalog/cookie-catalog-tables.css]"
        in (result.output)
    )
    scripts = "assets/cookie-catalog/cookie-catalog.js, assets/cookie-catalog/cookie-catalog-tables.js"
    assert f"  extra_javascript: [{scripts}]" in result.output
    config = (CATALOG.parent / "zensical.yml").read_text(encoding="utf-8")
    for path in ("assets/cookie-catalog/cookie-catalog-tables.css", "assets/cookie-catalog/cookie-catalog-tables.js"):
        assert f"  - {path}\n" in config  # the project's own Zensical site lists them as told


def test_downloads_made_in_a_child_are_the_same_files(tmp_path, monkeypatch):
    """A large catalog's downloads are made in a forked child while the pages render; the folders are the same."""
    import threading

    from cookie_catalog.sinks import docs_dir

    catalog = load_catalog(CATALOG)
    makers = tmp_path / "makers"
    made = docs_dir.site_downloads

    def recording(*args, **kwargs):
        with open(makers, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return made(*args, **kwargs)

    monkeypatch.setattr(docs_dir, "site_downloads", recording)
    here = docs_dir.docs_folders(catalog, CATALOG)
    assert makers.read_text().split() == [str(os.getpid())]  # the seed: too small to fork
    makers.unlink()
    monkeypatch.setattr(docs_dir, "PARALLEL_COOKIES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # pytest-xdist's worker has threads of its own
    forked = docs_dir.docs_folders(catalog, CATALOG)
    assert makers.read_text().split() != [str(os.getpid())]
    assert forked == here
