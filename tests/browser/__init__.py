"""Browser tests: the built site in real Chromium.

A package, so its conftest and modules do not shadow the top-level ones.
"""
