"""Failed sign-in throttling, per username and per client, kept in the database so every
instance sees the same counts; time comes from the caller's clock.

- Per username: after `LOGIN_FAILURES_ALLOWED` failures for a username within `LOCK_WINDOW`
  since its last successful sign-in, attempts for it are refused. Counted from the audit log
  (`auth.login_failed`), which records every failure anyway.
- Per client: after `CLIENT_FAILURES_ALLOWED` failures from one client address within
  `LOCK_WINDOW`, whatever usernames they named, attempts from it are refused: one password
  tried against many usernames (password spraying) never meets the per-username limit. A
  successful sign-in does not reset this count (an attacker's own account would). Counted
  from `LoginFailure` rows, one per failure with the address; an IPv6 client counts by its
  /64 network (one host holds a whole /64 and could take a fresh address for every guess).

A refused attempt computes no password hash and is not counted. Attempts for one username,
and from one client, take turns to the commit (`lock_sign_in`): parallel guesses cannot all
slip in under a limit before any of their failures is on record. Lock order: username, then
client (never the other way round).
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import Column, Index, delete, func
from sqlmodel import Field, Session, SQLModel, col, select

from core import audit
from core.db import UTCDateTime, advisory_lock

LOGIN_FAILURES_ALLOWED = 5
CLIENT_FAILURES_ALLOWED = 20  # an office behind one address mistypes more than one person
LOCK_WINDOW = timedelta(minutes=15)
AUDIT_WIDTH = 100  # audit actor and entity id
CLIENT_WIDTH = 64  # an IPv6 address with a zone fits


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_client_at", "client", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    username: str = Field(max_length=AUDIT_WIDTH)
    client: str = Field(max_length=CLIENT_WIDTH)


def client_key(address: str) -> str:
    """What failures from `address` are counted under: the address, for IPv6 its /64."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:CLIENT_WIDTH]  # not an address (a test client's name)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def lock_sign_in(session: Session, *, username: str, client: str | None = None) -> None:
    """Hold the sign-in locks of `username` (and of `client`) to the commit."""
    advisory_lock(session, f"sign-in {username[:AUDIT_WIDTH]}")
    if client:
        advisory_lock(session, f"sign-in client {client_key(client)}")


def _retry_after(failures: list[datetime], allowed: int, now: datetime) -> int | None:
    """Seconds until the oldest of the newest `allowed` failures leaves the window, or None
    while fewer than `allowed` are in it (`failures` newest first)."""
    if len(failures) < allowed:
        return None
    free_at = failures[allowed - 1] + LOCK_WINDOW
    return max(1, math.ceil((free_at - now).total_seconds()))


def login_locked_for(session: Session, *, username: str, now: datetime) -> int | None:
    """Seconds until `username` may try to sign in again, or None when it may now."""
    name = username[:AUDIT_WIDTH]
    last_success = session.exec(
        select(func.max(audit.AuditEntry.at)).where(
            audit.AuditEntry.action == "auth.login", audit.AuditEntry.actor == name
        )
    ).one()
    since = now - LOCK_WINDOW
    if last_success is not None:
        since = max(since, last_success)
    failures = session.exec(
        select(audit.AuditEntry.at)
        .where(
            audit.AuditEntry.action == "auth.login_failed",
            audit.AuditEntry.entity_type == "login",
            audit.AuditEntry.entity_id == name,
            col(audit.AuditEntry.at) > since,
        )
        .order_by(col(audit.AuditEntry.at).desc())
        .limit(LOGIN_FAILURES_ALLOWED)
    ).all()
    return _retry_after(list(failures), LOGIN_FAILURES_ALLOWED, now)


def client_locked_for(session: Session, *, client: str, now: datetime) -> int | None:
    """Seconds until `client` may try to sign in again, or None when it may now."""
    failures = session.exec(
        select(LoginFailure.at)
        .where(
            LoginFailure.client == client_key(client),
            col(LoginFailure.at) > now - LOCK_WINDOW,
        )
        .order_by(col(LoginFailure.at).desc())
        .limit(CLIENT_FAILURES_ALLOWED)
    ).all()
    return _retry_after(list(failures), CLIENT_FAILURES_ALLOWED, now)


def record_failure(session: Session, *, username: str, client: str | None, now: datetime) -> None:
    """Audit one failed sign-in (never the password) and count it against its client; the
    caller commits."""
    name = username[:AUDIT_WIDTH]
    if client:
        address = client_key(client)
        session.execute(  # this client's failures that no longer count
            delete(LoginFailure).where(
                col(LoginFailure.client) == address, col(LoginFailure.at) <= now - LOCK_WINDOW
            )
        )
        session.add(LoginFailure(at=now, username=name, client=address))
    audit.record(
        session,
        at=now,
        actor=name,
        action="auth.login_failed",
        entity_type="login",
        entity_id=name,
        after={"client": client[:CLIENT_WIDTH]} if client else None,  # the very address
    )
