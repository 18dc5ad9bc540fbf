"""iCalendar (RFC 5545) feeds of the shifts people actually work (the published roster after
overrides and approved swaps, as on-call resolution sees them), per person or per unit, behind
a secret per-feed token (only its SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session, select

from core import audit
from core.errors import NotFound, ValidationFailed
from oncall import layers
from oncall.models import Person, Unit
from oncall.roster_models import FeedCreate, FeedKind, FeedToken, ShiftType

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
    worked = layers.worked_between(
        session,
        start=today - timedelta(days=FEED_WINDOW_DAYS),
        end=today + timedelta(days=FEED_WINDOW_DAYS),
        tz=tz,
        unit_id=feed.subject_id if feed.kind is FeedKind.unit else None,
        person_id=feed.subject_id if feed.kind is FeedKind.person else None,
    )
    shifts = {(s.unit_id, s.code): s for s in session.exec(select(ShiftType)).all()}
    people = layers.people_by_id(session, {slot.person_id for slot in worked})
    calendar = Calendar()
    calendar.add("prodid", "-//DutyDesk//Duty roster//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "DutyDesk 值班表")
    calendar.add("x-wr-timezone", tz.key)
    for slot in worked:
        shift = shifts[(slot.unit_id or 0, slot.shift_code)]
        day = slot.start.astimezone(tz).date()
        event = Event()
        event.add("uid", f"{shift.unit_id}-{shift.code}-{day}-{slot.person_id}@dutydesk")
        event.add("dtstamp", now)
        event.add("dtstart", slot.start)
        event.add("dtend", slot.end)
        event.add("summary", f"{shift.name} · {people[slot.person_id].name}")
        event.add("categories", [slot.role])
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
