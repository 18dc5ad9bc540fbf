"""Administration pages for the emergency plans (应急预案, escalation.plans): the category ×
severity matrix (name, stored or built-in default, active or not, reporting deadlines, the
ladder in one line) and one plan's steps in words, with its editor and the Deactivate button.

Only administrators (`plan.configure`) open them: the Administration section is theirs, and
everyone who may read incidents still reads the plans through the JSON API. Every change is a
call of that API from `static/app.js` (the same checks, lock and audit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import SessionDep
from core.users import Permission
from escalation import plans
from escalation.models import Category
from escalation.plan_checks import MAX_PLAN_NAME, MAX_REPEAT, MAX_REPORT_MINUTES, MAX_WAIT_MINUTES
from escalation.policy import SEVERITY_ORDER, Severity
from oncall import directory
from web.actor_labels import names_of
from web.i18n import locale_of, translations
from web.plan_words import PlanWords
from web.planner import skill_names
from web.render import label_text, render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
PlansPage = Annotated[WebUser, Depends(RequirePage(Permission.plan_configure))]


def plan_words(request: Request, session: Session) -> PlanWords:
    locale = locale_of(request)
    catalogue = translations(locale)
    people = directory.list_people(session, include_inactive=True)
    return PlanWords(
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        skills=skill_names(session, locale),
        people={p.id: p.name for p in people if p.id is not None},
    )


@router.get("/admin/plans")
def plans_page(request: Request, session: SessionDep, user: PlansPage) -> HTMLResponse:
    by_key = {(p.category, p.severity): p for p in plans.list_plans(session)}
    context = {
        "categories": list(Category),
        "severities": list(SEVERITY_ORDER),
        "plans": by_key,
        "words": plan_words(request, session),
    }
    return render(request, "admin/plans.html", context, user=user)


@router.get("/admin/plans/{category}/{severity}")
def plan_page(
    request: Request, session: SessionDep, user: PlansPage, category: Category, severity: Severity
) -> HTMLResponse:
    plan = plans.get_plan(session, category=category, severity=severity)
    in_force = plans.plan_for(session, category=category.value, severity=severity)
    context = {
        "plan": plan,
        # an inactive plan's incidents get select_plan's fallback: say which plan that is
        "in_force": in_force,
        # deactivating is refused while it would leave a kind of incident without a plan
        "left_without": plans.left_without_plan(session, category=category, severity=severity)
        if plan.active
        else None,
        "actor_names": names_of(session, [plan.updated_by]),
        "words": plan_words(request, session),
        "limits": {
            "name": MAX_PLAN_NAME,
            "wait": MAX_WAIT_MINUTES,
            "repeat": MAX_REPEAT,
            "report": MAX_REPORT_MINUTES,
        },
    }
    return render(request, "admin/plan.html", context, user=user)
