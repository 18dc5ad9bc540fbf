"""Users and bearer tokens (roles and permissions: `core.roles`, re-exported here).

Tokens are random 256-bit strings; only their SHA-256 is stored, with an expiry and an
optional revocation time. Passwords are hashed with Argon2id.

Every failed sign-in is audited (`auth.login_failed`, actor the username tried, with the
client's address, never the password). Repeated failures for one username from one client,
from one client, or for one username from all clients together refuse further attempts for
a while (`TooManyAttempts`, no hash computed; the first refusal in a window is audited as
`auth.login_refused`; see core.login_throttle, whose counts live in the database so every
instance sees them).

Account changes take turns (`USERS_LOCK`, to the commit): two admins creating one username
at once get "already exists", not a clash in the database, and the last active administrator
cannot be deactivated or given another role, not even by two admins at once each removing
the other.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, Enum, func
from sqlmodel import Field, Session, SQLModel, col, select

from core import audit, login_throttle
from core.db import UTCDateTime, advisory_lock
from core.errors import (
    Conflict,
    FieldError,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
    taken,
)
from core.roles import ROLE_PERMISSIONS as ROLE_PERMISSIONS
from core.roles import Permission as Permission
from core.roles import Role as Role
from core.roles import allowed as allowed


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


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
        _revoke_all(session, user_id=user_id, now=now)
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


def change_own_password(
    session: Session,
    *,
    user_id: int,
    keep_token_id: int | None,
    current_password: str,
    new_password: str,
    client: str | None,
    now: datetime,
) -> int:
    """The signed-in user changes their own password. A wrong current password counts as a
    failed sign-in for the username and client (audited, and throttled like one, so a session
    left open cannot be used to guess it). The user's other sessions and tokens end; the one
    in use (`keep_token_id`) stays. Returns how many ended."""
    user = session.get(User, user_id, populate_existing=True)
    if user is None or not user.is_active:
        raise Unauthenticated("token is invalid, expired or revoked")
    _refuse_while_throttled(session, username=user.username, client=client, now=now)
    if not _password_matches(user.password_hash, current_password):
        login_throttle.record_failure(session, username=user.username, client=client, now=now)
        session.commit()
        raise ValidationFailed("current_password", "is not your current password")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("new_password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if new_password == current_password:
        raise ValidationFailed("new_password", "must differ from the current password")
    user.password_hash = hash_password(new_password)
    session.add(user)
    ended = _revoke_all(session, user_id=user_id, now=now, keep=keep_token_id)
    audit.record(
        session,
        at=now,
        actor=user.username,
        action="user.password_change",
        entity_type="user",
        entity_id=user.id,
        after={"password": "changed", "sessions_ended": ended},
    )
    session.commit()
    return ended


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


def _revoke_all(session: Session, *, user_id: int, now: datetime, keep: int | None = None) -> int:
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


def authenticate(
    session: Session, *, username: str, password: str, now: datetime, client: str | None = None
) -> User:
    """The user the credentials sign in, tried from the address `client`. A failure is
    audited and committed before `Unauthenticated`; an attempt refused for repeated failures
    (of this username from this client, from this client, or of this username from all
    clients; core.login_throttle) is counted, audited once per lock window, committed, and
    gets `TooManyAttempts`. A success is noted against its client for the caller to commit
    (`issue_token`)."""
    _refuse_while_throttled(session, username=username, client=client, now=now)
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        _login_failed(session, username=username, client=client, now=now)
    if not _password_matches(user.password_hash, password) or not user.is_active:
        _login_failed(session, username=username, client=client, now=now)
    login_throttle.record_success(session, username=username, client=client, now=now)
    return user


def _refuse_while_throttled(
    session: Session, *, username: str, client: str | None, now: datetime
) -> None:
    """Takes the sign-in locks; an attempt refused for repeated failures is counted, audited
    once per lock window, committed, and gets `TooManyAttempts`."""
    login_throttle.lock_sign_in(session, username=username, client=client)
    refused = login_throttle.refusal(session, username=username, client=client, now=now)
    if refused is not None:
        login_throttle.record_refusal(
            session, username=username, client=client, refused=refused, now=now
        )
        session.commit()
        raise TooManyAttempts(_REFUSED_BECAUSE[refused.limits[0]], retry_after=refused.retry_after)


_REFUSED_BECAUSE = {
    "pair": "too many failed sign-ins for this username from this address; try again later",
    "client": "too many failed sign-ins from this address; try again later",
    "username": "too many failed sign-ins for this username; try again later",
}


def _login_failed(
    session: Session, *, username: str, client: str | None, now: datetime
) -> NoReturn:
    """Audits the failure, commits it, and refuses."""
    login_throttle.record_failure(session, username=username, client=client, now=now)
    session.commit()
    raise Unauthenticated("incorrect username or password")


def issue_token(
    session: Session, *, user: User, now: datetime, ttl: timedelta
) -> tuple[str, ApiToken]:
    """Returns the plaintext token (shown once) and its stored record."""
    assert user.id is not None
    plaintext = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=_token_digest(plaintext),
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(token)
    audit.record(
        session,
        at=now,
        actor=user.username,
        action="auth.login",
        entity_type="user",
        entity_id=user.id,
    )
    session.commit()
    return plaintext, token


def user_for_token(session: Session, *, token: str, now: datetime) -> tuple[User, ApiToken]:
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == _token_digest(token))
    ).first()
    if found is None:
        raise Unauthenticated("token is invalid, expired or revoked")
    record, user = found
    if record.revoked_at is not None or record.expires_at <= now or not user.is_active:
        raise Unauthenticated("token is invalid, expired or revoked")
    return user, record


def revoke_token(session: Session, *, token: ApiToken, actor: str, now: datetime) -> None:
    token.revoked_at = now
    session.add(token)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="auth.revoke",
        entity_type="api_token",
        entity_id=token.id,
    )
    session.commit()
