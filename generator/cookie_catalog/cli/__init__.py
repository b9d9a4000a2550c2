"""``cookie-catalog``: a thin command line over the library.

Each command maps library exceptions to one-line messages and exit codes; none
of them lets a traceback reach the user. :func:`run`, the installed command,
adds what holds for every command (README, "Exit codes"): a usage error is one
line and exit 2, output can always be printed (``cookie_catalog.cli.terminal``), and a
bug still ends in one line, with exit 70, instead of a traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from cookie_catalog.cli import build, core, interop, lint, terminal, translations
from cookie_catalog.cli.common import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE

DEBUG_ENV = "COOKIE_CATALOG_DEBUG"  # set to show the traceback of an internal error
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cookie-catalog")
def main() -> None:
    """Turn a YAML cookie catalog into a cookie-policy site and downloads."""


for _command in (*core.COMMANDS, build.build, *interop.COMMANDS, lint.lint_command, translations.translations):
    main.add_command(_command)


def run() -> NoReturn:
    """The ``cookie-catalog`` command: :func:`main` with its process-wide guarantees.

    Kept out of ``main`` so that tests invoking ``main`` in-process still see
    any exception the commands let through.
    """
    terminal.install()
    try:
        code = main(standalone_mode=False)
    except _NO_ARGS as exc:  # `cookie-catalog` alone: the help, as click prints it
        click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message(), err=True)
        sys.exit(EXIT_USAGE)
    except click.UsageError as exc:
        hint = f"; see '{exc.ctx.command_path} --help'" if exc.ctx else ""
        click.echo(f"error: {terminal.one_line(exc.format_message()).rstrip('.')}{hint}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("error: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # `cookie-catalog ... | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        _internal_error(exc)
    sys.exit(code if isinstance(code, int) else 0)


def _internal_error(exc: Exception) -> NoReturn:
    if os.environ.get(DEBUG_ENV):
        traceback.print_exc()
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    said = terminal.one_line(str(exc))
    said = said if len(said) <= 200 else said[:197] + "..."
    click.echo(
        f"error: internal error, not a problem of the input: {type(exc).__name__}{at}: {said}; "
        f"please report it (set {DEBUG_ENV}=1 for the traceback)",
        err=True,
    )
    sys.exit(EXIT_INTERNAL)
