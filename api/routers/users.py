"""User administration (admin only): accounts, roles, passwords, and the person each user
is (oncall.user_link)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from sqlmodel import Session

from api.deps import ClockDep, SessionDep, UserAdmin
from api.schemas import UserCreate, UserPerson, UserPublic, UserUpdate
from core import audit
from core import users as user_service
from core.types import MAX_ID
from core.users import User
from oncall import user_link

router = APIRouter(prefix="/api/v1/users", tags=["users"])
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


def public_users(session: Session, users: list[User]) -> list[UserPublic]:
    """The users as the API shows them: with their person and last sign-in."""
    people = user_link.people_by_user(session)
    signed_in = audit.last_at(session, action="auth.login", entity_type="user")
    found = []
    for user in users:
        public = UserPublic.model_validate(user)
        person = people.get(public.id)
        public.person_id = person.id if person else None
        public.last_sign_in_at = signed_in.get(str(public.id))
        found.append(public)
    return found


def _public(session: Session, user: User) -> UserPublic:
    return public_users(session, [user])[0]


@router.get("", summary="List users")
def list_users(session: SessionDep, _: UserAdmin) -> list[UserPublic]:
    return public_users(session, user_service.list_users(session))


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
    return _public(session, user)


@router.get("/{user_id}", summary="One user")
def get_user(session: SessionDep, _: UserAdmin, user_id: UserId) -> UserPublic:
    return _public(session, user_service.get_user(session, user_id=user_id))


@router.patch(
    "/{user_id}",
    summary="Change role, name, password or deactivate",
    description="409 naming the field when the change would leave no active administrator, "
    "deactivates the caller's own account or changes the caller's own role (another "
    "administrator must).",
)
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
    return _public(session, user)


@router.put(
    "/{user_id}/person",
    summary="Link the user to the person they are (null: none)",
    description="Unlinks the user's earlier person in the same step; a person linked to "
    "another user is a 409 naming person_id. Audited (user.person.link).",
)
def link_person(
    session: SessionDep, clock: ClockDep, admin: UserAdmin, user_id: UserId, body: UserPerson
) -> UserPublic:
    user_link.link_person(
        session, user_id=user_id, person_id=body.person_id, actor=admin.name, now=clock.now()
    )
    return _public(session, user_service.get_user(session, user_id=user_id))
