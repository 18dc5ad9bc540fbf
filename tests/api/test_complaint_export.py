"""The queue exported as CSV and Excel through the real app: the queue's filters and unit
scope, masking by role (a report's reporter hidden without `complaint.confidential`, agents
and representatives like the complainant, phone and ID numbers always masked), the file's
form (BOM, CRLF, Chinese headers, local times; xlsx read back with openpyxl), the audit entry,
and a 422 naming the filter that is bad or matches too much."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.routers.complaints import viewer_for
from complaints import export, queue
from complaints.export import ExportFormat
from complaints.models import Complaint
from core.audit import list_entries
from core.calendar_store import load_calendar
from core.clock import FakeClock
from core.config import Settings
from core.errors import ValidationFailed
from core.users import Role
from tests.complaint_helpers import (
    Centre,
    complaint_data,
    handler_headers,
    make_centre,
    report_data,
)

Headers = Callable[[Role], dict[str, str]]
AGENT = {
    "agent_name": "王律师",
    "agent_phone": "13912345678",
    "agent_id_type": "居民身份证",
    "agent_id_number": "110101198001015678",
    "group_size": 12,
    "representatives": [
        {"name": "赵一", "phone": "13700000001"},
        {"name": "钱二", "phone": "13700000002"},
    ],
}
# every full number registered below: none may appear in any export
FULL_NUMBERS = (
    "13800138000",
    "110101199001011234",
    "13900139000",
    "13912345678",
    "110101198001015678",
    "13700000001",
    "13700000002",
    "13600136000",
)


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _register(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = client.post("/api/v1/complaints", json=body, headers=headers)
    assert response.status_code == 201, response.text
    cid: int = response.json()["items"][0]["id"]
    return cid


@pytest.fixture
def items(client: TestClient, auth_headers: Headers, centre: Centre) -> dict[str, int]:
    """A complaint with an agent and a group (城东区) and a report (城西区), both distributed,
    and a registered 12345 order left at intake."""
    coordinator = auth_headers(Role.coordinator)
    complaint = _register(
        client,
        coordinator,
        complaint_data(
            description="酸奶标价12元结账收15元，本人电话13800138000，身份证110101199001011234。",
            **AGENT,
        ).model_dump(mode="json", exclude_none=True),
    )
    report = _register(
        client,
        coordinator,
        report_data(submitter_id_number="110101199001011234").model_dump(
            mode="json", exclude_none=True
        ),
    )
    order = _register(
        client,
        coordinator,
        complaint_data(
            channel="transfer_12345",
            external_ref="GD20261123001",
            submitter_phone="13600136000",
            respondent_name='=HYPERLINK("http://x")',
            received_at="2026-11-22T16:30:00Z",
        ).model_dump(mode="json", exclude_none=True),
    )
    for cid in (complaint, report):
        done = client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=coordinator)
        assert done.status_code == 200, done.text
    return {"complaint": complaint, "report": report, "order": order}


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _export(client: TestClient, headers: dict[str, str], query: str = "") -> Any:
    return client.get(f"/api/v1/complaints/export?{query}", headers=headers)


def _by_ref(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["系统编号"]: r for r in rows}


def _refs(client: TestClient, headers: dict[str, str], query: str = "") -> list[str]:
    page = client.get(f"/api/v1/complaints?limit=500&{query}", headers=headers).json()
    return [i["ref"] for i in page["items"]]


def test_csv_is_utf8_with_bom_crlf_chinese_headers_and_masked_numbers(
    client: TestClient, auth_headers: Headers, items: dict[str, int]
) -> None:
    coordinator = auth_headers(Role.coordinator)
    response = _export(client, coordinator)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=complaints-")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= 4 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = _csv(response)
    assert list(rows[0]) == list(export.HEADERS)
    for header in ("登记编号", "诉求类型", "来源渠道", "登记时间", "投诉人/举报人", "联系电话"):
        assert header in rows[0]  # the bulk import's headers
    assert [r["系统编号"] for r in rows] == _refs(client, coordinator)  # queue order
    for number in FULL_NUMBERS:
        assert number.encode() not in raw  # a coordinator sees them in full elsewhere

    by_ref = _by_ref(rows)
    complaint = client.get(f"/api/v1/complaints/{items['complaint']}", headers=coordinator).json()
    row = by_ref[complaint["ref"]]
    assert row["诉求类型"] == "投诉" and row["来源渠道"] == "12315热线"
    assert row["办理状态"] == "已分送" and row["承办单位"] == "城东区局"
    assert row["投诉人/举报人"] == "张三" and row["联系电话"] == "138****8000"
    assert row["证件号码"] == "110***********1234" and row["证件类型"] == "居民身份证"
    assert row["代理人"] == "王律师" and row["代理人电话"] == "139****5678"
    assert row["代理人证件号码"] == "110***********5678" and row["投诉人数"] == "12"
    assert (row["代表人1"], row["代表人1电话"]) == ("赵一", "137****0001")
    assert (row["代表人2"], row["代表人2电话"]) == ("钱二", "137****0002")
    assert "138****8000" in row["问题描述"] and "110***********1234" in row["问题描述"]
    assert row["登记时间"] == "2026-11-23 09:30:00"  # T0 in Asia/Shanghai
    assert row["是否超期"] == "否" and row["紧急事件"] == "否"
    assert row["当前时限"] == "受理" and row["办理期限"] == complaint_due_day(complaint)
    assert row["剩余时间"] == f"{complaint['remaining_working_days']}个工作日"  # as the queue

    order = by_ref[
        client.get(f"/api/v1/complaints/{items['order']}", headers=coordinator).json()["ref"]
    ]
    assert order["来源渠道"] == "12345转办" and order["登记编号"] == "GD20261123001"
    assert order["登记时间"] == "2026-11-23 00:30:00" and order["办理状态"] == "已登记"
    assert order["被投诉人"] == '\'=HYPERLINK("http://x")'  # text, not a formula


def complaint_due_day(detail: dict[str, Any]) -> str:
    """The last local day of the complaint's running acceptance clock."""
    (clock,) = [c for c in detail["clocks"] if c["kind"] == "acceptance"]
    return str(clock["due_on"])


def test_the_reporter_is_hidden_from_roles_without_the_confidential_permission(
    client: TestClient, auth_headers: Headers, items: dict[str, int], session: Session
) -> None:
    coordinator = auth_headers(Role.coordinator)
    report_ref = client.get(f"/api/v1/complaints/{items['report']}", headers=coordinator).json()[
        "ref"
    ]
    full = _by_ref(_csv(_export(client, coordinator)))[report_ref]
    assert full["投诉人/举报人"] == "李四" and full["联系电话"] == "139****9000"
    assert full["证件号码"] == "110***********1234"

    for headers in (auth_headers(Role.duty_officer), auth_headers(Role.viewer)):
        hidden = _by_ref(_csv(_export(client, headers)))[report_ref]
        assert hidden["投诉人/举报人"] == "（保密）"
        assert hidden["联系电话"] == hidden["证件号码"] == hidden["证件类型"] == ""

    viewer_rows = _by_ref(_csv(_export(client, auth_headers(Role.viewer))))
    complaint_ref = client.get(
        f"/api/v1/complaints/{items['complaint']}", headers=coordinator
    ).json()["ref"]
    seen = viewer_rows[complaint_ref]
    assert seen["投诉人/举报人"] == "张*" and seen["代理人"] == "王**"
    assert (seen["代表人1"], seen["代表人1电话"]) == ("赵*", "137****0001")


def test_a_handler_exports_only_their_units_items(
    client: TestClient,
    auth_headers: Headers,
    items: dict[str, int],
    session: Session,
    centre: Centre,
) -> None:
    west = handler_headers(session, centre.west, "west-handler")
    rows = _csv(_export(client, west, "state=all"))
    report = client.get(f"/api/v1/complaints/{items['report']}", headers=west).json()
    assert [r["系统编号"] for r in rows] == [report["ref"]] == _refs(client, west, "state=all")
    assert rows[0]["投诉人/举报人"] == "（保密）" and rows[0]["联系电话"] == ""
    east = handler_headers(session, centre.east, "east-handler")
    (row,) = _csv(_export(client, east, "state=all"))
    assert row["投诉人/举报人"] == "张三" and row["代理人电话"] == "139****5678"
    assert _csv(_export(client, east, f"unit_id={centre.west_id}")) == []


@pytest.mark.parametrize(
    "query",
    [
        "type=report",
        "channel=transfer_12345",
        "status=distributed",
        "state=closed",
        "q=酸奶",
        "q=GD20261123",
        "district=城西区",
        "received_from=2026-11-23T00:00:00Z",
        "received_to=2026-11-23T00:00:00Z",
    ],
)
def test_the_queue_filters_are_honoured(
    client: TestClient, auth_headers: Headers, items: dict[str, int], query: str
) -> None:
    coordinator = auth_headers(Role.coordinator)
    exported = [r["系统编号"] for r in _csv(_export(client, coordinator, query))]
    assert exported == _refs(client, coordinator, query)
    assert 0 < len(exported) < 3 or query == "state=closed"


def test_xlsx_opens_with_openpyxl_and_holds_the_same_rows(
    client: TestClient, auth_headers: Headers, items: dict[str, int]
) -> None:
    coordinator = auth_headers(Role.coordinator)
    response = _export(client, coordinator, "format=xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith(".xlsx")
    for number in FULL_NUMBERS:
        assert number.encode() not in response.content
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None and sheet.title == "投诉举报"
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == export.HEADERS
    assert [r[0] for r in table[1:]] == _refs(client, coordinator)
    rows = [dict(zip(export.HEADERS, r, strict=True)) for r in table[1:]]
    order = next(r for r in rows if r["登记编号"] == "GD20261123001")
    assert str(order["登记时间"]) == "2026-11-23 00:30:00"  # a date cell, local time
    assert order["被投诉人"] == '=HYPERLINK("http://x")'
    cell = sheet.cell(
        row=[r[0] for r in table].index(order["系统编号"]) + 1,
        column=export.HEADERS.index("被投诉人") + 1,
    )
    assert cell.data_type == "s" and cell.quotePrefix  # text, not a formula
    assert order["联系电话"] == "136****6000"


def test_every_export_is_audited_with_its_filters_and_rows(
    client: TestClient, auth_headers: Headers, items: dict[str, int], session: Session
) -> None:
    response = _export(
        client, auth_headers(Role.leader), "format=xlsx&type=complaint&q=13800138000"
    )
    assert response.status_code == 200
    entry, end = sorted(list_entries(session, entity_type="complaint_export"), key=lambda e: e.seq)
    assert entry.action == "complaint.export" and entry.actor == "leader-user"
    assert entry.entity_id in response.headers["content-disposition"]
    assert entry.after is not None and "13800138000" not in entry.after
    after = json.loads(entry.after)
    assert after["format"] == "xlsx" and after["matched"] == 1  # the number is in its facts
    assert after["filters"] == {"item_type": "complaint", "state": "open", "text": "138****8000"}
    assert end.action == "complaint.export.end" and end.entity_id == entry.entity_id
    assert end.after is not None and json.loads(end.after)["rows"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("format=pdf", "format"),
        ("overdue=maybe", "overdue"),
        ("unit_id=0", "unit_id"),
        ("received_from=2026-11-23T00:00:00Z&received_to=2026-11-22T00:00:00Z", "received_to"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it_and_exports_nothing(
    client: TestClient,
    auth_headers: Headers,
    items: dict[str, int],
    session: Session,
    query: str,
    field: str,
) -> None:
    response = _export(client, auth_headers(Role.coordinator), query)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert list_entries(session, entity_type="complaint_export") == []


def test_more_items_than_an_export_holds_is_a_422_naming_the_period(
    items: dict[str, int], session: Session, clock: FakeClock
) -> None:
    viewer = viewer_for(session, role=Role.coordinator, user_id=1, name="coord")
    with pytest.raises(ValidationFailed) as refused:
        export.start(
            session,
            filters=queue.QueueFilter(state="all"),
            viewer=viewer,
            export_format=ExportFormat.csv,
            actor="coord",
            now=clock.now(),
            max_rows=2,
        )
    assert refused.value.errors[0].field == "received_from"
    assert "3 items match" in refused.value.errors[0].reason
    assert list_entries(session, entity_type="complaint_export") == []


def test_rows_are_loaded_one_batch_at_a_time_in_queue_order(
    items: dict[str, int], session: Session, clock: FakeClock, settings: Settings
) -> None:
    viewer = viewer_for(session, role=Role.coordinator, user_id=1, name="coord")
    started = export.start(
        session,
        filters=queue.QueueFilter(state="all"),
        viewer=viewer,
        export_format=ExportFormat.csv,
        actor="coord",
        now=clock.now(),
    )
    session.expunge_all()
    cal = load_calendar(session)

    def rows(batch: int) -> list[list[export.Value]]:
        return list(
            export.rows(
                session, started, viewer, cal=cal, now=clock.now(), tz=settings.tz, batch=batch
            )
        )

    assert rows(1) == rows(export.BATCH) and len(rows(2)) == 3
    assert not any(isinstance(o, Complaint) for o in session.identity_map.values())


def test_the_export_is_in_the_openapi_document(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/complaints/export"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"format", "status", "type", "q", "received_from", "unit_id"} <= names
    assert set(operation["responses"]["200"]["content"]) >= {"text/csv; charset=utf-8"}


def test_a_number_typed_into_the_title_is_masked_everywhere_the_title_goes(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    """Intake often starts the title with who called: the title is in every list, export,
    the handling unit's reminder SMS and Open311, so its numbers are masked as the text's."""
    coordinator = auth_headers(Role.coordinator)
    cid = _register(
        client,
        coordinator,
        complaint_data(title="张三13800138000反映超市多收钱，身份证110101199001011234").model_dump(
            mode="json", exclude_none=True
        ),
    )
    raw = _export(client, coordinator).content
    assert b"13800138000" not in raw and b"110101199001011234" not in raw
    for role in (Role.coordinator, Role.viewer):
        title = client.get(f"/api/v1/complaints/{cid}", headers=auth_headers(role)).json()["title"]
        assert title.startswith("张三138****8000反映") and "110101199001011234" not in title
