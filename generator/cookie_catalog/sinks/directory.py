"""Writing rendered files into a directory: all or nothing, never outside it.

The output directory is replaced in one atomic step (Linux ``renameat2``
RENAME_EXCHANGE; two renames elsewhere), so a crash, a kill or a full disk
leaves the previous output whole. Files whose bytes did not change are
hard-linked from the previous output, so they keep their inode and mtime and
tools watching the directory see only real changes.

Beside ``DIR`` a writer keeps three names of its own, and only while it holds
the first: ``.DIR.lock`` (an ``flock``: one writer of ``DIR`` at a time, released
by the kernel when a writer dies), ``.DIR.new.tmp`` (the output being staged)
and ``.DIR.old.tmp`` (the previous output between the two renames of the
fallback). Whatever a killed writer left there is dead once the lock is held:
the next writer puts a stranded previous output back and removes the rest.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

MARKER = ".cookie-catalog"
# How long a second writer of the same directory waits for the first to finish.
LOCK_WAIT = 120.0
# Test hook, read only in _pause: "POINT:FILE" makes the writer create FILE on
# reaching POINT, then wait (at most PAUSE_LIMIT seconds) until FILE is removed,
# so a test can kill it exactly there or let it go on.
PAUSE_ENV = "COOKIE_CATALOG_TEST_PAUSE"
PAUSE_LIMIT = 60.0


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


def _beside(out: Path, suffix: str) -> Path:
    """One of the writer's own names next to ``out`` (see the module docstring)."""
    return out.with_name(f".{out.name}.{suffix}")


def _pause(point: str) -> None:
    """The test hook of PAUSE_ENV: announce ``point`` and wait there."""
    wanted = os.environ.get(PAUSE_ENV, "")
    name, _, ready = wanted.partition(":")
    if name != point or not ready:
        return
    Path(ready).write_text(f"{os.getpid()}\n", encoding="utf-8")
    deadline = time.monotonic() + PAUSE_LIMIT
    while os.path.exists(ready) and time.monotonic() < deadline:
        time.sleep(0.01)


@contextmanager
def _locked(out: Path, shown: str) -> Iterator[None]:
    """Hold ``.DIR.lock`` for the duration; SinkError after LOCK_WAIT seconds of another writer.

    The lock file is removed while still held, so it is never left behind; a
    writer that had opened the removed file sees that its lock is on a name
    that is gone, and opens the new one.
    """
    path = _beside(out, "lock")
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
        try:
            if not _wait_for_lock(fd, deadline):
                raise SinkError(
                    f"{shown} is being written by another run (it holds {path.name}); "
                    f"gave up after {LOCK_WAIT:g} s, nothing was written"
                )
            if _names(path, fd):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # locked a name another writer removed: try the new one
    try:
        yield
    finally:
        try:
            os.unlink(path)
        finally:
            os.close(fd)


def _names(path: Path, fd: int) -> bool:
    """``path`` still names the file open as ``fd``."""
    try:
        current = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino)


def _wait_for_lock(fd: int, deadline: float) -> bool:
    """Take the exclusive flock on ``fd``, polling until ``deadline``; False if never free."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _recover(out: Path) -> None:
    """Undo what a killed writer left (the lock is held, so no writer is alive).

    A previous output parked by the fallback's first rename goes back in place
    when ``out`` is missing: the killed run changes nothing, as if killed before
    its swap. Otherwise the parked copy and any staging are dead and removed.
    """
    backup, staging = _beside(out, "old.tmp"), _beside(out, "new.tmp")
    if backup.is_dir() and not backup.is_symlink() and not os.path.lexists(out):
        backup.rename(out)
    for dead in (backup, staging):
        if dead.is_dir() and not dead.is_symlink():
            shutil.rmtree(dead)
        elif os.path.lexists(dead):
            dead.unlink()


def _refuse_foreign(out: Path, shown: str, owner: str, force: bool) -> None:
    """SinkError unless ``out`` is absent, empty, or written by us (or ``force``)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise SinkError(f"{shown} exists and is not a directory")
    if not force and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SinkError(
            f"{shown} is not empty and was not written by {owner} (no {MARKER} file); "
            "choose an empty or new directory, so no hand-written file is lost"
        )


def write_tree(out: Path, files: dict[str, bytes], *, owner: str = "cookie-catalog", force: bool = False) -> list[str]:
    """Make ``out`` hold exactly ``files``; returns the names whose bytes changed.

    ``out`` must be absent, empty, or a directory this function wrote before
    (it holds the marker file): a directory of hand-written pages is never replaced,
    unless ``force`` says the caller asked for exactly that. Writers of one
    ``out`` take turns; every file and directory gets the process's umask.
    """
    shown, out = str(out), Path(os.path.abspath(out))  # "x/..", "." have no name to put things beside
    if not out.name:
        raise SinkError(f"{shown}: cannot replace the root directory")
    staging = _beside(out, "new.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out, shown):
            try:
                _recover(out)
                _refuse_foreign(out, shown, owner, force)
                os.mkdir(staging, 0o777)  # the umask applies, as to every file staged below
                changed, identical = _stage(out, staging, files, owner)
                _pause("staged")
                if not out.exists():
                    staging.rename(out)
                elif not identical:
                    _swap(staging, out)
                    _pause("swapped")
            finally:
                _recover(out)  # the previous output back if the fallback stopped half-way; staging gone
    except OSError as exc:
        raise SinkError(f"cannot write {shown}: {_reason(exc, out)}; the previous output is unchanged") from exc
    return changed


def _reason(exc: OSError, out: Path) -> str:
    """The error, naming the file when it is one of ours beside ``out`` (e.g. a ``.DIR.lock`` that is a directory)."""
    reason = str(exc.strerror or exc)
    where = Path(os.fsdecode(exc.filename)) if exc.filename else None
    return f"{where.name}: {reason}" if where is not None and where.parent == out.parent and where != out else reason


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out``; the previous output ends up beside it, to be removed."""
    if _exchange(staging, out):
        return
    backup = _beside(out, "old.tmp")
    out.rename(backup)
    _pause("between-renames")  # out is missing here: _recover puts the backup back
    staging.rename(out)


def _stage(out: Path, staging: Path, files: dict[str, bytes], owner: str) -> tuple[list[str], bool]:
    """Fill ``staging`` with ``files``: the names whose bytes differ from ``out``, and
    whether ``staging`` is ``out`` over again (nothing written anew, nothing removed).

    An unchanged file is hard-linked from ``out`` only when its permissions are
    what a new file gets now, so a changed umask reaches every file.
    """
    changed: list[str] = []
    new_dir_mode = os.stat(staging).st_mode & 0o7777  # mkdir's 0o777 less the umask
    file_mode = new_dir_mode & 0o666
    identical = out.is_dir() and os.stat(out).st_mode & 0o7777 == new_dir_mode
    for name, data in sorted({**files, MARKER: f"written by {owner}; replaced on every run\n".encode()}.items()):
        rel = _safe_relative(name)
        target = staging.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = out.joinpath(*rel.parts)
        if _same_file(previous, data, file_mode):
            os.link(previous, target)
            continue
        identical = False
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if name != MARKER:
            changed.append(name)
    if out.exists():
        removed = sorted({p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - set(files) - {MARKER})
        changed += removed
        identical = identical and not removed
    return changed, identical


def _same_file(previous: Path, data: bytes, mode: int) -> bool:
    """``previous`` is a regular file (not a link) holding ``data`` with permissions ``mode``."""
    try:
        info = os.stat(previous, follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size != len(data) or info.st_mode & 0o7777 != mode:
        return False
    return previous.read_bytes() == data


def write_file(out: Path, data: bytes) -> None:
    """Replace the file ``out`` with ``data`` in one step: a temporary file beside it, renamed over it.

    The temporary file is created as any new file is (0666 less the umask), not
    private as ``tempfile``'s are: a web server running as another user must
    read what is written for it. SinkError, with nothing left behind, otherwise.
    """
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(8)}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
        with open(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, out)
    except OSError as exc:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise SinkError(f"cannot write {out}: {exc.strerror or exc}") from exc


def ensure_ours(out: Path, *, owner: str = "cookie-catalog") -> None:
    """SinkError unless :func:`write_tree` may replace ``out``: checked for every folder before writing any."""
    _refuse_foreign(Path(out), str(out), owner, force=False)


def check_tree(out: Path, files: dict[str, bytes], *, owner: str = "cookie-catalog") -> list[str]:
    """What ``write_tree(out, files)`` would change, writing nothing: one line per file.

    Each line names the file (under ``out``) and whether it is missing, stale
    (other bytes) or extra (written before, no longer wanted). A directory that
    ``write_tree`` would refuse is one line too, so ``--check`` fails where a build would.
    """
    shown = str(out)
    try:
        _refuse_foreign(Path(out), shown, owner, force=False)
    except SinkError as exc:
        return [str(exc)]
    problems = []
    for name, data in sorted(files.items()):
        rel = _safe_relative(name)
        path = Path(out).joinpath(*rel.parts)
        if not path.is_file() or path.is_symlink():
            problems.append(f"{path}: missing")
        elif path.read_bytes() != data:
            problems.append(f"{path}: stale")
    if Path(out).is_dir():
        present = {p.relative_to(out).as_posix() for p in Path(out).rglob("*") if p.is_file() or p.is_symlink()}
        problems += [f"{Path(out) / name}: extra" for name in sorted(present - set(files) - {MARKER})]
    return problems


def update_tree(out: Path, files: dict[str, bytes], *, owner: str = "cookie-catalog") -> list[str]:
    """Make ``out`` hold exactly ``files`` file by file; returns the names changed.

    For a server watching ``out`` (``zensical serve`` does not follow a
    directory replaced by a rename, as :func:`write_tree` does): each changed
    file is replaced in one step (:func:`write_file`), files no longer wanted
    are removed, unchanged ones are not touched. The same lock and the same
    refusal of a directory we did not write as :func:`write_tree`.
    """
    shown, out = str(out), Path(os.path.abspath(out))
    if not out.exists():
        return write_tree(out, files, owner=owner)
    changed: list[str] = []
    try:
        with _locked(out, shown):
            _recover(out)
            _refuse_foreign(out, shown, owner, force=False)
            wanted = {**files, MARKER: f"written by {owner}; replaced on every run\n".encode()}
            for name, data in sorted(wanted.items()):
                target = out.joinpath(*_safe_relative(name).parts)
                if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                    continue
                write_file(target, data)
                if name != MARKER:
                    changed.append(name)
            for path in sorted(out.rglob("*"), reverse=True):
                name = path.relative_to(out).as_posix()
                if (path.is_file() or path.is_symlink()) and name not in wanted:
                    path.unlink()
                    changed.append(name)
                elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                    path.rmdir()
    except OSError as exc:
        raise SinkError(f"cannot write {shown}: {_reason(exc, out)}") from exc
    return changed
