"""Countries as the catalog names them: ISO 3166-1 alpha-2 codes, and which are in the EU/EEA.

A provider's country and the destination of a transfer are what a regulator reads to know whether
GDPR chapter V applies (a transfer outside the EU/EEA needs a safeguard); a typo such as ``UK`` (the
code is ``GB``) or ``EL`` (``GR``) must be refused where it is written, not pass as a country.
"""

from __future__ import annotations

# The 249 officially assigned ISO 3166-1 alpha-2 codes (not the reserved ones such as UK, EL, EU or XK).
_ASSIGNED = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW
"""
ISO_3166_ALPHA2: frozenset[str] = frozenset(_ASSIGNED.split())
# The European Economic Area: the 27 EU member states, Iceland, Liechtenstein and Norway.
_EEA = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO"
EEA: frozenset[str] = frozenset(_EEA.split())
