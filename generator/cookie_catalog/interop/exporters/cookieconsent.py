"""A catalog -> a configuration for orestbida's cookieconsent v3.

Shape: ``CookieConsentConfig`` in cookieconsent's ``types/index.d.ts``
(https://github.com/orestbida/cookieconsent, v3) and
https://cookieconsent.orestbida.com/reference/configuration-reference.html.
Each catalog category with cookies becomes a category; strictly necessary is
``enabled`` and ``readOnly``, every other one lists its cookies under
``autoClear.cookies`` (``{name: string | RegExp}``) so they are erased when the
visitor opts out. The English translation has a preferences section per
category with a cookie table, so the banner can be used as it is.

cookieconsent puts every text of a translation (titles, descriptions, table
headers and cells) into the page as HTML (``innerHTML``,
``insertAdjacentHTML``), so each catalog text goes through
``cookie_catalog.render.escape.html_content``: it shows verbatim and never becomes markup.
Cookie names in ``autoClear`` are data, compared as strings or matched as
regular expressions, and stay as they are (patterns escaped by
``cookie_catalog.catalog.patterns``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cookie_catalog.catalog.model import Catalog, Cookie
from cookie_catalog.catalog.patterns import name_regex
from cookie_catalog.interop.exporters.javascript import Regex, js_comment, js_literal
from cookie_catalog.render.escape import html_content

NECESSARY = "strictly-necessary"
DOCS = "https://cookieconsent.orestbida.com/reference/configuration-reference.html"


def _clear_item(cookie: Cookie) -> dict[str, Any]:
    return {"name": Regex(name_regex(cookie.name)) if cookie.pattern else cookie.name}


# The cookie table's columns are the configuration's own (``cookieTable.headers``): beyond name, duration and
# purpose, a column for each regulatory fact (docs/lint.md) that some cookie of the section states.
_FACTS: tuple[tuple[str, str, Callable[[Cookie], str]], ...] = (
    ("legalBasis", "Legal basis", lambda c: c.legal_basis_text),
    ("data", "Data", lambda c: ", ".join(c.data_categories)),
    ("dataKept", "Data kept", lambda c: c.retention.text if c.retention else ""),
    ("thirdPartyAccess", "Third-party access", lambda c: {True: "Yes", False: "No", None: ""}[c.third_party_access]),
    ("provider", "Provider", lambda c: ", ".join(filter(None, (c.controller, c.country)))),
    ("transfers", "Transfers", lambda c: "; ".join(f"{t.country}: {t.safeguard_text}" for t in c.transfers)),
)


def _table(cookies: list[Cookie]) -> dict[str, Any]:
    """A section's cookie table; its cells are HTML to cookieconsent."""
    facts = [(key, header, cell) for key, header, cell in _FACTS if any(cell(c) for c in cookies)]
    headers = {"name": "Name", "duration": "Duration", "description": "Purpose", **{k: h for k, h, _ in facts}}
    body = [
        {
            "name": html_content(cookie.name),
            "duration": html_content(cookie.duration.text),
            "description": html_content(cookie.purpose),
            **{key: html_content(cell(cookie)) for key, _, cell in facts},
        }
        for cookie in cookies
    ]
    return {"headers": headers, "body": body}


def config(catalog: Catalog) -> dict[str, Any]:
    by_category: dict[str, list[Cookie]] = {}
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            by_category.setdefault(cookie.category, []).append(cookie)
    categories: dict[str, Any] = {}
    sections: list[dict[str, Any]] = [
        {"title": html_content(catalog.title), "description": html_content(catalog.product.intro or "")}
    ]
    for category in catalog.categories:
        cookies = by_category.get(category.key)
        if not cookies:
            continue
        if category.key == NECESSARY:
            categories[category.key] = {"enabled": True, "readOnly": True}
        else:
            clear: list[dict[str, Any]] = []
            for cookie in cookies:  # browsers' own cookies only: autoClear cannot reach storage
                item = _clear_item(cookie)
                if cookie.storage == "cookie" and item not in clear:
                    clear.append(item)
            categories[category.key] = {"autoClear": {"cookies": clear}} if clear else {}
        sections.append(
            {
                "title": html_content(category.label),
                "description": html_content(category.description),
                "linkedCategory": category.key,
                "cookieTable": _table(cookies),
            }
        )
    intro = catalog.product.intro or f"{catalog.product.product} uses cookies; choose which ones you accept."
    translation = {
        "consentModal": {
            "title": html_content(catalog.title),
            # With a `revision`, cookieconsent replaces "{{revisionMessage}}" here: a brace written as a
            # reference reads the same and never forms the placeholder.
            "description": html_content(intro).replace("{", "&#123;"),
            "acceptAllBtn": "Accept all",
            "acceptNecessaryBtn": "Reject all",
            "showPreferencesBtn": "Manage preferences",
        },
        "preferencesModal": {
            "title": "Cookie preferences",
            "acceptAllBtn": "Accept all",
            "acceptNecessaryBtn": "Reject all",
            "savePreferencesBtn": "Save preferences",
            "sections": sections,
        },
    }
    return {"categories": categories, "language": {"default": "en", "translations": {"en": translation}}}


def export(catalog: Catalog) -> str:
    return (
        f"// cookieconsent v3 configuration for {js_comment(catalog.title)}, generated by cookie-catalog.\n"
        f"// Use: import config from './this-file.js'; CookieConsent.run(config);  See {DOCS}\n"
        f"export default {js_literal(config(catalog))};\n"
    )
