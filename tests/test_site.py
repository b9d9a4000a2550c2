"""A real `mkdocs build --strict` of the project's own site."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from cookie_catalog.cli.ci import in_ci

from support.catalogs import SEED_PLUGINS, seed_rows
from support.sitebuild import article, build, cells, project_copy


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = project_copy(tmp_path_factory.mktemp("project"))
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return project / "site"


def test_every_seed_name_and_purpose_verbatim_in_its_plugin_page(site):
    for plugin, name, purpose in seed_rows():
        page_cells = cells(site / "cookies" / plugin.lower() / "index.html")
        position = page_cells.index(name)
        assert page_cells[position + 1] == purpose


def test_plugin_pages_and_nav_in_catalog_order(site):
    home = (site / "index.html").read_text()
    links = re.findall(r'href="(cookies/[a-z]+/)"', home)
    assert list(dict.fromkeys(links)) == [f"cookies/{p.lower()}/" for p in SEED_PLUGINS]


def test_notes_are_admonitions_titled_important(site):
    overview = article(site / "cookies" / "index.html")
    text = " ".join(overview.chunks)
    assert "Genesys Widgets never stores Personally Identifiable Information (PII) in its cookies." in text
    webchat = (site / "cookies" / "webchat" / "index.html").read_text()
    assert re.search(
        r'<div class="admonition info">\s*<p class="admonition-title">Important</p>'
        r"\s*<p>An active WebChat session cookie",
        webchat,
    )


def test_conditions_and_category_links(site):
    webchat = cells(site / "cookies" / "webchat" / "index.html")
    assert webchat.count("PureEngage V3 API") == 4 and webchat.count("PureCloud V2 API") == 5
    html = (site / "cookies" / "webchat" / "index.html").read_text()
    assert html.count('<a href="../#category-strictly-necessary">Strictly necessary</a>') == 21
    assert 'id="category-strictly-necessary"' in (site / "cookies" / "index.html").read_text()


def test_each_cookie_has_its_own_anchor(site):
    html = (site / "cookies" / "webchat" / "index.html").read_text()
    ids = re.findall(r'class="cc-anchor" id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 21
    assert "webchat--_genesys.widgets.webchat.state.pureengage-v3-rest.index" in ids


def test_search_index_holds_every_cookie(site):
    """Each cookie's name and purpose, in its own entry (a plugin page's entry no longer repeats them)."""
    index = json.loads((site / "search" / "search_index.json").read_text())
    cookies = {(doc["title"], doc["text"]) for doc in index["docs"] if "boost" in doc}
    for _, name, purpose in seed_rows():
        assert (html.escape(name, quote=False), html.escape(" ".join(purpose.split()), quote=False)) in cookies


def test_bad_catalog_fails_the_build_with_file_and_line(tmp_path):
    project = project_copy(tmp_path)
    (project / "catalog/plugins/console.yml").write_text("plugin: Console\ncookies:\n  - name: x\n")
    result = build(project, project / "site")
    assert result.returncode == 1
    assert "catalog/plugins/console.yml:3:5: cookies[0].purpose: is required but missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_hand_written_page_is_never_replaced(tmp_path):
    project = project_copy(tmp_path)
    (project / "docs/cookies").mkdir()
    (project / "docs/cookies/webchat.md").write_text("# Mine\n")
    result = build(project, project / "site")
    assert result.returncode == 1
    assert "cookies/webchat.md would replace the hand-written" in result.stderr
    assert (project / "docs/cookies/webchat.md").read_text() == "# Mine\n"


def test_build_writes_nothing_into_docs(tmp_path):
    project = project_copy(tmp_path)
    before = sorted(p.relative_to(project) for p in (project / "docs").rglob("*"))
    assert build(project, project / "site").returncode == 0
    assert sorted(p.relative_to(project) for p in (project / "docs").rglob("*")) == before


def test_auto_nav_without_explicit_nav(tmp_path):
    project = project_copy(tmp_path)
    config = (project / "mkdocs.yml").read_text()
    config = re.sub(r"\nnav:\n(?:[ ].*\n)+", "\n", config)
    (project / "mkdocs.yml").write_text(config)
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    home = (project / "site" / "index.html").read_text()
    links = list(dict.fromkeys(re.findall(r'href="(cookies/[a-z]+/)"', home)))
    assert links == [f"cookies/{p.lower()}/" for p in SEED_PLUGINS]


def test_site_offers_the_policy_downloads_and_the_tcf_disclosure_complete(site):
    from support.readback import read_csv, read_html

    downloads = site / "downloads"
    assert sorted(p.name for p in downloads.iterdir() if p.is_file()) == [
        "cookie-policy.csv",
        "cookie-policy.html",
        "cookie-policy.json",
        "cookie-policy.md",
        "tcf-disclosure.json",
    ]
    policy = ["cookie-policy.csv", "cookie-policy.html", "cookie-policy.json", "cookie-policy.md"]
    for language in ("de", "fr"):  # the policy in each other language of the catalog, the disclosure has none
        assert sorted(p.name for p in (downloads / language).iterdir()) == policy
    assert len(read_csv((downloads / "cookie-policy.csv").read_bytes())) == 37
    assert json.loads((downloads / "cookie-policy.json").read_text())["cookie_count"] == 37
    tcf = json.loads((downloads / "tcf-disclosure.json").read_text())
    assert sorted(d["identifier"] for d in tcf["disclosures"]) == sorted(name for _, name, _ in seed_rows())
    html_text = read_html((downloads / "cookie-policy.html").read_text()).visible
    markdown = (downloads / "cookie-policy.md").read_text()
    markdown_text = read_html(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)).visible
    for _, name, purpose in seed_rows():
        assert name in html_text and purpose in html_text
        assert name in markdown_text and purpose in markdown_text


def test_home_page_and_plugin_footers_link_the_downloads(site):
    # As a browser requests it: the home page spells the Markdown one cookie-policy.%6D&#100;, for Zensical.
    home = {unquote(html.unescape(href)) for href in re.findall(r'href="([^"]*)"', (site / "index.html").read_text())}
    for ext in ("md", "html", "csv", "json"):
        assert f"downloads/cookie-policy.{ext}" in home
    for plugin in SEED_PLUGINS:
        page = (site / "cookies" / plugin.lower() / "index.html").read_text()
        for ext in ("md", "html", "csv", "json"):
            assert f'href="../../downloads/cookie-policy.{ext}"' in page


def _with_pdf(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      catalog: !ENV [COOKIE_CATALOG, catalog]", "      catalog: catalog\n      pdf: true"
        )
    )


@pytest.mark.skipif(not shutil.which("chromium") and not in_ci(), reason="no chromium here (CI installs it)")
def test_pdf_download_when_asked_for(tmp_path):
    project = project_copy(tmp_path)
    _with_pdf(project)
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert (project / "site/downloads/cookie-policy.pdf").read_bytes().startswith(b"%PDF-")
    assert 'href="../../downloads/cookie-policy.pdf"' in (project / "site/cookies/webchat/index.html").read_text()


def test_pdf_without_engine_is_one_clear_build_error(tmp_path):
    project = project_copy(tmp_path)
    _with_pdf(project)
    env_path = os.environ["PATH"]
    try:
        os.environ["PATH"] = str(Path(sys.executable).parent)  # mkdocs and python, no chromium
        result = build(project, project / "site")
    finally:
        os.environ["PATH"] = env_path
    assert result.returncode == 1
    assert "cookie-catalog: a PDF was asked for but no PDF engine is installed" in result.stderr
    assert "Traceback" not in result.stderr


def test_many_plugins_are_grouped_by_initial_and_pruned(tmp_path):
    """Over `nav_group_over` plugins, each page carries its own section of the nav, not every page."""
    project = project_copy(tmp_path)
    config = (project / "mkdocs.yml").read_text()
    (project / "mkdocs.yml").write_text(
        config.replace("catalog: !ENV [COOKIE_CATALOG, catalog]", "catalog: catalog\n      nav_group_over: 2")
    )
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    console = (project / "site" / "cookies" / "console" / "index.html").read_text()
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', console)
    assert [label for label in labels if len(label) == 1] == ["A", "C", "K", "W"]
    links = re.findall(r'href="\.\./([a-z]+)/"', console)
    assert "clicktocall" in links and "knowledgecenter" in links  # its own section, and a pruned one's first page
    assert "webchat" in links and "app" in links
    home = (project / "site" / "index.html").read_text()
    assert list(dict.fromkeys(re.findall(r'href="(cookies/[a-z]+/)"', home))) == [
        "cookies/app/",
        "cookies/clicktocall/",
        "cookies/knowledgecenter/",
        "cookies/webchat/",
    ]


def test_generated_pages_leave_out_the_themes_indentation(site):
    webchat = (site / "cookies" / "webchat" / "index.html").read_text()
    outside = re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "", webchat, flags=re.S)
    assert not re.search(r"\n[ \t]", outside) and "\n\n\n" not in webchat
    assert re.search(
        r"\n[ \t]+<", (site / "reading" / "index.html").read_text()
    )  # hand-written pages as MkDocs made them


# One tree per language (README, "Languages")


def _lang(page: Path) -> str:
    found = re.search(r"<html lang=\"([^\"]+)\"", page.read_text(encoding="utf-8"))
    assert found, page
    return found.group(1)


def test_each_language_has_its_tree_with_its_html_lang(site):
    for tree, language in (("", "en"), ("de/", "de"), ("fr/", "fr")):
        for page in ("index.html", "cookies/index.html", "cookies/webchat/index.html", "reading/index.html"):
            assert _lang(site / f"{tree}{page}") == language, (tree, page)


def test_the_german_webchat_page_is_german_with_all_21_names(site):
    page = site / "de" / "cookies" / "webchat" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert _lang(page) == "de"
    page_cells = cells(page)
    names = [name for plugin, name, _ in seed_rows() if plugin == "WebChat"]
    assert len(names) == 21
    for name in names:
        assert name in page_cells, name
    headers = re.findall(r"<th>([^<]*)</th>", text)
    assert headers == ["Name", "Zweck", "Speicherdauer", "Herkunft", "Kategorie", "Bedingung"]
    assert page_cells.count("Sitzung") == 21 and page_cells.count("Session") == 0
    assert "Ein Sitzungscookie mit dem Zeitpunkt der letzten erfolgreichen Anfrage an den Server." in page_cells
    assert "cc-untranslated" not in text  # the bundled catalog is translated in full


def test_the_switcher_and_the_alternates_lead_to_the_same_page_in_each_language(site):
    for tree, up in (("", "../../"), ("de/", "../../../"), ("fr/", "../../../")):
        text = (site / f"{tree}cookies/webchat/index.html").read_text(encoding="utf-8")
        for language, target in (("en", ""), ("de", "de/"), ("fr", "fr/")):
            link = f'href="{up}{target}cookies/webchat/" hreflang="{language}"'
            assert f'<link rel="alternate" {link}>' in text, (tree, language)
            assert f'<a {link} class="md-select__link">' in text, (tree, language)


def test_search_is_per_language(site):
    for tree, language, purpose in (
        ("de/", "de", "Ein Sitzungscookie mit dem Zeitpunkt der letzten erfolgreichen Anfrage an den Server."),
        ("fr/", "fr", "Un cookie de session contenant l’heure de la dernière requête réussie envoyée au serveur."),
    ):
        index = json.loads((site / tree / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [language]
        locations = [doc["location"] for doc in index["docs"]]
        assert not any(location.startswith(("de/", "fr/", "../")) for location in locations)
        assert any(purpose in html.unescape(doc["text"]) for doc in index["docs"]), tree
        cookie = "_genesys.widgets.webchat.state.ping"
        assert any(doc["location"].startswith("cookies/webchat/#") and cookie in doc["title"] for doc in index["docs"])


def test_the_downloads_are_in_every_language(site):
    for language, heading in (("de", "Cookie-Nutzung von Genesys Widgets"), ("fr", "Utilisation des cookies")):
        policy = (site / "downloads" / language / "cookie-policy.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in policy and heading in policy
    page = (site / "de" / "cookies" / "webchat" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../downloads/de/cookie-policy.html"' in page
    home = (site / "de" / "index.html").read_text(encoding="utf-8")
    assert "Die Richtlinie herunterladen" in home  # docs/index.de.md
    assert 'href="../downloads/de/cookie-policy.csv"' in home  # a hand-written page's links lead out of the tree
    assert 'href="../downloads/tcf-disclosure.json"' in home
    reading = (site / "de" / "reading" / "index.html").read_text(encoding="utf-8")
    assert "So lesen Sie diese Richtlinie" in reading
