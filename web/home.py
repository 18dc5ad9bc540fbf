"""The home page: what waits for the signed-in user (`web.attention`), today's calendar status
and what their role can do."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ClockDep, SessionDep, SettingsDep
from core import calendar_store
from oncall import unit_directory
from web.attention import waiting_for
from web.render import render
from web.session import SignedIn

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: SignedIn
) -> HTMLResponse:
    today = clock.now().astimezone(settings.tz).date()
    calendar = calendar_store.load_calendar(session)
    context = {
        "waiting": waiting_for(session, user, now=clock.now(), tz=settings.tz),
        "today_kind": calendar.day_kind(today),
        "years_without_calendar": calendar.years_without_official_data(today),
        "no_units": not unit_directory.list_units(session),
    }
    return render(request, "home.html", context, user=user)
