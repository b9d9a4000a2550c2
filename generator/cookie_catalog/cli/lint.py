"""``cookie-catalog lint``: what a regulator would find wrong in the catalog (docs/lint.md).

Exit 0 when no finding that is not accepted reaches ``--fail-on``, 1 when one does, 2 when the
command line or the catalog is unusable: a lint of a catalog that cannot be read would say nothing.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import NoReturn

import click

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.checks.lint import Finding, failing, lint
from cookie_catalog.checks.rules import LEVELS, PROFILES, Level
from cookie_catalog.checks.sarif import sarif
from cookie_catalog.cli.common import CATALOG_ARG, EXIT_USAGE, print_problems, usage_fail, write_output
from cookie_catalog.cli.terminal import one_line

FINDINGS = 1


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _text(findings: list[Finding], failed: int) -> str:
    """One line per finding, then the count; catalog text in it is shown escaped, one line each."""
    lines = [one_line(str(f)) for f in findings]
    accepted = sum(1 for f in findings if f.accepted is not None)
    by_level = ", ".join(_count(sum(1 for f in findings if f.level == level), level) for level in reversed(LEVELS))
    lines.append(
        f"{_count(len(findings), 'finding')} ({by_level}; {accepted} accepted); {failed} at or above --fail-on"
    )
    return "\n".join(lines) + "\n"


def _json(findings: list[Finding], profile: str | None, fail_on: str, failed: int) -> str:
    data = {
        "profile": profile,
        "fail_on": fail_on,
        "failed": failed,
        "findings": [
            {
                "rule": f.rule,
                "level": f.level,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "field": f.field,
                "message": f.message,
                "accepted": f.accepted is not None,
                "reason": f.accepted,
            }
            for f in findings
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@click.command("lint")
@CATALOG_ARG
@click.option("--profile", type=click.Choice(PROFILES), help="Run and weigh the rules as this regulator's guidance.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice([*LEVELS, "none"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding not accepted is at this level or above; none: never.",
)
@click.option(
    "--out",
    default="-",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="File to write; standard output by default.",
)
def lint_command(catalog: Path, profile: str | None, fmt: str, fail_on: str, out: Path) -> NoReturn:
    """Check the catalog against what regulators expect (CNIL, ICO, EDPB, Planet49): see docs/lint.md.

    Exit 0 when no finding reaches --fail-on, 1 when one does, 2 when the catalog cannot be read.
    """
    try:
        model = load_catalog(catalog)
    except CatalogError as exc:
        print_problems(exc, catalog)
        sys.exit(EXIT_USAGE)
    findings = lint(catalog, model, profile)
    level: Level | None = None if fail_on == "none" else fail_on  # type: ignore[assignment]
    failed = len(failing(findings, level))
    if fmt == "sarif":
        text = json.dumps(sarif(findings, profile, version("cookie-catalog")), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "json":
        text = _json(findings, profile, fail_on, failed)
    else:
        text = _text(findings, failed)
    write_output(out, text, usage_fail)  # an --out that cannot be written: exit 2, as documented
    sys.exit(FINDINGS if failed else 0)
