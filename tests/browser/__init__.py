"""Browser tests: the built site in real Chromium (a package, so its conftest and modules do not shadow the top-level ones)."""
