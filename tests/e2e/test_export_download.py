"""An export downloaded from a real server process over a socket, the client hanging up after
the first piece: the audit's closing entry says the download was not whole and counts no fewer
rows than the client got, and fewer than the items matched."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from complaints.models import Complaint
from core.db import make_engine
from tests.complaint_helpers import complaint_data
from tests.e2e.conftest import DEMO_PASSWORD, Database, ServerFactory, wait_until

pytestmark = pytest.mark.slow

ITEMS = 5000


def _coordinator(base_url: str) -> dict[str, str]:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"username": "coordinator", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _export_entries(url: str) -> list[tuple[str, dict[str, Any]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT action, after FROM audit_log WHERE entity_type = 'complaint_export' "
                    "ORDER BY seq"
                )
            ).all()
    finally:
        engine.dispose()
    return [(action, json.loads(after)) for action, after in rows]


def test_a_download_the_client_cut_off_is_audited_with_no_fewer_rows_than_it_got(
    spawn_server: ServerFactory, e2e_database: Database
) -> None:
    server = spawn_server("export")
    headers = _coordinator(server.url)
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    created = httpx.post(f"{server.url}/api/v1/complaints", json=body, headers=headers)
    assert created.status_code == 201, created.text
    engine = make_engine(e2e_database.url)
    try:
        with Session(engine) as session:
            item = session.get(Complaint, created.json()["items"][0]["id"])
            assert item is not None
            fields = item.model_dump(exclude={"id"})
            session.add_all(
                Complaint(**fields | {"ref": f"COPY-{n:06d}", "description": f"第{n}条"})
                for n in range(ITEMS - 1)
            )
            session.commit()
    finally:
        engine.dispose()

    with httpx.stream(
        "GET",
        f"{server.url}/api/v1/complaints/export",
        params={"format": "csv", "state": "all"},
        headers=headers,
        timeout=60,
    ) as response:
        assert response.status_code == 200
        got = next(response.iter_raw())  # then hang up
    rows_got = got.count(b"\r\n") - 1  # complete lines less the header

    wait_until(lambda: len(_export_entries(e2e_database.url)) == 2, "the end entry", timeout=30)
    (start_action, start), (end_action, end) = _export_entries(e2e_database.url)
    assert (start_action, end_action) == ("complaint.export", "complaint.export.end")
    assert start["matched"] == ITEMS
    assert end["whole"] is False and rows_got <= end["rows"] < ITEMS
