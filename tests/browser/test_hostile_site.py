"""Catalog text never runs in the built site, as Chromium loads it.

Sites built from the hostile catalog and from random catalogs (the strategies
of the property tests, with markup that calls ``__cc_ran()`` when it runs)
are served on localhost and opened page by page. Nothing may run: no dialog
(``alert``), no ``__cc_ran`` call, no event-handler attribute or
``javascript:`` link in the DOM. And the theme must show the texts verbatim
where it puts them: the window title, the nav entry, a search result and
the cookie rows.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from hypothesis import HealthCheck, example, given, settings

from support.browsing import search
from support.hostile import SITE_NAME, build_hostile_site, collapsed, expected, expected_rows
from support.rendered import expected_cells
from support.sitebuild import build
from support.strategies import PAYLOADS, catalogs, title, write

# Defined before any page script: payloads call __cc_ran(n); dialogs are recorded by the handler.
RECORDER_JS = "window.__ccRan = []; window.__cc_ran = n => window.__ccRan.push(n);"
# What ran or could run: recorded calls, event-handler attributes and script URLs anywhere in the DOM.
RAN_JS = """() => ({
  ran: window.__ccRan,
  handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
    .filter(a => a.name.toLowerCase().startsWith('on')
      || /^\\s*(javascript|vbscript|data):/i.test(a.value) && ['href', 'src', 'action', 'formaction'].includes(a.name))
    .map(a => `<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`)),
})"""
# A cell as a reader sees it: its text, <br> as a line break.
ROWS_JS = """() => {
  const text = node => node.nodeType === 3 ? node.nodeValue
    : node.nodeName === 'BR' ? '\\n' : [...node.childNodes].map(text).join('');
  return [...document.querySelectorAll('article tbody tr')].map(tr => [...tr.cells].map(text));
}"""
CONFIG = """site_name: Test
theme:
  name: material
  font: false
  features: [navigation.footer, navigation.path, navigation.indexes]
plugins:
  - search
  - cookie-catalog
markdown_extensions:
  - admonition
  - tables
  - toc:
      permalink: true
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A directory served on localhost: (its path, its URL). Each site is built into a folder of its own."""
    root = tmp_path_factory.mktemp("served")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def watched(browser):
    """One page for every visit, recording dialogs; a fresh context per module."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    context.add_init_script(RECORDER_JS)
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


def visit(page, url: str) -> None:
    """Open ``url`` and assert that nothing from the catalog ran or could run there."""
    page.dialogs.clear()
    page.goto(url, wait_until="load")
    page.wait_for_timeout(50)  # an onerror of a failed image fires after load
    found = page.evaluate(RAN_JS)
    assert (page.dialogs, found["ran"], found["handlers"]) == ([], [], []), url


def test_hostile_catalog_runs_nothing_on_any_page(watched, served, tmp_path):
    root, url = served
    site = build_hostile_site(tmp_path / "hostile")
    (root / "hostile").symlink_to(site, target_is_directory=True)
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    assert len(pages) >= 8  # home, overview, five plugins, changes
    shown = {}
    for path in pages:
        visit(watched, f"{url}hostile/{'' if path == '.' else path + '/'}")
        shown[" ".join(watched.title().split())] = watched.evaluate(ROWS_JS)
    data = expected()
    assert f"{collapsed(data['product']['title'])} - {SITE_NAME}" in shown
    for plugin in data["plugins"]:
        assert shown[f"{collapsed(plugin['plugin'])} - {SITE_NAME}"] == expected_rows(data, plugin)


def _cookie(name: str, purpose: str, **extra) -> dict:
    return {"name": name, "purpose": purpose, "condition": None, "domain": None, "duration_note": None, **extra}


# Every payload in every field of one catalog: always tried, before the random ones.
ALL_PAYLOADS = {
    "product": " ".join(PAYLOADS),
    "intro": PAYLOADS[1],
    "contact": PAYLOADS[2],
    "note": PAYLOADS[3],
    "plugins": [
        {
            "plugin": f"{p} {i}",
            "description": p,
            "note": p,
            "cookies": [_cookie(p, p, condition=p, domain=p, duration_note=p), _cookie(f"{p}2", "purpose")],
        }
        for i, p in enumerate(PAYLOADS[:3])
    ],
}
MARK = "qzmark"  # a word for the search box: random titles need not hold one it can find


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(catalogs())
@example(ALL_PAYLOADS)
def test_random_catalogs_run_nothing_and_show_their_text_verbatim(watched, served, tmp_path, data):
    root, url = served
    for i, plugin in enumerate(data["plugins"]):
        plugin["plugin"] = f"{plugin['plugin']} {MARK}{i}"
    name = f"site{len(list(root.iterdir()))}"
    project = tmp_path / name
    write(data, project / "catalog")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n")
    (project / "mkdocs.yml").write_text(CONFIG)
    result = build(project, root / name)
    assert result.returncode == 0, result.stderr
    base = f"{url}{name}/"

    visit(watched, f"{base}cookies/")
    assert " ".join(watched.title().split()) == collapsed(f"{title(data)} - Test")
    nav = watched.eval_on_selector_all(
        ".md-nav--primary a.md-nav__link", "links => links.map(a => [a.getAttribute('href'), a.textContent])"
    )
    for i, plugin in enumerate(data["plugins"]):
        # write() names the files p0.yml, p1.yml, ...: those are the pages' names.
        assert [" ".join(text.split()) for href, text in nav if href == f"p{i}/"] == [collapsed(plugin["plugin"])]
        visit(watched, f"{base}cookies/p{i}/")
        assert " ".join(watched.title().split()) == collapsed(f"{plugin['plugin']} - Test")
        rows = watched.evaluate(ROWS_JS)
        expected_rows = expected_cells(data, plugin)
        assert rows == [r[: len(rows[0])] for r in expected_rows] if rows else not plugin["cookies"]

    links = search(watched, f"{MARK}0", keystrokes=False)
    assert [" ".join(link["title"].split()) for link in links][:1] == [collapsed(data["plugins"][0]["plugin"])]
    assert watched.evaluate(RAN_JS)["ran"] == [] and watched.dialogs == []
