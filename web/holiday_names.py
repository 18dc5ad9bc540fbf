"""Statutory holiday names in the page's language.

core.workcal names a holiday as its packages do, in English: chinese_calendar's names for the
years it covers, the `holidays` package's for estimated years (with " (observed)" for an
in-lieu rest day and two names joined by "; " when they fall on one day). A calendar
override's name is the administrator's own and is shown as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from web.i18n import N_

NAMES: dict[str, str] = {
    "New Year's Day": N_("New Year's Day"),
    "Spring Festival": N_("Spring Festival"),
    "Chinese New Year (Spring Festival)": N_("Spring Festival"),
    "Chinese New Year's Eve": N_("Spring Festival Eve"),
    "Chinese New Year Extended Holiday": N_("Spring Festival (extended holiday)"),
    "Tomb-sweeping Day": N_("Qingming Festival"),
    "Tomb-Sweeping Day": N_("Qingming Festival"),
    "Labour Day": N_("Labour Day"),
    "Labor Day": N_("Labour Day"),
    "Dragon Boat Festival": N_("Dragon Boat Festival"),
    "Mid-autumn Festival": N_("Mid-Autumn Festival"),
    "Mid-Autumn Festival": N_("Mid-Autumn Festival"),
    "National Day": N_("National Day"),
    "Anti-Fascist 70th Day": N_("70th anniversary of the victory of the War of Resistance"),
}
OBSERVED = " (observed)"


def _one(name: str, gettext: Callable[[str], str]) -> str:
    if name.endswith(OBSERVED):
        base = name.removesuffix(OBSERVED)
        if base in NAMES:
            return gettext(N_("%(name)s (day off in lieu)")) % {"name": gettext(NAMES[base])}
        return name
    return gettext(NAMES[name]) if name in NAMES else name


def holiday_name(name: str | None, gettext: Callable[[str], str]) -> str:
    """`name` (from core.workcal) worded by `gettext`; a name it does not know as it is."""
    if not name:
        return ""
    parts = [_one(part, gettext) for part in name.split("; ")]
    return gettext(", ").join(parts)
