"""Reading one input file as text, within a size limit, whatever the path names.

Every reader (catalog YAML, captures, CSV, HTML) goes through :func:`read_text`
so that each refuses the same things the same way, in one line: a directory
or device where a file is expected, more bytes than its limit (checked while
reading, so a pipe or a file that grows cannot get past it), a NUL byte (no
text format read here has one) and bytes that are not UTF-8. A FIFO is read
like a pipe, and one without a writer reads as empty instead of blocking.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from cookie_catalog.catalog.problems import CatalogError, Problem, display_path

CHUNK = 1 << 20


class InputError(Exception):
    """Why a file cannot be read as text; ``line`` is 1-based, 0 when it is about the whole file."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


def read_text(path: Path, limit: int, expected: str = "a text file") -> str:
    """The UTF-8 text of ``path`` (a leading byte order mark dropped); raises :class:`InputError`.

    ``expected`` names what the file should be, for the messages.
    """
    fd = _open(path, expected)
    try:
        _check_kind(os.fstat(fd), limit, expected)
        return _read(fd, limit, expected)
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_located(path: Path, limit: int, expected: str) -> str:
    """:func:`read_text` for readers that report :class:`CatalogError`: a failure is one problem naming the file.

    The importers report every problem of a source at once, as ``file:line:col``;
    a file that cannot be read at all is the first and only such problem.
    """
    try:
        return read_text(path, limit, expected)
    except InputError as exc:
        raise CatalogError([Problem(display_path(path), exc.line, 0, "", exc.message)]) from None


def _open(path: Path, expected: str) -> int:
    # O_NONBLOCK: opening a FIFO that has no writer returns at once instead of
    # waiting for one; it is cleared again before reading.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise InputError(f"no such file; expected {expected}") from None
        raise InputError(f"cannot be read: {exc.strerror or exc}") from None
    os.set_blocking(fd, True)
    return fd


def _check_kind(info: os.stat_result, limit: int, expected: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"is a directory; expected {expected}")
    if stat.S_ISREG(info.st_mode):
        if info.st_size > limit:
            raise InputError(f"file is {info.st_size:,} bytes; at most {limit:,} are accepted")
    elif not stat.S_ISFIFO(info.st_mode):
        raise InputError(f"is a device or socket, not a file; expected {expected}")


def _read(fd: int, limit: int, expected: str) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    parts: list[str] = []
    total = 0
    while True:
        chunk = os.read(fd, min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise InputError(f"holds more than {limit:,} bytes; at most {limit:,} are accepted")
        parts.append(_decode(decoder, chunk, parts, total - len(chunk)))
        _refuse_nul(chunk, parts[:-1], expected)
    parts.append(_decode(decoder, b"", parts, total, final=True))
    return "".join(parts).removeprefix("\ufeff")


def _refuse_nul(chunk: bytes, before: list[str], expected: str) -> None:
    at = chunk.find(b"\0")
    if at >= 0:
        line = _line(before) + chunk[:at].count(b"\n")
        raise InputError(f"holds a NUL byte, so it is binary; expected {expected}", line)


def _decode(
    decoder: codecs.IncrementalDecoder, chunk: bytes, before: list[str], offset: int, final: bool = False
) -> str:
    """``chunk`` decoded; ``offset`` is where it starts in the file, for the message."""
    pending = len(decoder.getstate()[0])  # bytes of a character begun in the chunk before
    try:
        return decoder.decode(chunk, final)
    except UnicodeDecodeError as exc:
        line = _line(before) + exc.object[: exc.start].count(b"\n")
        at = offset - pending + exc.start
        byte: int | None = exc.object[exc.start] if exc.start < len(exc.object) else None
        shown = f"byte 0x{byte:02x} at offset {at}" if byte is not None else "a character cut short at the end"
        raise InputError(f"is not UTF-8 ({shown}); save it as UTF-8", line) from None


def _line(before: list[str]) -> int:
    return 1 + sum(part.count("\n") for part in before)
