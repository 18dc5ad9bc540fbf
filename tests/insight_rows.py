"""Fast insertion of complaint rows for the early-warning and report tests and the insight
benchmark: each row is a validated `Complaint` model (so every default applies), written
with one multi-row INSERT per batch instead of the registration service."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from complaints import config
from complaints.models import Complaint
from complaints.vocab import Channel, Domain, ItemType, SaleMode, Status, Urgency, workflow_for

BATCH = 2000


def rule_set_id(session: Session, *, now: datetime) -> int:
    config.ensure_default_rule_sets(session, now=now)
    rule_set = config.rule_set_for(session, day=date(2026, 11, 1), now=now)
    assert rule_set.id is not None
    return rule_set.id


def row(
    number: int,
    received_at: datetime,
    *,
    rule_set: int,
    item_type: ItemType = ItemType.complaint,
    channel: Channel = Channel.hotline_12315,
    domain: Domain = Domain.food,
    district: str | None = "城东区",
    status: Status = Status.registered,
    respondent: str = "好再来超市有限公司",
    title: str = "购买的酸奶标价与结账不符",
    prefix: str = "T",
    **values: Any,
) -> dict[str, Any]:
    item = Complaint(
        ref=f"{prefix}{number:09d}",
        item_type=item_type,
        workflow=workflow_for(item_type, channel),
        channel=channel,
        status=status,
        title=title,
        description=title,
        domain=domain,
        urgency=Urgency.normal,
        sale_mode=SaleMode.offline,
        respondent_name=respondent,
        respondent_key=respondent,
        district=district,
        rule_set_id=rule_set,
        received_at=received_at,
        registered_at=received_at,
        registered_by="import",
        updated_at=received_at,
        **values,
    )
    data = item.model_dump()
    data.pop("id", None)
    return data


def insert_rows(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    total = 0
    for item in rows:
        batch.append(item)
        if len(batch) >= BATCH:
            session.execute(insert(Complaint), batch)
            total += len(batch)
            batch = []
    if batch:
        session.execute(insert(Complaint), batch)
        total += len(batch)
    session.flush()
    return total
