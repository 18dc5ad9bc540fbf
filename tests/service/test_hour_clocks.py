"""Hour limits of urgent 12345 orders under a Beijing rule set (DOMAIN.md §3: 2 h for a risk
to life or property, 24 h for utilities [U]) with a fake clock, through the real app: due
exactly the elapsed hours after dispatch (midnight, weekends and holidays count), reminded
(催办) when a quarter of the limit is left, then overdue and supervised (督办); the queue and
the item's page show the time in Asia/Shanghai; statistics count them. The default rule set
keeps its working-day limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from complaints import actions, config, service, timers
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.clocks import BEIJING_12345
from complaints.config_schemas import RuleSetCreate
from complaints.models import Complaint, ComplaintClock, Supervision
from complaints.supervision import Supervisor
from complaints.vocab import Channel, ClockKind, ClockStatus, SupervisionKind, Urgency
from complaints.workflow import Action
from core.audit import list_entries
from core.clock import FakeClock
from core.errors import Conflict
from core.users import Role
from escalation.models import NoticeTopic, Notification
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.conftest import T0
from tests.web.test_complaint_pages import _sign_in

INTAKE = Actor("coordinator", intake=True, handle=True)
EVE = datetime(2026, 9, 30, 15, 0, tzinfo=UTC)  # 23:00 local before National Day (holiday)
UTILITY_TEXT = "城东区幸福小区从昨天起停水，物业不处理。"
Headers = Callable[[Role], dict[str, str]]


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _beijing(session: Session) -> None:
    """Beijing's preset as a dated local rule set, in force after Order 121's start."""
    config.create_rule_set(
        session,
        data=RuleSetCreate(
            code="BJ12345", name="北京", effective_from=date(2026, 4, 16), limits=BEIJING_12345
        ),
        actor="test",
        now=T0,
        tz=ZoneInfo("Asia/Shanghai"),
    )


def _order(
    session: Session, ref: str, at: datetime, *, urgency: Urgency | None = None, text: str = ""
) -> Complaint:
    extra = {"description": text} if text else {}
    data = complaint_data(
        channel=Channel.transfer_12345, external_ref=ref, claim="", urgency=urgency, **extra
    )
    (item,) = service.register(session, data=data, actor="c", now=at)
    _act(session, item, Action.distribute, at)
    return item


def _act(session: Session, item: Complaint, action: Action, at: datetime, **data: object) -> None:
    assert item.id is not None
    actions.act(
        session,
        complaint_id=item.id,
        action=action,
        actor=INTAKE,
        now=at,
        data=ActionInput(**data),  # type: ignore[arg-type]
    )


def _clock(session: Session, item: Complaint, kind: ClockKind) -> ComplaintClock:
    assert item.id is not None
    found = timers.find(session, item.id, kind)
    assert found is not None
    session.refresh(found)
    return found


def test_a_life_risk_order_is_due_two_hours_after_dispatch_across_midnight_and_a_holiday(
    session: Session, centre: Centre
) -> None:
    _beijing(session)
    order = _order(session, "BJ-1", EVE, urgency=Urgency.emergency)
    for kind in (ClockKind.sign_for, ClockKind.reply):
        clock = _clock(session, order, kind)
        assert (clock.unit, clock.limit, clock.started_at) == ("hours", 2, EVE)
        assert clock.due_at == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 10-01 01:00 local
        assert clock.due_on == date(2026, 10, 1)
        assert clock.remind_at == datetime(2026, 9, 30, 16, 30, tzinfo=UTC)  # 30 min left
    assert order.next_due_at == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    assert order.next_due_unit == "hours"

    holiday = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)  # Saturday 14:00, National Day
    on_holiday = _order(session, "BJ-2", holiday, urgency=Urgency.emergency)
    assert _clock(session, on_holiday, ClockKind.reply).due_at == holiday + timedelta(hours=2)


def test_a_utilities_order_is_due_24_hours_later_over_a_weekend(
    session: Session, centre: Centre
) -> None:
    _beijing(session)
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # Friday 18:00 local
    order = _order(session, "BJ-3", friday, text=UTILITY_TEXT)
    assert order.utility and order.urgency is Urgency.normal
    clock = _clock(session, order, ClockKind.reply)
    assert (clock.unit, clock.limit) == ("hours", 24)
    assert clock.due_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # Saturday 18:00
    assert clock.remind_at == datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 6 h left
    with pytest.raises(Conflict, match="24-hour limit cannot be extended"):
        _act(session, order, Action.sign_for, friday)
        _act(session, order, Action.extend_reply, friday)
    # an urgent order that is neither a risk nor utilities keeps the same-day limit
    plain = _order(session, "BJ-4", friday, urgency=Urgency.urgent)
    assert _clock(session, plain, ClockKind.reply).unit == "working"


def test_the_default_rule_set_keeps_working_day_limits(session: Session, centre: Centre) -> None:
    emergency = _order(session, "O-1", EVE, urgency=Urgency.emergency)
    utilities = _order(session, "O-2", EVE, text=UTILITY_TEXT)
    assert utilities.utility  # classified, but Order 121 gives utilities no hour limit
    for kind in (ClockKind.sign_for, ClockKind.reply):
        clock = _clock(session, emergency, kind)
        assert (clock.unit, clock.limit, clock.started_at) == ("working", 0, None)
        assert clock.due_on == date(2026, 9, 30)  # the same day (LB)
    reply = _clock(session, utilities, ClockKind.reply)
    # 5 WD after the holiday: 10-08, 10-09, 10-10 (a make-up Saturday), 10-12, 10-13
    assert (reply.unit, reply.limit, reply.due_on) == ("working", 5, date(2026, 10, 13))
    assert emergency.next_due_unit == "working"


def test_reminder_then_overdue_then_supervision_of_a_two_hour_clock(
    app: FastAPI, client: TestClient, session: Session, clock: FakeClock, centre: Centre
) -> None:
    _beijing(session)
    supervisor: Supervisor = app.state.supervisor
    start = datetime(2026, 11, 23, 15, 10, tzinfo=UTC)  # Monday 23:10 local
    clock.set(start)
    order = _order(session, "BJ-5", start, urgency=Urgency.emergency)
    due = start + timedelta(hours=2)  # Tuesday 01:10 local

    clock.set(due - timedelta(minutes=31))
    assert supervisor.tick().reminded == 0
    clock.set(due - timedelta(minutes=30))
    assert supervisor.tick().reminded == 2  # sign-for and reply
    reminder = session.exec(
        select(Notification)
        .where(Notification.topic == NoticeTopic.complaint, col(Notification.body).contains("催办"))
        .order_by(col(Notification.id))
    ).first()
    assert reminder is not None and reminder.to == "+8613800000101"  # the unit's contact
    assert "期限为11月24日01:10" in reminder.body

    _sign_in(client, session, Role.coordinator)
    queue = client.get("/complaints").text
    assert "2026-11-24 01:10" in queue and 'data-minutes-left="30"' in queue
    detail = client.get(f"/complaints/{order.id}").text
    assert "2 小时" in detail and "剩 0 小时 30 分钟" in detail
    api = client.get(f"/api/v1/complaints/{order.id}").json()
    assert api["next_due_unit"] == "hours" and api["remaining_minutes"] == 30
    assert api["remaining_working_days"] is None
    assert {c["unit"] for c in api["clocks"] if c["kind"] in ("sign_for", "reply")} == {"hours"}

    clock.set(due - timedelta(seconds=1))
    assert supervisor.tick().supervised == 0
    clock.set(due)
    assert supervisor.tick().supervised == 2
    assert supervisor.tick().supervised == 0  # once
    session.refresh(order)
    assert order.overdue and order.overdue_since == due and order.supervision_count == 2
    records = session.exec(
        select(Supervision).where(
            Supervision.complaint_id == order.id,
            Supervision.kind == SupervisionKind.supervision,
        )
    ).all()
    assert {r.clock_kind for r in records} == {ClockKind.sign_for, ClockKind.reply}
    assert all(r.due_at == due and "期限11月24日01:10" in r.note for r in records)
    supervised = [
        e
        for e in list_entries(session, entity_type="complaint", entity_id=str(order.id))
        if e.action == "complaint.supervise"
    ]
    assert len(supervised) == 2 and all(due.isoformat() in (e.after or "") for e in supervised)


def test_statistics_count_hour_clocks_on_time_and_late(
    client: TestClient, auth_headers: Headers, session: Session, centre: Centre
) -> None:
    _beijing(session)
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    in_time = _order(session, "BJ-6", start, urgency=Urgency.emergency)
    late = _order(session, "BJ-7", start, urgency=Urgency.emergency)
    for item, minutes in ((in_time, 119), (late, 121)):  # signed for first, then replied
        _act(session, item, Action.sign_for, start + timedelta(minutes=minutes))
        _act(session, item, Action.reply, start + timedelta(minutes=minutes), result="已处置")
    assert _clock(session, in_time, ClockKind.reply).on_time is True
    assert _clock(session, late, ClockKind.reply).on_time is False
    assert _clock(session, late, ClockKind.reply).status is ClockStatus.met
    stats = client.get(
        "/api/v1/complaints/stats",
        params={"from": "2026-11-24", "to": "2026-11-24"},
        headers=auth_headers(Role.leader),
    ).json()
    figures = {f["name"]: (f["numerator"], f["denominator"]) for f in stats["figures"]}
    assert figures["order_on_time_closure"] == (1, 2)
    assert figures["order_on_time_sign_for"] == (1, 2)
