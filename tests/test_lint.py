"""``cookie-catalog lint``: a catalog with one planted violation of each rule gets exactly those findings,
located at file:line:col, the same in text, JSON and SARIF (validated against the SARIF 2.1.0 schema)."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import jsonschema
import pytest

from cookie_catalog.checks import ocd
from cookie_catalog.checks.rules import RULES

from support.catalogs import write_catalog
from support.paths import CATALOG, OCD_CSV, REPO

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BASE = "    purpose: Keeps the chat session open between pages\n    duration: session\n"


def cookie(name: str, extra: str = "", *, base: str = BASE, provenance: str = "first-party") -> str:
    """A strictly-necessary first-party cookie that breaks no rule, plus ``extra`` lines."""
    return f"  - name: {name}\n{base}    provenance: {provenance}\n    category: strictly-necessary\n{extra}"


ANALYTICS = "    purpose: Counts visits to the help pages\n    provenance: first-party\n    category: analytics\n"
# rule -> (the cookie planted for it, the text its finding points at; None: the cookie's first key)
PLANTED: dict[str, tuple[str, str | None]] = {
    "CC101": ("long", "2 years"),
    "CC102": ("no_controller", None),
    "CC103": ("no_privacy", None),
    "CC104": ("_ga", "strictly-necessary"),
    "CC105": ("unknown_life", "unknown"),
    "CC106": ("on_their_domain", "first-party"),
    "CC107": ("vague", "Chat state"),
    "CC108": ("unsafe_transfer", "{country: US}"),
    "CC109": ("abroad", "US"),
    "CC110": ("kept_long", "3 years"),
    "CC111": ("ads_exempt", "strictly-necessary-exemption"),
    "CC112": ("audience", "audience-measurement-exemption"),
    "CC113": ("refreshed", "true"),
    "CC114": ("undisclosed", None),
    "CC116": ("stale_accept", "CC107"),
}
PLUGIN = "plugin: Planted\ncookies:\n" + "".join(
    [
        f"  - name: long\n{ANALYTICS}    duration: 2 years\n    third_party_access: false\n",
        cookie("no_controller", "    privacy_url: https://example.com/privacy\n", provenance="third-party"),
        cookie("no_privacy", "    controller: Example Ltd\n", provenance="third-party"),
        cookie("_ga"),
        cookie("unknown_life", base=BASE.replace("duration: session", "duration: unknown")),
        cookie("on_their_domain", "    domain: .stats.doubleclick.net\n"),
        cookie("vague", base=BASE.replace("Keeps the chat session open between pages", "Chat state")),
        cookie("unsafe_transfer", "    country: DE\n    transfers: [{country: US}]\n"),
        cookie("abroad", "    country: US\n"),
        cookie("kept_long", "    retention: 3 years\n"),
        "  - name: ads_exempt\n    purpose: Shows adverts about the product\n    duration: 1 day\n"
        "    provenance: first-party\n    category: marketing\n    legal_basis: strictly-necessary-exemption\n",
        f"  - name: audience\n{ANALYTICS}    duration: 6 months\n    legal_basis: audience-measurement-exemption\n"
        "    retention: 2 years\n    lifetime_refreshed: true\n    third_party_access: false\n",
        f"  - name: refreshed\n{ANALYTICS}    duration: 6 months\n    third_party_access: false\n"
        "    lifetime_refreshed: true\n",
        f"  - name: undisclosed\n{ANALYTICS}    duration: 6 months\n",
        cookie("stale_accept", "    accept:\n      - rule: CC107\n        reason: Nothing to accept any more\n"),
        cookie(
            "accepted_unknown",
            "    accept:\n      - rule: CC105\n        reason: The vendor does not publish it\n",
            base=BASE.replace("duration: session", "duration: unknown"),
        ),
    ]
)


def expected_place(text: str, name: str, marker: str | None) -> tuple[int, int]:
    """Line and column of ``marker`` in the entry of cookie ``name`` (of its first key without one)."""
    lines = text.splitlines()
    start = lines.index(f"  - name: {name}")
    if marker is None:
        return start + 1, 5
    for number in range(start + 1, len(lines)):
        column = lines[number].find(marker)
        if column >= 0 and not lines[number].lstrip().startswith("- name"):
            return number + 1, column + 1
    raise AssertionError(f"{marker!r} not in {name}")


@pytest.fixture
def planted(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_catalog(tmp_path / "cat", plugins={"planted.yml": PLUGIN})


def expected() -> set[tuple[str, str, int, int, bool]]:
    places = {
        (rule, "cat/plugins/planted.yml", *expected_place(PLUGIN, name, marker), False)
        for rule, (name, marker) in PLANTED.items()
    }
    places.add(("CC105", "cat/plugins/planted.yml", *expected_place(PLUGIN, "accepted_unknown", "unknown"), True))
    places.add(("CC115", "cat/catalog.yml", 1, 1, False))
    return places


def from_text(out: str) -> set[tuple[str, str, int, int, bool]]:
    found = set()
    for line in out.splitlines()[:-1]:
        match = re.fullmatch(r"(.+?):(\d+):(\d+): (error|warning|note): (CC\d{3}): (.*)", line)
        assert match, line
        found.add((match[5], match[1], int(match[2]), int(match[3]), "(accepted: " in match[6]))
    return found


def from_json(out: str) -> set[tuple[str, str, int, int, bool]]:
    return {(f["rule"], f["file"], f["line"], f["column"], f["accepted"]) for f in json.loads(out)["findings"]}


def from_sarif(out: str) -> set[tuple[str, str, int, int, bool]]:
    log = json.loads(out)
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(log)
    found = set()
    for result in log["runs"][0]["results"]:
        place = result["locations"][0]["physicalLocation"]
        region = place["region"]
        where = (place["artifactLocation"]["uri"], region["startLine"], region["startColumn"])
        found.add((result["ruleId"], *where, "suppressions" in result))
    return found


@pytest.mark.parametrize("fmt,read", [("text", from_text), ("json", from_json), ("sarif", from_sarif)])
def test_each_planted_violation_is_found_exactly_once_in_every_format(cli, planted, fmt, read):
    code, out, err = cli("lint", "cat", "--format", fmt)
    assert (code, err) == (1, "")  # errors among them, and --fail-on error by default
    assert read(out) == expected()
    if fmt == "text":  # one line per finding, then the count
        assert len(out.splitlines()) == len(expected()) + 1


def test_every_rule_is_planted():
    assert {rule.id for rule in RULES} == {*PLANTED, "CC115"}


def test_an_accepted_finding_is_reported_with_its_reason_and_never_fails(cli, planted):
    code, out, _ = cli("lint", "cat", "--fail-on", "note", "--format", "json")
    accepted = [f for f in json.loads(out)["findings"] if f["accepted"]]
    assert [(f["rule"], f["reason"]) for f in accepted] == [("CC105", "The vendor does not publish it")]
    assert json.loads(out)["failed"] == len(expected()) - 1 and code == 1
    sarif = json.loads(cli("lint", "cat", "--format", "sarif")[1])["runs"][0]["results"]
    assert [r["suppressions"] for r in sarif if "suppressions" in r] == [
        [{"kind": "inSource", "justification": "The vendor does not publish it"}]
    ]


def test_fail_on_levels_and_exit_codes(cli, planted, tmp_path):
    only_unknown = write_catalog(tmp_path / "warn", plugins={"p.yml": "plugin: P\ncookies:\n" + cookie("unknown_life")})
    (only_unknown / "plugins" / "p.yml").write_text(
        "plugin: P\ncookies:\n" + cookie("x", base=BASE.replace("duration: session", "duration: unknown")),
        encoding="utf-8",
    )
    assert cli("lint", "warn")[0] == 0  # a warning, below the default --fail-on error
    assert cli("lint", "warn", "--fail-on", "warning")[0] == 1
    assert cli("lint", "warn", "--fail-on", "note")[0] == 1
    assert cli("lint", "cat", "--fail-on", "none")[0] == 0


def test_a_catalog_that_cannot_be_read_exits_2_with_its_problems(cli, planted):
    (planted / "plugins" / "planted.yml").write_text("plugin: P\ncookies:\n  - name: x\n", encoding="utf-8")
    code, out, err = cli("lint", "cat")
    assert code == 2 and out == ""
    assert "cat/plugins/planted.yml:3:5: cookies[0].purpose: is required but missing; add it" in err


def test_a_bad_option_is_a_usage_error(cli, planted):
    assert cli("lint", "cat", "--profile", "garante")[0] == 2
    assert cli("lint", "cat", "--fail-on", "fatal")[0] == 2


def test_profiles_select_and_weigh_rules(cli, planted):
    def rules(*args: str) -> dict[str, str]:
        out = cli("lint", "cat", "--format", "json", *args)[1]
        return {f["rule"]: f["level"] for f in json.loads(out)["findings"] if not f["accepted"]}

    every = rules()
    assert every["CC101"] == "warning" and every["CC114"] == "note"
    assert rules("--profile", "cnil")["CC101"] == "error"
    assert rules("--profile", "cnil")["CC113"] == "error"
    assert set(every) - set(rules("--profile", "ico")) == {"CC101", "CC110", "CC112", "CC113"}
    assert rules("--profile", "edpb")["CC114"] == "warning"


def test_an_acceptance_for_a_rule_the_profile_skips_is_not_stale(cli, planted):
    (planted / "plugins" / "planted.yml").write_text(
        PLUGIN.replace("    third_party_access: false\n", "    third_party_access: false\n    accept:\n"
                       "      - rule: CC101\n        reason: Needed for the yearly survey\n", 1),
        encoding="utf-8",
    )  # fmt: skip
    findings = json.loads(cli("lint", "cat", "--format", "json", "--profile", "ico")[1])["findings"]
    assert [f for f in findings if f["rule"] == "CC116"] == [
        f for f in json.loads(cli("lint", "cat", "--format", "json")[1])["findings"] if f["rule"] == "CC116"
    ]
    assert not any(f["rule"] == "CC101" for f in findings)


def test_catalog_wide_finding_accepted_in_catalog_yml(cli, planted):
    (planted / "catalog.yml").write_text(
        "product: T\naccept:\n  - rule: CC115\n    reason: The consent tool keeps the choice server-side\n",
        encoding="utf-8",
    )
    findings = json.loads(cli("lint", "cat", "--format", "json")[1])["findings"]
    assert [(f["rule"], f["accepted"]) for f in findings if f["file"] == "cat/catalog.yml"] == [("CC115", True)]


def test_text_output_keeps_each_finding_on_one_line(cli, planted):
    hostile = "line one\nline two \x1b[31mred\u2028"
    text = PLUGIN.replace("reason: The vendor does not publish it", f"reason: {json.dumps(hostile)}")
    (planted / "plugins" / "planted.yml").write_text(text, encoding="utf-8")
    out = cli("lint", "cat")[1]
    assert len(out.splitlines()) == len(expected()) + 1
    assert "\x1b" not in out and "\u2028" not in out
    reasons = [f["reason"] for f in json.loads(cli("lint", "cat", "--format", "json")[1])["findings"] if f["reason"]]
    assert reasons == [hostile]


def test_out_writes_the_sarif_file(cli, planted):
    code, out, _ = cli("lint", "cat", "--format", "sarif", "--out", "results.sarif")
    assert code == 1 and out == ""
    assert from_sarif((planted.parent / "results.sarif").read_text(encoding="utf-8")) == expected()


SEED_FINDINGS = {("CC102", "warning"): 37, ("CC103", "warning"): 37}


def test_the_seed_catalogs_findings(cli, monkeypatch):
    """The bundled catalog: every cookie is the widget vendor's (third-party) and none names its controller
    or privacy policy (CC102, CC103). Every cookie is a strictly necessary session cookie, so no rule
    about consent, lifetimes or transfers applies."""
    monkeypatch.chdir(REPO)
    code, out, _ = cli("lint", "catalog", "--format", "json")
    findings = json.loads(out)["findings"]
    counts: dict[tuple[str, str], int] = {}
    for f in findings:
        counts[f["rule"], f["level"]] = counts.get((f["rule"], f["level"]), 0) + 1
    assert (code, counts) == (0, SEED_FINDINGS)
    assert cli("lint", "catalog", "--fail-on", "warning")[0] == 1
    sarif = json.loads(cli("lint", str(CATALOG.relative_to(REPO)), "--format", "sarif")[1])
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(sarif)


def test_docs_explain_every_rule_with_its_source_and_fix():
    docs = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    for rule in RULES:
        section = re.search(rf"^### {rule.id}: .*?(?=^##|\Z)", docs, re.S | re.M)
        assert section, rule.id
        assert f"`{rule.name}`" in section[0], rule.id
        assert f"Source: {rule.source}" in section[0] and f"Fix: {rule.fix}" in section[0], rule.id


def test_shipped_ocd_table_is_the_scripts_output_for_the_database():
    spec = importlib.util.spec_from_file_location("ocd_names", REPO / "scripts" / "ocd_names.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    with open(OCD_CSV, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    shipped = (REPO / "generator" / "cookie_catalog" / "checks" / ocd.TABLE).read_text(encoding="utf-8")
    assert script.table(rows) == shipped
    assert "Apache License 2.0" in shipped.splitlines()[1]


def test_ocd_facts_match_names_prefixes_and_domains():
    facts = ocd.facts()
    assert facts.categories("_ga") == {"analytics"}
    assert facts.categories("_ga_ABC123") == {"analytics"}  # the database's wildcard _ga_
    assert facts.categories("_ga_*", pattern=True) == {"analytics"}
    assert facts.categories("no-such-cookie-name") == frozenset()
    assert facts.platform(".stats.doubleclick.net") == ("doubleclick.net", facts.domains["doubleclick.net"])
    assert facts.platform("example.com") is None and facts.platform("net") is None


def test_sarif_names_a_catalog_outside_the_working_directory_by_file_uri(cli, planted, tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    log = json.loads(cli("lint", str(planted), "--format", "sarif")[1])
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {(planted / "plugins" / "planted.yml").as_uri(), (planted / "catalog.yml").as_uri()}
