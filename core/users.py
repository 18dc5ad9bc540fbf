"""Signing in and bearer tokens; the accounts themselves (tables, password hashing, create,
list, update) are `core.accounts`, re-exported here with roles and permissions (`core.roles`).

Tokens are random 256-bit strings; only their SHA-256 is stored, with an expiry and an
optional revocation time. Passwords are hashed with Argon2id.

Every failed sign-in is audited (`auth.login_failed`, actor the username tried, with the
client's address, never the password). Repeated failures for one username from one client,
from one client, or for one username from all clients together refuse further attempts for
a while (`TooManyAttempts`, no hash computed; the first refusal in a window is audited as
`auth.login_refused`; see core.login_throttle, whose counts live in the database so every
instance sees them).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from core import accounts, audit, login_throttle
from core.accounts import ApiToken as ApiToken
from core.accounts import User as User
from core.accounts import create_user as create_user
from core.accounts import get_user as get_user
from core.accounts import list_users as list_users
from core.accounts import update_user as update_user
from core.errors import TooManyAttempts, Unauthenticated, ValidationFailed
from core.roles import ROLE_PERMISSIONS as ROLE_PERMISSIONS
from core.roles import Permission as Permission
from core.roles import Role as Role
from core.roles import allowed as allowed


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
    if not accounts.password_matches(user.password_hash, current_password):
        login_throttle.record_failure(session, username=user.username, client=client, now=now)
        session.commit()
        raise ValidationFailed("current_password", "is not your current password")
    if len(new_password) < accounts.MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "new_password", f"must be at least {accounts.MIN_PASSWORD_LENGTH} characters"
        )
    if new_password == current_password:
        raise ValidationFailed("new_password", "must differ from the current password")
    user.password_hash = accounts.hash_password(new_password)
    session.add(user)
    ended = accounts.revoke_all_tokens(session, user_id=user_id, now=now, keep=keep_token_id)
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
        accounts.hash_password(password)  # same cost whether or not the user exists
        _login_failed(session, username=username, client=client, now=now)
    if not accounts.password_matches(user.password_hash, password) or not user.is_active:
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


# built once: every authenticated request runs it, and building and keying the statement
# cost about as much as running it (the token itself is looked up every time: a revocation
# applies at once)
_TOKEN_USER = (
    select(ApiToken, User)
    .join(User, col(User.id) == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def user_for_token(session: Session, *, token: str, now: datetime) -> tuple[User, ApiToken]:
    found = session.exec(_TOKEN_USER, params={"token_hash": _token_digest(token)}).first()
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
