"""Page names and anchors that are safe on every filesystem and unique in the site.

Plugin titles and file names come from anywhere (``../../escape``, ``CON``,
``Web Chat`` beside ``web-chat``), yet a page path must stay inside the output
directory, be valid on Windows and not collide on case-insensitive disks, and
an anchor must stay the same from build to build so links to it keep working.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 60
# The pages the tool writes beside the plugin pages, without ".md". Their one home: the
# renderer and the history name their pages from here, and no plugin page is given one.
OVERVIEW_PAGE = "index"
CHANGES_PAGE = "changes"  # the version history, computed from git
ALL_PAGE = "all-cookies"  # every cookie of the catalog in one table
RESERVED_PAGES = frozenset({OVERVIEW_PAGE, CHANGES_PAGE, ALL_PAGE})
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def page_slug(stem: str, taken: set[str]) -> str:
    """A lower-case ASCII ``[a-z0-9-]`` name for a plugin's page, unique among ``taken``.

    Never one of ``RESERVED_PAGES``: a plugin file ``changes.yml`` would
    otherwise share its page with the Changes page, and lose it.
    ``taken`` is updated. Clashes get a suffix derived from the original text, so
    a page keeps its name when other plugins come and go.
    """
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")
    if not slug or slug in _WINDOWS_RESERVED or slug in RESERVED_PAGES:
        slug = f"{slug or 'plugin'}-{_digest(stem)}"
    if slug in taken:
        slug = f"{slug[: MAX_SLUG - 9]}-{_digest(stem)}"
    while slug in taken:  # a digest clash: vanishingly rare, still deterministic
        slug = f"{slug}-x"
    taken.add(slug)
    return slug


_NOT_IN_ANCHOR = re.compile(r"[^\w.-]+")


def anchor(plugin_slug: str, name: str, identity: tuple[object, ...], taken: set[str]) -> str:
    """``<plugin>--<name>``: readable, and unique across the whole catalog.

    The name keeps its case and its dots (``_genesys.widgets.webchat.state.open``);
    any other character outside letters, digits, ``_`` and ``-`` becomes ``-``.
    A second cookie of the same name (another domain or storage) gets a suffix
    derived from its identity (its fields joined by NUL), never from its position.
    """
    normal = name if name.isascii() else unicodedata.normalize("NFC", name)  # ASCII is NFC already
    readable = _NOT_IN_ANCHOR.sub("-", normal).strip("-")[: MAX_SLUG * 2]
    result = f"{plugin_slug}--{readable or _digest(name)}"
    folded = result.casefold()
    if folded in taken:
        result = f"{result}-{_digest(chr(0).join(map(str, identity)))}"
        folded = result.casefold()
    while folded in taken:
        result += "-x"
        folded = result.casefold()
    taken.add(folded)
    return result
