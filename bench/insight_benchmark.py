"""Early-warning detection quality and analysis-report build time.

(a) Detection on synthetic daily series (`tests/insight_synthetic.py`: weekday pattern,
    official holidays and make-up days, a post-holiday rebound, an annual swing, per-series
    weekday quirks the shared profile does not know, negative-binomial noise), with the
    default settings (windows 1/3/7 days, alpha 0.001, 56-day baseline):
    - recall: a doubling sustained 3 days injected at a random day of 2026; detected when
      the run at the end of the spike's third day flags the series (target >= 0.9);
    - false alarms: the same series without spikes, a run every day of a quarter; a run of
      consecutive alarming days counts once (duplicates are suppressed while a warning is
      open); per series per quarter (target <= 1).
    Series levels are drawn from `--min-level`..`--max-level` items per working day, as the
    domains of a city centre receiving ~100,000 items a year; results per level band too.
(b) Report build: a fresh database (temporary SQLite, or a throwaway PostgreSQL database
    beside `--database-url`), `--rows` consistent complaints over the last year
    (`bench/complaints_benchmark.py`'s bulk loader), then the monthly report of the last
    complete month and of the busiest month built in-process (figures, HTML, PDF with the
    embedded font), timed (target < 10 s). With `--month-rows N`, N more items are put into
    one month to time a month that alone holds them.

Usage, from the repository root::

    python bench/insight_benchmark.py [--series 200] [--rows 100000]
    python bench/insight_benchmark.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.complaints_benchmark import bulk_load  # noqa: E402
from complaints import detect, report_periods, reports  # noqa: E402
from complaints.detect import DetectionConfig, Series, SeriesKey  # noqa: E402
from complaints.insight_models import ReportKind  # noqa: E402
from core.db import make_engine, read_session, write_session  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.workcal import WorkingCalendar  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    create_postgres_database,
    drop_postgres_database,
    is_postgres,
)
from tests.insight_rows import insert_rows, row, rule_set_id  # noqa: E402
from tests.insight_synthetic import Spike, draw, expected_counts  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar()
START = date(2025, 1, 1)
DAYS = 730  # to the end of 2026
QUARTER = (date(2026, 7, 1), date(2026, 9, 30))


def detection(args: argparse.Namespace) -> list[tuple[str, str]]:
    config = DetectionConfig()
    rng = np.random.default_rng(args.seed)
    aggregate = expected_counts(START, 400, CAL, base=300.0)
    profile = detect.estimate_profile(START, draw(rng, aggregate, start=START), CAL)
    levels = rng.uniform(args.min_level, args.max_level, size=args.series)
    picker = random.Random(args.seed)
    first = START + timedelta(days=config.span_days + 7)
    last = date(2026, 12, 20)
    hits = total = 0
    bands: dict[str, list[int]] = {}
    alarms = episodes = 0
    started = time.monotonic()
    for index, level in enumerate(levels):
        band = f"{int(level // 20) * 20:>3}-{int(level // 20) * 20 + 19} / day"
        series_rng = np.random.default_rng(args.seed * 1000 + index)
        means = expected_counts(START, DAYS, CAL, base=float(level), rng=series_rng, jitter=0.05)
        for _ in range(args.spikes):
            spike_day = first + timedelta(days=picker.randrange((last - first).days))
            counts = draw(series_rng, means, (Spike(spike_day, 3, 2.0),), start=START)
            series = Series(SeriesKey("domain", str(index)), START, counts)
            found = detect.detect(
                series,
                as_of=spike_day + timedelta(days=2),
                profile=profile,
                calendar=CAL,
                config=config,
            )
            hits += found is not None
            total += 1
            bands.setdefault(band, [0, 0])
            bands[band][0] += found is not None
            bands[band][1] += 1
        plain = Series(SeriesKey("domain", str(index)), START, draw(series_rng, means, start=START))
        day, alarming = QUARTER[0], False
        while day <= QUARTER[1]:
            flagged = (
                detect.detect(plain, as_of=day, profile=profile, calendar=CAL, config=config)
                is not None
            )
            alarms += flagged
            episodes += flagged and not alarming
            alarming = flagged
            day += timedelta(days=1)
    seconds = time.monotonic() - started
    runs = args.series * (args.spikes + (QUARTER[1] - QUARTER[0]).days + 1)
    rows = [
        (
            "series (levels)",
            f"{args.series} ({args.min_level:g}–{args.max_level:g} items/working day)",
        ),
        ("recall, doubling for 3 days", f"{hits / total:.3f} ({hits}/{total}; target >= 0.9)"),
    ]
    rows += [
        (f"  recall at {band}", f"{h / n:.3f} ({h}/{n})") for band, (h, n) in sorted(bands.items())
    ]
    rows += [
        (
            "false alarms per series per quarter",
            f"{episodes / args.series:.3f} ({episodes} warnings, {alarms} alarming days; "
            "target <= 1)",
        ),
        ("detection runs / s", f"{runs / seconds:,.0f}"),
    ]
    return rows


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if is_postgres(url):
        assert url is not None
        name = f"dutydesk_insight_bench_{uuid.uuid4().hex[:8]}"
        target = create_postgres_database(url, name)
        try:
            yield target
        finally:
            drop_postgres_database(url, name)
        return
    with tempfile.TemporaryDirectory(prefix="dutydesk-insight-") as tmp:
        yield f"sqlite:///{tmp}/bench.db"


def _concentrate(url: str, rows: int, month: report_periods.Period, now: datetime) -> None:
    engine = make_engine(url)
    rng = random.Random(7)
    with write_session(engine) as session:
        rule_set = rule_set_id(session, now=now)
        days = (month.end - month.start).days + 1
        items = (
            row(
                i,
                datetime.combine(
                    month.start + timedelta(days=rng.randrange(days)), datetime.min.time(), TZ
                ).astimezone(UTC)
                + timedelta(minutes=rng.randrange(24 * 60)),
                rule_set=rule_set,
                respondent=f"商户{rng.randrange(3000)}",
                prefix="M",
            )
            for i in range(rows)
        )
        insert_rows(session, items)
        session.commit()
    engine.dispose()


def report_time(args: argparse.Namespace) -> list[tuple[str, str]]:
    now = datetime.now(UTC).replace(microsecond=0)
    found: list[tuple[str, str]] = []
    with database(args.database_url) as url:
        upgrade(url)
        _, load_s = bulk_load(url, args.rows, now, args.seed)
        found.append(("rows loaded (one year)", f"{args.rows:,} in {load_s:.1f} s"))
        month = report_periods.latest_complete(ReportKind.monthly, now.astimezone(TZ).date())
        if args.month_rows:
            _concentrate(url, args.month_rows, month, now)
            found.append((f"extra rows in {month.key}", f"{args.month_rows:,}"))
        engine = make_engine(url)

        @contextmanager
        def factory(*, write: bool) -> Iterator[Session]:
            with (write_session if write else read_session)(engine) as session:
                yield session

        for kind in (ReportKind.monthly, ReportKind.quarterly):
            period = report_periods.latest_complete(kind, now.astimezone(TZ).date())
            started = time.monotonic()
            report = reports.generate(
                factory,
                period=period,
                actor="bench",
                trigger="demand",
                now=lambda: datetime.now(UTC),
                tz=TZ,
                font=args.font,
            )
            seconds = time.monotonic() - started
            assert report is not None and report.data_json is not None
            import json

            total = json.loads(report.data_json)["stats"]["total"]
            pdf = f"{len(report.pdf or b'') / 1024:.0f} KiB PDF" if report.pdf else report.pdf_error
            found.append(
                (
                    f"{kind.value} report {period.key}",
                    f"{seconds:.2f} s for {total:,} items ({pdf}; target < 10 s for a month)",
                )
            )
        engine.dispose()
        found.insert(0, ("database", "PostgreSQL" if is_postgres(url) else "SQLite"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--spikes", type=int, default=5, help="injected spikes per series")
    parser.add_argument("--min-level", type=float, default=8.0)
    parser.add_argument("--max-level", type=float, default=120.0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--month-rows", type=int, default=0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--font", default=None, help="DUTYDESK_REPORT_FONT for the PDF")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-detection", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    if not args.skip_detection:
        rows += detection(args)
    if not args.skip_report:
        rows += report_time(args)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
