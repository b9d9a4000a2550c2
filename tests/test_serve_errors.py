"""The pieces of the problem page `mkdocs serve` shows, and `mkdocs build` still failing."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils import CountHandler

from cookie_catalog.sinks.mkdocs.serve_errors import Broken, problems_html, report, shown

from support.sitebuild import build, project_copy
from support.strategies import METACHARACTERS

# Any text, lone surrogates included: a problem quotes whatever the catalog holds.
_hostile = st.sampled_from(METACHARACTERS) | st.sampled_from(["\ud800", "\x1b[2J", "</code>", "</div>"])
_text = st.lists(_hostile | st.text(max_size=8), max_size=6).map("".join)


class _Elements(HTMLParser):
    """Every element with its attributes, and the text directly inside each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self._open: list[int] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(len(self.elements))
        self.elements.append((tag, dict(attrs)))
        self.texts.append("")

    def handle_endtag(self, tag):
        self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.texts[self._open[-1]] += data

    def text_of(self, tag: str, **attrs: str) -> list[str]:
        pairs = zip(self.elements, self.texts, strict=True)
        return [t for (name, a), t in pairs if name == tag and attrs.items() <= a.items()]


ALLOWED = [
    ("div", {"class": "admonition failure", "id": "cookie-catalog-problems"}),
    ("p", {"class": "admonition-title"}),
    ("p", {}),
    ("code", {}),
    ("ul", {}),
    ("li", {}),
]


@settings(max_examples=300, deadline=None)
@given(_text, st.lists(_text, max_size=4))
def test_problem_block_shows_any_text_as_text(summary, problems):
    block = problems_html(Broken(summary, problems))
    block.encode("utf-8")  # MkDocs writes pages as UTF-8: a lone surrogate must not reach it
    parsed = _Elements()
    parsed.feed(block)
    parsed.close()
    assert all(element in ALLOWED for element in parsed.elements), parsed.elements
    title = shown(summary) if problems else "1 problem:"
    assert parsed.text_of("p", **{"class": "admonition-title"}) == [f"cookie-catalog: {title}"]
    assert parsed.text_of("code")[2:] == [shown(p) for p in problems or [summary]]  # the lead names two commands


def test_shown_escapes_what_would_break_a_page_or_a_terminal():
    assert shown("a\ud800b") == "a\\ud800b"
    assert shown("\x1b[2Jx\x00\x85") == "\\x1b[2Jx\\x00\\x85"
    assert shown("tab\tand\nline ü 日本 😀") == "tab\tand\nline ü 日本 😀"


def test_report_reaches_the_console_but_not_the_strict_mode_counter():
    """`mkdocs serve` with `strict: true` counts every warning and would fail the rebuild it reports on."""
    mkdocs_logger = logging.getLogger("mkdocs")
    counter, console = CountHandler(), _Capture()
    counter.setLevel(logging.WARNING)
    mkdocs_logger.addHandler(counter)
    mkdocs_logger.addHandler(console)
    try:
        report(Broken("the catalog has 1 problem(s):", ["catalog/p.yml:3:5: cookies[0].purpose: \x1b[2J"]))
    finally:
        mkdocs_logger.removeHandler(counter)
        mkdocs_logger.removeHandler(console)
    assert counter.get_counts() == []
    assert [(r.levelname, r.getMessage().splitlines()[:2]) for r in console.records] == [
        ("ERROR", ["cookie-catalog: the catalog has 1 problem(s):", "catalog/p.yml:3:5: cookies[0].purpose: \\x1b[2J"])
    ]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_build_still_fails_on_a_broken_template_naming_its_file_and_line(tmp_path):
    project = project_copy(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      catalog: !ENV [COOKIE_CATALOG, catalog]", "      catalog: catalog\n      templates: overrides"
        )
    )
    (project / "overrides").mkdir()
    (project / "overrides/plugin.md.j2").write_text("# {{ plugin.title | md }}\n\n{{ plugin.missing }}\n")
    result = build(project, project / "site")
    assert result.returncode == 1
    assert "cookie-catalog: a template cannot be rendered:" in result.stderr
    assert "overrides/plugin.md.j2:3: " in result.stderr and "missing" in result.stderr
    assert "Traceback" not in result.stderr and not (project / "site/cookies").exists()
