"""Text printed by ``cookie-catalog``: it never fails to print and never acts on the terminal.

Names and paths in messages come from input files, captures and catalogs, so
they may hold what a terminal acts on (an escape sequence that retitles the
window or hides text, a line break that forges a log line) or what cannot be
encoded at all (a lone surrogate from a JSON ``"\\ud800"`` escape, which made
printing crash). :func:`install` wraps the process's output streams once, at
the command's entry point: nothing printed can raise an encoding error, and
what reaches a terminal (standard error always; standard output when it is a
terminal) shows control characters as ``\\x1b``-style escapes. Standard
output sent to a file or a pipe is data and is left as the program wrote it,
save for lone surrogates, which become ``\\udXXXX`` (valid inside JSON text).
"""

from __future__ import annotations

import io
import re
import sys
from typing import TextIO

# C0 and C1 controls and DEL, except tab and line feed; lone surrogates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# The same plus tab, line breaks and Unicode's line and paragraph separators.
_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode("ascii")


def visible(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes; tabs and line feeds kept."""
    return _CONTROLS.sub(_escape, text)


def one_line(text: str) -> str:
    """``text`` as one visible line: line breaks and tabs escaped too (for a name inside a report line)."""
    return _BREAKING.sub(_escape, text)


class _Visible(io.TextIOBase):
    """A text stream that writes through ``visible`` to the stream it wraps."""

    def __init__(self, stream: TextIO):
        super().__init__()
        self._stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "backslashreplace"

    @property
    def buffer(self):
        return self._stream.buffer

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True


def _guarded(stream: TextIO, for_people: bool) -> TextIO:
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="backslashreplace")
    return _Visible(stream) if for_people else stream  # type: ignore[return-value]


def install() -> None:
    """Guard ``sys.stdout`` and ``sys.stderr`` as the module docstring says; call once, first."""
    if sys.stdout is not None:
        sys.stdout = _guarded(sys.stdout, sys.stdout.isatty())
    if sys.stderr is not None:
        sys.stderr = _guarded(sys.stderr, True)
