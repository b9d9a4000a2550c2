"""The ``cookie-catalog`` MkDocs plugin: a thin adapter from MkDocs' events to the library."""

from cookie_catalog.sinks.mkdocs.plugin import CookieCatalogPlugin

__all__ = ["CookieCatalogPlugin"]
