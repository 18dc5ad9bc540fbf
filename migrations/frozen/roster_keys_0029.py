"""Frozen for migration 0029_keyed_history: the key and values of a roster's broken wish
stored before keys existed (an item of roster.result_json's "violations" without a key),
derived from its English detail, and the reason of a version repaired before
roster.repair_reason was kept.

The phrases are those web/timeline.py's `localise_roster` recognised when the migration was
written, with the same regular expressions; the values are those scheduler.roster_soft.KEYS
lists for each key. A detail none of them matches gets the key `note` and is shown as
stored. Nothing here may import the application.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Values = dict[str, Any]

_REPAIR = re.compile(r"repair: (?P<reason>.*)", re.S)


def _request(m: re.Match[str]) -> tuple[str, Values]:
    values: Values = {"person": m["who"], "day": m["day"]}
    what = m["what"]
    if what == "day off":
        return "request_day_off", values
    if what == "to work":
        return "request_work", values
    if what.startswith("no "):
        return "request_no_shift", values | {"shift": what[3:]}
    return "request_shift", values | {"shift": what}


def _cover(key: str) -> Callable[[re.Match[str]], tuple[str, Values]]:
    def build(m: re.Match[str]) -> tuple[str, Values]:
        skill = m["skill"][2:-1] if m["skill"] else None
        return key, {
            "day": m["day"],
            "shift": m["shift"],
            "skill": skill,
            "n": int(m["n"]),
            "preferred": int(m["preferred"]),
        }

    return build


def _plain(key: str, *names: str) -> Callable[[re.Match[str]], tuple[str, Values]]:
    return lambda m: (key, {name: m[name] for name in names})


def _spread(m: re.Match[str]) -> tuple[str, Values]:
    return "spread", {"role": m["role"], "n": int(m["n"])}


_PHRASES: list[tuple[str, Callable[[re.Match[str]], tuple[str, Values]]]] = [
    (r"(?P<who>\d+) asked for (?P<what>.+) on (?P<day>\d{4}-\d\d-\d\d)", _request),
    (
        r"(?P<person>\d+) works alone on (?P<day>\S+) between days off",
        _plain("isolated_day_on", "person", "day"),
    ),
    (
        r"(?P<person>\d+) has a single day off on (?P<day>\S+)",
        _plain("isolated_day_off", "person", "day"),
    ),
    (
        r"(?P<person>\d+) removed from (?P<shift>\S+) on (?P<day>\S+)",
        _plain("hint_removed", "person", "shift", "day"),
    ),
    (
        r"(?P<person>\d+) added to (?P<shift>\S+) on (?P<day>\S+)",
        _plain("hint_added", "person", "shift", "day"),
    ),
    (
        r"(?P<day>\d{4}-\d\d-\d\d) (?P<shift>\S+)(?P<skill> \(\w+\))?: (?P<n>\d+) short of "
        r"preferred (?P<preferred>\d+)",
        _cover("under_cover"),
    ),
    (
        r"(?P<day>\d{4}-\d\d-\d\d) (?P<shift>\S+)(?P<skill> \(\w+\))?: (?P<n>\d+) over "
        r"preferred (?P<preferred>\d+)",
        _cover("over_cover"),
    ),
    (
        r"(?P<role>\w+): spread of (?P<n>\d+) between most and least \(incl\. year to date\)",
        _spread,
    ),
]

_COMPILED = [(re.compile(pattern, re.S), build) for pattern, build in _PHRASES]


def keyed(detail: str) -> tuple[str, Values]:
    """The key and values of a broken wish's stored English detail; `note` with the detail
    itself when it is none of the phrases."""
    for pattern, build in _COMPILED:
        match = pattern.fullmatch(detail)
        if match is not None:
            return build(match)
    return "note", {"text": detail}


def keyed_violations(violations: list[Any]) -> list[Any] | None:
    """The items of a roster's "violations" with a key and values for those stored without
    one; None when every item has one already (nothing to write)."""
    if not any(isinstance(v, dict) and not v.get("key") for v in violations):
        return None
    keyed_items = []
    for item in violations:
        if isinstance(item, dict) and not item.get("key"):
            key, values = keyed(str(item.get("detail", "")))
            item = item | {"key": key, "values": values}
        keyed_items.append(item)
    return keyed_items


def repair_reason(note: str) -> str | None:
    """The planner's reason in a repaired version's note ("repair: 病假"), or None."""
    match = _REPAIR.fullmatch(note)
    return match["reason"] if match else None
