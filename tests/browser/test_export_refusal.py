"""The queue's Export link when more items match than one export holds: the browser lands on
the translated error page naming the count and the limit (not the API's English JSON), and
Back returns to the queue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from complaints import export
from tests.browser.conftest import LiveServer, sign_in
from tests.complaint_helpers import complaint_data


def test_an_export_of_too_many_items_shows_the_translated_refusal(
    open_page: Any, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with live_server.api("coordinator") as api:
        for n in range(2):
            body = complaint_data(description=f"第{n}条：超市标价与结算价格不一致。")
            created = api.post(
                "/api/v1/complaints", json=body.model_dump(mode="json", exclude_none=True)
            )
            assert created.status_code == 201, created.text
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "coordinator")
    page.goto("/complaints?state=all")
    with page.expect_navigation():
        page.click("#export-xlsx")
    error = page.locator(".error-page")
    expect(error.locator("h1")).to_have_text("请求未被受理")
    expect(error).to_contain_text("共有 2 条符合条件，一次导出最多 1 条")
    expect(error).not_to_contain_text("items match")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/complaints\?state=all$"))
    expect(page.locator("#export-csv")).to_be_visible()
