"""The queue as a spreadsheet (CSV or Excel) for coordinators' and supervisors' reports.

Invariants:
- The rows are the caller's queue: the same filters and unit scope (`queue`), in queue order,
  each item as the reader sees it in a list (`views.public`): a report's reporter identity
  hidden without `complaint.confidential`, agents and representatives likewise, names masked
  for read-only viewers.
- Phone and ID numbers are always masked, whatever the reader's role (`privacy`): the
  submitter's, the agent's and the representatives', and those inside the facts text.
- One export holds at most `MAX_ROWS` items; more matching is a 422 naming `received_from`
  (narrow the period or another filter), before anything is written or sent.
- Every export is audited twice, each entry in a write transaction of its own (the request
  reads in a read transaction, which SQLite may refuse to upgrade): `complaint.export` (who,
  when, format, filters with the search text's numbers masked, the items matched) committed
  before the first row leaves, and `complaint.export.end` when the download ends however it
  ends (done, client gone, failed): the rows actually handed out and whether the file was
  whole. An item that left the reader's scope during the export is not in the file and not
  counted. A start entry without an end entry (the process died) means up to `matched` rows.
- The matching ids are read first (in queue order), then the rows `BATCH` at a time, each
  batch re-checked against the reader's unit scope; no more than one batch is loaded at once
  (the session's identity map holds unchanged rows weakly: a batch goes once unreferenced).
- Headers are Chinese, the bulk import's own (`import_columns`) where the column exists there,
  so a spreadsheet person recognises them and the file can be read back by the import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from complaints import agents, privacy, queue, views
from complaints.import_columns import COLUMNS
from complaints.models import Complaint
from complaints.schemas import ComplaintPublic
from complaints.vocab import CLOCK_ZH, ZH
from core import audit
from core.db import writing_from_here
from core.errors import ValidationFailed
from core.workcal import WorkingCalendar

MAX_ROWS = 100_000
BATCH = 1000

Value = str | int | date | datetime | None


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@dataclass(frozen=True)
class Shown:
    """One item as the reader sees it: the list form, its agent and group fields, and the
    local time zone."""

    item: Complaint
    public: ComplaintPublic
    agent: dict[str, Any]
    hidden: bool  # the reporter's identity is hidden from this reader
    tz: ZoneInfo

    def local(self, at: datetime | None) -> datetime | None:
        return at.astimezone(self.tz).replace(tzinfo=None) if at is not None else None


def _import_header(field: str) -> str:
    """The bulk import's first (Chinese) header of `field`."""
    return next(spec.headers[0] for spec in COLUMNS if spec.field == field)


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _due(s: Shown) -> Value:
    """The deadline as staff read it: the last day of a working-day limit (the stored instant
    is the midnight after it), the local time of an hour limit."""
    due = s.local(s.public.next_due_at)
    if due is None or s.public.next_due_unit == "hours":
        return due
    return (due - timedelta(days=1)).date()


def _representative(index: int, part: str) -> Callable[[Shown], Value]:
    def value(s: Shown) -> Value:
        people = s.agent["representatives"]
        return people[index][part] if index < len(people) else ""

    return value


Column = tuple[str, Callable[[Shown], Value]]


def _remaining(shown: Shown) -> str:
    """What is left on the nearest clock, counted as that clock counts (as the queue shows it)."""
    item = shown.public
    if item.overdue or item.next_due_at is None:
        return ""
    if item.remaining_minutes is not None:
        return f"{item.remaining_minutes // 60}小时{item.remaining_minutes % 60}分钟"
    if item.remaining_days is not None:
        return f"{item.remaining_days}天"
    if item.remaining_working_days is not None:
        return f"{item.remaining_working_days}个工作日"
    return ""


COLUMNS_OUT: tuple[Column, ...] = (
    ("系统编号", lambda s: s.public.ref),
    (_import_header("external_ref"), lambda s: s.public.external_ref or ""),
    (_import_header("item_type"), lambda s: ZH[s.public.item_type]),
    (_import_header("channel"), lambda s: ZH[s.public.channel]),
    (_import_header("received_at"), lambda s: s.local(s.public.received_at)),
    (_import_header("title"), lambda s: s.public.title),
    (_import_header("description"), lambda s: privacy.mask_text_phones(s.item.description)),
    (_import_header("domain"), lambda s: ZH[s.public.domain]),
    (_import_header("urgency"), lambda s: ZH[s.public.urgency]),
    ("紧急事件", lambda s: _yes_no(s.public.is_emergency)),
    ("水电气热", lambda s: _yes_no(s.public.utility)),
    (_import_header("submitter_name"), lambda s: s.public.submitter_name),
    (_import_header("submitter_phone"), lambda s: s.public.submitter_phone or ""),
    (
        _import_header("submitter_id_type"),
        lambda s: "" if s.hidden else s.item.submitter_id_type or "",
    ),
    (
        _import_header("submitter_id_number"),
        lambda s: "" if s.hidden else privacy.mask_id(s.item.submitter_id_number) or "",
    ),
    (_import_header("anonymous"), lambda s: _yes_no(s.public.anonymous)),
    (_import_header("agent_name"), lambda s: s.agent["agent_name"]),
    (_import_header("agent_phone"), lambda s: s.agent["agent_phone"] or ""),
    (_import_header("agent_id_number"), lambda s: s.agent["agent_id_number"] or ""),
    (_import_header("group_size"), lambda s: s.agent["group_size"]),
    (_import_header("representatives.0.name"), _representative(0, "name")),
    (_import_header("representatives.0.phone"), _representative(0, "phone")),
    (_import_header("representatives.1.name"), _representative(1, "name")),
    (_import_header("representatives.1.phone"), _representative(1, "phone")),
    (_import_header("respondent_name"), lambda s: s.public.respondent_name),
    ("所属区县", lambda s: s.public.district or ""),
    ("承办单位", lambda s: s.public.unit_name or ""),
    ("办理状态", lambda s: ZH[s.public.status]),
    (
        "当前时限",
        lambda s: CLOCK_ZH[s.public.next_due_clock] if s.public.next_due_clock else "",
    ),
    ("办理期限", _due),
    ("剩余时间", _remaining),
    ("是否超期", lambda s: _yes_no(s.public.overdue)),
    ("办结时间", lambda s: s.local(s.public.closed_at)),
)
HEADERS: tuple[str, ...] = tuple(header for header, _ in COLUMNS_OUT)
_WIDE = {"问题描述": 60, "标题": 30, "被投诉人": 24, "登记时间": 19, "办理期限": 19, "办结时间": 19}
WIDTHS: tuple[int, ...] = tuple(_WIDE.get(header, 12) for header in HEADERS)


def row(shown: Shown) -> list[Value]:
    return [value(shown) for _, value in COLUMNS_OUT]


# ---- an export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    id: str  # the audit entry's entity id, also in the file name
    ids: list[int]  # the matching items in queue order
    format: ExportFormat


def audit_filters(filters: queue.QueueFilter) -> dict[str, Any]:
    """The filters given, as the audit keeps them: the search text with any phone or ID
    number in it masked (logs mask them too)."""
    given: dict[str, Any] = {}
    for name, value in asdict(filters).items():
        if name == "numbers_hidden_in" or value is None:
            continue
        if name == "text":
            value = privacy.mask_text_phones(value)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = sorted(value)
        given[name] = value
    return given


def start(
    session: Session,
    *,
    filters: queue.QueueFilter,
    viewer: views.Viewer,
    export_format: ExportFormat,
    actor: str,
    now: datetime,
    max_rows: int | None = None,
) -> Export:
    """The matching ids, refused (422, type `export_too_large` with the `total` and the
    `limit`) beyond `max_rows` (default `MAX_ROWS`); audits the export's start (the items
    matched) and commits."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    if (
        filters.received_from is not None
        and filters.received_to is not None
        and filters.received_to <= filters.received_from
    ):
        raise ValidationFailed("received_to", "must be after received_from")
    filters = replace(filters, numbers_hidden_in=views.numbers_hidden_types(viewer))
    unit_ids = viewer.actor.unit_ids
    ids = queue.ordered_ids(session, filters=filters, unit_ids=unit_ids, limit=max_rows + 1)
    if len(ids) > max_rows:
        total = queue.count(session, filters=filters, unit_ids=unit_ids)
        raise ValidationFailed(
            "received_from",
            f"{total} items match and one export holds at most {max_rows}: narrow the period "
            "(received_from, received_to) or another filter",
            type="export_too_large",
            ctx={"total": total, "limit": max_rows},
        )
    export = Export(id=uuid.uuid4().hex[:12], ids=ids, format=export_format)
    writing_from_here(session)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.export",
        entity_type="complaint_export",
        entity_id=export.id,
        after={
            "format": export_format.value,
            "filters": audit_filters(filters),
            "matched": len(ids),
        },
    )
    session.commit()
    return export


def rows(
    session: Session,
    export: Export,
    viewer: views.Viewer,
    *,
    cal: WorkingCalendar,
    now: datetime,
    tz: ZoneInfo,
    batch: int = BATCH,
) -> Iterator[list[Value]]:
    """The export's rows in order, loading `batch` items at a time; an item that left the
    reader's units since the ids were read is left out."""
    for first in range(0, len(export.ids), batch):
        chunk = export.ids[first : first + batch]
        query = select(Complaint).where(col(Complaint.id).in_(chunk))
        loaded = list(session.exec(queue.scope(query, viewer.actor.unit_ids)))
        by_id = {item.id: item for item in loaded}
        units = views.unit_names(session, loaded)
        for item_id in chunk:
            item = by_id.get(item_id)
            if item is None:
                continue
            hidden = views.identity_hidden(item, viewer)
            yield row(
                Shown(
                    item=item,
                    public=views.public(item, viewer, units=units, cal=cal, now=now, tz=tz),
                    agent=agents.shown(item, hidden=hidden, mask_names=viewer.mask_names),
                    hidden=hidden,
                    tz=tz,
                )
            )


class Delivery:
    """What an export's download handed out: `rows`, those in the pieces of the file the
    server took to send (the web layer calls `sent` for each), and whether it took the whole
    file (`whole`). A piece the server took may still not reach a client that goes away at
    that moment: the count errs towards what may have left, never below it."""

    def __init__(self) -> None:
        self._read = 0
        self._through_piece = 0  # rows read up to the end of the piece last handed over
        self.rows = 0
        self.whole = False

    def count(self, rows: Iterable[list[Value]]) -> Iterator[list[Value]]:
        """`rows`, counted as the file writer takes them."""
        for values in rows:
            self._read += 1
            yield values

    def send(self, pieces: Iterable[bytes]) -> Generator[bytes, None, None]:
        """The file's `pieces`, each noting the rows read until then (the server sends one
        piece before it asks for the next, so `sent` always refers to the latest)."""
        for piece in pieces:
            self._through_piece = self._read
            yield piece
        self.whole = True  # asked for more after the last piece: the server took it

    def sent(self) -> None:
        """The server took the latest piece to send."""
        self.rows = self._through_piece


def finish(
    session: Session, export: Export, delivery: Delivery, *, actor: str, now: datetime
) -> None:
    """Audits the end of the export's download with the rows handed out, and commits. Ends
    whatever the session was doing first (the download may have failed in a query)."""
    session.rollback()
    writing_from_here(session)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.export.end",
        entity_type="complaint_export",
        entity_id=export.id,
        after={
            "format": export.format.value,
            "matched": len(export.ids),
            "rows": delivery.rows,
            "whole": delivery.whole,
        },
    )
    session.commit()
