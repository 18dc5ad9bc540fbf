"""Plain factory functions for directory records."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from oncall import directory, unit_directory
from oncall.models import Person, PersonCreate, Skill, SkillCreate, Unit, UnitCreate, UnitKind
from tests.conftest import T0


def make_unit(session: Session, **overrides: Any) -> Unit:
    data: dict[str, Any] = {"code": "intake", "name": "受理科", "kind": UnitKind.section}
    data.update(overrides)
    return unit_directory.create_unit(session, data=UnitCreate(**data), actor="test", now=T0)


def make_skill(session: Session, code: str = "food", name_zh: str = "食品安全") -> Skill:
    return directory.create_skill(
        session, data=SkillCreate(code=code, name_zh=name_zh, name_en=code), actor="test", now=T0
    )


def make_person(session: Session, *, unit: Unit, **overrides: Any) -> Person:
    assert unit.id is not None
    data: dict[str, Any] = {"name": "杨帆", "unit_id": unit.id}
    data.update(overrides)
    return directory.create_person(session, data=PersonCreate(**data), actor="test", now=T0)
