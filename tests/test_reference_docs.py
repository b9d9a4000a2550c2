"""The plugin's options as documented: README's table, the config class's docstrings and every example agree.

The options are read at run time from the config class of the plugin MkDocs
loads (its ``mkdocs.plugins`` entry point), never from a list kept here, so a
new, renamed or re-defaulted option fails until README says the same.
The command line's reference is checked the same way in ``test_cli``.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import re
import textwrap
from importlib.metadata import entry_points

import pytest
import yaml

from support.paths import REPO

NO_DEFAULT = object()  # a table cell that names no literal value: "none", "same as `pages`"
TABLE_HEADER = "| Option | Default | What it does |"


def config_class() -> type:
    """The config class of the plugin registered under ``cookie-catalog``, as MkDocs finds it."""
    return entry_points(group="mkdocs.plugins")["cookie-catalog"].load().config_class


def option_defaults() -> dict[str, object]:
    """Every option of the plugin with its default (None when it has none)."""
    return {name: option.default for name, option in config_class()._schema}


def readme_defaults(readme: str) -> dict[str, object]:
    """README's plugin options table: option -> its default, read as YAML, or NO_DEFAULT."""
    section = readme[readme.index("## The MkDocs plugin") :]
    table = section[section.index(TABLE_HEADER) :].split("\n\n")[0].splitlines()[2:]
    rows = [[cell.strip() for cell in row.strip("|").split("|")] for row in table]
    documented = {}
    for option, default, *_ in rows:
        assert re.fullmatch(r"`\w+`", option), f"an option is written as code: {option}"
        literal = re.fullmatch(r"`([^`]*)`", default)
        documented[option.strip("`")] = yaml.safe_load(literal.group(1)) if literal else NO_DEFAULT
    return documented


def expected_defaults(defaults: dict[str, object]) -> dict[str, object]:
    """What the table must show: a default as its value, no default (None) as words."""
    return {name: NO_DEFAULT if value is None else value for name, value in defaults.items()}


def test_readme_table_shows_every_option_with_its_default_and_no_other():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_defaults(readme) == expected_defaults(option_defaults())


def test_the_table_check_sees_a_missing_option_a_wrong_default_and_an_unknown_option():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme_defaults(readme)
    for broken in (
        readme.replace("| `nav_group_over` | `40` |", "| `nav_group_over` | `50` |"),
        re.sub(r"\| `pdf` \|.*\n", "", readme),
        readme.replace("| `pdf` |", "| `pdf_engine` | none | x |\n| `pdf` |"),
        readme.replace("| `downloads` | same as `pages` |", "| `downloads` | `true` |"),
    ):
        assert readme_defaults(broken) != table


def assigned(statement: ast.stmt) -> list[ast.Name]:
    """The names a class-body statement binds: ``x = ...`` and ``x: T = ...``."""
    targets = statement.targets if isinstance(statement, ast.Assign) else []
    if isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    return [target for target in targets if isinstance(target, ast.Name)]


def undocumented_options() -> list[str]:
    """Options of the config class without the docstring under them that says what they do."""
    body = ast.parse(textwrap.dedent(inspect.getsource(config_class()))).body[0].body
    documented = {
        target.id
        for statement, following in itertools.pairwise(body)
        if isinstance(following, ast.Expr)
        and isinstance(following.value, ast.Constant)
        and isinstance(following.value.value, str)
        for target in assigned(statement)
    }
    return sorted(set(option_defaults()) - documented)


def test_every_option_has_a_docstring_in_the_config_class():
    assert undocumented_options() == []


class _AnyTag(yaml.SafeLoader):
    """YAML as MkDocs reads it, tags like ``!ENV`` read as plain values."""


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)


def plugin_settings(text: str) -> list[dict]:
    """The ``cookie-catalog`` settings of every ``plugins:`` list in a YAML document."""
    document = yaml.load(text, Loader=_AnyTag)
    plugins = document.get("plugins", []) if isinstance(document, dict) else []
    return [entry["cookie-catalog"] or {} for entry in plugins if isinstance(entry, dict) and "cookie-catalog" in entry]


def documented_examples() -> list[tuple[str, str]]:
    """(where, YAML) of mkdocs.yml and of every ``yaml`` block in README and docs/."""
    examples = [("mkdocs.yml", (REPO / "mkdocs.yml").read_text(encoding="utf-8"))]
    for path in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        blocks = re.findall(r"^```yaml\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)
        examples += [(f"{path.relative_to(REPO)} block {i}", block) for i, block in enumerate(blocks, 1)]
    return examples


EXAMPLES = dict(documented_examples())


@pytest.mark.parametrize("where", list(EXAMPLES))
def test_every_example_sets_only_options_the_plugin_has(where: str):
    unknown = [key for settings in plugin_settings(EXAMPLES[where]) for key in settings if key not in option_defaults()]
    assert unknown == [], where


def test_the_examples_hold_the_plugin_settings():
    """The example check reads something: README's and the docs' examples do configure the plugin."""
    configured = [where for where, text in EXAMPLES.items() if plugin_settings(text)]
    assert "mkdocs.yml" in configured
    assert any(where.startswith("README.md") for where in configured)
    assert any(where.startswith("docs") for where in configured)
