"""The fixed labels in the 24 official EU languages: complete PO files, same placeholders, CLDR durations and dates.

The English labels are extracted from the templates and the render code with Babel (tests/support/messages.py),
so a label added in English without its translations fails here, naming it.
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
import re
import tempfile
from pathlib import Path

import jinja2
import pytest
from babel.messages.plurals import get_plural
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cookie_catalog.catalog.duration import UNITS, Duration
from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import BUILTIN_CATEGORIES, LEGAL_BASES, SAFEGUARDS
from cookie_catalog.render import labels
from cookie_catalog.render.labels import SUPPORTED, Labels, install, labels_for, placeholders
from cookie_catalog.render.pages import Renderer
from cookie_catalog.render.policy import policy_html, policy_markdown

from support import messages
from support.catalogs import write_catalog
from support.inert import seen
from support.paths import CATALOG
from support.rendered import parse, site_markdown
from support.strategies import catalogs, markup_nonblank, write, yaml_quote

EU_LANGUAGES = [
    *("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr"),
    *("hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"),
]
# Labels land unescaped in Markdown tables and as marked-safe HTML: none may hold a character either reads.
MARKUP = re.compile(r"[|*_`\[\]<>&\\#\n]")


def _key(message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def source():
    return {_key(m): m for m in messages.extract() if m.id}


def _forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_the_24_official_languages_of_the_eu():
    assert sorted(SUPPORTED) == EU_LANGUAGES
    assert all(labels.po_path(lang).is_file() for lang in SUPPORTED)


def test_extraction_finds_every_kind_of_label(source):
    """The extraction itself works: template calls, contexts, plurals, marked Python, built-in categories."""
    assert (None, "Name") in source
    assert ("storage", "local-storage") in source
    assert source[(None, "%(num)s cookie")].pluralizable
    assert (None, "%(num)s year") in source
    assert (None, BUILTIN_CATEGORIES["strictly-necessary"][0]) in source
    assert len(source) > 70


def test_a_new_english_label_is_caught(tmp_path: Path, source):
    """A template with a label no PO file has: the extraction lists it, so the completeness test fails."""
    (tmp_path / "extra.md.j2").write_text('{{ _("A label nobody translated") }}\n', encoding="utf-8")
    extracted = {_key(m) for m in messages.extract(tmp_path) if m.id}
    translated = {_key(m) for m in messages.read("de") if m.id}
    assert (None, "A label nobody translated") in extracted - translated


# Words a template may show untranslated: the download formats' names.
_NOT_WORDS = {"CSV", "HTML", "JSON", "Markdown", "PDF"}
_KEY = re.compile(r"[a-z0-9_.#|/:-]*")


def bare_english(template: str, translated: set[str]) -> list[str]:
    """Text a template shows that gettext never sees: words outside tags, and string literals in expressions
    that are neither a message nor a key (lower-case, no space: "policy", "first-party", "_note.md.j2") nor
    punctuation (a separator such as ", "). Front matter (``---`` lines around keys for the site) is not shown."""
    text = re.sub(r"\{#.*?#\}", " ", template, flags=re.S)
    text = re.sub(r"^---$.*?^---$", " ", text, flags=re.S | re.M)
    text = re.sub(r"<style\b.*?</style>", " ", text, flags=re.S)
    expressions = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, flags=re.S)
    literals = [a or b for e in expressions for a, b in re.findall(r'"([^"]*)"|\'([^\']*)\'', e)]
    outside = re.sub(r"<[^>]*>|\]\([^)]*\)", " ", re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S))
    words = [w for w in re.findall(r"[A-Za-z]{2,}", outside) if w not in _NOT_WORDS]
    shown = [lit for lit in literals if re.search(r"[A-Za-z]", lit)]
    return words + [lit for lit in shown if lit not in translated and not _KEY.fullmatch(lit)]


def test_templates_hold_no_bare_english(source):
    """Every label of the templates goes through gettext; the extraction then holds it."""
    translated: set[str] = set()
    for message in source.values():
        translated.update([message.id] if isinstance(message.id, str) else message.id)
    for path in sorted(messages.TEMPLATES.glob("*.j2")):
        assert not bare_english(path.read_text(encoding="utf-8"), translated), path.name


def test_bare_english_is_found():
    assert bare_english("| Name | {{ x }} |", set()) == ["Name"]
    assert bare_english('{{ (v or "not numbered") | md }}', set()) == ["not numbered"]
    assert bare_english('{{ _("Name") }} {{ x | term("provenance") }} <th class="a">', {"Name"}) == []
    assert bare_english('{{ x | join(", ") }} {{ x | join(" and ") }}', set()) == [" and "]
    front = "{% if a %}\n---\nhide:\n  - toc\n{% if b %}\nsearch:\n  exclude: true\n{% endif %}\n---\n{% endif %}\n"
    assert bare_english(front + "# All cookies", set()) == ["All", "cookies"]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_po_file_is_complete(lang, source):
    """Every extracted message, translated, not fuzzy, with the language's number of plural forms; none stale."""
    po = messages.read(lang)
    entries = {_key(m): m for m in po if m.id}
    missing = sorted(str(k) for k in source.keys() - entries.keys())
    stale = sorted(str(k) for k in entries.keys() - source.keys())
    assert not missing, f"{labels.po_path(lang)}: not translated: {missing}"
    assert not stale, f"{labels.po_path(lang)}: no longer in the templates or code: {stale}"
    nplurals = get_plural(lang).num_plurals
    for key, message in entries.items():
        assert not message.fuzzy, f"{lang}: {key} is fuzzy"
        forms = _forms(message)
        assert all(form.strip() for form in forms), f"{lang}: {key} has an empty translation"
        if message.pluralizable:
            assert len(forms) == nplurals, f"{lang}: {key} has {len(forms)} plural forms, expected {nplurals}"
    assert po.plural_expr == get_plural(lang).plural_expr


def _counts_by_form(lang: str) -> dict[int, set[int]]:
    """The counts 1-200 each plural form of the language's PO file is used for."""
    rule = gettext.c2py(get_plural(lang).plural_expr)
    forms: dict[int, set[int]] = {}
    for n in range(1, 201):
        forms.setdefault(rule(n), set()).add(n)
    return forms


@pytest.mark.parametrize("lang", SUPPORTED)
def test_placeholders_match(lang):
    """A translation keeps its source's placeholders. A plural form keeps the plural's when it is used for any
    count but 1 (Croatian's "one" is also 21), the singular's when used for 1 alone; it may hold both."""
    counts = _counts_by_form(lang)
    for message in messages.read(lang):
        if not message.id:
            continue
        if not message.pluralizable:
            assert placeholders(message.string) == placeholders(message.id), f"{lang}: {message.id!r}"
            continue
        singular, plural = (set(placeholders(text)) for text in message.id)
        for index, form in enumerate(message.string):
            found = set(placeholders(form))
            needed = plural if counts.get(index, {0}) - {1} else singular
            assert needed <= found <= singular | plural, f"{lang}: {message.id[0]!r} form {index}: {form!r}"


_SCRIPT_ONLY = {m if isinstance(m, str) else m[0] for m in labels.FINDER_TEXT.values()} - {
    "Category",
    "Provenance",
    "Storage",
}


@pytest.mark.parametrize("lang", SUPPORTED)
def test_translations_are_plain_text(lang):
    """No Markdown or HTML syntax, no stray whitespace: a label reads the same in every output format.
    (The finder's texts, which its script sets as text, may hold a name such as _ga_ABC123.)"""
    for message in messages.read(lang):
        if not message.id:
            continue
        if _key(message)[1] in _SCRIPT_ONLY:
            assert all(form == form.strip() for form in _forms(message))
            continue
        for form in _forms(message):
            assert not MARKUP.search(form), f"{lang}: {form!r} holds markup"
            assert form == form.strip(), f"{lang}: {form!r} has surrounding whitespace"


@pytest.mark.parametrize("lang", SUPPORTED)
def test_no_stray_percent_sign(lang):
    """Templates format every message with ``%``: a lone "%" in a translation would fail the render."""
    for message in messages.read(lang):
        for form in _forms(message) if message.id else ():
            assert "%" not in re.sub(r"%\(\w+\)s|%%", "", form), f"{lang}: {form!r}"


def test_placeholders_are_compared():
    """The check above can fail: a dropped or renamed placeholder differs."""
    assert placeholders("Version %(version)s") != placeholders("Version")
    assert placeholders("Changes from %(old)s to %(new)s") == placeholders("Von %(new)s, vorher %(old)s")
    assert placeholders("%(num)s cookie") != placeholders("%(n)s Cookie")


def test_english_is_the_source():
    for message in messages.read("en"):
        if message.id:
            assert _forms(message) == ((message.id,) if isinstance(message.id, str) else message.id)


def test_translations_differ_from_english():
    """A language whose labels are English has not been translated (names such as 'Marketing' aside)."""
    en = labels_for("en")
    probes = ("Purpose", "Consent categories", "This part sets no cookies.", "Strictly necessary")
    for lang in SUPPORTED:
        if lang != "en":
            same = [p for p in probes if labels_for(lang).gettext(p) == en.gettext(p)]
            assert not same, f"{lang}: {same} still English"


def test_sense_of_the_labels():
    """Spot checks of vocabulary as used in cookie banners, beyond mere presence."""
    assert labels_for("de").gettext("Strictly necessary") == "Unbedingt erforderlich"
    assert labels_for("fr").gettext("Strictly necessary") == "Strictement nécessaires"
    assert labels_for("pl").gettext("Strictly necessary") == "Ściśle niezbędne"
    assert labels_for("de").pgettext("provenance", "Third-party") == "Drittanbieter"
    assert labels_for("fr").gettext("%(label)s:") == "%(label)s\u00a0:"  # French spaces before a colon


# Durations and dates


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("de", "1 year", "1 Jahr"),
        ("de", "2 years", "2 Jahre"),
        ("de", "13 months", "13 Monate"),
        ("de", "session", "Sitzung"),
        ("de", "persistent", "Dauerhaft"),
        ("fr", "13 months", "13\u00a0mois"),
        ("fr", "1 year", "1\u00a0an"),
        ("fr", "2 years", "2\u00a0ans"),
        ("fr", "400 days", "400\u00a0jours"),
        ("pl", "1 year", "1 rok"),
        ("pl", "2 years", "2 lata"),
        ("pl", "5 years", "5 lat"),
        ("pl", "12 years", "12 lat"),
        ("pl", "22 years", "22 lata"),
        ("pl", "25 months", "25 miesięcy"),
        ("pl", "1000 days", "1000 dni"),
        ("mt", "2 years", "2 snin"),
        ("mt", "20 years", "20 sena"),
        ("ga", "2 years", "2 bhliain"),
        ("it", "13 months", "13 mesi"),
        ("en", "13 months", "13 months"),
    ],
)
def test_durations_by_cldr(lang, text, expected):
    got = labels_for(lang).duration(Duration.parse(text))
    # Babel's French patterns hold a no-break space where ours are compared loosely.
    assert got.replace("\u202f", "\u00a0") in (expected, expected.replace("\u00a0", " "))


def test_months_are_never_rounded_into_years():
    for lang in SUPPORTED:
        text = labels_for(lang).duration(Duration.parse("13 months"))
        assert "13" in text and text != labels_for(lang).duration(Duration.parse("1 year"))


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_unit_is_written_in_words(lang):
    """No language shows a CLDR key ("duration-year", what Babel writes where its data has no pattern)."""
    words = labels_for(lang)
    for unit in UNITS:
        for amount in (1, 2, 3, 5, 11, 21, 100):
            text = words.duration(Duration("fixed", amount, unit))
            assert str(amount) in text and "duration" not in text and not MARKUP.search(text), (lang, text)


# Latvian: gettext's rule puts 10-20 with 2-9 ("gadi"), CLDR with zero ("gadu"); runtime uses CLDR's.
_GETTEXT_RULE_DIFFERS = {"lv"}


@pytest.mark.parametrize("lang", sorted(set(SUPPORTED) - {"en"} - _GETTEXT_RULE_DIFFERS))
def test_po_unit_forms_agree_with_cldr(lang):
    """The PO files' unit forms (the fallback) say what CLDR says wherever Babel has CLDR's long form."""
    words = labels_for(lang)
    checked = 0
    for unit, (singular, plural) in labels.UNIT_FORMS.items():
        for amount in (*range(0, 30), 101, 102, 111, 1000):
            pattern = words._cldr_unit_pattern(unit, amount)
            if pattern is not None:
                po = words.ngettext(singular, plural, amount) % {"num": amount}
                assert po == pattern.replace("{0}", str(amount)), (lang, unit, amount)
                checked += 1
    assert checked or lang in {"mt", "ga"}


def test_english_duration_is_the_catalog_spelling():
    """English outputs are unchanged: CLDR's English equals the catalog's own text, any unit and amount."""
    en = labels_for("en")
    for unit in UNITS:
        for amount in (*range(1, 30), 999, 1000, 1500, 999999):
            d = Duration("fixed", amount, unit)
            assert en.duration(d) == d.text
    for kind in ("session", "persistent", "unknown"):
        assert en.duration(Duration(kind)) == Duration(kind).text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "15. April 2020"), ("fr", "15 avril 2020"), ("pl", "15 kwietnia 2020"), ("en", dt.date(2020, 4, 15))],
)
def test_dates_in_the_locale_form(lang, expected):
    assert labels_for(lang).date(dt.date(2020, 4, 15)) == expected
    assert labels_for(lang).date("2020-04-15") == "2020-04-15"  # not a date: as is
    assert labels_for(lang).date(None) is None


def test_plural_messages_follow_the_language():
    pl = labels_for("pl")
    forms = [pl.ngettext("%(num)s cookie", "%(num)s cookies", n) % {"num": n} for n in (1, 2, 5, 22)]
    assert forms == ["1 plik cookie", "2 pliki cookie", "5 plików cookie", "22 pliki cookie"]
    sl = labels_for("sl")
    assert [sl.ngettext("%(num)s cookie", "%(num)s cookies", n) % {"num": n} for n in (1, 2, 3, 5, 101)] == [
        "1 piškotek",
        "2 piškotka",
        "3 piškotke",
        "5 piškotkov",
        "101 piškotek",
    ]


# The interface


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="'xx' is not a supported language"):
        Labels("xx")


def test_labels_are_compiled_once():
    assert labels_for("de") is labels_for("de")


def test_html_templates_escape_placeholder_values():
    """New-style gettext in an autoescaped template: the message is trusted, the values are escaped."""
    env = jinja2.Environment(autoescape=True)
    install(env, labels_for("de"))
    html = env.from_string('{{ _("(renamed from %(title)s)", title=t) }}').render(t="<img src=x>")
    assert html == "(umbenannt, vorher &lt;img src=x&gt;)"


def test_unknown_term_is_shown_as_is():
    assert labels_for("de").term("cookie", "storage") == "Cookie"
    assert labels_for("de").term("something-new", "storage") == "something-new"


@pytest.mark.parametrize("lang", SUPPORTED)
def test_finder_text(lang):
    """The finder's texts in the script's shape: every key, a counted text with a form for each CLDR category
    a whole count of the language falls in and "other", and a count in every form used for a count other than 1."""
    text = labels_for(lang).finder_text()
    assert text.keys() == labels.FINDER_TEXT.keys()
    locale = labels_for(lang).locale
    for key, value in text.items():
        if isinstance(labels.FINDER_TEXT[key], str):
            assert isinstance(value, str) and value
            continue
        counted = {locale.plural_form(n) for n in range(1, 201)} | {"other"}
        assert isinstance(value, dict) and counted <= value.keys(), (lang, key)
        for category, form in value.items():
            if any(locale.plural_form(n) == category for n in range(2, 201)):
                assert "{count}" in form, (lang, key, category, form)
    json.dumps(text)


def test_finder_text_in_german():
    text = labels_for("de").finder_text()
    assert text["find"] == "Cookie suchen"
    assert text["prefixFound"] == {"one": "1 Cookie beginnt damit.", "other": "{count} Cookies beginnen damit."}
    assert labels_for("pl").finder_text()["prefixFound"]["few"] == "{count} pliki cookie zaczynają się w ten sposób."


def test_finder_script_keeps_the_same_english():
    """Once the finder's script is in the package, its TEXT says what FINDER_TEXT says, key for key."""
    script = Path(labels.__file__).resolve().parent.parent / "assets" / "cookie-catalog-tables.js"
    if not script.is_file():
        pytest.skip("the finder's script is not in this tree")
    block = re.search(r"var TEXT = \{(.*?)\n  \};", script.read_text(encoding="utf-8"), re.S)
    assert block, "TEXT not found in the finder's script"
    found = dict(re.findall(r'^\s*(\w+): "((?:[^"\\]|\\.)*)"', block.group(1), re.M))
    counted = re.findall(r'^\s*(\w+): \{\s*one: "([^"]*)",\s*other: "([^"]*)"', block.group(1), re.M | re.S)
    plural = {key: (one, other) for key, one, other in counted}
    assert (found.keys() - {"one", "other"}) | plural.keys() == labels.FINDER_TEXT.keys()
    for key, english in labels.FINDER_TEXT.items():
        assert found.get(key, plural.get(key)) == english, key


def test_table_for_scripts():
    assert labels_for("fr").table(["Name", "Not a message"]) == {"Name": "Nom", "Not a message": "Not a message"}


# Rendering


@pytest.fixture
def two_year_catalog(catalog_copy: Path) -> Path:
    webchat = catalog_copy / "plugins" / "webchat.yml"
    text = webchat.read_text(encoding="utf-8")
    webchat.write_text(text.replace("duration: session", "duration: 2 years", 1), encoding="utf-8")
    return catalog_copy


def test_german_policy(two_year_catalog: Path):
    renderer = Renderer(load_catalog(two_year_catalog), lang="de")
    markdown = policy_markdown(renderer)
    assert "| Name | Zweck | Speicherdauer | Herkunft | Kategorie | Bedingung | Speicherort |" in markdown
    assert "| 2 Jahre |" in markdown and "| Sitzung |" in markdown
    assert "## Einwilligungskategorien" in markdown and "| Unbedingt erforderlich |" in markdown
    assert "Diese Richtlinie führt 37 Cookies in 5 Teilen von Genesys Widgets auf." in markdown
    for english in ("| Purpose |", "| Session |", "Strictly necessary", "Third-party", "Consent categories"):
        assert english not in markdown
    html = policy_html(renderer, markdown)
    assert '<html lang="de">' in html and "<th>Speicherdauer</th>" in html
    # As the reader sees it: how the Markdown escapes the date's "15." is the escaper's business.
    assert "<strong>Zuletzt aktualisiert:</strong> 15. April 2020<br>" in html


def test_german_pages_and_fragments(two_year_catalog: Path):
    renderer = Renderer(load_catalog(two_year_catalog), lang="de", downloads_href="downloads")
    page = renderer.pages()["webchat.md"]
    assert "| Name | Zweck | Speicherdauer | Herkunft | Kategorie |" in page
    assert "[Unbedingt erforderlich](index.md#category-strictly-necessary)" in page
    assert "Die gesamte Cookie-Richtlinie herunterladen:" in page
    fragment = renderer.fragments()["webchat.html"]
    assert "<th>Speicherdauer</th>" in fragment and '<time datetime="P2Y">2 Jahre</time>' in fragment
    assert ">Unbedingt erforderlich</td>" in fragment


def test_german_all_cookies_page_and_its_link(catalog_copy: Path):
    pages = Renderer(load_catalog(catalog_copy), lang="de").pages()
    assert "\n# Alle Cookies\n\n37 Cookies in 5 Teilen von Genesys Widgets.\n" in pages["all-cookies.md"]
    assert "| Kategorie | Bedingung | Plugin |" in pages["all-cookies.md"]
    assert "[Alle Cookies in einer Tabelle](all-cookies.md)" in pages["index.md"]


def test_all_cookies_count_sentence_in_every_language(catalog_copy: Path):
    """The All cookies page counts with the language's plural forms and names the product, in every language."""
    catalog = load_catalog(catalog_copy)
    for lang in SUPPORTED:
        words = labels_for(lang)
        page = Renderer(catalog, lang=lang).pages()["all-cookies.md"]
        cookies = words.ngettext("%(num)s cookie", "%(num)s cookies", 37) % {"num": 37}
        assert f"# {words.gettext('All cookies')}\n" in page and cookies in page and "Genesys Widgets" in page, lang


# The regulatory facts under a cookie's provenance (templates/_cookie_facts.j2)

FACTS = """  - name: c
    purpose: p
    duration: 1 day
    provenance: third-party
    category: analytics
    legal_basis: consent
    third_party_access: true
    retention: 25 months
    lifetime_refreshed: false
    country: US
    transfers: [{country: US, safeguard: standard-contractual-clauses}, {country: IN}]
    data_categories: [%s]
"""


def facts_catalog(root: Path, categories: list[str]) -> Path:
    listed = ", ".join(yaml_quote(c) for c in categories)
    return write_catalog(root, plugins={"p.yml": "plugin: P\ncookies:\n" + FACTS % listed})


def facts_cells(html: str, lang: str) -> list[str]:
    """The provenance cells as a reader sees them (``<br>`` as a line break); no element the templates do not
    write, no handler."""
    parsed = parse(html)
    tags = {tag for tag, _ in parsed.tags} - {"html", "head", "body", "meta", "title", "style", "main", "aside", "hr"}
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "span", "code", "a", "br", "small", "wbr", "time"} | {
        "div",
        "section",
        "h1",
        "h2",
        "h3",
        "p",
        "blockquote",
        "strong",
    }, tags
    assert not [k for _, attrs in parsed.tags for k in attrs if k.lower().startswith("on")]
    third_party = labels_for(lang).pgettext("provenance", "Third-party")
    return [text for tag, text in parsed.blocks if tag == "td" and text.startswith(third_party + "\n")]


def test_german_facts(tmp_path: Path):
    """Every fact in German, the vocabulary as German cookie banners and the DSGVO write it."""
    catalog = load_catalog(facts_catalog(tmp_path / "cat", ["IP-Adresse", "Geräte-ID"]))
    expected = (
        "Drittanbieter\nRechtsgrundlage: Einwilligung\nDaten: IP-Adresse, Geräte-ID\n"
        "Speicherdauer der Daten: 25 Monate\nLaufzeit verlängert sich nicht durch Besuche\n"
        "Dritte können darauf zugreifen\nLand: US\n"
        "Übermittlung in ein Drittland (US): Standardvertragsklauseln (Art. 46 Abs. 2 lit. c DSGVO)\n"
        "Übermittlung in ein Drittland (IN): keine Garantie angegeben"
    )
    renderer = Renderer(catalog, lang="de")
    page = site_markdown().convert(renderer.pages()["p.md"])
    assert facts_cells(page, "de") == [expected]
    assert facts_cells(renderer.fragments()["p.html"], "de") == [expected]
    assert facts_cells(policy_html(renderer, policy_markdown(renderer)), "de") == [expected]
    # The model keeps its English: exports and lint read it.
    cookie = catalog.plugins[0].cookies[0]
    assert (cookie.legal_basis_text, cookie.transfers[1].safeguard_text) == ("Consent", "no safeguard given")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(markup_nonblank, min_size=1, max_size=3), st.sampled_from(["de", "fr", "pl", "el"]))
def test_catalog_text_inside_translated_facts_stays_text(categories, lang):
    """The data categories, filled into a translated sentence, are escaped as before: shown verbatim, inert."""
    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(facts_catalog(Path(tmp) / "cat", categories))
    words = labels_for(lang)
    transfer = words.gettext("Transfer to %(country)s: %(safeguard)s")
    expected = "\n".join(
        [
            words.pgettext("provenance", "Third-party"),
            words.gettext("Legal basis: %(basis)s") % {"basis": words.term("consent", "legal_basis")},
            words.gettext("Data: %(data)s") % {"data": seen(", ".join(categories))},
            words.gettext("Data kept: %(duration)s") % {"duration": words.duration(Duration.parse("25 months"))},
            words.gettext("Lifetime not renewed by visits"),
            words.gettext("Third parties can access it"),
            words.gettext("Country: %(country)s") % {"country": "US"},
            transfer % {"country": "US", "safeguard": words.term("standard-contractual-clauses", "safeguard")},
            transfer % {"country": "IN", "safeguard": words.gettext("no safeguard given")},
        ]
    )
    renderer = Renderer(catalog, lang=lang)
    page = site_markdown().convert(renderer.pages()["p.md"])
    for html in (page, renderer.fragments()["p.html"]):
        assert facts_cells(html, lang) == [expected]


def test_vocabularies_are_the_models_english_and_translated():
    """Every legal basis and safeguard the model knows has a term; English shows the model's text, every other
    language its own."""
    for field, texts in (("legal_basis", LEGAL_BASES), ("safeguard", SAFEGUARDS)):
        assert labels.VOCABULARIES[field][1] is texts
        for key, english in texts.items():
            assert labels_for("en").term(key, field) == english
            for lang in set(SUPPORTED) - {"en"}:
                assert labels_for(lang).term(key, field) != english, (lang, key)
    assert labels_for("fr").term("standard-contractual-clauses", "safeguard").startswith("clauses contractuelles types")
    assert labels_for("de").term("consent", "legal_basis") == "Einwilligung"
    assert labels_for("fr").gettext("Legal basis: %(basis)s") == "Base légale\u00a0: %(basis)s"


def test_a_catalogs_own_category_texts_are_kept(catalog_copy: Path):
    """Only the built-in wording is translated: a label the catalog gives stays (its translation is the catalog's)."""
    product = catalog_copy / "catalog.yml"
    product.write_text(
        product.read_text(encoding="utf-8") + "categories:\n  strictly-necessary:\n    label: Essential\n",
        encoding="utf-8",
    )
    categories = {c.key: c for c in Renderer(load_catalog(catalog_copy), lang="de").catalog.categories}
    assert categories["strictly-necessary"].label == "Essential"
    assert categories["strictly-necessary"].description.startswith("Erforderlich, damit")
    assert categories["analytics"].label == "Statistik"


def test_english_render_keeps_the_catalog_object():
    catalog = load_catalog(CATALOG)
    assert Renderer(catalog).catalog is catalog


def test_every_language_renders_the_seed():
    catalog = load_catalog(CATALOG)
    for lang in SUPPORTED:
        renderer = Renderer(catalog, lang=lang)
        markdown = policy_markdown(renderer)
        assert "37" in markdown and f'lang="{lang}"' in policy_html(renderer, markdown)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.sampled_from(["de", "pl", "fr", "ga"]))
def test_catalog_text_inside_a_translated_sentence_stays_text(data, lang):
    """Catalog text filled into a translated message (the product in the count sentence) is escaped as before."""
    with tempfile.TemporaryDirectory() as tmp:
        renderer = Renderer(load_catalog(write(data, Path(tmp) / "cat")), lang=lang)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(policy_markdown(renderer))
    parsed = parse(html)
    assert {tag for tag, _ in parsed.tags} <= {
        "h1",
        "h2",
        "h3",
        "p",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "strong",
        "blockquote",
        "small",
        "a",
        "em",
    }
    words = labels_for(lang)
    cookies = words.ngettext("%(num)s cookie", "%(num)s cookies", renderer.catalog.cookie_count)
    parts = words.ngettext("in %(num)s part", "in %(num)s parts", len(renderer.catalog.plugins))
    sentence = words.gettext("This policy lists %(cookies)s %(parts)s of %(product)s.") % {
        "cookies": cookies % {"num": renderer.catalog.cookie_count},
        "parts": parts % {"num": len(renderer.catalog.plugins)},
        "product": seen(data["product"]),
    }
    assert any(text.startswith(sentence) for tag, text in parsed.blocks if tag == "p"), sentence
