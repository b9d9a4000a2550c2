"""Hypothesis strategies: catalogs whose text is anything a catalog may legally hold."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from cookie_catalog.catalog.model import BUILTIN_CATEGORIES

METACHARACTERS = [
    "*",
    "_",
    "|",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "#",
    "\\",
    "`",
    "{{",
    "}}",
    "{%",
    "%}",
    "---",
    "<script>",
    "</td>",
    "javascript:",
    "[x](y)",
    "![i](j)",
    "&amp;",
    "&#42;",
    ":smile:",
    "==",
    "~~",
    "^^",
    "++",
    "...",
    "--",
    "www.example.com",
    "@",
    "$x$",
    "'",
    '"',
    "!!!",
    "1. ",
    "- ",
    "> ",
    "*[HTML]: ",
    "{: .x}",
    "--8<--",
    # pymdownx.smartsymbols, critic, details, tabbed, tasklist
    "(c)",
    "(tm)",
    "+/-",
    "=/=",
    "c/o",
    "1/2",
    "21st",
    "-->",
    "<-->",
    "{++",
    "{~~a~>b~~}",
    "??? ",
    "=== ",
    "[ ] ",
    # pymdownx.magiclink's references (repo_url_shorthand), commit hashes and shortened links; pymdownx.fancylists'
    # letters; markdown-callouts' admonitions; underscores in a word (legacy_em, pymdownx.betterem without smart
    # underscores); smarty's angle quotes
    "#1",
    "!2",
    "?3",
    "u/r#4",
    "github:u/r!5",
    "0123456789abcdef0123456789abcdef01234567",
    "deadbeef",
    "https://github.com/u/r/issues/6",
    "a) ",
    "iv. ",
    "NOTE: ",
    "x_y_z",
    "\n>",
    "\n",
    "\r\n",
    "\t",
    "  ",
    " ",
    "\u200f",
    "\u202e",
    "مرحبا",
    "שלום",
    "日本語",
    "😀",
    "👩‍👩‍👧",
    "ｃｏｏｋｉｅ",
    "Ａ",
    "ß",
    "İ",
    "\u0301",
    "\x00",
    "\x85",
    "\u2028",
    # URLs in text become links: their ends, parentheses, references and the markup around them
    "https://x.io/a_(b)c",
    "http://e.com/?q=1&b=2#f",
    "HTTPS://W.X/~a*b*",
    "https://a.b/%zz&amp;c",
    "https://",
    "(https://x.y/(a).",
    "https://u@x.y/$a$",
    "mailto:a@b.co",
    "0@www.example.com",
    "ftp://x.y",
]
# Markup that calls __cc_ran() if it ever runs (the browser tests define it), out of every context it may land in.
PAYLOADS = [
    "</title><img src=x onerror=__cc_ran(1)>",
    '" onmouseover="__cc_ran(2)" x="',
    "' onfocus='__cc_ran(3)' autofocus x='",
    "<svg onload=__cc_ran(4)>",
    "</textarea></style><script>__cc_ran(5)</script>",
    "&lt;/title&gt;",
    "&#60;b&#62;",
]
METACHARACTERS += PAYLOADS

# Markup that runs or shows if a program that renders text as HTML gets it unescaped;
# a payload that runs sets window.__xss (an <img src=x> loads x from the page's own server).
HTML_PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<b>bold</b>",
    "</script><script>window.__xss=1</script>",
    '<svg onload="window.__xss=1"></svg>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "<!--",
    "-->",
    "<a href=javascript:window.__xss=1>x</a>",
    "&lt;b&gt;",
    "&amp;",
    "&#60;",
    "&",
    "<",
    "< b",
    "{{revisionMessage}}",
    "{purposes}",
    "<br>",
    "\\",
    "^(",
    "$",
    '"',
    "'",
    "</title>",
    "<p>",
    "<style>",
]

_any = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_fragment = st.one_of(st.sampled_from(METACHARACTERS), _any, st.text("abcXYZ019 .-", min_size=1, max_size=6))
text = st.lists(_fragment, max_size=8).map("".join)
nonblank = text.filter(lambda s: s.strip() != "")
one_line = text.map(lambda s: "".join(" " if c in "\n\r\x0b\x0c\x85\u2028\u2029" else c for c in s)).filter(
    lambda s: s.strip() != ""
)
markup = st.lists(st.one_of(st.sampled_from(HTML_PAYLOADS), text), max_size=4).map("".join)
markup_nonblank = markup.filter(lambda s: s.strip() != "")
markup_line = st.one_of(st.sampled_from(HTML_PAYLOADS), one_line).filter(lambda s: s.strip() != "")
CUSTOM_CATEGORIES = ["social", "x-custom"]


def yaml_quote(value: str) -> str:
    """A YAML double-quoted scalar for any text (non-printables escaped)."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF) or 0xFFFE <= code <= 0xFFFF:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _not_only_wildcards(name: str) -> bool:
    """A name the catalog takes: not blank, not "*" alone (which would claim every name)."""
    return bool(name.replace("*", "").strip())


@st.composite
def catalogs(draw) -> dict:
    """A catalog as data: product fields, and plugins of cookies with hostile text."""
    n_plugins = draw(st.integers(1, 3))
    plugins = []
    for _ in range(n_plugins):
        names = draw(st.lists(one_line.filter(_not_only_wildcards), min_size=0, max_size=4, unique=True))
        cookies = [
            {
                "name": name,
                "purpose": draw(nonblank),
                "condition": draw(st.none() | text),
                "domain": draw(st.none() | one_line),
                "duration_note": draw(st.none() | text),
            }
            for name in names
        ]
        plugins.append(
            {
                "plugin": draw(one_line),
                "description": draw(st.none() | text),
                "note": draw(st.none() | nonblank),
                "cookies": cookies,
            }
        )
    titles = [p["plugin"] for p in plugins]
    if len(set(titles)) != len(titles):
        for i, p in enumerate(plugins):
            p["plugin"] += f" {i}"
    return {
        "product": draw(one_line),
        "title": draw(st.none() | text),
        "intro": draw(st.none() | text),
        "contact": draw(st.none() | text),
        "note": draw(st.none() | nonblank),
        "plugins": plugins,
    }


def title(data: dict) -> str:
    """The policy's title as the catalog states it: ``title:``, or the documented default."""
    return data.get("title") or f"{data['product']} cookie policy"


@st.composite
def markup_catalogs(draw) -> dict:
    """Like ``catalogs``, with markup in every text, categories of their own or relabelled, and patterns."""
    keys = [*BUILTIN_CATEGORIES, *CUSTOM_CATEGORIES]
    categories = {
        key: {"label": draw(markup_line), "description": draw(st.none() | markup_nonblank)}
        for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=4))
    }
    usable = [k for k in keys if k in BUILTIN_CATEGORIES or k in categories]
    plugins = []
    for i in range(draw(st.integers(1, 3))):
        names = draw(st.lists(markup_line.filter(_not_only_wildcards), max_size=4, unique_by=str.strip))
        cookies = [
            {
                "name": name,
                "purpose": draw(markup_nonblank),
                "condition": draw(st.none() | markup),
                "domain": draw(st.none() | markup_line),
                "duration_note": draw(st.none() | markup),
                "category": draw(st.sampled_from(usable)),
                "pattern": draw(st.booleans()),
            }
            for name in names
        ]
        plugins.append(
            {
                "plugin": f"{draw(markup_line)} {i}",
                "description": draw(st.none() | markup),
                "note": draw(st.none() | markup_nonblank),
                "cookies": cookies,
            }
        )
    return {
        "product": draw(markup_line),
        "intro": draw(st.none() | markup),
        "contact": draw(st.none() | markup),
        "note": draw(st.none() | markup_nonblank),
        "categories": categories,
        "plugins": plugins,
    }


def category_texts(data: dict) -> dict[str, tuple[str, str]]:
    """Each category's label and description as ``data`` defines them: the built-in texts unless it gives its own."""
    texts = dict(BUILTIN_CATEGORIES)
    for key, given in data.get("categories", {}).items():
        label, description = texts.get(key, (key.replace("-", " ").capitalize(), ""))
        texts[key] = (given["label"] or label, given["description"] or description)
    return texts


def write(data: dict, root: Path) -> Path:
    """Write the catalog ``data`` as YAML files under ``root``.

    Optional keys: ``title``, ``categories`` ({key: {"label": ..., "description": ...}}),
    and a cookie's ``category`` (analytics by default) and ``pattern``.
    """
    (root / "plugins").mkdir(parents=True)
    lines = [f"product: {yaml_quote(data['product'])}"]
    for key in ("title", "intro", "contact"):
        if data.get(key) is not None:
            lines.append(f"{key}: {yaml_quote(data[key])}")
    if data["note"] is not None:
        lines.append(f"notes:\n  - kind: important\n    text: {yaml_quote(data['note'])}")
    if data.get("categories"):
        lines.append("categories:")
        for key, texts in data["categories"].items():
            lines.append(f"  {yaml_quote(key)}:")
            lines.extend(f"    {field}: {yaml_quote(value)}" for field, value in texts.items() if value is not None)
    (root / "catalog.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i, plugin in enumerate(data["plugins"]):
        lines = [f"plugin: {yaml_quote(plugin['plugin'])}"]
        if plugin["description"] is not None:
            lines.append(f"description: {yaml_quote(plugin['description'])}")
        if plugin["note"] is not None:
            lines.append(f"notes:\n  - kind: warning\n    text: {yaml_quote(plugin['note'])}")
        lines.append("cookies:" if plugin["cookies"] else "cookies: []")
        for cookie in plugin["cookies"]:
            lines.append(f"  - name: {yaml_quote(cookie['name'])}")
            lines.append(f"    purpose: {yaml_quote(cookie['purpose'])}")
            lines.append("    duration: 2 years\n    provenance: third-party")
            lines.append(f"    category: {yaml_quote(cookie.get('category', 'analytics'))}")
            if cookie.get("pattern"):
                lines.append("    pattern: true")
            for key in ("condition", "domain", "duration_note"):
                if cookie[key] is not None:
                    lines.append(f"    {key}: {yaml_quote(cookie[key])}")
        (root / "plugins" / f"p{i}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
