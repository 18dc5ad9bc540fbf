"""Calendar-link replacements of one user on two instances at once: one link stays serving."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from core.db import write_session
from core.users import Role, User, create_user
from oncall import ical
from oncall.feed_models import FeedCreate, FeedKind, FeedToken
from tests.concurrency import at_once, committed_engine
from tests.conftest import T0
from tests.factories import make_person, make_unit


def test_two_replacements_at_once_leave_one_feed_serving(tmp_path: Path) -> None:
    with committed_engine(tmp_path) as engine:
        with write_session(engine) as session:
            user = create_user(
                session,
                username="yangfan",
                password="long-enough-password",
                role=Role.duty_officer,
                actor="test",
                now=T0,
            )
            person = make_person(session, unit=make_unit(session), user_id=user.id)
            assert person.id is not None
            data = FeedCreate(kind=FeedKind.person, subject_id=person.id, replace=True)
            user_id = user.id

        def replace(session: Session) -> object:
            officer = session.get(User, user_id)
            assert officer is not None
            return ical.create_feed(session, data=data, user=officer, now=T0)

        at_once(engine, replace, replace).join()

        with Session(engine) as session:
            serving = session.exec(
                select(FeedToken.id).where(col(FeedToken.revoked_at).is_(None))
            ).all()
        assert len(serving) == 1
