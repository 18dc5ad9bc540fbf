"""Load a unit's people, shift types, demand, rules, leave, requests and history from the
database and build the pure `scheduler.roster_problem.RosterProblem` for a period.

History: the shifts just before the period (as many days as the rules look back, across a
year boundary too) and the calendar-year-to-date night, weekend and holiday totals, as they
were worked: a day of a published version counts its overrides and approved swaps
(`oncall.layers.worked_between`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.workcal import DayKind as CalendarDayKind
from core.workcal import WorkingCalendar
from oncall import directory, layers
from oncall.models import DutyRole, Person, Unit, UnitKind
from oncall.roster_models import (
    DemandDayKind,
    DemandTemplate,
    Leave,
    Roster,
    RosterAssignment,
    RosterStatus,
    RulesConfig,
    ShiftRequest,
    ShiftRole,
    ShiftType,
    UnitRules,
)
from scheduler import roster_problem as rp

# Which shift roles each duty role may work.
SHIFT_ROLES_OF: dict[DutyRole, frozenset[str]] = {
    DutyRole.duty_officer: frozenset(
        {ShiftRole.duty, ShiftRole.oncall_primary, ShiftRole.oncall_backup}
    ),
    DutyRole.expert: frozenset({ShiftRole.duty, ShiftRole.oncall_primary, ShiftRole.oncall_backup}),
    DutyRole.leader: frozenset({ShiftRole.leader}),
    DutyRole.director: frozenset({ShiftRole.leader}),
}
HISTORY_DAYS = 7
SHANGHAI = ZoneInfo("Asia/Shanghai")

_DAY_KIND = {
    CalendarDayKind.WORKDAY: rp.DayKind.workday,
    CalendarDayKind.WEEKEND: rp.DayKind.weekend,
    CalendarDayKind.HOLIDAY: rp.DayKind.holiday,
    CalendarDayKind.MAKEUP_WORKDAY: rp.DayKind.makeup_workday,
}


def period_days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def load_rules(session: Session, unit_id: int) -> RulesConfig:
    row = session.get(UnitRules, unit_id)
    return RulesConfig() if row is None else RulesConfig.model_validate(json.loads(row.rules_json))


def to_scheduler_rules(config: RulesConfig) -> rp.Rules:
    return rp.Rules(
        min_rest_hours=config.min_rest_hours,
        forbidden_successions=frozenset((a, b) for a, b in config.forbidden_successions),
        max_consecutive_days=config.max_consecutive_days,
        max_consecutive_nights=config.max_consecutive_nights,
        min_consecutive_days_off=config.min_consecutive_days_off,
        rest_day_per_7=config.rest_day_per_7,
        max_shifts_per_week=config.max_shifts_per_week,
        max_hours_per_week=config.max_hours_per_week,
        max_shifts_per_period=config.max_shifts_per_period,
        max_weekends=config.max_weekends,
        leader_per_day=config.leader_shift_code,
    )


def active_shift_types(session: Session, unit_id: int) -> list[ShiftType]:
    return list(
        session.exec(
            select(ShiftType)
            .where(ShiftType.unit_id == unit_id, col(ShiftType.is_active).is_(True))
            .order_by(col(ShiftType.start_time))
        ).all()
    )


def roster_people(session: Session, unit_id: int) -> list[Person]:
    """The unit's own people plus everyone in the centre's sections: the centre staffs its
    duty roster from all sections (leaders sit in the office, officers in intake); the same
    pool as `staffs_duty_of`."""
    section_ids = select(Unit.id).where(Unit.kind == UnitKind.section)
    return list(
        session.exec(
            select(Person)
            .where(col(Person.is_active).is_(True))
            .where(or_(col(Person.unit_id) == unit_id, col(Person.unit_id).in_(section_ids)))
            .order_by(col(Person.id))
        ).all()
    )


def staffs_duty_of(session: Session, *, person: Person, unit_id: int) -> bool:
    """Whether `person` is in the pool `roster_people` staffs `unit_id`'s duty roster from: a
    member of the unit or of one of the centre's sections (a leader on duty sits in the office,
    an expert in the handling section, and both work the intake unit's duty)."""
    if person.unit_id == unit_id:
        return True
    own_unit = session.get(Unit, person.unit_id)
    return own_unit is not None and own_unit.kind is UnitKind.section


def shift_roles_of(roles: Iterable[DutyRole]) -> frozenset[str]:
    """The roster shift roles a person with these duty roles may work."""
    return frozenset().union(*(SHIFT_ROLES_OF.get(r, frozenset()) for r in roles))


def _scheduler_person(session: Session, person: Person) -> rp.Person | None:
    assert person.id is not None
    roles = set(directory.roles_of(session, person.id))
    shift_roles = shift_roles_of(roles)
    if not shift_roles:
        return None
    skills = frozenset(directory.skills_of(session, person.id))
    return rp.Person(
        id=str(person.id),
        skills=skills,
        is_leader=bool(roles & {DutyRole.leader, DutyRole.director}),
        unit=str(person.unit_id),
        roles=frozenset(str(r) for r in shift_roles),
        name=person.name,
    )


def _demand(
    templates: Sequence[DemandTemplate], codes: dict[int, str], days: Sequence[rp.Day]
) -> list[rp.Demand]:
    demand = []
    for day in days:
        for template in templates:
            if template.day_kind not in (DemandDayKind.any, DemandDayKind(day.kind.value)):
                continue
            demand.append(
                rp.Demand(
                    day.date,
                    codes[template.shift_type_id],
                    template.minimum,
                    template.preferred,
                    template.skill,
                )
            )
    return demand


def history_days(rules: RulesConfig) -> int:
    """How many days before the period the rules look back at: rest and the 7-day rules need
    a week, the consecutive-days, -nights and -days-off rules their own length."""
    return max(
        HISTORY_DAYS,
        rules.max_consecutive_days or 0,
        rules.max_consecutive_nights or 0,
        rules.min_consecutive_days_off or 0,
    )


def _history(
    session: Session,
    unit_id: int,
    start: date,
    codes: dict[int, str],
    shifts: dict[str, ShiftType],
    calendar: WorkingCalendar,
    people: set[str],
    tz: ZoneInfo,
    recent_days: int = HISTORY_DAYS,
) -> list[rp.History]:
    """Each person's shifts in the `recent_days` just before `start` (whatever the year) and
    their night, weekend and holiday totals of the calendar year of `start` before it. Each
    day is read from one roster version: the published one covering it, with its overrides
    and approved swaps, else the newest superseded one as it stands."""
    year_start = date(start.year, 1, 1)
    first = min(year_start, start - timedelta(days=recent_days))
    versions = session.exec(
        select(Roster).where(
            Roster.unit_id == unit_id,
            col(Roster.status).in_([RosterStatus.published, RosterStatus.superseded]),
            Roster.period_start < start,
            Roster.period_end >= first,
        )
    ).all()
    published = {v.id for v in versions if v.status is RosterStatus.published}
    read_from: dict[date, int | None] = {}
    for version in sorted(versions, key=lambda r: (r.status is RosterStatus.published, r.id)):
        span = period_days(max(version.period_start, first), min(version.period_end, start))
        read_from.update((day, version.id) for day in span if day < start)
    # superseded versions as they stand; published ones as worked, below
    rows = session.exec(
        select(RosterAssignment)
        .where(
            col(RosterAssignment.roster_id).in_([v.id for v in versions if v.id not in published])
        )
        .where(RosterAssignment.day >= first, RosterAssignment.day < start)
    ).all()
    worked = [
        (str(row.person_id), row.day, codes.get(row.shift_type_id, ""))
        for row in rows
        if read_from.get(row.day) == row.roster_id
    ]
    published_days = sorted(day for day, version in read_from.items() if version in published)
    if published_days:
        for slot in layers.worked_between(
            session, start=published_days[0], end=published_days[-1], tz=tz, unit_id=unit_id
        ):
            day = slot.start.astimezone(tz).date()
            if read_from.get(day) in published:
                worked.append((str(slot.person_id), day, slot.shift_code))
    by_person: dict[str, rp.History] = {}
    for person, day, code in sorted(worked, key=lambda w: w[1]):
        if person not in people or code not in shifts:
            continue
        history = by_person.get(person, rp.History(person=person))
        recent = history.recent
        if (start - day).days <= recent_days:
            recent = (*recent, (day, code))
        this_year = day >= year_start
        kind = calendar.day_kind(day)
        by_person[person] = rp.History(
            person=person,
            recent=recent,
            nights_ytd=history.nights_ytd + int(this_year and shifts[code].is_night),
            weekends_ytd=history.weekends_ytd + int(this_year and kind is CalendarDayKind.WEEKEND),
            holidays_ytd=history.holidays_ytd + int(this_year and kind is CalendarDayKind.HOLIDAY),
        )
    return list(by_person.values())


def build_problem(
    session: Session,
    *,
    unit_id: int,
    start: date,
    end: date,
    calendar: WorkingCalendar,
    tz: ZoneInfo = SHANGHAI,
) -> rp.RosterProblem:
    """`tz`: the centre's time zone (settings), in which overrides and swaps before the period
    are read as days."""
    shift_rows = active_shift_types(session, unit_id)
    codes = {s.id: s.code for s in shift_rows if s.id is not None}
    days = tuple(rp.Day(d, _DAY_KIND[calendar.day_kind(d)]) for d in period_days(start, end))
    people = [
        p
        for p in (_scheduler_person(session, x) for x in roster_people(session, unit_id))
        if p is not None
    ]
    person_ids = {p.id for p in people}
    templates = session.exec(
        select(DemandTemplate).where(
            DemandTemplate.unit_id == unit_id, col(DemandTemplate.shift_type_id).in_(codes)
        )
    ).all()
    leave = session.exec(
        select(Leave).where(Leave.start_date <= end, Leave.end_date >= start)
    ).all()
    unavailable = [
        rp.Unavailability(str(x.person_id), d, x.reason)
        for x in leave
        if str(x.person_id) in person_ids
        for d in period_days(max(x.start_date, start), min(x.end_date, end))
    ]
    requests = [
        rp.Request(str(r.person_id), r.day, codes.get(r.shift_type_id or 0), r.wanted, r.weight)
        for r in session.exec(
            select(ShiftRequest).where(ShiftRequest.day >= start, ShiftRequest.day <= end)
        ).all()
        if str(r.person_id) in person_ids and (r.shift_type_id is None or r.shift_type_id in codes)
    ]
    shifts_by_code = {s.code: s for s in shift_rows}
    rules = load_rules(session, unit_id)
    return rp.RosterProblem(
        days=days,
        shifts=tuple(
            rp.ShiftType(s.code, s.start_time, s.end_time, s.is_night, s.role.value)
            for s in shift_rows
        ),
        people=tuple(people),
        demand=tuple(_demand(templates, codes, days)),
        unavailable=tuple(unavailable),
        requests=tuple(requests),
        history=tuple(
            _history(
                session,
                unit_id,
                start,
                codes,
                shifts_by_code,
                calendar,
                person_ids,
                tz,
                history_days(rules),
            )
        ),
        rules=to_scheduler_rules(rules),
    )
