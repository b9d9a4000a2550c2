"""The downloads ``mkdocs serve`` writes after a rebuild (``sinks.mkdocs.background``), read while being written."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from mkdocs import livereload

from cookie_catalog.sinks.mkdocs.background import Downloads, put_in_place, whole_files

SIZE = 4 * 1024 * 1024  # a file whose writing takes long enough for a reader to catch it half written


def test_a_reader_gets_the_bytes_before_or_after_never_part_of_them(tmp_path: Path):
    place = tmp_path / "downloads" / "cookie-policy.json"
    versions = [bytes([ord("a") + i]) * SIZE for i in range(4)]
    place.parent.mkdir()
    place.write_bytes(versions[0])
    stop = threading.Event()
    seen: list[bytes] = []

    def read() -> None:
        while not stop.is_set():
            data = place.read_bytes()
            if data not in versions:
                seen.append(data[:16] + data[-16:] + str(len(data)).encode())

    reader = threading.Thread(target=read)
    reader.start()
    downloads = Downloads()
    try:
        for version in versions[1:]:
            downloads.start(lambda version=version: {"cookie-policy.json": version}, {"cookie-policy.json": place})
            downloads.wait()
    finally:
        stop.set()
        reader.join()
    assert seen == [] and place.read_bytes() == versions[-1] and downloads.last == {"cookie-policy.json": versions[-1]}
    assert [p.name for p in place.parent.iterdir()] == [place.name]  # no file left beside it


def test_a_superseded_thread_moves_nothing_into_place(tmp_path: Path):
    place = tmp_path / "cookie-policy.md"
    place.write_bytes(b"before")
    release = threading.Event()

    def slow() -> dict[str, bytes]:
        release.wait(timeout=5)
        return {"cookie-policy.md": b"stale"}

    downloads = Downloads()
    downloads.start(slow, {"cookie-policy.md": place})
    superseding = threading.Thread(target=downloads.supersede)
    superseding.start()
    while downloads.generation == 1:
        pass  # until the generation has moved on
    release.set()
    superseding.join()
    assert place.read_bytes() == b"before" and list(tmp_path.iterdir()) == [place] and downloads.last == {}


@pytest.mark.parametrize("new_size", [10, 5000])
def test_a_download_replaced_while_mkdocs_serves_it_is_sent_whole(tmp_path: Path, monkeypatch, new_size):
    """MkDocs opens the file, then takes its size from the path: the thread may move the new file in between."""
    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    place = site / "downloads" / "cookie-policy.json"
    place.write_bytes(b"a" * 1000)
    server = livereload.LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(site))
    size_of = livereload.os.path.getsize

    def replaced_meanwhile(path):
        if Path(path) == place:
            put_in_place(place, b"b" * new_size)
        return size_of(path)

    monkeypatch.setattr(livereload.os.path, "getsize", replaced_meanwhile)
    started: list[list[tuple[str, str]]] = []
    try:
        app = whole_files(server.get_app())
        environ = {"PATH_INFO": "/downloads/cookie-policy.json", "REQUEST_METHOD": "GET"}
        body = b"".join(app(environ, lambda status, headers, exc_info=None: started.append(headers)))
    finally:
        server.server_close()
    assert body == b"a" * 1000 and dict(started[0])["Content-Length"] == "1000"
    assert place.read_bytes() == b"b" * new_size


def test_the_folder_a_failed_thread_nudges_is_hidden_in_the_served_site(tmp_path: Path):
    """No folder of ours outside the site directory serve made (which MkDocs removes on Ctrl-C, and a killed
    serve leaves behind anyway); a clean of the site before a rebuild keeps it, as MkDocs keeps hidden entries."""
    from mkdocs.utils import clean_directory

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server, downloads = Server(), Downloads()
    downloads.watch(server, str(tmp_path))
    [watched] = [Path(p) for p in server.watched]
    assert watched.parent == tmp_path and watched.name.startswith(".") and watched.is_dir()
    (tmp_path / "index.html").write_text("page", encoding="utf-8")
    clean_directory(str(tmp_path))
    assert watched.is_dir() and not (tmp_path / "index.html").exists()
    downloads._failed(RuntimeError("the disk is full"), downloads.generation)
    assert [p.name for p in watched.iterdir()] == ["failed"]  # what starts the rebuild
    downloads.close()
    assert not watched.exists()
