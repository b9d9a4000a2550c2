"""The built site in real Chromium: build once, serve on localhost, one browser per session.

Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``), driven by
Playwright for Python through ``executable_path``; axe-core comes from
``npm ci`` in this directory. ``.ci/run`` installs all three. Outside CI a
missing piece skips these tests with the reason; with ``CI=true`` it fails
them, so CI cannot pass by silently skipping.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.browsing import CHROMIUM, DESKTOP, LAUNCH_ARGS, unavailable
from support.paths import BROWSER, ROOT
from support.sitebuild import build

AXE = BROWSER / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    # One worker runs them all under `pytest -n auto --dist loadgroup`, so the
    # site is built and Chromium started once.
    for item in items:
        if BROWSER in Path(item.fspath).parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = build(ROOT, out, "-q", catalog=ROOT / "catalog")
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    executable = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if not executable or not os.access(executable, os.X_OK):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set $CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"axe-core not installed: run `npm ci` in {BROWSER.relative_to(ROOT)}")
    return AXE.read_text(encoding="utf-8")


class Requests:
    """Every URL the pages of a context asked for."""

    def __init__(self):
        self.urls: list[str] = []

    def external(self) -> list[str]:
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme not in ("data", "blob", "about")
            and urlsplit(u).hostname not in ("127.0.0.1", "localhost")
        ]


@pytest.fixture
def new_context(browser):
    """A factory of fresh contexts (own storage: Material remembers the palette)."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.requests = Requests()
        context.on("request", lambda request: context.requests.urls.append(request.url))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
