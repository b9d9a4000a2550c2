"""The real consumers of the exports (npm's cookieconsent and Klaro) and a quiet file server for their pages."""

from __future__ import annotations

import http.server
from pathlib import Path
from typing import ClassVar

from support.browsing import unavailable
from support.paths import BROWSER

NODE_MODULES = BROWSER / "node_modules"
LIBRARIES = {
    "cookieconsent.esm.js": NODE_MODULES / "vanilla-cookieconsent" / "dist" / "cookieconsent.esm.js",
    "cookieconsent.css": NODE_MODULES / "vanilla-cookieconsent" / "dist" / "cookieconsent.css",
    "klaro.js": NODE_MODULES / "klaro" / "dist" / "klaro.js",  # its translations and CSS included
}


def installed_libraries() -> dict[str, Path]:
    """:data:`LIBRARIES`, once each is there: a test without them is skipped (failed in CI), not an error."""
    missing = [str(path.relative_to(BROWSER)) for path in LIBRARIES.values() if not path.is_file()]
    if missing:
        unavailable(f"{', '.join(missing)} not installed: run `npm ci` in tests/browser")
    return LIBRARIES


class Files(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def end_headers(self):
        # Every example rewrites the same files, often within the second Last-Modified resolves.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass
