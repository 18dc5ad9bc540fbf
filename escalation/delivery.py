"""Delivery statuses the provider reports for a page (Twilio's status callbacks).

Twilio posts a callback for each change of a message's or call's status but does not promise
their order: a message's `sent` can arrive after its `delivered`. A reported status is applied
only when it comes later in the message's or call's life than the one recorded, so a late
callback never turns a delivered page back into a sent one, and the first final status stands.
The same status again (Twilio retrying, a replay) changes nothing either, so status callbacks
need no receipt (escalation.webhook_receipts); `apply_callback` holds the page's row lock, so
two copies arriving together apply it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from escalation import paging, service
from escalation.models import Notification, NotificationStatus

#: Where each status falls in a message's or a call's life; a status Twilio may add later
#: counts as early (it is applied only before anything else was recorded).
_STAGE = {
    "stored": 0,
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "initiated": 1,
    "sent": 2,
    "ringing": 2,
    "in-progress": 3,
    "answered": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "completed": 4,
    "busy": 4,
    "no-answer": 4,
    "canceled": 4,
    "read": 5,
}
_UNKNOWN_STAGE = 0
#: Permanent failures: the person's next contact method is tried.
FAILED = frozenset({"failed", "undelivered"})


def advances(recorded: str | None, reported: str) -> bool:
    """Whether `reported` comes later than the `recorded` status (None: nothing yet)."""
    if recorded is None:
        return True
    return _STAGE.get(reported, _UNKNOWN_STAGE) > _STAGE.get(recorded, _UNKNOWN_STAGE)


def record_status(
    session: Session,
    notification: Notification,
    *,
    reported: str,
    provider_id: str,
    error_code: str,
    now: datetime,
) -> bool:
    """Apply a status the provider reported for `notification`: the status, a timeline entry
    and, for a permanent failure, the fall back to the person's next contact method. False
    (and nothing changed) for no status or one that came too late. The caller commits."""
    notification.provider_id = notification.provider_id or provider_id[:64] or None
    if not reported or not advances(notification.provider_status, reported):
        return False
    notification.provider_status = reported[:30]
    if reported == "delivered":
        notification.status = NotificationStatus.delivered
    session.add(notification)
    if notification.incident_id is not None:
        service.record_event(
            session,
            incident_id=notification.incident_id,
            now=now,
            kind="delivery",
            notification_id=notification.id,
            text=f"{notification.kind} to {notification.to}: {reported}",
            key="delivery_status",
            values={"kind": notification.kind, "to": notification.to, "status": reported},
        )
    if reported in FAILED and notification.status is not NotificationStatus.failed:
        notification.status = NotificationStatus.failed
        paging.fallback(
            session,
            failed=notification,
            now=now,
            channel=notification.channel,
            reason=f"provider reported {reported} ({error_code})",
        )
    return True


def _locked(session: Session, where: ColumnElement[bool]) -> Notification | None:
    return session.exec(
        select(Notification)
        .where(where)
        .with_for_update()
        .execution_options(populate_existing=True)  # as the previous lock holder left it
    ).first()


def apply_callback(
    session: Session,
    *,
    key: str | None,
    provider_id: str,
    reported: str,
    error_code: str,
    now: datetime,
) -> tuple[Notification, bool] | None:
    """A status callback for the page with idempotency key `key` (the callback URL's) or,
    without a match, the provider's id: `record_status` under the page's row lock, held to
    the commit. The page and whether the status applied; None when no page matches. The
    caller commits."""
    notification = _locked(session, col(Notification.idempotency_key) == key) if key else None
    if notification is None and provider_id:
        notification = _locked(session, col(Notification.provider_id) == provider_id)
    if notification is None:
        return None
    applied = record_status(
        session,
        notification,
        reported=reported,
        provider_id=provider_id,
        error_code=error_code,
        now=now,
    )
    return notification, applied
