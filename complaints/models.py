"""Complaint tables (SQLModel). API schemas live in `complaints.schemas`.

One `complaint` row per item of any type (投诉, 举报, 咨询, 意见建议, 求助, 12345 orders), with
indexed columns for every statistics dimension (type, channel, domain, district, unit,
status, received_at, closed_at), one timestamp per transition and, per statutory timer, a
`complaint_clock` row (due date and instant, reminder instant, pauses, met/on-time). The
complaint's own history is `complaint_event`; supervision (催办 / 督办) is
`complaint_supervision`. The administrator-editable configuration (rule sets, routing rules,
the term dictionary, unit profiles) is `complaints.config_models`.

Invariants: every state change writes a `complaint_event` row and an audit entry in the same
transaction; `priority` mirrors `urgency` (0 = emergency) so queues sort on one column;
`next_due_at` is the earliest due instant of the item's running clocks (NULL when none).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Enum, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from complaints.vocab import (
    Channel,
    ClockKind,
    ClockStatus,
    Domain,
    ItemType,
    PauseReason,
    RejectionGround,
    SaleMode,
    Status,
    SupervisionKind,
    TerminationReason,
    Urgency,
    Workflow,
)
from core.db import UTCDateTime


def _enum(enum: type[StrEnum], *, nullable: bool = False, index: bool = False) -> Column[str]:
    return Column(Enum(enum, native_enum=False, length=30), nullable=nullable, index=index)


def _utc(*, nullable: bool = True, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class ComplaintCluster(SQLModel, table=True):
    """A group of related items (案源线索): same respondent, phone or address in a window."""

    __tablename__ = "complaint_cluster"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    updated_at: datetime = Field(sa_column=_utc(nullable=False, index=True))
    size: int = 0
    reasons: str = Field(default="", max_length=100)  # e.g. "respondent,phone"


UNIT_QUEUE_WHERE = text("distributed_at IS NOT NULL")


class Complaint(SQLModel, table=True):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_queue", "priority", "next_due_at"),
        Index("ix_complaint_received_type", "received_at", "item_type"),
        Index("ix_complaint_respondent_key_id", "respondent_key", "id"),
        Index("ix_complaint_respondent_name_key_id", "respondent_name_key", "id"),
        Index("ix_complaint_phone_key_id", "phone_key", "id"),
        Index("ix_complaint_address_key_id", "address_key", "id"),
        # a handling unit's queue (`queue.scope`): its count and its page's ids are read from
        # the index alone instead of visiting every open item of every unit
        Index(
            "ix_complaint_unit_queue",
            "unit_id",
            "status",
            "priority",
            "next_due_at",
            "received_at",
            "id",
            postgresql_where=UNIT_QUEUE_WHERE,
            sqlite_where=UNIT_QUEUE_WHERE,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=32, unique=True, index=True)
    item_type: ItemType = Field(sa_column=_enum(ItemType, index=True))
    workflow: Workflow = Field(sa_column=_enum(Workflow))
    channel: Channel = Field(sa_column=_enum(Channel, index=True))
    status: Status = Field(sa_column=_enum(Status, index=True))
    external_ref: str | None = Field(default=None, max_length=64, index=True)

    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    claim: str = Field(default="", sa_column=Column(Text, nullable=False))
    clue: str = Field(default="", sa_column=Column(Text, nullable=False))

    domain: Domain = Field(sa_column=_enum(Domain, index=True))
    domain_confirmed: bool = False
    urgency: Urgency = Field(sa_column=_enum(Urgency))
    priority: int = Field(default=2, index=True)
    is_emergency: bool = Field(default=False, index=True)
    urgency_confirmed: bool = False
    # about water, power, gas or heating (水电气热): a rule set may give such 12345 orders an
    # hour limit (`RuleLimits.order_utility_hours`); from the classifier's utility terms or staff
    utility: bool = False
    classification_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))

    submitter_name: str = Field(default="", max_length=100)
    submitter_phone: str | None = Field(default=None, max_length=32)
    submitter_id_type: str | None = Field(default=None, max_length=20)
    submitter_id_number: str | None = Field(default=None, max_length=40)
    submitter_address: str = Field(default="", max_length=200)
    anonymous: bool = False
    consent_publish: bool = False
    consent_entrusted_mediation: bool = False
    # O121 Art. 11: an agent filing for the complainant; accepted only with the power of
    # attorney received (complaints.agents). Art. 12: a group's one or two representatives.
    agent_name: str = Field(default="", max_length=100)
    agent_phone: str | None = Field(default=None, max_length=32)
    agent_id_type: str | None = Field(default=None, max_length=20)
    agent_id_number: str | None = Field(default=None, max_length=40)
    agent_poa_received: bool = False
    agent_poa_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    group_size: int | None = None
    representative1_name: str = Field(default="", max_length=100)
    representative1_phone: str | None = Field(default=None, max_length=32)
    representative2_name: str = Field(default="", max_length=100)
    representative2_phone: str | None = Field(default=None, max_length=32)

    respondent_name: str = Field(default="", max_length=200)
    respondent_credit_code: str | None = Field(default=None, max_length=32)
    respondent_address: str = Field(default="", max_length=200)
    respondent_registered_address: str = Field(default="", max_length=200)
    sale_mode: SaleMode = Field(sa_column=_enum(SaleMode))
    platform_name: str = Field(default="", max_length=200)
    platform_shown_address: str = Field(default="", max_length=200)
    platform_domicile_address: str = Field(default="", max_length=200)
    occurred_address: str = Field(default="", max_length=200)
    dispute_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    amount_cents: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))

    respondent_key: str | None = Field(default=None, max_length=200)
    # the name key even when `respondent_key` is the credit code: an item that names the
    # business only still finds one that gave its credit code (clusters)
    respondent_name_key: str | None = Field(default=None, max_length=200)
    phone_key: str | None = Field(default=None, max_length=32)
    address_key: str | None = Field(default=None, max_length=200)
    cluster_id: int | None = Field(default=None, foreign_key="complaint_cluster.id", index=True)
    linked_item_id: int | None = Field(default=None, foreign_key="complaint.id")
    # a report made from a violation clue found in this complaint's mediation (O121 Art. 27)
    source_item_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    # the report this one repeats (O121 Art. 35): closed at once, or merged into it
    repeat_of_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)

    district: str | None = Field(default=None, max_length=100, index=True)
    district_source: str = Field(default="", max_length=30)
    received_by_district: str | None = Field(default=None, max_length=100)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    routing_rule_id: int | None = None
    routing_note: str = Field(default="", max_length=300)
    # the routing note as parts (complaints.notes); NULL on rows written before them
    routing_note_parts: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )

    rule_set_id: int = Field(foreign_key="complaint_rule_set.id")
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)

    received_at: datetime = Field(sa_column=_utc(nullable=False, index=True))
    registered_at: datetime = Field(sa_column=_utc(nullable=False))
    registered_by: str = Field(max_length=100)
    updated_at: datetime = Field(sa_column=_utc(nullable=False))
    distributed_at: datetime | None = Field(default=None, sa_column=_utc())
    signed_for_at: datetime | None = Field(default=None, sa_column=_utc())
    accepted_at: datetime | None = Field(default=None, sa_column=_utc())
    rejected_at: datetime | None = Field(default=None, sa_column=_utc())
    mediation_started_at: datetime | None = Field(default=None, sa_column=_utc())
    agreed_at: datetime | None = Field(default=None, sa_column=_utc())
    terminated_at: datetime | None = Field(default=None, sa_column=_utc())
    verification_started_at: datetime | None = Field(default=None, sa_column=_utc())
    case_filed_at: datetime | None = Field(default=None, sa_column=_utc())
    not_filed_at: datetime | None = Field(default=None, sa_column=_utc())
    returned_at: datetime | None = Field(default=None, sa_column=_utc())
    replied_at: datetime | None = Field(default=None, sa_column=_utc())
    closed_at: datetime | None = Field(default=None, sa_column=_utc(index=True))

    next_due_at: datetime | None = Field(default=None, sa_column=_utc(index=True))
    next_due_clock: ClockKind | None = Field(
        default=None, sa_column=_enum(ClockKind, nullable=True)
    )
    # that clock's unit ("working", "calendar", "hours"): an hour clock shows hours left
    next_due_unit: str | None = Field(default=None, max_length=10)
    closure_due_at: datetime | None = Field(default=None, sa_column=_utc())
    closed_on_time: bool | None = None
    overdue: bool = Field(default=False, index=True)
    overdue_since: datetime | None = Field(default=None, sa_column=_utc())
    supervision_count: int = 0
    criticism_count: int = 0  # 12345 通报批评 (a reminder ignored), shown in the queue

    returned_count: int = 0
    return_reason: str = Field(default="", max_length=300)
    taken_over_by_superior: bool = False
    converted_to_case: bool = False
    referred_to_police: bool = False
    rejection_ground: RejectionGround | None = Field(
        default=None, sa_column=_enum(RejectionGround, nullable=True)
    )
    termination_reason: TerminationReason | None = Field(
        default=None, sa_column=_enum(TerminationReason, nullable=True)
    )
    pause_reason: PauseReason | None = Field(
        default=None, sa_column=_enum(PauseReason, nullable=True)
    )
    paused_since: datetime | None = Field(default=None, sa_column=_utc())
    verification_extended: bool = False
    # O121 Arts. 18–19: both parties' answers, recorded when mediation starts; the body a
    # mediation was entrusted to ("" when the bureau mediates itself)
    complainant_mediation_consent: bool | None = None
    respondent_mediation_consent: bool | None = None
    mediation_entrusted_to: str = Field(default="", max_length=200)
    reply_extended: bool = False
    result: str = Field(default="", sa_column=Column(Text, nullable=False))
    amount_recovered_cents: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True)
    )


class ComplaintEvent(SQLModel, table=True):
    """The item's own history: one row per state change, routing change or note."""

    __tablename__ = "complaint_event"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    at: datetime = Field(sa_column=_utc(nullable=False))
    actor: str = Field(max_length=100)
    action: str = Field(max_length=40)
    from_status: Status | None = Field(default=None, sa_column=_enum(Status, nullable=True))
    to_status: Status | None = Field(default=None, sa_column=_enum(Status, nullable=True))
    unit_id: int | None = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    # a system-written note as parts (complaints.notes); NULL for staff's words and old rows
    note_parts: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )


class ComplaintClock(SQLModel, table=True):
    """One statutory timer of one item. Day deadlines are whole days: `due_on` is the last
    local day, `due_at` the instant it ends (local midnight after it), in UTC. An hour clock
    (unit "hours") is due at `started_at` + `limit` hours; its `due_on` is that local day."""

    __tablename__ = "complaint_clock"
    __table_args__ = (
        UniqueConstraint("complaint_id", "kind"),
        Index("ix_complaint_clock_due", "status", "due_at"),
        Index("ix_complaint_clock_remind", "status", "remind_at"),
        Index("ix_complaint_clock_kind_met", "kind", "met_at"),
        Index("ix_complaint_clock_criticise", "status", "criticise_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: ClockKind = Field(sa_column=_enum(ClockKind))
    status: ClockStatus = Field(sa_column=_enum(ClockStatus))
    started_on: date = Field(sa_column=Column(Date, nullable=False))
    limit: int
    unit: str = Field(max_length=10)  # "working", "calendar" or "hours"
    # an hour clock's start instant (it counts elapsed hours from it); NULL for day clocks
    started_at: datetime | None = Field(default=None, sa_column=_utc())
    extension: int = 0
    paused_units: int = 0
    # the finished pauses counted in `paused_units`, as JSON [["from", "to"], …] (ISO days),
    # so that a pause overlapping an earlier one adds only the days not yet counted; the
    # testing periods among them are repeated as ["from", "to", "testing"] to be told apart
    pauses_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    paused_since: datetime | None = Field(default=None, sa_column=_utc())
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    due_at: datetime = Field(sa_column=_utc(nullable=False))
    remind_at: datetime | None = Field(default=None, sa_column=_utc())
    met_at: datetime | None = Field(default=None, sa_column=_utc())
    on_time: bool | None = None
    reminded_at: datetime | None = Field(default=None, sa_column=_utc())
    overdue_at: datetime | None = Field(default=None, sa_column=_utc())
    # 12345 orders: when an ignored reminder brings written criticism, and when it did
    criticise_at: datetime | None = Field(default=None, sa_column=_utc())
    criticised_at: datetime | None = Field(default=None, sa_column=_utc())


class Supervision(SQLModel, table=True):
    """A reminder (催办) or supervision record (督办) created by the supervision tick."""

    __tablename__ = "complaint_supervision"
    __table_args__ = (UniqueConstraint("clock_id", "kind", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    clock_id: int = Field(foreign_key="complaint_clock.id")
    kind: SupervisionKind = Field(sa_column=_enum(SupervisionKind))
    clock_kind: ClockKind = Field(sa_column=_enum(ClockKind))
    due_at: datetime = Field(sa_column=_utc(nullable=False))
    at: datetime = Field(sa_column=_utc(nullable=False, index=True))
    unit_id: int | None = None
    person_id: int | None = None
    group: str | None = Field(default=None, max_length=64)
    notification_id: int | None = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    note_parts: list[dict[str, Any]] | None = Field(  # complaints.notes; NULL on older rows
        default=None, sa_column=Column(JSON, nullable=True)
    )
