"""The signed-in user's own account: who they are in DutyDesk, and a form to change their
password (`POST /api/v1/auth/password`, called by the page's script like every other form).

The page says when the password was last set and by whom, read from the audit log: a
password an administrator gave (on creating the user or resetting it) is one the user should
replace with one only they know."""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from api.deps import SessionDep
from core.audit import AuditEntry
from oncall.models import Person, Unit
from web.render import render
from web.session import SignedIn

router = APIRouter(include_in_schema=False)

PASSWORD_ACTIONS = ("user.create", "user.update", "user.password_change")


class PasswordSet(NamedTuple):
    at: datetime
    by_user: bool  # False: an administrator set it (created the user or reset it)


def password_set(session: Session, *, user_id: int) -> PasswordSet | None:
    """When the user's password was last set, and whether by the user themselves."""
    entries = session.exec(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == str(user_id))
        .where(col(AuditEntry.action).in_(PASSWORD_ACTIONS))
        .order_by(col(AuditEntry.seq).desc())
    ).all()
    for entry in entries:
        if entry.action == "user.password_change":
            return PasswordSet(entry.at, by_user=True)
        if entry.action == "user.create":
            return PasswordSet(entry.at, by_user=False)
        if json.loads(entry.after or "{}").get("password") == "changed":  # a reset
            return PasswordSet(entry.at, by_user=False)
    return None


@router.get("/account")
def account(request: Request, session: SessionDep, user: SignedIn) -> HTMLResponse:
    person = session.get(Person, user.person_id) if user.person_id else None
    unit = session.get(Unit, person.unit_id) if person else None
    context = {
        "person": person,
        "unit": unit,
        "password_set": password_set(session, user_id=user.user_id),
    }
    return render(request, "account.html", context, user=user)
