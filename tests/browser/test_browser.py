"""The built site in Chromium: search, deep links, palette, small screens, accessibility, privacy."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cookie_catalog.catalog.loader import load_catalog

from support.browsing import search

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CATALOG = load_catalog(ROOT / "catalog")
COOKIES = [(plugin, cookie) for plugin in CATALOG.plugins for cookie in plugin.cookies]
PUREENGAGE_INDEX = "_genesys.widgets.webchat.state.pureengage-v3-rest.index"

# Where the row of the targeted cookie is, relative to the viewport and the sticky header.
TARGET_ROW_JS = """() => {
  const anchor = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!anchor) return null;
  const row = anchor.closest('tr');
  const box = row.getBoundingClientRect();
  const header = document.querySelector('.md-header').getBoundingClientRect();
  const style = getComputedStyle(row);
  return {
    highlighted: row.matches('tr:has(.cc-anchor:target)'),
    outline: style.outlineStyle,
    background: style.backgroundColor,
    top: box.top, bottom: box.bottom, headerBottom: header.bottom,
    viewport: innerHeight, scrollY: scrollY,
    name: row.querySelector('td code').textContent,
  };
}"""


def target_row(page) -> dict:
    """The targeted row once the browser has scrolled to it."""
    page.wait_for_load_state("load")
    try:
        page.wait_for_function(
            f"() => {{ const r = ({TARGET_ROW_JS})(); "
            "return r && r.top >= r.headerBottom - 1 && r.bottom <= r.viewport; }",
            timeout=3_000,
        )
    except Exception as exc:  # playwright's TimeoutError; the assertions below say what is wrong
        if type(exc).__name__ != "TimeoutError":
            raise
    return page.evaluate(TARGET_ROW_JS)


def assert_shows_row(page, plugin, cookie) -> None:
    url = urlsplit(page.url)
    assert url.path == f"/cookies/{plugin.slug}/"
    assert unquote(url.fragment) == cookie.anchor
    row = target_row(page)
    assert row["name"] == cookie.name
    assert row["highlighted"] and row["outline"] == "solid", row
    assert row["headerBottom"] - 1 <= row["top"] and row["bottom"] <= row["viewport"], row


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    """One page for the many searches: each starts where the previous one went."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base_url)
    yield page
    context.close()


@pytest.mark.parametrize(("plugin", "cookie"), COOKIES, ids=[c.name for _, c in COOKIES])
def test_full_name_finds_the_cookie_first_and_opens_its_row(search_page, plugin, cookie):
    links = search(search_page, cookie.name, keystrokes=False)
    best = max(links, key=lambda link: link["score"])  # what Enter opens
    assert best["title"] == cookie.name, [(link["title"], link["score"]) for link in links[:4]]
    assert unquote(urlsplit(best["href"]).fragment) == cookie.anchor
    # Listed first, right under its page's title.
    assert best == next(link for link in links if "#" in link["href"])
    search_page.locator(".md-search-result__item").first.locator(f'a[href="{best["href"]}"]').click()
    assert_shows_row(search_page, plugin, cookie)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("pureengage", PUREENGAGE_INDEX),
        ("autoLoadList", "_genesys.widgets.app.autoLoadList"),
        ("phone_number", "_genesys.widgets.clicktocall.state.phone_number"),
        (PUREENGAGE_INDEX, PUREENGAGE_INDEX),
    ],
)
def test_typing_a_name_or_part_lists_the_cookie_and_enter_opens_it(page, base_url, query, name):
    plugin, cookie = next((p, c) for p, c in COOKIES if c.name == name)
    page.goto(base_url)
    search(page, query)
    listed = page.eval_on_selector_all(".md-search-result__list a[href]", "els => els.map(a => a.href)")
    assert any(unquote(urlsplit(href).fragment) == cookie.anchor for href in listed), listed
    page.locator("input.md-search__input").press("Enter")  # Material opens the best result
    page.wait_for_url(lambda url: "#" in url)
    row = target_row(page)
    assert query.lower() in row["name"].lower()
    assert row["highlighted"], row
    if query == name:
        assert_shows_row(page, plugin, cookie)


def test_deep_link_highlights_the_row_below_the_header(page, base_url):
    plugin, cookie = next((p, c) for p, c in COOKIES if c.name == PUREENGAGE_INDEX)
    page.goto(f"{base_url}cookies/{plugin.slug}/#{cookie.anchor}")
    assert_shows_row(page, plugin, cookie)
    assert page.evaluate("scrollY") > 0  # the row is far down the page
    highlighted = page.eval_on_selector_all("tr:has(.cc-anchor:target)", "rows => rows.length")
    assert highlighted == 1
    other = page.eval_on_selector("tbody tr", "row => getComputedStyle(row).outlineStyle")
    assert other == "none"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "deep-link-row.png")


def test_palette_toggle_switches_light_and_dark(page, base_url):
    page.goto(base_url)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(scheme) == "default"
    light = page.evaluate(background)
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"{scheme} === 'slate'")
    assert page.evaluate(background) != light
    page.reload()  # the choice is remembered
    assert page.evaluate(scheme) == "slate"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"{scheme} === 'default'")
    assert page.evaluate(background) == light


@pytest.mark.parametrize("path", ["", "cookies/", "cookies/webchat/", "reading/"])
def test_small_screen_does_not_scroll_sideways(new_context, base_url, path):
    page = new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2).new_page()
    page.goto(base_url + path)
    widths = page.evaluate(
        "({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: innerWidth})"
    )
    assert widths["doc"] <= widths["view"] and widths["body"] <= widths["view"], widths
    page.mouse.wheel(300, 0)
    page.evaluate("window.scrollBy(300, 0)")
    assert page.evaluate("scrollX") == 0
    # Whatever is wider than the screen scrolls inside its own box.
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.md-content *')]
        .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
        .filter(el => !el.closest('.md-typeset__table, pre, .md-typeset__scrollwrap'))
        .map(el => el.tagName + '.' + el.className)""")
    assert overflowing == []
    if path == "cookies/webchat/":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "webchat-375px.png")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "cookies/webchat/"])
def test_axe_finds_no_serious_violation(new_context, base_url, axe_source, path, scheme):
    page = new_context(color_scheme=scheme).new_page()
    page.goto(base_url + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(map(str, serious))


def test_the_site_requests_nothing_beyond_localhost(new_context, base_url):
    context = new_context()
    page = context.new_page()
    for path in ["", "reading/", "cookies/", "cookies/webchat/", "cookies/console/"]:
        page.goto(base_url + path, wait_until="networkidle")
    search(page, "pureengage")
    page.keyboard.press("Escape")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_load_state("networkidle")
    requests = context.requests
    assert any(url.endswith("/search/search_index.json") for url in requests.urls)  # requests were seen
    assert requests.external() == []
    fonts = page.evaluate("[...document.fonts].map(f => f.family)")
    assert not any("Roboto" in family for family in fonts)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(new_context, base_url, scheme):
    """Home and a plugin page in both schemes, for people to look at (test-artifacts/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(color_scheme=scheme).new_page()
    expected = {"light": "default", "dark": "slate"}[scheme]
    for name, path in [("home", ""), ("webchat", "cookies/webchat/")]:
        page.goto(base_url + path)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        shot: Path = SCREENSHOTS / f"{name}-{scheme}.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000
    if scheme == "light":
        search(page, "pureengage")
        page.screenshot(path=SCREENSHOTS / "search-pureengage.png")


# Each text of a name's code element (the script splits them at dots, <wbr> between): its lines on the page.
NAME_LINES_JS = """(name) => {
  const code = [...document.querySelectorAll('td code')].find(c => c.textContent === name);
  if (!code) return null;
  const texts = [...code.childNodes].filter(n => n.nodeType === Node.TEXT_NODE);
  const rects = texts.map(n => {
    const r = document.createRange();
    r.selectNodeContents(n);
    return r.getClientRects();
  });
  return {
    html: code.innerHTML,
    parts: texts.map(n => n.data),
    linesPerPart: rects.map(r => r.length),
    lines: new Set(rects.map(r => Math.round(r[0].top))).size,
  };
}"""


def test_long_dotted_names_wrap_only_at_their_dots(new_context, base_url):
    """The page's Markdown holds each name as a code span; in Chromium the shipped script puts a <wbr> after each
    dot, and on a small screen a long name wraps there and nowhere else, copying as written."""
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    page.goto(base_url + "cookies/webchat/")
    found = page.evaluate(NAME_LINES_JS, PUREENGAGE_INDEX)
    assert found is not None, "no code element holds the name as written"
    assert found["parts"] == [part + "." for part in PUREENGAGE_INDEX.split(".")[:-1]] + ["index"], found
    assert found["html"].count("<wbr>") == PUREENGAGE_INDEX.count("."), found
    assert found["lines"] > 1, found  # it wraps on a small screen...
    assert found["linesPerPart"] == [1] * len(found["parts"]), found  # ...only between its parts
