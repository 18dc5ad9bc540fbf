"""iCal feeds through the real app: who may create which feed, listing without tokens,
revoking (its creator or a planner/admin, audited), a deactivated creator's feeds stop
serving; and the access log never shows a feed's token (api/access_log.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from uvicorn.logging import AccessFormatter

from api import access_log
from core.audit import list_entries
from core.users import Role, User
from oncall.models import Person
from tests.conftest import make_token, make_user
from tests.factories import make_person, make_unit


def _headers(session: Session, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(session, user)}"}


@pytest.fixture
def people(session: Session) -> dict[str, Any]:
    """A duty officer linked to 杨帆, a planner, and 陈静 linked to nobody."""
    unit = make_unit(session)
    officer = make_user(session, role=Role.duty_officer, username="yangfan")
    planner = make_user(session, role=Role.planner, username="planner")
    return {
        "unit": unit,
        "officer": officer,
        "planner": planner,
        "yang": make_person(session, unit=unit, user_id=officer.id),
        "chen": make_person(session, unit=unit, name="陈静"),
    }


def _create(client: TestClient, headers: dict[str, str], kind: str, subject: int) -> Any:
    return client.post("/api/v1/feeds", json={"kind": kind, "subject_id": subject}, headers=headers)


def _path(created: Any) -> str:
    url: str = created.json()["url"]
    return url[url.index("/ical/") :]


def test_only_planners_create_feeds_of_others(
    client: TestClient, session: Session, people: dict[str, Any]
) -> None:
    officer, planner = _headers(session, people["officer"]), _headers(session, people["planner"])
    yang: Person = people["yang"]
    chen: Person = people["chen"]
    assert _create(client, officer, "person", chen.id or 0).status_code == 403
    assert _create(client, officer, "unit", people["unit"].id).status_code == 403
    own = _create(client, officer, "person", yang.id or 0)
    assert own.status_code == 201 and client.get(_path(own)).status_code == 200
    assert _create(client, planner, "person", chen.id or 0).status_code == 201
    assert _create(client, planner, "unit", people["unit"].id).status_code == 201


def test_feeds_are_listed_without_tokens_and_revoked_for_good(
    client: TestClient, session: Session, people: dict[str, Any]
) -> None:
    officer, planner = _headers(session, people["officer"]), _headers(session, people["planner"])
    other = _headers(session, make_user(session, role=Role.coordinator, username="coord"))
    mine = _create(client, officer, "person", people["yang"].id)
    theirs = _create(client, planner, "unit", people["unit"].id)
    token = _path(mine).removeprefix("/ical/").removesuffix(".ics")
    listed = client.get("/api/v1/feeds", headers=officer)
    assert [f["id"] for f in listed.json()] == [mine.json()["id"]]
    assert token not in listed.text and listed.json()[0]["revoked_at"] is None
    everything = client.get("/api/v1/feeds", headers=planner).json()
    assert {f["id"] for f in everything} == {mine.json()["id"], theirs.json()["id"]}
    # someone else's feed: not theirs to revoke (nor to learn it exists)
    assert client.delete(f"/api/v1/feeds/{mine.json()['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/feeds/{theirs.json()['id']}", headers=officer).status_code == 404
    assert client.get(_path(mine)).status_code == 200
    assert client.delete(f"/api/v1/feeds/{mine.json()['id']}", headers=officer).status_code == 204
    assert client.get(_path(mine)).status_code == 404
    assert client.get("/api/v1/feeds", headers=officer).json()[0]["revoked_at"] is not None
    assert client.delete(f"/api/v1/feeds/{theirs.json()['id']}", headers=planner).status_code == 204
    assert client.get(_path(theirs)).status_code == 404
    (entry,) = list_entries(session, entity_type="ical_feed", entity_id=str(mine.json()["id"]))[:1]
    assert entry.action == "ical_feed.revoke" and entry.actor == "yangfan"


def test_a_deactivated_users_feeds_stop_serving(
    client: TestClient,
    session: Session,
    people: dict[str, Any],
    auth_headers: Any,
) -> None:
    officer = _headers(session, people["officer"])
    feed = _create(client, officer, "person", people["yang"].id)
    assert client.get(_path(feed)).status_code == 200
    deactivate = client.patch(
        f"/api/v1/users/{people['officer'].id}",
        json={"is_active": False},
        headers=auth_headers(Role.admin),
    )
    assert deactivate.status_code == 200, deactivate.text
    assert client.get(_path(feed)).status_code == 404


def test_the_access_log_never_shows_a_feed_token(caplog: pytest.LogCaptureFixture) -> None:
    access_log.install()
    access_log.install()  # once only
    logger = logging.getLogger(access_log.ACCESS_LOGGER)
    assert sum(isinstance(f, access_log.RedactFeedTokens) for f in logger.filters) == 1
    path = "/ical/SW8cX6Nv6_aB-c1234567890xyzAbCdEfGh.ics"
    with caplog.at_level(logging.INFO, logger=access_log.ACCESS_LOGGER):
        logger.info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", path, "1.1", 200
        )  # uvicorn's access line
    (record,) = caplog.records
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert "SW8cX6Nv6" not in line and "SW8cX6Nv6" not in caplog.text
    assert line == '127.0.0.1:50000 - "GET /ical/<redacted>.ics HTTP/1.1" 200 OK'
    assert access_log.redact("GET /api/v1/feeds 200") == "GET /api/v1/feeds 200"


def test_a_feed_stops_when_its_creator_may_no_longer_make_it(
    client: TestClient,
    session: Session,
    people: dict[str, Any],
    auth_headers: Any,
) -> None:
    """Unlinked from the person, or a planner no longer a planner: the feeds they made stop."""
    officer, planner = _headers(session, people["officer"]), _headers(session, people["planner"])
    own = _create(client, officer, "person", people["yang"].id)
    unit_feed = _create(client, planner, "unit", people["unit"].id)
    assert client.get(_path(own)).status_code == client.get(_path(unit_feed)).status_code == 200
    admin = auth_headers(Role.admin)
    unlinked = client.patch(
        f"/api/v1/people/{people['yang'].id}", json={"user_id": None}, headers=admin
    )
    assert unlinked.status_code == 200, unlinked.text
    assert client.get(_path(own)).status_code == 404
    demoted = client.patch(
        f"/api/v1/users/{people['planner'].id}", json={"role": "viewer"}, headers=admin
    )
    assert demoted.status_code == 200, demoted.text
    assert client.get(_path(unit_feed)).status_code == 404


def test_a_new_feed_can_replace_ones_earlier_feeds_of_the_same_calendar(
    client: TestClient, session: Session, people: dict[str, Any]
) -> None:
    """One link per calendar instead of a pile: `replace` revokes the caller's own earlier
    feeds of that person (audited, naming the new feed), not other calendars nor others'."""
    officer, planner = _headers(session, people["officer"]), _headers(session, people["planner"])
    yang = people["yang"].id
    first, second = (
        _create(client, officer, "person", yang),
        _create(client, officer, "person", yang),
    )
    planners = _create(client, planner, "person", yang)
    replaced = client.post(
        "/api/v1/feeds",
        json={"kind": "person", "subject_id": yang, "replace": True},
        headers=officer,
    )
    assert replaced.status_code == 201, replaced.text
    for old in (first, second):
        assert client.get(_path(old)).status_code == 404
        (entry,) = list_entries(session, entity_type="ical_feed", entity_id=str(old.json()["id"]))[
            :1
        ]
        assert entry.action == "ical_feed.revoke" and entry.actor == "yangfan"
        assert json.loads(entry.after or "{}")["replaced_by"] == replaced.json()["id"]
    assert client.get(_path(replaced)).status_code == 200
    assert client.get(_path(planners)).status_code == 200  # the planner's feed is theirs
    listed = client.get("/api/v1/feeds", headers=officer).json()
    assert [f["id"] for f in listed if f["revoked_at"] is None] == [replaced.json()["id"]]
