"""Published cookie tables (HTML) become a catalog; unknown columns are reported."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli import main
from cookie_catalog.interop.importers.html_tables import _TableReader, import_html
from cookie_catalog.interop.importers.html_tokens import tokenize

from support.paths import DATA, ROOT

SEED = DATA / "genesys-cookie-usage.html"
SHOP = DATA / "shop-cookie-table.html"


def test_seed_page_gives_the_bundled_catalog(runner, tmp_path):
    out = tmp_path / "seed"
    result = runner.invoke(main, ["import", "html", str(SEED), "--out", str(out), "--product", "Genesys Widgets"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # the second "Purpose" column is recognised as the category
    imported, bundled = load_catalog(out), load_catalog(ROOT / "catalog")
    assert imported.product.product == "Genesys Widgets"
    assert [p.title for p in imported.plugins] == [p.title for p in bundled.plugins]
    for mine, theirs in zip(imported.plugins, bundled.plugins, strict=True):
        fields = lambda c: (c.name, c.purpose, str(c.duration), c.provenance, c.category)
        assert [fields(c) for c in mine.cookies] == [fields(c) for c in theirs.cookies]


def test_differently_shaped_table(runner, tmp_path):
    out = tmp_path / "shop"
    result = runner.invoke(main, ["import", "html", str(SHOP), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "column 'Example value' is not recognised" in result.output
    assert "no cookie-name column" in result.output  # the layout table
    catalog = load_catalog(out)
    assert catalog.product.product == "Example Shop"
    assert [p.title for p in catalog.plugins] == ["Example Shop", "Google Analytics", "Trackr Ü"]  # grouped by provider
    cookies = {c.name: c for p in catalog.plugins for c in p.cookies}
    assert cookies["basket_id"].category == "strictly-necessary" and str(cookies["basket_id"].duration) == "30 days"
    assert cookies["basket_id"].purpose == "Keeps your basket & its items between visits."
    assert cookies["lang"].category == "functional" and cookies["_ga"].category == "analytics"
    assert cookies["_ga_*"].pattern
    trk = cookies["trk"]
    assert trk.provenance == "third-party" and trk.category == "social-media"
    assert catalog.category("social-media").label == "Social media"
    assert str(trk.duration) == "unknown" and trk.duration_note == "14 days if you log in, otherwise session"
    assert "alert" not in trk.purpose


def test_missing_provenance_column_is_a_warning_not_a_stop(runner, tmp_path):
    """A table without provenance stopped the whole import; now its cookies are first-party, said in a warning."""
    page = tmp_path / "p.html"
    page.write_text(
        "<h2>Chat</h2><table><tr><th>Name</th><th>Purpose</th><th>Category</th></tr><tr><td>x</td><td>y</td><td>Analytics</td></tr></table>"
    )
    result = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "p.html:1: table 1 (Chat): no provenance column" in result.output and "--provenance" in result.output
    assert load_catalog(tmp_path / "o").plugins[0].cookies[0].provenance == "first-party"
    args = ["import", "html", str(page), "--out", str(tmp_path / "o2"), "--provenance", "third-party"]
    ok = runner.invoke(main, args)
    assert ok.exit_code == 0 and "no provenance column" not in ok.output, ok.output
    catalog = load_catalog(tmp_path / "o2")
    assert catalog.plugins[0].title == "Chat" and catalog.plugins[0].cookies[0].provenance == "third-party"


def test_page_without_cookie_tables(runner, tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<p>No tables here</p>")
    result = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "empty.html" in result.output and "no table" in result.output


def test_non_empty_out_needs_force(runner, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "x").write_text("x")
    args = ["import", "html", str(SEED), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 1
    assert runner.invoke(main, [*args, "--force"]).exit_code == 0


def _table(rows: int) -> str:
    body = "".join(
        f"<tr><td>c{i}</td><td>Purpose {i}.</td><td>1 year</td><td>First party</td><td>Analytics</td></tr>\n"
        for i in range(rows)
    )
    return (
        "<title>T</title><h2>X</h2><table><tr><th>Cookie</th><th>Purpose</th><th>Duration</th><th>Provenance</th>"
        f"<th>Category</th></tr>{body}</table>"
    )


def _seconds(run, repeat: int = 3) -> float:
    """The best of a few runs, in this process's CPU time: other processes on the machine only ever add to it."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def _growth(make_input, run, small: int) -> float:
    """How much longer 4 times the input takes: about 4 when linear, 16 when quadratic."""
    inputs = make_input(small), make_input(4 * small)
    return _seconds(lambda: run(inputs[1])) / _seconds(lambda: run(inputs[0]))


def test_import_is_linear_in_the_rows_of_a_table(tmp_path):
    """A check of every row against the plugin's earlier rows made 100,000 rows take minutes."""

    def run(page: Path) -> None:
        import_html(page).files()

    def make(rows: int) -> Path:
        page = tmp_path / f"t{rows}.html"
        page.write_text(_table(rows), encoding="utf-8")
        return page

    assert _growth(make, run, 1500) < 7


HOSTILE_MARKUP = {
    "open tags": "<a",
    "processing instructions": "<?",
    "end tags": "</",
    "quotes": '<a b="',
    "comments": "<!-",
    "attributes": "<a =",
    "entities": "&#",
    "cells": "<table><tr><td>",
}


@pytest.mark.parametrize("unit", HOSTILE_MARKUP.values(), ids=HOSTILE_MARKUP.keys())
def test_tokenizer_is_linear_on_markup_that_never_closes(unit):
    """Python's html.parser rescans the rest of the page at each "<" it cannot close: 200 KB of "<a" took 26 s."""
    assert _growth(lambda n: unit * n, lambda text: tokenize(text, _TableReader()), 10_000) < 7


# Well-formed pages, built from the pieces cookie tables are made of.
_TEXT = st.text(st.sampled_from("ab é&;#<> \n\t"), max_size=6).filter(
    lambda t: "<" not in t or t.split("<", 1)[1][:1] == " "
)  # a "<" of text, not the start of a tag
_PIECES = (
    st.sampled_from(
        [
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<th>",
            "</th>",
            "<caption>",
            "</caption>",
            "<h2>",
            "</h2>",
            "<h3 id='x'>",
            "</h3>",
            "<p>",
            "</p>",
            "<br>",
            "<br/>",
            "<code>",
            "</code>",
            "<script>if (a<b) x='</td>'</script>",
            "<style>td>p{}</style>",
            "<!-- <td>no</td> -->",
            "<!DOCTYPE html>",
            "<td class=\"a>b\" data-x='y'>",
            "&amp;",
            "&lt;",
            "&#233;",
            "&#x41;",
            "&nbsp;",
            "<TD>",
            "</TD >",
            "<template><td>hidden</td></template>",
        ]
    )
    | _TEXT
)
_PAGES = st.tuples(_TEXT, st.lists(_PIECES, max_size=40)).map(lambda p: f"<title>{p[0]}</title>" + "".join(p[1]))


class _ReferenceParser(HTMLParser):
    """Python's parser, driving the same reader: what the tokenizer replaced, as the reference."""

    def __init__(self, reader: _TableReader):
        super().__init__(convert_charrefs=True)
        self.reader = reader

    def handle_starttag(self, tag, attrs):
        self.reader.handle_starttag(tag, attrs, self.getpos()[0])

    def handle_endtag(self, tag):
        self.reader.handle_endtag(tag)

    def handle_data(self, data):
        self.reader.handle_data(data)


def _read(page: str, parse) -> tuple:
    reader = _TableReader()
    parse(page, reader)
    return reader.title, reader.headings, [(t.caption, t.headings, t.line, t.rows) for t in reader.tables]


def _reference(page: str, reader: _TableReader) -> None:
    parser = _ReferenceParser(reader)
    parser.feed(page)
    parser.close()


@settings(max_examples=400, deadline=None)
@given(_PAGES)
def test_tokenizer_reads_well_formed_pages_as_html_parser_did(page):
    assert _read(page, tokenize) == _read(page, _reference)
