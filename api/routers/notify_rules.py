"""A person's own notification rules: how the escalation reaches them (escalation.person_rules).

Anyone who may read the directory may read them; administrators and planners may change
anyone's, and every signed-in user their own (the person linked to their account).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from pydantic.config import JsonDict

from api.deps import ClockDep, CurrentPrincipal, DirectoryReader, Principal, SessionDep
from core import users as user_service
from core.errors import Forbidden
from core.types import MAX_ID
from core.users import Permission
from escalation import person_rules
from escalation.models import NotifyRulesPublic
from escalation.policy import MAX_PERSON_RULE_MINUTES, MAX_PERSON_RULES
from oncall import directory

router = APIRouter(prefix="/api/v1", tags=["directory"])
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]

_RULE_SCHEMA: JsonDict = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["sms", "voice"]},
        "after_minutes": {"type": "integer", "minimum": 0, "maximum": MAX_PERSON_RULE_MINUTES},
    },
    "required": ["kind", "after_minutes"],
    "additionalProperties": False,
}


class NotifyRulesBody(BaseModel):
    # Items are checked by escalation.policy (the same checks as a step's rules), so errors
    # name the field as `rules[1].after_minutes`.
    rules: list[Any] = Field(
        description="Ordered rules, at most one per kind; empty: back to the steps' rules.",
        json_schema_extra={"items": _RULE_SCHEMA, "maxItems": MAX_PERSON_RULES},
    )


def _check_may_change(session: SessionDep, who: Principal, person_id: int) -> None:
    person = directory.get_person(session, person_id=person_id)
    if user_service.allowed(who.user.role, Permission.directory_write):
        return
    if person.user_id is None or person.user_id != who.user.id:
        raise Forbidden("only your own notification rules, unless you manage the directory")


@router.get("/people/{person_id}/notify-rules", summary="How the escalation reaches a person")
def get_notify_rules(
    session: SessionDep, _: DirectoryReader, person_id: PersonId
) -> NotifyRulesPublic:
    return person_rules.get(session, person_id=person_id)


@router.put(
    "/people/{person_id}/notify-rules",
    summary="Set a person's own notification rules (e.g. voice first); [] = the steps' rules",
)
def put_notify_rules(
    session: SessionDep,
    clock: ClockDep,
    who: CurrentPrincipal,
    person_id: PersonId,
    body: NotifyRulesBody,
) -> NotifyRulesPublic:
    _check_may_change(session, who, person_id)
    return person_rules.replace(
        session, person_id=person_id, rules=body.rules, actor=who.name, now=clock.now()
    )
