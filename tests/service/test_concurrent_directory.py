"""The directory edited by two planners at once, on two instances (tests.concurrency). Each
edit looks, then writes (a free code, a unit without people, no cycle of parents, a contact
not yet listed, a user not yet linked); on PostgreSQL the second one used to run its checks on
what READ COMMITTED showed it and then fail on a unique key or a foreign key (a bare 409
naming no field), on a vanished row (a 500), or store what the check was meant to refuse.
The edits now take turns, so the second one is answered like any single edit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core import users
from core.audit import AuditEntry
from core.db import write_session
from core.errors import Conflict, DomainError, NotFound, ValidationFailed
from oncall import contacts, directory, unit_directory
from oncall.models import (
    ContactCreate,
    ContactKind,
    ContactMethod,
    DutyRole,
    PersonCreate,
    PersonUpdate,
    SkillCreate,
    Unit,
    UnitCreate,
    UnitKind,
    UnitUpdate,
)
from tests.concurrency import at_once, committed_engine
from tests.conftest import T0


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _unit_data(code: str, parent_id: int | None = None) -> UnitCreate:
    return UnitCreate(code=code, name=code, kind=UnitKind.section, parent_id=parent_id)


def _unit(engine: Engine, code: str, parent_id: int | None = None) -> int:
    with write_session(engine) as session:
        unit = unit_directory.create_unit(
            session, data=_unit_data(code, parent_id), actor="test", now=T0
        )
    assert unit.id is not None
    return unit.id


def _person(engine: Engine, unit_id: int, name: str = "杨帆") -> int:
    with write_session(engine) as session:
        person = directory.create_person(
            session, data=PersonCreate(name=name, unit_id=unit_id), actor="test", now=T0
        )
    assert person.id is not None
    return person.id


def _field(error: DomainError) -> str:
    return error.errors[0].field if error.errors else ""


def test_one_unit_code_created_twice_at_once_is_a_conflict_naming_the_code(
    engine: Engine,
) -> None:
    def create(session: Session) -> object:
        return unit_directory.create_unit(session, data=_unit_data("twice"), actor="a", now=T0)

    second = at_once(engine, create, create)
    with pytest.raises(Conflict, match="already used") as refused:
        second.join()
    assert _field(refused.value) == "code"


def test_one_skill_created_twice_at_once_is_a_conflict_naming_the_code(engine: Engine) -> None:
    data = SkillCreate(code="boilers", name_zh="锅炉", name_en="boilers")

    def create(session: Session) -> object:
        return directory.create_skill(session, data=data, actor="a", now=T0)

    second = at_once(engine, create, create)
    with pytest.raises(Conflict, match="already exists") as refused:
        second.join()
    assert _field(refused.value) == "code"


def test_a_unit_deleted_twice_at_once_is_not_found_the_second_time(engine: Engine) -> None:
    unit_id = _unit(engine, "gone-twice")

    def delete(session: Session) -> object:
        unit_directory.delete_unit(session, unit_id=unit_id, actor="a", now=T0)
        return None

    second = at_once(engine, delete, delete)
    with pytest.raises(NotFound):
        second.join()


def test_a_person_added_to_a_unit_deleted_at_once_names_the_unit(engine: Engine) -> None:
    unit_id = _unit(engine, "closing")

    def delete(session: Session) -> object:
        unit_directory.delete_unit(session, unit_id=unit_id, actor="a", now=T0)
        return None

    def add(session: Session) -> object:
        data = PersonCreate(name="王敏", unit_id=unit_id)
        return directory.create_person(session, data=data, actor="b", now=T0)

    second = at_once(engine, delete, add)
    with pytest.raises(ValidationFailed) as refused:
        second.join()
    assert _field(refused.value) == "unit_id"


def test_a_unit_is_not_deleted_under_a_person_added_at_once(engine: Engine) -> None:
    unit_id = _unit(engine, "staffed")

    def add(session: Session) -> object:
        data = PersonCreate(name="刘洋", unit_id=unit_id)
        return directory.create_person(session, data=data, actor="a", now=T0)

    def delete(session: Session) -> object:
        unit_directory.delete_unit(session, unit_id=unit_id, actor="b", now=T0)
        return None

    second = at_once(engine, add, delete)
    with pytest.raises(Conflict, match="still has people"):
        second.join()
    with Session(engine) as session:
        assert session.get(Unit, unit_id) is not None


def test_two_units_made_each_others_parent_at_once_leave_no_cycle(engine: Engine) -> None:
    one, two = _unit(engine, "cycle-one"), _unit(engine, "cycle-two")

    def under(child: int, parent: int) -> Any:
        return lambda s: unit_directory.update_unit(
            s, unit_id=child, data=UnitUpdate(parent_id=parent), actor="a", now=T0
        )

    second = at_once(engine, under(one, two), under(two, one))
    with pytest.raises(ValidationFailed, match="ancestor"):
        second.join()
    with Session(engine) as session:
        parents = {u.id: u.parent_id for u in session.exec(select(Unit)).all()}
        assert (parents[one], parents[two]) == (two, None)


def test_one_contact_added_twice_at_once_is_a_conflict_naming_the_value(engine: Engine) -> None:
    person_id = _person(engine, _unit(engine, "phones"))
    data = ContactCreate(kind=ContactKind.mobile, value="+8613800001234")

    def add(session: Session) -> object:
        return contacts.add_contact(session, person_id=person_id, data=data, actor="a", now=T0)

    second = at_once(engine, add, add)
    with pytest.raises(Conflict, match="already") as refused:
        second.join()
    assert _field(refused.value) == "value"
    with Session(engine) as session:
        rows = session.exec(select(ContactMethod).where(ContactMethod.person_id == person_id))
        assert len(rows.all()) == 1


def test_a_contact_removed_twice_at_once_is_not_found_the_second_time(engine: Engine) -> None:
    person_id = _person(engine, _unit(engine, "old-phones"))
    with write_session(engine) as session:
        data = ContactCreate(kind=ContactKind.landline, value="+862160001234")
        contact = contacts.add_contact(session, person_id=person_id, data=data, actor="t", now=T0)
    assert contact.id is not None
    contact_id = contact.id

    def remove(session: Session) -> object:
        contacts.remove_contact(
            session, person_id=person_id, contact_id=contact_id, actor="a", now=T0
        )
        return None

    second = at_once(engine, remove, remove)
    with pytest.raises(NotFound):
        second.join()


def test_one_user_linked_to_two_people_at_once_is_refused_naming_the_user(
    engine: Engine,
) -> None:
    unit_id = _unit(engine, "linked")
    one, two = _person(engine, unit_id, "甲"), _person(engine, unit_id, "乙")
    with write_session(engine) as session:
        user = users.create_user(
            session,
            username="linked-user",
            password="long-enough-pw",
            role=users.Role.duty_officer,
            actor="test",
            now=T0,
        )
    assert user.id is not None
    user_id = user.id

    def link(person_id: int) -> Any:
        return lambda s: directory.update_person(
            s, person_id=person_id, data=PersonUpdate(user_id=user_id), actor="a", now=T0
        )

    second = at_once(engine, link(one), link(two))
    with pytest.raises(ValidationFailed, match="already linked") as refused:
        second.join()
    assert _field(refused.value) == "user_id"


def test_a_person_edited_twice_at_once_gets_both_edits_in_turn(engine: Engine) -> None:
    person_id = _person(engine, _unit(engine, "roles"), "赵强")

    def roles(*given: DutyRole) -> Any:
        return lambda s: directory.update_person(
            s, person_id=person_id, data=PersonUpdate(duty_roles=list(given)), actor="a", now=T0
        )

    at_once(
        engine, roles(DutyRole.duty_officer), roles(DutyRole.duty_officer, DutyRole.leader)
    ).join()
    with Session(engine) as session:
        assert directory.roles_of(session, person_id) == [DutyRole.duty_officer, DutyRole.leader]
        entries = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "person.update", AuditEntry.entity_id == str(person_id))
            .order_by(col(AuditEntry.seq))
        ).all()
    # the second edit's "before" is the first one's "after", not what it saw beside it
    assert [e.before for e in entries[1:]] == [e.after for e in entries[:-1]]
    assert len(entries) == 2
