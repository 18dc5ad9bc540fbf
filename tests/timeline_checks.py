"""A check for the escalation tests: every timeline entry a test wrote carries a key listed in
`escalation.timeline_keys.KEYS` and exactly the values that key lists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from escalation.models import IncidentEvent
from escalation.timeline_keys import KEYS


@pytest.fixture(autouse=True)
def keyed_events(session: Session) -> Iterator[None]:
    """Checks at the end of each test, on the test's session (whose savepoint, rolled back
    when it closes, holds what the test wrote)."""
    yield
    events = session.exec(select(IncidentEvent).execution_options(populate_existing=True)).all()
    wrong = [
        (e.kind, e.key, sorted(e.values), e.text)
        for e in events
        if e.key not in KEYS or set(e.values) != KEYS[e.key]
    ]
    assert wrong == []
