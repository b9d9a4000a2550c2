"""`mkdocs serve` picks up catalog edits without a restart."""

from __future__ import annotations

import subprocess
import time

import pytest
from serving import fetch, free_port
from sitebuild import ENV, MKDOCS, project_copy


def wait_for(url: str, predicate, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = fetch(url)
        if predicate(body):
            return body
        time.sleep(0.2)
    pytest.fail(f"{url} did not satisfy the condition within {timeout}s; last body: {body[:300]!r}")


@pytest.fixture
def served(tmp_path):
    project = project_copy(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [*MKDOCS, "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={k: v for k, v in ENV.items() if k != "COOKIE_CATALOG"},
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + "cookies/console/", lambda b: "windowPosition" in b)
        yield project, base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_edit_added_and_removed_files_show_on_reload(served):
    project, base = served
    console = project / "catalog/plugins/console.yml"
    console.write_text(console.read_text().replace("position of the Console plugin", "place of the Console plugin"))
    wait_for(base + "cookies/console/", lambda b: "place of the Console plugin" in b)

    (project / "catalog/plugins/zz-survey.yml").write_text(
        "plugin: Survey\ncookies:\n  - name: survey_seen\n    purpose: Remembers the survey was shown.\n"
        "    duration: 30 days\n    provenance: first-party\n    category: functional\n"
    )
    wait_for(base + "cookies/zz-survey/", lambda b: "survey_seen" in b)
    (project / "catalog/plugins/zz-survey.yml").unlink()
    wait_for(base + "cookies/", lambda b: "zz-survey" not in b and "WebChat" in b)
