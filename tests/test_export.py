"""Every export parses back and has the shape its target documents."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.model import CatalogDocument
from cookie_catalog.cli import main
from cookie_catalog.interop.exporters import cookieconsent, edpb, json_catalog, klaro
from cookie_catalog.interop.exporters import ocd as ocd_export
from cookie_catalog.render import tcf

from support.jsparse import parse_js
from support.paths import DATA, ROOT

BUNDLED = ROOT / "catalog"
NODE = shutil.which("node")
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


def node_json(script: str) -> object:
    """Run ``script`` with node and read what it prints: the config, RegExps as {"regex": source}."""
    result = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


REPLACER = "(k, v) => v instanceof RegExp ? {regex: v.source} : v"


def _shop_catalog(tmp_path, runner) -> Path:
    out = tmp_path / "shop"
    assert (
        runner.invoke(main, ["import", "html", str(DATA / "shop-cookie-table.html"), "--out", str(out)]).exit_code == 0
    )
    return out


# -- JSON ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["bundled", "ocd"])
def test_json_validates_against_the_catalog_schema(which, ocd_catalog):
    catalog = load_catalog(BUNDLED if which == "bundled" else ocd_catalog)
    data = json.loads(json_catalog.export(catalog))
    schema = json.loads((ROOT / "generator/cookie_catalog/catalog/schemas/catalog-document.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    document = CatalogDocument.model_validate(data)
    assert document.product == catalog.product
    assert list(document.plugins) == [p.source for p in catalog.plugins]
    for plugin, written in zip(catalog.plugins, document.plugins.values(), strict=True):
        assert written.plugin == plugin.title and written.cookies == [c.entry for c in plugin.cookies]


def test_committed_schemas_match_the_model():
    from cookie_catalog.catalog.schema import schemas, serialise

    for name, document in schemas().items():
        assert (ROOT / "generator/cookie_catalog/catalog/schemas" / name).read_text(encoding="utf-8") == serialise(
            document
        ), name


# -- Open Cookie Database --------------------------------------------------------------------------


def test_ocd_export_of_another_catalog(tmp_path, runner):
    catalog = load_catalog(_shop_catalog(tmp_path, runner))
    rows = list(csv.DictReader(io.StringIO(ocd_export.export(catalog))))
    assert list(rows[0]) == list(__import__("cookie_catalog.interop.importers.ocd", fromlist=["COLUMNS"]).COLUMNS)
    by_name = {r["Cookie / Data Key name"]: r for r in rows}
    assert by_name["basket_id"]["Category"] == "Functional" and by_name["lang"]["Category"] == "Functional"
    assert by_name["trk"]["Category"] == "Social media"  # a category the database lacks goes by its label
    assert by_name["_ga_*"]["Wildcard match"] == "1" and by_name["basket_id"]["Retention period"] == "30 days"
    assert len({r["ID"] for r in rows}) == len(rows)
    assert ocd_export.export(catalog) == ocd_export.export(catalog)  # stable IDs


# -- cookieconsent v3 ------------------------------------------------------------------------------

# The documented shape (types/index.d.ts of orestbida/cookieconsent v3): the parts we write.
COOKIECONSENT_SCHEMA = {
    "type": "object",
    "required": ["categories", "language"],
    "properties": {
        "categories": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "enabled": {"type": "boolean"},
                    "readOnly": {"type": "boolean"},
                    "autoClear": {
                        "type": "object",
                        "required": ["cookies"],
                        "properties": {
                            "cookies": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "name": {
                                            "anyOf": [{"type": "string"}, {"type": "object", "required": ["regex"]}]
                                        },
                                        "path": {"type": "string"},
                                        "domain": {"type": "string"},
                                    },
                                },
                            },
                            "reloadPage": {"type": "boolean"},
                        },
                    },
                },
            },
        },
        "language": {
            "type": "object",
            "required": ["default", "translations"],
            "properties": {
                "default": {"type": "string"},
                "translations": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["consentModal", "preferencesModal"],
                        "properties": {
                            "preferencesModal": {
                                "type": "object",
                                "required": ["sections"],
                                "properties": {
                                    "sections": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "additionalProperties": False,
                                            "properties": {
                                                "title": {"type": "string"},
                                                "description": {"type": "string"},
                                                "linkedCategory": {"type": "string"},
                                                "cookieTable": {
                                                    "type": "object",
                                                    "required": ["headers", "body"],
                                                    "properties": {
                                                        "headers": {
                                                            "type": "object",
                                                            "additionalProperties": {"type": "string"},
                                                        },
                                                        "body": {
                                                            "type": "array",
                                                            "items": {
                                                                "type": "object",
                                                                "additionalProperties": {"type": "string"},
                                                            },
                                                        },
                                                    },
                                                },
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                },
            },
        },
    },
}


def test_cookieconsent_shape_and_patterns(tmp_path, runner):
    catalog = load_catalog(_shop_catalog(tmp_path, runner))
    text = cookieconsent.export(catalog)
    config = parse_js(text, "export default ")
    jsonschema.validate(config, COOKIECONSENT_SCHEMA)
    categories = config["categories"]
    assert categories["strictly-necessary"] == {"enabled": True, "readOnly": True}
    assert {"name": "_ga"} in categories["analytics"]["autoClear"]["cookies"]
    assert {"name": {"regex": r"^_ga_.*$"}} in categories["analytics"]["autoClear"]["cookies"]
    sections = config["language"]["translations"]["en"]["preferencesModal"]["sections"]
    linked = {s["linkedCategory"] for s in sections if "linkedCategory" in s}
    assert linked == set(categories)
    if NODE:
        path = tmp_path / "cc.mjs"
        path.write_text(text, encoding="utf-8")
        assert (
            node_json(f"import c from {json.dumps(path.as_uri())}; console.log(JSON.stringify(c, {REPLACER}))")
            == config
        )
        matched = node_json(
            f"import c from {json.dumps(path.as_uri())}; "
            "console.log(JSON.stringify(c.categories.analytics.autoClear.cookies.map("
            "x => x.name instanceof RegExp ? x.name.test('_ga_XYZ') && !x.name.test('x_ga_') : x.name)))"
        )
        assert True in matched


def test_cookieconsent_of_the_whole_database(ocd_catalog):
    config = parse_js(cookieconsent.export(load_catalog(ocd_catalog)), "export default ")
    jsonschema.validate(config, COOKIECONSENT_SCHEMA)
    for category in config["categories"].values():
        for item in category.get("autoClear", {}).get("cookies", []):
            if isinstance(item["name"], dict):
                re.compile(item["name"]["regex"])


# -- Klaro! ----------------------------------------------------------------------------------------

# Klaro's annotated configuration: the keys we write and their types.
KLARO_SCHEMA = {
    "type": "object",
    "required": ["services"],
    "properties": {
        "version": {"const": 1},
        "elementID": {"type": "string"},
        "storageMethod": {"enum": ["cookie", "localStorage"]},
        "groupByPurpose": {"type": "boolean"},
        "translations": {
            "type": "object",
            "properties": {
                "zz": {
                    "type": "object",
                    "properties": {
                        "purposes": {
                            "type": "object",
                            "additionalProperties": {"type": "object", "required": ["title"]},
                        }
                    },
                }
            },
        },
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "purposes"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    "title": {"type": "string"},
                    "purposes": {"type": "array", "items": {"type": "string"}},
                    "cookies": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "object", "required": ["regex"]}]},
                    },
                    "required": {"type": "boolean"},
                    "default": {"type": "boolean"},
                    "translations": {"type": "object"},
                },
            },
        },
    },
}


def test_klaro_shape(tmp_path, runner, ocd_catalog):
    catalog = load_catalog(_shop_catalog(tmp_path, runner))
    text = klaro.export(catalog)
    config = parse_js(text, "var klaroConfig = ")
    jsonschema.validate(config, KLARO_SCHEMA)
    services = {s["name"]: s for s in config["services"]}
    assert services["example-shop-strictly-necessary"]["required"] is True  # split: the plugin spans two categories
    assert services["example-shop-functional"]["required"] is False
    assert services["google-analytics"]["cookies"] == ["_ga", {"regex": "^_ga_.*$"}]
    purposes = {p for s in config["services"] for p in s["purposes"]}
    assert purposes == set(config["translations"]["zz"]["purposes"])
    if NODE:
        path = tmp_path / "klaro.js"
        path.write_text(text, encoding="utf-8")
        script = (
            f"import fs from 'fs'; import vm from 'vm'; vm.runInThisContext(fs.readFileSync({json.dumps(str(path))}, "
            f"'utf8')); console.log(JSON.stringify(globalThis.klaroConfig, {REPLACER}))"
        )
        assert node_json(script) == config
    whole = parse_js(klaro.export(load_catalog(ocd_catalog)), "var klaroConfig = ")
    jsonschema.validate(whole, KLARO_SCHEMA)
    assert len({s["name"] for s in whole["services"]}) == len(whole["services"])


def test_klaro_service_descriptions_count_cookies_and_storage_keys(ocd_catalog):
    """ "1 cookies: marketing." read wrong; storage keys are not cookies either."""
    catalog = load_catalog(ocd_catalog)
    services = {s["title"]: s for s in klaro.config(catalog)["services"]}
    for plugin in catalog.plugins:
        if plugin.description or len({c.category for c in plugin.cookies}) > 1:
            continue
        cookies = sum(c.storage == "cookie" for c in plugin.cookies)
        keys = len(plugin.cookies) - cookies
        words = [f"{cookies} cookie{'s' * (cookies != 1)}"] * bool(cookies)
        words += [f"{keys} storage key{'s' * (keys != 1)}"] * bool(keys)
        label = catalog.category(plugin.cookies[0].category).label.lower()
        assert services[plugin.title]["translations"]["en"]["description"] == f"{' and '.join(words)}: {label}."


# -- EDPB Website Auditing Tool --------------------------------------------------------------------

# knowledgeBase.model.ts, knowledge.model.ts and knowledges/*-knowledge.model.ts of the tool.
_COMMON = {
    k: {"type": "string"}
    for k in ("category", "source", "controller", "date", "policy", "reference", "comment", "updated_at", "created_at")
}
EDPB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "author", "category", "knowledges", "created_at"],
        "properties": {
            "category": {"enum": ["cookie", "localstorage"]},
            "knowledges": {
                "type": "array",
                "items": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["kind", "name", "domain", *_COMMON],
                            "additionalProperties": False,
                            "properties": {
                                "kind": {"const": "cookie"},
                                "name": {"type": "string"},
                                "domain": {"type": "string"},
                                "wildcard_match": {"enum": [0, 1]},
                                **_COMMON,
                            },
                        },
                        {
                            "type": "object",
                            "required": ["kind", "key", "script", *_COMMON],
                            "additionalProperties": False,
                            "properties": {
                                "kind": {"const": "localstorage"},
                                "key": {"type": "string"},
                                "script": {"type": "string"},
                                **_COMMON,
                            },
                        },
                    ]
                },
            },
        },
    },
}
# One entry of the Open Cookie Database's published open-cookie-database-edpb.json.
PUBLISHED_GA = {
    "kind": "cookie",
    "domain": "",
    "name": "_ga",
    "category": "analytics",
    "source": "Google Analytics",
    "controller": "Google",
    "date": "",
    "policy": "https://business.safety.google/privacy/",
    "reference": "256c18e8-d881-11e9-8a34-2a2ae2dbcce4",
    "comment": "ID used to identify users",
}


def test_edpb_matches_the_published_file(ocd_catalog):
    bases = json.loads(edpb.export(load_catalog(ocd_catalog), NOW))
    jsonschema.validate(bases, EDPB_SCHEMA)
    kinds = {b["category"]: b for b in bases}
    assert set(kinds) == {"cookie", "localstorage"}
    assert all(k["kind"] == base["category"] for base in bases for k in base["knowledges"])
    assert sum(len(b["knowledges"]) for b in bases) == 2264
    ga = next(k for k in kinds["cookie"]["knowledges"] if k["reference"] == PUBLISHED_GA["reference"])
    same = {k: v for k, v in ga.items() if k not in ("updated_at", "created_at", "wildcard_match", "domain")}
    assert same == {k: v for k, v in PUBLISHED_GA.items() if k != "domain"}
    assert ga["domain"] == "*"  # the published "" is found by no lookup of the tool's (below)
    assert ga["created_at"] == "2024-05-01T12:00:00.000Z"
    assert {k["category"] for k in kinds["cookie"]["knowledges"]} <= {
        "necessary",
        "functional",
        "analytics",
        "marketing",
        "security",
        "personalization",
    }


# The tool's lookup, re-implemented from its source (src/app/services/knowledge-base.service.ts `search` and
# knowledges/cookie-knowledges.service.ts `getCookieEntries`, localstorage-knowledges.service.ts
# `getLocalStorageEntries`, in https://code.europa.eu/edpb/website-auditing-tool, mirrored at
# https://github.com/patmmccann/edpb-website-auditing-tool): only bases with `used == true` are searched; a cookie
# is found by its name among knowledges whose domain is "*", or by name and the exact domain the browser reports
# (IndexedDB `IDBKeyRange.only`: exact, case-sensitive); a storage key by its exact key.


def _tool_finds_cookie(bases: list[dict], name: str, domain: str) -> bool:
    knowledges = [k for b in bases if b.get("used") is True and b["category"] == "cookie" for k in b["knowledges"]]
    by_name = [k for k in knowledges if k["name"] == name]
    name_only = [k for k in by_name if k["domain"] == "*"]
    name_and_domain = [k for k in by_name if k["domain"] == domain]
    return bool(name_only or name_and_domain)


def _tool_finds_key(bases: list[dict], key: str) -> bool:
    used = [b for b in bases if b.get("used") is True and b["category"] == "localstorage"]
    return any(k["key"] == key for b in used for k in b["knowledges"])


@pytest.mark.parametrize("site", ["customer.example", ".customer.example", "www.shop.example"])
def test_edpb_tool_recognises_every_seed_cookie_on_any_site(site):
    """The seed's 37 first-party cookies, set on whatever site embeds the widgets, are each found."""
    catalog = load_catalog(BUNDLED)
    bases = json.loads(edpb.export(catalog))
    cookies = [c for p in catalog.plugins for c in p.cookies]
    assert len(cookies) == 37
    for cookie in cookies:
        assert _tool_finds_cookie(bases, cookie.name, site), cookie.name


def test_edpb_tool_recognises_the_databases_cookies(ocd_catalog):
    """First-party ones on any site, third-party ones on their domain, storage keys by key; no platform is ""."""
    catalog = load_catalog(ocd_catalog)
    bases = json.loads(edpb.export(catalog))
    for plugin in catalog.plugins:
        for cookie in plugin.cookies:
            if cookie.pattern:
                continue  # the tool compares names exactly: a pattern cannot match there
            if cookie.storage == "local-storage":
                assert _tool_finds_key(bases, cookie.name), cookie.name
            elif cookie.provenance == "first-party":
                assert _tool_finds_cookie(bases, cookie.name, "any-site.example"), cookie.name
            else:  # on its domain, as the database spells it (".gstatic.com" is what a browser reports too)
                assert _tool_finds_cookie(bases, cookie.name, (cookie.domain or "").strip()), cookie.name
    free_text = [k for b in bases for k in b["knowledges"] if "(3rd party)" in k.get("domain", "")]
    assert not free_text  # "x.com (3rd party) or ..." equals no domain a browser reports
    sources = {k["source"] for b in bases for k in b["knowledges"]}
    ocd_platforms = {r["Platform"] for r in csv.DictReader(io.StringIO(ocd_export.export(catalog)))}
    assert "" in sources and sources == ocd_platforms


def test_edpb_dates_are_the_catalogs():
    catalog = load_catalog(BUNDLED)
    text = edpb.export(catalog)
    assert text == edpb.export(catalog)
    stamps = {b["created_at"] for b in json.loads(text)} | {
        k[f] for b in json.loads(text) for k in b["knowledges"] for f in ("created_at", "updated_at")
    }
    assert stamps == {"2020-04-15T00:00:00.000Z"}  # catalog.yml's `updated`


# -- IAB TCF device storage disclosure --------------------------------------------------------------

TCF_SCHEMA = json.loads((DATA / "tcf-device-storage-disclosure.schema.json").read_text(encoding="utf-8"))
TCF = jsonschema.Draft202012Validator(TCF_SCHEMA)
# The specification's Example 1, its "..." parts left out.
TCF_SPEC_EXAMPLE = {
    "disclosures": [
        {
            "identifier": "retarget-adtech123",
            "type": "cookie",
            "maxAgeSeconds": 2592000000,
            "cookieRefresh": False,
            "domains": ["retarget.adtech123.com"],
            "purposes": [1, 3, 4, 5, 6],
            "specialPurposes": [1],
        },
        {
            "identifier": "id",
            "type": "web",
            "maxAgeSeconds": None,
            "cookieRefresh": False,
            "domains": ["tracking.adtech123.com"],
            "purposes": [1, 3, 4, 5, 6, 7, 8, 9, 10],
        },
    ],
    "domains": [{"domain": "retarget.adtech123.com", "purposes": [1, 3, 4, 5, 6], "specialPurposes": [1]}],
}


def test_tcf_schema_accepts_the_specs_example_and_refuses_what_the_spec_forbids():
    jsonschema.Draft202012Validator.check_schema(TCF_SCHEMA)
    TCF.validate(TCF_SPEC_EXAMPLE)
    cookie = TCF_SPEC_EXAMPLE["disclosures"][0]
    for bad in (
        {**cookie, "identifier": "*"},  # a wildcard alone
        {**cookie, "maxAgeSeconds": None},  # a cookie without a duration
        {k: v for k, v in cookie.items() if k != "cookieRefresh"},
        {k: v for k, v in cookie.items() if k != "domains"},
        {**cookie, "domains": ["https://adtech123.com"]},
        {**cookie, "domains": ["google-analytics.com (3rd party)"]},
        {**cookie, "type": "web"},  # web storage has no max age
    ):
        assert not TCF.is_valid({"disclosures": [bad], "domains": []}), bad


@pytest.mark.parametrize("which", ["bundled", "shop", "ocd"])
def test_tcf_disclosure_validates_against_the_published_structure(which, tmp_path, runner, ocd_catalog):
    path = {"bundled": BUNDLED, "shop": None, "ocd": ocd_catalog}[which] or _shop_catalog(tmp_path, runner)
    catalog = load_catalog(path)
    data = json.loads(tcf.export(catalog))
    TCF.validate(data)
    disclosed = [c for p in catalog.plugins for c in p.cookies if c.storage != "pixel"]
    assert len(data["disclosures"]) == len(disclosed)


def test_tcf_disclosure_maps_categories_durations_and_patterns(tmp_path, runner):
    data = json.loads(tcf.export(load_catalog(_shop_catalog(tmp_path, runner))))
    by_name = {d["identifier"]: d for d in data["disclosures"]}
    basket = by_name["basket_id"]  # strictly necessary, 30 days, first party
    assert basket["purposes"] == [] and basket["maxAgeSeconds"] == 30 * 86400 and basket["domains"] == ["*"]
    assert 1 not in basket["purposes"]  # exempt from the ePrivacy consent requirement
    ga = by_name["_ga_*"]
    assert ga["purposes"] == [1, 8, 9, 10] and ga["type"] == "cookie"
    assert all(1 in d["purposes"] for d in data["disclosures"] if d["identifier"] != "basket_id")
    assert by_name["_ga"]["maxAgeSeconds"] == 2 * 365 * 86400 and by_name["trk"]["purposes"] == [1]  # own category


@pytest.mark.parametrize("name", ["*", "**"])
def test_tcf_refuses_a_wildcard_alone(runner, tmp_path, name):
    """The spec: "A wildcard alone is invalid"; such a pattern would disclose every identifier: the catalog
    refuses the name, at its line, for every export and the site alike."""
    catalog = tmp_path / "catalog"
    shutil.copytree(BUNDLED, catalog)
    (catalog / "plugins" / "all.yml").write_text(
        f"plugin: All\ncookies:\n  - name: '{name}'\n    purpose: Everything.\n    duration: 1 day\n"
        "    provenance: first-party\n    category: marketing\n    pattern: true\n",
        encoding="utf-8",
    )
    out = tmp_path / "tcf.json"
    result = runner.invoke(main, ["export", "tcf-disclosure", "--catalog", str(catalog), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output and not out.exists()
    assert "plugins/all.yml:3:" in result.output and "name: is only wildcards" in result.output


def test_tcf_disclosure_of_patterns_storage_and_unknown_durations(ocd_catalog):
    catalog = load_catalog(ocd_catalog)
    data = json.loads(tcf.export(catalog))
    cookies = [c for p in catalog.plugins for c in p.cookies]
    for cookie, item in zip(cookies, data["disclosures"], strict=True):
        if cookie.pattern and "*" not in cookie.name:
            assert item["identifier"] == cookie.name + "*"
        if cookie.storage == "local-storage":
            assert item["type"] == "web" and item["maxAgeSeconds"] is None and "cookieRefresh" not in item
        elif cookie.duration.kind in ("persistent", "unknown"):
            assert item["maxAgeSeconds"] == 400 * 86400
        elif cookie.duration.kind == "session":
            assert item["maxAgeSeconds"] == 0  # as Set-Cookie says
    assert {d["domain"] for d in data["domains"]} >= {"doubleclick.net"}


# -- command line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["open-cookie-database", "open-cookie-database-json", "cookieconsent", "klaro", "edpb", "tcf-disclosure", "json"],
)
def test_cli_exports_to_a_file_and_to_stdout(runner, tmp_path, target):
    out = tmp_path / "export.out"
    result = runner.invoke(main, ["export", target, "--catalog", str(BUNDLED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8")
    stdout = runner.invoke(main, ["export", target, "--catalog", str(BUNDLED)])
    assert stdout.exit_code == 0 and stdout.output.strip()


def test_cli_export_of_a_broken_catalog(runner, tmp_path):
    result = runner.invoke(main, ["export", "json", "--catalog", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "no such catalog directory" in result.output
