"""Roster tables: shift types, demand templates, rules, leave, requests, roster versions and
assignments (changes to a published roster: `oncall.change_models`; iCal feed tokens:
`oncall.feed_models`). Times are UTC; days are local dates."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from pydantic import ValidationInfo, field_validator
from sqlalchemy import Column, Date, Enum, Text, Time, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime
from core.types import BoundedDate, Code, EntityId, Name, OptionalShortText, StrictBool


class ShiftRole(StrEnum):
    duty = "duty"  # 值班员 on a duty shift
    leader = "leader"  # 带班领导
    oncall_primary = "oncall_primary"
    oncall_backup = "oncall_backup"


class DemandDayKind(StrEnum):
    any = "any"
    workday = "workday"
    weekend = "weekend"
    holiday = "holiday"
    makeup_workday = "makeup_workday"


class RosterStatus(StrEnum):
    generating = "generating"
    draft = "draft"
    infeasible = "infeasible"
    failed = "failed"
    published = "published"
    superseded = "superseded"


#: The longest leave (and absence in a repair), in days from start to end.
MAX_LEAVE_DAYS = 366


def _not_before(value: date, info: ValidationInfo, start_field: str) -> date:
    """Check an end date against its start on the end field itself, so an error names it."""
    start = info.data.get(start_field)
    if isinstance(start, date) and value < start:
        raise ValueError(f"{info.field_name} must not be before {start_field}")
    return value


def _leave_end(value: date, info: ValidationInfo) -> date:
    value = _not_before(value, info, "start_date")
    start = info.data.get("start_date")
    if isinstance(start, date) and (value - start).days > MAX_LEAVE_DAYS:
        raise ValueError("a leave spans at most a year")
    return value


def _wall_clock_minute(value: time) -> time:
    """A shift's start or end: a local wall-clock time to the minute (pages, the solver and
    the rest checks count whole minutes; seconds would be shown nowhere but still counted)."""
    if value.tzinfo is not None:
        raise ValueError("give a local wall-clock time without a zone, e.g. 08:30")
    if value.second or value.microsecond:
        raise ValueError("give the time to the minute, e.g. 08:30")
    return value


def _enum(enum: type[StrEnum]) -> Column[str]:
    return Column(Enum(enum, native_enum=False, length=20), nullable=False)


def _utc(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


# ---- shift types and demand -------------------------------------------------------------------


class ShiftType(SQLModel, table=True):
    __tablename__ = "shift_type"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=100)
    start_time: time = Field(sa_column=Column(Time, nullable=False))
    end_time: time = Field(sa_column=Column(Time, nullable=False))
    is_night: bool = False
    role: ShiftRole = Field(sa_column=_enum(ShiftRole))
    is_active: bool = True


class ShiftTypeCreate(SQLModel):
    unit_id: EntityId
    code: Code
    name: Name
    start_time: time
    end_time: time
    is_night: StrictBool = False
    role: ShiftRole = ShiftRole.duty

    @field_validator("start_time", "end_time")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        return _wall_clock_minute(value)


class ShiftTypeUpdate(SQLModel):
    """A partial change (a field sent as null is refused). Code, times, night flag and role
    are fixed once a published roster uses the shift type (retire it with is_active=false and
    add a new one instead); code and name stay unique in the unit. An end at or before the
    start crosses midnight (equal: a 24-hour duty)."""

    code: Code | None = None
    name: Name | None = None
    start_time: time | None = None
    end_time: time | None = None
    is_night: StrictBool | None = None
    role: ShiftRole | None = None
    is_active: StrictBool | None = None

    @field_validator("start_time", "end_time")
    @classmethod
    def _wall_clock(cls, value: time | None) -> time | None:
        return None if value is None else _wall_clock_minute(value)


class ShiftTypePublic(SQLModel):
    id: int
    unit_id: int
    code: str
    name: str
    start_time: time
    end_time: time
    is_night: bool
    role: ShiftRole
    is_active: bool


class DemandTemplate(SQLModel, table=True):
    __tablename__ = "demand_template"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    shift_type_id: int = Field(foreign_key="shift_type.id")
    day_kind: DemandDayKind = Field(sa_column=_enum(DemandDayKind))
    skill: str | None = Field(default=None, foreign_key="skill.code", max_length=64)
    minimum: int = Field(ge=0, le=100)
    preferred: int = Field(ge=0, le=100)


class DemandCreate(SQLModel):
    shift_type_id: EntityId
    day_kind: DemandDayKind = DemandDayKind.any
    skill: Code | None = None
    minimum: int = Field(ge=0, le=100)
    preferred: int = Field(ge=0, le=100)

    @field_validator("preferred")
    @classmethod
    def _preferred_at_least_minimum(cls, value: int, info: ValidationInfo) -> int:
        minimum = info.data.get("minimum")
        if isinstance(minimum, int) and value < minimum:
            raise ValueError("preferred must be at least minimum")
        return value


class DemandUpdate(SQLModel):
    """A partial change of a demand template (null: only for skill, "any skill"); preferred
    stays at least minimum, and no two lines share shift, day kind and skill."""

    shift_type_id: EntityId | None = None
    day_kind: DemandDayKind | None = None
    skill: Code | None = None
    minimum: int | None = Field(default=None, ge=0, le=100)
    preferred: int | None = Field(default=None, ge=0, le=100)


class DemandPublic(SQLModel):
    id: int
    unit_id: int
    shift_type_id: int
    day_kind: DemandDayKind
    skill: str | None
    minimum: int
    preferred: int


class RulesConfig(SQLModel):
    """The planner-editable hard rules of a unit (see scheduler.roster_problem.Rules)."""

    min_rest_hours: float | None = Field(default=11, ge=0, le=48)
    max_consecutive_days: int | None = Field(default=6, ge=1, le=31)
    max_consecutive_nights: int | None = Field(default=3, ge=1, le=31)
    min_consecutive_days_off: int | None = Field(default=None, ge=1, le=14)
    rest_day_per_7: StrictBool = True
    max_shifts_per_week: int | None = Field(default=None, ge=1, le=7)
    max_hours_per_week: float | None = Field(default=None, ge=1, le=168)
    max_shifts_per_period: int | None = Field(default=None, ge=1, le=366)
    max_weekends: int | None = Field(default=None, ge=0, le=53)
    leader_shift_code: Code | None = None
    forbidden_successions: list[tuple[Code, Code]] = Field(default_factory=list, max_length=100)


class UnitRules(SQLModel, table=True):
    __tablename__ = "roster_rules"

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    rules_json: str = Field(sa_column=Column(Text, nullable=False))


# ---- leave and requests --------------------------------------------------------------------------


class Leave(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    reason: str = Field(default="leave", max_length=200)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=_utc())


class LeaveCreate(SQLModel):
    person_id: EntityId
    start_date: BoundedDate
    end_date: BoundedDate
    reason: OptionalShortText = "leave"

    @field_validator("end_date")
    @classmethod
    def _ordered(cls, value: date, info: ValidationInfo) -> date:
        return _leave_end(value, info)


class LeaveUpdate(SQLModel):
    """A correction of recorded leave: its days and reason (the person stays; remove the leave
    and record it for the other person instead). The same checks as recording it apply to the
    dates it ends up with; a date sent as null is refused, a null reason clears it."""

    start_date: BoundedDate | None = None
    end_date: BoundedDate | None = None
    reason: OptionalShortText | None = None

    @field_validator("end_date")
    @classmethod
    def _ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        return None if value is None else _leave_end(value, info)


class LeavePublic(SQLModel):
    id: int
    person_id: int
    start_date: date
    end_date: date
    reason: str


class LeaveShiftPublic(SQLModel):
    """A shift of a published roster that falls in recorded leave: nobody else works it until
    the roster is repaired (`repair` is the page to do it on)."""

    roster_id: int
    version: int
    day: date
    shift_type_id: int
    shift: str
    repair: str


class LeaveRecorded(LeavePublic):
    """Leave as recorded or corrected, with the shifts of published rosters the person is
    still down to work during it (empty when none)."""

    published_shifts: list[LeaveShiftPublic] = []


class ShiftRequest(SQLModel, table=True):
    __tablename__ = "shift_request"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    day: date = Field(sa_column=Column(Date, nullable=False))
    shift_type_id: int | None = Field(default=None, foreign_key="shift_type.id")
    wanted: bool
    weight: int = Field(default=1, ge=1, le=10)


class ShiftRequestCreate(SQLModel):
    person_id: EntityId
    day: BoundedDate
    shift_type_id: EntityId | None = None
    wanted: StrictBool
    weight: int = Field(default=1, ge=1, le=10)


class ShiftRequestUpdate(SQLModel):
    """A correction to a wish; `shift_type_id` null means any shift of the day."""

    day: BoundedDate | None = None
    shift_type_id: EntityId | None = None
    wanted: StrictBool | None = None
    weight: int | None = Field(default=None, ge=1, le=10)


class ShiftRequestPublic(SQLModel):
    id: int
    person_id: int
    day: date
    shift_type_id: int | None
    wanted: bool
    weight: int


# ---- roster versions -----------------------------------------------------------------------------


class Roster(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period_start: date = Field(sa_column=Column(Date, nullable=False))
    period_end: date = Field(sa_column=Column(Date, nullable=False))
    version: int
    status: RosterStatus = Field(sa_column=_enum(RosterStatus))
    base_roster_id: int | None = Field(default=None, foreign_key="roster.id")
    note: str = Field(default="", max_length=200)
    # A repaired version's reason as the planner gave it (note says "repair: <reason>" in
    # English for older readers); None for other versions and those repaired before.
    repair_reason: str | None = Field(default=None, max_length=200)
    time_limit_s: float
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=_utc())
    finished_at: datetime | None = Field(default=None, sa_column=_utc(True))
    published_at: datetime | None = Field(default=None, sa_column=_utc(True))
    published_by: str | None = Field(default=None, max_length=100)
    solver_status: str | None = Field(default=None, max_length=20)
    objective: int | None = None
    bound: int | None = None
    # While generating: elapsed solver time of the latest reported solution (objective and
    # bound above are that solution's); when finished: the whole solve.
    solver_seconds: float | None = None
    result_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Set by the escalation tick once everyone concerned has been sent their shifts.
    staff_notified_at: datetime | None = Field(default=None, sa_column=_utc(True))


class RosterAssignment(SQLModel, table=True):
    __tablename__ = "roster_assignment"

    roster_id: int = Field(foreign_key="roster.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    day: date = Field(sa_column=Column(Date, primary_key=True))
    shift_type_id: int = Field(foreign_key="shift_type.id")


class RosterCreate(SQLModel):
    unit_id: EntityId
    period_start: BoundedDate
    period_end: BoundedDate
    time_limit_s: float = Field(default=20, ge=1, le=600)
    note: OptionalShortText = ""

    @field_validator("period_end")
    @classmethod
    def _period(cls, value: date, info: ValidationInfo) -> date:
        value = _not_before(value, info, "period_start")
        start = info.data.get("period_start")
        if isinstance(start, date) and (value - start).days >= 62:
            raise ValueError("a roster period spans at most 62 days")
        return value


class RepairRequest(SQLModel):
    person_id: EntityId
    start_date: BoundedDate
    end_date: BoundedDate
    reason: OptionalShortText = "sick"
    time_limit_s: float = Field(default=20, ge=1, le=600)

    # The absence is recorded as leave, so it obeys the same limits (checked here, not when
    # the service builds the LeaveCreate).
    @field_validator("end_date")
    @classmethod
    def _ordered(cls, value: date, info: ValidationInfo) -> date:
        return _leave_end(value, info)
