"""What the HTML outputs may hold: an allowlist of elements, attributes and values, and how text must read.

Whatever parses them (Chromium, WeasyPrint's tinyhtml5, a CMS), the standalone
policy HTML and the HTML fragments may contain only the elements and
attributes their templates write. Catalog text can add characters, never an
element, an attribute, a comment or a link, but for a link to an http(s) URL
it holds and an empty comment that keeps an e-mail address from becoming one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Rule = frozenset | re.Pattern
ANY = re.compile(r".*", re.S)  # a text attribute (a category description as a tooltip)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# templates/policy.html.j2 and the Markdown of templates/policy.md.j2 as markdown-it renders it.
_NONE: dict[str, Rule] = {}
POLICY_ALLOWED: dict[str, dict[str, Rule]] = {
    "html": {"lang": frozenset({"en"})},
    "meta": {
        "charset": frozenset({"utf-8"}),
        "http-equiv": frozenset({"Content-Security-Policy"}),
        "name": frozenset({"viewport"}),
        "content": frozenset({CSP, "width=device-width, initial-scale=1"}),
    },
    "div": {"class": frozenset({"table-wrap"})},
    # an http(s) URL in catalog text, made a link (its text is its target: test_text_properties)
    "a": {"href": re.compile(r"https?://\S+", re.I)},
    "span": {"class": frozenset({"name-part"})},  # a name's piece up to a dot, kept on one line
    # the empty comment before the "@" of an e-mail address, which GitHub would link (render/escape.py)
    "<!-->": {"data": frozenset({" "})},
    **{
        tag: _NONE
        for tag in (
            "wbr",
            "head",
            "title",
            "style",
            "body",
            "main",
            "h1",
            "h2",
            "h3",
            "p",
            "strong",
            "br",
            "blockquote",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "code",
        )
    },
}

# templates/fragment.html.j2, parsed as a document (html, head and body are the parser's).
_CLASS = "cookie-catalog__"
FRAGMENT_ALLOWED: dict[str, dict[str, Rule]] = {
    "section": {"class": frozenset({"cookie-catalog"}), "id": re.compile(r"cookie-catalog-[a-z0-9-]+")},
    "h2": {"class": frozenset({_CLASS + "title"})},
    "p": {"class": frozenset({_CLASS + "description", _CLASS + "note-title", _CLASS + "empty"})},
    "aside": {"class": re.compile(rf"{_CLASS}note {_CLASS}note--(important|note|warning)")},
    "div": {"class": frozenset({_CLASS + "scroll"})},
    "table": {"class": frozenset({_CLASS + "table"})},
    "tr": {"class": frozenset({_CLASS + "cookie"}), "id": re.compile(r"[\w.-]+--[\w.-]+")},
    "td": {
        "class": frozenset(_CLASS + c for c in ("name", "purpose", "duration", "provenance", "category", "condition")),
        "title": ANY,
    },
    "small": {"class": frozenset({_CLASS + "domain"})},
    "time": {"datetime": re.compile(r"PT?[1-9][0-9]*[YMWDHS]")},
    **{tag: _NONE for tag in ("html", "head", "body", "thead", "tbody", "th", "code", "br")},
}

_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def seen(text: str) -> str:
    """What a reader sees of catalog text in HTML: line breaks as breaks, control characters as U+FFFD."""
    return _BREAKS.sub("\n", _CONTROL.sub("\ufffd", text))


def seen_line(text: str) -> str:
    """What a reader sees of catalog text in a Markdown heading: one line, its breaks as spaces."""
    return _BREAKS.sub(" ", _CONTROL.sub("\ufffd", text))


def _allows(rule: Rule, value: str) -> bool:
    return value in rule if isinstance(rule, frozenset) else rule.fullmatch(value) is not None


def violations(elements: Iterable[tuple[str, dict[str, str]]], allowed: dict[str, dict[str, Rule]]) -> list[str]:
    """Each element or attribute of ``elements`` (tag, attributes) that ``allowed`` does not allow."""
    found = []
    for tag, attributes in elements:
        rules = allowed.get(tag)
        if rules is None:
            found.append(f"<{tag}>")
            continue
        found.extend(
            f"<{tag} {name}={value!r}>"
            for name, value in attributes.items()
            if name not in rules or not _allows(rules[name], value)
        )
    return found
