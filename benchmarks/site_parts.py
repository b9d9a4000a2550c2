"""A built site's size by part: `.venv/bin/python benchmarks/site_parts.py SITE [SITE...]`, one column a site.

Where the bytes of a catalog's site go (issue 16's 10 MB): the plugin pages
and, inside them, the theme's primary nav and the article; the downloads one
by one; the search index; the All cookies page; Material's scripts and
stylesheets; the rest. Sizes in MB (10^6 bytes); the nav and the article are
measured in the pages, which count them already.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

PAGES_DIR = "cookies"  # the plugin's `dir`
ALL_COOKIES = f"{PAGES_DIR}/all-cookies/"
# Material's primary sidebar, up to the secondary one (the table of contents); the article as Material writes it.
_NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?(?=<div class="md-sidebar md-sidebar--secondary")', re.S)
_ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def parts(site: Path) -> Counter[str]:
    """Bytes by part of the site in ``site``."""
    out: Counter[str] = Counter()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel, size = path.relative_to(site).as_posix(), path.stat().st_size
        out["total"] += size
        out[_part(rel)] += size
        if rel.startswith("downloads/"):
            out[f"  {rel}"] += size
        if _part(rel) == "plugin pages":
            html = path.read_text(encoding="utf-8")
            out["plugin page count"] += 1
            for name, pattern in (("  primary nav", _NAV), ("  article", _ARTICLE)):
                found = pattern.search(html)
                out[name] += len(found.group().encode("utf-8")) if found else 0
    return out


def _part(rel: str) -> str:
    if rel.startswith("downloads/"):
        return "downloads"
    if rel == "search/search_index.json":
        return "search index"
    if rel.startswith(ALL_COOKIES):
        return "All cookies page"
    if rel.startswith(f"{PAGES_DIR}/") and rel.endswith("/index.html") and rel.count("/") == 2:
        return "plugin pages"
    for folder in ("assets/javascripts", "assets/stylesheets"):
        if rel.startswith(folder + "/"):
            return folder
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path)
    sites = parser.parse_args().sites
    measured = [parts(site) for site in sites]
    order = [
        "total",
        "plugin pages",
        "  primary nav",
        "  article",
        "plugin page count",
        "downloads",
        *sorted({k for m in measured for k in m if k.startswith("  downloads/")}),
        "search index",
        "All cookies page",
        "assets/javascripts",
        "assets/stylesheets",
        "other",
    ]
    print(f"{'part (MB)':34}" + "".join(f"{str(site)[-24:]:>26}" for site in sites))
    for key in order:
        cells = (str(m[key]) if key.endswith("count") else f"{m[key] / 1e6:.3f}" for m in measured)
        print(f"{key:34}" + "".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main()
