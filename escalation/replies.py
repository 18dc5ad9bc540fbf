"""The replies that come back from people: an SMS (or outbox) reply naming an incident by its
short code ("1234 确认", "1234 esc"), and a key pressed during a voice page.

Invariants:
- Only someone paged for an incident acknowledges or escalates it by reply (`_paged`; a
  group broadcast pages nobody in particular); every reply naming an unresolved incident
  goes on its timeline, others are logged and audited (`incident.reply_unmatched`) with the
  sender masked and without the reply's text (it may hold anyone's personal data).
- Replies and key presses never fail on the incident's state: they return the answer to send
  back, saying what the state is; a reply or press that changes nothing is recorded with why.
- Acknowledging and escalating go through `escalation.service` (`acknowledge`,
  `request_escalation`), exactly as from the desk; each call commits once.
- A reply typed in the outbox (`handle_outbox_reply`, the embedded demo channel) answers only
  a page delivered through the local outbox (409 otherwise: a Twilio page is answered from the
  phone) and is honest about who typed it: unless the signed-in user is the recipient
  (Person.user_id), the timeline and acknowledged_by say "person:6 (outbox reply by
  coordinator)", and the audit's actor is the user.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict, FieldError, NotFound, ValidationFailed
from core.privacy import mask_phone, mask_text_phones
from core.users import User
from escalation import timeline_keys
from escalation.models import Incident, Notification
from escalation.outbox_channel import OutboxChannel
from escalation.service import acknowledge, add_event, get_incident, request_escalation
from escalation.state import AckSource, IncidentStatus
from oncall import user_link
from oncall.models import ContactMethod, Person

log = logging.getLogger("dutydesk.escalation")
ACK_WORDS = {"ack", "ok", "1", "确认", "收到", "好"}
ESCALATE_WORDS = {"esc", "2", "升级"}
_REPLY = re.compile(r"^\s*(\d{4})\s*(\S+)?\s*$")


def _paged(session: Session, incident_id: int, number: str) -> tuple[bool, int | None]:
    """Whether `number` belongs to someone paged for the incident, and who it is.

    Paged means: the recipient of one of the incident's person notifications (any status,
    any episode), reached by that very number or replying from another number of theirs in
    the directory. Group broadcasts page nobody in particular (their recipient is a group
    name, not a phone), so no reply can claim them.
    """
    pages = session.exec(
        select(Notification.person_id, Notification.to).where(
            Notification.incident_id == incident_id, col(Notification.person_id).is_not(None)
        )
    ).all()
    for person_id, to in pages:
        if to == number:
            return True, person_id
    owners = set(
        session.exec(select(ContactMethod.person_id).where(ContactMethod.value == number)).all()
    )
    paged_owners = owners & {person_id for person_id, _ in pages}
    if paged_owners:
        return True, min(paged_owners)
    return False, min(owners) if owners else None


UNRECOGNISED = "未识别。请回复 事件码+确认，例如 1234 确认"


@dataclass(frozen=True)
class OutboxReplier:
    """The signed-in user who types a reply in the outbox for a page's recipient."""

    username: str
    person_id: int | None  # the person linked to the user (Person.user_id), if any


def delivered_through_outbox(notification: Notification) -> bool:
    """Whether the local outbox channel delivered `notification` (its receipt's provider id)."""
    return (notification.provider_id or "").startswith(f"{OutboxChannel.name}:")


MAX_OUTBOX_REPLY = 200  # characters, as a text message


def outbox_reply_problems(body: str) -> list[FieldError]:
    """Every problem of a reply typed in the outbox (`body`), all at once: blank, too long,
    a NUL character."""
    errors: list[FieldError] = []
    if not body.strip():
        errors.append(FieldError("body", "must not be blank"))
    if len(body) > MAX_OUTBOX_REPLY:
        reason = f"at most {MAX_OUTBOX_REPLY} characters"
        errors.append(
            FieldError("body", reason, "string_too_long", {"max_length": MAX_OUTBOX_REPLY})
        )
    if "\x00" in body:
        errors.append(FieldError("body", "must not contain NUL characters"))
    return errors


def handle_outbox_reply(
    session: Session, *, notification_id: int, user: User, body: str, now: datetime
) -> str:
    """A reply typed in the outbox as the recipient of notification `notification_id` would
    send it by SMS. Only a page the local outbox delivered can be answered so (`Conflict`
    otherwise); the reply is recorded as made by `user` for the recipient (see the module's
    invariants); a blank, too long or NUL-holding reply is one 422 naming each problem
    (`outbox_reply_problems`). Returns the answer, as `handle_reply`."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(f"notification {notification_id} not found")
    if not delivered_through_outbox(notification):
        raise Conflict(
            f"notification {notification_id} was not delivered through the local outbox "
            f"(channel {notification.channel}, {notification.status.value}); only the "
            "recipient can answer it, from their phone"
        )
    problems = outbox_reply_problems(body)
    if problems:
        raise ValidationFailed.of(problems)
    linked = session.exec(select(Person.id).where(Person.user_id == user.id)).first()
    return handle_reply(
        session,
        from_number=notification.to,
        body=body,
        now=now,
        via="outbox",
        replied_by=OutboxReplier(username=user.username, person_id=linked),
    )


def handle_reply(
    session: Session,
    *,
    from_number: str,
    body: str,
    now: datetime,
    via: AckSource = "sms",
    replied_by: OutboxReplier | None = None,
) -> str:
    """An SMS (or outbox) reply such as "1234 ack" / "1234 确认" / "1234 esc". Returns the
    answer text to send back; never raises for the state the incident is in.

    Only someone paged for the incident (`_paged`) acknowledges or escalates by reply; any
    other sender is told so and the escalation keeps running. Every reply whose code names
    an unresolved incident goes on its timeline (with what came of it); a reply that names
    none is logged and audited (`incident.reply_unmatched`). `replied_by` is the user who typed
    the reply in the outbox for `from_number` (`handle_outbox_reply`).
    """
    text = body.strip()
    match = _REPLY.match(text.lower())
    code = match.group(1) if match else None
    incident = None
    if code is not None:
        incident = session.exec(
            select(Incident)
            .where(Incident.short_code == code, Incident.status != IncidentStatus.resolved)
            .order_by(col(Incident.id).desc())
            .with_for_update()  # the state it answers from is the state it changes
            .execution_options(populate_existing=True)
        ).first()
    if match is None or incident is None or incident.id is None:
        said_word = match.group(2) if match else None
        _unmatched(session, from_number=from_number, body=text, code=code, word=said_word, now=now)
        return UNRECOGNISED if code is None else f"事件码 {code} 不存在或已办结"
    word = match.group(2) or "ack"
    paged, person_id = _paged(session, incident.id, from_number)
    actor = f"person:{person_id}" if person_id else from_number
    who = timeline_keys.who(actor, person_id)
    by = actor  # who acted, for the audit
    if replied_by is not None:
        by = replied_by.username
        if person_id is None or replied_by.person_id != person_id:
            actor = f"{actor} (outbox reply by {replied_by.username})"
            who["replier"] = replied_by.username
    said = f"reply from {from_number}: {text}"
    reply: dict[str, Any] = {"number": from_number, "said": text}
    if not paged:
        sender = f"person {person_id}" if person_id else "an unknown sender"
        add_event(
            session,
            incident.id,
            at=now,
            kind="reply_refused",
            actor=actor,
            text=f"{said} — refused: {sender}, not paged for this incident; escalation continues",
            key="reply_refused",
            values=reply | {"person": person_id},
        )
        audit.record(  # the audit log always masks numbers (a stranger's text may hold any)
            session,
            at=now,
            actor=by if replied_by is not None or person_id else mask_phone(from_number) or "",
            action="incident.reply_refused",
            entity_type="incident",
            entity_id=incident.id,
            after={"from": mask_phone(from_number), "body": mask_text_phones(text)}
            | ({"as": mask_text_phones(actor), "via": via} if replied_by else {}),
        )
        session.commit()
        if person_id:
            return f"您未接到事件 {code} 的通知，不能确认或升级"
        return f"{from_number} 未登记或未接到事件 {code} 的通知，不能确认或升级"
    open_ = incident.status is IncidentStatus.open
    if word in ESCALATE_WORDS and open_:
        _reply(session, incident.id, at=now, actor=actor, text=said, key="reply", values=reply)
        request_escalation(
            session, incident_id=incident.id, actor=actor, now=now, audit_actor=by, who=who
        )
        return f"事件 {code} 已升级"
    if word in ACK_WORDS and open_:
        _reply(session, incident.id, at=now, actor=actor, text=said, key="reply", values=reply)
        acknowledge(
            session,
            incident_id=incident.id,
            actor=actor,
            now=now,
            via=via,
            person_id=person_id,
            audit_actor=by,
            who=who,
        )
        return f"事件 {code} 已确认，谢谢"
    if word in ACK_WORDS | ESCALATE_WORDS:
        outcome = f"already acknowledged by {incident.acknowledged_by}; nothing changed"
        by_whom = _named(session, incident.acknowledged_by or "")
        answer = f"事件 {code} 已由 {by_whom} 确认，无需再确认或升级"
        key, reply["acknowledged_by"] = "reply_already_acknowledged", incident.acknowledged_by
    else:
        outcome, answer = "not understood; nothing changed", UNRECOGNISED
        key = "reply_not_understood"
    text = f"{said} — {outcome}"
    _reply(session, incident.id, at=now, actor=actor, text=text, key=key, values=reply)
    session.commit()
    return answer


def _named(session: Session, actor: str) -> str:
    """Who acknowledged, as the answer to a phone names them: the person who answered a page
    ("person:6", also when typed in the outbox for them), else the user by their shown name."""
    reply = user_link.OUTBOX_REPLY.fullmatch(actor)
    who = reply.group(1) if reply else actor
    return user_link.actor_names(session, [who]).get(who, who)


def _reply(
    session: Session,
    incident_id: int,
    *,
    at: datetime,
    actor: str,
    text: str,
    key: str,
    values: dict[str, Any],
) -> None:
    add_event(
        session, incident_id, at=at, kind="reply", actor=actor, text=text, key=key, values=values
    )


def _unmatched(
    session: Session,
    *,
    from_number: str,
    body: str,
    code: str | None,
    word: str | None,
    now: datetime,
) -> None:
    """A reply that names no unresolved incident: logged and audited, nothing else. Such a
    reply may come from anyone and say anything (names, phone and ID numbers), so the log
    and the audit keep the sender masked (138****1234) and of the body only its length, the
    code it named and a known answer word, never its text."""
    sender = mask_phone(from_number) or "unknown"
    known = word if word in ACK_WORDS | ESCALATE_WORDS else None
    log.info(
        "reply from %s (%d characters, code %s) names no unresolved incident",
        sender,
        len(body),
        code or "none",
    )
    audit.record(
        session,
        at=now,
        actor=sender,
        action="incident.reply_unmatched",
        entity_type="reply",
        entity_id=sender,
        after={"from": sender, "length": len(body), "code": code, "word": known},
    )
    session.commit()


def handle_key_press(
    session: Session, *, notification: Notification, digits: str, now: datetime
) -> str:
    """A key pressed during a voice page: 1 acknowledges, 2 escalates now (while open).
    Returns what to say back; never raises for the state the incident is in. A press that
    changes nothing goes on the timeline with the reason."""
    assert notification.incident_id is not None
    incident = get_incident(session, incident_id=notification.incident_id, for_update=True)
    assert incident.id is not None
    actor = f"person:{notification.person_id}"
    who = timeline_keys.who(actor, notification.person_id)
    if incident.status is IncidentStatus.open and digits == "1":
        acknowledge(
            session,
            incident_id=incident.id,
            actor=actor,
            now=now,
            via="voice",
            person_id=notification.person_id,
        )
        return "已确认，谢谢。"
    if incident.status is IncidentStatus.open and digits == "2":
        request_escalation(session, incident_id=incident.id, actor=actor, now=now, who=who)
        return "已升级。"
    pressed = {"digits": digits, "to": notification.to, "acknowledged_by": None}
    if digits not in ("1", "2"):
        outcome, answer = "not understood", "未识别的按键。"
        pressed["outcome"] = "not_understood"
    elif incident.status is IncidentStatus.acknowledged:
        outcome = f"already acknowledged by {incident.acknowledged_by}"
        answer = "该事件已有人确认，无需再确认或升级。"
        pressed |= {"outcome": "already_acknowledged", "acknowledged_by": incident.acknowledged_by}
    else:
        outcome, answer = "the incident is already resolved", "该事件已办结，无需处理。"
        pressed["outcome"] = "resolved"
    add_event(
        session,
        incident.id,
        at=now,
        kind="key_press",
        actor=actor,
        text=f"key {digits or '(none)'} pressed on the call to {notification.to} — {outcome}; "
        "nothing changed",
        key="key_press",
        values=pressed,
        notification_id=notification.id,
    )
    session.commit()
    return answer
