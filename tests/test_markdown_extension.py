"""``cookie_catalog.markdown``: the directives as a Python-Markdown extension, without the MkDocs plugin.

In plain Python-Markdown (paths from the working directory) and in a MkDocs
site that lists it under ``markdown_extensions`` (paths from mkdocs.yml's
folder, whatever the working directory).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from cookie_catalog.render.directives import DirectiveError

from support.catalogs import COOKIE, write_catalog
from support.cli import no_traceback
from support.inert import seen
from support.paths import CATALOG, REPO
from support.rendered import Blocks
from support.sitebuild import build as build_subprocess
from support.strategies import catalogs, write

EXTENSIONS = ["tables", "admonition", "cookie_catalog.markdown"]
PAGE = 'Intro\n\n<!-- cookie-catalog:table plugin="WebChat" -->\n\nAfter.\n'


def convert(text: str, **options: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs={"cookie_catalog.markdown": options})


def anchors(html: str) -> list[str]:
    return re.findall(r'class="cc-anchor" id="([^"]+)"', html)


def test_plain_markdown_expands_a_table_from_an_absolute_catalog():
    html = convert(PAGE, catalog=str(CATALOG))
    ids = anchors(html)
    assert len(ids) == 21 and all(i.startswith("webchat--") for i in ids)
    assert "<table>" in html and html.startswith("<p>Intro</p>") and html.endswith("<p>After.</p>")
    assert "cookie-catalog:" not in html


class Cells(HTMLParser):
    """The text of every table cell (``<br>`` as a line break), and every tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cell: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "td":
            self.cell = ""
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cells.append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


# Extensions a customer may run beside ours, several of which turn plain text into markup.
CUSTOMER_EXTENSIONS = [*EXTENSIONS, "attr_list", "md_in_html", "smarty", "pymdownx.magiclink", "pymdownx.betterem"]
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "span", "code", "br", "small", "wbr", "p"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=catalogs())
def test_any_cookie_text_comes_out_of_the_extension_verbatim_and_inert(tmp_path_factory, data):
    """Random hostile catalogs, each plugin's table placed by the extension, rendered by Python-Markdown."""
    catalog = write(data, tmp_path_factory.mktemp("cat") / "cat")
    page = "".join(f'<!-- cookie-catalog:table plugin="p{i}" -->\n\n' for i in range(len(data["plugins"])))
    html = markdown.markdown(
        page, extensions=CUSTOMER_EXTENSIONS, extension_configs={"cookie_catalog.markdown": {"catalog": str(catalog)}}
    )
    parsed = Cells()
    parsed.feed(html)
    parsed.close()
    for tag, attrs in parsed.tags:
        assert tag in TABLE_TAGS | {"a"}, f"injected <{tag}>"
        assert not [k for k in attrs if k.lower().startswith("on")], f"handler on <{tag}>"
    # The one link text makes: an http(s) URL in it, its own target.
    links = Blocks()
    links.feed(html)
    links.close()
    for href, text in links.links:
        assert re.fullmatch(r"https?://\S+", href, re.I) and text == href, (href, text)
    assert len(links.links) == sum(tag == "a" for tag, _ in parsed.tags)
    for plugin in data["plugins"]:
        for cookie in plugin["cookies"]:
            name = seen(cookie["name"]) + ("\n" + seen(cookie["domain"]) if cookie["domain"] else "")
            assert name in parsed.cells
            assert seen(cookie["purpose"]) in parsed.cells


def test_plain_markdown_resolves_a_relative_catalog_from_the_working_directory(monkeypatch):
    monkeypatch.chdir(REPO)
    assert len(anchors(convert(PAGE))) == 21  # the default is "catalog"
    monkeypatch.chdir(REPO / "docs")
    assert len(anchors(convert(PAGE, catalog="../catalog"))) == 21


def test_category_and_notes_directives_and_fenced_code_left_alone():
    text = (
        '<!-- cookie-catalog:table category="strictly-necessary" -->\n\n'
        '<!-- cookie-catalog:notes plugin="webchat.yml" -->\n\n'
        '```\n<!-- cookie-catalog:table plugin="Nope" -->\n```\n'
    )
    html = markdown.markdown(
        text,
        extensions=[*EXTENSIONS, "fenced_code"],
        extension_configs={"cookie_catalog.markdown": {"catalog": str(CATALOG)}},
    )
    assert len(anchors(html)) == 37
    assert "An active WebChat session cookie is automatically deleted" in html
    assert "&lt;!-- cookie-catalog:table plugin=&quot;Nope&quot; --&gt;" in html


def test_a_bad_directive_is_one_line_naming_its_line():
    with pytest.raises(DirectiveError) as caught:
        convert('# T\n\n<!-- cookie-catalog:table plugin="Nope" -->\n', catalog=str(CATALOG))
    message = str(caught.value)
    assert message.startswith('<markdown>:3: no plugin "Nope" in the catalog; valid plugins') and "\n" not in message


def test_a_broken_catalog_is_one_line_with_its_first_problem(tmp_path):
    broken = write_catalog(tmp_path / "cat", plugins={"p.yml": "plugin: P\ncookies:\n  - name: x\n"})
    with pytest.raises(DirectiveError) as caught:
        convert(PAGE, catalog=str(broken))
    message = str(caught.value)
    assert message.startswith("<markdown>: the catalog has ") and "p.yml:" in message and "\n" not in message


def test_an_edited_catalog_is_read_again(tmp_path):
    catalog = write_catalog(
        tmp_path / "cat", plugins={"p.yml": "plugin: P\ncookies:\n" + COOKIE.format(name="one", purpose="x")}
    )
    page = '<!-- cookie-catalog:table plugin="P" -->\n'
    assert anchors(convert(page, catalog=str(catalog))) == ["p--one"]
    (catalog / "plugins" / "p.yml").write_text("plugin: P\ncookies:\n" + COOKIE.format(name="second", purpose="y"))
    assert anchors(convert(page, catalog=str(catalog))) == ["p--second"]


def test_templates_option_overrides_the_bundled_table(tmp_path):
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "_cookie_table.md.j2").write_text("Overridden: {{ cookies | length }} cookies.\n")
    html = convert(PAGE, catalog=str(CATALOG), templates=str(tmp_path / "tpl"))
    assert "<p>Overridden: 21 cookies.</p>" in html


def test_the_extension_needs_neither_mkdocs_nor_zensical():
    """Blocked from importing, as in a plain Python-Markdown pipeline without them."""
    code = (
        "import sys; sys.modules['mkdocs'] = None; sys.modules['zensical'] = None\n"
        "import markdown\n"
        f"out = markdown.markdown({PAGE!r}, extensions={EXTENSIONS!r},"
        f" extension_configs={{'cookie_catalog.markdown': {{'catalog': {str(CATALOG)!r}}}}})\n"
        "assert out.count('cc-anchor') == 21, out\n"
        "assert not any(m == 'mkdocs' or m.startswith('mkdocs.') for m in sys.modules if sys.modules[m])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def customer_site(root: Path, page: str = PAGE) -> Path:
    """A MkDocs site with the extension and no plugin; its catalog next to mkdocs.yml."""
    shutil.copytree(CATALOG, root / "policy-catalog")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "docs" / "privacy.md").write_text(page)
    (root / "mkdocs.yml").write_text(
        "site_name: Customer\nmarkdown_extensions:\n  - tables\n  - admonition\n"
        "  - cookie_catalog.markdown:\n      catalog: policy-catalog\n"
    )
    return root


def test_mkdocs_site_resolves_the_catalog_from_mkdocs_yml_not_the_working_directory(tmp_path, monkeypatch):
    project = customer_site(tmp_path / "project")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
    ids = anchors((project / "site" / "privacy" / "index.html").read_text())
    assert len(ids) == 21 and all(i.startswith("webchat--") for i in ids)
    assert not (project / "site" / "cookies").exists()  # no plugin: no pages of its own


def test_mkdocs_site_with_a_bad_directive_fails_in_one_line_naming_page_and_line(tmp_path, caplog):
    project = customer_site(tmp_path / "project", '# P\n\n<!-- cookie-catalog:table plugin="Nope" -->\n')
    with pytest.raises(Abort):
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
    lines = [r.getMessage() for r in caplog.records if "Nope" in r.getMessage()]
    assert len(lines) == 1 and re.fullmatch(r'\S*docs/privacy\.md:3: no plugin "Nope" in the catalog; .*', lines[0])


def test_mkdocs_build_of_a_bad_directive_prints_no_traceback(tmp_path):
    project = customer_site(tmp_path / "project", '# P\n\n<!-- cookie-catalog:table plugin="Nope" -->\n')
    result = build_subprocess(project, project / "site")
    assert result.returncode == 1
    assert re.search(r'ERROR\s+-\s+\S*docs/privacy\.md:3: no plugin "Nope" in the catalog', result.stderr)
    assert no_traceback(result.stderr), result.stderr


def test_mkdocs_build_from_the_docs_snippet(tmp_path):
    """The extension's recipe on docs/embed.md, built as a customer would."""
    yaml = re.findall(r"^```yaml\n(.*?)^```$", (REPO / "docs" / "embed.md").read_text(), re.S | re.M)
    recipe = next(y for y in yaml if "cookie_catalog.markdown" in y)
    project = customer_site(tmp_path / "project")
    shutil.copytree(CATALOG, project / "catalog")
    (project / "mkdocs.yml").write_text(recipe)
    result = build_subprocess(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert len(anchors((project / "site" / "privacy" / "index.html").read_text())) == 21
    assert os.path.isdir(project / "site")


def test_zensical_site_resolves_the_catalog_from_its_config_and_names_the_page(tmp_path):
    """Zensical runs the extension too (it ignores the plugin); runs where zensical is installed."""
    pytest.importorskip("zensical")
    zensical = [sys.executable, "-m", "zensical"]
    project = customer_site(tmp_path / "project")
    (tmp_path / "elsewhere").mkdir()
    config = str(project / "mkdocs.yml")
    run = dict(cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=300)
    result = subprocess.run([*zensical, "build", "--clean", "-f", config], **run)
    assert result.returncode == 0, result.stderr
    assert len(anchors((project / "site" / "privacy" / "index.html").read_text())) == 21
    bad = '---\ntitle: P\n---\n\n# P\n\n<!-- cookie-catalog:table plugin="Nope" -->\n'
    (project / "docs" / "privacy.md").write_text(bad)
    result = subprocess.run([*zensical, "build", "--clean", "-f", config], **run)
    assert result.returncode == 1
    assert re.search(r'\S*docs/privacy\.md:7: no plugin "Nope" in the catalog', result.stderr)


def test_a_line_number_counts_the_front_matter_the_engine_cut_off(tmp_path, caplog):
    """MkDocs converts a page without its front matter; the message still names the file's own line."""
    page = '---\ntitle: Privacy\n---\n\n# P\n\n<!-- cookie-catalog:table plugin="Nope" -->\n'
    project = customer_site(tmp_path / "project", page)
    with pytest.raises(Abort):
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
    assert re.search(r'docs/privacy\.md:7: no plugin "Nope"', caplog.text), caplog.text


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"catalgo": "catalog"},
            "cookie_catalog.markdown: unknown option 'catalgo'; expected one of: catalog, templates",
        ),
        ({"catalog": ["a"] * 1000}, "cookie_catalog.markdown: catalog: expected a directory path, got ['a', "),
    ],
)
def test_a_bad_option_is_one_line_naming_the_valid_ones(options, expected):
    with pytest.raises(ValueError) as caught:
        convert(PAGE, **options)
    assert str(caught.value).startswith(expected) and len(str(caught.value)) < 200


def test_mkdocs_config_with_a_bad_option_is_a_configuration_error(tmp_path):
    project = customer_site(tmp_path / "project")
    (project / "mkdocs.yml").write_text(
        "site_name: C\nmarkdown_extensions:\n  - cookie_catalog.markdown:\n      catalgo: policy-catalog\n"
    )
    result = build_subprocess(project, project / "site")
    # MkDocs shows where a failing extension was loaded from; the line that says what is wrong is ours.
    assert result.returncode == 1 and "unknown option 'catalgo'; expected one of: catalog, templates" in result.stderr
