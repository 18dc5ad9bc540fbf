"""Working-day calendar: day kinds, deadline arithmetic and the admin override table (a change
moves the complaint deadlines already running: complaints.calendar_sync)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field

from api.deps import CalendarReader, CalendarWriter, ClockDep, SessionDep, SettingsDep
from complaints import calendar_sync
from core import calendar_store
from core.errors import ValidationFailed
from core.types import FIRST_DAY, LAST_DAY, OptionalShortText, StrictBool
from core.workcal import DayKind

router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])

MAX_SPAN_DAYS = 400
MAX_RANGE_DAYS = 31  # the longest holiday block of a notice (春节, 国庆) is 8 or 9 days
CalendarDay = Annotated[date, Query(ge=FIRST_DAY, le=LAST_DAY)]
CalendarDayPath = Annotated[date, Path(ge=FIRST_DAY, le=LAST_DAY)]


class DayInfo(BaseModel):
    date: date
    kind: DayKind
    working: bool
    source: str
    note: str = ""


class OverrideBody(BaseModel):
    working: StrictBool
    note: OptionalShortText = ""


class OverridePublic(BaseModel):
    date: date
    working: bool
    note: str


class OverrideSet(OverridePublic):
    clocks_moved: int = Field(
        description="complaint deadlines already running that this change moved"
    )


class OverrideRangeBody(OverrideBody):
    start: date = Field(ge=FIRST_DAY, le=LAST_DAY)
    end: date | None = Field(
        default=None, ge=FIRST_DAY, le=LAST_DAY, description="inclusive; omitted: start only"
    )


class OverrideRangeSet(BaseModel):
    overrides: list[OverridePublic]
    clocks_moved: int = Field(
        description="complaint deadlines already running that this change moved"
    )


class DateResult(BaseModel):
    start: date
    days: int
    result: date


class CountResult(BaseModel):
    start: date
    end: date
    working_days: int


@router.get("/days", summary="Each day's kind (workday, weekend, holiday, make-up workday)")
def list_days(
    session: SessionDep, _: CalendarReader, start: CalendarDay, end: CalendarDay
) -> list[DayInfo]:
    if end < start:
        raise ValidationFailed("end", "must not be before start")
    if (end - start).days >= MAX_SPAN_DAYS:
        raise ValidationFailed("end", f"at most {MAX_SPAN_DAYS} days per request")
    calendar = calendar_store.load_calendar(session)
    notes = {o.day: o.note for o in calendar_store.list_overrides(session, start=start, end=end)}
    days: list[DayInfo] = []
    current = start
    while current <= end:
        days.append(
            DayInfo(
                date=current,
                kind=calendar.day_kind(current),
                working=calendar.is_working_day(current),
                source=str(calendar.source(current)),
                note=notes.get(current, ""),
            )
        )
        current += timedelta(days=1)
    return days


@router.get("/add-working-days", summary="The n-th working day after start (start not counted)")
def add_working_days(
    session: SessionDep,
    _: CalendarReader,
    start: CalendarDay,
    days: Annotated[int, Query(ge=0, le=3650)],
) -> DateResult:
    calendar = calendar_store.load_calendar(session)
    return DateResult(start=start, days=days, result=calendar.add_working_days(start, days))


@router.get("/working-days-between", summary="Working days d with start < d <= end")
def working_days_between(
    session: SessionDep, _: CalendarReader, start: CalendarDay, end: CalendarDay
) -> CountResult:
    calendar = calendar_store.load_calendar(session)
    return CountResult(start=start, end=end, working_days=calendar.working_days_between(start, end))


@router.get("/overrides", summary="Admin overrides of the official calendar")
def list_overrides(session: SessionDep, _: CalendarReader) -> list[OverridePublic]:
    return [
        OverridePublic(date=o.day, working=o.working, note=o.note)
        for o in calendar_store.list_overrides(session)
    ]


@router.put("/overrides/{day}", summary="Declare a day working or rest (e.g. next year's 调休)")
def set_override(
    session: SessionDep,
    clock: ClockDep,
    who: CalendarWriter,
    day: CalendarDayPath,
    body: OverrideBody,
    settings: SettingsDep,
) -> OverrideSet:
    row, moved = calendar_sync.set_override(
        session,
        day=day,
        working=body.working,
        note=body.note,
        actor=who.name,
        now=clock.now(),
        tz=settings.tz,
    )
    return OverrideSet(date=row.day, working=row.working, note=row.note, clocks_moved=moved)


@router.post(
    "/overrides/range",
    summary="Declare every day from start to end working or rest (a notice's holiday block)",
    description=f"At most {MAX_RANGE_DAYS} days; one transaction, each day audited like a "
    "single override.",
)
def set_override_range(
    session: SessionDep,
    clock: ClockDep,
    who: CalendarWriter,
    body: OverrideRangeBody,
    settings: SettingsDep,
) -> OverrideRangeSet:
    end = body.end or body.start
    if end < body.start:
        raise ValidationFailed("end", "must not be before start")
    if (end - body.start).days >= MAX_RANGE_DAYS:
        raise ValidationFailed("end", f"at most {MAX_RANGE_DAYS} days at once")
    rows, moved = calendar_sync.set_override_range(
        session,
        start=body.start,
        end=end,
        working=body.working,
        note=body.note,
        actor=who.name,
        now=clock.now(),
        tz=settings.tz,
    )
    return OverrideRangeSet(
        overrides=[OverridePublic(date=r.day, working=r.working, note=r.note) for r in rows],
        clocks_moved=moved,
    )


@router.delete(
    "/overrides/{day}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove an override"
)
def delete_override(
    session: SessionDep,
    clock: ClockDep,
    who: CalendarWriter,
    day: CalendarDayPath,
    settings: SettingsDep,
) -> None:
    calendar_sync.delete_override(session, day=day, actor=who.name, now=clock.now(), tz=settings.tz)


class NoticeBody(BaseModel):
    note: OptionalShortText = ""


class NoticePublic(BaseModel):
    year: int
    confirmed_at: datetime
    confirmed_by: str
    note: str


CalendarYear = Annotated[int, Path(ge=FIRST_DAY.year, le=LAST_DAY.year)]


@router.get(
    "/notices",
    summary="Years whose State Council holiday notice an administrator confirmed as entered",
)
def list_notices(session: SessionDep, _: CalendarReader) -> list[NoticePublic]:
    return [
        NoticePublic.model_validate(r, from_attributes=True)
        for r in calendar_store.confirmed_years(session)
    ]


@router.put(
    "/notices/{year}",
    summary="Confirm that the State Council notice for a year is entered (ends its warning)",
    description="Entering overrides alone never marks a year as official: one 调休 day is not "
    "the notice. Audited; confirming again keeps the first confirmation. A year the packaged "
    "official data cover needs none (422 naming `year`).",
)
def confirm_notice(
    session: SessionDep,
    clock: ClockDep,
    who: CalendarWriter,
    year: CalendarYear,
    body: NoticeBody | None = None,
) -> NoticePublic:
    if calendar_store.load_calendar(session).has_packaged_data(year):
        raise ValidationFailed("year", "the packaged official data cover this year")
    row = calendar_store.confirm_year(
        session, year=year, note=body.note if body else "", actor=who.name, now=clock.now()
    )
    return NoticePublic.model_validate(row, from_attributes=True)


@router.delete(
    "/notices/{year}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Withdraw the confirmation of a year's notice (its warning returns; audited)",
)
def withdraw_notice(
    session: SessionDep, clock: ClockDep, who: CalendarWriter, year: CalendarYear
) -> None:
    calendar_store.withdraw_year(session, year=year, actor=who.name, now=clock.now())
