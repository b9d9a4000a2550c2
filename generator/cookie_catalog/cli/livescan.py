"""``cookie-catalog scan --url``: the options of a live scan, the scan, its extra report lines and ``--draft``.

The ``scan`` command itself stays in ``cookie_catalog.cli.interop``; this module
holds what only a live scan needs, so that a file scan reads as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.cli.terminal import one_line
from cookie_catalog.interop import livescan
from cookie_catalog.interop.draft import BUNDLED_OCD, Database, draft
from cookie_catalog.interop.livescan import Consent, Found, LiveReport, LiveScanError, Options
from cookie_catalog.sinks.directory import SinkError, write_tree

FC = TypeVar("FC", bound=Callable[..., Any])
UNREADABLE = 2  # as the file scan's: an input (here a page) cannot be read

_OPTIONS = (
    click.option(
        "--url",
        "urls",
        multiple=True,
        metavar="URL",
        help="Visit this page in Chromium and record what it stores (repeatable; http and https only).",
    ),
    click.option(
        "--consent-api",
        type=click.Choice(sorted(livescan.CONSENT_APIS)),
        help="Also scan after rejecting and after accepting everything, through this consent manager's API.",
    ),
    click.option("--accept-selector", metavar="CSS", help="Also scan after clicking this element (accept all)."),
    click.option("--reject-selector", metavar="CSS", help="Also scan after clicking this element (reject all)."),
    click.option(
        "--draft",
        "draft_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Write the undocumented names a --url scan found into this directory, as a catalog to review.",
    ),
    click.option("--force", is_flag=True, help="Replace --draft even when it is not empty."),
    click.option(
        "--ocd",
        type=click.Path(path_type=Path, dir_okay=False),
        help="The Open Cookie Database CSV that pre-fills --draft; a bundled copy by default.",
    ),
    click.option(
        "--chromium",
        metavar="PATH",
        envvar="COOKIE_CATALOG_CHROMIUM",
        help="The Chromium to run [env COOKIE_CATALOG_CHROMIUM]; Playwright's own, else one on PATH, by default.",
    ),
    click.option(
        "--browser-arg",
        "browser_args",
        multiple=True,
        metavar="SWITCH",
        help="An extra Chromium switch, such as --proxy-server=HOST:PORT (repeatable).",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=1, max=600),
        default=30.0,
        show_default=True,
        help="Seconds allowed for a page load, a consent API to appear, a selector to be clickable.",
    ),
    click.option(
        "--wait",
        type=click.FloatRange(min=0, max=60),
        default=livescan.SETTLE_WAIT,
        show_default=True,
        help="Seconds to let scripts run after each load and after consent.",
    ),
)


def live_options(command: FC) -> FC:
    """Every option of a live scan, on ``scan``."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def check_usage(options: dict[str, Any], file_count: int) -> None:
    """One line and exit 2 for a command line that cannot be a scan; nothing is visited."""
    urls = options["urls"]
    if not urls and not file_count:
        _usage("give capture files (FILE...), pages to visit (--url URL), or both")
    live_only = ("consent_api", "accept_selector", "reject_selector", "draft_dir", "ocd")
    if not urls and any(options[name] for name in live_only):
        _usage("--consent-api, --accept-selector, --reject-selector, --draft and --ocd need --url")
    if options["consent_api"] and (options["accept_selector"] or options["reject_selector"]):
        _usage("give consent through --consent-api or through selectors, not both")
    try:
        for url in urls:
            livescan.check_url(url)
    except LiveScanError as exc:
        _usage(f"--url {one_line(str(exc))}")
    out = options["draft_dir"]
    if out and out.is_dir() and any(out.iterdir()) and not options["force"]:
        _usage(f"--draft {one_line(str(out))} is not empty; choose a new directory or pass --force to replace it")


def read_database(options: dict[str, Any]) -> Database | None:
    """The Open Cookie Database for --draft, read before any page is visited: a bad --ocd is one line, exit 2."""
    if not options["draft_dir"]:
        return None
    try:
        return Database.read(options["ocd"] or BUNDLED_OCD)
    except CatalogError as exc:
        _fail(f"--ocd: {exc.problems[0]}")


def _usage(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def scan_pages(options: dict[str, Any]) -> list[Found]:
    """Visit every --url; an unreachable page, a missing browser or Playwright is one line, exit 2."""
    consent = Consent(options["consent_api"], options["accept_selector"], options["reject_selector"])
    run = Options(options["chromium"], tuple(options["browser_args"]), options["timeout"], options["wait"])
    try:
        return livescan.scan_urls(list(options["urls"]), consent, run, _warn)
    except LiveScanError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(UNREADABLE)


def _warn(message: str) -> None:
    click.echo(f"warning: {one_line(message)}", err=True)


def print_without_consent(report: LiveReport) -> None:
    """One line per name present without consent; page text is shown escaped (see ``one_line``)."""
    for item in report.without_consent:
        when = "before any choice" if item["state"] == livescan.NO_CHOICE else "after rejecting"
        click.echo(
            f"without consent: {one_line(item['name'])} ({item['storage']}) at {one_line(item['url'])} {when}; "
            f"the catalog files it under {item['category']} ({one_line(item['plugin'])})"
        )


def write_draft(report: LiveReport, found: list[Found], database: Database | None, options: dict[str, Any]) -> None:
    """The undocumented names as a catalog in --draft (checked by ``check_usage`` to be new, or --force)."""
    out: Path = options["draft_dir"]
    undocumented = [item for item in found if (item.name, item.storage) in report.undocumented]
    result = draft(undocumented, database, list(options["urls"]))
    for warning in result.warnings:
        _warn(warning)
    if not result.plugins:  # a catalog needs a plugin: an empty draft would not validate
        click.echo(f"{out}: nothing undocumented to draft; nothing written", err=True)
        return
    try:
        write_tree(out, result.files(), force=options["force"])
    except SinkError as exc:
        _fail(str(exc))
    click.echo(f"{out}: drafted {result.cookie_count} entries in {len(result.plugins)} plugins", err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(UNREADABLE)
