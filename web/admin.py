"""Administration pages: the users (accounts, roles, the person each user is, passwords) and
the working-day calendar (a year's day kinds, the official data told apart from the
overrides, the coverage warning, entering next year's notice).

Like the planner pages they only show what the service holds; every change is a call of the
JSON API from `static/app.js` (the same validation, guards and audit)."""

from __future__ import annotations

import calendar as month_grid
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ClockDep, SessionDep, SettingsDep
from api.routers.users import public_users
from core import calendar_store
from core import users as user_service
from core.types import FIRST_DAY, LAST_DAY
from core.users import Permission, Role
from core.workcal import CalendarDay, WorkingCalendar
from oncall import directory
from web.actor_labels import names_of
from web.params import EmptyIsNone
from web.render import render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
UsersPage = Annotated[WebUser, Depends(RequirePage(Permission.users_manage))]
CalendarPage = Annotated[WebUser, Depends(RequirePage(Permission.calendar_write))]
YearQuery = Annotated[int | None, Query(ge=FIRST_DAY.year, le=LAST_DAY.year), EmptyIsNone]
DayQuery = Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY), EmptyIsNone]


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, user: UsersPage) -> HTMLResponse:
    users = public_users(session, user_service.list_users(session))
    people = directory.list_people(session, include_inactive=True)
    context = {
        "users": users,
        "roles": list(Role),
        "people": [p for p in people if p.is_active],
        "person_names": {p.id: p.name for p in people},
        # a person linked to another user is not offered (the API would refuse it)
        "linked_to": {p.id: p.user_id for p in people if p.user_id is not None},
    }
    return render(request, "admin/users.html", context, user=user)


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[CalendarDay | None]]  # Monday first; None outside the month


def year_months(calendar: WorkingCalendar, year: int) -> list[Month]:
    grid = month_grid.Calendar(firstweekday=0)
    return [
        Month(
            first=date(year, month, 1),
            weeks=[
                [calendar.day_info(d) if d.month == month else None for d in week]
                for week in grid.monthdatescalendar(year, month)
            ],
        )
        for month in range(1, 13)
    ]


def default_year(calendar: WorkingCalendar, today: date) -> int:
    """The year an administrator most likely came for: the first of this and next year
    without official data (in December, next year's notice), else this year."""
    missing = calendar.years_without_official_data(today)
    return missing[0] if missing else today.year


@router.get("/admin/calendar")
def calendar_page(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: CalendarPage,
    year: YearQuery = None,
    day: DayQuery = None,
) -> Response:
    today = clock.now().astimezone(settings.tz).date()
    calendar = calendar_store.load_calendar(session)
    if year is None and day is not None:  # the year of a day just saved (the override form)
        year = day.year
    if year is None:
        # the address names the year, so that reloading after a change shows that year
        # again: confirming the year's notice ends its lack of data and with it the default
        return RedirectResponse(f"/admin/calendar?year={default_year(calendar, today)}", 303)
    shown = year
    confirmed = session.get(calendar_store.CalendarYearRow, shown)
    context = {
        "year": shown,
        "months": year_months(calendar, shown),
        "official": calendar.has_official_data(shown),
        "packaged": calendar.has_packaged_data(shown),
        "confirmed": confirmed,
        "actor_names": names_of(session, [confirmed.confirmed_by] if confirmed else []),
        "overrides": calendar_store.list_overrides(
            session, start=date(shown, 1, 1), end=date(shown, 12, 31)
        ),
        "years_without_calendar": calendar.years_without_official_data(today),
        "first_year": FIRST_DAY.year,
        "last_year": LAST_DAY.year,
    }
    return render(request, "admin/calendar.html", context, user=user)
