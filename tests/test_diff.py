"""`cookie-catalog diff` and `cookie_catalog.changes.diff`: what changed between two catalog directories."""

from __future__ import annotations

import json
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.changes.diff import diff_catalogs

from support.catalogs import plugin_yaml, write_catalog
from support.cli import no_traceback
from support.paths import CATALOG
from support.rendered import parse


def catalogs(
    tmp_path: Path,
    old: dict[str, str],
    new: dict[str, str],
    old_product: str = "product: Test\n",
    new_product: str = "product: Test\n",
) -> tuple[Path, Path]:
    """Two catalogs from literal plugin files, as directories ``old`` and ``new``."""
    return write_catalog(tmp_path / "old", old_product, old), write_catalog(tmp_path / "new", new_product, new)


def diff_of(old: Path, new: Path):
    return diff_catalogs(load_catalog(old), load_catalog(new))


def test_changed_purpose_reported_with_old_and_new_text(cli, tmp_path):
    old, new = catalogs(
        tmp_path,
        {"p.yml": plugin_yaml("P", [("a", "Keeps the chat open.")])},
        {"p.yml": plugin_yaml("P", [("a", "Keeps the chat open and remembers its size.")])},
    )
    (plugin,) = diff_of(old, new).plugins
    assert (plugin.status, plugin.added, plugin.removed) == ("changed", (), ())
    (change,) = plugin.changed
    assert change.cookie.name == "a"
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("purpose", "Keeps the chat open.", "Keeps the chat open and remembers its size.")
    ]

    code, out, err = cli("diff", old, new)
    assert code == 1, err
    assert "| `a` | purpose | Keeps the chat open. | Keeps the chat open and remembers its size. |" in out


def test_added_and_removed_cookies(tmp_path):
    old, new = catalogs(
        tmp_path,
        {"p.yml": plugin_yaml("P", [("a", "x"), ("b", "y")])},
        {"p.yml": plugin_yaml("P", [("b", "y"), ("c", "z")])},
    )
    (plugin,) = diff_of(old, new).plugins
    assert [e.name for e in plugin.added] == ["c"]
    assert [e.name for e in plugin.removed] == ["a"]
    assert plugin.changed == ()


def test_cookie_identity_is_name_domain_and_storage(tmp_path):
    moved = plugin_yaml("P", [("a", "x")]) + "    domain: example.com\n"
    old, new = catalogs(tmp_path, {"p.yml": plugin_yaml("P", [("a", "x")])}, {"p.yml": moved})
    (plugin,) = diff_of(old, new).plugins
    assert [(e.name, e.domain) for e in plugin.added] == [("a", "example.com")]
    assert [(e.name, e.domain) for e in plugin.removed] == [("a", None)]


def test_every_cookie_field_compared_as_catalog_text(tmp_path):
    before = plugin_yaml("P", [("a", "x")])
    after = (
        before.replace("duration: session", "duration: 2 years").replace("first-party", "third-party")
        + "    pattern: true\n    condition: Chat API\n"
    )
    old, new = catalogs(tmp_path, {"p.yml": before}, {"p.yml": after})
    (change,) = diff_of(old, new).plugins[0].changed
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("duration", "session", "2 years"),
        ("provenance", "first-party", "third-party"),
        ("condition", None, "Chat API"),
        ("pattern", "false", "true"),
    ]


def test_plugin_renamed_in_the_same_file_keeps_its_cookie_changes(cli, tmp_path):
    old, new = catalogs(
        tmp_path,
        {"chat.yml": plugin_yaml("Chat", [("a", "x"), ("b", "y")])},
        {"chat.yml": plugin_yaml("WebChat", [("a", "x"), ("b", "changed")])},
    )
    (plugin,) = diff_of(old, new).plugins
    assert (plugin.status, plugin.old_title, plugin.title) == ("renamed", "Chat", "WebChat")
    assert (plugin.added, plugin.removed) == ((), ())
    assert [(c.cookie.name, c.fields[0].new) for c in plugin.changed] == [("b", "changed")]
    code, out, _ = cli("diff", old, new)
    assert code == 1 and "## WebChat (renamed from Chat)" in out


def test_plugin_added_and_removed(cli, tmp_path):
    old, new = catalogs(
        tmp_path,
        {"a.yml": plugin_yaml("A"), "b.yml": plugin_yaml("B", [("b1", "y")])},
        {"a.yml": plugin_yaml("A"), "c.yml": plugin_yaml("C", [("c1", "z")])},
    )
    plugins = diff_of(old, new).plugins
    assert [(p.status, p.title, p.old_title) for p in plugins] == [("added", "C", None), ("removed", None, "B")]
    assert [e.name for e in plugins[0].added] == ["c1"] and [e.name for e in plugins[1].removed] == ["b1"]
    code, out, _ = cli("diff", old, new)
    assert code == 1
    assert "## C (added)" in out and "## B (removed)" in out and "`c1`" in out and "`b1`" in out


def test_policy_and_plugin_fields(tmp_path):
    old, new = catalogs(
        tmp_path,
        {"p.yml": plugin_yaml("P")},
        {"p.yml": plugin_yaml("P").replace("cookies:", "description: Chat.\nnotes:\n  - text: Read me.\ncookies:")},
        new_product='product: Test\nversion: "2"\nupdated: 2024-05-01\n',
    )
    diff = diff_of(old, new)
    assert [(f.field, f.old, f.new) for f in diff.product] == [("version", None, "2"), ("updated", None, "2024-05-01")]
    assert [(f.field, f.old, f.new) for f in diff.plugins[0].fields] == [
        ("description", None, "Chat."),
        ("notes", None, "important: Read me."),
    ]


def test_equal_catalogs_exit_0(cli):
    assert diff_catalogs(load_catalog(CATALOG), load_catalog(CATALOG)).is_empty
    code, out, err = cli("diff", CATALOG, CATALOG)
    assert (code, err) == (0, "")
    assert "No differences." in out
    code, out, _ = cli("diff", CATALOG, CATALOG, "--format", "json")
    assert code == 0 and json.loads(out) == {"equal": True, "plugins": [], "product": []}


def test_json_output_parses_back(cli, tmp_path):
    old, new = catalogs(
        tmp_path,
        {"p.yml": plugin_yaml("P", [("a", "old ✓"), ("b", "y")])},
        {"p.yml": plugin_yaml("P", [("a", "new ✓"), ("c", "z")])},
    )
    code, out, _ = cli("diff", old, new, "--format", "json")
    assert code == 1
    assert "✓" in out  # not \u2713
    data = json.loads(out)
    (plugin,) = data["plugins"]
    assert data["equal"] is False
    assert plugin["status"] == "changed" and plugin["title"] == plugin["old_title"] == "P"
    assert plugin["changed"] == [
        {
            "name": "a",
            "domain": None,
            "storage": "cookie",
            "fields": [{"field": "purpose", "old": "old ✓", "new": "new ✓"}],
        }
    ]
    assert plugin["added"] == [
        {
            "name": "c",
            "purpose": "z",
            "duration": "session",
            "provenance": "first-party",
            "category": "functional",
            "condition": None,
            "storage": "cookie",
            "domain": None,
            "pattern": False,
            "duration_note": None,
            "id": None,
            "controller": None,
            "privacy_url": None,
            "third_party_access": None,
            "legal_basis": None,
            "data_categories": [],
            "retention": None,
            "lifetime_refreshed": None,
            "country": None,
            "transfers": [],
            "accept": [],
        }
    ]
    assert [c["name"] for c in plugin["removed"]] == ["b"]


def test_catalog_text_is_inert_in_markdown(cli, tmp_path):
    hostile = "'<script>alert(1)</script> *bold* | [x](javascript:alert(1))'"
    old, new = catalogs(
        tmp_path, {"p.yml": plugin_yaml("P", [("a", "x")])}, {"p.yml": plugin_yaml("P*", [("a", hostile)])}
    )
    code, out, _ = cli("diff", old, new)
    assert code == 1
    # Legible as text: a backslash before what would be markup, no character references.
    assert "&#" not in out
    assert "\\<script>alert(1)\\</script> \\*bold\\* \\| \\[x\\](javascript:alert(1))" in out
    assert "## P\\* (renamed from P)" in out
    # Inert and verbatim in what it is meant for: CommonMark and GitHub's renderer.
    for render in (MarkdownIt("commonmark", {"html": True}).enable("table").render, github_markdown):
        parsed = parse(render(out))
        assert {tag for tag, _ in parsed.tags} <= {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "code"}
        assert ("td", hostile.strip("'")) in parsed.blocks and ("h2", "P* (renamed from P)") in parsed.blocks


def github_markdown(text: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


def test_heading_names_both_sides_as_code(cli, tmp_path):
    """A git revision reads as written (it read `git&#58;HEAD&#126;1`)."""
    old, new = catalogs(tmp_path, {"p.yml": plugin_yaml("P", [("a", "x")])}, {"p.yml": plugin_yaml("P", [("a", "y")])})
    code, out, _ = cli("diff", old, new)
    assert code == 1 and out.splitlines()[0] == f"# Changes from `{old}` to `{new}`"


def test_invalid_side_exits_2_naming_its_file_and_line(cli, tmp_path):
    broken = plugin_yaml("P").replace("provenance: first-party", "provenance: no")
    old, new = catalogs(tmp_path, {"p.yml": plugin_yaml("P")}, {"p.yml": broken})
    code, out, err = cli("diff", old, new)
    assert code == 2 and out == ""
    assert f"{new / 'plugins' / 'p.yml'}:6:17: cookies[0].provenance: 'no' is not allowed" in err
    assert no_traceback(err)


def test_both_sides_invalid_or_missing_are_all_reported(cli, tmp_path):
    code, out, err = cli("diff", tmp_path / "nowhere", tmp_path / "elsewhere", "--format", "json")
    assert code == 2 and out == ""
    assert "nowhere: no such catalog directory" in err and "elsewhere: no such catalog directory" in err
