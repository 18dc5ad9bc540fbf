"""Swap requests between two people of a published roster: requested, then approved (checked
against the unit's hard rules on both people's effective plans, `changes.check_takes`) or
rejected; requested by one of the two people (or a planner), approved by someone other than
the two people swapping (DOMAIN.md §5: by the duty leader). Each step holds the duty plan's
lock (`changes.lock_plan`) to its commit and is audited. Publishing a new version carries
swaps over (`oncall.publishing`)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from oncall import changes, layers
from oncall.change_models import SwapCreate, SwapRequestRow, SwapStatus
from oncall.problem_builder import SHANGHAI
from oncall.roster_models import Roster, RosterAssignment, RosterStatus


def request_swap(
    session: Session,
    *,
    data: SwapCreate,
    actor: str,
    now: datetime,
    for_anyone: bool = True,
    actor_person_id: int | None = None,
    tz: ZoneInfo = SHANGHAI,
) -> SwapRequestRow:
    """A pending swap, refused at once (as approving it would be) when either person may not
    work the other's shift under leave, roles and the unit's hard rules. Unless the requester
    arranges swaps `for_anyone` (planners, admins), they must be one of the two people
    (`actor_person_id`, the person linked to them): `Forbidden` otherwise, so no one else's
    shifts are put up for a swap they did not ask for, and a leader cannot request and
    approve a swap of two others alone."""
    if not for_anyone and actor_person_id not in (data.a_person_id, data.b_person_id):
        raise Forbidden(
            "a swap is requested by one of the two people (the person linked to your user) "
            "or by a planner"
        )
    changes.lock_plan(session)
    roster = session.get(Roster, data.roster_id)
    if roster is None or roster.status is not RosterStatus.published:
        raise ValidationFailed("roster_id", "swaps apply to a published roster")
    for person_field, day_field in (("a_person_id", "a_day"), ("b_person_id", "b_day")):
        person_id, day = getattr(data, person_field), getattr(data, day_field)
        person = changes.active_person(session, person_id, person_field)
        if (
            session.exec(
                select(RosterAssignment).where(
                    RosterAssignment.roster_id == roster.id,
                    RosterAssignment.person_id == person_id,
                    RosterAssignment.day == day,
                )
            ).first()
            is None
        ):
            raise ValidationFailed(
                day_field,
                f"person {person_id} has no shift on {day}",
                type="swap_no_shift",
                ctx={"person": person.name, "day": day.isoformat()},
            )
    if data.a_person_id == data.b_person_id:
        raise ValidationFailed("b_person_id", "a swap needs two different people")
    _check_rules(
        session, data.roster_id, data.a_person_id, data.a_day, data.b_person_id, data.b_day, tz
    )
    swap = SwapRequestRow(
        **data.model_dump(), status=SwapStatus.pending, requested_by=actor, requested_at=now
    )
    session.add(swap)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="swap.request",
        entity_type="roster",
        entity_id=roster.id,
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return swap


def _check_rules(
    session: Session,
    roster_id: int,
    a_person_id: int,
    a_day: date,
    b_person_id: int,
    b_day: date,
    tz: ZoneInfo,
) -> None:
    """Each of the two may work the other's shift instead of their own (422 naming the person
    who may not, `changes.check_takes`), on their plans as overrides and approved swaps left
    them."""
    a_shift = layers.shift_of(session, roster_id, a_person_id, a_day)
    b_shift = layers.shift_of(session, roster_id, b_person_id, b_day)
    unit = changes.rules_context(session, b_shift.unit_id)  # both people's unit
    sides = (
        ("a_person_id", a_person_id, (a_day, a_shift), (b_day, b_shift)),
        ("b_person_id", b_person_id, (b_day, b_shift), (a_day, a_shift)),
    )
    for field, person_id, giving_up, (day, shift) in sides:
        changes.check_takes(
            session,
            person_id=person_id,
            day=day,
            shift=shift,
            field=field,
            tz=tz,
            giving_up=giving_up,
            unit=unit,
        )


def get_swap(session: Session, *, swap_id: int) -> SwapRequestRow:
    swap = session.get(SwapRequestRow, swap_id)
    if swap is None:
        raise NotFound(f"swap request {swap_id} not found")
    return swap


def list_swaps(session: Session, *, status: SwapStatus | None = None) -> list[SwapRequestRow]:
    query = select(SwapRequestRow).order_by(col(SwapRequestRow.id).desc())
    if status is not None:
        query = query.where(SwapRequestRow.status == status)
    return list(session.exec(query).all())


def decide_swap(
    session: Session,
    *,
    swap_id: int,
    approve: bool,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
    actor_person_id: int | None = None,
) -> SwapRequestRow:
    """Approve (checked against the rules) or reject a pending swap. A swap is approved by
    someone other than the two people swapping (DOMAIN.md §5: by the duty leader), so the
    person behind `actor` may reject (withdraw) their own swap but not approve it."""
    changes.lock_plan(session)
    swap = get_swap(session, swap_id=swap_id)
    if swap.status is not SwapStatus.pending:
        raise Conflict(f"the swap request is already {swap.status.value}")
    if approve and actor_person_id in (swap.a_person_id, swap.b_person_id):
        raise Forbidden("a swap is approved by someone other than the two people swapping")
    if approve:
        roster = session.get(Roster, swap.roster_id)
        if roster is None or roster.status is not RosterStatus.published:
            state = "gone" if roster is None else roster.status.value
            raise Conflict(
                f"roster {swap.roster_id} is {state}, not published: "
                "the swap can no longer be approved"
            )
        _check_rules(
            session, swap.roster_id, swap.a_person_id, swap.a_day, swap.b_person_id, swap.b_day, tz
        )
    swap.status = SwapStatus.approved if approve else SwapStatus.rejected
    swap.decided_by, swap.decided_at = actor, now
    session.add(swap)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"swap.{swap.status.value}",
        entity_type="roster",
        entity_id=swap.roster_id,
        after={"swap_id": swap.id, "status": swap.status.value},
    )
    session.commit()
    return swap
