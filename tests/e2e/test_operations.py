"""What an operator meets running DutyDesk for months, as real processes: a server killed
(kill -9) while it generates a roster, started again, time moved by the clock file; what
its log holds; its database taken away and given back (PostgreSQL)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    Database,
    ServerFactory,
    ServerProcess,
    is_postgres,
    wait_until,
)

pytestmark = pytest.mark.slow

GRACE = timedelta(seconds=300)  # oncall.roster_interrupts.GRACE_S


def login(server: ServerProcess, username: str = "planner") -> dict[str, str]:
    response = server.api(
        "POST",
        "/api/v1/auth/token",
        data={"username": username, "password": DEMO_PASSWORD},
        headers={"Authorization": ""},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def roster(server: ServerProcess, roster_id: int, headers: dict[str, str]) -> dict[str, Any]:
    response = server.api("GET", f"/api/v1/rosters/{roster_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def generate(server: ServerProcess, headers: dict[str, str], *, seconds: float) -> dict[str, Any]:
    """Start a roster for the two weeks after the demo's published one."""
    rosters = server.api("GET", "/api/v1/rosters", headers=headers).json()
    published = next(r for r in rosters if r["status"] == "published")
    start = date.fromisoformat(published["period_end"]) + timedelta(days=1)
    response = server.api(
        "POST",
        "/api/v1/rosters",
        headers=headers,
        json={
            "unit_id": published["unit_id"],
            "period_start": start.isoformat(),
            "period_end": (start + timedelta(days=13)).isoformat(),
            "time_limit_s": seconds,
        },
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_roster_cut_off_by_kill_9_is_failed_after_its_grace_not_left_generating(
    spawn_server: ServerFactory,
) -> None:
    clock = spawn_server.clock
    first = spawn_server("first")
    headers = login(first)
    started = generate(first, headers, seconds=120)
    roster_id = started["id"]
    wait_until(
        lambda: roster(first, roster_id, headers)["objective"] is not None,
        "the solver's first solution",
        timeout=60,
    )
    first.kill()

    # restarted at once: the roster is within its time limit, so start-up leaves it alone
    second = spawn_server.restart(first)
    headers = login(second)
    assert roster(second, roster_id, headers)["status"] == "generating"

    # nobody will ever finish it: once past its time limit and the grace it is failed
    clock.advance(timedelta(seconds=120) + GRACE + timedelta(seconds=1))
    failed = wait_until(
        lambda: (r := roster(second, roster_id, headers))["status"] == "failed" and r,
        "the orphaned roster to be marked failed",
        timeout=30,
    )
    assert "interrupted" in failed["error"]
    audit = second.api(
        "GET", "/api/v1/audit", headers=login(second, "admin"), params={"limit": 500}
    )
    assert audit.status_code == 200, audit.text
    entries = [
        e
        for e in audit.json()
        if e["action"] == "roster.interrupted" and str(e["entity_id"]) == str(roster_id)
    ]
    assert len(entries) == 1, entries

    # and the planner generates again
    again = generate(second, headers, seconds=3)
    done = wait_until(
        lambda: (r := roster(second, again["id"], headers))["status"] != "generating" and r,
        "the new roster",
        timeout=60,
    )
    assert done["status"] == "draft"


def test_the_server_log_holds_no_credential_nor_full_phone_or_id_number(
    spawn_server: ServerFactory,
) -> None:
    server = spawn_server("logs")
    phone, id_number, api_key = "13811112222", "110101199003071234", "k3y-s3cr3t-0000"
    token = server.token()
    for query in (phone, f"+86{phone}", id_number, f"张三 {phone[:3]}-{phone[3:7]}-{phone[7:]}"):
        response = server.api("GET", "/api/v1/complaints", params={"q": query})
        assert response.status_code == 200, response.text
    open311 = server.api("GET", "/open311/v2/requests.json", params={"api_key": api_key})
    assert open311.status_code in (200, 403), open311.text
    server.open_incident(title="电梯困人", caller_phone=f"+86{phone}")
    server.stop()

    logged = server.log_tail(chars=10**6)
    assert "/api/v1/complaints?q=138****2222" in logged  # the requests are in the log ...
    for secret in (phone, id_number, api_key, token, DEMO_PASSWORD):
        assert secret not in logged  # ... without what they carried


@pytest.mark.skipif(
    not is_postgres(os.environ.get("DUTYDESK_DATABASE_URL")),
    reason="takes a PostgreSQL database away under a running server",
)
def test_health_follows_the_database_away_and_back(
    spawn_server: ServerFactory, e2e_database: Database
) -> None:
    server = spawn_server("outage")
    assert server.api("GET", "/api/v1/health").status_code == 200
    name = make_url(e2e_database.url).database
    admin = make_url(e2e_database.url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_away"')
        try:
            health = server.api("GET", "/api/v1/health")
            assert health.status_code == 503 and health.json()["database"] == "unavailable"
            token = server.api(
                "POST", "/api/v1/auth/token", data={"username": "admin", "password": "x" * 8}
            )
            assert token.status_code == 503 and token.json()["code"] == "database_unavailable"
        finally:
            conn.execute(f'ALTER DATABASE "{name}_away" RENAME TO "{name}"')
    wait_until(lambda: server.api("GET", "/api/v1/health").status_code == 200, "health to recover")
    assert login(server)["Authorization"].startswith("Bearer ")
    server.stop()
    assert "Traceback" not in server.log_tail(chars=10**6)
