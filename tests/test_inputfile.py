"""``cookie_catalog.catalog.inputfile`` reads any path as text within a limit.

``cookie_catalog.cli.terminal`` prints any text.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cookie_catalog.catalog import inputfile
from cookie_catalog.catalog.inputfile import InputError, read_text
from cookie_catalog.cli import terminal


def refusal(path: Path | str, limit: int = 100) -> tuple[int, str]:
    with pytest.raises(InputError) as raised:
        read_text(Path(path), limit, "a test file")
    return raised.value.line, raised.value.message


def test_text_with_a_byte_order_mark(tmp_path):
    (tmp_path / "a").write_bytes(b"\xef\xbb\xbfcaf\xc3\xa9\n")
    assert read_text(tmp_path / "a", 100) == "café\n"


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"ab\ncd\xe9x", 2, "is not UTF-8 (byte 0xe9 at offset 5); save it as UTF-8"),
        (b"ok\n\xe2\x82", 2, "is not UTF-8 (byte 0xe2 at offset 3); save it as UTF-8"),
        (b"a\nb\n\x00", 3, "holds a NUL byte, so it is binary; expected a test file"),
        (b"x" * 101, 0, "file is 101 bytes; at most 100 are accepted"),
    ],
)
def test_refusals_name_the_line(tmp_path, data, line, message):
    (tmp_path / "f").write_bytes(data)
    assert refusal(tmp_path / "f") == (line, message)


def test_lines_and_offsets_are_right_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(inputfile, "CHUNK", 4)
    (tmp_path / "f").write_bytes(b"a\nb\xc3\xa9\n\nc\xc3\xff")
    assert refusal(tmp_path / "f") == (4, "is not UTF-8 (byte 0xc3 at offset 8); save it as UTF-8")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/dev/zero", "is a device or socket, not a file; expected a test file"),
        ("/", "is a directory; expected a test file"),
        ("/no/such/file", "no such file; expected a test file"),
    ],
)
def test_what_is_not_a_file(path, message):
    assert refusal(path) == (0, message)


def test_a_fifo_without_writer_reads_as_empty(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    assert read_text(tmp_path / "fifo", 100) == ""


def test_a_pipe_is_held_to_the_limit_while_it_is_read(tmp_path):
    read, write = os.pipe()
    os.write(write, b"x" * 150)
    os.close(write)
    try:
        assert refusal(f"/dev/fd/{read}") == (0, "holds more than 100 bytes; at most 100 are accepted")
    finally:
        os.close(read)


def test_permission_denied(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    assert refusal(tmp_path / "x") == (0, "cannot be read: Permission denied")


def test_visible_escapes_what_a_terminal_acts_on():
    assert terminal.visible("a\x1b]0;x\x07b\tc\nd\x9b\ud800\x7f") == "a\\x1b]0;x\\x07b\tc\nd\\x9b\\ud800\\x7f"
    assert terminal.one_line("a\nb\tc\u2028d\x85") == "a\\nb\\tc\\u2028d\\x85"
    assert terminal.visible("café 漢字 😀") == "café 漢字 😀"
