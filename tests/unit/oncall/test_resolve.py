"""on_duty: roster, then overrides, then swaps; across midnight in Asia/Shanghai."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from oncall.resolve import (
    Override,
    Slot,
    Swap,
    effective_slots,
    on_duty,
    shift_interval,
    worked_slots,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _slot(
    person: int, day: date, start: time, end: time, code: str = "D", role: str = "duty"
) -> Slot:
    begin, finish = shift_interval(day, start, end, SHANGHAI)
    return Slot(person, code, role, begin, finish)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


DEC1, DEC2 = date(2026, 12, 1), date(2026, 12, 2)
ROSTER = [
    _slot(1, DEC1, time(8, 30), time(17, 30), "D"),
    _slot(2, DEC1, time(17, 30), time(8, 30), "N"),  # crosses midnight
    _slot(3, DEC1, time(8, 30), time(8, 30), "L", "leader"),  # 24 h leader on duty
    _slot(4, DEC2, time(8, 30), time(17, 30), "D"),
]


def test_shift_interval_crosses_midnight_in_local_time() -> None:
    start, end = shift_interval(DEC1, time(17, 30), time(8, 30), SHANGHAI)
    assert start == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert end == datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
    start, end = shift_interval(DEC1, time(8, 30), time(8, 30), SHANGHAI)
    assert (end - start).total_seconds() == 24 * 3600


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (_local(DEC1, 8, 29), set()),
        (_local(DEC1, 8, 30), {1, 3}),
        (_local(DEC1, 17, 29), {1, 3}),
        (_local(DEC1, 17, 30), {2, 3}),
        (_local(DEC2, 0, 0), {2, 3}),  # after midnight the night shift of Dec 1 still runs
        (_local(DEC2, 8, 29), {2, 3}),
        (_local(DEC2, 8, 30), {4}),  # handover: Dec 2 has no leader in this roster
    ],
)
def test_roster_only(at: datetime, expected: set[int]) -> None:
    assert on_duty(ROSTER, [], [], at) == expected


def test_role_filter() -> None:
    assert on_duty(ROSTER, [], [], _local(DEC1, 23), role="leader") == {3}


def test_override_replaces_the_original_person_during_its_interval() -> None:
    cover = Override(
        "N", _local(DEC1, 22), _local(DEC2, 2), covering_person_id=9, original_person_id=2
    )
    assert on_duty(ROSTER, [cover], [], _local(DEC1, 21)) == {2, 3}
    assert on_duty(ROSTER, [cover], [], _local(DEC1, 23)) == {9, 3}
    assert on_duty(ROSTER, [cover], [], _local(DEC2, 2)) == {2, 3}


def test_override_without_original_adds_a_person() -> None:
    extra = Override("D", _local(DEC1, 9), _local(DEC1, 12), covering_person_id=7)
    assert on_duty(ROSTER, [extra], [], _local(DEC1, 10)) == {1, 3, 7}


def test_swap_exchanges_two_slots() -> None:
    day_slot, night_slot = ROSTER[0], ROSTER[1]
    swap = Swap(1, "D", day_slot.start, 2, "N", night_slot.start)
    assert on_duty(ROSTER, [], [swap], _local(DEC1, 10)) == {2, 3}
    assert on_duty(ROSTER, [], [swap], _local(DEC1, 20)) == {1, 3}


def test_swaps_apply_after_overrides() -> None:
    cover = Override(
        "D", _local(DEC1, 8, 30), _local(DEC1, 17, 30), covering_person_id=5, original_person_id=1
    )
    swap = Swap(5, "D", ROSTER[0].start, 2, "N", ROSTER[1].start)
    assert on_duty(ROSTER, [cover], [swap], _local(DEC1, 10)) == {2, 3}


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        on_duty(ROSTER, [], [], datetime(2026, 12, 1, 10))


def test_an_added_cover_keeps_the_role_of_its_shift() -> None:
    """A cover on a shift nobody else works that day takes the override's role, not "duty"."""
    start, end = shift_interval(DEC2, time(8, 30), time(8, 30), SHANGHAI)
    leader = Override("L", start, end, covering_person_id=8, role="leader")
    at = _local(DEC2, 12)
    assert on_duty(ROSTER, [leader], [], at, role="leader") == {8}
    assert on_duty(ROSTER, [leader], [], at, role="duty") == {4}


def test_overrides_touch_only_their_own_unit_shifts() -> None:
    """Two units may both have a shift "D": a cover names one of them."""
    ours = [replace(s, unit_id=1) for s in ROSTER]
    theirs = _slot(6, DEC1, time(8, 30), time(17, 30), "D", "oncall_primary")
    other = replace(theirs, unit_id=2)
    cover = Override(
        "D", ROSTER[0].start, ROSTER[0].end, covering_person_id=9, original_person_id=1, unit_id=2
    )
    assert on_duty([*ours, other], [cover], [], _local(DEC1, 10)) == {1, 3, 6, 9}
    slots = effective_slots([*ours, other], [cover], [], _local(DEC1, 10))
    assert {s.person_id: s.unit_id for s in slots}[9] == 2


def test_worked_slots_apply_overrides_and_swaps_to_whole_shifts() -> None:
    cover = Override(
        "N", ROSTER[1].start, ROSTER[1].end, covering_person_id=9, original_person_id=2
    )
    extra = Override("D", ROSTER[3].start, ROSTER[3].end, covering_person_id=7, role="duty")
    swap = Swap(1, "D", ROSTER[0].start, 4, "D", ROSTER[3].start)
    worked = worked_slots(ROSTER, [cover, extra], [swap])
    assert [(s.person_id, s.shift_code, s.start.astimezone(SHANGHAI).date()) for s in worked] == [
        (4, "D", DEC1),
        (3, "L", DEC1),
        (9, "N", DEC1),
        (1, "D", DEC2),
        (7, "D", DEC2),
    ]
    for slot in worked:  # the same answer as on_duty at each shift's start
        assert slot.person_id in on_duty(ROSTER, [cover, extra], [swap], slot.start)
