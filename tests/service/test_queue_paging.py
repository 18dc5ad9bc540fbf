"""The complaint queue pages a large list: every page in the queue's order (emergencies and
urgency first, then the nearest deadline, items without a running clock last, then the
oldest), pages adjoining with no item lost or repeated, and the sorting statement carries the
items' ids only, so a deep page does not drag every earlier row's free text through the sort."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import event
from sqlmodel import Session

from complaints import config, queue
from complaints.vocab import ClockKind, Status
from tests.complaint_rows import Clock, Item, insert_items
from tests.conftest import T0
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)


def _rule_set(session: Session) -> int:
    config.ensure_default_rule_sets(session, now=T0)
    rule_set = config.rule_set_for(session, day=date(2026, 11, 1), now=T0)
    assert rule_set.id is not None
    return rule_set.id


def _items(count: int) -> Iterator[Item]:
    rng = random.Random(5)
    for n in range(count):
        item = Item(T0 - timedelta(hours=rng.randrange(1, 400)), status=Status.registered)
        if rng.random() < 0.7:  # a running clock; the others have none (sorted last)
            item.clocks.append(Clock(ClockKind.distribution, T0 + timedelta(days=rng.randrange(9))))
        priority = rng.choice((0, 1, 2, 2, 2, 3))
        item.values |= {"priority": priority, "is_emergency": priority == 0}
        if n % 5 == 0:
            item.status = Status.closed
        yield item


def test_pages_follow_the_queue_order_without_gaps(session: Session) -> None:
    ids = insert_items(session, list(_items(47)), rule_set_id=_rule_set(session), first_id=700_001)
    session.commit()
    filters = queue.QueueFilter(state="all")
    total, everything = queue.list_items(session, filters=filters, unit_ids=None, limit=500)
    mine = [c for c in everything if c.id in set(ids)]
    assert total >= 47 and len(mine) == 47
    expected = sorted(
        everything,
        key=lambda c: (
            c.priority,
            c.next_due_at is None,
            c.next_due_at or T0,
            c.received_at,
            c.id,
        ),
    )
    assert [c.id for c in everything] == [c.id for c in expected]

    paged = []
    for offset in range(0, total + 10, 10):
        page_total, page = queue.list_items(
            session, filters=filters, unit_ids=None, limit=10, offset=offset
        )
        assert page_total == total
        paged += page
    assert [c.id for c in paged] == [c.id for c in everything]
    assert all(isinstance(c.description, str) for c in paged)  # whole items come back

    deep_total, beyond = queue.list_items(
        session, filters=filters, unit_ids=None, limit=10, offset=total
    )
    assert (deep_total, beyond) == (total, [])


def test_the_sort_reads_ids_only(session: Session) -> None:
    insert_items(session, list(_items(12)), rule_set_id=_rule_set(session), first_id=710_001)
    session.commit()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", seen)
    try:
        queue.list_items(
            session, filters=queue.QueueFilter(state="all"), unit_ids=None, limit=5, offset=6
        )
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    sorted_ = [s for s in statements if "ORDER BY" in s]
    assert len(sorted_) == 1, statements
    selected = sorted_[0].split(" FROM ")[0]
    assert selected == "SELECT complaint.id", sorted_[0]
    queries = [s for s in statements if s.startswith("SELECT")]
    assert len(queries) == 3, queries  # the count, the page's ids, the page's rows
