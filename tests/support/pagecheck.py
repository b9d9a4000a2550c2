"""Whole built pages against an allowlist of what the theme and the templates put there.

A page is inert when every element and attribute in it is one that Material
or our templates write, no attribute is an event handler, no URL has a
scheme (the sites under test link only within themselves), and every
``<script>`` and ``<style>`` is one of the theme's own: loaded from its assets,
or inline and the same as on a page that holds no catalog text. The one link
with a scheme that catalog text may make is an http(s) URL shown as itself. Checking the
whole page matters: a ``</title>`` in a title ends the ``<title>`` element in
the ``<head>``, far from the ``<article>`` a narrower check looks at.

Pages are parsed into a small tree so tests can also read what the theme
shows outside the article (title, header, nav, breadcrumbs, footer, TOC).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from support.paths import CATALOG
from support.sitebuild import build

# What our Markdown becomes: allowed anywhere, and inside the article nothing else
# (but the divs of admonitions, headerlinks and the row anchors' spans).
MARKDOWN_ELEMENTS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "p",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "small",
        "br",
        "wbr",
        "hr",
        "strong",
        "em",
        "blockquote",
    }
)
ARTICLE_ELEMENTS = MARKDOWN_ELEMENTS | {"div", "span", "a"}
# The document and the theme's chrome around the article.
ELEMENTS = MARKDOWN_ELEMENTS | {
    "html",
    "head",
    "title",
    "meta",
    "link",
    "script",
    "style",
    "body",
    "header",
    "nav",
    "main",
    "footer",
    "div",
    "span",
    "a",
    "label",
    "input",
    "form",
    "button",
    "ol",
    "ul",
    "li",
    "svg",
    "path",
    "article",
    "pre",
}
ATTRIBUTES = {
    "class",
    "id",
    "href",
    "src",
    "rel",
    "title",
    "type",
    "name",
    "content",
    "charset",
    "lang",
    "dir",
    "role",
    "tabindex",
    "for",
    "hidden",
    "checked",
    "placeholder",
    "autocomplete",
    "autocapitalize",
    "autocorrect",
    "spellcheck",
    "required",
    "viewbox",
    "xmlns",
    "d",
    "target",
}
ATTRIBUTE_PREFIXES = ("aria-", "data-md-")
# Attributes allowed with one value only: the policy HTML's own CSP, never a refresh.
ALLOWED_VALUES = {("http-equiv", "content-security-policy")}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "background"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SPACE_AND_CONTROL = re.compile(r"[\x00-\x20]+")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list = field(default_factory=list)  # Node or str
    raw: list[tuple[str, str]] = field(default_factory=list)  # attributes as written, repeats included

    def text(self) -> str:
        """The text inside, character references decoded, ``<br>`` as a line break."""
        inside = "".join(c.text() if isinstance(c, Node) else c for c in self.children)
        return inside + ("\n" if self.tag == "br" else "")

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, cls: str = "") -> list[Node]:
        return [n for n in self.walk() if n.tag == tag and (not cls or cls in n.classes())]

    def find(self, tag: str, cls: str = "") -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls!r}>"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), raw=list(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs), raw=list(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_page(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page_base(site: Path, page: Path) -> str:
    """The path from ``page`` to the site root, as Material writes it (``.``, ``..``, ``../..``; ``/`` in 404.html)."""
    if page == site / "404.html":
        return "/"
    depth = len(page.relative_to(site).parts) - 1
    return "/".join([".."] * depth) or "."


def theme_code(node: Node, base: str) -> str:
    """A ``<script>``/``<style>`` element as comparable text: attributes and content, the site root made ``BASE``."""
    prefix = {".": "", "/": "/"}.get(base, base + "/")
    text = (
        node.text()
        .replace(f'new URL("{base}",location)', 'new URL("BASE",location)')
        .replace(f'"base": "{base}"', '"base": "BASE"')
        .replace(f'"{prefix}assets/', '"BASE/assets/')
    )
    if node.tag == "style":  # the policy HTML's running header names its catalog: any text, as css_string writes it
        text = _CSS_STRING_CONTENT.sub('content: "TEXT";', text)
    return f"{node.tag} {sorted(node.attrs.items())} {text}"


# A `content:` string of letters, digits and 6-digit escapes only (render.policy.css_string): text that
# cannot end the string or the element; anything else is compared as written.
_CSS_STRING_CONTENT = re.compile(r'content: "(?:[A-Za-z0-9]|\\[0-9a-f]{6})*";')


def _has_scheme(url: str | None) -> bool:
    """A URL that leaves the site or is code (``javascript:``, ``data:``), however it is spaced or cased."""
    return bool(re.match(r"[a-z][a-z0-9+.-]*:|//", _SPACE_AND_CONTROL.sub("", url or "").lower()))


def _text_url(node: Node) -> bool:
    """A link the escapes made of an http(s) URL in catalog text: its target is exactly the text it shows."""
    href = node.attrs.get("href") or ""
    return (
        node.tag == "a"
        and set(node.attrs) == {"href"}
        and re.fullmatch(r"https?://\S+", href, re.I) is not None
        and node.text() == href
    )


def problems(root: Node, base: str, theme: set[str]) -> list[str]:
    """Everything in the page not on the allowlist; ``theme``: what the theme itself writes (:func:`theme_own`)."""
    found = [
        f"element <{n.tag} {n.attrs}> in the article"
        for article in root.find_all("article")
        for n in list(article.walk())[1:]
        if n.tag not in ARTICLE_ELEMENTS
    ]
    found += [f"id {i!r} given to more than one element" for i in repeated_ids(root)]
    for node in root.walk():
        if node.tag == "#document":
            continue
        if node.tag not in ELEMENTS:
            found.append(f"element <{node.tag} {node.attrs}>")
        names = [name for name, _ in node.raw]
        if len(names) != len(set(names)):
            found.append(f"repeated attribute on <{node.tag} {node.raw}>")
        for name, value in node.raw:
            if (name, (value or "").lower()) in ALLOWED_VALUES:
                continue
            if name not in ATTRIBUTES and not name.startswith(ATTRIBUTE_PREFIXES):
                found.append(f"attribute {name}={value!r} on <{node.tag}>")
            if name in URL_ATTRIBUTES and _has_scheme(value) and f"url {value}" not in theme and not _text_url(node):
                found.append(f"URL with a scheme: {name}={value!r} on <{node.tag}>")
        if node.tag in ("script", "style"):
            src = node.attrs.get("src")
            if src is not None:
                if node.text().strip() or not re.fullmatch(r"(/|(\.\./)*)assets/[\w./-]+\.js", src):
                    found.append(f"script not from the theme's assets: {node.attrs}")
            elif theme_code(node, base) not in theme:
                found.append(f"<{node.tag}> not the theme's own: {node.attrs} {node.text()[:200]!r}")
    return found


def repeated_ids(root: Node) -> list[str]:
    """Ids that more than one element of the page holds: a link to one of them may open the wrong element."""
    counts = Counter(n.attrs.get("id") for n in root.walk() if n.attrs.get("id") is not None)
    return sorted(str(i) for i, n in counts.items() if n > 1)


def theme_own(site: Path, pages: list[Path]) -> set[str]:
    """What the theme writes on pages that hold no catalog text: inline scripts and styles, absolute URLs."""
    out = set()
    for page in pages:
        root = parse_page(page.read_text(encoding="utf-8"))
        for node in root.walk():
            if node.tag in ("script", "style") and "src" not in node.attrs:
                out.add(theme_code(node, page_base(site, page)))
            out |= {f"url {value}" for name, value in node.raw if name in URL_ATTRIBUTES and _has_scheme(value)}
    return out


_baselines: dict[str, set[str]] = {}


def theme_baseline(config: str, workdir: Path) -> set[str]:
    """What the theme writes under ``config`` (see :func:`theme_own`), from a site without catalog pages.

    ``config`` is a mkdocs.yml whose cookie-catalog plugin is set to
    ``pages: false`` and ``downloads: true``; it is built in ``workdir`` with
    the bundled catalog and one hand-written page. Kept per config, so a
    property test builds it once.
    """
    if config not in _baselines:
        shutil.copytree(CATALOG, workdir / "catalog")
        (workdir / "docs").mkdir()
        (workdir / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
        (workdir / "mkdocs.yml").write_text(config, encoding="utf-8")
        result = build(workdir, workdir / "site")
        assert result.returncode == 0, result.stderr
        site = workdir / "site"
        _baselines[config] = theme_own(site, [site / "index.html", site / "downloads" / "cookie-policy.html"])
    return _baselines[config]


def site_problems(site: Path, baseline: set[str]) -> list[str]:
    """Every page of a built site checked whole: its path and what is not on the allowlist."""
    return [
        f"{page.relative_to(site)}: {problem}"
        for page in sorted(site.rglob("*.html"))
        for problem in problems(parse_page(page.read_text(encoding="utf-8")), page_base(site, page), baseline)
    ]
