"""Duty-log and handover use cases.

Keyword-only functions that take a session and plain values, validate references (the unit
and every person named must exist and be active; the two people of a handover must be ones
its duty roster draws on: members of the unit or of the centre's sections,
`problem_builder.staffs_duty_of`), refuse instants more than a day ahead of
`now`, write the audit entry and commit once. A handover spells out what is unfinished: while
the caller's `unfinished` names anything open at its time (the API: unresolved incidents), its
open items must not be blank. A handover is handed over by the person linked to the user
recording it, or for them by someone who arranges duty for anyone (a planner or an admin;
the audit entry then names whom it was recorded for). It is acknowledged at most once, by
the person receiving it, or for them by someone who may confirm for others (an admin, e.g.
when the receiver has no login); never by the person handing over.

A caller's phone number is shown in full only to the duty staff who record entries and call
back (`dutylog.write`) and to those who may see full numbers (`complaint.confidential`);
everyone else sees it masked (138****1234, `public`), and the audit log always masks it. The
same holds for the phone and ID numbers written inside an entry's or a handover's free text
(event, measures, open items, notes …: `core.privacy.mask_text_phones`, `public_handover`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from core.privacy import mask_phone, mask_text_phones
from core.users import Permission, Role, allowed
from oncall.dutylog_models import (
    DutyLogEntry,
    DutyLogEntryCreate,
    DutyLogEntryPublic,
    Handover,
    HandoverCreate,
    HandoverPublic,
)
from oncall.models import Person, Unit
from oncall.problem_builder import staffs_duty_of

MAX_FUTURE = timedelta(days=1)
# the free-text fields, where a caller's or anyone's number may be written too
ENTRY_TEXT = ("caller_unit", "caller_name", "place", "event", "measures", "informed")
HANDOVER_TEXT = ("open_items", "notes")


def _masked_text(row: DutyLogEntry | Handover, fields: tuple[str, ...]) -> dict[str, str]:
    return {field: mask_text_phones(getattr(row, field)) for field in fields}


def _check_unit(session: Session, *, unit_id: int) -> None:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ValidationFailed.absent("unit_id", "unit", unit_id)
    if not unit.is_active:
        raise ValidationFailed("unit_id", f"unit {unit_id} is not active")


def _check_person(session: Session, *, field: str, person_id: int) -> None:
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationFailed.absent(field, "person", person_id)
    if not person.is_active:
        raise ValidationFailed(field, f"person {person_id} is archived")


def _check_not_future(*, field: str, at: datetime, now: datetime) -> None:
    if at > now + MAX_FUTURE:
        raise ValidationFailed(
            field,
            "must not be more than 1 day in the future",
            type="too_far_ahead",
            ctx={"days": MAX_FUTURE.days},
        )


# ---- duty log ------------------------------------------------------------------------------


def record_entry(
    session: Session, *, data: DutyLogEntryCreate, actor: str, now: datetime
) -> DutyLogEntry:
    _check_unit(session, unit_id=data.unit_id)
    if data.recorder_person_id is not None:
        _check_person(session, field="recorder_person_id", person_id=data.recorder_person_id)
    _check_not_future(field="occurred_at", at=data.occurred_at, now=now)
    entry = DutyLogEntry(**data.model_dump(), recorded_by=actor, recorded_at=now)
    session.add(entry)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="duty_log_entry.create",
        entity_type="duty_log_entry",
        entity_id=entry.id,
        after=entry.model_dump(mode="json", exclude={"id"})
        | _masked_text(entry, ENTRY_TEXT)
        | {"caller_phone": mask_phone(entry.caller_phone)},
    )
    session.commit()
    return entry


def sees_full_phone(role: Role) -> bool:
    return allowed(role, Permission.dutylog_write) or allowed(
        role, Permission.complaint_confidential
    )


def public(entry: DutyLogEntry, *, role: Role) -> DutyLogEntryPublic:
    """The entry as `role` may read it: the caller's phone and the numbers in its free text
    masked unless `sees_full_phone`."""
    shown = DutyLogEntryPublic.model_validate(entry)
    if sees_full_phone(role):
        return shown
    return shown.model_copy(
        update=_masked_text(entry, ENTRY_TEXT) | {"caller_phone": mask_phone(entry.caller_phone)}
    )


def get_entry(session: Session, *, entry_id: int) -> DutyLogEntry:
    entry = session.get(DutyLogEntry, entry_id)
    if entry is None:
        raise NotFound(f"duty-log entry {entry_id} not found")
    return entry


def list_entries(
    session: Session,
    *,
    unit_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DutyLogEntry]:
    """Entries whose `occurred_at` lies in [start, end), newest first."""
    if start is not None and end is not None and end <= start:
        raise ValidationFailed("end", "must be after start")
    query = select(DutyLogEntry).order_by(
        col(DutyLogEntry.occurred_at).desc(), col(DutyLogEntry.id).desc()
    )
    if unit_id is not None:
        query = query.where(DutyLogEntry.unit_id == unit_id)
    if start is not None:
        query = query.where(col(DutyLogEntry.occurred_at) >= start)
    if end is not None:
        query = query.where(col(DutyLogEntry.occurred_at) < end)
    return list(session.exec(query.offset(offset).limit(limit)).all())


# ---- handover ------------------------------------------------------------------------------


def _handover_summary(handover: Handover) -> dict[str, object]:
    return handover.model_dump(mode="json", exclude={"id"}) | _masked_text(handover, HANDOVER_TEXT)


def public_handover(handover: Handover, *, role: Role) -> HandoverPublic:
    """The handover as `role` may read it: the numbers in its open items and notes masked
    unless `sees_full_phone`."""
    shown = HandoverPublic.model_validate(handover)
    if sees_full_phone(role):
        return shown
    return shown.model_copy(update=_masked_text(handover, HANDOVER_TEXT))


UNFINISHED_SHOWN = 5  # how many unfinished items the refusal names


def create_handover(
    session: Session,
    *,
    data: HandoverCreate,
    actor: str,
    now: datetime,
    unfinished: Callable[[datetime], Sequence[str]] = lambda _at: (),
    for_anyone: bool = True,
    actor_person_id: int | None = None,
) -> Handover:
    """Record a handover. Unless the recorder hands over `for_anyone` (planners, admins),
    the person handing over is the one linked to them (`actor_person_id`): `Forbidden`
    naming `from_person_id` otherwise, so no one hands over someone else's duty. Unfinished
    items are handed over explicitly (DOMAIN.md §5): `unfinished(handed_over_at)` names what
    was still open then (the API passes the unresolved incidents; `oncall` knows none), and
    while it names anything the open items must not be blank (422 naming `open_items`)."""
    if not for_anyone and data.from_person_id != actor_person_id:
        raise Forbidden(
            "a handover is handed over by the person linked to your user, or recorded for "
            "them by a planner or an admin",
            errors=(FieldError("from_person_id", "must be the person linked to your user"),),
        )
    _check_unit(session, unit_id=data.unit_id)
    for field, person_id in (
        ("from_person_id", data.from_person_id),
        ("to_person_id", data.to_person_id),
    ):
        _check_person(session, field=field, person_id=person_id)
        person = session.get(Person, person_id)
        # duty is handed over inside one unit, between people its duty roster draws on
        if person is not None and not staffs_duty_of(session, person=person, unit_id=data.unit_id):
            unit = session.get(Unit, data.unit_id)
            raise ValidationFailed(
                field,
                f"person {person_id} is neither a member of unit {data.unit_id} nor of a "
                "section of the centre (who staff its duty)",
                type="not_duty_staff",
                ctx={"person": person.name, "unit": unit.name if unit else str(data.unit_id)},
            )
    if data.from_person_id == data.to_person_id:
        raise ValidationFailed("to_person_id", "must differ from from_person_id")
    handed_over_at = data.handed_over_at or now
    _check_not_future(field="handed_over_at", at=handed_over_at, now=now)
    open_then = unfinished(handed_over_at)
    if open_then and not data.open_items.strip():
        named = ", ".join(open_then[:UNFINISHED_SHOWN])
        hidden = len(open_then) - UNFINISHED_SHOWN
        more = f" and {hidden} more" if hidden > 0 else ""
        raise ValidationFailed(
            "open_items",
            f"{len(open_then)} unfinished at the handover ({named}{more}): hand them over",
            type="unfinished_not_handed_over",
            ctx={"n": len(open_then)},
        )
    handover = Handover(
        unit_id=data.unit_id,
        from_person_id=data.from_person_id,
        to_person_id=data.to_person_id,
        handed_over_at=handed_over_at,
        open_items=data.open_items,
        notes=data.notes,
        created_by=actor,
        created_at=now,
    )
    session.add(handover)
    session.flush()
    on_behalf = data.from_person_id != actor_person_id
    audit.record(
        session,
        at=now,
        actor=actor,
        action="handover.create",
        entity_type="handover",
        entity_id=handover.id,
        after=_handover_summary(handover)
        | ({"recorded_on_behalf_of": data.from_person_id} if on_behalf else {}),
    )
    session.commit()
    return handover


def get_handover(session: Session, *, handover_id: int) -> Handover:
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise NotFound(f"handover {handover_id} not found")
    return handover


def acknowledge_handover(
    session: Session,
    *,
    handover_id: int,
    actor: str,
    actor_person_id: int | None,
    for_others: bool = False,
    now: datetime,
) -> Handover:
    """Mark the handover received: by its receiver (`actor_person_id`), or with `for_others`
    on their behalf, never by the person handing over (403). The row is locked (PostgreSQL)
    or the write transaction is already exclusive (SQLite, BEGIN IMMEDIATE), so two
    acknowledgements cannot both win."""
    handover = session.get(Handover, handover_id, with_for_update=True)
    if handover is None:
        raise NotFound(f"handover {handover_id} not found")
    if actor_person_id == handover.from_person_id:
        raise Forbidden("the person handing over cannot confirm receipt of their own handover")
    if actor_person_id != handover.to_person_id and not for_others:
        raise Forbidden("only the person receiving the handover can confirm its receipt")
    if handover.acknowledged_at is not None:
        raise Conflict(
            f"handover {handover_id} was already acknowledged by {handover.acknowledged_by}"
        )
    before = _handover_summary(handover)
    handover.acknowledged_at = now
    handover.acknowledged_by = actor
    session.add(handover)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="handover.acknowledge",
        entity_type="handover",
        entity_id=handover_id,
        before=before,
        after=_handover_summary(handover),
    )
    session.commit()
    return handover


def list_handovers(
    session: Session, *, unit_id: int | None = None, limit: int = 100, offset: int = 0
) -> list[Handover]:
    """Handovers, newest first."""
    query = select(Handover).order_by(col(Handover.handed_over_at).desc(), col(Handover.id).desc())
    if unit_id is not None:
        query = query.where(Handover.unit_id == unit_id)
    return list(session.exec(query.offset(offset).limit(limit)).all())
