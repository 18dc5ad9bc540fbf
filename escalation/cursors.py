"""Cursors for keyset paging of the incident list: newest first by (opened_at, id), so a
page is stable while incidents open meanwhile and two incidents opened in the same instant
keep one order.

A cursor is an opaque token for one position in that order (an incident's opened_at and id);
a client gets it from the answer (the Link header's next/prev URLs) and never builds it.
`decode` refuses anything it did not make with a `ValidationFailed` naming the query
parameter it came in, so a bad cursor is a 422, never a 500 or an empty page.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import ValidationFailed
from core.types import MAX_ID

MAX_CURSOR_LENGTH = 100


@dataclass(frozen=True)
class Position:
    """Where an incident stands in the list's order."""

    opened_at: datetime  # aware, UTC
    id: int


def encode(position: Position) -> str:
    stamp = position.opened_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    raw = f"{stamp}|{position.id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(token: str, *, field: str) -> Position:
    """The position `token` stands for; 422 naming `field` when it is not one of ours."""
    reason = "not a cursor from this list (use the Link header's URLs)"
    if not token or len(token) > MAX_CURSOR_LENGTH:
        raise ValidationFailed(field, reason)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        stamp, _, number = raw.partition("|")
        opened_at = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
        incident_id = int(number) if number.isdigit() else 0
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(field, reason) from exc
    if not 1 <= incident_id <= MAX_ID:
        raise ValidationFailed(field, reason)
    return Position(opened_at, incident_id)
