"""The first web page: the centre at a glance (units, calendar status, links)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from core import calendar_store
from oncall import directory

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        settings = request.app.state.settings
        now = request.app.state.clock.now()
        today = now.astimezone(settings.tz).date()
        with request.app.state.session_factory(write=False) as session:
            units = directory.list_units(session)
            people = directory.list_people(session)
            calendar = calendar_store.load_calendar(session)
            warning = calendar.coverage_warning(today)
            today_kind = calendar.day_kind(today)
        return templates.TemplateResponse(
            request,
            "index.html",
            {
                "units": units,
                "people_count": len(people),
                "today": today,
                "today_kind": today_kind,
                "local_time": now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"),
                "timezone": settings.timezone,
                "calendar_warning": warning,
            },
        )
