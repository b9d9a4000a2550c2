"""Stage 1: reading and validating a catalog (YAML files -> the validated model).

Everything else starts from :func:`cookie_catalog.catalog.loader.load_catalog`
and the model in :mod:`cookie_catalog.catalog.model`; a problem in the input is
a :class:`cookie_catalog.catalog.problems.CatalogError` naming file, line and field.
"""
