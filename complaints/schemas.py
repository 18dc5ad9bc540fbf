"""API schemas of complaint handling: intake, the item as listed and in detail, clusters and
links (SQLModel/pydantic families; tables in `models`). The action bodies are in
`action_schemas`, the configuration's in `config_schemas`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.agent_schemas import AgentDetail, AgentFields, AgentIdentity, AgentSummary
from complaints.fields import IdNumber, IdType, OptionalName, Phone
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
from core.types import (
    BoundedDate,
    BoundedInstant,
    EntityId,
    LongText,
    Name,
    OptionalShortText,
    StrictBool,
)

CreditCode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z]{8,32}$")
]
ExternalRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\x00]*$"),
]
Note = Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00]*$")]
Money = Annotated[int, Field(ge=0, le=10**13)]


class ComplaintCreate(AgentFields):
    """One submission. Required fields depend on the type (DOMAIN.md §2); a complaint that
    also carries a `clue` is split into a complaint and a linked report (O121 Art. 9); the
    agent and group fields (`AgentFields`) go with the complaint only."""

    model_config = ConfigDict(extra="forbid")

    item_type: ItemType
    channel: Channel
    title: OptionalShortText = ""
    description: LongText = Field(default="", description="the facts (事实)")
    claim: LongText = Field(default="", description="the specific claim (诉求), complaints")
    clue: LongText = Field(default="", description="the violation clue (线索), reports")
    received_at: BoundedInstant | None = None
    external_ref: ExternalRef | None = Field(default=None, description="12345 order number …")

    submitter_name: OptionalName = ""
    submitter_phone: Phone | None = None
    submitter_id_type: IdType | None = None
    submitter_id_number: IdNumber | None = None
    submitter_address: OptionalShortText = ""
    anonymous: StrictBool = False
    consent_publish: StrictBool = False
    consent_entrusted_mediation: StrictBool = False

    respondent_name: OptionalShortText = ""
    respondent_credit_code: CreditCode | None = None
    respondent_address: OptionalShortText = ""
    respondent_registered_address: OptionalShortText = ""
    sale_mode: SaleMode = SaleMode.offline
    platform_name: OptionalShortText = ""
    platform_shown_address: OptionalShortText = ""
    platform_domicile_address: OptionalShortText = ""
    occurred_address: OptionalShortText = ""
    dispute_date: BoundedDate | None = None
    amount_cents: Money | None = None

    domain: Domain | None = Field(default=None, description="set by staff: confirmed")
    urgency: Urgency | None = Field(default=None, description="set by staff: confirmed")
    utility: StrictBool | None = Field(
        default=None,
        description="about water, power, gas or heating (水电气热), set by staff; else from the "
        "classifier's utility terms",
    )
    received_by_district: Name | None = Field(
        default=None, description="the district that received it first (Art. 14)"
    )
    unit_id: EntityId | None = Field(default=None, description="manual routing at intake")
    repeat_of: ExternalRef | None = Field(
        default=None,
        description="reports: the ref of the report this one repeats (O121 Art. 35); "
        "without it a repeat by the same reporter about the same respondent and facts is "
        "recognised",
    )
    new_facts: StrictBool = Field(
        default=False,
        description="reports: the reporter brings new facts to a report being handled: "
        "merged into it, its verification clock restarts (Art. 35)",
    )


class ClockPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: ClockKind
    status: ClockStatus
    started_on: date
    limit: int
    unit: str
    started_at: datetime | None = None
    extension: int
    paused_units: int
    tested_units: int = Field(
        default=0, description="of paused_units, the days excluded as testing (Art. 22)"
    )
    due_on: date
    due_at: datetime
    remind_at: datetime | None
    met_at: datetime | None
    on_time: bool | None
    overdue: bool = False
    remaining_working_days: int | None = Field(
        default=None, description="a working-day clock: working days left (negative: overdue)"
    )
    remaining_days: int | None = Field(
        default=None, description="a calendar-day clock: days left (negative: overdue)"
    )
    remaining_minutes: int | None = None


class NotePart(BaseModel):
    """One part of a system-written note: a message key and its arguments."""

    key: str = Field(
        description="message key (complaints/notes.py); `text` is words typed by staff, "
        "shown as typed in every language"
    )
    args: dict[str, str | int | list[str]] = Field(
        default_factory=dict,
        description="the message's arguments; those the key names as enumeration codes "
        "(domain, urgency, channel, routing_tier, rejection_ground, pause_reason, "
        "termination_reason …) are codes to show by their label",
    )


NOTE_PARTS_DOC = (
    "the note as parts to render in the reader's language; null for staff's own words and "
    "rows written before parts existed (show `note` then). `note` keeps the Chinese text."
)


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    from_status: Status | None
    to_status: Status | None
    unit_id: int | None
    note: str
    note_parts: list[NotePart] | None = Field(default=None, description=NOTE_PARTS_DOC)


class SupervisionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: SupervisionKind
    clock_kind: ClockKind
    due_at: datetime
    at: datetime
    unit_id: int | None
    person_id: int | None
    group: str | None
    note: str
    note_parts: list[NotePart] | None = Field(default=None, description=NOTE_PARTS_DOC)


class ComplaintPublic(AgentSummary):
    """An item as a list shows it: phones and IDs always masked; a report's reporter hidden
    without `complaint.confidential`."""

    id: int
    ref: str
    item_type: ItemType
    workflow: Workflow
    channel: Channel
    status: Status
    external_ref: str | None
    title: str
    domain: Domain
    domain_confirmed: bool
    urgency: Urgency
    is_emergency: bool
    urgency_confirmed: bool
    utility: bool = Field(default=False, description="about water, power, gas or heating")
    submitter_name: str
    submitter_phone: str | None
    anonymous: bool
    respondent_name: str
    district: str | None
    unit_id: int | None
    unit_name: str | None = None
    received_at: datetime
    next_due_at: datetime | None
    next_due_clock: ClockKind | None
    next_due_unit: str | None = Field(
        default=None, description='that clock\'s unit: "working", "calendar" or "hours"'
    )
    remaining_working_days: int | None = Field(
        default=None, description="a working-day clock: working days left (negative: overdue)"
    )
    remaining_days: int | None = Field(
        default=None, description="a calendar-day clock: days left (negative: overdue)"
    )
    remaining_minutes: int | None = Field(
        default=None, description="an hour clock: minutes left (negative: overdue since)"
    )
    overdue: bool
    criticism_count: int = Field(
        default=0, description="12345: written criticisms (通报批评) for ignored reminders"
    )
    cluster_id: int | None
    linked_item_id: int | None
    incident_id: int | None
    closed_at: datetime | None


class ClusterMember(BaseModel):
    id: int
    ref: str
    item_type: ItemType
    status: Status
    title: str
    respondent_name: str
    received_at: datetime


class ClusterPublic(BaseModel):
    id: int
    size: int
    reasons: list[str]
    created_at: datetime
    updated_at: datetime
    members: list[ClusterMember] = Field(
        description="the latest members, oldest first: up to 200 from the cluster endpoint, "
        "the latest 10 in an item's detail (`size` counts them all)"
    )


class LinkPublic(BaseModel):
    """A linked item: `relation` is split (Art. 9), clue_handed_over / clue_from_mediation
    (Art. 27), repeat_of / repeated_by (Art. 35)."""

    id: int
    ref: str
    item_type: ItemType
    status: Status
    relation: str


class ComplaintDetail(ComplaintPublic, AgentDetail):
    description: str
    claim: str
    clue: str
    classification: dict[str, object]
    submitter_id_type: str | None
    submitter_id_number: str | None
    submitter_address: str
    identity_hidden: bool
    consent_publish: bool
    consent_entrusted_mediation: bool
    respondent_credit_code: str | None
    respondent_address: str
    respondent_registered_address: str
    sale_mode: SaleMode
    platform_name: str
    platform_shown_address: str
    platform_domicile_address: str
    occurred_address: str
    dispute_date: date | None
    amount_cents: int | None
    district_source: str
    routing_rule_id: int | None
    routing_note: str
    routing_note_parts: list[NotePart] | None = Field(default=None, description=NOTE_PARTS_DOC)
    rule_set_code: str
    registered_by: str
    distributed_at: datetime | None
    signed_for_at: datetime | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    mediation_started_at: datetime | None
    agreed_at: datetime | None
    terminated_at: datetime | None
    case_filed_at: datetime | None
    not_filed_at: datetime | None
    returned_at: datetime | None
    replied_at: datetime | None
    closure_due_at: datetime | None
    closed_on_time: bool | None
    returned_count: int
    return_reason: str
    taken_over_by_superior: bool
    converted_to_case: bool
    referred_to_police: bool
    rejection_ground: RejectionGround | None
    termination_reason: TerminationReason | None
    pause_reason: PauseReason | None
    paused_since: datetime | None
    verification_extended: bool
    reply_extended: bool
    complainant_mediation_consent: bool | None
    respondent_mediation_consent: bool | None
    mediation_entrusted_to: str
    result: str
    amount_recovered_cents: int | None
    supervision_count: int
    clocks: list[ClockPublic]
    history: list[EventPublic]
    supervision: list[SupervisionPublic]
    cluster: ClusterPublic | None
    source_item_id: int | None
    repeat_of_id: int | None
    links: list[LinkPublic] = Field(description="linked items the reader may see, both ways")
    incident_status: str | None
    incident_code: str | None = Field(
        description="the linked incident's code (#1234), as the incident pages and its SMS name it"
    )
    allowed_actions: list[str]


class IdentityPublic(AgentIdentity):
    """The full identity of the submitter, agent and representatives (audited access,
    `complaint.confidential`)."""

    id: int
    ref: str
    submitter_name: str
    submitter_phone: str | None
    submitter_id_type: str | None
    submitter_id_number: str | None
    submitter_address: str
    anonymous: bool


class RegistrationResult(BaseModel):
    items: list[ComplaintDetail]
    split: bool


class ComplaintPage(BaseModel):
    total: int
    items: list[ComplaintPublic]
