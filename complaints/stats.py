"""Statistics and efficiency figures over a period, computed in SQL (GROUP BY / SUM(CASE …)
over the indexed `complaint` columns and the `complaint_clock` rows), never row by row: one
pass over the period's items grouped by every dimension counted (`DIMENSIONS`), its groups
added up here into the totals and each dimension's counts, and one pass over their clocks.

The population is every item whose `received_at` falls in the period: local dates
(Asia/Shanghai by default), both ends included. Counts are by channel, type, domain,
district, handling unit and status. Rates are `numerator ÷ denominator` as of `now`
(`rate` is None when the denominator is 0); the definitions (`DEFINITIONS`) are served with
every figure and in docs/complaint-statistics.md:

- A clock rate (按时分送率, 按时受理率, 按时初查率, 12345 及时签收率 and 按时办结率) counts the
  items whose timer has ended (met) or run out (still running past its due instant). The
  numerator is the ones met before the due instant; a paused clock (testing, suspension)
  and a cancelled one (the step no longer applies) count in neither.
- 按期办结率: items 办结 (closed, or a complaint rejected: `concluded`) by their closure
  deadline (`clocks.closure_deadline`: no statutory step late), over items 办结 plus open
  items already past that deadline (a step ran late, or one is running overdue).
- 12345 transfer orders keep their type (a complaint that came as an order counts as 投诉 by
  type, `complaint_orders` of them) but follow the 12345 loop: they are never accepted or
  mediated, so 受理, 调解成功率 and 诉转案率 count only the complaints handled under Order 121
  (`complaints`).
- 调解成功率 = mediation successes ÷ 办结, over complaints (the Order 121 workflow): 办结 is
  every closed complaint plus every rejected one (不予受理 is the complaint's final decision,
  whether or not someone has pressed `close` yet), which is why it can exceed 受理 (DOMAIN.md
  §2). An agreed or terminated complaint is 办结 once closed (the agreement's reply or the
  termination notice is still owed until then).
- 诉转案率 = complaints converted to a case ÷ complaints received.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlmodel import Session, col, select

from complaints.io_schemas import ComplaintStats, CountRow, Figure
from complaints.models import Complaint, ComplaintClock
from complaints.vocab import ZH, Channel, ClockKind, ClockStatus, Domain, ItemType, Status, Workflow
from core.errors import ValidationFailed
from oncall import unit_directory

MAX_DAYS = 3 * 366 + 1
UNKNOWN = "（未识别）"


@dataclass(frozen=True)
class Definition:
    """A figure's Chinese name, its definition for the API (English) and for the Chinese
    analysis report."""

    label: str
    text: str
    zh: str


DEFINITIONS: dict[str, Definition] = {
    "on_time_distribution": Definition(
        "按时分送率",
        "items distributed to a handling unit within the distribution limit ÷ items whose "
        "distribution clock has ended or run out (all types)",
        "在分送时限内分送至承办单位的件数 ÷ 分送时限已结束或已届满的件数（各类型）",
    ),
    "on_time_acceptance": Definition(
        "按时受理率",
        "complaints accepted or rejected within the acceptance limit (7 working days, O121 "
        "Art. 15) ÷ complaints whose acceptance clock has ended or run out",
        "在受理时限（7 个工作日，总局令第121号第十五条）内决定受理或不予受理的投诉 "
        "÷ 受理时限已结束或已届满的投诉",
    ),
    "on_time_first_check": Definition(
        "按时初查率",
        "reports whose verification ended (立案 / 不予立案) within the verification limit (15 "
        "working days, +15 when extended) ÷ reports whose verification clock has ended or "
        "run out",
        "在核查时限（15 个工作日，延长的另加 15 个工作日）内核查完毕（立案或不予立案）"
        "的举报 ÷ 核查时限已结束或已届满的举报",
    ),
    "on_time_closure": Definition(
        "按期办结率",
        "items 办结 (closed, or a complaint rejected) with none of their statutory steps late "
        "(each met by its due instant, the close before the due instant of every step still "
        "owed) ÷ items 办结 plus open items with a statutory step already late (all types, "
        "12345 orders included; the internal distribution and 12345 sign-for steps excluded)",
        "办结（已办结，或投诉不予受理）且各法定环节均未超期的件数（每个环节在到期时刻前完成，"
        "尚未完成的环节在其到期时刻前办结）÷ 办结件数加已有法定环节超期的在办件数"
        "（各类型，含 12345 转办工单；不含内部分送环节和 12345 签收环节）",
    ),
    "mediation_success": Definition(
        "调解成功率",
        "complaints handled under Order 121 closed after a mediation agreement ÷ those "
        "complaints 办结 (closed, rejected ones included whether closed yet or not: 不予受理 "
        "ends a complaint); complaints that came as 12345 transfer orders follow the 12345 "
        "loop, are never mediated and count in neither; Baoshan 2021: 490 ÷ 1621 = 30.23%",
        "按总局令第121号办理的投诉中达成调解协议后办结的 ÷ 其中办结的投诉（含作出不予受理"
        "决定的投诉：不予受理即终结投诉）；12345 转办的投诉按 12345 流程办理，不经调解，"
        "不计入分子分母；保山市 2021 年：490 ÷ 1621 = 30.23%",
    ),
    "complaint_to_case": Definition(
        "诉转案率",
        "complaints converted to an enforcement case ÷ complaints received under Order 121 "
        "(12345 transfer orders excluded: they are not mediated, so no clue is found there)",
        "转为行政执法立案的投诉 ÷ 接收的按总局令第121号办理的投诉（不含 12345 转办工单）",
    ),
    "order_on_time_sign_for": Definition(
        "12345 及时签收率",
        "12345 orders signed for within the sign-for limit ÷ orders whose sign-for clock has "
        "ended or run out",
        "在签收时限内签收的 12345 工单 ÷ 签收时限已结束或已届满的工单",
    ),
    "order_on_time_closure": Definition(
        "12345 按时办结率",
        "12345 orders handled and replied to within the reply limit (extension included) ÷ "
        "orders whose reply clock has ended or run out",
        "在答复时限（含延期）内办理并答复的 12345 工单 ÷ 答复时限已结束或已届满的工单",
    ),
}
# figure → (clock kind, workflow the clock must belong to; None: any)
CLOCK_FIGURES: dict[str, tuple[ClockKind, Workflow | None]] = {
    "on_time_distribution": (ClockKind.distribution, None),
    "on_time_acceptance": (ClockKind.acceptance, Workflow.complaint),
    "on_time_first_check": (ClockKind.verification, Workflow.report),
    "order_on_time_sign_for": (ClockKind.sign_for, Workflow.order_12345),
    "order_on_time_closure": (ClockKind.reply, Workflow.order_12345),
}


@dataclass(frozen=True)
class StatsFilter:
    start: date
    end: date
    item_type: ItemType | None = None
    channel: Channel | None = None
    domain: Domain | None = None
    district: str | None = None
    unit_id: int | None = None
    unit_ids: frozenset[int] | None = None  # a handling unit's scope; None: every unit


def period_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start 00:00 local, the day after end 00:00 local) as aware instants."""
    if end < start:
        raise ValidationFailed("to", "the period ends before it starts")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed("to", f"a period covers at most {MAX_DAYS} days")
    return (
        datetime.combine(start, time(0), tz),
        datetime.combine(end + timedelta(days=1), time(0), tz),
    )


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def figure(name: str, numerator: int, denominator: int) -> Figure:
    definition = DEFINITIONS[name]
    return Figure(
        name=name,
        label=definition.label,
        numerator=numerator,
        denominator=denominator,
        rate=rate(numerator, denominator),
        definition=definition.text,
    )


def _conditions(f: StatsFilter, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    lower, upper = period_bounds(f.start, f.end, tz)
    where: list[ColumnElement[bool]] = [
        col(Complaint.received_at) >= lower,
        col(Complaint.received_at) < upper,
    ]
    if f.unit_ids is not None:
        where.append(col(Complaint.unit_id).in_(sorted(f.unit_ids) or [-1]))
    for column, value in (
        (Complaint.item_type, f.item_type),
        (Complaint.channel, f.channel),
        (Complaint.domain, f.domain),
        (Complaint.district, f.district),
        (Complaint.unit_id, f.unit_id),
    ):
        if value is not None:
            where.append(col(column) == value)
    return where


def _count_when(*conditions: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)


def _label(value: object) -> str:
    if value is None:
        return UNKNOWN
    try:
        return ZH[value]  # type: ignore[index]
    except KeyError:
        return str(value)


#: The dimensions counted, in the order of the grouped pass's leading columns.
DIMENSIONS = ("channel", "item_type", "domain", "district", "unit_id", "status")


def _count_rows(counts: Counter[Any], labels: dict[Any, str] | None = None) -> list[CountRow]:
    found = [
        CountRow(
            key=None if key is None else str(getattr(key, "value", key)),
            label=_label(key) if labels is None or key is None else labels.get(key, str(key)),
            count=n,
        )
        for key, n in counts.items()
    ]
    return sorted(found, key=lambda r: (-r.count, r.key or ""))


def _by_dimension(rows: Sequence[Any]) -> dict[str, Counter[Any]]:
    """Each dimension's item counts from the groups (dimension values, then the count)."""
    counts: dict[str, Counter[Any]] = {name: Counter() for name in DIMENSIONS}
    for row in rows:
        n = int(row[len(DIMENSIONS)])
        for name, key in zip(DIMENSIONS, row, strict=False):
            counts[name][key] += n
    return counts


def _clock_figures(
    session: Session, where: list[ColumnElement[bool]], now: datetime
) -> dict[str, Figure]:
    met = col(ComplaintClock.status) == ClockStatus.met
    late_open = and_(
        col(ComplaintClock.status) == ClockStatus.running, col(ComplaintClock.due_at) <= now
    )
    rows = session.exec(
        select(  # type: ignore[call-overload]
            ComplaintClock.kind,
            Complaint.workflow,
            _count_when(met, col(ComplaintClock.on_time).is_(True)),
            _count_when(met),
            _count_when(late_open),
        )
        .join(Complaint, col(Complaint.id) == col(ComplaintClock.complaint_id))
        .where(*where)
        .group_by(col(ComplaintClock.kind), col(Complaint.workflow))
    ).all()
    totals: dict[tuple[ClockKind, Workflow], tuple[int, int]] = {
        (kind, workflow): (int(on_time), int(done) + int(late))
        for kind, workflow, on_time, done, late in rows
    }
    figures = {}
    for name, (kind, workflow) in CLOCK_FIGURES.items():
        parts = [v for (k, w), v in totals.items() if k is kind and (workflow in (None, w))]
        figures[name] = figure(name, sum(p[0] for p in parts), sum(p[1] for p in parts))
    return figures


def compute(
    session: Session, *, filters: StatsFilter, now: datetime, tz: ZoneInfo
) -> ComplaintStats:
    where = _conditions(filters, tz)
    closed = col(Complaint.status) == Status.closed
    complaint = col(Complaint.workflow) == Workflow.complaint
    rejected = and_(complaint, col(Complaint.status) == Status.rejected)
    concluded = or_(closed, rejected)
    dimensions = [col(getattr(Complaint, name)) for name in DIMENSIONS]
    measures = [
        func.count(),
        _count_when(closed),
        _count_when(concluded),
        # a rejected complaint not closed yet owes nothing: on time unless a step was late
        _count_when(
            or_(
                and_(closed, col(Complaint.closed_on_time).is_(True)),
                and_(rejected, ~closed, col(Complaint.closure_due_at).is_(None)),
            )
        ),
        _count_when(~concluded, col(Complaint.closure_due_at) <= now),
        _count_when(complaint),
        _count_when(
            col(Complaint.item_type) == ItemType.complaint,
            col(Complaint.workflow) == Workflow.order_12345,
        ),
        _count_when(complaint, col(Complaint.accepted_at).is_not(None)),
        _count_when(complaint, or_(closed, col(Complaint.status) == Status.rejected)),
        _count_when(complaint, closed, col(Complaint.agreed_at).is_not(None)),
        _count_when(complaint, col(Complaint.converted_to_case).is_(True)),
        _count_when(col(Complaint.case_filed_at).is_not(None)),
        _count_when(col(Complaint.is_emergency).is_(True)),
        _count_when(~closed, col(Complaint.overdue).is_(True)),
        _count_when(col(Complaint.amount_recovered_cents).is_not(None)),
        func.coalesce(func.sum(Complaint.amount_recovered_cents), 0),
    ]
    groups = session.exec(select(*dimensions, *measures).where(*where).group_by(*dimensions)).all()
    totals = [sum(int(g[len(DIMENSIONS) + i]) for g in groups) for i in range(len(measures))]
    (
        total,
        n_closed,
        n_concluded,
        concluded_on_time,
        open_late,
        complaints,
        complaint_orders,
        accepted,
        complaints_closed,
        successes,
        converted,
        cases_filed,
        emergencies,
        overdue_now,
        recovered_items,
        recovered_cents,
    ) = totals
    counts = _by_dimension(groups)
    figures = _clock_figures(session, where, now)
    figures["on_time_closure"] = figure(
        "on_time_closure", concluded_on_time, n_concluded + open_late
    )
    figures["mediation_success"] = figure("mediation_success", successes, complaints_closed)
    figures["complaint_to_case"] = figure("complaint_to_case", converted, complaints)
    return ComplaintStats(
        start=filters.start,
        end=filters.end,
        timezone=str(tz),
        as_of=now,
        total=total,
        complaints=complaints,
        complaint_orders=complaint_orders,
        accepted=accepted,
        closed=n_closed,
        concluded=n_concluded,
        complaints_closed=complaints_closed,
        mediation_successes=successes,
        converted_to_case=converted,
        cases_filed=cases_filed,
        emergencies=emergencies,
        overdue_open=overdue_now,
        losses_recovered_cents=recovered_cents,
        losses_recovered_items=recovered_items,
        by_channel=_count_rows(counts["channel"]),
        by_type=_count_rows(counts["item_type"]),
        by_domain=_count_rows(counts["domain"]),
        by_district=_count_rows(counts["district"]),
        by_unit=_count_rows(
            counts["unit_id"],
            unit_directory.unit_names(session, (u for u in counts["unit_id"] if u is not None)),
        ),
        by_status=_count_rows(counts["status"]),
        figures=[figures[name] for name in DEFINITIONS],
    )
