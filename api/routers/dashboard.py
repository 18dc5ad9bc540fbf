"""Figures for the leadership dashboard (the web dashboard renders the same figures)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import ClockDep, DashboardReader, SessionDep, SettingsDep
from escalation import stats
from oncall.layers import on_duty_slots

router = APIRouter(prefix="/api/v1", tags=["dashboard"])


class OnDutySlot(BaseModel):
    person_id: int
    shift: str
    role: str
    start: datetime
    end: datetime


class SeverityFigures(BaseModel):
    open: int
    acknowledged: int


class WeekCategoriesPublic(BaseModel):
    week_start: date
    counts: dict[str, int]
    total: int


class WeekAcknowledgementPublic(BaseModel):
    week_start: date
    opened: int
    acknowledged: int
    median_minutes: float | None
    p90_minutes: float | None


class DashboardPublic(BaseModel):
    generated_at: datetime
    on_duty_now: list[OnDutySlot]
    open_incidents_by_severity: dict[str, SeverityFigures]
    incidents_per_week: list[WeekCategoriesPublic]
    acknowledgement_per_week: list[WeekAcknowledgementPublic]


@router.get("/dashboard", summary="Leadership figures: on duty now, incidents, acknowledgement")
def dashboard(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    _: DashboardReader,
    weeks: Annotated[int, Query(ge=1, le=52)] = 8,
) -> DashboardPublic:
    now = clock.now()
    per_week, acks = stats.weekly_figures(session, now=now, tz=settings.tz, weeks=weeks)
    return DashboardPublic(
        generated_at=now,
        on_duty_now=[
            OnDutySlot(
                person_id=s.person_id, shift=s.shift_code, role=s.role, start=s.start, end=s.end
            )
            for s in on_duty_slots(session, at=now, tz=settings.tz)
        ],
        open_incidents_by_severity={
            k: SeverityFigures(**v) for k, v in stats.open_by_severity(session).items()
        },
        incidents_per_week=[
            WeekCategoriesPublic(week_start=w.week_start, counts=w.counts, total=w.total)
            for w in per_week
        ],
        acknowledgement_per_week=[
            WeekAcknowledgementPublic(
                week_start=a.week_start,
                opened=a.opened,
                acknowledged=a.acknowledged,
                median_minutes=a.median_minutes,
                p90_minutes=a.p90_minutes,
            )
            for a in acks
        ],
    )
