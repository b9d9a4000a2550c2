"""Titles in the order of an index: filed by initial, sorted as people read them.

Shared by the MkDocs plugin's nav (``cookie_catalog.sinks.mkdocs.nav``) and the
``.nav.md`` that ``build --docs-dir`` writes for Zensical, so both sites list
a large catalog the same way.
"""

from __future__ import annotations

import re
import unicodedata

# With more plugins than this, their pages are filed in sections by initial (the plugin's `nav_group_over`).
GROUP_OVER = 40

_NUMBER = re.compile(r"(\d+)")


def title_key(title: str) -> tuple[tuple[int, str], ...]:
    """How people sort titles: case and accents aside, numbers by value, a title before its longer forms.

    ``Google`` comes before ``Google Ads`` (file names would put ``google-ads``
    first), ``Élan`` among the E's, ``Plugin 9`` before ``Plugin 10``. The
    title itself breaks ties, so the order is total and stable.
    """
    parts = _NUMBER.split(_folded(title))
    return (
        *((int(part), "") if i % 2 else (-1, part) for i, part in enumerate(parts) if part),
        (-2, title),
    )


def _folded(text: str) -> str:
    """``text`` without case and accents: ``Élan`` -> ``elan``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def initial(title: str) -> str:
    """The letter a title is filed under: its initial without accent, "0–9" for a digit, "#" for anything else."""
    first = _folded(title.strip())[:1]
    return first.upper() if first.isalpha() else "0–9" if first.isdigit() else "#"


def initial_rank(initial: str) -> tuple[int, str]:
    """Index order: letters (A-Z, then other scripts by code point), then "0–9", then "#"."""
    return (2, initial) if initial == "#" else (1, initial) if initial == "0–9" else (0, initial)
