"""Append-only, hash-chained audit log.

Every state change writes one row in the same transaction as the change itself, so a
change without its audit row (or the reverse) can never be committed. Each row stores the
hash of the previous row; `verify_chain` recomputes the chain and reports the first row
that does not match, which detects edits, insertions, and deletions of any row that has a
row after it.

The chain alone cannot show that its newest rows were cut off: what is left is still a valid
chain, and anyone able to delete rows (dropping the append-only triggers) could rewrite any
anchor kept in the same database as well. So the head is anchored outside it: `verify_chain`
reports the head it saw (`head_seq`, `head_hash`; `dutydesk audit verify` prints it, to be kept
elsewhere, e.g. in the operations log), and given an earlier head (`expected_head`,
`dutydesk audit verify --head SEQ:HASH`) it fails when that row is missing or differs.

Appending takes the chain's lock (PostgreSQL) to the commit, so it comes last in the lock
order (`core.db.advisory_lock`). A transaction that goes on locking rows after its first
entry (a bulk import's chunk) holds its entries to the commit (`hold_to_commit`) instead of
holding the chain's lock while it waits for rows that someone about to audit has locked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Column, Text, event, func, insert, text
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Field, Session, SQLModel, col, select

from core.db import UTCDateTime

GENESIS_HASH = "0" * 64
# json.dumps(..., ensure_ascii=False) builds an encoder on every call; one built once gives the
# same text and takes a good part of the cost off hashing a long chain
_PAYLOAD = json.JSONEncoder(ensure_ascii=False)
_PG_AUDIT_LOCK = 727_315  # any constant: serialises appends across instances


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=100, index=True)
    action: str = Field(max_length=100, index=True)
    entity_type: str = Field(max_length=50, index=True)
    entity_id: str = Field(max_length=100, index=True)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


_TABLE = AuditEntry.__table__  # type: ignore[attr-defined]
# built once: SQLAlchemy then reuses their compiled form on every append
_HEAD = select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)
_APPEND = insert(_TABLE)
# the whole chain in order, as plain rows (`verify_chain`)
_CHAIN = select(
    *(
        _TABLE.c[name]
        for name in ("seq", "at", "actor", "action", "entity_type", "entity_id", "before")
        + ("after", "prev_hash", "hash")
    )
).order_by(_TABLE.c.seq)


def _dump(summary: Mapping[str, Any] | None) -> str | None:
    if summary is None:
        return None
    return json.dumps(summary, sort_keys=True, ensure_ascii=False, default=str)


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> str:
    payload = _PAYLOAD.encode(
        [seq, at.isoformat(), actor, action, entity_type, entity_id, before, after, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry inside the caller's transaction (the caller commits).

    Reads the chain's head and inserts with two prebuilt plain statements rather than
    through the ORM: every state change of the service passes here, and loading the last
    entry and flushing a new one cost twice as much (1.35 against 0.68 ms per entry with
    its commit on SQLite). In a session that holds its entries (`hold_to_commit`), the entry
    is kept and appended just before the commit.

    `at` is hashed as the UTC instant the column stores: a time given in another zone (the
    same instant) was hashed as given and stored as UTC, so the chain no longer verified."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    entry = (at, actor, action, entity_type, str(entity_id), _dump(before), _dump(after))
    held = session.info.get(_HELD)
    if isinstance(held, HeldEntries):
        held.entries.append(entry)
    else:
        _append(session, *entry)


_HELD = "audit.held"
_Entry = tuple[datetime, str, str, str, str, str | None, str | None]


class HeldEntries:
    """The audit entries of a session's transaction, held to its commit (`hold_to_commit`)."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self._marks: dict[object, int] = {}  # savepoint → how many entries it started with

    def _append_all(self, session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint released: the commit is to come
            return
        entries, self.entries = self.entries, []
        for entry in entries:
            _append(session, *entry)

    def _mark(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            self._marks[transaction] = len(self.entries)

    def _forget(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            del self.entries[self._marks.pop(transaction, len(self.entries)) :]
        else:
            self.entries, self._marks = [], {}


def hold_to_commit(session: Session) -> HeldEntries:
    """From now on, append `session`'s audit entries just before each commit, in the order
    recorded, so that the chain's lock comes after every row lock of the transaction. The
    entries of a rolled-back transaction or savepoint are dropped with it."""
    held = session.info.get(_HELD)
    if isinstance(held, HeldEntries):
        return held
    held = HeldEntries()
    session.info[_HELD] = held
    event.listen(session, "before_commit", held._append_all)
    event.listen(session, "after_transaction_create", held._mark)
    event.listen(session, "after_soft_rollback", held._forget)
    return held


def _append(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity: str,
    before_text: str | None,
    after_text: str | None,
) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})
    head = session.execute(_HEAD).first()
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head.seq + 1, head.hash)
    digest = entry_hash(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity,
        before=before_text,
        after=after_text,
        prev_hash=prev_hash,
    )
    session.execute(
        _APPEND,
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity,
            "before": before_text,
            "after": after_text,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )


@dataclass(frozen=True)
class ChainReport:
    entries: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str | None = None
    head_seq: int = 0  # the newest entry checked (0: none)
    head_hash: str = GENESIS_HASH


class ChainRow(Protocol):
    """What the check reads of an entry: an `AuditEntry`, or a row of its columns."""

    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


def verify_entries(
    entries: Iterable[ChainRow], *, expected_head: tuple[int, str] | None = None
) -> ChainReport:
    """Pure check of a chain given in `seq` order; with `expected_head` (a `(seq, hash)`
    recorded earlier), also that the chain still reaches that entry unchanged."""
    report = _verify(entries, expected_head)
    if not report.ok or expected_head is None:
        return report
    seq, digest = expected_head
    if report.head_seq < seq:
        return ChainReport(
            report.entries,
            False,
            report.head_seq + 1,
            f"the chain ends at seq {report.head_seq}, before the recorded head seq {seq}: "
            "its newest entries were deleted",
            report.head_seq,
            report.head_hash,
        )
    return report


def _verify(entries: Iterable[ChainRow], expected_head: tuple[int, str] | None) -> ChainReport:
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, False, entry.seq, f"expected seq {expected_seq}")
        if entry.prev_hash != prev_hash:
            return ChainReport(count, False, entry.seq, "previous-hash link broken")
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            before=entry.before,
            after=entry.after,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainReport(count, False, entry.seq, "row content does not match its hash")
        if expected_head is not None and entry.seq == expected_head[0]:
            if entry.hash != expected_head[1]:
                return ChainReport(
                    count, False, entry.seq, "differs from the recorded head: chain rewritten"
                )
        prev_hash = entry.hash
        expected_seq += 1
    return ChainReport(count, True, head_seq=expected_seq - 1, head_hash=prev_hash)


def verify_chain(session: Session, *, expected_head: tuple[int, str] | None = None) -> ChainReport:
    """Streams the chain in `seq` order as plain column rows, 1,000 at a time: building an ORM
    object per entry cost more than hashing it, and the whole log is never held at once."""
    rows = session.execute(_CHAIN.execution_options(yield_per=1000))
    return verify_entries(cast(Iterable[ChainRow], rows), expected_head=expected_head)


def list_entries(
    session: Session,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.seq).desc())
    if entity_type is not None:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(session.exec(query.offset(offset).limit(limit)).all())


def last_at(session: Session, *, action: str, entity_type: str) -> dict[str, datetime]:
    """When `action` last happened to each entity of `entity_type` (e.g. each user's last
    sign-in, `auth.login`), by entity id."""
    rows = session.exec(
        select(AuditEntry.entity_id, func.max(AuditEntry.at))
        .where(AuditEntry.action == action, AuditEntry.entity_type == entity_type)
        .group_by(col(AuditEntry.entity_id))
    ).all()
    return dict(rows)
