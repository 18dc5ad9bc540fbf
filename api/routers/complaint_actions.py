"""Complaint workflow actions: distribute, re-route, return, sign for, accept, reject, mediate,
suspend and resume, terminate, results and approvals, extensions, case filing, referral and
take-over. Each runs `complaints.actions.act` and answers with the item as its caller may see
it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlmodel import Session

from api.deps import (
    ClockDep,
    ComplaintHandler,
    ComplaintSupervisor,
    ComplaintWriter,
    Principal,
    SessionDep,
    SettingsDep,
)
from api.routers.complaints import actor_of, complaint_detail
from complaints import actions
from complaints.action_context import ActionInput
from complaints.action_schemas import (
    ApprovalBody,
    ClueBody,
    DistributeBody,
    NoteBody,
    ReasonBody,
    RejectBody,
    RerouteBody,
    ResultBody,
    StartMediationBody,
    SuspendBody,
    TakeOverBody,
    TerminateBody,
    TestingBody,
)
from complaints.schemas import (
    ComplaintDetail,
)
from complaints.workflow import Action
from core.types import MAX_ID

router = APIRouter(prefix="/api/v1", tags=["complaints"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _run(
    session: Session,
    who: Principal,
    clock: ClockDep,
    settings: SettingsDep,
    complaint_id: int,
    action: Action,
    data: ActionInput,
) -> ComplaintDetail:
    now = clock.now()
    actions.act(
        session,
        complaint_id=complaint_id,
        action=action,
        actor=actor_of(session, who),
        now=now,
        data=data,
        tz=settings.tz,
    )
    return complaint_detail(session, complaint_id, who, now, settings, check_visible=False)


def _note_action(action: Action, summary: str) -> None:
    @router.post(f"/complaints/{{complaint_id}}/{action.value.replace('_', '-')}", summary=summary)
    def endpoint(
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        who: ComplaintHandler,
        complaint_id: Id,
        body: NoteBody,
    ) -> ComplaintDetail:
        return _run(
            session, who, clock, settings, complaint_id, action, ActionInput(note=body.note)
        )

    endpoint.__name__ = f"complaint_{action.value}"


for _action, _summary in (
    (Action.sign_for, "签收: the unit signs for the item"),
    (Action.accept, "受理: accept a complaint (starts the mediation clock)"),
    (Action.resume, "Resume a suspended mediation (the pause is added to the deadline)"),
):
    _note_action(_action, _summary)


@router.post("/complaints/{complaint_id}/distribute", summary="分送: send to the handling unit")
def distribute(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintWriter,
    complaint_id: Id,
    body: DistributeBody,
) -> ComplaintDetail:
    data = ActionInput(note=body.note, unit_id=body.unit_id)
    return _run(session, who, clock, settings, complaint_id, Action.distribute, data)


@router.post("/complaints/{complaint_id}/reroute", summary="Re-route to another unit (audited)")
def reroute(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintWriter,
    complaint_id: Id,
    body: RerouteBody,
) -> ComplaintDetail:
    data = ActionInput(unit_id=body.unit_id, reason=body.reason)
    return _run(session, who, clock, settings, complaint_id, Action.reroute, data)


@router.post(
    "/complaints/{complaint_id}/return-to-intake",
    summary="No authority: return to intake (12345: 退单) with a reason (Art. 41)",
)
def return_to_intake(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: ReasonBody,
) -> ComplaintDetail:
    data = ActionInput(reason=body.reason)
    return _run(session, who, clock, settings, complaint_id, Action.return_to_intake, data)


@router.post("/complaints/{complaint_id}/reject", summary="不予受理 with an Art. 16 ground")
def reject(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: RejectBody,
) -> ComplaintDetail:
    data = ActionInput(ground=body.ground, note=body.note)
    return _run(session, who, clock, settings, complaint_id, Action.reject, data)


@router.post(
    "/complaints/{complaint_id}/start-mediation",
    summary="Start mediation with both parties' consent (O121 Arts. 18-19)",
)
def start_mediation(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: StartMediationBody,
) -> ComplaintDetail:
    data = ActionInput(
        complainant_consent=body.complainant_consent,
        respondent_consent=body.respondent_consent,
        entrusted_to=body.entrusted_to,
        entrustment_consent=body.entrustment_consent,
        note=body.note,
    )
    return _run(session, who, clock, settings, complaint_id, Action.start_mediation, data)


@router.post("/complaints/{complaint_id}/suspend", summary="中止调解 (testing, recusal …)")
def suspend(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: SuspendBody,
) -> ComplaintDetail:
    data = ActionInput(pause_reason=body.reason, note=body.note)
    return _run(session, who, clock, settings, complaint_id, Action.suspend, data)


@router.post(
    "/complaints/{complaint_id}/testing",
    summary="Record a finished testing period (excluded from mediation / verification)",
)
def record_testing(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: TestingBody,
) -> ComplaintDetail:
    data = ActionInput(start=body.start, end=body.end, note=body.note)
    return _run(session, who, clock, settings, complaint_id, Action.record_testing, data)


@router.post("/complaints/{complaint_id}/terminate", summary="终止调解 with an Art. 23 reason")
def terminate(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: TerminateBody,
) -> ComplaintDetail:
    data = ActionInput(termination_reason=body.reason, note=body.note)
    return _run(session, who, clock, settings, complaint_id, Action.terminate, data)


def _result_action(action: Action, summary: str) -> None:
    @router.post(f"/complaints/{{complaint_id}}/{action.value.replace('_', '-')}", summary=summary)
    def endpoint(
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        who: ComplaintHandler,
        complaint_id: Id,
        body: ResultBody,
    ) -> ComplaintDetail:
        data = ActionInput(
            note=body.note, result=body.result, amount_recovered_cents=body.amount_recovered_cents
        )
        return _run(session, who, clock, settings, complaint_id, action, data)

    endpoint.__name__ = f"complaint_{action.value}"


for _action, _summary in (
    (Action.agree, "调解成功: mediation reached agreement"),
    (Action.close, "办结: close the item"),
    (Action.file_case, "立案: the report's clue becomes a case"),
    (Action.not_file, "不予立案"),
    (Action.reply, "回复: reply (12345 orders, consultations, suggestions, help)"),
):
    _result_action(_action, _summary)


@router.post(
    "/complaints/{complaint_id}/extend-verification",
    summary="Extend verification once (+15 WD, the head's approval)",
)
def extend_verification(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: ApprovalBody,
) -> ComplaintDetail:
    data = ActionInput(approved_by=body.approved_by, note=body.note)
    return _run(session, who, clock, settings, complaint_id, Action.extend_verification, data)


@router.post(
    "/complaints/{complaint_id}/extend-reply", summary="12345: extend the reply limit once"
)
def extend_reply(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: NoteBody,
) -> ComplaintDetail:
    return _run(
        session,
        who,
        clock,
        settings,
        complaint_id,
        Action.extend_reply,
        ActionInput(note=body.note),
    )


@router.post(
    "/complaints/{complaint_id}/convert-to-case",
    summary="A violation clue found in mediation: hand it over for verification as a linked "
    "report (O121 Art. 27)",
)
def convert_to_case(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: ClueBody,
) -> ComplaintDetail:
    data = ActionInput(clue=body.clue, note=body.note)
    return _run(session, who, clock, settings, complaint_id, Action.convert_to_case, data)


@router.post(
    "/complaints/{complaint_id}/refer-to-police", summary="移送公安: suspected fraud (Art. 42)"
)
def refer_to_police(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintHandler,
    complaint_id: Id,
    body: ReasonBody,
) -> ComplaintDetail:
    data = ActionInput(note=body.reason)
    return _run(session, who, clock, settings, complaint_id, Action.refer_to_police, data)


@router.post(
    "/complaints/{complaint_id}/take-over", summary="The superior takes the item over (Art. 13)"
)
def take_over(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    who: ComplaintSupervisor,
    complaint_id: Id,
    body: TakeOverBody,
) -> ComplaintDetail:
    data = ActionInput(unit_id=body.unit_id, reason=body.reason)
    return _run(session, who, clock, settings, complaint_id, Action.take_over, data)
