"""Workflow actions through the service: reports, 12345 orders, general items, rejection
grounds by rule set, testing pauses, extensions, returns and take-over."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from complaints import actions, config, jurisdiction, service, timers
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.config_models import ComplaintRuleSet
from complaints.models import Complaint, ComplaintEvent
from complaints.vocab import (
    Channel,
    ClockKind,
    ClockStatus,
    ItemType,
    PauseReason,
    RejectionGround,
    Status,
    TerminationReason,
    Urgency,
)
from complaints.workflow import Action
from core.audit import list_entries
from core.calendar_store import load_calendar
from core.errors import Conflict, Forbidden, ValidationFailed
from oncall.models import UnitKind
from tests.complaint_helpers import (
    CONSENT,
    Centre,
    complaint_data,
    make_centre,
    report_data,
)
from tests.conftest import T0
from tests.factories import make_unit

INTAKE = Actor("coordinator", intake=True, handle=True)
LEADER = Actor("leader", supervise=True)


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _unit_actor(centre: Centre) -> Actor:
    return Actor("east-handler", handle=True, unit_ids=frozenset({centre.east_id}))


def _do(
    session: Session,
    item: Complaint,
    action: Action,
    actor: Actor = INTAKE,
    now: datetime = T0,
    **data: object,
) -> Complaint:
    assert item.id is not None
    return actions.act(
        session,
        complaint_id=item.id,
        action=action,
        actor=actor,
        now=now,
        data=ActionInput(**data),  # type: ignore[arg-type]
    )


def _clock(session: Session, item: Complaint, kind: ClockKind) -> timers.ComplaintClock:
    assert item.id is not None
    found = timers.find(session, item.id, kind)
    assert found is not None
    return found


def test_a_report_is_verified_extended_once_and_filed(session: Session, centre: Centre) -> None:
    (item,) = service.register(session, data=report_data(), actor="c", now=T0)
    _do(session, item, Action.distribute)
    _do(session, item, Action.sign_for)
    assert item.status is Status.verifying and item.verification_started_at == T0
    assert _clock(session, item, ClockKind.verification).due_on == date(2026, 12, 14)
    with pytest.raises(ValidationFailed) as caught:
        _do(session, item, Action.extend_verification)
    assert caught.value.errors[0].field == "approved_by"
    _do(session, item, Action.extend_verification, approved_by="局长 王某")
    assert _clock(session, item, ClockKind.verification).due_on == date(2027, 1, 5)
    with pytest.raises(Conflict):
        _do(session, item, Action.extend_verification, approved_by="局长 王某")
    later = T0 + timedelta(days=20)
    _do(session, item, Action.file_case, now=later, result="已立案调查")
    verification = _clock(session, item, ClockKind.verification)
    assert verification.status is ClockStatus.met and verification.on_time
    _do(session, item, Action.close, now=later)
    assert item.status is Status.closed and item.closed_on_time


def test_a_testing_period_extends_verification_in_working_days(
    session: Session, centre: Centre
) -> None:
    (item,) = service.register(session, data=report_data(), actor="c", now=T0)
    _do(session, item, Action.distribute)
    _do(session, item, Action.sign_for)
    now = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    with pytest.raises(ValidationFailed):
        _do(
            session,
            item,
            Action.record_testing,
            now=now,
            start=date(2026, 12, 8),
            end=date(2026, 12, 1),
        )
    _do(
        session,
        item,
        Action.record_testing,
        now=now,
        start=date(2026, 12, 1),
        end=date(2026, 12, 8),
    )
    verification = _clock(session, item, ClockKind.verification)
    assert verification.paused_units == 6  # 12-01 … 12-08, both days tested: 6 working days
    assert verification.due_on == date(2026, 12, 22)
    assert timers.tested_units(verification, load_calendar(session)) == 6


def _in_mediation(session: Session, centre: Centre) -> tuple[Complaint, Actor]:
    """A complaint the east bureau accepted and mediates, and that bureau's handler."""
    (item,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    handler = _unit_actor(centre)
    _do(session, item, Action.distribute)
    _do(session, item, Action.accept, handler)
    _do(session, item, Action.start_mediation, handler, **CONSENT)
    return item, handler


def test_a_resume_notes_the_days_the_mediation_limit_moved_and_none_when_it_did_not(
    session: Session, centre: Centre
) -> None:
    item, handler = _in_mediation(session, centre)

    def resumed_notes() -> list[object]:
        events = session.exec(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == item.id, ComplaintEvent.action == "resume")
            .order_by(col(ComplaintEvent.id))
        ).all()
        return [[p["key"] for p in e.note_parts or []] for e in events]

    _do(session, item, Action.suspend, handler, pause_reason=PauseReason.recusal)
    _do(session, item, Action.resume, handler, now=T0 + timedelta(hours=3))
    assert resumed_notes() == [[]]  # the same day: nothing moved, nothing said
    _do(session, item, Action.suspend, handler, pause_reason=PauseReason.recusal)
    _do(session, item, Action.resume, handler, now=T0 + timedelta(days=2))
    assert resumed_notes() == [[], ["action.mediation_extended"]]


def test_mediation_that_runs_out_is_terminated_and_the_notice_is_timed(
    session: Session, centre: Centre
) -> None:
    item, handler = _in_mediation(session, centre)
    _do(session, item, Action.suspend, handler, pause_reason=PauseReason.recusal)
    with pytest.raises(ValidationFailed):
        _do(session, item, Action.terminate, handler)
    _do(session, item, Action.resume, handler, now=T0 + timedelta(days=2))
    # 60 days from 2026-11-23, plus the 2 suspended days: the limit runs until 2027-01-24
    assert _clock(session, item, ClockKind.mediation).due_on == date(2027, 1, 24)
    with pytest.raises(ValidationFailed) as caught:
        _do(
            session,
            item,
            Action.terminate,
            handler,
            now=T0 + timedelta(days=61),
            termination_reason=TerminationReason.time_limit_reached,
        )
    error = caught.value.errors[0]
    assert error.field == "reason" and "2027-01-24" in error.reason
    end = T0 + timedelta(days=62)
    _do(
        session,
        item,
        Action.terminate,
        handler,
        now=end,
        termination_reason=TerminationReason.time_limit_reached,
    )
    assert item.status is Status.terminated and item.paused_since is None
    notice = _clock(session, item, ClockKind.termination_notice)
    assert notice.status is ClockStatus.running and notice.due_on == date(2027, 2, 2)
    _do(session, item, Action.close, handler, now=end + timedelta(days=1))
    assert _clock(session, item, ClockKind.termination_notice).on_time


def test_terminating_a_suspended_mediation_excludes_the_suspension(
    session: Session, centre: Centre
) -> None:
    """A mediation suspended for testing and terminated while still suspended (no agreement on
    who pays for the testing) was judged against the deadline without the suspension: late."""
    received = datetime(2026, 7, 30, 2, 0, tzinfo=UTC)
    (item,) = service.register(
        session, data=complaint_data(received_at=received), actor="c", now=received
    )
    handler = _unit_actor(centre)
    accepted = datetime(2026, 8, 3, 2, 0, tzinfo=UTC)
    _do(session, item, Action.distribute, now=received)
    _do(session, item, Action.accept, handler, now=accepted)
    _do(session, item, Action.start_mediation, handler, now=accepted, **CONSENT)
    # 60 days from 2026-08-03 end on 10-02, in the National Day holiday: rolled to 10-08
    assert _clock(session, item, ClockKind.mediation).due_on == date(2026, 10, 8)
    _do(session, item, Action.suspend, handler, now=accepted + timedelta(days=29))  # 09-01
    ended = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    with pytest.raises(ValidationFailed):  # past 10-08, but 62 of the days were suspended
        _do(
            session,
            item,
            Action.terminate,
            handler,
            now=ended,
            termination_reason=TerminationReason.time_limit_reached,
        )
    assert _clock(session, item, ClockKind.mediation).status is ClockStatus.paused
    _do(
        session,
        item,
        Action.terminate,
        handler,
        now=ended,
        termination_reason=TerminationReason.testing_cost_dispute,
    )
    mediation = _clock(session, item, ClockKind.mediation)
    assert mediation.paused_units == 62 and mediation.due_on == date(2026, 12, 3)
    assert mediation.on_time is True
    _do(session, item, Action.close, handler, now=ended + timedelta(days=1))
    assert item.closed_on_time is True


def test_rejection_grounds_follow_the_items_rule_set(session: Session, centre: Centre) -> None:
    old = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Order 20 era: no "impersonation" ground
    (item,) = service.register(session, data=complaint_data(received_at=old), actor="c", now=T0)
    _do(session, item, Action.distribute)
    with pytest.raises(ValidationFailed) as caught:
        _do(session, item, Action.reject, ground=RejectionGround.impersonation)
    assert caught.value.errors[0].field == "ground"
    _do(session, item, Action.reject, ground=RejectionGround.time_barred)
    assert item.status is Status.rejected
    acceptance = _clock(session, item, ClockKind.acceptance)
    assert acceptance.status is ClockStatus.met and acceptance.on_time is False
    (new,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    _do(session, new, Action.distribute)
    _do(session, new, Action.reject, ground=RejectionGround.impersonation)
    assert new.rejection_ground is RejectionGround.impersonation


def test_a_12345_order_is_signed_for_replied_and_closed(session: Session, centre: Centre) -> None:
    data = complaint_data(channel=Channel.transfer_12345, external_ref="GD-1", claim="")
    (order,) = service.register(session, data=data, actor="c", now=T0)
    _do(session, order, Action.distribute)
    assert _clock(session, order, ClockKind.sign_for).due_on == date(2026, 11, 24)
    assert _clock(session, order, ClockKind.reply).due_on == date(2026, 11, 30)
    _do(session, order, Action.sign_for)
    _do(session, order, Action.extend_reply)
    assert _clock(session, order, ClockKind.reply).due_on == date(2026, 12, 14)
    with pytest.raises(Conflict):
        _do(session, order, Action.extend_reply)
    _do(session, order, Action.reply, result="已责令商家退款")
    _do(session, order, Action.close)
    assert order.status is Status.closed and order.result == "已责令商家退款"


def test_an_urgent_12345_order_is_due_the_day_it_is_dispatched(
    session: Session, centre: Centre
) -> None:
    """DOMAIN.md §3: urgent 12345 items the same day [U]; they got the ordinary 5 working
    days. Dispatched on the Saturday before National Day, it is still due that day."""
    saturday = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)  # 14:00 local, a holiday
    for ref, urgency in (("U-1", Urgency.urgent), ("U-2", Urgency.emergency)):
        data = complaint_data(
            channel=Channel.transfer_12345, external_ref=ref, claim="", urgency=urgency
        )
        (order,) = service.register(session, data=data, actor="c", now=saturday)
        _do(session, order, Action.distribute, now=saturday)
        for kind in (ClockKind.sign_for, ClockKind.reply):
            assert _clock(session, order, kind).due_on == date(2026, 10, 3)
        assert order.next_due_at == datetime(2026, 10, 3, 16, 0, tzinfo=UTC)  # local midnight
    rule_set = session.get(ComplaintRuleSet, order.rule_set_id)
    assert rule_set is not None
    rule_set.limits_json = (
        config.limits_of(rule_set)
        .model_copy(update={"order_urgent_reply_wd": None})
        .model_dump_json()
    )  # a locality without a separate limit
    data = complaint_data(
        channel=Channel.transfer_12345, external_ref="U-3", claim="", urgency=Urgency.urgent
    )
    (order,) = service.register(session, data=data, actor="c", now=saturday)
    _do(session, order, Action.distribute, now=saturday)
    assert _clock(session, order, ClockKind.reply).due_on == date(2026, 10, 13)


def test_a_12345_order_may_be_returned_only_within_two_working_days(
    session: Session, centre: Centre
) -> None:
    data = complaint_data(channel=Channel.transfer_12345, external_ref="GD-2", claim="")
    (late,) = service.register(session, data=data, actor="c", now=T0)
    (early,) = service.register(session, data=data, actor="c", now=T0)
    _do(session, late, Action.distribute)
    _do(session, early, Action.distribute)
    with pytest.raises(Conflict) as caught:
        _do(
            session,
            late,
            Action.return_to_intake,
            now=T0 + timedelta(days=3),
            reason="非本单位职责",
        )
    assert "2 working days" in caught.value.detail
    _do(session, early, Action.return_to_intake, now=T0 + timedelta(days=2), reason="非本单位职责")
    assert early.status is Status.returned and early.unit_id is None
    assert _clock(session, early, ClockKind.sign_for).status is ClockStatus.cancelled
    _do(session, early, Action.reroute, unit_id=centre.west_id, reason="属城西区")
    assert early.status is Status.distributed and early.unit_id == centre.west_id


def test_a_consultation_is_answered_at_intake(session: Session, centre: Centre) -> None:
    data = complaint_data(
        item_type=ItemType.consultation, claim="", description="咨询预付卡退费规定"
    )
    (item,) = service.register(session, data=data, actor="c", now=T0)
    assert _clock(session, item, ClockKind.reply).due_on == date(2026, 11, 25)
    _do(session, item, Action.reply, result="已告知相关规定")
    _do(session, item, Action.close)
    assert item.status is Status.closed and item.closed_on_time


def test_handlers_act_only_on_their_units_items_and_only_as_a_unit(
    session: Session, centre: Centre
) -> None:
    (item,) = service.register(session, data=report_data(), actor="c", now=T0)  # west
    _do(session, item, Action.distribute)
    handler = _unit_actor(centre)
    with pytest.raises(Forbidden):
        _do(session, item, Action.sign_for, handler)
    with pytest.raises(Forbidden):
        _do(session, item, Action.reroute, handler, unit_id=centre.east_id, reason="x")
    with pytest.raises(Forbidden):
        _do(session, item, Action.take_over, INTAKE, unit_id=centre.east_id, reason="x")
    _do(
        session,
        item,
        Action.take_over,
        LEADER,
        unit_id=centre.drugs.id,
        reason="案情重大，提级办理",
    )
    assert item.taken_over_by_superior and item.unit_id == centre.drugs.id
    with pytest.raises(Conflict):
        _do(session, item, Action.accept)  # reports are not accepted; they are verified


def test_only_a_superior_of_the_unit_holding_an_item_takes_it_over(
    session: Session, centre: Centre
) -> None:
    """提级管辖 (Art. 13): the field office's district bureau and the centre's sections may
    take its item over; a peer district may not, nor may a section take over from another."""
    office = make_unit(
        session,
        code="fo-east",
        name="东关所",
        kind=UnitKind.field_office,
        district="城东区",
        parent_id=centre.east_id,
    )
    assert office.id is not None and centre.drugs.id is not None
    assert [u.name for u in jurisdiction.superiors(session, unit_id=office.id)] == [
        "城东区局",
        "受理科",
        "市局药品处",
    ]
    (item,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    _do(session, item, Action.distribute, unit_id=office.id)
    with pytest.raises(ValidationFailed) as refused:
        _do(session, item, Action.take_over, LEADER, unit_id=centre.west_id, reason="就近办理")
    assert refused.value.errors[0].field == "unit_id"
    assert item.unit_id == office.id and not item.taken_over_by_superior

    _do(session, item, Action.take_over, LEADER, unit_id=centre.east_id, reason="案情复杂")
    assert item.unit_id == centre.east_id and item.taken_over_by_superior
    _do(session, item, Action.take_over, LEADER, unit_id=centre.drugs.id, reason="涉药品")
    assert item.unit_id == centre.drugs.id
    with pytest.raises(ValidationFailed):  # sections are peers
        _do(session, item, Action.take_over, LEADER, unit_id=centre.intake.id, reason="x")


def test_flags_are_set_once_and_a_clue_is_handed_over_once(
    session: Session, centre: Centre
) -> None:
    (item,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    _do(session, item, Action.distribute)
    _do(session, item, Action.accept)
    with pytest.raises(ValidationFailed):
        _do(session, item, Action.convert_to_case)  # the clue is required (Art. 27)
    _do(session, item, Action.convert_to_case, clue="涉嫌销售过期食品")
    assert not item.converted_to_case and item.status is Status.accepted  # 诉转案 once filed
    with pytest.raises(Conflict):
        _do(session, item, Action.convert_to_case, clue="涉嫌销售过期食品")
    _do(session, item, Action.refer_to_police, note="涉嫌敲诈勒索")
    assert item.referred_to_police


def test_order_20_mediation_counts_45_working_days(session: Session, centre: Centre) -> None:
    received = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    (item,) = service.register(
        session, data=complaint_data(received_at=received), actor="c", now=received
    )
    _do(session, item, Action.distribute, now=received)
    _do(session, item, Action.accept, now=received)
    mediation = _clock(session, item, ClockKind.mediation)
    assert (mediation.limit, mediation.unit) == (45, "working")
    assert mediation.due_on == date(2026, 5, 8)  # over the Qingming and Labour Day holidays


@pytest.mark.parametrize(
    ("why", "steps", "paused", "due"),
    [
        (
            "testing recorded inside the suspension it caused counts once",
            [("suspend", 0), ("testing", (0, 10), 10), ("resume", 10)],
            10,
            date(2027, 2, 1),
        ),
        (
            "testing that began before the suspension adds only its earlier days",
            [("suspend", 4), ("testing", (1, 8), 8), ("resume", 12)],
            12,  # 11-24 … 12-01 (testing) ∪ 11-28 … 12-05 (suspension): 11-24 … 12-05
            date(2027, 2, 3),
        ),
        (
            "a testing period recorded after the resume inside the past suspension adds nothing",
            [("suspend", 0), ("resume", 10), ("testing", (2, 8), 12)],
            10,
            date(2027, 2, 1),
        ),
        (
            "two overlapping testing periods count as their union",
            [("testing", (0, 6), 7), ("testing", (4, 9), 10)],
            9,
            date(2027, 1, 31),
        ),
        (
            "separate pauses add up",
            [("suspend", 0), ("resume", 3), ("testing", (5, 7), 8)],
            6,  # 11-24 … 11-26 suspended, 11-28 … 11-30 tested
            date(2027, 1, 28),
        ),
    ],
)
def test_overlapping_pauses_extend_mediation_once(
    session: Session,
    centre: Centre,
    why: str,
    steps: list[tuple[Any, ...]],
    paused: int,
    due: date,
) -> None:
    """Mediation starts on 11-23 (60 D: due 2027-01-22); offsets are days after T0."""
    item, handler = _in_mediation(session, centre)
    day0 = T0.date()
    for step in steps:
        if step[0] == "testing":
            (first, last), at = step[1], step[2]
            _do(
                session,
                item,
                Action.record_testing,
                handler,
                now=T0 + timedelta(days=at),
                start=day0 + timedelta(days=first),
                end=day0 + timedelta(days=last),
            )
        else:
            action = Action.suspend if step[0] == "suspend" else Action.resume
            _do(session, item, action, handler, now=T0 + timedelta(days=step[1]))
    mediation = _clock(session, item, ClockKind.mediation)
    assert (mediation.paused_units, mediation.due_on) == (paused, due), why


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [(date(2026, 12, 2), date(2026, 12, 2), 1), (date(2026, 12, 1), date(2026, 12, 5), 5)],
)
def test_a_testing_period_excludes_its_first_and_last_day(
    session: Session, centre: Centre, first: date, last: date, days: int
) -> None:
    """Users give the first and last day of testing: a one-day test excludes one day. The
    days are kept as testing's, apart from a suspension's."""
    item, handler = _in_mediation(session, centre)
    now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    _do(session, item, Action.suspend, handler, now=T0 + timedelta(days=1))
    _do(session, item, Action.resume, handler, now=T0 + timedelta(days=3))
    _do(session, item, Action.record_testing, handler, now=now, start=first, end=last)
    mediation = _clock(session, item, ClockKind.mediation)
    assert mediation.paused_units == 2 + days
    assert timers.tested_units(mediation, load_calendar(session)) == days
    (testing,) = [
        e
        for e in list_entries(session, entity_type="complaint", entity_id=str(item.id))
        if e.action == "complaint.record_testing"
    ]
    assert f"不计入期限，顺延 {days} 天" in json.loads(testing.after or "{}")["note"]


def test_the_audit_entry_says_what_and_why(session: Session, centre: Centre) -> None:
    (item,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    handler = _unit_actor(centre)
    _do(session, item, Action.distribute)
    _do(
        session,
        item,
        Action.return_to_intake,
        handler,
        reason="不属本局管辖，当事人电话13800138000",
    )
    _do(session, item, Action.reroute, unit_id=centre.west_id, reason="经营地在城西区")
    _do(session, item, Action.reject, ground=RejectionGround.time_barred, note="已过三年")
    (other,) = service.register(session, data=complaint_data(), actor="c", now=T0)
    _do(session, other, Action.distribute)
    _do(session, other, Action.accept, handler)
    _do(session, other, Action.terminate, handler, termination_reason=TerminationReason.impasse)
    notes = {
        entry.action: json.loads(entry.after or "{}").get("note", "")
        for item_id in (item.id, other.id)
        for entry in list_entries(session, entity_type="complaint", entity_id=str(item_id))
    }
    assert "退回原因：不属本局管辖，当事人电话138****8000" in notes["complaint.return_to_intake"]
    assert "改派原因：经营地在城西区" in notes["complaint.reroute"]
    assert "不予受理依据：time_barred" in notes["complaint.reject"]
    assert "已过三年" in notes["complaint.reject"]
    assert "终止原因：impasse" in notes["complaint.terminate"]
