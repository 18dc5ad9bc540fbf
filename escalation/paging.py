"""Pages in the outbox: their text, queueing each once under its idempotency key, the
incident timeline entries beside them, and the fall back to a person's next contact method
after a permanent failure. `PassLookups` holds what one advance pass reads once for all its
incidents. The dispatcher (`escalation.dispatch`) claims, advances and sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from escalation import person_rules
from escalation.models import CATEGORY_ZH, Incident, Notification, NotificationStatus
from escalation.policy import NotifyRule
from escalation.service import add_event
from escalation.state import IncidentStatus, OwnRules
from escalation.targets import TargetCache
from oncall import directory
from oncall.models import ContactKind, ContactMethod, Person

SEVERITY_ZH = {"I": "特别重大(I级)", "II": "重大(II级)", "III": "较大(III级)", "IV": "一般(IV级)"}


def message_text(incident: Incident) -> str:
    place = f"，地点：{incident.place}" if incident.place else ""
    title = incident.title.rstrip("。")  # the text adds its own full stop
    return (
        f"【DutyDesk】{SEVERITY_ZH[incident.severity.value]}"
        f"{CATEGORY_ZH[incident.category.value]}事件：{title}{place}。"
        f"回复“{incident.short_code} 确认”确认，“{incident.short_code} 升级”立即升级"
    )


def able_contacts(contacts: list[ContactMethod], kind: str) -> list[ContactMethod]:
    """The contacts that can take `kind` (SMS needs a mobile), in the order given."""
    return [c for c in contacts if kind != "sms" or c.kind is ContactKind.mobile]


def contacts_for_kind(session: Session, person_id: int, kind: str) -> list[ContactMethod]:
    """The person's contacts that can take `kind`, in trying order."""
    return able_contacts(directory.contacts_of(session, person_id), kind)


def queue_page(
    session: Session,
    *,
    incident: Incident,
    key: str,
    person_id: int | None,
    kind: str,
    channel: str,
    to: str,
    now: datetime,
    queued_keys: set[str] | None = None,
) -> Notification | None:
    """A new pending outbox row, or None if `key` was queued before. `queued_keys` (the
    pass's keys of its incidents, kept up to date here) saves the lookup per row."""
    if queued_keys is not None:
        if key in queued_keys:
            return None
        queued_keys.add(key)
    elif session.exec(select(Notification.id).where(Notification.idempotency_key == key)).first():
        return None
    assert incident.id is not None
    row = Notification(
        incident_id=incident.id,
        idempotency_key=key,
        person_id=person_id,
        kind=kind,
        channel=channel,
        to=to,
        body=message_text(incident),
        status=NotificationStatus.pending,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def fallback(
    session: Session, *, failed: Notification, reason: str, now: datetime, channel: str
) -> None:
    """Queue the person's next contact method after a permanent failure, or say nobody left."""
    if failed.incident_id is None:
        _notice_fallback(session, failed=failed, now=now)
        return
    incident = session.get(Incident, failed.incident_id)
    assert incident is not None
    add_event(
        session,
        failed.incident_id,
        at=now,
        kind="delivery_failed",
        text=f"{failed.kind} to {failed.to} failed permanently: {reason}",
        key="delivery_failed",
        values={"kind": failed.kind, "to": failed.to, "reason": reason},
        notification_id=failed.id,
    )
    if failed.person_id is None or incident.status is not IncidentStatus.open:
        return
    tried = set(
        session.exec(
            select(Notification.to).where(
                Notification.incident_id == failed.incident_id,
                Notification.person_id == failed.person_id,
                col(Notification.idempotency_key).startswith(failed.idempotency_key.split("|")[0]),
            )
        ).all()
    )
    for contact in contacts_for_kind(session, failed.person_id, failed.kind):
        if contact.value not in tried:
            key = f"{failed.idempotency_key.split('|')[0]}|fallback:{contact.id}"
            row = queue_page(
                session,
                incident=incident,
                key=key,
                person_id=failed.person_id,
                kind=failed.kind,
                channel=channel,
                to=contact.value,
                now=now,
            )
            if row is not None:
                add_event(
                    session,
                    failed.incident_id,
                    at=now,
                    kind="fallback",
                    text=f"trying {failed.kind} to next contact {contact.value}",
                    key="fallback",
                    values={"kind": failed.kind, "to": contact.value},
                    notification_id=row.id,
                )
            return
    add_event(
        session,
        failed.incident_id,
        at=now,
        kind="unreachable",
        text=f"no further contact method for person {failed.person_id}",
        key="no_further_contact",
        values={"person": failed.person_id},
    )


def _notice_fallback(session: Session, *, failed: Notification, now: datetime) -> None:
    """A notice that failed permanently goes to the person's next mobile, if any."""
    if failed.person_id is None:
        return
    base_key = failed.idempotency_key.split("|")[0]
    tried = set(
        session.exec(
            select(Notification.to).where(col(Notification.idempotency_key).startswith(base_key))
        ).all()
    )
    for contact in contacts_for_kind(session, failed.person_id, "sms"):
        if contact.value not in tried:
            row = Notification(
                incident_id=None,
                topic=failed.topic,
                subject_ref=failed.subject_ref,
                idempotency_key=f"{base_key}|fallback:{contact.id}",
                person_id=failed.person_id,
                kind=failed.kind,
                channel=failed.channel,
                to=contact.value,
                body=failed.body,
                status=NotificationStatus.pending,
                next_attempt_at=now,
                created_at=now,
            )
            session.add(row)
            return


@dataclass
class PassLookups:
    """What one advance pass reads once for all its incidents (one instant, one transaction):
    the roster around that instant and the people behind each target, people's own
    notification rules, names and contact methods, and the idempotency keys its incidents
    have queued so far."""

    targets: TargetCache = field(default_factory=TargetCache)
    rules: dict[int, tuple[NotifyRule, ...]] = field(default_factory=dict)
    rules_read_for: set[int] = field(default_factory=set)
    names: dict[int, str] = field(default_factory=dict)
    contacts: dict[int, list[ContactMethod]] = field(default_factory=dict)
    queued_keys: set[str] = field(default_factory=set)

    @classmethod
    def for_incidents(cls, session: Session, incidents: list[Incident]) -> PassLookups:
        ids = [i.id for i in incidents]
        if not ids:
            return cls()
        keys = session.exec(
            select(Notification.idempotency_key).where(col(Notification.incident_id).in_(ids))
        ).all()
        return cls(queued_keys=set(keys))

    def own_rules(self, session: Session, people: frozenset[int]) -> OwnRules:
        """Own rules by person for at least `people` (the engine looks up its recipients)."""
        unread = people - self.rules_read_for
        if unread:
            self.rules.update(person_rules.rules_of(session, unread))
            self.rules_read_for |= unread
        return self.rules

    def read_people(self, session: Session, people: set[int]) -> None:
        """Names and contact methods (in trying order) of at least `people`."""
        unread = people - self.names.keys()
        if not unread:
            return
        for person in session.exec(select(Person).where(col(Person.id).in_(unread))).all():
            assert person.id is not None
            self.names[person.id] = person.name
        for person_id in unread:
            self.names.setdefault(person_id, "?")
            self.contacts[person_id] = []
        for contact in directory.contacts_of_people(session, unread):
            self.contacts[contact.person_id].append(contact)

    def contacts_for(self, person_id: int, kind: str) -> list[ContactMethod]:
        """As `contacts_for_kind`, from what `read_people` read."""
        return able_contacts(self.contacts[person_id], kind)
