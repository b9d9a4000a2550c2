"""``cookie-catalog build``: the plugin's additions as files in a docs folder, for Zensical or any engine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from cookie_catalog.cli.common import CATALOG_ARG, TEMPLATES_OPT, fail, load_or_exit, render_or_exit
from cookie_catalog.render.policy import PolicyError
from cookie_catalog.sinks import site_assets
from cookie_catalog.sinks.directory import SinkError, check_tree, ensure_ours, update_tree, write_tree
from cookie_catalog.sinks.docs_dir import docs_folders

Writer = Callable[[Path, dict[str, bytes]], list[str]]


@click.command()
@CATALOG_ARG
@click.option(
    "--docs-dir",
    "docs",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The site's docs folder (docs_dir); build writes only folders of its own inside it.",
)
@click.option(
    "--dir",
    "pages_dir",
    default="cookies",
    show_default=True,
    help="Folder under --docs-dir for the pages, as the plugin's `dir`.",
)
@TEMPLATES_OPT
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming each file that is missing or stale.")
@click.option("--watch", is_flag=True, help="Build, then again on every edit of the catalog or the templates.")
def build(catalog: Path, docs: Path, pages_dir: str, templates: Path | None, check: bool, watch: bool) -> None:
    """Write the pages, policy downloads and assets of CATALOG into the docs folder --docs-dir.

    What the MkDocs plugin adds to a site, as files, for Zensical or any engine
    reading Markdown: DOCS/<dir>/, DOCS/downloads/, DOCS/.cookie-catalog-theme/
    (set it as the theme's custom_dir: it serves downloads/cookie-policy.md) and
    DOCS/assets/cookie-catalog/. Each folder is replaced as a whole, or not at all;
    a folder that build did not write is never touched.
    """
    if check and watch:
        fail("--check and --watch: choose one")
    if check:
        _check(catalog, docs, pages_dir, templates)
    elif watch:
        _watch(catalog, docs, pages_dir, templates)
    else:
        _build(catalog, docs, pages_dir, templates, write_tree)
        click.echo(assets_hint())


def assets_hint() -> str:
    """How a site's config lists the stylesheets and scripts: engines other than MkDocs with the plugin need it."""
    stylesheets, scripts = site_assets.site_paths()
    return (
        "the pages need their CSS and JS; list them in the site's config:\n"
        f"  extra_css: [{', '.join(stylesheets)}]\n  extra_javascript: [{', '.join(scripts)}]"
    )


def _folders(catalog: Path, pages_dir: str, templates: Path | None) -> dict[str, dict[str, bytes]]:
    model = load_or_exit(catalog)
    try:
        return render_or_exit(lambda: docs_folders(model, catalog, pages_dir=pages_dir, templates=templates))
    except (PolicyError, SinkError) as exc:
        fail(str(exc))


def _build(catalog: Path, docs: Path, pages_dir: str, templates: Path | None, writer: Writer) -> None:
    folders = _folders(catalog, pages_dir, templates)
    try:
        for folder in folders:  # a folder we may not write stops the build before anything is written
            ensure_ours(docs / folder)
        for folder, files in folders.items():
            changed = writer(docs / folder, files)
            click.echo(f"{docs / folder}: {len(files)} files, {len(changed)} changed")
    except SinkError as exc:
        fail(str(exc))


def _check(catalog: Path, docs: Path, pages_dir: str, templates: Path | None) -> None:
    """Exit 1 naming each difference between the docs folder and what build would write."""
    folders = _folders(catalog, pages_dir, templates)
    problems = [line for folder, files in folders.items() for line in check_tree(docs / folder, files)]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(f"{len(problems)} file(s) differ from {catalog}; run cookie-catalog build to update them", err=True)
        sys.exit(1)
    click.echo(f"{docs}: up to date with {catalog}")


def _watch(catalog: Path, docs: Path, pages_dir: str, templates: Path | None) -> None:
    """Build, then rebuild after each change until interrupted.

    Files are replaced one by one (``update_tree``): ``zensical serve`` does
    not follow a folder replaced by a rename. A broken catalog or template is
    reported and the previous files stay until the next good edit.
    """
    import watchfiles  # only --watch needs it; keeps every other command's start fast

    paths = [catalog, *([templates] if templates else [])]
    _rebuild(catalog, docs, pages_dir, templates)
    click.echo(f"watching {', '.join(map(str, paths))} (Ctrl-C to stop)")
    for _changes in watchfiles.watch(*paths, debounce=200, rust_timeout=0):
        _rebuild(catalog, docs, pages_dir, templates)


def _rebuild(catalog: Path, docs: Path, pages_dir: str, templates: Path | None) -> None:
    """One build of the watch loop; a failure is printed, never the end of the loop."""
    try:
        _build(catalog, docs, pages_dir, templates, update_tree)
    except SystemExit as exc:
        if exc.code not in (0, None):
            click.echo("build failed; the previous files are kept, waiting for the next edit", err=True)
