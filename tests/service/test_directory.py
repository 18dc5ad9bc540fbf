from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from core.audit import list_entries
from core.errors import Conflict, NotFound, ValidationFailed
from oncall import contacts, directory, unit_directory
from oncall.models import ContactCreate, ContactKind, DutyRole, PersonUpdate, UnitUpdate
from tests.conftest import T0
from tests.factories import make_person, make_skill, make_unit


def test_person_with_roles_skills_and_contacts(session: Session) -> None:
    unit = make_unit(session)
    make_skill(session, "food")
    make_skill(session, "special_equipment", "特种设备")
    person = make_person(
        session,
        unit=unit,
        duty_roles=[DutyRole.duty_officer, DutyRole.expert],
        skills=["special_equipment", "food"],
        contacts=[
            {"kind": "mobile", "value": "+8613800001234", "priority": 1},
            {"kind": "landline", "value": "+862160001234", "priority": 2},
        ],
    )
    public = directory.person_public(session, person)
    assert public.duty_roles == [DutyRole.duty_officer, DutyRole.expert]
    assert public.skills == ["food", "special_equipment"]
    assert [c.value for c in public.contacts] == ["+8613800001234", "+862160001234"]
    assert list_entries(session, entity_type="person")[0].action == "person.create"


def test_people_filtered_by_skill_and_role(session: Session) -> None:
    unit = make_unit(session)
    make_skill(session, "food")
    expert = make_person(session, unit=unit, name="朱琳", skills=["food"], duty_roles=["expert"])
    make_person(session, unit=unit, name="黄磊", duty_roles=["duty_officer"])
    assert [p.id for p in directory.list_people(session, skill="food")] == [expert.id]
    officers = directory.list_people(session, duty_role=DutyRole.duty_officer)
    assert [p.name for p in officers] == ["黄磊"]


@pytest.mark.parametrize(
    "number",
    ["13800001234", "+86 138 0000 1234", "+8612345678901", "+0123456789", "+861380000123"],
)
def test_invalid_numbers_are_refused(number: str) -> None:
    with pytest.raises(ValidationError):
        ContactCreate(kind=ContactKind.mobile, value=number)


def test_unknown_references_name_the_field(session: Session) -> None:
    unit = make_unit(session)
    with pytest.raises(ValidationFailed) as raised:
        make_person(session, unit=unit, skills=["astrology"])
    assert raised.value.errors[0].field == "skills"
    with pytest.raises(ValidationFailed) as raised:
        make_person(session, unit=unit, user_id=424242)
    assert raised.value.errors[0].field == "user_id"
    person = make_person(session, unit=unit)
    assert person.id is not None
    with pytest.raises(ValidationFailed) as raised:
        directory.update_person(
            session, person_id=person.id, data=PersonUpdate(unit_id=999_999), actor="t", now=T0
        )
    assert raised.value.errors[0].field == "unit_id"


def test_a_unit_cannot_become_its_own_ancestor(session: Session) -> None:
    parent = make_unit(session, code="d-east", kind="district")
    assert parent.id is not None
    child = make_unit(session, code="fo-east", kind="field_office", parent_id=parent.id)
    assert child.id is not None
    with pytest.raises(ValidationFailed) as raised:
        unit_directory.update_unit(
            session, unit_id=parent.id, data=UnitUpdate(parent_id=child.id), actor="t", now=T0
        )
    assert raised.value.errors[0].field == "parent_id"


def test_unit_with_people_cannot_be_deleted(session: Session) -> None:
    unit = make_unit(session)
    make_person(session, unit=unit)
    assert unit.id is not None
    with pytest.raises(Conflict):
        unit_directory.delete_unit(session, unit_id=unit.id, actor="t", now=T0)


def test_archived_people_leave_lists_but_keep_their_record(session: Session) -> None:
    unit = make_unit(session)
    person = make_person(session, unit=unit)
    assert person.id is not None
    directory.archive_person(session, person_id=person.id, actor="t", now=T0)
    assert directory.list_people(session) == []
    assert directory.list_people(session, include_inactive=True)[0].id == person.id


def test_duplicate_contact_is_a_conflict(session: Session) -> None:
    unit = make_unit(session)
    person = make_person(
        session, unit=unit, contacts=[{"kind": "mobile", "value": "+8613800001234"}]
    )
    assert person.id is not None
    with pytest.raises(Conflict):
        contacts.add_contact(
            session,
            person_id=person.id,
            data=ContactCreate(kind=ContactKind.mobile, value="+8613800001234"),
            actor="t",
            now=T0,
        )
    with pytest.raises(NotFound):
        contacts.remove_contact(session, person_id=person.id, contact_id=999_999, actor="t", now=T0)
