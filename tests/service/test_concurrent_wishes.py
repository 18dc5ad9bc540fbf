"""Two planners correct the same wish at once, on two instances. The correction reads the wish
under a row lock, so the second waits for the first to commit and audits what the first left,
not the wish as it stood before either: the audit log's old → new pairs chain up."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core.audit import AuditEntry
from core.db import write_session
from oncall import wishes
from oncall.roster_models import ShiftRequest, ShiftRequestCreate, ShiftRequestUpdate
from tests.concurrency import at_once, committed_engine
from tests.service.test_concurrent_rosters import LATER, SHANGHAI, Centre
from tests.service.test_concurrent_rosters import centre as centre  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _correct(weight: int, request_id: int, actor: str) -> object:
    def call(session: Session) -> ShiftRequest:
        return wishes.update_request(
            session,
            request_id=request_id,
            data=ShiftRequestUpdate(weight=weight),
            actor=actor,
            now=LATER,
            tz=SHANGHAI,
        )

    return call


def test_two_corrections_at_once_each_audit_what_the_other_left(
    engine: Engine, centre: Centre
) -> None:
    with write_session(engine) as session:
        wish = wishes.add_request(
            session,
            data=ShiftRequestCreate(
                person_id=centre.person["杨帆"], day=date(2027, 8, 2), wanted=False, weight=2
            ),
            actor="planner",
            now=LATER,
            tz=SHANGHAI,
        )
    assert wish.id is not None
    second = at_once(engine, _correct(5, wish.id, "planner-a"), _correct(8, wish.id, "planner-b"))
    second.join()

    with Session(engine) as session:
        assert session.get(ShiftRequest, wish.id).weight == 8  # type: ignore[union-attr]
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "request.update").order_by(AuditEntry.seq)  # type: ignore[arg-type]
        ).all()
    changes = [
        (e.actor, json.loads(e.before or "{}")["weight"], json.loads(e.after or "{}")["weight"])
        for e in entries
    ]
    assert changes == [("planner-a", 2, 5), ("planner-b", 5, 8)]
