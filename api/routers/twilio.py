"""Twilio webhooks: inbound SMS, voice key presses and status callbacks. Each request must
carry a valid `X-Twilio-Signature` for the URL Twilio called (`DUTYDESK_PUBLIC_URL` + path +
query); anything else is refused with 403.

Twilio's signature has no timestamp, so a captured callback stays valid for ever: each signed
reply is acted on once (`escalation.webhook_receipts`, the receipt kept with the effect in one
transaction, for the retention period). The same reply again (a replay, or Twilio retrying)
gets an empty answer and changes nothing, e.g. an old "1234 确认" cannot acknowledge a later
incident that reuses the code. Status callbacks keep no receipt: they may come out of order
or again, and `escalation.delivery` applies only a later status, under the notification's
row lock."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Request, Response
from sqlmodel import Session, select

from api.deps import ClockDep, SessionDep, SettingsDep
from core.errors import Conflict, Forbidden
from escalation import delivery, replies, webhook_receipts
from escalation.models import Notification
from escalation.twilio_channel import validate_twilio_signature

router = APIRouter(prefix="/twilio", tags=["twilio webhooks"], include_in_schema=False)

log = logging.getLogger("dutydesk.twilio")
TWIML = "application/xml"


@dataclass(frozen=True)
class SignedCallback:
    url: str
    signature: str
    form: dict[str, str]


async def signed_callback(request: Request, settings: SettingsDep) -> SignedCallback:
    """The callback's form, its URL and a valid signature (403 otherwise). Async to read the
    body; it touches no database: the replay guard (`first_time`) runs in the handler's
    worker thread, as the event loop must never wait for the write lock or a row lock."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    token = settings.twilio_auth_token
    url = settings.public_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("x-twilio-signature", "")
    if token is None or not validate_twilio_signature(
        token.get_secret_value(), url, form, signature
    ):
        raise Forbidden("invalid Twilio signature")
    return SignedCallback(url=url, signature=signature, form=form)


SignedCallbackDep = Annotated[SignedCallback, Depends(signed_callback)]


def first_time(session: Session, callback: SignedCallback, now: datetime) -> dict[str, str] | None:
    """The callback's form, or None when this very callback was acted on before."""
    if webhook_receipts.seen_before(
        session, url=callback.url, signature=callback.signature, now=now
    ):
        return None
    return callback.form


def _twiml(inner: str) -> Response:
    return Response(content=f"<Response>{inner}</Response>", media_type=TWIML)


@router.post("/sms")
def inbound_sms(session: SessionDep, clock: ClockDep, callback: SignedCallbackDep) -> Response:
    form = first_time(session, callback, clock.now())
    if form is None:
        return _twiml("")
    try:
        answer = replies.handle_reply(
            session,
            from_number=form.get("From", ""),
            body=form.get("Body", "")[:200],
            now=clock.now(),
            via="sms",
        )
    except Conflict:  # the incident changed state under us: say so rather than fail
        answer = "该事件状态已变化，请查看系统。"
    return _twiml(f"<Message>{escape(answer)}</Message>")


def _notification_for(session: Session, key: str) -> Notification | None:
    return session.exec(select(Notification).where(Notification.idempotency_key == key)).first()


@router.post("/voice/gather")
def voice_gather(
    request: Request, session: SessionDep, clock: ClockDep, callback: SignedCallbackDep
) -> Response:
    form = first_time(session, callback, clock.now())
    if form is None:
        return _twiml("")
    notification = _notification_for(session, request.query_params.get("key", ""))
    if notification is None or notification.incident_id is None:
        return _twiml('<Say language="zh-CN">未找到该事件。</Say>')
    try:
        answer = replies.handle_key_press(
            session, notification=notification, digits=form.get("Digits", ""), now=clock.now()
        )
    except Conflict:  # the incident changed state under us: say so rather than fail
        answer = "该事件状态已变化，请查看系统。"
    return _twiml(f'<Say language="zh-CN">{escape(answer)}</Say>')


@router.post("/status")
def status_callback(
    request: Request, session: SessionDep, clock: ClockDep, callback: SignedCallbackDep
) -> Response:
    form = callback.form  # no receipt: see the module's docstring
    sid = form.get("MessageSid") or form.get("CallSid") or ""
    state = (form.get("MessageStatus") or form.get("CallStatus") or "").lower()
    found = delivery.apply_callback(
        session,
        key=request.query_params.get("key"),
        provider_id=sid,
        reported=state,
        error_code=form.get("ErrorCode", ""),
        now=clock.now(),
    )
    if found is not None and not found[1]:
        log.info("status %r of %s after %r ignored", state, sid, found[0].provider_status)
    session.commit()
    return Response(status_code=204)
