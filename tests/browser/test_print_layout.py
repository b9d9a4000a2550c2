"""The policy HTML as Chromium lays it out for paper: on an A4 page's width, names whole between their dots.

This is the layout the PDF is printed from (``sinks/pdf.py`` prints this HTML
with Chromium): print media, the width inside the page's margins.
"""

from __future__ import annotations

import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.sinks.downloads import policy_files

from support.paths import CATALOG

# A4 (210 mm) less the @page side margins (2 x 12 mm), in CSS pixels (96 per inch).
PRINT_WIDTH = round((210 - 24) / 25.4 * 96)

LAYOUT_JS = """() => {
  const main = document.querySelector('main').getBoundingClientRect();
  const past = [...document.querySelectorAll('table, th, td')]
    .filter(el => el.getBoundingClientRect().right > main.right + 0.5)
    .map(el => el.tagName + ': ' + el.textContent.slice(0, 40));
  // An inline element has one rectangle per line it is on: a piece of a name on two lines was broken inside.
  const broken = [...document.querySelectorAll('code .name-part')]
    .filter(part => part.getClientRects().length > 1)
    .map(part => part.parentElement.textContent);
  // A name without a dot is one piece: the <code> itself must stay on one line.
  const whole = [...document.querySelectorAll('code')]
    .filter(code => !code.querySelector('.name-part') && code.getClientRects().length > 1)
    .map(code => code.textContent);
  const headers = [...document.querySelectorAll('th')].map(th => th.textContent);
  return {past, broken, whole, headers, scroll: document.documentElement.scrollWidth, width: innerWidth};
}"""


@pytest.fixture(scope="module")
def print_page(browser):
    context = browser.new_context(viewport={"width": PRINT_WIDTH, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.emulate_media(media="print")
    yield page
    context.close()


@pytest.mark.parametrize("which", ["seed", "ocd"])
def test_policy_fits_the_page_width_and_breaks_names_only_at_dots(print_page, ocd_catalog, tmp_path, which):
    catalog = load_catalog(CATALOG if which == "seed" else ocd_catalog)
    html = tmp_path / "policy.html"
    html.write_bytes(policy_files(catalog, ["html"])["cookie-policy.html"])
    print_page.goto(html.as_uri())
    layout = print_page.evaluate(LAYOUT_JS)
    assert layout["past"] == [], layout["past"][:10]
    assert layout["scroll"] <= layout["width"], layout
    assert layout["broken"] == [] and layout["whole"] == [], (layout["broken"][:10], layout["whole"][:10])
    with_condition = any(c.condition for p in catalog.plugins for c in p.cookies)
    assert ("Condition" in layout["headers"]) == with_condition
    if which == "seed":  # the seed's long names do wrap, at their dots
        lines = print_page.evaluate(
            """() => [...document.querySelectorAll('code')].map(c => c.getClientRects().length)
                .reduce((a, b) => Math.max(a, b), 0)"""
        )
        assert lines > 1
