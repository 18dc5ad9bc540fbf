"""Weekly, monthly and quarterly analysis reports (投诉举报分析报告), on schedule and on demand.

Periods are local calendar periods: ISO weeks (Monday–Sunday, key `2026-W48`), months
(`2026-11`) and quarters (`2026-Q4`). The figures come from `complaints.stats.compute` for the
same period and instant, so a report's numbers equal the statistics API's
(`GET /complaints/stats?from=…&to=…`) at its `as_of`; trends, top businesses and clusters,
warnings raised and duty statistics are added beside them. Periods live in
`complaints.report_periods`, the figures in `complaints.report_figures`; this module claims,
builds and stores the reports.

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
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from complaints import report_render
from complaints.insight_models import AnalysisReport, ReportKind, ReportStatus
from complaints.report_figures import build_data
from complaints.report_periods import Period, is_preliminary, latest_complete
from core import audit
from core.errors import Conflict, NotFound

log = logging.getLogger("dutydesk.reports")
SessionFactory = Callable[..., AbstractContextManager[Session]]
STALE = timedelta(minutes=15)
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_SCHEDULED_ATTEMPTS = 3


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
