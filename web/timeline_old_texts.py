"""Timeline entries stored as English text only, whose text has a fixed shape, read into the
key and values of web/timeline_keyed.py's phrase at display time, so that the page words them
in its language. The stored row stays as it is.

Two kinds of entry reach the page that way:

- key `note`: migration 0029 matched no phrase of its time, so it kept the text (a key press
  that changed nothing, a reopen that took a new code);
- key NULL: written by a version older than keys and not (yet) keyed by migration 0029 (an
  acknowledgement by key press, a reopen, a page, a missing contact method).

A person the text names by name rather than by id ("step 1: sms to 王建国 (…)", "王建国 has
no contact method for voice") keeps that name, as migration 0029 gives it; "person 6" is the
person with id 6. A text of another shape is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Values = dict[str, Any]

_PERSON = re.compile(r"person[ :](\d+)")
_OUTBOX = re.compile(r"person[ :](\d+)(?: \(outbox reply by (.+)\))?")


def _person(text: str) -> int | str:
    match = _PERSON.fullmatch(text)
    return int(match.group(1)) if match else text


def _who(text: str) -> Values:
    """Who acted, as escalation.timeline_keys.who: "person:6 (outbox reply by coord)" is
    person 6 with the replier coord; a user's name or a number is `by` alone."""
    match = _OUTBOX.fullmatch(text)
    if match is None:
        return {"by": text, "person": None, "replier": None}
    return {"by": f"person:{match[1]}", "person": int(match[1]), "replier": match[2]}


def _key_press(m: re.Match[str]) -> Values:
    digits = "" if m["digits"] == "(none)" else m["digits"]
    values: Values = {"digits": digits, "to": m["to"], "acknowledged_by": m["who"]}
    if m["who"] is not None:
        return values | {"outcome": "already_acknowledged"}
    return values | {"outcome": "resolved" if m["resolved"] else "not_understood"}


def _reopened(m: re.Match[str]) -> Values:
    return _who(m["who"]) | {"old_code": m["old"], "new_code": m["new"]}


_SHAPES: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], Values]]] = [
    (
        re.compile(
            r"key (?P<digits>\S+) pressed on the call to (?P<to>\S+) — (?:not understood|"
            r"(?P<resolved>the incident is already resolved)|already acknowledged by "
            r"(?P<who>.+)); nothing changed"
        ),
        "key_press",
        _key_press,
    ),
    (
        re.compile(r"acknowledged by person (?P<person>\d+) via (?P<via>\w+) at (?P<at>\S+)"),
        "person_acknowledged",
        lambda m: {"person": int(m["person"]), "via": m["via"], "at": m["at"]},
    ),
    (
        re.compile(r"acknowledged by (?P<who>.+) via (?P<via>\w+); escalation stopped"),
        "acknowledged",
        lambda m: _who(m["who"]) | {"via": m["via"]},
    ),
    (
        re.compile(
            r"reopened by (?P<who>.+?); escalation restarts at step 1"
            r"(?:; its code (?P<old>\S+) is now another incident's, new code (?P<new>\S+))?"
        ),
        "reopened",
        _reopened,
    ),
    (
        re.compile(r"reopened at (?P<at>\S+): escalation restarts at step 1"),
        "restarted",
        lambda m: {"at": m["at"]},
    ),
    (
        re.compile(r"step (?P<step>\d+): (?P<kind>sms|voice) to (?P<name>.+) \((?P<to>[^()]*)\)"),
        "paged",
        lambda m: (
            {"step": int(m["step"]), "kind": m["kind"], "person": _person(m["name"])}
            | {"to": m["to"]}
        ),
    ),
    (
        re.compile(r"(?P<name>.+) has no contact method for (?P<kind>sms|voice)"),
        "no_contact_method",
        lambda m: {"person": _person(m["name"]), "kind": m["kind"]},
    ),
]


def keyed(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """`event` (`text`, `key`, `values`) with the key and values its text says, when it is an
    old English-only entry of a known shape; else `event` itself."""
    key, values = event.get("key"), event.get("values")
    if key == "note" and isinstance(values, Mapping) and isinstance(values.get("text"), str):
        text = values["text"]
    elif key is None:
        text = str(event.get("text", ""))
    else:
        return event
    for pattern, new_key, build in _SHAPES:
        match = pattern.fullmatch(text.strip())
        if match is not None:
            return {**event, "key": new_key, "values": build(match)}
    return event
