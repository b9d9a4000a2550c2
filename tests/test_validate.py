"""`cookie-catalog validate`: every problem reported as file:line:col: field: message."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from support.catalogs import plugin_yaml, write_catalog
from support.cli import no_traceback
from support.paths import CATALOG

GOOD_COOKIE = (
    "  - name: a\n    purpose: b\n    duration: session\n    provenance: first-party\n    category: functional\n"
)


def test_bundled_catalog_passes(cli):
    code, out, err = cli("validate", CATALOG)
    assert code == 0, err
    assert "5 plugins, 37 cookies" in out


def test_default_catalog_is_catalog_dir(cli, monkeypatch):
    monkeypatch.chdir(CATALOG.parent)
    code, out, _ = cli("validate")
    assert code == 0 and "37 cookies" in out


def run_bad(cli, tmp_path: Path, monkeypatch, plugin_text: str, product: str = "product: Test\n") -> str:
    write_catalog(tmp_path / "cat", product, {"web.yml": plugin_text})
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("validate", "cat")
    assert code == 1
    assert no_traceback(out + err)
    return err


CASES = [
    # (plugin file text, expected fragment of the message, incl. file:line:col and field)
    ("plugin: P\ncookies:\n  - name: [a\n", "cat/plugins/web.yml:4:1: YAML syntax error"),
    ("plugin: P\nplugin: Q\ncookies: []\n", "cat/plugins/web.yml:2:1: plugin: duplicate key (first at line 1)"),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE + "    purpos: x\n",
        "cat/plugins/web.yml:8:5: cookies[0].purpos: unknown key; expected one of accept, category, condition, "
        "controller, country, data_categories, domain, duration, duration_note, id, legal_basis, lifetime_refreshed, "
        "name, pattern, privacy_url, provenance, purpose, retention, storage, third_party_access, transfers "
        "(did you mean 'purpose'?)",
    ),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("    purpose: b\n", ""),
        "cat/plugins/web.yml:3:5: cookies[0].purpose: is required but missing",
    ),
    ("plugin: P\ncookies: foo\n", "cat/plugins/web.yml:2:10: cookies: is the text 'foo'; expected a list"),
    ("cookies: []\n", "cat/plugins/web.yml:1:1: plugin: is required but missing"),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("first-party", "no"),
        "cat/plugins/web.yml:6:17: cookies[0].provenance: 'no' is not allowed; expected 'first-party' or 'third-party'",
    ),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("functional", "tracking"),
        "cat/plugins/web.yml:7:15: cookies[0].category: unknown category 'tracking'; expected one of analytics",
    ),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("session", "forever"),
        "cat/plugins/web.yml:5:15: cookies[0].duration: 'forever' is not a duration; expected 'session', '<n> <unit>'",
    ),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("functional", "functional\n    storage: cookies"),
        "cookies[0].storage: 'cookies' is not allowed; expected 'cookie', 'local-storage'",
    ),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("functional", "functional\n    pattern: yes"),
        "cat/plugins/web.yml:8:14: cookies[0].pattern: 'yes' is not a boolean; expected true or false",
    ),
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE + GOOD_COOKIE,
        "cat/plugins/web.yml:8:11: cookies[1].name: 'a' (cookie) is already listed at line 3",
    ),
    ("plugin: P\ncookies:\n" + GOOD_COOKIE.replace("name: a", 'name: "a\\nb"'), "cookies[0].name: spans several lines"),
    ("plugin: P\ncookies:\n" + GOOD_COOKIE.replace("name: a", 'name: ""'), "cookies[0].name: is empty"),
    ("plugin: P\ncookies:\n" + GOOD_COOKIE.replace("name: a", 'name: " * "'), "cookies[0].name: is only wildcards"),
    (
        "plugin: P\ncookies:\n  - just text\n",
        "cat/plugins/web.yml:3:5: cookies[0]: is the text 'just text'; expected a mapping",
    ),
    ("- a\n- b\n", "cat/plugins/web.yml:1:1: holds a list; expected a mapping"),
    (
        "plugin: P\nnotes:\n  - kind: danger\n    text: t\ncookies: []\n",
        "cat/plugins/web.yml:3:11: notes[0].kind: 'danger' is not allowed; expected 'important', 'note' or 'warning'",
    ),
    (
        "plugin: !!python/object:os.system x\ncookies: []\n",
        "cat/plugins/web.yml:1:9: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not supported",
    ),
    # `$` in the duration's pattern also matched before a final line break: "2 years\n" was accepted.
    (
        "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("session", '"2 years\\n"'),
        "cat/plugins/web.yml:5:15: cookies[0].duration: '2 years\\n' is not a duration",
    ),
    # A key with a line break in it is quoted, so the problem stays one line.
    ('plugin: P\n"a\\nb": 1\ncookies: []\n', "cat/plugins/web.yml:2:1: ['a\\nb']: unknown key; expected one of"),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[1].split(": ", 1)[-1][:40] for c in CASES])
def test_refused_with_location(cli, tmp_path, monkeypatch, text, expected):
    err = run_bad(cli, tmp_path, monkeypatch, text)
    assert expected in err, err


def test_every_problem_reported_not_just_the_first(cli, tmp_path, monkeypatch):
    text = (
        "plugin: P\ncookies:\n"
        + GOOD_COOKIE.replace("first-party", "no").replace("session", "forever")
        + "  - name: x\n"
    )
    err = run_bad(cli, tmp_path, monkeypatch, text)
    assert "cookies[0].provenance" in err and "cookies[0].duration" in err and "cookies[1].purpose" in err
    assert "6 problems in cat" in err


def test_catalog_yml_problems(cli, tmp_path, monkeypatch):
    err = run_bad(cli, tmp_path, monkeypatch, plugin_yaml(), product="product: T\nupdated: April 2020\nversoin: 1\n")
    assert "cat/catalog.yml:2:10: updated: 'April 2020' is not a date; expected an ISO date such as 2020-04-15" in err
    assert "cat/catalog.yml:3:1: versoin: unknown key; expected one of accept, categories, contact, effective" in err
    assert "did you mean 'version'?" in err


def test_custom_category_declared_in_catalog_yml(cli, tmp_path, monkeypatch):
    write_catalog(
        tmp_path / "cat",
        "product: T\ncategories:\n  chat:\n    label: Chat\n",
        {"web.yml": plugin_yaml().replace("functional", "chat")},
    )
    code, _, err = cli("validate", tmp_path / "cat")
    assert code == 0, err


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"", "cat/plugins/web.yml: is empty; expected a YAML mapping"),
        (b"# only a comment\n", "cat/plugins/web.yml: is empty"),
        (b"plugin: caf\xe9\ncookies: []\n", "cat/plugins/web.yml:1:1: is not UTF-8 (byte 0xe9 at offset 11)"),
    ],
)
def test_empty_and_non_utf8_files(cli, tmp_path, monkeypatch, content, expected):
    write_catalog(tmp_path / "cat")
    (tmp_path / "cat/plugins/web.yml").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("validate", "cat")
    assert code == 1 and expected in err, err


def test_missing_catalog_yml_and_plugins(cli, tmp_path, monkeypatch):
    (tmp_path / "cat").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("validate", "cat")
    assert code == 1
    assert "cat/catalog.yml: is missing" in err
    assert "cat/plugins: holds no plugin files" in err


def test_missing_directory(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("validate", "nowhere")
    assert code == 1 and "nowhere: no such catalog directory" in err


def test_alias_bomb_refused_fast(cli, tmp_path, monkeypatch):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    text = "plugin: P\ncookies: []\n" + "\n".join(lines).replace("a: &a", "description: &a", 1) + "\n"
    start = time.perf_counter()
    err = run_bad(cli, tmp_path, monkeypatch, text)
    assert time.perf_counter() - start < 5
    assert "alias bomb" in err and "cat/plugins/web.yml:" in err


def test_modest_alias_reuse_is_fine(cli, tmp_path, monkeypatch):
    text = (
        "plugin: P\ncookies:\n"
        "  - name: a\n    purpose: &p Shared purpose\n    duration: session\n"
        "    provenance: first-party\n    category: functional\n"
        "  - name: b\n    purpose: *p\n    duration: session\n"
        "    provenance: first-party\n    category: functional\n"
    )
    write_catalog(tmp_path / "cat", plugins={"web.yml": text})
    code, _, err = cli("validate", tmp_path / "cat")
    assert code == 0, err


def test_deep_nesting_refused(cli, tmp_path, monkeypatch):
    err = run_bad(cli, tmp_path, monkeypatch, "plugin: P\ncookies: []\ndescription: " + "[" * 500 + "]" * 500 + "\n")
    assert "nesting deeper than" in err


def test_yaml_11_surprises_stay_text(tmp_path):
    from cookie_catalog.catalog.loader import load_catalog

    text = plugin_yaml(cookies=[("no", "yes"), ("010", "1e3"), ("null", "~")])
    write_catalog(
        tmp_path / "cat",
        plugins={"web.yml": text.replace("name: null", 'name: "null"').replace("purpose: ~", 'purpose: "~"')},
    )
    names = [(c.name, c.purpose) for c in load_catalog(tmp_path / "cat").plugins[0].cookies]
    assert names == [("no", "yes"), ("010", "1e3"), ("null", "~")]


def test_null_value_for_required_text(cli, tmp_path, monkeypatch):
    err = run_bad(cli, tmp_path, monkeypatch, "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("purpose: b", "purpose:"))
    assert (
        "cat/plugins/web.yml:4:13: cookies[0].purpose: is nothing; expected text" in err
        or "cookies[0].purpose: is nothing; expected text" in err
    ), err


def problems_of(root: Path) -> list[str]:
    from cookie_catalog.catalog.loader import load_catalog
    from cookie_catalog.catalog.problems import CatalogError

    with pytest.raises(CatalogError) as raised:
        load_catalog(root)
    return [str(p) for p in raised.value.problems]


def test_every_problem_in_one_pass(tmp_path, monkeypatch):
    """Shape problems, unknown categories, repeated cookies and titles: all in the first run, as documented."""
    bad_shape = GOOD_COOKIE.replace("first-party", "no")
    unknown = GOOD_COOKIE.replace("name: a", "name: b").replace("functional", "tracking")
    write_catalog(
        tmp_path / "cat",
        plugins={
            "a.yml": "plugin: P\ncookies:\n" + bad_shape + unknown + GOOD_COOKIE,
            "b.yml": "plugin: P\ndescription: [not, text]\ncookies:\n" + GOOD_COOKIE,
        },
    )
    monkeypatch.chdir(tmp_path)
    found = problems_of(Path("cat"))
    assert found == [
        "cat/plugins/a.yml:6:17: cookies[0].provenance: 'no' is not allowed; expected 'first-party' or 'third-party'",
        "cat/plugins/a.yml:12:15: cookies[1].category: unknown category 'tracking'; expected one of analytics, "
        "functional, marketing, personalization, security, strictly-necessary, "
        "or declare it under `categories:` in catalog.yml",
        "cat/plugins/a.yml:13:11: cookies[2].name: 'a' (cookie) is already listed at line 3; "
        "expected each (name, domain, storage) once per plugin",
        "cat/plugins/b.yml:1:9: plugin: title 'P' is already used by cat/plugins/a.yml:1; "
        "expected each plugin to have its own title",
        "cat/plugins/b.yml:2:14: description: is a list; expected text",
    ]


def test_categories_declared_in_a_broken_catalog_yml_still_count(tmp_path):
    write_catalog(
        tmp_path / "cat",
        "product: [not, text]\ncategories:\n  own: {label: Own}\n",
        {"a.yml": "plugin: P\ncookies:\n" + GOOD_COOKIE.replace("functional", "own")},
    )
    found = problems_of(tmp_path / "cat")
    assert len(found) == 1 and "product: is a list" in found[0]


def test_links_that_leave_the_catalog_are_refused(tmp_path, monkeypatch):
    """A plugin file linked to /etc/passwd must not be read (its first line was echoed), and one linked
    to a YAML file of another project must not be published."""
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(plugin_yaml("Elsewhere"), encoding="utf-8")
    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A")})
    (cat / "plugins" / "passwd.yml").symlink_to("/etc/passwd")
    (cat / "plugins" / "published.yml").symlink_to(outside)
    monkeypatch.chdir(tmp_path)
    found = problems_of(Path("cat"))
    assert found == [
        f"cat/plugins/{name}.yml: is a symbolic link that leads out of the catalog; "
        "expected a YAML plugin file inside it"
        for name in ("passwd", "published")
    ]


@pytest.mark.parametrize("link", ["catalog.yml", "plugins"])
def test_catalog_yml_and_plugins_dir_may_not_leave_either(tmp_path, link):
    elsewhere = write_catalog(tmp_path / "elsewhere", plugins={"a.yml": plugin_yaml("A")})
    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A")})
    target = cat / link
    if target.is_dir():
        import shutil

        shutil.rmtree(target)
    else:
        target.unlink()
    target.symlink_to(elsewhere / link)
    found = problems_of(cat)
    assert len(found) == 1 and f"{link}: is a symbolic link that leads out of the catalog" in found[0]


def test_links_inside_the_catalog_are_followed(tmp_path):
    from cookie_catalog.catalog.loader import load_catalog

    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A")})
    (cat / "shared").mkdir()
    (cat / "shared" / "b.yml").write_text(plugin_yaml("B"), encoding="utf-8")
    (cat / "plugins" / "b.yml").symlink_to("../shared/b.yml")
    assert [p.title for p in load_catalog(cat).plugins] == ["A", "B"]


def test_what_is_no_file_is_named_not_skipped(tmp_path):
    import os

    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml("A")})
    (cat / "plugins" / "dir.yml").mkdir()
    os.mkfifo(cat / "plugins" / "fifo.yml")
    found = problems_of(cat)
    assert [p.split(": ", 1)[1] for p in found] == [
        "is a directory; expected a YAML plugin file",
        "is not a regular file; expected a YAML plugin file",
    ]


def test_a_huge_value_is_cut_short_in_the_message(tmp_path):
    write_catalog(tmp_path / "cat", plugins={"a.yml": "plugin: P\norder: " + "9" * 5000 + "\ncookies:\n" + GOOD_COOKIE})
    (found,) = problems_of(tmp_path / "cat")
    assert found.endswith("order: '" + "9" * 55 + "...' is not a whole number; expected one such as 1")


@pytest.mark.parametrize(
    "key",
    [
        'x" onmouseover="alert(1)" data-a="',
        "Social Media",
        "social_media",
        "-x",
        "Analytics",
        "ünïcode",
        "a\nb",
        "a>b",
        "",
    ],
)
def test_category_key_of_unsafe_shape_is_refused_at_the_key(cli, tmp_path, monkeypatch, key):
    """A key becomes an HTML id and a link target: only [a-z0-9-], so it is safe in both."""
    quoted = key.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    product = f'product: T\ncategories:\n  "{quoted}":\n    label: L\n'
    err = run_bad(cli, tmp_path, monkeypatch, plugin_yaml(), product=product)
    field = f"categories.{key}" if re.fullmatch(r"[\w-]+", key, re.ASCII) else f"categories[{key!r}]"
    assert err.splitlines() == [
        f"cat/catalog.yml:3:3: {field}: is not a usable category key; expected lower-case letters a-z, "
        "digits and '-', starting with a letter or digit, such as social-media",
        "1 problem in cat",
    ]


def test_category_keys_the_importers_make_have_the_documented_shape():
    from hypothesis import given
    from hypothesis import strategies as st

    from cookie_catalog.catalog.model import BUILTIN_CATEGORIES, CATEGORY_KEY
    from cookie_catalog.interop.importers.categories import builtin_key, custom_key

    assert all(re.fullmatch(CATEGORY_KEY, key) for key in BUILTIN_CATEGORIES)

    @given(st.text())
    def check(text):
        assert re.fullmatch(CATEGORY_KEY, custom_key(text))
        assert builtin_key(text) is None or builtin_key(text) in BUILTIN_CATEGORIES

    check()
