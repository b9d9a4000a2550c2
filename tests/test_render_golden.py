"""Every page the renderer makes, byte for byte, for the seed and the hostile catalog.

The render path is tuned for speed (issue 16: template settings, cached rows of the All cookies page);
none of that may change a byte of output. The golden files were written by the renderer before that
work; rerun with UPDATE_GOLDEN=1 only for an intended change of the pages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.translations import in_language
from cookie_catalog.render.pages import Renderer, RowIds

from support.paths import CATALOG, HOSTILE

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
