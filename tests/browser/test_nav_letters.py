"""The nav of a catalog filed by initial, in Chromium: no nav entry hides under the nav's sticky title."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading

import pytest

from support.paths import ROOT

# Every nav link the sidebar shows: is the element at its centre the link itself, or something over it?
COVERED_JS = """() => {
  const sidebar = document.querySelector('.md-sidebar--primary .md-sidebar__scrollwrap').getBoundingClientRect();
  return [...document.querySelectorAll('.md-nav--primary .md-nav__link')].flatMap(link => {
    const box = link.getBoundingClientRect();
    const y = box.top + box.height / 2, x = box.left + Math.min(box.width / 2, 20);
    if (box.height === 0 || y < sidebar.top + 2 || y > sidebar.bottom - 2) return [];
    const top = document.elementFromPoint(x, y);
    // the link, or its item where the link lets clicks through (a section's label)
    return !top || link.contains(top) || top.contains(link) ? [] : [[link.textContent.trim(), top.className]];
  });
}"""


@pytest.fixture(scope="module")
def lettered_url(tmp_path_factory):
    """The seed site with its four plugins filed by initial (``nav_group_over: 2``)."""
    work = tmp_path_factory.mktemp("lettered")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(
        "catalog: !ENV [COOKIE_CATALOG, catalog]", f"catalog: {ROOT / 'catalog'}\n      nav_group_over: 2"
    )
    config = config.replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}")
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = work / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml"), "-d", str(site)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("height", [330, 420, 800])
def test_no_nav_entry_hides_under_the_title_when_a_letter_is_open(new_context, lettered_url, height):
    """A short window scrolls the sidebar to the open letter; Material's title stuck over the entries above it."""
    page = new_context(viewport={"width": 1280, "height": height}).new_page()
    page.goto(lettered_url + "cookies/webchat/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # Material scrolls the active entry into view after load
    assert page.evaluate(COVERED_JS) == []
