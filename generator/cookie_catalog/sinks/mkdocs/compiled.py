"""Compiled Jinja templates kept in the process from one build to the next.

Every ``mkdocs serve`` rebuild (and every language tree of a build) loads the
configuration again, so the theme's Jinja environment and our renderer's are
new, and each compiled every template again: about a tenth of a rebuild of the
Open Cookie Database. Jinja's bytecode cache hands a new environment the code
compiled by an earlier one. Jinja checks each template's source against the
checksum stored with its code, so an edited template is compiled again; the
code is also kept apart per environment settings that change what a template
compiles to (delimiters, whitespace handling, extensions, autoescaping, the
names of filters and tests), so no environment gets code compiled for another.
"""

from __future__ import annotations

import jinja2
from jinja2.bccache import Bucket


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja bytecode in memory, by environment settings and template; a template keeps its last compilation."""

    def __init__(self) -> None:
        self._code: dict[tuple[str, str], bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get((_settings(bucket.environment), bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[(_settings(bucket.environment), bucket.key)] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


def _settings(env: jinja2.Environment) -> str:
    """What, besides its source, a template's compiled code depends on; functions by name, not address."""
    return repr(
        (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            sorted(env.extensions),
            _named(env.autoescape),
            _named(env.finalize),
            sorted(env.filters),
            sorted(env.tests),
        )
    )


def _named(value: object) -> object:
    """A function by its name and the values it closes over (``select_autoescape``'s patterns)."""
    if not callable(value):
        return value
    closure = getattr(value, "__closure__", None) or ()
    return getattr(value, "__qualname__", type(value).__qualname__), tuple(cell.cell_contents for cell in closure)


# One for the process: the theme's environment and our renderers' (see the module docstring).
COMPILED = CompiledTemplates()


def keep_compiled(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` taking templates compiled by an earlier build's environment (set before it loads any)."""
    env.bytecode_cache = COMPILED
    return env
