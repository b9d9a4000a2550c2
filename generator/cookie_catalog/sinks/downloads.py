"""The policy downloads as files: every text format, and the PDF printed from the HTML.

Printing runs an external engine (``cookie_catalog.sinks.pdf``), so the file
set is put together here rather than in the pure ``render`` stage; the
directory sink, the MkDocs plugin and ``cookie-catalog policy`` all take it
from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.source_date import SourceDateError, source_date
from cookie_catalog.catalog.translations import in_language
from cookie_catalog.render import tcf
from cookie_catalog.render.pages import Renderer
from cookie_catalog.render.policy import (
    BASENAME,
    DEFAULT_FORMATS,
    FORMATS,
    PolicyError,
    pdf_source,
    policy_csv,
    policy_html,
    policy_json,
    policy_markdown,
)
from cookie_catalog.sinks.pdf import find_engine


def policy_files(
    catalog: Catalog,
    formats: Iterable[str] = DEFAULT_FORMATS,
    templates: Path | None = None,
) -> dict[str, bytes]:
    """``{"cookie-policy.md": b"...", ...}`` for the formats asked for.

    Raises PolicyError (before anything is produced) when a format cannot be made
    or none is asked for.
    """
    formats = tuple(dict.fromkeys(formats))
    if not formats:
        raise PolicyError(f"no format asked for; expected some of {', '.join(FORMATS)}")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise PolicyError(f"unknown format {', '.join(unknown)}; expected some of {', '.join(FORMATS)}")
    printer = _pdf_printer(catalog) if "pdf" in formats else None
    renderer = Renderer(catalog, templates, flavour="gfm")  # the policy is portable Markdown (CommonMark)
    markdown = policy_markdown(renderer)
    html = policy_html(renderer, markdown) if {"html", "pdf"} & set(formats) else ""
    produce: dict[str, Callable[[], bytes]] = {
        "md": lambda: markdown.encode("utf-8"),
        "html": lambda: html.encode("utf-8"),
        "csv": lambda: policy_csv(catalog).encode("utf-8"),
        "json": lambda: policy_json(catalog).encode("utf-8"),
    }
    if printer is not None:
        produce["pdf"] = lambda: printer(pdf_source(html))
    return {f"{BASENAME}.{fmt}": produce[fmt]() for fmt in formats}


def _pdf_printer(catalog: Catalog) -> Callable[[str], bytes]:
    """The PDF engine, dated by the catalog: found (or refused) before any file is produced."""
    engine = find_engine()
    try:
        created: dt.datetime = source_date(catalog)
    except SourceDateError as exc:
        raise PolicyError(str(exc)) from None
    return lambda html: engine(html, created)


# The IAB TCF device storage disclosure, at the stable address vendors declare as
# their deviceStorageDisclosureUrl (docs/interop.md has the category mapping).
TCF_DISCLOSURE = "tcf-disclosure.json"


def site_download_names(formats: Iterable[str], languages: Iterable[str] = ()) -> list[str]:
    """The names of the files a site offers under downloads/, known before they are made.

    ``languages`` are the catalog's other languages: each gets the policy in ``<language>/``.
    """
    names = [f"{BASENAME}.{fmt}" for fmt in dict.fromkeys(formats)]
    return [*names, TCF_DISCLOSURE, *(f"{language}/{name}" for language in languages for name in names)]


def site_downloads(catalog: Catalog, formats: Iterable[str], templates: Path | None = None) -> dict[str, bytes]:
    """Everything a site offers under downloads/: the policy in ``formats`` and the TCF disclosure, then the
    policy in each other language the catalog publishes, under ``<language>/`` (the TCF disclosure has no
    language: its purposes are the IAB's numbers).

    Raises PolicyError when a file cannot be made (``policy_files``).
    """
    files = policy_files(catalog, formats, templates)
    for language in catalog.languages[1:]:
        translated = policy_files(in_language(catalog, language), formats, templates)
        files.update({f"{language}/{name}": data for name, data in translated.items()})
    files[TCF_DISCLOSURE] = tcf.export(catalog).encode("utf-8")
    return files
