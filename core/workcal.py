"""Working-day calendar for DutyDesk deadlines (pure: no clock, no database, no I/O).

Every date is passed in by the caller; nothing here reads the clock.

Where a day's status comes from, strongest first (the precedence is written once, in
``_year_table``):

1. **Admin override** (``CalendarOverride``): wins over everything. ``working=True``
   makes the day a ``workday`` (``makeup_workday`` on a Saturday or Sunday);
   ``working=False`` makes it a ``holiday``, so an overridden rest day rolls deadlines
   forward like a statutory holiday.
2. **Official data** from ``chinese_calendar`` (the State Council notices, 2004-2026 in
   version 1.11.0, with 调休 make-up days). Source ``official``.
3. **Estimate** for years ``chinese_calendar`` does not cover: Saturday and Sunday are
   rest days, and the statutory holidays of the ``holidays`` package's CN calendar
   (including its "observed" in-lieu days) are rest days. No make-up working days are
   known, so none are invented. Source ``estimated``. The estimate stays underneath any
   overrides of that year: an admin who loads a notice enters its rest days and its
   make-up days, and a ``working=True`` override for any weekday the estimate rests but
   the notice does not.

A year "has official data" when ``chinese_calendar`` covers it or when an administrator
confirmed that its State Council notice is entered (``confirmed_years``, the
``calendar_year`` table). Overrides alone never count: one 调休 day entered is not the notice.
``coverage_warning`` says when the current or the next year has none.

Counting (DOMAIN §3, O121 Art. 45): the start day is never counted.
``add_working_days(start, n)`` is the n-th working day after ``start``;
``working_days_between(start, end)`` counts working days ``d`` with ``start < d <= end``
(so it is one less than the packages' inclusive counts when ``start`` is a working day).
``add_calendar_days`` moves a deadline that lands on a holiday to the first day after it
that is not a holiday; with ``roll_weekends=True`` it moves any rest day (holiday or
weekend) to the next working day.

Per-year tables (kind, source, name and a prefix sum of working days) are built once and
memoised, so counting costs O(years spanned) lookups, not one per day.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, timedelta
from enum import StrEnum
from functools import cache

import chinese_calendar  # type: ignore[import-untyped, unused-ignore]
import holidays

__all__ = [
    "CalendarDay",
    "CalendarOverride",
    "DayKind",
    "DaySource",
    "WorkingCalendar",
]


class DayKind(StrEnum):
    """What a calendar day is for a government office."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    """Statutory holiday or official / overridden rest day (can fall on a weekend)."""
    MAKEUP_WORKDAY = "makeup_workday"
    """调休: a Saturday or Sunday made a working day."""

    @property
    def is_working(self) -> bool:
        return self is DayKind.WORKDAY or self is DayKind.MAKEUP_WORKDAY


class DaySource(StrEnum):
    """Where a day's kind came from."""

    OVERRIDE = "override"
    OFFICIAL = "official"
    ESTIMATED = "estimated"


@dataclass(frozen=True, slots=True)
class CalendarOverride:
    """An admin-edited day: a year the packages do not cover yet, or a local rest day."""

    day: date
    working: bool
    note: str

    def __post_init__(self) -> None:
        _check_date("day", self.day)
        if not isinstance(self.working, bool):
            raise TypeError(f"working must be a bool, not {type(self.working).__name__}")


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day as the calendar sees it; ``name`` is the holiday name or override note."""

    day: date
    kind: DayKind
    source: DaySource
    name: str | None

    @property
    def is_working(self) -> bool:
        return self.kind.is_working


_Entry = tuple[DayKind, DaySource, str | None]


@dataclass(frozen=True, slots=True)
class _YearTable:
    first_ordinal: int
    entries: tuple[_Entry, ...]
    prefix: tuple[int, ...]
    """prefix[i] = number of working days among the year's first i days."""

    def index(self, d: date) -> int:
        return d.toordinal() - self.first_ordinal

    def day_at(self, index: int) -> date:
        return date.fromordinal(self.first_ordinal + index)


def _check_date(field: str, value: object) -> None:
    # datetime is a subclass of date; mixing them silently compares wrongly.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{field} must be a datetime.date, not {type(value).__name__}")


def _check_count(n: object) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return n


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return [date.fromordinal(o) for o in range(first, last + 1)]


@cache
def _chinese_calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _package_year(year: int) -> tuple[_Entry, ...]:
    """Official (chinese_calendar) or estimated (weekends + holidays CN) kinds of a year."""
    entries: list[_Entry] = []
    if _chinese_calendar_covers(year):
        for d in _days_of(year):
            is_rest, name = chinese_calendar.get_holiday_detail(d)
            weekend = d.weekday() >= 5
            if not is_rest:
                kind = DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
            elif name is not None:
                kind = DayKind.HOLIDAY
            else:
                kind = DayKind.WEEKEND
            entries.append((kind, DaySource.OFFICIAL, name))
        return tuple(entries)

    statutory = holidays.country_holidays("CN", years=year)
    for d in _days_of(year):
        holiday_name = statutory.get(d)
        if holiday_name is not None:
            entries.append((DayKind.HOLIDAY, DaySource.ESTIMATED, str(holiday_name)))
        elif d.weekday() >= 5:
            entries.append((DayKind.WEEKEND, DaySource.ESTIMATED, None))
        else:
            entries.append((DayKind.WORKDAY, DaySource.ESTIMATED, None))
    return tuple(entries)


class WorkingCalendar:
    """Working days, counting and deadline roll-forward; immutable after construction."""

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        *,
        roll_weekends: bool = False,
        confirmed_years: Iterable[int] = (),
    ) -> None:
        by_day: dict[date, CalendarOverride] = {}
        for override in overrides:
            if not isinstance(override, CalendarOverride):
                raise TypeError(f"overrides must be CalendarOverride, not {type(override)}")
            if override.day in by_day:
                raise ValueError(f"duplicate calendar override for {override.day.isoformat()}")
            by_day[override.day] = override
        self._overrides = by_day
        self._override_years = frozenset(d.year for d in by_day)
        self._confirmed_years = frozenset(confirmed_years)
        self._roll_weekends = bool(roll_weekends)
        self._tables: dict[int, _YearTable] = {}
        self._sibling: WorkingCalendar | None = None

    @property
    def roll_weekends(self) -> bool:
        return self._roll_weekends

    def with_roll_weekends(self, roll_weekends: bool) -> WorkingCalendar:
        """The same days with the given weekend roll-forward (itself when it already has it).
        The other one is built once per calendar, so a page asking for both pays once."""
        if bool(roll_weekends) == self._roll_weekends:
            return self
        if self._sibling is None:
            self._sibling = WorkingCalendar(
                self._overrides.values(),
                roll_weekends=not self._roll_weekends,
                confirmed_years=self._confirmed_years,
            )
            self._sibling._sibling = self
        return self._sibling

    @property
    def overrides(self) -> tuple[CalendarOverride, ...]:
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    # -- single days -------------------------------------------------------------------

    def day_info(self, d: date) -> CalendarDay:
        _check_date("d", d)
        table = self._table(d.year)
        kind, source, name = table.entries[table.index(d)]
        return CalendarDay(day=d, kind=kind, source=source, name=name)

    def day_kind(self, d: date) -> DayKind:
        _check_date("d", d)
        table = self._table(d.year)
        return table.entries[table.index(d)][0]

    def source(self, d: date) -> DaySource:
        _check_date("d", d)
        table = self._table(d.year)
        return table.entries[table.index(d)][1]

    def is_working_day(self, d: date) -> bool:
        return self.day_kind(d).is_working

    # -- coverage ----------------------------------------------------------------------

    def has_official_data(self, year: int) -> bool:
        """The packaged official data cover `year`, or an administrator confirmed that its
        State Council notice is entered in the overrides (overrides alone never do: one
        调休 day is not the notice)."""
        return self.has_packaged_data(year) or year in self._confirmed_years

    def has_packaged_data(self, year: int) -> bool:
        return _chinese_calendar_covers(year)

    def is_confirmed(self, year: int) -> bool:
        """An administrator confirmed that the notice for `year` is entered."""
        return year in self._confirmed_years

    def estimated_span(self, start: date, end: date) -> tuple[date, date] | None:
        """The first and last day from `start` to `end` whose kind is only estimated (no
        official notice for its year), or None when every day's kind is official."""
        _check_date("start", start)
        _check_date("end", end)
        years = [y for y in range(start.year, end.year + 1) if not self.has_official_data(y)]
        if not years:
            return None
        return max(start, date(years[0], 1, 1)), min(end, date(years[-1], 12, 31))

    def years_without_official_data(self, today: date) -> list[int]:
        """The current and next year, as far as they have no official calendar loaded."""
        _check_date("today", today)
        return [y for y in (today.year, today.year + 1) if not self.has_official_data(y)]

    def coverage_warning(self, today: date) -> str | None:
        """English warning when the current or next year has no official calendar."""
        missing = self.years_without_official_data(today)
        if not missing:
            return None
        years = " and ".join(str(y) for y in missing)
        notice = "notices" if len(missing) > 1 else "notice"
        return (
            f"No official working-day calendar for {years}: enter the State Council "
            f"holiday {notice} in the calendar overrides and confirm it on the calendar page"
        )

    # -- counting ----------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (start not counted); n == 0 gives start."""
        _check_date("start", start)
        remaining = _check_count(n)
        if remaining == 0:
            return start
        year = start.year
        table = self._table(year)
        index = table.index(start)
        while True:
            already = table.prefix[index + 1]
            available = table.prefix[-1] - already
            if remaining <= available:
                # smallest p with prefix[p] == already + remaining; day p - 1 is that day
                p = bisect_left(table.prefix, already + remaining)
                return table.day_at(p - 1)
            remaining -= available
            year += 1
            if year > MAXYEAR:
                raise OverflowError("working-day count runs past the last supported date")
            table = self._table(year)
            index = -1

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negated when end < start."""
        _check_date("start", start)
        _check_date("end", end)
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        for year in range(start.year, end.year + 1):
            table = self._table(year)
            low = table.index(start) if year == start.year else -1  # exclusive
            high = table.index(end) if year == end.year else len(table.entries) - 1
            total += table.prefix[high + 1] - table.prefix[low + 1]
        return total

    def add_calendar_days(self, start: date, n: int) -> date:
        """Natural-day deadline: start + n days, rolled forward past a holiday."""
        _check_date("start", start)
        return self.roll_forward(start + timedelta(days=_check_count(n)))

    def roll_forward(self, d: date) -> date:
        """The day a deadline ending on ``d`` really ends on (DOMAIN §3 roll-over).

        A holiday moves to the first later day that is not a holiday (with
        ``roll_weekends``: the first working day); a weekend moves to the next working
        day only with ``roll_weekends``; any other day stays.
        """
        _check_date("d", d)
        kind = self.day_kind(d)
        if kind is DayKind.HOLIDAY or (kind is DayKind.WEEKEND and self._roll_weekends):
            one = timedelta(days=1)
            d += one
            while self._rolls_past(self.day_kind(d)):
                d += one
        return d

    # -- internals ---------------------------------------------------------------------

    def _rolls_past(self, kind: DayKind) -> bool:
        if self._roll_weekends:
            return not kind.is_working
        return kind is DayKind.HOLIDAY

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            table = self._year_table(year)
            self._tables[year] = table
        return table

    def _year_table(self, year: int) -> _YearTable:
        entries = list(_package_year(year))
        first = date(year, 1, 1).toordinal()
        if year in self._override_years:
            for d, override in self._overrides.items():
                if d.year != year:
                    continue
                weekend = d.weekday() >= 5
                if override.working:
                    kind = DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
                else:
                    kind = DayKind.HOLIDAY
                entries[d.toordinal() - first] = (kind, DaySource.OVERRIDE, override.note)
        prefix = [0]
        for kind, _source, _name in entries:
            prefix.append(prefix[-1] + (1 if kind.is_working else 0))
        return _YearTable(first_ordinal=first, entries=tuple(entries), prefix=tuple(prefix))
