"""Links from an early warning's page to what it is about, so a leader goes from the warning
to the thing to act on in one click: the incident whose pages reached nobody, the published
roster with the shift short of staff, and each complaint or incident counted by a rise.

A warning stores ids, not links (`EarlyWarning.evidence_json`); they are resolved when the page
is shown, so an incident is named by its short code and a gap leads to the roster published
for that unit and day now (a later repair supersedes the one the warning saw)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from escalation import service as incidents
from escalation.models import Incident
from oncall.roster_models import Roster, RosterStatus

INCIDENT_REF = "incident:"


class Link(NamedTuple):
    href: str
    text: str


class Item(NamedTuple):
    """A row of the items behind a rise: its reference as shown and where it leads."""

    ref: str
    href: str | None
    title: str
    at: datetime


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _incident_id(ref: object) -> int | None:
    if isinstance(ref, str) and ref.startswith(INCIDENT_REF):
        tail = ref.removeprefix(INCIDENT_REF)
        return int(tail) if tail.isdigit() else None
    return None


def items(session: Session, stored: Sequence[Mapping[str, Any]]) -> list[Item]:
    """The items a rise counted, each linked to its complaint or incident page; an incident
    (stored as `incident:<id>`) is shown by its short code as on the incident pages."""
    incident_ids = {i for i in (_incident_id(row.get("ref")) for row in stored) if i}
    codes = incidents.short_codes(session, incident_ids=incident_ids)
    out = []
    for row in stored:
        incident_id = _incident_id(row.get("ref"))
        item_id = _int(row.get("id"))
        if incident_id is not None:
            code = codes.get(incident_id)
            ref = f"#{code}" if code else f"#{incident_id}"
            href: str | None = f"/incidents/{incident_id}" if code else None
        else:
            ref = str(row.get("ref") or "")
            href = f"/complaints/{item_id}" if item_id else None
        out.append(
            Item(
                ref=ref,
                href=href,
                title=str(row.get("title") or ""),
                at=datetime.fromisoformat(str(row["at"])),
            )
        )
    return out


def _roster_for(session: Session, unit_id: int, day: date) -> Roster | None:
    return session.exec(
        select(Roster)
        .where(Roster.unit_id == unit_id, Roster.status == RosterStatus.published)
        .where(Roster.period_start <= day, Roster.period_end >= day)
        .order_by(col(Roster.published_at).desc(), col(Roster.id).desc())
        .limit(1)
    ).first()


def related(
    session: Session, dimension: str, evidence: Mapping[str, Any], *, roster_text: str
) -> list[Link]:
    """What the warning is about, where it still exists: the incident of an `unreachable`
    warning, the roster in force for a `roster_gap`'s unit and day (`roster_text` is the
    page's word for a roster). Nothing for rises and slow acknowledgements, whose items and
    samples are listed on the page instead."""
    if dimension == "unreachable":
        incident_id = _int(evidence.get("incident_id"))
        incident = session.get(Incident, incident_id) if incident_id else None
        if incident is None:
            return []
        return [Link(f"/incidents/{incident_id}", f"#{incident.short_code} {incident.title}")]
    if dimension == "roster_gap":
        unit_id = _int(evidence.get("unit_id"))
        try:
            day = date.fromisoformat(str(evidence.get("day")))
        except ValueError:
            return []
        roster = _roster_for(session, unit_id, day) if unit_id else None
        if roster is None:  # a day no published roster covers: the unit's rosters
            return [Link(f"/rosters?unit_id={unit_id}", roster_text)] if unit_id else []
        period = f"{roster.period_start.isoformat()} – {roster.period_end.isoformat()}"
        return [Link(f"/rosters/{roster.id}", f"{roster_text} {period} · v{roster.version}")]
    return []
