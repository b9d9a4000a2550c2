"""What the MkDocs plugin does when the catalog or a template is broken.

``mkdocs build`` fails with the problems. ``mkdocs serve`` cannot: MkDocs 1.6
holds every HTTP request while a rebuild fails, so the browser would wait
until the file is fixed and never show why. Under ``serve`` the plugin builds
the site anyway, its cookie pages replaced by a page listing each problem
(file:line:col), and prints the same problems on the console. This module
holds the pieces that do not depend on MkDocs' page objects: the error, its
HTML, the console line and the link checks a degraded build must not fail on.
"""

from __future__ import annotations

import html
import logging
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import CountHandler

TITLE = "The cookie pages could not be built"
# C0 and C1 controls other than tab and line feed: shown as \xNN so that
# quoted catalog text cannot move a terminal's cursor or hide itself.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
log = logging.getLogger("mkdocs.plugins.cookie_catalog.sinks.mkdocs.plugin")


class Broken(Exception):
    """The cookie pages cannot be made: a failed build under ``build``, an error page under ``serve``.

    ``message`` is the build error as MkDocs prints it; ``problems`` are its
    lines one by one (each ``file:line:col: ...`` where the cause says where).
    """

    def __init__(self, summary: str, problems: list[str]):
        self.summary = summary
        self.problems = problems
        super().__init__("\n".join([f"cookie-catalog: {summary}", *problems]))


def shown(text: str) -> str:
    """``text`` safe to write anywhere: lone surrogates and control characters as escapes.

    A page or a console that cannot encode a character would turn the error
    report itself into a crash.
    """
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def problems_html(broken: Broken) -> str:
    """The problems as an HTML block for a page body; every text escaped, it quotes catalog text.

    A single problem told in the summary alone (e.g. a bad directive) is listed as that summary.
    """
    title = broken.summary if broken.problems else "1 problem:"
    items = "".join(f"<li><code>{html.escape(shown(p))}</code></li>\n" for p in broken.problems or [broken.summary])
    return (
        '<div class="admonition failure" id="cookie-catalog-problems">\n'
        f'<p class="admonition-title">cookie-catalog: {html.escape(shown(title))}</p>\n'
        "<p>Until the problems below are fixed, <code>mkdocs build</code> fails and <code>mkdocs serve</code> "
        "shows them here; the page reloads when they are.</p>\n"
        f"<ul>\n{items}</ul>\n</div>\n"
    )


SHOWN = "Serving pages that list the problems until they are fixed."


def report(broken: Broken, then: str = SHOWN) -> None:
    """The problems on the console as one ERROR record, then what the server does meanwhile; never fails the build.

    MkDocs' strict mode (this project's mkdocs.yml sets it) counts every
    WARNING or ERROR record and aborts the build at its end, which would stall
    the server again; so the record goes to MkDocs' console handlers and not
    to its counter.
    """
    if not log.isEnabledFor(logging.ERROR):
        return
    message = shown(f"{broken}\n{then}")
    record = log.makeRecord(log.name, logging.ERROR, __file__, 0, message, (), None)
    for handler in logging.getLogger("mkdocs").handlers:
        if not isinstance(handler, CountHandler) and record.levelno >= handler.level:
            handler.handle(record)


def relax_link_checks(config: MkDocsConfig) -> None:
    """Links to the missing cookie pages and their anchors are expected while the build is degraded.

    They are reported at INFO instead of failing a strict build; the real
    checks come back with the next good build (MkDocs reloads the config for
    every rebuild).
    """
    validation = config.validation
    validation.links.not_found = min(validation.links.not_found, logging.INFO)
    validation.links.anchors = min(validation.links.anchors, logging.INFO)
    validation.nav.not_found = min(validation.nav.not_found, logging.INFO)
