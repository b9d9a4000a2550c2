"""The project's own site built by Zensical from ``cookie-catalog build --docs-dir``: a real ``zensical build``.

Zensical runs no MkDocs plugin; ``zensical.yml`` is the project's site for it
(README, "Zensical"). Zensical needs the docs and the site inside the config's
folder, so the test builds a copy of the project in a temporary folder.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest

from cookie_catalog.catalog.loader import load_catalog

from support.catalogs import SEED_PLUGINS, seed_rows
from support.paths import CATALOG, REPO

pytest.importorskip("zensical", reason="zensical needs Python 3.11 or later")

PROGRAM = Path(sys.executable).parent / "cookie-catalog"
ZENSICAL = Path(sys.executable).parent / "zensical"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _text(markup: str) -> str:
    """What a reader sees of some HTML: no tags, references decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The project copied (hand-written docs, zensical.yml), cookie pages built in, then ``zensical build``."""
    project = tmp_path_factory.mktemp("zensical") / "project"
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copy(REPO / "zensical.yml", project / "zensical.yml")
    subprocess.run([str(PROGRAM), "build", str(CATALOG), "--docs-dir", str(project / "docs")], check=True)
    result = subprocess.run(
        [str(ZENSICAL), "build", "-f", "zensical.yml"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, ANSI.sub("", result.stderr)
    assert ANSI.sub("", result.stderr) == "No issues found\n"  # strict, and not one warning
    return project


def test_every_seed_name_and_purpose_is_on_its_plugin_page(built):
    for plugin, name, purpose in seed_rows():
        page = _text((built / "site" / "cookies" / plugin.lower() / "index.html").read_text(encoding="utf-8"))
        assert name in page, (plugin, name)
        assert purpose in page, (plugin, purpose)


def test_the_downloads_are_served_as_files(built, tmp_path):
    subprocess.run([str(PROGRAM), "policy", str(CATALOG), "--out", str(tmp_path / "policy")], check=True)
    downloads = built / "site" / "downloads"
    for name in ("cookie-policy.md", "cookie-policy.html", "cookie-policy.csv", "cookie-policy.json"):
        assert (downloads / name).read_bytes() == (tmp_path / "policy" / name).read_bytes(), name
    assert not (downloads / "cookie-policy").exists()  # the Markdown is a file, not a page
    assert not list((built / "site").rglob(".cookie-catalog*"))  # neither the theme folder nor a marker is published
    # The links to it, on the home page and a plugin page, reach that file as a browser and a server read them.
    for page, prefix in (("index.html", ""), ("cookies/webchat/index.html", "../../")):
        hrefs = re.findall(r'href="([^"]*)"', (built / "site" / page).read_text(encoding="utf-8"))
        assert f"{prefix}downloads/cookie-policy.md" in {unquote(html.unescape(h)) for h in hrefs}, page


def test_the_navigation_lists_the_five_plugins_in_catalog_order(built):
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="\./cookies/([a-z]+)/"', home)
    assert sorted(dict.fromkeys(links)) == sorted(p.lower() for p in SEED_PLUGINS)
    assert list(dict.fromkeys(links)) == [p.slug for p in load_catalog(CATALOG).plugins]


def test_search_finds_each_cookie_by_name_as_its_own_result(built):
    """Zensical indexes one item per heading with an id: each cookie's name is one, opening its row."""
    items = json.loads((built / "site" / "search.json").read_text(encoding="utf-8"))["items"]
    by_title: dict[str, list[str]] = {}
    for item in items:
        by_title.setdefault(_text(item["title"]), []).append(item["location"])
    for plugin, name, _ in seed_rows():
        # once in each language's tree: one Zensical build holds them all (README, "Zensical")
        expected = [f"{tree}cookies/{plugin.lower()}/#" for tree in ("", "de/", "fr/")]
        found = by_title.get(name, [])
        assert sorted(location.split("#")[0] + "#" for location in found) == sorted(expected), (name, found)


def test_the_stylesheet_and_script_are_linked_and_published(built):
    page = (built / "site" / "cookies" / "webchat" / "index.html").read_text(encoding="utf-8")
    for name in ("cookie-catalog", "cookie-catalog-tables"):
        assert f'href="../../assets/cookie-catalog/{name}.css"' in page
        assert f'src="../../assets/cookie-catalog/{name}.js"' in page
    for name in ("cookie-catalog.css", "cookie-catalog.js", "cookie-catalog-tables.js", "cookie-catalog-index.json"):
        assert (built / "site" / "assets" / "cookie-catalog" / name).is_file()


def test_a_hostile_catalog_builds_and_its_titles_stay_text(tmp_path):
    """Titles full of markup: ``<title>`` holds text only (the theme folder's main.html escapes
    what the theme's ``striptags`` decodes), and the pages' links and anchors are all sound."""
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Home\n\n[Cookies](cookies/index.md)\n", encoding="utf-8")
    config = (REPO / "zensical.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nnav:\n(?:[ ].*\n)+", "\nnav:\n  - Home: index.md\n  - Cookies: cookies/\n", config)
    (project / "zensical.yml").write_text(config, encoding="utf-8")
    hostile = REPO / "tests" / "data" / "hostile-catalog"
    subprocess.run([str(PROGRAM), "build", str(hostile), "--docs-dir", str(project / "docs")], check=True)
    result = subprocess.run(
        [str(ZENSICAL), "build", "-f", "zensical.yml"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, ANSI.sub("", result.stderr)
    assert ANSI.sub("", result.stderr) == "No issues found\n"
    pages = list((project / "site" / "cookies").rglob("index.html"))
    written = [p for p in (project / "docs" / "cookies").glob("*.md") if not p.name.startswith(".")]
    assert len(pages) == len(written) >= 1 + len(load_catalog(hostile).plugins)
    for page in pages:
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        titles = re.findall(r"<title>(.*?)</title>", head, re.S | re.I)
        assert len(titles) == 1 and "<" not in titles[0], (page, titles)
        assert len(re.findall(r"<title", head, re.I)) == 1, page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _until(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_zensical_serve_shows_a_catalog_edit_made_under_build_watch(tmp_path):
    """``build --watch`` beside ``zensical serve``: an edit of the catalog reaches the served page."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copy(REPO / "zensical.yml", project / "zensical.yml")
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG, catalog)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/cookies/webchat/"
    command = [str(PROGRAM), "build", str(catalog), "--docs-dir", str(project / "docs"), "--watch"]
    processes = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ]
    try:
        assert _until(lambda: (project / "docs" / "assets" / "cookie-catalog" / ".cookie-catalog").is_file())
        serve = [str(ZENSICAL), "serve", "-f", "zensical.yml", "-a", f"127.0.0.1:{port}"]
        processes.append(
            subprocess.Popen(
                serve, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        )
        assert _until(lambda: "open or close state" in _get(url)), "zensical serve never served the page"
        plugin = catalog / "plugins" / "webchat.yml"
        plugin.write_text(plugin.read_text(encoding="utf-8").replace("open or close state", "state (edited)", 1))
        assert _until(lambda: "state (edited)" in _get(url)), "the edit never reached the served page"
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_wide_pages_hide_the_table_of_contents_and_all_cookies_stands_next_to_the_overview(built):
    """Plugin pages and All cookies give the table the page's width; All cookies follows the overview in the nav."""
    site = built / "site" / "cookies"
    toc = re.compile(r'<div class="md-sidebar md-sidebar--secondary"[^>]*data-md-type="toc"([^>]*)>')
    for name in ("webchat", "all-cookies"):
        found = toc.findall((site / name / "index.html").read_text(encoding="utf-8"))
        assert found and all("hidden" in attrs for attrs in found), name
    assert all("hidden" not in attrs for attrs in toc.findall((site / "index.html").read_text(encoding="utf-8")))
    page = (site / "webchat" / "index.html").read_text(encoding="utf-8")
    links = list(dict.fromkeys(re.findall(r'href="(\.\./(?:[a-z-]+/)?)"', page)))
    assert links.index("../all-cookies/") == links.index("../") + 1
    every = (site / "all-cookies" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{c.anchor}"' in every for p in load_catalog(CATALOG).plugins for c in p.cookies)
    # left out of search, where it would answer every name before the cookie's own page
    assert "cookies/all-cookies/" not in (built / "site" / "search.json").read_text(encoding="utf-8")
