"""A catalog -> an IAB TCF device storage disclosure (``deviceStorageDisclosureUrl`` JSON).

Shape: "Vendor Device Storage & Operational Disclosures" (v1.1) in
https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework (``TCFv2/``):
``{"disclosures": [...], "domains": [...]}``. Each cookie or storage key is one
disclosure:

- ``identifier``: the name; a pattern is written with the spec's wildcard, a
  prefix such as ``_ga_`` as ``_ga_*`` (``SSPR_*`` stays as it is);
- ``type``: ``cookie`` for cookies, ``web`` for local storage, session storage and
  IndexedDB; tracking pixels store nothing and are not disclosed;
- ``maxAgeSeconds`` (cookies; ``null`` otherwise): ``0`` for a session cookie, the
  duration in seconds (a month is 30 days, a year 365), and for ``persistent`` or
  ``unknown`` 400 days, the longest any cookie lives in current browsers (RFC
  6265bis caps Expires and Max-Age there), so the disclosure never says less than
  the truth;
- ``cookieRefresh`` (cookies): the cookie's ``lifetime_refreshed``, ``false`` when the catalog does not say;
- ``domains``: the cookie's domain for a third-party cookie that names one (without
  a leading dot, lower-cased), else ``["*"]``, which the spec allows for
  first-party storage on many partners' sites. The spec wants a domain and no
  other text, so a domain field that is not one (the Open Cookie Database has
  "google-analytics.com (3rd party) or ...") is ``"*"`` too;
- ``purposes`` and ``specialPurposes``: TCF ids from the category (``PURPOSES``);
- ``description``: the cookie's purpose, as plain text.

The top-level ``domains`` lists every named third-party domain with the union of
its cookies' purposes. The mapping from categories to TCF purposes (TCF v2.2
purposes: 1 store and/or access information on a device, 2 use limited data to
select advertising, 3/4 create/use profiles for personalised advertising, 5/6
create/use profiles to personalise content, 7 measure advertising performance, 8
measure content performance, 9 understand audiences, 10 develop and improve
services; special purpose 1 ensure security, prevent and detect fraud, and fix
errors) is in ``PURPOSES``; storage exempt from ePrivacy consent carries no
purpose 1. A category of the catalog's own gets purpose 1 alone.
"""

from __future__ import annotations

import re
from typing import Any

from cookie_catalog.catalog.model import Catalog, Cookie, Plugin
from cookie_catalog.render import json_rows

# category -> (purposes, special purposes)
PURPOSES: dict[str, tuple[list[int], list[int]]] = {
    "strictly-necessary": ([], []),
    "security": ([], [1]),
    "functional": ([1], []),
    "personalization": ([1, 5, 6], []),
    "analytics": ([1, 8, 9, 10], []),
    "marketing": ([1, 2, 3, 4, 7], []),
}
OWN_CATEGORY: tuple[list[int], list[int]] = ([1], [])
TYPES = {"cookie": "cookie", "local-storage": "web", "session-storage": "web", "indexeddb": "web"}
LONGEST_COOKIE_SECONDS = 400 * 86400  # RFC 6265bis: no cookie outlives 400 days
ANY_DOMAIN = "*"
_DOMAIN = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")


def _identifier(cookie: Cookie) -> str:
    """The name, a pattern with the spec's wildcard. The spec forbids a wildcard alone ("A wildcard alone is
    invalid"), which would claim every name: the catalog refuses such a name (``catalog.model``)."""
    return cookie.name if not cookie.pattern or "*" in cookie.name else cookie.name + "*"


def _max_age(cookie: Cookie) -> int | None:
    duration = cookie.duration
    if cookie.storage != "cookie":
        return None
    if duration.kind == "session":
        return 0
    if duration.seconds is not None:
        return duration.seconds  # as the catalog declares it, as the spec asks
    return LONGEST_COOKIE_SECONDS


def domain_name(cookie: Cookie) -> str | None:
    """The third-party domain a cookie names, lower-cased without a leading dot; None for a first-party cookie
    or one whose domain field is not a plain domain name (free text such as "x.com (3rd party) or ...")."""
    if cookie.provenance != "third-party" or not cookie.domain:
        return None
    domain = cookie.domain.strip().lower().removeprefix(".")
    return domain if _DOMAIN.fullmatch(domain) else None


def _domain(cookie: Cookie) -> str:
    return domain_name(cookie) or ANY_DOMAIN


def disclosure(cookie: Cookie, plugin: Plugin) -> dict[str, Any]:
    kind = TYPES[cookie.storage]
    purposes, special = PURPOSES.get(cookie.category, OWN_CATEGORY)
    item: dict[str, Any] = {"identifier": _identifier(cookie), "type": kind, "maxAgeSeconds": _max_age(cookie)}
    if kind == "cookie":
        item["cookieRefresh"] = cookie.lifetime_refreshed is True
    item["domains"] = [_domain(cookie)]
    item["purposes"] = purposes
    if special:
        item["specialPurposes"] = special
    item["description"] = cookie.purpose
    return item


def document(catalog: Catalog) -> dict[str, Any]:
    disclosures = []
    domains: dict[str, tuple[set[int], set[int]]] = {}
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            if cookie.storage not in TYPES:
                continue
            item = disclosure(cookie, plugin)
            disclosures.append(item)
            domain = item["domains"][0]
            if domain != ANY_DOMAIN:
                purposes, special = domains.setdefault(domain, (set(), set()))
                purposes.update(item["purposes"])
                special.update(item.get("specialPurposes", []))
    listed = []
    for domain, (purposes, special) in sorted(domains.items()):
        entry: dict[str, Any] = {"domain": domain, "purposes": sorted(purposes)}
        if special:
            entry["specialPurposes"] = sorted(special)
        listed.append(entry)
    return {"disclosures": disclosures, "domains": listed}


def export(catalog: Catalog) -> str:
    """The disclosure with a disclosure (and a domain) a line."""
    return json_rows.dumps(document(catalog), rows_at=2)
