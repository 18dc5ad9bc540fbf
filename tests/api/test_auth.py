from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import SESSION_COOKIE
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
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["field"] == "username"
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


def test_repeated_failures_lock_the_token_endpoint_for_the_window(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    make_user(session, username="chen")
    wrong = {"username": "chen", "password": "not-the-password"}
    for _ in range(5):
        assert client.post("/api/v1/auth/token", data=wrong).status_code == 401
    locked = client.post("/api/v1/auth/token", data={"username": "chen", "password": TEST_PASSWORD})
    assert locked.status_code == 429 and locked.headers["retry-after"] == str(15 * 60)
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.json()["code"] == "too_many_attempts"
    clock.advance(timedelta(minutes=15))
    assert _login(client, "chen")


def test_too_many_failures_on_the_sign_in_page(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    make_user(session, username="chen")
    for _ in range(5):
        wrong = {"username": "chen", "password": "not-the-password"}
        assert client.post("/login", data=wrong).status_code == 401
    page = client.post(
        "/login", data={"username": "chen", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert page.status_code == 429 and page.headers["retry-after"] == str(15 * 60)
    assert "登录失败次数过多，请 15 分钟后再试" in page.text
    assert SESSION_COOKIE not in page.headers.get("set-cookie", "")
    clock.advance(timedelta(minutes=15))
    signed_in = client.post(
        "/login", data={"username": "chen", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert signed_in.status_code == 303


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "https://evil.example"}, 403),
        ({"Referer": "https://evil.example/login"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://testserver"}, 303),  # the request's own origin
        ({"Referer": "http://testserver/login?next=/"}, 303),
        ({"Origin": "http://127.0.0.1:8000"}, 303),  # PUBLIC_URL
        ({}, 303),  # a non-browser client sends neither
    ],
)
def test_sign_in_is_refused_from_another_site(
    client: TestClient, session: Session, headers: dict[str, str], status: int
) -> None:
    make_user(session, username="chen")
    response = client.post(
        "/login",
        data={"username": "chen", "password": TEST_PASSWORD},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == status
    assert (SESSION_COOKIE in response.headers.get("set-cookie", "")) is (status == 303)
