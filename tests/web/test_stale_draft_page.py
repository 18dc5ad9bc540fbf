"""A draft generated before another version of its period was published cannot be published
(oncall/publishing.py refuses it: it would undo that version). Its page offered Publish all
the same and answered the click with "refresh the page", which offered it again: the page now
says why instead and links the version that was published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from core.errors import Conflict
from core.users import Role
from oncall import publishing
from oncall.models import Unit
from oncall.roster_models import RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.web.test_roster_compare import _version


def test_a_stale_draft_offers_no_publish_and_says_why(client: TestClient, session: Session) -> None:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    draft = _version(session, unit, 2, RosterStatus.draft, [(4, "黄磊")])
    fresh = _version(session, unit, 3, RosterStatus.draft, [(4, "杨帆")])
    published = _version(session, unit, 4, RosterStatus.published, [(4, "赵敏")])
    published.published_at, published.published_by = T0 + timedelta(minutes=5), "test"
    session.add(published)
    session.commit()
    make_user(session, role=Role.planner, username="stale-planner")
    client.post("/login", data={"username": "stale-planner", "password": TEST_PASSWORD})
    client.get("/lang/zh_CN")

    page = client.get(f"/rosters/{draft.id}").text
    assert 'id="publish-button"' not in page
    notice = page.split('id="stale-draft"', 1)[1].split("</p>", 1)[0]
    assert f'href="/rosters/{published.id}"' in notice
    assert "发布" in notice and "重新生成" in notice
    with pytest.raises(Conflict):  # what the page no longer offers, the server refuses
        publishing.publish(session, roster_id=draft.id or 0, actor="test", now=T0)
    session.rollback()

    client.get("/lang/en")
    english = client.get(f"/rosters/{fresh.id}").text
    assert 'id="publish-button"' not in english
    assert "was published after this draft was generated" in english
