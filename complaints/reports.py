"""Weekly, monthly and quarterly analysis reports (投诉举报分析报告), on schedule and on demand.

Periods are local calendar periods: ISO weeks (Monday–Sunday, key `2026-W48`), months
(`2026-11`) and quarters (`2026-Q4`). The figures come from `complaints.stats.compute` for the
same period and instant, so a report's numbers equal the statistics API's
(`GET /complaints/stats?from=…&to=…`) at its `as_of`; trends, top businesses and clusters,
warnings raised and duty statistics are added beside them.

The database is the truth (docs/adr/0007): one `analysis_report` row per (kind, period),
unique. A build first claims the row with a compare-and-set update (status `running`, a claim
time; a claim older than `STALE` is taken over), commits, reads the figures in a read
session, renders HTML and PDF, then stores everything and commits. The scheduled job asks for
the latest complete period of each kind and builds only what is missing, so a run missed
while the service was down is made up at start-up and several instances never build the
same report twice. A missing font never fails a report: the HTML is stored and the PDF's
absence is explained in `pdf_error`.

A period that has not begun is refused (422 naming `period`). The period still running may
be reported on demand, but only as a preliminary report (初步统计, `preliminary`: built before
the period ended, marked so in its figures, HTML and PDF); the scheduled run rebuilds it
once the period has ended, so the final report always covers the whole period.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from complaints import duty_signals, hotspots, report_render, stats, warnings
from complaints.detect import days_between
from complaints.insight_models import AnalysisReport, ReportKind, ReportStatus
from complaints.models import Complaint, ComplaintCluster
from core import audit
from core.errors import Conflict, NotFound, ValidationFailed
from escalation import stats as escalation_stats

log = logging.getLogger("dutydesk.reports")
SessionFactory = Callable[..., AbstractContextManager[Session]]
STALE = timedelta(minutes=15)
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_SCHEDULED_ATTEMPTS = 3
KIND_ZH = {ReportKind.weekly: "周报", ReportKind.monthly: "月报", ReportKind.quarterly: "季报"}
# What linked a cluster's items (ComplaintCluster.reasons), as the report names it.
CLUSTER_BASIS_ZH = {"respondent": "同一经营者", "phone": "同一电话", "address": "同一地址"}


def cluster_basis(reasons: str) -> str:
    """ "address,respondent" → "同一地址、同一经营者"."""
    return "、".join(CLUSTER_BASIS_ZH.get(r, r) for r in reasons.split(",") if r)


@dataclass(frozen=True)
class Period:
    kind: ReportKind
    key: str
    start: date
    end: date

    @property
    def title(self) -> str:
        if self.kind is ReportKind.weekly:
            return f"{self.start:%Y年%m月%d日}—{self.end:%m月%d日}"
        if self.kind is ReportKind.monthly:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"


def period_of(kind: ReportKind, day: date) -> Period:
    """The period of `kind` that contains `day`."""
    if kind is ReportKind.weekly:
        start = day - timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return Period(kind, f"{year}-W{week:02d}", start, start + timedelta(days=6))
    if kind is ReportKind.monthly:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(kind, f"{day.year}-{day.month:02d}", start, following - timedelta(days=1))
    quarter = (day.month - 1) // 3
    start = date(day.year, 3 * quarter + 1, 1)
    following = (start + timedelta(days=95)).replace(day=1)
    return Period(kind, f"{day.year}-Q{quarter + 1}", start, following - timedelta(days=1))


def previous(period: Period) -> Period:
    return period_of(period.kind, period.start - timedelta(days=1))


def latest_complete(kind: ReportKind, today: date) -> Period:
    """The most recent period of `kind` that ended before `today`."""
    return previous(period_of(kind, today))


def parse_period(kind: ReportKind, text: str) -> Period:
    """`2026-W48` (weekly), `2026-11` (monthly), `2026-Q4` (quarterly), or any date
    (YYYY-MM-DD) inside the period."""
    try:
        if len(text) == 10:
            return period_of(kind, date.fromisoformat(text))
        if kind is ReportKind.weekly and "-W" in text:
            year, week = text.split("-W")
            return period_of(kind, date.fromisocalendar(int(year), int(week), 1))
        if kind is ReportKind.monthly and len(text) == 7:
            return period_of(kind, date.fromisoformat(f"{text}-01"))
        if kind is ReportKind.quarterly and "-Q" in text:
            year, quarter = text.split("-Q")
            if 1 <= int(quarter) <= 4:
                return period_of(kind, date(int(year), 3 * int(quarter) - 2, 1))
    except ValueError:
        pass
    examples = {"weekly": "2026-W48", "monthly": "2026-11", "quarterly": "2026-Q4"}
    raise ValidationFailed(
        "period", f"not a {kind.value} period: write {examples[kind.value]} or a date YYYY-MM-DD"
    )


def requested_period(kind: ReportKind, text: str, *, today: date) -> Period:
    """The period asked for on demand (`parse_period`); one that has not begun by `today`
    (local) is refused: it has no figures yet."""
    period = parse_period(kind, text)
    if period.start > today:
        raise ValidationFailed(
            "period",
            f"{period.key} has not begun (today is {today.isoformat()}): a report covers a "
            "period that has ended, or the running one as a preliminary report",
        )
    return period


def period_end(period_end_day: date, tz: ZoneInfo) -> datetime:
    """The instant a period ending on `period_end_day` (local) is over."""
    return datetime.combine(period_end_day + timedelta(days=1), time(0), tz)


def is_preliminary(row: AnalysisReport, tz: ZoneInfo) -> bool:
    """Built before its period ended (a partial count the scheduled run will replace)."""
    return row.as_of is not None and row.as_of < period_end(row.period_end, tz)


# ---- the figures -----------------------------------------------------------------------------


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
    return data


# ---- claiming and storing --------------------------------------------------------------------


def find(session: Session, period: Period) -> AnalysisReport | None:
    return session.exec(
        select(AnalysisReport).where(
            AnalysisReport.kind == period.kind, AnalysisReport.period_key == period.key
        )
    ).first()


def claim(
    session: Session,
    *,
    period: Period,
    actor: str,
    trigger: str,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
) -> AnalysisReport | None:
    """Claim the (kind, period) row for a build and commit; None when there is nothing to do
    (scheduled: already built after its period ended, or given up) or another build holds it
    (scheduled). A preliminary report (built before its period ended) is rebuilt by the
    schedule. On demand, a running build elsewhere is a Conflict."""
    row = find(session, period)
    if row is None:
        row = AnalysisReport(
            kind=period.kind,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            status=ReportStatus.running,
            trigger=trigger,
            requested_by=actor,
            created_at=now,
            claimed_at=now,
            attempts=1,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # another instance created it a moment ago
            row = find(session, period)
            if row is None:
                raise
        else:
            audit.record(
                session,
                at=now,
                actor=actor,
                action="report.request",
                entity_type="analysis_report",
                entity_id=row.id,
                after={"kind": period.kind.value, "period": period.key, "trigger": trigger},
            )
            session.commit()
            return row
    if trigger == "schedule" and (
        (row.status is ReportStatus.done and not is_preliminary(row, tz))
        or (row.status is ReportStatus.failed and row.attempts >= MAX_SCHEDULED_ATTEMPTS)
    ):
        return None
    claimed = session.execute(
        update(AnalysisReport)
        .where(col(AnalysisReport.id) == row.id)
        .where(
            or_(
                col(AnalysisReport.status) != ReportStatus.running,
                col(AnalysisReport.claimed_at) < now - STALE,
            )
        )
        .values(
            status=ReportStatus.running,
            claimed_at=now,
            attempts=AnalysisReport.attempts + 1,
            requested_by=actor,
            trigger=trigger,
        )
    )
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        if trigger == "schedule":
            return None
        raise Conflict(f"the {period.kind.value} report {period.key} is being generated")
    audit.record(
        session,
        at=now,
        actor=actor,
        action="report.request",
        entity_type="analysis_report",
        entity_id=row.id,
        after={"kind": period.kind.value, "period": period.key, "trigger": trigger},
    )
    session.commit()
    session.refresh(row)
    return row


def _store(
    session: Session,
    *,
    report_id: int,
    data: dict[str, Any],
    html: str,
    pdf: bytes | None,
    pdf_error: str | None,
    now: datetime,
    actor: str,
) -> AnalysisReport:
    row = session.get(AnalysisReport, report_id)
    assert row is not None
    row.status = ReportStatus.done
    row.data_json = json.dumps(data, ensure_ascii=False)
    row.html, row.pdf, row.pdf_error, row.error = html, pdf, pdf_error, None
    row.as_of = datetime.fromisoformat(data["as_of"])
    row.finished_at = now
    row.revision += 1
    session.add(row)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="report.generate",
        entity_type="analysis_report",
        entity_id=report_id,
        after={
            "kind": row.kind.value,
            "period": row.period_key,
            "revision": row.revision,
            "total": data["stats"]["total"],
            "preliminary": data["preliminary"],
            "pdf": pdf is not None,
        },
    )
    session.commit()
    return row


def _fail(session: Session, *, report_id: int, error: str, now: datetime) -> None:
    row = session.get(AnalysisReport, report_id)
    if row is None:
        return
    row.status, row.error, row.finished_at = ReportStatus.failed, error[:500], now
    session.add(row)
    session.commit()


def generate(
    open_session: SessionFactory,
    *,
    period: Period,
    actor: str,
    trigger: str,
    now: Callable[[], datetime],
    tz: ZoneInfo,
    font: str | None,
) -> AnalysisReport | None:
    """Claim, build, render and store one report. None when a scheduled build is not needed."""
    with open_session(write=True) as session:
        row = claim(session, period=period, actor=actor, trigger=trigger, now=now(), tz=tz)
        if row is None:
            return None
        assert row.id is not None
        report_id = row.id
    try:
        with open_session(write=False) as session:
            data = build_data(session, period=period, now=now(), tz=tz)
        html = report_render.html(data)
        pdf, pdf_error = report_render.pdf_or_error(data, font)
    except Exception as exc:
        log.exception("report %s %s failed", period.kind.value, period.key)
        with open_session(write=True) as session:
            _fail(session, report_id=report_id, error=f"{type(exc).__name__}: {exc}", now=now())
        raise
    with open_session(write=True) as session:
        return _store(
            session,
            report_id=report_id,
            data=data,
            html=html,
            pdf=pdf,
            pdf_error=pdf_error,
            now=now(),
            actor=actor,
        )


def run_due(
    open_session: SessionFactory,
    *,
    now: Callable[[], datetime],
    tz: ZoneInfo,
    font: str | None,
    kinds: list[ReportKind],
) -> list[str]:
    """Build the latest complete period of each kind if it is missing (or failed and still
    worth retrying). Returns the keys built. Safe to run in every instance at once."""
    built = []
    today = now().astimezone(tz).date()
    for kind in kinds:
        period = latest_complete(kind, today)
        try:
            row = generate(
                open_session,
                period=period,
                actor="schedule",
                trigger="schedule",
                now=now,
                tz=tz,
                font=font,
            )
        except Exception:  # one failed report must not stop the others (it is recorded)
            continue
        if row is not None:
            built.append(f"{kind.value}:{period.key}")
    return built


# ---- reads -----------------------------------------------------------------------------------


def get(session: Session, *, report_id: int) -> AnalysisReport:
    row = session.get(AnalysisReport, report_id)
    if row is None:
        raise NotFound(f"report {report_id} not found")
    return row


def list_reports(
    session: Session, *, kind: ReportKind | None = None, limit: int = 100, offset: int = 0
) -> list[AnalysisReport]:
    query = select(AnalysisReport)
    if kind is not None:
        query = query.where(AnalysisReport.kind == kind)
    return list(
        session.exec(
            query.order_by(col(AnalysisReport.period_start).desc(), col(AnalysisReport.kind))
            .offset(offset)
            .limit(limit)
        ).all()
    )
