"""The English labels the code and templates show, extracted with Babel; and the PO files that translate them.

``extract()`` is what a translator's template (POT) would hold: every ``_()``, ``ngettext()``, ``pgettext()``
of templates/*.j2, every message marked in the render stage's Python (``N_``, ``term_``), the built-in
categories' labels and descriptions, and the regulatory facts' vocabularies (``labels.VOCABULARIES``). The tests
compare it with each language's PO file, so an English label added without its 24 translations fails.

Run ``.venv/bin/python tests/support/messages.py`` after adding a label: it adds the new messages to every
PO file, untranslated (English stays their fallback until a translator fills them), and keeps every
translation already there.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

from cookie_catalog.catalog.model import BUILTIN_CATEGORIES
from cookie_catalog.render import labels

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
RENDER = REPO / "generator" / "cookie_catalog" / "render"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "plural_": (1, 2), "term_": ((1, "c"), 2)}
# Fixed, so that refreshing the files changes them only where a message changed.
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

Key = tuple[str | tuple[str, ...], str | None]


def _sources(templates_dir: Path) -> list[tuple[Path, str]]:
    templates = [(path, "jinja2.ext:babel_extract") for path in sorted(templates_dir.glob("*.j2"))]
    return [*templates, *((path, "python") for path in sorted(RENDER.glob("*.py")))]


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else path.name


def extract(templates_dir: Path = TEMPLATES) -> Catalog:
    """Every English message of the outputs, with where it comes from."""
    pot = Catalog(domain=labels.DOMAIN, project="cookie-catalog", creation_date=STAMP, revision_date=STAMP)
    for path, method in _sources(templates_dir):
        options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"} if method != "python" else {}
        for lineno, message, comments, context in extract_from_file(method, str(path), KEYWORDS, options=options):
            pot.add(message, locations=[(_shown(path), lineno)], auto_comments=comments, context=context)
    for key, texts in BUILTIN_CATEGORIES.items():
        for text in texts:
            pot.add(text, locations=[("generator/cookie_catalog/catalog/model.py", 0)], auto_comments=[key])
    for field, (context, texts) in labels.VOCABULARIES.items():
        for key, text in texts.items():
            where = [("generator/cookie_catalog/catalog/model.py", 0)]
            pot.add(text, locations=where, auto_comments=[f"{field}: {key}"], context=context)
    return pot


def read(lang: str) -> Catalog:
    with labels.po_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=labels.DOMAIN)


def write(catalog: Catalog, lang: str) -> None:
    path = labels.po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=120, sort_output=True, include_lineno=False)


def refresh(lang: str) -> Catalog:
    """The language's PO file with every extracted message: translations kept, new messages untranslated."""
    pot = extract()
    old = read(lang) if labels.po_path(lang).exists() else Catalog(locale=lang)
    fresh = Catalog(
        locale=lang,
        domain=labels.DOMAIN,
        project="cookie-catalog",
        version="1",
        copyright_holder="the Cookie Catalog authors",
        creation_date=STAMP,
        revision_date=STAMP,
        last_translator="the Cookie Catalog authors",
        language_team=lang,
        fuzzy=False,
    )
    for message in pot:
        if not message.id:
            continue
        kept = old.get(message.id, message.context)
        fresh.add(message.id, kept.string if kept else None, context=message.context, locations=message.locations)
    return fresh


if __name__ == "__main__":
    for language in sys.argv[1:] or labels.SUPPORTED:
        write(refresh(language), language)
