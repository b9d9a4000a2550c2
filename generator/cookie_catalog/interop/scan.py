"""Drift: which cookies and storage keys a real browser session saw that the catalog does not document.

Captures come from the tools teams already run: HAR 1.2 files (DevTools,
Playwright's ``record_har``), Netscape ``cookies.txt`` (curl, wget, browser
extensions) and Playwright's ``storage_state()`` JSON. Each is reduced to
:class:`Sighting` values; :func:`compare` matches every seen name against the
catalog, patterns included, and reports both directions: undocumented names
(with where each was seen) and documented cookies that no capture showed.

A name is documented by an entry of the same storage only: a localStorage key
``lang`` is not covered by a cookie ``lang``. And an entry counts as unseen
only when a capture given could have shown it: cookies.txt and HAR hold
cookies, a storage state cookies and localStorage; no format holds
sessionStorage, IndexedDB or pixels, so those entries are never reported.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cookie_catalog.catalog import patterns
from cookie_catalog.catalog.inputfile import InputError, read_text
from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.problems import display_path

MAX_CAPTURE_BYTES = 512 * 1024 * 1024
MAX_NUMBER_DIGITS = 100  # HAR sizes and timings; Python refuses to parse more than 4,300


class ScanError(Exception):
    """A capture cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Sighting:
    name: str
    storage: str  # "cookie" or "local-storage"
    where: str  # "capture.har: Set-Cookie from https://example.com/"


COOKIES_ONLY = frozenset({"cookie"})
COOKIES_AND_LOCAL_STORAGE = frozenset({"cookie", "local-storage"})


class Capture(list[Sighting]):
    """A capture's sightings, and the storages its format can show at all (``shows``)."""

    def __init__(self, sightings: Iterator[Sighting], shows: frozenset[str]) -> None:
        super().__init__(sightings)
        self.shows = shows


Seen = tuple[str, str]  # (name, storage)


@dataclass
class Report:
    undocumented: dict[Seen, list[Sighting]] = field(default_factory=dict)  # where each was seen
    documented: dict[Seen, list[dict[str, str]]] = field(default_factory=dict)  # entries covering each
    unseen: list[dict[str, str]] = field(default_factory=list)  # catalog entries a capture could show but did not

    @property
    def drift(self) -> bool:
        return bool(self.undocumented)

    def as_json(self) -> dict[str, Any]:
        return {
            "undocumented": [
                {"name": name, "storage": storage, "seen": sorted({s.where for s in seen})}
                for (name, storage), seen in self.undocumented.items()
            ],
            "documented": [
                {"name": name, "storage": storage, "entries": entries}
                for (name, storage), entries in self.documented.items()
            ],
            "unseen": self.unseen,
        }


def read_capture(path: Path) -> Capture:
    """Every cookie and storage key in one capture file; raises ScanError."""
    shown = display_path(path)
    try:
        text = read_text(path, MAX_CAPTURE_BYTES, "a HAR, cookies.txt or Playwright storage state file")
    except InputError as exc:
        raise ScanError(f"{shown}{f':{exc.line}' if exc.line else ''}: {exc.message}") from None
    if not text.lstrip().startswith(("{", "[")):
        return Capture(_netscape(text, shown), COOKIES_ONLY)
    data = _json(text, shown)
    if isinstance(data, dict) and isinstance(data.get("log"), dict):
        return Capture(_har(data["log"], shown), COOKIES_ONLY)
    if isinstance(data, dict) and ("cookies" in data or "origins" in data):
        return Capture(_storage_state(data, shown), COOKIES_AND_LOCAL_STORAGE)
    raise ScanError(
        f"{shown}: JSON but neither a HAR capture (no `log`) nor a Playwright storage state (no `cookies` or `origins`)"
    )


def _json(text: str, shown: str) -> Any:
    """Parsed JSON; nesting deeper than Python's recursion limit (about 1,000
    levels; a capture has fewer than ten) and numbers of more than
    ``MAX_NUMBER_DIGITS`` digits are refused in one line, like a syntax error."""

    def integer(digits: str) -> int:
        if len(digits) > MAX_NUMBER_DIGITS:
            raise ScanError(f"{shown}: holds a number of {len(digits):,} digits; expected at most {MAX_NUMBER_DIGITS}")
        return int(digits)

    try:
        return json.loads(text, parse_int=integer)
    except json.JSONDecodeError as exc:
        raise ScanError(f"{shown}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ScanError(
            f"{shown}: JSON nested too deeply (more than about {sys.getrecursionlimit():,} levels); "
            "a capture is a few levels deep"
        ) from None


def _list(value: Any, what: str, shown: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScanError(f"{shown}: {what} is not a list")
    return value


def _named(items: Any, what: str, shown: str) -> Iterator[str]:
    for item in _list(items, what, shown):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ScanError(f"{shown}: an entry of {what} has no text `name`")
        yield item["name"]


def _har(log: dict[str, Any], shown: str) -> Iterator[Sighting]:
    """HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): cookies lists and headers of each entry."""
    for i, entry in enumerate(_list(log.get("entries"), "log.entries", shown)):
        if not isinstance(entry, dict):
            raise ScanError(f"{shown}: log.entries[{i}] is not an object")
        request = entry.get("request") or {}
        response = entry.get("response") or {}
        url = request.get("url", "?") if isinstance(request, dict) else "?"
        for part, label in ((request, "request"), (response, "response")):
            if not isinstance(part, dict):
                raise ScanError(f"{shown}: log.entries[{i}].{label} is not an object")
            for name in _named(part.get("cookies"), f"log.entries[{i}].{label}.cookies", shown):
                yield Sighting(name, "cookie", f"{shown}: {label} cookie, {url}")
            for header in _list(part.get("headers"), f"log.entries[{i}].{label}.headers", shown):
                if not isinstance(header, dict):
                    continue
                key, value = str(header.get("name", "")).lower(), str(header.get("value", ""))
                if label == "request" and key == "cookie":
                    for pair in value.split(";"):
                        if pair.strip():
                            yield Sighting(pair.split("=", 1)[0].strip(), "cookie", f"{shown}: Cookie header, {url}")
                elif label == "response" and key == "set-cookie":
                    for line in value.splitlines():  # browsers join several Set-Cookie headers with newlines
                        if line.strip():
                            yield Sighting(
                                line.split(";", 1)[0].split("=", 1)[0].strip(), "cookie", f"{shown}: Set-Cookie, {url}"
                            )


def _netscape(text: str, shown: str) -> Iterator[Sighting]:
    """``domain  flag  path  secure  expiry  name  value``, tab-separated; ``#HttpOnly_`` marks HttpOnly."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#HttpOnly_"):
            line = line[len("#HttpOnly_") :]
        elif not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 7:
            raise ScanError(
                f"{shown}:{number}: has {len(fields)} tab-separated fields; expected 7 "
                "(a Netscape cookies.txt line: domain, flag, path, secure, expiry, name, value)"
            )
        yield Sighting(fields[5], "cookie", f"{shown}:{number}: cookie for {fields[0]}")


def _storage_state(data: dict[str, Any], shown: str) -> Iterator[Sighting]:
    """Playwright's ``storage_state()``: ``cookies`` and each origin's ``localStorage``."""
    for i, cookie in enumerate(_list(data.get("cookies"), "cookies", shown)):
        if not isinstance(cookie, dict) or not isinstance(cookie.get("name"), str):
            raise ScanError(f"{shown}: cookies[{i}] has no text `name`")
        yield Sighting(cookie["name"], "cookie", f"{shown}: cookie for {cookie.get('domain', '?')}")
    for i, origin in enumerate(_list(data.get("origins"), "origins", shown)):
        if not isinstance(origin, dict):
            raise ScanError(f"{shown}: origins[{i}] is not an object")
        for name in _named(origin.get("localStorage"), f"origins[{i}].localStorage", shown):
            yield Sighting(name, "local-storage", f"{shown}: localStorage of {origin.get('origin', '?')}")


def compare(catalog: Catalog, sightings: list[Sighting], shows: frozenset[str] = COOKIES_AND_LOCAL_STORAGE) -> Report:
    """Match every seen name against the catalog entries of its storage (patterns match many names).

    ``shows``: the storages the captures could hold (``Capture.shows``); an
    entry of any other storage is neither seen nor unseen, just not reported.
    """
    entries = [
        (
            {"plugin": plugin.title, "name": cookie.name, "anchor": cookie.anchor, "storage": cookie.storage},
            cookie.pattern,
        )
        for plugin in catalog.plugins
        for cookie in plugin.cookies
    ]
    exact: dict[Seen, list[dict[str, str]]] = {}
    for entry, pattern in entries:
        if not pattern:
            exact.setdefault((entry["name"], entry["storage"]), []).append(entry)
    wildcards = [entry for entry, pattern in entries if pattern]
    report = Report()
    seen_anchors: set[str] = set()
    for sighting in sightings:
        key = (sighting.name, sighting.storage)
        if key in report.undocumented:
            report.undocumented[key].append(sighting)
        elif key not in report.documented:
            covering = exact.get(key, []) + [
                w for w in wildcards if w["storage"] == sighting.storage and patterns.covers(w["name"], sighting.name)
            ]
            if covering:
                report.documented[key] = covering
                seen_anchors.update(entry["anchor"] for entry in covering)
            else:
                report.undocumented[key] = [sighting]
    report.unseen = [
        {k: v for k, v in entry.items() if k != "storage"}
        for entry, _ in entries
        if entry["anchor"] not in seen_anchors and entry["storage"] in shows
    ]
    return report
