"""The cookie finder and the table controls in Chromium: the seed site, a customer's site, the OCD, 100,000 cookies.

"Find a cookie" (exact name, pattern, prefix, not found, keyboard only, the live
region), the filters and their counts, sorting durations in time order, the row
link and the copy button, small screens, both colour schemes, axe-core and no
request leaving the site. The customer's site uses ``pages: false`` and
directives, and is served under a sub-path, as sites often are.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.sinks.site_assets import asset_files, index_bytes

from support.catalogs import write_catalog
from support.hostile import build_hostile_site
from support.paths import HOSTILE, ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
FIND = "Find a cookie"
CATALOG = load_catalog(ROOT / "catalog")

# The finder's answers as a visitor sees them: each group's heading and its names.
RESULTS_JS = """() => [...document.querySelectorAll('.cc-finder__group')].map(g => ({
  kind: g.querySelector('.cc-finder__kind').textContent,
  names: [...g.querySelectorAll('li code')].map(c => c.textContent),
  more: (g.querySelector('.cc-finder__more') || {}).textContent || '',
}))"""
VISIBLE_NAMES_JS = """() => [...document.querySelectorAll('tr:not([hidden]) .cc-anchor')]
  .map(a => a.closest('tr').querySelector('code').textContent)"""
NO_SIDEWAYS_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"

SHOP = """plugin: Shop
cookies:
  - name: cart
    purpose: Keeps the basket.
    duration: 2 years
    provenance: first-party
    category: strictly-necessary
  - name: lang
    purpose: Remembers the language.
    duration: 13 months
    provenance: first-party
    category: functional
    storage: local-storage
  - name: _ga_
    purpose: Counts visits, one cookie a property.
    duration: 1 day
    provenance: third-party
    category: analytics
    pattern: true
  - name: _ga
    purpose: Tells visitors apart.
    duration: 30 minutes
    provenance: third-party
    category: analytics
  - name: sess
    purpose: The session.
    duration: session
    provenance: first-party
    category: strictly-necessary
  - name: ad_id
    purpose: Advertising.
    duration: persistent
    provenance: third-party
    category: marketing
    storage: session-storage
"""
# Real time order, which is not text order ("13 months" < "2 years" < "30 minutes" as text).
SHOP_BY_DURATION = ["sess", "_ga", "_ga_", "lang", "cart", "ad_id"]
CUSTOMER_PAGE = """# Our cookies

Some text of the customer's own.

<!-- cookie-catalog:table plugin="Shop" -->

## Analytics only

<!-- cookie-catalog:table category="analytics" -->
"""
CUSTOMER_CONFIG = """site_name: Customer
theme:
  name: material
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Light mode}
plugins:
  - search
  - cookie-catalog:
      catalog: catalog
      pages: false
markdown_extensions:
  - admonition
  - tables
"""


def _serve(root: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _mkdocs(project: Path, out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project / "mkdocs.yml")]
    proc = subprocess.run([*command, "-d", str(out)], env=env, cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, f"mkdocs build failed:\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture(scope="module")
def customer_url(tmp_path_factory):
    """A customer's MkDocs site with ``pages: false`` and two directives, served at /shop/."""
    project = tmp_path_factory.mktemp("customer")
    write_catalog(project / "catalog", "product: Shop\n", {"shop.yml": SHOP})
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text(CUSTOMER_PAGE, encoding="utf-8")
    (project / "mkdocs.yml").write_text(CUSTOMER_CONFIG, encoding="utf-8")
    served = tmp_path_factory.mktemp("served")
    _mkdocs(project, served / "shop")
    server = _serve(served)
    yield f"http://127.0.0.1:{server.server_port}/shop/"
    server.shutdown()
    server.server_close()


def finder(page):
    return page.get_by_role("searchbox", name=FIND, exact=True)


def find(page, query: str) -> list[dict]:
    """Type ``query`` key by key into the finder; its answers by kind."""
    box = finder(page)
    box.fill("")
    box.press_sequentially(query)
    return page.evaluate(RESULTS_JS)


def status(page) -> str:
    return page.locator(".cc-finder [role=status]").text_content()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"finder-{name}.png", full_page=True)


def axe_serious(page, axe_source, context: object = "document") -> list:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(f"axe.run({context}, {{resultTypes: ['violations']}})")
    return [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# ---- The seed site --------------------------------------------------------------------------------------


def test_the_finder_is_on_the_overview_and_every_plugin_page(page, base_url):
    for path in ["cookies/", *(f"cookies/{p.slug}/" for p in CATALOG.plugins)]:
        page.goto(base_url + path)
        finder(page).wait_for()
        assert page.locator(".cc-finder").count() == 1, path


def test_exact_name_then_its_link_opens_the_row(page, base_url):
    webchat = next(p for p in CATALOG.plugins if p.slug == "webchat")
    cookie = webchat.cookies[0]
    page.goto(base_url + "cookies/")
    results = find(page, cookie.name)
    assert results[0] == {"kind": "This cookie", "names": [cookie.name], "more": ""}
    assert status(page).startswith(f"{cookie.name} is in this policy.")
    page.locator(".cc-finder__group a").first.click()
    page.wait_for_url("**/cookies/webchat/#*")
    assert unquote(urlsplit(page.url).fragment) == cookie.anchor
    assert page.evaluate("document.querySelector('tr:has(.cc-anchor:target)') !== null")


def test_a_prefix_lists_the_names_it_starts_and_counts_the_rest(page, base_url):
    page.goto(base_url + "cookies/webchat/")
    prefix = "_genesys.widgets.webchat.state."
    expected = sorted((c.name for p in CATALOG.plugins for c in p.cookies if c.name.startswith(prefix)), key=str.lower)
    results = find(page, prefix)
    assert [r["kind"] for r in results] == ["Starts with"]
    assert results[0]["names"] == expected[:8]
    assert results[0]["more"] == (f"and {len(expected) - 8} more" if len(expected) > 8 else "")
    assert status(page) == f"{prefix} is not in this policy. {len(expected)} cookies start with it."


def test_a_name_not_in_the_policy_says_so_in_the_live_region(page, base_url):
    page.goto(base_url + "cookies/webchat/")
    assert find(page, "_fbp") == []
    region = page.get_by_role("status").filter(has_text="not in this policy")
    assert region.text_content() == "_fbp is not in this policy."
    assert region.get_attribute("role") == "status"  # a polite live region: read out as it changes
    assert finder(page).get_attribute("aria-describedby") == region.get_attribute("id")


def test_keyboard_only_tab_to_the_finder_type_and_enter_opens_the_row(page, base_url):
    name = "_genesys.widgets.console.state.open"
    if not any(c.name == name for p in CATALOG.plugins for c in p.cookies):
        name = CATALOG.plugins[0].cookies[0].name
    page.goto(base_url + "cookies/")
    finder(page).wait_for()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.cc-finder__input')"):
            break
    else:
        pytest.fail("Tab never reached the finder")
    page.keyboard.type(name)
    page.keyboard.press("Tab")  # the first answer's link comes next
    assert page.evaluate("document.activeElement.closest('.cc-finder__results') !== null")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**#*")
    anchor = unquote(urlsplit(page.url).fragment)
    assert (
        page.evaluate("id => document.getElementById(id).closest('tr').querySelector('code').textContent", anchor)
        == name
    )


def test_row_link_and_copy_button_copy_the_row_and_the_name(new_context, base_url):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "cookies/webchat/")
    cookie = next(p for p in CATALOG.plugins if p.slug == "webchat").cookies[1]
    link = page.get_by_role("link", name=f"Link to {cookie.name}", exact=True)
    link.wait_for(state="visible")  # the row tools are added by the script, maybe after the load event
    link.click()
    assert unquote(urlsplit(page.url).fragment) == cookie.anchor
    button = page.get_by_role("button", name=f"Copy the name {cookie.name}", exact=True)
    button.focus()
    page.keyboard.press("Enter")  # reachable and usable by keyboard
    page.wait_for_function("() => document.querySelector('.cc-copy--done') !== null")
    assert page.evaluate("navigator.clipboard.readText()") == cookie.name
    assert page.get_by_role("status").filter(has_text="Copied").text_content() == f"Copied {cookie.name}"
    # Without the Clipboard API (plain http on an intranet): copied through a selection.
    page.evaluate("navigator.clipboard.writeText('')")
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    other = next(p for p in CATALOG.plugins if p.slug == "webchat").cookies[2]
    page.get_by_role("button", name=f"Copy the name {other.name}", exact=True).click()
    check = context.new_page()  # this page has no navigator.clipboard left to read with
    check.goto(base_url)
    assert check.evaluate("navigator.clipboard.readText()") == other.name


@pytest.mark.parametrize("path", ["cookies/", "cookies/webchat/"])
def test_small_screen_with_answers_does_not_scroll_sideways(new_context, base_url, path):
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    page.goto(base_url + path)
    find(page, "_genesys.widgets.")
    assert page.evaluate(NO_SIDEWAYS_JS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_the_finder_answering_and_screenshots(new_context, base_url, axe_source, scheme):
    page = new_context(color_scheme=scheme).new_page()
    for path in ["cookies/", "cookies/webchat/"]:
        page.goto(base_url + path)
        find(page, "_genesys.widgets.webchat.state.open")
        shot(page, f"seed-{path.strip('/').replace('/', '-')}-{scheme}")
        assert axe_serious(page, axe_source) == [], path


def test_the_finder_fetches_only_its_index_from_the_site(new_context, base_url):
    context = new_context()
    page = context.new_page()
    page.goto(base_url + "cookies/webchat/", wait_until="networkidle")
    find(page, "_ga_ABC123")
    page.wait_for_load_state("networkidle")
    assert any(u.endswith("/assets/cookie-catalog/cookie-catalog-index.json") for u in context.requests.urls)
    assert context.requests.external() == []


def test_without_javascript_the_page_is_the_plain_table(new_context, base_url):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(base_url + "cookies/webchat/")
    assert page.locator("table .cc-anchor").count() == len(
        next(p for p in CATALOG.plugins if p.slug == "webchat").cookies
    )
    assert page.locator(".cc-finder, .cc-filters, .cc-row-tools, .cc-sort").count() == 0


# ---- A customer's site: pages: false, directives, served under a sub-path ---------------------------------


def test_customer_site_finds_exact_pattern_and_prefix(page, customer_url):
    page.goto(customer_url)
    results = find(page, "_ga_ABC123")
    assert results == [{"kind": "Could be", "names": ["_ga_"], "more": ""}]
    assert status(page) == "_ga_ABC123 could be the pattern cookie _ga_."
    details = page.locator(".cc-finder__details").first.text_content()
    assert details == "Shop · Analytics · 1 day"
    results = find(page, "_ga")
    assert status(page) == "_ga is in this policy. 1 cookie starts with it."
    assert [r["kind"] for r in results] == ["This cookie", "Starts with"]
    assert results[0]["names"] == ["_ga"] and results[1]["names"] == ["_ga_"]
    href = page.locator(".cc-finder__group a").first.get_attribute("href")
    assert href.startswith("#shop--")  # the row is on this page


def test_customer_site_filters_with_counts(page, customer_url):
    page.goto(customer_url)
    finder(page).wait_for()
    counts = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.cc-filters__option')]
          .map(o => [o.querySelector('label').textContent, o.querySelector('.cc-filters__count').textContent]))"""
    )
    # Over the page: the Shop table (6) and the analytics table (2) hold 8 rows.
    assert counts["Analytics"] == "4" and counts["Strictly necessary"] == "2" and counts["Marketing"] == "1"
    assert counts["First-party"] == "3" and counts["Third-party"] == "5"
    assert counts["Cookie"] == "6" and counts["Local storage"] == "1" and counts["Session storage"] == "1"
    status_line = page.locator(".cc-filters [role=status]")
    assert status_line.text_content() == "8 of 8 cookies"
    page.get_by_role("checkbox", name="Analytics", exact=True).uncheck()
    assert status_line.text_content() == "4 of 8 cookies"
    page.get_by_role("checkbox", name="First-party", exact=True).uncheck()
    assert status_line.text_content() == "1 of 8 cookies"
    assert page.evaluate(VISIBLE_NAMES_JS) == ["ad_id"]
    page.get_by_role("checkbox", name="Analytics", exact=True).check()
    assert status_line.text_content() == "5 of 8 cookies"


def test_a_link_to_a_row_the_filters_hide_shows_every_row_again(page, customer_url):
    page.goto(customer_url)
    page.get_by_role("checkbox", name="Analytics", exact=True).uncheck()
    find(page, "_ga")
    page.keyboard.press("Enter")  # the first answer: _ga's row, hidden
    page.wait_for_url("**#shop--_ga")
    page.wait_for_function("document.querySelector('.cc-filters [role=status]').textContent === '8 of 8 cookies'")
    assert page.get_by_role("checkbox", name="Analytics", exact=True).is_checked()
    page.locator("tr:has(.cc-anchor:target)").wait_for(state="visible")


def test_customer_site_sorts_durations_in_time_order(page, customer_url):
    page.goto(customer_url)
    finder(page).wait_for()
    first_table = "() => [...document.querySelector('table').querySelectorAll('tbody tr code')].map(c => c.textContent)"
    duration = page.locator("table").first.get_by_role("button", name="Duration", exact=True)
    duration.click()
    assert page.evaluate(first_table) == SHOP_BY_DURATION
    assert page.locator("table").first.locator("th[aria-sort=ascending]").count() == 1
    duration.click()
    assert page.evaluate(first_table) == SHOP_BY_DURATION[::-1]
    page.locator("table").first.get_by_role("button", name="Name", exact=True).click()
    assert page.evaluate(first_table) == sorted(SHOP_BY_DURATION)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_customer_site_axe_small_screen_privacy_and_screenshots(new_context, customer_url, axe_source, scheme):
    context = new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(customer_url, wait_until="networkidle")
    expected = {"light": "default", "dark": "slate"}[scheme]
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    find(page, "_ga_ABC123")
    shot(page, f"customer-{scheme}")
    assert axe_serious(page, axe_source) == []
    assert context.requests.external() == []
    small = new_context(color_scheme=scheme, viewport={"width": 375, "height": 740}).new_page()
    small.goto(customer_url)
    find(small, "_ga_ABC123")
    assert small.evaluate(NO_SIDEWAYS_JS)
    shot(small, f"customer-375-{scheme}")


# ---- 100,000 cookies: under 50 ms a keystroke -------------------------------------------------------------

# Each keystroke's time is the least of ROUNDS typings of the queries: what the finder itself costs, not
# what another process on a loaded machine (the rest of the suite, in parallel) took from it meanwhile. A
# keystroke that is slow every time still fails.
ROUNDS = 3
KEYSTROKES_JS = """([queries, rounds]) => {
  const box = document.querySelector('.cc-finder__input');
  let least = null;
  for (let round = 0; round < rounds; round++) {
    const times = [];
    for (const query of queries) {
      for (let n = 1; n <= query.length; n++) {
        const start = performance.now();
        box.value = query.slice(0, n);
        box.dispatchEvent(new Event('input', {bubbles: true}));
        document.body.getBoundingClientRect();  // and the layout of the answers
        times.push(performance.now() - start);
      }
    }
    least = least === null ? times : least.map((time, i) => Math.min(time, times[i]));
  }
  return least;
}"""


@pytest.mark.slow
def test_a_100000_cookie_catalog_answers_each_keystroke_within_50_ms(tmp_path, new_context):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import synthetic_catalog

    synthetic_catalog(tmp_path / "catalog", 100_000)
    catalog = load_catalog(tmp_path / "catalog")
    site = tmp_path / "site"
    (site / "assets" / "cookie-catalog").mkdir(parents=True)
    for name, content in asset_files().items():
        (site / "assets" / "cookie-catalog" / name).write_bytes(content)
    urls = {c.anchor: f"cookies/{p.slug}/" for p in catalog.plugins for c in p.cookies}
    index = index_bytes(catalog, urls)
    (site / "assets" / "cookie-catalog" / "cookie-catalog-index.json").write_bytes(index)
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><title>t</title><div class="cc-finder-here"></div>'
        '<script src="assets/cookie-catalog/cookie-catalog-tables.js"></script></html>',
        encoding="utf-8",
    )
    server = _serve(site)
    try:
        page = new_context().new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        finder(page).wait_for()
        ready = page.evaluate("performance.now()")
        queries = ["_v42_c17_ABC123", "_v9", "_V99_C999_*", "nothing-like-it", "_v1_c1"]
        times = page.evaluate(KEYSTROKES_JS, [queries, ROUNDS])
        assert max(times) < 50, [(round(t), n) for t, n in sorted(zip(times, range(len(times))))[-5:]]
        assert page.evaluate(RESULTS_JS)[0]["kind"] in ("This cookie", "Could be", "Starts with")
        print(
            f"index {len(index):,} bytes; finder ready {ready:.0f} ms after navigation;"
            f" slowest keystroke {max(times):.1f} ms"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert json.loads(index)["version"] == 1


# ---- The Open Cookie Database: 2,264 cookies, patterns, every category --------------------------------


@pytest.fixture(scope="module")
def ocd_url(ocd_catalog, tmp_path_factory):
    """The OCD imported, built as a site by the plugin (the project's mkdocs.yml), served."""
    out = tmp_path_factory.mktemp("ocd-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COOKIE_CATALOG": str(ocd_catalog)}
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)]
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"mkdocs build failed:\n{proc.stdout}\n{proc.stderr}"
    server = _serve(out)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_ocd_site_finds_a_google_analytics_cookie_and_its_pattern(page, ocd_url):
    page.goto(ocd_url + "cookies/")
    results = find(page, "_ga_ABC123")
    assert {"kind": "Could be", "names": ["_ga_"], "more": ""} in results
    assert status(page) == "_ga_ABC123 could be the pattern cookie _ga_."
    assert find(page, "_gat_gtag_UA_1234")[0]["names"] == ["_gat_gtag_", "_gat"]  # the more specific first
    assert status(page) == "_gat_gtag_UA_1234 could be one of 2 pattern cookies."
    results = find(page, "_ga_ABC123")
    assert page.locator(".cc-finder__details").first.text_content() == "Google Analytics · Analytics · 2 years"
    results = find(page, "_ga")
    assert results[0]["kind"] == "This cookie" and results[0]["names"] == ["_ga"]
    assert find(page, "surely-not-a-cookie") == []
    assert status(page) == "surely-not-a-cookie is not in this policy."


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_ocd_plugin_page_filters_sorts_and_passes_axe(new_context, ocd_url, ocd_catalog, axe_source, scheme):
    context = new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(ocd_url + "cookies/google-analytics/", wait_until="networkidle")
    finder(page).wait_for()
    rows = page.locator("table tbody tr:has(.cc-anchor)").count()
    counts = page.evaluate(
        """() => [...document.querySelectorAll('.cc-filters__group')].map(g =>
          [...g.querySelectorAll('.cc-filters__count')].reduce((sum, c) => sum + Number(c.textContent), 0))"""
    )
    assert counts == [rows, rows, rows]  # every row is known to the index, in each group
    page.locator("table").first.get_by_role("button", name="Duration", exact=True).click()
    order = page.evaluate("() => [...document.querySelectorAll('table tbody tr .cc-anchor')].map(a => a.id)")
    durations = {c.anchor: c.duration for p in load_catalog(ocd_catalog).plugins for c in p.cookies}
    keys = [durations[anchor].sort_key for anchor in order]
    assert keys == sorted(keys) and keys[0] < keys[-1]  # session first, then by seconds, persistent, unknown
    find(page, "_gat_gtag_UA_1234")
    shot(page, f"ocd-google-analytics-{scheme}")
    assert axe_serious(page, axe_source) == []
    assert context.requests.external() == []
    small = new_context(color_scheme=scheme, viewport={"width": 375, "height": 740}).new_page()
    small.goto(ocd_url + "cookies/google-analytics/")
    find(small, "_gat_gtag_UA_1234")
    assert small.evaluate(NO_SIDEWAYS_JS)
    shot(small, f"ocd-google-analytics-375-{scheme}")


# ---- The hostile catalog: names the anchors had to rewrite, markup, Unicode -------------------------------


@pytest.mark.slow
def test_hostile_names_are_found_and_every_row_is_known_to_the_index(page, tmp_path):
    site = build_hostile_site(tmp_path / "hostile")
    catalog = load_catalog(HOSTILE)
    server = _serve(site)
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        page.goto(base + "cookies/")
        for plugin in catalog.plugins:
            for cookie in plugin.cookies:
                finder(page).fill(cookie.name)  # pasted, as a visitor would
                results = page.evaluate(RESULTS_JS)
                assert results and results[0]["kind"] == "This cookie", cookie.name
                assert cookie.name in results[0]["names"]
                link = page.locator(".cc-finder__group").first.locator("a").nth(results[0]["names"].index(cookie.name))
                target = urlsplit(link.get_attribute("href"))
                assert unquote(target.fragment) == cookie.anchor
                assert target.path == f"/cookies/{plugin.slug}/", cookie.name
        for plugin in catalog.plugins:
            page.goto(f"{base}cookies/{plugin.slug}/")
            finder(page).wait_for()
            rows = page.locator("table tbody tr:has(.cc-anchor)").count()
            counts = page.evaluate(
                """() => [...document.querySelectorAll('.cc-filters__group')].map(g =>
                  [...g.querySelectorAll('.cc-filters__count')].reduce((sum, c) => sum + Number(c.textContent), 0))"""
            )
            assert counts == [rows, rows, rows], plugin.slug  # the script derived or was given each row's anchor
    finally:
        server.shutdown()
        server.server_close()


# ---- Zensical: the pages `build --docs-dir` writes, built by a real `zensical build` ----------------------


@pytest.fixture(scope="module")
def zensical_url(tmp_path_factory):
    pytest.importorskip("zensical", reason="zensical needs Python 3.11 or later")
    project = tmp_path_factory.mktemp("zensical") / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "zensical.yml", project / "zensical.yml")
    program = Path(sys.executable).parent
    subprocess.run([program / "cookie-catalog", "build", ROOT / "catalog", "--docs-dir", project / "docs"], check=True)
    result = subprocess.run(
        [program / "zensical", "build", "-f", "zensical.yml"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    server = _serve(project / "site")
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_zensical_site_has_the_finder_and_the_table_controls(new_context, zensical_url, axe_source):
    context = new_context()
    page = context.new_page()
    page.goto(zensical_url + "cookies/")
    cookie = CATALOG.plugins[-1].cookies[0]
    results = find(page, cookie.name)
    assert results[0]["names"] == [cookie.name]
    page.locator(".cc-finder__group a").first.click()
    page.wait_for_url("**/cookies/*/#*")
    assert unquote(urlsplit(page.url).fragment) == cookie.anchor
    assert (
        page.locator(".cc-filters [role=status]").text_content()
        == f"{len(CATALOG.plugins[-1].cookies)} of " + str(len(CATALOG.plugins[-1].cookies)) + " cookies"
    )
    page.get_by_role("button", name=f"Copy the name {cookie.name}", exact=True).wait_for(state="visible")
    find(page, "_ga_ABC123")
    shot(page, "zensical-webchat")
    # Zensical's own nav draws the current page's link below 4.5:1 (its theme, not these pages).
    assert axe_serious(page, axe_source, "{exclude: [['.md-nav']]}") == []
    assert context.requests.external() == []
