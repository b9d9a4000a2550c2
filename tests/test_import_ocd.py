"""The whole Open Cookie Database imports, validates, builds into a site and exports back."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

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


def _raw_fields(line: str) -> list[tuple[str, bool]]:
    """One CSV record as written: each field's text and whether it was quoted."""
    fields, i = [], 0
    while True:
        if line.startswith('"', i):
            end = i + 1
            while True:
                end = line.index('"', end)
                if line.startswith('""', end):
                    end += 2
                    continue
                break
            fields.append((line[i + 1 : end].replace('""', '"'), True))
            i = end + 1
        else:
            end = line.find(",", i)
            end = len(line) if end < 0 else end
            fields.append((line[i:end], False))
            i = end
        if i >= len(line):
            return fields
        i += 1  # the comma


def _records(text: str) -> list[str]:
    """The file's records as written: a line ends a record when its quotes are balanced (a quoted field
    may hold line breaks; an escaped quote is two)."""
    out, buffer = [], ""
    for line in text.split("\n")[:-1]:
        buffer = f"{buffer}\n{line}" if buffer else line
        if buffer.count('"') % 2 == 0:
            out.append(buffer)
            buffer = ""
    return out


def _by_platform(rows: list[dict[str, str]]) -> list[str]:
    """IDs grouped by platform, platforms in the order they first appear: the catalog keeps no finer order."""
    first: dict[str, int] = {}
    for index, row in enumerate(rows):
        first.setdefault(row["Platform"], index)
    return [r["ID"] for r in sorted(rows, key=lambda r: first[r["Platform"]])]


# Upstream's categories (its README; .github/workflows/validate.py checks the column against its list).
UPSTREAM_CATEGORIES = {"Functional", "Personalization", "Analytics", "Marketing", "Security"}


def test_round_trip_reproduces_the_file_but_for_the_differences_explained_here(ocd_catalog):
    """Import -> export of the shipped database, byte for byte, with each remaining difference named:

    1. rows of a platform that the file lists apart (30 places) come out together;
    2. a retention the catalog normalised is written in its spelling ("Session" -> "session"), and "Unknown"
       (16 rows) as an empty cell, which says the same and is what an unknown duration exports as;
    3. ``Necessary`` (9 rows) is written ``Functional``, the category upstream's validator accepts for it;
    4. quoting: every description is quoted (upstream quotes nine in ten), other fields only where CSV needs it,
       where upstream quoted some by hand;
    5. a field starting with white space is quoted, which upstream's readers (pandas, ``skipinitialspace``) need
       to keep the space (4 rows upstream leave unquoted);
    6. a name written with ``*`` whose wildcard flag is 0 (``SSPR_*``) is a pattern, so its flag reads 1.
    Everything else (values, empty cells, white space at the edges of a field) is the same bytes."""
    source_text = OCD_CSV.read_text(encoding="utf-8")
    exported_text = ocd_export.export(load_catalog(ocd_catalog))
    source, exported = _records(source_text), _records(exported_text)
    assert exported[0] == source[0]  # the header
    source_rows = list(csv.DictReader(io.StringIO(source_text, newline="")))
    exported_rows = list(csv.DictReader(io.StringIO(exported_text, newline="")))
    assert [r["ID"] for r in exported_rows] == _by_platform(source_rows)  # 1
    lines = {row["ID"]: line for row, line in zip(source_rows, source[1:])}
    requoted = 0
    for row, line in zip(exported_rows, exported[1:]):
        was = _raw_fields(lines[row["ID"]])
        now = _raw_fields(line)
        for column, (old, old_quoted), (new, new_quoted) in zip(ocd.COLUMNS, was, now):
            if column == "Retention period" and new != old:  # 2
                kept = normalise(old)
                spelt = "" if kept.duration == "unknown" else kept.duration
                assert kept.normalised and new == spelt, (row["ID"], old, new)
            elif column == "Category" and new != old:  # 3
                assert (old, new) == ("Necessary", "Functional"), row["ID"]
            elif column == "Wildcard match" and new != old:  # 6
                assert (old, new) == ("0", "1") and "*" in row["Cookie / Data Key name"], row["ID"]
            else:
                assert new == old, (row["ID"], column)
            if new_quoted != old_quoted:  # 4
                requoted += 1
                needed = new != new.lstrip() or any(c in new for c in ',"\n')
                leading = new_quoted and new != new.lstrip()  # 5
                assert (column == "Description" and new_quoted) or (old_quoted and not needed) or leading, (
                    row["ID"],
                    column,
                )
    assert requoted == 626  # of 22,640 fields


def test_export_passes_upstreams_rules(ocd_catalog):
    """validate.py's checks (categories, unique UUIDs), and what its converters read with pandas'
    ``skipinitialspace=True``: a field's white space at the start survives only quoted."""
    text = ocd_export.export(load_catalog(ocd_catalog))
    plain = list(csv.DictReader(io.StringIO(text, newline="")))
    skipping = list(csv.DictReader(io.StringIO(text, newline=""), skipinitialspace=True))
    assert skipping == plain
    assert {r["Category"] for r in plain} <= UPSTREAM_CATEGORIES
    ids = [r["ID"] for r in plain]
    assert len(set(ids)) == len(ids) and all(uuid.UUID(i) for i in ids)
    clarity = next(r for r in skipping if r["ID"] == "6b0fcf2e-09e7-4b4d-acb5-d39e946ae32c")
    assert clarity["Description"].startswith(" This cookie is installed by Microsoft Clarity")
    empty = [r for r in _source_rows() if not r["Retention period"]]
    assert empty and all(next(x for x in plain if x["ID"] == r["ID"])["Retention period"] == "" for r in empty)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {c: st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")) for c in ocd.COLUMNS}
        ),
        max_size=4,
    )
)
def test_the_csv_writer_reads_back_every_text(table):
    """Any text in any field (quotes, commas, line breaks, leading spaces) reads back the same, with and
    without upstream's ``skipinitialspace``."""
    text = ocd_export.write_csv(table)
    for skip in (False, True):
        assert list(csv.DictReader(io.StringIO(text, newline=""), skipinitialspace=skip)) == table


def test_json_edition_is_upstreams_shape(ocd_catalog):
    """convert_csv_to_json.py's output for the exported CSV: rows grouped by platform, all strings."""
    catalog = load_catalog(ocd_catalog)
    data = json.loads(ocd_export.export_json(catalog))
    rows = list(csv.DictReader(io.StringIO(ocd_export.export(catalog), newline="")))
    expected: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        expected.setdefault(r["Platform"], []).append(
            {
                "id": r["ID"],
                "category": r["Category"],
                "cookie": r["Cookie / Data Key name"],
                "domain": r["Domain"],
                "description": r["Description"],
                "retentionPeriod": r["Retention period"],
                "dataController": r["Data Controller"],
                "privacyLink": r["User Privacy & GDPR Rights Portals"],
                "wildcardMatch": r["Wildcard match"],
            }
        )
    assert data == expected and list(data) == list(expected) and "" in data
    assert ocd_export.export_json(catalog) == json.dumps(expected, ensure_ascii=False, indent=4)


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
    from cookie_catalog.render.policy import DEFAULT_FORMATS
    from cookie_catalog.sinks.downloads import site_downloads

    downloads = {p.name: p.read_bytes() for p in (site / "downloads").iterdir()}
    assert downloads == site_downloads(catalog, DEFAULT_FORMATS)


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
