"""Rendered pages read back: the Markdown extensions customers enable, and what a reader sees of a page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, ClassVar

import markdown
from material.extensions.emoji import to_svg, twemoji

from support.inert import seen

# Every Markdown extension a customer might enable: the pages must stay inert under all of them.
EXTENSIONS = [
    "admonition",
    "attr_list",
    "tables",
    "toc",
    "smarty",
    "abbr",
    "def_list",
    "footnotes",
    "md_in_html",
    "pymdownx.magiclink",
    "pymdownx.emoji",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.keys",
    "pymdownx.betterem",
    "pymdownx.superfences",
    "pymdownx.inlinehilite",
    "pymdownx.arithmatex",
    "pymdownx.escapeall",
    "pymdownx.critic",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.smartsymbols",
    "pymdownx.snippets",
    "pymdownx.tabbed",
    "pymdownx.tasklist",
    "pymdownx.fancylists",
    "pymdownx.progressbar",
    "pymdownx.quotes",
    "pymdownx.striphtml",
    "pymdownx.saneheaders",
    "pymdownx.blocks.caption",
    "pymdownx.blocks.definition",
    "pymdownx.blocks.html",
    "legacy_attrs",
    "wikilinks",
    "callouts",
    "github-callouts",
]
# Their riskiest settings, as real sites have them: magiclink's shorthand references, commit hashes and link
# shorteners (Material's own configuration), emphasis inside words, angle quotes, Material's emoji.
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "pymdownx.magiclink": {
        "repo_url_shorthand": True,
        "social_url_shorthand": True,
        "repo_url_shortener": True,
        "social_url_shortener": True,
        "hide_protocol": True,
        "user": "squidfunk",
        "repo": "mkdocs-material",
    },
    "pymdownx.betterem": {"smart_enable": "none"},
    "smarty": {"smart_angled_quotes": True},
    "pymdownx.emoji": {"emoji_index": twemoji, "emoji_generator": to_svg},
}


def mkdocs_extensions() -> list[str | dict[str, dict[str, Any]]]:
    """The same for MkDocs' markdown_extensions setting (a new list each time: MkDocs empties its dictionaries)."""
    return [{name: dict(EXTENSION_CONFIGS[name])} if name in EXTENSION_CONFIGS else name for name in EXTENSIONS]


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with every extension of EXTENSIONS, set up as EXTENSION_CONFIGS says."""
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


class Blocks(HTMLParser):
    """Text of every cell, heading and paragraph (``<br>`` read as a line break), and every tag."""

    BLOCKS: ClassVar[set[str]] = {"td", "th", "h1", "h2", "h3", "p", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.open: list[list] = []
        self.tags: list[tuple[str, dict]] = []
        self.links: list[list[str]] = []  # [href, text] of every <a>
        self._in_link = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self.links.append([dict(attrs).get("href") or "", ""])
            self._in_link += 1
        if tag == "br":
            self.handle_data("\n")
        elif tag in self.BLOCKS:
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "a" and self._in_link:
            self._in_link -= 1
        if tag in self.BLOCKS and self.open:
            self.blocks.append(tuple(self.open.pop()))

    def handle_data(self, data):
        if self._in_link:
            self.links[-1][1] += data
        if self.open:
            self.open[-1][1] += data


def parse(html: str) -> Blocks:
    parser = Blocks()
    parser.feed(html)
    parser.close()
    return parser


def expected_cells(data: dict, plugin: dict) -> list[list[str]]:
    """The cells of a random catalog's cookie table as a reader sees them (every cookie lasts 2 years)."""
    rows = []
    for c in plugin["cookies"]:
        name = seen(c["name"]) + ("\n" + seen(c["domain"]) if c["domain"] else "")
        duration = "2 years" + ("\n" + seen(c["duration_note"]) if c["duration_note"] else "")
        rows.append([name, seen(c["purpose"]), duration, "Third-party", "Analytics", seen(c["condition"] or "")])
    return rows
