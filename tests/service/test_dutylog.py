from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, func, select

from core import audit
from core.audit import AuditEntry, list_entries
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from oncall import directory, dutylog, unit_directory
from oncall.dutylog_models import DutyLogEntry, DutyLogEntryCreate, Handover, HandoverCreate
from oncall.models import PersonUpdate, Unit, UnitKind, UnitUpdate
from tests.conftest import T0
from tests.factories import make_person, make_unit

CST = timezone(timedelta(hours=8))


def _count(session: Session, model: type[Any]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _entry(unit: Unit, **overrides: Any) -> DutyLogEntryCreate:
    assert unit.id is not None
    data: dict[str, Any] = {
        "unit_id": unit.id,
        "occurred_at": datetime(2026, 11, 23, 9, 5, tzinfo=CST),
        "caller_unit": "城东区市场监督管理局",
        "caller_name": "许涛",
        "caller_phone": "+8613800001234",
        "place": "城东区幸福路 12 号商场",
        "event": "电梯困人，两人被困约 20 分钟",
        "measures": "已通知维保单位赶赴现场",
        "informed": "119",
        "incident_ref": "INC-2026-0042",
    }
    data.update(overrides)
    return DutyLogEntryCreate(**data)


def _record(session: Session, unit: Unit, **overrides: Any) -> DutyLogEntry:
    return dutylog.record_entry(session, data=_entry(unit, **overrides), actor="duty", now=T0)


def _handover(
    session: Session, unit: Unit, from_id: int | None, to_id: int | None, **overrides: Any
) -> Handover:
    data: dict[str, Any] = {
        "unit_id": unit.id,
        "from_person_id": from_id,
        "to_person_id": to_id,
        "open_items": "城东电梯困人事件待终报",
    }
    data.update(overrides)
    return dutylog.create_handover(session, data=HandoverCreate(**data), actor="duty", now=T0)


def test_entry_is_recorded_in_utc_with_recorder_and_audit(session: Session) -> None:
    unit = make_unit(session)
    recorder = make_person(session, unit=unit)
    entry = _record(session, unit, recorder_person_id=recorder.id)
    assert entry.id is not None
    stored = dutylog.get_entry(session, entry_id=entry.id)
    assert stored.occurred_at == datetime(2026, 11, 23, 1, 5, tzinfo=UTC)
    assert stored.occurred_at.tzinfo is not None
    assert (stored.recorded_by, stored.recorded_at) == ("duty", T0)
    assert stored.recorder_person_id == recorder.id
    assert stored.caller_phone == "+8613800001234"
    [row] = list_entries(session, entity_type="duty_log_entry", entity_id=str(entry.id))
    assert (row.action, row.actor) == ("duty_log_entry.create", "duty")
    assert row.after is not None and "电梯困人" in row.after


def test_entries_are_listed_newest_first_by_unit_and_window(session: Session) -> None:
    intake = make_unit(session)
    other = make_unit(session, code="d-east", name="城东区局", kind="district")
    times = [T0 - timedelta(hours=h) for h in (5, 3, 1)]
    ids = [
        _record(session, intake, occurred_at=t, event=f"event {i}").id for i, t in enumerate(times)
    ]
    _record(session, other, occurred_at=T0 - timedelta(hours=2))
    listed = dutylog.list_entries(session, unit_id=intake.id)
    assert [e.id for e in listed] == ids[::-1]
    window = dutylog.list_entries(
        session, unit_id=intake.id, start=times[0], end=times[2]
    )  # start inclusive, end exclusive
    assert [e.id for e in window] == [ids[1], ids[0]]
    page = dutylog.list_entries(session, unit_id=intake.id, limit=1, offset=1)
    assert [e.id for e in page] == [ids[1]]
    assert len(dutylog.list_entries(session)) == 4
    with pytest.raises(ValidationFailed) as raised:
        dutylog.list_entries(session, start=times[2], end=times[0])
    assert raised.value.errors[0].field == "end"


def test_naive_times_bad_phones_and_blank_events_are_refused_by_the_schema() -> None:
    unit = Unit(id=1, code="intake", name="受理科", kind="section")
    cases: list[tuple[str, dict[str, Any]]] = [
        ("occurred_at", {"occurred_at": datetime(2026, 11, 23, 9, 5)}),
        ("occurred_at", {"occurred_at": "0001-01-01T00:00:00+01:00"}),
        ("caller_phone", {"caller_phone": "13800001234"}),
        ("caller_phone", {"caller_phone": "+8612345678901"}),
        ("event", {"event": "   "}),
        ("caller_name", {"caller_name": "a\x00b"}),
        ("incident_ref", {"incident_ref": "x" * 65}),
    ]
    for field, overrides in cases:
        with pytest.raises(ValidationError) as raised:
            _entry(unit, **overrides)
        assert [e["loc"][0] for e in raised.value.errors()] == [field], overrides
    with pytest.raises(ValidationError) as naive:
        HandoverCreate(
            unit_id=1, from_person_id=1, to_person_id=2, handed_over_at=datetime(2026, 11, 23)
        )
    assert naive.value.errors()[0]["loc"] == ("handed_over_at",)


def test_occurred_at_may_be_at_most_one_day_ahead(session: Session) -> None:
    unit = make_unit(session)
    assert _record(session, unit, occurred_at=T0 + timedelta(days=1)).id is not None
    before = _count(session, DutyLogEntry), _count(session, AuditEntry)
    with pytest.raises(ValidationFailed) as raised:
        _record(session, unit, occurred_at=T0 + timedelta(days=1, seconds=1))
    assert raised.value.errors[0].field == "occurred_at"
    assert (_count(session, DutyLogEntry), _count(session, AuditEntry)) == before


def test_unknown_or_inactive_references_name_the_field(session: Session) -> None:
    unit = make_unit(session)
    archived = make_person(session, unit=unit, name="孙强")
    assert unit.id is not None and archived.id is not None
    directory.archive_person(session, person_id=archived.id, actor="t", now=T0)
    closed = make_unit(session, code="closed", name="撤并科")
    assert closed.id is not None
    unit_directory.update_unit(
        session, unit_id=closed.id, data=UnitUpdate(is_active=False), actor="t", now=T0
    )
    before = _count(session, DutyLogEntry), _count(session, AuditEntry)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("unit_id", {"unit_id": 999_999}),
        ("unit_id", {"unit_id": closed.id}),
        ("recorder_person_id", {"recorder_person_id": 999_999}),
        ("recorder_person_id", {"recorder_person_id": archived.id}),
    ]
    for field, overrides in cases:
        with pytest.raises(ValidationFailed) as raised:
            _record(session, unit, **overrides)
        assert raised.value.errors[0].field == field, overrides
    assert (_count(session, DutyLogEntry), _count(session, AuditEntry)) == before


def test_handover_is_acknowledged_once(session: Session) -> None:
    unit = make_unit(session)
    giver = make_person(session, unit=unit, name="杨帆")
    taker = make_person(session, unit=unit, name="朱琳")
    handover = _handover(session, unit, giver.id, taker.id)
    assert handover.id is not None
    assert handover.handed_over_at == T0  # defaults to now
    assert (handover.created_by, handover.acknowledged_at) == ("duty", None)
    later = T0 + timedelta(minutes=10)
    acked = dutylog.acknowledge_handover(
        session, handover_id=handover.id, actor="zhulin", actor_person_id=taker.id, now=later
    )
    assert (acked.acknowledged_at, acked.acknowledged_by) == (later, "zhulin")
    with pytest.raises(Conflict):
        dutylog.acknowledge_handover(
            session,
            handover_id=handover.id,
            actor="other",
            actor_person_id=taker.id,
            now=later + timedelta(minutes=1),
        )
    stored = dutylog.get_handover(session, handover_id=handover.id)
    assert stored.acknowledged_by == "zhulin"
    actions = [e.action for e in list_entries(session, entity_type="handover")]
    assert actions == ["handover.acknowledge", "handover.create"]
    with pytest.raises(NotFound):
        dutylog.acknowledge_handover(
            session, handover_id=999_999, actor="x", actor_person_id=taker.id, now=later
        )


def test_only_the_receiver_or_someone_confirming_for_others_acknowledges(
    session: Session,
) -> None:
    unit = make_unit(session)
    giver = make_person(session, unit=unit, name="杨帆")
    taker = make_person(session, unit=unit, name="高峰")
    bystander = make_person(session, unit=unit, name="朱琳")
    handover = _handover(session, unit, giver.id, taker.id)
    assert handover.id is not None
    refused = [
        (giver.id, False, "own handover"),
        (giver.id, True, "own handover"),  # not even when allowed to confirm for others
        (bystander.id, False, "only the person receiving"),
        (None, False, "only the person receiving"),  # an account with no person
    ]
    for person_id, for_others, reason in refused:
        with pytest.raises(Forbidden) as raised:
            dutylog.acknowledge_handover(
                session,
                handover_id=handover.id,
                actor="x",
                actor_person_id=person_id,
                for_others=for_others,
                now=T0,
            )
        assert reason in raised.value.detail, (person_id, for_others)
    assert dutylog.get_handover(session, handover_id=handover.id).acknowledged_at is None
    acked = dutylog.acknowledge_handover(
        session,
        handover_id=handover.id,
        actor="admin",
        actor_person_id=None,
        for_others=True,
        now=T0,
    )
    assert acked.acknowledged_by == "admin"


def test_handovers_are_listed_newest_first_by_unit(session: Session) -> None:
    unit = make_unit(session)
    other = make_unit(session, code="d-east", name="城东区局", kind="district")
    a = make_person(session, unit=unit, name="杨帆")
    b = make_person(session, unit=unit, name="朱琳")
    c = make_person(session, unit=other, name="许涛")
    d = make_person(session, unit=other, name="韩梅")
    first = _handover(session, unit, a.id, b.id, handed_over_at=T0 - timedelta(days=1))
    second = _handover(session, unit, b.id, a.id)
    _handover(session, other, c.id, d.id)
    assert [h.id for h in dutylog.list_handovers(session, unit_id=unit.id)] == [
        second.id,
        first.id,
    ]
    assert [h.id for h in dutylog.list_handovers(session, unit_id=unit.id, offset=1)] == [first.id]


def test_invalid_handovers_name_the_field_and_write_nothing(session: Session) -> None:
    unit = make_unit(session)
    a = make_person(session, unit=unit, name="杨帆")
    b = make_person(session, unit=unit, name="朱琳")
    gone = make_person(session, unit=unit, name="孙强")
    assert gone.id is not None
    directory.update_person(
        session, person_id=gone.id, data=PersonUpdate(is_active=False), actor="t", now=T0
    )
    stranger = make_person(
        session, unit=make_unit(session, code="far", name="城西区局", kind=UnitKind.district)
    )
    before = _count(session, Handover), _count(session, AuditEntry)
    cases: list[tuple[str, int | None, int | None, dict[str, Any]]] = [
        ("to_person_id", a.id, a.id, {}),
        ("from_person_id", stranger.id, b.id, {}),  # not a member of the unit
        ("to_person_id", a.id, stranger.id, {}),
        ("from_person_id", 999_999, b.id, {}),
        ("to_person_id", a.id, gone.id, {}),
        ("unit_id", a.id, b.id, {"unit_id": 999_999}),
        ("handed_over_at", a.id, b.id, {"handed_over_at": T0 + timedelta(days=2)}),
    ]
    for field, from_id, to_id, overrides in cases:
        with pytest.raises(ValidationFailed) as raised:
            _handover(session, unit, from_id, to_id, **overrides)
        assert raised.value.errors[0].field == field, (from_id, to_id, overrides)
    assert (_count(session, Handover), _count(session, AuditEntry)) == before


def test_the_centre_sections_who_staff_the_duty_hand_it_over(session: Session) -> None:
    """The intake unit's duty roster draws on every section of the centre (leaders sit in the
    office, experts in the handling section): they hand that duty over too; a district
    bureau's people, whom the roster never draws on, do not."""
    intake = make_unit(session)
    office = make_unit(session, code="office", name="办公室")
    district = make_unit(session, code="d-east", name="城东区局", kind=UnitKind.district)
    night = make_person(session, unit=make_unit(session, code="handling", name="处置科"))
    day = make_person(session, unit=intake, name="周婷")
    leader = make_person(session, unit=office, name="王建国")
    next_leader = make_person(session, unit=office, name="李秀英")
    bureau = make_person(session, unit=district, name="许涛")
    morning = datetime(2026, 11, 23, 8, 30, tzinfo=CST)  # the 24-hour shifts change
    handed = _handover(session, intake, night.id, day.id, handed_over_at=morning)
    led = _handover(session, intake, leader.id, next_leader.id, handed_over_at=morning)
    assert (handed.unit_id, led.unit_id) == (intake.id, intake.id)
    with pytest.raises(ValidationFailed) as raised:
        _handover(session, intake, day.id, bureau.id, handed_over_at=morning)
    assert raised.value.errors[0].field == "to_person_id"
    assert _handover(session, district, bureau.id, leader.id).unit_id == district.id


def test_a_failed_audit_write_leaves_nothing_behind(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = make_unit(session)
    a = make_person(session, unit=unit, name="杨帆")
    b = make_person(session, unit=unit, name="朱琳")
    handover = _handover(session, unit, a.id, b.id)
    assert handover.id is not None
    before = _count(session, DutyLogEntry), _count(session, AuditEntry)

    def broken(*_args: Any, **_kwargs: Any) -> AuditEntry:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        _record(session, unit)
    with pytest.raises(RuntimeError):
        dutylog.acknowledge_handover(
            session, handover_id=handover.id, actor="x", actor_person_id=b.id, now=T0
        )
    session.rollback()
    monkeypatch.undo()
    assert (_count(session, DutyLogEntry), _count(session, AuditEntry)) == before
    assert dutylog.get_handover(session, handover_id=handover.id).acknowledged_at is None
