"""Request and response bodies of the complaint actions (distribute, accept, reject, mediate,
suspend, …) and of classification."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.schemas import Money, Note
from complaints.vocab import Domain, PauseReason, RejectionGround, TerminationReason, Urgency
from core.types import BoundedDate, EntityId, LongText, OptionalShortText, StrictBool


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
