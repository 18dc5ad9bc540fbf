"""Who is on duty now (roster, then overrides, then approved swaps), and the secret iCal
feeds of a person or a unit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import AwareDatetime, BaseModel, Field

from api.deps import (
    ClockDep,
    OncallReader,
    RosterReader,
    SessionDep,
    SettingsDep,
)
from core.errors import ValidationFailed
from core.types import MAX_ID, Code
from oncall import ical, layers
from oncall.directory import person_public
from oncall.feed_models import FeedCreate, FeedKind
from oncall.roster_models import ShiftRole

router = APIRouter(prefix="/api/v1", tags=["rosters"])
feeds_router = APIRouter(tags=["rosters"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class OnDutyPerson(BaseModel):
    person_id: int
    name: str
    shift: str
    role: str
    start: datetime
    end: datetime
    phones: list[str]


class FeedPublic(BaseModel):
    """A new feed: its secret URL is shown this once."""

    id: int
    url: str


class FeedSummary(BaseModel):
    """A feed as listed: never its token."""

    id: int
    kind: FeedKind
    subject_id: int
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_fetched_at: datetime | None = Field(
        description="when a calendar last fetched it, to the quarter of an hour; null: never"
    )


@router.get("/oncall/now", summary="Who is on duty now (or at `at`), by role and skill")
def on_duty_now(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    _: OncallReader,
    at: AwareDatetime | None = None,
    unit_id: OptionalId = None,
    role: ShiftRole | None = None,
    skill: Code | None = None,
) -> list[OnDutyPerson]:
    instant = at or clock.now()
    if not (datetime(2000, 1, 2, tzinfo=UTC) < instant < datetime(2100, 1, 1, tzinfo=UTC)):
        raise ValidationFailed("at", "must be between 2000 and 2100")
    slots = layers.on_duty_slots(
        session,
        at=instant,
        tz=settings.tz,
        unit_id=unit_id,
        role=role.value if role else None,
        skill=skill,
    )
    people = layers.people_by_id(session, {s.person_id for s in slots})
    result = []
    for slot in slots:
        person = person_public(session, people[slot.person_id])
        result.append(
            OnDutyPerson(
                person_id=slot.person_id,
                name=person.name,
                shift=slot.shift_code,
                role=slot.role,
                start=slot.start,
                end=slot.end,
                phones=[c.value for c in person.contacts],
            )
        )
    return result


@router.post(
    "/feeds",
    status_code=status.HTTP_201_CREATED,
    summary="Create a secret iCal feed URL for a person or a unit",
    description=(
        "Planners and admins create any feed; others only the feed of the person linked to "
        "them (403 otherwise). The URL is shown once. A feed stops serving when it is revoked "
        "or its creator is deactivated. With `replace: true` the feeds of the same person or "
        "unit that you made before are revoked in the same step."
    ),
)
def create_feed(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: RosterReader,
    body: FeedCreate,
) -> FeedPublic:
    feed, token = ical.create_feed(session, data=body, user=who.user, now=clock.now())
    assert feed.id is not None
    return FeedPublic(id=feed.id, url=f"{settings.public_url.rstrip('/')}/ical/{token}.ics")


@router.get("/feeds", summary="Your iCal feeds (planners and admins: all feeds), newest first")
def list_feeds(session: SessionDep, who: RosterReader) -> list[FeedSummary]:
    return [
        FeedSummary.model_validate(f, from_attributes=True)
        for f in ical.list_feeds(session, user=who.user)
    ]


@router.delete(
    "/feeds/{feed_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an iCal feed (its creator, or a planner/admin)",
)
def revoke_feed(session: SessionDep, clock: ClockDep, who: RosterReader, feed_id: Id) -> None:
    ical.revoke_feed(session, feed_id=feed_id, user=who.user, now=clock.now())


@feeds_router.get(
    "/ical/{token}.ics",
    summary="iCal feed (RFC 5545); the token is the secret",
    response_class=Response,
)
def ical_feed(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    token: Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")],
) -> Response:
    feed = ical.feed_for_token(session, token=token)
    body = ical.render(session, feed=feed, now=clock.now(), tz=settings.tz)
    ical.note_fetch(session, feed=feed, now=clock.now())
    return Response(content=body, media_type="text/calendar; charset=utf-8")
