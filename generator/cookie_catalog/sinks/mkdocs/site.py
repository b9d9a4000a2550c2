"""What the plugin sets or says about the site as a whole: its name, its search separator, its fonts.

A customer's ``mkdocs.yml`` stays in charge: each setting is made only where
the site left it open, so a site that names itself or sets its own search
separator keeps them.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

# Cookie names are found by any of their parts: split at whitespace, dots (not
# inside numbers like 1.5), dashes, underscores and punctuation. Without it a
# search for `state.open` or `_ga` finds nothing: the default splits at
# whitespace and dashes only, and a name is one word.
SEARCH_SEPARATOR = r'[\s\-_,:;!?=\[\]()"/|]+|\.(?!\d)|&(?:[lg]t|amp);'
# What the search plugins use when the site sets nothing: MkDocs' own plugin
# writes it into its config, Material's leaves None until its on_config.
_DEFAULT_SEPARATORS = (None, "", r"[\s\-]+")
_SEARCH_PLUGINS = ("search", "material/search")
# The site's name before any good build under `mkdocs serve` (a broken catalog from the start).
UNNAMED_SITE = "Cookie policy"
# The fixed English text of the site's description, when the site sets none.
SITE_DESCRIPTION = "The cookies {product} sets, why, and for how long."
FONTS_WARNING = (
    "the Material theme loads its fonts from Google Fonts, which sends every visitor's "
    "address to Google; a cookie policy should not. Set `font: false` under `theme:` in mkdocs.yml "
    "(or enable Material's `privacy` plugin, which serves the fonts from the site)"
)


def bring_search_separator(config: MkDocsConfig) -> None:
    """Give the search plugin the separator cookie names need, unless the site set its own.

    Runs before the search plugin's own ``on_config``, which reads the
    separator (Material fills in its language's default there).
    """
    for name in _SEARCH_PLUGINS:
        plugin = config.plugins.get(name)
        settings = getattr(plugin, "config", None)
        if settings is not None and settings.get("separator") in _DEFAULT_SEPARATORS:
            settings["separator"] = SEARCH_SEPARATOR


def warn_about_google_fonts(config: MkDocsConfig) -> None:
    """Say in the build log, with the fix, when Material would have every page load Google Fonts."""
    theme = config.theme
    if theme.name != "material" or theme.get("font") is False:
        return
    if any(name in config.plugins for name in ("privacy", "material/privacy")):
        return
    log.warning(FONTS_WARNING)


def name_the_site(config: MkDocsConfig, title: str, product: str | None = None) -> None:
    """Name and describe the site after the catalog where ``mkdocs.yml`` leaves ``site_name`` empty.

    MkDocs requires ``site_name``; ``site_name: ""`` hands it to the catalog, so
    the same ``mkdocs.yml`` serves any catalog (``make site CATALOG=...``).
    Themes write both unescaped, in elements and in attributes (Material's
    ``aria-label="{{ config.site_name }}"``), and some escape them again
    (``| e``): as escaped :class:`Markup`, the text shows verbatim in all of them.
    ``title`` is the catalog's (under ``mkdocs serve`` with a broken catalog, the
    last good one's); ``product`` describes the site, when known.
    """
    if not config.site_name.strip():
        config.site_name = _text_as_html(title)
        if product is not None and not config.site_description:
            config.site_description = _text_as_html(SITE_DESCRIPTION.format(product=product))


def _text_as_html(text: str) -> Markup:
    return escape(" ".join(text.split()))
