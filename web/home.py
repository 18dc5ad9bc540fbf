"""The home page: what the signed-in role can do, today's calendar status and the centre."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ClockDep, SessionDep, SettingsDep
from core import calendar_store
from oncall import directory, unit_directory
from web.render import render
from web.session import SignedIn

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: SignedIn
) -> HTMLResponse:
    today = clock.now().astimezone(settings.tz).date()
    calendar = calendar_store.load_calendar(session)
    units = unit_directory.list_units(session)
    context = {
        "units": units,
        "people_count": len(directory.list_people(session)),
        "today_kind": calendar.day_kind(today),
        "years_without_calendar": calendar.years_without_official_data(today),
    }
    return render(request, "home.html", context, user=user)
