"""Failed sign-in throttling, kept in the database so every instance sees the same counts;
time comes from the caller's clock. Three limits, each over the last `LOCK_WINDOW`:

- Per username and client (the pair): after `LOGIN_FAILURES_ALLOWED` failures for a username
  from one client since that pair's last successful sign-in, that client's attempts for that
  username are refused. Another client, the user's own included, is not affected: failures
  made anywhere cannot lock a duty officer out of every desk (ADR 0010).
- Per client: after `CLIENT_FAILURES_ALLOWED` failures from one client, whatever usernames it
  named, its attempts are refused: one password tried against many usernames (password
  spraying) never meets the pair's limit. A successful sign-in does not reset this count (an
  attacker's own account would).
- Per username: after `USERNAME_FAILURES_ALLOWED` failures for a username from all clients
  together (guessing spread over many addresses), its attempts are refused from every client
  except the ones it signed in from within `KNOWN_CLIENT_FOR` (its known clients), so the
  guessing is slowed while the officer's usual desks still get in. Not reset by a success.

Failures are `LoginFailure` rows, one per failure with the username and client; an IPv6
client counts by its /64 network (one host holds a whole /64 and could take a fresh address
for every guess). `LoginPair` keeps, per username and client, the last successful sign-in
and the refusals: a refused attempt computes no password hash and is not counted as a
failure, but the first refusal of a pair in each `LOCK_WINDOW` is audited
(`auth.login_refused`, with how many refusals since that pair's previous entry went
unrecorded); a client refused for its own limit is one pair whatever usernames it tries, so
refusals cannot flood the audit log beyond what the failures before them wrote.

Attempts for one username from one client, and from one client, take turns to the commit
(`lock_sign_in`): parallel guesses cannot all slip in under those limits before any of their
failures is on record. Lock order: the pair, then the client (never the other way round).
The per-username count takes no lock, so a flood of guesses at a username never makes its
owner wait; parallel guesses may pass that ceiling by the few that are in flight.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, ColumnElement, Index, UniqueConstraint, delete, or_
from sqlmodel import Field, Session, SQLModel, col, select

from core import audit
from core.db import UTCDateTime, advisory_lock

LOGIN_FAILURES_ALLOWED = 5  # per username and client
CLIENT_FAILURES_ALLOWED = 20  # an office behind one address mistypes more than one person
USERNAME_FAILURES_ALLOWED = 50  # from all clients together
LOCK_WINDOW = timedelta(minutes=15)
KNOWN_CLIENT_FOR = timedelta(days=30)
AUDIT_WIDTH = 100  # audit actor and entity id
CLIENT_WIDTH = 64  # an IPv6 address with a zone fits
ANY_USERNAME = ""  # the pair of a client refused for its own limit (no username is empty)


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_client_at", "client", "at"),
        Index("ix_login_failure_username_at", "username", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    username: str = Field(max_length=AUDIT_WIDTH)
    client: str = Field(max_length=CLIENT_WIDTH)


class LoginPair(SQLModel, table=True):
    """A username and a client key: when it last signed in from there, and its refusals."""

    __tablename__ = "login_pair"
    __table_args__ = (UniqueConstraint("username", "client"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=AUDIT_WIDTH)
    client: str = Field(max_length=CLIENT_WIDTH)
    last_success_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    refusal_audited_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    refused_unaudited: int = 0  # refusals since the pair's last `auth.login_refused` entry


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused: the limits met (`pair`, `client`, `username`) and the
    seconds until all of them let it through again."""

    limits: tuple[str, ...]
    retry_after: int


def client_key(address: str | None) -> str:
    """What failures from `address` are counted under: the address, for IPv6 its /64; an
    unknown address (a caller that names none) is the empty key."""
    if address is None:
        return ""
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
    """Hold the sign-in locks of `username` from `client`, and of `client`, to the commit."""
    address = client_key(client)
    advisory_lock(session, f"sign-in {username[:AUDIT_WIDTH]} from {address}")
    if client:
        advisory_lock(session, f"sign-in client {address}")


def _retry_after(failures: Sequence[datetime], allowed: int, now: datetime) -> int | None:
    """Seconds until the oldest of the newest `allowed` failures leaves the window, or None
    while fewer than `allowed` are in it (`failures` newest first)."""
    if len(failures) < allowed:
        return None
    free_at = failures[allowed - 1] + LOCK_WINDOW
    return max(1, math.ceil((free_at - now).total_seconds()))


def _pair(session: Session, *, username: str, address: str) -> LoginPair | None:
    return session.exec(
        select(LoginPair).where(LoginPair.username == username, LoginPair.client == address)
    ).first()


def _failures_at(
    session: Session, *conditions: ColumnElement[bool], since: datetime, limit: int
) -> list[datetime]:
    """The times of the newest `limit` failures after `since` that meet `conditions`."""
    return list(
        session.exec(
            select(LoginFailure.at)
            .where(*conditions, col(LoginFailure.at) > since)
            .order_by(col(LoginFailure.at).desc())
            .limit(limit)
        ).all()
    )


def pair_locked_for(
    session: Session, *, username: str, client: str | None, now: datetime
) -> int | None:
    """Seconds until `username` may be tried from `client` again, or None when it may now."""
    name, address = username[:AUDIT_WIDTH], client_key(client)
    return _pair_wait(session, name, address, _pair(session, username=name, address=address), now)


def _pair_wait(
    session: Session, name: str, address: str, pair: LoginPair | None, now: datetime
) -> int | None:
    since = now - LOCK_WINDOW
    if pair is not None and pair.last_success_at is not None:
        since = max(since, pair.last_success_at)
    failures = _failures_at(
        session,
        col(LoginFailure.username) == name,
        col(LoginFailure.client) == address,
        since=since,
        limit=LOGIN_FAILURES_ALLOWED,
    )
    return _retry_after(failures, LOGIN_FAILURES_ALLOWED, now)


def client_locked_for(session: Session, *, client: str, now: datetime) -> int | None:
    """Seconds until `client` may try to sign in again, or None when it may now."""
    failures = _failures_at(
        session,
        col(LoginFailure.client) == client_key(client),
        since=now - LOCK_WINDOW,
        limit=CLIENT_FAILURES_ALLOWED,
    )
    return _retry_after(failures, CLIENT_FAILURES_ALLOWED, now)


def username_locked_for(
    session: Session, *, username: str, client: str | None, now: datetime
) -> int | None:
    """Seconds until `username` may be tried from `client` again under the ceiling of all
    clients' failures, or None when it may now (always None from a known client)."""
    name = username[:AUDIT_WIDTH]
    pair = _pair(session, username=name, address=client_key(client))
    return _username_wait(session, name, pair, now)


def _username_wait(
    session: Session, name: str, pair: LoginPair | None, now: datetime
) -> int | None:
    if pair and pair.last_success_at and pair.last_success_at > now - KNOWN_CLIENT_FOR:
        return None
    failures = _failures_at(
        session,
        col(LoginFailure.username) == name,
        since=now - LOCK_WINDOW,
        limit=USERNAME_FAILURES_ALLOWED,
    )
    return _retry_after(failures, USERNAME_FAILURES_ALLOWED, now)


def refusal(
    session: Session, *, username: str, client: str | None, now: datetime
) -> Refusal | None:
    """Whether an attempt for `username` from `client` is refused now, and why."""
    name, address = username[:AUDIT_WIDTH], client_key(client)
    pair = _pair(session, username=name, address=address)  # read once for both limits
    waits = {
        "pair": _pair_wait(session, name, address, pair, now),
        "client": client_locked_for(session, client=client, now=now) if client else None,
        "username": _username_wait(session, name, pair, now),
    }
    met = {limit: wait for limit, wait in waits.items() if wait is not None}
    if not met:
        return None
    return Refusal(limits=tuple(met), retry_after=max(met.values()))


def record_refusal(
    session: Session, *, username: str, client: str | None, refused: Refusal, now: datetime
) -> None:
    """Count one refused attempt against its pair (the client's own, whatever the username,
    when the client's limit is met) and audit it when it is the pair's first refusal in
    `LOCK_WINDOW`; the caller commits."""
    name, address = username[:AUDIT_WIDTH], client_key(client)
    key = ANY_USERNAME if "client" in refused.limits else name
    pair = _pair(session, username=key, address=address) or LoginPair(username=key, client=address)
    audited = pair.refusal_audited_at
    if audited is not None and audited > now - LOCK_WINDOW:
        pair.refused_unaudited += 1
        session.add(pair)
        return
    unaudited, pair.refused_unaudited, pair.refusal_audited_at = pair.refused_unaudited, 0, now
    session.add(pair)
    audit.record(
        session,
        at=now,
        actor=name,
        action="auth.login_refused",
        entity_type="login",
        entity_id=name,
        after={
            "client": client[:CLIENT_WIDTH] if client else None,
            "limits": list(refused.limits),
            "retry_after": refused.retry_after,
            "unaudited_refusals_before": unaudited,
        },
    )


def record_success(session: Session, *, username: str, client: str | None, now: datetime) -> None:
    """Note that `username` signed in from `client`: the pair's count starts again and the
    client is known to the username; the caller commits."""
    name, address = username[:AUDIT_WIDTH], client_key(client)
    pair = _pair(session, username=name, address=address) or LoginPair(
        username=name, client=address
    )
    pair.last_success_at = now
    session.add(pair)


def record_failure(session: Session, *, username: str, client: str | None, now: datetime) -> None:
    """Audit one failed sign-in (never the password) and count it against its username and
    client; the caller commits. Drops what no longer counts of this username and client."""
    name, address = username[:AUDIT_WIDTH], client_key(client)
    session.execute(
        delete(LoginFailure).where(
            or_(col(LoginFailure.client) == address, col(LoginFailure.username) == name),
            col(LoginFailure.at) <= now - LOCK_WINDOW,
        )
    )
    session.execute(  # refusals long over and no sign-in to remember
        delete(LoginPair).where(
            col(LoginPair.client) == address,
            or_(
                col(LoginPair.last_success_at).is_(None),
                col(LoginPair.last_success_at) <= now - KNOWN_CLIENT_FOR,
            ),
            or_(
                col(LoginPair.refusal_audited_at).is_(None),
                col(LoginPair.refusal_audited_at) <= now - LOCK_WINDOW,
            ),
            col(LoginPair.refused_unaudited) == 0,
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
