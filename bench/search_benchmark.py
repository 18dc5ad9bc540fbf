"""Time of the complaint queue's text search (`q`) on 100,000 items, before and after the
search index of migration 0022 (SQLite: FTS5 trigram table; PostgreSQL: pg_trgm GIN indexes).

Seeds the demo centre into a temporary SQLite file (or a throwaway PostgreSQL database beside
`--database-url`), goes back to revision 0021_note_keys (the one before 0022_search),
bulk-loads `--rows` items with the complaints benchmark's loader and gives them varied free
text (a shop, an address, a problem from a vocabulary, a phone number in a third of them),
runs ANALYZE, then after one untimed
scan for each needle times what the queue page runs in-process (`queue.list_items`: the count
and the first 50 ids, as a coordinator, open and closed items): the first run and the median
of `--repeat`. Then it upgrades to head (timing the migration that builds the index) and
times the same needles again, checking that each gives the same count as before. Prints a
table; no pass/fail::

    python bench/search_benchmark.py [--rows 100000] [--repeat 5]
    python bench/search_benchmark.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import bindparam, text, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bench.complaints_benchmark import DISTRICTS, STREETS, TRADES, bulk_load  # noqa: E402
from bench.escalation_benchmark import fresh_database, print_table  # noqa: E402
from complaints import queue  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from core.db import make_engine, read_session, write_session  # noqa: E402
from core.migrate import downgrade, upgrade  # noqa: E402
from tests.e2e.conftest import seed_database  # noqa: E402

PREVIOUS = "0021_note_keys"
EXTRA = (
    "电梯突然停运，有人被困",
    "要求退款，商家拒绝",
    "客服电话无人接听",
    "发票与实际金额不符",
    "会员卡余额无法使用",
    "外卖送达时已经变质",
    "商家承诺七天无理由退货但拒绝执行",
    "Wi-Fi 路由器 Model X200 无法联网",
)
NEEDLES = (
    ("电梯", "2-char Chinese, ~1/8 of items"),
    ("退款", "2-char Chinese, ~1/8 of items"),
    ("变质", "2-char Chinese, ~1/8 of items"),
    ("电梯突然停运", "6-char Chinese, ~1/8"),
    ("过保质期", "4-char Chinese, ~1/11"),
    ("不存在的词语", "6-char Chinese, none"),
    ("x200", "Latin, mixed case, ~1/8"),
    ("1381234", "phone fragment, few"),
    ("0012345", "ref fragment, few"),
    ("幸福路1", "address fragment"),
)


def vary_text(url: str, seed: int) -> int:
    """Give every item a description and title of its own; the number of items."""
    rng = random.Random(seed)
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            ids = list(session.exec(select(Complaint.id).order_by(col(Complaint.id))).all())
        statement = (
            update(Complaint)
            .where(col(Complaint.id) == bindparam("item"))
            .values(description=bindparam("text"), title=bindparam("heading"))
        )
        for start in range(0, len(ids), 5000):
            rows = []
            for item_id in ids[start : start + 5000]:
                shop, _domain, problem, _claim = rng.choice(TRADES)
                place = f"{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randrange(1, 500)}号"
                extra = rng.choice(EXTRA)
                phone = f"，联系电话1{rng.choice('3578')}{rng.randrange(10**9):09d}"
                described = f"{rng.randrange(1, 28)}日在{place}{shop}消费，{problem}，{extra}"
                rows.append(
                    {
                        "item": item_id,
                        "text": described + (phone if rng.random() < 0.33 else "") + "。",
                        "heading": f"{shop}{extra[:6]}",
                    }
                )
            with write_session(engine) as session:
                session.connection().execute(statement, rows)
                session.commit()
        return len(ids)
    finally:
        engine.dispose()


def settle(url: str) -> None:
    """Statistics taken and, on SQLite, the write-ahead log folded into the database, so that
    both rounds read a database at rest."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def time_needles(url: str, repeat: int) -> dict[str, tuple[int, float, float]]:
    """needle: (count, first run ms, median ms) of the queue's count and first page."""
    engine = make_engine(url)
    results = {}
    try:
        with read_session(engine) as session:  # untimed: the table's pages read once
            queue.count(session, filters=queue.QueueFilter(state="all", text="~~"), unit_ids=None)
        for needle, _ in NEEDLES:
            filters = queue.QueueFilter(state="all", text=needle)
            runs = []
            total = 0
            for _ in range(repeat):
                with read_session(engine) as session:
                    start = time.perf_counter()
                    total, _items = queue.list_items(session, filters=filters, unit_ids=None)
                    runs.append((time.perf_counter() - start) * 1000)
            results[needle] = (total, runs[0], statistics.median(runs))
    finally:
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (a throwaway db is made beside)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="dutydesk-search-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
    ):
        seed_database(url, Path(tmp))
        downgrade(url, PREVIOUS)
        print(f"bulk-loading {args.rows} complaints ...", file=sys.stderr)
        bulk_load(url, args.rows, datetime.now(UTC), args.seed)
        items = vary_text(url, args.seed)
        settle(url)
        before = time_needles(url, args.repeat)
        start = time.monotonic()
        upgrade(url)
        migrate_s = time.monotonic() - start
        settle(url)
        after = time_needles(url, args.repeat)
    rows = [
        ("database", "PostgreSQL" if args.database_url else "SQLite"),
        ("items", str(items)),
        ("upgrade 0021 -> head", f"{migrate_s:.1f} s (builds the search index)"),
    ]
    for needle, what in NEEDLES:
        count, first_before, median_before = before[needle]
        count_after, first_after, median_after = after[needle]
        same = "same" if count == count_after else f"DIFFERENT: {count_after}"
        rows.append(
            (
                f"q={needle} ({what})",
                f"{count} items ({same}); scan {median_before:.0f} ms (first "
                f"{first_before:.0f}), index {median_after:.0f} ms (first {first_after:.0f})",
            )
        )
    print_table(rows)


if __name__ == "__main__":
    main()
