from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.clock import FakeClock
from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user


def _login(client: TestClient, username: str, password: str = TEST_PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 8 * 3600
    token: str = body["access_token"]
    return token


def test_login_me_and_revoke(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.coordinator, username="chen")
    token = _login(client, "chen")
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "chen" and me.json()["role"] == "coordinator"
    assert client.post("/api/v1/auth/revoke", headers=headers).status_code == 204
    refused = client.get("/api/v1/auth/me", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert refused.headers["content-type"] == "application/problem+json"


def test_wrong_password_is_401_problem(client: TestClient, session: Session) -> None:
    make_user(session, username="chen")
    response = client.post(
        "/api/v1/auth/token", data={"username": "chen", "password": "not-the-password"}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_missing_form_field_is_named(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "chen"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["password"]


def test_token_expires_with_the_clock(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    make_user(session, username="chen")
    headers = {"Authorization": f"Bearer {_login(client, 'chen')}"}
    clock.advance(timedelta(hours=7, minutes=59))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.advance(timedelta(minutes=1))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_admin_creates_user_who_can_log_in(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.admin, username="root")
    admin = {"Authorization": f"Bearer {_login(client, 'root')}"}
    created = client.post(
        "/api/v1/users",
        json={"username": "liu.yang", "password": "a-long-password", "role": "duty_officer"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert "password" not in created.json() and "password_hash" not in created.json()
    assert _login(client, "liu.yang", "a-long-password")
    duplicate = client.post(
        "/api/v1/users",
        json={"username": "liu.yang", "password": "a-long-password", "role": "viewer"},
        headers=admin,
    )
    assert duplicate.status_code == 409
    user_id = created.json()["id"]
    deactivated = client.patch(f"/api/v1/users/{user_id}", json={"is_active": False}, headers=admin)
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    denied = client.post(
        "/api/v1/auth/token", data={"username": "liu.yang", "password": "a-long-password"}
    )
    assert denied.status_code == 401


def test_unknown_role_is_422_naming_role(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.admin, username="root")
    admin = {"Authorization": f"Bearer {_login(client, 'root')}"}
    response = client.post(
        "/api/v1/users",
        json={"username": "x.y.z", "password": "a-long-password", "role": "superuser"},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"
