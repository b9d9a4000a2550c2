"""The whole Open Cookie Database imports, validates, builds into a site and exports back."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli import main
from cookie_catalog.interop.exporters import ocd as ocd_export
from cookie_catalog.interop.importers import ocd
from cookie_catalog.interop.importers.retention import normalise

from support.paths import OCD_CSV
from support.readback import read_html


def _source_rows() -> list[dict[str, str]]:
    with open(OCD_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_imports_whole_and_validates(ocd_catalog):
    rows = _source_rows()
    catalog = load_catalog(ocd_catalog)
    assert catalog.cookie_count == len(rows) == 2264
    assert len(catalog.plugins) == len({r["Platform"] for r in rows}) == 354
    titles = {p.title for p in catalog.plugins}
    assert {r["Platform"] for r in rows if r["Platform"]} <= titles  # exact names, "/" and all
    assert "Bing / Microsoft" in titles and ocd.UNATTRIBUTED in titles


def test_rows_keep_what_the_model_has_no_column_for(ocd_catalog):
    catalog = load_catalog(ocd_catalog)
    ga = next(p for p in catalog.plugins if p.title == "Google Analytics")
    cookies = {c.name: c for c in ga.cookies}
    assert cookies["_ga"].id == "256c18e8-d881-11e9-8a34-2a2ae2dbcce4"
    assert cookies["_ga"].controller == "Google"
    assert cookies["_ga"].privacy_url == "https://business.safety.google/privacy/"
    assert cookies["_ga_"].pattern and not cookies["_ga"].pattern
    assert cookies["_ga"].provenance == "first-party"
    necessary = [c for p in catalog.plugins for c in p.cookies if c.category == "strictly-necessary"]
    assert len(necessary) == sum(r["Category"] == "Necessary" for r in _source_rows())


def test_same_platform_and_name_on_two_domains_stay_two_cookies(ocd_catalog):
    catalog = load_catalog(ocd_catalog)
    counts = Counter((p.title, c.name) for p in catalog.plugins for c in p.cookies)
    source = Counter((r["Platform"] or ocd.UNATTRIBUTED, r["Cookie / Data Key name"]) for r in _source_rows())
    assert counts == source and max(source.values()) == 2


def test_export_gives_back_the_same_rows(ocd_catalog):
    original = {r["ID"]: r for r in _source_rows()}
    exported = list(csv.DictReader(io.StringIO(ocd_export.export(load_catalog(ocd_catalog)))))
    assert list(exported[0]) == list(ocd.COLUMNS)
    assert len(exported) == len(original)
    for row in exported:
        source = original[row["ID"]]
        for column in ocd.COLUMNS:
            if column == "Retention period":
                assert normalise(row[column]) == normalise(source[column]), row["ID"]
            elif column == "Wildcard match" and "*" in source["Cookie / Data Key name"]:
                assert row[column] == "1", row["ID"]  # SSPR_* is a wildcard whatever its flag said
            else:
                assert row[column] == source[column], (row["ID"], column)


def test_export_is_a_fixed_point(tmp_path, ocd_catalog):
    first = ocd_export.export(load_catalog(ocd_catalog))
    (tmp_path / "again.csv").write_text(first, encoding="utf-8")
    from cookie_catalog.sinks.directory import write_tree

    write_tree(tmp_path / "again", ocd.import_ocd(tmp_path / "again.csv").files())
    assert ocd_export.export(load_catalog(tmp_path / "again")) == first


def test_site_shows_every_name_verbatim(tmp_path, ocd_catalog):
    """A strict MkDocs build of the imported catalog, then every name looked up in its page's HTML."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Open Cookie Database\n", encoding="utf-8")
    config = {
        "site_name": "Open Cookie Database",
        "docs_dir": "docs",
        "strict": True,
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"cookie-catalog": {"catalog": str(ocd_catalog)}}],
        "markdown_extensions": ["admonition", "attr_list", "tables", {"toc": {"permalink": True}}],
    }
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    site = tmp_path / "site"
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([str(mkdocs), "build", "--strict", "-q", "-d", str(site)], check=True, env=env, cwd=tmp_path)
    # what a reader sees: entities decoded, tags (such as <wbr>) gone
    pages = {
        p.parent.name: read_html(p.read_text(encoding="utf-8")).visible for p in (site / "cookies").glob("*/index.html")
    }
    catalog = load_catalog(ocd_catalog)
    for plugin in catalog.plugins:
        page = pages[plugin.slug]
        for cookie in plugin.cookies:
            assert cookie.name in page, (plugin.title, cookie.name)
    # the downloads of a large catalog are the same bytes as the library makes
    from cookie_catalog.sinks.downloads import policy_files

    assert {p.name: p.read_bytes() for p in (site / "downloads").iterdir()} == policy_files(catalog)


def test_cli_reports_counts_and_refuses_a_non_empty_directory(runner, tmp_path):
    out = tmp_path / "ocd"
    result = runner.invoke(main, ["import", "open-cookie-database", str(OCD_CSV), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "354 platforms, 2264 cookies" in result.output and "2203 normalised, 61 kept as duration_note" in result.output
    )
    again = runner.invoke(main, ["import", "open-cookie-database", str(OCD_CSV), "--out", str(out)])
    assert again.exit_code == 1 and "not empty" in again.output and "--force" in again.output
    forced = runner.invoke(main, ["import", "open-cookie-database", str(OCD_CSV), "--out", str(out), "--force"])
    assert forced.exit_code == 0


def test_no_progress_bar_without_a_terminal(runner, tmp_path):
    result = runner.invoke(main, ["import", "open-cookie-database", str(OCD_CSV), "--out", str(tmp_path / "o")])
    assert "Importing" not in result.output


def test_hand_written_directory_is_kept_without_force(runner, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(main, ["import", "open-cookie-database", str(OCD_CSV), "--out", str(out)])
    assert result.exit_code == 1 and (out / "notes.txt").read_text() == "mine"
    assert (
        runner.invoke(main, ["import", "open-cookie-database", str(OCD_CSV), "--out", str(out), "--force"]).exit_code
        == 0
    )
    assert not (out / "notes.txt").exists() and (out / "catalog.yml").is_file()


def test_bad_rows_are_reported_with_file_and_line(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(ocd.COLUMNS) + "\nx,P,Analytics,,,,1 day,,,0\ny,P,Analytics,a,,,1 day,,,2\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["import", "open-cookie-database", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bad.csv:2:" in result.output and "bad.csv:3:" in result.output and "Wildcard match" in result.output
    assert not (tmp_path / "o").exists()


def test_missing_columns_are_named(runner, tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("name,purpose\na,b\n", encoding="utf-8")
    result = runner.invoke(main, ["import", "open-cookie-database", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "other.csv:1:" in result.output and "'Platform'" in result.output


HEADER = ",".join(ocd.COLUMNS)
ROW = "1,Google,Analytics,_ga,,Counts visits.,1 year,Google,,0"


def _problems(tmp_path: Path, text: str) -> list[str]:
    from cookie_catalog.catalog.problems import CatalogError

    path = tmp_path / "ocd.csv"
    path.write_text(text, encoding="utf-8")
    try:
        ocd.import_ocd(path)
    except CatalogError as exc:
        return [str(p).replace(f"{path}", "ocd.csv") for p in exc.problems]
    raise AssertionError("imported")


def test_rows_of_the_wrong_length_are_each_named(tmp_path):
    """A short row made every later column None (an AttributeError); each is a problem of its line now."""
    found = _problems(tmp_path, f"{HEADER}\n1,Google,Analytics,_ga\n{ROW}\n\n{ROW},extra\n")
    assert found == [
        "ocd.csv:2:1: has 4 fields; expected 10, one for each column of the header",
        "ocd.csv:5:1: has 11 fields; expected 10, one for each column of the header",
    ]


def test_a_quote_never_closed_is_named_where_it_opens(tmp_path):
    found = _problems(tmp_path, f'{HEADER}\n{ROW}\n1,Google,Analytics,"_ga\n{ROW}\n')
    assert found == ["ocd.csv:3:1: is not valid CSV: unexpected end of data (a quote that is never closed?)"]


def test_a_header_without_rows_is_refused(tmp_path):
    expected = "ocd.csv:2:1: holds no row after its header; expected one row per cookie"
    assert _problems(tmp_path, f"{HEADER}\n") == [expected]


def test_a_name_written_with_a_star_is_a_pattern_everywhere(tmp_path, runner):
    """``SSPR_*`` had its wildcard flag unset upstream: it stayed literal and exported as the literal name."""
    from cookie_catalog.catalog.patterns import covers
    from cookie_catalog.interop.exporters.cookieconsent import export as cookieconsent_export
    from cookie_catalog.interop.scan import Sighting, compare

    source = tmp_path / "ocd.csv"
    header = ",".join(ocd.COLUMNS)
    source.write_text(f"{header}\nx1,Vendor,Marketing,SSPR_*,,Tracks,1 year,V,,0\n", encoding="utf-8")
    out = tmp_path / "catalog"
    assert runner.invoke(main, ["import", "open-cookie-database", str(source), "--out", str(out)]).exit_code == 0
    catalog = load_catalog(out)
    cookie = catalog.plugins[0].cookies[0]
    assert (cookie.name, cookie.pattern) == ("SSPR_*", True)
    assert covers(cookie.name, "SSPR_123")
    report = compare(catalog, [Sighting("SSPR_123", "cookie", "here")])
    assert not report.undocumented
    assert "^SSPR_.*$" in cookieconsent_export(catalog)  # a regex for autoClear, not the literal name
