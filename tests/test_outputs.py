"""Outputs are never surprising: what was asked for or nothing, readable as the umask says, the same bytes each time."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from cookie_catalog.catalog import source_date
from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.render.policy import PolicyError
from cookie_catalog.sinks import pdf as pdf_module
from cookie_catalog.sinks.downloads import policy_files

from support.cli import no_traceback
from support.paths import CATALOG, OCD_CSV


def contents(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


# -- policy --format -------------------------------------------------------------------------------


@pytest.mark.parametrize("formats", ["", ",", " , ", "md,", ",md", "md,,csv", "docx", "md,docx", "MD"])
def test_policy_format_list_empty_or_unknown_is_a_usage_error_and_touches_nothing(cli, tmp_path, formats):
    out = tmp_path / "out"
    assert cli("policy", CATALOG, "--out", out)[0] == 0
    before = contents(out)
    code, stdout, err = cli("policy", CATALOG, "--out", out, "--format", formats)
    assert code == 2 and stdout == "" and no_traceback(err)
    assert err.count("\n") == 1 and err.startswith(f"error: --format {formats!r}: ")
    assert "expected a comma-separated list of md, html, csv, json, pdf" in err
    assert contents(out) == before


def test_policy_formats_with_spaces_and_repeats(cli, tmp_path):
    code, _, err = cli("policy", CATALOG, "--out", tmp_path / "out", "--format", " md , csv,md")
    assert code == 0, err
    assert sorted(contents(tmp_path / "out")) == [".cookie-catalog", "cookie-policy.csv", "cookie-policy.md"]


def test_policy_files_refuses_an_empty_format_list():
    with pytest.raises(PolicyError, match="no format asked for"):
        policy_files(load_catalog(CATALOG), [])


# -- permissions: every output as the umask says -------------------------------------------------


@pytest.fixture
def umask():
    """Set the process umask for a test; restored after it."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    """Permission bits of ``root`` and of everything under it."""
    return {p.relative_to(root.parent).as_posix(): p.stat().st_mode & 0o7777 for p in [root, *root.rglob("*")]}


def expected_modes(root: Path, mask: int) -> dict[str, int]:
    return {name: (0o777 if (root.parent / name).is_dir() else 0o666) & ~mask for name in modes(root)}


def _outputs(cli, base: Path) -> dict[Path, Path]:
    """Run every command that writes, each into a new path under a new directory of ``base``.

    Returns each output (a file or a directory) by the new directory above it.
    """
    outputs = {
        base / "e" / "site" / "cookieconsent-config.mjs": ("export", "cookieconsent", "--catalog", CATALOG),
        base / "e2" / "edpb.json": ("export", "edpb", "--catalog", CATALOG),
        base / "i" / "catalog": ("import", "open-cookie-database", OCD_CSV, "--force"),
        base / "g" / "pages": ("generate", CATALOG, "--format", "md,html"),
        base / "p" / "policy": ("policy", CATALOG),
        base / "s" / "schemas": ("schema",),
    }
    for out, args in outputs.items():
        code, _, err = cli(*args, "--out", out)
        assert code == 0, (args, err)
    return {base / out.relative_to(base).parts[0]: out for out in outputs}


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077, 0o002])
def test_every_output_gets_the_umask(cli, tmp_path, umask, mask):
    umask(mask)
    for top in _outputs(cli, tmp_path):  # the directories made on the way included
        assert modes(top) == expected_modes(top, mask), top.name


def test_a_changed_umask_reaches_unchanged_files(cli, tmp_path, umask):
    """Unchanged files are reused from the previous output only when their mode is still right."""
    umask(0o077)
    _outputs(cli, tmp_path)
    umask(0o022)
    for out in _outputs(cli, tmp_path).values():  # the directories above them are left as they were
        got, want = modes(out), expected_modes(out, 0o022)
        if out.name == "schemas":  # schema --out writes files into a directory that may be the user's own
            del got["schemas"], want["schemas"]
        assert got == want, out.name


# -- reproducible: dates from the catalog, never the clock -----------------------------------------


def tree_or_file(path: Path) -> dict[str, bytes]:
    return contents(path) if path.is_dir() else {path.name: path.read_bytes()}


def pdf_text(pdf: bytes) -> bytes:
    """The PDF with every Flate stream inflated (WeasyPrint keeps its information dictionary in one)."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(stream.group(1)))
    return b"\n".join(parts)


def test_every_output_twice_gives_the_same_bytes(cli, tmp_path):
    """Two runs a second apart (the PDF included): byte-identical, whatever the clock says."""
    first = _outputs(cli, tmp_path / "1")
    assert cli("policy", CATALOG, "--out", tmp_path / "1" / "pdf", "--format", "pdf")[0] == 0
    time.sleep(1.1)
    second = _outputs(cli, tmp_path / "2")
    assert cli("policy", CATALOG, "--out", tmp_path / "2" / "pdf", "--format", "pdf")[0] == 0
    for a, b in zip([*first.values(), tmp_path / "1" / "pdf"], [*second.values(), tmp_path / "2" / "pdf"], strict=True):
        assert tree_or_file(a) == tree_or_file(b), a.name


def _catalog_without_dates(tmp_path: Path) -> Path:
    catalog = tmp_path / "undated"
    shutil.copytree(CATALOG, catalog)
    product = catalog / "catalog.yml"
    text = re.sub(r"^(version|updated|effective):.*\n", "", product.read_text(encoding="utf-8"), flags=re.M)
    product.write_text(text, encoding="utf-8")
    return catalog


@pytest.mark.parametrize(
    "dated, environment, expected",
    [
        (True, None, "2020-04-15T00:00:00.000Z"),  # catalog.yml's `updated:`
        (True, "1700000000", "2020-04-15T00:00:00.000Z"),  # the catalog's own date comes first
        (False, "1700000000", "2023-11-14T22:13:20.000Z"),
        (False, None, "1970-01-01T00:00:00.000Z"),
    ],
)
def test_edpb_is_dated_from_the_catalog(cli, tmp_path, monkeypatch, dated, environment, expected):
    catalog = CATALOG if dated else _catalog_without_dates(tmp_path)
    if environment is None:
        monkeypatch.delenv(source_date.ENV, raising=False)
    else:
        monkeypatch.setenv(source_date.ENV, environment)
    code, stdout, err = cli("export", "edpb", "--catalog", catalog)
    assert code == 0, err
    stamps = {base["created_at"] for base in json.loads(stdout)}
    stamps |= {
        k[key] for base in json.loads(stdout) for k in base["knowledges"] for key in ("created_at", "updated_at")
    }
    assert stamps == {expected}


def test_a_version_that_is_a_date_dates_the_catalog(tmp_path, monkeypatch):
    monkeypatch.delenv(source_date.ENV, raising=False)
    catalog = _catalog_without_dates(tmp_path)
    (catalog / "catalog.yml").write_text((catalog / "catalog.yml").read_text() + 'version: "2021-03-04"\n')
    assert source_date.source_date(load_catalog(catalog)).isoformat() == "2021-03-04T00:00:00+00:00"


@pytest.mark.parametrize("value", ["", "soon", "-1", "1.5", "١٢", "9" * 5000, "99999999999999"])
def test_a_bad_source_date_epoch_is_one_line(cli, tmp_path, monkeypatch, value):
    monkeypatch.setenv(source_date.ENV, value)
    code, stdout, err = cli("export", "edpb", "--catalog", _catalog_without_dates(tmp_path))
    assert code == 1 and stdout == "" and no_traceback(err) and err.count("\n") == 1
    assert err.startswith("error: SOURCE_DATE_EPOCH=") and len(err) < 200


def test_chromium_pdf_is_dated_from_the_catalog(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # Chromium even where WeasyPrint is installed
    assert cli("policy", CATALOG, "--out", tmp_path / "o", "--format", "pdf")[0] == 0
    pdf = (tmp_path / "o" / "cookie-policy.pdf").read_bytes()
    assert b"/Producer (Skia/PDF" in pdf
    assert re.findall(rb"/(CreationDate|ModDate) \(D:(\d+)", pdf) == [
        (b"CreationDate", b"20200415000000"),
        (b"ModDate", b"20200415000000"),
    ]


def test_weasyprint_pdf_is_dated_from_the_catalog(cli, tmp_path):
    pytest.importorskip("weasyprint")
    assert cli("policy", CATALOG, "--out", tmp_path / "o", "--format", "pdf")[0] == 0
    text = pdf_text((tmp_path / "o" / "cookie-policy.pdf").read_bytes())
    assert b"WeasyPrint" in text
    assert re.findall(rb"/(CreationDate|ModDate) \(D:(\d+)", text) == [
        (b"CreationDate", b"20200415000000"),
        (b"ModDate", b"20200415000000"),
    ]


@pytest.mark.parametrize("suffix", [b"+01'00'", b"Z", b"", b"-05'30"])
def test_pin_dates_keeps_every_byte_offset(suffix):
    """The dates are rewritten in place: same length, nothing else touched."""
    info = (
        b"<</Title (a \\(D:20990101000000Z\\) title)\n"
        b"/CreationDate (D:20261125140901%s)\n/ModDate (D:20261125140901%s)>>" % (suffix, suffix)
    )
    pdf = (
        b"%PDF-1.4\n1 0 obj\n"
        + info
        + b"\nendobj\n2 0 obj\n<</CreationDate (D:20261125140901Z)>>\nendobj\n"
        + b"trailer\n<</Size 3\n/Info 1 0 R>>\n%%EOF\n"
    )
    pinned = pdf_module.pin_dates(pdf, dt.datetime(2020, 4, 15, tzinfo=dt.timezone.utc))
    assert len(pinned) == len(pdf)
    assert re.findall(rb"/(?:CreationDate|ModDate) \((D:\d+)", pinned) == [b"D:20200415000000"] * 2 + [
        b"D:20261125140901"
    ]
    assert b"/Title (a \\(D:20990101000000Z\\) title)" in pinned


def test_pin_node_ids_numbers_structure_ids_by_rank_in_place():
    """Chromium names structure elements after DOM node ids, shifted under load: ranked, same width, same order."""
    pdf = b"<</ID (node00000034)>> <</ID (node00000035)>> <</K (node00000034)>> /IDTree [(node00000034) 1 0 R]"
    shifted = pdf.replace(b"00000035", b"00000036").replace(b"00000034", b"00000035")
    pinned = pdf_module.pin_node_ids(pdf)
    assert pinned == pdf_module.pin_node_ids(shifted)
    assert len(pinned) == len(pdf)
    assert pinned == pdf.replace(b"00000034", b"00000001").replace(b"00000035", b"00000002")


# -- no process outlives the build ---------------------------------------------------------------


def session_processes(session: int) -> list[int]:
    """Live (not zombie) processes of a session, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_of_mkdocs_build_leaves_no_process(tmp_path, ocd_catalog):
    """A large catalog (its downloads once went to a forked child): killed mid-build, nothing of it lives on."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# OCD\n", encoding="utf-8")
    config = {
        "site_name": "OCD",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"cookie-catalog": {"catalog": str(ocd_catalog)}}],
        "markdown_extensions": ["admonition", "attr_list", "tables"],
    }
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 1.2  # into the build; a forked child for the downloads would be there by then
    while time.monotonic() < deadline and build.poll() is None and len(session_processes(build.pid)) < 2:
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 3
    while session_processes(build.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(build.pid) == []


@pytest.mark.skipif(not shutil.which("setpriv"), reason="the kernel's parent-death signal is set through setpriv")
def test_kill_9_while_chromium_prints_leaves_no_process(tmp_path):
    """A Chromium that takes its time (here: a stand-in that sleeps) dies with the killed policy run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "chromium").write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    (bin_dir / "chromium").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin"}
    code = "import sys; sys.modules['weasyprint'] = None; from cookie_catalog.cli import main; main()"
    run = subprocess.Popen(
        [sys.executable, "-c", code, "policy", str(CATALOG), "--out", str(tmp_path / "o"), "--format", "pdf"],
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    # The stand-in itself, not only a forked child still on its way to exec: the kernel's
    # parent-death signal is armed by setpriv, so a kill before that moment orphans the
    # child by design (a real Chromium then ends once it has printed).
    while not [p for p in session_processes(run.pid) if command_name(p) == "sleep"]:
        assert run.poll() is None, run.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 5
    while session_processes(run.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(run.pid) == []
