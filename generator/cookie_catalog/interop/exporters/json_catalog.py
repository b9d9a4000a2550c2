"""A catalog -> one JSON document, valid against ``schemas/catalog-document.schema.json``.

For tools that would rather not read YAML: the document holds what the files
hold (``cookie_catalog.catalog.model.CatalogDocument``), plugins keyed by their file name.
"""

from __future__ import annotations

import json

from cookie_catalog.catalog.model import Catalog, CatalogDocument, PluginFile


def document(catalog: Catalog) -> CatalogDocument:
    plugins = {
        plugin.source: PluginFile(
            plugin=plugin.title,
            description=plugin.description,
            notes=list(plugin.notes),
            cookies=[cookie.entry for cookie in plugin.cookies],
        )
        for plugin in catalog.plugins
    }
    return CatalogDocument(product=catalog.product, plugins=plugins)


def export(catalog: Catalog) -> str:
    data = document(catalog).model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
