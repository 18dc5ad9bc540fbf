"""API-facing schemas for users (the table lives in core.accounts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from core.types import EntityId, OptionalShortText, StrictBool
from core.users import Role

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.\-]{3,64}$")
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=r"^[^\x00]*$")]


class UserCreate(BaseModel):
    username: Username
    password: Password
    role: Role
    full_name: OptionalShortText = ""


class UserUpdate(BaseModel):
    full_name: OptionalShortText | None = None
    role: Role | None = None
    is_active: StrictBool | None = None
    password: Password | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    role: Role
    is_active: bool
    created_at: datetime
    person_id: int | None = Field(default=None, description="the person this user is")
    last_sign_in_at: datetime | None = Field(
        default=None, description="the last successful sign-in (from the audit log)"
    )


class UserPerson(BaseModel):
    person_id: EntityId | None = Field(description="the person this user is; null: none")
