"""Bulk import and statistics over HTTP: multipart upload of CSV and .xlsx (200 with the row
report, 413 / 415 / 422 for the file as a whole, 403 by role, dry run) and the statistics
endpoint (period in local dates, the definitions served, a handler limited to their unit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import importer
from core.users import Role
from tests import complaint_io_helpers as files
from tests.complaint_helpers import Centre, handler_headers, make_centre

Headers = Callable[[Role], dict[str, str]]
IMPORT = "/api/v1/complaints/import"
STATS = "/api/v1/complaints/stats"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _upload(
    client: TestClient,
    headers: dict[str, str],
    content: bytes,
    name: str = "导出.csv",
    **form: str,
) -> Any:
    return client.post(IMPORT, files={"file": (name, content)}, data=form, headers=headers)


def test_upload_reports_each_bad_row_and_imports_the_good_ones(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    staff = auth_headers(Role.coordinator)
    dry = _upload(client, staff, files.xlsx_bytes(), "导出.xlsx", dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] and dry.json()["imported"] == 4
    assert client.get("/api/v1/complaints", headers=staff).json()["total"] == 0

    response = _upload(client, staff, files.csv_bytes(encoding="gb18030"), encoding="gb18030")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["duplicates"], report["invalid"]) == (4, 1, 3)
    assert report["file_format"] == "csv" and report["encoding"] == "gb18030"
    bad = {r["row"]: r["errors"] for r in report["results"] if r["status"] == "invalid"}
    assert bad[5] == [
        {"field": "channel", "column": "来源渠道", "reason": "unknown channel '飞鸽传书'"}
    ]
    queue = client.get("/api/v1/complaints", headers=staff).json()
    assert queue["total"] == 5
    assert queue["items"][0]["is_emergency"]  # the lift row sorts first
    again = _upload(client, staff, files.csv_bytes())
    assert again.json()["imported"] == 0 and again.json()["duplicates"] == 5


def test_file_level_errors(
    client: TestClient, auth_headers: Headers, centre: Centre, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = auth_headers(Role.coordinator)
    missing = _upload(client, staff, "姓名,电话\n张三,138\n".encode())
    assert missing.status_code == 422
    assert missing.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in missing.json()["errors"]} == {"item_type", "channel", "description"}
    xls = _upload(client, staff, b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old.xls")
    assert xls.status_code == 415 and "xlsx" in xls.json()["detail"]
    broken = _upload(client, staff, b"PK\x03\x04 broken", "x.xlsx")
    assert broken.status_code == 422 and broken.json()["errors"][0]["field"] == "file"
    bomb = files.xlsx_bomb()  # 64 MiB of shared strings in a few hundred KB
    assert len(bomb) < importer.MAX_BYTES
    refused = _upload(client, staff, bomb, "bomb.xlsx")
    assert (
        refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    )
    (error,) = refused.json()["errors"]
    assert error["field"] == "file" and "unpacks to more than 50 MiB" in error["reason"]
    bad_source = _upload(client, staff, files.csv_bytes(), source="no spaces please")
    assert bad_source.status_code == 422
    monkeypatch.setattr(importer, "MAX_BYTES", 1024)
    large = _upload(client, staff, files.csv_bytes())
    assert large.status_code == 413 and large.json()["code"] == "payload_too_large"
    assert client.post(IMPORT, headers=staff).status_code == 422  # no file at all


def test_only_intake_roles_import(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    for role in (Role.viewer, Role.handler, Role.leader):
        denied = _upload(client, auth_headers(role), files.csv_bytes())
        assert denied.status_code == 403, role


def test_statistics_over_http(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    assert _upload(client, auth_headers(Role.coordinator), files.csv_bytes()).status_code == 200
    params = {"from": "2026-11-01", "to": "2026-11-30"}
    response = client.get(STATS, params=params, headers=auth_headers(Role.leader))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["end"], body["timezone"]) == (
        "2026-11-01",
        "2026-11-30",
        "Asia/Shanghai",
    )
    assert body["total"] == 5 and body["emergencies"] == 1
    assert {r["key"]: r["count"] for r in body["by_type"]} == {"complaint": 2, "report": 3}
    assert {r["key"]: r["count"] for r in body["by_channel"]} == {
        "hotline_12315": 2,
        "platform_12315": 3,
    }
    figures = {f["name"]: f for f in body["figures"]}
    assert figures["mediation_success"]["label"] == "调解成功率"
    assert "rejected ones included" in figures["mediation_success"]["definition"]
    # received Fri 11-20 to Sun 11-22: distribution is due by the end of Mon 11-23, so at
    # 09:30 that Monday no clock has run out or been met: nothing to rate yet
    distribution = figures["on_time_distribution"]
    assert (distribution["numerator"], distribution["denominator"]) == (0, 0)
    assert distribution["rate"] is None
    default = client.get(STATS, headers=auth_headers(Role.viewer)).json()
    assert (default["start"], default["end"]) == ("2026-11-01", "2026-11-23")  # month so far
    october = client.get(
        STATS, params={"from": "2026-10-01", "to": "2026-10-31"}, headers=auth_headers(Role.viewer)
    )
    assert october.json()["total"] == 0

    west = handler_headers(session, centre.west, "west-handler")
    own = client.get(STATS, params=params, headers=west).json()
    assert own["total"] == 1  # the report routed to 城西区 only
    other = client.get(STATS, params=params | {"unit_id": str(centre.east_id)}, headers=west)
    assert other.status_code == 403
    reversed_period = client.get(
        STATS, params={"from": "2026-11-30", "to": "2026-11-01"}, headers=auth_headers(Role.leader)
    )
    assert reversed_period.status_code == 422
    assert reversed_period.json()["errors"][0]["field"] == "to"
    assert client.get(STATS, headers=auth_headers(Role.planner)).status_code == 403
    docs = client.get("/openapi.json").json()
    description = docs["paths"][STATS]["get"]["description"]
    assert "按时受理率" in description and "调解成功率" in description


@pytest.mark.parametrize("amount", ["1e999999", "NaN", "-Infinity", "-3"])
def test_a_bad_amount_invalidates_its_row_only(
    client: TestClient, auth_headers: Headers, centre: Centre, amount: str
) -> None:
    good = files.ROWS[0]
    bad = [*good[:12], amount, *good[13:]]
    bad[0] = "A999"
    response = _upload(client, auth_headers(Role.coordinator), files.csv_bytes([bad, good]))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["invalid"]) == (1, 1)
    (invalid,) = [r for r in report["results"] if r["status"] == "invalid"]
    assert invalid["row"] == 2
    assert [(e["field"], e["column"]) for e in invalid["errors"]] == [
        ("amount_cents", "金额（元）")
    ]


AGENT_HEADERS = ["代理人", "代理人电话", "代理人证件号码", "授权委托书", "授权委托书收到日期"]
GROUP_HEADERS = ["投诉人数", "代表人1姓名", "代表人1电话", "代表人2姓名", "代表人2电话"]


def test_agent_and_group_columns_import_and_a_bad_row_is_named(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    import csv
    import io

    agent = ["王律师", "13912345678", "110101198001015678", "是", "2026/11/20"]
    group = ["12", "赵一", "13700000001", "钱二", "13700000002"]
    rows = [
        ["B001", *files.ROWS[0][1:], *agent, *group],
        ["B002", *files.ROWS[0][1:], *agent[:3], "否", "2026/11/20", *group],
        ["B003", *files.ROWS[0][1:], *agent, *group[:4], "1370000000x"],
        ["B004", *files.ROWS[0][1:], "", "13912345678", "", "", "", "", "", "", "", ""],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([[*files.HEADERS, *AGENT_HEADERS, *GROUP_HEADERS], *rows])
    staff = auth_headers(Role.coordinator)
    response = _upload(client, staff, out.getvalue().encode())
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["invalid"]) == (1, 3)
    assert report["ignored_columns"] == ["备注"]
    bad = {r["row"]: r["errors"] for r in report["results"] if r["status"] == "invalid"}
    assert [(e["field"], e["column"]) for e in bad[3]] == [
        ("agent_poa_received", "授权委托书")  # a day of receipt with 否
    ]
    assert [(e["field"], e["column"]) for e in bad[4]] == [
        ("representatives.1.phone", "代表人2电话")
    ]
    assert [(e["field"], e["column"]) for e in bad[5]] == [("agent_name", "代理人")]

    (imported,) = [r for r in report["results"] if r["status"] == "imported"]
    found = client.get("/api/v1/complaints", params={"q": imported["refs"][0]}, headers=staff)
    (row,) = found.json()["items"]
    item = client.get(f"/api/v1/complaints/{row['id']}", headers=staff).json()
    assert item["agent_name"] == "王律师" and item["agent_phone"] == "+8613912345678"
    assert item["agent_poa_received"] and item["agent_poa_date"] == "2026-11-20"
    assert item["group_size"] == 12
    assert [r["name"] for r in item["representatives"]] == ["赵一", "钱二"]
