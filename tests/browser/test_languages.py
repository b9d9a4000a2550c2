"""The site's language trees in Chromium: the switcher keeps the reader on the same page, search per language."""

from __future__ import annotations

import pytest

from support.browsing import search
from support.paths import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

PURPOSE_WORD = {"en": "Purpose", "de": "Zweck", "fr": "Finalité"}


def switch(page, language: str) -> None:
    """Open Material's language menu and pick ``language``, as a reader does."""
    page.locator(".md-header__option .md-select button").hover()
    page.locator(f'.md-select__link[hreflang="{language}"]').click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("path", ["cookies/webchat/", "cookies/", "reading/", ""])
def test_the_switcher_moves_between_the_same_page_in_each_language(page, base_url, path):
    page.goto(f"{base_url}{path}")
    assert page.evaluate("document.documentElement.lang") == "en"
    for language, tree in (("de", "de/"), ("fr", "fr/"), ("en", ""), ("fr", "fr/"), ("de", "de/")):
        switch(page, language)
        assert page.url == f"{base_url}{tree}{path}", (language, page.url)
        assert page.evaluate("document.documentElement.lang") == language
    if path == "cookies/webchat/":
        header = page.locator("article th").nth(1).inner_text()
        assert header == PURPOSE_WORD["de"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "webchat-de.png")


def test_the_german_tree_searches_in_german(page, base_url):
    page.goto(f"{base_url}de/")
    search(page, "Zeitpunkt", keystrokes=False)  # only in German purposes
    hrefs = page.eval_on_selector_all(".md-search-result__list a[href]", "els => els.map(a => a.href)")
    assert hrefs and all(href.startswith(f"{base_url}de/") for href in hrefs), hrefs
    assert any("/de/cookies/webchat/" in href for href in hrefs), hrefs
