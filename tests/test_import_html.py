"""Published cookie tables (HTML) become a catalog; unknown columns are reported."""

from __future__ import annotations

from generator.cli import main
from generator.loader import load_catalog

from conftest import DATA, ROOT

SEED = DATA / "genesys-cookie-usage.html"
SHOP = DATA / "shop-cookie-table.html"


def test_seed_page_gives_the_bundled_catalog(runner, tmp_path):
    out = tmp_path / "seed"
    result = runner.invoke(main, ["import", "html", str(SEED), "--out", str(out), "--product", "Genesys Widgets"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # the second "Purpose" column is recognised as the category
    imported, bundled = load_catalog(out), load_catalog(ROOT / "catalog")
    assert imported.product.product == "Genesys Widgets"
    assert [p.title for p in imported.plugins] == [p.title for p in bundled.plugins]
    for mine, theirs in zip(imported.plugins, bundled.plugins, strict=True):
        fields = lambda c: (c.name, c.purpose, str(c.duration), c.provenance, c.category)  # noqa: E731
        assert [fields(c) for c in mine.cookies] == [fields(c) for c in theirs.cookies]


def test_differently_shaped_table(runner, tmp_path):
    out = tmp_path / "shop"
    result = runner.invoke(main, ["import", "html", str(SHOP), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "column 'Example value' is not recognised" in result.output
    assert "no cookie-name column" in result.output  # the layout table
    catalog = load_catalog(out)
    assert catalog.product.product == "Example Shop"
    assert [p.title for p in catalog.plugins] == ["Example Shop", "Google Analytics", "Trackr Ü"]  # grouped by provider
    cookies = {c.name: c for p in catalog.plugins for c in p.cookies}
    assert cookies["basket_id"].category == "strictly-necessary" and str(cookies["basket_id"].duration) == "30 days"
    assert cookies["basket_id"].purpose == "Keeps your basket & its items between visits."
    assert cookies["lang"].category == "functional" and cookies["_ga"].category == "analytics"
    assert cookies["_ga_*"].pattern
    trk = cookies["trk"]
    assert trk.provenance == "third-party" and trk.category == "social-media"
    assert catalog.category("social-media").label == "Social media"
    assert str(trk.duration) == "unknown" and trk.duration_note == "14 days if you log in, otherwise session"
    assert "alert" not in trk.purpose


def test_missing_provenance_column_asks_for_the_option(runner, tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<h2>Chat</h2><table><tr><th>Name</th><th>Purpose</th><th>Category</th></tr><tr><td>x</td><td>y</td><td>Analytics</td></tr></table>")
    result = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "p.html:1:" in result.output and "--provenance" in result.output
    ok = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o"), "--provenance", "first-party"])
    assert ok.exit_code == 0, ok.output
    assert load_catalog(tmp_path / "o").plugins[0].title == "Chat"


def test_page_without_cookie_tables(runner, tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<p>No tables here</p>")
    result = runner.invoke(main, ["import", "html", str(page), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "empty.html" in result.output and "no table" in result.output


def test_non_empty_out_needs_force(runner, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "x").write_text("x")
    args = ["import", "html", str(SEED), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 1
    assert runner.invoke(main, [*args, "--force"]).exit_code == 0
