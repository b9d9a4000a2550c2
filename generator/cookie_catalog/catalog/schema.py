"""JSON Schemas of the catalog files and of the policy JSON, derived from types.

The catalog files' schemas come from ``cookie_catalog.catalog.model``; the
policy's (``downloads/cookie-policy.json``) from the typed dictionaries below,
which ``cookie_catalog.render.policy`` builds that file with, so the schema
cannot drift from what is written. The files under
``generator/cookie_catalog/catalog/schemas/`` are this module's output,
committed so that editors (yaml-language-server) and consumers of the policy
find them; a test fails when they fall behind.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict  # pydantic reads typing's TypedDict only from Python 3.12

from cookie_catalog.catalog import duration
from cookie_catalog.catalog.model import (
    CatalogDocument,
    Country,
    HttpUrl,
    LegalBasis,
    NoteKind,
    PluginFile,
    ProductFile,
    Provenance,
    Safeguard,
    Storage,
)

BASE = "https://cookie-catalog.invalid/schemas/"
_ISO_DATE = Annotated[str, Field(json_schema_extra={"format": "date"})]
_CLOSED = ConfigDict(extra="forbid")


@with_config(_CLOSED)
class PolicyNote(TypedDict):
    kind: NoteKind
    text: str


@with_config(_CLOSED)
class PolicyCategory(TypedDict):
    key: str
    label: str
    description: str


@with_config(_CLOSED)
class PolicyTransfer(TypedDict):
    country: Country
    safeguard: Safeguard | None


@with_config(_CLOSED)
class PolicyCookie(TypedDict):
    name: Annotated[str, Field(min_length=1)]
    purpose: str
    duration: Annotated[str, Field(pattern=duration.PATTERN)]
    duration_text: str
    duration_iso8601: Annotated[str, Field(pattern=r"^P(T?)[0-9]+[SMHDWY]$")] | None
    duration_note: str | None
    provenance: Provenance
    category: str
    condition: str | None
    storage: Storage
    domain: str | None
    pattern: bool
    controller: str | None
    privacy_url: HttpUrl | None
    third_party_access: bool | None
    legal_basis: LegalBasis | None
    data_categories: list[str]
    retention: Annotated[str, Field(pattern=duration.PATTERN)] | None
    retention_iso8601: Annotated[str, Field(pattern=r"^P(T?)[0-9]+[SMHDWY]$")] | None
    lifetime_refreshed: bool | None
    country: Country | None
    transfers: list[PolicyTransfer]
    anchor: str


@with_config(_CLOSED)
class PolicyPlugin(TypedDict):
    title: str
    slug: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    description: str | None
    notes: list[PolicyNote]
    cookies: list[PolicyCookie]


@with_config(_CLOSED)
class PolicyData(TypedDict):
    """The whole cookie policy as data, as written by cookie-catalog policy and the MkDocs plugin."""

    product: str
    title: str
    version: str | None
    updated: _ISO_DATE | None
    effective: _ISO_DATE | None
    contact: str | None
    intro: str | None
    notes: list[PolicyNote]
    categories: list[PolicyCategory]
    plugins: list[PolicyPlugin]
    cookie_count: Annotated[int, Field(ge=0)]


def _documented(name: str, title: str, document: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE + name, **document, "title": title}


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema by its file name: the catalog files', the catalog document's and the policy's."""
    models: tuple[tuple[str, type[BaseModel], str], ...] = (
        ("catalog.schema.json", ProductFile, "Cookie catalog: catalog.yml"),
        ("plugin.schema.json", PluginFile, "Cookie catalog: plugins/<name>.yml"),
        ("catalog-document.schema.json", CatalogDocument, "Cookie catalog as one JSON document"),
    )
    out = {name: _documented(name, title, model.model_json_schema(mode="validation")) for name, model, title in models}
    policy = TypeAdapter(PolicyData).json_schema(mode="serialization")
    out["policy.schema.json"] = _documented(
        "policy.schema.json", "Cookie catalog: downloads/cookie-policy.json", policy
    )
    return out


def serialise(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
