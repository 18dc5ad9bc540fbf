"""The queue's text search from an index (migration 0022_search) finds exactly what the plain
LIKE scan finds: 1- and 2-character Chinese needles, Latin in mixed case, %, _, backslash, the
autoescape's own '/', quotes, FTS5 query syntax, non-ASCII letter case, a needle split across
two columns, digits hidden in the free text of some item types, and after the searched text
changes. On PostgreSQL the scan is forced off for the search and on for the reference, so the
trigram indexes really answer; on SQLite a 3+ character needle goes through the FTS table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Connection, and_, delete, or_, select, update
from sqlmodel import Session, col

from complaints import queue, search
from complaints.models import Complaint
from complaints.vocab import ItemType
from tests.complaint_rows import Item, insert_items
from tests.conftest import T0
from tests.insight_rows import rule_set_id
from tests.statements import statements_run

FIRST_ID = 950_001

# (item type, title, description, respondent, external ref)
ROWS: list[tuple[ItemType, str, str, str, str | None]] = [
    (ItemType.complaint, "电梯故障困人", "小区电梯突然停运，有人被困", "物业服务中心", None),
    (ItemType.complaint, "退款", "要求退款，商家拒绝", "好再来超市", "12345-00000001"),
    (ItemType.complaint, "Elevator broken", "The ELEVATOR stopped; 13812345678", "Acme", None),
    (ItemType.complaint, "100% 退款承诺", "承诺100%退款但未兑现", "百分百商行", None),
    (ItemType.report, "a_b test", "path C:\\dir\\file and a/b // c", "Under_score Co", "EXT_01"),
    (ItemType.consultation, "Élan café", "ÉLAN et élan, STRASSE straße", "Élan SARL", None),
    (ItemType.complaint, "quotes", "He said \"hi\" and 'bye'", "O'Brien's", None),
    (ItemType.complaint, "电", "梯子", "电器行", None),  # 电梯 is not in any one column
    (ItemType.suggestion, "表情", "笑脸🙂🙂🙂表情", "表情包店", None),
    (ItemType.complaint, "退一赔十", "蛋糕过期，要求退一赔十", "烘焙坊", None),
    (ItemType.report, "举报", "NEAR AND OR * ^ title:abc 电话 13900001111", "某某店", None),
    (ItemType.help, "求助", "a%b 50% _x_ \\\\ 反斜杠", "", "TS-9_9%"),
]

NEEDLES = [
    "电", "梯", "电梯", "退款", "电梯故障", "电梯突然", "退一赔十", "商行",
    "elevator", "ELEVATOR", "eLeVaToR", "lev", "ev", "e", "E",
    "%", "100%", "0%", "a%b", "_", "a_b", "_x_", "\\", "\\\\", "C:\\dir", "/", "a/b", "//",
    "'", '"', 'said "hi"', "O'Brien",
    "138", "13812345678", "5678", "1390000", "12345-", "TS", "ts", "TS-9_9%", "EXT_01",
    "Élan", "élan", "ÉLAN", "strasse", "straße", "🙂", "🙂🙂🙂", "笑脸🙂",
    "NEAR", "AND", "title:abc", "^", "*", "a b", "  电梯  ", "   ", "不存在的词语",
]  # fmt: skip


def _items() -> list[Item]:
    items = []
    for n, (item_type, title, description, respondent, external) in enumerate(ROWS):
        item = Item(T0 - timedelta(hours=n + 1), item_type=item_type)
        item.values |= {
            "title": title,
            "description": description,
            "respondent_name": respondent,
            "external_ref": external,
        }
        items.append(item)
    return items


def _scan(session: Session, needle: str, hidden: frozenset[ItemType]) -> list[int]:
    """The ids a plain LIKE over the five columns finds (its own escaping, with '!'); ILIKE on
    PostgreSQL, where LIKE minds the letter case and SQLite's does not."""
    escaped = needle.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    pattern = f"%{escaped}%"
    fold = session.connection().dialect.name == "postgresql"

    def like(column: object) -> object:
        field = col(column)  # type: ignore[call-overload]
        return field.ilike(pattern, escape="!") if fold else field.like(pattern, escape="!")

    in_description = like(Complaint.description)
    if hidden and any(c.isdigit() for c in needle):
        in_description = and_(in_description, col(Complaint.item_type).not_in(sorted(hidden)))  # type: ignore[arg-type]
    found = session.exec(
        select(Complaint.id)  # type: ignore[call-overload]
        .where(col(Complaint.id) >= FIRST_ID)
        .where(
            or_(
                like(Complaint.ref),
                like(Complaint.title),
                in_description,
                like(Complaint.respondent_name),
                like(Complaint.external_ref),
            )
        )
    )
    return sorted(found.scalars().all())


def _searched(session: Session, needle: str, hidden: frozenset[ItemType]) -> tuple[int, list[int]]:
    filters = queue.QueueFilter(state="all", text=needle, numbers_hidden_in=hidden)
    ids = queue.ordered_ids(session, filters=filters, unit_ids=None, limit=10_000)
    return queue.count(session, filters=filters, unit_ids=None), sorted(ids)


@contextmanager
def _planner(connection: Connection, *settings: str) -> Iterator[None]:
    """PostgreSQL planner switches for the block (nothing on SQLite)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    for setting in settings:
        connection.exec_driver_sql(f"SET {setting} = off")
    try:
        yield
    finally:
        for setting in settings:
            connection.exec_driver_sql(f"RESET {setting}")


def _assert_same(session: Session, needles: list[str]) -> None:
    connection = session.connection()
    for hidden in (frozenset(), frozenset({ItemType.report})):
        for needle in needles:
            with _planner(connection, "enable_seqscan"):
                total, ids = _searched(session, needle, hidden)
            with _planner(connection, "enable_bitmapscan", "enable_indexscan"):
                expected = _scan(session, needle.strip(), hidden)
            assert (total, ids) == (len(expected), expected), (needle, hidden)


@pytest.fixture
def seeded(session: Session) -> Session:
    insert_items(session, _items(), rule_set_id=rule_set_id(session, now=T0), first_id=FIRST_ID)
    session.commit()
    return session


def test_the_indexed_search_finds_what_the_scan_finds(seeded: Session) -> None:
    _assert_same(seeded, NEEDLES)
    # the data really is varied: a few needles and what the scan finds for them
    assert _scan(seeded, "电梯", frozenset()) == [FIRST_ID]
    assert _scan(seeded, "退款", frozenset()) == [FIRST_ID + 1, FIRST_ID + 3]
    assert _scan(seeded, "13900001111", frozenset({ItemType.report})) == []
    assert _scan(seeded, "13900001111", frozenset()) == [FIRST_ID + 10]
    # on either database the letter case does not matter
    for needle in ("elevator", "ELEVATOR", "eLeVaToR"):
        assert _searched(seeded, needle, frozenset()) == (1, [FIRST_ID + 2])
    assert _searched(seeded, "ts-9_9%", frozenset()) == (1, [FIRST_ID + 11])


def test_the_index_follows_changed_and_deleted_text(seeded: Session) -> None:
    seeded.execute(
        update(Complaint).where(col(Complaint.id) == FIRST_ID).values(description="扶梯异响")
    )
    seeded.execute(delete(Complaint).where(col(Complaint.id) == FIRST_ID + 9))
    seeded.commit()
    assert _searched(seeded, "电梯突然", frozenset()) == (0, [])
    assert _searched(seeded, "扶梯异响", frozenset()) == (1, [FIRST_ID])
    assert _searched(seeded, "退一赔十", frozenset()) == (0, [])
    _assert_same(seeded, NEEDLES)


def _plans(session: Session, needle: str, *, steer: bool) -> list[str]:
    """The query plans of the count and the page's ids for a search of `needle`."""
    with statements_run(session) as statements:
        _searched(session, needle, frozenset())
    connection = session.connection()
    explain = "EXPLAIN" if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    searches = [(s, p) for s, p in statements if "LIKE" in s]
    assert len(searches) == 2  # the count and the page's ids
    plans = []
    # `steer`, PostgreSQL: 3,000 rows are cheaper to scan than to look up in five indexes; with
    # the scans of the table and of the ordering indexes discouraged the plan shows which index
    # answers (on 100,000 rows the planner takes them itself: bench/search_benchmark.py)
    switches = ("enable_seqscan", "enable_indexscan") if steer else ()
    with _planner(connection, *switches):
        for statement, params in searches:
            rows = connection.exec_driver_sql(f"{explain} {statement}", params).all()  # type: ignore[arg-type]
            plans.append("\n".join(str(r[-1]) for r in rows))
    return plans


@pytest.fixture
def analyzed(seeded: Session) -> Session:
    """The varied rows among 3,000 others, with the planner's statistics taken."""
    filler = [Item(T0 - timedelta(minutes=n + 1)) for n in range(3000)]
    insert_items(seeded, filler, rule_set_id=rule_set_id(seeded, now=T0), first_id=FIRST_ID + 100)
    seeded.commit()
    seeded.connection().exec_driver_sql("ANALYZE complaint")
    return seeded


def test_a_needle_of_three_characters_is_answered_from_the_index(analyzed: Session) -> None:
    marker = search.trgm_index("") if _is_pg(analyzed) else search.FTS_TABLE
    for needle in ("电梯故障", "elevator", "TS-9_9%"):
        for plan in _plans(analyzed, needle, steer=True):
            assert marker in plan, (needle, plan)


def test_a_shorter_needle_stays_the_scan(analyzed: Session) -> None:
    for needle in ("电梯", "e"):
        for plan in _plans(analyzed, needle, steer=False):
            assert search.trgm_index("") not in plan, (needle, plan)
            assert search.FTS_TABLE not in plan, (needle, plan)


def _is_pg(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def test_postgresql_plans_each_needle_for_itself(analyzed: Session) -> None:
    """psycopg prepares a statement run five times on a connection, and PostgreSQL may then
    keep one generic plan for every needle: the trigram indexes' plan for a 2-character needle
    too (a walk of every index entry, several times the scan), or the scan for a long one. The
    search asks for a plan per needle (plan_cache_mode=force_custom_plan)."""
    if not _is_pg(analyzed):
        pytest.skip("PostgreSQL's plan cache")
    connection = analyzed.connection()
    # 3,000 rows: a scan costs as one of 100,000 would (what makes the generic plan win)
    connection.exec_driver_sql("SET seq_page_cost = 40")
    try:
        for _ in range(8):
            for needle in ("电梯故障", "电梯", "elevator", "e"):
                _searched(analyzed, needle, frozenset())
    finally:
        connection.exec_driver_sql("RESET seq_page_cost")
    plans = analyzed.connection().exec_driver_sql(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
    )
    searches = [(generic, custom) for statement, generic, custom in plans if "LIKE" in statement]
    assert searches  # prepared: the same statement ran for every needle
    assert all(generic == 0 and custom > 0 for generic, custom in searches), searches
