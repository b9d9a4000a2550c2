"""A catalog -> knowledge bases for the EDPB Website Auditing Tool.

The shape is the tool's import format as the Open Cookie Database publishes it
(``open-cookie-database-edpb.json``, written by its ``convert_edpb.py``) and as
the tool models it (``src/app/models/knowledgeBase.model.ts`` and
``knowledges/{cookie,localstorage}-knowledge.model.ts`` in
https://code.europa.eu/edpb/website-auditing-tool): a list of knowledge bases,
each ``{name, author, category, knowledges, created_at}`` where ``category`` is
``cookie`` or ``localstorage`` and every knowledge of a base has that ``kind``.
Categories are written as the database's names, lower-cased, but for strictly
necessary, which stays "necessary" here (the tool's category is free text, and an
auditor looks for exactly that difference).

What the tool does with a base (``src/app/services/knowledge-base.service.ts``
and ``knowledges/cookie-knowledges.service.ts`` of the tool; the same files in the
mirror https://github.com/patmmccann/edpb-website-auditing-tool):

- ``search`` looks only in bases with ``used == true``, so every base says so;
- a cookie is found by ``getCookieEntries(domain, name)``: by name only among
  knowledges whose ``domain`` is ``"*"``, otherwise by name *and* the exact domain
  the browser reports. A first-party cookie is set on whatever site embeds the
  product, so its domain is ``"*"``, as is that of any cookie the catalog gives no
  domain or a domain field that is no domain name; a third-party cookie keeps its
  domain;
- names are looked up exactly (an IndexedDB index), so a pattern such as ``_ga_``
  cannot match ``_ga_XYZ`` there; ``wildcard_match`` says which ones are patterns;
- local-storage knowledges are found by exact ``key``.

``source`` is the plugin's title, or "" for the plugin the OCD importer makes of
rows without a platform, as in ``export open-cookie-database``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cookie_catalog.catalog.model import Catalog, Cookie
from cookie_catalog.catalog.source_date import source_date
from cookie_catalog.interop.exporters.ocd import NECESSARY, category_name, platform_name
from cookie_catalog.render.tcf import domain_name

KINDS = {"cookie": "cookie", "local-storage": "localstorage"}  # our storage -> the tool's kind
ANY_DOMAIN = "*"  # the tool's domain for a knowledge it may find by name alone


def _category(catalog: Catalog, key: str) -> str:
    return "necessary" if key == NECESSARY else category_name(catalog, key).lower()


def _domain(cookie: Cookie) -> str:
    """``"*"`` unless the cookie belongs to one third-party domain, written as the catalog spells it (a browser
    reports ``.example.com`` for a cookie of the domain and its subdomains). A domain field that is no domain
    name ("x.com (3rd party) or ...") could never equal what a browser reports, so it is ``"*"`` too."""
    return cookie.domain.strip() if cookie.domain and domain_name(cookie) else ANY_DOMAIN


def knowledge_bases(catalog: Catalog, when: dt.datetime) -> list[dict[str, Any]]:
    stamp = when.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    bases: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS.values()}
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            kind = KINDS.get(cookie.storage)
            if kind is None:  # session storage, IndexedDB, pixels: the tool has no kind for them
                continue
            common = {
                "category": _category(catalog, cookie.category),
                "source": platform_name(plugin.title),
                "controller": cookie.controller or "",
                "date": "",
                "policy": cookie.privacy_url or "",
                "reference": cookie.id or "",
                "comment": cookie.purpose,
            }
            if kind == "cookie":
                knowledge = {
                    "kind": kind,
                    "domain": _domain(cookie),
                    "name": cookie.name,
                    **common,
                    "wildcard_match": int(cookie.pattern),
                }
            else:
                knowledge = {"kind": kind, "script": "", "key": cookie.name, **common}
            bases[kind].append({"updated_at": stamp, "created_at": stamp, **knowledge})
    author = catalog.product.product
    return [
        {
            "name": catalog.title if kind == "cookie" else f"{catalog.title}: local storage",
            "author": author,
            "category": kind,
            "knowledges": items,
            "created_at": stamp,
            "used": True,
        }
        for kind, items in bases.items()
        if items
    ]


def export(catalog: Catalog, when: dt.datetime | None = None) -> str:
    """The knowledge bases as JSON; every ``created_at``/``updated_at`` is ``when``, by default the
    catalog's own date (``cookie_catalog.catalog.source_date``), so the same catalog gives the same file."""
    bases = knowledge_bases(catalog, when or source_date(catalog))
    return json.dumps(bases, indent=4, ensure_ascii=False) + "\n"
