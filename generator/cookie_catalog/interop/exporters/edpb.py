"""A catalog -> knowledge bases for the EDPB Website Auditing Tool.

The shape is the tool's import format as the Open Cookie Database publishes it
(``open-cookie-database-edpb.json``, written by its ``convert_edpb.py``) and as
the tool models it (``src/app/models/knowledgeBase.model.ts`` and
``knowledges/{cookie,localstorage}-knowledge.model.ts`` in
https://code.europa.eu/edpb/website-auditing-tool): a list of knowledge bases,
each ``{name, author, category, knowledges, created_at}`` where ``category`` is
``cookie`` or ``localstorage`` and every knowledge of a base has that ``kind``.
Categories are written as the database writes them, lower-cased ("necessary").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.source_date import source_date
from cookie_catalog.interop.exporters.ocd import category_name

KINDS = {"cookie": "cookie", "local-storage": "localstorage"}  # our storage -> the tool's kind


def knowledge_bases(catalog: Catalog, when: dt.datetime) -> list[dict[str, Any]]:
    stamp = when.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    bases: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS.values()}
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            kind = KINDS.get(cookie.storage)
            if kind is None:  # session storage, IndexedDB, pixels: the tool has no kind for them
                continue
            common = {
                "category": category_name(catalog, cookie.category).lower(),
                "source": plugin.title,
                "controller": cookie.controller or "",
                "date": "",
                "policy": cookie.privacy_url or "",
                "reference": cookie.id or "",
                "comment": cookie.purpose,
            }
            if kind == "cookie":
                knowledge = {
                    "kind": kind,
                    "domain": cookie.domain or "",
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
        }
        for kind, items in bases.items()
        if items
    ]


def export(catalog: Catalog, when: dt.datetime | None = None) -> str:
    """The knowledge bases as JSON; every ``created_at``/``updated_at`` is ``when``, by default the
    catalog's own date (``cookie_catalog.catalog.source_date``), so the same catalog gives the same file."""
    bases = knowledge_bases(catalog, when or source_date(catalog))
    return json.dumps(bases, indent=4, ensure_ascii=False) + "\n"
