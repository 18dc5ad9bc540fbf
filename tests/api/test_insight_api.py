"""Warnings and reports over HTTP: a report's figures equal GET /complaints/stats for the same
period, HTML and PDF downloads, warnings with evidence, acknowledge and close, settings."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user
from tests.service.test_early_warnings import SURGE
from tests.service.test_early_warnings import _seed as seed_surge
from tests.service.test_reports import _seed as seed_months

Headers = Callable[[Role], dict[str, str]]


def test_report_figures_equal_the_statistics_api(
    client: TestClient, session: Session, auth_headers: Headers
) -> None:
    seed_months(session)
    leader = auth_headers(Role.leader)
    created = client.post(
        "/api/v1/reports", json={"kind": "monthly", "period": "2026-10"}, headers=leader
    )
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["status"] == "done" and report["period_key"] == "2026-10"
    assert report["preliminary"] is False and report["data"]["preliminary"] is False
    assert report["has_pdf"] and report["has_html"] and report["requested_by"] == "leader-user"
    figures = client.get(
        "/api/v1/complaints/stats",
        params={"from": "2026-10-01", "to": "2026-10-31"},
        headers=leader,
    ).json()
    assert report["data"]["stats"] == figures
    assert report["data"]["stats"]["total"] > 100

    listed = client.get("/api/v1/reports", headers=auth_headers(Role.viewer)).json()
    assert [r["id"] for r in listed] == [report["id"]]
    pdf = client.get(report["pdf_url"], headers=auth_headers(Role.viewer))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "dutydesk-monthly-2026-10.pdf" in pdf.headers["content-disposition"]
    html = client.get(report["html_url"], headers=leader)
    assert html.status_code == 200 and "投诉举报分析月报" in html.text

    again = client.post(
        "/api/v1/reports", json={"kind": "monthly", "period": "2026-10-15"}, headers=leader
    )
    assert again.status_code == 201 and again.json()["id"] == report["id"]
    assert again.json()["revision"] == 2


def test_bad_report_requests_are_problems(client: TestClient, auth_headers: Headers) -> None:
    leader = auth_headers(Role.leader)
    bad = client.post(
        "/api/v1/reports", json={"kind": "monthly", "period": "2026-Q4"}, headers=leader
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "period"
    future = client.post(  # the clock stands in November 2026
        "/api/v1/reports", json={"kind": "monthly", "period": "2030-01"}, headers=leader
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "period"
    running = client.post(
        "/api/v1/reports", json={"kind": "monthly", "period": "2026-11"}, headers=leader
    )
    assert running.status_code == 201 and running.json()["preliminary"] is True
    assert "初步统计" in client.get(running.json()["html_url"], headers=leader).text
    missing = client.get("/api/v1/reports/999/pdf", headers=leader)
    assert missing.status_code == 404


def test_the_reports_page_marks_a_preliminary_report(
    client: TestClient, session: Session, auth_headers: Headers
) -> None:
    seed_months(session)
    leader = auth_headers(Role.leader)
    ids = {
        period: client.post(
            "/api/v1/reports", json={"kind": "monthly", "period": period}, headers=leader
        ).json()["id"]
        for period in ("2026-10", "2026-11")  # the clock stands in November 2026
    }
    make_user(session, role=Role.leader, username="report-reader")
    client.cookies.clear()
    signed_in = client.post(
        "/login",
        data={"username": "report-reader", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    page = client.get("/reports").text
    rows: dict[str, str] = {}
    for period, report_id in ids.items():
        row = re.search(rf'<tr data-report="{report_id}">.*?</tr>', page, re.S)
        assert row is not None, page
        rows[period] = row.group(0)
    assert "初步统计" in rows["2026-11"] and "初步统计" not in rows["2026-10"]


def test_warnings_over_http(client: TestClient, session: Session, auth_headers: Headers) -> None:
    seed_surge(session, surge_days=SURGE)
    coordinator = auth_headers(Role.coordinator)
    run = client.post("/api/v1/warnings/run", headers=coordinator)
    assert run.status_code == 200, run.text
    assert run.json()["as_of"] == "2026-11-22" and run.json()["created"] >= 2
    page = client.get(
        "/api/v1/warnings", params={"dimension": "domain"}, headers=auth_headers(Role.viewer)
    ).json()
    assert page["total"] == 1
    food = page["items"][0]
    assert food["key"] == "domain:food" and food["level"] == "red"
    detail = client.get(f"/api/v1/warnings/{food['id']}", headers=coordinator).json()
    assert len(detail["evidence"]["series"]) == 63 and detail["evidence"]["items"]
    ack = client.post(f"/api/v1/warnings/{food['id']}/acknowledge", headers=coordinator)
    assert ack.json()["status"] == "acknowledged"
    closed = client.post(
        f"/api/v1/warnings/{food['id']}/close", json={"note": "已约谈"}, headers=coordinator
    )
    assert closed.json()["status"] == "closed" and closed.json()["close_note"] == "已约谈"
    twice = client.post(f"/api/v1/warnings/{food['id']}/close", headers=coordinator)
    assert twice.status_code == 409


def test_settings_are_admin_only_and_validated(client: TestClient, auth_headers: Headers) -> None:
    admin = auth_headers(Role.admin)
    current = client.get("/api/v1/insight/settings", headers=admin).json()
    assert current["windows"] == [1, 3, 7] and current["notify_level"] == "orange"
    bad = client.put("/api/v1/insight/settings", json=current | {"alpha": 0.5}, headers=admin)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("alpha")
    saved = client.put(
        "/api/v1/insight/settings", json=current | {"keywords": ["预付卡", "电梯"]}, headers=admin
    )
    assert saved.status_code == 200 and saved.json()["keywords"] == ["预付卡", "电梯"]
    leader = client.put("/api/v1/insight/settings", json=current, headers=auth_headers(Role.leader))
    assert leader.status_code == 403
