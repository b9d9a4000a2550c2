"""The catalog format: what each file may hold, and the validated catalog.

The pydantic models here are the single definition of the format. The loader
validates files with them and ``cookie_catalog.catalog.schema`` derives the JSON Schema from
them, so the editor's checks and ``cookie-catalog validate`` cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from cookie_catalog.catalog import duration
from cookie_catalog.catalog.countries import ISO_3166_ALPHA2
from cookie_catalog.catalog.problems import quoted

if TYPE_CHECKING:
    from cookie_catalog.catalog.translations import Translations

DEFAULT_LANGUAGES = ("en",)
NoteKind = Literal["important", "note", "warning"]
Provenance = Literal["first-party", "third-party"]
Storage = Literal["cookie", "local-storage", "session-storage", "indexeddb", "pixel"]
# What lets a cookie be stored or read (ePrivacy Directive art. 5(3)): consent, or one of the exemptions.
LegalBasis = Literal[
    "consent", "strictly-necessary-exemption", "communication-exemption", "audience-measurement-exemption"
]
LEGAL_BASES: dict[str, str] = {
    "consent": "Consent",
    # art. 5(3), second sentence: strictly necessary for a service the user explicitly asked for.
    "strictly-necessary-exemption": "Exempt: strictly necessary",
    # art. 5(3), second sentence: for the sole purpose of carrying out the transmission of a communication.
    "communication-exemption": "Exempt: transmission of a communication",
    # CNIL guidelines of 17 September 2020, art. 5: audience measurement within strict conditions.
    "audience-measurement-exemption": "Exempt: audience measurement (CNIL)",
}
# What makes a transfer of personal data outside the EU/EEA lawful (GDPR chapter V).
Safeguard = Literal[
    "adequacy-decision",
    "data-privacy-framework",
    "standard-contractual-clauses",
    "binding-corporate-rules",
    "code-of-conduct",
    "certification",
    "derogation",
]
SAFEGUARDS: dict[str, str] = {
    "adequacy-decision": "adequacy decision (GDPR art. 45)",
    "data-privacy-framework": "EU-US Data Privacy Framework (adequacy decision of 10 July 2023)",
    "standard-contractual-clauses": "standard contractual clauses (GDPR art. 46(2)(c))",
    "binding-corporate-rules": "binding corporate rules (GDPR art. 47)",
    "code-of-conduct": "approved code of conduct (GDPR art. 46(2)(e))",
    "certification": "approved certification (GDPR art. 46(2)(f))",
    "derogation": "derogation for a specific situation (GDPR art. 49)",
}
assert set(get_args(LegalBasis)) == set(LEGAL_BASES) and set(get_args(Safeguard)) == set(SAFEGUARDS)
# A finding of `cookie-catalog lint` is named by its rule's id; an acceptance names the rule it answers.
RULE_ID = r"^CC[0-9]{3}$"
_RULE_ID = re.compile(RULE_ID)

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
        if not value.replace("*", "").strip():
            # "*" is every exporter's wildcard: a name of wildcards alone would claim every name a site stores
            raise ValueError("is only wildcards; expected the name, or the prefix a pattern stands for")
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


def _country(value: object) -> object:
    if isinstance(value, str) and value not in ISO_3166_ALPHA2:
        hint = {"UK": " (the United Kingdom is GB)", "EL": " (Greece is GR)"}.get(value.upper(), "")
        raise ValueError(f"{quoted(value)} is not a country code{hint}; expected an ISO 3166-1 alpha-2 code such as DE")
    return value


def _rule_id(value: object) -> object:
    if isinstance(value, str) and not _RULE_ID.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not a rule id; expected one such as CC101 (see docs/lint.md)")
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
Country = Annotated[
    str,
    BeforeValidator(_country),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(ISO_3166_ALPHA2),
            "description": "An ISO 3166-1 alpha-2 country code, such as DE or US (GB for the United Kingdom).",
        }
    ),
]
RuleId = Annotated[str, BeforeValidator(_rule_id), Field(pattern=RULE_ID)]
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


class Transfer(_Strict):
    """Personal data collected through a cookie sent outside the EU/EEA (GDPR chapter V)."""

    country: Country = Field(description="Where the data goes: an ISO 3166-1 alpha-2 code such as US.")
    safeguard: Safeguard | None = Field(
        None,
        description="What makes the transfer lawful: an adequacy decision (art. 45; data-privacy-framework for "
        "certified US recipients), standard contractual clauses, binding corporate rules, a code of conduct or a "
        "certification (art. 46-47), or a derogation (art. 49). `cookie-catalog lint` reports a transfer without one.",
    )

    @property
    def safeguard_text(self) -> str:
        return SAFEGUARDS[self.safeguard] if self.safeguard else "no safeguard given"


class Acceptance(_Strict):
    """A `cookie-catalog lint` finding accepted for this one cookie, with why: reported as accepted, never hidden."""

    rule: RuleId = Field(description="The rule's id, such as CC101 (docs/lint.md lists them).")
    reason: NonBlank = Field(description="Why the finding is accepted, for the reviewer and the regulator.")


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
    accept: tuple[Acceptance, ...] = Field(
        (),
        description="`cookie-catalog lint` findings about the catalog as a whole (such as CC109) accepted, "
        "each with its rule and a reason; lint still reports them, as accepted.",
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
    # The fields a regulator expects (CNIL 2020 guidelines and recommendation, ICO PECR guidance, EDPB cookie
    # banner taskforce report 2023, CJEU C-673/17 Planet49): all optional, shown wherever a format has a place.
    third_party_access: YamlBool | None = Field(
        None,
        description="Whether third parties can access the cookie or the data read through it: users must be told "
        "(CJEU C-673/17 Planet49, ruling point 2).",
    )
    legal_basis: LegalBasis | None = Field(
        None,
        description="What allows storing and reading it (ePrivacy Directive art. 5(3)): consent, or the exemption "
        "relied on: strictly-necessary-exemption (a service the user asked for), communication-exemption "
        "(transmission of a communication), audience-measurement-exemption (CNIL guidelines 2020, art. 5).",
    )
    data_categories: tuple[NonBlank, ...] = Field(
        (),
        description="The categories of data the cookie holds or collects, such as 'unique identifier', "
        "'pages visited', 'IP address' (CNIL recommendation 2020; GDPR art. 13).",
    )
    retention: DurationField | None = Field(
        None,
        description="How long the data collected through the cookie is kept, distinct from the cookie's own "
        "lifetime (`duration`): written like a duration (CNIL recommendation 2020: 25 months for audience "
        "measurement).",
    )
    lifetime_refreshed: YamlBool | None = Field(
        None,
        description="Whether the cookie's lifetime starts again on each visit, so it may never expire "
        "(CNIL guidelines 2020: a lifetime must not be extended automatically).",
    )
    country: Country | None = Field(
        None,
        description="The country of the controller or recipient (`controller`): an ISO 3166-1 alpha-2 code.",
    )
    transfers: tuple[Transfer, ...] = Field(
        (),
        description="Transfers of the data outside the EU/EEA, each with the country and its safeguard "
        "(GDPR art. 13(1)(f), chapter V).",
    )
    accept: tuple[Acceptance, ...] = Field(
        (),
        description="`cookie-catalog lint` findings accepted for this cookie, each with its rule and a reason; "
        "lint still reports them, as accepted.",
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

Lifetime = duration.Duration  # in Cookie's body, `duration` names the field


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
    them; a field added to ``CookieEntry`` but not here fails on import (``_SLOT_SETTERS``).
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
    third_party_access: bool | None = field(init=False, repr=False, compare=False)
    legal_basis: LegalBasis | None = field(init=False, repr=False, compare=False)
    data_categories: tuple[str, ...] = field(init=False, repr=False, compare=False)
    retention: Lifetime | None = field(init=False, repr=False, compare=False)
    lifetime_refreshed: bool | None = field(init=False, repr=False, compare=False)
    country: str | None = field(init=False, repr=False, compare=False)
    transfers: tuple[Transfer, ...] = field(init=False, repr=False, compare=False)
    accept: tuple[Acceptance, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The dataclass is frozen: each slot is set through its descriptor, found once (``_SLOT_SETTERS``),
        # which is a fifth cheaper than object.__setattr__ looking it up by name, a cookie's 22 times.
        for key, value in self.entry.__dict__.items():
            _SLOT_SETTERS[key](self, value)

    @property
    def legal_basis_text(self) -> str:
        """The legal basis as the pages and policy show it; empty when the catalog does not say."""
        return LEGAL_BASES[self.legal_basis] if self.legal_basis else ""


_SLOT_SETTERS: dict[str, Callable[[Cookie, Any], None]] = {
    name: getattr(Cookie, name).__set__ for name in CookieEntry.model_fields
}


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
