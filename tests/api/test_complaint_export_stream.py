"""The export's download through the real app called as the server calls it (ASGI, so the test
sees each piece as it is sent and can go away mid-download): the Excel file leaves in pieces
as it is written, and the audit's closing entry counts the rows actually handed out: not an
item that left the handler's units during the export, and, when the client goes away, only
the rows sent until then."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import actions
from complaints.action_context import ActionInput
from complaints.actions import Actor
from complaints.models import Complaint
from complaints.workflow import Action
from core.audit import AuditEntry, list_entries
from core.clock import FakeClock
from core.users import Role
from tests.complaint_helpers import Centre, complaint_data, handler_headers, make_centre

Headers = Callable[[Role], dict[str, str]]
COORDINATOR = Actor("coord", intake=True, supervise=True)


@dataclass
class Download:
    status: int = 0
    pieces: list[bytes] = field(default_factory=list)
    finished: bool = False  # the server said the body was complete

    @property
    def body(self) -> bytes:
        return b"".join(self.pieces)


def download(
    app: FastAPI,
    headers: dict[str, str],
    query: str,
    *,
    on_piece: Callable[[int], None] = lambda _: None,
    leave_after: int | None = None,
    spec_version: str = "2.3",
) -> Download:
    """GET the export as an ASGI server would; `on_piece(n)` runs as the n-th non-empty piece
    is sent; after `leave_after` pieces the client goes away: a disconnect message (ASGI 2.3,
    uvicorn) or a failing send (2.4)."""
    got = Download()
    gone = anyio.Event()

    async def receive() -> dict[str, Any]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if gone.is_set() and spec_version >= "2.4":
            raise OSError("client gone")
        if message["type"] == "http.response.start":
            got.status = message["status"]
        elif message["body"]:
            got.pieces.append(message["body"])
            on_piece(len(got.pieces))
            if leave_after is not None and len(got.pieces) >= leave_after:
                gone.set()
        elif not message.get("more_body", False):
            got.finished = True

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/complaints/export",
        "raw_path": b"/api/v1/complaints/export",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def run() -> None:
        try:
            await app(scope, receive, send)
        except Exception:  # a client gone under ASGI 2.4 ends the app with ClientDisconnect
            if not gone.is_set():
                raise

    anyio.run(run)
    return got


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _east_items(client: TestClient, coordinator: dict[str, str], count: int) -> list[int]:
    """`count` complaints registered and distributed to 城东区局."""
    ids = []
    for n in range(count):
        body = complaint_data(respondent_name=f"东关超市{n}").model_dump(
            mode="json", exclude_none=True
        )
        created = client.post("/api/v1/complaints", json=body, headers=coordinator)
        assert created.status_code == 201, created.text
        cid: int = created.json()["items"][0]["id"]
        done = client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
        assert done.status_code == 200, done.text
        ids.append(cid)
    return ids


def _copies(session: Session, item_id: int, count: int) -> None:
    """`count` more items like `item_id`, each with facts of its own (so the file does not
    compress to nothing)."""
    item = session.get(Complaint, item_id)
    assert item is not None
    fields = item.model_dump(exclude={"id"})
    for n in range(count):
        facts = " ".join(hashlib.sha256(f"{n}-{k}".encode()).hexdigest() for k in range(4))
        session.add(Complaint(**fields | {"ref": f"COPY-{n:06d}", "description": facts}))
    session.commit()
    session.expunge_all()


def _entries(session: Session) -> tuple[AuditEntry, AuditEntry]:
    start, end = sorted(list_entries(session, entity_type="complaint_export"), key=lambda e: e.seq)
    assert (start.action, end.action) == ("complaint.export", "complaint.export.end")
    assert start.entity_id == end.entity_id
    return start, end


def _after(entry: AuditEntry) -> dict[str, Any]:
    assert entry.after is not None
    after: dict[str, Any] = json.loads(entry.after)
    return after


def test_an_item_that_left_the_handlers_units_during_the_export_is_not_in_the_file_nor_counted(
    app: FastAPI,
    client: TestClient,
    auth_headers: Headers,
    session: Session,
    centre: Centre,
    clock: FakeClock,
) -> None:
    kept, moved = _east_items(client, auth_headers(Role.coordinator), 2)
    east = handler_headers(session, centre.east, "east-handler")

    def reroute_once(piece: int) -> None:
        if piece == 1:  # the workbook's fixed parts have left; no row is read yet
            actions.act(
                session,
                complaint_id=moved,
                action=Action.reroute,
                actor=COORDINATOR,
                now=clock.now(),
                data=ActionInput(unit_id=centre.west_id, reason="按实际经营地改派"),
            )

    got = download(app, east, "format=xlsx&state=all", on_piece=reroute_once)

    assert got.status == 200 and got.finished
    sheet = openpyxl.load_workbook(io.BytesIO(got.body)).active
    assert sheet is not None
    refs = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    kept_ref = session.get(Complaint, kept)
    assert kept_ref is not None and refs == [kept_ref.ref]
    start, end = _entries(session)
    assert _after(start)["matched"] == 2  # what matched when the export began
    assert _after(end) == {"format": "xlsx", "matched": 2, "rows": 1, "whole": True}
    assert end.actor == "east-handler"


def test_the_excel_file_leaves_in_pieces_while_it_is_written(
    app: FastAPI, client: TestClient, auth_headers: Headers, session: Session, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (first,) = _east_items(client, coordinator, 1)
    _copies(session, first, 3000)

    got = download(app, coordinator, "format=xlsx&state=all")

    assert got.status == 200 and got.finished
    assert len(got.pieces) > 2 and got.pieces[0].startswith(b"PK\x03\x04")
    sheet = openpyxl.load_workbook(io.BytesIO(got.body)).active
    assert sheet is not None and sheet.max_row == 3002
    assert _after(_entries(session)[1])["rows"] == 3001


@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
def test_a_client_gone_mid_download_is_audited_with_the_rows_sent_until_then(
    app: FastAPI,
    client: TestClient,
    auth_headers: Headers,
    session: Session,
    centre: Centre,
    spec_version: str,
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (first,) = _east_items(client, coordinator, 1)
    _copies(session, first, 1499)

    got = download(app, coordinator, "state=all", leave_after=1, spec_version=spec_version)

    assert got.status == 200 and not got.finished
    sent = list(csv.reader(io.StringIO(got.body.decode("utf-8-sig"), newline="")))
    assert 0 < len(sent) - 1 < 1500  # the header and some of the rows
    start, end = _entries(session)
    assert _after(start)["matched"] == 1500
    after = _after(end)
    assert after["whole"] is False and after["rows"] == len(sent) - 1


def test_a_whole_download_is_audited_with_every_row(
    client: TestClient, auth_headers: Headers, session: Session, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    _east_items(client, coordinator, 2)
    response = client.get("/api/v1/complaints/export?state=all", headers=coordinator)
    assert response.status_code == 200
    start, end = _entries(session)
    assert _after(start)["matched"] == 2
    assert _after(end) == {"format": "csv", "matched": 2, "rows": 2, "whole": True}
    assert end.entity_id in response.headers["content-disposition"]
