"""Frozen for migration 0029_keyed_history: the key and values of an incident timeline entry
stored before keys existed (incident_event.key NULL), derived from its English text.

The phrases are those web/timeline.py and web/timeline_details.py recognised when the
migration was written, tried in the same order and with the same regular expressions; the
values are those escalation.timeline_keys lists for each key. A text none of them matches (a
key press, a reopen that changed the code, a note from an older version) gets the key
`note` and is shown as stored. Nothing here may import the application: it must keep
reading the texts of that time however the code changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Values = dict[str, Any]
Builder = Callable[[re.Match[str]], Values | None]

_SEVERITY = r"I|II|III|IV"
_PERSON = re.compile(r"person[ :](\d+)")
_OUTBOX = re.compile(r"person[ :](\d+)(?: \(outbox reply by (.+)\))?")
#: escalation.details.FIELDS when the migration was written
_FIELDS = (
    "equipment_type",
    "equipment_user",
    "deaths",
    "serious_injuries",
    "people_at_risk",
    "direct_loss_yuan",
    "measures_taken",
    "explosion_or_overturn",
)
_CUT = re.compile(rf"(?:^|; )(?P<name>{'|'.join(_FIELDS)}) ")
_SUGGESTION = (
    rf"(?:; the figures suggest level (?P<suggested>{_SEVERITY}) \(now (?P<now>{_SEVERITY})\))?"
)


def _person(text: str) -> int | str:
    """ "person 6" as 6; a name or anything else as stored (worded as it is)."""
    match = _PERSON.fullmatch(text.strip())
    return int(match.group(1)) if match else text


def _who(text: str) -> Values:
    """Who acted, as escalation.timeline_keys.who: "person:6 (outbox reply by coord)" is
    person 6 with the replier coord; a user's name or a number is `by` alone."""
    match = _OUTBOX.fullmatch(text.strip())
    if match is None:
        return {"by": text, "person": None, "replier": None}
    return {"by": f"person:{match.group(1)}", "person": int(match.group(1)), "replier": match[2]}


def _target(text: str) -> dict[str, Any]:
    """One of a step's targets as policy.target_to_dict gives it."""
    on_duty = re.fullmatch(r"on duty: (\w+)(?:/(\w+))?", text)
    if on_duty:
        return {"type": "on_duty", "role": on_duty.group(1), "skill": on_duty.group(2)}
    group = re.fullmatch(r"group (.+)", text)
    if group:
        return {"type": "group", "group": group.group(1)}
    return {"type": "person", "person_id": _person(text)}


def _targets(text: str) -> list[dict[str, Any]]:
    return [_target(t) for t in text.split(", ")]


def _people(text: str) -> list[int | str]:
    return [] if text == "groups only" else [_person(p) for p in text.split(", ")]


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _made_at(at: str | None, zone: str | None) -> str | None:
    """ "2026-12-06 10:30" "+0800" (the centre's time as the text gave it) as ISO UTC."""
    if at is None or zone is None:
        return None
    made = datetime.strptime(f"{at} {zone}", "%Y-%m-%d %H:%M %z")
    return made.astimezone(UTC).isoformat()


_REPORT_REST = re.compile(
    r"(?:, made at (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d) (?P<zone>\S+))?(?:: (?P<summary>.*?))?"
    r"(?P<implied> \(also recorded as the initial report\))?"
    r"(?: \(TZ50 Art\. 10 items still missing: (?P<missing>[a-z_]+(?:, [a-z_]+)*)\))?",
    re.S,
)


def _reported(m: re.Match[str]) -> Values | None:
    rest = _REPORT_REST.fullmatch(m["rest"])
    if rest is None:
        return None
    try:
        made_at = _made_at(rest["at"], rest["zone"])
    except ValueError:
        return None
    return {
        "kind": m["kind"],
        "to": m["to"],
        "method": m["method"],
        "made_at": made_at,
        "summary": rest["summary"],
        "implied_initial": rest["implied"] is not None,
        "missing": rest["missing"].split(", ") if rest["missing"] else [],
    }


def _detail(field: str, text: str) -> object:
    """A field's value as the text gave it: "—" is none, a flag True/False."""
    if text == "—":
        return None
    if field == "explosion_or_overturn" and text in ("True", "False"):
        return text == "True"
    return text


def _fields(text: str) -> list[tuple[str, str]]:
    cuts = list(_CUT.finditer(text))
    if not cuts or cuts[0].start() != 0:
        return []
    ends = [c.start() for c in cuts[1:]] + [len(text)]
    return [(c.group("name"), text[c.end() : end]) for c, end in zip(cuts, ends, strict=True)]


def _changes(text: str) -> list[Values] | None:
    changes = []
    for field, rest in _fields(text):
        before, arrow, after = rest.partition(" → ")
        if not arrow:
            return None
        changes.append(
            {"field": field, "before": _detail(field, before), "after": _detail(field, after)}
        )
    return changes or None


def _kept(text: str | None) -> list[Values] | None:
    if not text:
        return []
    kept = []
    for field, rest in _fields(text):
        match = re.fullmatch(r"(?P<kept>.*) kept \(report: (?P<report>.*)\)", rest, re.S)
        if match is None:
            return None
        kept.append(
            {
                "field": field,
                "kept": _detail(field, match["kept"]),
                "report": _detail(field, match["report"]),
            }
        )
    return kept or None


def _details(m: re.Match[str], *, changes: bool, kept: bool) -> Values | None:
    values: Values = {"suggested": m["suggested"], "now": m["now"]}
    if changes:
        values["changes"] = _changes(m["changes"])
    if kept:
        values["kept"] = _kept(m["kept"])
    return None if None in (values.get("changes", []), values.get("kept", [])) else values


def _ints(*names: str) -> Builder:
    return lambda m: {name: int(m[name]) for name in names}


def _strings(*names: str) -> Builder:
    return lambda m: {name: m[name] for name in names}


def _to(m: re.Match[str]) -> Values:
    return {"kind": m["kind"], "to": m["to"]}


def _reply(m: re.Match[str]) -> Values:
    return {"number": m["number"], "said": m["said"]}


def _raised(m: re.Match[str]) -> Values:
    return {
        "before": m["before"],
        "after": m["after"],
        "reason": "new_report" if m["reason"] == "a new report" else "figures",
        "plan": m["plan"],
        "step": int(m["step"]) if m["step"] else None,
        "groups": m["groups"].split(", ") if m["groups"] else None,
        "initial": int(m["initial"]),
        "written": int(m["written"]),
    }


#: (stored phrase, key, its values from the match), in web/timeline.py's order
_PHRASES: list[tuple[str, str, Builder]] = [
    (
        r"opened: (?P<severity>I|II|III|IV) (?P<category>\w+) — plan (?P<plan>.+)",
        "opened",
        _strings("severity", "category", "plan"),
    ),
    (
        r"step (?P<step>\d+) round (?P<round>\d+) started \((?P<targets>.*)\): (?P<people>.*)",
        "step_started",
        lambda m: (
            _ints("step", "round")(m)
            | {"targets": _targets(m["targets"]), "people": _people(m["people"])}
        ),
    ),
    (
        r"step (?P<step>\d+): (?P<kind>sms|voice) to (?P<name>.+) \((?P<to>[^()]*)\)",
        "paged",
        lambda m: _to(m) | {"step": int(m["step"]), "person": _person(m["name"])},
    ),
    (r"broadcast to group (?P<group>.+)", "broadcast", _strings("group")),
    (
        r"step (?P<step>\d+): no acknowledgement, round (?P<round>\d+)",
        "step_repeat",
        _ints("step", "round"),
    ),
    (r"step (?P<step>\d+): no acknowledgement, climbing", "step_climbing", _ints("step")),
    (
        r"last step (?P<step>\d+): no acknowledgement, re-paging \(round (?P<round>\d+)\)",
        "last_step_repeat",
        _ints("step", "round"),
    ),
    (
        r"step (?P<step>\d+) \((?P<targets>.*)\) resolved to nobody: climbing at once",
        "step_nobody",
        lambda m: {"step": int(m["step"]), "targets": _targets(m["targets"])},
    ),
    (
        r"step (?P<step>\d+) \((?P<targets>.*)\) resolved to nobody and is the last step: "
        r"trying again in (?P<minutes>\d+) min",
        "last_step_nobody",
        lambda m: _ints("step", "minutes")(m) | {"targets": _targets(m["targets"])},
    ),
    (
        r"acknowledged by (?P<who>.+) via (?P<via>\w+); escalation stopped",
        "acknowledged",
        lambda m: _who(m["who"]) | {"via": m["via"]},
    ),
    (
        r"acknowledged by person (?P<person>\d+) via (?P<via>\w+) at (?P<at>\S+)",
        "person_acknowledged",
        lambda m: {"person": int(m["person"]), "via": m["via"], "at": m["at"]},
    ),
    (
        r"resolved by person (?P<person>\d+) at (?P<at>\S+)",
        "person_resolved",
        lambda m: {"person": int(m["person"]), "at": m["at"]},
    ),
    (r"resolved by (?P<who>.+)", "resolved", lambda m: _who(m["who"])),
    (
        r"reply from (?P<number>\S+): (?P<said>.*) — refused: (?P<who>.+), not paged for this "
        r"incident; escalation continues",
        "reply_refused",
        lambda m: (
            _reply(m) | {"person": None if m["who"] == "an unknown sender" else _person(m["who"])}
        ),
    ),
    (
        r"reply from (?P<number>\S+): (?P<said>.*) — already acknowledged by (?P<who>.+); "
        r"nothing changed",
        "reply_already_acknowledged",
        lambda m: _reply(m) | {"acknowledged_by": m["who"]},
    ),
    (
        r"reply from (?P<number>\S+): (?P<said>.*) — not understood; nothing changed",
        "reply_not_understood",
        _reply,
    ),
    (r"reply from (?P<number>\S+): (?P<said>.*)", "reply", _reply),
    (
        r"(?P<kind>initial|written|follow_up|final) report to (?P<to>.+?) by (?P<method>\w+)"
        r"(?P<rest>.*)",
        "reported",
        _reported,
    ),
    (
        r"reopened by (?P<who>.+); escalation restarts at step 1",
        "reopened",
        lambda m: _who(m["who"]) | {"old_code": None, "new_code": None},
    ),
    (r"reopened at (?P<at>\S+): escalation restarts at step 1", "restarted", _strings("at")),
    (  # the text named who asked as stored, never by name
        r"(?P<who>.+) asked to escalate now",
        "escalate_requested",
        lambda m: {"by": m["who"], "person": None, "replier": None},
    ),
    (r"escalated now from step (?P<step>\d+) \(press 2\)", "escalated_now", _ints("step")),
    (
        r"person (?P<person>\d+)'s own rules page nothing within the (?P<minutes>\d+) min of "
        r"step (?P<step>\d+)",
        "own_rules_silent",
        _ints("person", "minutes", "step"),
    ),
    (
        r"policy (?P<plan>.+?): telling (?P<groups>.+) now",
        "raise_telling",
        lambda m: {"plan": m["plan"], "groups": m["groups"].split(", ")},
    ),
    (
        r"policy (?P<plan>.+?): step (?P<step>\d+) restarts now",
        "raise_restarts",
        lambda m: {"plan": m["plan"], "step": int(m["step"])},
    ),
    (
        r"every step paged without acknowledgement; repeating the last step",
        "exhausted",
        lambda _m: {},
    ),
    (
        r"(?P<kind>sms|voice|broadcast) to (?P<to>\S+) failed permanently: (?P<reason>.*)",
        "delivery_failed",
        lambda m: _to(m) | {"reason": m["reason"]},
    ),
    (r"trying (?P<kind>sms|voice) to next contact (?P<to>\S+)", "fallback", _to),
    (
        r"no further contact method for person (?P<person>\d+)",
        "no_further_contact",
        _ints("person"),
    ),
    (
        r"(?P<name>.+) has no contact method for (?P<kind>sms|voice)",
        "no_contact_method",
        lambda m: {"person": _person(m["name"]), "kind": m["kind"]},
    ),
    (
        r"(?P<kind>sms|voice|broadcast) to (?P<to>\S+): (?P<code>\S+), retry in (?P<seconds>\S+) s",
        "retry",
        lambda m: _to(m) | {"code": m["code"], "seconds": _number(m["seconds"])},
    ),
    (
        r"(?P<kind>sms|voice|broadcast) to (?P<to>\S+): (?P<status>[\w-]+)",
        "delivery_status",
        lambda m: _to(m) | {"status": m["status"]},
    ),
    # web/timeline_details.py's, tried after those
    (
        rf"another report of the same event attached: (?P<severity>{_SEVERITY}) "
        r"(?P<title>.+?)(?: \(caller (?P<caller>[^()]*)\))?(?:: (?P<description>.*))?",
        "duplicate",
        _strings("severity", "title", "caller", "description"),
    ),
    (
        rf"severity raised from (?P<before>{_SEVERITY}) to (?P<after>{_SEVERITY}) by "
        r"(?P<reason>a new report|its accident figures): plan (?P<plan>.+?)"
        r"(?:; escalation goes on at step (?P<step>\d+) under it, paging again now"
        r"|; already acknowledged: telling (?P<groups>.+) now)?"
        r"; reports due (?P<initial>\d+) / (?P<written>\d+) min after opening",
        "severity_raised",
        _raised,
    ),
    (
        r"accident details from a repeat report not applied: (?P<kept>.*?)" + _SUGGESTION,
        "details_kept",
        lambda m: _details(m, changes=False, kept=True),
    ),
    (
        r"accident details from a repeat report: (?P<changes>.*?)"
        r"(?:; not lowered or overwritten: (?P<kept>.*?))?" + _SUGGESTION,
        "details_repeat",
        lambda m: _details(m, changes=True, kept=True),
    ),
    (
        r"accident details: (?P<changes>.*?)" + _SUGGESTION,
        "details_updated",
        lambda m: _details(m, changes=True, kept=False),
    ),
]

_COMPILED = [(re.compile(pattern, re.S), key, build) for pattern, key, build in _PHRASES]


def keyed(text: str) -> tuple[str, Values]:
    """The key and values of a stored timeline text; `note` with the text itself when the
    first phrase it matches cannot be read into values either."""
    for pattern, key, build in _COMPILED:
        match = pattern.fullmatch(text)
        if match is not None:
            values = build(match)
            return ("note", {"text": text}) if values is None else (key, values)
    return "note", {"text": text}
