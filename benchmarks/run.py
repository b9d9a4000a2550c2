"""Cookie Catalog benchmarks: `make bench`, or `.venv/bin/python benchmarks/run.py`.

Every measurement in one run, each contender in a fresh subprocess so that
its wall time and peak memory (the child's own ru_maxrss, from wait4) are its
alone; contenders alternate over --rounds rounds and medians are reported:

1. ocd: the Open Cookie Database built four ways, in two configurations
   (this project's `mkdocs.yml` settings, and a bare `theme: material` with
   `search`, `admonition` and `tables`, as a customer may have): with the
   cookie-catalog plugin; as the same pages pre-rendered into flat Markdown
   files (plain MkDocs + Material, no generator: the baseline); and with
   mkdocs-table-reader-plugin reading per-platform CSV (what a docs team
   would otherwise write); and MkDocs alone with one page of one line a
   platform, filed by initial as the plugin files them: what the theme and
   MkDocs cost for that many pages with nothing in them.
2. gen: validate + render alone (no MkDocs) of synthetic catalogs.
3. zensical: `cookie-catalog build --docs-dir` of the OCD, then a
   `zensical build` of the result (the path for Zensical, which runs no
   MkDocs plugin).
4. serve: a real `mkdocs serve` of the seed catalog and of the OCD; one
   cookie is edited and its page polled until it shows the edit. MkDocs
   alone serving as many pages of one line each, filed by initial as the
   plugin files the OCD's (no plugin, no tables), is served and edited too:
   the least any plugin's rebuild without `--dirty` can take in that theme.

The report ends with each target of issue 16 against its measure.

Only standard library here plus the project itself; the contenders need the
`bench` extra (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import site_parts  # noqa: E402  (beside this script)

from support.serving import fetch, free_port  # noqa: E402  (the tests' helpers for a served site)

OCD_CSV = REPO / "generator" / "cookie_catalog" / "interop" / "data" / "open-cookie-database.csv"
# Every build is measured cold: the cache of parsed catalog files (README, "Cache of parsed files") is off,
# but in the warm column of the generation benchmark.
ENV = {
    **{k: v for k, v in os.environ.items() if k != "COOKIE_CATALOG"},
    "NO_MKDOCS_2_WARNING": "1",
    "COOKIE_CATALOG_CACHE": "off",
}
MIB = 1024 * 1024


def project_settings() -> dict:
    """The theme and Markdown settings of the project's own mkdocs.yml, shared by every contender."""
    loader = type("EnvLoader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda _loader, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)
    return {key: config[key] for key in ("theme", "markdown_extensions", "extra_css") if key in config}


# The two configurations: ours (navigation.prune, sections, toc permalinks...) and a customer's bare one.
BARE = {"theme": {"name": "material"}, "markdown_extensions": ["admonition", "tables"]}
CONFIGURATIONS = {"project": project_settings, "bare": lambda: dict(BARE)}


# CPU seconds (user + system) of the last run_measured child and the children it waited for: steadier than
# wall time on a busy machine, though blind to work done in parallel.
LAST_CPU = [0.0]


def run_measured(argv: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a child to completion: its wall seconds, its own peak RSS in bytes, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        LAST_CPU[0] = usage.ru_utime + usage.ru_stime
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            err.seek(0)
            sys.exit(f"{' '.join(argv)} failed in {cwd}:\n{err.read().decode(errors='replace')[-3000:]}")
        out.seek(0)
        return elapsed, usage.ru_maxrss * 1024, out.read().decode()  # Linux reports KiB


def size_floor(site: Path) -> dict[str, float]:
    """Bytes of a site that no page's content decides: the theme's files, its frame of each plugin page, the downloads.

    The rest (each page's nav and article, the All cookies page, the search index) is what the catalog's pages hold.
    """
    measured = site_parts.parts(site)
    pages = measured["plugin page count"] or 1
    frame = measured["plugin pages"] - measured["  primary nav"] - measured["  article"]
    theme = measured["assets/javascripts"] + measured["assets/stylesheets"]
    return {"theme": theme, "frame": frame, "frame per page": frame / pages, "downloads": measured["downloads"]}


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# 1. The Open Cookie Database, four ways.


def write_config(project: Path, settings: dict, **config) -> None:
    document = {"site_name": "Open Cookie Database", "docs_dir": "docs", **settings, **config}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    (project / "docs").mkdir(exist_ok=True)
    (project / "docs" / "index.md").write_text(
        "# Open Cookie Database\n\nEvery cookie, by platform.\n", encoding="utf-8"
    )


def ocd_catalog(work: Path) -> Path:
    """The OCD imported once into a catalog directory."""
    from cookie_catalog.interop.importers.ocd import import_ocd
    from cookie_catalog.sinks.directory import write_tree

    catalog_dir = work / "catalog"
    if not catalog_dir.exists():
        write_tree(catalog_dir, import_ocd(OCD_CSV).files())
    return catalog_dir


def one_line_project(work: Path, settings: dict, catalog_dir: Path) -> Path:
    """Plain MkDocs, one page of one line a platform of the catalog, filed by initial as the plugin files them.

    What the theme and MkDocs cost for that many pages with nothing in them: a floor under any plugin's build.
    """
    from cookie_catalog.catalog.loader import load_catalog
    from cookie_catalog.sinks.letters import initial, initial_rank, title_key

    project = work / "one-line"
    (project / "docs" / "cookies").mkdir(parents=True)
    sections: dict[str, list[str]] = {}
    for p in sorted(load_catalog(catalog_dir).plugins, key=lambda p: title_key(p.title)):
        (project / "docs" / "cookies" / f"{p.slug}.md").write_text(
            f"# {p.title}\n\nThe cookies of {p.title}.\n", encoding="utf-8"
        )
        sections.setdefault(initial(p.title), []).append(f"cookies/{p.slug}.md")
    letters = [{letter: sections[letter]} for letter in sorted(sections, key=initial_rank)]
    write_config(project, settings, nav=[{"Home": "index.md"}, {"Cookies": letters}], plugins=["search"])
    return project


def ocd_projects(work: Path, settings: dict, catalog_dir: Path) -> dict[str, Path]:
    """The three contenders' projects over one import of the OCD."""
    import csv

    from cookie_catalog.catalog.loader import load_catalog
    from cookie_catalog.render.pages import Renderer
    from cookie_catalog.render.policy import DEFAULT_FORMATS

    work.mkdir(parents=True)
    catalog = load_catalog(catalog_dir)

    plugin = work / "plugin"
    plugin.mkdir()
    write_config(plugin, settings, plugins=["search", {"cookie-catalog": {"catalog": str(catalog_dir)}}])

    # The plugin's own pages, written out as files: same text, same links.
    flat = work / "flat"
    flat.mkdir()
    pages = Renderer(catalog, downloads_href="../downloads", download_formats=DEFAULT_FORMATS).pages()
    nav = [{"Home": "index.md"}, {"Cookies": [f"cookies/{name}" for name in pages]}]
    write_config(flat, settings, nav=nav, plugins=["search"])
    (flat / "docs" / "cookies").mkdir()
    for name, text in pages.items():
        (flat / "docs" / "cookies" / name).write_text(text, encoding="utf-8")

    # One CSV per platform and a page per platform that reads it.
    table = work / "table-reader"
    table.mkdir()
    write_config(table, settings, nav=nav, plugins=["search", {"table-reader": {"data_path": "data"}}])
    (table / "docs" / "cookies").mkdir()
    (table / "data").mkdir()
    (table / "docs" / "cookies" / "index.md").write_text(pages["index.md"], encoding="utf-8")
    for p in catalog.plugins:
        with open(table / "data" / f"{p.slug}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["Name", "Purpose", "Duration", "Provenance", "Category"])
            for c in p.cookies:
                writer.writerow([c.name, c.purpose, c.duration.text, c.provenance, c.category])
        page = f"# {p.title}\n\n{{{{ read_csv('{p.slug}.csv') }}}}\n"
        (table / "docs" / "cookies" / f"{p.slug}.md").write_text(page, encoding="utf-8")
    return {
        "plugin": plugin,
        "flat": flat,
        "table-reader": table,
        "one-line": one_line_project(work, settings, catalog_dir),
    }


def bench_ocd(work: Path, rounds: int) -> dict[str, dict[str, dict[str, float]]]:
    """Per configuration, per contender: median time and peak, site and search index size."""
    work.mkdir(parents=True)
    catalog_dir = ocd_catalog(work)
    projects = {
        f"{config}/{name}": path
        for config, settings in CONFIGURATIONS.items()
        for name, path in ocd_projects(work / config, settings(), catalog_dir).items()
    }
    names = list(projects)
    times: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    peaks: dict[str, list[int]] = {n: [] for n in names}
    sizes: dict[str, int] = {}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]  # each contender goes first once
        for name in order:
            project = projects[name]
            shutil.rmtree(project / "site", ignore_errors=True)
            elapsed, peak, _ = run_measured([sys.executable, "-m", "mkdocs", "build", "-q"], project)
            times[name].append(elapsed)
            cpus[name].append(LAST_CPU[0])
            peaks[name].append(peak)
            sizes[name] = tree_size(project / "site")
        print(f"  round {r + 1}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in names), file=sys.stderr)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for n in names:
        config, name = n.split("/")
        out.setdefault(config, {})[name] = {
            "time": statistics.median(times[n]),
            "cpu": statistics.median(cpus[n]),
            "peak": statistics.median(peaks[n]),
            "size": sizes[n],
            "search": (projects[n] / "site/search/search_index.json").stat().st_size,
            "floor": size_floor(projects[n] / "site"),
        }
    return out


# 2. Generation alone.

DURATIONS = ("session", "30 minutes", "1 day", "13 months", "2 years", "persistent", "unknown")
CATEGORIES = ("strictly-necessary", "functional", "analytics", "marketing")


def synthetic_catalog(root: Path, cookies: int, plugins: int = 100) -> None:
    """``cookies`` cookies over ``plugins`` plugin files, with text that needs escaping."""
    (root / "plugins").mkdir(parents=True)
    (root / "catalog.yml").write_text("product: Synthetic\nversion: '1'\n", encoding="utf-8")
    per = cookies // plugins
    for p in range(plugins):
        lines = [f"plugin: Vendor {p:03d}", "cookies:"]
        for i in range(per):
            n = p * per + i
            lines += [
                f"  - name: _v{p}_c{i}_*",
                f"    purpose: 'Cookie {n} keeps <state> & [choices] | for *vendor* {p}, see https://example.com/{n}.'",
                f"    duration: {DURATIONS[n % len(DURATIONS)]}",
                f"    provenance: {'first-party' if n % 3 else 'third-party'}",
                f"    category: {CATEGORIES[n % len(CATEGORIES)]}",
                f"    domain: v{p}.example.com",
                *(["    pattern: true"] if n % 5 == 0 else []),
            ]
        (root / "plugins" / f"vendor-{p:03d}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate_once(catalog: str) -> None:
    """The child of bench_generation: validate + render, printing the seconds it took."""
    from cookie_catalog.catalog.loader import load_catalog
    from cookie_catalog.render.pages import Renderer

    start, cpu = time.perf_counter(), os.times()
    Renderer(load_catalog(catalog)).pages()
    end = os.times()
    spent = sum(getattr(end, f) - getattr(cpu, f) for f in ("user", "system", "children_user", "children_system"))
    print(f"{time.perf_counter() - start:.4f} {spent:.4f}")


def bench_generation(work: Path, sizes: list[int], rounds: int) -> dict[int, dict[str, float]]:
    out = {}
    work.mkdir(parents=True)
    for size in sizes:
        root = work / f"synthetic-{size}"
        synthetic_catalog(root, size)
        times, cpus, peaks = [], [], []
        for _ in range(rounds):
            _, peak, output = run_measured([sys.executable, __file__, "--generate-once", str(root)], work)
            times.append(float(output.split()[0]))
            cpus.append(float(output.split()[1]))
            peaks.append(peak)
        out[size] = {"time": statistics.median(times), "cpu": statistics.median(cpus), "peak": statistics.median(peaks)}
        out[size]["warm"] = warm_generation(work / f"cache-{size}", root)
        print(f"  {size:,} cookies: {out[size]['time']:.2f} s", file=sys.stderr)
    return out


def warm_generation(cache: Path, root: Path) -> float:
    """Seconds of validate + render once the cache of parsed files holds the catalog (a repeated build)."""
    ENV["COOKIE_CATALOG_CACHE"] = str(cache)
    try:
        run_measured([sys.executable, __file__, "--generate-once", str(root)], cache.parent)  # fills it
        _, _, output = run_measured([sys.executable, __file__, "--generate-once", str(root)], cache.parent)
    finally:
        ENV["COOKIE_CATALOG_CACHE"] = "off"
    return float(output.split()[0])


# 3. The Zensical path: build --docs-dir, then zensical build.

ZENSICAL_CONFIG = REPO / "zensical.yml"


def zensical_project(work: Path) -> Path:
    """The project's zensical.yml with a nav of the home page and the cookie pages only."""
    project = work / "zensical"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Open Cookie Database\n", encoding="utf-8")
    text = ZENSICAL_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("\nnav:\n"), text.index("\nplugins:\n")
    nav = "\nnav:\n  - Home: index.md\n  - Cookies: cookies/\n"
    (project / "zensical.yml").write_text(text[:start] + nav + text[end:], encoding="utf-8")
    return project


def bench_zensical(work: Path, rounds: int) -> dict[str, dict[str, float]]:
    """``cookie-catalog build --docs-dir`` of the OCD and ``zensical build`` of the result, alternating."""
    work.mkdir(parents=True, exist_ok=True)
    catalog_dir = ocd_catalog(work)
    project = zensical_project(work)
    program, zensical = Path(sys.executable).parent / "cookie-catalog", Path(sys.executable).parent / "zensical"
    steps = {
        "docs-dir": [str(program), "build", str(catalog_dir), "--docs-dir", str(project / "docs")],
        "zensical": [str(zensical), "build", "-f", "zensical.yml"],
    }
    times: dict[str, list[float]] = {n: [] for n in steps}
    peaks: dict[str, list[int]] = {n: [] for n in steps}
    for r in range(rounds):
        shutil.rmtree(project / "docs" / "cookies", ignore_errors=True)  # every round writes every page
        shutil.rmtree(project / "site", ignore_errors=True)
        for name, argv in steps.items():
            elapsed, peak, _ = run_measured(argv, project)
            times[name].append(elapsed)
            peaks[name].append(peak)
        print(f"  round {r + 1}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in steps), file=sys.stderr)
    out = {n: {"time": statistics.median(times[n]), "peak": statistics.median(peaks[n])} for n in steps}
    out["zensical"]["size"] = tree_size(project / "site")
    return out


# 4. Edit to served page under `mkdocs serve`.


def poll(url: str, text: str, timeout: float = 60.0) -> float:
    """Seconds until the page at ``url`` contains ``text``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.01)
    sys.exit(f"{url} never showed {text!r}")


_PURPOSE = re.compile(r"^(\s*-?\s*purpose: )(['\"]?)(?![|>])", re.M)


def mark_first_purpose(path: Path, marker: str) -> None:
    """Put ``marker`` (replacing the previous one) at the start of the file's first cookie purpose."""
    text = re.sub(r"bench\d+ ", "", path.read_text(encoding="utf-8"))
    path.write_text(_PURPOSE.sub(lambda m: f"{m.group(1)}{m.group(2)}{marker} ", text, count=1), encoding="utf-8")


def mark_one_line(path: Path, marker: str) -> None:
    """Put ``marker`` (replacing the previous one) at the start of a one-line page's line."""
    text = re.sub(r"bench\d+ ", "", path.read_text(encoding="utf-8"))
    path.write_text(text.replace("The cookies of", f"{marker} The cookies of", 1), encoding="utf-8")


# Per run: the mkdocs.yml to serve, how to edit it (a marker in), the edited page's path, extra serve options.
ServeRun = tuple[Path, Callable[[str], None], str, list[str]]
ONE_LINE_RUN = "MkDocs alone, the OCD's pages one line each"


def serve_projects(work: Path) -> dict[str, ServeRun]:
    seed = work / "serve-seed"
    for name in ("docs", "catalog"):
        shutil.copytree(REPO / name, seed / name)
    shutil.copy(REPO / "mkdocs.yml", seed / "mkdocs.yml")
    ocd = work / "serve-ocd"
    catalog_dir = shutil.copytree(ocd_catalog(work), work / "serve-ocd-catalog")
    one_line = ocd_projects(ocd, project_settings(), catalog_dir)["one-line"]
    plugin_file = catalog_dir / "plugins" / "google-analytics.yml"
    ocd_run = (ocd / "plugin" / "mkdocs.yml", partial(mark_first_purpose, plugin_file), "cookies/google-analytics/")
    return {
        "seed": (
            seed / "mkdocs.yml",
            partial(mark_first_purpose, seed / "catalog/plugins/console.yml"),
            "cookies/console/",
            [],
        ),
        "ocd": (*ocd_run, []),
        "ocd, `--dirty`": (*ocd_run, ["--dirty"]),
        ONE_LINE_RUN: (
            one_line / "mkdocs.yml",
            partial(mark_one_line, one_line / "docs/cookies/google-analytics.md"),
            "cookies/google-analytics/",
            [],
        ),
    }


WATCHER_POLL = 0.5  # seconds between two looks of MkDocs' file watcher (mkdocs.livereload's polling_interval)


def bench_serve(work: Path, edits: int) -> dict[str, dict[str, Any]]:
    out = {}
    for i, (name, (config, edit, page, options)) in enumerate(serve_projects(work).items()):
        address = f"127.0.0.1:{free_port()}"
        with open(work / f"serve-{i}.log", "w+", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-v", "-f", str(config), "-a", address, *options],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=ENV,
            )
            url = f"http://{address}/{page}"
            latencies = []
            try:
                poll(url, "</html>", timeout=120)
                for i in range(edits):
                    # Each edit at another point of the watcher's polling cycle, evenly over it: a fixed pause ties
                    # every edit to the same point of the cycle (and so to one detection delay, 0 to 0.5 s).
                    time.sleep(1.5 + WATCHER_POLL * i / edits)  # the watcher and the last rebuild settle first
                    edit(f"bench{i}")
                    latencies.append(poll(url, f"bench{i} "))
            finally:
                process.terminate()
                process.wait(timeout=10)
            log.seek(0)
            rewritten = re.findall(r"rendered (\d+) of (\d+) pages", log.read())
        out[name] = {
            "latency": statistics.median(latencies),
            "max": max(latencies),
            "edits": len(latencies),
            "rendered": rewritten[-1] if rewritten else None,  # (of ours re-rendered, of ours)
        }
        print(f"  {name}: {', '.join(f'{t:.2f} s' for t in latencies)}", file=sys.stderr)
    return out


# The report.

# Issue 16's targets: (what, measure, limit); a measure is None when its benchmark did not run.
Target = tuple[str, float | None, float, str]


def targets(ocd: dict, gen: dict, zen: dict, serve: dict) -> list[Target]:
    out: list[Target] = []
    for config, limit in (("project", 0.6), ("bare", 0.8)):
        m = ocd.get(config)
        ratio = m["plugin"]["time"] / m["flat"]["time"] if m else None
        out.append((f"OCD build / flat build, {config} config", ratio, limit, "x"))
        out.append((f"OCD site, {config} config", m["plugin"]["size"] / 1e6 if m else None, 10.0, " MB"))
    top = gen.get(100_000)
    out.append(("100,000 cookies, validate + render", top["time"] if top else None, 3.0, " s"))
    out.append(("100,000 cookies, peak memory", top["peak"] / MIB if top else None, 500.0, " MiB"))
    out.append(("build --docs-dir of the OCD", zen["docs-dir"]["time"] if zen else None, 1.0, " s"))
    for run in ("ocd", "ocd, `--dirty`"):
        out.append((f"serve ({run}): edit to page, median", serve[run]["latency"] if serve else None, 1.0, " s"))
    return out


def report_floors(ocd: dict, serve: dict) -> list[str]:
    """What MkDocs and the theme cost alone for the OCD's number of pages, under the targets they bound."""
    lines = []
    for config, measured in ocd.items():
        f = measured["plugin"]["floor"]
        lines.append(
            f"Floor under the site's size ({config} config), what no page's content decides: Material's scripts "
            f"and stylesheets {f['theme'] / 1e6:.2f} MB, its frame (head, header, footer) around the plugin pages "
            f"{f['frame'] / 1e6:.2f} MB ({f['frame per page'] / 1e3:.1f} KB a page), the downloads "
            f"{f['downloads'] / 1e6:.2f} MB: {(f['theme'] + f['frame'] + f['downloads']) / 1e6:.2f} MB before any "
            "nav, table, All cookies page or search index."
        )
    if serve:
        lines.append(
            f"Floor under serve without `--dirty`: {ONE_LINE_RUN} (no plugin), edit to page median "
            f"{serve[ONE_LINE_RUN]['latency']:.2f} s."
        )
    return [line for found in lines for line in (found, "")]


def report_targets(rows: list[Target]) -> list[str]:
    lines = ["Targets (issue 16):", "", "| target | measured | limit | met |", "| --- | ---: | ---: | --- |"]
    for what, measured, limit, unit in rows:
        shown = "not run" if measured is None else f"{measured:.2f}{unit}"
        met = "" if measured is None else "yes" if measured <= limit else "**no**"
        lines.append(f"| {what} | {shown} | {limit:g}{unit} | {met} |")
    return [*lines, ""]


def report_ocd(config: str, ocd: dict) -> list[str]:
    p, f, t = ocd["plugin"], ocd["flat"], ocd["table-reader"]
    return [
        f"Open Cookie Database (2,264 cookies, 354 platforms), `mkdocs build`, {config} configuration, "
        "median of rounds:",
        "",
        "| contender | wall time | CPU time | peak memory | site size | search index |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {name} | {m['time']:.2f} s | {m['cpu']:.2f} s | {m['peak'] / MIB:.0f} MiB "
            f"| {m['size'] / 1e6:.1f} MB | {m['search'] / 1e6:.2f} MB |"
            for name, m in ocd.items()
        ),
        "",
        "| ratio | wall time | CPU time | peak memory | site size |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| plugin / {name} | {p['time'] / m['time']:.2f}x | {p['cpu'] / m['cpu']:.2f}x "
            f"| {p['peak'] / m['peak']:.2f}x | {p['size'] / m['size']:.2f}x |"
            for name, m in (("flat", f), ("table-reader", t))
        ),
        "",
    ]


def report_gen(gen: dict) -> list[str]:
    sizes = sorted(gen)
    lines = [
        "Generation alone (validate + render, no MkDocs), synthetic catalogs of 100 plugins:",
        "",
        "| cookies | time | CPU time (both processes) | peak memory | per 1,000 cookies | time, files parsed before |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {s:,} | {gen[s]['time']:.2f} s | {gen[s]['cpu']:.2f} s | {gen[s]['peak'] / MIB:.0f} MiB "
            f"| {gen[s]['time'] / s * 1000 * 1000:.1f} ms | {gen[s]['warm']:.2f} s |"
            for s in sizes
        ),
        "",
    ]
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        lines += [
            f"Growth {a:,} -> {b:,} cookies: time x{gen[b]['time'] / gen[a]['time']:.1f}, "
            f"memory x{gen[b]['peak'] / gen[a]['peak']:.1f} for x{b / a:.0f} the cookies.",
            "",
        ]
    return lines


def report(ocd: dict, gen: dict, zen: dict, serve: dict) -> str:
    lines = []
    for config, measured in ocd.items():
        lines += report_ocd(config, measured)
    if gen:
        lines += report_gen(gen)
    if zen:
        d, z = zen["docs-dir"], zen["zensical"]
        lines += [
            "The Zensical path, the OCD, median of rounds:",
            "",
            "| step | wall time | peak memory |",
            "| --- | ---: | ---: |",
            f"| `cookie-catalog build --docs-dir` | {d['time']:.2f} s | {d['peak'] / MIB:.0f} MiB |",
            f"| `zensical build` ({z['size'] / 1e6:.1f} MB site) | {z['time']:.2f} s | {z['peak'] / MIB:.0f} MiB |",
            "",
        ]
    for name, m in serve.items():
        edited = "one page's line" if name == ONE_LINE_RUN else "one cookie's purpose"
        rendered = f"; generated pages re-rendered: {m['rendered'][0]} of {m['rendered'][1]}" if m["rendered"] else ""
        lines += [
            f"`mkdocs serve` ({name}), {edited} edited {m['edits']} times: edit to served page "
            f"median {m['latency']:.2f} s, worst {m['max']:.2f} s{rendered}",
            "",
        ]
    lines += report_targets(targets(ocd, gen, zen, serve))
    lines += report_floors(ocd, serve)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic catalog sizes, comma-separated")
    parser.add_argument("--only", default="ocd,gen,zensical,serve", help="which benchmarks, comma-separated")
    parser.add_argument("--generate-once", metavar="CATALOG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_once:
        return generate_once(args.generate_once)
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="cookie-bench-") as tmp:
        work = Path(tmp)
        ocd: dict = {}
        gen: dict = {}
        zen: dict = {}
        serve: dict = {}
        if "ocd" in only:
            print("ocd: the Open Cookie Database four ways, in two configurations...", file=sys.stderr)
            ocd = bench_ocd(work / "ocd", args.rounds)
        if "gen" in only:
            print("gen: validate + render of synthetic catalogs...", file=sys.stderr)
            gen = bench_generation(work / "gen", [int(s) for s in args.sizes.split(",")], args.rounds)
        if "zensical" in only:
            print("zensical: build --docs-dir, then zensical build...", file=sys.stderr)
            zen = bench_zensical(work / "zensical", args.rounds)
        if "serve" in only:
            print("serve: editing a cookie under mkdocs serve...", file=sys.stderr)
            serve = bench_serve(work / "serve", edits=max(8, args.rounds))
    print(report(ocd, gen, zen, serve))


if __name__ == "__main__":
    main()
