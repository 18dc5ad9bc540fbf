"""Organisation directory: units, skills, people and their contact methods; and the units'
published duty phones, the one part readable without signing in (a bureau publishes them for
accident reports, DOMAIN.md §5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import ClockDep, DirectoryReader, DirectoryWriter, SessionDep
from core.types import MAX_ID, Code
from oncall import contacts, directory, unit_directory
from oncall.models import (
    ContactCreate,
    ContactPublic,
    ContactUpdate,
    DutyPhonePublic,
    DutyRole,
    PersonCreate,
    PersonPublic,
    PersonUpdate,
    SkillCreate,
    SkillPublic,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["directory"])
UnitId = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/units", summary="List units and sections")
def list_units(
    session: SessionDep, _: DirectoryReader, include_inactive: bool = False
) -> list[UnitPublic]:
    units = unit_directory.list_units(session, include_inactive=include_inactive)
    return [UnitPublic.model_validate(u) for u in units]


@router.get("/duty-phones", summary="Published duty phones of the units (no authentication)")
def duty_phones(session: SessionDep) -> list[DutyPhonePublic]:
    return [
        DutyPhonePublic(unit_id=u.id or 0, name=u.name, district=u.district, phone=u.phone or "")
        for u in unit_directory.duty_phones(session)
    ]


@router.post("/units", status_code=status.HTTP_201_CREATED, summary="Create a unit")
def create_unit(
    session: SessionDep, clock: ClockDep, who: DirectoryWriter, body: UnitCreate
) -> UnitPublic:
    unit = unit_directory.create_unit(session, data=body, actor=who.name, now=clock.now())
    return UnitPublic.model_validate(unit)


@router.get("/units/{unit_id}", summary="One unit")
def get_unit(session: SessionDep, _: DirectoryReader, unit_id: UnitId) -> UnitPublic:
    return UnitPublic.model_validate(unit_directory.get_unit(session, unit_id=unit_id))


@router.patch("/units/{unit_id}", summary="Change a unit")
def update_unit(
    session: SessionDep, clock: ClockDep, who: DirectoryWriter, unit_id: UnitId, body: UnitUpdate
) -> UnitPublic:
    unit = unit_directory.update_unit(
        session, unit_id=unit_id, data=body, actor=who.name, now=clock.now()
    )
    return UnitPublic.model_validate(unit)


@router.delete(
    "/units/{unit_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an empty unit"
)
def delete_unit(
    session: SessionDep, clock: ClockDep, who: DirectoryWriter, unit_id: UnitId
) -> None:
    unit_directory.delete_unit(session, unit_id=unit_id, actor=who.name, now=clock.now())


@router.get("/skills", summary="List skills (regulatory domains)")
def list_skills(session: SessionDep, _: DirectoryReader) -> list[SkillPublic]:
    return [SkillPublic.model_validate(s) for s in directory.list_skills(session)]


@router.post("/skills", status_code=status.HTTP_201_CREATED, summary="Add a skill")
def create_skill(
    session: SessionDep, clock: ClockDep, who: DirectoryWriter, body: SkillCreate
) -> SkillPublic:
    skill = directory.create_skill(session, data=body, actor=who.name, now=clock.now())
    return SkillPublic.model_validate(skill)


@router.get("/people", summary="List people, optionally by unit, skill or duty role")
def list_people(
    session: SessionDep,
    _: DirectoryReader,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    skill: Code | None = None,
    duty_role: DutyRole | None = None,
    include_inactive: bool = False,
) -> list[PersonPublic]:
    people = directory.list_people(
        session,
        unit_id=unit_id,
        skill=skill,
        duty_role=duty_role,
        include_inactive=include_inactive,
    )
    return [directory.person_public(session, p) for p in people]


@router.post("/people", status_code=status.HTTP_201_CREATED, summary="Add a person")
def create_person(
    session: SessionDep, clock: ClockDep, who: DirectoryWriter, body: PersonCreate
) -> PersonPublic:
    person = directory.create_person(session, data=body, actor=who.name, now=clock.now())
    return directory.person_public(session, person)


@router.get("/people/{person_id}", summary="One person with roles, skills and contacts")
def get_person(session: SessionDep, _: DirectoryReader, person_id: PersonId) -> PersonPublic:
    return directory.person_public(session, directory.get_person(session, person_id=person_id))


@router.patch("/people/{person_id}", summary="Change a person")
def update_person(
    session: SessionDep,
    clock: ClockDep,
    who: DirectoryWriter,
    person_id: PersonId,
    body: PersonUpdate,
) -> PersonPublic:
    person = directory.update_person(
        session, person_id=person_id, data=body, actor=who.name, now=clock.now()
    )
    return directory.person_public(session, person)


@router.delete(
    "/people/{person_id}",
    summary="Archive a person (kept for history, hidden from lists and rosters)",
)
def archive_person(
    session: SessionDep, clock: ClockDep, who: DirectoryWriter, person_id: PersonId
) -> PersonPublic:
    person = directory.archive_person(session, person_id=person_id, actor=who.name, now=clock.now())
    return directory.person_public(session, person)


@router.post(
    "/people/{person_id}/contacts",
    status_code=status.HTTP_201_CREATED,
    summary="Add a contact method (E.164 number)",
)
def add_contact(
    session: SessionDep,
    clock: ClockDep,
    who: DirectoryWriter,
    person_id: PersonId,
    body: ContactCreate,
) -> ContactPublic:
    contact = contacts.add_contact(
        session, person_id=person_id, data=body, actor=who.name, now=clock.now()
    )
    return ContactPublic.model_validate(contact)


@router.patch(
    "/people/{person_id}/contacts/{contact_id}",
    summary="Change a contact method: its kind, its number or its place in the order",
)
def update_contact(
    session: SessionDep,
    clock: ClockDep,
    who: DirectoryWriter,
    person_id: PersonId,
    contact_id: ContactId,
    body: ContactUpdate,
) -> ContactPublic:
    contact = contacts.update_contact(
        session,
        person_id=person_id,
        contact_id=contact_id,
        data=body,
        actor=who.name,
        now=clock.now(),
    )
    return ContactPublic.model_validate(contact)


@router.delete(
    "/people/{person_id}/contacts/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a contact method",
)
def remove_contact(
    session: SessionDep,
    clock: ClockDep,
    who: DirectoryWriter,
    person_id: PersonId,
    contact_id: ContactId,
) -> None:
    contacts.remove_contact(
        session, person_id=person_id, contact_id=contact_id, actor=who.name, now=clock.now()
    )
