"""The wheel as a customer gets it: only ``cookie_catalog`` at the top level, installed into a fresh venv.

The development environment imports the package from the source tree (an
editable install), so nothing else shows that the wheel holds the templates
and schemas, that its dependencies are declared, or that the plugin loads
when the customer's own project has a ``generator/`` package (the package
used to be called ``generator``, and such a project shadowed it:
``No module named 'generator.plugin'``). Here the wheel is built with pip,
installed non-editable into a new venv with no site packages but its own,
its dependencies resolved from the package index, and used from a customer
project in a temporary directory, so nothing can come from the repository.

It takes about half a minute (the dependencies come from pip's cache after
the first run): marked ``slow``, it runs in ``make test`` and CI; deselect it
with ``-m "not slow"``. Without the package index it is skipped, except in CI.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cookie_catalog.cli.ci import in_ci

from support.paths import CATALOG, REPO
from support.sitebuild import cells

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

PACKAGE = "cookie_catalog"
SOURCE_TEMPLATES = REPO / "templates"
SOURCE_SCHEMAS = REPO / "generator" / PACKAGE / "catalog" / "schemas"
SOURCE_LOCALES = REPO / "generator" / PACKAGE / "render" / "locales"
# What a customer's environment must not pass on to the venv: a path into the source tree, a catalog.
LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH", "VIRTUAL_ENV", "COOKIE_CATALOG")


@dataclass(frozen=True)
class Venv:
    """A fresh virtual environment with the wheel installed, and an environment to run it in."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def run(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in LEAKY} | {"NO_MKDOCS_2_WARNING": "1"}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        command = [str(a) for a in args]
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)


def package_index_needed(result: subprocess.CompletedProcess, what: str) -> None:
    """Fail a pip step that failed; outside CI, skip instead when the package index is unreachable."""
    if result.returncode == 0:
        return
    offline = any(s in result.stderr for s in ("NewConnectionError", "Network is unreachable", "No matching distri"))
    if offline and not in_ci():
        pytest.skip(f"{what}: the package index is unreachable")
    pytest.fail(f"{what} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built by pip from the working tree, as ``pip install .`` would build it."""
    out = tmp_path_factory.mktemp("dist")
    result = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-w", out, REPO, cwd=out
    )
    package_index_needed(result, "pip wheel")
    [built] = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Venv:
    """A new venv (no system site packages) holding the wheel, non-editable, and its dependencies."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(root)
    target = Venv(root)
    # The test environment's pip installs into the venv: quicker than bootstrapping pip in it.
    pip = [sys.executable, "-m", "pip", "--python", target.bin / "python", "install", "--disable-pip-version-check"]
    package_index_needed(run(*pip, "--quiet", wheel, cwd=root.parent), "pip install of the wheel")
    return target


def test_wheel_holds_only_the_package_with_its_templates_schemas_and_types(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert {name.split("/")[0] for name in names} == {PACKAGE, "-".join(wheel.name.split("-")[:2]) + ".dist-info"}
    assert f"{PACKAGE}/py.typed" in names
    templates = {f"{PACKAGE}/templates/{p.name}" for p in SOURCE_TEMPLATES.iterdir() if p.is_file()}
    assert templates and templates <= set(names)
    schemas = {f"{PACKAGE}/catalog/schemas/{p.name}" for p in SOURCE_SCHEMAS.glob("*.json")}
    assert schemas and schemas <= set(names)
    locales = {
        f"{PACKAGE}/render/locales/{p.relative_to(SOURCE_LOCALES).as_posix()}" for p in SOURCE_LOCALES.rglob("*.po")
    }
    assert len(locales) == 24 and locales <= set(names)
    # scan --url --draft pre-fills from the Open Cookie Database without a network: the CSV, with its licence.
    ocd = {f"{PACKAGE}/interop/data/open-cookie-database.{ext}" for ext in ("csv", "LICENSE")}
    assert ocd <= set(names)
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Provides-Extra: scan" in metadata.splitlines()
    points = configparser.ConfigParser()
    points.read_string(entry_points)
    assert list(points["console_scripts"]) == ["cookie-catalog"]
    assert list(points["mkdocs.plugins"]) == ["cookie-catalog"]
    assert all(v.startswith(f"{PACKAGE}.") for section in points.sections() for v in points[section].values())


def customer_project(root: Path, plugin_page: str) -> Path:
    """A customer's MkDocs project: the bundled catalog, a page with a directive, and its own ``generator`` package."""
    project = root / "acme-docs"
    (project / "docs").mkdir(parents=True)
    (project / "catalog").mkdir()
    for path in CATALOG.rglob("*.yml"):
        (project / "catalog" / path.relative_to(CATALOG)).parent.mkdir(parents=True, exist_ok=True)
        (project / "catalog" / path.relative_to(CATALOG)).write_bytes(path.read_bytes())
    (project / "docs" / "index.md").write_text(f'# Acme\n\n<!-- cookie-catalog:table plugin="{plugin_page}" -->\n')
    (project / "generator").mkdir()  # a package of the customer's own, first on sys.path under `python -m mkdocs`
    (project / "generator" / "__init__.py").write_text('"""Acme\'s own code generator."""\n')
    (project / "generator" / "plugin.py").write_text("raise ImportError('the customer module was imported')\n")
    (project / "mkdocs.yml").write_text(
        "site_name: Acme\ntheme:\n  name: material\n  font: false\nmarkdown_extensions:\n  - admonition\n  - tables\n"
        "plugins:\n  - search\n  - cookie-catalog:\n      catalog: catalog\n"
    )
    return project


def test_installed_wheel_validates_and_builds_a_customer_site(installed, tmp_path):
    webchat = yaml.safe_load((CATALOG / "plugins" / "webchat.yml").read_text(encoding="utf-8"))
    project = customer_project(tmp_path, webchat["plugin"])

    where = installed.run("python", "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)", cwd=project)
    assert Path(where.stdout.strip()).is_relative_to(installed.root), where
    labels = "from cookie_catalog.render.labels import labels_for; print(labels_for('de').gettext('Purpose'))"
    assert installed.run("python", "-c", labels, cwd=project).stdout == "Zweck\n"
    validated = installed.run("cookie-catalog", "validate", "catalog", cwd=project)
    assert validated.returncode == 0, validated.stderr
    schemas = installed.run("cookie-catalog", "schema", "--out", tmp_path / "schemas", cwd=project)
    assert schemas.returncode == 0, schemas.stderr
    for path in SOURCE_SCHEMAS.glob("*.json"):
        if (tmp_path / "schemas" / path.name).exists():
            assert (tmp_path / "schemas" / path.name).read_bytes() == path.read_bytes(), path.name

    # `python -m` puts the project first on sys.path, ahead of site-packages: its `generator` is found first.
    built = installed.run("python", "-m", "mkdocs", "build", "--strict", cwd=project)
    assert built.returncode == 0, built.stderr
    site = project / "site"
    for page in ("index.html", "cookies/index.html", "cookies/webchat/index.html", "downloads/cookie-policy.html"):
        assert (site / page).is_file(), page
    names = [cell.split("\n")[0] for cell in cells(site / "index.html")]
    wanted = [c["name"] for c in webchat["cookies"]]
    assert [n for n in names if n in wanted] == wanted, names
