"""The cookie finder's index, as the build writes it: what it says of each cookie, its order, its size.

The browser tests run the script over it; these read the format as
``cookie_catalog.render.finder_index`` documents it, so the documentation and
the file cannot drift apart.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import Catalog, Cookie
from cookie_catalog.catalog.patterns import name_regex
from cookie_catalog.catalog.slugs import anchor as make_anchor
from cookie_catalog.render.finder_index import derived_anchor, finder_index
from cookie_catalog.sinks.docs_dir import docs_folders
from cookie_catalog.sinks.site_assets import index_bytes

from support.catalogs import write_catalog
from support.paths import CATALOG, HOSTILE


def decode(index: dict) -> list[dict]:
    """Every cookie of the index, as the module docstring says to read it."""
    sizes = [len(index[key]) for key in ("categories", "provenances", "storages", "durations")]
    plugins = [p for p in index["plugins"] for _ in range(p[3])]
    places, anchors = dict(index["places"]), dict(index["anchors"])
    patterns = dict(index["patterns"])
    cookies = []
    for i, (name, kind) in enumerate(zip(index["names"], index["kinds"], strict=True)):
        fields = []
        for size in reversed(sizes):
            kind, value = divmod(kind, size)
            fields.append(value)
        duration, storage, provenance, category = fields
        assert kind == 0
        title, slug, page, _ = plugins[i]
        page = places.get(i, page)
        cookies.append(
            {
                "name": name,
                "plugin": title,
                "category": index["categories"][category][0],
                "provenance": index["provenances"][provenance][0],
                "storage": index["storages"][storage][0],
                "duration": index["durations"][duration][0],
                "page": index["pages"][page] if page >= 0 else None,
                "anchor": anchors.get(i) or js_anchor(slug, name),
                "pattern": patterns.get(i),
            }
        )
    return cookies


def js_anchor(slug: str, name: str) -> str:
    """The script's derivation (cookie-catalog-tables.js, Index.prototype.anchor), in Python."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    return f"{slug}--{re.sub(r'^-+|-+$', '', readable)[:120]}"


def expected(catalog: Catalog, page_of) -> list[dict]:
    def one(title: str, cookie: Cookie) -> dict:
        return {
            "name": cookie.name,
            "plugin": title,
            "category": cookie.category,
            "provenance": cookie.provenance,
            "storage": cookie.storage,
            "duration": cookie.duration.text,
            "page": page_of(cookie),
            "anchor": cookie.anchor,
            "pattern": name_regex(cookie.name) if cookie.pattern else None,
        }

    return [one(p.title, c) for p in catalog.plugins for c in p.cookies]


def test_every_seed_cookie_reads_back_with_its_page_and_anchor():
    catalog = load_catalog(CATALOG)
    urls = {c.anchor: f"cookies/{p.slug}/" for p in catalog.plugins for c in p.cookies}
    index = json.loads(index_bytes(catalog, urls))
    assert decode(index) == expected(catalog, lambda c: "../../" + urls[c.anchor])
    assert index["anchors"] == [] and index["places"] == []  # every seed anchor is derived: none is written


def test_hostile_names_read_back_and_only_the_underivable_anchors_are_written():
    catalog = load_catalog(HOSTILE)
    urls = {c.anchor: f"c/{p.slug}/" for p in catalog.plugins for c in p.cookies}
    index = json.loads(finder_index(catalog, urls))
    assert decode(index) == expected(catalog, lambda c: urls[c.anchor])
    written = {i for i, _ in index["anchors"]}
    cookies = [(p.slug, c) for p in catalog.plugins for c in p.cookies]
    assert written == {i for i, (slug, c) in enumerate(cookies) if derived_anchor(slug, c.name) != c.anchor}
    assert written >= {i for i, (slug, c) in enumerate(cookies) if js_anchor(slug, c.name) != c.anchor}
    assert written  # the hostile catalog has names whose anchors the script cannot derive


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=150).filter(lambda s: s.strip() and not re.search("[\n\r\u2028\u2029\x0b\x0c\x85]", s))
)
def test_a_derived_anchor_is_the_anchor_the_catalog_gives_and_the_script_derives(name):
    actual = make_anchor("plug", name, name, set())
    derived = derived_anchor("plug", name)
    if derived is not None:  # the index leaves it out, so both sides must agree
        assert derived == actual == js_anchor("plug", name)


def test_durations_are_in_time_order_with_their_seconds(tmp_path):
    lines = [
        f"  - {{name: c{i}, purpose: p, duration: {d}, provenance: first-party, category: functional}}\n"
        for i, d in enumerate(["2 years", "unknown", "30 minutes", "session", "13 months", "persistent", "1 day"])
    ]
    catalog = load_catalog(write_catalog(tmp_path / "c", plugins={"p.yml": "plugin: P\ncookies:\n" + "".join(lines)}))
    index = json.loads(finder_index(catalog, {}))
    assert index["durations"] == [
        ["Session", None],
        ["30 minutes", 1800],
        ["1 day", 86400],
        ["13 months", 13 * 30 * 86400],
        ["2 years", 2 * 365 * 86400],
        ["Persistent", None],
        ["Unknown", None],
    ]
    assert [c["page"] for c in decode(index)] == [None] * 7  # on no page: no link
    assert index["plugins"][0][2] == -1


def test_a_cookie_embedded_away_from_its_plugins_page_gets_its_own_place(tmp_path):
    catalog = load_catalog(CATALOG)
    plugin = catalog.plugins[-1]
    urls = {c.anchor: "mostly/" for c in plugin.cookies}
    urls[plugin.cookies[0].anchor] = "elsewhere/"
    index = json.loads(finder_index(catalog, urls))
    cookies = {c["anchor"]: c["page"] for c in decode(index)}
    assert cookies[plugin.cookies[0].anchor] == "elsewhere/"
    assert all(cookies[c.anchor] == "mostly/" for c in plugin.cookies[1:])
    assert index["places"] == [[sum(len(p.cookies) for p in catalog.plugins[:-1]), 0]]  # "elsewhere/", sorted first
    assert all(c["page"] is None for c in decode(index)[: index["places"][0][0]])  # the other plugins: on no page


def test_the_same_catalog_gives_the_same_bytes(ocd_catalog):
    catalog = load_catalog(ocd_catalog)
    urls = {c.anchor: f"cookies/{p.slug}/" for p in catalog.plugins for c in p.cookies}
    first = index_bytes(catalog, urls)
    assert index_bytes(load_catalog(ocd_catalog), dict(reversed(urls.items()))) == first


def test_the_ocd_index_stays_compact(ocd_catalog):
    """Visitors download it: 2,264 cookies in under 80 KB (the names alone are about 30 KB)."""
    folders = docs_folders(load_catalog(ocd_catalog), ocd_catalog)
    index = folders["assets/cookie-catalog"]["cookie-catalog-index.json"]
    assert len(index) < 80_000, len(index)
    assert len(json.loads(index)["names"]) == 2264


def test_docs_dir_links_rows_at_directory_urls(tmp_path: Path):
    folders = docs_folders(load_catalog(CATALOG), CATALOG, pages_dir="policy/cookies")
    index = json.loads(folders["assets/cookie-catalog"]["cookie-catalog-index.json"])
    assert index["pages"][0] == "../../policy/cookies/app/"


def test_a_language_trees_index_speaks_its_language():
    """The German tree's finder and filters show German labels, durations and texts; English keeps its own."""
    from cookie_catalog.catalog.translations import in_language

    catalog = load_catalog(CATALOG)
    english = json.loads(finder_index(catalog, {}))
    german = json.loads(finder_index(in_language(catalog, "de"), {}))
    assert "text" not in english and dict(english["provenances"])["third-party"] == "Third-party"
    assert dict(german["categories"])["strictly-necessary"] == "Unbedingt erforderlich"
    assert dict(german["provenances"])["third-party"] == "Drittanbieter"
    assert [text for text, _ in german["durations"]] == ["Sitzung"]
    assert german["text"]["notFound"] != english.get("text", {}).get("notFound", "{query} is not in this policy.")
    assert set(german["text"]["prefixFound"]) >= {"one", "other"}  # plural forms, as the script selects them


def test_durations_of_the_same_length_keep_one_order_whatever_the_hash_seed(tmp_path):
    """ "1 hour" and "60 minutes" sort alike: the index was ordered as a set iterated, by the process's hash seed."""
    cookies = "".join(
        f"  - name: c{i}\n    purpose: p\n    duration: {d}\n    provenance: first-party\n    category: functional\n"
        for i, d in enumerate(["1 hour", "60 minutes", "3600 seconds", "2 hours", "120 minutes", "1 day", "24 hours"])
    )
    root = write_catalog(tmp_path / "cat", plugins={"p.yml": f"plugin: P\ncookies:\n{cookies}"})
    script = (
        "import hashlib, sys; from cookie_catalog.catalog.loader import load_catalog; "
        "from cookie_catalog.render.finder_index import finder_index; "
        "print(hashlib.sha256(finder_index(load_catalog(sys.argv[1]), {})).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(root)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(8)
    }
    assert len(digests) == 1
