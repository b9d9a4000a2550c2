"""The plugin's tables made by cmark-gfm (``sinks/mkdocs/tables.py``) are the tables Python-Markdown made.

Random catalogs' pages are converted by MkDocs' own ``Page.render`` twice, with the plugin's table path and
without it (Python-Markdown with every extension a customer might enable): the tables must be the same
elements, attributes and text, read back by an HTML5 parser (tinyhtml5, WeasyPrint's html5lib), and every
cell must show its catalog text verbatim with no element the templates did not write. Then the project's
own site, in three languages, is built both ways with either kind of URL, strict and validating anchors.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from unittest import mock
from xml.etree.ElementTree import Element

import markdown
import pytest
import tinyhtml5
from hypothesis import HealthCheck, given, settings
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import Cookie, CookieEntry
from cookie_catalog.cli.ci import in_ci
from cookie_catalog.render.pages import Renderer
from cookie_catalog.sinks.mkdocs import tables
from cookie_catalog.sinks.mkdocs.tables import TablesExtension

from support.inert import seen
from support.rendered import expected_cells, mkdocs_extensions
from support.sitebuild import project_copy
from support.strategies import catalogs, write

HTML = "{http://www.w3.org/1999/xhtml}"
# Between these elements white space is not content: each parser lays rows out in its own way.
LAYOUT = {"table", "thead", "tbody", "tr"}
# What a cell may hold (templates/_cookie_table.md.j2): anything else came from text.
IN_CELLS = {"span", "code", "br", "small", "a"}
URL_IN_TEXT = re.compile(r"https?://\S+", re.I)


def html_tables(html: str) -> list[Element]:
    return list(tinyhtml5.parse(html).iter(f"{HTML}table"))


def table_shapes(html: str) -> list[tuple]:
    """The shape of each table of ``html``, without the white space after it."""
    return [shape(table)[:4] for table in html_tables(html)]


def shape(element: Element) -> tuple:
    """An element as a browser has it: tag, attributes, text, children, tail (layout white space left out)."""
    tag = element.tag.removeprefix(HTML)
    text, children = element.text or "", []
    for child in element:
        child_shape = shape(child)
        if tag in LAYOUT and not (child_shape[4] or "").strip():
            child_shape = (*child_shape[:4], "")
        children.append(child_shape)
    if tag in LAYOUT and not text.strip():
        text = ""
    return tag, sorted(element.attrib.items()), text, children, element.tail or ""


def cell_text(cell: Element) -> str:
    """What a reader sees of a cell: its text, ``<br>`` as a line break."""
    out = [cell.text or ""]
    for child in cell:
        out += ["\n" if child.tag == f"{HTML}br" else cell_text(child), child.tail or ""]
    return "".join(out)


@contextmanager
def recorded() -> Iterator[list[str | None]]:
    """What ``tables.table_html`` returned each time, while in the block."""
    made: list[str | None] = []
    real = tables.table_html

    def recording(markdown: str) -> str | None:
        made.append(real(markdown))
        return made[-1]

    with mock.patch.object(tables, "table_html", recording):
        yield made


def mkdocs_config(tmp: Path) -> MkDocsConfig:
    (tmp / "docs").mkdir(exist_ok=True)
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp / "docs"), "markdown_extensions": mkdocs_extensions()})
    errors, _ = config.validate()
    assert not errors
    return config


def converted(pages: dict[str, str], config: MkDocsConfig) -> dict[str, str]:
    """Each page (``cookies/<name>``) as MkDocs converts it, with the extensions ``config`` lists."""
    files = Files([_generated(config, f"cookies/{name}", text) for name, text in pages.items()])
    out = {}
    for file in files:
        page = Page(None, file, config)
        page.read_source(config)
        page.render(config, files)
        out[file.src_uri] = page.content or ""
    return out


def _generated(config: MkDocsConfig, src_uri: str, text: str) -> File:
    file = File(src_uri, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
    file.content_string = text
    return file


def body_rows(tables: list[Element]) -> list[list[Element]]:
    """The cells of each row with cells (``td``) of ``tables``."""
    rows = [[cell for cell in row if cell.tag == f"{HTML}td"] for table in tables for row in table.iter(f"{HTML}tr")]
    return [row for row in rows if row]


def check_cells(table: Element, data: dict, plugin_data: dict) -> None:
    """Every cell shows its catalog text; no element, attribute or link came from text."""
    rows = body_rows([table])
    expected = expected_cells(data, plugin_data)
    width = 6 if any(c["condition"] for c in plugin_data["cookies"]) else 5
    assert [[cell_text(cell) for cell in row] for row in rows] == [r[:width] for r in expected]
    for row in rows:
        for element in (e for cell in row for e in cell.iter() if e is not cell):
            tag = element.tag.removeprefix(HTML)
            assert tag in IN_CELLS, f"injected <{tag}>"
            if tag == "span":
                assert element.get("class") == "cc-anchor" and set(element.attrib) == {"class", "id"}
            elif tag == "a":
                href = element.get("href", "")
                assert set(element.attrib) == {"href"}
                assert href == "../#category-analytics" or (URL_IN_TEXT.fullmatch(href) and cell_text(element) == href)
            else:
                assert not element.attrib, (tag, element.attrib)


EXAMPLES = 500 if in_ci() else 100


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_random_catalogs_tables_are_python_markdowns_tables_and_show_their_text(data):
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(write(data, Path(tmp) / "cat"))
        pages = Renderer(catalog).pages()
        config = mkdocs_config(Path(tmp))
        by_python_markdown = converted(pages, config)
        config.markdown_extensions.append(TablesExtension(lambda src_uri: True))
        with recorded() as made:
            by_cmark = converted(pages, config)
    # every table (the overview's, All cookies, each plugin's with cookies) made by cmark-gfm
    assert len(made) == sum(len(html_tables(html)) for html in by_python_markdown.values()) and None not in made
    for src_uri, html in by_cmark.items():
        assert table_shapes(html) == table_shapes(by_python_markdown[src_uri])
    for plugin_data, plugin in zip(data["plugins"], catalog.plugins, strict=True):
        found = html_tables(by_cmark[f"cookies/{plugin.slug}.md"])
        if plugin_data["cookies"]:
            (table,) = found
            check_cells(table, data, plugin_data)
    # All cookies: each cookie's last cell links to its plugin's page, by the plugin's title
    plugin_cells = [row[-1] for row in body_rows(html_tables(by_cmark["cookies/all-cookies.md"]))]
    assert [(cell_text(cell), [a.get("href") for a in cell.iter(f"{HTML}a")]) for cell in plugin_cells] == [
        (seen(p["plugin"]), [f"../{plugin.slug}/"])
        for p, plugin in zip(data["plugins"], catalog.plugins, strict=True)
        for _ in p["cookies"]
    ]


def test_the_seed_catalogs_pages_keep_python_markdowns_tables():
    """The project's own catalog: every table of every page, made by cmark-gfm and by Python-Markdown."""
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(Path(__file__).parent.parent / "catalog")
        pages = Renderer(catalog, downloads_href="../downloads").pages()
        config = mkdocs_config(Path(tmp))
        by_python_markdown = converted(pages, config)
        config.markdown_extensions.append(TablesExtension(lambda src_uri: True))
        by_cmark = converted(pages, config)
    assert sum(len(html_tables(html)) for html in by_cmark.values()) >= len(catalog.plugins) + 1
    for src_uri, html in by_cmark.items():
        assert table_shapes(html) == table_shapes(by_python_markdown[src_uri])


def test_outside_mkdocs_the_tables_are_left_to_python_markdown():
    """Without MkDocs' link rewriter and anchors (plain Python-Markdown) there is no way to make links right."""
    page = "| A | B |\n| --- | --- |\n| `x` | [y](index.md) |\n"
    md = markdown.Markdown(extensions=["tables", TablesExtension(lambda src_uri: True)])
    with recorded() as made:
        html = md.convert(page)
    assert made == [] and '<a href="index.md">y</a>' in html


@pytest.mark.parametrize(
    ("lines", "blocks"),
    [
        (["| a |", "| --- |", "| b |"], [(0, 3)]),
        (["text", "| a |", "| --- |", "| b |"], []),  # not after a blank line: a paragraph's
        (["| a |", "| --- |", "| b |", "more"], []),  # a line of another kind ends it: left to Python-Markdown
        (["| a |", "| --- |", "| b |", "", "| c | d |", "| --- | :-: |"], [(0, 3), (4, 6)]),
        (["    | a |", "    | --- |"], []),  # indented: code, or inside a note
        (["| a |", "| b |"], []),  # no delimiter row
        # inside an HTML block that runs to its end marker across blank lines: that block's text, in both parsers
        (["<pre>", "", "| a |", "| --- |", "", "</pre>", "", "| c |", "| --- |"], [(7, 9)]),
        (["   <Script type=x>", "", "| a |", "| --- |", "", "</SCRIPT>"], []),
        (["<style>", "", "| a |", "| --- |", "", "x</style>"], []),
        (["<textarea>", "", "| a |", "| --- |"], []),
        (["<!--", "", "| a |", "| --- |", "", "-->", "", "| c |", "| --- |"], [(7, 9)]),
        (["<?x", "", "| a |", "| --- |", "?>"], []),
        (["<!X", "", "| a |", "| --- |", ">"], []),
        (["<![CDATA[", "", "| a |", "| --- |", "]]>"], []),
        # one line each: what follows is the page's again
        (["<pre>x</pre>", "", "| a |", "| --- |"], [(2, 4)]),
        (["<!-- x -->", "", "| a |", "| --- |"], [(2, 4)]),
        (["<prefix>", "", "| a |", "| --- |"], [(2, 4)]),  # no <pre> tag
        (["    <pre>", "", "| a |", "| --- |"], [(2, 4)]),  # indented: code
    ],
)
def test_table_blocks(lines, blocks):
    assert list(tables.table_blocks(lines)) == blocks


@pytest.mark.parametrize("opening", ["<pre>", "<script>", "<style>", "<textarea>", "<!--"])
def test_a_templates_table_inside_a_raw_html_block_stays_that_blocks_text(tmp_path, opening):
    """A template override showing a table as an example in <pre> (or a comment...): neither parser makes a table."""
    closing = "-->" if opening == "<!--" else opening.replace("<", "</")
    table = "| A | B |\n| --- | --- |\n| x | [y](a.md) |\n"
    page = f"# P\n\n{opening}\n\n{table}\n{closing}\n\n{table}"
    config = mkdocs_config(tmp_path)
    by_python_markdown = converted({"p.md": page}, config)["cookies/p.md"]
    config.markdown_extensions.append(TablesExtension(lambda src_uri: True))
    with recorded() as made:
        by_cmark = converted({"p.md": page}, config)["cookies/p.md"]
    assert len(made) == 1  # the page's own table, after the block
    assert by_cmark.split("</h1>")[1].split("<table>")[0] == by_python_markdown.split("</h1>")[1].split("<table>")[0]
    assert by_cmark.count("<table>") == by_python_markdown.count("<table>") == 1


def site_tables(site: Path) -> dict[str, list[tuple]]:
    return {
        str(page.relative_to(site)): table_shapes(page.read_text(encoding="utf-8"))
        for page in sorted(site.rglob("*.html"))
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own site (three languages, strict), with a page linking to a row and a category."""
    project = project_copy(tmp_path_factory.mktemp("project"))
    catalog = load_catalog(project / "catalog")
    plugin = catalog.plugins[0]
    (project / "docs" / "links.md").write_text(
        f"# Links\n\n[row](cookies/{plugin.slug}.md#{plugin.cookies[0].anchor}) [all](cookies/all-cookies.md#"
        f"{catalog.plugins[-1].cookies[-1].anchor})\n",
        encoding="utf-8",
    )
    return project


def build_site(project: Path, site: Path, fast: bool, **options) -> dict[str, list[tuple]]:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), **options)
    with recorded() as made:
        if fast:
            build(config)
        else:
            with mock.patch.object(TablesExtension, "extendMarkdown", lambda self, md: None):
                build(config)
    assert bool(made) == fast and None not in made
    return site_tables(site)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_the_projects_site_has_the_same_tables_either_way(project, tmp_path, monkeypatch, directory_urls):
    """Links (relative, either kind of URL, in the de/ and fr/ trees) and ids as MkDocs makes them; strict."""
    monkeypatch.delenv("COOKIE_CATALOG", raising=False)
    options = {"use_directory_urls": directory_urls, "validation": {"anchors": "warn"}}
    fast = build_site(project, tmp_path / "fast", True, **options)
    slow = build_site(project, tmp_path / "slow", False, **options)
    assert fast == slow
    assert any(name.startswith("de/") and tables_ for name, tables_ in fast.items())
    links = [a for page in fast.values() for t in page for a in re.findall(r"'href', '([^']*)'", str(t))]
    # as MkDocs writes them for each kind of URL (the comparison above would pass were both left unrewritten)
    expected = ["../#category-strictly-necessary", "../app/"] if directory_urls else ["index.html#category", "app.html"]
    assert expected[0] in links[0] and expected[1] in links


def test_a_link_to_a_row_that_is_not_there_still_fails_the_strict_build(project, tmp_path, monkeypatch, caplog):
    """Anchors in the tables are known to MkDocs' validation: a wrong one is reported, the right ones are not."""
    monkeypatch.delenv("COOKIE_CATALOG", raising=False)
    broken = tmp_path / "project"
    shutil.copytree(project, broken)
    links = broken / "docs" / "links.md"
    links.write_text(links.read_text(encoding="utf-8") + "\n[none](cookies/all-cookies.md#no-such-row)\n")
    with caplog.at_level(logging.WARNING), pytest.raises(Abort):
        build(load_config(str(broken / "mkdocs.yml"), site_dir=str(tmp_path / "site"), validation={"anchors": "warn"}))
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [m for m in warned if "no-such-row" in m]
    assert [m for m in warned if "anchor" in m and "no-such-row" not in m] == []


@pytest.mark.parametrize(
    "url", ["https://[x", "https://x]/", "https://[zz]/", "https://a\uff0fb/", "https://e.com/a?b=1&c='2'|"]
)
def test_a_privacy_url_urllib_cannot_split_is_left_as_written(tmp_path, url):
    """The catalog takes any http(s) address; MkDocs' rewriter (``urlsplit``) raises on some, which Python-Markdown
    never handed it (the link is the template's raw HTML): the build goes on, the link as written."""
    base = load_catalog(Path(__file__).parent.parent / "catalog", with_translations=False)
    entry = CookieEntry.model_validate(
        {"name": "n", "purpose": "p", "duration": "session", "provenance": "third-party", "category": "analytics"}
        | {"privacy_url": url}
    )
    catalog = replace(base, plugins=(replace(base.plugins[0], cookies=(Cookie(entry, "n"),)),))
    pages = {"p.md": Renderer(catalog).plugin_page(catalog.plugins[0])}
    config = mkdocs_config(tmp_path)
    by_python_markdown = converted(pages, config)["cookies/p.md"]
    config.markdown_extensions.append(TablesExtension(lambda src_uri: True))
    with recorded() as made:
        by_cmark = converted(pages, config)["cookies/p.md"]
    assert made and None not in made
    assert table_shapes(by_cmark) == table_shapes(by_python_markdown)
    assert next(html_tables(by_cmark)[0].iter(f"{HTML}a")).get("href") == url
