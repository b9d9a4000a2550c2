"""Translations of the catalog's texts: languages in catalog.yml, PO files keyed by identity, checked, updated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.catalog.translations import Untranslated, in_language, placeholders, sources
from cookie_catalog.render.pages import Renderer

from support.catalogs import plugin_yaml, write_catalog
from support.cli import no_traceback
from support.paths import CATALOG
from support.strategies import markup_nonblank

PRODUCT = "product: Test\nintro: Our cookies.\nlanguages: [en, de]\n"
PURPOSE_KEY = "cookie:web/a:purpose"


def catalog(tmp_path: Path, product: str = PRODUCT, cookies=(("a", "Keeps the chat open."),)) -> Path:
    return write_catalog(tmp_path / "cat", product, {"web.yml": plugin_yaml("Web", list(cookies))})


def po(root: Path, language: str, text: str) -> Path:
    path = root / "translations" / f"{language}.po"
    path.parent.mkdir(exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + text, encoding="utf-8")
    return path


def entry(key: str, source: str, translation: str) -> str:
    return f'msgctxt "{key}"\nmsgid "{source}"\nmsgstr "{translation}"\n\n'


def problems(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(root)
    return [str(p) for p in caught.value.problems]


# languages: in catalog.yml


@pytest.mark.parametrize("given", ["xx", "english", "EN", "de_DE", "en-", "zz-ZZ"])
def test_an_unknown_language_is_an_error_at_its_line_and_column(tmp_path, cli, monkeypatch, given):
    root = catalog(tmp_path, f"product: Test\nlanguages: [en, {given}]\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("validate", "cat")
    assert code == 1 and no_traceback(err)
    assert re.search(r"cat/catalog\.yml:2:\d+: languages\[1\]: .* is not a known language; expected", err), err
    assert any("is not a known language" in p for p in problems(root))


def test_a_language_named_twice_is_an_error(tmp_path):
    root = catalog(tmp_path, "product: Test\nlanguages: [en, de, en]\n")
    assert any("names 'en' twice" in p for p in problems(root))


def test_languages_default_to_english_and_name_the_default_first(tmp_path):
    assert load_catalog(catalog(tmp_path, "product: Test\n")).languages == ("en",)
    assert load_catalog(CATALOG).languages == ("en", "de", "fr")
    assert load_catalog(catalog(tmp_path / "x", "product: Test\nlanguages: [fr, pt-BR]\n")).language == "fr"


# Validation of the PO files


def test_an_entry_for_a_cookie_that_does_not_exist_is_an_error_at_its_line(tmp_path):
    root = catalog(tmp_path)
    po(
        root,
        "de",
        entry(PURPOSE_KEY, "Keeps the chat open.", "Hält den Chat offen.")
        + entry("cookie:web/gone:purpose", "Old.", "Alt."),
    )
    found = problems(root)
    assert len(found) == 1
    assert found[0].endswith(
        "cat/translations/de.po:10:1: msgctxt 'cookie:web/gone:purpose': names no text of the catalog "
        "(a removed cookie or a typo?); run `translations update` to retire it"
    ), found


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Holds {name}.", "Enthält {Name}."),
        ("Holds %s.", "Enthält."),
        ("See https://example.com/a.", "Siehe https://example.org/a."),
        ("Set by <b>us</b>.", "Von uns gesetzt."),
        ("Holds `x`.", "Enthält `y`."),
    ],
)
def test_a_translation_with_other_placeholders_is_an_error(tmp_path, source, translation):
    root = catalog(tmp_path, cookies=(("a", source),))
    po(root, "de", entry(PURPOSE_KEY, source, translation))
    found = problems(root)
    # Babel locates an entry by its msgid line
    assert len(found) == 1 and "de.po:6:1: msgctxt 'cookie:web/a:purpose': the translation has" in found[0], found


def test_a_po_file_for_a_language_not_published_is_an_error(tmp_path):
    root = catalog(tmp_path)
    po(root, "fr", "")
    assert any("fr.po: is for a language catalog.yml's `languages:` does not name" in p for p in problems(root))


def test_a_broken_po_file_is_one_line_with_its_line(tmp_path, cli, monkeypatch):
    root = catalog(tmp_path)
    po(root, "de", 'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nthis is no PO line\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("validate", "cat")
    assert code == 1 and no_traceback(err)
    assert re.search(r"cat/translations/de\.po:9:1: is not a valid PO file: Unknown or misformatted keyword", err), err


def test_a_po_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    from cookie_catalog.catalog import translations

    monkeypatch.setattr(translations, "MAX_PO_BYTES", 1000)
    root = catalog(tmp_path)
    po(root, "de", "# " + "x" * 2000 + "\n")
    assert any("bytes; at most 1,000 are accepted" in p for p in problems(root))


# Missing translations: counted, and shown in the default language, marked


def test_missing_translations_are_counted_by_validate_and_status(tmp_path, cli, monkeypatch):
    root = catalog(tmp_path, cookies=(("a", "Keeps the chat open."), ("b", "Counts visits.")))
    po(root, "de", entry(PURPOSE_KEY, "Keeps the chat open.", "Hält den Chat offen."))
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("validate", "cat")
    assert code == 0
    total = len(sources(load_catalog(root)))  # intro, plugin title, two purposes
    assert f"cat: translations: de: 1 of {total} translated" in out and f"{total - 1} shown in en" in out
    code, out, _ = cli("translations", "status", "cat")
    assert code == 0 and f"de: 1 of {total} translated" in out


def test_an_untranslated_text_falls_back_to_the_default_language_marked(tmp_path):
    root = catalog(tmp_path, cookies=(("a", "Keeps the chat open."), ("b", "Counts visits.")))
    po(root, "de", entry(PURPOSE_KEY, "Keeps the chat open.", "Hält den Chat offen."))
    german = in_language(load_catalog(root), "de")
    a, b = german.plugins[0].cookies
    assert a.purpose == "Hält den Chat offen." and not isinstance(a.purpose, Untranslated)
    assert isinstance(b.purpose, Untranslated) and b.purpose.lang == "en"
    page = Renderer(german).plugin_page(german.plugins[0])
    assert '<span lang="en">Counts visits&#46;</span> <small class="cc-untranslated">(Englisch)</small>' in page or (
        '<span lang="en">Counts visits.</span> <small class="cc-untranslated">(Englisch)</small>' in page
    ), page
    assert "Hält den Chat offen." in page and 'lang="en">Hält' not in page


def test_fuzzy_and_outdated_translations_are_not_shown(tmp_path):
    root = catalog(tmp_path, cookies=(("a", "Keeps the chat open."), ("b", "Counts visits.")))
    po(
        root,
        "de",
        "#, fuzzy\n"
        + entry(PURPOSE_KEY, "Keeps the chat open.", "Hält den Chat offen.")
        + entry("cookie:web/b:purpose", "Counted visits.", "Zählte Besuche."),
    )
    loaded = load_catalog(root)
    status = loaded.translations.status[0]
    assert (status.translated, status.fuzzy, status.outdated) == (0, 1, 1)
    german = in_language(loaded, "de")
    assert all(isinstance(c.purpose, Untranslated) for c in german.plugins[0].cookies)


# translations update


def update(cli, root: Path) -> str:
    code, _, err = cli("translations", "update", root)
    assert code == 0, err
    return (root / "translations" / "de.po").read_text(encoding="utf-8")


def test_update_writes_every_text_keyed_by_identity_with_no_date(tmp_path, cli):
    root = catalog(tmp_path, cookies=(("a", "Same."), ("b", "Same.")))
    text = update(cli, root)
    assert "Date" not in text and "POT-Creation" not in text
    messages = {m.context: m for m in read_po(iter(text.splitlines(keepends=True))) if m.id}
    assert set(messages) == {"product:intro", "plugin:web:title", "cookie:web/a:purpose", "cookie:web/b:purpose"}
    assert update(cli, root) == text  # the same catalog, the same bytes


def test_update_marks_changed_sources_fuzzy_and_loses_nothing(tmp_path, cli):
    root = catalog(tmp_path, cookies=(("a", "Keeps the chat open."), ("b", "Counts visits.")))
    po(
        root,
        "de",
        entry(PURPOSE_KEY, "Keeps the chat open.", "Hält den Chat offen.")
        + entry("cookie:web/b:purpose", "Counts visits.", "Zählt Besuche."),
    )
    # a's purpose changes, b is removed
    (root / "plugins" / "web.yml").write_text(plugin_yaml("Web", [("a", "Keeps the chat window open.")]))
    text = update(cli, root)
    assert (
        '#, fuzzy\n#| msgid "Keeps the chat open."\nmsgctxt "cookie:web/a:purpose"\n'
        'msgid "Keeps the chat window open."\nmsgstr "Hält den Chat offen."' in text
    ), text
    assert '#~ msgctxt "cookie:web/b:purpose"\n#~ msgid "Counts visits."\n#~ msgstr "Zählt Besuche."' in text
    load_catalog(root)  # what update wrote validates
    # b comes back: its translation is taken up again
    (root / "plugins" / "web.yml").write_text(
        plugin_yaml("Web", [("a", "Keeps the chat window open."), ("b", "Counts visits.")])
    )
    text = update(cli, root)
    assert 'msgctxt "cookie:web/b:purpose"\nmsgid "Counts visits."\nmsgstr "Zählt Besuche."' in text
    assert "#~" not in text


def test_update_retires_the_entries_that_validate_refuses(tmp_path, cli):
    root = catalog(tmp_path)
    po(root, "de", entry("cookie:web/gone:purpose", "Old.", "Alt."))
    assert problems(root)
    text = update(cli, root)
    assert '#~ msgctxt "cookie:web/gone:purpose"' in text
    load_catalog(root)


def test_update_needs_a_second_language(tmp_path, cli):
    root = catalog(tmp_path, "product: Test\n")
    code, _, err = cli("translations", "update", root)
    assert code == 1 and "names no language to translate into" in err


def test_a_translators_round_trip(tmp_path, cli):
    """update, translate in the PO file, build: the page shows the translation, and the rest marked."""
    root = catalog(tmp_path, cookies=(("a", "Keeps the chat open."), ("b", "Counts visits.")))
    text = update(cli, root)
    translated = text.replace(
        'msgid "Keeps the chat open."\nmsgstr ""', 'msgid "Keeps the chat open."\nmsgstr "Hält den Chat offen."'
    )
    assert translated != text
    (root / "translations" / "de.po").write_text(translated, encoding="utf-8")
    code, out, _ = cli("translations", "status", root)
    assert code == 0 and "de: 1 of 4 translated (25%), 3 shown in en" in out
    docs = tmp_path / "docs"
    code, _, err = cli("build", root, "--docs-dir", docs)
    assert code == 0, err
    page = (docs / "de" / "cookies" / "web.md").read_text(encoding="utf-8")
    assert "Hält den Chat offen." in page
    assert '<span lang="en">Counts visits' in page and "(Englisch)" in page
    assert "Keeps the chat open." in (docs / "cookies" / "web.md").read_text(encoding="utf-8")
    assert update(cli, root) == translated  # the translator's file survives the next update as it is


def test_the_bundled_catalog_is_translated_in_full():
    loaded = load_catalog(CATALOG)
    for status in loaded.translations.status:
        assert status.translated == status.total == len(sources(loaded)), status
    purposes = [k for k in sources(loaded) if k.endswith(":purpose")]
    assert len(purposes) == 37
    for language in ("de", "fr"):
        texts = loaded.translations.texts[language]
        assert all(texts[k] != sources(loaded)[k] for k in purposes)  # every purpose in the language, not copied


def test_an_incomplete_translation_builds_with_the_fallback_marked(tmp_path, cli):
    """The project's site with two German texts untranslated: built strictly, each shown in English and
    marked, and `translations status` counting them."""
    from support.sitebuild import build, project_copy

    project = project_copy(tmp_path / "project")
    po_file = project / "catalog" / "translations" / "de.po"
    text = po_file.read_text(encoding="utf-8")
    note = "Ein Sitzungscookie einer aktiven WebChat-Sitzung wird automatisch gelöscht"
    ping = "Ein Sitzungscookie mit dem Zeitpunkt der letzten erfolgreichen Anfrage an den Server."
    for translated in (note, ping):
        text = re.sub(rf'msgstr "{re.escape(translated)}[^"]*"', 'msgstr ""', text)
    po_file.write_text(text, encoding="utf-8")
    code, out, _ = cli("translations", "status", project / "catalog")
    assert code == 0 and "de: 54 of 56 translated (96%), 2 shown in en" in out and "fr: 56 of 56" in out
    result = build(project, project / "site")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    page = (project / "site" / "de" / "cookies" / "webchat" / "index.html").read_text(encoding="utf-8")
    marker = '</span> <small class="cc-untranslated">(Englisch)</small>'
    assert page.count(marker) == 2, page
    assert '<span lang="en">A session cookie containing the time at which the last successful request' in page
    assert '<span lang="en">An active WebChat session cookie is automatically deleted' in page
    assert ping not in page
    french = (project / "site" / "fr" / "cookies" / "webchat" / "index.html").read_text(encoding="utf-8")
    assert "cc-untranslated" not in french


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_po_file_or_folder_linking_out_of_the_catalog_is_neither_read_nor_written(tmp_path, cli, what):
    root = catalog(tmp_path)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "de.po").write_text('msgid ""\nmsgstr ""\n\nmsgctxt "k"\nmsgid "secret text"\nmsgstr "x"\n')
    if what == "file":
        (root / "translations").mkdir()
        (root / "translations" / "de.po").symlink_to(secret / "de.po")
    else:
        (root / "translations").symlink_to(secret)
    found = problems(root)
    assert len(found) == 1 and "is a symbolic link that leads out of the catalog" in found[0], found
    assert "secret text" not in found[0]
    code, _, err = cli("translations", "update", root)
    assert code == 1 and "leads out of the catalog" in err and no_traceback(err)
    assert "secret text" in (secret / "de.po").read_text()  # untouched


# Translations are text, like every catalog text: hostile ones render verbatim and inert


def _write_po(root: Path, entries: dict[str, tuple[str, str]]) -> None:
    """A PO file written by Babel (which escapes), as a translator's tool would."""
    import io

    from babel.messages.catalog import Catalog as PoCatalog
    from babel.messages.pofile import write_po

    out = PoCatalog(locale="de")
    for key, (source, translation) in entries.items():
        out.add(source, translation, context=key)
    buffer = io.BytesIO()
    write_po(buffer, out)
    (root / "translations").mkdir(exist_ok=True)
    (root / "translations" / "de.po").write_bytes(buffer.getvalue())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(translation=markup_nonblank.filter(lambda t: not placeholders(t) and t.strip() == t and "\x00" not in t))
def test_a_hostile_translation_renders_verbatim_and_inert(tmp_path_factory, translation):
    from support.inert import seen
    from support.rendered import parse, site_markdown

    root = catalog(tmp_path_factory.mktemp("t"), cookies=(("a", "Keeps the chat open."), ("b", "Counts visits.")))
    _write_po(root, {PURPOSE_KEY: ("Keeps the chat open.", translation)})
    german = in_language(load_catalog(root), "de")
    from mkdocs.utils.meta import get_data

    page, _ = get_data(Renderer(german).plugin_page(german.plugins[0]))  # front matter, as MkDocs reads it
    html = site_markdown().convert(page)
    parsed = parse(html)
    cells = [text for tag, text in parsed.blocks if tag == "td"]
    assert seen(translation) in cells, (translation, cells)
    assert "Counts visits. (Englisch)" in cells
    for tag, attrs in parsed.tags:
        assert tag in {
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "span",
            "code",
            "small",
            "br",
            "wbr",
            "a",
            "h1",
            "p",
            "div",
        }, (tag, attrs)
        assert not [k for k in attrs if k.lower().startswith("on")]
        if tag == "span":
            assert attrs == {"lang": "en"} or attrs.get("class") == "cc-anchor", attrs
