"""Browser sessions: signing in sets an HttpOnly, SameSite=Strict session cookie the API also
accepts; unsafe methods with that cookie need the X-CSRF-Token header; bearer clients are
unaffected; signing out revokes the token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER, SESSION_COOKIE, csrf_token
from core.config import Settings
from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user

Headers = Callable[[Role], dict[str, str]]


@pytest.fixture
def signed_in(client: TestClient, session: Session) -> str:
    make_user(session, role=Role.coordinator, username="coord")
    response = client.post(
        "/login", data={"username": "coord", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/incidents"  # the coordinator's landing page
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert "secure" not in cookie.lower()  # PUBLIC_URL is http in tests
    token = client.cookies.get(SESSION_COOKIE)
    assert token
    return token


def test_cookie_authenticates_reads(client: TestClient, signed_in: str) -> None:
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["username"] == "coord"


@pytest.mark.parametrize("given", [None, "", "0" * 64, "not-a-token"])
def test_unsafe_method_without_a_valid_csrf_token_is_refused(
    client: TestClient, signed_in: str, given: str | None
) -> None:
    headers = {} if given is None else {CSRF_HEADER: given}
    response = client.post(
        "/api/v1/incidents",
        json={"title": "测试", "category": "other", "severity": "IV"},
        headers=headers,
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "csrf_failed"
    listed = client.get("/api/v1/incidents").json()
    assert listed == []  # nothing was written


def test_unsafe_method_with_the_csrf_token_works(
    client: TestClient, signed_in: str, settings: Settings
) -> None:
    response = client.post(
        "/api/v1/incidents",
        json={"title": "测试", "category": "other", "severity": "IV"},
        headers={CSRF_HEADER: csrf_token(settings, signed_in)},
    )
    assert response.status_code == 201, response.text
    assert response.json()["opened_by"] == "coord"


def test_csrf_token_of_another_session_is_refused(
    client: TestClient, signed_in: str, settings: Settings
) -> None:
    other = csrf_token(settings, signed_in + "x")
    response = client.post("/api/v1/auth/revoke", headers={CSRF_HEADER: other})
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"


def test_bearer_clients_need_no_csrf_token(client: TestClient, auth_headers: Headers) -> None:
    response = client.post(
        "/api/v1/incidents",
        json={"title": "测试", "category": "other", "severity": "IV"},
        headers=auth_headers(Role.coordinator),
    )
    assert response.status_code == 201, response.text


def test_sign_out_revokes_the_session(
    client: TestClient, signed_in: str, settings: Settings
) -> None:
    page = client.get("/incidents")
    assert page.status_code == 200 and csrf_token(settings, signed_in) in page.text
    refused = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200  # still signed in
    out = client.post(
        "/logout", data={"csrf_token": csrf_token(settings, signed_in)}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == "/login"
    client.cookies.set(SESSION_COOKIE, signed_in)  # a stolen copy of the cookie is now useless
    assert client.get("/api/v1/auth/me").status_code == 401
    page = client.get("/incidents", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fincidents"


def test_wrong_password_shows_the_form_again(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.planner, username="plan")
    response = client.post("/login", data={"username": "plan", "password": "wrong-password"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_site(
    client: TestClient, session: Session, target: str
) -> None:
    make_user(session, role=Role.planner, username="plan")
    response = client.post(
        "/login",
        data={"username": "plan", "password": TEST_PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/rosters"


def test_the_session_cookie_is_secure_when_the_page_is_served_over_https(
    app: FastAPI, session: Session
) -> None:
    """PUBLIC_URL left at its http default while the server is reached over https (TLS at
    the proxy, X-Forwarded-Proto): the cookie must still never travel over plain http."""
    make_user(session, role=Role.planner, username="plan")
    with TestClient(app, base_url="https://dutydesk.example") as https:
        response = https.post(
            "/login",
            data={"username": "plan", "password": TEST_PASSWORD},
            headers={"Origin": "https://dutydesk.example"},
            follow_redirects=False,
        )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert SESSION_COOKIE in cookie and "; secure" in cookie and "httponly" in cookie


def test_signing_in_again_ends_the_session_the_browser_had(
    client: TestClient, session: Session, signed_in: str
) -> None:
    """A shared desk: the next person signs in over the last one's session, which must not
    stay usable (its token was still valid for the rest of its 8 hours)."""
    make_user(session, role=Role.planner, username="plan")
    again = client.post(
        "/login", data={"username": "plan", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert again.status_code == 303
    fresh = client.cookies.get(SESSION_COOKIE)
    assert fresh and fresh != signed_in
    assert client.get("/api/v1/auth/me").json()["username"] == "plan"
    client.cookies.set(SESSION_COOKIE, signed_in)
    assert client.get("/api/v1/auth/me").status_code == 401
