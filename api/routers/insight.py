"""Early warnings, analysis reports and their settings (complaints.warnings,
.warning_detection, .reports)."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from api.deps import (
    ClockDep,
    InsightConfigurer,
    ReportGenerator,
    ReportReader,
    SessionDep,
    SettingsDep,
    WarningHandler,
    WarningReader,
)
from complaints import insight_config, report_periods, reports, warning_detection, warnings
from complaints.detect import WarningLevel
from complaints.insight_config import Dimension, InsightSettings
from complaints.insight_models import AnalysisReport, EarlyWarning, ReportKind, WarningStatus
from complaints.insight_schemas import (
    DetectionRun,
    ReportCreate,
    ReportDetail,
    ReportPublic,
    WarningClose,
    WarningDetail,
    WarningPage,
    WarningPublic,
)
from core.errors import Conflict
from core.types import MAX_ID

router = APIRouter(prefix="/api/v1", tags=["early warning and reports"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def warning_detail(warning: EarlyWarning) -> WarningDetail:
    return WarningDetail.model_validate(
        WarningPublic.model_validate(warning).model_dump()
        | {"evidence": json.loads(warning.evidence_json or "{}")}
    )


@router.get("/warnings", summary="Early warnings, newest first")
def list_warnings(
    session: SessionDep,
    _: WarningReader,
    status_: Annotated[WarningStatus | None, Query(alias="status")] = None,
    dimension: Dimension | None = None,
    level: WarningLevel | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> WarningPage:
    rows, total = warnings.list_warnings(
        session,
        status=status_,
        dimension=dimension.value if dimension else None,
        level=level,
        limit=limit,
        offset=offset,
    )
    return WarningPage(total=total, items=[WarningPublic.model_validate(r) for r in rows])


@router.post(
    "/warnings/run",
    summary="Run detection now (also runs hourly); windows end on the last complete day",
)
def run_detection(
    session: SessionDep, clock: ClockDep, settings: SettingsDep, _: WarningHandler
) -> DetectionRun:
    result = warning_detection.run_detection(session, now=clock.now(), tz=settings.tz)
    return DetectionRun.model_validate(result, from_attributes=True)


@router.get("/warnings/{warning_id}", summary="One warning with its evidence")
def get_warning(session: SessionDep, _: WarningReader, warning_id: Id) -> WarningDetail:
    return warning_detail(warnings.get(session, warning_id=warning_id))


@router.post("/warnings/{warning_id}/acknowledge", summary="Acknowledge (idempotent; audited)")
def acknowledge_warning(
    session: SessionDep, clock: ClockDep, who: WarningHandler, warning_id: Id
) -> WarningDetail:
    warning = warnings.acknowledge(session, warning_id=warning_id, actor=who.name, now=clock.now())
    return warning_detail(warning)


@router.post(
    "/warnings/{warning_id}/close",
    summary="Close with a note (audited); a later rise opens a new warning",
)
def close_warning(
    session: SessionDep,
    clock: ClockDep,
    who: WarningHandler,
    warning_id: Id,
    body: WarningClose | None = None,
) -> WarningDetail:
    warning = warnings.close(
        session,
        warning_id=warning_id,
        actor=who.name,
        now=clock.now(),
        note=body.note if body else "",
    )
    return warning_detail(warning)


@router.get("/insight/settings", summary="Detection and report settings")
def get_settings(session: SessionDep, _: WarningReader) -> InsightSettings:
    return insight_config.load(session)


@router.put("/insight/settings", summary="Replace the detection and report settings (audited)")
def put_settings(
    session: SessionDep, clock: ClockDep, who: InsightConfigurer, body: InsightSettings
) -> InsightSettings:
    return insight_config.save(session, settings=body, actor=who.name, now=clock.now())


# ---- reports ------------------------------------------------------------------------------------


def report_public(row: AnalysisReport, tz: ZoneInfo) -> ReportPublic:
    assert row.id is not None
    return ReportPublic(
        preliminary=report_periods.is_preliminary(row, tz),
        id=row.id,
        kind=row.kind,
        period_key=row.period_key,
        period_start=row.period_start,
        period_end=row.period_end,
        status=row.status,
        trigger=row.trigger,
        requested_by=row.requested_by,
        created_at=row.created_at,
        finished_at=row.finished_at,
        as_of=row.as_of,
        revision=row.revision,
        attempts=row.attempts,
        has_html=row.html is not None,
        has_pdf=row.pdf is not None,
        pdf_error=row.pdf_error,
        error=row.error,
        html_url=f"/api/v1/reports/{row.id}/html",
        pdf_url=f"/api/v1/reports/{row.id}/pdf",
    )


@router.get("/reports", summary="Analysis reports, newest period first")
def list_reports(
    session: SessionDep,
    settings: SettingsDep,
    _: ReportReader,
    kind: ReportKind | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[ReportPublic]:
    return [
        report_public(r, settings.tz)
        for r in reports.list_reports(session, kind=kind, limit=limit, offset=offset)
    ]


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    summary="Generate (or regenerate) a report for a period now",
    description="Builds the report in this request (a monthly report over 100,000 items takes "
    "a few seconds) and stores its figures, HTML and PDF. 409 while another build of the same "
    "report runs; 422 naming `period` for a period that has not begun. The running period is "
    "reported as a preliminary report (`preliminary`), which the scheduled run rebuilds once "
    "the period has ended.",
)
def create_report(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ReportGenerator,
    body: ReportCreate,
) -> ReportDetail:
    period = report_periods.requested_period(
        body.kind, body.period, today=clock.now().astimezone(settings.tz).date()
    )
    session.commit()  # end the sign-in check's transaction: the build opens its own sessions
    factory = request.app.state.session_factory
    row = reports.generate(
        partial(factory),
        period=period,
        actor=who.name,
        trigger="demand",
        now=clock.now,
        tz=settings.tz,
        font=settings.report_font,
    )
    assert row is not None
    return report_detail(row, settings.tz)


def report_detail(row: AnalysisReport, tz: ZoneInfo) -> ReportDetail:
    data = json.loads(row.data_json) if row.data_json else None
    return ReportDetail.model_validate(report_public(row, tz).model_dump() | {"data": data})


@router.get("/reports/{report_id}", summary="One report with its figures")
def get_report(
    session: SessionDep, settings: SettingsDep, _: ReportReader, report_id: Id
) -> ReportDetail:
    return report_detail(reports.get(session, report_id=report_id), settings.tz)


def _filename(row: AnalysisReport, suffix: str) -> str:
    return f"dutydesk-{row.kind.value}-{row.period_key}.{suffix}"


@router.get(
    "/reports/{report_id}/html",
    summary="Download the report as a self-contained HTML file",
    response_class=HTMLResponse,
)
def report_html(session: SessionDep, _: ReportReader, report_id: Id) -> Response:
    row = reports.get(session, report_id=report_id)
    if row.html is None:
        raise Conflict(f"report {report_id} has no HTML yet (status {row.status.value})")
    return Response(
        row.html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(row, "html")}"'},
    )


@router.get(
    "/reports/{report_id}/pdf",
    summary="Download the report as PDF",
    responses={200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)
def report_pdf(session: SessionDep, _: ReportReader, report_id: Id) -> Response:
    row = reports.get(session, report_id=report_id)
    if row.pdf is None:
        reason = row.pdf_error or f"status {row.status.value}"
        raise Conflict(f"report {report_id} has no PDF: {reason}")
    return Response(
        row.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_filename(row, "pdf")}"'},
    )
