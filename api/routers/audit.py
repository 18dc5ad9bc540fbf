"""Read the audit log and verify its hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from api.deps import AuditReader, SessionDep
from core import audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: str | None
    after: str | None
    hash: str


class ChainStatus(BaseModel):
    entries: int
    ok: bool
    first_bad_seq: int | None
    reason: str | None


@router.get("", summary="Audit entries, newest first")
def list_entries(
    session: SessionDep,
    _: AuditReader,
    entity_type: Annotated[str | None, Query(max_length=50)] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[AuditEntryPublic]:
    entries = audit.list_entries(
        session, entity_type=entity_type, entity_id=entity_id, limit=limit, offset=offset
    )
    return [AuditEntryPublic.model_validate(e) for e in entries]


@router.get("/verify", summary="Recompute the hash chain")
def verify(session: SessionDep, _: AuditReader) -> ChainStatus:
    report = audit.verify_chain(session)
    return ChainStatus(
        entries=report.entries,
        ok=report.ok,
        first_bad_seq=report.first_bad_seq,
        reason=report.reason,
    )
