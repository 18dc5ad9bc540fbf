"""Request and response bodies of the complaint configuration: rule sets and their presets,
routing rules, the classification dictionary and unit profiles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.clocks import RuleLimits
from complaints.config_models import RoutingLevel, TermKind
from complaints.vocab import Domain
from core.types import BoundedDate, EntityId, Name, OptionalShortText, ShortText, StrictBool


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


class RoutePreviewPublic(BaseModel):
    """Which routing rule a new item of `domain` in `district` would hit (nothing stored)."""

    district: str | None
    district_source: str = Field(description="given, address (found in it) or unknown")
    domain: Domain
    rule_id: int | None
    unit_id: int | None
    unit_name: str | None
    tier: str = Field(description="override, district+domain, district, domain, default, none")
