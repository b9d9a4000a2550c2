"""The rules of ``cookie-catalog lint``: each with a stable id, its source, how to fix it, and its check.

Ids never change meaning and are never reused: catalogs accept findings by id (``accept:``), and code
scanning tracks alerts by it. docs/lint.md explains every rule; a test keeps the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from cookie_catalog.catalog.countries import EEA
from cookie_catalog.catalog.duration import Duration
from cookie_catalog.catalog.model import Catalog, Cookie
from cookie_catalog.checks.ocd import facts

Level = Literal["note", "warning", "error"]
LEVELS: tuple[Level, ...] = ("note", "warning", "error")  # lowest first, as --fail-on compares them
PROFILES = ("cnil", "ico", "edpb")
# Where in a cookie's entry a finding points (a key, or the entry itself), and what it says.
Hit = tuple[tuple[str | int, ...], str]

_DAY = 86400
THIRTEEN_MONTHS = 395 * _DAY  # 13 x 365/12 days: "13 months" (390 days) and "1 year" pass, "57 weeks" does not
TWENTY_FIVE_MONTHS = 761 * _DAY  # 25 x 365/12 days
# Categories whose cookies need no consent unless the catalog says otherwise (legal_basis).
EXEMPT_CATEGORIES = frozenset({"strictly-necessary"})
TRACKING_CATEGORIES = frozenset({"analytics", "marketing", "personalization"})
EXEMPTIONS = frozenset({"strictly-necessary-exemption", "communication-exemption", "audience-measurement-exemption"})
# Cookies that consent management platforms record the visitor's choice in.
CONSENT_COOKIES = re.compile(
    r"cc_cookie|klaro|Optanon(Consent|AlertBoxClosed)|CookieConsent|cookieyes-consent|euconsent(-v2)?|didomi_token"
    r"|borlabs-cookie|cmplz_consent_status|CookieScriptConsent|uc_settings|axeptio_cookies|tarteaucitron|_iub_cs-.*"
    r"|consentUUID|cookie_consent.*",
    re.IGNORECASE,
)
_CONSENT_WORD = re.compile(r"\bconsent", re.IGNORECASE)
MIN_PURPOSE_WORDS = 4


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: Level
    summary: str
    source: str
    fix: str
    skipped_by: frozenset[str] = frozenset()  # profiles that do not run it
    levels: dict[str, Level] = field(default_factory=dict)  # a profile's own level for it

    def level_in(self, profile: str | None) -> Level:
        return self.levels.get(profile or "", self.level)

    def runs_in(self, profile: str | None) -> bool:
        return profile not in self.skipped_by


def needs_consent(cookie: Cookie) -> bool:
    """Consent is needed unless the catalog names an exemption, or files the cookie as strictly necessary."""
    if cookie.legal_basis:
        return cookie.legal_basis == "consent"
    return cookie.category not in EXEMPT_CATEGORIES


def _seconds(value: Duration) -> float:
    """A lifetime in seconds; without end for ``persistent``; ``session`` and ``unknown`` as 0 (other rules)."""
    if value.kind == "persistent":
        return float("inf")
    return value.seconds or 0


def cc101(cookie: Cookie) -> Iterator[Hit]:
    if needs_consent(cookie) and _seconds(cookie.duration) > THIRTEEN_MONTHS:
        yield ("duration",), f"needs consent and lives {cookie.duration}; expected at most 13 months"


def cc102(cookie: Cookie) -> Iterator[Hit]:
    if cookie.provenance == "third-party" and not cookie.controller:
        yield ("controller",), "is third-party but names no controller; expected `controller:` (who receives the data)"


def cc103(cookie: Cookie) -> Iterator[Hit]:
    if cookie.provenance == "third-party" and not cookie.privacy_url:
        yield ("privacy_url",), "is third-party but links no privacy policy; expected `privacy_url:`"


def cc104(cookie: Cookie) -> Iterator[Hit]:
    if cookie.category != "strictly-necessary":
        return
    filed = facts().categories(cookie.name, pattern=cookie.pattern) & {"analytics", "marketing"}
    if filed:
        said = " and ".join(sorted(filed))
        yield ("category",), f"is strictly-necessary, but the Open Cookie Database files {cookie.name!r} as {said}"


def cc105(cookie: Cookie) -> Iterator[Hit]:
    if cookie.duration.kind == "unknown":
        yield ("duration",), "is unknown; expected the cookie's lifetime, which users must be told"


def cc106(cookie: Cookie) -> Iterator[Hit]:
    if cookie.provenance != "first-party" or not cookie.domain:
        return
    owner = facts().platform(cookie.domain)
    if owner:
        domain, platform = owner
        yield ("provenance",), f"is first-party, but its domain {domain} is {platform}'s (Open Cookie Database)"


def cc107(cookie: Cookie) -> Iterator[Hit]:
    if len(cookie.purpose.split()) < MIN_PURPOSE_WORDS:
        yield ("purpose",), f"says too little ({len(cookie.purpose.split())} words); expected what the cookie does"


def cc108(cookie: Cookie) -> Iterator[Hit]:
    for i, transfer in enumerate(cookie.transfers):
        if not transfer.safeguard:
            yield ("transfers", i), f"sends data to {transfer.country} with no safeguard; expected `safeguard:`"


def cc109(cookie: Cookie) -> Iterator[Hit]:
    if cookie.country and cookie.country not in EEA and not cookie.transfers:
        yield ("country",), f"is {cookie.country}, outside the EU/EEA, but no transfer is listed; expected `transfers:`"


def cc110(cookie: Cookie) -> Iterator[Hit]:
    if cookie.retention and _seconds(cookie.retention) > TWENTY_FIVE_MONTHS:
        yield ("retention",), f"keeps the data {cookie.retention}; expected at most 25 months"


def cc111(cookie: Cookie) -> Iterator[Hit]:
    basis = cookie.legal_basis
    if basis in ("strictly-necessary-exemption", "communication-exemption") and cookie.category in TRACKING_CATEGORIES:
        yield ("legal_basis",), f"claims {basis} for a cookie in {cookie.category}; expected consent"


def cc112(cookie: Cookie) -> Iterator[Hit]:
    if cookie.legal_basis != "audience-measurement-exemption":
        return
    unmet = [
        why
        for why, failed in (
            ("its category is not analytics", cookie.category != "analytics"),
            ("it lives longer than 13 months", not 0 < _seconds(cookie.duration) <= THIRTEEN_MONTHS),
            ("its lifetime is refreshed on each visit", cookie.lifetime_refreshed is True),
            (
                "its data is not kept at most 25 months",
                not cookie.retention or _seconds(cookie.retention) > TWENTY_FIVE_MONTHS,
            ),
            ("third parties can access it", cookie.third_party_access is True),
        )
        if failed
    ]
    if unmet:
        yield ("legal_basis",), f"claims the audience-measurement exemption, but {'; '.join(unmet)}"


def cc113(cookie: Cookie) -> Iterator[Hit]:
    if needs_consent(cookie) and cookie.lifetime_refreshed:
        yield ("lifetime_refreshed",), "needs consent and its lifetime restarts on each visit; expected a fixed end"


def cc114(cookie: Cookie) -> Iterator[Hit]:
    if needs_consent(cookie) and cookie.third_party_access is None:
        yield ("third_party_access",), "needs consent but does not say whether third parties can access it"


def records_consent(cookie: Cookie) -> bool:
    """A cookie that keeps the visitor's consent choice: a consent tool's, or one that says so and needs none."""
    if CONSENT_COOKIES.fullmatch(cookie.name.rstrip("*")):
        return True
    return not needs_consent(cookie) and bool(_CONSENT_WORD.search(cookie.purpose))


def cc115(catalog: Catalog) -> Iterator[Hit]:
    cookies = [c for p in catalog.plugins for c in p.cookies]
    if any(needs_consent(c) for c in cookies) and not any(records_consent(c) for c in cookies):
        yield (), "lists cookies that need consent but none that records the choice; expected that cookie"


CookieCheck = Callable[[Cookie], Iterator[Hit]]
CatalogCheck = Callable[[Catalog], Iterator[Hit]]
_CNIL = frozenset({"ico", "edpb"})  # the CNIL's own numbers: other profiles leave these rules out
_CNIL_2020 = "CNIL guidelines (deliberation 2020-091) and recommendation (2020-092) of 17 September 2020"
_ICO = "ICO, Guidance on the use of cookies and similar technologies (PECR)"
_EDPB = "EDPB, Report of the work undertaken by the Cookie Banner Taskforce, 17 January 2023"
_PLANET49 = "CJEU, C-673/17 Planet49, 1 October 2019"
_GDPR_V = "GDPR art. 13(1)(f) and chapter V (arts. 44-49)"

RULES: tuple[Rule, ...] = (
    Rule(
        "CC101",
        "consent-lifetime-over-13-months",
        "warning",
        "A cookie that needs consent lives longer than 13 months.",
        "CNIL: trackers live at most 13 months (recommendation 2013-378; kept in the 2020 guidelines, "
        "deliberation 2020-091, art. 5, for exempted audience measurement).",
        "Shorten the cookie's `duration`, or accept the finding with the reason.",
        _CNIL,
        {"cnil": "error"},
    ),
    Rule(
        "CC102",
        "third-party-without-controller",
        "warning",
        "A third-party cookie names no controller or recipient.",
        f"{_CNIL_2020} (identity of the controllers); {_ICO}; {_PLANET49}.",
        "Add `controller:` with the company that receives the data.",
    ),
    Rule(
        "CC103",
        "third-party-without-privacy-link",
        "warning",
        "A third-party cookie links no privacy policy.",
        f"{_CNIL_2020} (a link to each controller's policy); {_ICO}.",
        "Add `privacy_url:` with the controller's privacy policy.",
    ),
    Rule(
        "CC104",
        "strictly-necessary-filed-as-tracking",
        "error",
        "A `strictly-necessary` cookie that the Open Cookie Database files as analytics or marketing.",
        f"{_EDPB} (cookies wrongly classified as essential); ePrivacy Directive art. 5(3).",
        "File the cookie under `analytics` or `marketing`, or accept the finding saying why it is essential here.",
    ),
    Rule(
        "CC105",
        "unknown-duration",
        "warning",
        "A cookie's lifetime is `unknown`.",
        f"{_PLANET49} (the duration must be given); {_ICO}.",
        "Write the lifetime as `duration:` (`session`, `<n> <unit>` or `persistent`).",
    ),
    Rule(
        "CC106",
        "first-party-on-third-party-domain",
        "error",
        "A cookie marked first-party is set on a domain the Open Cookie Database gives to a third-party platform.",
        f"{_ICO} (first and third party); {_PLANET49}.",
        "Set `provenance: third-party` and name its `controller:`.",
    ),
    Rule(
        "CC107",
        "purpose-too-vague",
        "note",
        "A cookie's purpose says too little (fewer than four words).",
        f"{_EDPB}; {_CNIL_2020} (purposes presented clearly and specifically).",
        "Say what the cookie does and why, in a sentence.",
    ),
    Rule(
        "CC108",
        "transfer-without-safeguard",
        "error",
        "A transfer outside the EU/EEA names no safeguard.",
        _GDPR_V,
        "Add `safeguard:` to the transfer (adequacy-decision, data-privacy-framework, standard-contractual-clauses).",
    ),
    Rule(
        "CC109",
        "non-eea-country-without-transfer",
        "warning",
        "The controller's country is outside the EU/EEA but no transfer is listed.",
        _GDPR_V,
        "List the transfer under `transfers:` with its safeguard, or correct `country:`.",
    ),
    Rule(
        "CC110",
        "retention-over-25-months",
        "note",
        "The data collected through a cookie is kept longer than 25 months.",
        f"{_CNIL_2020}, art. 5: data collected through audience-measurement trackers kept at most 25 months.",
        "Shorten `retention:`, or accept the finding with the reason.",
        _CNIL,
        {"cnil": "warning"},
    ),
    Rule(
        "CC111",
        "exemption-for-tracking-cookie",
        "error",
        "An analytics, marketing or personalization cookie claims the strictly-necessary or communication exemption.",
        "ePrivacy Directive art. 5(3); Article 29 Working Party, Opinion 04/2012 on Cookie Consent Exemption (WP194).",
        "Set `legal_basis: consent`, or file the cookie under the category that describes it.",
    ),
    Rule(
        "CC112",
        "audience-measurement-exemption-unmet",
        "error",
        "A cookie claims the CNIL's audience-measurement exemption without meeting its conditions.",
        f"{_CNIL_2020}, art. 5: analytics only, lifetime at most 13 months and not extended, data kept at most "
        "25 months, no third-party access.",
        "Meet each condition and say so (`duration`, `retention`, `lifetime_refreshed`, `third_party_access`), "
        "or set `legal_basis: consent`.",
        _CNIL,
    ),
    Rule(
        "CC113",
        "consent-lifetime-refreshed",
        "warning",
        "A cookie that needs consent has its lifetime refreshed on each visit.",
        f"{_CNIL_2020}, art. 5: a tracker's lifetime is not extended automatically on new visits.",
        "Give the cookie a fixed end (`lifetime_refreshed: false`), or accept the finding with the reason.",
        _CNIL,
        {"cnil": "error"},
    ),
    Rule(
        "CC114",
        "third-party-access-not-stated",
        "note",
        "A cookie that needs consent does not say whether third parties can access it.",
        f"{_PLANET49}, ruling point 2: the information given includes whether third parties may have access to "
        "the cookies.",
        "Add `third_party_access: true` or `false`.",
        frozenset(),
        {"edpb": "warning"},
    ),
    Rule(
        "CC115",
        "no-consent-cookie",
        "warning",
        "The catalog lists cookies that need consent but no cookie that records the visitor's choice.",
        f"{_CNIL_2020} (the choice is recorded, so it is not asked again and can be proven); GDPR art. 7(1).",
        "List the consent tool's own cookie (e.g. `cc_cookie`, `klaro`, `OptanonConsent`), or accept the finding "
        "under `accept:` in catalog.yml.",
    ),
    Rule(
        "CC116",
        "acceptance-without-finding",
        "warning",
        "An `accept:` entry names a rule that does not exist or found nothing there.",
        "cookie-catalog: an acceptance must keep answering a finding, or it hides the next one.",
        "Remove the entry, or correct its `rule:`.",
    ),
)
BY_ID = {rule.id: rule for rule in RULES}
COOKIE_CHECKS: dict[str, CookieCheck] = {
    "CC101": cc101, "CC102": cc102, "CC103": cc103, "CC104": cc104, "CC105": cc105, "CC106": cc106,
    "CC107": cc107, "CC108": cc108, "CC109": cc109, "CC110": cc110, "CC111": cc111, "CC112": cc112,
    "CC113": cc113, "CC114": cc114,
}  # fmt: skip
CATALOG_CHECKS: dict[str, CatalogCheck] = {"CC115": cc115}
UNUSED_ACCEPTANCE = "CC116"
