"""Planner and staff pages for rosters: versions and "generate" with live progress, the grid
(people × days as worked: approved swaps and overrides applied and their cells marked with
the plan; holidays and make-up days marked, leader-on-duty row), totals and fairness,
broken wishes with their costs, the infeasibility explanation, publish, sick call with the
repair diff, swaps, the Excel export and the print view."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.deps import ClockDep, SessionDep, SettingsDep
from core.calendar_store import load_calendar
from core.types import MAX_ID
from core.users import Permission
from oncall import (
    changes,
    coverage,
    directory,
    layers,
    planning,
    publishing,
    rosters,
    swaps,
    unit_directory,
)
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.layers import people_by_id
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from scheduler import roster_problem as rp
from web.actor_labels import names_of
from web.export import roster_workbook
from web.i18n import locale_of
from web.params import EmptyIsNone
from web.planner import skill_names
from web.render import fragment, page_instead, render
from web.roster_explanation import mentions_leave
from web.roster_view import RosterGrid, build_grid
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
Reader = Annotated[WebUser, Depends(RequirePage(Permission.roster_read))]
SwapPage = Annotated[WebUser, Depends(RequirePage(Permission.swap_request))]
RosterId = Annotated[int, Path(ge=1, le=MAX_ID)]
UnitQuery = Annotated[int | None, Query(ge=1, le=MAX_ID), EmptyIsNone]
DEFAULT_DAYS = 14


@dataclass(frozen=True)
class SwapRoster:
    """A swap's roster and, once it is superseded, the version planned in its place."""

    roster: Roster
    current: Roster | None


def progress_of(roster: Roster, now: datetime) -> float:
    """Share of the time limit used so far (the solver stops at the limit at the latest)."""
    if roster.status is not RosterStatus.generating:
        return 1.0
    elapsed = (now - roster.created_at).total_seconds()
    return round(max(0.0, min(0.99, elapsed / roster.time_limit_s)), 2)


def _document(roster: Roster) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(roster.result_json) if roster.result_json else {}
    return document


def worked_assignments(session: Session, roster: Roster, tz: ZoneInfo) -> list[rp.Assignment]:
    """What the grid, the print view and the export show: a published roster as it is worked
    (overrides of its unit and days, then its approved swaps: `layers.worked_between`, the
    same as "My duty" and who is paged); any other version with its approved swaps."""
    assert roster.id is not None
    if roster.status is not RosterStatus.published:
        return rosters.effective_assignments(session, roster.id)
    slots = layers.worked_between(
        session, start=roster.period_start, end=roster.period_end, tz=tz, unit_id=roster.unit_id
    )
    return [
        rp.Assignment(str(s.person_id), s.start.astimezone(tz).date(), s.shift_code) for s in slots
    ]


def roster_grid(session: Session, roster: Roster, tz: ZoneInfo) -> RosterGrid:
    """The grid as worked, cells changed by swaps or overrides marked with the solver's plan."""
    assert roster.id is not None
    planned = rosters.assignments_of(session, roster.id)
    assignments = worked_assignments(session, roster, tz)
    added = None
    if roster.base_roster_id is not None:
        _, added = rosters.compare(session, roster_id=roster.id, other_id=roster.base_roster_id)
    document = _document(roster)
    totals: dict[str, dict[str, Any]] = document.get("totals", {})
    ids = {int(a.person) for a in assignments + planned} | {int(p) for p in totals}
    return build_grid(
        roster=roster,
        assignments=assignments,
        planned=planned,
        shift_types=planning.list_shift_types(session, unit_id=roster.unit_id),
        people=people_by_id(session, ids),
        calendar=load_calendar(session),
        totals=totals,
        leader_code=planning.get_rules(session, unit_id=roster.unit_id).leader_shift_code,
        added=added,
    )


def _rostered_units(session: Session) -> list[Unit]:
    with_shifts = {s.unit_id for s in planning.list_shift_types(session)}
    return [u for u in unit_directory.list_units(session) if u.id in with_shifts]


@router.get("/rosters")
def roster_list(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: Reader,
    unit_id: UnitQuery = None,
) -> HTMLResponse:
    units = _rostered_units(session)
    unit = next((u for u in units if u.id == unit_id), units[0] if units else None)
    versions = rosters.list_rosters(session, unit_id=unit.id) if unit else []
    published = [
        (r.period_start, r.period_end) for r in versions if r.status is RosterStatus.published
    ]
    today = clock.now().astimezone(settings.tz).date()
    start, end = coverage.next_period(published, since=today, days=DEFAULT_DAYS)
    context = {
        # generating a period of these years would rest on estimated holidays
        "years_without_calendar": load_calendar(session).years_without_official_data(today),
        # days from today no published roster covers, before its last planned day
        "uncovered": coverage.uncovered(published, since=today),
        # or no published roster from today on at all
        "unplanned_from": today if all(end < today for _, end in published) else None,
        "units": units,
        "unit": unit,
        "versions": versions,
        "actor_names": names_of(
            session, [a for r in versions for a in (r.created_by, r.published_by)]
        ),
        "default_start": start,
        "default_end": end,
    }
    return render(request, "rosters/list.html", context, user=user)


#: Versions with assignments, which another version can be compared with.
COMPARABLE = (RosterStatus.draft, RosterStatus.published, RosterStatus.superseded)


def _comparable(session: Session, roster: Roster) -> list[Roster]:
    """The versions a roster can be compared with: the other versions of its unit and period
    (drafts, repairs and the versions they replace), newest first. Another period, even an
    overlapping one, is left out: its diff would list every day the two do not share as
    changed, which no one changed."""
    return [
        r
        for r in rosters.list_rosters(session, unit_id=roster.unit_id)
        if r.id != roster.id
        and r.status in COMPARABLE
        and (r.period_start, r.period_end) == (roster.period_start, roster.period_end)
    ]


def _roster_context(
    session: Session, roster: Roster, now: datetime, tz: ZoneInfo, compare: int | None = None
) -> dict[str, Any]:
    """`compare`: the version to show the changes against (else the version repaired)."""
    assert roster.id is not None
    document = _document(roster)
    grid = roster_grid(session, roster, tz)
    names = {p.id: p.name for p in grid.people}
    diff: dict[str, Any] | None = None
    comparable = _comparable(session, roster)
    against = session.get(Roster, compare or roster.base_roster_id or 0)
    if (
        against is not None
        and (against.id == roster.base_roster_id or against.id in {r.id for r in comparable})
        and roster.status is not RosterStatus.generating
    ):
        assert against.id is not None
        removed, added = rosters.compare(session, roster_id=roster.id, other_id=against.id)
        extra = people_by_id(session, {int(a.person) for a in removed + added})
        names.update({pid: p.name for pid, p in extra.items()})
        diff = {"removed": removed, "added": added, "against": against}
    dropped = [
        swap
        for entry in document.get("dropped_swaps", [])
        if (swap := session.get(SwapRequestRow, entry["swap_id"])) is not None
    ]
    if dropped:
        extra = people_by_id(
            session, {s.a_person_id for s in dropped} | {s.b_person_id for s in dropped}
        )
        names.update({pid: p.name for pid, p in extra.items()})
    people = directory.list_people(session)
    overrides = []
    if roster.status is RosterStatus.published:
        overrides = changes.list_overrides(
            session, unit_id=roster.unit_id, start=roster.period_start, end=roster.period_end
        )
        extra = people_by_id(
            session,
            {o.covering_person_id for o in overrides}
            | {o.original_person_id for o in overrides if o.original_person_id is not None},
        )
        names.update({pid: p.name for pid, p in extra.items()})
    shift_types = planning.list_shift_types(session, unit_id=roster.unit_id)
    roster_swaps = [s for s in swaps.list_swaps(session) if s.roster_id == roster.id]
    actors = [roster.created_by, roster.published_by]
    actors += [a for s in roster_swaps for a in (s.requested_by, s.decided_by)]
    return {
        "roster": roster,
        "overrides": overrides,
        "override_types": [s for s in shift_types if s.is_active],
        "override_shifts": {s.id: s.name for s in shift_types},
        "unit": session.get(Unit, roster.unit_id),
        "grid": grid,
        "progress": progress_of(roster, now),
        "elapsed": int((now - roster.created_at).total_seconds()),
        "violations": document.get("violations", []),
        "explanation": document.get("explanation", []),
        "explanation_leave": mentions_leave(document.get("explanation", [])),
        "error": document.get("error"),
        "seconds": document.get("seconds"),
        "diff": diff,
        "dropped_swaps": dropped,
        "names": names,
        "people": people,
        "swaps": roster_swaps,
        "swap_shifts": _swap_shifts(session, roster_swaps),
        "swap_rosters": _swap_rosters(session, roster_swaps),
        "actor_names": names_of(session, actors),
        "base": session.get(Roster, roster.base_roster_id) if roster.base_roster_id else None,
        "comparable": comparable,
        "superseded_by": _superseded_by(session, roster),
        "published_since": publishing.published_since(session, roster),
    }


def _superseded_by(session: Session, roster: Roster) -> Roster | None:
    """The published version that replaced a superseded one (covering its period)."""
    if roster.status is not RosterStatus.superseded:
        return None
    return next(
        (
            r
            for r in rosters.published_overlapping(
                session, unit_id=roster.unit_id, start=roster.period_start, end=roster.period_end
            )
            if r.period_start <= roster.period_start and r.period_end >= roster.period_end
        ),
        None,
    )


def _swap_shifts(session: Session, requests: list[SwapRequestRow]) -> dict[int, tuple[str, str]]:
    """Each swap's traded shifts by name (the requester's, the other person's), as its roster
    holds them; a slot the roster no longer has shows as empty."""
    roster_ids = {s.roster_id for s in requests}
    rows = session.exec(
        select(RosterAssignment, ShiftType)
        .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
        .where(col(RosterAssignment.roster_id).in_(roster_ids))
    ).all()
    held = {(a.roster_id, a.person_id, a.day): shift.name for a, shift in rows}
    return {
        s.id: (
            held.get((s.roster_id, s.a_person_id, s.a_day), ""),
            held.get((s.roster_id, s.b_person_id, s.b_day), ""),
        )
        for s in requests
        if s.id is not None
    }


def _swap_rosters(session: Session, requests: list[SwapRequestRow]) -> dict[int, SwapRoster]:
    """Each swap's roster, and the version that replaced it if it was superseded (where the
    swap's days are planned now)."""
    found: dict[int, SwapRoster] = {}
    for roster_id in {s.roster_id for s in requests}:
        roster = session.get(Roster, roster_id)
        if roster is not None:
            found[roster_id] = SwapRoster(roster, _superseded_by(session, roster))
    return found


@router.get("/rosters/{roster_id}")
def roster_page(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: Reader,
    roster_id: RosterId,
    compare: Annotated[int | None, Query(ge=1, le=MAX_ID), EmptyIsNone] = None,
    repair_person: Annotated[int | None, Query(ge=1, le=MAX_ID), EmptyIsNone] = None,
    repair_start: Annotated[date | None, Query(), EmptyIsNone] = None,
    repair_end: Annotated[date | None, Query(), EmptyIsNone] = None,
    repair_reason: Annotated[str | None, Query(max_length=200), EmptyIsNone] = None,
) -> HTMLResponse:
    """`repair_*`: the repair form filled in (a leave's person and days, linked from the
    leave page when the leave falls on shifts of this roster)."""
    roster = rosters.get_roster(session, roster_id=roster_id)
    context = _roster_context(session, roster, clock.now(), settings.tz, compare)
    context["skill_names"] = skill_names(session, locale_of(request))
    today = clock.now().astimezone(settings.tz).date()
    context["today_input"] = today
    context["repair_person"] = repair_person
    context["repair_start"] = repair_start or today
    context["repair_end"] = repair_end or repair_start or today
    context["repair_reason"] = repair_reason
    context["override_day"] = min(max(today, roster.period_start), roster.period_end)
    return render(request, "rosters/detail.html", context, user=user)


@router.get("/rosters/{roster_id}/progress")
def roster_progress(
    request: Request, session: SessionDep, clock: ClockDep, user: Reader, roster_id: RosterId
) -> Response:
    """The generation's progress for the page's script; opened directly, the roster page."""
    roster = rosters.get_roster(session, roster_id=roster_id)
    if (redirect := page_instead(request, f"/rosters/{roster.id}")) is not None:
        return redirect
    now = clock.now()
    context = {
        "roster": roster,
        "progress": progress_of(roster, now),
        "elapsed": int((now - roster.created_at).total_seconds()),
        "user": user,
    }
    return fragment(request, "rosters/_progress.html", context)


@router.get("/rosters/{roster_id}/print")
def roster_print(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: Reader,
    roster_id: RosterId,
) -> HTMLResponse:
    roster = rosters.get_roster(session, roster_id=roster_id)
    context = _roster_context(session, roster, clock.now(), settings.tz)
    return render(request, "rosters/print.html", context, user=user)


@router.get("/rosters/{roster_id}/export.xlsx")
def roster_export(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    _: Reader,
    roster_id: RosterId,
) -> Response:
    roster = rosters.get_roster(session, roster_id=roster_id)
    unit = session.get(Unit, roster.unit_id)
    grid = roster_grid(session, roster, settings.tz)
    content = roster_workbook(
        grid,
        unit_name=unit.name if unit else "",
        locale=locale_of(request),
        generated_at=clock.now(),
        tz=settings.tz,
    )
    filename = f"roster-{roster.id}-{roster.period_start}-{roster.period_end}.xlsx"
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename={filename}; "
            f"filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/swaps")
def swaps_page(request: Request, session: SessionDep, user: SwapPage) -> HTMLResponse:
    requests = swaps.list_swaps(session)
    published = list(
        session.exec(select(Roster).where(Roster.status == RosterStatus.published)).all()
    )
    people = directory.list_people(session)
    with_shifts = set(
        session.exec(
            select(RosterAssignment.person_id)
            .where(col(RosterAssignment.roster_id).in_([r.id for r in published]))
            .distinct()
        ).all()
    )
    names = {p.id: p.name for p in people}
    names.update(
        {
            p.id: p.name
            for p in session.exec(select(Person).where(Person.is_active == False)).all()  # noqa: E712
        }
    )
    context = {
        "swaps": requests,
        "swap_shifts": _swap_shifts(session, requests),
        "swap_rosters": _swap_rosters(session, requests),
        "pending": [s for s in requests if s.status is SwapStatus.pending],
        "published": published,
        # only people with shifts on a published roster have one to swap
        "people": [p for p in people if p.id in with_shifts],
        "shift_holders": with_shifts,
        "names": names,
        "actor_names": names_of(
            session, [a for s in requests for a in (s.requested_by, s.decided_by)]
        ),
    }
    return render(request, "rosters/swaps.html", context, user=user)
