"""The fixed words of every output, in the 24 official languages of the EU, and durations and dates by CLDR.

Templates write their labels in English, the source language, through gettext (``{{ _("Name") }}``); the
translations are gettext PO files shipped in the package (``locales/<lang>/LC_MESSAGES/cookie-catalog.po``),
the format translators' tools (Poedit, Weblate, Crowdin) edit. They are compiled in memory with Babel when a
language is first asked for, so the wheel and an editable install read the very files in the repository and no
build step can leave a stale ``.mo`` behind.

Durations and dates follow CLDR's rules through Babel: "2 Jahre", "13 mois", "1 rok / 2 lata / 5 lat". Where
Babel's CLDR data lacks a unit's long form for a language (Maltese has none; Italian, Portuguese, Dutch,
Estonian and Irish miss some or hold abbreviations), the PO file's own plural forms of the unit are used; the
tests check those against CLDR wherever CLDR has them.

English keeps the outputs as they were before translations: dates in ISO 8601 (unambiguous between US and UK
readers) and durations in the catalog's own spelling, which CLDR's English agrees with.

Machine-readable keys (CSV headers, JSON keys, category keys) are never translated.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import io
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cookie_catalog.catalog.duration import Duration
from cookie_catalog.catalog.model import BUILTIN_CATEGORIES, LEGAL_BASES, SAFEGUARDS, Category

SOURCE = "en"
SUPPORTED: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
DOMAIN = "cookie-catalog"
LOCALES = Path(__file__).resolve().parent / "locales"
# Languages whose Babel unit data holds abbreviations where the long form belongs ("2 bhl" for two years in
# Irish): their durations always come from the PO file.
_CLDR_UNITS_UNUSABLE = frozenset({"ga"})
# The CLDR locale of a language where it is not the language alone: CLDR's "pt" is Brazil's Portuguese (zero is
# singular there, "0 segundo"); the EU's is Portugal's.
_CLDR_LOCALES = {"pt": "pt_PT"}


def N_(msgid: str) -> str:
    """Marks a message for extraction where it is defined (gettext's customary name); translated where shown."""
    return msgid


def plural_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with its plural for extraction (``ngettext``); translated with the count where shown."""
    return singular, plural


def term_(context: str, msgid: str) -> tuple[str, str]:
    """Marks a message with its context (``pgettext``) for extraction: a key's label, translated when shown."""
    return context, msgid


# The labels of the model's enumerations, by (field, key): the context tells translators what the word names.
TERMS: dict[tuple[str, str], tuple[str, str]] = {
    ("note", "important"): term_("note", "Important"),
    ("note", "note"): term_("note", "Note"),
    ("note", "warning"): term_("note", "Warning"),
    ("provenance", "first-party"): term_("provenance", "First-party"),
    ("provenance", "third-party"): term_("provenance", "Third-party"),
    ("storage", "cookie"): term_("storage", "cookie"),
    ("storage", "local-storage"): term_("storage", "local-storage"),
    ("storage", "session-storage"): term_("storage", "session-storage"),
    ("storage", "indexeddb"): term_("storage", "indexeddb"),
    ("storage", "pixel"): term_("storage", "pixel"),
    ("status", "added"): term_("status", "added"),
    ("status", "removed"): term_("status", "removed"),
}
# The regulatory facts' closed vocabularies, by field: (context, the model's English texts by key). The model
# keeps its English (exports and lint read it); the pages show it translated, as ``term``. Their messages are
# extracted from the model's tables (tests/support/messages.py), so the English is written in one place.
VOCABULARIES: dict[str, tuple[str, dict[str, str]]] = {
    "legal_basis": ("legal basis", LEGAL_BASES),
    "safeguard": ("transfer safeguard", SAFEGUARDS),
}
TERMS.update(
    {(field, key): (context, text) for field, (context, texts) in VOCABULARIES.items() for key, text in texts.items()}
)
# Lifetimes that are not an amount of time.
KIND_LABELS = {"session": N_("Session"), "persistent": N_("Persistent"), "unknown": N_("Unknown")}
# A unit's plural forms, used where Babel's CLDR data lacks the unit's long form for a language.
UNIT_FORMS: dict[str, tuple[str, str]] = {
    "second": plural_("%(num)s second", "%(num)s seconds"),
    "minute": plural_("%(num)s minute", "%(num)s minutes"),
    "hour": plural_("%(num)s hour", "%(num)s hours"),
    "day": plural_("%(num)s day", "%(num)s days"),
    "week": plural_("%(num)s week", "%(num)s weeks"),
    "month": plural_("%(num)s month", "%(num)s months"),
    "year": plural_("%(num)s year", "%(num)s years"),
}
# The cookie finder's words (assets/cookie-catalog-tables.js keeps them in English as its TEXT object; an index
# may carry them in the site's language as "text"), with the script's {field} placeholders. A pair is counted:
# the script picks the form by the CLDR plural category of the count (Intl.PluralRules).
FINDER_TEXT: dict[str, str | tuple[str, str]] = {
    "find": N_("Find a cookie"),
    "findHint": N_("Its name, such as _ga_ABC123"),
    "exact": N_("This cookie"),
    "pattern": N_("Could be"),
    "prefix": N_("Starts with"),
    "more": N_("and {count} more"),
    "notFound": N_("{query} is not in this policy."),
    "exactFound": N_("{query} is in this policy."),
    "patternFound": plural_(
        "{query} could be the pattern cookie {name}.", "{query} could be one of {count} pattern cookies."
    ),
    "prefixFound": plural_("1 cookie starts with it.", "{count} cookies start with it."),
    "details": N_("{plugin} · {category} · {duration}"),
    "filters": N_("Filter the cookies on this page"),
    "category": N_("Category"),
    "provenance": N_("Provenance"),
    "storage": N_("Storage"),
    "shown": N_("{shown} of {total} cookies"),
    "sortBy": N_("Sort by {column}"),
    "rowLink": N_("Link to {name}"),
    "copyName": N_("Copy the name {name}"),
    "copied": N_("Copied {name}"),
    "copyFailed": N_("Could not copy {name}; select it and copy"),
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%|\{\w*\}")


def placeholders(text: str) -> list[str]:
    """The placeholders of a message, sorted: a translation must keep exactly the source's."""
    return sorted(_PLACEHOLDER.findall(text))


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(lang: str) -> gettext_module.GNUTranslations:
    """The language's PO file as gettext reads a compiled catalog; fuzzy entries are left out, as msgfmt does."""
    with po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return gettext_module.GNUTranslations(mo)


class Labels:
    """One language's labels and formats: what templates call as ``_``, ``ngettext``, ``| duration``, ``| date``.

    A message missing from the language's PO file shows in English (gettext's own fallback).
    """

    def __init__(self, lang: str) -> None:
        if lang not in SUPPORTED:
            raise ValueError(f"{lang!r} is not a supported language; expected one of {', '.join(SUPPORTED)}")
        self.lang = lang
        self.locale = Locale.parse(_CLDR_LOCALES.get(lang, lang))
        self._translations = _compile(lang)
        self._durations: dict[Duration, str] = {}

    def __repr__(self) -> str:
        return f"Labels({self.lang!r})"

    def gettext(self, msgid: str) -> str:
        return self._translations.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, msgid: str) -> str:
        return self._translations.pgettext(context, msgid)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._translations.npgettext(context, singular, plural, n)

    def term(self, key: str, field: str) -> str:
        """The label of an enumeration's key (``term("first-party", "provenance")``); an unknown key as is."""
        found = TERMS.get((field, key))
        return self.pgettext(*found) if found else key

    def duration(self, d: Duration) -> str:
        """A lifetime as a reader of this language writes it: "Sitzung", "2 Jahre", "13 mois"."""
        text = self._durations.get(d)
        if text is None:
            text = self._durations[d] = self._duration(d)
        return text

    def _duration(self, d: Duration) -> str:
        if d.kind != "fixed":
            return self.gettext(KIND_LABELS[d.kind])
        pattern = self._cldr_unit_pattern(d.unit, d.amount)
        if pattern is None:
            singular, plural = UNIT_FORMS[d.unit]
            return self.ngettext(singular, plural, d.amount) % {"num": d.amount}
        # Digits without grouping, as the catalog writes them ("1000 Tage"): CLDR's patterns take any number text.
        return pattern.replace("{0}", str(d.amount))

    def _cldr_unit_pattern(self, unit: str, amount: int) -> str | None:
        """CLDR's long pattern of the unit for the amount's plural category; None where Babel's data has none."""
        if self.lang in _CLDR_UNITS_UNUSABLE:
            return None
        forms = self.locale._data["unit_patterns"].get(f"duration-{unit}", {}).get("long", {})
        pattern = forms.get(self.locale.plural_form(amount))
        return str(pattern) if pattern is not None else None

    def date(self, value: Any) -> Any:
        """A date in the locale's long form ("15. April 2020"); English keeps ISO 8601; anything else as is."""
        if not isinstance(value, dt.date) or self.lang == SOURCE:
            return value
        return format_date(value, "long", locale=self.locale)

    def category(self, category: Category) -> Category:
        """A category with its built-in label and description translated; a catalog's own texts are kept."""
        builtin = BUILTIN_CATEGORIES.get(category.key)
        if builtin is None:
            return category
        label, description = builtin
        return Category(
            category.key,
            self.gettext(label) if category.label == label else category.label,
            self.gettext(description) if category.description == description else category.description,
        )

    def table(self, msgids: Iterable[str]) -> dict[str, str]:
        """Messages by their English source, e.g. a script's strings, written as JSON for it to read.

        The hook for the finder's script: its English strings live in one place; the build asks for them
        here and writes the translated table beside the script.
        """
        return {msgid: self.gettext(msgid) for msgid in msgids}

    def finder_text(self) -> dict[str, str | dict[str, str]]:
        """The finder's ``TEXT`` in this language, for the build to write into the finder's index as "text".

        A counted text becomes one form per CLDR plural category of the language ({"one": ..., "few": ...,
        "other": ...}), each the PO file's form for a count of that category, as the script selects them.
        """
        return {
            key: self.gettext(message) if isinstance(message, str) else self._by_category(*message)
            for key, message in FINDER_TEXT.items()
        }

    def _by_category(self, singular: str, plural: str) -> dict[str, str]:
        # The smallest count of each category, up to a million ("many" is 1000000 in French); "other" always
        # (the script's fallback), even where only fractions are "other" (Polish).
        forms: dict[str, str] = {}
        for n in (*range(1, 201), 1_000_000):
            forms.setdefault(self.locale.plural_form(n), self.ngettext(singular, plural, n))
        forms.setdefault("other", self.ngettext(singular, plural, 1_000_000))
        return forms


@cache
def labels_for(lang: str) -> Labels:
    """The labels of a language, compiled once per process."""
    return Labels(lang)


def install(env: jinja2.Environment, labels: Labels) -> None:
    """Gives templates the language's labels: ``_``, ``ngettext``, ``pgettext``, the ``duration``, ``date``
    and ``term`` filters, and ``lang``.

    New-style gettext: ``_("Version %(version)s", version=v)`` formats after translating, and escapes the
    values in autoescaped (HTML) templates. A literal ``%`` in a message is written ``%%``.
    """
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        labels.gettext, labels.ngettext, newstyle=True, pgettext=labels.pgettext, npgettext=labels.npgettext
    )
    filters: dict[str, Callable[..., Any]] = {"duration": labels.duration, "date": labels.date, "term": labels.term}
    env.filters.update(filters)
    env.globals["lang"] = labels.lang
