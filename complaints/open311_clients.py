"""Open311 clients: the API keys an administrator issues per integration (DOMAIN.md §8).

Only the key's SHA-256 is stored, with its last four characters as a hint; the key itself is
shown once, at creation. A revoked key no longer authenticates. Creating and revoking are
audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, col, select

from complaints.io_models import Open311Client
from complaints.io_schemas import Open311ClientCreate
from core import audit
from core.errors import Conflict, Forbidden, NotFound, taken

KEY_PREFIX = "o311_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _client_summary(client: Open311Client) -> dict[str, object]:
    return {
        "name": client.name,
        "channel": client.channel.value,
        "key_hint": client.key_hint,
        "is_active": client.is_active,
    }


def create_client(
    session: Session, *, data: Open311ClientCreate, actor: str, now: datetime
) -> tuple[Open311Client, str]:
    """A new client and its API key in plain text (shown once)."""
    if session.exec(select(Open311Client).where(Open311Client.name == data.name)).first():
        raise taken(
            f"an Open311 client named {data.name!r} already exists", "name", "already exists"
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(
        name=data.name,
        key_hash=_digest(key),
        key_hint=key[-4:],
        channel=data.channel,
        created_at=now,
        created_by=actor,
    )
    session.add(client)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="open311.client.create",
        entity_type="open311_client",
        entity_id=client.id,
        after=_client_summary(client),
    )
    session.commit()
    return client, key


def list_clients(session: Session) -> list[Open311Client]:
    return list(session.exec(select(Open311Client).order_by(col(Open311Client.id))).all())


def revoke_client(session: Session, *, client_id: int, actor: str, now: datetime) -> Open311Client:
    client = session.get(Open311Client, client_id)
    if client is None:
        raise NotFound(f"Open311 client {client_id} not found")
    if not client.is_active:
        raise Conflict(f"Open311 client {client_id} is already revoked")
    before = _client_summary(client)
    client.is_active, client.revoked_at = False, now
    session.add(client)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="open311.client.revoke",
        entity_type="open311_client",
        entity_id=client.id,
        before=before,
        after=_client_summary(client),
    )
    session.commit()
    return client


def client_for_key(session: Session, key: str | None) -> Open311Client | None:
    if not key:
        return None
    client = session.exec(
        select(Open311Client).where(Open311Client.key_hash == _digest(key.strip()))
    ).first()
    return client if client is not None and client.is_active else None


def authenticate(session: Session, key: str | None) -> Open311Client:
    client = client_for_key(session, key)
    if client is None:
        raise Forbidden("api_key is missing, invalid or revoked")
    return client
