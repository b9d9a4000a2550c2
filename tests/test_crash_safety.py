"""Killed, out of disk or denied: the output is either as before or complete, never mixed."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CATALOG, no_traceback, write_catalog

from generator import sink


def big_catalog(root: Path, variant: str, plugins: int = 100, cookies: int = 40) -> Path:
    files = {}
    for p in range(plugins):
        rows = "".join(
            f"  - name: c{p}_{c}\n    purpose: Purpose {variant} of cookie {c} in plugin {p}.\n"
            "    duration: 1 year\n    provenance: first-party\n    category: analytics\n"
            for c in range(cookies)
        )
        files[f"p{p:03d}.yml"] = f"plugin: Plugin {p}\ncookies:\n{rows}"
    return write_catalog(root, "product: Big\n", files)


def contents(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


@pytest.mark.parametrize("command", ["generate", "policy"])
def test_kill_9_mid_write_leaves_before_or_complete(tmp_path, command):
    catalogs = [big_catalog(tmp_path / "a", "A"), big_catalog(tmp_path / "b", "B")]
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "generator.cli"]
    complete = []
    for catalog in catalogs:  # the two complete states
        subprocess.run([*cli, command, str(catalog), "--out", str(out)], check=True, capture_output=True)
        complete.append(contents(out))
    assert complete[0] != complete[1]
    start = time.perf_counter()
    subprocess.run([*cli, command, str(catalogs[0]), "--out", str(out)], check=True, capture_output=True)
    duration = time.perf_counter() - start
    rng = random.Random(20261125)
    outcomes = {0: 0, 1: 0}
    for attempt in range(16):
        target = attempt % 2
        process = subprocess.Popen([*cli, command, str(catalogs[target]), "--out", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = contents(out)
        assert now in complete, f"attempt {attempt}: a mixed output directory"
        outcomes[complete.index(now)] += 1
    # the next run cleans what the killed ones left beside the output
    subprocess.run([*cli, command, str(catalogs[1]), "--out", str(out)], check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "out"]
    assert contents(out) == complete[1]


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), PermissionError(errno.EACCES, "Permission denied")],
)
def test_full_disk_or_permission_error_keeps_previous_output(cli, tmp_path, monkeypatch, failure):
    out = tmp_path / "out"
    assert cli("policy", CATALOG, "--out", out)[0] == 0
    before = contents(out)
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:  # part-way through
            raise failure
        return real_fsync(fd)

    monkeypatch.setattr(sink.os, "fsync", failing_fsync)
    catalog = tmp_path / "cat"
    import shutil

    shutil.copytree(CATALOG, catalog)
    (catalog / "catalog.yml").write_text((catalog / "catalog.yml").read_text().replace("list of cookies", "list of the cookies"))
    code, _, err = cli("policy", catalog, "--out", out)
    assert code == 1 and no_traceback(err)
    assert f"error: cannot write {out}: {failure.strerror}; the previous output is unchanged" in err
    assert contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "out"]


def test_unwritable_parent_is_a_clear_error(cli, tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(sink.tempfile, "mkdtemp", denied)
    code, _, err = cli("generate", CATALOG, "--out", tmp_path / "out")
    assert code == 1 and "Permission denied; the previous output is unchanged" in err and no_traceback(err)


def test_exchange_fallback_still_complete(cli, tmp_path, monkeypatch):
    """Where renameat2 is missing (not Linux), two renames are used."""
    monkeypatch.setattr(sink, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    cli("generate", CATALOG, "--out", out)
    catalog = tmp_path / "cat"
    import shutil

    shutil.copytree(CATALOG, catalog)
    (catalog / "plugins/app.yml").write_text((catalog / "plugins/app.yml").read_text().replace("Contains a list", "Holds a list"))
    assert cli("generate", catalog, "--out", out)[0] == 0
    assert "Holds a list" in (out / "app.md").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "out"]
