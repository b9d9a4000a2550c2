"""The JSON downloads a record a line: the same value for every parser, small, and a diff names the record."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render import json_rows, tcf
from cookie_catalog.sinks.downloads import policy_files

from support.paths import CATALOG

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(_VALUES, st.integers(min_value=0, max_value=6))
def test_every_value_reads_back_the_same(value, rows_at):
    text = json_rows.dumps(value, rows_at)
    assert json.loads(text) == value and text.endswith("\n")


# Line ends to Unicode but not to JSON: json.dumps writes them raw, json_rows as escapes.
_UNICODE_LINE_ENDS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


@given(_VALUES)
def test_above_the_rows_it_is_json_dumps_own_indentation_and_at_depth_0_compact(value):
    indented = json.dumps(value, indent=2, ensure_ascii=False).translate(_UNICODE_LINE_ENDS)
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_UNICODE_LINE_ENDS)
    assert json_rows.dumps(value, rows_at=99) == indented + "\n"
    assert json_rows.dumps(value, rows_at=0) == compact + "\n"


@given(_VALUES | st.text(st.sampled_from('a\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"\\')))
def test_a_record_is_one_line_for_every_line_reader(value):
    """Text holding any line end Unicode knows (str.splitlines: NEL, LS, PS...) leaves the record on one line."""
    text = json_rows.dumps(value, rows_at=0)
    assert len(text.splitlines()) == 1 and json.loads(text) == value


def _record_lines(text: str, field: str) -> list[dict]:
    """The lines of ``text`` holding ``field``, each parsed alone as a JSON object."""
    return [json.loads(line.strip().rstrip(",")) for line in text.splitlines() if f'"{field}":' in line]


def test_the_policy_download_has_a_cookie_a_line():
    catalog = load_catalog(CATALOG)
    text = policy_files(catalog, ["json"])["cookie-policy.json"].decode("utf-8")
    cookies = [cookie for plugin in json.loads(text)["plugins"] for cookie in plugin["cookies"]]
    assert _record_lines(text, "purpose") == cookies and len(cookies) == catalog.cookie_count


def test_the_tcf_disclosure_has_a_disclosure_a_line():
    text = tcf.export(load_catalog(CATALOG))
    assert _record_lines(text, "identifier") == json.loads(text)["disclosures"]
