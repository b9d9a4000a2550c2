"""Helpers to build and read real MkDocs sites in tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from support.paths import REPO

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def project_copy(tmp: Path) -> Path:
    """The project's own site sources (mkdocs.yml, docs/, catalog/) in ``tmp``."""
    for name in ("docs", "catalog"):
        shutil.copytree(REPO / name, tmp / name)
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    return tmp


def build(project: Path, site: Path, *extra: str, catalog: Path | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site``; ``catalog`` for the project's ``COOKIE_CATALOG``."""
    env = {k: v for k, v in os.environ.items() if k != "COOKIE_CATALOG"} | {"NO_MKDOCS_2_WARNING": "1"}
    if catalog is not None:
        env["COOKIE_CATALOG"] = str(catalog)
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


class TextOf(HTMLParser):
    """The text a reader sees in the article (entities decoded), plus the tags used."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.chunks: list[str] = []
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article" or self.depth:
            self.depth += 1
            self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.chunks.append(data)


def article(html_file: Path) -> TextOf:
    parser = TextOf()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser


def cells(html_file: Path) -> list[str]:
    """Text of every table cell of a page, in order."""

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.open = False

        def handle_starttag(self, tag, attrs):
            if tag == "td":
                self.open = True
                self.out.append("")

        def handle_endtag(self, tag):
            if tag == "td":
                self.open = False

        def handle_data(self, data):
            if self.open:
                self.out[-1] += data

    parser = Cells()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.out
