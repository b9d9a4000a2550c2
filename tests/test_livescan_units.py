"""``scan --url`` without a browser: lifetimes, sites, URLs, the command line's refusals, the draft.

What needs Chromium (visiting pages, consent) is in tests/browser/test_livescan.py.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.duration import UNITS, Duration
from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli import main
from cookie_catalog.interop import livescan
from cookie_catalog.interop.draft import BUNDLED_OCD, Database, draft
from cookie_catalog.interop.livescan import Found, LiveScanError, check_url, lifetime, party, site_of
from cookie_catalog.sinks.directory import write_tree

from support.catalogs import plugin_yaml, write_catalog
from support.cli import no_traceback
from support.paths import OCD_CSV

T0 = 1_800_000_000.0  # a moment; lifetimes are differences, never the clock


def seconds(text: str) -> int:
    parsed = Duration.parse(text)
    return parsed.amount * UNITS[parsed.unit][0]


@given(
    unit=st.sampled_from(sorted(UNITS)),
    amount=st.integers(1, 999),
    gap=st.floats(0, 60),
    set_at=st.floats(0, 1),
)
def test_a_max_age_is_found_again_whatever_the_time_between_setting_and_reading(unit, amount, gap, set_at):
    """Set at some moment of the visit and read ``gap`` seconds after it began, a cookie's Max-Age
    is given back exactly, in the catalog's spelling (3,600 seconds may read "1 hour")."""
    max_age = amount * UNITS[unit][0]
    set_when = T0 + set_at * gap
    expires = float(int(set_when + max_age))  # Chromium keeps whole seconds
    text = lifetime(expires, T0, T0 + gap)
    Duration.parse(text)  # the catalog's own parser accepts it
    assert abs(seconds(text) - max_age) <= max(1 + gap, 0.02 * max_age), text
    # a lifetime of whole minutes or more, exactly, where the visit is too short to hold two of its unit
    # (read 60 s into a visit, a 5-minute cookie set at any moment of it could be a 4-minute one)
    if unit != "second" and max_age > 3 * gap + 2 and UNITS[unit][0] > gap + 2:
        assert seconds(text) == max_age, text


@pytest.mark.parametrize(
    ("expires", "expected"),
    [
        (-1, "session"),
        (T0 + 400 * 86400, "400 days"),  # Chromium's cap
        (T0 + 63072000, "2 years"),
        (T0 + 36 * 86400 + 5 * 3600 + 17 * 60 + 3, "36 days"),  # an Expires date, on no round number
        (T0 + 90 * 60 + 17, "90 minutes"),
        (T0 + 45, "45 seconds"),
        (T0 + 0.2, "1 second"),
        (T0 + 61, "1 minute"),  # within the second an Expires date can be off by  # about to expire
    ],
)
def test_lifetimes(expires, expected):
    assert lifetime(expires, T0, T0 + 0.5) == expected


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),  # a multi-label public suffix
        ("a.b.github.io", "b.github.io"),  # a private suffix: each user's pages are their own site
        (".shop.test", "shop.test"),  # a cookie's leading dot
        ("WWW.Shop.Test.", "shop.test"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "[::1]"),
        ("localhost", "localhost"),
    ],
)
def test_sites_by_the_public_suffix_list(host, site):
    assert site_of(host) == site


def test_party_is_by_site_not_by_host():
    assert party("cdn.shop.test", "shop.test") == "first-party"
    assert party(".tracker.test", "shop.test") == "third-party"
    assert party("shop.test.evil.test", "shop.test") == "third-party"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,x", "ftp://a/", "http://", "https://a b/", "//a/"],
)
def test_only_web_addresses_are_visited(url):
    with pytest.raises(LiveScanError, match="expected"):
        check_url(url)
    assert check_url("https://example.com/a?b#c") == "https://example.com/a?b#c"


@pytest.fixture
def catalog(tmp_path):
    return write_catalog(tmp_path / "catalog", plugins={"p.yml": plugin_yaml()})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: give capture files (FILE...), pages to visit (--url URL), or both"),
        (
            ["x.har", "--draft", "d"],
            "error: --consent-api, --accept-selector, --reject-selector, --draft and --ocd need --url",
        ),
        (
            ["--url", "http://a.test/", "--consent-api", "klaro", "--accept-selector", "#ok"],
            "error: give consent through --consent-api or through selectors, not both",
        ),
        (
            ["--url", "file:///etc/passwd"],
            "error: --url 'file:///etc/passwd' is not a web address; expected one starting with http:// or https://",
        ),
        (
            ["--url", "http://a.test/\x1b[2J"],
            "error: --url 'http://a.test/\\x1b[2J' holds white space or a control character; expected a web address",
        ),
    ],
)
def test_command_lines_that_cannot_be_a_scan_are_one_line_and_exit_2(runner, catalog, args, message):
    result = runner.invoke(main, ["scan", "--catalog", str(catalog), *args])
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert result.output == message + "\n"


def test_a_non_empty_draft_directory_is_refused_before_any_page_is_visited(runner, catalog, tmp_path):
    (tmp_path / "draft").mkdir()
    (tmp_path / "draft" / "mine.txt").write_text("keep")
    result = runner.invoke(
        main, ["scan", "--catalog", str(catalog), "--url", "http://a.test/", "--draft", str(tmp_path / "draft")]
    )
    assert result.exit_code == 2 and "is not empty" in result.output and result.output.count("\n") == 1
    assert [p.name for p in (tmp_path / "draft").iterdir()] == ["mine.txt"]


def test_a_bad_ocd_file_is_refused_before_any_page_is_visited(runner, catalog, tmp_path):
    bad = tmp_path / "ocd.csv"
    bad.write_text("not,the,header\n")
    args = [
        "scan",
        "--catalog",
        str(catalog),
        "--url",
        "http://a.test/",
        "--draft",
        str(tmp_path / "d"),
        "--ocd",
        str(bad),
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert result.output.startswith(f"error: --ocd: {bad}:1") and result.output.count("\n") == 1


def test_without_playwright_a_live_scan_says_how_to_install_it(runner, catalog, monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails as if not installed
    result = runner.invoke(main, ["scan", "--catalog", str(catalog), "--url", "http://a.test/"])
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert result.output == (
        "error: scan --url needs Playwright for Python and publicsuffixlist (playwright.sync_api is missing): "
        "pip install 'cookie-catalog[scan]'\n"
    )


def test_the_bundled_open_cookie_database_is_the_tested_one():
    assert BUNDLED_OCD.read_bytes() == OCD_CSV.read_bytes()
    assert (BUNDLED_OCD.parent / "open-cookie-database.LICENSE").is_file()


@pytest.fixture(scope="module")
def database():
    return Database.read(BUNDLED_OCD)


def test_the_database_knows_names_exactly_and_by_its_wildcard_rows(database):
    assert database.lookup("_gid", "cookie").platform == "Google Analytics"
    assert database.lookup("_ga_ABC123", "cookie").name == "_ga_"  # the wildcard row
    assert database.lookup("_gid", "local-storage") is None  # a cookie's row says nothing of a storage key
    assert database.lookup("no_such_cookie_anywhere", "cookie") is None


def found(name, storage="cookie", domain="www.shop.test", duration="1 day", party="first-party"):
    return Found("https://www.shop.test/", "no choice", name, storage, domain, party, duration)


def test_a_draft_is_a_valid_catalog_and_the_same_every_time(database, tmp_path):
    items = [
        found("_ga_XYZ", duration="400 days"),
        found("_ga_QRS", duration="400 days"),  # the same wildcard entry: drafted once
        found("_gid"),
        found("zq_uid", domain=".tracker.test", party="third-party", duration="1 week"),
        found("cart", "session-storage", duration="session"),
        found("a\nb", "local-storage", duration="persistent"),  # a catalog name holds no line break
    ]
    result = draft(items, database, ["https://www.shop.test/"])
    assert result.warnings == [
        "localStorage name 'a\\nb' of www.shop.test: spans several lines; expected the name on one line; not drafted"
    ]
    assert result.files() == draft(list(reversed(items)), database, ["https://www.shop.test/"]).files()
    write_tree(tmp_path / "draft", result.files())
    catalog = load_catalog(tmp_path / "draft")
    entries = {(c.name, plugin.title): c for plugin in catalog.plugins for c in plugin.cookies}
    assert set(entries) == {
        ("_ga_", "Google Analytics"),
        ("_gid", "Google Analytics"),
        ("zq_uid", "tracker.test"),
        ("cart", "shop.test"),
    }
    ga = entries[("_ga_", "Google Analytics")]
    assert ga.pattern and ga.category == "analytics" and ga.controller == "Google" and ga.id
    assert ga.duration_note == (
        "The Open Cookie Database gives 2 years. Chromium keeps a cookie at most 400 days; the site may ask for longer."
    )
    uid = entries[("zq_uid", "tracker.test")]
    assert (uid.category, uid.provenance, uid.domain, str(uid.duration)) == (
        "to-review",
        "third-party",
        ".tracker.test",
        "1 week",
    )
    assert catalog.category("to-review").label == "To review"
    assert all(plugin.notes[0].kind == "warning" for plugin in catalog.plugins)


def test_a_draft_without_the_database_files_everything_for_review(tmp_path):
    result = draft([found("_gid")], None, ["https://www.shop.test/"])
    write_tree(tmp_path / "draft", result.files())
    (cookie,) = load_catalog(tmp_path / "draft").plugins[0].cookies
    assert cookie.category == "to-review" and cookie.purpose.startswith("To review:")


def test_without_consent_ignores_what_is_exempt_and_what_was_accepted(tmp_path):
    catalog = load_catalog(
        write_catalog(
            tmp_path / "c",
            plugins={
                "p.yml": "plugin: P\ncookies:\n"
                "  - {name: sid, purpose: p, duration: session, provenance: first-party, "
                "category: strictly-necessary}\n"
                "  - {name: _ga_, pattern: true, purpose: p, duration: session, provenance: first-party, "
                "category: analytics}\n"
            },
        )
    )
    items = [
        found("sid"),
        found("_ga_1"),
        Found("u", livescan.ACCEPTED, "_ga_2", "cookie", "h", "first-party", "1 day"),
    ]
    findings = livescan.without_consent(catalog, items)
    assert [(f["name"], f["entry"], f["category"], f["plugin"]) for f in findings] == [
        ("_ga_1", "_ga_", "analytics", "P")
    ]


def test_a_scan_with_nothing_undocumented_writes_no_draft(tmp_path, capsys):
    """A catalog needs a plugin: rather than an invalid empty draft, nothing, and a line saying so."""
    from cookie_catalog.cli.livescan import write_draft

    options = {"draft_dir": tmp_path / "draft", "urls": ("https://www.shop.test/",), "force": False}
    write_draft(livescan.LiveReport(), [found("sid")], None, options)
    assert not (tmp_path / "draft").exists()
    assert capsys.readouterr().err == f"{tmp_path / 'draft'}: nothing undocumented to draft; nothing written\n"


@settings(max_examples=60, deadline=None)  # a catalog written and read per example
@given(name=st.text(min_size=1, max_size=40), domain=st.from_regex(r"[a-z0-9.-]{1,30}", fullmatch=True))
def test_any_name_a_page_stores_is_drafted_as_written_or_left_out_with_a_warning(tmp_path_factory, name, domain):
    """Names and hosts come from pages: the draft holds each exactly, read back by the real loader, or says why not."""
    result = draft([found(name, "local-storage", domain=domain, duration="persistent")], None, ["https://a.test/"])
    if result.warnings:
        assert not result.plugins and result.warnings[0].endswith("; not drafted")
        return
    out = tmp_path_factory.mktemp("draft") / "d"
    write_tree(out, result.files())
    (cookie,) = load_catalog(out).plugins[0].cookies
    assert (cookie.name, cookie.domain) == (name, domain)


class NavigatingFrame:
    """A frame whose storage read fails ``fails`` times as if it navigated, then answers."""

    url = "http://shop.test/"

    def __init__(self, fails: int) -> None:
        self.fails = fails

    def wait_for_function(self, *_args, **_kwargs):
        if self.fails:
            self.fails -= 1
            raise RuntimeError("JSHandle.json_value: Execution context was destroyed, most likely a navigation")
        return self

    def json_value(self):
        return {"host": "shop.test", "origin": "http://shop.test", "areas": {}}


def test_the_pages_own_frame_navigating_while_read_is_read_again():
    warnings: list[str] = []
    areas = livescan._storage(NavigatingFrame(3), "page", 5, warnings.append, main=True)
    assert areas == NavigatingFrame(0).json_value() and warnings == []


def test_a_page_that_never_stops_navigating_is_an_error_not_a_scan_that_saw_nothing():
    with pytest.raises(LiveScanError, match="keeps navigating"):
        livescan._storage(NavigatingFrame(10**9), "page", 0.2, lambda _: None, main=True)


def test_a_frame_within_the_page_that_goes_away_is_a_warning():
    warnings: list[str] = []
    assert livescan._storage(NavigatingFrame(1), "page", 5, warnings.append) is None
    assert len(warnings) == 1 and "was not read" in warnings[0]
