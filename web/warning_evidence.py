"""An early warning's evidence as tables with headings, in the page's language.

A warning stores its evidence as JSON (`EarlyWarning.evidence_json`): a roster gap's
shortfalls per shift (`gaps`), the incident timeline entries of pages that reached nobody
(`events`), the acknowledgements behind a slow-acknowledgement warning (`samples`). The page
showed their raw fields: UTC timestamps, event kinds and skills by code, English timeline
text. Here each kind gets its columns; times are shown in the centre's zone, codes by their
labels, and a timeline entry by its key and values (`web.timeline_keyed`) where the warning
stored them, else as stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from web import timeline_keyed
from web.i18n import N_
from web.timeline_words import Gettext, Label

Row = Mapping[str, Any]


class EvidenceTable(NamedTuple):
    kind: str
    heading: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


class Words(NamedTuple):
    gettext: Gettext
    label: Label
    tz: ZoneInfo
    skills: Mapping[str, str]
    people: Mapping[int, str]


def _local(words: Words, value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return at.astimezone(words.tz).strftime("%Y-%m-%d %H:%M")


def _names(values: object) -> str:
    return "、".join(str(v) for v in values) if isinstance(values, list) else ""


def _gap(words: Words, row: Row) -> tuple[str, ...]:
    skill = row.get("skill")
    return (
        str(row.get("shift_name") or row.get("shift") or ""),
        words.skills.get(str(skill), str(skill)) if skill else words.gettext(N_("any skill")),
        str(row.get("required", "")),
        str(row.get("staffed", "")),
        _names(row.get("people")),
        _names(row.get("away")),
    )


def _event(words: Words, row: Row) -> tuple[str, ...]:
    text = timeline_keyed.localise_event(
        row,
        names=words.people,
        gettext=words.gettext,
        label=words.label,
        tz=words.tz,
        skills=words.skills,
    )
    return (_local(words, row.get("at")), words.label("event_kind", row.get("kind", "")), text)


def _sample(words: Words, row: Row) -> tuple[str, ...]:
    return (
        _local(words, row.get("acknowledged_at")),
        str(row.get("minutes", "")),
        str(row.get("step", "")),
    )


_KINDS: dict[str, tuple[str, tuple[str, ...], Callable[[Words, Row], tuple[str, ...]]]] = {
    "gaps": (
        N_("Shifts short of staff"),
        (N_("Shift"), N_("Skill"), N_("Needed"), N_("Staffed"), N_("On duty"), N_("Away")),
        _gap,
    ),
    "events": (
        N_("Pages that reached nobody"),
        (N_("Time"), N_("Kind"), N_("What happened")),
        _event,
    ),
    "samples": (
        N_("Acknowledgements behind the warning"),
        (N_("Acknowledged at"), N_("Minutes after the page"), N_("Escalation step")),
        _sample,
    ),
}


def tables(evidence: Mapping[str, Any], words: Words) -> list[EvidenceTable]:
    """The evidence's tables, in a fixed order; a kind the warning has no rows of is left out."""
    found = []
    for kind, (heading, columns, row_of) in _KINDS.items():
        rows: Sequence[Row] = [r for r in evidence.get(kind) or [] if isinstance(r, Mapping)]
        if rows:
            found.append(
                EvidenceTable(
                    kind,
                    words.gettext(heading),
                    tuple(words.gettext(c) for c in columns),
                    [row_of(words, r) for r in rows],
                )
            )
    return found


def person_ids(evidence: Mapping[str, Any]) -> set[int]:
    """The people the evidence's timeline entries name, for the caller to look up."""
    events = [e for e in evidence.get("events") or [] if isinstance(e, Mapping)]
    return timeline_keyed.person_ids({"values": e.get("values") or {}} for e in events)
