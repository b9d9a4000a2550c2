"""Driving the built site in Chromium: skipping or failing when a piece is missing, and Material's search."""

from __future__ import annotations

import os

import pytest

from cookie_catalog.cli.ci import in_ci

DESKTOP = {"width": 1280, "height": 800}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium itself calls Google (and fails: no internet here).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The links of the first search result (one page and its matching sections), as
# Material's Enter key sees them: it opens the one with the highest score.
FIRST_RESULT_JS = """() => {
  const item = document.querySelector('.md-search-result__list > .md-search-result__item');
  if (!item) return [];
  return [...item.querySelectorAll('a[href]')].map(a => ({
    href: a.href,
    title: a.querySelector('h1, h2').textContent,
    score: parseFloat(a.querySelector('article').dataset.mdScore),
  }));
}"""

# Results come back from a web worker, one list per keystroke: wait until the
# list has results and has not changed for a while.
WATCH_RESULTS_JS = """() => {
  const list = document.querySelector('.md-search-result__list');
  window.__ccResultsChanged = performance.now();
  if (window.__ccObserver) window.__ccObserver.disconnect();
  window.__ccObserver = new MutationObserver(() => { window.__ccResultsChanged = performance.now(); });
  window.__ccObserver.observe(list, {childList: true, subtree: true});
}"""
RESULTS_SETTLED_JS = """query => document.querySelector('input.md-search__input').value === query
  && document.querySelector('.md-search-result__list > .md-search-result__item') !== null
  && performance.now() - window.__ccResultsChanged > 150"""

SETTLED_AFTER_LOAD_JS = """() => {
  const [nav] = performance.getEntriesByType('navigation');
  return nav && nav.loadEventEnd > 0 && performance.now() - nav.loadEventEnd > 200;
}"""


def unavailable(reason: str):
    """Skip on a developer's machine, fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run; .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


def search(page, query: str, *, keystrokes: bool = True) -> list[dict]:
    """Type ``query`` into the search box; the links of the first result, in page order."""
    # Material closes the search 125 ms after a page with a #fragment loads
    # (it closes it on every navigation): a click before that is undone.
    page.wait_for_function(SETTLED_AFTER_LOAD_JS)
    box = page.locator("input.md-search__input")
    box.click()
    page.wait_for_function("document.getElementById('__search').checked")
    page.evaluate(WATCH_RESULTS_JS)
    box.fill("")
    if keystrokes:
        box.press_sequentially(query)
    else:  # one query instead of one per character
        box.fill(query)
        box.press("End")  # Material reads the box on keyup
    page.wait_for_function(RESULTS_SETTLED_JS, arg=query, timeout=10_000)
    return page.evaluate(FIRST_RESULT_JS)
