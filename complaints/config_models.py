"""Complaint configuration tables (SQLModel), edited by administrators: rule sets (the time
limits), routing rules (territory × domain → unit), the classifier's term dictionary and
handling-unit profiles. API schemas live in `complaints.config_schemas`; the use cases in
`complaints.config` and `complaints.terms`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Enum, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from complaints.vocab import Domain
from core.db import UTCDateTime


class TermKind(StrEnum):
    """What a dictionary term signals when it appears in an item's text."""

    domain = "domain"  # evidence for `domain`
    urgent = "urgent"  # raises urgency to urgent
    emergency = "emergency"  # danger to life or health, mass event, accident, poisoning
    report_hint = "report_hint"  # suggests a violation clue (a report besides a complaint)
    utility = "utility"  # water, power, gas or heating (水电气热): a 12345 utilities order


class RoutingLevel(StrEnum):
    county = "county"
    city = "city"
    province = "province"


def _enum(enum: type[StrEnum], *, nullable: bool = False) -> Column[str]:
    return Column(Enum(enum, native_enum=False, length=30), nullable=nullable)


def _utc() -> Column[datetime]:
    return Column(UTCDateTime(), nullable=False)


class ComplaintRuleSet(SQLModel, table=True):
    """A dated, versioned set of time limits (Order 121 default, Order 20 historical).

    The one in force on an item's receipt date (greatest `effective_from` not after it) is
    stored on the item. `limits_json` holds a `complaints.clocks.RuleLimits`.
    """

    __tablename__ = "complaint_rule_set"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    effective_from: date = Field(sa_column=Column(Date, nullable=False, index=True))
    limits_json: str = Field(sa_column=Column(Text, nullable=False))
    is_active: bool = True
    updated_at: datetime = Field(sa_column=_utc())
    updated_by: str = Field(max_length=100)


class RoutingRule(SQLModel, table=True):
    """Territory × domain → handling unit. NULL district or domain means "any".

    `overrides_territory` marks a level override (drugs, devices, cosmetics, price …): the
    rule wins over territorial rules for its domain (see `complaints.routing`)."""

    __tablename__ = "complaint_routing_rule"

    id: int | None = Field(default=None, primary_key=True)
    district: str | None = Field(default=None, max_length=100, index=True)
    domain: Domain | None = Field(default=None, sa_column=_enum(Domain, nullable=True))
    unit_id: int = Field(foreign_key="unit.id", index=True)
    level: RoutingLevel | None = Field(default=None, sa_column=_enum(RoutingLevel, nullable=True))
    overrides_territory: bool = False
    priority: int = 100
    note: str = Field(default="", max_length=200)
    is_active: bool = True


class ClassificationTerm(SQLModel, table=True):
    """One entry of the administrator-editable term dictionary used by the classifier."""

    __tablename__ = "complaint_term"
    __table_args__ = (UniqueConstraint("term", "kind", "domain"),)

    id: int | None = Field(default=None, primary_key=True)
    term: str = Field(max_length=50, index=True)
    kind: TermKind = Field(sa_column=_enum(TermKind))
    domain: Domain | None = Field(default=None, sa_column=_enum(Domain, nullable=True))
    weight: int = 1
    incident_category: str | None = Field(default=None, max_length=30)
    severity: str | None = Field(default=None, max_length=4)
    is_active: bool = True


class UnitProfile(SQLModel, table=True):
    """How a handling unit (an `oncall` Unit) is reached about complaints: its contact
    (receives 催办 reminders) and its supervisor (receives 督办 notices), optionally a group
    (chat robot) that also hears about 督办."""

    __tablename__ = "complaint_unit_profile"

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    contact_person_id: int | None = Field(default=None, foreign_key="person.id")
    supervisor_person_id: int | None = Field(default=None, foreign_key="person.id")
    supervisor_group: str | None = Field(default=None, max_length=64)
    accepts_items: bool = True
    note: str = Field(default="", max_length=200)
