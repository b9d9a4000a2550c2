"""A catalog -> a Klaro! configuration (``klaroConfig``).

Shape: Klaro's annotated configuration (https://klaro.org/docs/integration/annotated-configuration,
``dist/config.js`` in https://github.com/klaro-org/klaro-js): ``services`` each
with ``name``, ``title``, ``purposes``, ``cookies`` (strings, or regular
expressions for patterns) and ``required``; purpose titles and descriptions
under ``translations.zz.purposes``. Klaro consents per service and ``required``
is per service, so a plugin whose cookies span several categories becomes one
service per category: a strictly necessary cookie must never make a marketing
one mandatory.

What Klaro does with each text (``src/components`` of klaro-js 0.7): titles of
services and purposes are React text, shown as they are; descriptions go
through its ``Text`` component, which with ``htmlTexts: true`` sets them as
``innerHTML``. The export sets ``htmlTexts: true`` itself (Klaro's annotated
configuration does too, so a merged configuration keeps it) and writes every
description through ``cookie_catalog.render.escape.html_content``. A cookie name is a
string Klaro escapes into a regex, unless it starts with ``^``: then Klaro
takes it for a regex source, so such a name is written as an escaped regex.
Service names become ``id`` attributes and part of a CSS selector
(``[data-name='...']``), so they are slugs.

Language: the catalog's texts are English, so the configuration sets ``lang:
"en"`` (Klaro otherwise follows the page's ``lang`` and would show, say, its
German purpose texts beside English service texts) and writes the texts under
``en``, where they replace Klaro's own English texts for the same keys, and under
the fallback ``zz``.

Purpose keys: Klaro gives the key ``functional`` a meaning of its own. Its
English texts call it "Service Provision ... You cannot disable them here", and
its notice leaves it out when asking for consent ("Could we please enable some
additional services for {purposes}?", ``consent-notice.jsx``), as for services
that are always required. That is the catalog's ``strictly-necessary``, so it
becomes Klaro's ``functional``; the catalog's own ``functional`` (optional, off
until accepted) gets another key. Other keys stay as they are.
"""

from __future__ import annotations

from typing import Any

from cookie_catalog.catalog.model import Catalog, Cookie
from cookie_catalog.catalog.patterns import exact_regex, name_regex
from cookie_catalog.catalog.slugs import page_slug
from cookie_catalog.interop.exporters.cookieconsent import NECESSARY
from cookie_catalog.interop.exporters.javascript import Regex, js_comment, js_literal
from cookie_catalog.render.escape import html_content

DOCS = "https://klaro.org/docs/integration/annotated-configuration"
LANGUAGE = "en"  # the language of the catalog's texts
KLARO_REQUIRED_PURPOSE = "functional"  # the key Klaro treats as always required


def purpose_keys(keys: list[str]) -> dict[str, str]:
    """Each catalog category key -> Klaro's purpose key: strictly necessary is Klaro's ``functional``; a catalog
    ``functional`` is renamed to a key no other category uses."""
    out = {key: key for key in keys if key not in (NECESSARY, KLARO_REQUIRED_PURPOSE)}
    out[NECESSARY] = KLARO_REQUIRED_PURPOSE
    candidate, n = "functional-optional", 1
    while candidate in keys:
        n += 1
        candidate = f"functional-optional-{n}"
    out[KLARO_REQUIRED_PURPOSE] = candidate
    return {key: out[key] for key in keys}


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _count(cookies: list[Cookie]) -> str:
    """ "1 cookie", "2 cookies", "1 cookie and 2 storage keys": what a service without a description holds."""
    browser = sum(c.storage == "cookie" for c in cookies)
    parts = [_counted(browser, "cookie")] if browser else []
    if len(cookies) > browser:
        parts.append(_counted(len(cookies) - browser, "storage key"))
    return " and ".join(parts)


def _cookie(cookie: Cookie) -> Any:
    if cookie.pattern:
        return Regex(name_regex(cookie.name))
    return Regex(exact_regex(cookie.name)) if cookie.name.startswith("^") else cookie.name


def config(catalog: Catalog) -> dict[str, Any]:
    services = []
    used: list[str] = []
    klaro_key = purpose_keys([c.key for c in catalog.categories])
    taken = {plugin.slug for plugin in catalog.plugins}
    for plugin in catalog.plugins:
        groups: dict[str, list[Cookie]] = {}
        for cookie in plugin.cookies:
            groups.setdefault(cookie.category, []).append(cookie)
        for key, cookies in groups.items():
            category = catalog.category(key)
            split = len(groups) > 1
            description = plugin.description or f"{_count(cookies)}: {category.label.lower()}."
            names: list[Any] = []
            for cookie in cookies:  # Klaro deletes cookies only, not storage keys
                if cookie.storage == "cookie" and _cookie(cookie) not in names:
                    names.append(_cookie(cookie))
            services.append(
                {
                    "name": page_slug(f"{plugin.slug}-{key}", taken) if split else plugin.slug,
                    "title": f"{plugin.title} ({category.label})" if split else plugin.title,
                    "purposes": [klaro_key[key]],
                    "cookies": names,
                    "required": key == NECESSARY,
                    "default": key == NECESSARY,
                    "translations": {
                        language: {"description": html_content(description)} for language in (LANGUAGE, "zz")
                    },
                }
            )
            if key not in used:
                used.append(key)
    purposes = {
        klaro_key[c.key]: {"title": c.label, "description": html_content(c.description)}
        for c in catalog.categories
        if c.key in used
    }
    return {
        "version": 1,
        "lang": LANGUAGE,
        "elementID": "klaro",
        "storageMethod": "cookie",
        "groupByPurpose": True,
        "htmlTexts": True,
        "translations": {LANGUAGE: {"purposes": purposes}, "zz": {"purposes": purposes}},
        "services": services,
    }


def export(catalog: Catalog) -> str:
    return (
        f"// Klaro! configuration for {js_comment(catalog.title)}, generated by cookie-catalog. See {DOCS}\n"
        f"var klaroConfig = {js_literal(config(catalog))};\n"
    )
