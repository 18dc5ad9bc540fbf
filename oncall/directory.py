"""Directory use cases: skills, people, duty roles and contact methods (units:
`oncall.unit_directory`, a person's phone numbers: `oncall.contacts`).

Keyword-only functions that take a session and plain values, validate references, write
the audit entry and commit once.

Every write looks, then writes (a free code, a unit without people, no cycle of parents, a user
not yet linked, a contact not yet listed): writes take turns under `DIRECTORY_LOCK`, taken
before anything is read, so on PostgreSQL the second of two edits at once is checked against
what the first committed instead of failing on a unique or foreign key, or on a vanished row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, delete, select

from core import audit
from core.db import advisory_lock
from core.errors import NotFound, ValidationFailed, taken
from core.users import User
from oncall.models import (
    ContactCreate,
    ContactMethod,
    ContactPublic,
    DutyRole,
    Person,
    PersonCreate,
    PersonDutyRole,
    PersonPublic,
    PersonSkill,
    PersonUpdate,
    Skill,
    SkillCreate,
    Unit,
)

DIRECTORY_LOCK = "directory"


def take_turn(session: Session) -> None:
    """Wait for the directory writes under way on other instances to commit (see above)."""
    advisory_lock(session, DIRECTORY_LOCK)


# ---- skills --------------------------------------------------------------------------------


def list_skills(session: Session) -> list[Skill]:
    return list(session.exec(select(Skill).order_by(col(Skill.code))).all())


def create_skill(session: Session, *, data: SkillCreate, actor: str, now: datetime) -> Skill:
    take_turn(session)
    if session.get(Skill, data.code) is not None:
        raise taken(f"skill {data.code!r} already exists", "code", "already exists")
    skill = Skill.model_validate(data)
    session.add(skill)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="skill.create",
        entity_type="skill",
        entity_id=skill.code,
        after=skill.model_dump(),
    )
    session.commit()
    return skill


# ---- people --------------------------------------------------------------------------------


def roles_of(session: Session, person_id: int) -> list[DutyRole]:
    rows = session.exec(
        select(PersonDutyRole.role).where(PersonDutyRole.person_id == person_id)
    ).all()
    return sorted(DutyRole(row) for row in rows)


def skills_of(session: Session, person_id: int) -> list[str]:
    rows = session.exec(
        select(PersonSkill.skill_code).where(PersonSkill.person_id == person_id)
    ).all()
    return sorted(rows)


def contacts_of(session: Session, person_id: int) -> list[ContactMethod]:
    """A person's contact methods in the order they are tried (priority, then age)."""
    return contacts_of_people(session, [person_id])


def contacts_of_people(session: Session, person_ids: Iterable[int]) -> list[ContactMethod]:
    """`contacts_of` for several people in one query (each person's in trying order)."""
    return list(
        session.exec(
            select(ContactMethod)
            .where(col(ContactMethod.person_id).in_(list(person_ids)))
            .order_by(
                col(ContactMethod.person_id), col(ContactMethod.priority), col(ContactMethod.id)
            )
        ).all()
    )


def person_public(session: Session, person: Person) -> PersonPublic:
    assert person.id is not None
    return PersonPublic(
        id=person.id,
        name=person.name,
        unit_id=person.unit_id,
        position=person.position,
        user_id=person.user_id,
        is_active=person.is_active,
        duty_roles=roles_of(session, person.id),
        skills=skills_of(session, person.id),
        contacts=[ContactPublic.model_validate(c) for c in contacts_of(session, person.id)],
    )


def _person_summary(session: Session, person: Person) -> dict[str, object]:
    return person_public(session, person).model_dump(mode="json", exclude={"id"})


def list_people(
    session: Session,
    *,
    unit_id: int | None = None,
    skill: str | None = None,
    duty_role: DutyRole | None = None,
    include_inactive: bool = False,
) -> list[Person]:
    query = select(Person).order_by(col(Person.unit_id), col(Person.name))
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    if skill is not None:
        query = query.where(
            col(Person.id).in_(select(PersonSkill.person_id).where(PersonSkill.skill_code == skill))
        )
    if duty_role is not None:
        query = query.where(
            col(Person.id).in_(
                select(PersonDutyRole.person_id).where(PersonDutyRole.role == duty_role)
            )
        )
    if not include_inactive:
        query = query.where(col(Person.is_active).is_(True))
    return list(session.exec(query).all())


def get_person(session: Session, *, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"person {person_id} not found")
    return person


def _check_person_refs(
    session: Session,
    *,
    unit_id: int | None,
    user_id: int | None,
    skills: Iterable[str] | None,
    person_id: int | None,
) -> None:
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise ValidationFailed.absent("unit_id", "unit", unit_id)
    if user_id is not None:
        if session.get(User, user_id) is None:
            raise ValidationFailed.absent("user_id", "user", user_id)
        holder = session.exec(select(Person.id).where(Person.user_id == user_id)).first()
        if holder is not None and holder != person_id:
            raise ValidationFailed("user_id", f"user {user_id} is already linked to a person")
    for code in skills or ():
        if session.get(Skill, code) is None:
            raise ValidationFailed("skills", f"unknown skill {code!r}")


def _set_roles(session: Session, person_id: int, roles: Iterable[DutyRole]) -> None:
    session.exec(delete(PersonDutyRole).where(col(PersonDutyRole.person_id) == person_id))
    for role in roles:
        session.add(PersonDutyRole(person_id=person_id, role=role))


def _set_skills(session: Session, person_id: int, skills: Iterable[str]) -> None:
    session.exec(delete(PersonSkill).where(col(PersonSkill.person_id) == person_id))
    for code in skills:
        session.add(PersonSkill(person_id=person_id, skill_code=code))


def create_person(session: Session, *, data: PersonCreate, actor: str, now: datetime) -> Person:
    take_turn(session)
    _check_person_refs(
        session, unit_id=data.unit_id, user_id=data.user_id, skills=data.skills, person_id=None
    )
    _check_contacts_unique(data.contacts)
    person = Person(
        name=data.name, unit_id=data.unit_id, position=data.position, user_id=data.user_id
    )
    session.add(person)
    session.flush()
    assert person.id is not None
    _set_roles(session, person.id, data.duty_roles)
    _set_skills(session, person.id, data.skills)
    for contact in data.contacts:
        session.add(ContactMethod(person_id=person.id, **contact.model_dump()))
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="person.create",
        entity_type="person",
        entity_id=person.id,
        after=_person_summary(session, person),
    )
    session.commit()
    return person


def update_person(
    session: Session, *, person_id: int, data: PersonUpdate, actor: str, now: datetime
) -> Person:
    take_turn(session)
    person = get_person(session, person_id=person_id)
    before = _person_summary(session, person)
    changes = data.model_dump(exclude_unset=True)
    for field in ("name", "unit_id", "position", "is_active"):
        if field in changes and changes[field] is None:
            raise ValidationFailed(field, "must not be null")
    _check_person_refs(
        session,
        unit_id=changes.get("unit_id"),
        user_id=changes.get("user_id"),
        skills=changes.get("skills"),
        person_id=person_id,
    )
    for field in ("name", "unit_id", "position", "user_id", "is_active"):
        if field in changes:
            setattr(person, field, changes[field])
    if changes.get("duty_roles") is not None:
        _set_roles(session, person_id, data.duty_roles or [])
    if changes.get("skills") is not None:
        _set_skills(session, person_id, data.skills or [])
    session.add(person)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="person.update",
        entity_type="person",
        entity_id=person_id,
        before=before,
        after=_person_summary(session, person),
    )
    session.commit()
    return person


def archive_person(session: Session, *, person_id: int, actor: str, now: datetime) -> Person:
    return update_person(
        session, person_id=person_id, data=PersonUpdate(is_active=False), actor=actor, now=now
    )


# ---- contact methods -----------------------------------------------------------------------


def _check_contacts_unique(contacts: Iterable[ContactCreate]) -> None:
    seen: set[tuple[str, str]] = set()
    for contact in contacts:
        key = (contact.kind.value, contact.value)
        if key in seen:
            raise ValidationFailed("contacts", f"{contact.value} is listed twice")
        seen.add(key)
