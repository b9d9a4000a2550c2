"""A real `mkdocs serve`: catalog and template edits show without a restart, problems show as pages."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from support.readback import read_html
from support.serving import fetch, serving, wait_for
from support.sitebuild import build, project_copy

PROBLEM = "catalog/plugins/console.yml:6:17: cookies[0].provenance: '<img src=x onerror=alert(1)>' is not allowed"
BROKEN_CONSOLE = (
    "plugin: Console\ncookies:\n  - name: a\n    purpose: b\n    duration: session\n"
    "    provenance: '<img src=x onerror=alert(1)>'\n    category: functional\n"
)


def fetch_quickly(url: str) -> str:
    """The page, which must come within a second (MkDocs holds requests while a rebuild fails)."""
    started = time.monotonic()
    body = fetch(url)
    assert body and time.monotonic() - started < 1.0, f"{url} was not answered within a second"
    return body


@pytest.fixture
def served(tmp_path):
    project = project_copy(tmp_path / "project")
    with serving(project, tmp_path / "serve.log") as base:
        wait_for(base + "cookies/console/", lambda b: "windowPosition" in b)
        yield project, base


def problems_shown(body: str) -> list[str]:
    """The text of each listed problem on a page."""
    block = re.search(r'<div class="admonition failure" id="cookie-catalog-problems">(.*?)</div>', body, re.S)
    return [read_html(item).visible for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


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


def test_broken_catalog_shows_its_problems_until_fixed(tmp_path):
    project = project_copy(tmp_path / "project")
    reading = project / "docs/reading.md"
    reading.write_text(reading.read_text() + '\n<!-- cookie-catalog:table plugin="Console" -->\n')
    console = project / "catalog/plugins/console.yml"
    good = console.read_text()
    log = tmp_path / "serve.log"
    with serving(project, log) as base:
        wait_for(base + "cookies/console/", lambda b: "windowPosition" in b)
        console.write_text(BROKEN_CONSOLE)
        wait_for(base + "cookies/console/", lambda b: bool(problems_shown(b)))
        for page in ("cookies/console/", "cookies/webchat/", "cookies/"):  # every cookie page, the overview
            body = fetch_quickly(base + page)
            assert [p for p in problems_shown(body) if p.startswith(PROBLEM)], page
            assert read_html(body).handlers() == [] and "<img" not in body  # the quoted text stays text
        home = fetch_quickly(base)
        assert "Genesys Widgets" in home and not problems_shown(home)  # the rest of the site as it is
        # a hand-written page whose directive has no catalog to expand from says why, above its own text
        reading_page = fetch_quickly(base + "reading/")
        assert problems_shown(reading_page)[0].startswith(PROBLEM) and "How to read" in reading_page
        assert re.search(r"ERROR +- +cookie-catalog: the catalog has 1 problem", log.read_text())
        assert PROBLEM in log.read_text()

        console.write_text(good)
        body = wait_for(base + "cookies/console/", lambda b: "windowPosition" in b)
        assert not problems_shown(body) and not problems_shown(fetch_quickly(base + "reading/"))
        assert "windowPosition" in fetch_quickly(base + "reading/")  # the directive's table is back

        lines = reading.read_text().splitlines()
        reading.write_text(reading.read_text().replace('plugin="Console"', 'plugin="<b>Nope</b>"'))
        body = wait_for(base + "reading/", lambda b: bool(problems_shown(b)))
        assert problems_shown(body) == [
            f'docs/reading.md:{len(lines)}: no plugin "<b>Nope</b>" in the catalog; '
            "valid plugins (title or file name): 'App', 'ClickToCall', 'Console', "
            "'KnowledgeCenter', 'WebChat'"
        ]
        assert "b" not in [tag for tag, _ in read_html(body).elements]  # quoted, not markup
        assert not problems_shown(fetch_quickly(base + "cookies/console/"))


def _with_templates(project: Path) -> Path:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      catalog: !ENV [COOKIE_CATALOG, catalog]", "      catalog: catalog\n      templates: overrides"
        )
    )
    (project / "overrides").mkdir()
    return project / "overrides"


def test_template_edits_and_a_broken_template_under_serve(tmp_path):
    project = project_copy(tmp_path / "project")
    overrides = _with_templates(project)
    template = overrides / "plugin.md.j2"
    template.write_text("# {{ plugin.title | md }}\n\nFirst version of the page.\n")
    with serving(project, tmp_path / "serve.log") as base:
        wait_for(base + "cookies/console/", lambda b: "First version of the page." in b)
        template.write_text("# {{ plugin.title | md }}\n\nSecond version, {{ plugin.cookies | length }} cookies.\n")
        wait_for(base + "cookies/console/", lambda b: "Second version, 8 cookies." in b)

        template.write_text("# {{ plugin.title | md }}\n\n{{ plugin.cookies | length \n")  # unclosed
        wait_for(base + "cookies/console/", lambda b: bool(problems_shown(b)))
        shown = problems_shown(fetch_quickly(base + "cookies/console/"))
        assert len(shown) == 1 and re.fullmatch(r"overrides/plugin\.md\.j2:3: unexpected end of template.*", shown[0])

        template.write_text("# {{ plugin.title | md }}\n\n{{ plugin.no_such_field }}\n")  # fails while rendering
        wait_for(base + "cookies/console/", lambda b: "no_such_field" in "".join(problems_shown(b)))
        shown = problems_shown(fetch_quickly(base + "cookies/console/"))
        assert re.fullmatch(r"overrides/plugin\.md\.j2:3: .*no_such_field.*", shown[0])

        template.unlink()  # back to the bundled template
        wait_for(base + "cookies/console/", lambda b: "windowPosition" in b and not problems_shown(b))


def test_a_broken_policy_template_under_serve(tmp_path):
    """The downloads are made once the pages are: a policy template's problems show atop the real pages."""
    project = project_copy(tmp_path / "project")
    template = _with_templates(project) / "policy.md.j2"
    with serving(project, tmp_path / "serve.log") as base:
        wait_for(base + "downloads/cookie-policy.md", lambda b: "windowPosition" in b)
        for broken, needle in (("{% for x in %}", "end of statement block"), ("{{ catalog.nope }}", "'nope'")):
            template.write_text(f"# {{{{ catalog.title | md }}}}\n{broken}\n")
            body = wait_for(base + "cookies/console/", lambda b, needle=needle: needle in "".join(problems_shown(b)))
            [problem] = problems_shown(body)
            assert problem.startswith("the policy downloads: overrides/policy.md.j2:2: "), problem
            assert "windowPosition" in body  # the page itself is still there
        template.write_text("# Our own policy\n")
        wait_for(base + "downloads/cookie-policy.md", lambda b: b == "# Our own policy\n")
        assert not problems_shown(fetch_quickly(base + "cookies/console/"))
        # the HTML policy fails after the rebuild, in the thread: the rebuild it starts shows the problem
        (template.parent / "policy.html.j2").write_text("<html>{{ catalog.nope }}{{ body }}</html>\n")
        body = wait_for(base + "cookies/console/", lambda b: "'nope'" in "".join(problems_shown(b)))
        assert problems_shown(body)[0].startswith("the policy downloads: overrides/policy.html.j2:1: ")


def without_livereload(body: str) -> str:
    """A served HTML file as written: without the script MkDocs' server adds to it."""
    at = body.rfind("</body>")
    return re.sub(r"<script>[^<]*</script>$", "", body[:at]) + body[at:] if at >= 0 else body


def _watch_downloads(base: str, names: list[str], stop: threading.Event, seen: dict[str, set[str]]) -> None:
    """Fetch each download again and again until ``stop``; every body served goes into ``seen``."""
    while not stop.is_set():
        for name in names:
            if body := fetch(base + "downloads/" + name):
                seen.setdefault(name, set()).add(body)


@pytest.mark.parametrize("options", [(), ("--dirty",)], ids=["clean", "dirty"])
def test_quick_edits_end_with_a_fresh_builds_downloads_and_none_is_served_half_written(tmp_path, options):
    """Under serve the downloads are written after each rebuild, in every language: whatever a reader fetches
    meanwhile is a whole file, and once the edits stop they are the bytes `mkdocs build` writes."""
    project = project_copy(tmp_path / "project")
    if options:  # MkDocs' own warning about --dirty would fail a strict build (on every rebuild)
        config = project / "mkdocs.yml"
        config.write_text(config.read_text().replace("strict: true", "strict: false"))
    console = project / "catalog/plugins/console.yml"
    good = console.read_text()
    names = ["cookie-policy.md", "cookie-policy.json", "cookie-policy.csv", "de/cookie-policy.json"]
    seen: dict[str, set[str]] = {}
    stop = threading.Event()
    with serving(project, tmp_path / "serve.log", *options) as base:
        wait_for(base + "downloads/cookie-policy.md", lambda b: "windowPosition" in b)
        watcher = threading.Thread(target=_watch_downloads, args=(base, names, stop, seen))
        watcher.start()
        try:
            for edit in range(3):  # each before the last rebuild's downloads are written
                console.write_text(good.replace("position of the Console plugin", f"place {edit} of the Console"))
                time.sleep(0.4)
            wait_for(base + "cookies/console/", lambda b: "place 2 of the Console" in b)
            wait_for(base + "downloads/de/cookie-policy.json", lambda b: "place 2 of the Console" in b)
            wait_for(base + "downloads/cookie-policy.json", lambda b: "place 2 of the Console" in b)
        finally:
            stop.set()
            watcher.join()
        assert build(project, tmp_path / "fresh").returncode == 0
        fresh = tmp_path / "fresh/downloads"
        for path in sorted(p for p in fresh.rglob("*") if p.is_file()):
            name = str(path.relative_to(fresh))
            assert without_livereload(fetch(base + "downloads/" + name)) == path.read_bytes().decode("utf-8"), name
    for name, bodies in seen.items():
        for body in bodies:
            if name.endswith(".json"):
                assert body.endswith("}\n") and json.loads(body), (name, len(body), body[-80:])
            else:
                assert body.endswith((fresh / name).read_bytes().decode("utf-8")[-40:]), (name, body[-80:])
    assert all(len(seen.get(name, ())) > 1 for name in names), {name: len(bodies) for name, bodies in seen.items()}
