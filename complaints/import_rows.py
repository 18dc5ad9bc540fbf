"""One row of a bulk import (`complaints.importer`): its cells converted with the column
mapping (`complaints.import_columns`), validated like `POST /api/v1/complaints`, checked
against the rows before it in the file and the items already registered (the dedup key), and
registered through `service.register_uncommitted` in its own savepoint. An invalid row names
every problem at once: each with its field, column and reason."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from complaints import history, notes, service, validation
from complaints import import_columns as columns
from complaints.import_cells import Cell
from complaints.io_models import ImportRef
from complaints.io_schemas import ImportOptions, ImportRowError, ImportRowResult
from complaints.lookups import Lookups
from complaints.models import Complaint
from complaints.schemas import ComplaintCreate
from complaints.vocab import ItemType
from core.errors import DomainError, pydantic_reason

KEY_LENGTH = 80


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


class ImportRun:
    """The rows of one import: their results, the items created, and the dedup key of each
    row imported so far (a later row with the same key is a duplicate of it)."""

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
