"""Material's own search on the Open Cookie Database site: a cookie's exact name lists that cookie first.

The site is built with the project's mkdocs.yml, which sets no search
separator: the plugin brings it. 2,264 cookies whose names extend one another
(`_ga`, `_gaexp`, `_gat`) or share parts (`_gid`, `t_gid`) are what the
ranking has to get right.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cookie_catalog.catalog.loader import load_catalog

from support.browsing import search
from support.paths import ROOT
from support.sitebuild import build

# The five the issue names, and five more: prefixes of other names (`_gat`, `AWSALB`, `__cf_bm`), a
# two-letter one (`fr`) and one of several parts (`_gcl_au`).
NAMES = ["_ga", "_gid", "_fbp", "IDE", "NID", "_gat", "AWSALB", "__cf_bm", "fr", "_gcl_au"]


@pytest.fixture(scope="module")
def ocd_site(tmp_path_factory, ocd_catalog) -> Path:
    out = tmp_path_factory.mktemp("ocd-site")
    proc = build(ROOT, out, "-q", catalog=ocd_catalog)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def ocd_page(browser, ocd_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ocd_site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.server_port}/")
    yield page
    context.close()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", NAMES)
def test_exact_name_lists_that_cookie_first(ocd_page, ocd_catalog, name):
    anchors = {c.anchor for p in load_catalog(ocd_catalog).plugins for c in p.cookies if c.name == name}
    assert len(anchors) == 1, name
    links = search(ocd_page, name, keystrokes=False)
    best = max(links, key=lambda link: link["score"])  # what Enter opens
    assert best["title"] == name, [(link["title"], link["score"]) for link in links[:5]]
    assert unquote(urlsplit(best["href"]).fragment) in anchors
