"""Error pages and the problems page scripts show are worded in the page's language: a
Chinese page never shows the API's English detail (web/problem_text.py)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.conftest import TEST_PASSWORD, make_user
from web.problem_text import CODES, DETAILS, describe, texts

I18N = re.compile(r'<script type="application/json" id="dd-i18n">(.*?)</script>', re.S)


def _sign_in(client: TestClient, session: Session, role: Role) -> None:
    make_user(session, role=role, username=f"err-{role.value}")
    response = client.post(
        "/login",
        data={"username": f"err-{role.value}", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_a_missing_record_page_is_worded_in_chinese(client: TestClient, session: Session) -> None:
    _sign_in(client, session, Role.planner)
    page = client.get("/rosters/999999")
    assert page.status_code == 404 and 'data-status="404"' in page.text
    assert "值班表 999999 不存在或已被删除" in page.text
    assert "not found" not in page.text

    client.get("/lang/en?next=/")
    english = client.get("/rosters/999999").text
    assert "Roster 999999 does not exist or was removed" in english


@pytest.mark.parametrize(
    ("status", "code", "detail", "chinese"),
    [
        (404, "not_found", "demand 3 of unit 4 not found", "您请求的内容不存在或已被删除"),
        (409, "conflict", "shift type 'D' already exists in this unit", "记录当前状态下不能执行"),
        (409, "concurrent_change", "another change … try again", "他人同时修改了相同的记录"),
        (409, "conflict", "the unit still has sub-units", "该单位仍有下级单位"),
        (
            409,
            "plan_needed",
            "other/I incidents would have no plan: keep an active plan of that category or of "
            "'other' at that level or a more severe one",
            "将有一类事件没有任何预案",
        ),
        (403, "forbidden", "a swap is approved by someone other than the two", "您的角色无权"),
        (403, "csrf_failed", "CSRF token missing", "安全"),
        (422, "infeasible", "hard rule 'rest' cannot hold", "没有满足全部硬性规则的排班"),
        (418, "teapot", "short and stout", "请求失败"),
    ],
)
def test_problems_are_worded_for_the_page(
    status: int, code: str, detail: str, chinese: str
) -> None:
    worded = describe("zh_CN", status=status, code=code, detail=detail)
    assert chinese in worded and not re.search(r"[A-Za-z]{3}", worded)
    # the English page keeps a detail nothing better is known for: it says more
    english = describe("en", status=status, code=code, detail=detail)
    assert english == DETAILS.get(detail, english) or english == detail


def test_pages_give_their_script_the_problem_texts(client: TestClient, session: Session) -> None:
    _sign_in(client, session, Role.planner)
    match = I18N.search(client.get("/planner/people").text)
    assert match is not None
    problems = json.loads(match.group(1))["problems"]
    assert problems == texts("zh_CN") and problems["keep_detail"] is False
    assert set(problems["codes"]) == set(CODES)
    assert problems["details"]["the unit still has sub-units"] == "该单位仍有下级单位"


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/rosters/1%00", True),
        ("/incidents?q=a%00b", True),
        ("/%00", True),
        ("/api/v1/units?q=a%00b", False),
        ("/api/v1/%00", False),
    ],
)
def test_a_nul_in_the_address_gets_the_error_page_on_pages_and_a_problem_on_the_api(
    client: TestClient, url: str, page: bool
) -> None:
    # refused before routing and before signing in: a page gets the translated HTML page
    response = client.get(url, headers={"X-Request-ID": "nul-1"})
    assert response.status_code == 400
    assert response.headers["x-request-id"] == "nul-1"
    if page:
        assert response.headers["content-type"].startswith("text/html")
        assert 'data-status="400"' in response.text
        section = response.text.split('class="card narrow error-page"')[1].split("</section>")[0]
        assert "地址中含有不允许的字符" in section and "NUL" not in section
        assert "\x00" not in response.text
        client.cookies.set("dutydesk_lang", "en")
        english = client.get(url)
        assert "NUL characters are not allowed in the URL" in english.text
    else:
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "nul_character" and body["request_id"] == "nul-1"
        assert body["errors"] == [{"field": "url", "reason": "must not contain NUL characters"}]
