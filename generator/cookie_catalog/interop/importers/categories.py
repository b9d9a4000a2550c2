"""Other inventories' consent-category names -> catalog category keys.

Sources name the same categories differently ("Necessary", "Strictly
necessary", "Statistics", "Advertising"); importers map the names they
recognise onto the built-in keys and declare any other as a catalog category
of its own, labelled with the source's text, so it survives the round trip.
"""

from __future__ import annotations

import re

from cookie_catalog.catalog.model import BUILTIN_CATEGORIES, CategoryDef

_SYNONYMS: dict[str, str] = {
    "necessary": "strictly-necessary",
    "strictly necessary": "strictly-necessary",
    "essential": "strictly-necessary",
    "required": "strictly-necessary",
    "technical": "strictly-necessary",
    "functionality": "functional",
    "preferences": "functional",
    "preference": "functional",
    "statistics": "analytics",
    "statistic": "analytics",
    "statistical": "analytics",
    "analytical": "analytics",
    "analytic": "analytics",
    "performance": "analytics",
    "measurement": "analytics",
    "advertising": "marketing",
    "targeting": "marketing",
    "marketing/tracking": "marketing",
    "tracking": "marketing",
    "advertisement": "marketing",
    "targeting/advertising": "marketing",
    "personalisation": "personalization",
    **{key.replace("-", " "): key for key in BUILTIN_CATEGORIES},
    **{label.lower(): key for key, (label, _) in BUILTIN_CATEGORIES.items()},
}


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", text).lower().split())


def builtin_key(text: str) -> str | None:
    """The built-in category ``text`` names, or None."""
    return _SYNONYMS.get(_plain(text))


def custom_key(text: str) -> str:
    """A catalog key for a category we do not know: ``Social media`` -> ``social-media``."""
    return re.sub(r"[^a-z0-9]+", "-", _plain(text)).strip("-") or "uncategorised"


def category_key(text: str, custom: dict[str, CategoryDef]) -> str:
    """A built-in key, or a custom one declared in ``custom``, labelled with the source's text."""
    known = builtin_key(text)
    if known:
        return known
    key = custom_key(text)
    custom.setdefault(key, CategoryDef(label=text.strip() or "Uncategorised"))
    return key
