"""The catalog format: what each file may hold, and the validated catalog.

The pydantic models here are the single definition of the format. The loader
validates files with them and ``cookie_catalog.catalog.schema`` derives the JSON Schema from
them, so the editor's checks and ``cookie-catalog validate`` cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from cookie_catalog.catalog import duration
from cookie_catalog.catalog.problems import quoted

if TYPE_CHECKING:
    from cookie_catalog.catalog.translations import Translations

DEFAULT_LANGUAGES = ("en",)
NoteKind = Literal["important", "note", "warning"]
Provenance = Literal["first-party", "third-party"]
Storage = Literal["cookie", "local-storage", "session-storage", "indexeddb", "pixel"]

BUILTIN_CATEGORIES: dict[str, tuple[str, str]] = {
    "strictly-necessary": (
        "Strictly necessary",
        "Needed for a service you asked for to work, such as keeping a chat open while you browse. "
        "They cannot be switched off and do not require consent.",
    ),
    "functional": (
        "Functional",
        "Remember choices you make, such as language or region, to provide enhanced features.",
    ),
    "analytics": (
        "Analytics",
        "Count visits and measure how the product is used, so that it can be improved.",
    ),
    "marketing": (
        "Marketing",
        "Used to show advertising relevant to you and to measure it, often across websites.",
    ),
    "security": (
        "Security",
        "Protect you and the service, for example by detecting fraud or abuse.",
    ),
    "personalization": (
        "Personalization",
        "Tailor content to you based on what you did before.",
    ),
}


# The characters that end a line of catalog text (Unicode's mandatory breaks; CR LF is one break). Their one
# home: a cookie name may hold none, the renderers show each as a line break (a space in a heading), and the
# catalog writer quotes a value holding one so that YAML keeps it.
LINE_BREAKS = "\n\r\u2028\u2029\x0b\x0c\x85"
_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
# A category key becomes an HTML id (`category-<key>`) and a link target on the
# site; this shape is safe in both without escaping, and is what the importers
# derive from a source's category names ("Social media" -> social-media).
CATEGORY_KEY = r"^[a-z0-9][a-z0-9-]*$"
CATEGORY_KEY_EXPECTED = "lower-case letters a-z, digits and '-', starting with a letter or digit, such as social-media"
_CATEGORY_KEY = re.compile(CATEGORY_KEY)


def _one_line(value: object) -> object:
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty; expected the cookie's name")
        if _LINE_BREAK.search(value):
            raise ValueError("spans several lines; expected the name on one line")
    return value


def _not_blank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("is blank; expected text")
    return value


def _category_key(value: object) -> object:
    if isinstance(value, str) and not _CATEGORY_KEY.fullmatch(value):
        raise ValueError(f"is not a usable category key; expected {CATEGORY_KEY_EXPECTED}")
    return value


# A privacy_url becomes a link on the pages: only web addresses, so a catalog
# cannot smuggle in javascript:, data: or a relative path, and no white space
# or control character that would end the link early.
HTTP_URL = r"^https?://[^\s/?#\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*$"
_HTTP_URL = re.compile(HTTP_URL)


def _http_url(value: object) -> object:
    if isinstance(value, str) and not _HTTP_URL.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not a web address; expected one starting with https:// or http://")
    return value


def _yaml_bool(value: object) -> object:
    """Only YAML 1.2's spellings of true and false: ``yes`` or ``on`` are typos here."""
    if isinstance(value, str):
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        raise ValueError(f"{quoted(value)} is not a boolean; expected true or false")
    return value


# A language as catalog.yml names it: a BCP 47 tag of a language CLDR knows (en, de, fr, pt-BR), so that labels,
# dates and plural rules exist for it and the tag can stand in `<html lang>`, a folder name and a PO file's name.
LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-[0-9]{3})?$"
LANGUAGE_EXPECTED = "a language tag CLDR knows, such as en, de, fr or pt-BR"
_LANGUAGE_TAG = re.compile(LANGUAGE_TAG)


def known_language(tag: str) -> bool:
    """Whether ``tag`` is well formed and CLDR (through Babel) has data for it."""
    from babel import Locale, UnknownLocaleError  # deferred: only catalogs naming languages pay for it

    if not _LANGUAGE_TAG.fullmatch(tag):
        return False
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _language(value: object) -> object:
    if isinstance(value, str) and not known_language(value):
        raise ValueError(f"{quoted(value)} is not a known language; expected {LANGUAGE_EXPECTED}")
    return value


def _languages(value: object) -> object:
    if isinstance(value, list):
        repeated = sorted({v for v in value if isinstance(v, str) and value.count(v) > 1})
        if repeated:
            raise ValueError(f"names {quoted(repeated[0])} twice; expected each language once")
    return value


def _parse_duration(value: object) -> object:
    return duration.Duration.parse(value) if isinstance(value, str) else value


CookieName = Annotated[str, BeforeValidator(_one_line), Field(min_length=1)]
# A policy with a blank purpose or a blank product name is not a policy.
NonBlank = Annotated[str, BeforeValidator(_not_blank), Field(min_length=1)]
YamlBool = Annotated[bool, BeforeValidator(_yaml_bool)]
CategoryKey = Annotated[str, BeforeValidator(_category_key)]
HttpUrl = Annotated[str, BeforeValidator(_http_url), Field(pattern=HTTP_URL)]
Language = Annotated[str, BeforeValidator(_language), Field(pattern=LANGUAGE_TAG)]
DurationField = Annotated[
    duration.Duration,
    BeforeValidator(_parse_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": duration.PATTERN,
            "description": f"How long it lasts: {duration.EXPECTED}.",
            "examples": ["session", "30 minutes", "1 day", "2 years", "persistent", "unknown"],
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Note(_Strict):
    """A highlighted remark, shown as an admonition ("Important" on the seed page)."""

    kind: NoteKind = "important"
    text: NonBlank


class CategoryDef(_Strict):
    label: str | None = None
    description: str | None = None


class ProductFile(_Strict):
    """``catalog.yml``: the product and its policy as a whole."""

    product: NonBlank = Field(description="The product's name.")
    title: str | None = Field(None, description="Title of the policy; defaults to '<product> cookie policy'.")
    version: str | None = Field(None, description="The policy's version string.")
    updated: dt.date | None = Field(None, description="When the policy was last updated (ISO date).")
    effective: dt.date | None = Field(None, description="When the policy takes effect (ISO date).")
    contact: str | None = None
    intro: str | None = None
    notes: list[Note] = []
    languages: Annotated[list[Language], BeforeValidator(_languages), Field(min_length=1)] | None = Field(
        None,
        description="The languages the policy is published in, the default first; [en] when absent. "
        "Translations of the catalog's texts live in translations/<language>.po.",
        json_schema_extra={"uniqueItems": True},
    )
    categories: dict[CategoryKey, CategoryDef] = Field(
        {},
        description="Extra consent categories, or new labels and descriptions for the built-in ones, by key. "
        f"A key is {CATEGORY_KEY_EXPECTED}.",
        json_schema_extra={"propertyNames": {"pattern": CATEGORY_KEY}},
    )


# What tells two cookies of one plugin apart, and a cookie in one catalog from itself in another: the
# loader refuses a repeat, ``diff`` matches cookies by it, anchors and exported IDs are derived from it.
IDENTITY_FIELDS = ("name", "domain", "storage")
Identity = tuple[str, str | None, str]


class CookieEntry(_Strict):
    """One cookie (or storage key) as written in a plugin file."""

    name: CookieName = Field(description="The cookie's name, exactly as the browser stores it.")
    purpose: NonBlank
    duration: DurationField
    provenance: Provenance
    category: str = Field(
        description="Consent category: the key of a built-in one or of one declared in catalog.yml.",
        json_schema_extra={"examples": list(BUILTIN_CATEGORIES), "pattern": CATEGORY_KEY},
    )
    condition: str | None = Field(None, description="The feature or API the cookie depends on.")
    storage: Storage = "cookie"
    domain: str | None = None
    pattern: YamlBool = Field(False, description="True when the name is a prefix or wildcard such as _ga_*.")
    duration_note: str | None = None
    id: str | None = Field(
        None,
        description="The cookie's identifier in the source it was imported from (the Open Cookie Database's ID); "
        "exports to that source write it back so its rows keep their identity.",
    )
    controller: str | None = Field(
        None, description="The data controller responsible for the cookie, when it is not the product's owner."
    )
    privacy_url: HttpUrl | None = Field(
        None,
        description="Where the data controller's privacy policy or data-subject rights portal is: an http(s) address.",
    )

    @property
    def identity(self) -> Identity:
        """The values of ``IDENTITY_FIELDS``: the same cookie, wherever it is listed."""
        return self.name, self.domain, self.storage


class PluginFile(_Strict):
    """``plugins/<name>.yml``: one provider or product area."""

    plugin: NonBlank = Field(description="The plugin's title, e.g. WebChat.")
    order: int | None = Field(None, description="Position among plugins; file-name order otherwise.")
    description: str | None = None
    notes: list[Note] = []
    cookies: list[CookieEntry]


class CatalogDocument(_Strict):
    """A whole catalog as one document, as ``cookie-catalog export json`` writes it.

    It holds the files' own models, so it says exactly what the YAML says and
    its schema comes from the same definitions as the files' schemas.
    """

    product: ProductFile = Field(description="What catalog.yml holds.")
    plugins: dict[str, PluginFile] = Field(description="Each plugin file by its file name, in catalog order.")


# The validated catalog, as every renderer and sink sees it.


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class Cookie:
    """One cookie of the validated catalog: its entry, and the anchor its row has on the site.

    Templates read ``cookie.name``, ``cookie.purpose``, ... for every row, so the entry's
    fields are copied once into slots here rather than delegated on each access (delegating
    cost a third of render time). They are declared one by one so that type checkers see
    them; a field added to ``CookieEntry`` but not here fails on the first cookie built.
    """

    entry: CookieEntry
    anchor: str  # unique in the whole catalog, so embedded tables can share it
    name: str = field(init=False, repr=False, compare=False)
    purpose: str = field(init=False, repr=False, compare=False)
    duration: duration.Duration = field(init=False, repr=False, compare=False)
    provenance: Provenance = field(init=False, repr=False, compare=False)
    category: str = field(init=False, repr=False, compare=False)
    condition: str | None = field(init=False, repr=False, compare=False)
    storage: Storage = field(init=False, repr=False, compare=False)
    domain: str | None = field(init=False, repr=False, compare=False)
    pattern: bool = field(init=False, repr=False, compare=False)
    duration_note: str | None = field(init=False, repr=False, compare=False)
    id: str | None = field(init=False, repr=False, compare=False)
    controller: str | None = field(init=False, repr=False, compare=False)
    privacy_url: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        assign = object.__setattr__  # the dataclass is frozen
        for key, value in self.entry.__dict__.items():
            assign(self, key, value)


@dataclass(frozen=True)
class Plugin:
    title: str
    source: str  # file name in plugins/, e.g. "webchat.yml"
    slug: str  # page name, unique and portable
    description: str | None
    notes: tuple[Note, ...]
    cookies: tuple[Cookie, ...]


@dataclass(frozen=True)
class Catalog:
    product: ProductFile
    categories: tuple[Category, ...]
    plugins: tuple[Plugin, ...]
    root: str = field(default="", compare=False)  # where it was read from, for messages

    # The language the texts are in: the default language, or the one ``translations.localized`` put them in.
    language: str = field(default="", compare=False)
    # The other languages' texts, read from translations/*.po; None for a catalog that names one language.
    translations: Translations | None = field(default=None, compare=False)

    @property
    def title(self) -> str:
        return self.product.title or f"{self.product.product} cookie policy"

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the policy is published in, the default first."""
        return tuple(self.product.languages or DEFAULT_LANGUAGES)

    @property
    def cookie_count(self) -> int:
        return sum(len(p.cookies) for p in self.plugins)

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)
