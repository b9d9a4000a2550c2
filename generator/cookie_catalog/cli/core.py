"""The core commands: validate, generate, policy, schema and diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.catalog.schema import schemas, serialise
from cookie_catalog.changes.diff import as_dict, as_markdown, diff_catalogs
from cookie_catalog.changes.history import GitError, load_source
from cookie_catalog.cli.common import (
    CATALOG_ARG,
    TEMPLATES_OPT,
    fail,
    load_or_exit,
    out_dir_option,
    print_problems,
    render_or_exit,
    usage_fail,
)
from cookie_catalog.cli.translations import status_lines
from cookie_catalog.render.pages import NOTE_STYLES, Renderer
from cookie_catalog.render.policy import DEFAULT_FORMATS, FORMATS, PolicyError
from cookie_catalog.sinks.directory import SinkError, check_tree, write_file, write_tree
from cookie_catalog.sinks.downloads import policy_files

CHECK_OPT = click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 naming each file that is missing, stale or extra (for CI)."
)


@click.command()
@CATALOG_ARG
def validate(catalog: Path) -> None:
    """Check CATALOG (default: catalog/) and report every problem as file:line:col."""
    model = load_or_exit(catalog)
    click.echo(f"{catalog}: OK, {len(model.plugins)} plugins, {model.cookie_count} cookies")
    for line in status_lines(model):
        click.echo(f"{catalog}: translations: {line}")


@click.command()
@CATALOG_ARG
@out_dir_option("Directory to write the pages into; replaced as a whole.")
@click.option(
    "--format",
    "formats",
    type=click.Choice(["md", "html", "md,html", "html,md"]),
    default="md",
    show_default=True,
    help="md: Markdown pages; html: also one HTML <section> fragment per plugin (<slug>.html).",
)
@click.option(
    "--flavour",
    type=click.Choice(list(NOTE_STYLES)),
    default="mkdocs",
    show_default=True,
    help="mkdocs: Python-Markdown, notes as admonitions; gfm: GitHub/CommonMark, notes as alerts.",
)
@TEMPLATES_OPT
@CHECK_OPT
def generate(catalog: Path, out: Path, formats: str, flavour: str, templates: Path | None, check: bool) -> None:
    """Write the Markdown pages of CATALOG (an overview and one page per plugin) into --out.

    With --format html, also one self-contained HTML fragment per plugin, for a
    CMS or help centre. --flavour gfm writes Markdown for GitHub and other
    CommonMark renderers. On any error nothing in --out changes.
    """
    model = load_or_exit(catalog)

    def build() -> dict[str, str]:
        renderer = Renderer(model, templates, flavour=flavour)
        return {**renderer.pages(), **(renderer.fragments() if "html" in formats else {})}

    pages = render_or_exit(build)
    files = {name: text.encode("utf-8") for name, text in pages.items()}
    if check:
        check_or_exit(out, files, catalog)
    try:
        changed = write_tree(out, files)
    except SinkError as exc:
        fail(str(exc))
    click.echo(f"{out}: {len(pages)} files, {len(changed)} changed")


@click.command()
@CATALOG_ARG
@out_dir_option("Directory to write the policy files into; replaced as a whole.")
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help=f"Comma-separated formats among {', '.join(FORMATS)}.",
)
@TEMPLATES_OPT
@CHECK_OPT
def policy(catalog: Path, out: Path, formats: str, templates: Path | None, check: bool) -> None:
    """Write the downloadable cookie policy of CATALOG (cookie-policy.md, .html, .csv, .json, .pdf) into --out.

    The same files the MkDocs plugin offers under downloads/. On any error
    nothing in --out changes.
    """
    wanted = policy_formats(formats)
    model = load_or_exit(catalog)
    try:
        files = render_or_exit(lambda: policy_files(model, wanted, templates))
        if check:
            check_or_exit(out, files, catalog)
        changed = write_tree(out, files)
    except (PolicyError, SinkError) as exc:
        fail(str(exc))
    click.echo(f"{out}: {', '.join(files)} ({len(changed)} changed)")


def check_or_exit(out: Path, files: dict[str, bytes], catalog: Path) -> None:
    """``--check``: exit 0 when ``out`` holds exactly ``files``, else 1 naming each file that differs."""
    problems = check_tree(out, files)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(
            f"{len(problems)} file(s) differ from {catalog}; run the command without --check to update", err=True
        )
        sys.exit(1)
    click.echo(f"{out}: up to date with {catalog}")
    sys.exit(0)


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


@click.command()
@out_dir_option("Write the schema files here instead of printing the plugin-file schema.", required=False)
def schema(out: Path | None) -> None:
    """Print (or write) the JSON Schemas of catalog.yml, plugin files, the catalog document and the policy JSON."""
    if out is None:
        click.echo(serialise(schemas()["plugin.schema.json"]), nl=False)
        return
    try:
        for name, document in schemas().items():
            write_file(out / name, serialise(document).encode("utf-8"))
    except SinkError as exc:
        fail(str(exc))
    click.echo(f"{out}: {', '.join(schemas())}")


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown for people, JSON for scripts.",
)
def diff_command(old: str, new: str, output: str) -> NoReturn:
    """Compare catalog OLD with NEW: cookies and plugins added, removed and changed.

    Each is a catalog directory, or git:REV (or git:REV:path) for the catalog
    as committed at REV, path defaulting to catalog/ at the repository root.
    Exit 0 when they are equal, 1 when they differ, 2 when either cannot be
    read or is invalid.
    """
    catalogs: list[Catalog | None] = []
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
        click.echo(as_markdown(changes, Renderer(after, flavour="gfm"), old, new), nl=False)
    sys.exit(0 if changes.is_empty else 1)


COMMANDS = (validate, generate, policy, schema, diff_command)
