"""Where the repository, its bundled catalog and the test data are."""

from __future__ import annotations

from pathlib import Path

REPO = ROOT = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
CATALOG = REPO / "catalog"
DATA = TESTS / "data"
# the copy the package ships (scan --url --draft pre-fills from it), with its licence beside it
OCD_CSV = REPO / "generator" / "cookie_catalog" / "interop" / "data" / "open-cookie-database.csv"
SEED_PAGE = DATA / "seed-page.txt"
HOSTILE = DATA / "hostile-catalog"
BROWSER = TESTS / "browser"
