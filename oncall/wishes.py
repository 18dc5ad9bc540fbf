"""Shift wishes (shift requests): a person wants, or does not want, to work a day (a shift of
it, or any); the solver weighs them as soft goals. Recorded, corrected and removed by
planners, each change audited on the person. A wish is for a day to come: one for a day
already past (before today where the centre is, `tz`) is refused at `day`, since no roster is
generated for it any more; so is a correction that would leave a wish on such a day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core import audit
from core.errors import NotFound, ValidationFailed
from oncall.models import Person
from oncall.roster_models import ShiftRequest, ShiftRequestCreate, ShiftRequestUpdate, ShiftType


def list_requests(session: Session, *, person_id: int | None = None) -> list[ShiftRequest]:
    query = select(ShiftRequest).order_by(col(ShiftRequest.day))
    if person_id is not None:
        query = query.where(ShiftRequest.person_id == person_id)
    return list(session.exec(query).all())


PAST_REASON = "is already past: a wish is for a day to come"


def add_request(
    session: Session, *, data: ShiftRequestCreate, actor: str, now: datetime, tz: ZoneInfo
) -> ShiftRequest:
    _refuse_past(data.day, now=now, tz=tz)
    if session.get(Person, data.person_id) is None:
        raise ValidationFailed.absent("person_id", "person", data.person_id)
    _check_shift_type(session, data.shift_type_id)
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


def update_request(
    session: Session,
    *,
    request_id: int,
    data: ShiftRequestUpdate,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
) -> ShiftRequest:
    """Correct a wish (its day, shift, direction or weight) under the checks of recording it;
    audited old → new on the person. Fields left out stay as they are. The row is locked, so
    two corrections at once are applied one after the other, each audited from what the other
    left."""
    request = session.get(ShiftRequest, request_id, with_for_update=True)
    if request is None:
        raise NotFound(f"shift request {request_id} not found")
    sent = data.model_dump(exclude_unset=True)
    for name in ("day", "wanted", "weight"):
        if name in sent and sent[name] is None:
            raise ValidationFailed(name, "must not be null")
    changes = {name: value for name, value in sent.items() if value != getattr(request, name)}
    _refuse_past(changes.get("day", request.day), now=now, tz=tz)
    if "shift_type_id" in changes:
        _check_shift_type(session, changes["shift_type_id"])
    if not changes:
        return request
    changed = {"id", *changes}
    before = request.model_dump(mode="json", include=changed)
    for name, value in changes.items():
        setattr(request, name, value)
    session.add(request)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="request.update",
        entity_type="person",
        entity_id=request.person_id,
        before=before,
        after=request.model_dump(mode="json", include=changed),
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


def _refuse_past(day: date, *, now: datetime, tz: ZoneInfo) -> None:
    today = now.astimezone(tz).date()
    if day < today:
        raise ValidationFailed(
            "day", PAST_REASON, type="day_past", ctx={"day": str(day), "today": str(today)}
        )


def _check_shift_type(session: Session, shift_type_id: int | None) -> None:
    if shift_type_id is not None and session.get(ShiftType, shift_type_id) is None:
        raise ValidationFailed.absent("shift_type_id", "shift type", shift_type_id)
