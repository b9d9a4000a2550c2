"""A cookie's data controller and privacy address reach every output: pages, fragments, policy md/html/json/csv.

``privacy_url`` becomes a link, so the model takes only http(s) addresses and
every renderer escapes the address for where it lands; hostile addresses and
controller names are rendered with the real renderers and read back.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import ValidationError

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import CookieEntry
from cookie_catalog.render.pages import Renderer
from cookie_catalog.sinks.downloads import policy_files

from support.readback import read_csv, unguard

EXTENSIONS = ["tables", "attr_list", "md_in_html", "smarty", "pymdownx.magiclink", "pymdownx.escapeall"]
HOSTILE = "\"'<>&|*_[]()`{}#!:;=?/%\\ é"
# An address: scheme and host, then any printable text without white space, hostile characters included.
URLS = st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}{rest}",
    st.sampled_from(["http", "https"]),
    st.text("abcdefghijklmnopqrstuvwxyz0-.", min_size=1, max_size=12).filter(lambda h: h[0] not in "-."),
    st.text(st.sampled_from([*HOSTILE.replace(" ", ""), "a", "1", "/"]), max_size=20),
)
CONTROLLERS = st.text(st.sampled_from([*HOSTILE, "a", "B", "1"]), min_size=1, max_size=20).filter(str.strip)


class Links(HTMLParser):
    """Every <a>'s href and the text of the element holding the controller (a <small>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.small: list[str] = []
        self._small: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag == "small":
            self._small = []

    def handle_endtag(self, tag):
        if tag == "small" and self._small is not None:
            self.small.append("".join(self._small))
            self._small = None

    def handle_data(self, data):
        if self._small is not None:
            self._small.append(data)


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    parser.close()
    return parser


def _catalog(root: Path, controller: str, url: str):
    (root / "plugins").mkdir(parents=True)
    (root / "catalog.yml").write_text("product: P\n", encoding="utf-8")
    cookie = {
        "name": "sid",
        "purpose": "p",
        "duration": "1 day",
        "provenance": "third-party",
        "category": "analytics",
        "controller": controller,
        "privacy_url": url,
    }
    plugin = {"plugin": "Vendor", "cookies": [cookie]}
    (root / "plugins" / "vendor.yml").write_text(yaml.safe_dump(plugin, allow_unicode=True), encoding="utf-8")
    return load_catalog(root)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(controller=CONTROLLERS, url=URLS)
def test_controller_and_privacy_link_verbatim_everywhere(tmp_path_factory, controller, url):
    catalog = _catalog(tmp_path_factory.mktemp("c"), controller, url)
    page = Renderer(catalog, downloads_href="../downloads").pages()["vendor.md"]
    fragment = Renderer(catalog).fragments()["vendor.html"]
    files = policy_files(catalog)
    htmls = {
        "page": markdown.Markdown(extensions=EXTENSIONS).convert(page),
        "fragment": fragment,
        "policy.md": MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .render(files["cookie-policy.md"].decode()),
        "policy.html": files["cookie-policy.html"].decode(),
    }
    for where, html in htmls.items():
        found = links(html)
        privacy = [h for h in found.hrefs if not h.startswith(("index.md", "../downloads", "#"))]
        assert privacy == [url], where
        assert controller.strip() in [s.strip() for s in found.small], where
    cookie = json.loads(files["cookie-policy.json"])["plugins"][0]["cookies"][0]
    assert (cookie["controller"], cookie["privacy_url"]) == (controller, url)
    row = read_csv(files["cookie-policy.csv"])[0]
    assert (unguard(row["controller"]), row["privacy_url"]) == (controller, url)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "//evil.example", "/relative", "https://", "https://a b", "ftp://x"],
)
def test_privacy_url_must_be_a_web_address(url):
    with pytest.raises(ValidationError, match="privacy_url"):
        CookieEntry(
            name="a", purpose="p", duration="session", provenance="first-party", category="analytics", privacy_url=url
        )


def test_csv_new_columns_at_the_end_and_bom(tmp_path):
    catalog = _catalog(tmp_path / "c", "Ann & Co", "https://example.org/privacy")
    data = policy_files(catalog, ["csv"])["cookie-policy.csv"]
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    header = data.decode("utf-8-sig").split("\r\n")[0]
    assert header == (
        "plugin,name,purpose,duration,duration_iso8601,provenance,category,condition,storage,domain,"
        "pattern,duration_note,controller,privacy_url,third_party_access,legal_basis,data_categories,retention,"
        "retention_iso8601,lifetime_refreshed,country,transfers"
    )
    row = read_csv(data)[0]
    assert (row["pattern"], row["duration_note"], row["controller"]) == ("false", "", "Ann & Co")
