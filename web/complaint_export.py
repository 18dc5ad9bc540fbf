"""The queue's export links on the page (`/complaints/export`): the API's export
(`api.routers.complaint_export`, the same filters, scope, masking, limit and audit), at a
page's address, so that a refusal (more items than one export holds, a bad filter) is the
translated HTML error page rather than the API's problem JSON. A successful export is the
same download (an attachment: the browser stays on the queue)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.deps import ClockDep, ComplaintReader, SessionDep, SettingsDep
from api.routers import complaint_export
from api.routers.complaints import QueueFilters
from complaints.export import ExportFormat
from core.users import Permission
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
# The page's own check first: signed out, the page sends to the sign-in page.
Reader = Annotated[WebUser, Depends(RequirePage(Permission.complaint_read))]


@router.get("/complaints/export", response_class=StreamingResponse)
def export_page(
    _: Reader,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintReader,
    filters: QueueFilters,
    export_format: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.csv,
) -> StreamingResponse:
    return complaint_export.export_complaints(
        session=session,
        clock=clock,
        settings=settings,
        who=who,
        filters=filters,
        export_format=export_format,
    )
