"""The outbox's claim and acceptance statements (escalation.outbox_rows): what the
dispatcher's senders rely on for every page."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from api import demo
from escalation import opening, outbox_rows
from escalation.models import (
    Category,
    IncidentCreate,
    NoticeTopic,
    Notification,
    NotificationStatus,
)
from escalation.policy import Severity
from escalation.ports import SendReceipt
from escalation.state import IncidentStatus
from tests.conftest import T0

TIMEOUT = timedelta(seconds=60)


def _row(session: Session, key: str, **fields: object) -> Notification:
    values: dict[str, object] = {
        "kind": "sms",
        "channel": "twilio",
        "to": "+8613800000000",
        "body": "通知",
        "status": NotificationStatus.pending,
        "next_attempt_at": T0,
        "created_at": T0,
    }
    row = Notification(idempotency_key=key, **(values | fields))
    session.add(row)
    session.commit()
    return row


def _reload(session: Session, row: Notification) -> Notification:
    session.expire_all()
    fresh = session.get(Notification, row.id)
    assert fresh is not None
    return fresh


def test_a_claim_marks_the_oldest_due_row_sending_and_a_stale_claim_is_taken_again(
    session: Session,
) -> None:
    notice = _row(session, "notice:1", topic=NoticeTopic.roster, subject_ref="roster:7")
    _row(session, "notice:later", next_attempt_at=T0 + timedelta(minutes=5))

    claimed = outbox_rows.claim_next(session, now=T0, claim_timeout=TIMEOUT)
    session.commit()
    assert claimed is not None and claimed.notification_id == notice.id
    assert (claimed.message.incident_ref, claimed.message.short_code) == ("roster:7", "")
    row = _reload(session, notice)
    assert (row.status, row.attempts, row.claimed_at) == (NotificationStatus.sending, 1, T0)

    assert outbox_rows.claim_next(session, now=T0, claim_timeout=TIMEOUT) is None
    later = T0 + TIMEOUT + timedelta(seconds=1)
    again = outbox_rows.claim_next(session, now=later, claim_timeout=TIMEOUT)
    session.commit()
    assert again is not None and again.notification_id == notice.id
    assert _reload(session, notice).attempts == 2


def test_a_page_of_an_acknowledged_incident_is_cancelled_and_its_broadcast_still_goes(
    session: Session,
) -> None:
    demo.seed(session, now=T0)
    incident, _ = opening.open_incident(
        session,
        data=IncidentCreate(
            title="电梯困人", category=Category.special_equipment, severity=Severity.II
        ),
        actor="coordinator",
        now=T0,
    )
    incident.status = IncidentStatus.acknowledged
    session.add(incident)
    session.commit()
    page = _row(session, "page:1", incident_id=incident.id)
    broadcast = _row(session, "broadcast:1", incident_id=incident.id, kind="broadcast")

    claimed = outbox_rows.claim_next(session, now=T0, claim_timeout=TIMEOUT)
    session.commit()
    assert claimed is not None and claimed.notification_id == broadcast.id
    assert claimed.message.incident_ref == f"INC-{incident.id}"
    assert claimed.message.short_code == incident.short_code
    assert _reload(session, page).status is NotificationStatus.cancelled


def test_an_acceptance_never_turns_back_a_status_a_callback_recorded_first(
    session: Session,
) -> None:
    sending = _row(session, "a", status=NotificationStatus.sending)
    delivered = _row(session, "b", status=NotificationStatus.delivered, provider_status="delivered")
    for row, sid in ((sending, "SM1"), (delivered, "SM2")):
        assert row.id is not None
        outbox_rows.record_accepted(
            session,
            notification_id=row.id,
            receipt=SendReceipt(provider_id=sid, status="queued"),
            now=T0,
        )
    session.commit()
    first, second = _reload(session, sending), _reload(session, delivered)
    assert (first.status, first.provider_status, first.provider_id, first.sent_at) == (
        NotificationStatus.sent,
        "queued",
        "SM1",
        T0,
    )
    assert (second.status, second.provider_status, second.provider_id) == (
        NotificationStatus.delivered,
        "delivered",
        "SM2",
    )
