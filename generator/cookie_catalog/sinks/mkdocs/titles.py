"""Page titles the theme can put anywhere: in an element, an attribute, or ``<title>``.

MkDocs takes a page's title from its h1 as HTML with the catalog's character
references (``Chat &#60;/title&#62;``). Themes write it unescaped (nav, header,
breadcrumbs: right, it is HTML) but also escape it again
(``aria-label="{{ title | e }}"``: the references shown as text), and strip its
tags for ``<title>`` (decoding the references into markup that runs).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from markupsafe import Markup, escape


def title_markup(title: str) -> Markup:
    """A title's text, minimally escaped and marked as HTML: Jinja's escaping leaves it as it is."""
    return Markup(escape(html.unescape(title)))


def text_as_html(striptags: Callable[[object], str]) -> Callable[[object], Markup]:
    """Jinja's ``striptags``, escaped again: the text of some HTML, as HTML.

    ``striptags`` removes tags and then decodes character references, so it
    returns plain text; themes write that text into HTML as it is. Material's
    ``<title>{{ page.title | striptags }}</title>`` thus turns a title's
    ``&lt;/title&gt;&lt;img onerror=...&gt;`` into markup that runs. Escaped
    (as :class:`Markup`, so a following ``| e`` leaves it alone), the text
    shows verbatim, in an element or an attribute.
    """

    def safe_striptags(value: object) -> Markup:
        return escape(striptags(value))

    return safe_striptags
