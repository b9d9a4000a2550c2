"""The MkDocs plugin built in-process: the nav it makes and the files it adds, for small projects.

Each test writes a project (mkdocs.yml, docs/, a catalog) and builds it with
MkDocs' own ``load_config`` and ``build``, in the manner of mkdocs-awesome-nav's
tests; the nav is the one the plugin hands back to MkDocs. The end-to-end
subprocess builds (test_site, test_plugin_options, test_embed) stay as they are.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from cookie_catalog.sinks.mkdocs.plugin import CookieCatalogPlugin

from support.catalogs import COOKIE, write_catalog

Outline = list[object]


def plugin_file(title: str, order: int, cookie: str = "c") -> str:
    return f"plugin: {title}\norder: {order}\ncookies:\n" + COOKIE.format(name=cookie, purpose="Keeps state.")


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """Three plugins whose catalog order (by ``order:``) is not their file names' order."""
    return write_catalog(
        tmp_path / "cat",
        plugins={
            "alpha.yml": plugin_file("Alpha", 3, "a"),
            "bravo.yml": plugin_file("Bravo", 1, "b"),
            "nine.yml": plugin_file("9 Lives", 2, "n"),
        },
    )


@pytest.fixture
def site(tmp_path: Path, catalog: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Navigation]]:
    """``site(options, nav=..., pages={path: text})`` writes the project, builds it, returns the final nav."""
    navs: list[Navigation] = []
    on_nav = CookieCatalogPlugin.on_nav

    def recording(self, nav, /, *, config, files):
        navs.append(on_nav(self, nav, config=config, files=files))
        return navs[-1]

    monkeypatch.setattr(CookieCatalogPlugin, "on_nav", recording)

    def make(options: str = "", nav: str = "", pages: dict[str, str] | None = None, home: bool = True) -> Navigation:
        project = tmp_path / "project"
        for path, text in (({"index.md": "# Home\n"} if home else {}) | (pages or {})).items():
            (project / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
            (project / "docs" / path).write_text(text, encoding="utf-8")
        (project / "mkdocs.yml").write_text(
            "site_name: In-process\n"
            "plugins:\n  - cookie-catalog:\n      catalog: ../cat\n      history: false\n"
            + "".join(f"      {line}\n" for line in options.splitlines())
            + "markdown_extensions:\n  - admonition\n  - tables\n"
            + nav,
            encoding="utf-8",
        )
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
        return navs[-1]

    yield make


def outline(items: list) -> Outline:
    """Sections as ``(title, [...])``, pages as their source path."""
    return [(str(i.title), outline(i.children)) if isinstance(i, Section) else i.file.src_uri for i in items]


def test_pages_in_catalog_order_in_a_section_named_nav_title(site):
    nav = site("nav_title: Our <cookies>")
    assert outline(nav.items) == [
        "index.md",
        (
            "Our &lt;cookies&gt;",
            ["cookies/index.md", "cookies/all-cookies.md", "cookies/bravo.md", "cookies/nine.md", "cookies/alpha.md"],
        ),
    ]
    # previous/next and parents are those of the rebuilt tree
    assert [p.file.src_uri for p in nav.pages][1:3] == ["cookies/index.md", "cookies/all-cookies.md"]
    assert nav.pages[2].previous_page is nav.pages[1] and nav.pages[1].next_page is nav.pages[2]
    assert nav.pages[2].parent is nav.items[1] and nav.items[1].parent is None


def test_plugin_pages_grouped_by_initial_over_nav_group_over(site):
    """Sections in index order (letters, digits, the rest), whatever the catalog's order."""
    nav = site("nav_group_over: 2")
    assert outline(nav.items[1].children) == [
        "cookies/index.md",
        "cookies/all-cookies.md",
        ("A", ["cookies/alpha.md"]),
        ("B", ["cookies/bravo.md"]),
        ("0–9", ["cookies/nine.md"]),
    ]
    assert nav.items[1].children[2].parent is nav.items[1]


def test_grouped_titles_sort_as_people_expect(tmp_path, site):
    """``Google`` before ``Google Ads`` (file names sort the other way), accents and case aside, numbers by value;
    "#" (a title not starting with a letter or digit) last, even where the catalog lists it first."""
    shutil.rmtree(tmp_path / "cat" / "plugins")
    files = {
        "none": "(no platform)",
        "google-ads": "Google Ads",
        "google": "google",
        "elan": "Élan",
        "ezoic": "Ezoic",
        "plugin-10": "Plugin 10",
        "plugin-9": "Plugin 9",
        "zeta": "Zeta",
        "1rx": "1rx.io",
    }
    plugins = {f"{slug}.yml": plugin_file(title, i, f"c{i}") for i, (slug, title) in enumerate(files.items())}
    write_catalog(tmp_path / "cat", plugins=plugins)
    nav = site("nav_group_over: 2")
    assert outline(nav.items[1].children) == [
        "cookies/index.md",
        "cookies/all-cookies.md",
        ("E", ["cookies/elan.md", "cookies/ezoic.md"]),
        ("G", ["cookies/google.md", "cookies/google-ads.md"]),
        ("P", ["cookies/plugin-9.md", "cookies/plugin-10.md"]),
        ("Z", ["cookies/zeta.md"]),
        ("0–9", ["cookies/1rx.md"]),
        ("#", ["cookies/none.md"]),
    ]
    # previous/next follow the nav
    assert [p.file.src_uri for p in nav.pages][3:5] == ["cookies/elan.md", "cookies/ezoic.md"]


def test_each_page_renders_only_its_own_letter_without_navigation_prune(site, tmp_path):
    """The theme gets a nav with the other letters as links to their first page, whatever its features.

    A bare ``theme: material`` (no ``navigation.prune``) would otherwise write every plugin's link into
    every page: n² in build time and size.
    """
    nav = site("nav_group_over: 2", nav="theme:\n  name: material\n")
    page = (tmp_path / "project" / "site" / "cookies" / "bravo" / "index.html").read_text(encoding="utf-8")
    primary = page[page.index("md-nav--primary") :]
    links = re.findall(
        r'<a href="\.\./(alpha|nine)/" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]+?)\s*<', primary
    )
    assert sorted(links) == [("alpha", "A"), ("nine", "0–9")]  # the other letters: links titled by their letter
    assert 'id="__nav_2_4_label"' in primary  # its own letter, a section with a toggle
    # the nav handed back to MkDocs (sitemap, other plugins) is whole again after the page
    assert outline(nav.items[1].children)[2:] == [
        ("A", ["cookies/alpha.md"]),
        ("B", ["cookies/bravo.md"]),
        ("0–9", ["cookies/nine.md"]),
    ]


def test_no_grouping_at_nav_group_over(site):
    nav = site("nav_group_over: 3")
    assert all(isinstance(item, Page) for item in nav.items[1].children)


def test_section_stands_where_the_sites_nav_names_the_overview(site):
    nav = site(
        nav="nav:\n  - Home: index.md\n  - Legal:\n      - About: about.md\n      - cookies/index.md\n"
        "  - End: end.md\n",
        pages={"about.md": "# About\n", "end.md": "# End\n"},
    )
    assert outline(nav.items) == [
        "index.md",
        (
            "Legal",
            [
                "about.md",
                (
                    "Cookies",
                    [
                        "cookies/index.md",
                        "cookies/all-cookies.md",
                        "cookies/bravo.md",
                        "cookies/nine.md",
                        "cookies/alpha.md",
                    ],
                ),
            ],
        ),
        "end.md",
    ]
    assert nav.items[1].children[1].parent is nav.items[1]


def test_section_appended_when_the_nav_does_not_name_it(site):
    nav = site(nav="nav:\n  - Home: index.md\n  - End: end.md\n", pages={"end.md": "# End\n"})
    assert outline(nav.items)[:2] == ["index.md", "end.md"] and outline(nav.items)[2][0] == "Cookies"


def test_files_added_under_dir_with_downloads(site, tmp_path):
    site("dir: policy/cookies/")
    built = tmp_path / "project" / "site"
    assert (built / "policy/cookies/bravo/index.html").is_file()
    assert sorted(p.name for p in (built / "downloads").iterdir()) == [
        "cookie-policy.csv",
        "cookie-policy.html",
        "cookie-policy.json",
        "cookie-policy.md",
        "tcf-disclosure.json",
    ]
    assert 'href="../../../downloads/cookie-policy.csv"' in (built / "policy/cookies/bravo/index.html").read_text()


@pytest.mark.parametrize(
    ("option", "overview_url"),
    [("dir: ''", "/"), ("dir: /", "/"), ("dir: a/b/", "/a/b/"), ("", "/cookies/")],
)
def test_directive_links_categories_to_the_overview_wherever_dir_puts_it(site, tmp_path, option, overview_url):
    """Regression: with ``dir: ""`` the link was ``../../../index.md``, its depth that of the working directory."""
    page = '# Privacy\n\n<!-- cookie-catalog:table category="functional" -->\n'
    site(option, pages={"legal/privacy.md": page}, home=overview_url != "/")
    html = (tmp_path / "project/site/legal/privacy/index.html").read_text()
    hrefs = re.findall(r'href="([^"]*)#category-functional"', html)
    assert len(hrefs) == 3 and {urljoin("/legal/privacy/", h) for h in hrefs} == {overview_url}


def test_directive_tables_on_a_hand_written_page(site, tmp_path):
    site("pages: false", pages={"privacy.md": '# P\n\n<!-- cookie-catalog:table plugin="Bravo" -->\n'})
    built = tmp_path / "project" / "site"
    html = (built / "privacy/index.html").read_text()
    assert 'id="bravo--b"' in html and 'id="alpha--a"' not in html
    assert not (built / "cookies").exists() and not (built / "downloads").exists()


def test_dir_leading_out_of_the_docs_is_refused(site, caplog):
    with pytest.raises(Abort):
        site("dir: ../x")
    assert "cookie-catalog: dir: '../x' leads out of the docs folder; expected a folder inside it" in caplog.text


def test_paths_resolve_against_mkdocs_yml_and_a_missing_templates_folder_is_a_config_error(site, tmp_path, caplog):
    """``catalog: ../cat`` exists only next to mkdocs.yml's folder; ``templates`` must exist where it is said to."""
    with pytest.raises(Abort):
        site("templates: overrides")
    missing = tmp_path / "project" / "overrides"
    assert f"The path '{missing}' isn't an existing directory." in caplog.text


def test_a_bad_directive_names_the_files_line_past_the_front_matter(site, caplog):
    page = (
        '---\ntitle: Privacy\nsearch:\n  exclude: true\n...\n\n\n# P\n\n<!-- cookie-catalog:table plugin="Nope" -->\n'
    )
    with pytest.raises(Abort):
        site("pages: false", pages={"privacy.md": page})
    assert re.search(r'docs/privacy\.md:10: no plugin "Nope" in the catalog', caplog.text), caplog.text


def test_downloads_are_made_in_a_child_while_pages_build_same_bytes(site, tmp_path, monkeypatch):
    """``mkdocs build`` (one thread) makes the downloads on the second core; the files are those made here."""
    from cookie_catalog.catalog import parallel
    from cookie_catalog.sinks.mkdocs import files

    makers = tmp_path / "makers"
    made = files.site_downloads

    def recording(*args, **kwargs):
        with open(makers, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return made(*args, **kwargs)

    monkeypatch.setattr(files, "site_downloads", recording)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # pytest-xdist's worker has threads of its own
    site()
    forked = {p.name: p.read_bytes() for p in (tmp_path / "project" / "site" / "downloads").iterdir()}
    assert makers.read_text().split() != [str(os.getpid())]  # made by a child
    monkeypatch.setattr(parallel, "may_fork", lambda: False)
    monkeypatch.setattr(files, "may_fork", lambda: False)
    makers.unlink()
    site()
    assert makers.read_text().split() == [str(os.getpid())]
    here = {p.name: p.read_bytes() for p in (tmp_path / "project" / "site" / "downloads").iterdir()}
    assert forked == here and len(here) == 5 and all(here.values())


def test_downloads_failing_in_the_child_fail_the_build_with_the_problem(site, tmp_path, monkeypatch, caplog):
    from cookie_catalog.render.policy import PolicyError
    from cookie_catalog.sinks.mkdocs import files

    def failing(*args, **kwargs):
        raise PolicyError("the policy cannot be made (test)")

    monkeypatch.setattr(files, "site_downloads", failing)
    with pytest.raises(Abort):
        site()
    assert "cookie-catalog: the policy downloads: the policy cannot be made (test)" in caplog.text


def test_a_rebuild_marks_only_the_pages_it_changed_as_modified(site, catalog):
    """``mkdocs serve --dirty`` converts only modified pages: after an edit of one plugin, its page and the overview."""
    site()
    plugin = catalog / "plugins" / "alpha.yml"
    plugin.write_text(plugin.read_text(encoding="utf-8").replace("Keeps state.", "Keeps more state."), encoding="utf-8")
    nav = site()
    modified = sorted(p.file.src_uri for p in nav.pages if p.file.is_modified())
    assert modified == ["cookies/all-cookies.md", "cookies/alpha.md", "cookies/index.md"]
