"""Why no roster satisfies the hard rules, in the page's language.

Each item of the solver's explanation carries the key of its phrase and the values the phrase
says (scheduler/roster_explain.py, ``KEYS``), beside its English message. Here each key is
worded from the catalogue: shifts by name, skills and rules by their labels, the people a
cover is missing by name with why. An item without a key (a version generated before keys
existed), or whose key or values this module does not know, is shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.roster_explain import KEYS
from web.i18n import N_
from web.keyed_phrases import Values, phrase_of

Gettext = Callable[[str], str]
NGettext = Callable[[str, str, int], str]
Label = Callable[[str, object], str]


@dataclass(frozen=True)
class _Words:
    """The page's catalogue and names: message ids filled with values, codes named."""

    gettext: Gettext
    ngettext: NGettext
    label: Label
    shifts: Mapping[str, str]
    skills: Mapping[str, str]

    def __call__(self, message: str, **values: object) -> str:
        return self.gettext(message) % values

    def shift(self, code: str) -> str:
        return self.shifts.get(code, code)

    def skill(self, code: str) -> str:
        return self.skills.get(code, code)

    def rule(self, code: str) -> str:
        return self.label("hard_rule", code)


def _absent_one(w: _Words, entry: Values) -> str:
    who, why, reason = entry["name"], entry.get("why"), entry.get("reason", "")
    if why == "fixed_elsewhere":
        return w(N_("%(who)s fixed on %(shift)s"), who=who, shift=w.shift(entry["shift"]))
    if why == "fixed_day_off":
        return w(N_("%(who)s fixed day off"), who=who)
    if reason in ("", "leave"):  # the leave's reason as recorded; "leave" is the default
        return w(N_("%(who)s on leave"), who=who)
    return w(N_("%(who)s %(reason)s"), who=who, reason=reason)


def _absent(w: _Words, entries: list[Values]) -> str:
    if not entries:
        return ""
    return w(
        N_(" (%(absent)s)"), absent=w.gettext(N_(", ")).join(_absent_one(w, e) for e in entries)
    )


def _cover_values(w: _Words, v: Values) -> dict[str, object]:
    skill = v.get("skill")
    return {
        "day": v["day"],
        "shift": w.shift(v["shift"]),
        "n": v["minimum"],
        "skill": skill and w.skill(skill),
        "available": v["available"],
        "absent": _absent(w, v["absent"]),
    }


def _cover(w: _Words, v: Values) -> str:
    if v["skill"]:
        text = w.ngettext(
            "%(day)s %(shift)s needs %(n)s person with %(skill)s, only %(available)s "
            "available%(absent)s",
            "%(day)s %(shift)s needs %(n)s people with %(skill)s, only %(available)s "
            "available%(absent)s",
            v["minimum"],
        )
    else:
        text = w.ngettext(
            "%(day)s %(shift)s needs %(n)s person, only %(available)s available%(absent)s",
            "%(day)s %(shift)s needs %(n)s people, only %(available)s available%(absent)s",
            v["minimum"],
        )
    return text % _cover_values(w, v)


def _leader_cover(w: _Words, v: Values) -> str:
    return w(
        N_("%(day)s %(shift)s needs %(n)s leader on duty, only %(available)s available%(absent)s"),
        **_cover_values(w, v),
    )


def _day_cover(w: _Words, v: Values) -> str:
    text = w.ngettext(
        "%(day)s needs %(n)s person across all shifts, only %(available)s available",
        "%(day)s needs %(n)s people across all shifts, only %(available)s available",
        v["minimum"],
    )
    return text % {"day": v["day"], "n": v["minimum"], "available": v["available"]}


def _span(w: _Words, v: Values) -> str:
    if v["span"] == "week":
        return w(N_("the week of %(day)s"), day=v["start"])
    return w(N_("the period %(start)s to %(end)s"), start=v["start"], end=v["end"])


def _scope(w: _Words, v: Values) -> str:
    return w(N_(" of shift %(shift)s"), shift=w.shift(v["shift"])) if v["shift"] else ""


def _shifts_cap(w: _Words, v: Values) -> str:
    return w(
        N_(
            "%(span)s needs %(need)s shifts%(scope)s to meet the minimums, but the eligible "
            "people can work at most %(can)s with %(rule)s %(limit)s (%(short)s shifts short)"
        ),
        span=_span(w, v),
        scope=_scope(w, v),
        need=v["need"],
        can=v["can"],
        rule=w.rule(v["rule"]),
        limit=v["limit"],
        short=v["short"],
    )


def _hours_cap(w: _Words, v: Values) -> str:
    return w(
        N_(
            "%(span)s needs %(need)s hours%(scope)s to meet the minimums, but the eligible "
            "people can work at most %(can)s within their weekly hours cap (%(short)s hours "
            "short)"
        ),
        span=_span(w, v),
        scope=_scope(w, v),
        need=format(v["need"], "g"),
        can=format(v["can"], "g"),
        short=format(v["short"], "g"),
    )


def _in_core(w: _Words, what: str) -> str:
    return w(N_("%(what)s — cannot be met together with the other items listed"), what=what)


def _core_cover(w: _Words, v: Values) -> str:
    if v["skill"]:
        message = N_("%(day)s %(shift)s: at least %(n)s (%(skill)s)")
    else:
        message = N_("%(day)s %(shift)s: at least %(n)s")
    what = w(
        message,
        day=v["day"],
        shift=w.shift(v["shift"]),
        n=v["minimum"],
        skill=v["skill"] and w.skill(v["skill"]),
    )
    return _in_core(w, what)


def _core_fixed(w: _Words, v: Values) -> str:
    if v["shift"]:
        message = N_("%(who)s fixed to %(shift)s on %(day)s")
    else:
        message = N_("%(who)s fixed to a day off on %(day)s")
    what = w(message, who=v["name"], shift=v["shift"] and w.shift(v["shift"]), day=v["day"])
    return _in_core(w, what)


def _core_rule(w: _Words, v: Values) -> str:
    if v["week"]:
        message = N_("%(rule)s for %(who)s (week of %(day)s)")
    else:
        message = N_("%(rule)s for %(who)s")
    return _in_core(w, w(message, rule=w.rule(v["rule"]), who=v["name"], day=v["week"]))


def _not_proven(w: _Words, _: Values) -> str:
    return w(N_("the rules could not be proven contradictory within the time limit"))


PHRASES: dict[str, Callable[[_Words, Values], str]] = {
    "cover": _cover,
    "leader_cover": _leader_cover,
    "day_cover": _day_cover,
    "shifts_cap": _shifts_cap,
    "hours_cap": _hours_cap,
    "core_cover": _core_cover,
    "core_fixed": _core_fixed,
    "core_rule": _core_rule,
    "not_proven": _not_proven,
}


def localise_explanation(
    item: Mapping[str, Any],
    *,
    shifts: Mapping[str, str],
    gettext: Gettext,
    ngettext: NGettext,
    label: Label,
    skills: Mapping[str, str] | None = None,
) -> str:
    """One item of the explanation of an infeasible roster (as stored in the roster's result)
    in the page's language; `shifts` and `skills`: their names by code."""
    found = phrase_of(item, PHRASES, KEYS)
    if found is None:
        return str(item.get("message", ""))
    phrase, values = found
    return phrase(_Words(gettext, ngettext, label, shifts, skills or {}), values)


def mentions_leave(explanation: Iterable[Mapping[str, Any]]) -> bool:
    """Whether an item of the explanation names someone absent on leave (the page then asks
    to change that leave too; without any, it would point at a list that has none)."""
    for item in explanation:
        values = item.get("values")
        absent = values.get("absent") if isinstance(values, Mapping) else None
        if isinstance(absent, list) and any(
            isinstance(a, Mapping) and a.get("why") == "leave" for a in absent
        ):
            return True
    return False
