"""Contact-method use cases: add and remove a person's phone numbers (the order they are
tried in, `directory.contacts_of`, is read beside the rest of the person)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core import audit
from core.errors import NotFound, taken
from oncall.directory import get_person, take_turn
from oncall.models import ContactCreate, ContactMethod, ContactPublic


def add_contact(
    session: Session, *, person_id: int, data: ContactCreate, actor: str, now: datetime
) -> ContactMethod:
    take_turn(session)
    get_person(session, person_id=person_id)
    duplicate = session.exec(
        select(ContactMethod).where(
            ContactMethod.person_id == person_id,
            ContactMethod.kind == data.kind,
            ContactMethod.value == data.value,
        )
    ).first()
    if duplicate is not None:
        raise taken(
            f"{data.value} is already a {data.kind.value} contact of this person",
            "value",
            "is already a contact of this person",
        )
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


def remove_contact(
    session: Session, *, person_id: int, contact_id: int, actor: str, now: datetime
) -> None:
    take_turn(session)
    contact = session.get(ContactMethod, contact_id)
    if contact is None or contact.person_id != person_id:
        raise NotFound(f"contact {contact_id} of person {person_id} not found")
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
