"""Whatever the bytes, the loader answers with problems, never a traceback, and quickly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.cli.ci import in_ci

from support.catalogs import plugin_yaml, write_catalog

FUZZ_EXAMPLES = 3000 if in_ci() else 500
YAML_BITS = [
    "plugin: ",
    "cookies:\n",
    "  - name: ",
    "    purpose: ",
    "    duration: ",
    "session",
    "2 years",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!python/object ",
    "!!str ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "- ",
    "\n",
    "    ",
    "'",
    '"',
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "? ",
    "#",
    "\t",
    "\ufeff",
    "\x00",
    "\xff",
    "null",
    "~",
    "no",
    "category: ",
    "provenance: ",
    "third-party",
    "functional",
    "strictly-necessary",
    "notes:\n",
    "kind: ",
]


def try_load(tmp: Path, content: bytes) -> None:
    path = tmp / "plugins" / "p.yml"
    path.write_bytes(content)
    try:
        load_catalog(tmp)
    except CatalogError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return write_catalog(tmp_path_factory.mktemp("fuzz") / "cat")


@settings(max_examples=FUZZ_EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_fuzz_raw_bytes(fuzz_dir, content):
    try_load(fuzz_dir, content)


@settings(max_examples=FUZZ_EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(YAML_BITS) | st.text(max_size=5), max_size=60).map("".join))
def test_fuzz_yaml_shaped_text(fuzz_dir, text):
    try_load(fuzz_dir, text.encode("utf-8", "surrogatepass"))


def run_validate(catalog: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    """Validate in a child process; returns its result, seconds and peak memory (KiB)."""
    script = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        f"r = subprocess.run([sys.executable, '-m', 'cookie_catalog.cli', 'validate', {str(catalog)!r}],"
        " capture_output=True, text=True);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr); sys.exit(r.returncode)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    seconds, peak = result.stdout.splitlines()[0].split()
    return result, float(seconds), int(peak)


def test_50_mb_file_refused_fast_in_bounded_memory(tmp_path):
    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml()})
    with open(cat / "plugins" / "huge.yml", "wb") as fh:
        fh.write(b"plugin: H\ncookies: []\ndescription: '" + b"x" * (50 * 1024 * 1024) + b"'\n")
    result, seconds, peak = run_validate(cat)
    assert (
        result.returncode == 1
        and "huge.yml: file is 52,428,8" in result.stderr
        and "at most 33,554,432" in result.stderr
    )
    assert seconds < 5 and peak < 200 * 1024, (seconds, peak)


def test_1_mb_purpose_is_fine(tmp_path):
    purpose = "word " * 200_000
    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": plugin_yaml(cookies=[("big", purpose)])})
    result, seconds, _ = run_validate(cat)
    assert result.returncode == 0 and seconds < 10, (result.stderr, seconds)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_refused_fast(tmp_path, depth):
    cat = write_catalog(
        tmp_path / "cat", plugins={"a.yml": "plugin: P\ncookies: []\ndescription: " + "[" * depth + "]" * depth + "\n"}
    )
    result, seconds, _ = run_validate(cat)
    assert result.returncode == 1 and seconds < 5
    assert "a.yml:3:" in result.stderr and "Traceback" not in result.stderr


def test_billion_laughs_refused_fast_in_bounded_memory(tmp_path):
    lines = [
        "plugin: P",
        "cookies: []",
        'description: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for i in range(1, 12):
        prev = "a" if i == 1 else f"a{i - 1}"
        lines.append(f"x{i}: &a{i} [{', '.join(['*' + prev] * 10)}]")
    cat = write_catalog(tmp_path / "cat", plugins={"a.yml": "\n".join(lines) + "\n"})
    result, seconds, peak = run_validate(cat)
    assert result.returncode == 1 and "alias bomb" in result.stderr
    assert seconds < 5 and peak < 200 * 1024, (seconds, peak)
