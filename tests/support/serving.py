"""Talking to a site served on localhost (by `mkdocs serve` or our own server)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.sitebuild import ENV, MKDOCS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    """The page's text, or "" while the server is not answering (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(url: str, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
    """The first body of ``url`` that satisfies ``predicate``, polled; the test fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        body = fetch(url)
        if predicate(body):
            return body
        time.sleep(0.2)
    pytest.fail(f"{url} did not satisfy the condition within {timeout}s; last body: {body[:300]!r}")


@contextlib.contextmanager
def serving(project: Path, log: Path, *options: str) -> Iterator[str]:
    """`mkdocs serve` in ``project`` (whose mkdocs.yml is strict) on a free port; its console goes to ``log``.

    ``options`` are more of serve's (``--dirty``). Yields the site's base URL.
    """
    port = free_port()
    with log.open("wb") as console:
        process = subprocess.Popen(
            [*MKDOCS, "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}", *options],
            cwd=project,
            stdout=console,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in ENV.items() if k != "COOKIE_CATALOG"},
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            process.wait(timeout=10)
