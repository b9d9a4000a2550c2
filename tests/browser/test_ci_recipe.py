"""docs/interop.md's CI recipe, run as written: its record.py in Chromium against a local site using the
cookieconsent export, then its GitHub Actions scan step in the shell such a step gets by default.

The recipe is the documentation's code, read from the page, so the page cannot drift from what works: the
banner must be clickable under automation (cookieconsent hides from ``navigator.webdriver`` by default), and
the step must fail on drift (a step's default shell is ``bash -e {0}``, without pipefail, where
``scan | tee`` ends with tee's status).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.interop.exporters import cookieconsent

from support.browsing import CHROMIUM, LAUNCH_ARGS
from support.consumers import Files, installed_libraries
from support.paths import ROOT
from support.strategies import write

DOC = ROOT / "docs" / "interop.md"
LAUNCH = "p.chromium.launch()"
SITE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>shop</title>
<link rel="stylesheet" href="/lib/cookieconsent.css"></head>
<body><p>@PAGE@</p>
<script type="module">
import config from '/cc-config.mjs';
import * as CookieConsent from '/lib/cookieconsent.esm.js';
config.onConsent = () => {
  if (CookieConsent.acceptedCategory('analytics')) document.cookie = '_ga=GA1.1.1; path=/';
};
await CookieConsent.run(config);
@MORE@
</script></body></html>
"""


def recipe() -> tuple[str, str]:
    """record.py and the scan step's shell script, as docs/interop.md shows them."""
    text = DOC.read_text(encoding="utf-8")
    record = re.search(r"`record\.py`:\n\n```python\n(.*?)```", text, re.DOTALL)
    workflow = re.search(r"GitHub Actions:\n\n```yaml\n(.*?)```", text, re.DOTALL)
    assert record and workflow, "docs/interop.md no longer shows record.py and the workflow"
    steps = yaml.safe_load(workflow.group(1))["jobs"]["cookie-drift"]["steps"]
    scans = [s for s in steps if "cookie-catalog scan" in s.get("run", "")]
    assert len(scans) == 1 and "shell" not in scans[0], scans
    return record.group(1), scans[0]["run"]


def _catalog(tmp: Path, *extra: dict) -> Path:
    cookie = {"duration_note": None, "condition": None, "domain": None, "pattern": False}
    data = {
        "product": "Shop",
        "intro": None,
        "contact": None,
        "note": None,
        "categories": {},
        "plugins": [
            {
                "plugin": "Shop",
                "description": None,
                "note": None,
                "cookies": [
                    {**cookie, "name": "cc_cookie", "purpose": "Keeps your consent.", "category": "strictly-necessary"},
                    {**cookie, "name": "_ga", "purpose": "Counts visits.", "category": "analytics"},
                    *({**cookie, **e} for e in extra),
                ],
            }
        ],
    }
    return write(data, tmp)


@pytest.fixture
def site(tmp_path):
    """A shop on localhost: cookieconsent with the export; /checkout sets a cookie the catalog may not know."""
    root = tmp_path / "site"
    (root / "lib").mkdir(parents=True)
    (root / "checkout").mkdir()
    for name, path in installed_libraries().items():
        (root / "lib" / name).write_bytes(path.read_bytes())
    export = cookieconsent.export(load_catalog(_catalog(tmp_path / "exported")))
    (root / "cc-config.mjs").write_text(export, encoding="utf-8")
    (root / "index.html").write_text(SITE.replace("@PAGE@", "Home").replace("@MORE@", ""), encoding="utf-8")
    checkout = SITE.replace("@PAGE@", "Checkout").replace("@MORE@", "document.cookie = 'basket_token=1; path=/';")
    (root / "checkout" / "index.html").write_text(checkout, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Files, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def run_step(script: str, cwd: Path) -> subprocess.CompletedProcess:
    """The step as GitHub Actions runs a `run:` without `shell:` on Linux: `bash -e {0}`."""
    (cwd / "step.sh").write_text(script, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-e", "step.sh"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_documented_recipe_accepts_the_banner_and_fails_on_drift(browser, site, tmp_path):
    record, step = recipe()
    assert record.count(LAUNCH) == 1
    launch = f"p.chromium.launch(executable_path={CHROMIUM!r}, args={LAUNCH_ARGS!r})"  # Debian's, not a download
    work = tmp_path / "ci"
    work.mkdir()
    (work / "record.py").write_text(record.replace(LAUNCH, launch), encoding="utf-8")
    recorded = subprocess.run(
        [sys.executable, "record.py"],
        cwd=work,
        env={**os.environ, "SITE_URL": site},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert recorded.returncode == 0, recorded.stderr[-2000:]
    stored = {c["name"] for c in json.loads((work / "storage-state.json").read_text())["cookies"]}
    assert {"cc_cookie", "_ga", "basket_token"} <= stored  # "Accept all" was clicked: analytics ran

    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(_catalog(Path(tmp) / "catalog"), work / "catalog")
        drift = run_step(step, work)
    assert drift.returncode == 1, (drift.returncode, drift.stderr)  # the step fails on the undocumented cookie
    undocumented = json.loads((work / "drift.json").read_text())["undocumented"]
    assert [u["name"] for u in undocumented] == ["basket_token"]

    (work / "catalog").unlink()
    known = {"name": "basket_token", "purpose": "Holds the basket.", "category": "strictly-necessary"}
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(_catalog(Path(tmp) / "catalog", known), work / "catalog")
        clean = run_step(step, work)
    assert clean.returncode == 0, (clean.stdout, clean.stderr)
    assert json.loads((work / "drift.json").read_text())["undocumented"] == []
