"""The Markdown escape, checked against a slow, obviously-right statement of its rules."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import METACHARACTERS

from generator.escape import md_text

ALWAYS = set("\\`*_[]<>&|{}#!=~^$+'\"@\t")
BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")


def reference(text: str) -> str:
    """Character by character: which characters become references, and why."""
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "\ufffd", text)

    def escape(i: int) -> bool:
        ch = text[i]
        if ch in ALWAYS:
            return True
        if ch not in ".-:":
            return False
        if i == 0:
            return True  # a list marker, a rule, a definition
        before, after = text[i - 1], text[i + 1 : i + 2]
        if ch == ".":  # a list number, an ellipsis, a www. link
            return bool(re.match(r"\d", before)) or before == "." or after == "." or text[max(0, i - 3) : i].lower() == "www"
        if ch == "-":  # smart dashes, rules
            return before == "-" or after == "-"
        return after not in ("", " ")  # ":" glued to what follows: javascript:x, :emoji:

    out = "".join(f"&#{ord(ch)};" if escape(i) else ch for i, ch in enumerate(text))
    edge = r"[^\S\n\r\x0b\x0c\x85\u2028\u2029]+"
    out = re.sub(f"^{edge}|{edge}\\Z", lambda m: "".join(f"&#{ord(c)};" for c in m.group()), out)
    return BREAKS.sub("<br>", out)


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(METACHARACTERS + [".", "-", ":", "www", "WwW", "1", "١", " ", "x"]) | st.text(max_size=4), max_size=12).map("".join))
def test_md_text_follows_its_rules(text):
    assert md_text(text) == reference(text)
