"""iCalendar (RFC 5545) feeds of the shifts people actually work (the published roster after
overrides and approved swaps, as on-call resolution sees them), per person or per unit, behind
a secret per-feed token (only its SHA-256 is stored).

Invariants:
- Planners and admins (roster.write) create any feed; anyone else only the feed of the person
  linked to them (Person.user_id). Everyone lists and revokes their own feeds; planners and
  admins all feeds. Creating and revoking are audited. Creating with `replace` revokes the
  creator's earlier feeds of the same person or unit in the same commit (each revocation
  audited, naming the feed that replaced it).
- A fetch is noted on the feed (`last_fetched_at`, at most every `FETCH_NOTED_EVERY`), so
  its owner sees whether a calendar uses the link.
- A feed serves only while it is not revoked and the user who created it is active: a
  deactivated user's feeds stop serving at once, whichever path deactivates the user (it is
  checked when served; core does not know feeds), and serve again only if an admin
  reactivates the user. Revoking is for good.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from core import audit
from core.errors import Forbidden, NotFound, ValidationFailed
from core.users import Permission, User, allowed
from oncall import layers
from oncall.feed_models import FeedCreate, FeedKind, FeedToken
from oncall.models import Person, Unit
from oncall.roster_models import ShiftType

FEED_WINDOW_DAYS = 90
#: A fetch is noted when the last noted one is this old: calendars poll every few minutes,
#: and the owner only needs to see that the link is in use.
FETCH_NOTED_EVERY = timedelta(minutes=15)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def manages_all_feeds(user: User) -> bool:
    """Planners and admins see, create and revoke every feed."""
    return allowed(user.role, Permission.roster_write)


def create_feed(
    session: Session, *, data: FeedCreate, user: User, now: datetime
) -> tuple[FeedToken, str]:
    """A new feed and its secret token (shown once). Others than planners and admins may
    only create the feed of the person linked to them (`Forbidden`)."""
    model = Person if data.kind is FeedKind.person else Unit
    subject = session.get(model, data.subject_id)
    if subject is None:
        raise ValidationFailed("subject_id", f"{data.kind.value} {data.subject_id} does not exist")
    own = isinstance(subject, Person) and subject.user_id is not None and subject.user_id == user.id
    if not own and not manages_all_feeds(user):
        raise Forbidden(
            f"role {user.role.value!r} may only create the feed of the person linked to the user"
        )
    actor = user.username
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
    if data.replace:
        earlier = session.exec(
            select(FeedToken)
            .where(
                FeedToken.created_by == actor,
                FeedToken.kind == data.kind,
                FeedToken.subject_id == data.subject_id,
                col(FeedToken.revoked_at).is_(None),
                FeedToken.id != feed.id,
            )
            .with_for_update()
        ).all()
        for old in earlier:
            _revoke(session, old, actor=actor, now=now, replaced_by=feed.id)
    session.commit()
    return feed, token


def list_feeds(session: Session, *, user: User) -> list[FeedToken]:
    """The user's own feeds, or every feed for planners and admins; newest first."""
    query = select(FeedToken).order_by(col(FeedToken.id).desc())
    if not manages_all_feeds(user):
        query = query.where(FeedToken.created_by == user.username)
    return list(session.exec(query).all())


def own_active_feeds(session: Session, *, username: str) -> list[FeedToken]:
    """The feeds the user made that are not revoked, newest first (My duty lists them)."""
    return list(
        session.exec(
            select(FeedToken)
            .where(FeedToken.created_by == username, col(FeedToken.revoked_at).is_(None))
            .order_by(col(FeedToken.id).desc())
        ).all()
    )


def revoke_feed(session: Session, *, feed_id: int, user: User, now: datetime) -> FeedToken:
    """Stop a feed for good. Its creator or a planner/admin may; for anyone else it is
    `NotFound` (not telling whether it exists). Revoking twice keeps the first revocation,
    also when both come at once (the row is locked to the commit)."""
    feed = session.get(FeedToken, feed_id, with_for_update=True, populate_existing=True)
    if feed is None or (feed.created_by != user.username and not manages_all_feeds(user)):
        raise NotFound(f"feed {feed_id} not found")
    if feed.revoked_at is not None:
        return feed
    _revoke(session, feed, actor=user.username, now=now)
    session.commit()
    return feed


def _revoke(
    session: Session, feed: FeedToken, *, actor: str, now: datetime, replaced_by: int | None = None
) -> None:
    feed.revoked_at = now
    session.add(feed)
    after: dict[str, object] = {"revoked_at": now, "created_by": feed.created_by}
    if replaced_by is not None:
        after["replaced_by"] = replaced_by
    audit.record(
        session,
        at=now,
        actor=actor,
        action="ical_feed.revoke",
        entity_type="ical_feed",
        entity_id=feed.id,
        before={"kind": feed.kind.value, "subject_id": feed.subject_id},
        after=after,
    )


def feed_for_token(session: Session, *, token: str) -> FeedToken:
    """The feed the token opens: not revoked, its creator still active and still allowed to
    make it: a planner or admin, or the user still linked to the feed's person (a feed stops
    when its person is unlinked from the user or the user's role changes) (`NotFound`)."""
    found = session.exec(
        select(FeedToken, User)
        .join(User, col(User.username) == FeedToken.created_by)
        .where(FeedToken.token_hash == _digest(token))
    ).first()
    if found is None:
        raise NotFound("no such feed")
    feed, creator = found
    if (
        feed.revoked_at is not None
        or not creator.is_active
        or not _still_allowed(session, feed, creator)
    ):
        raise NotFound("no such feed")
    return feed


def note_fetch(session: Session, *, feed: FeedToken, now: datetime) -> None:
    """Note that a calendar fetched `feed` (at most once per `FETCH_NOTED_EVERY`; not
    audited: it changes nothing but this note)."""
    if feed.last_fetched_at is not None and now - feed.last_fetched_at < FETCH_NOTED_EVERY:
        return
    feed.last_fetched_at = now
    session.add(feed)
    session.commit()


def _still_allowed(session: Session, feed: FeedToken, creator: User) -> bool:
    if manages_all_feeds(creator):
        return True
    person = session.get(Person, feed.subject_id) if feed.kind is FeedKind.person else None
    return person is not None and person.user_id == creator.id


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
