"""User accounts: the user and token tables, password hashing (Argon2id) and the account
records an administrator keeps (create, list, update). Signing in and the bearer tokens are
`core.users`, which re-exports this module's names (the address the API and pages use).

Account changes take turns (`USERS_LOCK`, to the commit): two admins creating one username
at once get "already exists", not a clash in the database, and the last active administrator
cannot be deactivated or given another role, not even by two admins at once each removing
the other.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, Enum, func
from sqlmodel import Field, Session, SQLModel, col, select

from core import audit
from core.db import UTCDateTime, advisory_lock
from core.errors import Conflict, FieldError, NotFound, ValidationFailed, taken
from core.roles import Role


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    role: Role = Field(sa_column=Column(Enum(Role, native_enum=False, length=20), nullable=False))
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_summary(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.value,
        "is_active": user.is_active,
    }


USERS_LOCK = "user accounts"
LAST_ADMIN = "the last active administrator stays one"


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    full_name: str = "",
    actor: str,
    now: datetime,
) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    advisory_lock(session, USERS_LOCK)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise taken(f"user {username!r} already exists", "username", "already exists")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        after=user_summary(user),
    )
    session.commit()
    return user


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def update_user(
    session: Session,
    *,
    user_id: int,
    actor: str,
    now: datetime,
    full_name: str | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
    password: str | None = None,
) -> User:
    """Raises Conflict (naming the field) when the change would leave no active
    administrator, or when `actor` would deactivate their own account or change their own
    role (locked out at once, or out of this page, by a slip: another administrator does
    it)."""
    advisory_lock(session, USERS_LOCK)
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    _refuse_own_lockout(user, actor=actor, role=role, is_active=is_active)
    demoted = role not in (None, Role.admin)
    if (
        user.is_active
        and user.role is Role.admin
        and (is_active is False or demoted)
        and _other_active_admins(session, user_id) == 0
    ):
        raise Conflict(
            f"{user.username!r} is the last active administrator: make another user an "
            "administrator first",
            errors=(FieldError("role" if demoted else "is_active", LAST_ADMIN),),
        )
    before = user_summary(user)
    if full_name is not None:
        user.full_name = full_name
    if role is not None:
        user.role = role
    if is_active is not None:
        user.is_active = is_active
    if password is not None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationFailed("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        user.password_hash = hash_password(password)
    if is_active is False or password is not None:
        revoke_all_tokens(session, user_id=user_id, now=now)
    session.add(user)
    after = user_summary(user)
    if password is not None:
        after["password"] = "changed"
    audit.record(
        session,
        at=now,
        actor=actor,
        action="user.update",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after=after,
    )
    session.commit()
    return user


def _refuse_own_lockout(
    user: User, *, actor: str, role: Role | None, is_active: bool | None
) -> None:
    if user.username != actor:
        return
    if is_active is False and user.is_active:
        raise Conflict(
            "you cannot deactivate your own account: another administrator must",
            errors=(FieldError("is_active", "you cannot deactivate your own account"),),
        )
    if role is not None and role is not user.role:
        raise Conflict(
            "you cannot change your own role: another administrator must",
            errors=(FieldError("role", "you cannot change your own role"),),
        )


def _other_active_admins(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.admin, col(User.is_active).is_(True), User.id != user_id)
    ).one()


def revoke_all_tokens(
    session: Session, *, user_id: int, now: datetime, keep: int | None = None
) -> int:
    """Revokes the user's live tokens but `keep`; returns how many."""
    tokens = session.exec(
        select(ApiToken).where(
            ApiToken.user_id == user_id,
            col(ApiToken.revoked_at).is_(None),
            ApiToken.id != keep,
        )
    ).all()
    for token in tokens:
        token.revoked_at = now
        session.add(token)
    return len(tokens)
