"""The order of a page's delivery statuses (escalation.delivery.advances)."""

from __future__ import annotations

import pytest

from escalation.delivery import advances
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)


@pytest.mark.parametrize(
    ("recorded", "reported", "applied"),
    [
        (None, "sent", True),
        ("queued", "sent", True),
        ("sent", "delivered", True),
        ("delivered", "sent", False),  # Twilio posted them out of order
        ("delivered", "undelivered", False),  # the first final status stands
        ("undelivered", "delivered", False),
        ("delivered", "delivered", False),  # Twilio retrying the same status
        ("delivered", "read", True),
        ("queued", "initiated", True),
        ("ringing", "in-progress", True),
        ("in-progress", "ringing", False),
        ("in-progress", "completed", True),
        ("completed", "no-answer", False),
        ("sent", "some-new-status", False),  # a status this code does not know yet
        (None, "some-new-status", True),
    ],
)
def test_a_status_is_applied_only_when_it_comes_later(
    recorded: str | None, reported: str, applied: bool
) -> None:
    assert advances(recorded, reported) is applied
