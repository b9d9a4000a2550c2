"""Cookie Catalog benchmarks: `make bench`, or `.venv/bin/python benchmarks/run.py`.

Three measurements in one run, each contender in a fresh subprocess so that
its wall time and peak memory (the child's own ru_maxrss, from wait4) are its
alone:

1. ocd: the Open Cookie Database built three ways, alternating over --rounds
   rounds (medians reported): with the cookie-catalog plugin; as the same pages
   pre-rendered into flat Markdown files (plain MkDocs + Material, no generator:
   the baseline); and with mkdocs-table-reader-plugin reading per-platform CSV
   (what a docs team would otherwise write). All three share the project's
   theme and Markdown settings.
2. gen: validate + render alone (no MkDocs) of synthetic catalogs.
3. serve: a real `mkdocs serve` of the seed catalog; one cookie is edited and
   the page polled until it shows the edit.

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
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from support.serving import fetch, free_port  # noqa: E402  (the tests' helpers for a served site)

OCD_CSV = REPO / "tests" / "data" / "open-cookie-database.csv"
ENV = {**{k: v for k, v in os.environ.items() if k != "COOKIE_CATALOG"}, "NO_MKDOCS_2_WARNING": "1"}
MIB = 1024 * 1024


def project_settings() -> dict:
    """The theme and Markdown settings of the project's own mkdocs.yml, shared by every contender."""
    loader = type("EnvLoader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda _loader, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)
    return {key: config[key] for key in ("theme", "markdown_extensions", "extra_css") if key in config}


def run_measured(argv: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a child to completion: its wall seconds, its own peak RSS in bytes, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            err.seek(0)
            sys.exit(f"{' '.join(argv)} failed in {cwd}:\n{err.read().decode(errors='replace')[-3000:]}")
        out.seek(0)
        return elapsed, usage.ru_maxrss * 1024, out.read().decode()  # Linux reports KiB


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# 1. The Open Cookie Database, three ways.


def write_config(project: Path, settings: dict, **config) -> None:
    document = {"site_name": "Open Cookie Database", "docs_dir": "docs", **settings, **config}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    (project / "docs").mkdir(exist_ok=True)
    (project / "docs" / "index.md").write_text(
        "# Open Cookie Database\n\nEvery cookie, by platform.\n", encoding="utf-8"
    )


def ocd_projects(work: Path, settings: dict) -> dict[str, Path]:
    """The three contenders' projects, built from one import of the OCD."""
    import csv

    from cookie_catalog.catalog.loader import load_catalog
    from cookie_catalog.interop.importers.ocd import import_ocd
    from cookie_catalog.render.pages import Renderer
    from cookie_catalog.render.policy import DEFAULT_FORMATS
    from cookie_catalog.sinks.directory import write_tree

    catalog_dir = work / "catalog"
    write_tree(catalog_dir, import_ocd(OCD_CSV).files())
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
    return {"plugin": plugin, "flat": flat, "table-reader": table}


def bench_ocd(work: Path, rounds: int) -> dict[str, dict[str, float]]:
    work.mkdir(parents=True)
    projects = ocd_projects(work, project_settings())
    names = list(projects)
    times: dict[str, list[float]] = {n: [] for n in names}
    peaks: dict[str, list[int]] = {n: [] for n in names}
    sizes: dict[str, int] = {}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]  # each contender goes first once
        for name in order:
            project = projects[name]
            shutil.rmtree(project / "site", ignore_errors=True)
            elapsed, peak, _ = run_measured([sys.executable, "-m", "mkdocs", "build", "-q"], project)
            times[name].append(elapsed)
            peaks[name].append(peak)
            sizes[name] = tree_size(project / "site")
        print(f"  round {r + 1}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in names), file=sys.stderr)
    return {
        n: {
            "time": statistics.median(times[n]),
            "peak": statistics.median(peaks[n]),
            "size": sizes[n],
            "search": (projects[n] / "site/search/search_index.json").stat().st_size,
        }
        for n in names
    }


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

    start = time.perf_counter()
    Renderer(load_catalog(catalog)).pages()
    print(f"{time.perf_counter() - start:.4f}")


def bench_generation(work: Path, sizes: list[int], rounds: int) -> dict[int, dict[str, float]]:
    out = {}
    work.mkdir(parents=True)
    for size in sizes:
        root = work / f"synthetic-{size}"
        synthetic_catalog(root, size)
        times, peaks = [], []
        for _ in range(rounds):
            _, peak, output = run_measured([sys.executable, __file__, "--generate-once", str(root)], work)
            times.append(float(output.split()[0]))
            peaks.append(peak)
        out[size] = {"time": statistics.median(times), "peak": statistics.median(peaks)}
        print(f"  {size:,} cookies: {out[size]['time']:.2f} s", file=sys.stderr)
    return out


# 3. Edit to served page under `mkdocs serve`.


def poll(url: str, text: str, timeout: float = 60.0) -> float:
    """Seconds until the page at ``url`` contains ``text``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.01)
    sys.exit(f"{url} never showed {text!r}")


def bench_serve(work: Path, edits: int) -> dict[str, float]:
    project = work / "serve"
    for name in ("docs", "catalog"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    address = f"127.0.0.1:{free_port()}"
    with open(work / "serve.log", "w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-v", "-f", str(project / "mkdocs.yml"), "-a", address],
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=ENV,
        )
        url = f"http://{address}/cookies/console/"
        console = project / "catalog/plugins/console.yml"
        latencies = []
        try:
            poll(url, "windowPosition")
            for i in range(edits):
                text = console.read_text(encoding="utf-8")
                marker = f"place{i} of the Console plugin"
                console.write_text(
                    re.sub(r"(position|place\d+) of the Console plugin", marker, text, count=1), encoding="utf-8"
                )
                latencies.append(poll(url, marker))
                time.sleep(1.0)  # let the watcher settle before the next edit
        finally:
            process.terminate()
            process.wait(timeout=10)
        log.seek(0)
        rewritten = re.findall(r"cookie-catalog: rendered (\d+) of (\d+) pages", log.read())
        last = rewritten[-1] if rewritten else ("?", "?")
    return {"latency": statistics.median(latencies), "max": max(latencies), "rendered": last[0], "pages": last[1]}


# The report.


def report(ocd: dict, gen: dict, serve: dict) -> str:
    lines = []
    if ocd:
        p, f, t = ocd["plugin"], ocd["flat"], ocd["table-reader"]
        lines += [
            "Open Cookie Database (2,264 cookies, 354 platforms), `mkdocs build`, median of rounds:",
            "",
            "| contender | wall time | peak memory | site size | search index |",
            "| --- | ---: | ---: | ---: | ---: |",
            *(
                f"| {name} | {m['time']:.2f} s | {m['peak'] / MIB:.0f} MiB "
                f"| {m['size'] / MIB:.1f} MB | {m['search'] / MIB:.2f} MB |"
                for name, m in ocd.items()
            ),
            "",
            "| ratio | wall time | peak memory | site size |",
            "| --- | ---: | ---: | ---: |",
            *(
                f"| plugin / {name} | {p['time'] / m['time']:.2f}x "
                f"| {p['peak'] / m['peak']:.2f}x | {p['size'] / m['size']:.2f}x |"
                for name, m in (("flat", f), ("table-reader", t))
            ),
            "",
        ]
    if gen:
        sizes = sorted(gen)
        lines += [
            "Generation alone (validate + render, no MkDocs), synthetic catalogs of 100 plugins:",
            "",
            "| cookies | time | peak memory | time per 1,000 cookies |",
            "| ---: | ---: | ---: | ---: |",
            *(
                f"| {s:,} | {gen[s]['time']:.2f} s | {gen[s]['peak'] / MIB:.0f} MiB "
                f"| {gen[s]['time'] / s * 1000 * 1000:.1f} ms |"
                for s in sizes
            ),
            "",
        ]
        if len(sizes) >= 2:
            a, b = sizes[-2], sizes[-1]
            lines += [
                f"Growth {a:,} -> {b:,} cookies: "
                f"time x{gen[b]['time'] / gen[a]['time']:.1f} for x{b / a:.0f} the cookies.",
                "",
            ]
    if serve:
        lines += [
            "`mkdocs serve` of the seed catalog, one cookie's purpose edited:",
            "",
            f"edit to served page: median {serve['latency']:.2f} s, worst {serve['max']:.2f} s; "
            f"generated pages re-rendered: {serve['rendered']} of {serve['pages']}",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic catalog sizes, comma-separated")
    parser.add_argument("--only", default="ocd,gen,serve", help="which benchmarks, comma-separated")
    parser.add_argument("--generate-once", metavar="CATALOG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_once:
        return generate_once(args.generate_once)
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="cookie-bench-") as tmp:
        work = Path(tmp)
        ocd = gen = serve = {}
        if "ocd" in only:
            print("ocd: building the Open Cookie Database three ways...", file=sys.stderr)
            ocd = bench_ocd(work / "ocd", args.rounds)
        if "gen" in only:
            print("gen: validate + render of synthetic catalogs...", file=sys.stderr)
            gen = bench_generation(work / "gen", [int(s) for s in args.sizes.split(",")], args.rounds)
        if "serve" in only:
            print("serve: editing a cookie under mkdocs serve...", file=sys.stderr)
            serve = bench_serve(work, edits=max(3, args.rounds))
    print(report(ocd, gen, serve))


if __name__ == "__main__":
    main()
