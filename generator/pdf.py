"""Print the standalone policy HTML to PDF with whatever engine is installed.

A PDF engine is a heavy, optional dependency, so it is looked up only when a
PDF is asked for: WeasyPrint if importable, else a headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
Engine = Callable[[str], bytes]


def find_engine() -> Engine:
    """The first available engine; PolicyError naming how to get one otherwise."""
    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        return lambda html: weasyprint.HTML(string=html).write_pdf()
    for name in CHROMIUM_NAMES:
        binary = shutil.which(name)
        if binary:
            return lambda html: _chromium_pdf(binary, html)
    from generator.policy import PolicyError

    raise PolicyError(
        "a PDF was asked for but no PDF engine is installed; install WeasyPrint "
        "(pip install weasyprint) or Chromium (apt-get install chromium), or drop pdf from the formats"
    )


def _chromium_pdf(binary: str, html: str) -> bytes:
    from generator.policy import PolicyError

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "policy.html", Path(tmp) / "policy.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PolicyError(f"{binary} could not print the PDF: {exc}") from exc
        if not target.is_file() or target.stat().st_size == 0:
            raise PolicyError(f"{binary} produced no PDF")
        return target.read_bytes()
