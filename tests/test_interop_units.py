"""Small pieces of the interop commands: patterns, the progress switch, write_tree(force=)."""

from __future__ import annotations

import re

import pytest

from cookie_catalog.catalog.patterns import covers, name_regex
from cookie_catalog.cli import interop as cli_interop
from cookie_catalog.sinks.directory import SinkError, write_tree


@pytest.mark.parametrize(
    "name, regex, yes, no",
    [
        ("_ga_", "^_ga_", ["_ga_ABC", "_ga_"], ["_ga", "x_ga_A"]),
        ("SSPR_*", "^SSPR_.*$", ["SSPR_1"], ["xSSPR_1"]),
        ("a*b", "^a.*b$", ["ab", "a12b"], ["a12", "ba"]),
        ("a.b/c(d)", r"^a\.b\/c\(d\)", ["a.b/c(d)x"], ["aXb/c(d)"]),
        ("ü\tx", r"^\u00fc\u0009x", ["ü\tx1"], ["u\tx"]),
    ],
)
def test_pattern_regexes(name, regex, yes, no):
    assert name_regex(name) == regex
    re.compile(regex)
    assert all(covers(name, seen) for seen in yes)
    assert not any(covers(name, seen) for seen in no)


def test_progress_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert cli_interop.show_progress()
    monkeypatch.setenv("CI", "true")
    assert not cli_interop.show_progress()
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert not cli_interop.show_progress()


def test_write_tree_force_replaces_a_hand_written_directory(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    with pytest.raises(SinkError):
        write_tree(out, {"a.txt": b"a"})
    assert (out / "mine.txt").exists()
    write_tree(out, {"a.txt": b"a"}, force=True)
    assert sorted(p.name for p in out.iterdir()) == [".cookie-catalog", "a.txt"]
