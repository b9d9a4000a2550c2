"""JSON Schemas of the catalog files, derived from ``cookie_catalog.catalog.model``.

The files under ``generator/cookie_catalog/catalog/schemas/`` are this module's output, committed so
that editors (yaml-language-server) find them next to the catalog; a test
fails when they fall behind the model.
"""

from __future__ import annotations

import json
from typing import Any

from cookie_catalog.catalog.model import CatalogDocument, PluginFile, ProductFile

BASE = "https://cookie-catalog.invalid/schemas/"


def schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for name, model, title in (
        ("catalog.schema.json", ProductFile, "Cookie catalog: catalog.yml"),
        ("plugin.schema.json", PluginFile, "Cookie catalog: plugins/<name>.yml"),
        ("catalog-document.schema.json", CatalogDocument, "Cookie catalog as one JSON document"),
    ):
        document = model.model_json_schema(mode="validation")
        out[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": BASE + name,
            **document,
            "title": title,
        }
    return out


def serialise(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
