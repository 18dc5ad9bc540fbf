"""Tell staff about a published roster: each person gets their shifts; after a repair, only
the people whose shifts changed get what changed.

`roster_messages` is pure; `announce_published` runs in the dispatcher tick, claims
published rosters nobody was told about yet (`staff_notified_at` is null), queues one
notice per person (idempotency key `roster:<id>:person:<id>`), marks the roster and
commits, so a restart or a second instance never announces twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from core import audit
from escalation import notices
from escalation.models import NoticeTopic
from oncall.models import Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType

Shift = tuple[date, str]  # (local day, shift name)
MAX_LISTED = 8


def _listing(shifts: Sequence[Shift]) -> str:
    ordered = sorted(shifts)
    text = "、".join(f"{day:%m-%d}{name}" for day, name in ordered[:MAX_LISTED])
    if len(ordered) > MAX_LISTED:
        text += f"等共{len(ordered)}班"
    return text


def roster_messages(
    *,
    unit_name: str,
    period_start: date,
    period_end: date,
    version: int,
    shifts: Mapping[int, Sequence[Shift]],
    base: Mapping[int, Sequence[Shift]] | None,
) -> dict[int, str]:
    """person id → SMS text. With `base` (the roster a repair started from) only people
    whose shifts differ are told, and only what changed."""
    head = f"【DutyDesk】{unit_name} {period_start:%m-%d}至{period_end:%m-%d}值班表"
    if base is None:
        return {
            person: f"{head}已发布（第{version}版）。您的班次：{_listing(own)}。"
            for person, own in shifts.items()
            if own
        }
    messages: dict[int, str] = {}
    for person in sorted(set(shifts) | set(base)):
        now_set, before = set(shifts.get(person, ())), set(base.get(person, ()))
        added, removed = sorted(now_set - before), sorted(before - now_set)
        if not added and not removed:
            continue
        parts = []
        if added:
            parts.append(f"新增 {_listing(added)}")
        if removed:
            parts.append(f"取消 {_listing(removed)}")
        messages[person] = f"{head}已调整（第{version}版）：{'；'.join(parts)}。"
    return messages


def _shifts_of(session: Session, roster_id: int) -> dict[int, list[Shift]]:
    rows = session.exec(
        select(col(RosterAssignment.person_id), col(RosterAssignment.day), col(ShiftType.name))
        .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
        .where(RosterAssignment.roster_id == roster_id)
    ).all()
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for person_id, day, name in rows:
        shifts[person_id].append((day, name))
    return dict(shifts)


def announce_published(session: Session, *, now: datetime, batch: int = 20) -> int:
    """Queue the notices of rosters published since the last tick; commits. Returns how
    many rosters were announced."""
    query = (
        select(Roster)
        .where(Roster.status == RosterStatus.published, col(Roster.staff_notified_at).is_(None))
        .order_by(col(Roster.id))
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Roster)
    rosters = list(session.exec(query).all())
    for roster in rosters:
        assert roster.id is not None
        unit = session.get(Unit, roster.unit_id)
        base = (
            _shifts_of(session, roster.base_roster_id)
            if roster.base_roster_id is not None
            else None
        )
        messages = roster_messages(
            unit_name=unit.name if unit is not None else "",
            period_start=roster.period_start,
            period_end=roster.period_end,
            version=roster.version,
            shifts=_shifts_of(session, roster.id),
            base=base,
        )
        queued, unreachable = 0, []
        for person_id, body in messages.items():
            row = notices.queue_person_notice(
                session,
                key=f"roster:{roster.id}:person:{person_id}",
                topic=NoticeTopic.roster,
                subject_ref=f"roster:{roster.id}",
                person_id=person_id,
                body=body,
                now=now,
            )
            if row is not None:
                queued += 1
            elif notices.mobile_of(session, person_id) is None:
                unreachable.append(person_id)
        roster.staff_notified_at = now
        session.add(roster)
        audit.record(
            session,
            at=now,
            actor="system",
            action="roster.staff_notified",
            entity_type="roster",
            entity_id=roster.id,
            after={"notices": queued, "without_mobile": unreachable},
        )
    session.commit()
    return len(rosters)
