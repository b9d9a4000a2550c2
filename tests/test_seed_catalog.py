"""The bundled catalog is the seed page, complete and character for character."""

from __future__ import annotations

import re

from cookie_catalog.catalog.loader import load_catalog

from support.catalogs import SEED_PLUGINS, seed_rows
from support.paths import CATALOG


def test_seed_page_has_37_rows():
    assert len(seed_rows()) == 37


def test_plugins_in_page_order_with_every_cookie_verbatim():
    catalog = load_catalog(CATALOG)
    assert [p.title for p in catalog.plugins] == SEED_PLUGINS
    ours = [(p.title, c.name, c.purpose) for p in catalog.plugins for c in p.cookies]
    assert ours == seed_rows()


def test_every_cookie_is_session_third_party_strictly_necessary():
    catalog = load_catalog(CATALOG)
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            assert (str(cookie.duration), cookie.provenance, cookie.category, cookie.storage) == (
                "session",
                "third-party",
                "strictly-necessary",
                "cookie",
            )


def test_conditional_cookies_keep_the_sentence_and_carry_the_condition():
    catalog = load_catalog(CATALOG)
    conditional = [c for p in catalog.plugins for c in p.cookies if "applicable only when using" in c.purpose]
    assert len(conditional) == 9
    for cookie in conditional:
        api = re.search(r"applicable only when using (PureEngage V3 API|PureCloud V2 API)", cookie.purpose).group(1)
        assert cookie.condition == api
    assert sum(1 for p in catalog.plugins for c in p.cookies if c.condition) == 9


def test_both_important_notes():
    catalog = load_catalog(CATALOG)
    assert [(n.kind, n.text) for n in catalog.product.notes] == [
        ("important", "Genesys Widgets never stores Personally Identifiable Information (PII) in its cookies.")
    ]
    webchat = catalog.plugins[-1]
    assert [(n.kind, n.text) for n in webchat.notes] == [
        (
            "important",
            "An active WebChat session cookie is automatically deleted whenever the chat session is "
            "ended/expired or the visitor closes his or her browser.",
        )
    ]
    assert all(not p.notes for p in catalog.plugins[:-1])


def test_revision_date():
    product = load_catalog(CATALOG).product
    assert str(product.updated) == "2020-04-15"
    assert product.intro == "The following is a list of cookies used by Genesys Widgets."
