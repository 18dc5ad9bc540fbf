"""Reader for the Curtois-Qu shift-scheduling benchmark text format (Instance1..Instance24).

The format is described in ``shared/benchmarks/shift-scheduling/README.md``: ``#`` comment
lines, sections opened by ``SECTION_<NAME>`` and closed by a blank line, comma-separated fields.
Every problem with the input raises ``ValueError`` naming the file and the line number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)

DAYS_PER_WEEK = 7
SATURDAY = 5
SUNDAY = 6


@dataclass(frozen=True)
class Shift:
    """A shift type; ``cannot_follow`` lists shift ids forbidden on the next day."""

    id: str
    length_minutes: int
    cannot_follow: frozenset[str]


@dataclass(frozen=True)
class Staff:
    """One employee and all of their hard limits."""

    id: str
    max_shifts: Mapping[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int

    def may_work(self, shift_id: str) -> bool:
        return self.max_shifts.get(shift_id, 0) > 0


@dataclass(frozen=True)
class ShiftRequest:
    """A wish to work (on-request) or not to work (off-request) a shift on a day."""

    staff_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """Preferred number of people on a shift on a day, with per-person penalty weights."""

    day: int
    shift_id: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class BenchmarkInstance:
    """A whole benchmark instance. Day 0 is a Monday; days are ``0 .. horizon-1``."""

    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    days_off: Mapping[str, frozenset[int]]
    on_requests: tuple[ShiftRequest, ...]
    off_requests: tuple[ShiftRequest, ...]
    cover: tuple[Cover, ...]

    @property
    def shift_ids(self) -> tuple[str, ...]:
        return tuple(shift.id for shift in self.shifts)

    def shift(self, shift_id: str) -> Shift:
        for shift in self.shifts:
            if shift.id == shift_id:
                return shift
        raise KeyError(shift_id)

    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """Days of each weekend (Saturday, Sunday) that fall inside the horizon."""
        result = []
        for week_start in range(0, self.horizon, DAYS_PER_WEEK):
            days = tuple(
                day for day in (week_start + SATURDAY, week_start + SUNDAY) if day < self.horizon
            )
            if days:
                result.append(days)
        return tuple(result)


@dataclass(frozen=True)
class _Line:
    number: int
    fields: tuple[str, ...]


class _Context:
    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, line: _Line | int, message: str) -> ValueError:
        number = line.number if isinstance(line, _Line) else line
        return ValueError(f"{self.path}, line {number}: {message}")

    def integer(self, line: _Line, text: str, what: str, minimum: int = 0) -> int:
        try:
            value = int(text)
        except ValueError:
            raise self.error(line, f"{what} must be an integer, got {text!r}") from None
        if value < minimum:
            raise self.error(line, f"{what} must be >= {minimum}, got {value}")
        return value

    def fields(self, line: _Line, count: int, what: str) -> tuple[str, ...]:
        if len(line.fields) != count:
            raise self.error(
                line, f"{what} needs {count} comma-separated fields, got {len(line.fields)}"
            )
        return line.fields


def _split_sections(ctx: _Context, text: str) -> dict[str, list[_Line]]:
    sections: dict[str, list[_Line]] = {}
    current: list[_Line] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise ctx.error(number, f"unknown section {line!r}")
            if line in sections:
                raise ctx.error(number, f"section {line} appears twice")
            current = sections.setdefault(line, [])
            continue
        if current is None:
            raise ctx.error(number, f"data outside of any section: {line!r}")
        current.append(_Line(number, tuple(field.strip() for field in line.split(","))))
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise ValueError(f"{ctx.path}: missing section(s) {', '.join(missing)}")
    return sections


def _read_horizon(ctx: _Context, lines: list[_Line]) -> int:
    if len(lines) != 1:
        number = lines[1].number if len(lines) > 1 else 1
        raise ctx.error(number, "SECTION_HORIZON must hold exactly one integer")
    (text,) = ctx.fields(lines[0], 1, "horizon")
    return ctx.integer(lines[0], text, "horizon", minimum=1)


def _read_shifts(ctx: _Context, lines: list[_Line]) -> tuple[Shift, ...]:
    shifts: list[Shift] = []
    for line in lines:
        shift_id, length, follow = ctx.fields(line, 3, "shift")
        if not shift_id:
            raise ctx.error(line, "empty shift id")
        if any(shift.id == shift_id for shift in shifts):
            raise ctx.error(line, f"duplicate shift id {shift_id!r}")
        cannot_follow = frozenset(part for part in follow.split("|") if part)
        shifts.append(Shift(shift_id, ctx.integer(line, length, "shift length", 1), cannot_follow))
    known = {shift.id for shift in shifts}
    for shift, line in zip(shifts, lines, strict=True):
        unknown = sorted(shift.cannot_follow - known)
        if unknown:
            raise ctx.error(line, f"unknown shift id(s) in CannotFollow: {', '.join(unknown)}")
    if not shifts:
        raise ValueError(f"{ctx.path}: SECTION_SHIFTS is empty")
    return tuple(shifts)


def _read_max_shifts(ctx: _Context, line: _Line, text: str, known: set[str]) -> dict[str, int]:
    limits: dict[str, int] = {}
    for part in text.split("|"):
        shift_id, sep, limit = part.partition("=")
        if not sep:
            raise ctx.error(line, f"MaxShifts entry {part!r} is not ShiftID=limit")
        if shift_id not in known:
            raise ctx.error(line, f"unknown shift id {shift_id!r} in MaxShifts")
        limits[shift_id] = ctx.integer(line, limit, f"MaxShifts[{shift_id}]")
    for shift_id in known - limits.keys():
        limits[shift_id] = 0
    return limits


def _read_staff(ctx: _Context, lines: list[_Line], known: set[str]) -> tuple[Staff, ...]:
    staff: list[Staff] = []
    for line in lines:
        staff_id, max_shifts, *numbers = ctx.fields(line, 8, "staff")
        if any(member.id == staff_id for member in staff):
            raise ctx.error(line, f"duplicate staff id {staff_id!r}")
        names = (
            "MaxTotalMinutes",
            "MinTotalMinutes",
            "MaxConsecutiveShifts",
            "MinConsecutiveShifts",
            "MinConsecutiveDaysOff",
            "MaxWeekends",
        )
        values = [ctx.integer(line, text, name) for text, name in zip(numbers, names, strict=True)]
        staff.append(Staff(staff_id, _read_max_shifts(ctx, line, max_shifts, known), *values))
    if not staff:
        raise ValueError(f"{ctx.path}: SECTION_STAFF is empty")
    return tuple(staff)


def _check_staff(ctx: _Context, line: _Line, staff_id: str, staff_ids: set[str]) -> str:
    if staff_id not in staff_ids:
        raise ctx.error(line, f"unknown staff id {staff_id!r}")
    return staff_id


def _check_day(ctx: _Context, line: _Line, text: str, horizon: int) -> int:
    day = ctx.integer(line, text, "day")
    if day >= horizon:
        raise ctx.error(line, f"day {day} is outside the horizon 0..{horizon - 1}")
    return day


def _read_days_off(
    ctx: _Context, lines: list[_Line], staff_ids: set[str], horizon: int
) -> dict[str, frozenset[int]]:
    days_off: dict[str, frozenset[int]] = {staff_id: frozenset() for staff_id in staff_ids}
    for line in lines:
        staff_id = _check_staff(ctx, line, line.fields[0], staff_ids)
        days = {_check_day(ctx, line, text, horizon) for text in line.fields[1:] if text}
        days_off[staff_id] = days_off[staff_id] | days
    return days_off


def _read_requests(
    ctx: _Context, lines: list[_Line], staff_ids: set[str], shift_ids: set[str], horizon: int
) -> tuple[ShiftRequest, ...]:
    requests = []
    for line in lines:
        staff_id, day, shift_id, weight = ctx.fields(line, 4, "request")
        if shift_id not in shift_ids:
            raise ctx.error(line, f"unknown shift id {shift_id!r}")
        requests.append(
            ShiftRequest(
                _check_staff(ctx, line, staff_id, staff_ids),
                _check_day(ctx, line, day, horizon),
                shift_id,
                ctx.integer(line, weight, "weight"),
            )
        )
    return tuple(requests)


def _read_cover(
    ctx: _Context, lines: list[_Line], shift_ids: set[str], horizon: int
) -> tuple[Cover, ...]:
    cover: list[Cover] = []
    seen: set[tuple[int, str]] = set()
    for line in lines:
        day_text, shift_id, requirement, under, over = ctx.fields(line, 5, "cover")
        if shift_id not in shift_ids:
            raise ctx.error(line, f"unknown shift id {shift_id!r}")
        day = _check_day(ctx, line, day_text, horizon)
        if (day, shift_id) in seen:
            raise ctx.error(line, f"second cover line for day {day}, shift {shift_id}")
        seen.add((day, shift_id))
        cover.append(
            Cover(
                day,
                shift_id,
                ctx.integer(line, requirement, "requirement"),
                ctx.integer(line, under, "weight for under"),
                ctx.integer(line, over, "weight for over"),
            )
        )
    return tuple(cover)


def parse_instance(text: str, *, name: str, source: Path | None = None) -> BenchmarkInstance:
    """Parse the text of one instance file; ``source`` only names the file in errors."""
    ctx = _Context(source or Path(name))
    sections = _split_sections(ctx, text)
    horizon = _read_horizon(ctx, sections["SECTION_HORIZON"])
    shifts = _read_shifts(ctx, sections["SECTION_SHIFTS"])
    shift_ids = {shift.id for shift in shifts}
    staff = _read_staff(ctx, sections["SECTION_STAFF"], shift_ids)
    staff_ids = {member.id for member in staff}
    return BenchmarkInstance(
        name=name,
        horizon=horizon,
        shifts=shifts,
        staff=staff,
        days_off=_read_days_off(ctx, sections["SECTION_DAYS_OFF"], staff_ids, horizon),
        on_requests=_read_requests(
            ctx, sections["SECTION_SHIFT_ON_REQUESTS"], staff_ids, shift_ids, horizon
        ),
        off_requests=_read_requests(
            ctx, sections["SECTION_SHIFT_OFF_REQUESTS"], staff_ids, shift_ids, horizon
        ),
        cover=_read_cover(ctx, sections["SECTION_COVER"], shift_ids, horizon),
    )


def read_instance(path: str | Path) -> BenchmarkInstance:
    """Read an instance file; the instance name is the file stem (``Instance1``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not an ASCII text file (byte {exc.start})") from None
    return parse_instance(text, name=path.stem, source=path)
