"""Findings as SARIF 2.1.0, the format GitHub code scanning reads to show them on a pull request's lines.

GitHub reads ``ruleId``, ``level``, ``message.text`` and the first physical location (a path relative
to the repository's root, ``region.startLine``/``startColumn``); rules' ``shortDescription``, ``help`` and
``defaultConfiguration.level`` appear beside the alert. An accepted finding carries an ``inSource``
suppression with its reason, so it is shown as dismissed rather than left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from cookie_catalog.checks.lint import Finding
from cookie_catalog.checks.rules import RULES, Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(rule: Rule, profile: str | None) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} Source: {rule.source}"},
        "help": {"text": f"{rule.fix} Source: {rule.source}", "markdown": f"{rule.fix}\n\nSource: {rule.source}"},
        "defaultConfiguration": {"level": rule.level_in(profile)},
    }


def _uri(file: str) -> str:
    """A relative path as a relative URI reference (forward slashes, every other reserved character
    percent-encoded), as code scanning resolves it from the repository's root; an absolute one as a file URI."""
    path = PurePath(file)
    return path.as_uri() if path.is_absolute() else quote(path.as_posix(), safe="/")


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.file)}}
    if finding.line:
        location["region"] = {"startLine": finding.line, "startColumn": finding.column or 1}
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": finding.level,
        "message": {"text": f"{finding.field}: {finding.message}" if finding.field else finding.message},
        "locations": [{"physicalLocation": location}],
    }
    if finding.accepted is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.accepted}]
    return result


def sarif(findings: Iterable[Finding], profile: str | None, version: str) -> dict[str, Any]:
    """One run of cookie-catalog with every rule it ran, so that alerts link to their rule's help."""
    rules = [rule for rule in RULES if rule.runs_in(profile)]
    index = {rule.id: i for i, rule in enumerate(rules)}
    driver = {
        "name": "cookie-catalog",
        "semanticVersion": version,
        "rules": [_rule(rule, profile) for rule in rules],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": [_result(f, index) for f in findings]}],
    }
