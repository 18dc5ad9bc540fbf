"""Leadership pages for analysis reports and early warnings: generate a monthly report and
download its PDF and HTML; see a warning raised by a surge, open its evidence, acknowledge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlmodel import Session

from complaints.vocab import Domain
from core.db import writer
from tests.browser.conftest import LiveServer, shot, sign_in
from tests.e2e.conftest import CENTRE_TZ
from tests.insight_rows import insert_rows, row, rule_set_id


def test_generate_and_download_a_report(open_page: Any, live_server: LiveServer) -> None:
    page, _ = open_page()
    sign_in(page, "leader")
    page.goto("/reports")
    form = page.locator("#report-form")
    form.locator('select[name="kind"]').select_option("monthly")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    row_ = page.locator("#report-table tbody tr").first
    expect(row_).to_contain_text("月报")
    expect(row_).to_contain_text("已生成")
    with page.expect_download() as pdf_download:
        row_.locator("a.dl-pdf").click()
    pdf = Path(pdf_download.value.path())
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_download.value.suggested_filename.startswith("dutydesk-monthly-")
    with page.expect_download() as html_download:
        row_.locator("a.dl-html").click()
    assert "投诉举报分析月报" in Path(html_download.value.path()).read_text(encoding="utf-8")
    shot(page, "reports")


def _surge(live_server: LiveServer) -> None:
    today = live_server.clock.now().astimezone(CENTRE_TZ).date()
    with Session(writer(live_server.engine), expire_on_commit=False) as session:  # BEGIN IMMEDIATE
        rule_set = rule_set_id(session, now=live_server.clock.now())
        rows, n = [], 0
        for back in range(70, 0, -1):
            day = today - timedelta(days=back)
            surge = back <= 3
            for i in range(30 if surge else (2 if day.weekday() >= 5 else 4)):
                n += 1
                at = datetime(day.year, day.month, day.day, 9 + i % 8, tzinfo=CENTRE_TZ)
                rows.append(
                    row(
                        n,
                        at.astimezone(UTC),
                        rule_set=rule_set,
                        domain=Domain.cosmetics,
                        respondent=f"美妆店{n % 30}",
                        title="网购化妆品过敏",
                        prefix="BW",
                    )
                )
        insert_rows(session, rows)
        session.commit()


def test_a_surge_shows_up_as_a_warning(open_page: Any, live_server: LiveServer) -> None:
    _surge(live_server)
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/warnings")
    page.locator("#run-detection").click()
    table = page.locator("#warning-table tbody")
    expect(table).to_contain_text("化妆品")
    said = page.locator(".pagehead .action-status")
    expect(said).to_have_text(
        re.compile(r"^检测完成：新增 [1-9]\d* 条预警；0 条已有预警再次检测到并已更新$")
    )
    page.locator("#run-detection").click()  # the same days again: nothing new
    expect(said).to_have_text(
        re.compile(r"^检测完成：新增 0 条预警；[1-9]\d* 条已有预警再次检测到并已更新$")
    )
    warning = table.locator("tr", has_text="化妆品").first
    expect(warning.locator(".level")).to_have_text("红色")
    with page.expect_navigation():
        warning.locator("a").first.click()
    expect(page.locator("#warning-title")).to_contain_text("化妆品")
    expect(page.locator("svg.chart")).to_have_count(1)
    expect(page.locator("#warning-items tbody tr").first).to_contain_text("BW")
    shot(page, "warning-detail")
    page.get_by_role("button", name="确认").first.click()
    expect(page.locator("#warning-status")).to_contain_text("已确认")
    page.goto("/dashboard")
    expect(page.locator("#open-warnings")).not_to_have_text("0")
