"""Generated pages without the theme's indentation and blank lines.

Material's templates leave some 20 KB of white space in every page: over
hundreds of plugin pages, most of the site's size. A line break stays where
there was white space, so the page reads the same; inside ``pre``,
``textarea``, ``script`` and ``style`` white space is content and is kept.
"""

from __future__ import annotations

import re

# White space at the start of a line, and the elements where it is content.
_INDENT = re.compile(r"\n\s+")
_VERBATIM = re.compile(r"<(pre|textarea|script|style)\b.*?</\1>", re.S | re.I)


def compact(html: str) -> str:
    """``html`` with each run of white space that starts a line cut to the line break."""
    out, end = [], 0
    for verbatim in _VERBATIM.finditer(html):
        out += [_INDENT.sub("\n", html[end : verbatim.start()]), verbatim.group()]
        end = verbatim.end()
    out.append(_INDENT.sub("\n", html[end:]))
    return "".join(out)
