"""The downloadable policy: every format complete, parsed back, dated from the catalog."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from markdown_it import MarkdownIt

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli.ci import in_ci
from cookie_catalog.sinks.downloads import policy_files

from support.catalogs import seed_rows
from support.cli import no_traceback
from support.paths import CATALOG, REPO
from support.readback import read_csv, read_html, unguard

POLICY_SCHEMA = json.loads((REPO / "generator/cookie_catalog/catalog/schemas/policy.schema.json").read_text())


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return policy_files(load_catalog(CATALOG))


def test_four_formats_by_default(files):
    assert list(files) == ["cookie-policy.md", "cookie-policy.html", "cookie-policy.csv", "cookie-policy.json"]


def test_csv_one_row_per_cookie(files):
    rows = read_csv(files["cookie-policy.csv"])
    assert files["cookie-policy.csv"].decode("utf-8-sig").split("\r\n")[0] == (
        "plugin,name,purpose,duration,duration_iso8601,provenance,category,condition,storage,domain,"
        "pattern,duration_note,controller,privacy_url,third_party_access,legal_basis,data_categories,retention,"
        "retention_iso8601,lifetime_refreshed,country,transfers"
    )
    assert [(r["plugin"], r["name"], r["purpose"]) for r in rows] == seed_rows()
    assert {(r["duration"], r["provenance"], r["category"], r["storage"]) for r in rows} == {
        ("Session", "third-party", "strictly-necessary", "cookie")
    }
    assert sum(1 for r in rows if r["condition"]) == 9


def test_json_valid_against_schema_and_complete(files):
    data = json.loads(files["cookie-policy.json"])
    jsonschema.validate(data, POLICY_SCHEMA)
    assert data["cookie_count"] == 37 and data["version"] == "2020-04-15" and data["updated"] == "2020-04-15"
    cookies = [(p["title"], c["name"], c["purpose"]) for p in data["plugins"] for c in p["cookies"]]
    assert cookies == seed_rows()
    assert data["notes"][0]["kind"] == "important"
    assert data["plugins"][-1]["notes"][0]["text"].startswith("An active WebChat session cookie")
    assert {c["key"] for c in data["categories"]} >= {"strictly-necessary", "analytics"}


def test_markdown_holds_every_cookie_and_what_guidance_expects(files):
    markdown = files["cookie-policy.md"].decode()
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    text = read_html(html).visible
    for _, name, purpose in seed_rows():
        assert name in text and purpose in text
    for expected in (
        "Product:",
        "Version:",
        "Last updated:",
        "Effective:",
        "Contact",
        "Consent categories",
        "Strictly necessary",
        "PureEngage V3 API",
        "Important:",
    ):
        assert expected in text


def test_standalone_html_is_the_markdown_rendered_and_self_contained(files):
    html = files["cookie-policy.html"].decode()
    reader = read_html(html)
    assert reader.external_references() == []
    assert reader.handlers() == []
    assert "<script" not in html and "@import" not in html and "url(" not in html
    print_css = html[html.index("@media print") :]
    assert "thead { display: table-header-group; }" in print_css and "@page" in html
    for _, name, purpose in seed_rows():
        assert name in reader.visible and purpose in reader.visible
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(files["cookie-policy.md"].decode())
    assert read_html(body).visible.strip() in reader.visible


def test_dates_come_from_the_catalog_and_output_is_byte_identical(catalog_copy):
    first = policy_files(load_catalog(catalog_copy))
    again = policy_files(load_catalog(catalog_copy))
    assert first == again
    path = catalog_copy / "catalog.yml"
    path.write_text(path.read_text().replace("updated: 2020-04-15", "updated: 2021-01-02"))
    changed = policy_files(load_catalog(catalog_copy))
    assert b"2021-01-02" in changed["cookie-policy.md"] and b"2021-01-02" in changed["cookie-policy.html"]
    assert json.loads(changed["cookie-policy.json"])["updated"] == "2021-01-02"


def test_formula_cells_are_neutralised(tmp_path):
    from support.catalogs import plugin_yaml, write_catalog

    cat = write_catalog(
        tmp_path / "cat",
        plugins={"p.yml": plugin_yaml(cookies=[("=cmd", '"+SUM(A1)"'), ('"@x"', '"-1"'), ('"\'q"', "ok")])},
    )
    rows = read_csv(policy_files(load_catalog(cat), ["csv"])["cookie-policy.csv"])
    assert [(r["name"], r["purpose"]) for r in rows] == [("'=cmd", "'+SUM(A1)"), ("'@x", "'-1"), ("''q", "ok")]
    assert [(unguard(r["name"]), unguard(r["purpose"])) for r in rows] == [
        ("=cmd", "+SUM(A1)"),
        ("@x", "-1"),
        ("'q", "ok"),
    ]


def test_cli_policy_writes_the_files(cli, tmp_path):
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "out")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".cookie-catalog",
        "cookie-policy.csv",
        "cookie-policy.html",
        "cookie-policy.json",
        "cookie-policy.md",
    ]
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "csv-only", "--format", "csv")
    assert code == 0 and sorted(p.name for p in (tmp_path / "csv-only").iterdir()) == [
        ".cookie-catalog",
        "cookie-policy.csv",
    ]


def test_cli_policy_bad_catalog_leaves_downloads_untouched(cli, tmp_path, catalog_copy):
    out = tmp_path / "out"
    cli("policy", catalog_copy, "--out", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (catalog_copy / "plugins/webchat.yml").write_text("plugin: WebChat\ncookies:\n  - name: a\n    provenance: maybe\n")
    code, _, err = cli("policy", catalog_copy, "--out", out)
    assert code == 1 and "webchat.yml:4:17: cookies[0].provenance: 'maybe' is not allowed" in err and no_traceback(err)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_unknown_format(cli, tmp_path):
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "o", "--format", "md,docx")
    assert code == 2 and "unknown format 'docx'" in err


def test_pdf_without_engine_is_one_clear_error(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on PATH
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "o", "--format", "md,pdf")
    assert code == 1 and err.count("\n") == 1 and "no PDF engine is installed" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(not shutil.which("chromium") and not in_ci(), reason="no chromium here (CI installs it)")
def test_pdf_with_chromium(cli, tmp_path):
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "o", "--format", "pdf")
    assert code == 0, err
    pdf = (tmp_path / "o" / "cookie-policy.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_markdown_names_every_cookie_as_written(files):
    """People read the downloaded Markdown as text: each seed name in a code span, not in character references."""
    markdown_text = files["cookie-policy.md"].decode()
    for plugin in load_catalog(CATALOG).plugins:
        for cookie in plugin.cookies:
            assert f"| `{cookie.name}`" in markdown_text, cookie.name
