"""Twilio webhooks: inbound SMS, voice key presses and status callbacks. Each request must
carry a valid `X-Twilio-Signature` for the URL Twilio called (`DUTYDESK_PUBLIC_URL` + path +
query); anything else is refused with 403.

Twilio's signature has no timestamp, so a captured callback stays valid for ever: each signed
callback is acted on once (`WebhookReceipt`, kept with the effect in one transaction). The
same callback again (a replay, or Twilio retrying) gets an empty answer and changes nothing,
e.g. an old "1234 确认" cannot acknowledge a later incident that reuses the code. Status
callbacks may also come out of order; `escalation.delivery` applies only later ones."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Request, Response
from sqlmodel import Session, select

from api.deps import ClockDep, SessionDep, SettingsDep
from core.db import advisory_lock
from core.errors import Conflict, Forbidden
from escalation import delivery, replies
from escalation.models import Notification, WebhookReceipt
from escalation.twilio_channel import validate_twilio_signature

router = APIRouter(prefix="/twilio", tags=["twilio webhooks"], include_in_schema=False)

log = logging.getLogger("dutydesk.twilio")
TWIML = "application/xml"


def _seen_before(session: Session, *, url: str, signature: str, now: datetime) -> bool:
    """Whether this signed callback was acted on already; if not, records it in `session` (it
    is kept only if the handler's work commits)."""
    digest = hashlib.sha256(f"{url}\n{signature}".encode()).hexdigest()
    advisory_lock(session, f"webhook {digest}")
    if session.exec(select(WebhookReceipt.id).where(WebhookReceipt.digest == digest)).first():
        log.warning("replayed Twilio callback to %s ignored", urlsplit(url).path)
        return True
    session.add(WebhookReceipt(digest=digest, path=urlsplit(url).path[:100], received_at=now))
    return False


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
    if _seen_before(session, url=callback.url, signature=callback.signature, now=now):
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
    form = first_time(session, callback, clock.now())
    if form is None:
        return Response(status_code=204)
    sid = form.get("MessageSid") or form.get("CallSid") or ""
    state = (form.get("MessageStatus") or form.get("CallStatus") or "").lower()
    key = request.query_params.get("key")
    notification = _notification_for(session, key) if key else None
    if notification is None and sid:
        notification = session.exec(
            select(Notification).where(Notification.provider_id == sid)
        ).first()
    if notification is None:
        return Response(status_code=204)
    if not delivery.record_status(
        session,
        notification,
        reported=state,
        provider_id=sid,
        error_code=form.get("ErrorCode", ""),
        now=clock.now(),
    ):
        log.info("status %r of %s after %r ignored", state, sid, notification.provider_status)
    session.commit()
    return Response(status_code=204)
