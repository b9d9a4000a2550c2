"""Writing rendered files into a directory: all or nothing, never outside it.

The output directory is replaced in one atomic step (Linux ``renameat2``
RENAME_EXCHANGE; two renames elsewhere), so a crash, a kill or a full disk
leaves the previous output whole. Files whose bytes did not change are
hard-linked from the previous output, so they keep their inode and mtime and
tools watching the directory see only real changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

MARKER = ".cookie-catalog"


class SinkError(Exception):
    """The output could not be written; the previous output is intact."""


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        raise SinkError(f"refusing to write {name!r}: outside the output directory")
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False where the OS cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not hasattr(os, "O_DIRECTORY"):
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def write_tree(out: Path, files: dict[str, bytes], *, owner: str = "cookie-catalog", force: bool = False) -> list[str]:
    """Make ``out`` hold exactly ``files``; returns the names whose bytes changed.

    ``out`` must be absent, empty, or a directory this function wrote before
    (it holds the marker file): a directory of hand-written pages is never replaced,
    unless ``force`` says the caller asked for exactly that.
    """
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise SinkError(f"{out} exists and is not a directory")
        if not force and any(out.iterdir()) and not (out / MARKER).is_file():
            raise SinkError(
                f"{out} is not empty and was not written by {owner} (no {MARKER} file); "
                "choose an empty or new directory, so no hand-written file is lost"
            )
    staging: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in out.parent.glob(f".{out.name}.*.tmp"):  # left by a killed run
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp's 0700 would make the output private
        changed = _stage(out, staging, files, owner)
        if not out.exists():
            staging.rename(out)
        elif changed:
            if not _exchange(staging, out):
                backup = staging.with_name(staging.name + ".old.tmp")
                out.rename(backup)
                staging.rename(out)
                staging = backup
        shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise SinkError(f"cannot write {out}: {exc.strerror or exc}; the previous output is unchanged") from exc
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return changed


def _stage(out: Path, staging: Path, files: dict[str, bytes], owner: str) -> list[str]:
    """Fill ``staging`` with ``files``; returns the names that differ from ``out``."""
    changed: list[str] = []
    for name, data in sorted({**files, MARKER: f"written by {owner}; replaced on every run\n".encode()}.items()):
        rel = _safe_relative(name)
        target = staging.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = out.joinpath(*rel.parts)
        if previous.is_file() and previous.stat().st_size == len(data) and previous.read_bytes() == data:
            os.link(previous, target)
            continue
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if name != MARKER:
            changed.append(name)
    if out.exists():
        removed = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - set(files) - {MARKER}
        changed += sorted(removed)
    return changed
