"""The fields a regulator expects (docs/lint.md): refused where wrong, shown where a format has a place for them,
verbatim and inert whatever text the data categories hold."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import cmarkgfm
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.interop.exporters import cookieconsent
from cookie_catalog.render import tcf
from cookie_catalog.render.pages import Renderer
from cookie_catalog.sinks.downloads import policy_files

from support.catalogs import write_catalog
from support.inert import seen
from support.jsparse import parse_js
from support.readback import read_csv, unguard
from support.rendered import parse, site_markdown
from support.strategies import markup_nonblank, yaml_quote

FACTS = """    legal_basis: consent
    third_party_access: true
    retention: 25 months
    lifetime_refreshed: false
    country: US
    transfers: [{country: US, safeguard: data-privacy-framework}, {country: IN}]
    data_categories: [%s]
"""
COOKIE = "  - name: c\n    purpose: p\n    duration: 1 day\n    provenance: third-party\n    category: analytics\n"


# The elements the tables' templates write; catalog text may add none.
TAGS = {
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "code",
    "a",
    "br",
    "small",
    "wbr",
    "time",
    "div",
    "section",
}


def assert_inert(parsed, allowed_hrefs: re.Pattern) -> None:
    """Every element of the tables is one the templates write; every link one of theirs, or an http(s) URL the
    text holds made a link (its text, checked verbatim by the callers); no handler anywhere."""
    for tag, attrs in parsed.tags:
        if tag in ("td", "small", "br"):
            assert not attrs or set(attrs) <= {"class", "title", "style"}, (tag, attrs)
        if tag == "a":
            href = attrs.get("href", "")
            assert allowed_hrefs.fullmatch(href) or re.fullmatch(r"https?://[^\s\"'<>]+", href, re.I), attrs
        assert not [k for k in attrs if k.lower().startswith("on")], (tag, attrs)
    table_tags = {tag for tag, _ in parsed.tags} - {"html", "head", "body", "meta", "title", "style", "main", "h1"}
    assert table_tags <= TAGS | {"h2", "h3", "p", "blockquote", "strong", "aside", "hr"}, table_tags


def commonmark_renderers():
    """GitHub's renderer (raw HTML kept, as GitHub does before sanitising) and markdown-it with tables."""
    github = lambda text: cmarkgfm.markdown_to_html_with_extensions(
        text, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE, extensions=["table", "strikethrough", "tagfilter"]
    )
    return [github, MarkdownIt("commonmark", {"html": True}).enable("table").render]


def facts_cell(categories: list[str]) -> str:
    """The provenance cell as a reader sees it, every fact given."""
    return (
        "Third-party\nLegal basis: Consent\n"
        f"Data: {seen(', '.join(categories))}\nData kept: 25 months\nLifetime not renewed by visits\n"
        "Third parties can access it\nCountry: US\n"
        "Transfer to US: EU-US Data Privacy Framework (adequacy decision of 10 July 2023)\n"
        "Transfer to IN: no safeguard given"
    )


def catalog_with(root: Path, categories: list[str]) -> Path:
    listed = ", ".join(yaml_quote(c) for c in categories)
    return write_catalog(root, plugins={"p.yml": "plugin: P\ncookies:\n" + COOKIE + FACTS % listed})


def provenance_cells(html: str, allowed_hrefs: str = r"(?!)") -> list[str]:
    parsed = parse(html)
    assert_inert(parsed, re.compile(allowed_hrefs))
    cells = [t for tag, t in parsed.blocks if tag == "td"]
    found = [i for i, t in enumerate(cells) if t.startswith("Third-party")]
    assert all(cells[i + 1] == "Analytics" for i in found)  # the row goes on after the facts
    return [cells[i] for i in found]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(markup_nonblank, min_size=1, max_size=3))
def test_facts_verbatim_and_inert_on_pages_fragments_and_policy(categories):
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(catalog_with(Path(tmp) / "cat", categories))
    expected = [facts_cell(categories)]
    renderer = Renderer(catalog)
    page = site_markdown().convert(renderer.pages()["p.md"])
    assert provenance_cells(page, r"index\.md#category-analytics|downloads/cookie-policy\.\w+") == expected
    assert provenance_cells(renderer.fragments()["p.html"]) == expected
    files = policy_files(catalog)
    for html in (
        *(render(files["cookie-policy.md"].decode()) for render in commonmark_renderers()),
        files["cookie-policy.html"].decode(),
    ):
        assert provenance_cells(html) == expected
    cookie = json.loads(files["cookie-policy.json"])["plugins"][0]["cookies"][0]
    assert cookie["data_categories"] == categories
    row = read_csv(files["cookie-policy.csv"])[0]
    assert unguard(row["data_categories"]) == "; ".join(categories)


def test_policy_json_and_csv_carry_every_fact(tmp_path):
    files = policy_files(load_catalog(catalog_with(tmp_path / "cat", ["unique identifier"])))
    cookie = json.loads(files["cookie-policy.json"])["plugins"][0]["cookies"][0]
    assert {k: cookie[k] for k in ("third_party_access", "legal_basis", "retention", "retention_iso8601")} == {
        "third_party_access": True,
        "legal_basis": "consent",
        "retention": "25 months",
        "retention_iso8601": "P25M",
    }
    assert (cookie["lifetime_refreshed"], cookie["country"]) == (False, "US")
    assert cookie["transfers"] == [
        {"country": "US", "safeguard": "data-privacy-framework"},
        {"country": "IN", "safeguard": None},
    ]
    row = read_csv(files["cookie-policy.csv"])[0]
    assert [row[k] for k in ("third_party_access", "legal_basis", "retention", "retention_iso8601")] == [
        "true",
        "consent",
        "25 months",
        "P25M",
    ]
    assert [row[k] for k in ("lifetime_refreshed", "country", "transfers")] == [
        "false",
        "US",
        "US: data-privacy-framework; IN: ",
    ]


def test_without_the_facts_nothing_changes(tmp_path):
    """A catalog that gives none of them shows none: no empty line, no label without a value."""
    files = policy_files(
        load_catalog(write_catalog(tmp_path / "cat", plugins={"p.yml": "plugin: P\ncookies:\n" + COOKIE}))
    )
    html = files["cookie-policy.html"].decode()
    assert provenance_cells(html) == ["Third-party"]
    cookie = json.loads(files["cookie-policy.json"])["plugins"][0]["cookies"][0]
    assert (cookie["data_categories"], cookie["transfers"], cookie["retention"]) == ([], [], None)


@pytest.mark.parametrize(
    "line,expected",
    [
        ("    country: UK\n", "cookies[0].country: 'UK' is not a country code (the United Kingdom is GB)"),
        ("    country: EL\n", "cookies[0].country: 'EL' is not a country code (Greece is GR)"),
        ("    country: us\n", "cookies[0].country: 'us' is not a country code; expected an ISO 3166-1 alpha-2"),
        ("    legal_basis: legitimate-interest\n", "cookies[0].legal_basis: 'legitimate-interest' is not allowed"),
        ("    retention: forever\n", "cookies[0].retention: 'forever' is not a duration"),
        ("    lifetime_refreshed: yes\n", "cookies[0].lifetime_refreshed: 'yes' is not a boolean"),
        ("    third_party_access: 1\n", "cookies[0].third_party_access: '1' is not a boolean"),
        ("    data_categories: ids\n", "cookies[0].data_categories: is the text 'ids'; expected a list"),
        ("    data_categories: ['  ']\n", "cookies[0].data_categories[0]: is blank; expected text"),
        (
            "    transfers: [{country: US, safeguard: hope}]\n",
            "cookies[0].transfers[0].safeguard: 'hope' is not allowed",
        ),
        ("    transfers: [{safeguard: certification}]\n", "cookies[0].transfers[0].country: is required but missing"),
        ("    transfers: {country: US}\n", "cookies[0].transfers: is a mapping; expected a list"),
        ("    accept: [{rule: 101, reason: r}]\n", "cookies[0].accept[0].rule: '101' is not a rule id"),
        ("    accept: [{rule: CC101}]\n", "cookies[0].accept[0].reason: is required but missing"),
    ],
)
def test_a_wrong_value_is_refused_at_its_place(cli, tmp_path, monkeypatch, line, expected):
    monkeypatch.chdir(tmp_path)
    write_catalog(tmp_path / "cat", plugins={"p.yml": "plugin: P\ncookies:\n" + COOKIE + line})
    code, _, err = cli("validate", "cat")
    assert code == 1
    assert re.search(rf"^cat/plugins/p\.yml:8:\d+: {re.escape(expected)}", err, re.M), err


@pytest.mark.parametrize(
    "given,refresh", [("    lifetime_refreshed: true\n", True), ("", False), ("    lifetime_refreshed: false\n", False)]
)
def test_tcf_disclosure_says_whether_the_lifetime_is_refreshed(tmp_path, given, refresh):
    """The TCF disclosure's cookieRefresh is the one export field for a regulatory fact: the catalog's, false unsaid."""
    catalog = load_catalog(write_catalog(tmp_path / "cat", plugins={"p.yml": "plugin: P\ncookies:\n" + COOKIE + given}))
    (item,) = json.loads(tcf.export(catalog))["disclosures"]
    assert item["cookieRefresh"] is refresh


def test_cookieconsent_table_gets_a_column_for_each_fact_some_cookie_states(tmp_path):
    plugins = {"p.yml": "plugin: P\ncookies:\n" + COOKIE + FACTS % "ids" + COOKIE.replace("name: c", "name: d")}
    catalog = load_catalog(write_catalog(tmp_path / "cat", plugins=plugins))
    config = parse_js(cookieconsent.export(catalog), "export default ")
    (table,) = [s["cookieTable"] for s in config["language"]["translations"]["en"]["preferencesModal"]["sections"][1:]]
    assert table["headers"] == {
        "name": "Name",
        "duration": "Duration",
        "description": "Purpose",
        "legalBasis": "Legal basis",
        "data": "Data",
        "dataKept": "Data kept",
        "thirdPartyAccess": "Third-party access",
        "provider": "Provider",
        "transfers": "Transfers",
    }
    first, second = table["body"]
    assert first["data"] == "ids"
    assert (first["legalBasis"], first["dataKept"], first["thirdPartyAccess"], first["provider"]) == (
        "Consent",
        "25 months",
        "Yes",
        "US",
    )
    assert first["transfers"] == (
        "US: EU-US Data Privacy Framework (adequacy decision of 10 July 2023); IN: no safeguard given"
    )
    assert {k: v for k, v in second.items() if k not in ("name", "duration", "description")} == dict.fromkeys(
        ("legalBasis", "data", "dataKept", "thirdPartyAccess", "provider", "transfers"), ""
    )
    plain = load_catalog(write_catalog(tmp_path / "plain", plugins={"p.yml": "plugin: P\ncookies:\n" + COOKIE}))
    sections = parse_js(cookieconsent.export(plain), "export default ")["language"]["translations"]["en"]
    (table,) = [s["cookieTable"] for s in sections["preferencesModal"]["sections"][1:]]
    assert list(table["headers"]) == ["name", "duration", "description"]


def test_diff_reports_a_changed_regulatory_fact(cli, tmp_path, monkeypatch):
    """A new legal basis, a transfer gained or its safeguard changed is a change of the policy."""
    monkeypatch.chdir(tmp_path)
    old = "plugin: P\ncookies:\n" + COOKIE + "    legal_basis: consent\n    transfers: [{country: US}]\n"
    new = (
        "plugin: P\ncookies:\n"
        + COOKIE
        + "    legal_basis: strictly-necessary-exemption\n"
        + (
            "    transfers: [{country: US, safeguard: standard-contractual-clauses}, {country: IN}]\n"
            "    data_categories: [identifier]\n"
        )
    )
    write_catalog(tmp_path / "old", plugins={"p.yml": old})
    write_catalog(tmp_path / "new", plugins={"p.yml": new})
    code, out, _ = cli("diff", "old", "new", "--format", "json")
    (changed,) = json.loads(out)["plugins"][0]["changed"]
    assert code == 1 and changed["fields"] == [
        {"field": "legal_basis", "old": "consent", "new": "strictly-necessary-exemption"},
        {"field": "data_categories", "old": None, "new": "identifier"},
        {"field": "transfers", "old": "US: no safeguard", "new": "US: standard-contractual-clauses\nIN: no safeguard"},
    ]
