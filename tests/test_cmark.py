"""cmark-gfm through our wrapper (``sinks.mkdocs.cmark``): cmarkgfm's own output, without its leak."""

from __future__ import annotations

import gc

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from cookie_catalog.sinks.mkdocs.cmark import gfm_tables_html

TABLE = "| a | b |\n| --- | --- |\n" + "| x <b>y</b> &amp; é | [z](http://e.com) `c` |\n" * 20_000


def cmarkgfms(markdown: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(markdown, options=Options.CMARK_OPT_UNSAFE, extensions=["table"])


def resident_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) // 1024


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("|-: ab`*_<>&#\\[]()\n\té😀"), max_size=120))
def test_the_same_html_as_cmarkgfms_own_wrapper(markdown):
    assert gfm_tables_html(markdown) == cmarkgfms(markdown)


def test_a_large_table_is_the_same_html_too():
    assert gfm_tables_html(TABLE) == cmarkgfms(TABLE)


def test_converting_again_and_again_frees_what_it_took():
    """cmarkgfm's wrapper keeps about 40 MiB for each conversion of this table (its nodes and its HTML)."""
    gfm_tables_html(TABLE)
    gc.collect()
    before = resident_mib()
    for _ in range(5):
        gfm_tables_html(TABLE)
    gc.collect()
    assert resident_mib() - before < 40
