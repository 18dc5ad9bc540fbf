"""Related items (案源线索): an item received within the window of another item with the same
respondent (credit-code key or name key), phone key or address key joins that item's
cluster. Clusters that a new item bridges are merged into the oldest. The caller commits.

Assignments are serialised (`CLUSTER_LOCK`, held to the commit): two related items registered
at once, by two instances, would otherwise each miss the other's uncommitted row, and two
merges would add to a cluster's size from the same stale count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from complaints import queue
from complaints.models import Complaint, ComplaintCluster
from complaints.schemas import ClusterMember
from core.db import advisory_lock

CLUSTER_LOCK = "complaint clusters"


def _latest_with(key: Any) -> Any:
    """The query for the most recent other item with the same `key` inside the window."""
    return (
        select_columns(col(Complaint.id), col(Complaint.cluster_id))
        .where(
            key == bindparam("value"),
            col(Complaint.received_at) >= bindparam("start"),
            col(Complaint.received_at) <= bindparam("end"),
            col(Complaint.id).not_in(bindparam("skip", expanding=True)),
        )
        .order_by(col(Complaint.id).desc())
        .limit(1)
    )


# built once: every registration runs up to four of them, and building and keying a
# statement cost more than running it
_LATEST = {
    "credit_code": _latest_with(col(Complaint.respondent_key)),
    "name": _latest_with(col(Complaint.respondent_name_key)),
    "phone": _latest_with(col(Complaint.phone_key)),
    "address": _latest_with(col(Complaint.address_key)),
}


def _latest(
    session: Session,
    lookup: str,
    value: str,
    item: Complaint,
    window: timedelta,
    skip: set[int],
) -> tuple[int, int | None] | None:
    """The most recent other item with the same key inside the window: (id, cluster_id)."""
    row = session.execute(
        _LATEST[lookup],
        {
            "value": value,
            "start": item.received_at - window,
            "end": item.received_at + window,
            "skip": sorted(skip),
        },
    ).first()
    return None if row is None or row[0] is None else (row[0], row[1])


def assign(
    session: Session,
    item: Complaint,
    *,
    window: timedelta,
    exclude: set[int],
    now: datetime,
) -> ComplaintCluster | None:
    """Put `item` into the cluster of its related items (creating or merging clusters).

    Every item joins its related items' cluster when it is registered, so for each key the
    most recent related item stands for all of them: one indexed lookup per key (on
    `(key, id)`), however many items share the key."""
    assert item.id is not None
    advisory_lock(session, CLUSTER_LOCK)
    skip = exclude | {item.id}
    # the respondent by credit code (when given) and by name (always): an item naming the
    # business only finds one that gave its credit code, and the other way round
    credit_key = item.respondent_key if item.respondent_key != item.respondent_name_key else None
    hits: dict[str, tuple[int, int | None]] = {}
    reasons: set[str] = set()
    for lookup, reason, value in (
        ("credit_code", "respondent", credit_key),
        ("name", "respondent", item.respondent_name_key),
        ("phone", "phone", item.phone_key),
        ("address", "address", item.address_key),
    ):
        if value:
            found = _latest(session, lookup, value, item, window, skip)
            if found is not None:
                hits[lookup] = found
                reasons.add(reason)
    if not hits:
        return None
    cluster_ids = sorted({c for _, c in hits.values() if c is not None})
    loose = sorted({i for i, c in hits.values() if c is None})
    if cluster_ids:
        cluster = session.get(ComplaintCluster, cluster_ids[0])
        assert cluster is not None
        for other_id in cluster_ids[1:]:
            merged = session.get(ComplaintCluster, other_id)
            session.execute(
                update(Complaint)
                .where(col(Complaint.cluster_id) == other_id)
                .values(cluster_id=cluster.id)
            )
            if merged is not None:
                cluster.size += merged.size
                reasons |= {r for r in merged.reasons.split(",") if r}
                merged.size = 0
                session.add(merged)
    else:
        cluster = ComplaintCluster(created_at=now, updated_at=now, size=0)
        session.add(cluster)
        session.flush()
    if loose:
        session.execute(
            update(Complaint).where(col(Complaint.id).in_(loose)).values(cluster_id=cluster.id)
        )
    item.cluster_id = cluster.id
    session.add(item)
    cluster.size += len(loose) + 1
    cluster.reasons = _merge_reasons(cluster.reasons, reasons)
    cluster.updated_at = now
    session.add(cluster)
    return cluster


def _merge_reasons(current: str, more: Iterable[str]) -> str:
    return ",".join(sorted({r for r in current.split(",") if r} | {r for r in more if r}))


def members(
    session: Session,
    cluster_id: int,
    limit: int = 200,
    *,
    unit_ids: frozenset[int] | None = None,
) -> list[ClusterMember]:
    """Up to `limit` members, oldest first; with a big cluster, the `limit` most recent.
    Only the shown columns are read: the intake answers with the cluster, however big.
    `unit_ids`: a handling-unit user's scope (`queue.scope`): only the members they see."""
    newest = queue.scope(
        select_columns(
            col(Complaint.id),
            col(Complaint.ref),
            col(Complaint.item_type),
            col(Complaint.status),
            col(Complaint.title),
            col(Complaint.respondent_name),
            col(Complaint.received_at),
        )
        .where(col(Complaint.cluster_id) == cluster_id)
        .order_by(col(Complaint.received_at).desc(), col(Complaint.id).desc())
        .limit(limit),
        unit_ids,
    )
    return [ClusterMember(**row._mapping) for row in reversed(session.execute(newest).all())]
