"""Shift wishes (shift requests): a person wants, or does not want, to work a day (a shift of
it, or any); the solver weighs them as soft goals. Recorded and removed by planners, each
change audited on the person. A wish is for a day to come: one for a day already past (before
today where the centre is, `tz`) is refused at `day`, since no roster is generated for it any
more."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core import audit
from core.errors import NotFound, ValidationFailed
from oncall.models import Person
from oncall.roster_models import ShiftRequest, ShiftRequestCreate, ShiftType


def list_requests(session: Session, *, person_id: int | None = None) -> list[ShiftRequest]:
    query = select(ShiftRequest).order_by(col(ShiftRequest.day))
    if person_id is not None:
        query = query.where(ShiftRequest.person_id == person_id)
    return list(session.exec(query).all())


PAST_REASON = "is already past: a wish is for a day to come"


def add_request(
    session: Session, *, data: ShiftRequestCreate, actor: str, now: datetime, tz: ZoneInfo
) -> ShiftRequest:
    today = now.astimezone(tz).date()
    if data.day < today:
        raise ValidationFailed(
            "day", PAST_REASON, type="day_past", ctx={"day": str(data.day), "today": str(today)}
        )
    if session.get(Person, data.person_id) is None:
        raise ValidationFailed("person_id", f"person {data.person_id} does not exist")
    if data.shift_type_id is not None and session.get(ShiftType, data.shift_type_id) is None:
        raise ValidationFailed("shift_type_id", f"shift type {data.shift_type_id} does not exist")
    request = ShiftRequest.model_validate(data)
    session.add(request)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="request.create",
        entity_type="person",
        entity_id=data.person_id,
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return request


def delete_request(session: Session, *, request_id: int, actor: str, now: datetime) -> None:
    """Remove a wish (recorded by mistake, or withdrawn): later generations no longer weigh it;
    rosters already generated keep what they were solved with."""
    request = session.get(ShiftRequest, request_id)
    if request is None:
        raise NotFound(f"shift request {request_id} not found")
    before = request.model_dump(mode="json")
    session.delete(request)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="request.delete",
        entity_type="person",
        entity_id=request.person_id,
        before=before,
    )
    session.commit()
