"""Reading one YAML file into plain data while remembering where everything was.

We compose with libyaml (fast, C) and build Python values ourselves rather than
letting PyYAML construct them, because PyYAML resolves YAML 1.1 types: an
unquoted ``no`` would become ``False`` and ``010`` an octal number. Here every
scalar stays the text the author typed (only the YAML null spellings become
``None``); the model decides what a field's text means. The file's text is
kept so that any problem can be traced back to a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from cookie_catalog.catalog import parsecache
from cookie_catalog.catalog.inputfile import InputError, read_text
from cookie_catalog.catalog.problems import Problem, display_path

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
# Aliases share nodes; expanding them may multiply the data. Allow generous reuse
# but refuse "billion laughs" long before it costs time or memory.
MAX_EXPANSION_FACTOR = 10
MAX_EXPANSION_FLOOR = 100_000

_NULLS = {"", "~", "null", "Null", "NULL"}
_CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}

Loc = tuple[str | int, ...]
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Loader(yaml.CSafeLoader):
    """libyaml's composer without YAML 1.1's guessing of types.

    An untagged node gets its kind's default tag (every scalar is text): we
    read scalars as typed anyway, and PyYAML's resolver, pure Python run on
    every scalar, was a third of the time of loading a large catalog.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


@dataclass(frozen=True)
class YamlDocument:
    """A file's data plus its text, for locating problems."""

    path: Path
    data: Any
    text: str

    @cached_property
    def root(self) -> yaml.Node:
        """The node tree, composed again only when a problem needs locating.

        Keeping every file's tree (two marks per node) would cost several KiB
        per cookie: most of a large catalog's peak memory.
        """
        node = yaml.compose(self.text, Loader=_Loader)
        assert node is not None, "load_yaml builds a YamlDocument only from text holding one document"
        return node

    @property
    def display(self) -> str:
        return display_path(self.path)

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``loc`` (or of its key, with ``key``).

        When ``loc`` goes deeper than the document (a missing field), the
        nearest enclosing node is returned, which is where the field belongs.
        """
        node: yaml.Node = self.root
        for i, part in enumerate(loc):
            last = i == len(loc) - 1
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == part:
                        node = k if (last and key) else v
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                break
        return node.start_mark.line + 1, node.start_mark.column + 1

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, col = self.locate(loc, key=key)
        return Problem(self.display, line, col, format_loc(loc), message)


def format_loc(loc: Loc) -> str:
    """``("cookies", 3, "duration")`` -> ``cookies[3].duration``.

    A key that is not a plain word (a category key with quotes, a line break or
    a terminal escape in it) is shown quoted, ``categories['a"b']``, so the
    problem stays one readable line.
    """
    out = ""
    for part in loc:
        if isinstance(part, int) or not _PLAIN_KEY.fullmatch(part):
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else part
    return out


class _Refused(Exception):
    def __init__(self, node: yaml.Node | None, message: str, field: str = ""):
        self.node = node
        self.message = message
        self.field = field


def load_yaml(path: Path) -> YamlDocument | Problem:
    """Load one file, or say in one problem why it cannot be read at all."""
    shown = display_path(path)
    try:
        text = read_text(path, MAX_FILE_BYTES, "a YAML file")
    except InputError as exc:
        return Problem(shown, exc.line, 0, "", exc.message)
    if not text.strip() or all(line.strip() == "" or line.lstrip().startswith("#") for line in text.splitlines()):
        return Problem(shown, 0, 0, "", "is empty; expected a YAML mapping")
    found, data = parsecache.get(text)
    if found:
        return YamlDocument(path, data, text)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        return Problem(shown, line, col, "", f"YAML syntax error: {what}")
    except yaml.YAMLError as exc:  # reader errors, e.g. control characters
        return Problem(shown, 0, 0, "", f"YAML error: {exc}")
    if len(nodes) != 1:
        return Problem(shown, 0, 0, "", f"holds {len(nodes)} YAML documents; expected exactly one")
    root = nodes[0]
    budget = [max(MAX_EXPANSION_FLOOR, MAX_EXPANSION_FACTOR * text.count("\n"))]
    try:
        data = _to_python(root, 0, budget)
    except _Refused as exc:
        line, col = (exc.node.start_mark.line + 1, exc.node.start_mark.column + 1) if exc.node else (0, 0)
        return Problem(shown, line, col, exc.field, exc.message)
    parsecache.put(text, data)
    return YamlDocument(path, data, text)


def _to_python(node: yaml.Node, depth: int, budget: list[int]) -> Any:
    if depth > MAX_DEPTH:
        raise _Refused(node, f"nesting deeper than {MAX_DEPTH} levels; a catalog needs only a few")
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused(
            node,
            "anchors and aliases expand to far more values than the file holds (an alias bomb?); write the values out",
        )
    if node.tag not in _CORE_TAGS:
        raise _Refused(node, f"YAML tag {node.tag!r} is not supported; remove it")
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in _NULLS:  # plain style is None or ""
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, depth + 1, budget) for item in node.value]
    out: dict[str, Any] = {}
    seen: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(key_node, "a mapping key must be plain text")
        key = key_node.value
        if key in seen:
            raise _Refused(
                key_node,
                f"duplicate key (first at line {seen[key].start_mark.line + 1}); each key may appear once",
                key,
            )
        seen[key] = key_node
        out[key] = _to_python(value_node, depth + 1, budget)
    return out
