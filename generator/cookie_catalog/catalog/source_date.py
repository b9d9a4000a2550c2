"""The one date an output is stamped with where its format wants one: never the clock.

The EDPB knowledge bases (``created_at``) and the PDF (``CreationDate``) carry a
date; it comes from the catalog, so the same catalog gives the same bytes on
every machine, today or in a year: ``updated:`` in catalog.yml, else a
``version:`` that is an ISO date, else the ``SOURCE_DATE_EPOCH`` of the
reproducible-builds convention, else the Unix epoch.
"""

from __future__ import annotations

import datetime as dt
import os

from cookie_catalog.catalog.model import Catalog

ENV = "SOURCE_DATE_EPOCH"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class SourceDateError(ValueError):
    """SOURCE_DATE_EPOCH is set to something that is not a date."""


def source_date(catalog: Catalog) -> dt.datetime:
    """The catalog's date as an aware UTC datetime (midnight for a calendar date)."""
    product = catalog.product
    day = product.updated or _iso_date(product.version)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return from_environment()


def from_environment() -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` (whole seconds since 1970, UTC) when set, else the epoch itself."""
    value = os.environ.get(ENV)
    if value is None:
        return EPOCH
    if not value.isascii() or not value.isdigit():
        raise SourceDateError(f"{ENV}={value[:40]!r}: expected a whole number of seconds since 1970-01-01")
    try:
        return EPOCH + dt.timedelta(seconds=int(value))
    except (OverflowError, ValueError):
        raise SourceDateError(f"{ENV}={value[:40]!r}: past the year 9999") from None


def _iso_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
