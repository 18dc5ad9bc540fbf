"""The queue exported as CSV or Excel (`complaints.export`). Included before the complaints
router, so `/complaints/export` is not read as an item id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import ClockDep, ComplaintReader, SessionDep, SettingsDep
from api.routers.complaints import QueueFilters, viewer_of
from api.streaming import ClosingStreamingResponse
from complaints import export, export_files
from complaints.export import ExportFormat
from core.calendar_store import load_calendar

router = APIRouter(prefix="/api/v1", tags=["complaints"])

MEDIA_TYPES = {
    ExportFormat.csv: export_files.CSV_MEDIA_TYPE,
    ExportFormat.xlsx: export_files.XLSX_MEDIA_TYPE,
}


@router.get(
    "/complaints/export",
    summary="The queue as a spreadsheet (CSV or Excel), with phone and ID numbers masked",
    description=(
        "The items the queue (`GET /complaints`, same filters) shows the caller, in queue "
        "order, as they see them: a handler their units' items only; a report's reporter, "
        "agent and representatives hidden without `complaint.confidential`; names masked for "
        "viewers. Phone and ID numbers are always masked, in the facts too. Chinese headers "
        "(the bulk import's where the column exists there), times in the centre's time zone. "
        "`format=csv`: UTF-8 with a BOM, CRLF; `format=xlsx`: one sheet; both streamed. "
        f"At most {export.MAX_ROWS:,} items: when more match, a 422 names `received_from` "
        "(narrow the period or another filter). Every export is audited when it starts "
        "(`complaint.export`: who, when, format, filters, items matched) and when its download "
        "ends, however it ends (`complaint.export.end`: the rows handed out, whether whole)."
    ),
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the spreadsheet (a download)",
            "content": {media: {} for media in MEDIA_TYPES.values()},
        }
    },
)
def export_complaints(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintReader,
    filters: QueueFilters,
    export_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.csv,
) -> StreamingResponse:
    now = clock.now()
    viewer = viewer_of(session, who)
    started = export.start(
        session,
        filters=filters,
        viewer=viewer,
        export_format=export_format,
        actor=who.name,
        now=now,
    )
    cal = load_calendar(session)
    delivery = export.Delivery()
    rows = delivery.count(export.rows(session, started, viewer, cal=cal, now=now, tz=settings.tz))
    pieces: Iterator[bytes]
    if export_format is ExportFormat.xlsx:
        pieces = export_files.xlsx_chunks(
            list(export.HEADERS), rows, sheet_title="投诉举报", widths=list(export.WIDTHS)
        )
    else:
        pieces = export_files.csv_chunks(export.HEADERS, rows)

    def audit_end() -> None:
        export.finish(session, started, delivery, actor=who.name, now=clock.now())

    filename = f"complaints-{now.astimezone(settings.tz):%Y%m%d-%H%M}-{started.id}.{export_format}"
    return ClosingStreamingResponse(
        delivery.send(pieces),
        on_sent=delivery.sent,
        on_close=audit_end,
        media_type=MEDIA_TYPES[export_format],
        headers={
            "Content-Disposition": f"attachment; filename={filename}; "
            f"filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )
