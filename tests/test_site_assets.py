"""The CSS, JS and finder index the plugin ships into every site: listed once, kept if the site has its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from support.paths import CATALOG
from support.sitebuild import build

ASSETS = ["cookie-catalog.css", "cookie-catalog-tables.css", "cookie-catalog.js", "cookie-catalog-tables.js"]


def customer_site(tmp: Path, extra: str = "", page: str = "# Home\n") -> Path:
    """A customer's site: no pages of ours (``pages: false``), the bundled catalog, ``extra`` appended to its config."""
    (tmp / "docs").mkdir(exist_ok=True)
    (tmp / "docs" / "index.md").write_text(page)
    (tmp / "mkdocs.yml").write_text(
        "site_name: Customer\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - cookie-catalog:\n      catalog: {CATALOG}\n      pages: false\n"
        "markdown_extensions:\n  - admonition\n  - tables\n" + extra
    )
    result = build(tmp, tmp / "site")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def linked(page: Path) -> list[str]:
    """The stylesheets and scripts a page loads, in order."""
    html = page.read_text(encoding="utf-8")
    return re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]*assets/cookie-catalog/[^"]*)"', html)


def test_a_customer_site_gets_the_css_js_and_index(tmp_path):
    embedding = '# Home\n\n<!-- cookie-catalog:table plugin="WebChat" -->\n'
    site = customer_site(tmp_path, page=embedding)
    for name in [*ASSETS, "cookie-catalog-index.json"]:
        assert (site / "assets" / "cookie-catalog" / name).is_file(), name
    assert sorted(linked(site / "index.html")) == sorted(f"assets/cookie-catalog/{n}" for n in ASSETS)
    index = json.loads((site / "assets" / "cookie-catalog" / "cookie-catalog-index.json").read_bytes())
    assert index["pages"] == ["../../"]  # WebChat's rows are on the home page; the other plugins' on none
    webchat = next(p for p in index["plugins"] if p[0] == "WebChat")
    assert webchat[2] == 0 and all(p[2] == -1 for p in index["plugins"] if p[0] != "WebChat")


def test_assets_the_site_lists_itself_are_not_listed_twice(tmp_path):
    extra = (
        "extra_css:\n  - assets/cookie-catalog/cookie-catalog.css\n"
        "extra_javascript:\n  - assets/cookie-catalog/cookie-catalog-tables.js\n"
    )
    site = customer_site(tmp_path, extra)
    links = linked(site / "index.html")
    assert sorted(links) == sorted(f"assets/cookie-catalog/{n}" for n in ASSETS)


def test_a_file_of_the_site_at_an_asset_path_is_kept(tmp_path):
    own = tmp_path / "docs" / "assets" / "cookie-catalog"
    own.mkdir(parents=True)
    (own / "cookie-catalog.css").write_text("/* the site's own */\n")
    site = customer_site(tmp_path)
    assert (site / "assets" / "cookie-catalog" / "cookie-catalog.css").read_text() == "/* the site's own */\n"
    assert (site / "assets" / "cookie-catalog" / "cookie-catalog-tables.js").is_file()
