"""The tests' own shape: helpers come from ``support/``, never from ``conftest`` or another test module.

A test module imported by another runs its tests in two places or depends on
import order, and ``from conftest import`` reaches whichever ``conftest`` is
first on ``sys.path`` (tests/ and tests/browser/ each have one). So test
modules and helpers import from ``support``, and a ``conftest.py`` holds only
fixtures and pytest hooks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from support.paths import TESTS


def python_files(root: Path) -> Iterator[Path]:
    """Every Python file of the tests, not the npm packages the browser tests install."""
    return (p for p in sorted(root.rglob("*.py")) if "node_modules" not in p.relative_to(root).parts)


def imported_modules(tree: ast.AST) -> Iterator[str]:
    """Every module an ``import`` names, at any depth (inside functions too), relative ones with their dots."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            if not node.module:  # `from . import test_x` imports the module test_x
                yield from (base + alias.name for alias in node.names)


def is_test_module(name: str) -> bool:
    """``conftest`` or a ``test_*`` module, however it is reached (``browser.test_browser``, ``.conftest``)."""
    leaf = name.rsplit(".", 1)[-1]
    return leaf == "conftest" or leaf.startswith("test_")


def imports_of_test_modules(root: Path) -> list[str]:
    """``file: module`` for every import of ``conftest`` or a test module under ``root``."""
    return [
        f"{path.relative_to(root)}: {name}"
        for path in python_files(root)
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if is_test_module(name)
    ]


def is_fixture_or_hook(node: ast.FunctionDef) -> bool:
    decorators = [ast.unparse(d) for d in node.decorator_list]
    return node.name.startswith("pytest_") or any(d.startswith(("pytest.fixture", "fixture")) for d in decorators)


def conftest_helpers(root: Path) -> list[str]:
    """Top-level functions of a ``conftest.py`` that are neither fixtures nor hooks: they belong in ``support``."""
    return [
        f"{path.relative_to(root)}: {node.name}"
        for path in sorted(root.rglob("conftest.py"))
        if "node_modules" not in path.parts
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and not is_fixture_or_hook(node)
    ]


def test_no_module_imports_conftest_or_another_test_module():
    assert imports_of_test_modules(TESTS) == []


def test_conftest_holds_only_fixtures_and_hooks():
    assert conftest_helpers(TESTS) == []


def test_the_check_sees_every_form_of_such_an_import(tmp_path):
    (tmp_path / "pkg").mkdir()
    forms = {
        "a.py": "from conftest import CATALOG\n",
        "b.py": "def f():\n    from test_export import parse_js\n",
        "c.py": "import test_hostile\n",
        "pkg/d.py": "from .conftest import DESKTOP\n",
        "pkg/e.py": "from browser.test_browser import search\n",
        "pkg/f.py": "from . import test_browser\n",
        "g.py": "from support.paths import CATALOG\nimport testing\nfrom contest import x\n",
    }
    for name, text in forms.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert imports_of_test_modules(tmp_path) == [
        "a.py: conftest",
        "b.py: test_export",
        "c.py: test_hostile",
        "pkg/d.py: .conftest",
        "pkg/e.py: browser.test_browser",
        "pkg/f.py: .test_browser",
    ]
    (tmp_path / "conftest.py").write_text(
        "import pytest\n@pytest.fixture\ndef ok(): ...\ndef pytest_configure(config): ...\ndef helper(): ...\n"
    )
    assert conftest_helpers(tmp_path) == ["conftest.py: helper"]
