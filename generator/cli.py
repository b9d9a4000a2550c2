"""``cookie-catalog``: a thin command line over the library.

Each command maps library exceptions to one-line messages and exit codes; none
of them lets a traceback reach the user.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Optional

import click
import jinja2

from generator.loader import load_catalog
from generator.model import Catalog
from generator.problems import CatalogError
from generator.render import Renderer
from generator.sink import SinkError, write_tree

CATALOG_ARG = click.argument("catalog", default="catalog", type=click.Path(path_type=Path))
TEMPLATES_OPT = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A directory of templates that override the bundled ones by file name.",
)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def load_or_exit(catalog: Path) -> Catalog:
    """Load a catalog, or print every problem and exit 1."""
    try:
        return load_catalog(catalog)
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        noun = "problem" if len(exc.problems) == 1 else "problems"
        click.echo(f"{len(exc.problems)} {noun} in {catalog}", err=True)
        sys.exit(1)


def render_or_exit(build: Callable[[], dict[str, str]]) -> dict[str, str]:
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
@TEMPLATES_OPT
def generate(catalog: Path, out: Path, templates: Optional[Path]) -> None:
    """Write the Markdown pages of CATALOG (an overview and one page per plugin) into --out.

    On any error nothing in --out changes.
    """
    model = load_or_exit(catalog)
    pages = render_or_exit(lambda: Renderer(model, templates).pages())
    try:
        changed = write_tree(out, {name: text.encode("utf-8") for name, text in pages.items()})
    except SinkError as exc:
        fail(str(exc))
    click.echo(f"{out}: {len(pages)} pages, {len(changed)} changed")


@main.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, help="Write the schema files here instead of printing the plugin-file schema.")
def schema(out: Optional[Path]) -> None:
    """Print (or write) the JSON Schemas of catalog.yml and plugin files, for editors."""
    from generator.schema import schemas, serialise

    if out is None:
        click.echo(serialise(schemas()["plugin.schema.json"]), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, document in schemas().items():
        (out / name).write_text(serialise(document), encoding="utf-8")
    click.echo(f"{out}: {', '.join(schemas())}")


from generator.cli_interop import register  # noqa: E402  (interop commands live in their own module)

register(main)
