"""Cookie Catalog: a YAML cookie catalog rendered into a cookie-policy site.

The pipeline is the folder listing, each stage importing only from those before it:
``catalog`` (files -> validated model), ``render`` (model -> text, pure),
``changes`` (between two catalogs), ``sinks`` (a directory, the downloads, the
MkDocs plugin), ``interop`` (importers, exporters, scan) and ``cli`` on top.
"""
