"""``scan --url`` against a local shop in real Chromium: cookies by header and script, storage, consent.

The shop is one server on 127.0.0.1 answering for several host names, which
Chromium maps there (``--host-resolver-rules``): ``www.shop.test`` is the
site, ``cdn.shop.test`` the same site (first party by the Public Suffix List),
``tracker.test`` and ``ads.tracker.test`` another one (third party). Every
other host resolves to nothing, so a scan reaches no other machine. Consent
is the real cookieconsent v3 from ``node_modules`` (``npm ci`` here).

The scans run the real command in-process, in a thread of their own:
Playwright's sync API refuses to start inside another running instance
(another browser test's session fixture) in the same thread.
"""

from __future__ import annotations

import concurrent.futures
import email.utils
import http.server
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

from cookie_catalog.cli import main
from cookie_catalog.interop import livescan

from support.browsing import CHROMIUM, LAUNCH_ARGS, unavailable
from support.catalogs import write_catalog
from support.cli import PropagatingRunner, no_traceback
from support.paths import BROWSER

COOKIECONSENT = BROWSER / "node_modules" / "vanilla-cookieconsent" / "dist" / "cookieconsent.umd.js"
RESOLVE = "--host-resolver-rules=MAP *.test 127.0.0.1, MAP * ~NOTFOUND"
SHOP = "www.shop.test"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>shop</title></head>
<body><h1>Shop</h1>
<img src="http://cdn.shop.test:@PORT@/logo.gif" alt="">
<iframe src="http://ads.tracker.test:@PORT@/ad" title="ad"></iframe>
<script>
document.cookie = "pref=dark; max-age=2592000; path=/";
localStorage.setItem("theme", "dark");
sessionStorage.setItem("tab_id", "1");
indexedDB.open("offline-cache");
</script>
<script type="text/plain" data-category="analytics">
document.cookie = "_ga=GA1.1.1; max-age=63072000; path=/";
document.cookie = "_gid=GA1.1.2; max-age=86400; path=/";
document.cookie = "_hjSessionUser_42=1; max-age=31536000; path=/";
localStorage.setItem("_ga_seen", "1");
</script>
<script src="/lib/cookieconsent.umd.js"></script>
<script>
CookieConsent.run({
  categories: {necessary: {enabled: true, readOnly: true}, analytics: {}},
  language: {default: "en", translations: {en: {
    consentModal: {title: "Cookies", description: "We use cookies.", acceptAllBtn: "Accept all",
                   acceptNecessaryBtn: "Reject all"},
    preferencesModal: {title: "Cookies", acceptAllBtn: "Accept all", acceptNecessaryBtn: "Reject all", sections: []}
  }}}
});
</script>
</body></html>
"""
AD = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ad</title></head>
<body><script>localStorage.setItem("ad_freq", "3");</script></body></html>"""

# The catalog the shop is compared with: some names documented, one needing consent set before it.
CATALOG = """plugin: Shop
cookies:
  - name: sid
    purpose: Keeps the basket.
    duration: session
    provenance: first-party
    category: strictly-necessary
  - name: lang
    purpose: The language chosen.
    duration: 2 hours
    provenance: first-party
    category: strictly-necessary
  - name: cc_cookie
    purpose: The consent given.
    duration: 6 months
    provenance: first-party
    category: strictly-necessary
  - name: theme
    purpose: The colour theme chosen.
    duration: persistent
    provenance: first-party
    category: functional
    storage: local-storage
  - name: _ga
    purpose: Google Analytics.
    duration: 2 years
    provenance: first-party
    category: analytics
  - name: never_set
    purpose: Documented, never set.
    duration: session
    provenance: first-party
    category: functional
"""


class Shop(http.server.BaseHTTPRequestHandler):
    """The shop's hosts, told apart by the Host header."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        host, port = self.headers.get("Host", "").rsplit(":", 1)[0], self.server.server_port
        route = (host, self.path)
        if route == (SHOP, "/start"):  # a bounce through the tracker, which sets its cookie on the way
            self._redirect(f"http://tracker.test:{port}/bounce")
        elif route == ("tracker.test", "/bounce"):
            self._redirect(f"http://{SHOP}:{port}/", ["trk_uid=7; Max-Age=604800; Path=/"])
        elif route == (SHOP, "/"):
            expires = email.utils.formatdate(time.time() + 86400, usegmt=True)
            cookies = ["sid=1; Path=/; HttpOnly", "lang=en; Max-Age=7200; Domain=shop.test; Path=/"]
            self._send(PAGE.replace("@PORT@", str(port)), "text/html", [*cookies, f"cart=2; Expires={expires}; Path=/"])
        elif route == ("cdn.shop.test", "/logo.gif"):
            self._send("GIF89a", "image/gif", ["cdn_lb=a; Max-Age=1800; Path=/"])
        elif route == ("ads.tracker.test", "/ad"):
            self._send(AD, "text/html")
        elif route == (SHOP, "/lib/cookieconsent.umd.js"):
            self._send(COOKIECONSENT.read_text(encoding="utf-8"), "text/javascript")
        elif self.path.startswith("/page"):  # pages the tests write: self.server.pages
            kind = "text/javascript" if self.path.endswith(".js") else "text/html"
            self._send(self.server.pages.get(self.path, ""), kind)
        else:
            self.send_error(404)

    def _redirect(self, location: str, cookies: list[str] = ()) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, body: str, kind: str, cookies: list[str] = ()) -> None:
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(data)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that hangs up mid-response (a page reloading itself) is no test failure: say nothing."""


@pytest.fixture(scope="module")
def shop():
    """The shop's base URL on port P: ``http://www.shop.test:P``; its ``pages`` dict serves /page* paths."""
    executable = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if not executable or not os.access(executable, os.X_OK):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set $CHROMIUM)")
    if not COOKIECONSENT.is_file():
        unavailable("vanilla-cookieconsent not installed: run `npm ci` in tests/browser")
    server = QuietServer(("127.0.0.1", 0), Shop)
    server.pages = {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def base(shop) -> str:
    return f"http://{SHOP}:{shop.server_port}"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    return write_catalog(tmp_path_factory.mktemp("shop") / "catalog", plugins={"shop.yml": CATALOG})


def scan(runner, catalog: Path, *args: str):
    """``cookie-catalog scan`` with the shop's Chromium switches, run in a thread of its own (see above)."""
    switches = [arg for switch in (*LAUNCH_ARGS, RESOLVE) for arg in ("--browser-arg", switch)]
    argv = ["scan", "--catalog", str(catalog), "--chromium", CHROMIUM, *switches, "--wait", "0.3"]
    argv += ["--timeout", "15", *args]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(runner.invoke, main, argv).result()


@pytest.fixture(scope="module")
def api_scan(shop, catalog, tmp_path_factory):
    """One scan in all three states through cookieconsent's API, with a draft; (result, draft directory)."""
    draft = tmp_path_factory.mktemp("draft") / "draft"
    argv = ["--url", f"{base(shop)}/start", "--consent-api", "cookieconsent", "--format", "json", "--draft", str(draft)]
    return scan(PropagatingRunner(), catalog, *argv), draft


def records(result) -> dict[tuple[str, str, str], dict]:
    """The JSON report's records by (state, storage, name)."""
    report = json.loads(result.stdout)
    return {(r["state"], r["storage"], r["name"]): r for r in report["found"]}


# What each state holds: (storage, name) -> (domain, party, duration).
BEFORE_CONSENT = {
    ("cookie", "trk_uid"): ("tracker.test", "third-party", "1 week"),  # header, on a redirect through another site
    ("cookie", "sid"): (SHOP, "first-party", "session"),  # header without expiry
    ("cookie", "lang"): (".shop.test", "first-party", "2 hours"),  # header Max-Age, the site's whole domain
    ("cookie", "cart"): (SHOP, "first-party", "1 day"),  # header Expires
    ("cookie", "cdn_lb"): ("cdn.shop.test", "first-party", "30 minutes"),  # another host of the same site
    ("cookie", "pref"): (SHOP, "first-party", "1 month"),  # script, max-age
    ("local-storage", "theme"): (SHOP, "first-party", "persistent"),
    ("session-storage", "tab_id"): (SHOP, "first-party", "session"),
    ("indexeddb", "offline-cache"): (SHOP, "first-party", "persistent"),
    ("local-storage", "ad_freq"): ("ads.tracker.test", "third-party", "persistent"),  # a third-party frame
}
AFTER_ACCEPTING = {
    ("cookie", "_ga"): (SHOP, "first-party", "400 days"),  # asked for 2 years; Chromium keeps 400 days at most
    ("cookie", "_gid"): (SHOP, "first-party", "1 day"),
    ("cookie", "_hjSessionUser_42"): (SHOP, "first-party", "1 year"),
    ("cookie", "cc_cookie"): ("." + SHOP, "first-party", "26 weeks"),  # cookieconsent sets it with Domain=, 182 days
    ("local-storage", "_ga_seen"): (SHOP, "first-party", "persistent"),
}


def test_every_name_in_every_state_with_its_domain_lifetime_and_party(api_scan):
    result, _ = api_scan
    assert result.exit_code == 1, result.output
    found = {key: (r["domain"], r["party"], r["duration"]) for key, r in records(result).items()}
    by_state = {
        state: {k[1:]: v for k, v in found.items() if k[0] == state} for state in ("no choice", "rejected", "accepted")
    }
    assert by_state["no choice"] == BEFORE_CONSENT
    cc_cookie = {("cookie", "cc_cookie"): AFTER_ACCEPTING[("cookie", "cc_cookie")]}
    assert by_state["rejected"] == {**BEFORE_CONSENT, **cc_cookie}
    assert by_state["accepted"] == {**BEFORE_CONSENT, **AFTER_ACCEPTING}


DOCUMENTED = {
    ("sid", "cookie"),
    ("lang", "cookie"),
    ("cc_cookie", "cookie"),
    ("theme", "local-storage"),
    ("_ga", "cookie"),
}
SEEN = {(name, storage) for storage, name in {**BEFORE_CONSENT, **AFTER_ACCEPTING}}


def test_the_report_compares_with_the_catalog_as_a_file_scan_does(api_scan):
    result, _ = api_scan
    report = json.loads(result.stdout)
    assert {(d["name"], d["storage"]) for d in report["documented"]} == DOCUMENTED
    assert {(u["name"], u["storage"]) for u in report["undocumented"]} == SEEN - DOCUMENTED
    assert [u["name"] for u in report["unseen"]] == ["never_set"]
    trk = next(u for u in report["undocumented"] if u["name"] == "trk_uid")
    assert trk["seen"] == [
        f"{trk['seen'][0].split(' (')[0]} ({state}): cookie of tracker.test, third-party, 1 week"
        for state in ("accepted", "no choice", "rejected")
    ]


def test_a_name_needing_consent_present_without_it_is_a_finding(api_scan):
    result, _ = api_scan
    findings = {(f["name"], f["state"], f["category"]) for f in json.loads(result.stdout)["without_consent"]}
    # theme (functional) is stored before any choice and after rejecting; _ga (analytics) only after accepting
    assert findings == {("theme", "no choice", "functional"), ("theme", "rejected", "functional")}


def test_draft_is_a_valid_catalog_prefilled_from_the_open_cookie_database(api_scan, runner):
    _, draft = api_scan
    validated = runner.invoke(main, ["validate", str(draft)])
    assert validated.exit_code == 0, validated.output
    entries = {}
    for path in sorted((draft / "plugins").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Drafted by `cookie-catalog scan --url`"), path
        plugin = yaml.safe_load(text)
        assert plugin["notes"][0]["kind"] == "warning" and "Drafted by" in plugin["notes"][0]["text"]
        for cookie in plugin["cookies"]:
            entries[(cookie["name"], cookie.get("storage", "cookie"))] = {**cookie, "plugin": plugin["plugin"]}
    drafted = {("_hjSessionUser_42" if name == "_hjSessionUser_" else name, storage) for name, storage in entries}
    assert drafted == SEEN - DOCUMENTED
    gid = entries[("_gid", "cookie")]
    assert (gid["plugin"], gid["category"], gid["controller"], gid["duration"]) == (
        "Google Analytics",
        "analytics",
        "Google",
        "1 day",
    )
    assert gid["id"] and gid["purpose"].startswith("ID used to identify users")
    hotjar = entries[("_hjSessionUser_", "cookie")]  # the database's wildcard row, not the name seen
    assert hotjar["pattern"] is True and hotjar["plugin"] == "Hotjar" and hotjar["controller"] == "Hotjar"
    tracker = entries[("trk_uid", "cookie")]
    assert (tracker["plugin"], tracker["category"], tracker["provenance"]) == (
        "tracker.test",
        "to-review",
        "third-party",
    )
    assert tracker["purpose"].startswith("To review:")


def test_consent_by_clicking_selectors_in_the_text_report(shop, catalog, runner):
    accept, reject = '#cc-main [data-role="all"]', '#cc-main [data-role="necessary"]'
    result = scan(
        runner, catalog, "--url", f"{base(shop)}/start", "--accept-selector", accept, "--reject-selector", reject
    )
    assert result.exit_code == 1, result.output
    url = f"{base(shop)}/start"
    lines = result.output.splitlines()
    files_it = "the catalog files it under functional (Shop)"
    assert f"without consent: theme (local-storage) at {url} before any choice; {files_it}" in lines
    assert f"without consent: theme (local-storage) at {url} after rejecting; {files_it}" in lines
    tracker = "cookie of tracker.test, third-party, 1 week (and 2 more)"
    assert f"undocumented: trk_uid (cookie), seen in {url} (accepted): {tracker}" in lines
    assert f"undocumented: _gid (cookie), seen in {url} (accepted): cookie of {SHOP}, first-party, 1 day" in lines
    assert "never seen: never_set (Shop)" in lines
    assert lines[-1] == (
        "15 names seen in 1 page: 5 documented, 10 undocumented; 1 documented cookies never seen; "
        "2 present without consent"
    )


KLARO_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>klaro</title></head><body>
<script>var klaroConfig = {acceptAll: true, services: [{name: "stats", purposes: ["analytics"], cookies: ["_ga"]}],
  translations: {zz: {purposes: {analytics: "Analytics"}}}};</script>
<script type="text/plain" data-type="application/javascript" data-name="stats">
document.cookie = "_ga=GA1.1.1; max-age=3600; path=/";
</script>
<script src="/lib/klaro.js"></script>
</body></html>"""


def test_consent_through_klaro_api(shop, catalog, runner):
    shop.pages["/page-klaro"] = KLARO_PAGE
    klaro_js = BROWSER / "node_modules" / "klaro" / "dist" / "klaro.js"
    shop.pages["/page-lib-klaro.js"] = klaro_js.read_text(encoding="utf-8")
    shop.pages["/page-klaro"] = KLARO_PAGE.replace("/lib/klaro.js", "/page-lib-klaro.js")
    result = scan(runner, catalog, "--url", f"{base(shop)}/page-klaro", "--consent-api", "klaro", "--format", "json")
    found = {(r["state"], r["name"]): r["duration"] for r in json.loads(result.stdout)["found"]}
    assert ("accepted", "_ga") in found and found[("accepted", "_ga")] == "1 hour"
    assert ("rejected", "_ga") not in found and ("no choice", "_ga") not in found
    assert ("rejected", "klaro") in found and ("accepted", "klaro") in found  # Klaro's own, holding the choice


HOSTILE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>hostile</title></head><body><script>
for (const key of ["a\\nb", "\\u001b[31mred", "\\u2028", "x".repeat(5000), "ok"]) localStorage.setItem(key, "1");
for (let i = 0; i < 7; i++) sessionStorage.setItem("s" + i, "1");
</script></body></html>"""


def test_hostile_names_are_escaped_limited_and_kept_out_of_the_draft(shop, catalog, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(livescan, "MAX_KEYS", 5)
    shop.pages["/page-hostile"] = HOSTILE_PAGE
    url = f"{base(shop)}/page-hostile"
    result = scan(runner, catalog, "--url", url, "--draft", str(tmp_path / "draft"))
    assert result.exit_code == 1 and no_traceback(result.output), result.output
    lines = result.output.splitlines()
    where = f"{url} (no choice): localStorage of {SHOP}, first-party, persistent"
    assert f"undocumented: a\\nb (local-storage), seen in {where}" in lines
    assert not any("\x1b" in line or "\u2028" in line for line in lines)
    assert any(line.startswith("undocumented: \\x1b[31mred (local-storage)") for line in lines)
    assert (
        f"warning: {url} (no choice): localStorage of {base(shop)}: skipped 1 names longer than 4,096 characters"
        in lines
    )
    assert f"warning: {url} (no choice): sessionStorage of {base(shop)}: 7 names; read the first 5" in lines
    assert sum(line.startswith("undocumented: s") and "(session-storage)" in line for line in lines) == 5
    assert (
        f"warning: localStorage name 'a\\nb' of {SHOP}: spans several lines; expected the name on one line; not drafted"
        in lines
    )
    assert runner.invoke(main, ["validate", str(tmp_path / "draft")]).exit_code == 0
    drafted = (tmp_path / "draft" / "plugins" / "shop-test.yml").read_text(encoding="utf-8")
    assert "name: ok\n" in drafted and "red" in drafted and "a\\nb" not in drafted


def test_a_page_that_cannot_be_loaded_is_one_line_and_exit_2(shop, catalog, runner):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = scan(runner, catalog, "--url", f"http://closed.test:{port}/")
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert (
        result.output
        == f"error: http://closed.test:{port}/ (no choice): could not be loaded: "
        + (result.output.split("could not be loaded: ", 1)[1])
    )
    assert "net::ERR_CONNECTION_REFUSED" in result.output and result.output.count("\n") == 1


def test_a_consent_api_that_never_appears_is_one_line_and_exit_2(shop, catalog, runner):
    shop.pages["/page-plain"] = "<!DOCTYPE html><title>plain</title><p>No consent manager here."
    url = f"{base(shop)}/page-plain"
    result = scan(runner, catalog, "--url", url, "--consent-api", "klaro", "--timeout", "1")
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert result.output.startswith(f"error: {url} (rejected): consent through the klaro API failed: ")
    assert result.output.count("\n") == 1


def test_a_browser_that_is_not_there_is_one_line_and_exit_2(shop, catalog, runner, tmp_path):
    result = scan(runner, catalog, "--url", f"{base(shop)}/", "--chromium", str(tmp_path / "no-chromium"))
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert result.output == f"error: --chromium '{tmp_path / 'no-chromium'}': no such executable\n"


def test_a_page_that_stops_answering_is_one_line_and_exit_2_not_a_hang(shop, catalog, runner):
    """A script that never yields after the page loaded: reading its storage must time out, not wait forever."""
    shop.pages["/page-busy"] = (
        "<!DOCTYPE html><title>busy</title><script>setTimeout(() => { for (;;) {} }, 50);</script>"
    )
    url = f"{base(shop)}/page-busy"
    started = time.monotonic()
    result = scan(runner, catalog, "--url", url, "--timeout", "2")
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert (
        result.output.startswith(f"error: {url} (no choice): did not answer within 2 s")
        and result.output.count("\n") == 1
    )
    assert time.monotonic() - started < 30


def test_a_page_that_keeps_navigating_is_one_line_and_exit_2_not_a_hang(shop, catalog, runner):
    shop.pages["/page-restless"] = (
        "<!DOCTYPE html><title>restless</title><script>setInterval(() => location.reload(), 5);</script>"
    )
    url = f"{base(shop)}/page-restless"
    result = scan(runner, catalog, "--url", url, "--timeout", "3")
    assert result.exit_code == 2 and no_traceback(result.output), result.output
    assert result.output.startswith(f"error: {url} (no choice): ") and result.output.count("\n") == 1


def test_a_browser_failure_while_reading_is_one_line_and_exit_2(shop, catalog, runner, monkeypatch):
    """Whatever Playwright raises during a visit (here: the page's renderer crashed) names the page, in one line."""
    from playwright.sync_api import Error

    def crashed(*args, **kwargs):
        raise Error("Target crashed\n=========================== logs ===========================\ndetails")

    monkeypatch.setattr(livescan, "_recorded", crashed)
    url = f"{base(shop)}/"
    result = scan(runner, catalog, "--url", url)
    assert (result.exit_code, result.output) == (2, f"error: {url} (no choice): Target crashed\n")
