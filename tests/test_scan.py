"""Drift scan: captures against a catalog, exit codes 0 (documented), 1 (drift), 2 (unreadable)."""

from __future__ import annotations

import json

import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.cli import main
from cookie_catalog.interop.scan import ScanError, compare, read_capture

from support.paths import DATA

CAPTURES = DATA / "captures"


def _scan(runner, catalog, *files, fmt="text"):
    return runner.invoke(main, ["scan", *map(str, files), "--catalog", str(catalog), "--format", fmt])


def test_unknown_cookie_in_a_har_is_drift(runner, ocd_catalog):
    result = _scan(runner, ocd_catalog, CAPTURES / "ga-and-unknown.har")
    assert result.exit_code == 1, result.output
    assert (
        "undocumented: tracker_xyz (cookie)" in result.output and "Set-Cookie, https://shop.example/" in result.output
    )
    assert "undocumented: _ga" not in result.output and "undocumented: _gid" not in result.output


def test_only_documented_cookies_exit_0(runner, ocd_catalog):
    result = _scan(runner, ocd_catalog, CAPTURES / "ga-only.har")
    assert result.exit_code == 0, result.output
    assert "2 documented, 0 undocumented" in result.output
    assert "never seen: _gat (Google Analytics)" in result.output


def test_json_report(runner, ocd_catalog):
    result = _scan(runner, ocd_catalog, CAPTURES / "ga-and-unknown.har", fmt="json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [u["name"] for u in report["undocumented"]] == ["tracker_xyz"]
    assert {d["name"] for d in report["documented"]} == {"_ga", "_gid"}
    assert all({"plugin", "name", "anchor"} <= set(u) for u in report["unseen"])
    assert not any(u["name"] in ("_ga", "_gid") and u["plugin"] == "Google Analytics" for u in report["unseen"])


def test_netscape_and_storage_state_with_patterns(runner, ocd_catalog):
    result = _scan(runner, ocd_catalog, CAPTURES / "cookies.txt", CAPTURES / "storage-state.json", fmt="json")
    report = json.loads(result.output)
    undocumented = {u["name"]: u for u in report["undocumented"]}
    # the localStorage key _ga is not the Google Analytics cookie _ga the catalog documents
    assert set(undocumented) == {"session_id", "cart_cache", "_ga"}
    assert undocumented["cart_cache"]["storage"] == undocumented["_ga"]["storage"] == "local-storage"
    assert undocumented["session_id"]["seen"][0].endswith("cookies.txt:5: cookie for shop.example")
    ga_pattern = next(d for d in report["documented"] if d["name"] == "_ga_ABC123")
    assert {k: ga_pattern["entries"][0][k] for k in ("plugin", "name")} == {
        "plugin": "Google Analytics",
        "name": "_ga_",
    }
    assert result.exit_code == 1


def test_bundled_catalog_documents_nothing_of_google(runner):
    from support.paths import ROOT

    result = _scan(runner, ROOT / "catalog", CAPTURES / "ga-only.har")
    assert result.exit_code == 1 and "undocumented: _ga (cookie)" in result.output
    assert "never seen: _genesys.widgets.app.autoLoadList (App)" in result.output


@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "not valid JSON"),
        ('{"something": 1}', "neither a HAR capture"),
        ('{"log": {"entries": "x"}}', "log.entries is not a list"),
        ('{"log": {"entries": [{"request": {"cookies": [{"value": 1}]}}]}}', "has no text `name`"),
        ("shop.example\tTRUE\t/\n", "expected 7"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_input_exits_2_naming_file_and_reason(runner, ocd_catalog, tmp_path, content, reason):
    capture = tmp_path / "capture.har"
    capture.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = _scan(runner, ocd_catalog, capture)
    assert result.exit_code == 2, result.output
    assert "capture.har" in result.output and reason in result.output and "Traceback" not in result.output


def test_missing_file_and_broken_catalog_exit_2(runner, ocd_catalog, tmp_path):
    assert _scan(runner, ocd_catalog, tmp_path / "nope.har").exit_code == 2
    assert _scan(runner, tmp_path / "no-catalog", CAPTURES / "ga-only.har").exit_code == 2


def test_library_compare():
    from support.paths import ROOT

    catalog = load_catalog(ROOT / "catalog")
    sightings = read_capture(CAPTURES / "storage-state.json")
    report = compare(catalog, sightings)
    assert {name for name, _ in report.undocumented} == {"_gid", "cart_cache", "_ga"} and report.drift
    with pytest.raises(ScanError):
        read_capture(CAPTURES)


def _storage_catalog(root, cookies: str):
    (root / "plugins").mkdir(parents=True)
    (root / "catalog.yml").write_text("product: P\n", encoding="utf-8")
    (root / "plugins" / "p.yml").write_text(f"plugin: P\ncookies:\n{cookies}", encoding="utf-8")
    return root


def _entry(name: str, storage: str, pattern: bool = False) -> str:
    return (
        f"  - {{name: '{name}', purpose: p, duration: session, provenance: first-party, category: functional, "
        f"storage: {storage}, pattern: {str(pattern).lower()}}}\n"
    )


def test_a_cookie_does_not_document_a_local_storage_key_of_its_name(runner, tmp_path):
    """A cookie ``lang`` and a pattern cookie ``cart_`` documented the localStorage keys ``lang`` and ``cart_cache``."""
    catalog = _storage_catalog(tmp_path / "c", _entry("lang", "cookie") + _entry("cart_", "cookie", pattern=True))
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps(
            {
                "cookies": [],
                "origins": [
                    {
                        "origin": "https://a.example",
                        "localStorage": [{"name": "lang", "value": "en"}, {"name": "cart_cache", "value": "1"}],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    report = json.loads(_scan(runner, catalog, state, fmt="json").output)
    assert {(u["name"], u["storage"]) for u in report["undocumented"]} == {
        ("lang", "local-storage"),
        ("cart_cache", "local-storage"),
    }
    assert report["documented"] == []


def test_only_storages_a_capture_can_show_are_reported_unseen(runner, tmp_path):
    """No capture format holds sessionStorage, and a HAR holds no localStorage: neither is "never seen"."""
    catalog = _storage_catalog(
        tmp_path / "c", _entry("tab_id", "session-storage") + _entry("prefs", "local-storage") + _entry("sid", "cookie")
    )
    har = _scan(runner, catalog, CAPTURES / "ga-only.har")
    assert "never seen: sid (P)" in har.output
    assert "tab_id" not in har.output and "prefs" not in har.output
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"cookies": [], "origins": []}), encoding="utf-8")
    both = _scan(runner, catalog, state)
    assert "never seen: prefs (P)" in both.output and "tab_id" not in both.output
