"""Tables embedded in a customer's MkDocs site, built from the docs' own snippets, and HTML fragments."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cookie_catalog.render.directives import DirectiveError, find_directives

from support.catalogs import seed_rows
from support.paths import CATALOG, REPO
from support.readback import read_html
from support.sitebuild import build

FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def snippets() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for lang, body in FENCE.findall((REPO / "docs" / "embed.md").read_text()):
        found.setdefault(lang, []).append(body)
    return found


@pytest.fixture(scope="module")
def customer(tmp_path_factory) -> Path:
    """A separate MkDocs project made of the snippets on docs/embed.md."""
    project = tmp_path_factory.mktemp("customer")
    shutil.copytree(CATALOG, project / "catalog")
    (project / "docs").mkdir()
    code = snippets()
    (project / "mkdocs.yml").write_text(code["yaml"][0])
    (project / "docs" / "index.md").write_text(code["markdown"][0])
    (project / "docs" / "necessary.md").write_text(code["markdown"][1])
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project


def anchors(html_file: Path) -> list[str]:
    return re.findall(r'class="cc-anchor" id="([^"]+)"', html_file.read_text())


def test_customer_page_holds_all_webchat_cookies_and_no_other(customer):
    ids = anchors(customer / "site" / "index.html")
    assert len(ids) == 21 and all(i.startswith("webchat--") for i in ids)
    html = (customer / "site" / "index.html").read_text()
    assert "An active WebChat session cookie is automatically deleted" in html
    assert "_genesys.widgets.console" not in html


def test_category_directive_spans_plugins(customer):
    ids = anchors(customer / "site" / "necessary" / "index.html")
    assert len(ids) == 37 and {i.split("--")[0] for i in ids} == {
        "app",
        "clicktocall",
        "console",
        "knowledgecenter",
        "webchat",
    }


def test_pages_false_adds_no_pages_nav_or_downloads(customer):
    site = customer / "site"
    assert not (site / "cookies").exists() and not (site / "downloads").exists()
    nav = re.findall(r'class="md-nav__link[^"]*"\s+href="([^"]+)"', (site / "index.html").read_text())
    assert all("cookies" not in link for link in nav)


def test_same_anchors_as_our_own_pages(customer, tmp_path):
    """The documented `<plugin>--<cookie name>`, for the cookies of the seed page, in its order."""
    ours = [f"webchat--{name}" for plugin, name, _ in seed_rows() if plugin == "WebChat"]
    assert anchors(customer / "site" / "index.html") == ours


def test_unknown_plugin_fails_with_page_line_and_valid_names(customer, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(customer, project, ignore=shutil.ignore_patterns("site"))
    (project / "docs" / "index.md").write_text('# X\n\ntext\n<!-- cookie-catalog:table plugin="Webchat" -->\n')
    (project / "docs" / "necessary.md").write_text('<!-- cookie-catalog:table category="tracking" -->\n')
    result = build(project, project / "site")
    assert result.returncode == 1
    assert (
        'docs/index.md:4: no plugin "Webchat" in the catalog; '
        "valid plugins (title or file name): 'App', 'ClickToCall', 'Console', 'KnowledgeCenter', 'WebChat'"
        in result.stderr
    )


def test_unknown_category_fails(customer, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(customer, project, ignore=shutil.ignore_patterns("site"))
    (project / "docs" / "necessary.md").write_text('# N\n<!-- cookie-catalog:table category="tracking" -->\n')
    result = build(project, project / "site")
    assert result.returncode == 1
    assert (
        'docs/necessary.md:2: no category "tracking"; valid categories: strictly-necessary, functional' in result.stderr
    )


def test_directives_in_code_blocks_are_left_alone():
    text = (
        '```\n<!-- cookie-catalog:table plugin="Nope" -->\n```\n'
        '~~~~md\n```\n<!-- cookie-catalog:notes plugin="X" -->\n~~~~\n'
        '<!-- cookie-catalog:table plugin="A" -->\n'
    )
    found = find_directives(text, "p.md")
    assert [(d.line, d.kind, d.attrs) for d in found] == [(8, "table", {"plugin": "A"})]


@pytest.mark.parametrize(
    "line,message",
    [
        ('<!-- cookie-catalog:tabel plugin="A" -->', "p.md:1: unknown directive cookie-catalog:tabel"),
        ('<!-- cookie-catalog:table plugin="A" category="b" -->', "takes exactly one of plugin=, category="),
        ('<!-- cookie-catalog:notes category="b" -->', "takes exactly one of plugin="),
        ("<!-- cookie-catalog:table plugin='A' -->", "p.md:1: malformed directive"),
    ],
)
def test_malformed_directives(line, message):
    with pytest.raises(DirectiveError, match=re.escape(message)):
        find_directives(line + "\n", "p.md")


def test_html_fragments(cli, tmp_path):
    code, _, err = cli("generate", CATALOG, "--out", tmp_path / "out", "--format", "html")
    assert code == 0, err
    html = (tmp_path / "out" / "webchat.html").read_text()
    reader = read_html(html)
    tags = [t for t, _ in reader.elements]
    assert tags[0] == "section" and tags.count("section") == 1
    assert not {"html", "head", "body", "script", "style", "link"} & set(tags)
    rows = [a for t, a in reader.elements if t == "tr" and a.get("class") == "cookie-catalog__cookie"]
    assert len(rows) == 21 and rows[0]["id"] == "webchat--_genesys.widgets.webchat.state.open"
    assert (tmp_path / "out" / "webchat.md").exists()
