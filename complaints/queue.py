"""The work queue: filters over the indexed columns, emergencies first, then urgency, then
the nearest deadline (items without a running clock last), then the oldest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from complaints import search
from complaints.models import Complaint
from complaints.vocab import Channel, Domain, ItemType, Status


@dataclass(frozen=True)
class QueueFilter:
    status: Status | None = None
    statuses: frozenset[Status] | None = None  # any of these (an inbox: what the unit holds)
    state: str = "open"  # open, closed, all (`in_scope`): `status` narrows it, never widens it
    item_type: ItemType | None = None
    channel: Channel | None = None
    domain: Domain | None = None
    district: str | None = None
    unit_id: int | None = None
    overdue: bool | None = None
    emergency: bool | None = None
    due_before: datetime | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    cluster_id: int | None = None
    text: str | None = None
    # the item types whose free text the reader sees with phone and ID numbers masked
    # (`views.numbers_hidden_types`): a `text` with a digit in it does not search the free
    # text of those items, so no part of a number the reader cannot see finds them
    numbers_hidden_in: frozenset[ItemType] = frozenset()


def in_scope(state: str, status: Status) -> bool:
    """Whether items in `status` can be among the `state` scope's: open (未尽事项) is every
    state short of closed (办结), closed is closed, all is all.

    A rejected (不予受理), agreed or terminated complaint, a decided report and a replied
    order are open: the complaint ends there in law, but the unit still owes its 办结 (the
    notice of the rejection with the Art. 39 routes, of the termination within 7 working
    days, the result), which the workflow records by closing it (DOMAIN.md §2: 办结 counts
    rejected items). A status outside the scope finds nothing: it does not replace it."""
    if state == "open":
        return status is not Status.closed
    if state == "closed":
        return status is Status.closed
    return True


def _has_digit(needle: str) -> bool:
    return any(c.isdigit() for c in needle)


def scope(query: Any, unit_ids: frozenset[int] | None) -> Any:
    """`query` limited to the items a handling-unit user sees (`actions.Actor.sees`): those
    distributed to one of `unit_ids`; None: every item."""
    if unit_ids is None:
        return query
    return query.where(
        col(Complaint.unit_id).in_(sorted(unit_ids) or [-1]),
        col(Complaint.distributed_at).is_not(None),
    )


def _where(session: Session, query: Any, f: QueueFilter, unit_ids: frozenset[int] | None) -> Any:
    query = scope(query, unit_ids)
    if f.statuses is not None:
        query = query.where(col(Complaint.status).in_(sorted(f.statuses)))
    if f.status is not None:
        query = query.where(Complaint.status == f.status)
    # the scope holds with a status too (`in_scope`): open items in state closed are none
    if f.state == "open":
        query = query.where(Complaint.status != Status.closed)
    elif f.state == "closed":
        query = query.where(Complaint.status == Status.closed)
    for column, value in (
        (Complaint.item_type, f.item_type),
        (Complaint.channel, f.channel),
        (Complaint.domain, f.domain),
        (Complaint.district, f.district),
        (Complaint.unit_id, f.unit_id),
        (Complaint.overdue, f.overdue),
        (Complaint.is_emergency, f.emergency),
        (Complaint.cluster_id, f.cluster_id),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    if f.due_before is not None:
        query = query.where(col(Complaint.next_due_at) < f.due_before)
    if f.received_from is not None:
        query = query.where(col(Complaint.received_at) >= f.received_from)
    if f.received_to is not None:
        query = query.where(col(Complaint.received_at) < f.received_to)
    if f.text:
        needle = f.text.strip()
        search.plan_per_needle(session)
        narrowed = search.narrow(session, needle)
        if narrowed is not None:
            query = query.where(narrowed)
        # the letter case of the needle never matters: SQLite's LIKE ignores it (ASCII), and
        # PostgreSQL's ILIKE, which its trigram indexes answer as they do LIKE
        fold = session.get_bind().dialect.name == "postgresql"

        def has(column: Any) -> Any:
            field = col(column)
            return (
                field.icontains(needle, autoescape=True)
                if fold
                else field.contains(needle, autoescape=True)
            )

        in_description = has(Complaint.description)
        if f.numbers_hidden_in and _has_digit(needle):
            # a reader who sees an item's numbers masked cannot find it by any of their
            # digits either (a few known digits plus one guessed would reveal the rest);
            # the ref, title, respondent and external ref are shown in full and still match
            in_description = and_(
                in_description, col(Complaint.item_type).not_in(sorted(f.numbers_hidden_in))
            )
        query = query.where(
            or_(
                has(Complaint.ref),
                has(Complaint.title),
                in_description,
                has(Complaint.respondent_name),
                has(Complaint.external_ref),
            )
        )
    return query


def list_items(
    session: Session,
    *,
    filters: QueueFilter,
    unit_ids: frozenset[int] | None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[Complaint]]:
    """The total and one page. The page's ids are sorted and cut first, then only those rows
    are loaded: sorting whole rows (free text included) for a deep page of 100,000 items
    made the database carry every row before the offset through its sort."""
    total = count(session, filters=filters, unit_ids=unit_ids)
    ids = ordered_ids(session, filters=filters, unit_ids=unit_ids, limit=limit, offset=offset)
    if not ids:
        return total, []
    rows = {c.id: c for c in session.exec(select(Complaint).where(col(Complaint.id).in_(ids)))}
    return total, [rows[i] for i in ids if i in rows]


def count(session: Session, *, filters: QueueFilter, unit_ids: frozenset[int] | None) -> int:
    return int(
        session.exec(
            _where(session, select(func.count()).select_from(Complaint), filters, unit_ids)
        ).one()
    )


def ordered_ids(
    session: Session,
    *,
    filters: QueueFilter,
    unit_ids: frozenset[int] | None,
    limit: int,
    offset: int = 0,
) -> list[int]:
    """The ids of the matching items in queue order, `limit` of them from `offset`."""
    return list(
        session.exec(
            _where(session, select(Complaint.id), filters, unit_ids)
            .order_by(
                col(Complaint.priority),
                col(Complaint.next_due_at).is_(None),
                col(Complaint.next_due_at),
                col(Complaint.received_at),
                col(Complaint.id),
            )
            .offset(offset)
            .limit(limit)
        ).all()
    )
