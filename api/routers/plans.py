"""Emergency plans (应急预案): category × severity → escalation policy and reporting deadlines
(escalation.plans). Everyone who may read incidents may read them; administrators store,
replace and deactivate them (audited). An incident freezes its plan when it opens."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict, JsonValue
from sqlalchemy.exc import SQLAlchemyError

from api import problems
from api.deps import ClockDep, IncidentReader, PlanConfigurer, SessionDep, SettingsDep
from core.config import Settings
from core.errors import FieldError
from core.types import Name
from escalation import plans
from escalation.models import Category, EmergencyPlanPublic
from escalation.plan_checks import (
    MAX_CODE,
    MAX_PERSON_ID,
    MAX_PLAN_STEPS,
    MAX_REPEAT,
    MAX_REPORT_MINUTES,
    MAX_STEP_GROUPS,
    MAX_STEP_TARGETS,
    MAX_WAIT_MINUTES,
    PlanInvalid,
    names_in,
    plan_from_parts,
)
from escalation.policy import DEFAULT_CATEGORY, Severity
from escalation.targets import TARGET_ROLES

router = APIRouter(prefix="/api/v1/emergency-plans", tags=["emergency plans"])

_CODE: JsonDict = {"type": "string", "minLength": 1, "maxLength": MAX_CODE}
_TARGET_SCHEMA: JsonDict = {
    "oneOf": [
        {
            "type": "object",
            "description": "whoever holds the on-duty role (and skill) when the step runs",
            "properties": {
                "type": {"const": "on_duty"},
                "role": {"type": "string", "enum": list[JsonValue](sorted(TARGET_ROLES))},
                "skill": {"anyOf": [_CODE, {"type": "null"}]},
            },
            "required": ["type", "role"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "description": "a named person, paged whether on duty or not",
            "properties": {
                "type": {"const": "person"},
                "person_id": {"type": "integer", "minimum": 1, "maximum": MAX_PERSON_ID},
            },
            "required": ["type", "person_id"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "description": "a group channel (DUTYDESK_GROUP_WEBHOOKS, or leadership)",
            "properties": {"type": {"const": "group"}, "group": _CODE},
            "required": ["type", "group"],
            "additionalProperties": False,
        },
    ]
}
_STEP_SCHEMA: JsonDict = {
    "type": "object",
    "properties": {
        "targets": {
            "type": "array",
            "items": _TARGET_SCHEMA,
            "minItems": 1,
            "maxItems": MAX_STEP_TARGETS,
        },
        "wait_minutes": {"type": "integer", "minimum": 1, "maximum": MAX_WAIT_MINUTES},
        "repeat": {"type": "integer", "minimum": 0, "maximum": MAX_REPEAT},
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["sms", "voice"]},
                    "after_minutes": {"type": "integer", "minimum": 0},
                },
                "required": ["kind", "after_minutes"],
                "additionalProperties": False,
            },
            "minItems": 1,
        },
        "broadcast_groups": {"type": "array", "items": _CODE, "maxItems": MAX_STEP_GROUPS},
    },
    "required": ["targets", "wait_minutes"],
    "additionalProperties": False,
}


class PlanBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(default=None, description="Default: `<category>-<severity>`.")
    # Steps are checked by escalation (escalation.plan_checks.plan_from_parts, then the roles,
    # skills, people and groups that exist), so errors name `steps[1].targets[0].skill`.
    steps: list[Any] = Field(
        description="Ordered steps, the first paged first; the last repeats until acknowledged.",
        json_schema_extra={"items": _STEP_SCHEMA, "minItems": 1, "maxItems": MAX_PLAN_STEPS},
    )
    initial_report_minutes: int = Field(
        strict=True, ge=1, le=MAX_REPORT_MINUTES, description="Initial (phone) report due."
    )
    written_report_minutes: int = Field(
        strict=True, ge=1, le=MAX_REPORT_MINUTES, description="Written report due."
    )


@router.get("", summary="Every category × severity's plan (stored, else the built-in default)")
def list_plans(session: SessionDep, _: IncidentReader) -> list[EmergencyPlanPublic]:
    return plans.list_plans(session)


@router.get("/{category}/{severity}", summary="One category × severity's plan")
def get_plan(
    session: SessionDep, _: IncidentReader, category: Category, severity: Severity
) -> EmergencyPlanPublic:
    return plans.get_plan(session, category=category, severity=severity)


@router.put(
    "/{category}/{severity}",
    summary="Store or replace a plan (active); running incidents keep the plan they opened with",
)
def put_plan(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: PlanConfigurer,
    category: Category,
    severity: Severity,
    body: PlanBody,
) -> EmergencyPlanPublic:
    return plans.replace(
        session,
        category=category,
        severity=severity,
        name=body.name,
        steps=body.steps,
        initial_report_minutes=body.initial_report_minutes,
        written_report_minutes=body.written_report_minutes,
        groups=plans.known_groups(settings.group_webhooks),
        actor=who.name,
        now=clock.now(),
    )


@router.post(
    "/{category}/{severity}/deactivate",
    summary="Take a plan out of force (the category's more severe plan or 'other' applies)",
)
def deactivate_plan(
    session: SessionDep,
    clock: ClockDep,
    who: PlanConfigurer,
    category: Category,
    severity: Severity,
) -> EmergencyPlanPublic:
    return plans.deactivate(
        session, category=category, severity=severity, actor=who.name, now=clock.now()
    )


def _steps_alongside(request: Request, body: object, invalid: Collection[str]) -> list[FieldError]:
    """The problems of the fields the type checks let through (the steps above all: their
    schema is checked by escalation), beside the type errors of the body, so that one 422
    names every wrong field, down to the roles, skills, people and groups that do not exist."""
    if not isinstance(body, dict):
        return []
    try:
        plan = plan_from_parts(
            category=DEFAULT_CATEGORY,  # no national limits: those are checked once well-typed
            severity=Severity.IV,
            name=body.get("name") or "plan",
            steps=body.get("steps"),
            initial_report_minutes=body.get("initial_report_minutes"),
            written_report_minutes=body.get("written_report_minutes"),
        )
    except PlanInvalid as err:
        found = [
            FieldError(e.field, e.reason, e.type, e.ctx)
            for e in err.errors
            if re.split(r"[.\[]", e.field)[0] not in invalid
        ]
        names = err.names
    else:
        found = []
        names = names_in(plan)
    settings: Settings = request.app.state.settings
    groups = plans.known_groups(settings.group_webhooks)
    try:
        with request.app.state.session_factory(write=False) as session:
            return found + plans.reference_problems(session, names, groups)
    except SQLAlchemyError:  # the database is away: the type errors still make the answer
        return found


problems.report_alongside(put_plan, _steps_alongside)
