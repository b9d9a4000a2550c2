"""Turning catalog text into inert Markdown: the one place that escapes it.

Catalog text is data. It lands in Markdown read by two families of parsers:

- the site's pages (``generate``'s default flavour, the MkDocs plugin, ``build --docs-dir``, the Markdown
  extension): Python-Markdown with whatever extensions a customer enabled (smarty, magiclink, emoji, caret,
  tilde, mark, keys, arithmatex, attr_list, admonition, def_list, footnotes, abbr...);
- the portable Markdown (``generate --flavour gfm``, the ``cookie-policy.md`` download and the HTML and PDF
  made from it, ``diff``): CommonMark as markdown-it-py reads it, and GitHub's cmark-gfm with its extensions.

Each gets the fewest escapes that keep the text verbatim and inert for its parsers, so the Markdown stays
legible: a character is escaped only where it can start markup in the position it is in, with a backslash
where every parser of the family honours one, with a character reference where not. CommonMark honours a
backslash before any ASCII punctuation; Python-Markdown only before ``\\`*_{}[]()>#+-.!`` (and ``|`` with
tables, which a page without tables may lack), so ``<``, ``'``, ``"``, ``~``, ``^``, ``$``, ``:`` and ``@``
become references there, and so do ``]`` and ``)`` (arithmatex takes ``\\[...\\]`` and ``\\(...\\)`` for maths,
even across two texts of one table cell). What is escaped, and
why (tests/test_escape.py states the same rules slowly):

- everywhere: white space at either end (parsers strip it), tabs, the first character when it is ASCII
  punctuation (any block marker: ``#``, ``>``, ``-``, ``+``, ``=``, ``!!!``, ``:``...), the ``.`` or ``)``
  of a leading number (a list), a run of ``#`` ending the text (a heading's closing sequence), ``&`` before
  something entity-shaped, ``\\``, `````, ``*``, ``[``, ``]``, ``|``, ``~``, ``_``, ``www.`` and ``://``
  (autolinks);
- CommonMark: ``<`` unless followed by white space, and ``@`` inside an e-mail-like word, which cmark-gfm
  links even when escaped: an empty HTML comment before the ``@`` splits the word for it; but ``_`` between
  letters or digits (intraword, never emphasis there);
- Python-Markdown: ``<``, ``{`` (attr_list), ``^``, ``$``, ``'``, ``"``; runs of ``=``, ``+``, ``-``,
  ``.``, ``>`` (mark, keys, smart dashes and ellipses, angle quotes); ``:`` opening ``:emoji:``;
  ``@`` before a word (magiclink's e-mail addresses and mentions); what pymdownx.smartsymbols turns into
  symbols: the ``(`` of ``(tm)``, ``(c)``, ``(r)``, the ``+`` of ``+/-``, the ``=`` of ``=/=``, the ``/`` of
  ``c/o`` and of a digit's fraction, the first letter of an ordinal's ``st``, ``nd``, ``rd``, ``th``; what
  pymdownx.magiclink links with its shorthand references on (as Material's own site has them): ``#``, ``!``,
  ``?`` before a digit (an issue, a pull request, a discussion: ``#1``, ``repo!2``, ``user/repo?3``) and the
  first character of a commit hash (a run of exactly 40 lowercase hex digits); the ``.`` or ``)`` after a leading
  letter or roman number and before a space (pymdownx.fancylists' lists), the ``:`` after leading capitals and
  before a space (markdown-callouts' admonitions, ``NOTE: ...``); ``_`` between letters too
  (legacy_em and pymdownx.betterem without smart underscores take two for emphasis); a ``>`` after a line
  break (smarty's angle quotes would read ``>>`` with the ``>`` of its ``<br>``).

Line breaks become ``<br>``; control characters (invalid in HTML) U+FFFD, as browsers show them.

http and https URLs in text become links, ``[url](url)``, the text escaped as above, the target as written
(in Python-Markdown the ``:`` of the text's ``://`` too: magiclink's shorteners rewrite a link's text that is its
target, ``https://github.com/u/r/issues/1`` to ``u/r#1``).
A URL is ``http://`` or ``https://`` (any case, not glued to a word before it), an ASCII letter or digit,
then the characters of RFC 3986 but ``'``, ``$``, ``[`` and ``]`` (``\\``, ``|``, ``<``, ``>``, ``"``,
`````, white space and anything non-ASCII end it). It also ends before a ``%`` not followed by two hex
digits and before an ``&`` that starts something entity-shaped, so no parser rewrites the target; then
trailing ``. , : ; ! ? * _ ~`` and unbalanced ``)`` are left out (as GitHub does), and a URL is cut before
an unbalanced ``(``. So the link's target and text are exactly the URL, and nothing around it changes.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote

from markupsafe import Markup, escape

from cookie_catalog.catalog.model import LINE_BREAKS

_LINE_BREAKS = re.compile(f"\r\n|[{LINE_BREAKS}]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_NOT_ATTR_SAFE = re.compile(r"[^\w.:/?#%,;!-]")


def _reference(match: re.Match) -> str:
    return "".join(f"&#{ord(ch)};" for ch in match.group())


_ENTITY_SHAPED = r"(?:#|[A-Za-z0-9]+;)"
_URL_CHAR = rf"(?:[-A-Za-z0-9._~:/?#@!*+,;=]|%[0-9A-Fa-f]{{2}}|&(?!{_ENTITY_SHAPED}))"
_URL_LAST = rf"(?:[-A-Za-z0-9/#@+=]|%[0-9A-Fa-f]{{2}}|&(?!{_ENTITY_SHAPED}))"  # not . , : ; ! ? * _ ~
_URL_GROUP = rf"\({_URL_CHAR}*\)"
_URL_AFTER_H = (
    rf"(?<![A-Za-z0-9+.-][hH])(?i:ttps?)://[A-Za-z0-9](?:(?:{_URL_CHAR}|{_URL_GROUP})*(?:{_URL_LAST}|{_URL_GROUP}))?"
)
URL = re.compile(f"[hH]{_URL_AFTER_H}")  # not glued to a word before it
# Python-Markdown takes a backslash escape only before these (its ESCAPED_CHARS, but "]" and ")": arithmatex reads
# "\\[...\\]" and "\\(...\\)" as maths); every other character is written as a reference there.
_PM_BACKSLASH = frozenset("\\`*_{}[(>#+-.!")
_PM_NAMED = {"<": "&lt;", "&": "&amp;", '"': "&quot;"}
_AT_START = r"(?<![\s\S]{2})"  # after a rule's first character: that character is the text's first
_SPACE = f"[^\\S{LINE_BREAKS}]"  # white space but line breaks
# pymdownx.magiclink links a commit hash (40 lowercase hex digits between non-word characters, "_" being one as
# it is escaped) to the repository's commit, showing 7 of them; pymdownx.fancylists takes a letter or a roman
# number then "." or ")" and a space for a list; markdown-callouts, capitals, ":" and a space for an admonition.
_COMMIT = ("all", "[0-9a-f]", r"(?<![^\W_][0-9a-f])(?=[0-9a-f]{39}(?![^\W_]))")
_LIST_LETTER = ("last", "[A-Za-z]", rf"{_AT_START}(?:(?<=[ivxlcdm])[ivxlcdm]*|(?<=[IVXLCDM])[IVXLCDM]*)?[.)](?= )")
_CALLOUT = ("last", "[A-Z]", rf"{_AT_START}[A-Z]+:(?= )")
# Where those rules may apply: a text starting with their letters, or holding 40 hex digits in a row.
_RARE_FIRST = re.compile(r"[A-Za-z]+[.):] ")
_HEX_RUN = re.compile("[0-9a-f]{40}")
# The rules are tried in three groups, by their first character's kind: a letter, white space, anything else.
_GROUPS = [
    ("(?<=[A-Za-z])", string.ascii_letters),
    ("(?<=\\s)", f" \t\u00a0\u3000{LINE_BREAKS}"),
    ("(?<![A-Za-z\\s])", f"{string.digits}{string.punctuation}\u2014\u00e9\ufffd"),
]
# After a rule's first character: the same character comes right before or after it.
_IN_RUN = "|".join(rf"(?<={c})(?:(?<={c}{c})|(?={c}))" for c in (r"=", r"\+", r"\.", r">", r"-"))
# After a rule's first character: what pymdownx.smartsymbols makes a symbol of, (tm) (c) (r), +/-, =/=, c/o and
# a fraction, starts here (or, for c/o and fractions, has its "/" here); an ordinal's digits and first letter.
_SMART_SYMBOLS = r"(?<=\()(?=(?:tm|c|r)\))|(?<=\+)(?=/-)|(?<==)(?=/=)|(?<=c/)(?=o)|(?<=[0-9]/)(?=[0-9])"
_ORDINAL = "[0-9]*(?:s(?=t)|n(?=d)|r(?=d)|t(?=h))"


def _rules(commonmark: bool, links: bool, in_link: bool, rare: bool = False) -> re.Pattern:
    """One pattern for one flavour: each alternative is text that needs escaping there (see the module doc).

    A rule is (how its text is written, its first character, what follows): ``url`` as a link, ``br`` as
    ``<br>``, ``keep`` as it is, ``at`` behind an empty comment, ``last`` with its last character escaped,
    ``all`` with every character escaped. The pattern is one character class of every first character, then
    the rules, each checking its own first character by looking back: so the regex engine skips every other
    character at C speed (an alternation of rules would try each at every character). Earlier rules win. A
    character tries only the rules for its kind (a letter, white space, anything else; ``_GROUPS``): a space
    inside the text costs a few failed checks, not one for each rule. ``rare`` makes the pattern with
    Python-Markdown's rules that start with any of many letters (a commit hash, a list's letter, a callout),
    which would slow every text by half: the few texts they may concern get it (``_Escaper.__call__``).
    """
    rules: list[tuple[str, str, str]] = [
        *([("url", "[hH]", _URL_AFTER_H)] if links else []),
        *([_COMMIT, _LIST_LETTER, _CALLOUT] if rare else []),
        *([("all", "!", r"(?=[hH][tT][tT][pP])")] if links else []),  # no image
        ("br", f"[{LINE_BREAKS}]", r"(?:(?<=\r)\n)?"),
        ("all", _SPACE, f"{_AT_START}{_SPACE}*|{_SPACE}*\\Z"),  # white space at either end
        ("all", "#", "#*\\Z"),  # a heading's closing sequence
        # a list number; in Python-Markdown, an ordinal too (smartsymbols: "1st", its "s" escaped)
        ("last", "[0-9]", f"{_AT_START}[0-9]*[.)]" + ("" if commonmark else f"|{_ORDINAL}")),
        # intraword: never emphasis in CommonMark (Python-Markdown's legacy_em and pymdownx.betterem without its
        # smart underscore take any two "_" for emphasis)
        *([("keep", "_", r"(?<=[^\W_]_)_*(?=[^\W_])")] if commonmark else []),
        # Python-Markdown's runs (mark, keys, smart dashes and ellipses, angle quotes), whole, even at the start,
        # what smartsymbols turns into a symbol, and a ">" after a line break (smarty's angle quotes would read
        # it with the ">" of the "<br>"). (Each rule is tried at every character of its group, so they are one.)
        *([] if commonmark else [("all", r"[=+.>\-(/]", f"{_IN_RUN}|{_SMART_SYMBOLS}|(?<=[{LINE_BREAKS}]>)")]),
        ("all", r"[!-/:-@\[-`{-~]", _AT_START),  # a block marker
        ("all", "&", rf"(?={_ENTITY_SHAPED})"),
        ("all", r"[\t\\`*_\[\]|~]", ""),
        *([] if in_link else [("all", r"\.", r"(?<=[wW]{3}\.)"), ("all", ":", "(?=//)")]),  # autolinks
    ]
    if commonmark:
        rules.append(("all", "<", r"(?!\s|\Z)"))
        if not in_link:
            rules.append(("at", "@", r"(?<=[A-Za-z0-9._+-]@)(?=[A-Za-z0-9._-])"))
    else:
        rules += [
            ("all", "[<{^$'\"]", ""),
            ("all", ":", r"(?=[\w+-]+:)"),
            # pymdownx.magiclink's references to an issue, a pull request, a discussion: #1, !1, ?1, repo#1
            ("all", "[#!?]", "(?=[1-9])"),
        ]
        if not in_link:
            rules.append(("all", "@", r"(?=[\w-])"))
    # The class of every first character: the classes' insides (a "-" in them escaped), white space for _SPACE.
    firsts = "".join("\\s" if first == _SPACE else first.removeprefix("[").removesuffix("]") for _, first, _ in rules)
    alternatives: list[str] = []
    grouped: set[int] = set()
    for gate, probe in _GROUPS:
        group = [rule for rule in rules if any(re.fullmatch(rule[1], ch) for ch in probe)]
        grouped.update(id(rule) for rule in group)
        named = [
            f"(?<={first})(?:{rest})(?P<{kind}{len(alternatives)}_{i}>)" for i, (kind, first, rest) in enumerate(group)
        ]
        alternatives.append(f"{gate}(?:{'|'.join(named)})")
    # a rule whose first characters no group's probe holds would be silently left out
    assert all(id(rule) in grouped for rule in rules), [rule for rule in rules if id(rule) not in grouped]
    return re.compile(f"[{firsts}](?:{'|'.join(alternatives)})")


def _escape_char(ch: str, commonmark: bool) -> str:
    if ch.isspace() or not ch.isascii():
        return f"&#{ord(ch)};"
    if commonmark or ch in _PM_BACKSLASH:
        return "\\" + ch
    return _PM_NAMED.get(ch, f"&#{ord(ch)};")


class _Escaper:
    """Inline Markdown showing text exactly, for one flavour (CommonMark or Python-Markdown)."""

    def __init__(self, commonmark: bool, links: bool, in_link: bool = False) -> None:
        self.commonmark = commonmark
        self.pattern = _rules(commonmark, links, in_link)
        self.rare = None if commonmark else _rules(commonmark, links, in_link, rare=True)
        self.link_text = _Escaper(commonmark, links=False, in_link=True) if links else None
        # Called once a match, the hottest code of a render: each rule's kind by its group's name, and each
        # character escaped once.
        names = [*self.pattern.groupindex, *(self.rare.groupindex if self.rare else ())]
        self._kinds = {name: name.rstrip("0123456789_") for name in names}
        self._escaped: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        text = _CONTROL.sub("\ufffd", text)
        if self.rare is None:
            return self.pattern.sub(self._replace, text)
        # A text the rare rules may concern gets the slower pattern that has them: one that starts with their
        # letters, or holds 40 hex digits in a row (both checks at C speed).
        if _RARE_FIRST.match(text) or (len(text) >= 40 and _HEX_RUN.search(text)):
            return self.rare.sub(self._replace, text)
        return self.pattern.sub(self._replace, text)

    def _char(self, ch: str) -> str:
        out = self._escaped.get(ch)
        if out is None:
            out = self._escaped[ch] = _escape_char(ch, self.commonmark)
        return out

    def _replace(self, match: re.Match) -> str:
        kind, found = self._kinds[match.lastgroup or ""], match.group()
        if kind == "all":
            return self._char(found) if len(found) == 1 else "".join(map(self._char, found))
        if kind == "url":
            assert self.link_text is not None, "the url rule is made only with links"
            text = self.link_text(found)
            # pymdownx.magiclink's shorteners rewrite a link whose text is its target (to "u/r#1" for
            # https://github.com/u/r/issues/1): in Python-Markdown the scheme's ":" is a reference, so it never is
            return f"[{text if self.commonmark else text.replace(':', '&#58;', 1)}]({found})"
        if kind == "br":
            return "<br>"
        if kind == "keep":
            return found
        if kind == "at":  # cmark-gfm links e-mail addresses in the text it decoded: split the word for it
            return "<!-- -->@"
        return found[:-1] + self._char(found[-1])  # "last"


_TEXT = {(commonmark, links): _Escaper(commonmark, links) for commonmark in (False, True) for links in (False, True)}


def md_text(text: str, *, commonmark: bool = False, links: bool = True) -> str:
    """Inline Markdown that shows ``text`` exactly, its http(s) URLs as links; line breaks become ``<br>``.

    ``commonmark`` for the portable Markdown (markdown-it, cmark-gfm), else for Python-Markdown (the site);
    ``links=False`` where the text is itself inside a link (a link's text cannot hold another).
    """
    return _TEXT[commonmark, links](text)


def md_line(text: str, *, commonmark: bool = False) -> str:
    """Inline Markdown for a heading: ``text`` exactly, its line breaks shown as spaces, no links.

    A heading is one line; a ``<br>`` in it would vanish from the page title
    MkDocs derives from it (the nav, ``<title>``), running the words together;
    so would a link's text from the nav, which is made of links.
    """
    return _TEXT[commonmark, False](_LINE_BREAKS.sub(" ", text))


# A name a code span cannot hold verbatim in every parser our Markdown is meant for (Python-Markdown with any
# extension, markdown-it, GitHub's cmark-gfm), in a table cell or a list item:
# - "|": GFM and markdown-it end the cell there even inside a code span; their "\\|" shows literally in
#   Python-Markdown's tables;
# - line breaks, tabs, control characters: a span cannot cross a table row, Python-Markdown expands tabs;
# - white space at either end: Python-Markdown strips it all from a code span, cells strip it too;
# - "#!" or ":::" at the start: pymdownx.inlinehilite takes them for a language and highlights the rest;
# - "\\": Python-Markdown's table rows take "\\`" for an escaped backtick, and the policy's fast table path
#   (md_tables) reads only rows without one;
# - "&#": Python-Markdown's code spans end a numeric reference written without its ";" with one ("&#0" shows
#   "&#0;");
# - "{++", "{--", "{==", "{>>", "{~~": pymdownx.critic reads its marks in the page's source, code spans included;
# - nothing at all: an empty span is no span.
_NOT_IN_CODE_SPAN = re.compile(
    rf"[|\\\t{LINE_BREAKS}\x00-\x08\x0e-\x1f\x7f]|&#|^\s|\s$|^#!|^:::|^$|\{{(?:\+\+|--|==|>>|~~)"
)
_BACKTICK_RUNS = re.compile(r"`+")


def md_code(text: str, *, commonmark: bool = False) -> str:
    """``text`` as inline code that reads as written in the Markdown itself.

    A backtick code span, its fence longer than any backtick run in ``text``
    and padded with a space where ``text`` starts or ends with a backtick
    (CommonMark and Python-Markdown both strip that space): every parser shows
    its content verbatim. Where a span cannot hold ``text`` safely
    (``_NOT_IN_CODE_SPAN``), a ``<code>`` element with references instead.
    """
    if _NOT_IN_CODE_SPAN.search(text):
        return md_code_html(text, commonmark=commonmark)
    fence = "`" * (1 + max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_code_html(text: str, *, commonmark: bool = False) -> str:
    """``text`` as inline code in an HTML element, every markup character a reference.

    For where a code span cannot go: a name a span cannot hold, or one whose
    Markdown is processed further (``<wbr>`` added after its dots).
    """
    return f"<code>{md_text(text, commonmark=commonmark, links=False)}</code>"


def html_text(text: str) -> Markup:
    """HTML that shows ``text`` exactly; line breaks become ``<br>``."""
    text = _CONTROL.sub("\ufffd", text)
    return Markup("<br>").join(escape(part) for part in _LINE_BREAKS.split(text))


def html_attr(text: str) -> str:
    """``text`` inside a double-quoted HTML attribute of a Markdown page (``id="..."``).

    Identifiers written there (anchors, category keys) have a safe shape by
    construction or validation; escaping them anyway means a quote can never
    end the attribute. Every character but letters, digits and
    ``_ . : / ? # % , ; ! -`` (most of a URL; none starts markup in a tag that
    Python-Markdown's extensions might read before its HTML) becomes a
    reference, so neither can a ``|`` end a table cell or a line break the row.
    """
    return _NOT_ATTR_SAFE.sub(_reference, text)


def url_part(text: str) -> str:
    """``text`` as one segment or fragment of a link target: every reserved character percent-encoded."""
    return quote(text, safe="")


# In an element's content (the tokenizer's data state, where innerHTML and
# insertAdjacentHTML parse), "&" starts a character reference only before an
# ASCII letter, digit or "#", and "<" starts markup only before an ASCII letter,
# "!", "/" or "?" (WHATWG HTML, 13.2.5.1, .6, .72). Everywhere else both are
# literal text, so only these occurrences are escaped.
_MARKUP_START = re.compile(r"&(?=[0-9A-Za-z#])|<(?=[A-Za-z!/?])")
_REFERENCE_FOR = {"&": "&amp;", "<": "&lt;"}


def html_content(text: str) -> str:
    """Text for a program that parses it as HTML into an element (``innerHTML``); line breaks become ``<br>``.

    Consent tools take their texts as HTML (cookieconsent always, Klaro with
    ``htmlTexts``), and some of them also show the same string as plain text:
    cookieconsent writes a section title into the switch's label with
    ``textContent``. Escaping only what would start markup keeps ordinary text
    (``Ads & tracking``, ``Partners' cookies``, ``a < b``) identical in both.
    """
    parts = _LINE_BREAKS.split(_CONTROL.sub("\ufffd", text))
    return "<br>".join(_MARKUP_START.sub(lambda m: _REFERENCE_FOR[m.group()], part) for part in parts)
