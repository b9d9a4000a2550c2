"""Every export that another program renders, in that program: cookieconsent v3, Klaro!, Chromium.

Each catalog (hypothesis-generated, with markup in every text) is exported and
loaded on a page served from localhost: into cookieconsent and Klaro from
``node_modules`` (versions pinned in package.json), with cookieconsent's
consent and preferences modals and Klaro's notice and modal open; the policy
HTML as the Chromium PDF engine opens it; the HTML fragments inside a page, as
a CMS shows them. Then:

- no script from the catalog ran: no dialog, no global flag set by an
  ``onerror``/``onload`` payload, no page error, no request beyond localhost;
- no element or attribute appeared that the library or template does not
  create itself (allowlists read from the libraries' sources and the
  templates), so ``<b>`` from a purpose fails as much as ``<img onerror>``;
- every text of the catalog is shown verbatim (line breaks as ``<br>``,
  control characters as U+FFFD, as in every other output);
- a consent export pasted into a ``<script>`` element, as sites do, stays that
  one element.

Declining consent must delete exactly the catalog's cookies: a ``.`` or ``(``
in a name is literal, a pattern is a prefix.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import BUILTIN_CATEGORIES
from cookie_catalog.interop.exporters import cookieconsent, klaro
from cookie_catalog.render.pages import Renderer
from cookie_catalog.sinks.downloads import policy_files

from support.browsing import DESKTOP
from support.consumers import Files, installed_libraries
from support.inert import FRAGMENT_ALLOWED, POLICY_ALLOWED, seen, seen_line, violations
from support.strategies import category_texts, markup_catalogs, write

EXAMPLES = 12

# What each library creates itself (from their sources: cookieconsent's
# src/core/modals/*.js and icons, Klaro's src/components/*.jsx), and what our
# escaping adds: <br> for a line break. Tag -> attributes it may carry; and the
# only links: Klaro's "Realized with Klaro!".
CC_ALLOWED = {
    "div": {
        "id",
        "class",
        "role",
        "aria-modal",
        "aria-hidden",
        "aria-labelledby",
        "aria-describedby",
        "tabindex",
        "aria-label",
        "aria-level",
    },
    "h2": {"id", "class"},
    "p": {"id", "class"},
    "span": {"class", "aria-hidden"},
    "br": set(),
    "button": {"type", "class", "data-role", "aria-label", "aria-expanded", "aria-controls", "aria-haspopup"},
    "label": {"class"},
    "input": {"type", "class", "value", "disabled"},
    "table": {"class"},
    "thead": {"class"},
    "tbody": {"class"},
    "tr": {"class"},
    "th": {"id", "class", "scope"},
    "td": {"class", "data-column", "headers"},
    "svg": {"viewbox", "stroke-width"},
    "path": {"d"},
}
KLARO_ALLOWED = {
    "div": {"id", "class", "lang", "role", "tabindex", "aria-describedby", "aria-labelledby"},
    "h1": {"id", "class"},
    "h2": {"id", "class"},
    "p": {"id", "class"},
    "span": {"id", "class", "title"},
    "strong": set(),
    "br": set(),
    "ul": {"class"},
    "li": {"class"},
    "a": {"href", "class", "target", "rel", "aria-haspopup", "aria-expanded", "tabindex"},
    "button": {"class", "type", "title", "aria-label", "tabindex"},
    "label": {"for", "class", "tabindex"},
    "input": {"id", "class", "type", "aria-labelledby", "aria-describedby", "tabindex", "disabled"},
    "svg": {"role", "aria-label", "version", "width", "height", "xmlns"},
    "title": set(),
    "line": {"x1", "x2", "y1", "y2", "stroke-width"},
}
LINKS = {None, "#", "https://kiprotect.com/klaro"}

OWN_ELEMENTS_JS = """root => [...document.querySelector(root).querySelectorAll('*')]
  .map(e => [e.localName, e.getAttributeNames(), e.getAttribute('href')])"""
# The elements inside the elements that hold catalog text: there, only what our escaping writes
# (<br>) and what the library wraps text in may appear.
INSIDE_JS = """selector => [...document.querySelectorAll(selector)].flatMap(e => [...e.querySelectorAll('*')])
  .map(e => e.localName)"""
CC_TEXT_HOLDERS = (
    "#cm__title, #cm__desc, #cc-main .pm__section-title, #cc-main .pm__section-desc, #cc-main .pm__table-td > div"
)
KLARO_TEXT_HOLDERS = {"#klaro .cm-list-title": set(), "#klaro .cm-list-description": {"span", "br"}}
# Every element of the document or of its body: [tag, {attribute: value}], foreign ones with their
# namespace, and a comment as "<!-->" with its text as "data".
DOCUMENT_ELEMENTS_JS = """root => {
  const top = root === 'body' ? document.body : document.documentElement;
  const out = [top, ...top.querySelectorAll('*')].filter(e => root !== 'body' || e !== top).map(e => [
    e.namespaceURI === 'http://www.w3.org/1999/xhtml' ? e.localName : `{${e.namespaceURI}}${e.localName}`,
    Object.fromEntries(e.getAttributeNames().map(a => [a, e.getAttribute(a)]))]);
  const comments = document.createTreeWalker(top, NodeFilter.SHOW_COMMENT);
  while (comments.nextNode()) out.push(['<!-->', {data: comments.currentNode.data}]);
  return out;
}"""
TEXT_OF_JS = """const textOf = n => n.nodeType === Node.TEXT_NODE ? n.data
  : n.nodeName === 'BR' ? '\\n' : [...n.childNodes].map(textOf).join('');"""
TEXTS_JS = "selector => {" + TEXT_OF_JS + " return [...document.querySelectorAll(selector)].map(textOf); }"
CC_TEXTS_JS = (
    "() => {"
    + TEXT_OF_JS
    + """
  const all = sel => [...document.querySelectorAll(sel)].map(textOf);
  return {
    consent: [textOf(document.getElementById('cm__title')), textOf(document.getElementById('cm__desc'))],
    titles: all('#cc-main .pm__section-title'),
    descriptions: all('#cc-main .pm__section-desc'),
    rows: [...document.querySelectorAll('#cc-main .pm__table-tr')].map(tr => [...tr.children].map(textOf)),
  };
}"""
)
KLARO_NOTICE_JS = (
    "() => { "
    + TEXT_OF_JS
    + """
  const notice = document.querySelector('#klaro .cookie-notice');
  return notice && textOf(notice.querySelector('strong') || notice); }"""
)
KLARO_MODAL_JS = (
    "() => {"
    + TEXT_OF_JS
    + """
  const all = sel => [...document.querySelectorAll('#klaro .cookie-modal ' + sel)].map(textOf);
  return {titles: all('.cm-list-title'), descriptions: all('.cm-list-description')};
}"""
)
PASTED_JS = """() => ({text: document.getElementById('pasted').textContent,
  after: document.getElementById('after-pasted') !== null,
  scripts: [...document.scripts].filter(s => !s.closest('#cc-main, #klaro')).length})"""

CC_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cookieconsent</title>
<link rel="stylesheet" href="lib/cookieconsent.css"></head>
<body>
<script type="module" id="pasted">@EXPORT@</script>
<p id="after-pasted"></p>
<script type="module">
import config from './@MODULE@';
import * as CookieConsent from './lib/cookieconsent.esm.js';
window.CookieConsent = CookieConsent;
await CookieConsent.run(config);
CookieConsent.showPreferences();
window.__shown = true;
</script>
</body></html>
"""
KLARO_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>klaro</title></head>
<body>
<script id="pasted">@EXPORT@</script>
<p id="after-pasted"></p>
<script src="lib/klaro.js"></script>
</body></html>
"""
FRAGMENTS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>a CMS page</title></head>
<body>@FRAGMENTS@</body></html>
"""

# -- serving and the browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def served():
    """A directory served on localhost, with the libraries under lib/: (directory, base URL)."""
    libraries = installed_libraries()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lib").mkdir()
        for name, path in libraries.items():
            shutil.copyfile(path, root / "lib" / name)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Files, directory=tmp))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield root, f"http://127.0.0.1:{server.server_port}/"
        server.shutdown()
        server.server_close()


class Watch:
    """What a page did that it must not: dialogs, page errors, requests beyond localhost."""

    def __init__(self):
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []

    def guard(self, route):
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob", "about") or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def clear(self):
        self.dialogs.clear()
        self.errors.clear()
        self.outside.clear()


@pytest.fixture(scope="module")
def shared_page(browser):
    """One page for every example; its misdeeds are recorded in ``page.watch``."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    watch = Watch()
    context.route("**/*", watch.guard)
    # cookieconsent's default hideFromBots hides its UI when navigator.webdriver
    # is true, as it is under any automation: a visitor's browser says false.
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false});")
    page = context.new_page()
    page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.watch = watch
    yield page
    context.close()


def open_page(page, served, name: str, html: str) -> None:
    root, base = served
    (root / name).write_text(html, encoding="utf-8")
    page.context.clear_cookies()
    page.watch.clear()
    page.goto(base + name)


def assert_nothing_ran(page) -> None:
    assert page.evaluate("() => window.__xss") is None, "a payload from the catalog ran"
    assert page.watch.dialogs == [], f"a dialog opened: {page.watch.dialogs}"
    assert page.watch.errors == [], f"the page threw: {page.watch.errors}"
    assert page.watch.outside == [], f"requests beyond localhost: {page.watch.outside}"


def assert_own_elements(page, root: str, allowed: dict[str, set[str]]) -> None:
    for tag, attributes, href in page.evaluate(OWN_ELEMENTS_JS, root):
        assert tag in allowed, f"<{tag}> inside {root}: not an element the library makes"
        extra = {a for a in attributes if a.lower() not in allowed[tag]}
        assert not extra, f"<{tag}> inside {root} has attributes {extra}"
        assert href in LINKS, f"<{tag} href={href!r}> inside {root}"


def assert_pasted_intact(page, export: str) -> None:
    """The export inside one <script> element: it did not end the element or open another (the page has
    two scripts of its own; what a library inserts is judged by the allowlists)."""
    pasted = page.evaluate(PASTED_JS)
    assert pasted["text"] == export and pasted["after"] and pasted["scripts"] == 2, pasted


# -- the catalogs ----------------------------------------------------------------------------------


def used_categories(data: dict) -> list[str]:
    return list(dict.fromkeys(c["category"] for p in data["plugins"] for c in p["cookies"]))


def catalog_title(data: dict) -> str:
    return f"{data['product']} cookie policy"


def load(data: dict):
    with tempfile.TemporaryDirectory() as tmp:
        return load_catalog(write(data, Path(tmp) / "catalog"))


# -- cookieconsent ---------------------------------------------------------------------------------


def show_cookieconsent(page, served, export: str) -> None:
    """The export imported as the documented ES module, cookieconsent run with it, the preferences open."""
    (served[0] / "cc-config.mjs").write_text(export, encoding="utf-8")
    html = CC_PAGE.replace("@MODULE@", "cc-config.mjs").replace("@EXPORT@", export)
    open_page(page, served, "cc.html", html)
    assert_pasted_intact(page, export)
    page.wait_for_function("window.__shown === true")
    page.wait_for_selector("#cc-main .pm__section-title")


def expected_cookieconsent(data: dict) -> dict:
    texts = category_texts(data)
    used = used_categories(data)
    intro = data["intro"] or f"{data['product']} uses cookies; choose which ones you accept."
    descriptions = [data["intro"] or "", *(texts[key][1] for key in used)]
    return {
        "consent": [seen(catalog_title(data)), seen(intro)],
        "titles": sorted(seen(t) for t in [catalog_title(data), *(texts[key][0] for key in used)]),
        "descriptions": sorted(seen(d) for d in descriptions if d),
        "rows": sorted([seen(c["name"]), "2 years", seen(c["purpose"])] for p in data["plugins"] for c in p["cookies"]),
    }


def _plugin(title: str, *cookies: dict, description=None) -> dict:
    return {"plugin": title, "description": description, "note": None, "cookies": list(cookies)}


def _cookie(name: str, purpose: str, category: str = "analytics", pattern: bool = False) -> dict:
    return {
        "name": name,
        "purpose": purpose,
        "condition": None,
        "domain": None,
        "duration_note": None,
        "category": category,
        "pattern": pattern,
    }


def _catalog(*plugins: dict, product: str = "Shop", intro=None, categories=None) -> dict:
    return {
        "product": product,
        "intro": intro,
        "contact": None,
        "note": None,
        "categories": categories or {},
        "plugins": list(plugins),
    }


# The findings of the review, kept as an example: before the fix its texts ran or showed as markup in
# cookieconsent, ended the <script> element they were pasted into, and lost to Klaro's own English texts.
HOSTILE = _catalog(
    _plugin(
        "Chat </script><script>window.__xss=1</script>",
        _cookie("<b>bold</b>", '<img src=x onerror="window.__xss=1">'),
        _cookie("a&amp;b", '<svg onload="window.__xss=1"></svg> & {{revisionMessage}}', "marketing"),
        description='<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    ),
    product="Acme <b>Chat</b> </script><script>window.__xss=1</script>",
    intro="<!-- line one\nline two -->",
    categories={
        "marketing": {"label": "Ads <i>&</i> more", "description": '<img src=x onerror="window.__xss=1">'},
        "social": {"label": "Partners' <u>cookies</u>", "description": None},
    },
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup_catalogs())
@example(HOSTILE)
def test_cookieconsent_shows_catalog_text_verbatim_and_runs_none(shared_page, served, data):
    export = cookieconsent.export(load(data))
    show_cookieconsent(shared_page, served, export)
    assert_nothing_ran(shared_page)
    assert_own_elements(shared_page, "#cc-main", CC_ALLOWED)
    assert set(shared_page.evaluate(INSIDE_JS, CC_TEXT_HOLDERS)) <= {"br"}
    shown = shared_page.evaluate(CC_TEXTS_JS)
    expected = expected_cookieconsent(data)
    assert shown["consent"] == expected["consent"]
    assert sorted(shown["titles"]) == expected["titles"]
    assert sorted(shown["descriptions"]) == expected["descriptions"]
    assert sorted(shown["rows"]) == expected["rows"]


# -- Klaro! ----------------------------------------------------------------------------------------


def show_klaro(page, served, export: str) -> None:
    """The export in a <script> element before klaro.js, which shows its notice by itself."""
    open_page(page, served, "klaro.html", KLARO_PAGE.replace("@EXPORT@", export))
    assert_pasted_intact(page, export)
    page.wait_for_selector("#klaro .cookie-notice")


def expected_klaro(data: dict) -> dict:
    texts = category_texts(data)
    used = used_categories(data)
    titles, descriptions = [texts[key][0] for key in used], [seen(texts[key][1]) for key in used if texts[key][1]]
    for plugin in data["plugins"]:
        groups = Counter(c["category"] for c in plugin["cookies"])
        for key, count in groups.items():
            titles.append(f"{plugin['plugin']} ({texts[key][0]})" if len(groups) > 1 else plugin["plugin"])
            description = (
                plugin["description"] or f"{count} {'cookie' if count == 1 else 'cookies'}: {texts[key][0].lower()}."
            )
            descriptions.append(seen(description))
    return {"titles": sorted(titles), "descriptions": sorted(descriptions)}


# Klaro's own item that switches every service at once.
KLARO_OWN = {
    "titles": ["Enable or disable all services"],
    "descriptions": ["Use this switch to enable or disable all services."],
}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup_catalogs())
@example(HOSTILE)
def test_klaro_shows_catalog_text_verbatim_and_runs_none(shared_page, served, data):
    export = klaro.export(load(data))
    show_klaro(shared_page, served, export)
    used = used_categories(data)
    if used:
        notice = shared_page.evaluate(KLARO_NOTICE_JS)
        texts = category_texts(data)
        for key in used:
            if key != "strictly-necessary":  # Klaro asks no consent for its always-required purpose
                assert texts[key][0] in notice
    shared_page.evaluate("() => klaro.show(undefined, true)")
    shared_page.wait_for_selector("#klaro .cookie-modal")
    assert_nothing_ran(shared_page)
    assert_own_elements(shared_page, "#klaro", KLARO_ALLOWED)
    for holders, allowed in KLARO_TEXT_HOLDERS.items():
        assert set(shared_page.evaluate(INSIDE_JS, holders)) <= allowed, holders
    shown = shared_page.evaluate(KLARO_MODAL_JS)
    expected = expected_klaro(data)
    for kind in ("titles", "descriptions"):
        extra = Counter(shown[kind]) - Counter(expected[kind])
        assert Counter(expected[kind]) - Counter(shown[kind]) == Counter(), f"{kind} not shown verbatim: {shown[kind]}"
        assert set(extra) <= set(KLARO_OWN[kind]), f"unexpected {kind}: {extra}"


KLARO_PURPOSES_JS = (
    "() => {"
    + TEXT_OF_JS
    + """
  return [...document.querySelectorAll('#klaro .cm-purpose:not(.cm-toggle-all)')].map(li => {
    const input = li.querySelector(':scope > input.cm-list-input');
    const description = li.querySelector(':scope > div > p.cm-list-description');
    const services = [...li.querySelectorAll('.cm-services input.cm-list-input')];
    return {
      title: textOf(li.querySelector(':scope > label .cm-list-title')),
      description: description && textOf(description),
      required: input.disabled, checked: input.checked,
      services: services.map(i => [i.disabled, i.checked]),
      serviceDescriptions: [...li.querySelectorAll('.cm-services .cm-list-description')].map(textOf),
    };
  });
}"""
)


def _builtin_texts() -> dict[str, tuple[str, str]]:
    """Label and description of the categories the test catalog uses."""
    return {key: BUILTIN_CATEGORIES[key] for key in ("strictly-necessary", "functional", "marketing")}


@pytest.mark.parametrize("page_lang", ["en", "de"])
def test_klaro_shows_the_catalogs_purposes_and_switches(shared_page, served, page_lang):
    """Klaro's own meaning of the purpose "functional" (always required, "Service Provision", left out of the
    notice) must be the catalog's strictly necessary, not its optional functional; the catalog's texts win
    whatever the page's language; one cookie is "1 cookie"."""
    data = _catalog(
        _plugin("Chat", _cookie("chat_session", "Keeps the chat open.", "strictly-necessary")),
        _plugin("Prefs", _cookie("lang", "Remembers the language.", "functional")),
        _plugin("Ads", _cookie("ad_id", "Counts ad views.", "marketing")),
    )
    export = klaro.export(load(data))
    html = KLARO_PAGE.replace('lang="en"', f'lang="{page_lang}"').replace("@EXPORT@", export)
    open_page(shared_page, served, "klaro-purposes.html", html)
    shared_page.wait_for_selector("#klaro .cookie-notice")
    notice = shared_page.evaluate(KLARO_NOTICE_JS)
    texts = _builtin_texts()
    assert texts["functional"][0] in notice and texts["marketing"][0] in notice
    assert texts["strictly-necessary"][0] not in notice, notice  # no consent asked for what is required
    shared_page.evaluate("() => klaro.show(undefined, true)")
    shared_page.wait_for_selector("#klaro .cookie-modal")
    assert_nothing_ran(shared_page)
    shown = {p["title"]: p for p in shared_page.evaluate(KLARO_PURPOSES_JS)}
    assert set(shown) == {label for label, _ in texts.values()}, shown
    for key, (label, description) in texts.items():
        purpose = shown[label]
        assert purpose["description"] == description, (key, purpose["description"])
        required = key == "strictly-necessary"
        assert purpose["required"] is required and purpose["checked"] is required, (key, purpose)
        assert purpose["services"] == [[required, required]], (key, purpose)
        assert purpose["serviceDescriptions"] == [f"1 cookie: {label.lower()}."], purpose


# -- declining deletes exactly the catalog's cookies -----------------------------------------------

# Characters a browser keeps in a cookie name set through document.cookie. A name must not be, or be a
# prefix of, the strictly necessary cookie or the tools' own, nor start like a __Host- or __Secure- one.
COOKIE_CHARS = "abcXYZ019._-()[]{}^$*+?|\\/<>&!#%'~@:"
LIBRARY_COOKIES = {"cc_cookie", "klaro"}
KEPT = "keep"


def _usable(name: str) -> bool:
    """A name the catalog takes (not wildcards alone) that no cookie of the libraries or the kept one starts with."""
    if not name.replace("*", "").strip():
        return False
    return not name.startswith("__") and not any(other.startswith(name) for other in [*LIBRARY_COOKIES, KEPT])


literal_names = st.text(COOKIE_CHARS, min_size=1, max_size=6).filter(_usable)
prefix_names = st.text(COOKIE_CHARS.replace("*", ""), min_size=1, max_size=6).filter(_usable)


def decoys(name: str) -> list[str]:
    """Names a careless regex would also match: each special character swapped for a letter, and affixes."""
    swapped = [name[:i] + "Q" + name[i + 1 :] for i, ch in enumerate(name) if not ch.isalnum()]
    return [*swapped, "Q" + name, name + "Q"]


def _deletion_catalog(literals: list[str], prefixes: list[str]) -> dict:
    cookies = [_cookie(n, "p") for n in literals] + [_cookie(n, "p", pattern=True) for n in prefixes]
    return _catalog(_plugin("Tracker", *cookies), _plugin("Core", _cookie(KEPT, "p", "strictly-necessary")))


def should_delete(literals: list[str], prefixes: list[str], name: str) -> bool:
    return name in literals or any(name.startswith(prefix) for prefix in prefixes)


def jar(page) -> set[str]:
    return {c.split("=", 1)[0] for c in page.evaluate("() => document.cookie").split("; ") if c}


DECLINE = {
    "cookieconsent": "#cc-main .pm__btn[data-role='necessary']",
    "klaro": "#klaro .cn-decline",
}
CONSENT_STORED_JS = "() => document.cookie.split('; ').some(c => /^(cc_cookie|klaro)=/.test(c))"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(literal_names, min_size=1, max_size=3, unique=True), st.lists(prefix_names, max_size=2, unique=True))
@example(["a.b", "x(y)", "^c", "d$", "e*f", "<g>"], ["p.q_"])
def test_declining_deletes_exactly_the_catalog_cookies(shared_page, served, literals, prefixes):
    # A name listed as a literal and as a pattern is one cookie twice: the catalog refuses it.
    assume(not set(literals) & set(prefixes))
    catalog = load(_deletion_catalog(literals, prefixes))
    names = {KEPT, *literals, *prefixes, *(p + "zz" for p in prefixes)}
    names |= {d for n in [*literals, *prefixes] for d in decoys(n)}
    names -= LIBRARY_COOKIES
    expected = {n for n in names if not should_delete(literals, prefixes, n)}
    for library in ("cookieconsent", "klaro"):
        if library == "cookieconsent":
            show_cookieconsent(shared_page, served, cookieconsent.export(catalog))
        else:
            show_klaro(shared_page, served, klaro.export(catalog))
        shared_page.evaluate("names => names.forEach(n => { document.cookie = n + '=1; path=/'; })", sorted(names))
        assert jar(shared_page) >= names, f"the browser refused some test cookies: {names - jar(shared_page)}"
        shared_page.click(DECLINE[library])
        shared_page.wait_for_function(CONSENT_STORED_JS)
        left = jar(shared_page) - LIBRARY_COOKIES
        assert left == expected, f"{library}: deleted {sorted(names - left)}, expected {sorted(names - expected)}"
        assert_nothing_ran(shared_page)


# -- the policy HTML and the fragments ---------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup_catalogs())
@example(HOSTILE)
def test_policy_html_and_fragments_in_chromium_hold_only_their_templates_markup(shared_page, served, data):
    """The policy HTML as the Chromium PDF engine loads it, and the fragments inside a page, as a CMS shows them."""
    catalog = load(data)
    title = f"{data['product']} cookie policy"
    open_page(shared_page, served, "policy.html", policy_files(catalog, ["html"])["cookie-policy.html"].decode())
    assert_nothing_ran(shared_page)
    assert violations(shared_page.evaluate(DOCUMENT_ELEMENTS_JS, "html"), POLICY_ALLOWED) == []
    assert shared_page.evaluate(TEXTS_JS, "h1") == [seen(title)]
    assert shared_page.evaluate(TEXTS_JS, "h3") == [seen_line(p["plugin"]) for p in data["plugins"]]

    fragments = "\n".join(Renderer(catalog).fragments().values())
    open_page(shared_page, served, "fragments.html", FRAGMENTS_PAGE.replace("@FRAGMENTS@", fragments))
    assert_nothing_ran(shared_page)
    assert violations(shared_page.evaluate(DOCUMENT_ELEMENTS_JS, "body"), FRAGMENT_ALLOWED) == []
    assert shared_page.evaluate(TEXTS_JS, "h2") == [seen(p["plugin"]) for p in data["plugins"]]
    assert shared_page.evaluate(TEXTS_JS, ".cookie-catalog__purpose") == [
        seen(c["purpose"]) for p in data["plugins"] for c in p["cookies"]
    ]
