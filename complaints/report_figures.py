"""The figures of an analysis report: the statistics of the period and of the one before,
the daily counts, top businesses and clusters, warnings raised, duty statistics, and the
rule-based focus points drawn from them (every sentence cites a figure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from complaints import duty_signals, hotspots, stats, warnings
from complaints.detect import days_between
from complaints.insight_models import ReportKind
from complaints.models import Complaint, ComplaintCluster
from complaints.report_periods import Period, previous
from escalation import stats as escalation_stats

KIND_ZH = {ReportKind.weekly: "周报", ReportKind.monthly: "月报", ReportKind.quarterly: "季报"}
# What linked a cluster's items (ComplaintCluster.reasons), as the report names it.
CLUSTER_BASIS_ZH = {"respondent": "同一经营者", "phone": "同一电话", "address": "同一地址"}


def cluster_basis(reasons: str) -> str:
    """ "address,respondent" → "同一地址、同一经营者"."""
    return "、".join(CLUSTER_BASIS_ZH.get(r, r) for r in reasons.split(",") if r)


def _change(now: int, before: int) -> float | None:
    return None if before == 0 else round((now - before) / before, 4)


def _top_businesses(
    session: Session, lower: datetime, upper: datetime, limit: int = 10
) -> list[dict[str, object]]:
    key = col(Complaint.respondent_key)
    rows = session.exec(
        select(key, func.max(Complaint.respondent_name), func.count())
        .where(col(Complaint.received_at) >= lower, col(Complaint.received_at) < upper)
        .where(key.is_not(None))
        .group_by(key)
        .order_by(func.count().desc(), key)
        .limit(limit)
    ).all()
    return [{"key": k, "name": name or k, "count": int(n)} for k, name, n in rows]


def _top_clusters(
    session: Session, lower: datetime, upper: datetime, limit: int = 5
) -> list[dict[str, object]]:
    cluster = col(Complaint.cluster_id)
    rows = session.exec(
        select(cluster, func.count(), func.max(Complaint.respondent_name))
        .where(col(Complaint.received_at) >= lower, col(Complaint.received_at) < upper)
        .where(cluster.is_not(None))
        .group_by(cluster)
        .order_by(func.count().desc(), cluster)
        .limit(limit)
    ).all()
    found: list[dict[str, object]] = []
    for cluster_id, n, name in rows:
        row = session.get(ComplaintCluster, cluster_id)
        found.append(
            {
                "id": cluster_id,
                "in_period": int(n),
                "size": row.size if row else int(n),
                "reasons": row.reasons if row else "",
                "basis": cluster_basis(row.reasons) if row else "",
                "respondent": name or "",
            }
        )
    return found


def _daily(session: Session, period: Period, tz: ZoneInfo) -> list[dict[str, object]]:
    counts = hotspots.daily_counts(
        session,
        instant=col(Complaint.received_at),
        key=None,
        where=[],
        start=period.start,
        end=period.end,
        tz=tz,
    )
    return [
        {"day": d.isoformat(), "count": counts.get(("", d), 0)}
        for d in days_between(period.start, period.end)
    ]


def _latency(rows: list[duty_signals.Latency]) -> list[dict[str, object]]:
    return [
        {
            "key": r.key,
            "label": r.label,
            "count": r.count,
            "median_minutes": r.median_minutes,
            "p90_minutes": r.p90_minutes,
        }
        for r in rows
    ]


def _duty(session: Session, lower: datetime, upper: datetime) -> dict[str, Any]:
    by_category, by_severity = duty_signals.incidents_by(session, start=lower, end=upper)
    per_person, per_step, minutes = duty_signals.ack_latency(session, start=lower, end=upper)
    in_time = escalation_stats.in_time(session, start=lower, end=upper)
    ordered = sorted(minutes)
    return {
        "incidents": sum(by_category.values()),
        "by_category": by_category,
        "by_severity": by_severity,
        "acknowledged": len(minutes),
        "ack_median_minutes": round(ordered[len(ordered) // 2], 1) if ordered else None,
        "ack_p90_minutes": (
            round(ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))], 1)
            if ordered
            else None
        ),
        "ack_per_person": _latency(per_person),
        "ack_per_step": _latency(per_step),
        "acknowledged_within_initial_report_limit": (
            in_time.acknowledged_within_initial_report_limit
        ),
        "initial_reported_within_limit": in_time.initial_reported_within_limit,
        "written_reported_within_limit": in_time.written_reported_within_limit,
        "unreachable": duty_signals.unreachable_counts(session, start=lower, end=upper),
    }


def _warnings(session: Session, lower: datetime, upper: datetime) -> dict[str, Any]:
    raised = warnings.raised_between(session, start=lower, end=upper)
    by_level: dict[str, int] = {}
    by_dimension: dict[str, int] = {}
    for w in raised:
        by_level[w.level.value] = by_level.get(w.level.value, 0) + 1
        by_dimension[w.dimension] = by_dimension.get(w.dimension, 0) + 1
    return {
        "raised": len(raised),
        "by_level": by_level,
        "by_dimension": by_dimension,
        "items": [
            {
                "id": w.id,
                "level": w.level.value,
                "dimension": w.dimension,
                "title": w.title,
                "status": w.status.value,
                "first_detected_at": w.first_detected_at.isoformat(),
            }
            for w in raised[:50]
        ],
    }


def focus_points(data: dict[str, Any]) -> list[str]:
    """Rule-based 焦点提示与建议 from the figures (no invention: every sentence cites them)."""
    points: list[str] = []
    current, before = data["stats"], data["previous"]
    change = data["change"]["total"]
    if change is not None and abs(change) >= 0.1:
        trend = "上升" if change > 0 else "下降"
        points.append(
            f"本期接收登记投诉举报咨询共 {current['total']} 件，较上期 {before['total']} 件{trend}"
            f" {abs(change) * 100:.1f}%。"
        )
    else:
        points.append(f"本期接收登记投诉举报咨询共 {current['total']} 件，与上期基本持平。")
    if current["by_domain"]:
        top = current["by_domain"][0]
        share = top["count"] / current["total"] if current["total"] else 0
        points.append(
            f"“{top['label']}”领域最多（{top['count']} 件，占 {share * 100:.1f}%），建议重点关注。"
        )
    if data["top_businesses"]:
        first = data["top_businesses"][0]
        if int(first["count"]) >= 5:
            points.append(
                f"被投诉最多的经营者为“{first['name']}”（{first['count']} 件），建议约谈或检查。"
            )
    for figure in current["figures"]:
        if (
            figure["name"] == "on_time_closure"
            and figure["rate"] is not None
            and figure["rate"] < 0.9
        ):
            points.append(
                f"按期办结率 {figure['rate'] * 100:.1f}%"
                f"（{figure['numerator']}/{figure['denominator']}），低于 90%，"
                "建议对逾期件加强督办。"
            )
    if current["overdue_open"]:
        points.append(f"仍有 {current['overdue_open']} 件在办件已超期，请承办单位尽快办结。")
    if data["warnings"]["raised"]:
        points.append(f"本期共发出预警 {data['warnings']['raised']} 条，请核实处置情况。")
    duty = data["duty"]
    if duty["unreachable"]:
        points.append("本期有呼叫无法送达或升级链用尽的情况，请核对值班人员联系方式。")
    return points


def totals_basis(current: dict[str, Any]) -> str:
    """口径 of 二、总体情况: how complaints that came as 12345 orders and 办结 are counted, so
    that the overview, the breakdown by type and the figures' definitions agree."""
    return (
        f"口径：投诉按类型计，含以 12345 转办工单接收的投诉（{current['complaint_orders']} 件，"
        "按 12345 流程签收、办理、答复，不经受理和调解）；受理、调解成功、诉转案及调解成功率、"
        f"诉转案率只计按总局令第121号办理的投诉（{current['complaints']} 件）。办结：已办结的"
        "各类件，加已作出不予受理决定的投诉（不予受理即终结投诉），按期办结率以此为准；"
        "“其中投诉办结”为调解成功率的分母。"
    )


def build_data(session: Session, *, period: Period, now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    lower, upper = stats.period_bounds(period.start, period.end, tz)
    current = stats.compute(
        session, filters=stats.StatsFilter(start=period.start, end=period.end), now=now, tz=tz
    )
    prior = previous(period)
    earlier = stats.compute(
        session, filters=stats.StatsFilter(start=prior.start, end=prior.end), now=now, tz=tz
    )
    data: dict[str, Any] = {
        "kind": period.kind.value,
        "kind_label": KIND_ZH[period.kind],
        "period_key": period.key,
        "period_title": period.title,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": now.isoformat(),
        "as_of_local": now.astimezone(tz).strftime("%Y-%m-%d %H:%M"),  # shown in the report
        "preliminary": now < upper,  # the period had not ended: a partial count
        "timezone": str(tz),
        "stats": current.model_dump(mode="json"),
        "previous": {
            "period_key": prior.key,
            "total": earlier.total,
            "complaints": earlier.complaints,
            "closed": earlier.closed,
        },
        "change": {
            "total": _change(current.total, earlier.total),
            "complaints": _change(current.complaints, earlier.complaints),
        },
        "daily": _daily(session, period, tz),
        "top_businesses": _top_businesses(session, lower, upper),
        "top_clusters": _top_clusters(session, lower, upper),
        "warnings": _warnings(session, lower, upper),
        "duty": _duty(session, lower, upper),
    }
    data["focus"] = focus_points(data)
    data["totals_basis"] = totals_basis(data["stats"])
    return data
