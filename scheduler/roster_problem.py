"""Frozen input and output types of the duty-roster solver, plus small pure helpers.

Invariants:

- Everything here is immutable data; nothing reads the clock or touches a database.
- A shift belongs to the day it starts on. ``end <= start`` means it crosses midnight, so a
  24-hour duty 08:30 -> 08:30 has ``start == end`` and lasts 24 hours.
- Weeks are Monday-based calendar weeks clipped to the period.
- "Weekends" counted per person are weekend *days* worked (``DayKind.weekend``; a 调休
  makeup workday on a Saturday is not a weekend). ``Rules.max_weekends`` counts distinct
  weekends (Saturday-Sunday pairs) in which a person works at least one day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class DayKind(StrEnum):
    """Calendar kind of a day (DOMAIN.md §7: holidays and 调休 makeup workdays)."""

    workday = "workday"
    weekend = "weekend"
    holiday = "holiday"
    makeup_workday = "makeup_workday"


@dataclass(frozen=True)
class Day:
    date: date
    kind: DayKind


@dataclass(frozen=True)
class ShiftType:
    """A shift pattern. ``role`` says who may work it (see ``Person.roles``)."""

    id: str
    start: time
    end: time
    is_night: bool = False
    role: str = "duty"

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def minutes(self) -> int:
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return end - start if end > start else end - start + 24 * 60


@dataclass(frozen=True)
class Person:
    id: str
    skills: frozenset[str] = frozenset()
    is_leader: bool = False
    unit: str = ""
    contracted_hours_per_week: float | None = None
    roles: frozenset[str] = frozenset({"duty"})
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Demand:
    """Cover for one day x shift; with ``skill`` only people having that skill count."""

    day: date
    shift: str
    minimum: int
    preferred: int
    skill: str | None = None


@dataclass(frozen=True)
class Unavailability:
    person: str
    day: date
    reason: str = "leave"


@dataclass(frozen=True)
class Fixed:
    """A pre-set assignment; ``shift`` None fixes a day off."""

    person: str
    day: date
    shift: str | None


@dataclass(frozen=True)
class Request:
    """A wish; ``shift`` None means the whole day (``wanted=False``: wants the day off)."""

    person: str
    day: date
    shift: str | None
    wanted: bool
    weight: int = 1


@dataclass(frozen=True)
class History:
    """Shifts just before the period and running totals for fairness."""

    person: str
    recent: tuple[tuple[date, str], ...] = ()
    nights_ytd: int = 0
    weekends_ytd: int = 0
    holidays_ytd: int = 0


@dataclass(frozen=True)
class Rules:
    """Hard rules; ``None``/``False`` switches a rule off."""

    min_rest_hours: float | None = 11
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()
    max_consecutive_days: int | None = 6
    max_consecutive_nights: int | None = 3
    min_consecutive_days_off: int | None = None
    rest_day_per_7: bool = True
    max_shifts_per_week: int | None = None
    max_hours_per_week: float | None = None
    max_shifts_per_period: int | None = None
    max_weekends: int | None = None
    leader_per_day: str | None = None


@dataclass(frozen=True)
class Weights:
    """Cost per unit of each soft goal (0 switches the goal off)."""

    under_cover: int = 100
    over_cover: int = 5
    request: int = 10
    fairness_nights: int = 20
    fairness_weekends: int = 20
    fairness_holidays: int = 40
    isolated_day_on: int = 3
    isolated_day_off: int = 3
    change_from_hint: int = 50


@dataclass(frozen=True)
class RosterProblem:
    days: tuple[Day, ...]
    shifts: tuple[ShiftType, ...]
    people: tuple[Person, ...]
    demand: tuple[Demand, ...]
    unavailable: tuple[Unavailability, ...] = ()
    fixed: tuple[Fixed, ...] = ()
    requests: tuple[Request, ...] = ()
    history: tuple[History, ...] = ()
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Assignment:
    person: str
    day: date
    shift: str


@dataclass(frozen=True)
class Violation:
    """One broken soft goal; the costs of all violations sum to the objective."""

    goal: str
    cost: int
    detail: str
    person: str | None = None
    day: date | None = None
    #: The phrase of ``detail`` (``roster_soft.KEYS``) and what it says, for other languages.
    key: str = ""
    values: dict[str, str | int | None] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class PersonTotals:
    shifts: int
    hours: float
    nights: int
    weekends: int
    holidays: int
    nights_with_history: int = 0
    weekends_with_history: int = 0
    holidays_with_history: int = 0


#: A value an explanation phrase needs, JSON-plain: days as ISO text, codes, numbers, names,
#: and the people a cover is missing (each a dict of text: person, name, why …).
ShortfallValue = str | int | float | None | list[dict[str, str]]


@dataclass(frozen=True)
class Shortfall:
    """A planner-readable reason why the hard rules cannot all be met. ``message`` is the
    English sentence (API, CLI); ``key`` names the kind of phrase and ``values`` hold what it
    says, so that a page can word it in its own language without parsing the English."""

    rule: str
    day: date | None
    shift: str | None
    skill: str | None
    people_short: int | None
    message: str
    person: str | None = None
    key: str = ""
    values: dict[str, ShortfallValue] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Progress:
    """An improving solution found while solving: its objective, the proven bound so far
    and the solver's elapsed wall time."""

    objective: int
    bound: int
    elapsed_s: float


@dataclass(frozen=True)
class RosterResult:
    status: str
    objective: int | None
    bound: int | None
    assignments: tuple[Assignment, ...]
    violations: tuple[Violation, ...]
    totals: dict[str, PersonTotals]
    explanation: tuple[Shortfall, ...] = ()
    seconds: float = 0.0


def diff(
    old: Iterable[Assignment], new: Iterable[Assignment]
) -> tuple[list[Assignment], list[Assignment]]:
    """Return ``(removed, added)`` between two rosters, sorted by day, person, shift."""
    old_set, new_set = set(old), set(new)

    def order(item: Assignment) -> tuple[date, str, str]:
        return (item.day, item.person, item.shift)

    return sorted(old_set - new_set, key=order), sorted(new_set - old_set, key=order)


def shift_start(day: date, shift: ShiftType) -> datetime:
    return datetime.combine(day, shift.start)


def shift_end(day: date, shift: ShiftType) -> datetime:
    return shift_start(day, shift) + timedelta(minutes=shift.minutes)


def rest_hours_between(
    first_day: date, first: ShiftType, second_day: date, second: ShiftType
) -> float:
    """Hours from the end of ``first`` to the start of ``second`` (negative if they overlap)."""
    gap = shift_start(second_day, second) - shift_end(first_day, first)
    return gap.total_seconds() / 3600


def week_key(day: date) -> tuple[int, int]:
    """ISO (year, week) of a day: Monday-based calendar weeks."""
    iso = day.isocalendar()
    return (iso.year, iso.week)


def counts_as_weekend(day: Day) -> bool:
    return day.kind is DayKind.weekend


def counts_as_holiday(day: Day) -> bool:
    return day.kind is DayKind.holiday


def shift_is_eligible(person: Person, shift: ShiftType, leader_shift: str | None) -> bool:
    """Role check, plus: the leader-per-day shift is open only to leaders."""
    if shift.role not in person.roles:
        return False
    return person.is_leader or shift.id != leader_shift
