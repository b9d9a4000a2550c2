"""Free-text retention periods ("1 Year", "End of session (browser)") -> catalog durations.

Other inventories write lifetimes however their authors liked; the Open Cookie
Database alone has 175 spellings. A catalog accepts only ``session``,
``<n> <unit>``, ``persistent`` and ``unknown``, so each text is either
*normalised* (its meaning is clear and the catalog spelling says all of it) or
*kept*: the catalog gets the closest honest duration (``persistent`` for
"forever", otherwise ``unknown``) and the original text goes into
``duration_note``, so nothing the source said is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cookie_catalog.catalog.duration import Duration

# Spellings whose meaning is clear although they are not "<n> <unit>",
# compared case-insensitively after trimming: text -> (duration, keep the text?).
_WORDS: dict[str, tuple[str, bool]] = {
    "": ("unknown", False),
    "unknown": ("unknown", False),
    "session": ("session", False),
    "sessions": ("session", False),
    "seesion": ("session", False),  # a typo in the source, meaning is plain
    "session cookie": ("session", False),
    "end of session": ("session", False),
    "end of session (browser)": ("session", False),
    "persistent": ("persistent", False),
    # What a vendor's cookie table writes for a session cookie.
    **dict.fromkeys(
        (
            "when you close your browser",
            "when the browser is closed",
            "until you close your browser",
            "until the browser is closed",
            "end of browser session",
            "browser session",
            "per session",
            "during the session",
            "duration of the session",
            "for the duration of the session",
        ),
        ("session", False),
    ),
    "constant": ("persistent", True),
    # Persistent, but the source's word says more than ours: keep it.
    "forever": ("persistent", True),
    "unlimited": ("persistent", True),
    "permanent": ("persistent", True),
    "no expiration": ("persistent", True),
    "local storage": ("persistent", True),  # localStorage has no expiry
}
_UNITS: dict[str, str] = {
    **{u: "second" for u in ("s", "sec", "secs", "second", "seconds")},
    **{u: "minute" for u in ("min", "mins", "minute", "minutes")},
    **{u: "hour" for u in ("h", "hr", "hrs", "hour", "hours")},
    **{u: "day" for u in ("d", "day", "days")},
    **{u: "week" for u in ("w", "week", "weeks")},
    **{u: "month" for u in ("month", "months")},
    **{u: "year" for u in ("y", "yr", "yrs", "year", "years")},
}
_AMOUNT = re.compile(r"^([0-9]+)\s*([a-z]+)$")
# "Up to 365 days", "After 28 days", "2 years from set/update", "Persistent (2 Years)": one
# amount the text qualifies. The amount is the duration; the text is kept as the note.
_QUALIFIED = re.compile(
    r"^(?:(?:up to|upto|after|about|around|approx\.?|approximately|max\.?|maximum|persistent|session)\s*\(?\s*)?"
    r"([0-9]+)\s*([a-z]+)\b\.?\)?(?:\s*\([^()]*\)|\s+(?:from|after|since)\s[^0-9]*)?$"
)
MAX_AMOUNT = 999_999  # what the catalog's duration pattern accepts


@dataclass(frozen=True)
class Retention:
    duration: str  # catalog spelling, e.g. "2 years"
    note: str | None  # the source's text, when the duration does not say all of it

    @property
    def normalised(self) -> bool:
        return self.note is None


def normalise(text: str) -> Retention:
    """The catalog duration for a source's retention text; see the module docstring."""
    key = " ".join(text.split()).lower()
    if key in _WORDS:
        duration, keep = _WORDS[key]
        return Retention(duration, text if keep else None)
    exact = _AMOUNT.match(key)
    match = exact or _QUALIFIED.match(key)
    if match and match.group(2) in _UNITS:
        amount = int(match.group(1))
        if 1 <= amount <= MAX_AMOUNT:
            return Retention(str(Duration("fixed", amount, _UNITS[match.group(2)])), None if exact else text)
        if amount > MAX_AMOUNT:  # "2914047 Days": longer than the catalog can say, so persistent
            return Retention("persistent", text)
    # Ranges ("1 week to 1 year"), conditions ("14 days if you select ..."), dates
    # ("10 Nov 2030") and words ("Varies"): no single duration is true.
    return Retention("unknown", text)


def source_text(duration: Duration, note: str | None) -> str:
    """What to write back into a retention column.

    A note beside ``unknown`` or ``persistent`` is the source's own text (that is
    where importers keep it), so it is written back verbatim, as is a note
    that states the duration itself ("Up to 365 days"); any other note beside a
    real duration only qualifies it, so both are written.
    """
    if note is None:
        return str(duration)
    if duration.kind in ("unknown", "persistent") or normalise(note) == Retention(str(duration), note):
        return note  # "Up to 365 days" says the duration itself
    return f"{duration}; {note}"
