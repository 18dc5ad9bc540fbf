"""A roster's broken wishes, in the page's language.

Each broken wish the solver reports carries the key of its phrase and the values the phrase
says (scheduler/roster_soft.py, ``KEYS``; those of versions generated before keys existed were
given theirs by migration 0029), beside its English detail. Here each key is worded from the
catalogue: people and shifts by name, roles by their labels. A `note` (an old detail no
phrase matched), or an item whose key or values this module does not know, is shown as
stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.roster_soft import KEYS
from web.i18n import N_
from web.keyed_phrases import Values, phrase_of

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]


@dataclass(frozen=True)
class _Words:
    gettext: Gettext
    label: Label
    names: Mapping[int, str]
    shifts: Mapping[str, str]
    skills: Mapping[str, str]

    def __call__(self, message: str, **values: object) -> str:
        return self.gettext(message) % values

    def person(self, code: object) -> str:
        text = str(code)
        return self.names.get(int(text), text) if text.isdigit() else text

    def shift(self, code: object) -> str:
        return self.shifts.get(str(code), str(code))

    def row(self, v: Values) -> dict[str, object]:
        skill = f" ({self.skills.get(v['skill'], v['skill'])})" if v["skill"] else ""
        return {"day": v["day"], "shift": self.shift(v["shift"]), "skill": skill}


def _under_cover(w: _Words, v: Values) -> str:
    message = N_("%(day)s %(shift)s%(skill)s: %(n)s short of the preferred %(preferred)s")
    return w(message, **w.row(v), n=v["n"], preferred=v["preferred"])


def _over_cover(w: _Words, v: Values) -> str:
    message = N_("%(day)s %(shift)s%(skill)s: %(n)s more than the preferred %(preferred)s")
    return w(message, **w.row(v), n=v["n"], preferred=v["preferred"])


def _asked(w: _Words, v: Values, what: str) -> str:
    message = N_("%(who)s asked for %(what)s on %(day)s")
    return w(message, who=w.person(v["person"]), what=what, day=v["day"])


def _request_day_off(w: _Words, v: Values) -> str:
    return _asked(w, v, w(N_("a day off")))


def _request_work(w: _Words, v: Values) -> str:
    return w(N_("%(who)s asked to work on %(day)s"), who=w.person(v["person"]), day=v["day"])


def _request_shift(w: _Words, v: Values) -> str:
    return _asked(w, v, w(N_("the %(shift)s shift"), shift=w.shift(v["shift"])))


def _request_no_shift(w: _Words, v: Values) -> str:
    return _asked(w, v, w(N_("no %(shift)s shift"), shift=w.shift(v["shift"])))


def _isolated_day_on(w: _Words, v: Values) -> str:
    message = N_("%(who)s works a single day between days off on %(day)s")
    return w(message, who=w.person(v["person"]), day=v["day"])


def _isolated_day_off(w: _Words, v: Values) -> str:
    message = N_("%(who)s has a single day off on %(day)s")
    return w(message, who=w.person(v["person"]), day=v["day"])


def _spread(w: _Words, v: Values) -> str:
    message = N_("%(role)s: %(n)s between the most and the least (including the year to date)")
    return w(message, role=w.label("shift_role", v["role"]), n=v["n"])


def _hint_removed(w: _Words, v: Values) -> str:
    message = N_("%(who)s taken off %(shift)s on %(day)s")
    return w(message, who=w.person(v["person"]), shift=w.shift(v["shift"]), day=v["day"])


def _hint_added(w: _Words, v: Values) -> str:
    message = N_("%(who)s put on %(shift)s on %(day)s")
    return w(message, who=w.person(v["person"]), shift=w.shift(v["shift"]), day=v["day"])


PHRASES: dict[str, Callable[[_Words, Values], str]] = {
    "under_cover": _under_cover,
    "over_cover": _over_cover,
    "request_day_off": _request_day_off,
    "request_work": _request_work,
    "request_shift": _request_shift,
    "request_no_shift": _request_no_shift,
    "isolated_day_on": _isolated_day_on,
    "isolated_day_off": _isolated_day_off,
    "spread": _spread,
    "hint_removed": _hint_removed,
    "hint_added": _hint_added,
    "note": lambda _w, v: str(v["text"]),
}


def localise_violation(
    item: Mapping[str, Any],
    *,
    names: Mapping[int, str],
    shifts: Mapping[str, str],
    gettext: Gettext,
    label: Label,
    skills: Mapping[str, str] | None = None,
) -> str:
    """One broken wish of a roster (as stored in the roster's result) in the page's language,
    people, shifts and skills by name; one this module cannot word as its stored detail."""
    found = phrase_of(item, PHRASES, KEYS)
    if found is None:
        return str(item.get("detail", ""))
    phrase, values = found
    return phrase(_Words(gettext, label, names, shifts, skills or {}), values)
