"""Problems found in a catalog, reported the way a compiler reports errors.

Every stage that can reject input collects :class:`Problem` values instead of
raising on the first one, so a user fixes a whole catalog in one round trip.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    field: str  # dotted path such as ``cookies[3].duration``; "" for the file itself
    message: str  # "what is wrong; what was expected"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class CatalogError(Exception):
    """Raised with every problem found, never with only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def quoted(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut short: a value of 100,000 characters
    must not make a problem line 100,000 characters long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when possible,
    so they are clickable in editors and CI logs.

    Symbolic links are not followed: a message names the path the user has
    (and a refused link, not what it points at); a loop of links cannot fail it.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):  # elsewhere, or the working directory is gone
        return str(path)
