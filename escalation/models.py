"""Incident, timeline and notification-outbox tables, people's own notification rules, the
stored emergency plans, and their API schemas."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Enum,
    Index,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime
from core.types import ContactPhone, LongText, OptionalShortText, ShortText, StrictBool
from escalation.equipment import EquipmentType, LossYuan, PeopleCount
from escalation.policy import Severity
from escalation.state import IncidentStatus
from oncall.dutylog_models import UTCInstant
from oncall.models import SkillPublic


class Category(StrEnum):
    special_equipment = "special_equipment"
    food_safety = "food_safety"
    drug_safety = "drug_safety"
    mass_event = "mass_event"
    other = "other"


#: The categories as the centre names them (SMS texts, complaint notes, reports, warnings).
CATEGORY_ZH = {
    Category.special_equipment.value: "特种设备",
    Category.food_safety.value: "食品安全",
    Category.drug_safety.value: "药品安全",
    Category.mass_event.value: "群体性事件",
    Category.other.value: "其他",
}


class NoticeTopic(StrEnum):
    """What a notification is about: an incident page, or a notice that pages nobody."""

    incident = "incident"
    roster = "roster"  # a published roster or a repair that changes someone's shifts
    complaint = "complaint"  # reminders (催办) and supervision (督办) of complaint handling
    warning = "warning"  # early warnings to the leadership group


class IncidentReportKind(StrEnum):
    """Reports to superiors go initial → follow-up → final; phone first, written later."""

    initial = "initial"  # the first (usually phone) report: meets the initial-report clock
    written = "written"  # the written report: meets the written-report clock
    follow_up = "follow_up"
    final = "final"


class ReportMethod(StrEnum):
    phone = "phone"
    written = "written"  # a signed document (公文)
    fax = "fax"
    email = "email"
    system = "system"  # an upstream information-reporting system
    in_person = "in_person"


class NotificationStatus(StrEnum):
    pending = "pending"  # waiting to be sent (or retried)
    sending = "sending"  # claimed by a tick; the provider call is under way
    sent = "sent"  # the provider accepted it
    delivered = "delivered"
    failed = "failed"  # permanent failure (fallback created where possible)
    cancelled = "cancelled"  # the incident was acknowledged or resolved before sending


def _enum(enum: type[StrEnum]) -> Column[str]:
    return Column(Enum(enum, native_enum=False, length=20), nullable=False)


def _utc(nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Incident(SQLModel, table=True):
    # the list's keyset order (escalation.listing): a page is read from the index, not sorted
    __table_args__ = (Index("ix_incident_opened_at_id", "opened_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    category: Category = Field(sa_column=_enum(Category))
    severity: Severity = Field(sa_column=Column(Enum(Severity, native_enum=False, length=4)))
    place: str = Field(default="", max_length=200, index=True)
    caller_name: str = Field(default="", max_length=200)
    caller_phone: str | None = Field(default=None, max_length=20)
    complaint_ref: str | None = Field(default=None, max_length=64)
    status: IncidentStatus = Field(sa_column=_enum(IncidentStatus))
    short_code: str = Field(max_length=8, index=True)
    policy_json: str = Field(sa_column=Column(Text, nullable=False))
    state_json: str = Field(sa_column=Column(Text, nullable=False))
    initial_report_minutes: int
    written_report_minutes: int
    next_wakeup_at: datetime | None = Field(default=None, sa_column=_utc(True, index=True))
    opened_at: datetime = Field(sa_column=_utc())
    opened_by: str = Field(max_length=100)
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc(True))
    acknowledged_by: str | None = Field(default=None, max_length=100)
    resolved_at: datetime | None = Field(default=None, sa_column=_utc(True))
    # copies of the first initial and written reports' times (escalation.reporting keeps
    # them), so clocks and statistics need no join
    initial_reported_at: datetime | None = Field(default=None, sa_column=_utc(True))
    written_reported_at: datetime | None = Field(default=None, sa_column=_utc(True))
    duplicate_reports: int = 0
    escalate_requested: bool = False  # press 2 / "esc": the next tick climbs at once
    # special-equipment accident details (TZ50 Art. 10; escalation.equipment), all optional
    equipment_type: EquipmentType | None = Field(
        default=None,
        sa_column=Column(Enum(EquipmentType, native_enum=False, length=20), nullable=True),
    )
    equipment_user: str = Field(default="", max_length=200)  # the unit using the equipment
    deaths: int | None = None
    serious_injuries: int | None = None
    people_at_risk: int | None = None  # trapped or otherwise at risk
    direct_loss_yuan: int | None = Field(default=None, sa_column=Column(BigInteger))
    measures_taken: str = Field(default="", sa_column=Column(Text, nullable=False))
    explosion_or_overturn: bool = False  # a boiler/pressure vessel exploded, a crane overturned


class IncidentEvent(SQLModel, table=True):
    __tablename__ = "incident_event"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    at: datetime = Field(sa_column=_utc())
    kind: str = Field(max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(default="system", max_length=100)
    notification_id: int | None = Field(default=None, foreign_key="notification.id")
    # the key of the text's phrase and the values it says (escalation.timeline_keys), so a
    # page words it without parsing the English; NULL and {} on entries written before keys
    key: str | None = Field(default=None, max_length=60)
    values: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=sql_text("'{}'")),
    )


class IncidentReport(SQLModel, table=True):
    """A report made to a superior body or person about an incident (上报)."""

    __tablename__ = "incident_report"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    kind: IncidentReportKind = Field(sa_column=_enum(IncidentReportKind))
    reported_at: datetime = Field(sa_column=_utc())
    reported_to: str = Field(max_length=200)
    method: ReportMethod = Field(sa_column=_enum(ReportMethod))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    reported_by: str = Field(max_length=100)  # the acting user's name, as on the timeline
    user_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(sa_column=_utc())  # when it was entered (may be later)


class Notification(SQLModel, table=True):
    """One message to one person or group: an incident page or a notice (no incident).

    Notices carry `topic` and `subject_ref` (e.g. "roster:12"); their `channel` is
    `default` (the configured person channel) or `group`, resolved when sent."""

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    topic: NoticeTopic = Field(default=NoticeTopic.incident, sa_column=_enum(NoticeTopic))
    subject_ref: str | None = Field(default=None, max_length=64, index=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    kind: str = Field(max_length=20)  # sms, voice, broadcast
    channel: str = Field(max_length=20)  # twilio, outbox
    to: str = Field(max_length=100)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: NotificationStatus = Field(sa_column=_enum(NotificationStatus))
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_utc(index=True))
    claimed_at: datetime | None = Field(default=None, sa_column=_utc(True))
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    provider_status: str | None = Field(default=None, max_length=30)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=_utc())
    sent_at: datetime | None = Field(default=None, sa_column=_utc(True))


class WebhookReceipt(SQLModel, table=True):
    """A signed provider reply acted on (the SHA-256 of its URL and signature): one that
    comes again (a replay, or the provider's retry) is acted on no more while it is kept
    (escalation.webhook_receipts)."""

    __tablename__ = "webhook_receipt"

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True)
    path: str = Field(max_length=100)
    # indexed for the retention job (escalation.webhook_receipts.prune)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class PersonNotifyRule(SQLModel, table=True):
    """One of a person's own notification rules (escalation.policy.person_rules_from_list);
    a person without rows is paged by each step's rules. `position` keeps the person's order."""

    __tablename__ = "person_notify_rule"
    __table_args__ = (
        UniqueConstraint("person_id", "kind"),
        CheckConstraint("after_minutes >= 0", name="ck_person_notify_rule_after_minutes"),
    )

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    position: int = Field(primary_key=True)
    kind: str = Field(max_length=20)  # sms, voice (escalation.policy.NotifyKind)
    after_minutes: int


class StoredPlan(SQLModel, table=True):
    """An emergency plan (应急预案) as an administrator set it (escalation.plans): the policy
    snapshot (escalation.policy.policy_to_dict) and the local reporting deadlines for one
    category × severity. Replaced in place (`version` + 1) or deactivated, never deleted."""

    __tablename__ = "emergency_plan"
    __table_args__ = (UniqueConstraint("category", "severity"),)

    id: int | None = Field(default=None, primary_key=True)
    category: Category = Field(sa_column=_enum(Category))
    severity: Severity = Field(
        sa_column=Column(Enum(Severity, native_enum=False, length=4), nullable=False)
    )
    policy_json: str = Field(sa_column=Column(Text, nullable=False))
    initial_report_minutes: int
    written_report_minutes: int
    active: bool = True
    version: int = 1
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(max_length=100)


class EmergencyPlanPublic(SQLModel):
    category: Category
    severity: Severity
    name: str
    steps: list[dict[str, Any]]  # as in the policy snapshot; what PUT takes back
    initial_report_minutes: int
    written_report_minutes: int
    active: bool
    stored: bool  # False: nothing stored for this category × severity, the built-in default
    version: int  # 0 for the built-in default
    updated_at: datetime | None
    updated_by: str | None


class NotifyRulePublic(SQLModel):
    kind: str
    after_minutes: int


class NotifyRulesPublic(SQLModel):
    person_id: int
    rules: list[NotifyRulePublic]
    uses_step_rules: bool  # no rules of their own: each step's rules apply


class AccidentDetails(SQLModel):
    """A special-equipment accident's details as reported (TZ50 Art. 10), all optional."""

    equipment_type: EquipmentType | None = None
    equipment_user: OptionalShortText = ""
    deaths: PeopleCount | None = None
    serious_injuries: PeopleCount | None = None
    people_at_risk: PeopleCount | None = None
    direct_loss_yuan: LossYuan | None = None
    measures_taken: LongText = ""
    explosion_or_overturn: StrictBool = False


class AccidentDetailsUpdate(SQLModel):
    """PATCH: the fields sent change (null clears one), the fields left out stay."""

    equipment_type: EquipmentType | None = None
    equipment_user: OptionalShortText | None = None
    deaths: PeopleCount | None = None
    serious_injuries: PeopleCount | None = None
    people_at_risk: PeopleCount | None = None
    direct_loss_yuan: LossYuan | None = None
    measures_taken: LongText | None = None
    explosion_or_overturn: StrictBool | None = None


class IncidentCreate(AccidentDetails):
    title: ShortText
    category: Category
    severity: Severity
    description: LongText = ""
    place: OptionalShortText = ""
    caller_name: OptionalShortText = ""
    caller_phone: ContactPhone | None = None


class IncidentReportCreate(SQLModel):
    kind: IncidentReportKind
    reported_to: ShortText
    method: ReportMethod = ReportMethod.phone
    reported_at: UTCInstant | None = None  # default: now
    summary: LongText = ""


class IncidentReportPublic(SQLModel):
    id: int
    incident_id: int
    kind: IncidentReportKind
    reported_at: datetime
    reported_to: str
    method: ReportMethod
    summary: str
    reported_by: str
    recorded_at: datetime


class EventPublic(SQLModel):
    """A timeline entry: `text` in English; `key` names its phrase and `values` hold what it
    says (person ids, step numbers, codes, ISO times; escalation.timeline_keys), for wording
    it in another language. Entries written before keys existed have `key` null and `values`
    empty."""

    at: datetime
    kind: str
    text: str
    actor: str
    notification_id: int | None
    key: str | None = None
    values: dict[str, Any] = {}
    # the directory skills `text` names by code ("on duty: expert/food"), with their names
    skills: list[SkillPublic] = []


class NotificationPublic(SQLModel):
    id: int
    incident_id: int | None
    topic: NoticeTopic
    subject_ref: str | None
    idempotency_key: str
    person_id: int | None
    kind: str
    channel: str
    to: str
    body: str
    status: NotificationStatus
    attempts: int
    provider_id: str | None
    provider_status: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class ReportingClockPublic(SQLModel):
    name: str
    due_at: datetime
    met_at: datetime | None
    overdue: bool


class IncidentPublic(SQLModel):
    id: int
    title: str
    description: str
    category: Category
    severity: Severity
    place: str
    caller_name: str
    caller_phone: str | None
    status: IncidentStatus
    short_code: str
    opened_at: datetime
    opened_by: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    initial_reported_at: datetime | None = None
    written_reported_at: datetime | None = None
    next_wakeup_at: datetime | None
    duplicate_reports: int
    complaint_ref: str | None = None  # the complaint that opened it (complaints.service)
    equipment_type: EquipmentType | None = None
    equipment_user: str = ""
    deaths: int | None = None
    serious_injuries: int | None = None
    people_at_risk: int | None = None
    direct_loss_yuan: int | None = None
    measures_taken: str = ""
    explosion_or_overturn: bool = False
    # the level the figures suggest (escalation.equipment; special equipment only), whether
    # it is more severe than the incident's, and the TZ50 Art. 10 items not recorded yet
    suggested_severity: Severity | None = None
    suggests_raise: bool = False
    report_items_missing: list[str] = []
    deduplicated: bool = False
    timeline: list[EventPublic] = []
    reports: list[IncidentReportPublic] = []
    reporting_clocks: list[ReportingClockPublic] = []
