"""The cache of parsed catalog files (catalog/parsecache): keyed by content, plain JSON, bounded, optional."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from cookie_catalog.catalog import parsecache
from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.problems import CatalogError

from support.catalogs import plugin_yaml, write_catalog


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COOKIE_CATALOG_CACHE", str(folder))
    return folder


def _no_yaml(monkeypatch) -> None:
    """From now on any YAML composition fails the test: what is read must come from the cache."""

    def refuse(*args, **kwargs):
        raise AssertionError("composed YAML although the file was parsed before")

    monkeypatch.setattr(yaml, "compose_all", refuse)


def test_a_file_parsed_before_is_read_from_the_cache(tmp_path, cache, monkeypatch):
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A", [("a", "Keeps <b> & *c*.")])})
    first = load_catalog(root)
    assert [p.suffix for p in cache.iterdir()] == [".json", ".json"]  # catalog.yml and a.yml
    _no_yaml(monkeypatch)
    assert load_catalog(root) == first


def test_an_edit_is_seen_whatever_the_modification_time(tmp_path, cache):
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A", [("a", "Before.")])})
    path = root / "plugins" / "a.yml"
    load_catalog(root)
    stamp = path.stat()
    path.write_text(plugin_yaml("A", [("a", "After.")]), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert load_catalog(root).plugins[0].cookies[0].purpose == "After."


def test_an_unreadable_entry_is_a_miss(tmp_path, cache):
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A", [("a", "Kept.")])})
    load_catalog(root)
    for entry in cache.iterdir():
        entry.write_text('{"plugin": [', encoding="utf-8")
    assert load_catalog(root).plugins[0].cookies[0].purpose == "Kept."


def test_entries_are_plain_json(tmp_path, cache):
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A", [("no", "010")])})
    load_catalog(root)
    entries = [json.loads(e.read_text(encoding="utf-8")) for e in cache.iterdir()]
    plugin = next(e for e in entries if "plugin" in e)
    assert (plugin["cookies"][0]["name"], plugin["cookies"][0]["purpose"]) == ("no", "010")  # text, as typed


def test_a_file_with_a_problem_is_not_kept_and_located_each_time(tmp_path, cache):
    bad = "plugin: A\ncookies:\n  - name: a\n    purpose: x\n    purpose: y\n"
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": bad})
    for _ in range(2):
        with pytest.raises(CatalogError) as caught:
            load_catalog(root)
        assert "a.yml:5:5: purpose: duplicate key" in str(caught.value.problems[0])
    assert len(list(cache.iterdir())) == 1  # catalog.yml only


def test_a_problem_in_a_cached_file_is_still_located(tmp_path, cache, monkeypatch):
    """Read from the cache, a file's shape problem is placed by composing its text again."""
    text = plugin_yaml("A", [("a", "x")]).replace("duration: session", "duration: often")
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": text})
    with pytest.raises(CatalogError) as first:
        load_catalog(root)
    _no_yaml(monkeypatch)
    with pytest.raises(CatalogError) as second:
        load_catalog(root)
    assert [str(p) for p in second.value.problems] == [str(p) for p in first.value.problems]
    assert "a.yml:5:15: cookies[0].duration:" in str(first.value.problems[0])


def test_turned_off_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("COOKIE_CATALOG_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    load_catalog(write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml()}))
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_default_place_is_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("COOKIE_CATALOG_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_catalog(write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml()}))
    assert len(list((tmp_path / "xdg" / "cookie-catalog" / "parsed").iterdir())) == 2


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("COOKIE_CATALOG_CACHE", str(blocker / "cache"))  # below a file: cannot be made
    catalog = load_catalog(write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml()}))
    assert catalog.plugins[0].title == "P"


def test_pruned_to_its_bound_least_recently_used_first(tmp_path, cache):
    texts = [f"plugin: P{i}\n" for i in range(4)]
    for i, text in enumerate(texts):
        parsecache.put(text, {"plugin": f"P{i}", "pad": "x" * 1000})
        entry = parsecache._entry(cache, text)
        os.utime(entry, ns=(i * 10**9, i * 10**9))
    assert parsecache.get(texts[0])[0]  # used now: the most recent
    parsecache.prune(max_bytes=2500)
    assert [parsecache.get(t)[0] for t in texts] == [True, False, False, True]


def test_pruning_removes_only_the_caches_own_files(tmp_path, cache):
    """``$COOKIE_CATALOG_CACHE`` may name a folder shared with other files (``~/.cache``): they are not entries."""
    parsecache.put("plugin: P\n", {"plugin": "P", "pad": "x" * 1000})
    cache.joinpath("notes.txt").write_text("mine", encoding="utf-8")
    cache.joinpath("other.json").write_text("{}", encoding="utf-8")
    os.utime(cache / "notes.txt", ns=(0, 0))
    os.utime(cache / "other.json", ns=(0, 0))
    parsecache.prune(max_bytes=0)
    assert sorted(p.name for p in cache.iterdir()) == ["notes.txt", "other.json"]


def test_an_entry_nested_beyond_any_catalog_is_a_miss(tmp_path, cache):
    root = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A", [("a", "Kept.")])})
    load_catalog(root)
    for entry in cache.iterdir():
        entry.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert load_catalog(root).plugins[0].cookies[0].purpose == "Kept."


def test_a_cache_that_can_be_read_but_not_written_still_hits(tmp_path, cache, monkeypatch):
    """A cache shared read-only (another user's, a read-only mount in CI): its last use cannot be noted."""
    parsecache.put("plugin: P\n", {"plugin": "P"})
    cache.chmod(0o555)
    for entry in cache.iterdir():
        entry.chmod(0o444)

    def refused(*args, **kwargs):
        raise PermissionError("read-only")  # as for a user other than root, who may write anyway

    monkeypatch.setattr(os, "utime", refused)
    try:
        assert parsecache.get("plugin: P\n") == (True, {"plugin": "P"})
    finally:
        cache.chmod(0o755)
