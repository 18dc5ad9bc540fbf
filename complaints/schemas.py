"""API schemas of complaint handling (SQLModel/pydantic families; tables in `models`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.agent_schemas import AgentDetail, AgentFields, AgentIdentity, AgentSummary
from complaints.clocks import RuleLimits
from complaints.fields import IdNumber, IdType, OptionalName, Phone
from complaints.models import RoutingLevel, TermKind
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
    ShortText,
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
    due_on: date
    due_at: datetime
    remind_at: datetime | None
    met_at: datetime | None
    on_time: bool | None
    overdue: bool = False
    remaining_working_days: int | None = None
    remaining_minutes: int | None = None


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    from_status: Status | None
    to_status: Status | None
    unit_id: int | None
    note: str


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
    remaining_working_days: int | None = None
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


# ---- action bodies ---------------------------------------------------------------------------


class ClueBody(BaseModel):
    """The violation clue found during mediation, handed over for verification (Art. 27)."""

    model_config = ConfigDict(extra="forbid")
    clue: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=4000, pattern=r"^[^\x00]*$"
        ),
    ]
    note: Note = ""


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Note = ""


class DistributeBody(NoteBody):
    unit_id: EntityId | None = Field(default=None, description="default: the routed unit")


class RerouteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: EntityId
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ground: RejectionGround
    note: Note = ""


class SuspendBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: PauseReason
    note: Note = ""


class TestingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: BoundedDate
    end: BoundedDate
    note: Note = ""


class TerminateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: TerminationReason
    note: Note = ""


class ResultBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: LongText = ""
    amount_recovered_cents: Money | None = None
    note: Note = ""


class ApprovalBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approved_by: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    note: Note = ""


class StartMediationBody(BaseModel):
    """Both parties' answers (O121 Art. 18); a mediation entrusted to a consumer association or
    another mediation body needs both parties' consent to that too (Art. 19)."""

    model_config = ConfigDict(extra="forbid")
    complainant_consent: StrictBool | None = Field(
        default=None, description="the complainant consents to mediation (required, true)"
    )
    respondent_consent: StrictBool | None = Field(
        default=None, description="the respondent consents to mediation (required, true)"
    )
    entrusted_to: OptionalShortText = Field(
        default="", description="the body mediating on the bureau's behalf (Art. 19)"
    )
    entrustment_consent: StrictBool | None = Field(
        default=None, description="both parties agree to the entrustment (with entrusted_to)"
    )
    note: Note = ""


class TakeOverBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: EntityId
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class ClassificationBody(BaseModel):
    """Staff confirm or correct the suggested classification."""

    model_config = ConfigDict(extra="forbid")
    domain: Domain | None = None
    urgency: Urgency | None = None
    utility: StrictBool | None = None
    note: Note = ""


class ClassifyRequest(BaseModel):
    text: Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=r"^[^\x00]*$")]


class DomainScorePublic(BaseModel):
    domain: Domain
    score: int
    evidence: list[str]


class ClassificationPublic(BaseModel):
    domain: Domain
    domains: list[DomainScorePublic]
    urgency: Urgency
    emergency_terms: list[str]
    urgent_terms: list[str]
    report_terms: list[str]
    utility_terms: list[str] = []
    incident_category: str | None
    severity: str | None


# ---- configuration ---------------------------------------------------------------------------


class RuleSetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_\-]{1,40}$")
    ]
    name: ShortText
    effective_from: BoundedDate
    limits: RuleLimits = RuleLimits()
    is_active: StrictBool = True


class RuleSetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ShortText | None = None
    effective_from: BoundedDate | None = None
    limits: RuleLimits | None = None
    is_active: StrictBool | None = None


class RuleSetPublic(BaseModel):
    id: int
    code: str
    name: str
    effective_from: date
    limits: RuleLimits
    is_active: bool
    updated_at: datetime
    updated_by: str


class RuleSetPreset(BaseModel):
    """Limits to start a local rule set from (POST them as a rule set's `limits`)."""

    code: str
    name: str
    limits: RuleLimits


class RoutingRuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    district: Name | None = None
    domain: Domain | None = None
    unit_id: EntityId
    level: RoutingLevel | None = None
    overrides_territory: StrictBool = False
    priority: int = Field(default=100, ge=0, le=10_000)
    note: OptionalShortText = ""
    is_active: StrictBool = True


class RoutingRulePublic(RoutingRuleCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class TermCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    term: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[^\x00]*$"
        ),
    ]
    kind: TermKind
    domain: Domain | None = None
    weight: int = Field(default=1, ge=1, le=100)
    incident_category: (
        Annotated[
            str,
            StringConstraints(
                pattern=r"^(special_equipment|food_safety|drug_safety|mass_event|other)$"
            ),
        ]
        | None
    ) = None
    severity: Annotated[str, StringConstraints(pattern=r"^(I|II|III|IV)$")] | None = None
    is_active: StrictBool = True


class TermPublic(TermCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int


class UnitProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contact_person_id: EntityId | None = None
    supervisor_person_id: EntityId | None = None
    supervisor_group: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_\-]{1,64}$")] | None = (
        None
    )
    accepts_items: StrictBool = True
    note: OptionalShortText = ""


class UnitProfilePublic(UnitProfileUpdate):
    model_config = ConfigDict(from_attributes=True)
    unit_id: int
