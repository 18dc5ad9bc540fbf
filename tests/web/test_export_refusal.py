"""The queue's export asked from the page (`/complaints/export`, web/complaint_export.py): more
items than one export holds is the translated HTML error page naming the count and the limit;
the API (`/api/v1/complaints/export`) keeps its problem JSON."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import CSRF_HEADER
from complaints import export
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import complaint_data, make_centre
from tests.conftest import TEST_PASSWORD, make_user


@pytest.fixture
def signed_in(client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> str:
    """A coordinator signed in, three items registered, and one export holding at most two;
    returns the page's CSRF token."""
    make_centre(session)
    make_user(session, role=Role.coordinator, username="export-coord")
    client.post("/login", data={"username": "export-coord", "password": TEST_PASSWORD})
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/").text)
    assert token is not None
    for n in range(3):
        body = complaint_data(description=f"第{n}条：超市标价与结算价格不一致。")
        created = client.post(
            "/api/v1/complaints",
            json=body.model_dump(mode="json", exclude_none=True),
            headers={CSRF_HEADER: token.group(1)},
        )
        assert created.status_code == 201, created.text
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    return token.group(1)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh_CN", "共有 3 条符合条件，一次导出最多 2 条：请缩小受理时间范围或增加其他筛选条件"),
        ("en", "3 items match and one export holds at most 2: narrow the period or another filter"),
    ],
)
def test_an_export_too_large_asked_from_the_page_is_a_translated_error_page(
    client: TestClient, session: Session, signed_in: str, lang: str, expected: str
) -> None:
    client.cookies.set("dutydesk_lang", lang)
    page = client.get("/complaints/export?state=all&format=xlsx")
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    section = page.text.split('class="card narrow error-page"')[1].split("</section>")[0]
    assert expected in section
    assert {"zh_CN": "请求未被受理", "en": "The request was refused"}[lang] in section
    assert list_entries(session, entity_type="complaint_export") == []


def test_the_api_keeps_its_problem_json_with_the_count_and_the_limit(
    client: TestClient, signed_in: str
) -> None:
    refused = client.get("/api/v1/complaints/export?state=all")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    (error,) = refused.json()["errors"]
    assert error["field"] == "received_from" and error["type"] == "export_too_large"
    assert error["ctx"] == {"total": 3, "limit": 2}
    assert error["reason"].startswith("3 items match and one export holds at most 2")


def test_within_the_limit_the_page_address_downloads_the_export(
    client: TestClient, session: Session, signed_in: str
) -> None:
    download = client.get("/complaints/export?state=all&q=第1条")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment; filename=complaints-")
    lines = download.content.decode("utf-8-sig").split("\r\n")
    assert len(lines) == 3 and "第1条" in lines[1]  # header, one row, the final line break
    actions = {e.action for e in list_entries(session, entity_type="complaint_export")}
    assert actions == {"complaint.export", "complaint.export.end"}  # audited as from the API


def test_signed_out_the_page_address_sends_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/complaints/export?state=all", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
