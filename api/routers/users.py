"""User administration (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.deps import ClockDep, SessionDep, UserAdmin
from api.schemas import UserCreate, UserPublic, UserUpdate
from core import users as user_service
from core.types import MAX_ID

router = APIRouter(prefix="/api/v1/users", tags=["users"])
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("", summary="List users")
def list_users(session: SessionDep, _: UserAdmin) -> list[UserPublic]:
    return [UserPublic.model_validate(u) for u in user_service.list_users(session)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a user")
def create_user(
    session: SessionDep, clock: ClockDep, admin: UserAdmin, body: UserCreate
) -> UserPublic:
    user = user_service.create_user(
        session,
        username=body.username,
        password=body.password,
        role=body.role,
        full_name=body.full_name,
        actor=admin.name,
        now=clock.now(),
    )
    return UserPublic.model_validate(user)


@router.get("/{user_id}", summary="One user")
def get_user(session: SessionDep, _: UserAdmin, user_id: UserId) -> UserPublic:
    return UserPublic.model_validate(user_service.get_user(session, user_id=user_id))


@router.patch("/{user_id}", summary="Change role, name, password or deactivate")
def update_user(
    session: SessionDep, clock: ClockDep, admin: UserAdmin, user_id: UserId, body: UserUpdate
) -> UserPublic:
    user = user_service.update_user(
        session,
        user_id=user_id,
        actor=admin.name,
        now=clock.now(),
        **body.model_dump(exclude_unset=True),
    )
    return UserPublic.model_validate(user)
