"""Every page the renderer makes, byte for byte, for the seed and the hostile catalog.

The render path is tuned for speed (issue 16: template settings, cached rows of the All cookies page);
none of that may change a byte of output. The golden files were written by the renderer before that
work; rerun with UPDATE_GOLDEN=1 only for an intended change of the pages.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import BUILTIN_CATEGORIES, Cookie, CookieEntry
from cookie_catalog.catalog.translations import in_language
from cookie_catalog.render.pages import Renderer, RowIds, bundled_templates
from cookie_catalog.render.rows import ROW_TEMPLATES

from support.paths import CATALOG, HOSTILE
from support.strategies import markup, markup_line, markup_nonblank

GOLDEN = Path(__file__).parent / "golden" / "render"
CATALOGS = {"seed": CATALOG, "hostile": HOSTILE}


def rendered(root: Path, flavour: str) -> dict[str, str]:
    """Each page, fragment and shared table of every language of the catalog at ``root``, by a unique name."""
    loaded = load_catalog(root)
    out: dict[str, str] = {}
    for language in loaded.languages:
        catalog = in_language(loaded, language) if language != loaded.languages[0] else loaded
        renderer = Renderer(catalog, flavour=flavour, downloads_href="downloads", download_formats=("pdf",))
        out |= {f"{language}/{name}": text for name, text in renderer.pages().items()}
        out |= {f"{language}/{name}": text for name, text in renderer.fragments().items()}
        every = tuple(c for p in catalog.plugins for c in p.cookies)
        out[f"{language}/table-twice"] = renderer.cookie_table(every + every, None, RowIds())
        headings = Renderer(catalog, flavour=flavour)
        headings.env.globals["name_headings"] = True
        out |= {f"{language}/headings/{name}": text for name, text in headings.pages().items()}
    return out


@pytest.mark.parametrize("flavour", ["mkdocs", "gfm"])
@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_pages_are_byte_identical_to_the_golden(name, flavour):
    produced = rendered(CATALOGS[name], flavour)
    golden = GOLDEN / f"{name}-{flavour}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(produced, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(produced) == sorted(expected)
    for page, text in expected.items():
        assert produced[page] == text, f"{name} {flavour} {page} differs; rerun with UPDATE_GOLDEN=1 if intended"


# The rows of the bundled table are written in Python (cookie_catalog.render.rows) while the templates are the
# bundled ones: both paths must give the same bytes for any cookie, every optional field present or not.
_OPTIONAL = {
    "condition": markup,
    "domain": markup_line,
    "duration_note": markup,
    "pattern": st.sampled_from(["true", "false"]),
    "storage": st.sampled_from(["cookie", "local-storage", "session-storage", "indexeddb", "pixel"]),
    "controller": markup_nonblank,
    "privacy_url": st.sampled_from(["https://example.com/privacy", "http://a.example/p?x=1&y='2'|#\"3\""]),
    "third_party_access": st.sampled_from(["true", "false"]),
    "legal_basis": st.sampled_from(["consent", "strictly-necessary-exemption", "audience-measurement-exemption"]),
    "data_categories": st.lists(markup_nonblank, min_size=1, max_size=3),
    "retention": st.sampled_from(["session", "30 days", "13 months", "persistent"]),
    "lifetime_refreshed": st.sampled_from(["true", "false"]),
    "country": st.sampled_from(["US", "DE", "IN"]),
    "transfers": st.lists(
        st.fixed_dictionaries(
            {"country": st.sampled_from(["US", "IN"])}, optional={"safeguard": st.just("derogation")}
        ),
        max_size=2,
    ),
}
_COOKIE = st.fixed_dictionaries(
    {
        "name": markup_line,
        "purpose": markup_nonblank,
        "duration": st.sampled_from(["session", "2 years", "1 day", "persistent", "unknown"]),
        "provenance": st.sampled_from(["first-party", "third-party"]),
        "category": st.sampled_from(sorted(BUILTIN_CATEGORIES)),
    },
    optional=_OPTIONAL,
)


def _cookies(entries: list[dict]) -> tuple[Cookie, ...]:
    """Cookies as the loader makes them, each with an anchor of its own."""
    out = []
    for i, entry in enumerate(entries):
        try:
            out.append(Cookie(CookieEntry.model_validate(entry), f"c{i}"))
        except ValidationError:  # a text the model refuses (e.g. a name with a line break): not a cookie
            continue
    return tuple(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_COOKIE, max_size=4), min_size=1, max_size=3),
    st.sampled_from(["mkdocs", "gfm"]),
    st.sampled_from(["en", "de", "fr"]),
)
def test_rows_written_in_python_equal_the_templates(plugins, flavour, lang):
    base = load_catalog(CATALOG, with_translations=False)
    made = tuple(
        replace(base.plugins[0], title=f"P{i}", slug=f"p{i}", cookies=_cookies(entries))
        for i, entries in enumerate(plugins)
    )
    catalog = replace(base, plugins=made)
    fast = Renderer(catalog, flavour=flavour, lang=lang)
    slow = Renderer(catalog, flavour=flavour, lang=lang)
    assert fast.env.globals["table_rows"] is not None
    slow.env.globals["table_rows"] = None
    assert fast.pages() == slow.pages()
    every = tuple(c for p in made for c in p.cookies)
    assert fast.cookie_table(every + every, None, RowIds()) == slow.cookie_table(every + every, None, RowIds())
    fast.env.globals["name_headings"] = slow.env.globals["name_headings"] = True
    assert fast.cookie_table(every, "index.md") == slow.cookie_table(every, "index.md")


def test_a_template_of_a_row_overridden_renders_through_jinja(tmp_path):
    """A site's own template of any part of a row is used: the Python rows are for the bundled ones only."""
    for name in ROW_TEMPLATES:
        templates = tmp_path / name.split(".")[0]
        templates.mkdir()
        (templates / name).write_text((bundled_templates() / name).read_text(encoding="utf-8"), encoding="utf-8")
        assert Renderer(load_catalog(CATALOG), templates).env.globals["table_rows"] is None, name
    assert Renderer(load_catalog(CATALOG), tmp_path).env.globals["table_rows"] is not None
