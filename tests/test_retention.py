"""Every retention spelling of the Open Cookie Database becomes a valid catalog duration."""

from __future__ import annotations

import csv

import pytest

from cookie_catalog.catalog.duration import Duration
from cookie_catalog.interop.importers.retention import normalise, source_text

from support.paths import OCD_CSV


@pytest.mark.parametrize(
    "text, duration",
    [
        ("1 Year", "1 year"),
        ("365 days", "365 days"),
        ("Session", "session"),
        ("End of session (browser)", "session"),
        ("session cookie", "session"),
        ("when you close your browser", "session"),  # vendor tables' words for a session cookie
        ("For the duration of the session", "session"),
        ("Sessions", "session"),
        ("30 mins", "30 minutes"),
        ("90 sec", "90 seconds"),
        ("1440 Minutes", "1440 minutes"),
        ("2 year", "2 years"),
        ("1 months", "1 month"),
        ("1 year ", "1 year"),
        ("Unknown", "unknown"),
        ("", "unknown"),
        ("Persistent", "persistent"),
    ],
)
def test_clear_spellings_are_normalised(text, duration):
    assert normalise(text) == normalise(text) and normalise(text).duration == duration
    assert normalise(text).note is None


@pytest.mark.parametrize(
    "text, duration",
    [
        ("forever", "persistent"),
        ("Unlimited", "persistent"),
        ("no expiration", "persistent"),
        ("Varies", "unknown"),
        ("14 days if you select “Remember Me” when logging in. Otherwise, Session.", "unknown"),
        ("0 days", "unknown"),
        ("10 Nov 2030", "unknown"),
        ("1 week to 1 year", "unknown"),
        (" 1 hour or longer", "unknown"),
        ("1000000 days", "persistent"),  # longer than the catalog's 999,999: persistent, the text kept
        ("Up to 365 days", "365 days"),  # the upper bound, its wording kept
        ("After 28 days", "28 days"),
        ("2 years from set/update", "2 years"),
        ("A few seconds", "unknown"),
        ("180 days after last activity or 10 years when opting out", "unknown"),
    ],
)
def test_unclear_spellings_keep_their_text(text, duration):
    assert normalise(text).duration == duration
    assert normalise(text).note == text


def test_every_spelling_in_the_database_is_a_valid_duration():
    with open(OCD_CSV, encoding="utf-8") as fh:
        spellings = {row["Retention period"] for row in csv.DictReader(fh)}
    assert len(spellings) == 175
    for text in spellings:
        kept = normalise(text)
        Duration.parse(kept.duration)
        assert kept.note in (None, text)
        # written back and read again, it means the same
        assert normalise(source_text(Duration.parse(kept.duration), kept.note)) == kept


def test_a_note_beside_a_real_duration_is_written_with_it():
    assert source_text(Duration.parse("2 years"), "after last activity") == "2 years; after last activity"
