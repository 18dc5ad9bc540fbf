"""Notices: messages that page nobody and belong to no incident.

A published roster tells each person their shifts; a late complaint reminds its handling
unit (催办) and alerts a supervisor (督办); an early warning goes to the leadership group.
They share the incident pages' outbox (`notification`): the same unique idempotency key,
claim-send-record tick, retries and contact fallback. They are written inside the caller's
transaction (like `core.audit.record`), so the caller's single commit makes the change and
its notices durable together, and the dispatcher tick sends them afterwards.

A notice's channel is decided when it is sent: `default` is the configured person channel
(Twilio SMS or the local outbox), `group` is the group's chat robot or else the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from escalation.models import NoticeTopic, Notification, NotificationStatus
from oncall import directory
from oncall.models import ContactKind

DEFAULT_CHANNEL = "default"
GROUP_CHANNEL = "group"
MAX_BODY = 1000


def _exists(session: Session, key: str) -> bool:
    return (
        session.exec(select(Notification.id).where(Notification.idempotency_key == key)).first()
        is not None
    )


def _queue(
    session: Session,
    *,
    key: str,
    topic: NoticeTopic,
    subject_ref: str,
    person_id: int | None,
    channel: str,
    to: str,
    body: str,
    now: datetime,
) -> Notification:
    row = Notification(
        incident_id=None,
        topic=topic,
        subject_ref=subject_ref[:64],
        idempotency_key=key,
        person_id=person_id,
        kind="sms" if person_id is not None else "broadcast",
        channel=channel,
        to=to,
        body=body[:MAX_BODY],
        status=NotificationStatus.pending,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def mobile_of(session: Session, person_id: int) -> str | None:
    """The person's first mobile number in trying order, or None."""
    for contact in directory.contacts_of(session, person_id):
        if contact.kind is ContactKind.mobile:
            return contact.value
    return None


def queue_person_notice(
    session: Session,
    *,
    key: str,
    topic: NoticeTopic,
    subject_ref: str,
    person_id: int,
    body: str,
    now: datetime,
) -> Notification | None:
    """Queue an SMS notice to a person's first mobile.

    Returns None when `key` was queued before (idempotent) or the person has no mobile;
    the caller decides whether the latter deserves a trace of its own.
    """
    if _exists(session, key):
        return None
    to = mobile_of(session, person_id)
    if to is None:
        return None
    return _queue(
        session,
        key=key,
        topic=topic,
        subject_ref=subject_ref,
        person_id=person_id,
        channel=DEFAULT_CHANNEL,
        to=to,
        body=body,
        now=now,
    )


def queue_group_notice(
    session: Session,
    *,
    key: str,
    topic: NoticeTopic,
    subject_ref: str,
    group: str,
    body: str,
    now: datetime,
) -> Notification | None:
    """Queue a broadcast to a named group (e.g. "leadership"); None if `key` was queued."""
    if _exists(session, key):
        return None
    return _queue(
        session,
        key=key,
        topic=topic,
        subject_ref=subject_ref,
        person_id=None,
        channel=GROUP_CHANNEL,
        to=group,
        body=body,
        now=now,
    )
