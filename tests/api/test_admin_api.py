"""The administration API the admin pages use: guards on an admin's own account and the last
administrator (409 naming the field), the person a user is, the last sign-in, and a range of
calendar overrides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.clock import FakeClock
from core.users import Role
from tests.conftest import TEST_PASSWORD, make_token, make_user
from tests.factories import make_person, make_unit

Headers = Callable[[Role], dict[str, str]]


def _bearer(session: Session, username: str, role: Role) -> dict[str, str]:
    user = make_user(session, role=role, username=username)
    return {"Authorization": f"Bearer {make_token(session, user)}"}


def test_an_admin_cannot_deactivate_their_own_account(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.admin, username="other-admin")
    me = _bearer(session, "root", Role.admin)
    own_id = client.get("/api/v1/auth/me", headers=me).json()["id"]
    before = len(list_entries(session, entity_type="user", entity_id=str(own_id)))
    refused = client.patch(f"/api/v1/users/{own_id}", json={"is_active": False}, headers=me)
    assert refused.status_code == 409, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["is_active"]
    assert client.get("/api/v1/auth/me", headers=me).status_code == 200  # still signed in
    assert len(list_entries(session, entity_type="user", entity_id=str(own_id))) == before


def test_an_admin_cannot_change_their_own_role(client: TestClient, session: Session) -> None:
    """Like deactivating oneself: a slip would take the admin pages away at once, so another
    administrator must do it, even while there is one."""
    other = _bearer(session, "other-admin", Role.admin)
    me = _bearer(session, "root", Role.admin)
    own_id = client.get("/api/v1/auth/me", headers=me).json()["id"]
    before = len(list_entries(session, entity_type="user", entity_id=str(own_id)))
    refused = client.patch(
        f"/api/v1/users/{own_id}", json={"full_name": "改名", "role": "planner"}, headers=me
    )
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "conflict"
    assert problem["errors"] == [{"field": "role", "reason": "you cannot change your own role"}]
    mine = client.get(f"/api/v1/users/{own_id}", headers=me).json()
    assert (mine["role"], mine["full_name"]) == ("admin", "Test admin")  # nothing half-written
    assert len(list_entries(session, entity_type="user", entity_id=str(own_id))) == before
    # the same role sent back with a new name (the page's edit form) is no change of role
    renamed = client.patch(
        f"/api/v1/users/{own_id}", json={"full_name": "管理员", "role": "admin"}, headers=me
    )
    assert renamed.status_code == 200, renamed.text
    # another administrator may
    demoted = client.patch(f"/api/v1/users/{own_id}", json={"role": "planner"}, headers=other)
    assert demoted.status_code == 200, demoted.text
    entry = list_entries(session, entity_type="user", entity_id=str(own_id))[0]
    assert (entry.action, entry.actor) == ("user.update", "other-admin")


def test_a_user_is_linked_to_one_person_in_one_step(
    client: TestClient, session: Session, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    unit = make_unit(session)
    first, second = make_person(session, unit=unit), make_person(session, unit=unit, name="林岚")
    taken_by_other = make_person(session, unit=unit, name="周敏")
    user = make_user(session, role=Role.duty_officer, username="yang.fan")
    other = make_user(session, role=Role.viewer, username="zhou.min")
    linked = client.put(
        f"/api/v1/users/{other.id}/person", json={"person_id": taken_by_other.id}, headers=admin
    )
    assert linked.status_code == 200 and linked.json()["person_id"] == taken_by_other.id

    for person in (first, second):
        answer = client.put(
            f"/api/v1/users/{user.id}/person", json={"person_id": person.id}, headers=admin
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["person_id"] == person.id
    session.refresh(first)
    assert first.user_id is None  # moved, not refused as "already linked"
    refused = client.put(
        f"/api/v1/users/{user.id}/person", json={"person_id": taken_by_other.id}, headers=admin
    )
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["person_id"]
    missing = client.put(
        f"/api/v1/users/{user.id}/person", json={"person_id": 999999}, headers=admin
    )
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["person_id"]
    unlinked = client.put(
        f"/api/v1/users/{user.id}/person", json={"person_id": None}, headers=admin
    )
    assert unlinked.status_code == 200 and unlinked.json()["person_id"] is None
    links = [
        e
        for e in list_entries(session, entity_type="user", entity_id=str(user.id))
        if e.action == "user.person.link"
    ]
    assert len(links) == 3 and f'"person_id": {second.id}' in (links[0].before or "")


def test_the_user_list_shows_the_last_sign_in(
    client: TestClient, session: Session, clock: FakeClock, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    make_user(session, role=Role.viewer, username="li.na")
    listed = {u["username"]: u for u in client.get("/api/v1/users", headers=admin).json()}
    assert listed["li.na"]["last_sign_in_at"] is None
    clock.advance(timedelta(hours=1))
    signed = client.post(
        "/api/v1/auth/token", data={"username": "li.na", "password": TEST_PASSWORD}
    )
    assert signed.status_code == 200
    listed = {u["username"]: u for u in client.get("/api/v1/users", headers=admin).json()}
    assert datetime.fromisoformat(listed["li.na"]["last_sign_in_at"]) == clock.now()
    assert "password" not in listed["li.na"] and "password_hash" not in listed["li.na"]


def test_a_range_of_days_is_declared_rest_in_one_step(
    client: TestClient, session: Session, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    body = {"start": "2028-03-06", "end": "2028-03-08", "working": False, "note": "test block"}
    answer = client.post("/api/v1/calendar/overrides/range", json=body, headers=admin)
    assert answer.status_code == 200, answer.text
    assert [o["date"] for o in answer.json()["overrides"]] == [
        "2028-03-06",
        "2028-03-07",
        "2028-03-08",
    ]
    days = client.get(
        "/api/v1/calendar/days?start=2028-03-05&end=2028-03-09", headers=auth_headers(Role.viewer)
    ).json()
    assert [(d["kind"], d["source"]) for d in days] == [
        ("weekend", "estimated"),
        ("holiday", "override"),
        ("holiday", "override"),
        ("holiday", "override"),
        ("workday", "estimated"),
    ]
    assert days[1]["note"] == "test block"
    one = {"start": "2028-03-11", "working": True, "note": "make-up"}
    single = client.post("/api/v1/calendar/overrides/range", json=one, headers=admin)
    assert single.status_code == 200 and len(single.json()["overrides"]) == 1
    for bad in ({"end": "2028-03-05"}, {"end": "2028-04-06"}):
        refused = client.post("/api/v1/calendar/overrides/range", json=body | bad, headers=admin)
        assert refused.status_code == 422, bad
        assert [e["field"] for e in refused.json()["errors"]] == ["end"]
    forbidden = client.post(
        "/api/v1/calendar/overrides/range", json=body, headers=auth_headers(Role.planner)
    )
    assert forbidden.status_code == 403
