"""Report periods: local ISO weeks (`2026-W48`), months (`2026-11`) and quarters (`2026-Q4`),
parsed from what a user writes and bounded by the instant they end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from complaints.insight_models import AnalysisReport, ReportKind
from core.errors import ValidationFailed


@dataclass(frozen=True)
class Period:
    kind: ReportKind
    key: str
    start: date
    end: date

    @property
    def title(self) -> str:
        if self.kind is ReportKind.weekly:
            return f"{self.start:%Y年%m月%d日}—{self.end:%m月%d日}"
        if self.kind is ReportKind.monthly:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"


def period_of(kind: ReportKind, day: date) -> Period:
    """The period of `kind` that contains `day`."""
    if kind is ReportKind.weekly:
        start = day - timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return Period(kind, f"{year}-W{week:02d}", start, start + timedelta(days=6))
    if kind is ReportKind.monthly:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(kind, f"{day.year}-{day.month:02d}", start, following - timedelta(days=1))
    quarter = (day.month - 1) // 3
    start = date(day.year, 3 * quarter + 1, 1)
    following = (start + timedelta(days=95)).replace(day=1)
    return Period(kind, f"{day.year}-Q{quarter + 1}", start, following - timedelta(days=1))


def previous(period: Period) -> Period:
    return period_of(period.kind, period.start - timedelta(days=1))


def latest_complete(kind: ReportKind, today: date) -> Period:
    """The most recent period of `kind` that ended before `today`."""
    return previous(period_of(kind, today))


def parse_period(kind: ReportKind, text: str) -> Period:
    """`2026-W48` (weekly), `2026-11` (monthly), `2026-Q4` (quarterly), or any date
    (YYYY-MM-DD) inside the period."""
    try:
        if len(text) == 10:
            return period_of(kind, date.fromisoformat(text))
        if kind is ReportKind.weekly and "-W" in text:
            year, week = text.split("-W")
            return period_of(kind, date.fromisocalendar(int(year), int(week), 1))
        if kind is ReportKind.monthly and len(text) == 7:
            return period_of(kind, date.fromisoformat(f"{text}-01"))
        if kind is ReportKind.quarterly and "-Q" in text:
            year, quarter = text.split("-Q")
            if 1 <= int(quarter) <= 4:
                return period_of(kind, date(int(year), 3 * int(quarter) - 2, 1))
    except ValueError:
        pass
    examples = {"weekly": "2026-W48", "monthly": "2026-11", "quarterly": "2026-Q4"}
    raise ValidationFailed(
        "period",
        f"not a {kind.value} period: write {examples[kind.value]} or a date YYYY-MM-DD",
        type="period_format",
        ctx={"example": examples[kind.value]},
    )


def requested_period(kind: ReportKind, text: str, *, today: date) -> Period:
    """The period asked for on demand (`parse_period`); one that has not begun by `today`
    (local) is refused: it has no figures yet."""
    period = parse_period(kind, text)
    if period.start > today:
        raise ValidationFailed(
            "period",
            f"{period.key} has not begun (today is {today.isoformat()}): a report covers a "
            "period that has ended, or the running one as a preliminary report",
            type="period_not_begun",
            ctx={"period": period.key, "today": today.isoformat()},
        )
    return period


def period_end(period_end_day: date, tz: ZoneInfo) -> datetime:
    """The instant a period ending on `period_end_day` (local) is over."""
    return datetime.combine(period_end_day + timedelta(days=1), time(0), tz)


def is_preliminary(row: AnalysisReport, tz: ZoneInfo) -> bool:
    """Built before its period ended (a partial count the scheduled run will replace)."""
    return row.as_of is not None and row.as_of < period_end(row.period_end, tz)
