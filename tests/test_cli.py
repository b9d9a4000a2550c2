"""The command line as documented: every command's --help, --version, schema, policy --templates."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import tomllib

from cookie_catalog.cli import main

from support.catalogs import plugin_yaml, seed_rows, write_catalog
from support.paths import CATALOG, REPO

SCHEMAS = REPO / "generator" / "cookie_catalog" / "catalog" / "schemas"
PROGRAM = Path(sys.executable).parent / "cookie-catalog"


def documented_usage() -> dict[tuple[str, ...], str]:
    """README's command list: each command's words, with the text of its lines (comments left out).

    ``cookie-catalog --version`` documents the options of the command group itself, under ``()``.
    """
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Commands\n\n```sh\n(.*?)```", readme, re.S).group(1)
    usage: dict[tuple[str, ...], str] = {}
    last: list[tuple[str, ...]] = []
    for line in block.splitlines():
        text = line.split(" # ")[0]
        if text.startswith("cookie-catalog "):
            last = [tuple(w) for w in _words(text.split()[1:])]
            usage.update({path: "" for path in last})
        for path in last:
            usage[path] += text + "\n"
    return usage


def documented_commands() -> dict[tuple[str, ...], set[str]]:
    """README's command list: each command's words, with the flags shown for it."""
    return {path: set(re.findall(r"--[a-z][a-z-]*", text)) for path, text in documented_usage().items()}


def _words(tokens: list[str]):
    """``export a|b --catalog`` -> ["export", "a"], ["export", "b"]."""
    verbs = []
    for token in tokens:
        if not re.fullmatch(r"[a-z][a-z|-]*", token):
            break
        verbs.append(token.split("|"))
    paths: list[list[str]] = [[]]
    for choices in verbs:
        paths = [[*p, c] for p in paths for c in choices]
    return paths


def cli_commands(group: click.Group = main, path: tuple[str, ...] = ()):
    """Every command of the CLI as (path, command), groups included."""
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from cli_commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_readme_documents_every_command_and_no_other():
    leaves = {path for path, command in cli_commands() if not isinstance(command, click.Group)}
    assert set(documented_commands()) - {()} == leaves


def cli_flags(command: click.Command) -> set[str]:
    """The long and short options ``--help`` lists for a command, ``--help`` itself aside."""
    return {
        opt
        for param in command.params
        for opt in (*param.opts, *param.secondary_opts)
        if opt.startswith("-") and opt not in ("--help", "-h")
    }


@pytest.mark.parametrize("path", [path for path, _ in cli_commands()], ids=lambda p: " ".join(p) or "cookie-catalog")
def test_readme_shows_every_flag_and_argument_of_a_command_and_no_other(path):
    command = dict(cli_commands())[path]
    assert documented_commands().get(path, set()) == cli_flags(command)
    words = set(re.findall(r"\b[A-Z]+\b", documented_usage().get(path, "")))
    context = click.Context(command, info_name=path[-1] if path else "cookie-catalog")
    shown = {re.sub(r"[^A-Z_]", "", p.make_metavar(context)) for p in command.params if isinstance(p, click.Argument)}
    assert shown <= words


@pytest.mark.parametrize("path", [path for path, _ in cli_commands()], ids=lambda p: " ".join(p) or "cookie-catalog")
def test_help_of_every_command(runner, path):
    command = dict(cli_commands())[path]
    result = runner.invoke(main, [*path, "--help"], prog_name="cookie-catalog")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cookie-catalog {' '.join(path)}".rstrip() + " ")
    assert runner.invoke(main, [*path, "-h"], prog_name="cookie-catalog").output == result.output
    flags = {opt for param in command.params for opt in param.opts if opt.startswith("-")}
    shown = set(re.findall(r"(?<![\w-])-{1,2}[a-z][a-z-]*", result.output))
    assert flags | documented_commands().get(path, set()) <= shown
    if isinstance(command, click.Group):
        assert all(re.search(rf"^  {re.escape(name)}\b", result.output, re.M) for name in command.commands)


def test_version_is_the_packages():
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    result = subprocess.run([str(PROGRAM), "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"cookie-catalog, version {version}\n", "")


def test_schema_prints_the_committed_plugin_schema(cli):
    code, out, err = cli("schema")
    assert (code, err) == (0, "")
    assert out == (SCHEMAS / "plugin.schema.json").read_text(encoding="utf-8")


def test_schema_out_writes_the_committed_schemas(cli, tmp_path):
    out = tmp_path / "nested" / "schemas"
    code, stdout, err = cli("schema", "--out", out)
    assert code == 0, err
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "catalog-document.schema.json",
        "catalog.schema.json",
        "plugin.schema.json",
        "policy.schema.json",
    ]
    for name in written:
        assert (out / name).read_text(encoding="utf-8") == (SCHEMAS / name).read_text(encoding="utf-8"), name
    names = "catalog.schema.json, plugin.schema.json, catalog-document.schema.json, policy.schema.json"
    assert stdout == f"{out}: {names}\n"


def test_policy_templates_override_the_bundled_ones(cli, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "policy.md.j2").write_text("# Our policy\n\nOur own words, {{ catalog.cookie_count }} cookies.\n")
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "out", "--templates", templates)
    assert code == 0, err
    out = tmp_path / "out"
    count = len(seed_rows())
    assert (out / "cookie-policy.md").read_text() == f"# Our policy\n\nOur own words, {count} cookies.\n"
    html = (out / "cookie-policy.html").read_text()
    assert f"<p>Our own words, {count} cookies.</p>" in html and "<style>" in html  # the bundled wrapper, our body
    assert "_genesys.widgets.webchat.state.open" in (out / "cookie-policy.csv").read_text()  # not from templates


def test_policy_with_a_broken_template_names_it_and_writes_nothing(cli, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "policy.html.j2").write_text("<html>\n{{ body\n")
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "out", "--templates", templates)
    assert code == 1 and re.fullmatch(r"error: .*policy\.html\.j2:2: template error: .*\n", err), err
    assert not (tmp_path / "out").exists()


def test_order_key_places_plugins_before_file_name_order(cli, tmp_path):
    """`order:` first, by its number (ties by file name), then the plugins without it, by file name."""
    plugins = {
        "a.yml": "order: 3\n" + plugin_yaml("Alpha"),
        "b.yml": plugin_yaml("Bravo"),
        "c.yml": "order: 1\n" + plugin_yaml("Charlie"),
        "d.yml": "order: 3\n" + plugin_yaml("Delta"),
        "e.yml": "order: -2\n" + plugin_yaml("Echo"),
        "f.yml": plugin_yaml("Foxtrot"),
    }
    catalog = write_catalog(tmp_path / "cat", plugins=plugins)
    expected = ["Echo", "Charlie", "Alpha", "Delta", "Bravo", "Foxtrot"]
    assert cli("generate", catalog, "--out", tmp_path / "pages")[0] == 0
    overview = (tmp_path / "pages" / "index.md").read_text()
    assert re.findall(r"^\| \[([A-Za-z]+)\]\(", overview, re.M) == expected
    assert cli("policy", catalog, "--out", tmp_path / "policy", "--format", "md")[0] == 0
    assert re.findall(r"^### (\w+)$", (tmp_path / "policy" / "cookie-policy.md").read_text(), re.M) == expected


def test_no_test_runs_the_cli_through_a_runner_that_swallows_exceptions():
    """conftest's runner lets exceptions through; a CliRunner made elsewhere would hide a crash as exit 1."""
    offenders = [
        p.name
        for p in (REPO / "tests").rglob("*.py")
        if "node_modules" not in p.parts
        and p.name != "conftest.py"
        and re.search(r"CliRunner\s*\(|catch_exceptions\s*=\s*True", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
