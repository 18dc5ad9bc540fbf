"""Open311 GeoReport v2 as an intake and status interface (DOMAIN.md §8).

- Submitting: `POST requests` needs an API key issued by an administrator
  (`complaints.open311_clients`). A request registers through
  `service.register_uncommitted` like any intake, on the client's channel, and commits once
  with an `open311_request` row (location, media URL, token) per item created.
- Reading (`GET requests`, `requests/{id}`, `tokens/{id}`) needs no key, but shows only
  complaints whose complainant consented to publication (`consent_publish`), never a report
  (O121 Art. 37); with a valid key, a client also sees the requests it submitted itself.
  Submitters' identities are never shown; phone and ID numbers in descriptions are masked.
- The items found are shaped into service requests by `complaints.open311_render`:
  `expected_datetime` is the current statutory deadline (the item's next running clock),
  `agency_responsible` the handling unit's name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from complaints import actions, clocks, service
from complaints import open311_catalog as catalog
from complaints import open311_wire as wire
from complaints.io_models import Open311Client, Open311Request
from complaints.models import Complaint
from complaints.schemas import ComplaintCreate
from complaints.vocab import ItemType, Status, Workflow
from core.errors import FieldError, NotFound, ValidationFailed, pydantic_reason

WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100


# ---- submitting ------------------------------------------------------------------------------


def check_jurisdiction(given: str | None, ours: str) -> None:
    if given and given.strip().lower() != ours.lower():
        raise NotFound(f"jurisdiction_id {given!r} is not served here (this is {ours!r})")


def _form_errors(exc: ValidationError) -> ValidationFailed:
    errors = tuple(
        FieldError(str(e["loc"][0]) if e.get("loc") else "request", pydantic_reason(e))
        for e in exc.errors()
    )
    failure = ValidationFailed(errors[0].field, errors[0].reason)
    failure.errors = errors
    return failure


def parse_form(raw: dict[str, Any]) -> tuple[wire.RequestForm, dict[str, str]]:
    """Split `attribute[code]` keys (or a JSON `attribute` object) from the plain fields."""
    attributes: dict[str, str] = {}
    plain: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "attribute" and isinstance(value, dict):
            attributes |= {str(k): str(v) for k, v in value.items()}
        elif key.startswith("attribute[") and key.endswith("]"):
            attributes[key[len("attribute[") : -1]] = str(value)
        elif value not in ("", None):  # an empty form field is a missing one
            plain[key] = value
    try:
        form = wire.RequestForm.model_validate(plain)
    except ValidationError as exc:
        raise _form_errors(exc) from None
    if any("\x00" in v or len(v) > 4000 for v in attributes.values()):
        raise ValidationFailed("attribute", "attribute values are text of at most 4000 characters")
    return form, attributes


def _notice(session: Session, item: Complaint) -> str:
    limits = actions.limits_for(session, item)
    if item.workflow is Workflow.complaint:
        return f"投诉已登记，将在{limits.acceptance_wd}个工作日内决定是否受理。"
    if item.workflow is Workflow.report:
        return f"举报已登记，将在{limits.verification_wd}个工作日内完成核查。"
    days = clocks.general_reply_limit(limits, item.item_type, item.workflow)
    if item.workflow is Workflow.order_12345:
        return f"工单已登记，将在{days}个工作日内办理答复。"
    return f"已登记，将在{days}个工作日内答复。"


def submit(
    session: Session,
    *,
    client: Open311Client,
    form: wire.RequestForm,
    attributes: dict[str, str],
    now: datetime,
    tz: ZoneInfo,
) -> list[wire.PostedRequest]:
    """Register the request (one or two items) and commit once."""
    assert client.id is not None
    fields = catalog.submission(form, attributes, channel=client.channel.value, tz=tz)
    try:
        data = ComplaintCreate.model_validate(fields)
    except ValidationError as exc:
        raise _renamed(_form_errors(exc)) from None
    try:
        items = service.register_uncommitted(
            session, data=data, actor=f"open311:{client.name}"[:100], now=now, tz=tz
        )
    except ValidationFailed as exc:
        raise _renamed(exc) from None
    token = secrets.token_urlsafe(18)
    for item in items:
        assert item.id is not None
        session.add(
            Open311Request(
                complaint_id=item.id,
                client_id=client.id,
                token=token,
                service_code=form.service_code,
                lat=form.lat,
                lon=form.long,
                address_id=form.address_id,
                media_url=form.media_url,
                created_at=now,
            )
        )
    client.last_used_at = now
    session.add(client)
    notices = [_notice(session, item) for item in items]
    session.commit()
    return [
        wire.PostedRequest(
            service_request_id=item.ref,
            token=token,
            service_notice=notice,
            account_id=form.account_id,
        )
        for item, notice in zip(items, notices, strict=True)
    ]


def _renamed(exc: ValidationFailed) -> ValidationFailed:
    """The same failure with Open311 field names (phone, first_name, attribute[claim] …)."""
    errors = tuple(FieldError(catalog.field_name(e.field), e.reason) for e in exc.errors)
    failure = ValidationFailed(errors[0].field, errors[0].reason)
    failure.errors = errors
    failure.detail = "; ".join(f"{e.field}: {e.reason}" for e in errors)
    return failure


# ---- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def _visible(client: Open311Client | None) -> Any:
    public = (col(Complaint.consent_publish).is_(True)) & (
        col(Complaint.item_type) != ItemType.report
    )
    if client is None:
        return public
    own = col(Complaint.id).in_(
        select(Open311Request.complaint_id).where(Open311Request.client_id == client.id)
    )
    return or_(public, own)


def window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    if start is not None and end is not None:
        if end < start:
            raise ValidationFailed("end_date", "end_date is before start_date")
        if end - start > WINDOW:
            raise ValidationFailed("end_date", "the date range is limited to 90 days")
        return start, end
    if start is not None:
        return start, start + WINDOW
    if end is not None:
        return end - WINDOW, end
    return now - WINDOW, now


def find(
    session: Session, *, query: Query, client: Open311Client | None, now: datetime
) -> list[Complaint]:
    stmt = select(Complaint).where(_visible(client))
    if query.ids:
        stmt = stmt.where(col(Complaint.ref).in_(query.ids[:MAX_IDS]))
    else:
        start, end = window(query.start, query.end, now)
        stmt = stmt.where(col(Complaint.received_at) >= start, col(Complaint.received_at) <= end)
    if query.service_codes:
        pairs = [catalog.parse_service_code(code) for code in query.service_codes]
        stmt = stmt.where(
            or_(
                *[and_(col(Complaint.item_type) == t, col(Complaint.domain) == d) for t, d in pairs]
            )
        )
    wanted = set(query.statuses)
    if wanted == {"open"}:
        stmt = stmt.where(Complaint.status != Status.closed)
    elif wanted == {"closed"}:
        stmt = stmt.where(Complaint.status == Status.closed)
    stmt = stmt.order_by(col(Complaint.received_at).desc(), col(Complaint.id).desc())
    return list(session.exec(stmt.limit(MAX_RESULTS)).all())


def get(session: Session, *, ref: str, client: Open311Client | None) -> Complaint:
    item = session.exec(select(Complaint).where(Complaint.ref == ref, _visible(client))).first()
    if item is None:
        raise NotFound(f"service request {ref!r} not found")
    return item


def by_token(session: Session, *, token: str) -> list[Complaint]:
    rows = session.exec(
        select(Complaint)
        .join(Open311Request, col(Open311Request.complaint_id) == col(Complaint.id))
        .where(Open311Request.token == token)
        .order_by(col(Complaint.id))
    ).all()
    if not rows:
        raise NotFound(f"token {token!r} not found")
    return list(rows)
