"""Real vendor cookie tables (tests/data/vendor-tables/) import with every cookie, duration and category right.

The expected rows are read from the fixtures' own EXPECTED.md, written from the
pages by hand before the importer could read them: each section's table gives
the name and, as "as written → `catalog`", the duration, category, storage and
provenance a correct import produces.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from cookie_catalog.cli import main
from cookie_catalog.interop.importers.html_tables import NO_PURPOSE, import_html

from support.paths import DATA

TABLES = DATA / "vendor-tables"
# The importer writes a vendor's placeholder for a name's variable part (Cookiebot "#", OneTrust
# "xxxx") as the catalog's wildcard "*"; EXPECTED.md lists the names as the pages write them.
PLACEHOLDER = re.compile(r"#+|(?<=[^xX])(?:x{3,}|X{3,})$")
CUSTOM = {"— (no built-in; see notes)": "unclassified"}  # Cookiebot's "Unclassified"
# header of EXPECTED.md's column -> the cookie's field
COLUMNS = (
    ("→ catalog", "duration"),
    ("→ key", "category"),
    ("→ storage", "storage"),
    ("provenance", "provenance"),
)


def _value(cell: str) -> str:
    """``364 Days → `364 days``` -> ``364 days``: the catalog's value, after the arrow."""
    after = cell.split("→", 1)[-1]
    quoted = re.search(r"`([^`]*)`", after)
    text = quoted.group(1) if quoted else after.strip()
    return {"First Party": "first-party", "Third Party": "third-party"}.get(text, CUSTOM.get(text, text))


def expected_rows(fixture: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The fields EXPECTED.md states for ``fixture`` and one tuple of them (name first) per cookie."""
    text = (TABLES / "EXPECTED.md").read_text(encoding="utf-8")
    section = re.search(rf"^## \d+\. `{re.escape(fixture)}`.*?(?=^## |\Z)", text, re.M | re.S)
    assert section, fixture
    lines = [line for line in section.group().splitlines() if line.startswith("| ")]
    header = [h.strip() for h in lines[0].strip("|").split(" | ")]
    fields = {"name": header.index("name")}
    for marker, name in COLUMNS:
        found = [i for i, h in enumerate(header) if marker in h]
        if found:
            fields[name] = found[0]
    rows = []
    for line in lines[1:]:  # the separator row starts "|---"
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        name = re.fullmatch(r"`([^`]+)`(?: \(wildcard.*\))?", cells[fields["name"]])
        if name:  # a row without a name (an empty cell in the page) is skipped, with a warning
            rows.append(
                (PLACEHOLDER.sub("*", name.group(1)), *(_value(cells[i]) for k, i in fields.items() if k != "name"))
            )
    return tuple(fields), rows


def imported_rows(path: Path, fields: tuple[str, ...], **options: str) -> list[tuple[str, ...]]:
    imported = import_html(path, **options)
    return [tuple(str(getattr(c, f)) for f in fields) for p in imported.plugins for c in p.cookies]


@pytest.mark.parametrize(
    "fixture, count, options",
    [
        ("aramco-onetrust.html", 49, {}),
        ("vendia-cookie-list.html", 56, {}),
        ("primagas-cookiebot-declaration.html", 18, {}),
        ("govuk-notify-cookies.html", 4, {}),
        ("sana-commerce-cookies.html", 7, {}),
        # No category anywhere on the page: it must be given (the headings state purposes).
        ("govuk-2012-help-cookies.html", 10, {"category": "functional"}),
    ],
)
def test_every_cookie_duration_and_category_as_expected(fixture, count, options):
    fields, expected = expected_rows(fixture)
    assert len(expected) == count
    assert Counter(imported_rows(TABLES / fixture, fields, **options)) == Counter(expected)


def test_aramco_skips_the_row_without_a_name_with_a_warning_on_its_line():
    imported = import_html(TABLES / "aramco-onetrust.html")
    skipped = [w for w in imported.warnings if "lists no cookie name" in w]
    assert len(skipped) == 1
    assert skipped[0].endswith("aramco-onetrust.html:495: table 4: a row lists no cookie name; row skipped")
    cookies = {(c.name, c.domain): c for p in imported.plugins for c in p.cookies}
    assert cookies["NSC_*", "login.aramco.com"].duration_note == "2914047 Days"
    assert cookies["_gat_UA-", "aramco.com"].duration_note == "A few seconds"
    assert all(c.purpose == NO_PURPOSE for c in cookies.values())  # the page has no purpose column


def test_vendia_provider_domain_gives_provenance_and_plugins():
    imported = import_html(TABLES / "vendia-cookie-list.html")
    parties = {(p.plugin, c.provenance) for p in imported.plugins for c in p.cookies}
    assert {party for plugin, party in parties if plugin == "vendia.com"} == {"first-party"}
    assert {party for plugin, party in parties if plugin != "vendia.com"} == {"third-party"}
    assert imported.product.categories["unclassified"].label == "Unclassified"
    assert any("'Unclassified' is none of the built-in ones" in w for w in imported.warnings)


def test_sana_purpose_column_of_category_names_is_the_category_and_description_the_purpose():
    imported = import_html(TABLES / "sana-commerce-cookies.html")
    assert [p.plugin for p in imported.plugins] == ["Azure", "Google", "GitHub"]
    ga = next(c for p in imported.plugins for c in p.cookies if c.name == "_ga")
    assert ga.purpose.startswith("This cookie name is asssociated with Google Universal Analytics")


def test_notify_category_from_the_heading_not_the_hidden_caption():
    imported = import_html(TABLES / "govuk-notify-cookies.html")
    assert [p.plugin for p in imported.plugins] == ["Essential cookies", "Google Analytics cookies"]
    assert next(c for c in imported.plugins[1].cookies if c.name == "_ga").purpose.startswith(
        "Checks if you’ve visited"
    )


def test_synonym_headers_source_column_and_blank_purpose(runner, tmp_path):
    """The reviewer's shape: 'Description of Use', 'Retention Time', Source First-Party / Google, a blank purpose."""
    page = tmp_path / "table.html"
    page.write_text(
        "<title>Example</title><table><tr><th>Name</th><th>Category</th><th>Type</th><th>Source</th>"
        "<th>Retention Time</th><th>Description of Use</th></tr>"
        "<tr><td>cookiesDirective</td><td>Essential</td><td>Persistent</td><td>First-Party</td>"
        "<td>Up to 365 days</td><td>Remembers the consent.</td></tr>\n"
        "<tr><td>_ga</td><td>Analytical</td><td>Persistent</td><td>Google</td><td>Up to 2 years</td><td></td></tr>"
        "</table>",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "table.html:2: table 1: '_ga' has no purpose" in result.output
    imported = import_html(page)
    first, ga = imported.plugins[0].cookies
    assert (first.purpose, str(first.duration), first.duration_note) == (
        "Remembers the consent.",
        "365 days",
        "Up to 365 days",
    )
    assert (first.provenance, first.category) == ("first-party", "strictly-necessary")
    assert (ga.provenance, ga.controller, ga.category, ga.purpose) == ("third-party", "Google", "analytics", NO_PURPOSE)
    assert not imported.product.categories


def test_problems_name_the_row_line(tmp_path):
    from cookie_catalog.catalog.problems import CatalogError

    page = tmp_path / "t.html"
    page.write_text(
        "<table><tr><th>Name</th><th>Purpose</th><th>Party</th><th>Category</th></tr>\n"
        "<tr><td>a</td><td>p</td><td>First party</td><td>Analytics</td></tr>\n"
        "<tr><td>a</td><td>p</td><td>First party</td><td>Analytics</td></tr></table>",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        import_html(page)
    assert [p.line for p in caught.value.problems] == [3]


def test_unknown_category_option_is_refused_in_one_line(runner, tmp_path):
    page = TABLES / "govuk-2012-help-cookies.html"
    result = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o"), "--category", "nonsense"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "'nonsense' is not a category" in result.output
    assert not (tmp_path / "o").exists()
    ok = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o"), "--category", "Statistics"])
    assert ok.exit_code == 0, ok.output
    assert "nonsense" not in (tmp_path / "o" / "catalog.yml").read_text(encoding="utf-8")


def test_a_row_missing_a_cell_is_reported_on_its_line(tmp_path):
    """seamor.com.pl's table loses its Source cell from one row on: the duration sits under Source."""
    from cookie_catalog.catalog.problems import CatalogError

    page = tmp_path / "shifted.html"
    page.write_text(
        "<table><tr><th>Name</th><th>Category</th><th>Source</th><th>Storage time</th><th>Application description</th>"
        "</tr>\n<tr><td>a</td><td>necessary</td><td>own site files</td><td>up to 365 days</td><td>Keeps a.</td></tr>\n"
        "<tr><td>_GRECAPTCHA</td><td>necessary</td><td>up to 180 days</td><td>This file comes from Google.</td>"
        "<td></td></tr></table>",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        import_html(page)
    [problem] = caught.value.problems
    assert problem.line == 3 and "'up to 180 days' of '_GRECAPTCHA'" in str(problem)
