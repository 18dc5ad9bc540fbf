"""Complaint rows written straight to the tables, for statistics tests and the benchmark's
bulk load: a whole item (every NOT NULL column filled consistently) with its clocks, without
going through registration. `item_row` / `clock_row` build plain dicts; `insert_items`
writes them with executemany."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session

from complaints.clocks import closure_deadline
from complaints.models import Complaint, ComplaintClock
from complaints.vocab import (
    Channel,
    ClockKind,
    ClockStatus,
    Domain,
    ItemType,
    SaleMode,
    Status,
    Urgency,
    Workflow,
    workflow_for,
)

TZ = ZoneInfo("Asia/Shanghai")
PREFIX = {"complaint": "TS", "report": "JB", "consultation": "ZX", "suggestion": "JY", "help": "QZ"}


@dataclass
class Clock:
    kind: ClockKind
    due_at: datetime
    met_at: datetime | None = None  # None: still running
    status: ClockStatus | None = None  # default: met when met_at, else running


@dataclass(frozen=True)
class _State:  # what `closure_deadline` reads of a clock
    kind: ClockKind
    status: ClockStatus
    due_at: datetime
    on_time: bool | None


def _state(clock: Clock) -> _State:
    met = None if clock.met_at is None else clock.met_at < clock.due_at
    return _State(clock.kind, _status(clock), clock.due_at, met)


@dataclass
class Item:
    received_at: datetime
    item_type: ItemType = ItemType.complaint
    channel: Channel = Channel.hotline_12315
    domain: Domain = Domain.food
    district: str | None = "城东区"
    unit_id: int | None = None
    status: Status = Status.registered
    clocks: list[Clock] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # any other column


def item_row(item: Item, *, item_id: int, rule_set_id: int) -> dict[str, Any]:
    workflow = workflow_for(item.item_type, item.channel)
    local: date = item.received_at.astimezone(TZ).date()
    running = [c for c in item.clocks if _status(c) is ClockStatus.running]
    first = min(running, key=lambda c: c.due_at) if running else None
    row: dict[str, Any] = {
        "id": item_id,
        "ref": f"{PREFIX[item.item_type.value]}{local:%Y%m%d}{item_id:07d}",
        "item_type": item.item_type,
        "workflow": workflow,
        "channel": item.channel,
        "status": item.status,
        "external_ref": None,
        "title": "统计测试件",
        "description": "统计测试件",
        "claim": "退款" if item.item_type is ItemType.complaint else "",
        "clue": "线索" if item.item_type is ItemType.report else "",
        "domain": item.domain,
        "domain_confirmed": True,
        "urgency": Urgency.normal,
        "priority": Urgency.normal.priority,
        "is_emergency": False,
        "urgency_confirmed": False,
        "classification_json": "{}",
        "submitter_name": "测试",
        "submitter_phone": "13800000000",
        "submitter_id_type": None,
        "submitter_id_number": None,
        "submitter_address": "测试地址",
        "anonymous": False,
        "consent_publish": False,
        "consent_entrusted_mediation": False,
        "respondent_name": "测试商户",
        "respondent_credit_code": None,
        "respondent_address": f"{item.district or ''}测试路1号",
        "respondent_registered_address": "",
        "sale_mode": SaleMode.offline,
        "platform_name": "",
        "platform_shown_address": "",
        "platform_domicile_address": "",
        "occurred_address": "",
        "dispute_date": None,
        "amount_cents": None,
        "respondent_key": None,
        "respondent_name_key": None,
        "phone_key": None,
        "address_key": None,
        "cluster_id": None,
        "linked_item_id": None,
        "district": item.district,
        "district_source": "respondent",
        "received_by_district": None,
        "unit_id": item.unit_id,
        "routing_rule_id": None,
        "routing_note": "",
        "rule_set_id": rule_set_id,
        "incident_id": None,
        "received_at": item.received_at,
        "registered_at": item.received_at,
        "registered_by": "bulk",
        "updated_at": item.received_at,
        "next_due_at": first.due_at if first else None,
        "next_due_clock": first.kind if first else None,
        "closure_due_at": closure_deadline(_state(c) for c in item.clocks),
        "closed_on_time": None,
        "overdue": False,
        "overdue_since": None,
        "supervision_count": 0,
        "returned_count": 0,
        "return_reason": "",
        "taken_over_by_superior": False,
        "converted_to_case": False,
        "referred_to_police": False,
        "rejection_ground": None,
        "termination_reason": None,
        "pause_reason": None,
        "paused_since": None,
        "verification_extended": False,
        "reply_extended": False,
        "result": "",
        "amount_recovered_cents": None,
    }
    for name in (
        "distributed_at",
        "signed_for_at",
        "accepted_at",
        "rejected_at",
        "mediation_started_at",
        "agreed_at",
        "terminated_at",
        "verification_started_at",
        "case_filed_at",
        "not_filed_at",
        "returned_at",
        "replied_at",
        "closed_at",
    ):
        row[name] = None
    unknown = set(item.values) - set(row) - set(Complaint.model_fields)
    assert not unknown, f"not complaint columns: {unknown}"
    row.update(item.values)
    if row["closed_at"] is not None and row["closed_on_time"] is None:  # as `close` decides
        deadline = row["closure_due_at"]
        row["closed_on_time"] = deadline is None or row["closed_at"] < deadline
    return row


def _status(clock: Clock) -> ClockStatus:
    if clock.status is not None:
        return clock.status
    return ClockStatus.running if clock.met_at is None else ClockStatus.met


def clock_row(clock: Clock, *, complaint_id: int, started: datetime) -> dict[str, Any]:
    status = _status(clock)
    return {
        "complaint_id": complaint_id,
        "kind": clock.kind,
        "status": status,
        "started_on": started.astimezone(TZ).date(),
        "limit": 7,
        "unit": "working",
        "extension": 0,
        "paused_units": 0,
        "paused_since": None,
        "due_on": (clock.due_at.astimezone(TZ) - timedelta(days=1)).date(),
        "due_at": clock.due_at,
        "remind_at": None,
        "met_at": clock.met_at,
        "on_time": None if clock.met_at is None else clock.met_at < clock.due_at,
        "reminded_at": None,
        "overdue_at": None,
    }


def insert_items(
    session: Session, items: Sequence[Item], *, rule_set_id: int, first_id: int
) -> list[int]:
    """Insert the items and their clocks (executemany); returns the ids used. The caller
    commits."""
    rows, clocks = [], []
    for offset, item in enumerate(items):
        item_id = first_id + offset
        rows.append(item_row(item, item_id=item_id, rule_set_id=rule_set_id))
        clocks += [
            clock_row(c, complaint_id=item_id, started=item.received_at) for c in item.clocks
        ]
    session.execute(insert(Complaint), rows)
    if clocks:
        session.execute(insert(ComplaintClock), clocks)
    return [first_id + i for i in range(len(items))]


__all__ = ["Clock", "Item", "Workflow", "insert_items", "item_row", "clock_row"]
