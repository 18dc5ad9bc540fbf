"""The hard rules of a unit checked on one person's plan after a change (an override or a
swap): a pure calculation over the shifts the person works (`oncall.resolve.worked_slots`).

Only breaches that involve a changed day are reported, so a change is never blamed for what
the plan already broke elsewhere. The rules and their bounds are those of
`scheduler.roster_problem.Rules`, read as the solver reads them: at most one shift a day; rest
from the end of one shift to the start of the next; forbidden successions on consecutive days;
at most `max_consecutive_days` worked (or `max_consecutive_nights` night) days in a row; a rest
day in every 7 days; blocks of days off between worked days of at least
`min_consecutive_days_off`; the caps per ISO week and per roster period; `max_weekends`
distinct weekends in the period (the weekend days of one ISO week, by the working calendar:
a make-up working day is not a weekend day), counted as the solver counts them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scheduler.roster_problem import Rules, week_key


@dataclass(frozen=True)
class Worked:
    """One shift a person works, starting on local `day`."""

    day: date
    code: str
    start: datetime
    end: datetime
    is_night: bool = False


@dataclass(frozen=True)
class Broken:
    """A hard rule the plan breaks: the rule's name, a reason that completes "person N …",
    and the reason's values by name, under `kind` (the rule, or one of its cases), so a page
    can word it in its own language."""

    rule: str
    reason: str
    values: Mapping[str, str | int | float] = field(default_factory=dict, hash=False)
    kind: str = ""


def reach_days(rules: Rules) -> int:
    """How many days on each side of a changed day the checks look at."""
    spans = [7, 2]  # the rest day per 7 days and the weekly caps; rest and successions
    for limit in (rules.max_consecutive_days, rules.max_consecutive_nights):
        if limit is not None:
            spans.append(limit + 1)
    if rules.min_consecutive_days_off is not None:
        spans.append(rules.min_consecutive_days_off + 1)
    return max(spans)


def _run(days: set[date], through: date) -> tuple[date, date] | None:
    """The maximal run of consecutive days in `days` that contains `through`."""
    if through not in days:
        return None
    first = last = through
    while first - timedelta(days=1) in days:
        first -= timedelta(days=1)
    while last + timedelta(days=1) in days:
        last += timedelta(days=1)
    return first, last


def _one_shift_per_day(plan: list[Worked], around: Collection[date]) -> Iterator[Broken]:
    for day in sorted(around):
        if sum(1 for w in plan if w.day == day) > 1:
            yield Broken("one_shift_per_day", f"already works on {day}", {"day": str(day)})


def _rest(plan: list[Worked], around: Collection[date], rules: Rules) -> Iterator[Broken]:
    ordered = sorted(plan, key=lambda w: w.start)
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.day not in around and second.day not in around:
            continue
        gap = (second.start - first.end).total_seconds() / 3600
        if gap < 0:
            yield Broken(
                "min_rest",
                f"would work overlapping shifts on {first.day} and {second.day}",
                {"first": str(first.day), "second": str(second.day)},
                "overlapping_shifts",
            )
        elif rules.min_rest_hours is not None and gap < rules.min_rest_hours:
            yield Broken(
                "min_rest",
                f"would have only {gap:g} h rest between {first.day} and {second.day} "
                f"(minimum {rules.min_rest_hours:g})",
                {
                    "hours": f"{gap:g}",
                    "first": str(first.day),
                    "second": str(second.day),
                    "minimum": f"{rules.min_rest_hours:g}",
                },
            )


def _successions(plan: list[Worked], around: Collection[date], rules: Rules) -> Iterator[Broken]:
    for first in plan:
        for second in plan:
            if second.day != first.day + timedelta(days=1):
                continue
            if first.day not in around and second.day not in around:
                continue
            if (first.code, second.code) in rules.forbidden_successions:
                yield Broken(
                    "forbidden_successions",
                    f"would work {first.code} on {first.day} then {second.code} on {second.day}",
                    {
                        "first_shift": first.code,
                        "first": str(first.day),
                        "second_shift": second.code,
                        "second": str(second.day),
                    },
                )


def _runs(plan: list[Worked], around: Collection[date], rules: Rules) -> Iterator[Broken]:
    worked = {w.day for w in plan}
    nights = {w.day for w in plan if w.is_night}
    for rule, days, limit, what in (
        ("max_consecutive_days", worked, rules.max_consecutive_days, "days"),
        ("max_consecutive_nights", nights, rules.max_consecutive_nights, "nights"),
    ):
        if limit is None:
            continue
        for day in sorted(around):
            run = _run(days, day)
            if run is not None and (run[1] - run[0]).days + 1 > limit:
                yield Broken(
                    rule,
                    f"would work {(run[1] - run[0]).days + 1} {what} in a row from {run[0]} "
                    f"(at most {limit})",
                    {"n": (run[1] - run[0]).days + 1, "start": str(run[0]), "limit": limit},
                )


def _rest_day_per_7(plan: list[Worked], around: Collection[date], rules: Rules) -> Iterator[Broken]:
    if not rules.rest_day_per_7:
        return
    worked = {w.day for w in plan}
    for day in sorted(around):
        for first in (day - timedelta(days=back) for back in range(7)):
            if all(first + timedelta(days=i) in worked for i in range(7)):
                yield Broken(
                    "rest_day_per_7",
                    f"would have no rest day from {first} to {first + timedelta(days=6)}",
                    {"start": str(first), "end": str(first + timedelta(days=6))},
                )
                break


def _days_off(plan: list[Worked], around: Collection[date], rules: Rules) -> Iterator[Broken]:
    length = rules.min_consecutive_days_off
    if length is None:
        return
    worked = {w.day for w in plan}
    for day in sorted(around):
        # the blocks of days off that end or start next to `day`, or contain it
        for probe in (day - timedelta(days=1), day, day + timedelta(days=1)):
            if probe in worked:
                continue
            first = last = probe
            while first - timedelta(days=1) not in worked and (probe - first).days < length:
                first -= timedelta(days=1)
            while last + timedelta(days=1) not in worked and (last - probe).days < length:
                last += timedelta(days=1)
            off = (last - first).days + 1
            bounded = first - timedelta(days=1) in worked and last + timedelta(days=1) in worked
            if bounded and off < length:
                yield Broken(
                    "min_consecutive_days_off",
                    f"would have only {off} day(s) off from {first} to {last} (at least {length})",
                    {"n": off, "start": str(first), "end": str(last), "limit": length},
                )


def _caps(
    plan: list[Worked], around: Collection[date], rules: Rules, period: tuple[date, date] | None
) -> Iterator[Broken]:
    for week in sorted({week_key(day) for day in around}):
        in_week = [w for w in plan if week_key(w.day) == week]
        label_short = f"{week[0]}-W{week[1]:02d}"
        label = f"week {label_short}"
        if rules.max_shifts_per_week is not None and len(in_week) > rules.max_shifts_per_week:
            yield Broken(
                "max_shifts_per_week",
                f"would work {len(in_week)} shifts in {label} "
                f"(at most {rules.max_shifts_per_week})",
                {"n": len(in_week), "week": label_short, "limit": rules.max_shifts_per_week},
            )
        hours = sum((w.end - w.start).total_seconds() for w in in_week) / 3600
        if rules.max_hours_per_week is not None and hours > rules.max_hours_per_week:
            yield Broken(
                "max_hours_per_week",
                f"would work {hours:g} h in {label} (at most {rules.max_hours_per_week:g})",
                {"n": f"{hours:g}", "week": label_short, "limit": f"{rules.max_hours_per_week:g}"},
            )
    if period is None or rules.max_shifts_per_period is None:
        return
    if not any(period[0] <= day <= period[1] for day in around):
        return
    count = sum(1 for w in plan if period[0] <= w.day <= period[1])
    if count > rules.max_shifts_per_period:
        yield Broken(
            "max_shifts_per_period",
            f"would work {count} shifts from {period[0]} to {period[1]} "
            f"(at most {rules.max_shifts_per_period})",
            {
                "n": count,
                "start": str(period[0]),
                "end": str(period[1]),
                "limit": rules.max_shifts_per_period,
            },
        )


def _weekends(
    plan: list[Worked],
    around: Collection[date],
    rules: Rules,
    period: tuple[date, date] | None,
    weekend_days: Collection[date],
) -> Iterator[Broken]:
    if period is None or rules.max_weekends is None:
        return
    if not any(period[0] <= day <= period[1] and day in weekend_days for day in around):
        return
    weekends = {
        week_key(w.day) for w in plan if period[0] <= w.day <= period[1] and w.day in weekend_days
    }
    if len(weekends) > rules.max_weekends:
        yield Broken(
            "max_weekends",
            f"would work on {len(weekends)} weekends from {period[0]} to {period[1]} "
            f"(at most {rules.max_weekends})",
            {
                "n": len(weekends),
                "start": str(period[0]),
                "end": str(period[1]),
                "limit": rules.max_weekends,
            },
        )


def broken_rules(
    plan: Iterable[Worked],
    rules: Rules,
    *,
    around: Collection[date],
    period: tuple[date, date] | None = None,
    weekend_days: Collection[date] = frozenset(),
) -> list[Broken]:
    """Every hard-rule breach of `plan` that involves a day in `around` (the days a change
    takes or gives up). `plan` must hold the person's shifts at least `reach_days(rules)` days
    on each side of those days (and over `period`, the roster period, for its caps);
    `weekend_days` are the period's weekend days by the working calendar."""
    shifts = list(plan)
    return [
        *_one_shift_per_day(shifts, around),
        *_rest(shifts, around, rules),
        *_successions(shifts, around, rules),
        *_runs(shifts, around, rules),
        *_rest_day_per_7(shifts, around, rules),
        *_days_off(shifts, around, rules),
        *_caps(shifts, around, rules, period),
        *_weekends(shifts, around, rules, period, weekend_days),
    ]
