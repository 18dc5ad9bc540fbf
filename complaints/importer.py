"""Bulk import of CSV / Excel rows exported by another platform (全国12315平台, 12345 …).

Each row is converted with the documented column mapping (`complaints.import_columns`),
validated like `POST /api/v1/complaints` and registered through the same service
(`service.register_uncommitted`), inside its own savepoint (`complaints.import_rows`): a bad
row is rolled back and reported with its row number, field, column and reason, and the good
rows are imported.

Invariants:
- Re-importing never duplicates: the row's record number (登记编号 / 工单编号) is unique per
  `source` in `complaint_import_ref`; a row without a number is keyed by a hash of its
  content. An item already registered by hand with the same number on the same channel
  counts as a duplicate too.
- The whole file is read and checked against `MAX_BYTES` and `MAX_ROWS` (413) before any
  row is registered. Rows are then registered in chunks of `CHUNK` rows, each chunk one
  commit, so a long import never holds the database's write lock for minutes; the last
  commit carries one `complaint.import` audit entry with the counts, besides each item's
  own `complaint.register`. If an upload dies half-way, uploading it again imports only the
  rows not yet imported (the dedup key). A dry run does all of it and rolls every chunk
  back (duplicates inside the file are still found).
- A row can lock items registered before (a cluster merge), so the audit entries of a
  chunk are appended at its commit (`audit.hold_to_commit`), after every row lock: holding
  the audit chain's lock from the first row on, the import deadlocked with a handler or the
  supervision tick that had locked such an item and was about to audit it.
- The configuration (rule sets, calendar, dictionary, districts, routing rules) is read once
  per chunk (`complaints.lookups.Lookups`), not once per row.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from complaints import import_columns as columns
from complaints import import_files as files
from complaints import service
from complaints.import_rows import ImportRun
from complaints.io_models import ImportRef
from complaints.io_schemas import ImportOptions, ImportReport
from complaints.lookups import Lookups
from core import audit
from core.errors import DomainError, FieldError, ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000
CHUNK = 200


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UnsupportedFile(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported file type"


def read(content: bytes, filename: str, options: ImportOptions) -> files.Table:
    if len(content) > MAX_BYTES:
        raise PayloadTooLarge(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB: split it")
    try:
        table = files.read_table(content, filename, options.encoding)
    except files.TableError as exc:
        if "not supported" in str(exc):
            raise UnsupportedFile(str(exc)) from None
        raise ValidationFailed("file", str(exc)) from None
    return table


def _check_columns(header_map: columns.HeaderMap, options: ImportOptions) -> None:
    """Every column the rows cannot do without, named at once (422)."""
    present = header_map.fields
    if not present:
        raise ValidationFailed(
            "file", "no known column header was found (see the column mapping in the docs)"
        )
    missing = []
    if "item_type" not in present and options.item_type is None:
        missing.append(FieldError("item_type", "no 诉求类型 column: add it or give item_type"))
    if "channel" not in present and options.channel is None:
        missing.append(FieldError("channel", "no 来源渠道 column: add it or give channel"))
    if "description" not in present:
        missing.append(FieldError("description", "no 问题描述 (description) column"))
    if missing:
        failure = ValidationFailed(missing[0].field, missing[0].reason)
        failure.errors = tuple(missing)
        failure.detail = "missing columns: " + ", ".join(e.field for e in missing)
        raise failure


def import_file(
    session: Session,
    *,
    content: bytes,
    filename: str,
    options: ImportOptions,
    actor: str,
    now: datetime,
    tz: ZoneInfo = service.SHANGHAI,
) -> ImportReport:
    """Import every good row of the file and report every row, a commit per `CHUNK` rows
    (dry run: a rollback per chunk)."""
    table = read(content, filename, options)
    header_map = columns.map_headers(table.headers)
    _check_columns(header_map, options)
    try:
        rows = list(files.data_rows(table, MAX_ROWS))
    except files.TooManyRows as exc:
        raise PayloadTooLarge(str(exc)) from None
    except files.TableError as exc:
        raise ValidationFailed("file", str(exc)) from None
    batch = secrets.token_hex(8)
    audit.hold_to_commit(session)
    run = ImportRun(
        session, header_map=header_map, options=options, batch=batch, actor=actor, now=now, tz=tz
    )
    for start in range(0, len(rows), CHUNK):
        run.lookups = Lookups(session, now=now)
        for number, cells in rows[start : start + CHUNK]:
            run.results.append(run.row(number, cells))
        if start + CHUNK < len(rows):
            if options.dry_run:
                session.rollback()
            else:
                session.commit()
    results = run.results
    report = ImportReport(
        batch=batch,
        dry_run=options.dry_run,
        source=options.source,
        filename=filename[:200],
        file_format=table.file_format,
        encoding=table.encoding,
        rows=len(results),
        imported=sum(r.status == "imported" for r in results),
        duplicates=sum(r.status == "duplicate" for r in results),
        invalid=sum(r.status == "invalid" for r in results),
        items_created=run.items_created,
        emergencies=sum(r.emergency for r in results),
        columns={header: spec.field for _, header, spec in header_map.columns},
        ignored_columns=list(header_map.ignored),
        results=results,
    )
    if options.dry_run:
        session.rollback()
        return report
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.import",
        entity_type="complaint_import",
        entity_id=batch,
        after={
            "source": options.source,
            "filename": report.filename,
            "format": report.file_format,
            "rows": report.rows,
            "imported": report.imported,
            "duplicates": report.duplicates,
            "invalid": report.invalid,
            "items_created": report.items_created,
            "emergencies": report.emergencies,
            "invalid_rows": [r.row for r in results if r.status == "invalid"][:200],
        },
    )
    session.commit()
    return report


def refs_of_batch(session: Session, *, batch: str) -> list[ImportRef]:
    return list(
        session.exec(
            select(ImportRef).where(ImportRef.batch == batch).order_by(col(ImportRef.row_number))
        ).all()
    )
