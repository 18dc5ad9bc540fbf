"""iCalendar (RFC 5545) feeds of published shifts, per person or per unit, behind a secret
per-feed token (only its SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from core import audit
from core.errors import NotFound, ValidationFailed
from oncall.models import Person, Unit
from oncall.resolve import shift_interval
from oncall.roster_models import (
    FeedCreate,
    FeedKind,
    FeedToken,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
)

FEED_WINDOW_DAYS = 90


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_feed(session: Session, *, data: FeedCreate, actor: str, now: datetime) -> str:
    model = Person if data.kind is FeedKind.person else Unit
    if session.get(model, data.subject_id) is None:
        raise ValidationFailed("subject_id", f"{data.kind.value} {data.subject_id} does not exist")
    token = secrets.token_urlsafe(24)
    feed = FeedToken(
        kind=data.kind,
        subject_id=data.subject_id,
        token_hash=_digest(token),
        created_by=actor,
        created_at=now,
    )
    session.add(feed)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="ical_feed.create",
        entity_type="ical_feed",
        entity_id=feed.id,
        after={"kind": data.kind.value, "subject_id": data.subject_id},
    )
    session.commit()
    return token


def feed_for_token(session: Session, *, token: str) -> FeedToken:
    feed = session.exec(select(FeedToken).where(FeedToken.token_hash == _digest(token))).first()
    if feed is None or feed.revoked_at is not None:
        raise NotFound("no such feed")
    return feed


def render(session: Session, *, feed: FeedToken, now: datetime, tz: ZoneInfo) -> bytes:
    today = now.astimezone(tz).date()
    start, end = today - timedelta(days=FEED_WINDOW_DAYS), today + timedelta(days=FEED_WINDOW_DAYS)
    query = (
        select(RosterAssignment, ShiftType, Person)
        .join(Roster, col(Roster.id) == RosterAssignment.roster_id)
        .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
        .join(Person, col(Person.id) == RosterAssignment.person_id)
        .where(Roster.status == RosterStatus.published)
        .where(RosterAssignment.day >= start, RosterAssignment.day <= end)
    )
    if feed.kind is FeedKind.person:
        query = query.where(RosterAssignment.person_id == feed.subject_id)
    else:
        query = query.where(Roster.unit_id == feed.subject_id)
    calendar = Calendar()
    calendar.add("prodid", "-//DutyDesk//Duty roster//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "DutyDesk 值班表")
    calendar.add("x-wr-timezone", tz.key)
    for assignment, shift, person in session.exec(query).all():
        begin, finish = shift_interval(assignment.day, shift.start_time, shift.end_time, tz)
        event = Event()
        event.add("uid", f"{assignment.roster_id}-{person.id}-{assignment.day}@dutydesk")
        event.add("dtstamp", now)
        event.add("dtstart", begin)
        event.add("dtend", finish)
        event.add("summary", f"{shift.name} · {person.name}")
        event.add("categories", [shift.role.value])
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
