"""What the supervision tick sends (complaints.supervision): who hears about an item's
reminder (催办), supervision (督办) or written criticism (通报批评), the notice's text, and
the supervision record, history entry and queued notices written in the tick's transaction.

Recipients: the reminder goes to the handling unit's complaint contact (`UnitProfile`, else
the unit's first handler); 督办 goes to the unit's supervisor (profile, else the unit's first
leader) and, when the profile names one, to the supervisor group. Distribution clocks (and items
with no unit) remind the `intake` group and escalate to the `leadership` group.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from complaints import clocks, history, notes
from complaints.config_models import UnitProfile
from complaints.models import Complaint, ComplaintClock, Supervision
from complaints.vocab import ClockKind, SupervisionKind
from escalation import notices
from escalation.models import NoticeTopic, Notification
from oncall.models import DutyRole, Person, PersonDutyRole, Unit

INTAKE_GROUP = "intake"
LEADERSHIP_GROUP = "leadership"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _first_with_role(session: Session, unit_id: int, role: DutyRole) -> int | None:
    return session.exec(
        select(Person.id)
        .join(PersonDutyRole, col(PersonDutyRole.person_id) == col(Person.id))
        .where(
            Person.unit_id == unit_id,
            col(Person.is_active).is_(True),
            PersonDutyRole.role == role,
        )
        .order_by(col(Person.id))
    ).first()


def recipients(
    session: Session, unit_id: int | None, kind: SupervisionKind
) -> tuple[int | None, str | None]:
    """(person, group) to notify about an item of `unit_id`. Written criticism (通报批评) goes
    to the unit's supervisor and always to the leadership group."""
    if kind is SupervisionKind.criticism:
        profile = session.get(UnitProfile, unit_id) if unit_id is not None else None
        person = profile.supervisor_person_id if profile else None
        if person is None and unit_id is not None:
            person = _first_with_role(session, unit_id, DutyRole.leader)
        return person, LEADERSHIP_GROUP
    if unit_id is None:
        return None, INTAKE_GROUP if kind is SupervisionKind.reminder else LEADERSHIP_GROUP
    profile = session.get(UnitProfile, unit_id)
    if kind is SupervisionKind.reminder:
        person = profile.contact_person_id if profile else None
        return person or _first_with_role(session, unit_id, DutyRole.handler), None
    person = profile.supervisor_person_id if profile else None
    group = profile.supervisor_group if profile else None
    person = person or _first_with_role(session, unit_id, DutyRole.leader)
    return person, group if (group or person) else LEADERSHIP_GROUP


def _body(
    kind: SupervisionKind, item: Complaint, clock: ComplaintClock, unit: str, tz: ZoneInfo
) -> notes.Part:
    head = {"ref": item.ref, "title": item.title[:30], "what": clock.kind}
    if kind is SupervisionKind.criticism:
        reminded = clock.reminded_at or clock.overdue_at
        if reminded:  # the local day it was reminded on
            since = reminded.astimezone(tz).date().isoformat()
            return notes.part("supervision.criticism_since", **head, since=since, unit=unit)
        return notes.part("supervision.criticism", **head, unit=unit)
    due = clocks.deadline_text(clock.unit, clock.due_at, clock.due_on, tz)
    if kind is SupervisionKind.reminder:
        return notes.part("supervision.reminder", **head, due=due)
    return notes.part("supervision.overdue", **head, due=due, unit=unit)


def notify(
    session: Session,
    *,
    kind: SupervisionKind,
    item: Complaint,
    clock: ComplaintClock,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
) -> Supervision:
    assert item.id is not None and clock.id is not None
    at_intake = clock.kind is ClockKind.distribution  # distributing is the intake's job
    at_intake = at_intake and kind is not SupervisionKind.criticism
    unit_id = None if at_intake else item.unit_id
    person_id, group = recipients(session, unit_id, kind)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    said = _body(kind, item, clock, unit.name if unit else "", tz)
    body = notes.text([said])
    # short keys: the outbox channel stores "outbox:<key>" as the provider id (64 characters)
    base = f"cmp:{clock.id}:{clock.due_at:%Y%m%d%H}:{kind.value[0]}"
    sent: list[Notification] = []
    if person_id is not None:
        row = notices.queue_person_notice(
            session,
            key=f"{base}:p{person_id}",
            topic=NoticeTopic.complaint,
            subject_ref=f"complaint:{item.ref}",
            person_id=person_id,
            body=body,
            now=now,
        )
        sent += [row] if row else []
    if group is not None:
        row = notices.queue_group_notice(
            session,
            key=f"{base}:g{hashlib.sha1(group.encode()).hexdigest()[:8]}",
            topic=NoticeTopic.complaint,
            subject_ref=f"complaint:{item.ref}",
            group=group,
            body=body,
            now=now,
        )
        sent += [row] if row else []
    parts = [said, *([] if sent else [notes.part("supervision.no_contact")])]
    note = notes.text(parts)
    record = Supervision(
        complaint_id=item.id,
        clock_id=clock.id,
        kind=kind,
        clock_kind=clock.kind,
        due_at=clock.due_at,
        at=now,
        unit_id=unit_id,
        person_id=person_id,
        group=group,
        notification_id=sent[0].id if sent else None,
        note=note,
        note_parts=notes.dump(parts),
    )
    session.add(record)
    action = {
        SupervisionKind.reminder: "remind",
        SupervisionKind.supervision: "supervise",
        SupervisionKind.criticism: "criticise",
    }[kind]
    history.add(session, item, at=now, actor="supervision", action=action, note=parts)
    return record
