"""What a regulator would find wrong in a catalog: the rules of ``cookie-catalog lint`` (docs/lint.md).

Pure over the validated catalog and its YAML files' positions: no output, no command line.
"""
