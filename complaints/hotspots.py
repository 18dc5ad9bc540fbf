"""Daily count series from the database for hotspot detection (`complaints.detect`).

Counts are grouped by local day in SQL: PostgreSQL converts with the zone's name
(`timezone(tz, instant)`); SQLite, which stores naive UTC text, adds the zone's fixed offset
(`date(instant, '+480 minutes')`), and when the zone changes its offset inside the span the
rows are bucketed in Python instead. The items behind an alarm are listed for its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from complaints.detect import Series, SeriesKey, days_between
from complaints.insight_config import Dimension, InsightSettings
from complaints.models import Complaint
from complaints.vocab import ZH, Domain
from escalation.models import Category, Incident

PROFILE_DAYS = 364


def bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(0), tz),
        datetime.combine(end + timedelta(days=1), time(0), tz),
    )


def _fixed_offset_minutes(tz: ZoneInfo, start: date, end: date) -> int | None:
    offsets = {
        int((datetime.combine(d, time(12), tz).utcoffset() or timedelta()).total_seconds() // 60)
        for d in (start, end, start + (end - start) / 2)
    }
    return offsets.pop() if len(offsets) == 1 else None


def local_day_expr(session: Session, column: Any, tz: ZoneInfo, start: date, end: date) -> Any:
    """SQL for the local date of a UTC instant column, or None if SQL cannot do it."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(tz.key, column))
    offset = _fixed_offset_minutes(tz, start, end)
    if offset is None:
        return None
    return func.date(column, f"{offset:+d} minutes")


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def daily_counts(
    session: Session,
    *,
    instant: Any,
    key: Any | None,
    where: Sequence[ColumnElement[bool]],
    start: date,
    end: date,
    tz: ZoneInfo,
) -> dict[tuple[str, date], int]:
    """{(key, local day): count} of rows with `instant` in [start, end] local."""
    lower, upper = bounds(start, end, tz)
    conditions = [instant >= lower, instant < upper, *where]
    day = local_day_expr(session, instant, tz, start, end)
    result: dict[tuple[str, date], int] = defaultdict(int)
    if day is not None:
        if key is None:
            for d, n in session.exec(
                select(day, func.count()).where(*conditions).group_by(day)
            ).all():
                result[("", _as_date(d))] += int(n)
        else:
            for k, d, n in session.exec(
                select(key, day, func.count()).where(*conditions).group_by(key, day)
            ).all():
                result[(_key_text(k), _as_date(d))] += int(n)
        return dict(result)
    if key is None:
        for at in session.exec(select(instant).where(*conditions)).all():
            result[("", at.astimezone(tz).date())] += 1
        return dict(result)
    for k, at in session.exec(select(key, instant).where(*conditions)).all():
        result[(_key_text(k), at.astimezone(tz).date())] += 1
    return dict(result)


def _key_text(value: object) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def to_series(
    counts: dict[tuple[str, date], int],
    *,
    dimension: str,
    start: date,
    end: date,
    labels: dict[str, str] | None = None,
    keys: Sequence[str] | None = None,
) -> list[Series]:
    days = days_between(start, end)
    found = sorted({k for k, _ in counts} if keys is None else set(keys))
    return [
        Series(
            SeriesKey(dimension, k, (labels or {}).get(k, k)),
            start,
            tuple(counts.get((k, d), 0) for d in days),
        )
        for k in found
        if k
    ]


@dataclass(frozen=True)
class Span:
    start: date
    end: date  # as_of: the last complete day
    recent_start: date  # the first day of the longest window
    tz: ZoneInfo


def profile_counts(session: Session, *, end: date, tz: ZoneInfo) -> tuple[date, list[int]]:
    """Items received per local day over the year before `end` (for the day-class profile)."""
    start = end - timedelta(days=PROFILE_DAYS - 1)
    counts = daily_counts(
        session, instant=col(Complaint.received_at), key=None, where=[], start=start, end=end, tz=tz
    )
    return start, [counts.get(("", d), 0) for d in days_between(start, end)]


def complaint_series(session: Session, *, span: Span, settings: InsightSettings) -> list[Series]:
    """Every complaint count series the settings watch, over the span."""
    found: list[Series] = []
    received = col(Complaint.received_at)

    def counts(key: Any | None, *where: ColumnElement[bool]) -> dict[tuple[str, date], int]:
        return daily_counts(
            session,
            instant=received,
            key=key,
            where=list(where),
            start=span.start,
            end=span.end,
            tz=span.tz,
        )

    days = days_between(span.start, span.end)

    def single(key: SeriesKey, found: dict[tuple[str, date], int]) -> Series:
        return Series(key, span.start, tuple(found.get(("", d), 0) for d in days))

    if settings.watches(Dimension.total):
        found.append(single(SeriesKey("total", "all", "全部"), counts(None)))
    if settings.watches(Dimension.domain):
        labels = {d.value: ZH[d] for d in Domain}
        found += to_series(
            counts(col(Complaint.domain)),
            dimension="domain",
            labels=labels,
            start=span.start,
            end=span.end,
        )
    if settings.watches(Dimension.district):
        found += to_series(
            counts(col(Complaint.district), col(Complaint.district).is_not(None)),
            dimension="district",
            start=span.start,
            end=span.end,
        )
    if settings.watches(Dimension.business) and settings.businesses_checked:
        found += _business_series(session, span=span, settings=settings)
    if settings.watches(Dimension.keyword):
        for keyword in settings.keywords:
            pattern = f"%{keyword}%"
            hits = counts(
                None,
                or_(col(Complaint.title).like(pattern), col(Complaint.description).like(pattern)),
            )
            found.append(single(SeriesKey("keyword", keyword, keyword), hits))
    return found


def _business_series(session: Session, *, span: Span, settings: InsightSettings) -> list[Series]:
    lower, upper = bounds(span.recent_start, span.end, span.tz)
    key = col(Complaint.respondent_key)
    recent = session.exec(
        select(key, func.count(), func.max(Complaint.respondent_name))
        .where(key.is_not(None), col(Complaint.received_at) >= lower)
        .where(col(Complaint.received_at) < upper)
        .group_by(key)
        .having(func.count() >= settings.min_count)
        .order_by(func.count().desc(), key)
        .limit(settings.businesses_checked)
    ).all()
    if not recent:
        return []
    keys = [str(k) for k, _, _ in recent]
    labels = {str(k): str(name or k) for k, _, name in recent}
    counts = daily_counts(
        session,
        instant=col(Complaint.received_at),
        key=key,
        where=[key.in_(keys)],
        start=span.start,
        end=span.end,
        tz=span.tz,
    )
    return to_series(
        counts, dimension="business", start=span.start, end=span.end, labels=labels, keys=keys
    )


def incident_series(session: Session, *, span: Span) -> list[Series]:
    counts = daily_counts(
        session,
        instant=col(Incident.opened_at),
        key=col(Incident.category),
        where=[],
        start=span.start,
        end=span.end,
        tz=span.tz,
    )
    return to_series(
        counts,
        dimension="incident_category",
        start=span.start,
        end=span.end,
        keys=[c.value for c in Category],
    )


def items_behind(
    session: Session, key: SeriesKey, *, start: date, end: date, tz: ZoneInfo, limit: int = 50
) -> list[dict[str, object]]:
    """The items a complaint alarm counted in its window (newest first, at most `limit`)."""
    lower, upper = bounds(start, end, tz)
    where: list[ColumnElement[bool]] = [
        col(Complaint.received_at) >= lower,
        col(Complaint.received_at) < upper,
    ]
    if key.dimension == "domain":
        where.append(col(Complaint.domain) == key.value)
    elif key.dimension == "district":
        where.append(col(Complaint.district) == key.value)
    elif key.dimension == "business":
        where.append(col(Complaint.respondent_key) == key.value)
    elif key.dimension == "keyword":
        pattern = f"%{key.value}%"
        where.append(
            or_(col(Complaint.title).like(pattern), col(Complaint.description).like(pattern))
        )
    elif key.dimension == "incident_category":
        rows = session.exec(
            select(Incident)
            .where(col(Incident.opened_at) >= lower, col(Incident.opened_at) < upper)
            .where(col(Incident.category) == key.value)
            .order_by(col(Incident.opened_at).desc())
            .limit(limit)
        ).all()
        return [
            {"id": i.id, "ref": f"incident:{i.id}", "title": i.title, "at": i.opened_at.isoformat()}
            for i in rows
        ]
    rows2 = session.exec(
        select(Complaint.id, Complaint.ref, Complaint.title, Complaint.received_at)
        .where(*where)
        .order_by(col(Complaint.received_at).desc())
        .limit(limit)
    ).all()
    return [
        {"id": i, "ref": ref, "title": title, "at": at.isoformat()} for i, ref, title, at in rows2
    ]
