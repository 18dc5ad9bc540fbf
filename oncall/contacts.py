"""Contact-method use cases: add, change and remove a person's phone numbers (the order they
are tried in, `directory.contacts_of`, is read beside the rest of the person)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core import audit
from core.errors import NotFound, ValidationFailed, taken
from oncall.directory import get_person, take_turn
from oncall.models import ContactCreate, ContactKind, ContactMethod, ContactPublic, ContactUpdate


def add_contact(
    session: Session, *, person_id: int, data: ContactCreate, actor: str, now: datetime
) -> ContactMethod:
    take_turn(session)
    get_person(session, person_id=person_id)
    _refuse_duplicate(session, person_id=person_id, kind=data.kind, value=data.value)
    contact = ContactMethod(person_id=person_id, **data.model_dump())
    session.add(contact)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="contact.create",
        entity_type="person",
        entity_id=person_id,
        after=data.model_dump(mode="json"),
    )
    session.commit()
    return contact


def update_contact(
    session: Session,
    *,
    person_id: int,
    contact_id: int,
    data: ContactUpdate,
    actor: str,
    now: datetime,
) -> ContactMethod:
    """Change a number, its kind or its place in the order; fields left out stay as they are."""
    take_turn(session)
    contact = _contact_of(session, person_id=person_id, contact_id=contact_id)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise ValidationFailed(field, "must not be null")
    kind, value = changes.get("kind", contact.kind), changes.get("value", contact.value)
    if (kind, value) != (contact.kind, contact.value):
        _refuse_duplicate(session, person_id=person_id, kind=kind, value=value)
    before = ContactPublic.model_validate(contact).model_dump(mode="json")
    for field, new in changes.items():
        setattr(contact, field, new)
    session.add(contact)
    session.flush()
    after = ContactPublic.model_validate(contact).model_dump(mode="json")
    if after != before:
        audit.record(
            session,
            at=now,
            actor=actor,
            action="contact.update",
            entity_type="person",
            entity_id=person_id,
            before=before,
            after=after,
        )
    session.commit()
    return contact


def remove_contact(
    session: Session, *, person_id: int, contact_id: int, actor: str, now: datetime
) -> None:
    take_turn(session)
    contact = _contact_of(session, person_id=person_id, contact_id=contact_id)
    before = ContactPublic.model_validate(contact).model_dump(mode="json")
    session.delete(contact)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="contact.delete",
        entity_type="person",
        entity_id=person_id,
        before=before,
    )
    session.commit()


def _contact_of(session: Session, *, person_id: int, contact_id: int) -> ContactMethod:
    contact = session.get(ContactMethod, contact_id)
    if contact is None or contact.person_id != person_id:
        raise NotFound(f"contact {contact_id} of person {person_id} not found")
    return contact


def _refuse_duplicate(session: Session, *, person_id: int, kind: ContactKind, value: str) -> None:
    duplicate = session.exec(
        select(ContactMethod).where(
            ContactMethod.person_id == person_id,
            ContactMethod.kind == kind,
            ContactMethod.value == value,
        )
    ).first()
    if duplicate is not None:
        raise taken(
            f"{value} is already a {kind.value} contact of this person",
            "value",
            "is already a contact of this person",
        )
