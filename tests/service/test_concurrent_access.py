"""Sign-in lockout and feed revocation under attempts made at once, to one instance or
several (see tests/service/test_concurrent_complaints.py for how the tests interleave)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core import login_throttle, users
from core.audit import AuditEntry
from core.db import write_session
from core.errors import TooManyAttempts, Unauthenticated
from core.users import Role
from oncall import ical
from oncall.feed_models import FeedCreate, FeedKind, FeedToken
from tests.concurrency import Writer, committed_engine
from tests.conftest import T0, TEST_PASSWORD
from tests.factories import make_unit


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with committed_engine(tmp_path_factory.mktemp("race")) as engine:
        yield engine


def _user(engine: Engine, username: str, role: Role) -> users.User:
    with write_session(engine) as session:
        return users.create_user(
            session,
            username=username,
            password=TEST_PASSWORD,
            role=role,
            full_name=username,
            actor="test",
            now=T0,
        )


def _guess(session: Session, username: str) -> users.User:
    return users.authenticate(session, username=username, password="wrong-guess", now=T0)


def test_guesses_made_at_once_are_counted_one_after_the_other(engine: Engine) -> None:
    _user(engine, "target", Role.viewer)
    for _ in range(login_throttle.LOGIN_FAILURES_ALLOWED - 1):
        with write_session(engine) as session, pytest.raises(Unauthenticated):
            _guess(session, "target")

    with write_session(engine) as first:
        login_throttle.lock_sign_in(first, username="target")  # the last allowed guess is under way
        first.connection()
        second = Writer(engine, lambda s: _guess(s, "target")).start()
        with pytest.raises(Unauthenticated):
            _guess(first, "target")
    with pytest.raises(TooManyAttempts):
        second.join()

    with Session(engine) as session:
        failures = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "auth.login_failed", AuditEntry.entity_id == "target"
            )
        ).all()
        assert len(failures) == login_throttle.LOGIN_FAILURES_ALLOWED


def _spray(session: Session, username: str) -> users.User:
    return users.authenticate(
        session, username=username, password="wrong-guess", now=T0, client="203.0.113.7"
    )


def test_guesses_from_one_client_at_once_are_counted_one_after_the_other(engine: Engine) -> None:
    """Two guesses at different usernames from one client, the client's last allowed one
    under way: the second waits for it and is refused (the per-client lock)."""
    for n in range(login_throttle.CLIENT_FAILURES_ALLOWED - 1):
        with write_session(engine) as session, pytest.raises(Unauthenticated):
            _spray(session, f"sprayed-{n}")

    with write_session(engine) as first:
        login_throttle.lock_sign_in(first, username="sprayed-last", client="203.0.113.7")
        first.connection()
        second = Writer(engine, lambda s: _spray(s, "sprayed-other")).start()
        with pytest.raises(Unauthenticated):
            _spray(first, "sprayed-last")
    with pytest.raises(TooManyAttempts):
        second.join()

    with Session(engine) as session:
        failures = session.exec(
            select(login_throttle.LoginFailure).where(
                login_throttle.LoginFailure.client == "203.0.113.7"
            )
        ).all()
        assert len(failures) == login_throttle.CLIENT_FAILURES_ALLOWED


def test_a_feed_revoked_twice_at_once_keeps_the_first_revocation(engine: Engine) -> None:
    planner = _user(engine, "feed-planner", Role.planner)
    with write_session(engine) as session:
        unit = make_unit(session, code="feed-unit", name="值班室")
        assert unit.id is not None
        feed, _ = ical.create_feed(
            session, data=FeedCreate(kind=FeedKind.unit, subject_id=unit.id), user=planner, now=T0
        )
    assert feed.id is not None
    feed_id = feed.id

    with write_session(engine) as first:
        first.get(FeedToken, feed_id, with_for_update=True)  # a revocation under way
        second = Writer(
            engine,
            lambda s: ical.revoke_feed(
                s, feed_id=feed_id, user=planner, now=T0 + timedelta(minutes=1)
            ),
        ).start()
        ical.revoke_feed(first, feed_id=feed_id, user=planner, now=T0)
    assert second.join().revoked_at == T0

    with Session(engine) as session:
        stored = session.get(FeedToken, feed_id)
        assert stored is not None and stored.revoked_at == T0
        revocations = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "ical_feed.revoke", AuditEntry.entity_id == str(feed_id)
            )
        ).all()
        assert len(revocations) == 1
