"""The JSON Schemas for editors: derived from the model, committed, and pointed at."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.schema import schemas, serialise
from cookie_catalog.catalog.yamlsource import load_yaml
from cookie_catalog.render.policy import policy_data

from support.paths import CATALOG, REPO

SCHEMAS = REPO / "generator" / "cookie_catalog" / "catalog" / "schemas"


@pytest.mark.parametrize(
    "name", ["catalog.schema.json", "plugin.schema.json", "catalog-document.schema.json", "policy.schema.json"]
)
def test_committed_schema_matches_the_model(name):
    assert (SCHEMAS / name).read_text(encoding="utf-8") == serialise(schemas()[name]), (
        "run `cookie-catalog schema --out generator/cookie_catalog/catalog/schemas`"
    )


def test_catalog_files_point_at_the_schema_and_satisfy_it():
    files = [CATALOG / "catalog.yml", *sorted((CATALOG / "plugins").glob("*.yml"))]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path} lacks the yaml-language-server modeline"
        schema_path = (path.parent / match.group(1)).resolve()
        schema = json.loads(schema_path.read_text())
        jsonschema.validate(load_yaml(path).data, schema)


def test_schema_rejects_what_the_validator_rejects():
    schema = schemas()["plugin.schema.json"]
    cookie = {"name": "a", "purpose": "b", "duration": "session", "provenance": "first-party", "category": "functional"}
    jsonschema.validate({"plugin": "P", "cookies": [cookie]}, schema)
    for bad in ({"duration": "forever"}, {"provenance": "no"}, {"purpos": "x"}, {"storage": "cookies"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"plugin": "P", "cookies": [{**cookie, **bad}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"plugin": "P", "cookies": "foo"}, schema)


def test_schema_rejects_category_keys_the_validator_rejects():
    catalog, plugin = schemas()["catalog.schema.json"], schemas()["plugin.schema.json"]
    jsonschema.validate({"product": "P", "categories": {"social-media": {"label": "Social"}}}, catalog)
    cookie = {"name": "a", "purpose": "b", "duration": "session", "provenance": "first-party"}
    cookie["category"] = "social-media"
    jsonschema.validate({"plugin": "P", "cookies": [cookie]}, plugin)
    for key in ('x" onmouseover="alert(1)"', "Social media", "-x", ""):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"product": "P", "categories": {key: {}}}, catalog)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"plugin": "P", "cookies": [{**cookie, "category": key}]}, plugin)


def test_policy_schema_holds_the_policy_json_and_nothing_else():
    """policy.schema.json comes from the types policy_data is built with: its output fits, and only it."""
    schema = schemas()["policy.schema.json"]
    data = policy_data(load_catalog(CATALOG))
    jsonschema.validate(data, schema)
    cookie = data["plugins"][0]["cookies"][0]
    for bad in (
        {**data, "extra": 1},
        {k: v for k, v in data.items() if k != "intro"},
        {**data, "cookie_count": -1},
        {**data, "updated": 20200415},
        {**data, "plugins": [{**data["plugins"][0], "slug": "Not A Slug"}]},
        {**data, "plugins": [{**data["plugins"][0], "cookies": [{**cookie, "duration": "forever"}]}]},
        {**data, "plugins": [{**data["plugins"][0], "cookies": [{**cookie, "storage": "cookies"}]}]},
        {**data, "notes": [{"kind": "aside", "text": "x"}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
