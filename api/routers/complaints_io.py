"""Complaint interoperability and figures: bulk import (CSV / Excel), statistics with the
efficiency figures, and the Open311 clients' API keys. Included before the complaints
router, so `/complaints/import` and `/complaints/stats` are not read as an item id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile, status

from api.deps import (
    ClockDep,
    ComplaintConfigurer,
    ComplaintReader,
    ComplaintWriter,
    SessionDep,
    SettingsDep,
)
from complaints import importer, open311_clients, service, stats
from complaints.io_schemas import (
    ComplaintStats,
    ImportOptions,
    ImportReport,
    Open311ClientCreate,
    Open311ClientCreated,
    Open311ClientPublic,
)
from complaints.vocab import Channel, Domain, ItemType
from core.errors import Forbidden, ValidationFailed
from core.types import MAX_ID, BoundedDate
from core.users import Role

router = APIRouter(prefix="/api/v1", tags=["complaints: import, statistics, Open311 clients"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/complaints/import",
    summary="Bulk import of CSV (UTF-8 or GB18030/GBK) or .xlsx rows; reports each bad row",
    description=(
        "Each row is registered like `POST /complaints`; bad rows are reported (row number, "
        "field, column, reason) and the good ones imported, in one commit. A record number "
        "(登记编号 / 工单编号) is unique per `source`: re-importing a file registers nothing "
        "twice. `dry_run` checks everything and stores nothing. At most "
        f"{importer.MAX_BYTES // (1024 * 1024)} MiB and {importer.MAX_ROWS} rows (413). "
        "Column mapping: docs/complaint-import.md."
    ),
)
def import_complaints(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintWriter,
    file: Annotated[UploadFile, File(description="a .csv or .xlsx file")],
    source: Annotated[str, Form(pattern=r"^[A-Za-z0-9_\-.]{1,40}$")] = "12315",
    dry_run: Annotated[bool, Form()] = False,
    channel: Annotated[Channel | None, Form()] = None,
    item_type: Annotated[ItemType | None, Form()] = None,
    encoding: Annotated[str | None, Form(pattern=r"^(utf-8|gb18030|gbk)$")] = None,
) -> ImportReport:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > importer.MAX_BYTES + 64 * 1024:
        raise importer.PayloadTooLarge(
            f"the upload is larger than {importer.MAX_BYTES // (1024 * 1024)} MiB: split it"
        )
    content = file.file.read(importer.MAX_BYTES + 1)
    options = ImportOptions.model_validate(
        {
            "source": source,
            "dry_run": dry_run,
            "channel": channel,
            "item_type": item_type,
            "encoding": encoding,
        }
    )
    return importer.import_file(
        session,
        content=content,
        filename=file.filename or "upload",
        options=options,
        actor=who.name,
        now=clock.now(),
        tz=settings.tz,
    )


@router.get(
    "/complaints/stats",
    summary="Counts and efficiency figures over a period (received_at, local dates)",
    description=(
        "Counts by channel, type, domain, district, unit and status of the items received "
        "from `from` to `to` (local dates, both included; default: this month so far), and "
        "the efficiency figures, each with numerator, denominator, rate and definition:\n\n"
        + "\n".join(
            f"- **{d.label}** (`{name}`): {d.text}" for name, d in stats.DEFINITIONS.items()
        )
        + "\n\nA clock rate counts the items whose timer has ended (met) or run out; paused "
        "and cancelled clocks count in neither part. Handling-unit users see their units only."
    ),
)
def complaint_stats(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintReader,
    start: Annotated[BoundedDate | None, Query(alias="from")] = None,
    end: Annotated[BoundedDate | None, Query(alias="to")] = None,
    item_type: Annotated[ItemType | None, Query(alias="type")] = None,
    channel: Channel | None = None,
    domain: Domain | None = None,
    district: Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[^\x00]*$")] = (
        None
    ),
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ComplaintStats:
    now = clock.now()
    today = now.astimezone(settings.tz).date()
    first = start or (end or today).replace(day=1)
    last = end or max(first, today)
    scope = None
    if who.user.role is Role.handler:
        assert who.user.id is not None
        scope = service.handler_units(session, user_id=who.user.id)
        if unit_id is not None and unit_id not in scope:
            raise Forbidden(f"unit {unit_id} is not one of your units")
    filters = stats.StatsFilter(
        start=first,
        end=last,
        item_type=item_type,
        channel=channel,
        domain=domain,
        district=district,
        unit_id=unit_id,
        unit_ids=scope,
    )
    if last < first:
        raise ValidationFailed("to", "the period ends before it starts")
    return stats.compute(session, filters=filters, now=now, tz=settings.tz)


def _client_public(client: object) -> Open311ClientPublic:
    return Open311ClientPublic.model_validate(client)


@router.get("/open311/clients", summary="Open311 clients (API keys shown by their last 4)")
def list_open311_clients(session: SessionDep, _: ComplaintConfigurer) -> list[Open311ClientPublic]:
    return [_client_public(c) for c in open311_clients.list_clients(session)]


@router.post(
    "/open311/clients",
    status_code=status.HTTP_201_CREATED,
    summary="Issue an Open311 API key (shown once) for an integration",
)
def create_open311_client(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, body: Open311ClientCreate
) -> Open311ClientCreated:
    client, key = open311_clients.create_client(session, data=body, actor=who.name, now=clock.now())
    return Open311ClientCreated.model_validate(
        _client_public(client).model_dump() | {"api_key": key}
    )


@router.post("/open311/clients/{client_id}/revoke", summary="Revoke an Open311 API key")
def revoke_open311_client(
    session: SessionDep, clock: ClockDep, who: ComplaintConfigurer, client_id: Id
) -> Open311ClientPublic:
    client = open311_clients.revoke_client(
        session, client_id=client_id, actor=who.name, now=clock.now()
    )
    return _client_public(client)
