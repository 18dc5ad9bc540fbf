"""Changes to who works what, made by two instances at once: while one change holds the duty
plan (`changes.lock_plan`, as every publication, override and swap decision does to its
commit), a second one waits and is then checked on the plan as the first left it. See
tests/service/test_concurrent_complaints.py for how the tests interleave."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api import demo
from core.db import write_session
from core.errors import Conflict, ValidationFailed
from oncall import changes, publishing, swaps
from oncall.change_models import (
    OncallOverride,
    OverrideCreate,
    SwapCreate,
    SwapRequestRow,
    SwapStatus,
)
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.concurrency import Writer, committed_engine
from tests.conftest import T0

SHANGHAI = ZoneInfo("Asia/Shanghai")
LATER = T0 + timedelta(hours=1)


@dataclass(frozen=True)
class Centre:
    unit_id: int
    shift: dict[str, int]
    person: dict[str, int]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


@pytest.fixture(scope="module")
def centre(engine: Engine) -> Centre:
    with write_session(engine) as session:
        demo.seed(session, now=T0)
        unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
        assert unit.id is not None
        shifts = session.exec(select(ShiftType).where(ShiftType.unit_id == unit.id)).all()
        people = session.exec(select(Person)).all()
        return Centre(
            unit.id, {s.code: s.id or 0 for s in shifts}, {p.name: p.id or 0 for p in people}
        )


def _roster(
    engine: Engine,
    centre: Centre,
    start: date,
    rows: list[tuple[str, date, str]],
    status: RosterStatus,
) -> int:
    with write_session(engine) as session:
        roster = Roster(
            unit_id=centre.unit_id,
            period_start=start,
            period_end=start + timedelta(days=13),
            version=1,
            status=status,
            time_limit_s=1,
            created_by="test",
            created_at=T0,
            published_at=T0 if status is RosterStatus.published else None,
            published_by="test" if status is RosterStatus.published else None,
        )
        session.add(roster)
        session.flush()
        assert roster.id is not None
        for name, day, code in rows:
            session.add(
                RosterAssignment(
                    roster_id=roster.id,
                    person_id=centre.person[name],
                    day=day,
                    shift_type_id=centre.shift[code],
                )
            )
        session.commit()
        return roster.id


def _holding_the_plan(session: Session) -> None:
    """The first change is under way: its transaction has begun and holds the plan."""
    session.connection()
    changes.lock_plan(session)


def test_two_overrides_of_one_slot_at_once_give_it_away_once(
    engine: Engine, centre: Centre
) -> None:
    day = date(2027, 3, 3)
    _roster(engine, centre, date(2027, 3, 1), [("赵敏", day, "day")], RosterStatus.published)

    def cover(session: Session, name: str) -> OncallOverride:
        data = OverrideCreate(
            shift_type_id=centre.shift["day"],
            day=day,
            covering_person_id=centre.person[name],
            original_person_id=centre.person["赵敏"],
        )
        return changes.create_override(session, data=data, actor="planner", now=LATER, tz=SHANGHAI)

    with write_session(engine) as first:
        _holding_the_plan(first)
        second = Writer(engine, lambda s: cover(s, "吴刚")).start()
        cover(first, "孙强")
    with pytest.raises(ValidationFailed) as refused:
        second.join()

    assert refused.value.errors[0].field == "original_person_id"
    with Session(engine) as session:
        overrides = session.exec(select(OncallOverride).where(OncallOverride.day == day)).all()
        assert [o.covering_person_id for o in overrides] == [centre.person["孙强"]]


def test_two_drafts_of_one_period_published_at_once_leave_one_published(
    engine: Engine, centre: Centre
) -> None:
    start, day = date(2027, 4, 1), date(2027, 4, 2)
    _roster(engine, centre, start, [("赵敏", day, "day")], RosterStatus.published)
    drafts = [
        _roster(engine, centre, start, [(name, day, "day")], RosterStatus.draft)
        for name in ("孙强", "吴刚")
    ]

    with write_session(engine) as first:
        _holding_the_plan(first)
        second = Writer(
            engine,
            lambda s: publishing.publish(s, roster_id=drafts[1], actor="planner-b", now=LATER),
        ).start()
        publishing.publish(first, roster_id=drafts[0], actor="planner-a", now=LATER)
    with pytest.raises(Conflict):
        second.join()

    with Session(engine) as session:
        published = session.exec(
            select(Roster.id).where(
                Roster.period_start == start, Roster.status == RosterStatus.published
            )
        ).all()
        assert published == [drafts[0]]


def test_a_swap_approved_and_rejected_at_once_is_decided_once(
    engine: Engine, centre: Centre
) -> None:
    start = date(2027, 5, 1)
    roster_id = _roster(
        engine,
        centre,
        start,
        [("杨帆", date(2027, 5, 5), "day"), ("赵敏", date(2027, 5, 3), "day")],
        RosterStatus.published,
    )
    with write_session(engine) as session:
        swap = swaps.request_swap(
            session,
            data=SwapCreate(
                roster_id=roster_id,
                a_person_id=centre.person["杨帆"],
                a_day=date(2027, 5, 5),
                b_person_id=centre.person["赵敏"],
                b_day=date(2027, 5, 3),
            ),
            actor="planner",
            now=LATER,
        )
    assert swap.id is not None
    swap_id = swap.id

    def decide(session: Session, approve: bool, actor: str) -> object:
        return swaps.decide_swap(
            session, swap_id=swap_id, approve=approve, actor=actor, now=LATER, tz=SHANGHAI
        )

    with write_session(engine) as first:
        _holding_the_plan(first)
        second = Writer(engine, lambda s: decide(s, False, "planner-b")).start()
        decide(first, True, "planner-a")
    with pytest.raises(Conflict):
        second.join()

    with Session(engine) as session:
        stored = session.exec(select(SwapRequestRow).where(col(SwapRequestRow.id) == swap_id)).all()
        assert [(s.status, s.decided_by) for s in stored] == [(SwapStatus.approved, "planner-a")]
