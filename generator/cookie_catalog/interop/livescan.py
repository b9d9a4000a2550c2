"""``scan --url``: visit pages in Chromium and record what they store, in each consent state asked for.

A capture file (``cookie_catalog.interop.scan``) shows what one session happened
to do; a live scan controls the session. Each URL is loaded in a fresh browser
context once per consent state: with no choice made, after rejecting and after
accepting (through the cookieconsent or Klaro API, or by clicking a selector),
and every cookie, localStorage, sessionStorage and IndexedDB name is recorded
with its domain, lifetime and party. The records become ordinary
:class:`~cookie_catalog.interop.scan.Sighting` values, so the comparison with the
catalog is the file scan's; one finding only a live scan can make is added: a
name that the catalog files under a category needing consent, present while
no consent was given (no choice made, or rejected).

Party is decided as browsers decide "same site": by the registrable domain
under the Public Suffix List, from the ``publicsuffixlist`` package, whose
releases bundle the list and which never fetches it (a scan must not depend on
a download, and the same browser state must give the same answer).

Playwright and ``publicsuffixlist`` are the ``scan`` extra: they are imported
only here, when a live scan runs, and their absence is one line
(:class:`LiveScanError`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cookie_catalog.catalog import patterns
from cookie_catalog.catalog.duration import UNITS
from cookie_catalog.catalog.model import Catalog, Cookie, Provenance
from cookie_catalog.interop.scan import Report, Sighting, compare

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Frame, Page

NO_CHOICE, REJECTED, ACCEPTED = "no choice", "rejected", "accepted"
CONSENT_EXEMPT = "strictly-necessary"  # the one category the exporters never put behind consent
MAX_URLS = 100
MAX_COOKIES = 5_000  # per state; Chromium keeps at most 180 a domain and 3,000 in all
MAX_KEYS = 2_000  # per storage of one frame
MAX_FRAMES = 50
MAX_NAME_CHARS = 4_096  # a cookie's name and value together are at most 4,096 bytes in Chromium
MAX_DURATION_AMOUNT = 999_999  # the catalog's duration spelling has at most six digits
ROUNDING = 0.02  # a lifetime that is no whole number of units is shown in the largest unit within 2 %
POLLING_MS = 50  # wait_for_function's default, once per animation frame, is throttled in a page not shown
SETTLE_WAIT = 2.0  # seconds after load (and after consent) for scripts to store what they store
LAUNCH_TIMEOUT = 60.0  # seconds at least for Chromium to start, whatever --timeout allows a page
BROWSER_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium refuses to start as root without it; a scan as another user keeps the sandbox.
ROOT_ARGS = ("--no-sandbox",)
QUIET_ARGS = ("--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync")
# What a visitor's browser stores, third parties included: recent Chromium builds block third-party cookies and
# storage (TrackingProtection3pcd), as Chrome itself does not. A page is scanned at the URL given, not upgraded to
# https. Chromium keeps the last --disable-features only, so this one replaces Playwright's list: third-party
# storage stays partitioned by site, as in Chrome. A --browser-arg with its own --disable-features replaces it.
FEATURE_ARGS = ("--disable-features=TrackingProtection3pcd,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",)
# Consent managers hide from automation (cookieconsent's hideFromBots); a visitor's browser says false.
NOT_A_BOT_JS = "Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false});"
CONSENT_APIS: dict[str, dict[str, str]] = {
    # https://cookieconsent.orestbida.com/reference/api-reference.html: acceptCategory([]) keeps the read-only ones.
    "cookieconsent": {
        "ready": "() => !!(window.CookieConsent && window.CookieConsent.acceptCategory)",
        ACCEPTED: "() => { window.CookieConsent.acceptCategory('all'); }",
        REJECTED: "() => { window.CookieConsent.acceptCategory([]); }",
    },
    # Klaro's ConsentManager (klaro.getManager()): changeAll, then saveAndApplyConsents runs or stops the services.
    "klaro": {
        "ready": "() => !!(window.klaro && window.klaro.getManager)",
        ACCEPTED: "() => { const m = window.klaro.getManager(); m.changeAll(true); m.saveAndApplyConsents(); }",
        REJECTED: "() => { const m = window.klaro.getManager(); m.changeAll(false); m.saveAndApplyConsents(); }",
    },
}
# The names in each Web Storage area and the IndexedDB databases of one frame, at most ``limit`` of each and
# none longer than ``longest``: a page decides how many keys there are and how long each is.
STORAGE_JS = """async ([limit, longest]) => {
  const read = area => {
    const out = {keys: [], total: 0, long: 0};
    try {
      const store = window[area];
      out.total = store.length;
      for (let i = 0; i < out.total && out.keys.length < limit; i++) {
        const key = store.key(i);
        if (key === null) continue;
        if (key.length > longest) out.long++; else out.keys.push(key);
      }
    } catch (e) {}
    return out;
  };
  const idb = {keys: [], total: 0, long: 0};
  try {
    const names = (await indexedDB.databases()).map(d => d.name);
    idb.total = names.length;
    for (const name of names.slice(0, limit)) if (name.length > longest) idb.long++; else idb.keys.push(name);
  } catch (e) {}
  return {origin: location.origin, host: location.hostname,
          areas: {'local-storage': read('localStorage'), 'session-storage': read('sessionStorage'), indexeddb: idb}};
}"""
STORAGE_LABELS = {
    "cookie": "cookie",
    "local-storage": "localStorage",
    "session-storage": "sessionStorage",
    "indexeddb": "IndexedDB database",
}
LIVE_SHOWS = frozenset(STORAGE_LABELS)  # pixels are requests, not storage: never reported as unseen


class LiveScanError(Exception):
    """A page cannot be scanned (bad URL, no browser, a load that failed or timed out); the message is one line."""


@dataclass(frozen=True)
class Consent:
    """How consent is given: a consent manager's API, or selectors to click (either may be None)."""

    api: str | None = None  # a key of CONSENT_APIS
    accept_selector: str | None = None
    reject_selector: str | None = None

    @property
    def states(self) -> tuple[str, ...]:
        """No choice always; rejected and accepted when there is a way to give them."""
        return (
            NO_CHOICE,
            *((REJECTED,) if self.api or self.reject_selector else ()),
            *((ACCEPTED,) if self.api or self.accept_selector else ()),
        )


@dataclass(frozen=True)
class Options:
    """How the browser runs: its executable, extra switches, and the time allowed."""

    executable: str | None = None  # Playwright's own Chromium, else one on PATH
    browser_args: tuple[str, ...] = ()
    timeout: float = 30.0  # seconds for a page load, a consent API to appear, a selector to be clickable
    wait: float = SETTLE_WAIT


@dataclass(frozen=True)
class Found:
    """One name a page stored, as the browser kept it in one consent state."""

    url: str
    state: str
    name: str
    storage: str  # a catalog storage: cookie, local-storage, session-storage or indexeddb
    domain: str  # the cookie's domain as the browser keeps it (".example.com"), or the frame's host
    party: Provenance
    duration: str  # catalog spelling: "session", "2 years", "persistent"

    def sighting(self) -> Sighting:
        where = f"{self.url} ({self.state}): {STORAGE_LABELS[self.storage]} of {self.domain}, {self.party}"
        return Sighting(self.name, self.storage, f"{where}, {self.duration}")

    def as_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("name", "storage", "domain", "party", "duration", "state", "url")}


@dataclass
class LiveReport(Report):
    """The file scan's report, and the names present although no consent was given."""

    without_consent: list[dict[str, str]] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return bool(self.undocumented or self.without_consent)

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "without_consent": self.without_consent}


def check_url(url: str) -> str:
    """The URL, if a browser should be sent there: http or https with a host; raises LiveScanError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LiveScanError(f"{url!r} is not a web address; expected one starting with http:// or https://")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise LiveScanError(f"{url!r} holds white space or a control character; expected a web address")
    return url


@cache
def _suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList  # the scan extra; checked by ``_require``

    return PublicSuffixList()


def site_of(host: str) -> str:
    """The registrable domain ("eTLD+1") of a host, as browsers define a site; an IP address or a
    host that is itself a public suffix (``localhost``) is its own site."""
    host = host.strip().strip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return _suffixes().privatesuffix(host) or host
    return host


def party(domain: str, page_site: str) -> Provenance:
    return "first-party" if site_of(domain) == page_site else "third-party"


def lifetime(expires: float, set_after: float, read_at: float) -> str:
    """A cookie's expiry (Unix time, -1 for a session cookie) as a catalog duration.

    The cookie was set between ``set_after`` and ``read_at``, so its lifetime is
    known only within that interval (widened by a second: an ``Expires`` date
    is whole seconds). A whole number of minutes or more inside it is what the
    site chose (Max-Age=7200 is "2 hours"). A lifetime on no round number (an
    ``Expires`` at a fixed date, a few seconds) is shown in the largest unit
    that is within ``ROUNDING`` of it.
    """
    if expires < 0:
        return "session"
    low, high = expires - read_at - 1, expires - set_after + 1
    middle = (low + high) / 2
    units = sorted(UNITS.items(), key=lambda item: -item[1][0])
    for unit, (seconds, _) in units:
        amount = round(middle / seconds)
        if unit != "second" and 1 <= amount <= MAX_DURATION_AMOUNT and low <= amount * seconds <= high:
            return _spelled(amount, unit)
    for unit, (seconds, _) in units:
        amount = max(1, round(middle / seconds))
        close = unit == "second" or abs(amount * seconds - middle) <= ROUNDING * middle
        if amount <= MAX_DURATION_AMOUNT and close:
            return _spelled(amount, unit)
    return "persistent"  # beyond 999,999 years; Chromium caps expiry at 400 days, so never in practice


def _spelled(amount: int, unit: str) -> str:
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _require() -> Any:
    """Playwright's sync API, or one line saying how to install the scan extra."""
    try:
        import publicsuffixlist  # noqa: F401
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise LiveScanError(
            f"scan --url needs Playwright for Python and publicsuffixlist ({exc.name or 'one'} is missing): "
            "pip install 'cookie-catalog[scan]'"
        ) from None
    return sync_playwright


def find_chromium(playwright: Any, executable: str | None) -> str | None:
    """The browser to run: the one named, else Playwright's own download, else a Chromium on PATH.

    None lets Playwright use its own (and say how to install it when missing).
    """
    if executable:
        found = executable if os.path.sep in executable else shutil.which(executable)
        if not found or not os.access(found, os.X_OK):
            raise LiveScanError(f"--chromium {executable!r}: no such executable")
        return found
    bundled = playwright.chromium.executable_path
    if bundled and os.access(bundled, os.X_OK):
        return None
    for name in BROWSER_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise LiveScanError(
        "no Chromium found: install one (apt-get install chromium, or `playwright install chromium`) "
        "or name it with --chromium PATH"
    )


def scan_urls(
    urls: list[str], consent: Consent, options: Options, warn: Callable[[str], None] = lambda _: None
) -> list[Found]:
    """Every name the pages stored, in every consent state ``consent`` can give, URL by URL."""
    if len(urls) > MAX_URLS:
        raise LiveScanError(f"{len(urls)} URLs given; expected at most {MAX_URLS} in one scan")
    for url in urls:
        check_url(url)
    sync_playwright = _require()
    found: list[Found] = []
    with sync_playwright() as playwright:
        executable = find_chromium(playwright, options.executable)
        launch_timeout = max(options.timeout, LAUNCH_TIMEOUT) * 1000  # a busy machine starts a browser slowly
        args = [
            *QUIET_ARGS,
            *FEATURE_ARGS,
            *(ROOT_ARGS if hasattr(os, "geteuid") and os.geteuid() == 0 else ()),
            *options.browser_args,
        ]
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=args, timeout=launch_timeout)
        except Exception as exc:  # Playwright's Error: the browser did not start
            raise LiveScanError(f"Chromium did not start: {_first_line(exc)}") from None
        try:
            for url in urls:
                for state in consent.states:
                    found += _visit(browser, url, state, consent, options, warn)
        finally:
            with contextlib.suppress(Exception):
                browser.close()
    return found


def _first_line(exc: BaseException) -> str:
    """Playwright's message without its call log and without the API call's name (``Page.goto: ``)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.startswith("=")]
    return re.sub(r"^[A-Za-z]+\.[A-Za-z]+: ", "", lines[0]) if lines else type(exc).__name__


def _visit(
    browser: Browser, url: str, state: str, consent: Consent, options: Options, warn: Callable[[str], None]
) -> list[Found]:
    """One fresh context (no cookies, no storage), the page loaded, consent given, then what it stored.

    Whatever else goes wrong in the browser (a renderer that crashed, a
    browser that went away) is one line about this page too, never a traceback.
    """
    try:
        context = browser.new_context(accept_downloads=False)
    except Exception as exc:
        raise LiveScanError(f"{url} ({state}): {_first_line(exc)}") from None
    context.set_default_timeout(options.timeout * 1000)
    try:
        context.add_init_script(NOT_A_BOT_JS)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.dismiss())
        started = time.time()
        _load(page, url, state, options)
        if state != NO_CHOICE:
            _give_consent(page, url, state, consent, options)
            _load(page, url, state, options, reload=True)  # what the server sets once it sees the choice
        return list(_recorded(context, page, url, state, started, options.timeout, warn))
    except LiveScanError:
        raise
    except Exception as exc:  # Playwright's Error, from any call above
        raise LiveScanError(f"{url} ({state}): {_first_line(exc)}") from None
    finally:
        with contextlib.suppress(Exception):  # a browser gone already has nothing left to close
            context.close()


def _load(page: Page, url: str, state: str, options: Options, *, reload: bool = False) -> None:
    try:
        if reload:
            page.reload(wait_until="load")
        else:
            page.goto(url, wait_until="load")
        page.wait_for_timeout(options.wait * 1000)
    except Exception as exc:  # Playwright's Error and TimeoutError: net::ERR_..., or no load within the timeout
        raise LiveScanError(f"{url} ({state}): could not be loaded: {_first_line(exc)}") from None


def _give_consent(page: Page, url: str, state: str, consent: Consent, options: Options) -> None:
    selector = consent.accept_selector if state == ACCEPTED else consent.reject_selector
    try:
        if selector:
            page.click(selector)
        elif consent.api:
            api = CONSENT_APIS[consent.api]
            page.wait_for_function(api["ready"], polling=POLLING_MS)
            # an evaluate with a timeout (see ``_storage``)
            page.wait_for_function(f"() => {{ ({api[state]})(); return true; }}", polling=POLLING_MS)
        page.wait_for_timeout(options.wait * 1000)
    except Exception as exc:
        how = f"clicking {selector!r}" if selector else f"the {consent.api} API"
        raise LiveScanError(f"{url} ({state}): consent through {how} failed: {_first_line(exc)}") from None


def _recorded(
    context: BrowserContext,
    page: Page,
    url: str,
    state: str,
    started: float,
    timeout: float,
    warn: Callable[[str], None],
) -> Iterator[Found]:
    """The context's cookies, then each frame's storage names, with party relative to the page's site."""
    read_at = time.time()
    page_site = site_of(urlsplit(page.url).hostname or "")
    cookies = context.cookies()
    if len(cookies) > MAX_COOKIES:
        warn(f"{url} ({state}): {len(cookies):,} cookies; read the first {MAX_COOKIES:,}")
    for cookie in cookies[:MAX_COOKIES]:
        domain = cookie.get("domain", "")
        yield Found(
            url,
            state,
            cookie.get("name", ""),
            "cookie",
            domain,
            party(domain, page_site),
            lifetime(float(cookie.get("expires", -1)), started, read_at),
        )
    frames = page.frames
    if len(frames) > MAX_FRAMES:
        warn(f"{url} ({state}): {len(frames):,} frames; read the storage of the first {MAX_FRAMES}")
    seen_origins: set[str] = set()
    for frame in frames[:MAX_FRAMES]:
        areas = _storage(frame, f"{url} ({state})", timeout, warn, main=frame is page.main_frame)
        if areas is None:
            continue
        if not areas.get("host") or areas["origin"] in seen_origins:
            continue
        seen_origins.add(areas["origin"])
        for storage, keys in areas["areas"].items():
            _warn_limits(keys, f"{url} ({state}): {STORAGE_LABELS[storage]} of {areas['origin']}", warn)
            for key in keys["keys"]:
                duration = "session" if storage == "session-storage" else "persistent"
                yield Found(url, state, key, storage, areas["host"], party(areas["host"], page_site), duration)


def _storage(
    frame: Frame, where: str, timeout: float, warn: Callable[[str], None], *, main: bool = False
) -> dict[str, Any] | None:
    """The names in one frame's storage; None when a frame within the page went away while read.

    ``evaluate`` waits as long as the page keeps its thread busy, so a page
    looping forever would hang the scan. ``wait_for_function`` runs the same
    function once when it answers, and gives up after the timeout when not.
    The page's own (``main``) frame navigating while read is read again, within
    the same time: a page that keeps navigating is an error, never a scan that
    saw nothing (its storage unread, every documented cookie "never seen").
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            handle = frame.wait_for_function(
                f"limits => ({STORAGE_JS})(limits)",
                arg=[MAX_KEYS, MAX_NAME_CHARS],
                timeout=max(1.0, (deadline - time.monotonic()) * 1000),
                polling=POLLING_MS,
            )
            return dict(handle.json_value())
        except Exception as exc:
            if "Timeout" in type(exc).__name__ or (main and time.monotonic() >= deadline):
                raise LiveScanError(
                    f"{where}: did not answer within {timeout:g} s "
                    "(a script that never yields, or a page that keeps navigating?)"
                ) from None
            if not main:
                warn(f"{where}: the storage of a frame at {frame.url} was not read: {_first_line(exc)}")
                return None  # the frame went away or navigated while read: nothing more to record from it


def _warn_limits(keys: dict[str, Any], where: str, warn: Callable[[str], None]) -> None:
    if keys["total"] > MAX_KEYS:
        warn(f"{where}: {keys['total']:,} names; read the first {MAX_KEYS:,}")
    if keys["long"]:
        warn(f"{where}: skipped {keys['long']} names longer than {MAX_NAME_CHARS:,} characters")


def covering(catalog: Catalog, name: str, storage: str) -> list[Cookie]:
    """The catalog entries of ``storage`` that document ``name``: the same name, or a pattern matching it."""
    return [
        cookie
        for plugin in catalog.plugins
        for cookie in plugin.cookies
        if cookie.storage == storage and (patterns.covers(cookie.name, name) if cookie.pattern else cookie.name == name)
    ]


def without_consent(catalog: Catalog, found: list[Found]) -> list[dict[str, str]]:
    """Names present with no choice made or after rejecting, that the catalog files under a category
    needing consent: what a regulator looks for first."""
    titles = {cookie.anchor: plugin.title for plugin in catalog.plugins for cookie in plugin.cookies}
    out: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for item in found:
        if item.state == ACCEPTED:
            continue
        for cookie in covering(catalog, item.name, item.storage):
            if cookie.category != CONSENT_EXEMPT:
                out.setdefault(
                    (item.url, item.state, item.name, item.storage),
                    {
                        **item.as_json(),
                        "plugin": titles[cookie.anchor],
                        "entry": cookie.name,
                        "anchor": cookie.anchor,
                        "category": cookie.category,
                    },
                )
    return list(out.values())


def compare_live(
    catalog: Catalog, found: list[Found], sightings: list[Sighting], shows: frozenset[str] = frozenset()
) -> LiveReport:
    """The file scan's comparison of everything seen (pages and any capture files), and the names
    present without consent."""
    report = compare(catalog, sightings + [item.sighting() for item in found], shows | LIVE_SHOWS)
    return LiveReport(**vars(report), without_consent=without_consent(catalog, found))
