"""Duty-officer pages: my next shifts, my calendar (iCal) links, who is on duty now (with phone
numbers), the incidents paging me with an acknowledge button, how the escalation reaches me
(my own notification rules), and the duty log with the handover form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.deps import ClockDep, SessionDep, SettingsDep
from api.routers.dutylog import confirms_for_others, hands_over_for_anyone
from core.users import Permission
from escalation import person_rules, references
from escalation import service as incident_service
from escalation.models import Incident, Notification
from escalation.policy import DEFAULT_RULES
from escalation.state import IncidentStatus
from oncall import directory, dutylog, ical, unit_directory
from oncall.feed_models import FeedKind
from oncall.layers import on_duty_slots, people_by_id, worked_between
from oncall.models import Person, Unit, UnitKind
from oncall.resolve import Slot
from oncall.roster_models import ShiftType
from web.actor_labels import names_of
from web.render import fragment, page_instead, render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
DutyPage = Annotated[WebUser, Depends(RequirePage(Permission.dutylog_read))]
SHIFT_WINDOW_DAYS = 14


@dataclass(frozen=True)
class MyShift:
    day: date
    code: str
    name: str
    start: datetime
    end: datetime
    now: bool


@dataclass(frozen=True)
class MyFeed:
    """A calendar link the user made and has not revoked; its URL is not known (only its
    token's hash is stored)."""

    id: int
    created_at: datetime
    kind: FeedKind
    subject_name: str
    of_my_shifts: bool
    last_fetched_at: datetime | None


def my_feeds(session: Session, user: WebUser) -> list[MyFeed]:
    feeds = ical.own_active_feeds(session, username=user.username)
    names: dict[tuple[FeedKind, int], str] = {}
    for feed in feeds:
        subject: Person | Unit | None = (
            session.get(Person, feed.subject_id)
            if feed.kind is FeedKind.person
            else session.get(Unit, feed.subject_id)
        )
        names[(feed.kind, feed.subject_id)] = subject.name if subject else str(feed.subject_id)
    return [
        MyFeed(
            id=feed.id or 0,
            created_at=feed.created_at,
            kind=feed.kind,
            subject_name=names[(feed.kind, feed.subject_id)],
            of_my_shifts=feed.kind is FeedKind.person and feed.subject_id == user.person_id,
            last_fetched_at=feed.last_fetched_at,
        )
        for feed in feeds
    ]


def shifts_starting_on(session: Session, *, day: date, tz: ZoneInfo) -> list[Slot]:
    """The slots that start on local `day` as they are worked after overrides and swaps (the
    precedence of `oncall.resolve`: each slot is evaluated at its start)."""
    worked = worked_between(session, start=day, end=day, tz=tz)
    return sorted(worked, key=lambda s: (s.start, s.role, s.person_id))


def my_shifts(
    session: Session, *, person_id: int, now: datetime, tz: ZoneInfo, days: int = SHIFT_WINDOW_DAYS
) -> list[MyShift]:
    """The person's shifts that have not ended, for the next `days` days."""
    names = {(s.unit_id, s.code): s.name for s in session.exec(select(ShiftType)).all()}
    today = now.astimezone(tz).date()
    worked = worked_between(
        session,
        start=today - timedelta(days=1),
        end=today + timedelta(days=days - 1),
        tz=tz,
        person_id=person_id,
    )
    return [
        MyShift(
            day=slot.start.astimezone(tz).date(),
            code=slot.shift_code,
            name=names.get((slot.unit_id or 0, slot.shift_code), slot.shift_code),
            start=slot.start,
            end=slot.end,
            now=slot.start <= now < slot.end,
        )
        for slot in sorted(worked, key=lambda s: s.start)
        if slot.end > now
    ]


def duty_team(session: Session, *, now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Today's duty team: every shift that starts today, and whoever is still on duty from
    yesterday, with names, phone numbers and whether they are on duty now."""
    today = now.astimezone(tz).date()
    slots = [
        s for s in shifts_starting_on(session, day=today - timedelta(days=1), tz=tz) if s.end > now
    ] + shifts_starting_on(session, day=today, tz=tz)
    names = {(s.unit_id, s.code): s.name for s in session.exec(select(ShiftType)).all()}
    people = people_by_id(session, {s.person_id for s in slots})
    return [
        {
            "slot": slot,
            "shift_name": names.get((slot.unit_id or 0, slot.shift_code), slot.shift_code),
            "person": people[slot.person_id],
            "phones": [c.value for c in directory.contacts_of(session, slot.person_id)],
            "now": slot.start <= now < slot.end,
        }
        for slot in slots
        if slot.person_id in people
    ]


def on_duty_now(session: Session, *, now: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    slots = on_duty_slots(session, at=now, tz=tz)
    names = {(s.unit_id, s.code): s.name for s in session.exec(select(ShiftType)).all()}
    people = people_by_id(session, {s.person_id for s in slots})
    rows = []
    for slot in slots:
        person = people[slot.person_id]
        rows.append(
            {
                "slot": slot,
                "shift_name": names.get((slot.unit_id or 0, slot.shift_code), slot.shift_code),
                "person": person,
                "phones": [c.value for c in directory.contacts_of(session, slot.person_id)],
            }
        )
    return rows


def incidents_paging(
    session: Session, person_id: int | None
) -> tuple[list[Incident], list[Incident]]:
    """(incidents that paged this person, other unresolved incidents), newest first."""
    unresolved = list(
        session.exec(
            select(Incident)
            .where(Incident.status != IncidentStatus.resolved)
            .order_by(col(Incident.id).desc())
            .limit(100)
        ).all()
    )
    mine: set[int] = set()
    if person_id is not None and unresolved:
        mine = {
            incident_id
            for incident_id in session.exec(
                select(Notification.incident_id).where(
                    Notification.person_id == person_id,
                    col(Notification.incident_id).in_([i.id for i in unresolved]),
                )
            ).all()
            if incident_id is not None
        }
    return [i for i in unresolved if i.id in mine], [i for i in unresolved if i.id not in mine]


def _duty_context(session: Session, user: WebUser, now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    mine, others = incidents_paging(session, user.person_id)
    return {
        "shifts": my_shifts(session, person_id=user.person_id, now=now, tz=tz)
        if user.person_id
        else [],
        "on_duty": on_duty_now(session, now=now, tz=tz),
        "duty_phones": unit_directory.duty_phones(session),
        "my_incidents": mine,
        "other_incidents": others,
    }


@router.get("/duty")
def my_duty(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: DutyPage
) -> HTMLResponse:
    context = _duty_context(session, user, clock.now(), settings.tz)
    reach = person_rules.get(session, person_id=user.person_id) if user.person_id else None
    context["reach"] = reach
    # the form shows the rules in force: the person's own, else the steps' default rules, so
    # that saving it unchanged pages them as before
    defaults = person_rules.public(user.person_id or 0, DEFAULT_RULES).rules
    context["reach_rules"] = (reach.rules or defaults) if reach else []
    context["feeds"] = my_feeds(session, user)
    return render(request, "duty/mine.html", context, user=user)


@router.get("/duty/feeds")
def my_duty_feeds(request: Request, session: SessionDep, user: DutyPage) -> Response:
    """The calendar links for the page's script; opened directly, the duty page there."""
    if (redirect := page_instead(request, "/duty#my-feeds")) is not None:
        return redirect
    context = {"feeds": my_feeds(session, user), "user": user}
    return fragment(request, "duty/_feeds.html", context)


@router.get("/duty/live")
def my_duty_live(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: DutyPage
) -> Response:
    """The incidents paging me for the page's script; opened directly, the duty page."""
    if (redirect := page_instead(request, "/duty")) is not None:
        return redirect
    context = _duty_context(session, user, clock.now(), settings.tz) | {"user": user}
    return fragment(request, "duty/_incidents.html", context)


@router.get("/duty/log")
def duty_log(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep, user: DutyPage
) -> HTMLResponse:
    people = directory.list_people(session)
    units = unit_directory.list_units(session)
    section_ids = {u.id for u in units if u.kind is UnitKind.section}
    my_unit = next(
        (p.unit_id for p in people if p.id == user.person_id and p.unit_id in section_ids), None
    )
    intake = next((u.id for u in units if u.code == "intake"), None)
    for_anyone = hands_over_for_anyone(user.role)
    entries = [dutylog.public(e, role=user.role) for e in dutylog.list_entries(session, limit=50)]
    handovers = [
        dutylog.public_handover(h, role=user.role)
        for h in dutylog.list_handovers(session, limit=30)
    ]
    actors = [e.recorded_by for e in entries] + [h.acknowledged_by for h in handovers]
    # an entry's incident reference links to the incident it names, when it names one
    refs = {e.id: (e.incident_ref, e.occurred_at) for e in entries if e.incident_ref}
    named = references.resolve(session, refs=refs.values())
    context = {
        "entries": entries,
        "handovers": handovers,
        "actor_names": names_of(session, actors),
        "entry_incidents": {entry: named[ref] for entry, ref in refs.items() if ref in named},
        "people": people,
        "names": {p.id: p.name for p in people},
        "person_options": [(p.id, p.name) for p in people],
        # the API takes a handover only from the user's own person, unless they arrange duty
        "hands_over_for_anyone": for_anyone,
        "handing_over_options": [
            (p.id, p.name) for p in people if for_anyone or p.id == user.person_id
        ],
        "section_options": [(u.id, u.name) for u in units if u.id in section_ids],
        "unit_names": {u.id: u.name for u in units},
        "default_unit": my_unit or intake,
        "confirms_for_others": confirms_for_others(user.role),
        "now_input": clock.now().astimezone(settings.tz).strftime("%Y-%m-%dT%H:%M"),
        # unfinished items are handed over explicitly (DOMAIN.md §5): the form starts with them
        "unfinished": incident_service.unresolved_at(session, at=clock.now()),
    }
    return render(request, "duty/log.html", context, user=user)
