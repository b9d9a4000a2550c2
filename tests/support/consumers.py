"""The real consumers of the exports (npm's cookieconsent and Klaro) and a quiet file server for their pages."""

from __future__ import annotations

import http.server
from typing import ClassVar

from support.paths import BROWSER

NODE_MODULES = BROWSER / "node_modules"
LIBRARIES = {
    "cookieconsent.esm.js": NODE_MODULES / "vanilla-cookieconsent" / "dist" / "cookieconsent.esm.js",
    "cookieconsent.css": NODE_MODULES / "vanilla-cookieconsent" / "dist" / "cookieconsent.css",
    "klaro.js": NODE_MODULES / "klaro" / "dist" / "klaro.js",  # its translations and CSS included
}


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
