"""Leave recorded while an override, a swap decision or a publication is under way, by two
instances at once. Leave changes who may work what, so recording it takes the duty plan's
turn (`changes.lock_plan`) like those changes do: the check that refuses work during leave
then either sees the leave or runs before it is recorded, never in between.

The leave is held just before its commit (`tests.concurrency.before_commit`), the other
change is started beside it; on PostgreSQL it used to run its leave check on what READ
COMMITTED showed it (no leave) and be accepted for a day the audit log shows as leave
already."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core.db import write_session
from core.errors import Conflict, ValidationFailed
from oncall import changes, planning, publishing, swaps
from oncall.change_models import OncallOverride, OverrideCreate, SwapCreate, SwapStatus
from oncall.roster_models import LeaveCreate, Roster, RosterStatus
from tests.concurrency import Writer, before_commit, committed_engine
from tests.service.test_concurrent_rosters import LATER, SHANGHAI, Centre, _roster
from tests.service.test_concurrent_rosters import centre as centre  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _leave(session: Session, centre: Centre, name: str, day: date) -> None:
    planning.add_leave(
        session,
        data=LeaveCreate(person_id=centre.person[name], start_date=day, end_date=day),
        actor="planner-a",
        now=LATER,
    )


def test_an_override_beside_leave_for_its_day_is_refused(engine: Engine, centre: Centre) -> None:
    day = date(2027, 6, 3)
    _roster(engine, centre, date(2027, 6, 1), [("赵敏", day, "day")], RosterStatus.published)
    data = OverrideCreate(
        shift_type_id=centre.shift["day"],
        day=day,
        covering_person_id=centre.person["孙强"],
        original_person_id=centre.person["赵敏"],
    )
    cover = Writer(
        engine,
        lambda s: changes.create_override(s, data=data, actor="planner-b", now=LATER, tz=SHANGHAI),
    )
    with write_session(engine) as first:
        before_commit(first, cover.start)
        _leave(first, centre, "孙强", day)
    with pytest.raises(ValidationFailed) as refused:
        cover.join()

    assert refused.value.errors[0].field == "covering_person_id"
    with Session(engine) as session:
        assert session.exec(select(OncallOverride).where(OncallOverride.day == day)).all() == []


def test_a_swap_approved_beside_leave_for_its_day_is_refused(
    engine: Engine, centre: Centre
) -> None:
    a_day, b_day = date(2027, 7, 5), date(2027, 7, 3)
    roster_id = _roster(
        engine,
        centre,
        date(2027, 7, 1),
        [("杨帆", a_day, "day"), ("赵敏", b_day, "day")],
        RosterStatus.published,
    )
    with write_session(engine) as session:
        swap = swaps.request_swap(
            session,
            data=SwapCreate(
                roster_id=roster_id,
                a_person_id=centre.person["杨帆"],
                a_day=a_day,
                b_person_id=centre.person["赵敏"],
                b_day=b_day,
            ),
            actor="planner",
            now=LATER,
        )
    swap_id = swap.id or 0
    approve = Writer(
        engine,
        lambda s: swaps.decide_swap(
            s, swap_id=swap_id, approve=True, actor="planner-b", now=LATER, tz=SHANGHAI
        ),
    )
    with write_session(engine) as first:
        before_commit(first, approve.start)
        _leave(first, centre, "杨帆", b_day)  # 杨帆 would take 赵敏's day
    with pytest.raises(ValidationFailed):
        approve.join()

    with Session(engine) as session:
        assert swaps.get_swap(session, swap_id=swap_id).status is SwapStatus.pending


def test_a_repair_published_beside_leave_during_it_is_refused(
    engine: Engine, centre: Centre
) -> None:
    start, day = date(2027, 8, 1), date(2027, 8, 4)
    _roster(engine, centre, start, [("赵敏", day, "day")], RosterStatus.published)
    repair = _roster(engine, centre, start, [("吴刚", day, "day")], RosterStatus.draft)
    publish = Writer(
        engine,
        lambda s: publishing.publish(s, roster_id=repair, actor="planner-b", now=LATER),
    )
    with write_session(engine) as first:
        before_commit(first, publish.start)
        _leave(first, centre, "吴刚", day)
    with pytest.raises(Conflict):
        publish.join()

    with Session(engine) as session:
        assert session.get(Roster, repair).status is RosterStatus.draft  # type: ignore[union-attr]
