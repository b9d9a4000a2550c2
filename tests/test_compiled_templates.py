"""Compiled templates shared between Jinja environments (``sinks.mkdocs.compiled``): never across settings."""

from __future__ import annotations

import jinja2
import pytest

from cookie_catalog.sinks.mkdocs.compiled import CompiledTemplates, keep_compiled

TEMPLATES = {"t.html": "{% if x %}\n{{ x }}{% endif %}"}


@pytest.fixture
def cache() -> CompiledTemplates:
    return CompiledTemplates()


def env(cache: CompiledTemplates, **settings) -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.DictLoader(dict(TEMPLATES)), **settings)
    environment.bytecode_cache = cache
    return environment


def test_a_new_environment_takes_the_code_compiled_by_an_earlier_one(cache, monkeypatch):
    assert env(cache).get_template("t.html").render(x="<b>") == "\n<b>"
    monkeypatch.setattr(jinja2.Environment, "compile", lambda *a, **k: pytest.fail("compiled again"))
    assert env(cache).get_template("t.html").render(x="<b>") == "\n<b>"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ({}, {"trim_blocks": True}, "<b>"),
        (
            {"autoescape": jinja2.select_autoescape(["xml"])},
            {"autoescape": jinja2.select_autoescape(["html"])},
            "\n&lt;b&gt;",
        ),
        ({"variable_start_string": "[["}, {}, "\n<b>"),
    ],
)
def test_environments_whose_settings_compile_differently_never_share_code(cache, first, second, expected):
    env(cache, **first).get_template("t.html").render(x="<b>")
    assert env(cache, **second).get_template("t.html").render(x="<b>") == expected


def test_an_edited_template_is_compiled_again(cache):
    first = env(cache)
    assert first.get_template("t.html").render(x="a") == "\na"
    second = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "{{ x }}!"}))
    keep_compiled(second)
    assert second.get_template("t.html").render(x="a") == "a!"
