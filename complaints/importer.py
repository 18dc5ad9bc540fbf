"""Bulk import of CSV / Excel rows exported by another platform (全国12315平台, 12345 …).

Each row is converted with the documented column mapping (`complaints.import_columns`),
validated like `POST /api/v1/complaints` and registered through the same service
(`service.register_uncommitted`), inside its own savepoint: a bad row is rolled back and
reported with its row number, field, column and reason, and the good rows are imported.

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

import hashlib
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from complaints import history, notes, service, validation
from complaints import import_columns as columns
from complaints import import_files as files
from complaints.import_cells import Cell
from complaints.io_models import ImportRef
from complaints.io_schemas import (
    ImportOptions,
    ImportReport,
    ImportRowError,
    ImportRowResult,
)
from complaints.lookups import Lookups
from complaints.models import Complaint
from complaints.schemas import ComplaintCreate
from complaints.vocab import ItemType
from core import audit
from core.errors import DomainError, FieldError, ValidationFailed, pydantic_reason

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000
CHUNK = 200
KEY_LENGTH = 80


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UnsupportedFile(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported file type"


def dedup_key(values: dict[str, object], cells: list[Cell]) -> str:
    ref = values.get("external_ref")
    if isinstance(ref, str) and ref.strip():
        return ref.strip()[:KEY_LENGTH]
    digest = hashlib.sha256(columns.fingerprint_source(cells).encode("utf-8")).hexdigest()
    return "row:" + digest[:40]


def _apply_defaults(values: dict[str, object], options: ImportOptions) -> None:
    if "channel" not in values and options.channel is not None:
        values["channel"] = options.channel.value
    if "item_type" not in values and options.item_type is not None:
        values["item_type"] = options.item_type.value
    if values.get("item_type") == columns.MIXED:
        # 投诉举报: a complaint that also reports a violation (split by the service, Art. 9)
        values["item_type"] = ItemType.complaint.value
        values.setdefault("clue", values.get("description", ""))


def _errors_of(exc: ValidationError, header_map: columns.HeaderMap) -> list[ImportRowError]:
    found = []
    for error in exc.errors():
        loc = error.get("loc", ())
        name = ".".join(str(p) for p in loc) if loc else "row"  # representatives.1.phone
        found.append(
            ImportRowError(
                field=name, column=header_map.column_of(name), reason=pydantic_reason(error)
            )
        )
    return found


def _fields(errors: list[ImportRowError]) -> set[str]:
    return {e.field for e in errors}


def _domain_errors(exc: DomainError, header_map: columns.HeaderMap) -> list[ImportRowError]:
    errors = getattr(exc, "errors", ()) or ()
    if not errors:
        return [ImportRowError(field="row", column=None, reason=exc.detail)]
    return [
        ImportRowError(field=e.field, column=header_map.column_of(e.field), reason=e.reason)
        for e in errors
    ]


def _existing(session: Session, *, source: str, key: str, data: ComplaintCreate) -> list[Complaint]:
    """Items this record was already registered as (by an earlier import or by hand)."""
    ref = session.exec(
        select(ImportRef).where(ImportRef.source == source, ImportRef.external_key == key)
    ).first()
    if ref is not None:
        first = session.get(Complaint, ref.complaint_id)
        found = [first] if first is not None else []
    elif data.external_ref:
        found = list(
            session.exec(
                select(Complaint)
                .where(
                    Complaint.external_ref == data.external_ref,
                    Complaint.channel == data.channel,
                )
                .order_by(col(Complaint.id))
                .limit(2)
            ).all()
        )
    else:
        found = []
    linked = [
        item
        for f in found
        if f.linked_item_id is not None
        and f.linked_item_id not in {x.id for x in found}
        and (item := session.get(Complaint, f.linked_item_id)) is not None
    ]
    return [*found, *linked]


class _Run:
    def __init__(
        self,
        session: Session,
        *,
        header_map: columns.HeaderMap,
        options: ImportOptions,
        batch: str,
        actor: str,
        now: datetime,
        tz: ZoneInfo,
    ) -> None:
        self.session, self.header_map, self.options = session, header_map, options
        self.batch, self.actor, self.now, self.tz = batch, actor, now, tz
        self.results: list[ImportRowResult] = []
        self.items_created = 0
        self.seen: dict[str, ImportRowResult] = {}  # dedup key → the row that had it first
        self.lookups = Lookups(session, now=now)

    def row(self, number: int, cells: list[Cell]) -> ImportRowResult:
        values, cell_errors = columns.convert_row(self.header_map, cells, self.tz)
        _apply_defaults(values, self.options)
        external_ref = values.get("external_ref")
        result = ImportRowResult(
            row=number,
            status="invalid",
            external_ref=external_ref if isinstance(external_ref, str) else None,
        )
        errors = [
            ImportRowError(field=e.field, column=e.column, reason=e.reason) for e in cell_errors
        ]
        bad_fields = {e.field for e in errors}
        try:
            data = ComplaintCreate.model_validate(
                {k: v for k, v in values.items() if k not in bad_fields}
            )
        except ValidationError as exc:
            more = [e for e in _errors_of(exc, self.header_map) if e.field not in bad_fields]
            result.errors = errors + more + self._missing(values, bad_fields | _fields(more))
            return result
        if errors:
            result.errors = errors + self._missing(values, bad_fields)
            return result
        key = dedup_key(values, cells)
        first = self.seen.get(key)
        if first is not None:
            result.status, result.duplicate_of_row = "duplicate", first.row
            result.refs = list(first.refs)
            return result
        existing = _existing(self.session, source=self.options.source, key=key, data=data)
        if existing:
            result.status, result.refs = "duplicate", [i.ref for i in existing]
            return result
        result = self._register(result, data, key)
        if result.status == "imported":
            self.seen[key] = result
        return result

    def _missing(self, values: dict[str, object], invalid: set[str]) -> list[ImportRowError]:
        """The required fields the row also lacks, so that it names every problem at once."""
        column_of = self.header_map.column_of
        return [
            ImportRowError(field=e.field, column=column_of(e.field), reason=e.reason)
            for e in validation.missing_alongside(values, invalid)
        ]

    def _register(
        self, result: ImportRowResult, data: ComplaintCreate, key: str
    ) -> ImportRowResult:
        session = self.session
        try:
            with session.begin_nested():
                items = service.register_uncommitted(
                    session,
                    data=data,
                    actor=self.actor,
                    now=self.now,
                    tz=self.tz,
                    lookups=self.lookups,
                )
                first = items[0]
                assert first.id is not None
                session.add(
                    ImportRef(
                        source=self.options.source,
                        external_key=key,
                        complaint_id=first.id,
                        batch=self.batch,
                        row_number=result.row,
                        imported_at=self.now,
                        imported_by=self.actor,
                    )
                )
                for item in items:
                    history.add(
                        session,
                        item,
                        at=self.now,
                        actor=self.actor,
                        action="import",
                        note=[
                            notes.part(
                                "import.row",
                                source=self.options.source,
                                key=key,
                                row=result.row,
                                batch=self.batch,
                            )
                        ],
                    )
                session.flush()
        except DomainError as exc:
            result.errors = _domain_errors(exc, self.header_map)
            return result
        except IntegrityError:
            result.errors = [
                ImportRowError(
                    field="external_ref",
                    column=self.header_map.column_of("external_ref"),
                    reason="imported at the same moment by another upload (duplicate)",
                )
            ]
            return result
        self.items_created += len(items)
        result.status = "imported"
        result.refs = [] if self.options.dry_run else [i.ref for i in items]
        result.emergency = any(i.is_emergency for i in items)
        result.incident_ids = (
            []
            if self.options.dry_run
            else [i.incident_id for i in items if i.incident_id is not None]
        )
        return result


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
    run = _Run(
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
