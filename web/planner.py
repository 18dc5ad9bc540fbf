"""Planner pages: people and skills, leave and wishes, rules, shift types and demand.

The pages list what the service holds; every change is a call of the JSON API from
`static/app.js` (so the same validation and audit apply, and problems show at the field)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, func, select

from api.deps import ClockDep, SessionDep, SettingsDep
from core.preconditions import tag_of
from core.types import MAX_ID
from core.users import Permission
from oncall import demand, directory, leave_clashes, planning, unit_directory, wishes
from oncall.models import ContactKind, DutyRole
from oncall.roster_models import (
    DemandDayKind,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftRole,
)
from web.i18n import locale_of
from web.params import EmptyIsNone
from web.render import render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
PeoplePage = Annotated[WebUser, Depends(RequirePage(Permission.directory_write))]
PlannerPage = Annotated[WebUser, Depends(RequirePage(Permission.roster_write))]
UnitQuery = Annotated[int | None, Query(ge=1, le=MAX_ID), EmptyIsNone]


def skill_names(session: Session, locale: str) -> dict[str, str]:
    """Each skill's name in the page's language, by code (lists store the codes)."""
    return {
        s.code: s.name_zh if locale == "zh_CN" else s.name_en
        for s in directory.list_skills(session)
    }


@router.get("/planner/people")
def people_page(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: PeoplePage,
) -> HTMLResponse:
    everyone = directory.list_people(session, include_inactive=True)
    people = [p for p in everyone if p.is_active]
    units = unit_directory.list_units(session)
    today = clock.now().astimezone(settings.tz).date()
    context = {
        "shifts_ahead": _shifts_ahead(session, since=today),
        "people": [directory.person_public(session, p) for p in people],
        "archived": [p for p in everyone if not p.is_active],
        "units": units,
        "unit_names": {u.id: u.name for u in units},
        "skills": directory.list_skills(session),
        "skill_names": skill_names(session, locale_of(request)),
        "roles": list(DutyRole),
        "contact_kinds": list(ContactKind),
    }
    return render(request, "planner/people.html", context, user=user)


def _shifts_ahead(session: Session, *, since: date) -> dict[int, tuple[int, date]]:
    """Each person's shifts on published rosters from `since` on: (how many, the first day),
    which archiving the person would leave with nobody to work them."""
    rows = session.exec(
        select(RosterAssignment.person_id, func.count(), func.min(RosterAssignment.day))
        .join(Roster, col(Roster.id) == RosterAssignment.roster_id)
        .where(Roster.status == RosterStatus.published, RosterAssignment.day >= since)
        .group_by(col(RosterAssignment.person_id))
    ).all()
    return {int(person): (int(n), first) for person, n, first in rows}


@router.get("/planner/leave")
def leave_page(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: PlannerPage
) -> HTMLResponse:
    today = clock.now().astimezone(settings.tz).date()
    people = directory.list_people(session)
    leave = planning.list_leave(session, start=today)
    spans = [
        leave_clashes.LeaveSpan(item.person_id, max(item.start_date, today), item.end_date)
        for item in leave
    ]
    clashes = []
    for item, found in zip(
        leave, leave_clashes.shifts_during_each(session, spans, tz=settings.tz), strict=True
    ):
        if found:
            rosters = {c.roster_id: c for c in found}
            links = [
                (
                    c,
                    leave_clashes.repair_path(
                        c,
                        person_id=item.person_id,
                        start=item.start_date,
                        end=item.end_date,
                        reason=item.reason,
                    ),
                )
                for c in rosters.values()
            ]
            clashes.append((item, found, links))
    context = {
        "clashes": clashes,
        "leave": leave,
        "requests": [r for r in wishes.list_requests(session) if r.day >= today],
        "people": people,
        "names": {p.id: p.name for p in people},
        "shift_types": planning.list_shift_types(session),
        "shift_names": {s.id: s.name for s in planning.list_shift_types(session)},
        "today_input": today,
    }
    return render(request, "planner/leave.html", context, user=user)


@router.get("/planner/rules")
def rules_page(
    request: Request, session: SessionDep, user: PlannerPage, unit_id: UnitQuery = None
) -> HTMLResponse:
    units = [u for u in unit_directory.list_units(session) if u.kind.value == "section"]
    with_shifts = {s.unit_id for s in planning.list_shift_types(session)}
    default = next((u for u in units if u.id in with_shifts), units[0] if units else None)
    unit = next((u for u in units if u.id == unit_id), default)
    shift_types = planning.list_shift_types(session, unit_id=unit.id) if unit and unit.id else []
    rules = planning.get_rules(session, unit_id=unit.id) if unit and unit.id else None
    lines = demand.list_demand(session, unit_id=unit.id) if unit and unit.id else []
    context = {
        "units": units,
        "unit": unit,
        "rules": rules,
        # the form sends it back (If-Match): a save over someone else's change is refused
        "rules_tag": tag_of(rules.model_dump(mode="json")) if rules else "",
        "shift_types": shift_types,
        "in_published_use": (
            planning.in_published_use(session, unit_id=unit.id) if unit and unit.id else set()
        ),
        "shift_names": {s.id: s.name for s in shift_types},
        "shift_by_code": {s.code: s.name for s in shift_types},
        "demand": lines,
        "overlaps": demand.overlapping(lines),
        "skills": directory.list_skills(session),
        "skill_names": skill_names(session, locale_of(request)),
        "day_kinds": list(DemandDayKind),
        "shift_roles": list(ShiftRole),
    }
    return render(request, "planner/rules.html", context, user=user)
