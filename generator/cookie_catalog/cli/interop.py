"""``cookie-catalog import``, ``export`` and ``scan``: the command line over the interop modules.

Kept apart from the core commands so that each module stays small; both report
problems through ``cookie_catalog.cli.common``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import BUILTIN_CATEGORIES, Catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.catalog.source_date import SourceDateError
from cookie_catalog.cli.ci import in_ci
from cookie_catalog.cli.common import fail, load_or_exit, out_dir_option, print_problems, usage_fail, write_output
from cookie_catalog.cli.livescan import (
    check_usage,
    live_options,
    print_without_consent,
    read_database,
    scan_pages,
    write_draft,
)
from cookie_catalog.cli.terminal import one_line
from cookie_catalog.interop.exporters import cookieconsent, edpb, json_catalog, klaro
from cookie_catalog.interop.exporters import ocd as ocd_export
from cookie_catalog.interop.importers import html_tables, ocd
from cookie_catalog.interop.importers.imported import Imported
from cookie_catalog.interop.livescan import LiveReport, compare_live
from cookie_catalog.interop.scan import Report, ScanError, Sighting, compare, read_capture
from cookie_catalog.render import tcf
from cookie_catalog.sinks.directory import SinkError, write_tree

OUT_DIR = out_dir_option("Directory to write the catalog into.")
FORCE = click.option("--force", is_flag=True, help="Replace --out even when it is not empty.")
CATALOG_OPT = click.option(
    "--catalog", default="catalog", show_default=True, type=click.Path(path_type=Path), help="The catalog directory."
)
OUT_FILE = click.option(
    "--out",
    default="-",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="File to write; standard output by default.",
)
DRIFT, UNREADABLE = 1, 2


def show_progress() -> bool:
    """A bar helps a person at a terminal; in CI logs it is only noise."""
    return sys.stderr.isatty() and not in_ci()


def _problems_or_exit(run: Callable[[], Imported]) -> Imported:
    try:
        return run()
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        fail(f"{len(exc.problems)} {'problem' if len(exc.problems) == 1 else 'problems'}; nothing was written")


def _write_catalog(imported: Imported, out: Path, force: bool) -> None:
    """All files at once through the sink; a non-empty --out only with --force."""
    if out.is_dir() and any(out.iterdir()) and not force:
        fail(f"{out} is not empty; choose a new directory or pass --force to replace it")
    for warning in imported.warnings:
        click.echo(f"warning: {warning}", err=True)
    try:
        write_tree(out, imported.files(), force=force)
    except SinkError as exc:
        fail(str(exc))


def _write_text(out: Path, text: str) -> None:
    if write_output(out, text):
        click.echo(f"{out}: written", err=True)


@click.group("import")
def import_group() -> None:
    """Make a catalog from another cookie inventory."""


@import_group.command("open-cookie-database")
@click.argument("csv_file", metavar="CSV", type=click.Path(path_type=Path, dir_okay=False))
@OUT_DIR
@FORCE
def import_ocd(csv_file: Path, out: Path, force: bool) -> None:
    """Turn the Open Cookie Database CSV into a catalog: one plugin per platform."""
    started = time.perf_counter()

    def run() -> Imported:
        rows = ocd.read_rows(csv_file)
        if not show_progress():
            return ocd.from_rows(rows, csv_file)
        with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
            return ocd.from_rows(rows, csv_file, bar.update)

    imported = _problems_or_exit(run)
    _write_catalog(imported, out, force)
    elapsed = time.perf_counter() - started
    click.echo(
        f"{out}: {len(imported.plugins)} platforms, {imported.cookie_count} cookies in {elapsed:.2f} s; "
        f"durations: {imported.normalised} normalised, {imported.noted} kept as duration_note"
    )


@import_group.command("html")
@click.argument("html_file", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@OUT_DIR
@FORCE
@click.option("--product", help="The product's name; the page's <title> or first heading otherwise.")
@click.option(
    "--provenance", type=click.Choice(["first-party", "third-party"]), help="For tables without a provenance column."
)
@click.option(
    "--category", help="Built-in category (key or synonym, e.g. analytics, Statistics) for tables that name none."
)
def import_html(
    html_file: Path, out: Path, force: bool, product: str | None, provenance: str | None, category: str | None
) -> None:
    """Read a vendor's published cookie tables (one table per section) into a catalog."""
    if category is not None and html_tables.option_category(category) is None:
        usage_fail(
            f"--category {category!r} is not a category; expected one of {', '.join(BUILTIN_CATEGORIES)} "
            "or a synonym such as Necessary, Preferences, Statistics, Advertising"
        )
    imported = _problems_or_exit(
        lambda: html_tables.import_html(html_file, product=product, provenance=provenance, category=category)
    )
    _write_catalog(imported, out, force)
    click.echo(f"{out}: {len(imported.plugins)} plugins, {imported.cookie_count} cookies from {html_file}")


@click.group("export")
def export_group() -> None:
    """Write a catalog in a format another tool reads."""


def _exporter(name: str, render: Callable[[Catalog], str], summary: str) -> None:
    @export_group.command(name, help=summary)
    @CATALOG_OPT
    @OUT_FILE
    def command(catalog: Path, out: Path) -> None:
        model = load_or_exit(catalog)
        try:
            text = render(model)
        except SourceDateError as exc:
            fail(str(exc))
        _write_text(out, text)


_exporter("open-cookie-database", ocd_export.export, "The Open Cookie Database's CSV columns, one row per cookie.")
_exporter(
    "open-cookie-database-json",
    ocd_export.export_json,
    "The Open Cookie Database's JSON edition: its rows grouped by platform.",
)
_exporter("cookieconsent", cookieconsent.export, "An ES module with a cookieconsent v3 configuration.")
_exporter("klaro", klaro.export, "A script defining a Klaro! `klaroConfig`.")
_exporter("edpb", edpb.export, "Knowledge bases for the EDPB Website Auditing Tool (JSON).")
_exporter("tcf-disclosure", tcf.export, "An IAB TCF device storage disclosure (deviceStorageDisclosureUrl JSON).")
_exporter("json", json_catalog.export, "The catalog as one JSON document (schemas/catalog-document.schema.json).")


@click.command()
@click.argument("files", metavar="[FILE]...", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@CATALOG_OPT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@live_options
def scan(files: tuple[Path, ...], catalog: Path, fmt: str, **live: Any) -> NoReturn:
    """Compare captures (HAR, cookies.txt, Playwright storage state), or pages visited with --url, with the catalog.

    Exit 0 when every name seen is documented, 1 when one is not (or, with
    --url, when a name needing consent is present without it), 2 when a file,
    a page (or the catalog) cannot be read.
    """
    check_usage(live, len(files))
    database = read_database(live)
    try:
        model = load_catalog(catalog)
    except CatalogError as exc:  # a broken catalog is unreadable input here, not drift
        print_problems(exc, catalog)
        sys.exit(UNREADABLE)
    sightings: list[Sighting] = []
    shows: frozenset[str] = frozenset()
    for path in files:
        try:
            capture = read_capture(path)
        except ScanError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(UNREADABLE)
        sightings += capture
        shows |= capture.shows
    found = scan_pages(live) if live["urls"] else []
    report = compare_live(model, found, sightings, shows) if live["urls"] else compare(model, sightings, shows)
    if fmt == "json":
        urls = {"urls": list(live["urls"]), "found": [f.as_json() for f in found]} if live["urls"] else {}
        document = {"files": [str(f) for f in files], **urls, **report.as_json()}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        _print_report(report, len(files), len(live["urls"]))
    if live["draft_dir"] and isinstance(report, LiveReport):
        write_draft(report, found, database, live)
    sys.exit(DRIFT if report.drift else 0)


def _print_report(report: Report, file_count: int, url_count: int = 0) -> None:
    """One line per name. Names and URLs come from the captures: a line break or
    escape sequence in one is shown escaped, so it cannot forge a line of a CI log."""
    for (name, _), seen in report.undocumented.items():
        places = sorted({s.where for s in seen})
        more = f" (and {len(places) - 1} more)" if len(places) > 1 else ""
        click.echo(f"undocumented: {one_line(name)} ({seen[0].storage}), seen in {one_line(places[0])}{more}")
    for entry in report.unseen:
        click.echo(f"never seen: {one_line(entry['name'])} ({one_line(entry['plugin'])})")
    if isinstance(report, LiveReport):
        print_without_consent(report)
    sources = [f"{n} {noun if n == 1 else noun + 's'}" for n, noun in ((file_count, "file"), (url_count, "page")) if n]
    consent = f"; {len(report.without_consent)} present without consent" if isinstance(report, LiveReport) else ""
    click.echo(
        f"{len(report.documented) + len(report.undocumented)} names seen in {' and '.join(sources)}: "
        f"{len(report.documented)} documented, "
        f"{len(report.undocumented)} undocumented; {len(report.unseen)} documented cookies never seen{consent}"
    )


COMMANDS = (import_group, export_group, scan)
