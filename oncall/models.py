"""Directory tables and their API schemas (SQLModel families: table / Create / Update / Public)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import Column, Enum, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.types import Code, EntityId, Name, OptionalShortText, PhoneNumber, ShortText, StrictBool


class UnitKind(StrEnum):
    section = "section"  # a section of the centre (科室)
    district = "district"  # a district/county bureau acting as handling unit (区县局)
    field_office = "field_office"  # 市场监管所


class DutyRole(StrEnum):
    duty_officer = "duty_officer"  # 值班员
    leader = "leader"  # 带班领导
    expert = "expert"  # on-call domain expert
    coordinator = "coordinator"
    handler = "handler"
    director = "director"


class ContactKind(StrEnum):
    mobile = "mobile"  # SMS and voice
    landline = "landline"  # voice only


def _enum(enum: type[StrEnum]) -> Column[str]:
    return Column(Enum(enum, native_enum=False, length=20), nullable=False)


# ---- units ---------------------------------------------------------------------------------


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: UnitKind = Field(sa_column=_enum(UnitKind))
    district: str | None = Field(default=None, max_length=100)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    phone: str | None = Field(default=None, max_length=20)
    is_active: bool = True


class UnitCreate(SQLModel):
    code: Code
    name: ShortText
    kind: UnitKind
    district: Name | None = None
    parent_id: EntityId | None = None
    phone: PhoneNumber | None = None


class UnitUpdate(SQLModel):
    name: ShortText | None = None
    kind: UnitKind | None = None
    district: Name | None = None
    parent_id: EntityId | None = None
    phone: PhoneNumber | None = None
    is_active: StrictBool | None = None


class DutyPhonePublic(SQLModel):
    """A unit's published duty phone (值班电话)."""

    unit_id: int
    name: str
    district: str | None
    phone: str


class UnitPublic(SQLModel):
    id: int
    code: str
    name: str
    kind: UnitKind
    district: str | None
    parent_id: int | None
    phone: str | None
    is_active: bool


# ---- skills --------------------------------------------------------------------------------


class Skill(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=64)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)


class SkillCreate(SQLModel):
    code: Code
    name_zh: Name
    name_en: Name


class SkillPublic(SQLModel):
    code: str
    name_zh: str
    name_en: str


# ---- people --------------------------------------------------------------------------------


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    position: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="user.id", unique=True)
    is_active: bool = True


class PersonDutyRole(SQLModel, table=True):
    __tablename__ = "person_duty_role"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: DutyRole = Field(
        sa_column=Column(Enum(DutyRole, native_enum=False, length=20), primary_key=True)
    )


class PersonSkill(SQLModel, table=True):
    __tablename__ = "person_skill"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    skill_code: str = Field(foreign_key="skill.code", primary_key=True, max_length=64)


class ContactMethod(SQLModel, table=True):
    __tablename__ = "contact_method"
    __table_args__ = (UniqueConstraint("person_id", "kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: ContactKind = Field(sa_column=_enum(ContactKind))
    value: str = Field(max_length=20)
    priority: int = Field(default=1, ge=1, le=99)


class ContactCreate(SQLModel):
    kind: ContactKind
    value: PhoneNumber
    priority: int = Field(default=1, ge=1, le=99)


class ContactUpdate(SQLModel):
    """A change to one contact method: its kind, its number or its place in the order."""

    kind: ContactKind | None = None
    value: PhoneNumber | None = None
    priority: int | None = Field(default=None, ge=1, le=99)


class ContactPublic(SQLModel):
    id: int
    kind: ContactKind
    value: str
    priority: int


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not contain duplicates")
    return values


class PersonCreate(SQLModel):
    name: ShortText
    unit_id: EntityId
    position: OptionalShortText = ""
    user_id: EntityId | None = None
    duty_roles: list[DutyRole] = Field(default_factory=list, max_length=len(DutyRole))
    skills: list[Code] = Field(default_factory=list, max_length=50)
    contacts: list[ContactCreate] = Field(default_factory=list, max_length=10)

    @field_validator("duty_roles", "skills")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _unique(values)


class PersonUpdate(SQLModel):
    name: ShortText | None = None
    unit_id: EntityId | None = None
    position: OptionalShortText | None = None
    user_id: EntityId | None = None
    duty_roles: list[DutyRole] | None = Field(default=None, max_length=len(DutyRole))
    skills: list[Code] | None = Field(default=None, max_length=50)
    is_active: StrictBool | None = None

    @field_validator("duty_roles", "skills")
    @classmethod
    def _no_duplicates(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _unique(values)


class PersonPublic(SQLModel):
    id: int
    name: str
    unit_id: int
    position: str
    user_id: int | None
    is_active: bool
    duty_roles: list[DutyRole]
    skills: list[str]
    contacts: list[ContactPublic]
