"""Receipts of the signed provider callbacks acted on (`WebhookReceipt`), and their retention.

Twilio's signature has no timestamp, so a captured callback stays valid for ever: each signed
reply (an SMS, a key press) is acted on once, its receipt written in the transaction of its
effect. A delivery status callback needs none: `escalation.delivery` applies a status only
when it is later in the message's or call's life than the one recorded, under the
notification's row lock, so the same status again (a retry, a replay) changes nothing.

Receipts are kept for a retention period (`DUTYDESK_WEBHOOK_RECEIPT_RETENTION_DAYS`) and then
deleted by a periodic job in every instance (api.ticker). Twilio retries a webhook only
within its connection timeouts (a few attempts over seconds), so for retries a day would do;
what a longer retention buys is the replay guard: a reply captured and replayed after its
receipt is gone is acted on again, which can acknowledge only an unresolved incident that
now holds the same 4-digit code and paged the same number.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.db import advisory_lock
from escalation.models import WebhookReceipt

log = logging.getLogger("dutydesk.twilio")
#: receipts deleted per transaction, so a first prune of a long-grown table never holds the
#: database (SQLite's single writer) for long
PRUNE_BATCH = 5000


def seen_before(session: Session, *, url: str, signature: str, now: datetime) -> bool:
    """Whether this signed callback was acted on already; if not, records it in `session` (it
    is kept only if the handler's work commits)."""
    digest = hashlib.sha256(f"{url}\n{signature}".encode()).hexdigest()
    advisory_lock(session, f"webhook {digest}")
    if session.exec(select(WebhookReceipt.id).where(WebhookReceipt.digest == digest)).first():
        log.warning("replayed Twilio callback to %s ignored", urlsplit(url).path)
        return True
    session.add(WebhookReceipt(digest=digest, path=urlsplit(url).path[:100], received_at=now))
    return False


def delete_expired(session: Session, *, before: datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` receipts received before `before`, oldest first; how many. The
    caller commits."""
    oldest = (
        select(WebhookReceipt.id)
        .where(col(WebhookReceipt.received_at) < before)
        .order_by(col(WebhookReceipt.received_at))
        .limit(limit)
    )
    result = session.execute(
        delete(WebhookReceipt).where(col(WebhookReceipt.id).in_(oldest.scalar_subquery()))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _any_expired(session: Session, *, before: datetime) -> bool:
    found = session.exec(
        select(WebhookReceipt.id).where(col(WebhookReceipt.received_at) < before).limit(1)
    ).first()
    return found is not None


def prune(
    open_session: Callable[..., AbstractContextManager[Session]],
    *,
    now: datetime,
    retention: timedelta,
    batch: int = PRUNE_BATCH,
) -> int:
    """Delete the receipts older than `retention` at `now`, `batch` per transaction; how many.
    Looks in a read session first (the usual answer is "none"), so the hourly job takes no
    write lock for nothing; two instances pruning at once delete each receipt once."""
    before = now - retention
    with open_session(write=False) as session:
        if not _any_expired(session, before=before):
            return 0
    deleted = 0
    while True:
        with open_session(write=True) as session:
            count = delete_expired(session, before=before, limit=batch)
            session.commit()
        deleted += count
        if count < batch:
            break
    log.info("%d webhook receipts received before %s deleted", deleted, before.isoformat())
    return deleted
