"""Reader tests on the real benchmark files and on malformed input."""

from __future__ import annotations

import pytest
from scheduler_helpers import instance_path, make_instance

from scheduler.benchmark_format import parse_instance, read_instance


def test_instance1_is_read_completely() -> None:
    instance = read_instance(instance_path("Instance1"))
    assert instance.name == "Instance1"
    assert instance.horizon == 14
    assert instance.shift_ids == ("D",)
    assert instance.shift("D").length_minutes == 480
    assert instance.shift("D").cannot_follow == frozenset()
    assert [staff.id for staff in instance.staff] == list("ABCDEFGH")
    first = instance.staff[0]
    assert first.max_shifts == {"D": 14}
    assert (first.max_total_minutes, first.min_total_minutes) == (4320, 3360)
    assert (first.max_consecutive_shifts, first.min_consecutive_shifts) == (5, 2)
    assert (first.min_consecutive_days_off, first.max_weekends) == (2, 1)
    assert instance.days_off["A"] == frozenset({0})
    assert len(instance.cover) == 14
    assert instance.cover[0].requirement == 5
    assert (instance.cover[0].weight_under, instance.cover[0].weight_over) == (100, 1)
    assert instance.on_requests[0].staff_id == "A"
    assert instance.weekends()[0] == (5, 6)


@pytest.mark.parametrize("number", range(1, 25))
def test_every_instance_reads_and_is_consistent(number: int) -> None:
    instance = read_instance(instance_path(f"Instance{number}"))
    assert instance.horizon % 7 == 0
    assert len(instance.cover) == instance.horizon * len(instance.shifts)
    assert set(instance.days_off) == {staff.id for staff in instance.staff}
    for staff in instance.staff:
        assert set(staff.max_shifts) == set(instance.shift_ids)
        assert staff.min_total_minutes <= staff.max_total_minutes


def test_rotation_lists_are_parsed() -> None:
    instance = read_instance(instance_path("Instance3"))
    assert any(shift.cannot_follow for shift in instance.shifts)


def test_tiny_instance_builder_round_trips() -> None:
    instance = make_instance(days_off="A,2,3")
    assert instance.days_off["A"] == frozenset({2, 3})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SECTION_HORIZON\n7\n\nSECTION_BOGUS\n", "line 4: unknown section"),
        ("SECTION_HORIZON\n7\n", "missing section"),
    ],
)
def test_malformed_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_instance(text, name="bad")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"shifts": "D,abc,", "cover": "0,D,1,100,1"}, "line 5: shift length must be an integer"),
        ({"shifts": "D,480,X"}, "line 5: unknown shift id"),
        ({"staff": "A,D=7,3360,0,7,1,1"}, "line 8: staff needs 8"),
        ({"staff": "A,Q=7,3360,0,7,1,1,1"}, "line 8: unknown shift id 'Q'"),
        ({"days_off": "A,9"}, "line 11: day 9 is outside the horizon"),
        ({"days_off": "Z,1"}, "line 11: unknown staff id 'Z'"),
        ({"on_requests": "A,1,D"}, "line 14: request needs 4"),
        ({"cover": "0,D,1,100,1\n0,D,1,100,1"}, "line 19: second cover line"),
    ],
)
def test_malformed_sections_name_the_line(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_instance(**overrides)
