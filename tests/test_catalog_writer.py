"""Catalog YAML written by catalog_writer reads back through the loader unchanged."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import CookieEntry, Note, PluginFile, ProductFile
from cookie_catalog.interop.catalog_writer import catalog_files, dump_model, plugin_file_names
from cookie_catalog.sinks.directory import write_tree

AWKWARD = [
    "",
    " ",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "no",
    "yes",
    "off",
    "010",
    "1e3",
    "0x1F",
    "2020-04-15",
    "12:30",
    "- item",
    "? key",
    ": value",
    "a: b",
    "a #b",
    "#comment",
    "'quoted'",
    '"double"',
    "[1, 2]",
    "{a: 1}",
    "&anchor",
    "*alias",
    "!tag",
    "%YAML",
    "@at",
    "`tick`",
    "|",
    ">",
    "line\nbreak",
    "trailing space ",
    " leading space",
    "tab\there",
    "\ttab first",
    "\u2028line sep",
    "nel\x85",
    "\ufeffbom",
    "bell\x07",
    "del\x7f",
    "é ü 漢字",
    "emoji 😀",
    "---",
    "...",
    "a\r\nb",
    "  \n  ",
]

# Text that can be stored in a UTF-8 file at all: no lone surrogates.
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
one_line = text.filter(lambda s: s.strip() and not any(ch in s for ch in "\n\r\u2028\u2029\x0b\x0c\x85"))


def _roundtrip(tmp_path, product: ProductFile, plugins: list[PluginFile]) -> None:
    out = tmp_path / "catalog"
    write_tree(out, catalog_files(product, plugins), force=True)
    catalog = load_catalog(out)
    assert catalog.product == product
    assert [p.title for p in catalog.plugins] == [p.plugin for p in plugins]
    for loaded, written in zip(catalog.plugins, plugins, strict=True):
        assert [c.entry for c in loaded.cookies] == written.cookies
        assert list(loaded.notes) == written.notes


def _cookie(name: str, purpose: str, **extra) -> CookieEntry:
    return CookieEntry(
        name=name, purpose=purpose, duration="session", provenance="first-party", category="functional", **extra
    )


def test_awkward_text_round_trips(tmp_path):
    cookies = [
        _cookie(
            f"c{i}",
            value if value.strip() else f"blank {value!r}",
            domain=value,
            duration_note=value,
            controller=value or None,
        )
        for i, value in enumerate(AWKWARD)
    ]
    cookies += [
        _cookie(value, "named awkwardly")
        for value in AWKWARD
        if value.strip() and "\n" not in value and "\r" not in value and "\u2028" not in value and "\x85" not in value
    ]
    product = ProductFile(
        product="null", intro="multi\nline\n\n  indented", notes=[Note(kind="warning", text="yes")], version="1.10"
    )
    _roundtrip(tmp_path, product, [PluginFile(plugin="~", description="", cookies=cookies)])


@settings(max_examples=60, deadline=None)
@given(
    title=text.filter(str.strip),
    name=one_line.filter(lambda s: s.replace("*", "").strip()),
    purpose=text.filter(str.strip),
    note=st.none() | text,
)
def test_any_text_round_trips(tmp_path_factory, title, name, purpose, note):
    cookie = _cookie(name, purpose, duration_note=note, pattern=True)
    _roundtrip(tmp_path_factory.mktemp("rt"), ProductFile(product=title), [PluginFile(plugin=title, cookies=[cookie])])


def test_long_lines_are_not_folded():
    purpose = " ".join(["word"] * 200)
    assert purpose in dump_model(_cookie("a", purpose))


def test_plugin_file_names_are_safe_and_unique():
    names = plugin_file_names(["Bing / Microsoft", "bing-microsoft", "../../etc", "CON", "", "Ü"])
    assert len(set(names)) == len(names)
    for name in names:
        stem = name.removeprefix("plugins/").removesuffix(".yml")
        assert stem and set(stem) <= set(string.ascii_lowercase + string.digits + "-")
