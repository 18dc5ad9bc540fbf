"""Liveness and readiness, without authentication."""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import ClockDep, SessionDep, SettingsDep
from api.problems import driver_reason
from core import calendar_store

router = APIRouter(prefix="/api/v1", tags=["health"])
log = logging.getLogger("dutydesk.health")
_logged_warnings: set[str] = set()  # a monitoring probe polls often: log each warning once


class CalendarHealth(BaseModel):
    ok: bool
    warning: str | None


class Health(BaseModel):
    status: str
    database: str
    time: datetime
    timezone: str
    calendar: CalendarHealth


@router.get(
    "/health",
    summary="Service health (no authentication)",
    responses={503: {"model": Health, "description": "the database is unavailable"}},
)
def health(
    session: SessionDep, clock: ClockDep, settings: SettingsDep, response: Response
) -> Health:
    """200 while the database answers (a calendar warning included); 503 when it does not,
    so a load balancer or orchestrator takes this instance out of rotation."""
    now = clock.now()
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
        calendar = calendar_store.load_calendar(session)
        warning = calendar.coverage_warning(now.astimezone(settings.tz).date())
    except Exception as exc:  # health must answer even when the database does not
        log.warning("health check: database unavailable: %s", driver_reason(exc))
        database, warning = "unavailable", None
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    if warning and warning not in _logged_warnings:
        _logged_warnings.add(warning)
        log.warning("calendar: %s", warning)
    return Health(
        status="ok" if database == "ok" else "degraded",
        database=database,
        time=now,
        timezone=settings.timezone,
        calendar=CalendarHealth(ok=warning is None, warning=warning),
    )
