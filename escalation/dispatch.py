"""The dispatcher tick: the database holds the truth, the tick only moves it forward.

One tick (every few seconds, in every instance) does two things, each as
claim → work → commit, then side effects:
1. `advance_due` (escalation.advancing): claims the open incidents that are due, runs the
   pure state machine and writes the resulting pages into the outbox and the timeline, then
   commits. Nothing is sent here.
2. `send_pending`: claims due outbox rows (marking them `sending` and counting the attempt),
   commits, calls the channel outside any transaction, then records the provider's answer.
   A process killed after the provider accepted but before that commit leaves the row in
   `sending`; it is claimed again after `claim_timeout` — the only window for a duplicate.
   Rows are claimed and sent one at a time per sender, so no claim waits behind another
   row's send; `send_workers` senders drain the outbox side by side (a provider call takes
   tens to hundreds of milliseconds, most of it waiting on the network).
A pass handles at most `batch` incidents and `batch` rows, so due incidents are advanced
between the sends of a long outbox; a tick makes passes while they fill their batch.
Transient provider errors are retried with exponential backoff up to `max_attempts`, after
the provider's Retry-After when it gives one, never later than `MAX_RETRY_DELAY_S`;
permanent ones fall back to the person's next contact method, visible in the timeline.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.clock import Clock
from escalation import advancing, notices, outbox_rows, roster_notices
from escalation.group_channel import GroupWebhookChannel
from escalation.models import (
    Notification,
    NotificationStatus,
)
from escalation.outbox_channel import OutboxChannel
from escalation.paging import fallback
from escalation.ports import (
    NotificationChannel,
    OutboundMessage,
    PermanentDeliveryError,
    SendReceipt,
    TransientDeliveryError,
)
from escalation.service import add_event

log = logging.getLogger("dutydesk.dispatch")
MAX_RETRY_DELAY_S = 300  # the longest wait before a retry, Retry-After included
MAX_PASSES_PER_TICK = 20  # passes of one tick while work remains (see the module docstring)


class _Budget:
    """How many more rows this pass may claim, shared by the senders; none once a sender
    found nothing due (the others would each spend a write transaction to find the same)."""

    def __init__(self, rows: int) -> None:
        self._left = rows
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True

    def none_due(self) -> None:
        with self._lock:
            self._left = 0


@dataclass
class Dispatcher:
    open_session: Callable[[], AbstractContextManager[Session]]
    clock: Clock
    channel: NotificationChannel
    tz: ZoneInfo
    batch: int = 50
    claim_timeout: timedelta = timedelta(seconds=60)
    max_attempts: int = 6
    outbox: NotificationChannel = field(default_factory=OutboxChannel)
    groups: GroupWebhookChannel | None = None
    send_workers: int = 1
    # Starts a tick now (the ticker sets it); without one, `wake` waits for the next tick.
    start_tick_now: Callable[[], None] | None = None
    _woken: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _ticking: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    # the senders' threads, started on the first pass that needs them and kept
    _send_pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def tick(self) -> None:
        """One pass; again at once while work remains: a pass filled its batch, or `wake`
        was called during it (bounded by MAX_PASSES_PER_TICK)."""
        self._ticking.set()
        try:
            for _ in range(MAX_PASSES_PER_TICK):
                self._woken.clear()
                advanced = self.advance_due()
                self.announce_rosters()
                sent = self.send_pending()
                if max(advanced, sent) < self.batch and not self._woken.is_set():
                    return
        finally:
            self._ticking.clear()

    def wake(self) -> None:
        """Work was just committed (a new incident): do a pass now instead of at the next
        tick. The database stays the truth; this only shortens the wait."""
        self._woken.set()
        if not self._ticking.is_set() and self.start_tick_now is not None:
            try:
                self.start_tick_now()
            except Exception:  # the regular tick still comes
                log.exception("could not start a tick now")

    def announce_rosters(self) -> int:
        """Queue the staff notices of newly published rosters (escalation.roster_notices)."""
        with self.open_session() as session:
            return roster_notices.announce_published(session, now=self.clock.now())

    def advance_due(self) -> int:
        """Advance the due incidents and queue their pages (escalation.advancing)."""
        with self.open_session() as session:
            return advancing.advance_due(
                session,
                now=self.clock.now(),
                batch=self.batch,
                tz=self.tz,
                channel=self.channel.name,
                group_channel=self._group_channel,
            )

    def _group_channel(self, group: str) -> str:
        """A configured chat robot for the group, else the local outbox."""
        if self.groups is not None and self.groups.knows(group):
            return self.groups.name
        return self.outbox.name

    # ---- 2. send the outbox --------------------------------------------------------------

    def send_pending(self) -> int:
        """Claim, send and record due outbox rows one at a time per sender, so a slow
        provider call can never outlive the claim of rows still waiting behind it; up to
        `batch` rows per pass, by `send_workers` senders side by side."""
        claimed = self._claim_one()
        if claimed is None:
            return 0
        self._send_one(*claimed)
        budget = _Budget(self.batch - 1)
        workers = max(1, self.send_workers)
        if workers == 1:
            return 1 + self._drain(budget)
        if self._send_pool is None:  # passes run one at a time (the tick's max_instances=1)
            self._send_pool = ThreadPoolExecutor(workers, thread_name_prefix="dutydesk-send")
        drained = [self._send_pool.submit(self._drain, budget) for _ in range(workers)]
        return 1 + sum(f.result() for f in drained)

    def close(self) -> None:
        """Stop the senders' threads (after the last tick)."""
        pool, self._send_pool = self._send_pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _drain(self, budget: _Budget) -> int:
        sent = 0
        while budget.take():
            try:
                claimed = self._claim_one()
                if claimed is None:
                    budget.none_due()
                    break
                self._send_one(*claimed)
            except Exception:  # one sender's failure must not lose the others' results
                log.exception("sending a notification failed")
                break
            sent += 1
        return sent

    def _claim_one(self) -> tuple[int, OutboundMessage, str] | None:
        with self.open_session() as session:
            claimed = outbox_rows.claim_next(
                session, now=self.clock.now(), claim_timeout=self.claim_timeout
            )
            session.commit()
            if claimed is None:
                return None
            return claimed.notification_id, claimed.message, claimed.channel

    def _send_one(self, notification_id: int, message: OutboundMessage, channel: str) -> None:
        senders: dict[str, NotificationChannel] = {
            self.channel.name: self.channel,
            self.outbox.name: self.outbox,
        }
        if self.groups is not None:
            senders[self.groups.name] = self.groups
        if channel == notices.DEFAULT_CHANNEL:
            channel = self.channel.name
        elif channel == notices.GROUP_CHANNEL:
            channel = self._group_channel(message.to)
        sender = senders.get(channel, self.outbox)
        receipt: SendReceipt | None = None
        error: TransientDeliveryError | PermanentDeliveryError | None = None
        try:
            receipt = sender.send(message)
        except (TransientDeliveryError, PermanentDeliveryError) as exc:
            error = exc
        except Exception as exc:  # an unknown provider error must not stop the tick loop
            log.exception("channel %s failed on %s", channel, message.idempotency_key)
            error = TransientDeliveryError(str(exc), code="unexpected")
        with self.open_session() as session:
            now = self.clock.now()
            if receipt is not None:  # the usual case: one UPDATE, no read
                outbox_rows.record_accepted(
                    session, notification_id=notification_id, receipt=receipt, now=now
                )
                session.commit()
                return
            row = session.get(Notification, notification_id)
            assert row is not None
            if isinstance(error, TransientDeliveryError) and row.attempts < self.max_attempts:
                backoff = min(MAX_RETRY_DELAY_S, 5 * 2 ** (row.attempts - 1))
                # a provider's Retry-After is obeyed up to the backoff's bound: a page
                # must not wait hours because a provider asked for it
                delay = min(error.retry_after, MAX_RETRY_DELAY_S) if error.retry_after else backoff
                row.status = NotificationStatus.pending
                row.next_attempt_at = now + timedelta(seconds=delay)
                row.last_error = f"{error.code}: {error}"[:500]
                if row.incident_id is not None:
                    add_event(
                        session,
                        row.incident_id,
                        at=now,
                        kind="retry",
                        text=f"{row.kind} to {row.to}: {error.code}, retry in {delay:g} s",
                        key="retry",
                        values={
                            "kind": row.kind,
                            "to": row.to,
                            "code": error.code,
                            "seconds": f"{delay:g}",
                        },
                        notification_id=row.id,
                    )
            else:
                assert error is not None
                row.status = NotificationStatus.failed
                row.last_error = f"{error.code}: {error}"[:500]
                session.add(row)
                fallback(session, failed=row, reason=row.last_error, now=now, channel=channel)
            session.add(row)
            session.commit()
