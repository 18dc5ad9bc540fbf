"""Unit tests for core.workcal: fixed dates only, no clock.

Official schedules used for the hand-computed expectations (State Council notices, as in
chinese_calendar 1.11.0):

- National Day + Mid-Autumn 2025: rest Wed 10-01 .. Wed 10-08; make-up Sun 09-28, Sat 10-11.
- New Year 2026: rest Thu 01-01 .. Sat 01-03; make-up Sun 01-04.
- Spring Festival 2026: rest Sun 02-15 .. Mon 02-23 (9 days); make-up Sat 02-14, Sat 02-28.
"""

from datetime import date, datetime, timedelta

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]
import pytest

from core.workcal import (
    CalendarDay,
    CalendarOverride,
    DayKind,
    DaySource,
    WorkingCalendar,
)

CAL = WorkingCalendar()
CAL_ROLL = WorkingCalendar(roll_weekends=True)

LOCAL_REST = CalendarOverride(date(2026, 3, 6), working=False, note="local rest day (Fri)")


# -- day kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ],
)
def test_official_makeup_days_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_working_day(day)
    assert CAL.day_kind(day) is DayKind.MAKEUP_WORKDAY
    assert CAL.source(day) is DaySource.OFFICIAL


# chinese_calendar marks 2026-02-15 .. 2026-02-23 as "Spring Festival" rest days.
@pytest.mark.parametrize("day", [date(2026, 2, 15) + timedelta(days=i) for i in range(9)])
def test_spring_festival_2026_is_holiday(day: date) -> None:
    assert CAL.day_kind(day) is DayKind.HOLIDAY
    assert not CAL.is_working_day(day)
    assert CAL.day_info(day) == CalendarDay(
        day=day, kind=DayKind.HOLIDAY, source=DaySource.OFFICIAL, name="Spring Festival"
    )


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 2, 13), DayKind.WORKDAY),  # Fri before the break
        (date(2026, 2, 24), DayKind.WORKDAY),  # Tue after the break
        (date(2026, 3, 1), DayKind.WEEKEND),  # ordinary Sunday
        (date(2025, 10, 6), DayKind.HOLIDAY),  # Mid-Autumn inside National Day 2025
        (date(2025, 10, 4), DayKind.HOLIDAY),  # Saturday inside the National Day break
        (date(2025, 10, 12), DayKind.WEEKEND),  # Sunday after the make-up Saturday
    ],
)
def test_official_day_kinds(day: date, kind: DayKind) -> None:
    assert CAL.day_kind(day) is kind
    assert CAL.source(day) == "official"


def test_kind_and_source_are_str_enums() -> None:
    assert str(DayKind.MAKEUP_WORKDAY) == "makeup_workday"
    assert CAL.source(date(2027, 1, 4)) == "estimated"
    assert [k.value for k in DayKind] == ["workday", "weekend", "holiday", "makeup_workday"]
    assert {s.value for s in DaySource} == {"override", "official", "estimated"}


# -- counting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # DOMAIN §7 says "8 working days for 2026-02-13 -> 03-02": that is the packages'
        # inclusive count. Start not counted (DOMAIN §3): 02-14 (make-up), 02-24..02-27,
        # 02-28 (make-up), 03-02 = 7.
        (date(2026, 2, 13), date(2026, 3, 2), 7),
        (date(2026, 3, 2), date(2026, 2, 13), -7),
        # From the day before, 02-13 itself is counted: the packages' 8.
        (date(2026, 2, 12), date(2026, 3, 2), 8),
        (date(2026, 2, 13), date(2026, 2, 13), 0),
        (date(2026, 2, 15), date(2026, 2, 23), 0),  # inside the break
        # Across the year end: 2026-01-01..03 rest, 01-04 make-up, 01-05 Mon = 2.
        (date(2025, 12, 31), date(2026, 1, 5), 2),
        # National Day 2025: 09-28 make-up, 09-29, 09-30, 10-09, 10-10, 10-11 make-up = 6.
        (date(2025, 9, 26), date(2025, 10, 12), 6),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_working_days_between_matches_chinese_calendar() -> None:
    starts = [date(2025, 1, 1) + timedelta(days=i) for i in range(0, 730, 5)]
    for start in starts:
        for span in (1, 3, 10, 45, 120):
            end = start + timedelta(days=span)
            if end.year > 2026:
                continue
            official = len(chinese_calendar.get_workdays(start + timedelta(days=1), end))
            assert CAL.working_days_between(start, end) == official, (start, end)
            assert CAL.working_days_between(end, start) == -official


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # National Day 2025. From Fri 09-26: 09-28 (make-up) 1, 09-29 2, 09-30 3,
        # [10-01..10-08 rest], 10-09 4, 10-10 5, 10-11 (make-up) 6, 10-13 7.
        (date(2025, 9, 26), 5, date(2025, 10, 10)),
        (date(2025, 9, 26), 7, date(2025, 10, 13)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        # Spring Festival 2026. From Thu 02-12: 02-13 1, 02-14 (make-up) 2,
        # [02-15..02-23 rest], 02-24 3, 02-25 4, 02-26 5, 02-27 6, 02-28 (make-up) 7.
        (date(2026, 2, 12), 7, date(2026, 2, 28)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 16), 1, date(2026, 2, 24)),  # start inside the break
        # From 02-14: 02-24..02-28 = 5, 03-02..03-06 = 10, 03-09..03-13 = 15.
        (date(2026, 2, 14), 15, date(2026, 3, 13)),
        # Across the year end: 01-04 (make-up) 1, 01-05 2.
        (date(2025, 12, 31), 2, date(2026, 1, 5)),
        # Start day not counted: Mon -> Tue, Fri -> next Mon.
        (date(2026, 3, 2), 1, date(2026, 3, 3)),
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        # n == 0 returns the start, even on a holiday.
        (date(2026, 2, 16), 0, date(2026, 2, 16)),
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize("start", [date(2025, 9, 26), date(2026, 2, 12), date(2026, 12, 20)])
@pytest.mark.parametrize("n", [1, 7, 15, 60, 400])
def test_add_working_days_round_trips(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


# -- calendar-day deadlines --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "plain", "rolled"),
    [
        # Lands on Sun 02-15, first day of the Spring Festival break -> Tue 02-24.
        (date(2026, 2, 10), 5, date(2026, 2, 24), date(2026, 2, 24)),
        # Lands on Sat 02-21 inside the break (a holiday, not a weekend) -> 02-24.
        (date(2026, 2, 1), 20, date(2026, 2, 24), date(2026, 2, 24)),
        # Lands on New Year's Day 2026; 01-04 is a make-up Sunday, a working day.
        (date(2025, 12, 2), 30, date(2026, 1, 4), date(2026, 1, 4)),
        # Lands on an ordinary Sunday: rolls only with roll_weekends.
        (date(2026, 2, 27), 2, date(2026, 3, 1), date(2026, 3, 2)),
        # Lands on a make-up Saturday: a working day, never rolls.
        (date(2026, 2, 18), 10, date(2026, 2, 28), date(2026, 2, 28)),
        # Lands on an ordinary working day.
        (date(2026, 3, 2), 1, date(2026, 3, 3), date(2026, 3, 3)),
        # n == 0 on a holiday still rolls: the deadline is that day.
        (date(2025, 10, 8), 0, date(2025, 10, 9), date(2025, 10, 9)),
        # 60-day mediation limit accepted on 2025-08-02 ends 10-01 (National Day) -> 10-09.
        (date(2025, 8, 2), 60, date(2025, 10, 9), date(2025, 10, 9)),
    ],
)
def test_add_calendar_days(start: date, n: int, plain: date, rolled: date) -> None:
    assert CAL.add_calendar_days(start, n) == plain
    assert CAL_ROLL.add_calendar_days(start, n) == rolled


@pytest.mark.parametrize(
    ("roll_weekends", "expected"),
    [
        (False, date(2026, 3, 7)),  # first non-holiday day after Fri 03-06: Saturday
        (True, date(2026, 3, 9)),  # first working day: Monday
    ],
)
def test_holiday_before_weekend_rolls_per_setting(roll_weekends: bool, expected: date) -> None:
    cal = WorkingCalendar([LOCAL_REST], roll_weekends=roll_weekends)
    assert cal.roll_weekends is roll_weekends
    assert cal.add_calendar_days(date(2026, 3, 4), 2) == expected


@pytest.mark.parametrize(
    ("roll_weekends", "expected"), [(False, date(2026, 3, 7)), (True, date(2026, 3, 9))]
)
def test_with_roll_weekends_keeps_the_overrides(roll_weekends: bool, expected: date) -> None:
    cal = WorkingCalendar([LOCAL_REST], roll_weekends=not roll_weekends)
    other = cal.with_roll_weekends(roll_weekends)
    assert other.roll_weekends is roll_weekends
    assert other.overrides == (LOCAL_REST,)
    assert other.add_calendar_days(date(2026, 3, 4), 2) == expected
    assert cal.with_roll_weekends(not roll_weekends) is cal
    assert other.with_roll_weekends(not roll_weekends) is cal


# -- overrides ---------------------------------------------------------------------------


def test_local_rest_day_override_wins_over_official_data() -> None:
    cal = WorkingCalendar([LOCAL_REST])
    assert cal.day_info(date(2026, 3, 6)) == CalendarDay(
        day=date(2026, 3, 6),
        kind=DayKind.HOLIDAY,
        source=DaySource.OVERRIDE,
        name="local rest day (Fri)",
    )
    assert not cal.is_working_day(date(2026, 3, 6))
    assert cal.add_working_days(date(2026, 3, 5), 1) == date(2026, 3, 9)
    assert cal.working_days_between(date(2026, 3, 1), date(2026, 3, 8)) == 4
    # The calendar without the override is unaffected.
    assert CAL.working_days_between(date(2026, 3, 1), date(2026, 3, 8)) == 5


def test_override_can_cancel_an_official_makeup_day() -> None:
    cal = WorkingCalendar([CalendarOverride(date(2026, 2, 28), working=False, note="local")])
    assert cal.day_kind(date(2026, 2, 28)) is DayKind.HOLIDAY
    assert cal.add_working_days(date(2026, 2, 27), 1) == date(2026, 3, 2)


def test_2027_makeup_saturday_override() -> None:
    saturday = date(2027, 2, 20)
    assert CAL.day_kind(saturday) is DayKind.WEEKEND
    cal = WorkingCalendar([CalendarOverride(saturday, working=True, note="2027 notice")])
    assert cal.day_kind(saturday) is DayKind.MAKEUP_WORKDAY
    assert cal.source(saturday) is DaySource.OVERRIDE
    assert cal.is_working_day(saturday)
    assert cal.add_working_days(date(2027, 2, 19), 1) == saturday
    # Other 2027 days stay estimated.
    assert cal.source(date(2027, 2, 22)) is DaySource.ESTIMATED


def test_working_override_on_estimated_observed_day() -> None:
    observed = date(2027, 2, 10)  # the holidays package's "observed" Spring Festival day
    assert CAL.day_kind(observed) is DayKind.HOLIDAY
    cal = WorkingCalendar([CalendarOverride(observed, working=True, note="not in notice")])
    assert cal.day_kind(observed) is DayKind.WORKDAY


def test_duplicate_overrides_are_rejected() -> None:
    with pytest.raises(ValueError, match="2027-02-20"):
        WorkingCalendar(
            [
                CalendarOverride(date(2027, 2, 20), working=True, note="a"),
                CalendarOverride(date(2027, 2, 20), working=False, note="b"),
            ]
        )


def test_overrides_are_returned_sorted() -> None:
    a = CalendarOverride(date(2027, 2, 20), working=True, note="a")
    cal = WorkingCalendar(iter([a, LOCAL_REST]))
    assert cal.overrides == (LOCAL_REST, a)


# -- uncovered years and coverage --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2027, 1, 1), DayKind.HOLIDAY),  # New Year's Day
        (date(2027, 1, 2), DayKind.WEEKEND),  # Saturday, no make-up days known
        (date(2027, 1, 4), DayKind.WORKDAY),
        (date(2027, 2, 6), DayKind.HOLIDAY),  # Spring Festival on a Saturday
        (date(2027, 10, 1), DayKind.HOLIDAY),  # National Day
    ],
)
def test_2027_is_estimated(day: date, kind: DayKind) -> None:
    assert CAL.day_kind(day) is kind
    assert CAL.source(day) is DaySource.ESTIMATED


def test_counting_runs_into_estimated_year() -> None:
    # 2026-12-31 Thu -> 2027-01-01 holiday (estimate), 01-02/03 weekend, 01-04 Mon.
    assert CAL.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert CAL.add_calendar_days(date(2026, 12, 31), 1) == date(2027, 1, 2)


@pytest.mark.parametrize(
    ("year", "expected"), [(2003, False), (2004, True), (2026, True), (2027, False)]
)
def test_has_official_data(year: int, expected: bool) -> None:
    assert CAL.has_official_data(year) is expected


def test_only_a_confirmed_notice_counts_as_official_data_for_its_year() -> None:
    """One 调休 day entered is not the notice: the year stays estimated until an administrator
    confirms its notice is entered."""
    override = CalendarOverride(date(2027, 2, 20), working=True, note="notice")
    cal = WorkingCalendar([override])
    assert not cal.has_official_data(2027)
    assert cal.source(date(2027, 2, 21)).value == "estimated"
    confirmed = WorkingCalendar([override], confirmed_years=[2027])
    assert confirmed.has_official_data(2027) and confirmed.is_confirmed(2027)
    assert not confirmed.has_official_data(2028)
    assert confirmed.with_roll_weekends(True).has_official_data(2027)


def test_coverage_warning_names_next_year() -> None:
    warning = CAL.coverage_warning(date(2026, 11, 23))
    assert warning is not None
    assert "2027" in warning
    assert "2026" not in warning
    assert "override" in warning


def test_coverage_warning_stays_with_an_override_and_ends_with_the_confirmation() -> None:
    override = CalendarOverride(date(2027, 2, 20), working=True, note="notice")
    assert "2027" in (WorkingCalendar([override]).coverage_warning(date(2026, 11, 23)) or "")
    cal = WorkingCalendar([override], confirmed_years=[2027])
    assert cal.coverage_warning(date(2026, 11, 23)) is None


@pytest.mark.parametrize(
    ("today", "named", "not_named"),
    [
        (date(2027, 3, 1), ["2027", "2028"], []),
        (date(2025, 6, 1), [], ["2025", "2026"]),
    ],
)
def test_coverage_warning_current_year(today: date, named: list[str], not_named: list[str]) -> None:
    warning = CAL.coverage_warning(today)
    if not named:
        assert warning is None
        return
    assert warning is not None
    for year in named:
        assert year in warning
    for year in not_named:
        assert year not in warning


# -- validation --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [-1, -30])
def test_negative_n_raises_value_error(n: int) -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        CAL.add_working_days(date(2026, 3, 2), n)
    with pytest.raises(ValueError, match="n must be >= 0"):
        CAL.add_calendar_days(date(2026, 3, 2), n)


@pytest.mark.parametrize("n", [True, 1.0, "3"])
def test_non_int_n_raises_type_error(n: object) -> None:
    with pytest.raises(TypeError):
        CAL.add_working_days(date(2026, 3, 2), n)  # type: ignore[arg-type]


def test_datetime_is_rejected() -> None:
    with pytest.raises(TypeError):
        CAL.is_working_day(datetime(2026, 3, 2, 9, 0))
    with pytest.raises(TypeError):
        CalendarOverride(datetime(2026, 3, 2), working=False, note="x")


def test_years_without_official_data_are_this_and_next_year_as_far_as_missing() -> None:
    assert CAL.years_without_official_data(date(2026, 11, 23)) == [2027]
    assert CAL.years_without_official_data(date(2027, 3, 1)) == [2027, 2028]
    assert CAL.years_without_official_data(date(2025, 6, 1)) == []


def test_the_estimated_span_of_a_period_is_its_days_in_years_without_official_data() -> None:
    calendar = WorkingCalendar()
    estimated = next(y for y in range(2026, 2040) if not calendar.has_official_data(y))
    start = date(estimated - 1, 12, 30)
    assert calendar.estimated_span(start, date(estimated, 1, 5)) == (
        date(estimated, 1, 1),
        date(estimated, 1, 5),
    )
    assert calendar.estimated_span(start, date(estimated - 1, 12, 31)) is None
    confirmed = WorkingCalendar(confirmed_years=[estimated])
    assert confirmed.estimated_span(start, date(estimated, 1, 5)) is None
