"""``cookie-catalog translations status|update``: the catalog's texts in its other languages, for translators."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cookie_catalog.catalog import translations as tr
from cookie_catalog.catalog.inputfile import InputError
from cookie_catalog.catalog.loader import load_catalog, translation_refusals
from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.problems import CatalogError, Problem, display_path
from cookie_catalog.cli.common import CATALOG_ARG, fail, load_or_exit, print_problems
from cookie_catalog.sinks.directory import SinkError, write_file


@click.group()
def translations() -> None:
    """The catalog's texts in the other languages catalog.yml names (translations/<language>.po)."""


@translations.command()
@CATALOG_ARG
def status(catalog: Path) -> None:
    """How complete each language of CATALOG is; untranslated texts show in the default language."""
    model = load_or_exit(catalog)
    click.echo(f"{catalog}: {model.languages[0]} (default), {len(tr.sources(model))} texts")
    for line in status_lines(model):
        click.echo(line)


def status_lines(model: Catalog) -> list[str]:
    """One line per translated language: what is done and what the reader sees in the default language."""
    found = model.translations
    if found is None:
        return []
    lines = []
    for s in found.status:
        waiting = [f"{n} {what}" for n, what in ((s.fuzzy, "fuzzy"), (s.outdated, "outdated")) if n]
        detail = f" ({', '.join(waiting)})" if waiting else ""
        lines.append(
            f"{s.language}: {s.translated} of {s.total} translated ({s.percent}%), "
            f"{s.missing} shown in {found.default}{detail}"
        )
    return lines


@translations.command()
@CATALOG_ARG
def update(catalog: Path) -> None:
    """Write or refresh translations/<language>.po for each language but the default.

    New texts are added untranslated; a translation whose source changed is kept, marked fuzzy, with the
    source it was made from; one whose text left the catalog is kept as an obsolete entry.
    """
    try:
        model = load_catalog(catalog, with_translations=False)
    except CatalogError as exc:
        print_problems(exc, catalog)
        sys.exit(1)
    if len(model.languages) == 1:
        fail(
            f"{display_path(catalog / 'catalog.yml')}: names no language to translate into; "
            "expected `languages: [en, de, ...]`, the default first"
        )
    refused = translation_refusals(catalog, model.languages)
    if refused:
        print_problems(CatalogError(refused), catalog)
        sys.exit(1)
    written = []
    for language in model.languages[1:]:
        path = tr.po_path(catalog, language)
        try:
            existing = tr.read_po_file(path) if path.exists() or path.is_symlink() else None
        except InputError as exc:
            print_problems(CatalogError([Problem(display_path(path), exc.line, 0, "", exc.message)]), catalog)
            sys.exit(1)
        try:
            write_file(path, tr.updated_po(model, language, existing).encode("utf-8"))
        except SinkError as exc:
            fail(str(exc))
        written.append(display_path(path))
    click.echo(f"{catalog}: wrote {', '.join(written)}")
