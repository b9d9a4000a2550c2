"""Cookie Catalog: a YAML cookie catalog rendered into a cookie-policy site.

The pipeline, one module a stage: ``loader`` (files -> validated ``model``),
``render`` (model -> pages), then sinks: ``sink`` (a directory) and ``plugin`` (MkDocs).
"""
