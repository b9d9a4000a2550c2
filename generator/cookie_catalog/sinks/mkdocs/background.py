"""Under ``mkdocs serve``, the policy downloads made after the rebuild has returned, on a thread.

MkDocs' server answers no request, not even for the page just edited, until the whole rebuild has
returned; rendering the policy (Markdown, HTML, CSV, JSON, the TCF disclosure, in every language) and
writing it was about a third of a ``--dirty`` rebuild of a large catalog (the Open Cookie Database:
0.26 s of 0.8 s). So the rebuild only compiles the policy's templates (a syntax error shows at once as
the pages listing the problem), and this thread makes and writes the downloads once the rebuild is
served. A template that fails while rendering fails in the thread: it reports the problem on the
console and starts a rebuild (a file in a folder the server watches, ``watch``), which makes the
downloads itself, where the problem shows in the pages as before. ``mkdocs build`` is not concerned:
it makes the downloads in a forked child while the pages are built (``files.Generated.start_downloads``);
a process with threads must not fork.

One :class:`Downloads` lives for the whole server (the plugin's). Its rules:

- a reader never gets half a file: each file is written beside its place and moved there
  (``os.replace``), so a request gets the bytes before or the bytes after;
- one writer at a time: the next rebuild, and the server's shutdown, supersede the pending thread
  (``supersede``) and wait for it before MkDocs touches the site directory;
- a superseded thread never writes: the generation it was started for is checked, under the lock,
  before each file is moved into place, and ``supersede`` moves the generation on under that lock;
- the server's ``Content-Length`` is the size of the file it opened (``whole_files``): MkDocs takes it
  from the path after opening the file, so a file moved into place in between was sent cut to the new
  file's size (seen by a test polling the downloads during rebuilds).
"""

from __future__ import annotations

import os
import shutil
import threading
import wsgiref.util
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2

from cookie_catalog.sinks.embed import template_problem
from cookie_catalog.sinks.mkdocs.serve_errors import Broken, report

Make = Callable[[], dict[str, bytes]]
FAILED = "The downloads keep their previous bytes; a rebuild makes them again and shows the problem on the pages."
NUDGES = ".cookie-catalog-downloads"  # in the served site directory: a file written there starts a rebuild


class Downloads:
    """The downloads of the last rebuild being made and written after it, and the bytes last made."""

    def __init__(self) -> None:
        self.generation = 0  # moved on by every ``supersede``: a thread of an older one does not write
        self.last: dict[str, bytes] = {}  # name -> the bytes last made: the stand-ins of the next rebuild
        self.failed: str | None = None  # what stopped the last thread: the next rebuild makes them itself
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._nudges: Path | None = None  # a folder the server watches: a file written there starts a rebuild

    def watch(self, server: Any, site_dir: str) -> None:
        """Have ``server`` (MkDocs' LiveReloadServer) rebuild the site when a thread fails (``_run``).

        The folder it watches is a hidden one in the site directory serve made: MkDocs' clean keeps hidden
        entries, and the site directory goes when serve stops, or stays behind with ours in it when serve is
        killed (MkDocs removes it only on Ctrl-C), so there is no folder of ours to leave anywhere else.
        """
        self._nudges = Path(site_dir) / NUDGES
        self._nudges.mkdir(exist_ok=True)
        server.watch(str(self._nudges))

    def close(self) -> None:
        """The server stops: no thread writes any more, the watched folder goes."""
        self.supersede()
        if self._nudges is not None:
            shutil.rmtree(self._nudges, ignore_errors=True)
            self._nudges = None

    def stand_ins(self, names: list[str]) -> dict[str, bytes] | None:
        """The previous bytes of each of ``names``; None when some have none (a first build, a new language)
        or the last thread failed: the rebuild then makes the downloads itself, as it did before."""
        if self.failed is not None or any(name not in self.last for name in names):
            return None
        return {name: self.last[name] for name in names}

    def keep(self, made: dict[str, bytes]) -> None:
        """Downloads a rebuild made itself: the stand-ins of the next one."""
        self.last = dict(made)
        self.failed = None

    def start(self, make: Make, places: dict[str, Path]) -> None:
        """Make the downloads with ``make`` and write each at its place (name -> path in the site), on a thread."""
        self.supersede()
        generation = self.generation
        self._thread = threading.Thread(
            target=self._run, args=(make, places, generation), name="cookie-catalog downloads", daemon=True
        )
        self._thread.start()

    def supersede(self) -> None:
        """No write from the pending thread from now on; return once it has ended (the next rebuild may clean)."""
        with self._lock:
            self.generation += 1
        self.wait()

    def wait(self) -> None:
        """Return once the pending thread, if any, has ended (written its files, or given up)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _run(self, make: Make, places: dict[str, Path], generation: int) -> None:
        try:
            made = make()
            for name, data in made.items():
                if not self._write(places[name], data, generation):
                    return
        except Exception as exc:  # the rebuild compiled the templates; whatever fails after is said, not lost
            self._failed(exc, generation)
            return
        with self._lock:
            if generation == self.generation:
                self.last = made
                self.failed = None

    def _failed(self, exc: Exception, generation: int) -> None:
        """The problem on the console, and a rebuild started (``watch``) that makes the downloads itself."""
        with self._lock:
            if generation != self.generation:
                return
            self.failed = template_problem(exc) if isinstance(exc, jinja2.TemplateError) else f"{exc}"
        report(Broken(f"the policy downloads could not be made: {self.failed}", []), FAILED)
        if self._nudges is not None:
            (self._nudges / "failed").write_text(str(generation), encoding="utf-8")

    def _write(self, path: Path, data: bytes, generation: int) -> bool:
        """``data`` in place at ``path`` in one move; False (nothing left behind) once superseded."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{generation}.tmp")
        write_file(temporary, data)
        with self._lock:
            if generation == self.generation:
                os.replace(temporary, path)
                return True
        temporary.unlink(missing_ok=True)
        return False


def write_file(path: Path, data: bytes) -> None:
    """``data`` in a new file at ``path``, with the permissions MkDocs gives the files it writes (the umask's)."""
    path.unlink(missing_ok=True)  # a leftover of a thread stopped with the process
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def put_in_place(path: Path, data: bytes) -> None:
    """``data`` at ``path`` in one move: a request that got past MkDocs' wait for the rebuild just before it
    started reads the whole stand-in, never its first part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    write_file(temporary, data)
    os.replace(temporary, path)


App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def whole_files(app: App) -> App:
    """MkDocs' server app (``LiveReloadServer.serve_request``), its ``Content-Length`` that of the file it sends.

    MkDocs opens the file, then reads its size from the path: a download moved into place by the thread in
    between was sent with the new file's size and the old file's bytes, cut or short. Here the size is
    the opened file's (``os.fstat``). The headers are handed on once the app has returned: a WSGI server
    sends them with the first bytes of the body anyway, and MkDocs never calls ``write``.
    """

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        held: list[tuple[str, list[tuple[str, str]], Any]] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            held.append((status, headers, exc_info))
            return _no_write

        result = app(environ, hold)
        status, headers, exc_info = held[-1]
        size = _opened_size(result)
        if size is not None:
            headers = [(k, str(size) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(status, headers, exc_info)
        return result

    return serve


def _opened_size(result: Iterable[bytes]) -> int | None:
    """The size of the file a response sends from, if it sends one (MkDocs' ``FileWrapper`` of an open file)."""
    if not isinstance(result, wsgiref.util.FileWrapper):
        return None
    try:
        return os.fstat(result.filelike.fileno()).st_size
    except (AttributeError, OSError, ValueError):  # not a file on disk (io.BytesIO of an HTML page)
        return None


def _no_write(data: bytes) -> None:
    raise RuntimeError("MkDocs' server app wrote before returning; cookie-catalog's whole_files does not pass it on")
