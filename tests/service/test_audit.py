from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from core import audit
from core.audit import AuditEntry
from tests.conftest import T0


def _append(session: Session, n: int) -> None:
    for i in range(n):
        audit.record(
            session,
            at=T0 + timedelta(seconds=i),
            actor="tester",
            action="thing.change",
            entity_type="thing",
            entity_id=i,
            before={"value": i},
            after={"value": i + 1, "名称": "中文"},
        )
    session.commit()


def _disable_protection(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
    else:
        session.execute(text("DROP TRIGGER audit_log_no_update"))
        session.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_chain_of_fresh_entries_verifies(session: Session) -> None:
    _append(session, 5)
    report = audit.verify_chain(session)
    assert report.ok and report.entries == 5


def test_a_time_given_in_another_zone_is_recorded_as_its_utc_instant(session: Session) -> None:
    """A caller that passed Asia/Shanghai time (the demo's wishes) broke the chain: the hash
    was made from the +08:00 time and the row stored UTC."""
    audit.record(
        session,
        at=T0.astimezone(ZoneInfo("Asia/Shanghai")),
        actor="tester",
        action="thing.change",
        entity_type="thing",
        entity_id=1,
    )
    session.commit()
    assert audit.verify_chain(session).ok
    entry = session.exec(select(AuditEntry)).one()
    assert entry.at == T0


def test_each_entry_links_to_the_previous_hash(session: Session) -> None:
    _append(session, 3)
    entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_the_database_refuses_updates_and_deletes(session: Session) -> None:
    _append(session, 1)
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("UPDATE audit_log SET actor = 'mallory'"))
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("DELETE FROM audit_log"))


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        ("UPDATE audit_log SET after = '{\"value\": 99}' WHERE seq = 2", 2),
        ("DELETE FROM audit_log WHERE seq = 2", 3),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", 3),
    ],
)
def test_tampering_is_detected(session: Session, tamper: str, bad_seq: int) -> None:
    _append(session, 4)
    _disable_protection(session)
    session.execute(text(tamper))
    report = audit.verify_chain(session)
    assert not report.ok
    assert report.first_bad_seq == bad_seq


def test_a_cut_off_tail_is_detected_against_a_recorded_head(session: Session) -> None:
    _append(session, 4)
    before = audit.verify_chain(session)
    assert before.ok and before.head_seq == 4
    head = (before.head_seq, before.head_hash)
    assert audit.verify_chain(session, expected_head=head).ok
    _disable_protection(session)
    session.execute(text("DELETE FROM audit_log WHERE seq >= 3"))
    assert audit.verify_chain(session).ok  # what is left is still a valid chain
    cut = audit.verify_chain(session, expected_head=head)
    assert not cut.ok and cut.first_bad_seq == 3 and "deleted" in (cut.reason or "")


def test_a_rewritten_head_is_detected(session: Session) -> None:
    _append(session, 3)
    before = audit.verify_chain(session)
    _disable_protection(session)
    session.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    _append(session, 1)  # a different third entry, validly chained
    report = audit.verify_chain(session, expected_head=(3, before.head_hash))
    assert not report.ok and report.first_bad_seq == 3


def test_the_hash_is_the_documented_payload() -> None:
    """The chain's hash is SHA-256 of the JSON list, non-ASCII kept as is; entries written
    before the encoder was built once must still verify."""
    at = T0 + timedelta(microseconds=5)
    fields = ("thing.change", "thing", "7", None, '{"名称": "中文"}', audit.GENESIS_HASH)
    payload = json.dumps([3, at.isoformat(), "张三", *fields], ensure_ascii=False)
    expected = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    action, entity_type, entity_id, before, after, prev_hash = fields
    assert expected == audit.entry_hash(
        seq=3,
        at=at,
        actor="张三",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        prev_hash=prev_hash,
    )


def test_a_chain_longer_than_one_batch_is_checked_to_its_end(session: Session) -> None:
    _append(session, 2_100)  # verify_chain streams 1,000 rows at a time
    report = audit.verify_chain(session)
    assert report.ok and report.entries == 2_100 and report.head_seq == 2_100
    _disable_protection(session)
    session.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1500"))
    tampered = audit.verify_chain(session)
    assert not tampered.ok and tampered.first_bad_seq == 1_500
