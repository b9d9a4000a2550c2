"""Killed, out of disk or denied: the output is either as before or complete, never mixed."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cookie_catalog.sinks import directory as sink

from support.catalogs import write_catalog
from support.cli import no_traceback
from support.paths import CATALOG


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


CLI = [sys.executable, "-m", "cookie_catalog.cli"]
# The CLI where renameat2 is missing (not Linux): the two-rename fallback.
CLI_TWO_RENAMES = [
    sys.executable,
    "-c",
    "from cookie_catalog.sinks import directory as sink; sink._exchange = lambda a, b: False; "
    "from cookie_catalog.cli import main; main()",
]
# Where each pause point is, what the output directory holds there, and after a kill there.
POINTS = {  # point: (out at the pause, out after the kill) as "before" / "after" / None (missing)
    "staged": ("before", "before"),
    "between-renames": (None, "before"),  # restored by the next writer
    "swapped": ("after", "after"),
}


def paused(argv: list, point: str, signals: Path) -> tuple[subprocess.Popen, Path]:
    """Start a writer that stops at ``point``; returns it once it is there (it created the ready file)."""
    signals.mkdir(exist_ok=True)
    ready = signals / f"{point}-{time.monotonic_ns()}"
    env = {**os.environ, sink.PAUSE_ENV: f"{point}:{ready}"}
    process = subprocess.Popen([str(a) for a in argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, f"the writer ended before reaching {point}: {process.stderr.read().decode()}"
        assert time.monotonic() < deadline, f"the writer never reached {point}"
        time.sleep(0.01)
    return process, ready


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p != out)


@pytest.mark.parametrize("command", ["generate", "policy"])
@pytest.mark.parametrize(
    "cli, point",
    [(CLI, "staged"), (CLI, "swapped"), *((CLI_TWO_RENAMES, point) for point in POINTS)],
    ids=["exchange-staged", "exchange-swapped", *(f"two-renames-{point}" for point in POINTS)],
)
def test_kill_9_inside_the_write_leaves_before_or_complete(tmp_path, command, cli, point):
    """Killed exactly at each step of the write: the output is the previous or the new one, never mixed or lost."""
    catalogs = [big_catalog(tmp_path / "a", "A", 10, 5), big_catalog(tmp_path / "b", "B", 10, 5)]
    out = tmp_path / "w" / "out"
    complete = []
    for catalog in catalogs:  # the two complete states
        subprocess.run([*cli, command, catalog, "--out", out], check=True, capture_output=True)
        complete.append(contents(out))
    assert complete[0] != complete[1]
    state = {"before": complete[1], "after": complete[0], None: None}
    at_pause, after_kill = POINTS[point]
    writer, _ = paused([*cli, command, catalogs[0], "--out", out], point, tmp_path / "signals")
    # The kill lands inside the write: the staged output is complete beside the directory.
    assert (contents(out) if out.exists() else None) == state[at_pause]
    assert writer.poll() is None
    writer.send_signal(signal.SIGKILL)
    assert writer.wait() == -signal.SIGKILL
    assert ".out.lock" in beside(out)  # the dead writer's lock file is left, its flock is not
    if after_kill != "before" or out.exists():
        assert contents(out) == state[after_kill]
    # The next writer is not blocked by the dead one, restores or cleans what it left, and completes.
    started = time.monotonic()
    subprocess.run([*cli, command, catalogs[1], "--out", out], check=True, capture_output=True, timeout=60)
    assert time.monotonic() - started < 30
    assert contents(out) == complete[1]
    assert beside(out) == []


def test_previous_output_survives_a_kill_between_the_two_renames(tmp_path, monkeypatch):
    """The fallback parks the previous output beside DIR; the next writer puts it back, even one that then fails."""
    catalogs = [big_catalog(tmp_path / "a", "A", 5, 3), big_catalog(tmp_path / "b", "B", 5, 3)]
    out = tmp_path / "w" / "out"
    subprocess.run([*CLI_TWO_RENAMES, "generate", catalogs[0], "--out", out], check=True, capture_output=True)
    before = contents(out)
    writer, _ = paused([*CLI_TWO_RENAMES, "generate", catalogs[1], "--out", out], "between-renames", tmp_path / "s")
    assert not out.exists() and contents(out.with_name(".out.old.tmp")) == before
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sink, "_stage", full_disk)
    with pytest.raises(sink.SinkError, match="No space left on device; the previous output is unchanged"):
        sink.write_tree(out, {"page.md": b"new"})
    assert contents(out) == before
    assert beside(out) == []


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
    (catalog / "catalog.yml").write_text(
        (catalog / "catalog.yml").read_text().replace("list of cookies", "list of the cookies")
    )
    code, _, err = cli("policy", catalog, "--out", out)
    assert code == 1 and no_traceback(err)
    assert f"error: cannot write {out}: {failure.strerror}; the previous output is unchanged" in err
    assert contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "out"]


def test_unwritable_parent_is_a_clear_error(cli, tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(sink.os, "mkdir", denied)
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
    (catalog / "plugins/app.yml").write_text(
        (catalog / "plugins/app.yml").read_text().replace("Contains a list", "Holds a list")
    )
    assert cli("generate", catalog, "--out", out)[0] == 0
    assert "Holds a list" in (out / "app.md").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat", "out"]


# -- writers of one directory at once ------------------------------------------------------------


def _stage_then_wait(monkeypatch, stop_in: str, staged: threading.Event, go: threading.Event) -> None:
    """Make the writer of ``stop_in`` wait after staging (before its swap) until ``go``."""
    real = sink._stage

    def stage(out, staging, files, owner):
        result = real(out, staging, files, owner)
        if Path(out).name == stop_in:
            staged.set()
            assert go.wait(30)
        return result

    monkeypatch.setattr(sink, "_stage", stage)


@pytest.mark.parametrize("first_name", ["out", "out.x"], ids=["same-directory", "directory-with-a-longer-name"])
def test_two_writers_at_once_each_leave_one_complete_output(tmp_path, monkeypatch, first_name):
    """A writer never removes another one's staging: of DIR it waits its turn; DIR.x's is none of its business."""
    first, second = tmp_path / first_name, tmp_path / "out"
    staged, go = threading.Event(), threading.Event()
    _stage_then_wait(monkeypatch, first_name, staged, go)
    results: dict[str, object] = {}

    def write(name: str, target: Path, files: dict[str, bytes]) -> None:
        try:
            results[name] = sink.write_tree(target, files)
        except BaseException as exc:  # reported below
            results[name] = exc

    a = threading.Thread(target=write, args=("a", first, {"a.md": b"A", "both.md": b"from A"}))
    a.start()
    assert staged.wait(30)
    b = threading.Thread(target=write, args=("b", second, {"b.md": b"B", "both.md": b"from B"}))
    b.start()
    b.join(1.0)
    if first == second:
        assert b.is_alive(), "the second writer of one directory must wait for the first"
    go.set()
    a.join(30)
    b.join(30)
    assert not any(isinstance(result, BaseException) for result in results.values()), results
    assert contents(second) == {"b.md": b"B", "both.md": b"from B", sink.MARKER: contents(second)[sink.MARKER]}
    if first != second:
        assert contents(first) == {"a.md": b"A", "both.md": b"from A", sink.MARKER: contents(first)[sink.MARKER]}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({first.name, second.name})


def test_two_generate_runs_at_once_both_succeed_one_after_the_other(tmp_path):
    catalogs = [big_catalog(tmp_path / "a", "A", 5, 3), big_catalog(tmp_path / "b", "B", 8, 3)]
    out = tmp_path / "w" / "out"
    first, ready = paused([*CLI, "generate", catalogs[0], "--out", out], "staged", tmp_path / "s")
    second = subprocess.Popen([*CLI, "generate", str(catalogs[1]), "--out", str(out)], stderr=subprocess.PIPE)
    time.sleep(1.0)
    assert second.poll() is None, "the second writer must wait while the first holds the directory"
    ready.unlink()  # let the first go on
    assert first.wait(60) == 0
    assert second.wait(60) == 0, second.stderr.read().decode()
    subprocess.run([*CLI, "generate", catalogs[1], "--out", tmp_path / "expected"], check=True, capture_output=True)
    assert contents(out) == contents(tmp_path / "expected")
    assert beside(out) == []


def test_a_writer_that_waits_too_long_gives_up_with_one_line(cli, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert cli("generate", CATALOG, "--out", out)[0] == 0
    before = contents(out)
    monkeypatch.setattr(sink, "LOCK_WAIT", 0.3)
    with open(tmp_path / ".out.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another writer, alive
        code, _, err = cli("generate", CATALOG, "--out", out)
    assert code == 1 and no_traceback(err) and err.count("\n") == 1
    assert err == (
        f"error: {out} is being written by another run (it holds .out.lock); gave up after 0.3 s, nothing was written\n"
    )
    assert contents(out) == before


@pytest.mark.parametrize("planted", ["lock-directory", "lock-symlink", "old-symlink", "new-symlink"])
def test_what_lies_beside_the_directory_is_never_followed(cli, tmp_path, planted):
    """The writer's own names beside DIR, if something else is there: one line, or removed; never followed."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.md").write_text("keep")
    out = tmp_path / "w" / "out"
    out.parent.mkdir()
    name, kind = {
        "lock-directory": (".out.lock", "dir"),
        "lock-symlink": (".out.lock", "link"),
        "old-symlink": (".out.old.tmp", "link"),
        "new-symlink": (".out.new.tmp", "link"),
    }[planted]
    if kind == "dir":
        (out.parent / name).mkdir()
    else:
        (out.parent / name).symlink_to(outside, target_is_directory=True)
    code, _, err = cli("generate", CATALOG, "--out", out)
    if name == ".out.lock":
        assert code == 1 and no_traceback(err) and err.count("\n") == 1
        assert err.startswith(f"error: cannot write {out}: .out.lock: ") and not out.exists()
    else:
        assert code == 0, err
        assert (out / "index.md").is_file() and not out.is_symlink() and beside(out) == []
    assert contents(outside) == {"keep.md": b"keep"}
