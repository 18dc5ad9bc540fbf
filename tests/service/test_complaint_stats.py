"""Statistics on a fixed data set whose figures are worked out by hand below, the published
Baoshan 2021 and Guangyuan 2022 Q1 mediation success rates, and figures produced by the real
registration service and workflow actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from complaints import actions, config, service, stats
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.io_schemas import ComplaintStats
from complaints.vocab import (
    Channel,
    ClockKind,
    ClockStatus,
    Domain,
    ItemType,
    RejectionGround,
    Status,
    TerminationReason,
)
from complaints.workflow import Action
from core.errors import ValidationFailed
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.complaint_rows import TZ, Clock, Item, insert_items
from tests.conftest import T0  # Monday 2026-11-23 09:30 local
from tests.statements import tables_read

D = ClockKind.distribution
A = ClockKind.acceptance
M = ClockKind.mediation
V = ClockKind.verification
S = ClockKind.sign_for
R = ClockKind.reply


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ).astimezone(UTC)


def due(month: int, day: int, year: int = 2026) -> datetime:
    """A deadline instant: local midnight at the start of that day."""
    return datetime(year, month, day, tzinfo=TZ).astimezone(UTC)


def on_time(kind: ClockKind, deadline: datetime) -> Clock:
    return Clock(kind, deadline, met_at=deadline - timedelta(days=1))


def late(kind: ClockKind, deadline: datetime) -> Clock:
    return Clock(kind, deadline, met_at=deadline + timedelta(hours=5))


def running(kind: ClockKind, deadline: datetime) -> Clock:
    return Clock(kind, deadline)


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _rule_set(session: Session) -> int:
    config.ensure_default_rule_sets(session, now=T0)
    rule_set = config.rule_set_for(session, day=date(2026, 11, 1), now=T0)
    assert rule_set.id is not None
    return rule_set.id


def _fixed_set(centre: Centre) -> list[Item]:
    east, west = centre.east_id, centre.west_id
    closed = Status.closed

    def complaint(day: int, status: Status, clocks: list[Clock], **values: object) -> Item:
        return Item(at(11, day), status=status, unit_id=east, clocks=clocks, values=values)

    def report(day: int, status: Status, clocks: list[Clock], **values: object) -> Item:
        return Item(
            at(11, day),
            ItemType.report,
            Channel.platform_12315,
            district="城西区",
            unit_id=west,
            status=status,
            clocks=clocks,
            values=values,
        )

    def order(
        day: int, kind: ItemType, status: Status, clocks: list[Clock], **values: object
    ) -> Item:
        return Item(
            at(11, day), kind, Channel.transfer_12345, status=status, clocks=clocks, values=values
        )

    return [
        # c1: agreed and closed on time
        complaint(2, closed, [on_time(D, due(11, 4)), on_time(A, due(11, 12))],
                  accepted_at=at(11, 3), agreed_at=at(11, 10), closed_at=at(11, 11),
                  closed_on_time=True),
        # c2: accepted late, agreed, closed late
        complaint(3, closed, [on_time(D, due(11, 5)), late(A, due(11, 13))],
                  domain=Domain.price, accepted_at=at(11, 13), agreed_at=at(11, 16),
                  closed_at=at(11, 17), closed_on_time=False),
        # c3: rejected on time, closed (counts in 办结, not as a success)
        complaint(4, closed, [on_time(D, due(11, 6)), on_time(A, due(11, 14))],
                  channel=Channel.wechat, rejected_at=at(11, 5),
                  rejection_ground=RejectionGround.not_consumption, closed_at=at(11, 6),
                  closed_on_time=True),
        # c4: distributed late, terminated, converted to a case, closed
        complaint(5, closed, [late(D, due(11, 7)), on_time(A, due(11, 15))],
                  channel=Channel.wechat, accepted_at=at(11, 9), terminated_at=at(11, 18),
                  converted_to_case=True, closed_at=at(11, 19), closed_on_time=True),
        # c5: mediating, an emergency; mediation clock running until January
        complaint(6, Status.mediating,
                  [on_time(D, due(11, 10)), on_time(A, due(11, 17)), running(M, due(1, 6, 2027))],
                  accepted_at=at(11, 9), is_emergency=True),
        # c6: never distributed: both clocks ran out
        complaint(9, Status.registered, [running(D, due(11, 11)), running(A, due(11, 19))],
                  overdue=True),
        # c7: received last week, nothing due yet (distribution due 11-24 00:00 local)
        complaint(20, Status.registered, [running(D, due(11, 24)), running(A, due(12, 1))]),
        # c8: received in October: outside the period
        Item(at(10, 28), status=closed, unit_id=east, clocks=[on_time(A, due(11, 6))],
             values={"agreed_at": at(10, 30), "closed_at": at(10, 31), "closed_on_time": True}),
        # c9: agreed but not closed yet: not 办结
        complaint(10, Status.agreed,
                  [on_time(D, due(11, 12)), on_time(A, due(11, 19)), on_time(M, due(1, 9, 2027))],
                  accepted_at=at(11, 11), agreed_at=at(11, 20)),
        # c10: agreed, 300 cents recovered, closed on time
        complaint(11, closed, [on_time(D, due(11, 13)), on_time(A, due(11, 20))],
                  accepted_at=at(11, 12), agreed_at=at(11, 16), closed_at=at(11, 17),
                  closed_on_time=True, amount_recovered_cents=300),
        # r1: case filed on time, closed
        report(2, closed, [on_time(D, due(11, 4)), on_time(V, due(11, 21))],
               domain=Domain.drugs, case_filed_at=at(11, 16), closed_at=at(11, 17),
               closed_on_time=True),
        # r2: verification ran out
        report(3, Status.verifying, [on_time(D, due(11, 5)), running(V, due(11, 20))],
               overdue=True),
        # r3: not filed, late, never closed: past its closure deadline
        report(4, Status.not_filed, [on_time(D, due(11, 6)), late(V, due(11, 18))],
               not_filed_at=at(11, 18)),
        # o1: 12345 order signed for, replied and closed on time
        order(5, ItemType.complaint, closed,
              [on_time(D, due(11, 7)), on_time(S, due(11, 7)), on_time(R, due(11, 12))],
              replied_at=at(11, 10), closed_at=at(11, 11), closed_on_time=True),
        # o2: signed for late; reply not due yet
        order(12, ItemType.help, Status.signed_for,
              [on_time(D, due(11, 14)), late(S, due(11, 14)), running(R, due(11, 30))]),
        # o3: never signed for; reply not due yet
        order(16, ItemType.consultation, Status.distributed,
              [on_time(D, due(11, 18)), running(S, due(11, 18)), running(R, due(11, 25))],
              overdue=True, district=None),
    ]  # fmt: skip


def _stats(session: Session, **filters: object) -> ComplaintStats:
    args: dict[str, object] = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)} | filters
    return stats.compute(
        session,
        filters=stats.StatsFilter(**args),
        now=T0,
        tz=TZ,  # type: ignore[arg-type]
    )


def _figures(result: ComplaintStats) -> dict[str, tuple[int, int, float | None]]:
    return {f.name: (f.numerator, f.denominator, f.rate) for f in result.figures}


def _counts(rows: list[object]) -> dict[str | None, int]:
    return {r.key: r.count for r in rows}  # type: ignore[attr-defined]


def test_counts_and_figures_of_a_fixed_set(session: Session, centre: Centre) -> None:
    insert_items(session, _fixed_set(centre), rule_set_id=_rule_set(session), first_id=900_001)
    result = _stats(session)
    assert result.total == 15  # c8 was received in October
    assert (result.complaints, result.accepted, result.closed) == (9, 6, 7)
    assert (result.complaints_closed, result.mediation_successes) == (5, 3)
    assert (result.converted_to_case, result.cases_filed, result.emergencies) == (1, 1, 1)
    assert result.overdue_open == 3
    assert (result.losses_recovered_cents, result.losses_recovered_items) == (300, 1)
    assert _counts(result.by_channel) == {
        "hotline_12315": 7, "wechat": 2, "platform_12315": 3, "transfer_12345": 3,
    }  # fmt: skip
    assert _counts(result.by_type) == {"complaint": 10, "report": 3, "help": 1, "consultation": 1}
    # the tenth complaint came as a 12345 order: by type with the others, outside 受理 and 调解
    assert result.complaint_orders == 1
    assert result.complaints + result.complaint_orders == _counts(result.by_type)["complaint"]
    assert result.concluded == 7  # every rejected complaint here is closed as well
    assert _counts(result.by_domain) == {"food": 13, "price": 1, "drugs": 1}
    assert _counts(result.by_district) == {"城东区": 11, "城西区": 3, None: 1}
    assert _counts(result.by_unit) == {str(centre.east_id): 9, str(centre.west_id): 3, None: 3}
    assert {r.key: r.label for r in result.by_unit} == {
        str(centre.east_id): "城东区局", str(centre.west_id): "城西区局", None: "（未识别）",
    }  # fmt: skip
    assert _counts(result.by_status) == {
        "closed": 7, "registered": 2, "mediating": 1, "agreed": 1, "verifying": 1,
        "not_filed": 1, "signed_for": 1, "distributed": 1,
    }  # fmt: skip
    assert result.by_status[0].label == "已办结"
    assert _figures(result) == {
        # distribution: met 13 (all but c6, c7), 12 of them on time (c4 late), + c6 ran out
        "on_time_distribution": (12, 14, 0.8571),
        # acceptance: 7 met (c1..c5, c9, c10; c2 late) + c6 ran out; c7 not due
        "on_time_acceptance": (6, 8, 0.75),
        # verification: r1 on time, r3 late, r2 ran out
        "on_time_first_check": (1, 3, 0.3333),
        # closed 7 (c2 late) + open past their closure deadline: c6, r2, r3
        "on_time_closure": (6, 10, 0.6),
        # closed complaints c1, c2, c3, c4, c10; agreed among them c1, c2, c10
        "mediation_success": (3, 5, 0.6),
        # c4 of the 9 complaints
        "complaint_to_case": (1, 9, 0.1111),
        # o1 on time, o2 late, o3 ran out
        "order_on_time_sign_for": (1, 3, 0.3333),
        # o1 replied on time; o2 and o3 not due yet
        "order_on_time_closure": (1, 1, 1.0),
    }
    assert all(f.definition and f.label for f in result.figures)


def test_the_period_is_read_once_for_the_counts_and_once_for_the_clocks(
    session: Session, centre: Centre
) -> None:
    """Totals and the six dimensions' counts come from one grouped pass (they were seven
    passes over the period's items, about 0.5 s for a year of 100,000 on PostgreSQL)."""
    insert_items(session, _fixed_set(centre), rule_set_id=_rule_set(session), first_id=900_001)
    with tables_read(session) as read:
        result = _stats(session)
    assert result.total == 15 and sum(r.count for r in result.by_district) == 15
    assert read["complaint"] == 2 and read["complaint_clock"] == 1


def test_filters_and_unit_scope(session: Session, centre: Centre) -> None:
    insert_items(session, _fixed_set(centre), rule_set_id=_rule_set(session), first_id=900_001)
    east = _stats(session, unit_id=centre.east_id)
    assert east.total == 9 and _figures(east)["mediation_success"] == (3, 5, 0.6)
    scoped = _stats(session, unit_ids=frozenset({centre.west_id}))
    assert scoped.total == 3 and _counts(scoped.by_type) == {"report": 3}
    assert _stats(session, unit_ids=frozenset()).total == 0  # a handler without a unit
    assert _stats(session, item_type=ItemType.report, district="城西区").total == 3
    assert _stats(session, channel=Channel.wechat).total == 2
    assert _stats(session, domain=Domain.price).total == 1
    one_day = _stats(session, start=date(2026, 11, 2), end=date(2026, 11, 2))
    assert one_day.total == 2  # c1 and r1, both received on the 2nd (local)
    empty = _stats(session, start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert empty.total == 0 and all(f.rate is None for f in empty.figures)
    with pytest.raises(ValidationFailed):
        _stats(session, start=date(2026, 11, 30), end=date(2026, 11, 1))
    with pytest.raises(ValidationFailed):
        _stats(session, start=date(2020, 1, 1), end=date(2026, 1, 1))


def _published(year: int, month: int, closed: int, successes: int) -> list[Item]:
    """`closed` complaints received over three months, `successes` of them agreed, the rest
    rejected or terminated; all closed."""
    items = []
    for n in range(closed):
        received = at(month + n % 3, 1 + n % 28, year=year)
        values: dict[str, object] = {"closed_at": received + timedelta(days=20)}
        if n < successes:
            values |= {"accepted_at": received, "agreed_at": received + timedelta(days=15)}
        elif n % 2:
            values |= {"rejected_at": received + timedelta(days=3)}
        else:
            values |= {"accepted_at": received, "terminated_at": received + timedelta(days=18)}
        items.append(Item(received, status=Status.closed, values=values))
    return items


def test_published_mediation_success_rates(session: Session, centre: Centre) -> None:
    rule_set = _rule_set(session)
    insert_items(session, _published(2021, 1, 1621, 490), rule_set_id=rule_set, first_id=800_001)
    insert_items(session, _published(2022, 1, 241, 92), rule_set_id=rule_set, first_id=810_001)

    def success(start: date, end: date) -> tuple[int, int, float | None]:
        return _figures(_stats(session, start=start, end=end))["mediation_success"]

    # Baoshan 2021: 490 successes ÷ 1621 closed (办结, rejections included) = 30.23%
    assert success(date(2021, 1, 1), date(2021, 12, 31)) == (490, 1621, 0.3023)
    # Guangyuan 2022 Q1: 92 ÷ 241 = 38.17%
    assert success(date(2022, 1, 1), date(2022, 3, 31)) == (92, 241, 0.3817)


def test_figures_follow_the_real_workflow(session: Session, centre: Centre) -> None:
    staff = Actor(name="coordinator", intake=True, handle=True)
    quick, slow = (
        service.register(session, data=complaint_data(), actor="coordinator", now=T0)[0]
        for _ in range(2)
    )
    assert quick.id is not None and slow.id is not None
    for step, hours in ((Action.distribute, 1), (Action.accept, 2)):
        actions.act(
            session,
            complaint_id=quick.id,
            action=step,
            actor=staff,
            now=T0 + timedelta(hours=hours),
        )
    later = T0 + timedelta(days=12)  # 12-05: the slow one's acceptance ran out on 12-02
    result = stats.compute(
        session,
        filters=stats.StatsFilter(start=date(2026, 11, 1), end=date(2026, 11, 30)),
        now=later,
        tz=TZ,
    )
    figures = _figures(result)
    assert figures["on_time_distribution"] == (1, 2, 0.5)
    assert figures["on_time_acceptance"] == (1, 2, 0.5)
    assert figures["mediation_success"] == (0, 0, None)
    assert (result.total, result.accepted) == (2, 1)
    assert _counts(result.by_status) == {"accepted": 1, "registered": 1}
    assert _counts(result.by_unit) == {str(centre.east_id): 2}


def test_on_time_closure_and_mediation_success_follow_each_items_path(
    session: Session, centre: Centre
) -> None:
    """按期办结: no statutory step late (a met mediation clock's own deadline does not cover the
    termination notice it started); 办结: closed, or rejected whether closed or not."""
    east = centre.east_id
    tn = ClockKind.termination_notice
    closed = Status.closed

    def complaint(day: int, status: Status, clocks: list[Clock], **values: object) -> Item:
        return Item(at(11, day), status=status, unit_id=east, clocks=clocks, values=values)

    accepted = [on_time(D, due(11, 4)), on_time(A, due(11, 12))]
    mediation = on_time(M, due(1, 2, 2027))  # terminated well within its 60 days
    items = [
        # t1: terminated; the notice ran out on 11-20 and nobody has closed it: late, open
        complaint(2, Status.terminated, [*accepted, mediation, running(tn, due(11, 20))],
                  accepted_at=at(11, 3), terminated_at=at(11, 10)),
        # t2: terminated, the notice sent late, closed: not on time
        complaint(2, closed, [*accepted, mediation, late(tn, due(11, 18))],
                  accepted_at=at(11, 3), terminated_at=at(11, 8), closed_at=at(11, 19)),
        # t3: terminated, notice in time, closed: on time
        complaint(2, closed, [*accepted, mediation, on_time(tn, due(11, 20))],
                  accepted_at=at(11, 3), terminated_at=at(11, 9), closed_at=at(11, 18)),
        # a1: agreed in time, not closed yet: neither late nor 办结
        complaint(2, Status.agreed, [*accepted, mediation],
                  accepted_at=at(11, 3), agreed_at=at(11, 9)),
        # s1: suspended; the paused clock's old due day has passed, but it is paused
        complaint(2, Status.suspended,
                  [*accepted, Clock(M, due(11, 20), status=ClockStatus.paused)],
                  accepted_at=at(11, 3)),
        # o1: a 12345 order signed for late (its own rate), replied in time, closed: on time
        Item(at(11, 5), ItemType.help, Channel.transfer_12345, status=closed,
             clocks=[on_time(D, due(11, 6)), late(S, due(11, 7)), on_time(R, due(11, 16))],
             values={"replied_at": at(11, 14), "closed_at": at(11, 14)}),
        # r1: rejected in time, nobody pressed close: 办结 all the same
        complaint(3, Status.rejected, [on_time(A, due(11, 12))], rejected_at=at(11, 6),
                  rejection_ground=RejectionGround.not_consumption),
        # r2: rejected and closed
        complaint(3, closed, [on_time(A, due(11, 12))], rejected_at=at(11, 6),
                  rejection_ground=RejectionGround.not_consumption, closed_at=at(11, 7)),
        # g1: agreed and closed: the one success
        complaint(3, closed, [*accepted, mediation],
                  accepted_at=at(11, 4), agreed_at=at(11, 9), closed_at=at(11, 10)),
    ]  # fmt: skip
    insert_items(session, items, rule_set_id=_rule_set(session), first_id=900_101)
    figures = _figures(_stats(session))
    # 办结 t2 (late), t3, o1, r2, g1 closed + r1 rejected in time (办结 as for 调解成功率)
    # + open and late t1
    assert figures["on_time_closure"] == (5, 7, 0.7143)
    # 办结: t2, t3, r2, g1 closed + r1 rejected; successes: g1
    assert figures["mediation_success"] == (1, 5, 0.2)
    counted = _stats(session)
    assert counted.concluded == 6 and counted.closed == 5


def test_a_late_termination_notice_makes_the_closure_late(session: Session, centre: Centre) -> None:
    staff = Actor(name="coordinator", intake=True, handle=True)
    item = service.register(session, data=complaint_data(), actor="coordinator", now=T0)[0]
    assert item.id is not None
    for step, at_ in (
        (Action.distribute, T0 + timedelta(hours=1)),
        (Action.accept, T0 + timedelta(hours=2)),
        (Action.terminate, T0 + timedelta(days=2)),  # 11-25: the notice is due 12-04
    ):
        actions.act(
            session,
            complaint_id=item.id,
            action=step,
            actor=staff,
            now=at_,
            data=ActionInput(termination_reason=TerminationReason.impasse),
        )
    notice_due = due(12, 5)  # the end of 12-04, local
    assert item.closure_due_at == notice_due  # not the mediation clock's 60 days
    later = datetime(2026, 12, 6, 2, tzinfo=UTC)

    def closure() -> tuple[int, int, float | None]:
        return _figures(
            stats.compute(
                session,
                filters=stats.StatsFilter(start=date(2026, 11, 1), end=date(2026, 11, 30)),
                now=later,
                tz=TZ,
            )
        )["on_time_closure"]

    assert closure() == (0, 1, 0.0)  # open and late: in the denominator
    actions.act(session, complaint_id=item.id, action=Action.close, actor=staff, now=later)
    assert item.status is Status.closed and item.closed_on_time is False
    assert item.closure_due_at == notice_due
    assert closure() == (0, 1, 0.0)
