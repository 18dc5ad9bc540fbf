"""Changes to a published roster: overrides (someone covers a slot) here and swaps between two
people (`oncall.swaps`), each checked against the unit's hard rules (`oncall.plan_rules`) on
the person's effective plan (roster, then overrides, then approved swaps, as `oncall.resolve`
orders them) before it takes effect (`check_takes`). The person's plan is read through
`oncall.layers` (the database side of "who is on duty at t" and "who works which shift").

Every change to who works what (publishing, overrides, swaps) holds `PLAN_LOCK` to its
commit: each check reads the plan as the change before it left it, so two instances cannot
both give away one slot, or both approve changes that together break a rule."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core import audit
from core.calendar_store import load_calendar
from core.db import advisory_lock
from core.errors import Conflict, NotFound, ValidationFailed
from core.workcal import DayKind as CalendarDayKind
from core.workcal import WorkingCalendar
from oncall import directory, layers, plan_rules
from oncall.change_models import OncallOverride, OverrideCreate
from oncall.models import Person
from oncall.problem_builder import load_rules, period_days, shift_roles_of, to_scheduler_rules
from oncall.resolve import shift_interval
from oncall.roster_models import Leave, Roster, RosterStatus, ShiftType
from scheduler.roster_problem import Rules

PLAN_LOCK = "duty plan"


def lock_plan(session: Session) -> None:
    """Hold the duty plan's lock to the commit (see the module docstring)."""
    advisory_lock(session, PLAN_LOCK)


def active_person(session: Session, person_id: int, field: str) -> Person:
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        raise ValidationFailed.absent(field, "person", person_id, state="archived")
    return person


def _on_leave(session: Session, person_id: int, day: date) -> bool:
    return (
        session.exec(
            select(Leave.id).where(
                Leave.person_id == person_id, Leave.start_date <= day, Leave.end_date >= day
            )
        ).first()
        is not None
    )


def _name(session: Session, person_id: int) -> str:
    """The person's name for a refusal (their id if they are gone)."""
    person = session.get(Person, person_id)
    return person.name if person is not None else str(person_id)


def _may_work(session: Session, person_id: int, shift: ShiftType) -> bool:
    return shift.role.value in shift_roles_of(directory.roles_of(session, person_id))


def _shift_types(session: Session) -> dict[tuple[int, str], ShiftType]:
    return {(s.unit_id, s.code): s for s in session.exec(select(ShiftType)).all()}


def _period_of(session: Session, unit_id: int, day: date) -> tuple[date, date] | None:
    roster = session.exec(
        select(Roster).where(
            Roster.unit_id == unit_id,
            Roster.status == RosterStatus.published,
            Roster.period_start <= day,
            Roster.period_end >= day,
        )
    ).first()
    return None if roster is None else (roster.period_start, roster.period_end)


@dataclass(frozen=True)
class UnitRulesContext:
    """What judging a change in a unit needs besides the person's plan, loaded once per
    decision: a swap checks two people against the same unit's rules."""

    unit_id: int
    rules: Rules
    calendar: WorkingCalendar
    types: dict[tuple[int, str], ShiftType]


def rules_context(session: Session, unit_id: int) -> UnitRulesContext:
    rules = to_scheduler_rules(load_rules(session, unit_id))
    return UnitRulesContext(unit_id, rules, load_calendar(session), _shift_types(session))


@dataclass(frozen=True)
class _PersonPlan:
    """A person's effective plan around a day with what the hard rules need to judge it."""

    rules: Rules
    period: tuple[date, date] | None
    shifts: list[plan_rules.Worked]
    weekend_days: frozenset[date]

    def broken(self, around: Collection[date]) -> list[plan_rules.Broken]:
        return plan_rules.broken_rules(
            self.shifts,
            self.rules,
            around=around,
            period=self.period,
            weekend_days=self.weekend_days,
        )


def _plan_around(
    session: Session, *, person_id: int, day: date, unit: UnitRulesContext, tz: ZoneInfo
) -> _PersonPlan:
    """The hard rules of the unit, the roster period holding `day` with its weekend days,
    and the person's effective plan (roster, overrides and approved swaps) as far around
    `day` as the rules look, for `plan_rules.broken_rules`."""
    reach = timedelta(days=plan_rules.reach_days(unit.rules))
    period = _period_of(session, unit.unit_id, day)
    first, last = day - reach, day + reach
    weekend_days: frozenset[date] = frozenset()
    if period is not None:
        first, last = min(first, period[0]), max(last, period[1])
        weekend_days = frozenset(
            d for d in period_days(*period) if unit.calendar.day_kind(d) is CalendarDayKind.WEEKEND
        )
    shifts = []
    for slot in layers.worked_between(session, start=first, end=last, tz=tz, person_id=person_id):
        worked = unit.types[(slot.unit_id or 0, slot.shift_code)]
        shifts.append(
            plan_rules.Worked(
                slot.start.astimezone(tz).date(), worked.code, slot.start, slot.end, worked.is_night
            )
        )
    return _PersonPlan(unit.rules, period, shifts, weekend_days)


def check_takes(
    session: Session,
    *,
    person_id: int,
    day: date,
    shift: ShiftType,
    field: str,
    tz: ZoneInfo,
    giving_up: tuple[date, ShiftType] | None = None,
    unit: UnitRulesContext | None = None,
) -> None:
    """Refuse (422 on `field`) unless the person may work `shift` on `day`, instead of the
    shift `giving_up` if given, under the hard rules of the shift's unit (`unit`, loaded
    here unless a caller checking several people passes it), checked on the person's effective plan
    (roster, overrides and approved swaps)."""
    if not _may_work(session, person_id, shift):
        raise ValidationFailed(
            field,
            f"person {person_id} may not work {shift.role.value} shifts",
            type="rule_role",
            ctx={"person": _name(session, person_id), "shift": shift.name},
        )
    if _on_leave(session, person_id, day):
        raise ValidationFailed(
            field,
            f"person {person_id} is on leave on {day}",
            type="rule_on_leave",
            ctx={"person": _name(session, person_id), "day": str(day)},
        )
    if unit is None or unit.unit_id != shift.unit_id:
        unit = rules_context(session, shift.unit_id)
    plan = _plan_around(session, person_id=person_id, day=day, unit=unit, tz=tz)
    around = {day}
    if giving_up is not None:
        given_day, given_shift = giving_up
        given = next(
            (w for w in plan.shifts if w.day == given_day and w.code == given_shift.code),
            None,
        )
        if given is None:
            raise Conflict(
                f"person {person_id} no longer works {given_shift.code} on {given_day}: "
                "an override or another swap changed it"
            )
        plan.shifts.remove(given)
        around.add(given_day)
    plan.shifts.append(
        plan_rules.Worked(
            day,
            shift.code,
            *shift_interval(day, shift.start_time, shift.end_time, tz),
            shift.is_night,
        )
    )
    broken = plan.broken(around)
    if broken:
        first = broken[0]
        names = {
            key: unit.types[(unit.unit_id, code)].name
            if (unit.unit_id, code) in unit.types
            else code
            for key, code in first.values.items()
            if key.endswith("_shift") and isinstance(code, str)
        }
        raise ValidationFailed(
            field,
            f"person {person_id} {first.reason} ({first.rule})",
            type=f"rule_{first.kind or first.rule}",
            ctx={**first.values, **names, "person": _name(session, person_id)},
        )


def create_override(
    session: Session, *, data: OverrideCreate, actor: str, now: datetime, tz: ZoneInfo
) -> OncallOverride:
    lock_plan(session)
    shift = session.get(ShiftType, data.shift_type_id)
    if shift is None:
        raise ValidationFailed.absent("shift_type_id", "shift type", data.shift_type_id)
    active_person(session, data.covering_person_id, "covering_person_id")
    if data.original_person_id is not None:
        active_person(session, data.original_person_id, "original_person_id")
        # overrides apply to the roster as earlier overrides left it, before swaps (resolve.py)
        worked = layers.worked_between(
            session,
            start=data.day,
            end=data.day,
            tz=tz,
            unit_id=shift.unit_id,
            person_id=data.original_person_id,
            with_swaps=False,
        )
        if not any(s.shift_code == shift.code for s in worked):
            raise ValidationFailed(
                "original_person_id",
                f"person {data.original_person_id} does not work this slot",
                type="not_in_slot",
                ctx={
                    "person": _name(session, data.original_person_id),
                    "shift": shift.name,
                    "day": data.day.isoformat(),
                },
            )
    check_takes(
        session,
        person_id=data.covering_person_id,
        day=data.day,
        shift=shift,
        field="covering_person_id",
        tz=tz,
    )
    start, end = shift_interval(data.day, shift.start_time, shift.end_time, tz)
    override = OncallOverride(
        **data.model_dump(), start_at=start, end_at=end, created_by=actor, created_at=now
    )
    session.add(override)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="override.create",
        entity_type="roster",
        entity_id=f"override:{override.id}",
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return override


def list_overrides(
    session: Session,
    *,
    unit_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    person_id: int | None = None,
) -> list[OncallOverride]:
    """Overrides by day, of one unit's shift types, within `start`..`end`, and covering or
    replacing one person, as far as given."""
    query = select(OncallOverride).order_by(col(OncallOverride.day), col(OncallOverride.id))
    if unit_id is not None:
        query = query.join(ShiftType, col(ShiftType.id) == OncallOverride.shift_type_id).where(
            ShiftType.unit_id == unit_id
        )
    if start is not None:
        query = query.where(OncallOverride.day >= start)
    if end is not None:
        query = query.where(OncallOverride.day <= end)
    if person_id is not None:
        query = query.where(
            or_(
                col(OncallOverride.covering_person_id) == person_id,
                col(OncallOverride.original_person_id) == person_id,
            )
        )
    return list(session.exec(query).all())


def delete_override(
    session: Session, *, override_id: int, actor: str, now: datetime, tz: ZoneInfo
) -> None:
    """Remove an override: the slot is worked as the roster (and swaps) say again.

    Raises:
        Conflict: the person the override replaced could not take the slot back under the
            hard rules (another override or an approved swap gave them other work since);
            nothing is removed.
    """
    lock_plan(session)
    override = session.get(OncallOverride, override_id)
    if override is None:
        raise NotFound(f"override {override_id} not found")
    before = override.model_dump(mode="json", exclude={"created_at"})
    session.delete(override)
    session.flush()
    shift = session.get(ShiftType, override.shift_type_id)
    if override.original_person_id is not None and shift is not None:
        plan = _plan_around(
            session,
            person_id=override.original_person_id,
            day=override.day,
            unit=rules_context(session, shift.unit_id),
            tz=tz,
        )
        broken = plan.broken({override.day})
        if broken:
            session.rollback()
            raise Conflict(
                f"removing override {override_id} gives person {override.original_person_id} "
                f"back {shift.code} on {override.day}, but they {broken[0].reason} "
                f"({broken[0].rule}); change that first"
            )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="override.delete",
        entity_type="roster",
        entity_id=f"override:{override_id}",
        before=before,
    )
    session.commit()
