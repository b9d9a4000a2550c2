"""What every command shares: one-line failures with their exit codes, the catalog argument.

Commands map library exceptions to one line and an exit code through these
helpers, so every command reports problems the same way (README, "Exit codes").
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
import jinja2

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.sinks.directory import SinkError, write_file

FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)
CATALOG_ARG = click.argument("catalog", default="catalog", type=click.Path(path_type=Path))
TEMPLATES_OPT = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A directory of templates that override the bundled ones by file name.",
)


def out_dir_option(help: str, *, required: bool = True) -> Callable[[FC], FC]:
    """``--out``, a directory (never a file), as every command that writes files takes it."""
    return click.option("--out", required=required, type=click.Path(path_type=Path, file_okay=False), help=help)


EXIT_USAGE = 2  # as click's own: an unknown option, a missing argument, a value of the wrong kind
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in cookie-catalog, never the input's fault
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def usage_fail(message: str) -> NoReturn:
    """A command line that asks for something impossible: one line, exit 2, nothing touched."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def write_output(out: Path, text: str, failing: Callable[[str], NoReturn] = fail) -> bool:
    """Standard output for "-", else replace the file in one step (``sinks.directory.write_file``); True when a
    file was written. A file that cannot be written is one line through ``failing`` (its command's exit code)."""
    if str(out) == "-":
        click.echo(text, nl=False)
        return False
    try:
        write_file(out, text.encode("utf-8"))
    except SinkError as exc:
        failing(str(exc))
    return True


def load_or_exit(catalog: Path) -> Catalog:
    """Load a catalog, or print every problem and exit 1."""
    try:
        return load_catalog(catalog)
    except CatalogError as exc:
        print_problems(exc, catalog)
        sys.exit(1)


def print_problems(exc: CatalogError, catalog: Path | str) -> None:
    """Every problem as file:line:col, then how many there were and where."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    noun = "problem" if len(exc.problems) == 1 else "problems"
    click.echo(f"{len(exc.problems)} {noun} in {catalog}", err=True)


T = TypeVar("T")


def render_or_exit(build: Callable[[], T]) -> T:
    """Run a rendering step; a broken user template is an input error, not a crash."""
    try:
        return build()
    except jinja2.TemplateSyntaxError as exc:
        fail(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}")
    except jinja2.TemplateError as exc:
        fail(f"template error: {exc}")
