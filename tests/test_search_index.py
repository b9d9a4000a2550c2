"""Each cookie is an entry of the search index that opens its row."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from html import escape, unescape
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render.search_index import COOKIE_BOOST, CookieEntry, add_entries, cookie_entries

ROOT = Path(__file__).resolve().parents[1]


def entry(location: str, name: str = "c") -> CookieEntry:
    return CookieEntry(location=location, title=name, text="t", name=name)


def test_entries_link_each_cookie_to_its_row():
    catalog = load_catalog(ROOT / "catalog")
    entries = cookie_entries(catalog, {"webchat": "cookies/webchat/"})
    assert len(entries) == len(next(p for p in catalog.plugins if p.slug == "webchat").cookies)
    first = entries[0]
    assert first.location == "cookies/webchat/#webchat--_genesys.widgets.webchat.state.open"
    assert first.title == "_genesys.widgets.webchat.state.open"


def test_catalog_text_is_escaped(tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "catalog.yml").write_text("product: P\n")
    (tmp_path / "plugins" / "x.yml").write_text(
        "plugin: X\ncookies:\n"
        "  - name: '<img src=x onerror=alert(1)>'\n"
        "    purpose: 'a <script>alert(1)</script> & b'\n"
        "    duration: session\n    provenance: first-party\n    category: functional\n"
    )
    (entry,) = cookie_entries(load_catalog(tmp_path), {"x": "cookies/x/"})
    assert entry.title == "&lt;img src=x onerror=alert(1)&gt;"
    assert entry.text == "a &lt;script&gt;alert(1)&lt;/script&gt; &amp; b"


def test_entries_follow_their_page_and_need_it():
    index = {
        "config": {"separator": r"[\s\-.]+"},
        "docs": [
            {"location": "", "title": "Home", "text": ""},
            {"location": "a/", "title": "A", "text": ""},
            {"location": "a/#h", "title": "H", "text": ""},
            {"location": "b/", "title": "B", "text": ""},
        ],
    }
    new = [entry("a/#a--x", "x"), entry("b/#b--y", "y"), entry("gone/#g--z", "z")]
    out = add_entries(index, new)
    assert [d["location"] for d in out["docs"]] == ["", "a/", "a/#h", "a/#a--x", "b/", "b/#b--y"]
    assert out["config"] == index["config"]
    assert add_entries(out, new) == out  # adding again changes nothing


def test_a_name_that_other_names_extend_ranks_first_when_typed_in_full():
    index = {"config": {"separator": r"[\s\-_]+|\.(?!\d)"}, "docs": [{"location": "p/", "title": "P", "text": ""}]}
    names = ["a.command", "a.commandPlugin", "a.state.open", "a.state.x-y.open", "a.other"]
    docs = add_entries(index, [entry(f"p/#{n}", n) for n in names])["docs"][1:]
    boost = {d["title"]: d["boost"] for d in docs}
    assert boost["a.commandPlugin"] == boost["a.state.x-y.open"] == boost["a.other"] == COOKIE_BOOST
    assert boost["a.command"] > COOKIE_BOOST and boost["a.state.open"] > COOKIE_BOOST


def test_a_common_short_name_outranks_the_rare_names_that_extend_it():
    """lunr scores a match by its term's rarity: `_gaexp` (one entry) would beat `_ga` (many) on `_ga*`."""
    separator = r"[\s\-_]+|\.(?!\d)"
    pages = [{"location": f"p{i}/", "title": "P", "text": "the _ga cookie"} for i in range(20)]
    index = {"config": {"separator": separator}, "docs": [*pages, {"location": "q/", "title": "Q", "text": ""}]}
    names = ["_ga", "_gaexp", "_gaexp_rc", "_gat"]
    docs = add_entries(index, [entry(f"q/#{n}", n) for n in names])["docs"]
    boost = {d["title"]: d["boost"] for d in docs if "#" in d["location"]}
    frequency = {"ga": 21, "gaexp": 2, "rc": 1, "gat": 1}  # entries holding each term, the pages' text included
    idf = {t: math.log(1 + (len(docs) - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
    # each name typed in full: its own score above every other name's it matches (Material: x2 for all terms)
    assert boost["_ga"] * idf["ga"] > max(boost[n] * idf[n[1:]] for n in ("_gaexp", "_gat"))
    assert boost["_gaexp"] * idf["gaexp"] * 2 > boost["_gaexp_rc"] * idf["gaexp"] * 2
    assert boost["_gaexp_rc"] == COOKIE_BOOST  # nothing extends it


def test_names_that_outscore_each_other_do_not_raise_each_other_without_end():
    """`cs` matches both terms of `_cs_c` and `_cs_c` the one of `cs`: no boost settles it; both stay bounded."""
    index = {"config": {"separator": r"[\s\-_]+"}, "docs": [{"location": "p/", "title": "P", "text": ""}]}
    names = ["c", "cs", "_cs_c", "C"]
    docs = add_entries(index, [entry(f"p/#{n}", n) for n in names])["docs"][1:]
    assert all(COOKIE_BOOST <= d["boost"] < COOKIE_BOOST * 10 for d in docs), docs


def build(tmp_path: Path, config: str) -> dict:
    (tmp_path / "mkdocs.yml").write_text(config)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp_path / "mkdocs.yml")],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    return json.loads((tmp_path / "site" / "search" / "search_index.json").read_text())


@pytest.mark.parametrize("plugins", ["[search, cookie-catalog]", "[cookie-catalog, search]"])
def test_the_built_index_holds_every_cookie_whatever_the_plugin_order(tmp_path, plugins):
    config = f"""
site_name: t
docs_dir: {ROOT / "docs"}
theme: {{name: material, font: false}}
plugins: {plugins}
"""
    config = config.replace("cookie-catalog", "{cookie-catalog: {catalog: " + str(ROOT / "catalog") + "}}")
    index = build(tmp_path, config)
    locations = {d["location"] for d in index["docs"]}
    catalog = load_catalog(ROOT / "catalog")
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            assert f"cookies/{plugin.slug}/#{cookie.anchor}" in locations


SEPARATOR = r"[\s\-_,:;!?=\[\]()\"/|]+|\.(?!\d)|&(?:[lg]t|amp);"


def terms(html: str) -> set[str]:
    """The terms lunr makes of a text, tags taken for separators (as ``search_index`` models it)."""
    return {t.lower() for t in re.split(SEPARATOR, unescape(re.sub(r"<[^>]*>", " ", html))) if t}


def test_the_page_no_longer_holds_the_names_and_purposes_its_cookies_entries_hold():
    text = "Name Purpose <code>_ga</code>example.com Tells visits apart 2 years <code>NID</code> Ads 1 day Tells"
    index = {"config": {"separator": SEPARATOR}, "docs": [{"location": "p/", "title": "P", "text": text}]}
    new = [CookieEntry("p/#_ga", "_ga", "Tells visits apart", "_ga"), CookieEntry("p/#NID", "NID", "Ads", "NID")]
    page = add_entries(index, new)["docs"][0]
    # "Tells" alone is no purpose: kept; "Ads" is cut where it stands whole
    assert page["text"] == "Name Purpose example.com 2 years 1 day Tells"


_WORDS = st.sampled_from(["a", "ab", "a.b", "b-c", "x_y", "&amp;", "(3rd party)", "Ads", "ad", "2 years"])
_GLUE = st.sampled_from(["", " ", "\n", "<br>"])


@given(
    st.lists(st.tuples(_WORDS, _WORDS), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["name", "purpose", "other"]), _GLUE), max_size=12),
    _WORDS,
)
def test_no_query_loses_a_page_and_no_term_is_made_up(cookies, layout, filler):
    """Every term cut from the page is in one of its cookies' entries; the page gains no term (nothing glued)."""
    new = [
        CookieEntry(f"p/#c{i}", escape(name, quote=False), purpose, f"c{i}")
        for i, (name, purpose) in enumerate(cookies)
    ]
    pieces = []
    for i, kind, glue in layout:
        entry = new[i % len(new)]
        pieces.append(f"<code>{entry.title}</code>" if kind == "name" else entry.text if kind == "purpose" else filler)
        pieces.append(glue)
    text = "".join(pieces)
    index = {"config": {"separator": SEPARATOR}, "docs": [{"location": "p/", "title": "P", "text": text}]}
    out = add_entries(index, new)
    page = out["docs"][0]["text"]
    found = set().union(*(terms(f"{e.title} {e.text}") for e in new))
    assert terms(text) <= terms(page) | found
    assert terms(page) <= terms(text)
    assert add_entries(out, new) == out
