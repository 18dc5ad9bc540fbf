"""Complaint pages: the coordinator's queue, an item's detail with the actions the user may
take now, the handling unit's inbox and the intake form.

Reads go through the same complaint functions as `api.routers.complaints` (the queue query,
`views.public` / `views.detail` with the caller's `Viewer`, so masking and unit limits are
the API's own); every change is a form posted to the JSON API by `static/app.js`, so
validation, audit and problem responses (field errors beside the field, 409 for an illegal
step) are shared with API clients. `ACTION_FORMS` says which fields each action's form needs,
mirroring the API's request bodies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import ClockDep, SessionDep, SettingsDep
from api.routers.complaints import viewer_for
from complaints import (
    actions,
    config_checks,
    export,
    history,
    jurisdiction,
    privacy,
    queue,
    service,
    views,
)
from complaints.models import Complaint
from complaints.schemas import ComplaintDetail, ComplaintPublic
from complaints.vocab import (
    Channel,
    Domain,
    ItemType,
    PauseReason,
    RejectionGround,
    SaleMode,
    Status,
    TerminationReason,
    Urgency,
)
from complaints.workflow import AWAITING_UNIT, Action
from core import audit
from core.calendar_store import load_calendar
from core.config import Settings
from core.errors import NotFound
from core.types import MAX_ID
from core.users import Permission
from escalation import service as incidents
from escalation.state import IncidentStatus
from oncall import unit_directory
from oncall.models import Unit
from web.actor_labels import names_of
from web.i18n import gettext, locale_of
from web.labels import label_id
from web.params import EmptyIsNone
from web.render import render
from web.session import RequirePage, WebUser

router = APIRouter(include_in_schema=False)
Reader = Annotated[WebUser, Depends(RequirePage(Permission.complaint_read))]
Writer = Annotated[WebUser, Depends(RequirePage(Permission.complaint_write))]
Handler = Annotated[WebUser, Depends(RequirePage(Permission.complaint_handle))]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
PAGE_SIZE = 50
# What a handling unit still has to act on (`workflow.AWAITING_UNIT`).
INBOX_STATUSES = AWAITING_UNIT


@dataclass(frozen=True)
class ActionForm:
    """One action's form: the API path segment and the fields its body takes (in order).

    Field kinds the template knows: note, reason (text), unit_id (unit select), ground,
    pause_reason, termination_reason (selects posted as `ground` / `reason`), start, end
    (dates), result (text area), amount (yuan, posted in cents), approved_by,
    complainant_consent, respondent_consent, entrustment_consent (yes / no selects, nothing
    posted while unanswered), entrusted_to (text), clue (text area, required).
    """

    path: str
    fields: tuple[str, ...] = ("note",)
    confirm: bool = False


RESULT = ("result", "amount", "note")
ACTION_FORMS: dict[Action, ActionForm] = {
    Action.distribute: ActionForm("distribute", ("unit_id", "note")),
    Action.reroute: ActionForm("reroute", ("unit_id", "reason")),
    Action.sign_for: ActionForm("sign-for"),
    Action.accept: ActionForm("accept"),
    Action.reject: ActionForm("reject", ("ground", "note")),
    Action.start_mediation: ActionForm(
        "start-mediation",
        (
            "complainant_consent",
            "respondent_consent",
            "entrusted_to",
            "entrustment_consent",
            "note",
        ),
    ),
    Action.suspend: ActionForm("suspend", ("pause_reason", "note")),
    Action.resume: ActionForm("resume"),
    Action.record_testing: ActionForm("testing", ("start", "end", "note")),
    Action.agree: ActionForm("agree", RESULT),
    Action.terminate: ActionForm("terminate", ("termination_reason", "note"), confirm=True),
    Action.close: ActionForm("close", RESULT),
    Action.return_to_intake: ActionForm("return-to-intake", ("reason",)),
    Action.file_case: ActionForm("file-case", ("result", "note")),
    Action.not_file: ActionForm("not-file", ("result", "note")),
    Action.extend_verification: ActionForm("extend-verification", ("approved_by", "note")),
    Action.reply: ActionForm("reply", RESULT),
    Action.extend_reply: ActionForm("extend-reply"),
    Action.convert_to_case: ActionForm("convert-to-case", ("clue", "note"), confirm=True),
    Action.refer_to_police: ActionForm("refer-to-police", ("reason",), confirm=True),
    Action.take_over: ActionForm("take-over", ("unit_id", "reason")),
}
# The inbox offers a unit's daily steps in the row; everything else is on the detail page.
INBOX_ACTIONS = (
    Action.sign_for,
    Action.accept,
    Action.reply,
    Action.file_case,
    Action.not_file,
    Action.agree,
    Action.return_to_intake,
)


def _viewer(session: Session, user: WebUser) -> views.Viewer:
    return viewer_for(session, role=user.role, user_id=user.user_id, name=user.username)


def _rows(
    session: Session,
    user: WebUser,
    settings: Settings,
    now: datetime,
    filters: queue.QueueFilter,
    offset: int,
) -> tuple[int, list[Complaint], list[ComplaintPublic], views.Viewer]:
    viewer = _viewer(session, user)
    total, items = queue.list_items(
        session,
        filters=replace(filters, numbers_hidden_in=views.numbers_hidden_types(viewer)),
        unit_ids=viewer.actor.unit_ids,
        limit=PAGE_SIZE,
        offset=offset,
    )
    cal = load_calendar(session)
    units = views.unit_names(session, items)
    rows = [views.public(i, viewer, units=units, cal=cal, now=now, tz=settings.tz) for i in items]
    return total, items, rows, viewer


@dataclass(frozen=True)
class ReturnMark:
    """What the pages say of an item back at intake after a return: the unit that sent it
    back, who did and when, and the reason given (phone numbers masked)."""

    unit_id: int | None
    unit_name: str | None
    actor: str
    at: datetime
    reason: str


def _returns(session: Session, items: list[Complaint]) -> dict[int, ReturnMark]:
    """The latest return of each item now waiting at intake because its unit returned it."""
    waiting = {i.id: i for i in items if i.status is Status.returned and i.id is not None}
    events = history.last_returns(session, list(waiting))
    names = unit_directory.unit_names(
        session, (e.unit_id for e in events.values() if e.unit_id is not None)
    )
    return {
        item_id: ReturnMark(
            unit_id=e.unit_id,
            unit_name=names.get(e.unit_id) if e.unit_id is not None else None,
            actor=e.actor,
            at=e.at,
            reason=privacy.mask_text_phones(waiting[item_id].return_reason),
        )
        for item_id, e in events.items()
    }


def _units(session: Session) -> list[Unit]:
    return unit_directory.list_units(session)


def _handling(session: Session, units: list[Unit]) -> list[Unit]:
    """The units an item may be sent to by hand: not those marked as taking no items."""
    refused = config_checks.units_taking_no_items(session)
    return [u for u in units if u.id not in refused]


def _forms(actions: list[str]) -> list[dict[str, Any]]:
    chosen = [Action(a) for a in actions]
    return [{"action": a.value, "form": ACTION_FORMS[a]} for a in chosen if a in ACTION_FORMS]


def _choices() -> dict[str, Any]:
    return {
        "grounds": list(RejectionGround),
        "pause_reasons": list(PauseReason),
        "termination_reasons": list(TerminationReason),
    }


@router.get("/complaints")
def complaint_queue(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: Reader,
    state: Annotated[str, Query(pattern=r"^(open|closed|all)$")] = "open",
    item_status: Annotated[Status | None, Query(alias="status"), EmptyIsNone] = None,
    item_type: Annotated[ItemType | None, Query(alias="type"), EmptyIsNone] = None,
    domain: Annotated[Domain | None, Query(), EmptyIsNone] = None,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID), EmptyIsNone] = None,
    overdue: Annotated[bool | None, Query(), EmptyIsNone] = None,
    emergency: Annotated[bool | None, Query(), EmptyIsNone] = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    filters = queue.QueueFilter(
        status=item_status,
        state=state,
        item_type=item_type,
        domain=domain,
        unit_id=unit_id,
        overdue=overdue,
        emergency=emergency,
        text=q.strip() if q and q.strip() else None,
    )
    total, items, rows, _ = _rows(session, user, settings, clock.now(), filters, offset)
    query = {
        "state": state,
        "status": item_status.value if item_status else "",
        "type": item_type.value if item_type else "",
        "domain": domain.value if domain else "",
        "unit_id": unit_id or "",
        "overdue": "" if overdue is None else str(overdue).lower(),
        "emergency": "" if emergency is None else str(emergency).lower(),
        "q": q or "",
    }
    context = {
        "items": rows,
        "returns": _returns(session, items),
        "total": total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "query": {k: v for k, v in query.items() if v != ""},
        "filters": query,
        "statuses": list(Status),
        "types": list(ItemType),
        "domains": list(Domain),
        "units": _units(session),
        "export_limit": f"{export.MAX_ROWS:,}",
        # a status outside the scope (closed among open items) finds nothing: say so and
        # offer the same filters among all items
        "outside_scope": (
            sorted(({k: v for k, v in query.items() if v != ""} | {"state": "all"}).items())
            if item_status is not None and not queue.in_scope(state, item_status)
            else None
        ),
    }
    return render(request, "complaints/queue.html", context, user=user)


@router.get("/complaints/inbox")
def unit_inbox(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: Handler,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    filters = queue.QueueFilter(statuses=INBOX_STATUSES, state="open")
    now = clock.now()
    total, items, rows, viewer = _rows(session, user, settings, now, filters, offset)
    cal = load_calendar(session)
    forms = {
        item.id: _forms(
            [
                a.value
                for a in actions.visible_actions(
                    session,
                    item,
                    viewer.actor,
                    cal=cal,
                    now=now,
                    tz=settings.tz,
                    among=INBOX_ACTIONS,
                )
            ]
        )
        for item in items
    }
    units = None if viewer.actor.unit_ids is None else sorted(viewer.actor.unit_ids)
    names = {u.id: u.name for u in _units(session)}
    context = {
        "items": rows,
        "total": total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "forms": forms,
        "my_units": [names[u] for u in units if u in names] if units is not None else None,
    } | _choices()
    return render(request, "complaints/inbox.html", context, user=user)


def classify_labels(locale: str) -> dict[str, dict[str, str]]:
    """The names the classification preview words its suggestion with (the intake form,
    the term dictionary's try-it box: `complaints/_classify_labels.html`)."""

    def names(kind: str, values: list[Domain] | list[Urgency]) -> dict[str, str]:
        return {v.value: gettext(locale, label_id(kind, v) or v.value) for v in values}

    return {
        "domain_names": names("domain", list(Domain)),
        "urgency_names": names("urgency", list(Urgency)),
    }


@router.get("/complaints/new")
def intake_form(request: Request, user: Writer, session: SessionDep) -> HTMLResponse:
    context = classify_labels(locale_of(request)) | {
        "types": list(ItemType),
        "channels": list(Channel),
        "domains": list(Domain),
        "urgencies": list(Urgency),
        "sale_modes": list(SaleMode),
        "units": _handling(session, _units(session)),
    }
    return render(request, "complaints/new.html", context, user=user)


def _incident_codes(session: Session, detail: ComplaintDetail) -> dict[int, str]:
    """The codes the incident pages and the SMS to the duty officer call incidents by (#5143),
    for the history notes that name an incident: those store its row id."""
    ids = {
        number
        for event in detail.history
        for part in event.note_parts or []
        if isinstance(number := part.args.get("incident"), int)
    }
    return incidents.short_codes(session, incident_ids=ids)


@router.get("/complaints/{complaint_id}")
def complaint_detail(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    user: Reader,
    complaint_id: ItemId,
) -> HTMLResponse:
    viewer = _viewer(session, user)
    item = service.get(session, complaint_id=complaint_id)
    if not viewer.actor.sees(item):
        raise NotFound(f"complaint {complaint_id} not found")
    detail = views.detail(
        session, item, viewer, cal=load_calendar(session), now=clock.now(), tz=settings.tz
    )
    entries = (
        audit.list_entries(session, entity_type="complaint", entity_id=str(complaint_id), limit=50)
        if user.can(Permission.audit_read)
        else []
    )
    units = _units(session)
    context = {
        "item": detail,
        "returned": _returns(session, [item]).get(complaint_id),
        # closing the item leaves its incident as it is (the incident may stand for several
        # items): the page says so before the close and after it while it is unresolved
        "incident_unresolved": detail.incident_id is not None
        and detail.incident_status not in (None, IncidentStatus.resolved.value),
        "forms": _forms(detail.allowed_actions),
        "units": units,
        "handling_units": _handling(session, units),
        # who may take the item over (Art. 13): the superiors of the unit holding it
        "superiors": (
            jurisdiction.superiors(session, unit_id=item.unit_id) if item.unit_id else units
        ),
        "unit_names": {u.id: u.name for u in units},
        "audit_entries": entries,
        "actor_names": names_of(
            session,
            [detail.registered_by] + [e.actor for e in detail.history] + [a.actor for a in entries],
        ),
        "agent_form": user.can(Permission.complaint_handle)
        and item.item_type is ItemType.complaint
        and item.status is not Status.closed,
        "domains": list(Domain),
        "urgencies": list(Urgency),
        "incident_codes": _incident_codes(session, detail),
        # a unit's staff no longer see an item they send back or away: its page would be a 404
        "leaving_scope": (
            set() if viewer.actor.unit_ids is None else {"return_to_intake", "reroute"}
        ),
    } | _choices()
    # the grounds of the rule set in force on receipt: Order 20 had no impersonation ground
    context["grounds"] = list(actions.limits_for(session, item).rejection_grounds)
    return render(request, "complaints/detail.html", context, user=user)
