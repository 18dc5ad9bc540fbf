from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user

Headers = Callable[[Role], dict[str, str]]


def test_health_needs_no_token_and_warns_about_next_year(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["timezone"] == "Asia/Shanghai"
    assert body["calendar"]["ok"] is False
    assert "2027" in body["calendar"]["warning"]


def test_loading_next_years_notice_clears_the_warning(
    client: TestClient, auth_headers: Headers
) -> None:
    admin = auth_headers(Role.admin)
    put = client.put(
        "/api/v1/calendar/overrides/2027-02-20",
        json={"working": True, "note": "春节调休"},
        headers=admin,
    )
    assert put.status_code == 200 and put.json()["clocks_moved"] == 0
    # one 调休 day is not the notice: the warning stays until the notice is confirmed
    assert client.get("/api/v1/health").json()["calendar"]["ok"] is False
    confirmed = client.put(
        "/api/v1/calendar/notices/2027", json={"note": "国办发明电"}, headers=admin
    )
    assert confirmed.status_code == 200 and confirmed.json()["note"] == "国办发明电"
    assert client.get("/api/v1/health").json()["calendar"] == {"ok": True, "warning": None}
    assert [n["year"] for n in client.get("/api/v1/calendar/notices", headers=admin).json()] == [
        2027
    ]
    packaged = client.put("/api/v1/calendar/notices/2026", json={}, headers=admin)
    assert packaged.status_code == 422 and packaged.json()["errors"][0]["field"] == "year"
    assert client.delete("/api/v1/calendar/notices/2027", headers=admin).status_code == 204
    assert client.get("/api/v1/health").json()["calendar"]["ok"] is False
    assert client.delete("/api/v1/calendar/notices/2027", headers=admin).status_code == 404
    assert client.delete("/api/v1/calendar/overrides/2027-02-20", headers=admin).status_code == 204


def test_calendar_days_and_arithmetic(client: TestClient, auth_headers: Headers) -> None:
    viewer = auth_headers(Role.viewer)
    days = client.get(
        "/api/v1/calendar/days?start=2026-02-13&end=2026-02-16", headers=viewer
    ).json()
    assert [(d["date"], d["kind"]) for d in days] == [
        ("2026-02-13", "workday"),
        ("2026-02-14", "makeup_workday"),
        ("2026-02-15", "holiday"),
        ("2026-02-16", "holiday"),
    ]
    added = client.get(
        "/api/v1/calendar/add-working-days?start=2026-09-30&days=1", headers=viewer
    ).json()
    assert date.fromisoformat(added["result"]) == date(2026, 10, 8)  # 国庆 10-01..10-07
    between = client.get(
        "/api/v1/calendar/working-days-between?start=2026-02-13&end=2026-03-02", headers=viewer
    ).json()
    assert between["working_days"] == 7


def test_home_page_renders_in_chinese(client: TestClient, session: Session) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
    make_user(session, role=Role.viewer, username="home-viewer")
    client.post("/login", data={"username": "home-viewer", "password": TEST_PASSWORD})
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.text and "值班" in response.text
    assert "2027" in response.text  # the calendar warning is shown loudly
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "font-family" in css.text


def test_openapi_is_published(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"]
    assert "/api/v1/people/{person_id}" in schema["paths"]


def test_yes_no_fields_take_json_booleans_only(client: TestClient, auth_headers: Headers) -> None:
    admin = auth_headers(Role.admin)
    for value in ("yes", "true", 1, "1", None):
        response = client.put(
            "/api/v1/calendar/overrides/2027-01-03", json={"working": value}, headers=admin
        )
        assert response.status_code == 422, value
        assert [e["field"] for e in response.json()["errors"]] == ["working"], value
    users = client.get("/api/v1/users", headers=admin).json()
    patched = client.patch(
        f"/api/v1/users/{users[0]['id']}", json={"is_active": "no"}, headers=admin
    )
    assert patched.status_code == 422
    assert [e["field"] for e in patched.json()["errors"]] == ["is_active"]
    ok = client.put("/api/v1/calendar/overrides/2027-01-03", json={"working": True}, headers=admin)
    assert ok.status_code == 200 and ok.json()["working"] is True


def test_the_api_docs_load_nothing_from_outside(client: TestClient) -> None:
    """/docs and /redoc and their scripts are served by DutyDesk itself (no CDN, no fonts)."""
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        page = client.get(path)
        assert page.status_code == 200, path
        links = re.findall(r'(?:src|href)=["\']([^"\']+)', page.text)
        assert all(not link.startswith(("http:", "https:", "//")) for link in links), links
        for link in links:
            assert client.get(link).status_code == 200, link
    assert "/docs-assets/swagger-ui-bundle.js" in client.get("/docs").text
    assert "/docs-assets/redoc.standalone.js" in client.get("/redoc").text
