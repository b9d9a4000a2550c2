"""Background computation: the value, the error, and a child that dies."""

from __future__ import annotations

import os

import pytest

from generator.background import Background, BackgroundError


def test_value_from_the_child():
    parent = os.getpid()
    assert Background(lambda: (os.getpid() != parent, b"x" * 1_000_000)).result() == (True, b"x" * 1_000_000)


def test_inline_when_not_worthwhile():
    parent = os.getpid()
    assert Background(lambda: os.getpid(), worthwhile=False).result() == parent


def test_error_is_raised_where_the_result_is_awaited():
    def fail():
        raise ValueError("template broke at line 3")

    work = Background(fail)
    with pytest.raises(BackgroundError, match="template broke at line 3"):
        work.result()


def test_a_child_that_dies_is_replaced_by_computing_inline():
    parent = os.getpid()
    work = Background(lambda: os._exit(9) if os.getpid() != parent else "inline")
    assert work.result() == "inline"
