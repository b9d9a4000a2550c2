"""Cookie lifetimes as a type: shown as text, as ISO 8601, and sortable.

Catalogs say ``session``, ``2 years``, ``persistent`` or ``unknown``. Keeping the
parsed value (not the string) lets every output agree on one spelling and lets
tables sort a session cookie before a two-year one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cookie_catalog.catalog.problems import quoted

UNITS: dict[str, tuple[int, str]] = {
    # unit: (seconds, ISO 8601 designator; time units are prefixed with T)
    "second": (1, "TS"),
    "minute": (60, "TM"),
    "hour": (3600, "TH"),
    "day": (86400, "D"),
    "week": (7 * 86400, "W"),
    "month": (30 * 86400, "M"),
    "year": (365 * 86400, "Y"),
}
KINDS = ("session", "persistent", "unknown")
PATTERN = r"^(session|persistent|unknown|[1-9][0-9]{0,5} (second|minute|hour|day|week|month|year)s?)$"
EXPECTED = "'session', '<n> <unit>' (second, minute, hour, day, week, month or year), 'persistent' or 'unknown'"
_PARSE = re.compile(PATTERN)


@dataclass(frozen=True, order=False)
class Duration:
    kind: str  # "session", "fixed", "persistent" or "unknown"
    amount: int = 0
    unit: str = ""

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse catalog text; raises ValueError naming what is accepted."""
        if not _PARSE.fullmatch(text):  # match() would let "2 years\n" through
            raise ValueError(f"{quoted(text)} is not a duration; expected {EXPECTED}")
        if text in KINDS:
            return cls(text)
        amount, unit = text.split(" ")
        return cls("fixed", int(amount), unit.removesuffix("s"))

    def __str__(self) -> str:
        """The catalog spelling, which is also what the site shows."""
        if self.kind != "fixed":
            return self.kind
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    @property
    def text(self) -> str:
        return str(self).capitalize() if self.kind != "fixed" else str(self)

    @property
    def iso8601(self) -> str:
        """``P2Y``, ``PT30M``; empty for lifetimes ISO 8601 cannot express."""
        if self.kind != "fixed":
            return ""
        designator = UNITS[self.unit][1]
        return f"P{designator[:-1]}{self.amount}{designator[-1]}"

    @property
    def seconds(self) -> int | None:
        """A fixed lifetime in seconds, as the catalog declares it; None for session, persistent and unknown."""
        return self.amount * UNITS[self.unit][0] if self.kind == "fixed" else None

    @property
    def sort_key(self) -> tuple[int, int]:
        rank = {"session": 0, "fixed": 1, "persistent": 2, "unknown": 3}[self.kind]
        return rank, self.seconds or 0
