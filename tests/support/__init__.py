"""What the tests share: paths, catalogs to write, builders, parsers and checkers.

Test modules import helpers from here, never from ``conftest`` or from each
other: ``conftest.py`` holds only fixtures, and a test module imported by
another would run its tests twice or not at all depending on import order.
pytest puts ``tests/`` on ``sys.path`` (its rootdir conftest), so this package
imports as ``support``.
"""
