"""Duty-side signals: incidents per category, acknowledgement latency per person and per
escalation step, pages that reached nobody, and roster gaps in the coming weeks.

- Latency: an acknowledged incident counts for the person who acknowledged it (the person of
  an SMS / key-press acknowledgement, else the person linked to the acknowledging login, else
  the login name), measured from that person's first page in the incident (from the opening
  when they were never paged), and for the escalation step it stood at, measured from the
  opening.
- Pages that reached nobody: incidents whose timeline has `unreachable` (no contact method
  left) or `exhausted` (the last step ran out unacknowledged) events.
- Roster gaps: for each day of the coming `days` covered by a published roster, the people on
  each shift after approved swaps and overrides, minus those on leave or inactive, are
  compared with the unit's demand (minimum, and the minimum holding a demanded skill).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from complaints.candidates import Candidate
from complaints.detect import WarningLevel, days_between
from core.users import User
from core.workcal import WorkingCalendar
from escalation import codec
from escalation.models import Incident, IncidentEvent, Notification
from oncall.models import Person, PersonSkill, Unit
from oncall.roster_models import (
    DemandDayKind,
    DemandTemplate,
    Leave,
    OncallOverride,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
    SwapRequestRow,
    SwapStatus,
)

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
        found.append(
            Candidate(
                key=f"ack_latency:{key}",
                dimension="ack_latency",
                subject=key,
                label=label,
                level=level,
                title=f"{label} 确认响应偏慢：中位 {typical:.0f} 分钟",
                summary=(
                    f"近 {days} 天 {len(rows)} 次确认，中位 {typical:.1f} 分钟，"
                    f"超过 {limit_minutes} 分钟的要求。"
                ),
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
        what = "升级链已用尽仍无人确认" if exhausted else "部分呼叫无法送达"
        found.append(
            Candidate(
                key=f"unreachable:incident:{incident_id}",
                dimension="unreachable",
                subject=str(incident_id),
                label=incident.title,
                level=level,
                title=f"事件 {incident.short_code}「{incident.title[:40]}」{what}",
                summary="; ".join(e.text for e in events)[:2000],
                occurred_at=max(e.at for e in events),
                evidence={
                    "incident_id": incident_id,
                    "events": [
                        {"at": e.at.isoformat(), "kind": e.kind, "text": e.text} for e in events
                    ],
                    "acknowledged_at": (
                        incident.acknowledged_at.isoformat() if incident.acknowledged_at else None
                    ),
                },
                observed=len(events),
            )
        )
    return found


# ---- roster gaps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftGap:
    unit_id: int
    unit_name: str
    day: date
    shift_code: str
    shift_name: str
    skill: str | None
    required: int
    staffed: int
    people: tuple[str, ...]
    away: tuple[str, ...]  # assigned but on leave or inactive


_DEMAND_KIND = {
    "workday": DemandDayKind.workday,
    "weekend": DemandDayKind.weekend,
    "holiday": DemandDayKind.holiday,
    "makeup_workday": DemandDayKind.makeup_workday,
}


def _effective(
    session: Session, rosters: list[Roster], start: date, end: date
) -> dict[tuple[int, date, int], set[int]]:
    """(roster id, day, shift type id) → people, after approved swaps and overrides."""
    ids = [r.id for r in rosters]
    staffed: dict[tuple[int, date, int], set[int]] = defaultdict(set)
    shift_of: dict[tuple[int, int, date], int] = {}
    for a in session.exec(
        select(RosterAssignment).where(
            col(RosterAssignment.roster_id).in_(ids),
            col(RosterAssignment.day) >= start,
            col(RosterAssignment.day) <= end,
        )
    ).all():
        staffed[(a.roster_id, a.day, a.shift_type_id)].add(a.person_id)
        shift_of[(a.roster_id, a.person_id, a.day)] = a.shift_type_id
    for swap in session.exec(
        select(SwapRequestRow).where(
            col(SwapRequestRow.roster_id).in_(ids), SwapRequestRow.status == SwapStatus.approved
        )
    ).all():
        for giver, taker, day in (
            (swap.a_person_id, swap.b_person_id, swap.a_day),
            (swap.b_person_id, swap.a_person_id, swap.b_day),
        ):
            shift = shift_of.get((swap.roster_id, giver, day))
            if shift is not None:
                people = staffed[(swap.roster_id, day, shift)]
                people.discard(giver)
                people.add(taker)
    roster_of_day = {
        (r.unit_id, d): r.id for r in rosters for d in days_between(r.period_start, r.period_end)
    }
    unit_of_shift = dict(session.exec(select(ShiftType.id, ShiftType.unit_id)).all())
    for o in session.exec(
        select(OncallOverride).where(OncallOverride.day >= start, OncallOverride.day <= end)
    ).all():
        roster_id = roster_of_day.get((unit_of_shift.get(o.shift_type_id, 0), o.day))
        if roster_id is None:
            continue
        people = staffed[(roster_id, o.day, o.shift_type_id)]
        if o.original_person_id is not None:
            people.discard(o.original_person_id)
        people.add(o.covering_person_id)
    return staffed


def roster_gaps(
    session: Session, *, today: date, days: int, calendar: WorkingCalendar
) -> list[ShiftGap]:
    end = today + timedelta(days=days - 1)
    rosters = list(
        session.exec(
            select(Roster)
            .where(Roster.status == RosterStatus.published)
            .where(Roster.period_start <= end, Roster.period_end >= today)
            .order_by(col(Roster.unit_id), col(Roster.published_at))
        ).all()
    )
    latest: dict[tuple[int, date], Roster] = {}
    for roster in rosters:  # a later publication covers the same days of the unit
        for day in days_between(max(roster.period_start, today), min(roster.period_end, end)):
            latest[(roster.unit_id, day)] = roster
    if not latest:
        return []
    staffed = _effective(session, rosters, today, end)
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    shifts = {s.id: s for s in session.exec(select(ShiftType)).all()}
    demand: dict[int, list[DemandTemplate]] = defaultdict(list)
    for template in session.exec(select(DemandTemplate)).all():
        demand[template.unit_id].append(template)
    leave = session.exec(
        select(Leave).where(Leave.start_date <= end, Leave.end_date >= today)
    ).all()
    people = {p.id: p for p in session.exec(select(Person)).all()}
    skills: dict[int, set[str]] = defaultdict(set)
    for person_id, code in session.exec(
        select(PersonSkill.person_id, PersonSkill.skill_code)
    ).all():
        skills[person_id].add(code)
    gaps = []
    for (unit_id, day), roster in sorted(latest.items(), key=lambda item: (item[0][1], item[0][0])):
        assert roster.id is not None
        kind = _DEMAND_KIND[calendar.day_kind(day).value]
        away = {x.person_id for x in leave if x.start_date <= day <= x.end_date}
        for template in demand.get(unit_id, []):
            if template.day_kind not in (DemandDayKind.any, kind) or template.minimum <= 0:
                continue
            assigned = staffed.get((roster.id, day, template.shift_type_id), set())
            present = {
                p for p in assigned if p not in away and people.get(p) and people[p].is_active
            }
            if template.skill:
                present = {p for p in present if template.skill in skills[p]}
            if len(present) >= template.minimum:
                continue
            shift = shifts[template.shift_type_id]
            gaps.append(
                ShiftGap(
                    unit_id=unit_id,
                    unit_name=units[unit_id].name if unit_id in units else str(unit_id),
                    day=day,
                    shift_code=shift.code,
                    shift_name=shift.name,
                    skill=template.skill,
                    required=template.minimum,
                    staffed=len(present),
                    people=tuple(sorted(people[p].name for p in present if p in people)),
                    away=tuple(sorted(people[p].name for p in assigned - present if p in people)),
                )
            )
    return gaps


def gap_level(days_ahead: int) -> WarningLevel:
    if days_ahead <= 1:
        return WarningLevel.red
    if days_ahead <= 3:
        return WarningLevel.orange
    if days_ahead <= 7:
        return WarningLevel.yellow
    return WarningLevel.blue


def roster_gap_candidates(
    session: Session, *, now: datetime, tz: ZoneInfo, days: int, calendar: WorkingCalendar
) -> list[Candidate]:
    today = now.astimezone(tz).date()
    by_day: dict[tuple[int, date], list[ShiftGap]] = defaultdict(list)
    for gap in roster_gaps(session, today=today, days=days, calendar=calendar):
        by_day[(gap.unit_id, gap.day)].append(gap)
    found = []
    changed = _last_change(session)
    for (unit_id, day), gaps in sorted(by_day.items()):
        short = "；".join(
            f"{g.shift_name}{'（' + g.skill + '）' if g.skill else ''}需 {g.required} 人，"
            f"实 {g.staffed} 人" + (f"（{'、'.join(g.away)} 请假/停用）" if g.away else "")
            for g in gaps
        )
        found.append(
            Candidate(
                key=f"roster_gap:{unit_id}:{day.isoformat()}",
                dimension="roster_gap",
                subject=f"{unit_id}:{day.isoformat()}",
                label=gaps[0].unit_name,
                level=gap_level((day - today).days),
                title=f"{gaps[0].unit_name} {day:%m月%d日} 值班缺员",
                summary=short,
                occurred_at=min(changed, now),
                evidence={
                    "day": day.isoformat(),
                    "unit_id": unit_id,
                    "gaps": [
                        {
                            "shift": g.shift_code,
                            "shift_name": g.shift_name,
                            "skill": g.skill,
                            "required": g.required,
                            "staffed": g.staffed,
                            "people": list(g.people),
                            "away": list(g.away),
                        }
                        for g in gaps
                    ],
                },
                observed=sum(g.staffed for g in gaps),
                expected=float(sum(g.required for g in gaps)),
                window_start=day,
                window_end=day,
            )
        )
    return found


def _last_change(session: Session) -> datetime:
    """The latest change that can open a roster gap (publication, leave, override, swap)."""
    instants = [
        session.exec(select(func.max(Roster.published_at))).one(),
        session.exec(select(func.max(Leave.created_at))).one(),
        session.exec(select(func.max(OncallOverride.created_at))).one(),
        session.exec(select(func.max(SwapRequestRow.decided_at))).one(),
    ]
    found = [i for i in instants if i is not None]
    return max(found) if found else datetime(2000, 1, 1, tzinfo=UTC)
