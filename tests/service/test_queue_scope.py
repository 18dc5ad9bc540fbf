"""The queue's scope (open, closed, all) and its status filter agree: a status narrows the
scope and never replaces it, so `state=open&status=closed` finds nothing instead of listing
closed items under 未尽事项; rejected items stay open until their unit closes them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from complaints import config, queue
from complaints.vocab import Status
from tests.complaint_rows import Item, insert_items
from tests.conftest import T0
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)


@pytest.fixture
def ids(session: Session) -> dict[Status, int]:
    config.ensure_default_rule_sets(session, now=T0)
    rule_set = config.rule_set_for(session, day=date(2026, 11, 1), now=T0)
    assert rule_set.id is not None
    statuses = (Status.registered, Status.rejected, Status.closed)
    items = [Item(T0 - timedelta(hours=n + 1), status=s) for n, s in enumerate(statuses)]
    made = insert_items(session, items, rule_set_id=rule_set.id, first_id=810_001)
    session.commit()
    return dict(zip(statuses, made, strict=True))


@pytest.mark.parametrize(
    ("state", "status", "found"),
    [
        ("open", None, {Status.registered, Status.rejected}),
        ("closed", None, {Status.closed}),
        ("all", None, {Status.registered, Status.rejected, Status.closed}),
        ("open", Status.rejected, {Status.rejected}),
        ("open", Status.closed, set()),
        ("closed", Status.closed, {Status.closed}),
        ("closed", Status.rejected, set()),
        ("all", Status.closed, {Status.closed}),
    ],
)
def test_a_status_narrows_the_scope_and_never_replaces_it(
    session: Session, ids: dict[Status, int], state: str, status: Status | None, found: set[Status]
) -> None:
    filters = queue.QueueFilter(state=state, status=status)
    _, items = queue.list_items(session, filters=filters, unit_ids=None, limit=500)
    mine = {c.status for c in items if c.id in set(ids.values())}
    assert mine == found
    if status is not None:
        assert queue.in_scope(state, status) is bool(found)
