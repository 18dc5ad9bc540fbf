"""Configuration edited by two administrators or planners at once, on two instances. The
first edit is held just before its commit (`tests.concurrency.before_commit`) and the second
started beside it: on PostgreSQL it used to run its checks on what READ COMMITTED showed it
(duplicate rows, version numbers written twice, invariants broken by two edits each fine on
its own, unique-key clashes answered as a bare 409); the edits now take turns, so the second
one is checked against the first one's result."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import time
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from complaints import terms
from complaints.config_models import ClassificationTerm, TermKind
from complaints.config_schemas import TermCreate
from core import users
from core.audit import AuditEntry
from core.db import write_session
from core.errors import Conflict, ValidationFailed
from escalation import plans
from escalation.models import Category
from escalation.policy import Severity
from oncall import demand, planning
from oncall.roster_models import (
    DemandCreate,
    DemandUpdate,
    RulesConfig,
    ShiftRole,
    ShiftTypeCreate,
    ShiftTypeUpdate,
)
from tests.concurrency import at_once, committed_engine
from tests.conftest import T0
from tests.factories import make_unit


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _unit(engine: Engine, code: str) -> int:
    with write_session(engine) as session:
        unit = make_unit(session, code=code, name=code)
    assert unit.id is not None
    return unit.id


def _json(text: str | None) -> dict[str, Any]:
    value = json.loads(text or "null")
    assert isinstance(value, dict)
    return value


def _audited(engine: Engine, action: str, entity_id: str) -> list[AuditEntry]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.action == action, AuditEntry.entity_id == entity_id)
                .order_by(col(AuditEntry.seq))
            ).all()
        )


def test_one_term_added_twice_at_once_is_stored_once(engine: Engine) -> None:
    data = TermCreate(term="电梯困人", kind=TermKind.emergency)

    def add(session: Session) -> object:
        return terms.create_term(session, data=data, actor="admin", now=T0)

    second = at_once(engine, add, add)
    with pytest.raises(Conflict):
        second.join()
    with Session(engine) as session:
        rows = session.exec(
            select(ClassificationTerm).where(ClassificationTerm.term == data.term)
        ).all()
        assert len(rows) == 1


def test_a_plan_replaced_and_deactivated_at_once_gets_two_versions(engine: Engine) -> None:
    key = {"category": Category.mass_event, "severity": Severity.III}

    def replace(session: Session) -> object:
        return plans.replace(
            session,
            **key,
            name="群体事件III级",
            steps=[{"targets": [{"type": "on_duty", "role": "duty_officer"}], "wait_minutes": 5}],
            initial_report_minutes=20,
            written_report_minutes=40,
            groups=plans.known_groups([]),
            actor="admin-a",
            now=T0,
        )

    def deactivate(session: Session) -> object:
        return plans.deactivate(session, **key, actor="admin-b", now=T0)

    at_once(engine, replace, replace).join()  # two first stores: both apply, in turn
    at_once(engine, replace, deactivate).join()

    entries = _audited(engine, "emergency_plan.replace", "mass_event/III")
    entries += _audited(engine, "emergency_plan.deactivate", "mass_event/III")
    versions = [(e.seq, _json(e.before)["version"], _json(e.after)["version"]) for e in entries]
    assert [(b, a) for _, b, a in sorted(versions)] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    with Session(engine) as session:
        stored = plans.get_plan(session, **key)
        assert (stored.version, stored.active, stored.initial_report_minutes) == (4, False, 20)


def test_two_admins_deactivating_each_other_at_once_leave_one(engine: Engine) -> None:
    with write_session(engine) as session:
        one, two = (
            users.create_user(
                session,
                username=name,
                password="long-enough-pw",
                role=users.Role.admin,
                actor="test",
                now=T0,
            )
            for name in ("admin-one", "admin-two")
        )
    # nobody else is an administrator in this database
    assert one.id is not None and two.id is not None
    one_id, two_id = one.id, two.id

    def deactivate(user_id: int, actor: str) -> Any:
        return lambda s: users.update_user(s, user_id=user_id, actor=actor, now=T0, is_active=False)

    second = at_once(engine, deactivate(two_id, "admin-one"), deactivate(one_id, "admin-two"))
    with pytest.raises(Conflict):
        second.join()
    with Session(engine) as session:
        active = session.exec(
            select(users.User.username).where(
                users.User.role == users.Role.admin, col(users.User.is_active).is_(True)
            )
        ).all()
        assert active == ["admin-one"]


def test_one_username_created_twice_at_once_is_a_conflict(engine: Engine) -> None:
    def create(session: Session) -> object:
        return users.create_user(
            session,
            username="same-name",
            password="long-enough-pw",
            role=users.Role.viewer,
            actor="admin",
            now=T0,
        )

    second = at_once(engine, create, create)
    with pytest.raises(Conflict, match="already exists"):
        second.join()


def test_a_units_first_rules_saved_twice_at_once_apply_in_turn(engine: Engine) -> None:
    unit_id = _unit(engine, "rules-twice")

    def save(days: int) -> Any:
        return lambda s: planning.set_rules(
            s,
            unit_id=unit_id,
            rules=RulesConfig(max_consecutive_days=days),
            actor="planner",
            now=T0,
        )

    at_once(engine, save(5), save(4)).join()
    entries = _audited(engine, "rules.update", str(unit_id))
    assert [
        (_json(e.before)["max_consecutive_days"], _json(e.after)["max_consecutive_days"])
        for e in entries
    ] == [(6, 5), (5, 4)]


def test_minimum_and_preferred_changed_at_once_keep_preferred_above_minimum(
    engine: Engine,
) -> None:
    unit_id = _unit(engine, "demand-twice")
    with write_session(engine) as session:
        shift = planning.create_shift_type(
            session,
            data=ShiftTypeCreate(
                unit_id=unit_id, code="day", name="白班", start_time=time(8), end_time=time(17)
            ),
            actor="planner",
            now=T0,
        )
        line = demand.add_demand(
            session,
            unit_id=unit_id,
            data=DemandCreate(shift_type_id=shift.id or 0, minimum=2, preferred=4),
            actor="planner",
            now=T0,
        )
    demand_id = line.id or 0

    def change(**fields: int) -> Any:
        return lambda s: demand.update_demand(
            s,
            unit_id=unit_id,
            demand_id=demand_id,
            data=DemandUpdate(**fields),
            actor="planner",
            now=T0,
        )

    second = at_once(engine, change(minimum=4), change(preferred=3))
    with pytest.raises(ValidationFailed):
        second.join()
    with Session(engine) as session:
        row = demand.list_demand(session, unit_id=unit_id)[0]
        assert (row.minimum, row.preferred) == (4, 4)


def test_a_leader_shift_named_while_it_is_recoded_is_refused(engine: Engine) -> None:
    unit_id = _unit(engine, "leader-recode")
    with write_session(engine) as session:
        shift = planning.create_shift_type(
            session,
            data=ShiftTypeCreate(
                unit_id=unit_id,
                code="lead",
                name="带班",
                start_time=time(8),
                end_time=time(8),
                role=ShiftRole.leader,
            ),
            actor="planner",
            now=T0,
        )
    shift_id = shift.id or 0

    def recode(session: Session) -> object:
        return planning.update_shift_type(
            session,
            shift_type_id=shift_id,
            data=ShiftTypeUpdate(code="leader"),
            actor="a",
            now=T0,
        )

    def name_leader(session: Session) -> object:
        return planning.set_rules(
            session,
            unit_id=unit_id,
            rules=RulesConfig(leader_shift_code="lead"),
            actor="b",
            now=T0,
        )

    second = at_once(engine, recode, name_leader)
    with pytest.raises(ValidationFailed):
        second.join()
    with Session(engine) as session:
        assert planning.get_rules(session, unit_id=unit_id).leader_shift_code is None
