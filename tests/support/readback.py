"""Reading outputs back the way a reader or a program meets them."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser


class HtmlReader(HTMLParser):
    """Visible text, every element and attribute, and anything that loads from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)

    def external_references(self) -> list[str]:
        found = []
        for tag, attrs in self.elements:
            for key in ("src", "href", "srcset", "data", "poster", "action"):
                value = attrs.get(key)
                if value and not value.startswith("#"):
                    found.append(f"<{tag} {key}={value}>")
            if tag in ("script", "iframe", "object", "embed", "link", "img", "base"):
                found.append(f"<{tag}>")
        return found

    def handlers(self) -> list[str]:
        return [f"{tag} {key}" for tag, attrs in self.elements for key in attrs if key.lower().startswith("on")]


def read_html(html: str) -> HtmlReader:
    reader = HtmlReader()
    reader.feed(html)
    reader.close()
    return reader


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a policy CSV; it starts with a UTF-8 byte order mark (for Excel), which is not text."""
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV must start with a UTF-8 BOM for Excel"
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def unguard(value: str) -> str:
    """Undo the spreadsheet formula guard (a leading apostrophe before = + - @ tab CR ')."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r", "'") else value
