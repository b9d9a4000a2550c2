"""Translations of the catalog's texts: gettext PO files beside the catalog, one per language.

Everything a person wrote in the catalog (the product's title, intro and contact, the notes, the plugins'
titles and descriptions, each cookie's purpose, condition and duration note, the declared categories' labels
and descriptions) can be translated; names, durations, categories and every other fact stay in the YAML, once.
A translation lives in ``translations/<language>.po``, keyed by what it translates, not by its English text: the
entry's ``msgctxt`` names the text (``cookie:webchat/_genesys.widgets.webchat.state:purpose``), its ``msgid`` is
the source text as the translation was made from it, and its ``msgstr`` the translation. So two cookies with the
same purpose are translated apart, and a changed source is seen as changed (the translation is then outdated
and the default language shows until a translator confirms it). PO is what Weblate, Crowdin, Poedit and Babel
read and write.

A text without a usable translation falls back to the default language's, as an :class:`Untranslated` string:
the renderers mark it for the reader (``lang`` and a small "(in English)").
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.catalog import Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po, write_po

from cookie_catalog.catalog.inputfile import InputError, read_text
from cookie_catalog.catalog.model import Catalog, Category, CategoryDef, Cookie, Note, Plugin
from cookie_catalog.catalog.problems import Problem, display_path, quoted

TRANSLATIONS_DIR = "translations"
MAX_PO_BYTES = 16 * 1024 * 1024
MAX_PO_ENTRIES = 500_000
# What a translation must carry over from its source unchanged: format placeholders, HTML-like tags, web
# addresses and code spans. Catalog text is shown literally, so these are what a reader or a tool still acts on.
_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}|%(?:\([^)\s]*\))?[sdif]|</?[A-Za-z][^<>]*>|https?://[^\s<>)\]]+|`[^`]*`")
_COOKIE_FIELDS = ("purpose", "condition", "duration_note")


class Untranslated(str):
    """A text shown in the default language because its translation is missing or outdated."""

    __slots__ = ("lang",)
    lang: str

    def __new__(cls, text: str, lang: str) -> Untranslated:
        made = super().__new__(cls, text)
        made.lang = lang
        return made


@dataclass(frozen=True)
class LanguageStatus:
    """How complete one language's translation is."""

    language: str
    total: int
    translated: int
    fuzzy: int  # marked fuzzy by a translator or by `translations update`: shown in the default language
    outdated: int  # translated from a source text that has changed since, and `update` not yet run

    @property
    def missing(self) -> int:
        return self.total - self.translated

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.translated * 100 // self.total


@dataclass(frozen=True)
class Translations:
    """Every language's usable translations (key -> text), and how complete each is."""

    default: str
    texts: Mapping[str, Mapping[str, str]]
    status: tuple[LanguageStatus, ...]


# Keys: what each translatable text is, by identity.


def cookie_key(plugin: Plugin, cookie: Cookie, field: str) -> str:
    """``cookie:<plugin>/<name>[@domain][ (storage)]:<field>``: the cookie by its identity, not its text."""
    return _cookie_prefix(Path(plugin.source).stem, cookie) + field


def _cookie_prefix(stem: str, cookie: Cookie) -> str:
    """A cookie's keys but the field: made once for all its fields, with its plugin's stem made once a plugin."""
    where = f"@{cookie.domain}" if cookie.domain else ""
    kind = f" ({cookie.storage})" if cookie.storage != "cookie" else ""
    return f"cookie:{stem}/{cookie.name}{where}{kind}:"


def sources(catalog: Catalog) -> dict[str, str]:
    """Every translatable text of the catalog by its key, in catalog order."""
    product = catalog.product
    found: dict[str, str | None] = {
        "product:title": product.title,
        "product:intro": product.intro,
        "product:contact": product.contact,
    }
    found.update({f"product:note:{i}": note.text for i, note in enumerate(product.notes, 1)})
    for key, definition in product.categories.items():
        found[f"category:{key}:label"] = definition.label
        found[f"category:{key}:description"] = definition.description
    for plugin in catalog.plugins:
        stem = Path(plugin.source).stem
        found[f"plugin:{stem}:title"] = plugin.title
        found[f"plugin:{stem}:description"] = plugin.description
        found.update({f"plugin:{stem}:note:{i}": note.text for i, note in enumerate(plugin.notes, 1)})
        for cookie in plugin.cookies:
            prefix = _cookie_prefix(stem, cookie)
            found.update({prefix + f: getattr(cookie, f) for f in _COOKIE_FIELDS})
    return {key: text for key, text in found.items() if text and text.strip()}


def placeholders(text: str) -> list[str]:
    """The placeholders and markup of ``text``, sorted: a translation must have the same."""
    return sorted(_PLACEHOLDER.findall(text))


# Reading and checking.


def po_path(root: Path, language: str) -> Path:
    return root / TRANSLATIONS_DIR / f"{language}.po"


def read_po_file(path: Path) -> PoCatalog:
    """One PO file, within its size limit; :class:`InputError` with the line when it is not a PO file."""
    text = read_text(path, MAX_PO_BYTES, "a gettext PO file")
    try:
        return read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as exc:
        raise InputError(f"is not a valid PO file: {str(exc).rsplit(' on ', 1)[0]}", exc.lineno + 1) from None
    except (ValueError, IndexError, KeyError) as exc:
        raise InputError(f"is not a valid PO file: {exc}") from None


def load(catalog: Catalog, root: Path, problems: list[Problem]) -> Translations:
    """The translations of ``catalog`` read from ``root/translations``; what is wrong is added to ``problems``.

    A catalog in one language has no texts to translate: its texts are not even listed (a second per
    100,000 cookies).
    """
    languages = catalog.languages
    known = sources(catalog) if languages[1:] else {}
    texts: dict[str, dict[str, str]] = {}
    status = []
    for language in languages[1:]:
        path = po_path(root, language)
        po = PoCatalog()
        if path.exists() or path.is_symlink():
            po = _read_reporting(path, problems)
        texts[language] = _checked(po, display_path(path), language, known, problems)
        status.append(_status(language, known, po))
    problems += _strays(root, languages)
    return Translations(languages[0], texts, tuple(status))


def _strays(root: Path, languages: tuple[str, ...]) -> list[Problem]:
    """PO files for a language the catalog does not publish (a typo in a file name, or a language dropped)."""
    directory = root / TRANSLATIONS_DIR
    if not directory.is_dir():
        return []
    expected = ", ".join(f"{lang}.po" for lang in languages[1:]) or "none (catalog.yml names one language)"
    return [
        Problem(
            display_path(path),
            0,
            0,
            "",
            f"is for a language catalog.yml's `languages:` does not name; expected {expected}",
        )
        for path in sorted(directory.glob("*.po"))
        if path.stem not in languages[1:]
    ]


def _read_reporting(path: Path, problems: list[Problem]) -> PoCatalog:
    """One PO file, or an empty one with the reason in ``problems``: a file that cannot be read, or too long."""
    shown = display_path(path)
    try:
        po = read_po_file(path)
    except InputError as exc:
        problems.append(Problem(shown, exc.line, 0, "", exc.message))
        return PoCatalog()
    if len(po) > MAX_PO_ENTRIES:
        problems.append(Problem(shown, 0, 0, "", f"holds {len(po):,} entries; at most {MAX_PO_ENTRIES:,} are accepted"))
        return PoCatalog()
    return po


def _checked(
    po: PoCatalog, shown: str, language: str, known: Mapping[str, str], problems: list[Problem]
) -> dict[str, str]:
    """The usable translations of one file: known key, same source, not fuzzy, same placeholders."""
    declared = po.locale_identifier
    if declared and declared.replace("_", "-").lower() != language.lower():
        problems.append(Problem(shown, 1, 1, "Language", f"is {quoted(declared)}; expected {language}"))
    usable: dict[str, str] = {}
    for message in _entries(po):
        problem = _entry_problem(message, known)
        if problem:
            problems.append(Problem(shown, message.lineno or 0, 1, f"msgctxt {quoted(message.context)}", problem))
            continue
        text = message.string
        assert isinstance(text, str) and message.context is not None
        if text and not message.fuzzy and message.id == known[message.context]:
            usable[message.context] = text
    return usable


def _entries(po: PoCatalog) -> Iterator[Message]:
    return (message for message in po if message.id)  # the header is the entry with an empty msgid


def _entry_problem(message: Message, known: Mapping[str, str]) -> str | None:
    """What is wrong with one entry, or None."""
    if message.context is None:
        return "the entry has no msgctxt; expected the key of the text it translates, as `translations update` writes"
    if message.context not in known:
        return "names no text of the catalog (a removed cookie or a typo?); run `translations update` to retire it"
    if not isinstance(message.string, str) or message.pluralizable:
        return "has plural forms; expected one msgid and one msgstr"
    if message.string and placeholders(message.string) != placeholders(str(message.id)):
        source, translated = placeholders(str(message.id)), placeholders(message.string)
        return f"the translation has the placeholders or markup {translated}; expected those of the source, {source}"
    return None


def _status(language: str, known: Mapping[str, str], po: PoCatalog) -> LanguageStatus:
    """Counted from the file as it is (a file that cannot be read counts as empty)."""
    translated = fuzzy = outdated = 0
    for message in _entries(po):
        key = message.context
        if key is None or key not in known or not isinstance(message.string, str) or not message.string:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif message.id != known[key]:
            outdated += 1
        elif placeholders(message.string) == placeholders(str(message.id)):
            translated += 1
    return LanguageStatus(language, len(known), translated, fuzzy, outdated)


# Applying.


class _Translate:
    """A text's translation by its key; the text itself, as :class:`Untranslated`, where there is none."""

    def __init__(self, texts: Mapping[str, str], default: str) -> None:
        self.texts = texts
        self.default = default

    def __call__(self, key: str, text: str) -> str:
        if not text.strip():
            return text
        found = self.texts.get(key)
        return found if found is not None else Untranslated(text, self.default)

    def optional(self, key: str, text: str | None) -> str | None:
        return None if text is None else self(key, text)


def localized(catalog: Catalog, translations: Translations, language: str) -> Catalog:
    """``catalog`` with its texts in ``language``; a text without a translation stays as :class:`Untranslated`."""
    if language == translations.default:
        return dataclasses.replace(catalog, language=language)
    tr = _Translate(translations.texts.get(language, {}), translations.default)
    product = catalog.product
    notes = [_note(note, tr(f"product:note:{i}", note.text)) for i, note in enumerate(product.notes, 1)]
    update = {f: tr.optional(f"product:{f}", getattr(product, f)) for f in ("title", "intro", "contact")}
    localized_product = product.model_copy(update={**update, "notes": notes})
    categories = tuple(_category(c, tr, product.categories) for c in catalog.categories)
    plugins = tuple(_plugin(p, tr) for p in catalog.plugins)
    return dataclasses.replace(
        catalog, product=localized_product, categories=categories, plugins=plugins, language=language
    )


def _note(note: Note, text: str) -> Note:
    return note.model_copy(update={"text": text})


def _category(category: Category, tr: _Translate, declared: Mapping[str, CategoryDef]) -> Category:
    """A declared category's own label and description translated; a built-in one's are the labels' business."""
    definition = declared.get(category.key)
    if definition is None:
        return category
    label = tr(f"category:{category.key}:label", definition.label) if definition.label else category.label
    description = category.description
    if definition.description:
        description = tr(f"category:{category.key}:description", definition.description)
    return Category(category.key, label, description)


def _plugin(plugin: Plugin, tr: _Translate) -> Plugin:
    stem = Path(plugin.source).stem
    notes = tuple(_note(n, tr(f"plugin:{stem}:note:{i}", n.text)) for i, n in enumerate(plugin.notes, 1))
    cookies = tuple(_cookie(plugin, c, tr) for c in plugin.cookies)
    return dataclasses.replace(
        plugin,
        title=tr(f"plugin:{stem}:title", plugin.title),
        description=tr.optional(f"plugin:{stem}:description", plugin.description),
        notes=notes,
        cookies=cookies,
    )


def _cookie(plugin: Plugin, cookie: Cookie, tr: _Translate) -> Cookie:
    update = {f: tr.optional(cookie_key(plugin, cookie, f), getattr(cookie, f)) for f in _COOKIE_FIELDS}
    return Cookie(cookie.entry.model_copy(update=update), cookie.anchor)


# Writing: `translations update`.


def updated_po(catalog: Catalog, language: str, existing: PoCatalog | None) -> str:
    """The PO file for ``language`` with every current text: translations kept, changed sources marked fuzzy.

    A translation whose source changed keeps its text, marked fuzzy, with the source it was made from as
    ``#| msgid``; one whose text left the catalog is kept as an obsolete entry (``#~``), so nothing a translator
    wrote is lost. The header holds no date: the same catalog and file give the same bytes.
    """
    retired = {m.context: m for m in existing.obsolete.values() if m.context} if existing is not None else {}
    live = {m.context: m for m in _entries(existing) if m.context} if existing is not None else {}
    old: dict[str, Message] = {**retired, **live}  # a retired entry whose text came back is taken up again
    out = PoCatalog(locale=None, header_comment="", fuzzy=False)
    known = sources(catalog)
    for key, text in known.items():
        out[text] = _updated_entry(key, text, old.get(key))
    for key, message in old.items():
        if key not in known and isinstance(message.string, str) and message.string:
            out.obsolete[(str(message.id), key)] = message
    buffer = io.BytesIO()
    write_po(buffer, out, width=0, omit_header=True, include_previous=True, no_location=True)
    return _header(catalog, language) + buffer.getvalue().decode("utf-8")


def _updated_entry(key: str, text: str, old: Message | None) -> Message:
    if old is None or not isinstance(old.string, str):
        return Message(text, "", context=key)
    comments = old.user_comments
    if old.id == text:
        return Message(
            text, old.string, context=key, flags=old.flags, previous_id=old.previous_id, user_comments=comments
        )
    if not old.string:
        return Message(text, "", context=key, user_comments=comments)
    previous = old.previous_id if old.fuzzy and old.previous_id else old.id
    return Message(
        text, old.string, context=key, flags={*old.flags, "fuzzy"}, previous_id=previous, user_comments=comments
    )


def _header(catalog: Catalog, language: str) -> str:
    plural = get_plural(language.replace("-", "_"))
    version = f" {catalog.product.version}" if catalog.product.version else ""
    lines = [
        f"# {language} translations of the texts of the {catalog.product.product} cookie catalog.",
        "# Written by `cookie-catalog translations update`: translate each msgstr; msgctxt names the text.",
        'msgid ""',
        'msgstr ""',
        f'"Project-Id-Version: {_po_escape(catalog.product.product + version)}\\n"',
        f'"Language: {language}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: nplurals={plural.num_plurals}; plural={plural.plural_expr};\\n"',
        "",
    ]
    return "\n".join(lines) + "\n"


def _po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")


def in_language(catalog: Catalog, language: str) -> Catalog:
    """``catalog`` (as loaded, with its translations) with its texts in ``language``, one it publishes."""
    found = catalog.translations or Translations(catalog.languages[0], {}, ())
    return localized(catalog, found, language)
