"""Print the standalone policy HTML to PDF with whatever engine is installed.

A PDF engine is a heavy, optional dependency, so it is looked up only when a
PDF is asked for: WeasyPrint if importable, else a headless Chromium. Either
way the PDF is dated by the caller (the catalog's date), never by the clock.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cookie_catalog.render.policy import PolicyError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
Engine = Callable[[str, dt.datetime], bytes]
# The document information dictionary's number, in the (last) trailer.
_INFO = re.compile(rb"trailer\s*<<.*?/Info\s+(\d+)\s+0\s+R", re.S)
_DATE = re.compile(rb"/(?:CreationDate|ModDate)\s*(\(D:\d{4,14}[^()\\]*\))")
# The structure elements of Chromium's tagged PDF are named by DOM node ids.
_NODE_ID = re.compile(rb"\(node(\d{8})\)")


def find_engine() -> Engine:
    """The first available engine; PolicyError naming how to get one otherwise."""
    try:
        import weasyprint  # noqa: F401  (is it installed?)
    except ImportError:
        pass
    else:
        return _weasyprint_pdf
    for name in CHROMIUM_NAMES:
        binary = shutil.which(name)
        if binary:
            return lambda html, created: pin_node_ids(pin_dates(_chromium_pdf(binary, html), created))
    raise PolicyError(
        "a PDF was asked for but no PDF engine is installed; install WeasyPrint "
        "(pip install weasyprint) or Chromium (apt-get install chromium), or drop pdf from the formats"
    )


def _weasyprint_pdf(html: str, created: dt.datetime) -> bytes:
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    stamp = created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = document.metadata.modified = stamp
    return document.write_pdf()


def pin_dates(pdf: bytes, created: dt.datetime) -> bytes:
    """``pdf`` with the dates of its information dictionary set to ``created``.

    Chromium stamps CreationDate and ModDate with the clock and has no option
    against it. Each date string is rewritten in place and padded with spaces to
    its old length, so the byte offsets of the cross-reference table stay right.
    """
    trailers = list(_INFO.finditer(pdf))
    if not trailers:
        return pdf
    start = pdf.find(b"\n%s 0 obj" % trailers[-1].group(1))
    end = pdf.find(b"endobj", start)
    if start < 0 or end < 0:
        return pdf
    digits = created.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S").encode()

    def pinned(match: re.Match) -> bytes:
        old = match.group(1)
        new = b"(D:%sZ)" % digits if len(old) >= len(digits) + 5 else b"(D:%s)" % digits[: len(old) - 4]
        return match.group(0)[: match.start(1) - match.start(0)] + new.ljust(len(old))

    return pdf[:start] + _DATE.sub(pinned, pdf[start:end]) + pdf[end:]


def pin_node_ids(pdf: bytes) -> bytes:
    """``pdf`` with its structure elements' ids numbered from 1, in their order.

    Chromium names each element of the tagged PDF's structure tree after the
    DOM node it came from (``/ID (node00000034)``), and the renderer's node
    counter depends on what else it created first: under load, two prints of
    the same page differ by a shifted counter. Numbering the ids by rank keeps
    their order (the ``/IDTree`` is sorted by them) and their width (the byte
    offsets of the cross-reference table stay right).
    """
    rank = {old: b"%08d" % i for i, old in enumerate(sorted(set(_NODE_ID.findall(pdf))), 1)}
    return _NODE_ID.sub(lambda m: b"(node%s)" % rank[m.group(1)], pdf)


def _dies_with_us() -> list[str]:
    """A prefix that has the kernel kill Chromium if this process dies first (util-linux setpriv).

    Without it a build killed with SIGKILL leaves Chromium printing on its own.
    Where setpriv is missing Chromium still ends by itself once it has printed.
    """
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


def _chromium_pdf(binary: str, html: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "policy.html", Path(tmp) / "policy.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            *_dies_with_us(),
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PolicyError(f"{binary} could not print the PDF: {exc}") from exc
        if not target.is_file() or target.stat().st_size == 0:
            raise PolicyError(f"{binary} produced no PDF")
        return target.read_bytes()
