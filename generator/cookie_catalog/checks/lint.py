"""Run the rules over a catalog: every finding located at ``file:line:col``, acceptances applied.

The validated catalog keeps no source positions (they would cost memory on every build), so the
plugin files are read again here and each finding is located as ``validate`` locates a problem:
cookie ``i`` of a plugin is ``cookies[i]`` of its file, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cookie_catalog.catalog.loader import PLUGINS_DIR, PRODUCT_FILE
from cookie_catalog.catalog.model import Acceptance, Catalog
from cookie_catalog.catalog.problems import Problem, display_path
from cookie_catalog.catalog.yamlsource import Loc, YamlDocument, load_yaml
from cookie_catalog.checks.rules import (
    BY_ID,
    CATALOG_CHECKS,
    COOKIE_CHECKS,
    LEVELS,
    UNUSED_ACCEPTANCE,
    Hit,
    Level,
)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    rule: str
    level: Level
    field: str
    message: str
    accepted: str | None = None  # the reason, when the catalog accepts the finding

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        about = f"{self.field}: " if self.field else ""
        said = f"{where}: {self.level}: {self.rule}: {about}{self.message}"
        return f"{said} (accepted: {self.accepted})" if self.accepted is not None else said


class Locator:
    """Places findings in one file, or at the file itself when it cannot be read again."""

    def __init__(self, path: Path):
        loaded = load_yaml(path)
        self.doc: YamlDocument | None = loaded if isinstance(loaded, YamlDocument) else None
        self.display = display_path(path)

    def problem(self, loc: Loc, message: str) -> Problem:
        if self.doc is None:
            return Problem(self.display, 0, 0, ".".join(map(str, loc)), message)
        return self.doc.problem(loc, message)


def _finding(problem: Problem, rule: str, level: Level, accepted: str | None) -> Finding:
    return Finding(problem.file, problem.line, problem.column, rule, level, problem.field, problem.message, accepted)


def _judged(
    locator: Locator, base: Loc, hits: dict[str, list[Hit]], accept: tuple[Acceptance, ...], profile: str | None
) -> list[Finding]:
    """Findings of one cookie (or the catalog): each accepted one with its reason, each acceptance used."""
    reasons = {a.rule: a.reason for a in accept}
    out = [
        _finding(locator.problem(base + loc, message), rule, BY_ID[rule].level_in(profile), reasons.get(rule))
        for rule, found in hits.items()
        for loc, message in found
    ]
    for i, acceptance in enumerate(accept):
        rule = BY_ID.get(acceptance.rule)
        if rule is None or (rule.runs_in(profile) and not hits.get(acceptance.rule)):
            why = "is no rule" if rule is None else "found nothing here"
            message = f"accepts {acceptance.rule}, which {why}; expected a rule with a finding here (docs/lint.md)"
            unused = BY_ID[UNUSED_ACCEPTANCE]
            if unused.runs_in(profile):
                problem = locator.problem((*base, "accept", i, "rule"), message)
                out.append(_finding(problem, unused.id, unused.level_in(profile), None))
    return out


def lint(root: Path, catalog: Catalog, profile: str | None = None) -> list[Finding]:
    """Every finding of the rules ``profile`` runs (all rules without one), sorted by place."""
    cookie_rules = {rid: check for rid, check in COOKIE_CHECKS.items() if BY_ID[rid].runs_in(profile)}
    findings: list[Finding] = []
    for plugin in catalog.plugins:
        locator = Locator(root / PLUGINS_DIR / plugin.source)
        for i, cookie in enumerate(plugin.cookies):
            hits = {rid: found for rid, check in cookie_rules.items() if (found := list(check(cookie)))}
            findings += _judged(locator, ("cookies", i), hits, cookie.accept, profile)
    product = Locator(root / PRODUCT_FILE)
    hits = {
        rid: found
        for rid, check in CATALOG_CHECKS.items()
        if BY_ID[rid].runs_in(profile) and (found := list(check(catalog)))
    }
    findings += _judged(product, (), hits, catalog.product.accept, profile)
    return sorted(findings)


def failing(findings: list[Finding], fail_on: Level | None) -> list[Finding]:
    """The findings that make the run fail: not accepted, at or above ``fail_on`` (none when it is None)."""
    if fail_on is None:
        return []
    floor = LEVELS.index(fail_on)
    return [f for f in findings if f.accepted is None and LEVELS.index(f.level) >= floor]
