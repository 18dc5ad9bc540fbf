"""Who is on duty at an instant: a pure calculation over published slots, overrides and swaps.

Precedence, written once here and nowhere else:
1. the published roster's slots (a person works a shift from its start to its end);
2. overrides: during the override's interval, the covering person replaces the original
   person on that shift (or is added to it with the override's role, when no original person
   is named); a shift is identified by its unit and code;
3. approved swaps: each of the two swapped slots (identified by person, shift and start) is
   worked by the other person.
Later layers win over earlier ones. Intervals are half-open [start, end) in UTC.
`worked_slots` applies the same precedence to whole shifts (each evaluated at its start), so
checks of a person's plan and calendar feeds agree with who is on duty.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Slot:
    person_id: int
    shift_code: str
    role: str
    start: datetime
    end: datetime
    unit_id: int | None = None

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class Override:
    shift_code: str
    start: datetime
    end: datetime
    covering_person_id: int
    original_person_id: int | None = None
    role: str | None = None  # the shift's role; None: that of the shift's other slots
    unit_id: int | None = None


@dataclass(frozen=True)
class Swap:
    """Person `a` works `b`'s slot and `b` works `a`'s slot (identified by code and start)."""

    a_person_id: int
    a_shift_code: str
    a_start: datetime
    b_person_id: int
    b_shift_code: str
    b_start: datetime


def shift_interval(day: date, start: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC interval of a shift starting on `day` in local time; end <= start crosses midnight."""
    local_start = datetime.combine(day, start, tzinfo=tz)
    end_day = day if end > start else day + timedelta(days=1)
    local_end = datetime.combine(end_day, end, tzinfo=tz)
    return local_start.astimezone(ZoneInfo("UTC")), local_end.astimezone(ZoneInfo("UTC"))


def _apply_overrides(active: list[Slot], overrides: Iterable[Override]) -> list[Slot]:
    result = list(active)
    for override in overrides:
        replaced = next(
            (
                s
                for s in result
                if (s.unit_id, s.shift_code) == (override.unit_id, override.shift_code)
                and s.person_id == override.original_person_id
            ),
            None,
        )
        if replaced is not None:
            result.remove(replaced)
            result.append(replace(replaced, person_id=override.covering_person_id))
            continue
        same_shift = next(
            (
                s
                for s in result
                if (s.unit_id, s.shift_code) == (override.unit_id, override.shift_code)
            ),
            None,
        )
        role = override.role or (same_shift.role if same_shift else "duty")
        result.append(
            Slot(
                person_id=override.covering_person_id,
                shift_code=override.shift_code,
                role=role,
                start=override.start,
                end=override.end,
                unit_id=override.unit_id,
            )
        )
    return result


def _apply_swaps(active: list[Slot], swaps: Iterable[Swap]) -> list[Slot]:
    result = list(active)
    for swap in swaps:
        exchanged = []
        for slot in result:
            key = (slot.person_id, slot.shift_code, slot.start)
            if key == (swap.a_person_id, swap.a_shift_code, swap.a_start):
                exchanged.append(replace(slot, person_id=swap.b_person_id))
            elif key == (swap.b_person_id, swap.b_shift_code, swap.b_start):
                exchanged.append(replace(slot, person_id=swap.a_person_id))
            else:
                exchanged.append(slot)
        result = exchanged
    return result


def effective_slots(
    slots: Iterable[Slot], overrides: Iterable[Override], swaps: Iterable[Swap], at: datetime
) -> list[Slot]:
    """The slots in force at `at`: roster, then overrides, then swaps."""
    active = [s for s in slots if s.covers(at)]
    active = _apply_overrides(active, [o for o in overrides if o.start <= at < o.end])
    return _apply_swaps(active, swaps)


# No shift lasts longer than this (24 h, plus a daylight-saving hour).
LONGEST_SHIFT = timedelta(hours=25)


def worked_slots(
    slots: Iterable[Slot], overrides: Iterable[Override], swaps: Iterable[Swap]
) -> list[Slot]:
    """Every shift as it is worked: the slots in force at each shift's start
    (`effective_slots`) that begin then, ordered by start. Overrides count as whole shifts: one
    that covers only part of a shift shows here only if it starts a shift itself."""
    ordered = sorted(slots, key=lambda s: s.start)
    begins = [s.start for s in ordered]
    override_list, swap_list = list(overrides), list(swaps)
    result: list[Slot] = []
    for at in sorted(set(begins) | {o.start for o in override_list}):
        nearby = ordered[bisect_left(begins, at - LONGEST_SHIFT) : bisect_right(begins, at)]
        result.extend(
            s for s in effective_slots(nearby, override_list, swap_list, at) if s.start == at
        )
    return result


def on_duty(
    slots: Iterable[Slot],
    overrides: Iterable[Override],
    swaps: Iterable[Swap],
    at: datetime,
    *,
    role: str | None = None,
) -> frozenset[int]:
    """People on duty at `at`, optionally only on shifts of one role (e.g. "oncall_primary")."""
    if at.tzinfo is None:
        raise ValueError("on_duty needs an aware datetime")
    return frozenset(
        s.person_id
        for s in effective_slots(slots, overrides, swaps, at)
        if role is None or s.role == role
    )
