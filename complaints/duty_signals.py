"""Duty-side signals: incidents per category, acknowledgement latency per person and per
escalation step, and pages that reached nobody (roster gaps are in `complaints.roster_gaps`).

- Latency: an acknowledged incident counts for the person who acknowledged it (the person of
  an SMS / key-press acknowledgement, else the person linked to the acknowledging login, else
  the login name), measured from that person's first page in the incident (from the opening
  when they were never paged), and for the escalation step it stood at, measured from the
  opening.
- Pages that reached nobody: incidents whose timeline has `unreachable` (no contact method
  left) or `exhausted` (the last step ran out unacknowledged) events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlmodel import Session, col, func, select

from complaints import warning_keys
from complaints.candidates import Candidate
from complaints.detect import WarningLevel
from core.users import User
from escalation import codec
from escalation.models import Incident, IncidentEvent, Notification
from oncall.models import Person

NOBODY_EVENTS = ("unreachable", "exhausted")


# ---- incidents per category -------------------------------------------------------------------


def incidents_by(
    session: Session, *, start: datetime, end: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    """Incidents opened in [start, end): counts by category and by severity."""
    where = (col(Incident.opened_at) >= start, col(Incident.opened_at) < end)
    by_category = {
        str(getattr(c, "value", c)): int(n)
        for c, n in session.exec(
            select(Incident.category, func.count()).where(*where).group_by(col(Incident.category))
        ).all()
    }
    by_severity = {
        str(getattr(s, "value", s)): int(n)
        for s, n in session.exec(
            select(Incident.severity, func.count()).where(*where).group_by(col(Incident.severity))
        ).all()
    }
    return by_category, by_severity


# ---- acknowledgement latency ------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    key: str  # person id, login name or step number
    label: str
    count: int
    median_minutes: float
    p90_minutes: float
    max_minutes: float


@dataclass(frozen=True)
class AckSample:
    who_key: str
    who_label: str
    person_id: int | None
    step: int  # 1-based
    from_open_minutes: float
    from_page_minutes: float
    acknowledged_at: datetime


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def summarise(groups: dict[tuple[str, str], list[float]]) -> list[Latency]:
    rows = [
        Latency(
            key=key,
            label=label,
            count=len(values),
            median_minutes=round(median(values), 1),
            p90_minutes=round(_percentile(values, 0.9), 1),
            max_minutes=round(max(values), 1),
        )
        for (key, label), values in groups.items()
        if values
    ]
    return sorted(rows, key=lambda r: (-r.median_minutes, r.key))


def ack_samples(session: Session, *, start: datetime, end: datetime) -> list[AckSample]:
    incidents = session.exec(
        select(Incident)
        .where(col(Incident.acknowledged_at) >= start, col(Incident.acknowledged_at) < end)
        .order_by(col(Incident.acknowledged_at))
    ).all()
    if not incidents:
        return []
    logins = {i.acknowledged_by for i in incidents if i.acknowledged_by}
    by_login: dict[str, Person] = dict(
        session.exec(
            select(User.username, Person)
            .join(Person, col(Person.user_id) == col(User.id))
            .where(col(User.username).in_(sorted(logins)))
        ).all()
    )
    ids = [i.id for i in incidents]
    first_page: dict[tuple[int, int], datetime] = {}
    for incident_id, person_id, at in session.exec(
        select(Notification.incident_id, Notification.person_id, func.min(Notification.created_at))
        .where(col(Notification.incident_id).in_(ids), col(Notification.person_id).is_not(None))
        .group_by(col(Notification.incident_id), col(Notification.person_id))
    ).all():
        if incident_id is not None and person_id is not None:
            first_page[(incident_id, person_id)] = at
    people: dict[int, Person] = {}
    samples = []
    for incident in incidents:
        assert incident.id is not None and incident.acknowledged_at is not None
        state = codec.loads(incident.state_json)
        person: Person | None = None
        if state.acknowledged_by:
            person = people.get(state.acknowledged_by) or session.get(Person, state.acknowledged_by)
        if person is None and incident.acknowledged_by in by_login:
            person = by_login[incident.acknowledged_by]
        if person is not None and person.id is not None:
            people[person.id] = person
            key, label = f"person:{person.id}", person.name
        else:
            key = label = incident.acknowledged_by or "?"
        paged = first_page.get((incident.id, person.id or 0)) if person else None
        start_at = min(paged, incident.acknowledged_at) if paged else incident.opened_at
        samples.append(
            AckSample(
                who_key=key,
                who_label=label,
                person_id=person.id if person else None,
                step=state.step_index + 1,
                from_open_minutes=(incident.acknowledged_at - incident.opened_at).total_seconds()
                / 60,
                from_page_minutes=(incident.acknowledged_at - start_at).total_seconds() / 60,
                acknowledged_at=incident.acknowledged_at,
            )
        )
    return samples


def ack_latency(
    session: Session, *, start: datetime, end: datetime
) -> tuple[list[Latency], list[Latency], list[float]]:
    """(per person, per step, all minutes from opening) for incidents acknowledged in range."""
    samples = ack_samples(session, start=start, end=end)
    per_person: dict[tuple[str, str], list[float]] = defaultdict(list)
    per_step: dict[tuple[str, str], list[float]] = defaultdict(list)
    for s in samples:
        per_person[(s.who_key, s.who_label)].append(s.from_page_minutes)
        per_step[(str(s.step), str(s.step))].append(s.from_open_minutes)
    steps = sorted(summarise(per_step), key=lambda r: int(r.key))
    return summarise(per_person), steps, [s.from_open_minutes for s in samples]


def ack_latency_candidates(
    session: Session, *, now: datetime, days: int, limit_minutes: int, min_samples: int
) -> list[Candidate]:
    samples = ack_samples(session, start=now - timedelta(days=days), end=now)
    groups: dict[tuple[str, str], list[AckSample]] = defaultdict(list)
    for s in samples:
        groups[(s.who_key, s.who_label)].append(s)
    found = []
    for (key, label), rows in groups.items():
        minutes = [r.from_page_minutes for r in rows]
        typical = median(minutes)
        if len(rows) < min_samples or typical <= limit_minutes:
            continue
        level = WarningLevel.orange if typical > 2 * limit_minutes else WarningLevel.yellow
        values = {
            "who": label,
            "count": len(rows),
            "days": days,
            "median_minutes": typical,
            "limit_minutes": limit_minutes,
        }
        title, text = warning_keys.worded_zh("slow_ack", values)
        found.append(
            Candidate(
                key=f"ack_latency:{key}",
                dimension="ack_latency",
                subject=key,
                label=label,
                level=level,
                title=title,
                summary=text,
                wording_key="slow_ack",
                values=values,
                occurred_at=max(r.acknowledged_at for r in rows),
                evidence={
                    "samples": [
                        {
                            "acknowledged_at": r.acknowledged_at.isoformat(),
                            "minutes": round(r.from_page_minutes, 1),
                            "step": r.step,
                        }
                        for r in rows
                    ],
                    "limit_minutes": limit_minutes,
                    "median_minutes": round(typical, 1),
                },
                observed=len(rows),
            )
        )
    return found


# ---- pages that reached nobody ----------------------------------------------------------------


def unreachable_counts(session: Session, *, start: datetime, end: datetime) -> dict[str, int]:
    rows = session.exec(
        select(IncidentEvent.kind, func.count())
        .where(col(IncidentEvent.kind).in_(NOBODY_EVENTS))
        .where(col(IncidentEvent.at) >= start, col(IncidentEvent.at) < end)
        .group_by(col(IncidentEvent.kind))
    ).all()
    return {str(kind): int(n) for kind, n in rows}


def unreachable_candidates(session: Session, *, since: datetime) -> list[Candidate]:
    rows = session.exec(
        select(IncidentEvent, Incident)
        .join(Incident, col(Incident.id) == col(IncidentEvent.incident_id))
        .where(col(IncidentEvent.kind).in_(NOBODY_EVENTS), col(IncidentEvent.at) >= since)
        .order_by(col(IncidentEvent.at))
    ).all()
    by_incident: dict[int, tuple[Incident, list[IncidentEvent]]] = {}
    for event, incident in rows:
        by_incident.setdefault(event.incident_id, (incident, []))[1].append(event)
    found = []
    for incident_id, (incident, events) in sorted(by_incident.items()):
        exhausted = any(e.kind == "exhausted" for e in events)
        unanswered = incident.acknowledged_at is None
        level = (
            WarningLevel.red
            if exhausted and unanswered
            else WarningLevel.orange
            if exhausted or unanswered
            else WarningLevel.yellow
        )
        values = {
            "incident": incident_id,
            "code": incident.short_code,
            "title": incident.title,
            "exhausted": exhausted,
            "unreachable": sum(e.kind == "unreachable" for e in events),
        }
        title, text = warning_keys.worded_zh("unreachable", values)
        found.append(
            Candidate(
                key=f"unreachable:incident:{incident_id}",
                dimension="unreachable",
                subject=str(incident_id),
                label=incident.title,
                level=level,
                title=title,
                summary=text,
                wording_key="unreachable",
                values=values,
                occurred_at=max(e.at for e in events),
                evidence={
                    "incident_id": incident_id,
                    "events": [
                        {
                            "at": e.at.isoformat(),
                            "kind": e.kind,
                            "text": e.text,
                            "key": e.key,
                            "values": e.values,
                        }
                        for e in events
                    ],
                    "acknowledged_at": (
                        incident.acknowledged_at.isoformat() if incident.acknowledged_at else None
                    ),
                },
                observed=len(events),
            )
        )
    return found
