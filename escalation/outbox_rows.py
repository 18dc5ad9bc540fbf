"""The outbox rows' two hot statements, as prebuilt Core statements: claiming the next due row
(with what the message needs of its incident, in one joined read) and recording a provider's
acceptance (one UPDATE). Every page passes through both, so they skip the ORM's loading,
identity map and flush; the rarer paths (a cancelled page, a retry, a permanent failure)
stay with the ORM in `escalation.dispatch`.

Invariants (as in `escalation.dispatch`): a claim runs in a write transaction, and on
PostgreSQL locks the row it reads (`FOR UPDATE OF notification SKIP LOCKED`; the incident is
read, not locked); the caller commits. The acceptance never turns back a status a callback
recorded first (`delivered`, `failed`): only a row still `sending` becomes `sent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, or_, select, update
from sqlmodel import Session

from escalation.models import Incident, Notification, NotificationStatus
from escalation.ports import OutboundMessage, SendReceipt
from escalation.state import IncidentStatus

_N = Notification.__table__.c  # type: ignore[attr-defined]
_I = Incident.__table__.c  # type: ignore[attr-defined]

_DUE = (
    select(
        _N.id,
        _N.incident_id,
        _N.idempotency_key,
        _N.kind,
        _N.channel,
        _N.to,
        _N.body,
        _N.subject_ref,
        _I.status.label("incident_status"),
        _I.short_code,
    )
    .outerjoin(Incident.__table__, _I.id == _N.incident_id)  # type: ignore[attr-defined]
    .where(
        or_(
            and_(
                _N.status == NotificationStatus.pending,
                _N.next_attempt_at <= bindparam("now"),
            ),
            and_(
                _N.status == NotificationStatus.sending,
                _N.claimed_at < bindparam("stale_before"),
            ),
        )
    )
    .order_by(_N.id)
    .limit(1)
)
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True, of=Notification.__table__)  # type: ignore[attr-defined]

_CANCEL = (
    update(Notification.__table__)  # type: ignore[attr-defined]
    .where(_N.id == bindparam("row_id"))
    .values(status=NotificationStatus.cancelled)
)
_MARK_SENDING = (
    update(Notification.__table__)  # type: ignore[attr-defined]
    .where(_N.id == bindparam("row_id"))
    .values(
        status=NotificationStatus.sending, claimed_at=bindparam("now"), attempts=_N.attempts + 1
    )
)
_still_sending = _N.status == NotificationStatus.sending
_ACCEPTED = (
    update(Notification.__table__)  # type: ignore[attr-defined]
    .where(_N.id == bindparam("row_id"))
    .values(
        status=case((_still_sending, NotificationStatus.sent), else_=_N.status),
        provider_status=case((_still_sending, bindparam("status")), else_=_N.provider_status),
        sent_at=bindparam("now"),
        provider_id=bindparam("provider_id"),
        last_error=None,
    )
)


@dataclass(frozen=True)
class Claimed:
    notification_id: int
    message: OutboundMessage
    channel: str


def claim_next(session: Session, *, now: datetime, claim_timeout: timedelta) -> Claimed | None:
    """Mark the oldest due row `sending` (one more attempt) and return it; a page of an
    incident that is no longer open (acknowledged, resolved) is cancelled on the way, a
    broadcast still goes. None when nothing is due. The caller commits."""
    postgres = session.get_bind().dialect.name == "postgresql"
    query = _DUE_LOCKED if postgres else _DUE
    params = {"now": now, "stale_before": now - claim_timeout}
    while (row := session.execute(query, params).first()) is not None:
        has_incident = row.incident_status is not None  # an incident's page, not a notice
        if has_incident and row.kind != "broadcast" and row.incident_status != IncidentStatus.open:
            session.execute(_CANCEL, {"row_id": row.id})
            continue
        session.execute(_MARK_SENDING, {"row_id": row.id, "now": now})
        message = OutboundMessage(
            idempotency_key=row.idempotency_key,
            to=row.to,
            body=row.body,
            kind="voice" if row.kind == "voice" else "sms",
            incident_ref=f"INC-{row.incident_id}" if has_incident else row.subject_ref or "",
            short_code=row.short_code if has_incident else "",
        )
        return Claimed(row.id, message, row.channel)
    return None


def record_accepted(
    session: Session, *, notification_id: int, receipt: SendReceipt, now: datetime
) -> None:
    """The provider accepted the message: its id and the time; `sent` with the provider's
    status unless a status callback got there first. The caller commits."""
    session.execute(
        _ACCEPTED,
        {
            "row_id": notification_id,
            "status": receipt.status,
            "now": now,
            "provider_id": receipt.provider_id,
        },
    )
