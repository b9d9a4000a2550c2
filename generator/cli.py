"""``cookie-catalog``: a thin command line over the library.

Each command maps library exceptions to one-line messages and exit codes; none
of them lets a traceback reach the user. :func:`run`, the installed command,
adds what holds for every command (README, "Exit codes"): a usage error is one
line and exit 2, output can always be printed (``generator.terminal``), and a
bug still ends in one line, with exit 70, instead of a traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Callable, Optional, TypeVar

import click
import jinja2

from generator.loader import load_catalog
from generator.model import Catalog
from generator.policy import DEFAULT_FORMATS, FORMATS, PolicyError, policy_files
from generator.problems import CatalogError
from generator.render import Renderer
from generator.sink import SinkError, write_file, write_tree
from generator import terminal

CATALOG_ARG = click.argument("catalog", default="catalog", type=click.Path(path_type=Path))
TEMPLATES_OPT = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A directory of templates that override the bundled ones by file name.",
)


EXIT_USAGE = 2  # as click's own: an unknown option, a missing argument, a value of the wrong kind
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in cookie-catalog, never the input's fault
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
DEBUG_ENV = "COOKIE_CATALOG_DEBUG"  # set to show the traceback of an internal error
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 and later


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def usage_fail(message: str) -> None:
    """A command line that asks for something impossible: one line, exit 2, nothing touched."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


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
    raise AssertionError("unreachable")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cookie-catalog")
def main() -> None:
    """Turn a YAML cookie catalog into a cookie-policy site and downloads."""


@main.command()
@CATALOG_ARG
def validate(catalog: Path) -> None:
    """Check CATALOG (default: catalog/) and report every problem as file:line:col."""
    model = load_or_exit(catalog)
    click.echo(f"{catalog}: OK, {len(model.plugins)} plugins, {model.cookie_count} cookies")


@main.command()
@CATALOG_ARG
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Directory to write the pages into; replaced as a whole.")
@click.option("--format", "formats", type=click.Choice(["md", "html", "md,html", "html,md"]), default="md", show_default=True,
              help="md: Markdown pages; html: also one HTML <section> fragment per plugin (<slug>.html).")
@TEMPLATES_OPT
def generate(catalog: Path, out: Path, formats: str, templates: Optional[Path]) -> None:
    """Write the Markdown pages of CATALOG (an overview and one page per plugin) into --out.

    With --format html, also one self-contained HTML fragment per plugin, for a
    CMS or help centre. On any error nothing in --out changes.
    """
    model = load_or_exit(catalog)

    def build() -> dict[str, str]:
        renderer = Renderer(model, templates)
        return {**renderer.pages(), **(renderer.fragments() if "html" in formats else {})}

    pages = render_or_exit(build)
    try:
        changed = write_tree(out, {name: text.encode("utf-8") for name, text in pages.items()})
    except SinkError as exc:
        fail(str(exc))
    click.echo(f"{out}: {len(pages)} files, {len(changed)} changed")


@main.command()
@CATALOG_ARG
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Directory to write the policy files into; replaced as a whole.")
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True, help=f"Comma-separated formats among {', '.join(FORMATS)}.")
@TEMPLATES_OPT
def policy(catalog: Path, out: Path, formats: str, templates: Optional[Path]) -> None:
    """Write the downloadable cookie policy of CATALOG (cookie-policy.md, .html, .csv, .json, .pdf) into --out.

    The same files the MkDocs plugin offers under downloads/. On any error
    nothing in --out changes.
    """
    wanted = policy_formats(formats)
    model = load_or_exit(catalog)
    try:
        files = render_or_exit(lambda: policy_files(model, wanted, templates))
        changed = write_tree(out, files)
    except (PolicyError, SinkError) as exc:
        fail(str(exc))
    click.echo(f"{out}: {', '.join(files)} ({len(changed)} changed)")


def policy_formats(value: str) -> list[str]:
    """``--format`` of ``policy``: at least one format, each known, or a usage error.

    An empty list would replace the output directory with nothing in it.
    """
    wanted = [f.strip() for f in value.split(",")]
    expected = f"expected a comma-separated list of {', '.join(FORMATS)}"
    if not all(wanted):
        usage_fail(f"--format {value!r}: an empty format; {expected}")
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        usage_fail(f"--format {value!r}: unknown format {', '.join(map(repr, unknown))}; {expected}")
    return wanted


@main.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, help="Write the schema files here instead of printing the plugin-file schema.")
def schema(out: Optional[Path]) -> None:
    """Print (or write) the JSON Schemas of catalog.yml and plugin files, for editors."""
    from generator.schema import schemas, serialise

    if out is None:
        click.echo(serialise(schemas()["plugin.schema.json"]), nl=False)
        return
    try:
        for name, document in schemas().items():
            write_file(out / name, serialise(document).encode("utf-8"))
    except SinkError as exc:
        fail(str(exc))
    click.echo(f"{out}: {', '.join(schemas())}")


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "output", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True, help="Markdown for people, JSON for scripts.")
def diff_command(old: str, new: str, output: str) -> None:
    """Compare catalog OLD with NEW: cookies and plugins added, removed and changed.

    Each is a catalog directory, or git:REV (or git:REV:path) for the catalog
    as committed at REV, path defaulting to catalog/ at the repository root.
    Exit 0 when they are equal, 1 when they differ, 2 when either cannot be
    read or is invalid.
    """
    import json

    from generator.diff import as_dict, as_markdown, diff_catalogs
    from generator.history import GitError, load_source

    catalogs: list[Optional[Catalog]] = []
    for source in (old, new):
        try:
            catalogs.append(load_source(source))
        except CatalogError as exc:
            print_problems(exc, source)
            catalogs.append(None)
        except GitError as exc:
            click.echo(f"error: {exc}", err=True)
            catalogs.append(None)
    before, after = catalogs
    if before is None or after is None:
        sys.exit(2)
    changes = diff_catalogs(before, after)
    if output == "json":
        click.echo(json.dumps(as_dict(changes), ensure_ascii=False, sort_keys=True, indent=2))
    else:
        click.echo(as_markdown(changes, Renderer(after), old, new), nl=False)
    sys.exit(0 if changes.is_empty else 1)


from generator.cli_interop import register  # noqa: E402  (interop commands live in their own module)

register(main)


def run() -> None:
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
    except Exception as exc:  # noqa: BLE001  (the last line of defence; see the docstring)
        _internal_error(exc)
    sys.exit(code if isinstance(code, int) else 0)


def _internal_error(exc: Exception) -> None:
    if os.environ.get(DEBUG_ENV):
        traceback.print_exc()
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    said = terminal.one_line(str(exc))
    said = said if len(said) <= 200 else said[:197] + "..."
    click.echo(f"error: internal error, not a problem of the input: {type(exc).__name__}{at}: {said}; "
               f"please report it (set {DEBUG_ENV}=1 for the traceback)", err=True)
    sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    run()
