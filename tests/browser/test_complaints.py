"""A coordinator registers a complaint from the keyboard (field errors from the API's problem
shown beside the fields first, the suggested classification while typing), distributes it to
the 城东区 bureau from the detail page; the demo `handler` of that bureau signs for it from
the unit inbox, and the new state shows on the detail page of both. The queue and the detail
page are watched for console errors and failed requests like every page."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from api import demo_complaints
from core.db import make_engine
from tests.browser.conftest import LiveServer, shot, sign_in
from tests.e2e.conftest import Database

EAST_BUREAU = "城东区市场监督管理局"


@pytest.fixture(autouse=True)
def demo_items(e2e_database: Database) -> None:
    """The demo's complaints (`make run` seeds them; the e2e template leaves them out),
    seeded into this test's copy before the server (and its ticks) start."""
    engine = make_engine(e2e_database.url)
    try:
        with Session(engine) as session:
            assert demo_complaints.seed_complaints(session, now=datetime.now(UTC)) > 0
    finally:
        engine.dispose()


def test_register_distribute_and_sign_for_a_complaint(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    sign_in(page, "coordinator")
    page.goto("/complaints")
    expect(page.locator("#complaint-table tbody tr[data-complaint]").first).to_be_visible()
    first_rows = page.locator("#complaint-table tbody tr[data-complaint]")
    assert first_rows.count() > 5  # the demo's items
    expect(page.locator("#complaint-table .due.overdue").first).to_be_visible()  # red
    shot(page, "complaint-queue")

    page.get_by_role("link", name="登记投诉", exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/complaints/new")
    expect(page.locator('select[name="item_type"]')).to_be_focused()  # autofocus
    keyboard = page.keyboard
    keyboard.press("Tab")  # channel: 12315 hotline
    keyboard.press("Tab")  # order number
    keyboard.press("Tab")  # title (left empty)
    keyboard.press("Tab")
    keyboard.type("在城东区幸福路88号好再来超市买的酸奶已过保质期三天，超市拒绝退换。")
    preview = page.locator("#classify-preview")
    expect(preview).to_have_attribute("data-domain", "food")
    expect(preview).to_contain_text("食品")

    # sent too early: the API's 422 names each missing field, shown beside it
    guard.allow(422)
    keyboard.press("Control+Enter")
    expect(page.locator('[data-field="claim"] .ferror')).not_to_be_empty()
    expect(page.locator('[data-field="submitter_phone"] .ferror')).not_to_be_empty()
    expect(page.locator('[data-field="respondent_name"]')).to_have_class(re.compile("invalid"))
    summary = page.locator("#complaint-form .form-status")
    expect(summary).to_have_class(re.compile("error"))
    # the summary names the submitter's fields as the submitter's (a bare "地址" could be any)
    expect(summary).to_contain_text("投诉举报人电话")
    expect(summary).to_contain_text("投诉举报人地址")
    expect(summary).to_contain_text("经营者名称")

    page.fill('textarea[name="claim"]', "退货并按规定赔偿")
    page.fill('input[name="submitter_name"]', "赵女士")
    page.fill('input[name="submitter_phone"]', "13912345678")
    page.fill('input[name="submitter_address"]', "城西区和平路1号")
    page.fill('input[name="respondent_name"]', "好再来超市有限公司")
    page.fill('input[name="respondent_address"]', "城东区幸福路88号")
    shot(page, "complaint-new")
    with page.expect_navigation():
        page.locator('input[name="respondent_address"]').press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/complaints/\d+$"))
    detail_url = page.url
    expect(page.locator("#complaint-status")).to_have_attribute("data-status", "registered")
    expect(page.locator("#complaint-domain")).to_contain_text("食品")
    # codes in the routing and history notes are shown by their labels
    codes = re.compile(r"[a-z][a-z_+]{3,}")
    expect(page.locator("#complaint-routing")).not_to_contain_text(codes)
    expect(page.locator('#complaint-history li[data-event="register"]')).to_contain_text(
        "12315热线 登记"
    )
    expect(page.locator("#complaint-history li .muted").first).not_to_contain_text(codes)
    ref = page.locator("h1 .code").inner_text()

    distribute = page.locator('form[data-action-name="distribute"]')
    distribute.locator('select[name="unit_id"]').select_option(label=EAST_BUREAU)
    with page.expect_navigation():
        distribute.get_by_role("button").click()
    expect(page.locator("#complaint-status")).to_have_attribute("data-status", "distributed")
    expect(page.locator("#complaint-unit")).to_have_text(EAST_BUREAU)
    expect(page.locator('#complaint-history li[data-event="distribute"]')).to_be_visible()

    inbox, _ = open_page()
    sign_in(inbox, "handler")
    expect(inbox).to_have_url(f"{live_server.url}/complaints/inbox")
    row = inbox.locator("#inbox-table tbody tr", has_text=ref)
    expect(row).to_have_attribute("data-status", "distributed")
    shot(inbox, "complaint-inbox")
    with inbox.expect_navigation():
        row.locator('form[data-action-name="sign_for"] button').click()
    row = inbox.locator("#inbox-table tbody tr", has_text=ref)
    expect(row).to_have_attribute("data-status", "pending_acceptance")
    row.get_by_role("link", name=ref).click()
    expect(inbox.locator("#complaint-status")).to_have_attribute(
        "data-status", "pending_acceptance"
    )
    expect(inbox.locator('form[data-action-name="accept"]')).to_be_visible()
    expect(inbox.locator('form[data-action-name="distribute"]')).to_have_count(0)

    page.goto(detail_url)
    expect(page.locator("#complaint-status")).to_have_text("待受理")
    history = page.locator('#complaint-history li[data-event="sign_for"]')
    expect(history).to_contain_text(live_server.person_of("handler").name)  # not the login
    shot(page, "complaint-detail")
    with live_server.api("viewer") as api:
        item_id = int(detail_url.rsplit("/", 1)[1])
        assert api.get(f"/api/v1/complaints/{item_id}").json()["status"] == "pending_acceptance"


@pytest.mark.parametrize(
    ("locale", "suggested"),
    [
        ("zh-CN", "特种设备（依据：电梯） · 紧急程度：紧急 · "),
        ("en", "Special equipment (evidence: 电梯) · Urgency: Emergency · "),
    ],
)
def test_the_suggested_classification_is_punctuated_in_the_pages_language(
    open_page: Any, locale: str, suggested: str
) -> None:
    """The Chinese preview read "特种设备 (依据: 电梯) · 紧急程度: 紧急", English brackets and
    colons inside Chinese words."""
    page, _ = open_page(locale)
    if locale == "en":
        page.goto("/lang/en?next=/login")
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    page.fill('textarea[name="description"]', "阳光小区5号楼电梯困人，一名孕妇被困。")
    preview = page.locator("#classify-preview")
    expect(preview).to_have_attribute("data-urgency", "emergency")
    text = preview.locator(".preview-text")
    expect(text).to_contain_text(suggested)
    expect(text).to_contain_text("（困人、被困）" if locale == "zh-CN" else "(困人、被困)")


def test_handler_reports_a_result_and_bad_input_stays_beside_the_field(
    open_page: Any, live_server: LiveServer
) -> None:
    """In the demo handler's inbox: returning an item without a reason or replying to the
    12345 order its unit signed for without a result is refused beside the field, replying
    with a result moves it on and out of the inbox. (A 12345 order past its return window
    offers no Return: the item returned here is the first that does.)"""
    page, guard = open_page()
    sign_in(page, "handler")
    rows = page.locator("#inbox-table tbody tr[data-complaint]")
    expect(rows.first).to_be_visible()
    item_row = rows.filter(has=page.locator('form[data-action-name="reply"]')).first
    reply = item_row.locator('form[data-action-name="reply"]')
    expect(reply).to_be_visible()
    item_id = item_row.get_attribute("data-complaint")
    give_back = rows.locator('form[data-action-name="return_to_intake"]').first
    guard.allow(422)
    give_back.get_by_role("button").click()
    expect(give_back.locator('[data-field="reason"] .ferror')).not_to_be_empty()
    reply.get_by_role("button").click()  # 回复 with 办理结果 empty
    expect(reply.locator('[data-field="result"] .ferror')).not_to_be_empty()
    expect(item_row).to_be_visible()
    reply.locator('textarea[name="result"]').fill("已联系商户整改，答复市民")
    # an amount as people write it: thousands separators, full-width digits and comma
    reply.locator('input[name="amount_recovered_cents"]').fill("１，２００.５")
    with page.expect_navigation():
        reply.get_by_role("button").click()
    expect(page.locator(f'#inbox-table tr[data-complaint="{item_id}"]')).to_have_count(0)
    page.goto(f"/complaints/{item_id}")
    expect(page.locator("#complaint-status")).to_have_attribute("data-status", "replied")
    expect(page.locator("#complaint-facts")).to_contain_text("已联系商户整改")
    expect(page.locator("#complaint-facts")).to_contain_text("¥1200.50")


def test_a_unit_returning_an_item_from_its_page_lands_in_its_inbox(
    open_page: Any, live_server: LiveServer
) -> None:
    """Returning an item from its own page reloaded that page, which the unit may no longer
    see: the handler landed on a 404 ("not found"). The inbox follows the return instead."""
    page, _ = open_page()
    sign_in(page, "handler")
    rows = page.locator("#inbox-table tbody tr[data-complaint]")
    expect(rows.first).to_be_visible()
    returnable = rows.filter(has=page.locator('form[data-action-name="return_to_intake"]'))
    item_id = returnable.first.get_attribute("data-complaint")
    page.goto(f"/complaints/{item_id}")
    give_back = page.locator('form[data-action-name="return_to_intake"]')
    give_back.locator('input[name="reason"]').fill("不属本局管辖")
    with page.expect_navigation():
        give_back.get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/complaints/inbox")
    expect(page.locator(f'#inbox-table tr[data-complaint="{item_id}"]')).to_have_count(0)
    with live_server.api("coordinator") as api:
        item = api.get(f"/api/v1/complaints/{item_id}").json()
    assert item["status"] in ("registered", "returned")
    assert item["history"][-1]["action"] == "return_to_intake"


def test_filter_forms_with_all_choices_filter_nothing(open_page: Any) -> None:
    """Every filter form's "全部" (All) is an empty value: it means no filter, never a 422."""
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/complaints")
    total = page.locator("#complaint-total").inner_text()
    with page.expect_navigation():
        page.click('#queue-filters button[type="submit"]')  # everything on 全部
    expect(page).to_have_url(re.compile(r"status=&type=&domain=&unit_id=&overdue="))
    expect(page.locator("#complaint-total")).to_have_text(total)
    page.select_option('select[name="overdue"]', "true")  # 已超期, the rest on 全部
    with page.expect_navigation():
        page.click('#queue-filters button[type="submit"]')
    expect(page.locator("h1")).to_contain_text("投诉工作台")
    expect(page.locator('select[name="overdue"]')).to_have_value("true")
    for path in ("/incidents", "/warnings"):
        page.goto(path)
        with page.expect_navigation():
            page.click('form.filters button[type="submit"]')
        expect(page).to_have_url(re.compile(r"status="))
        expect(page.locator("form.filters")).to_be_visible()


def test_a_12345_order_about_utilities_and_the_queue_exported(
    open_page: Any, live_server: LiveServer
) -> None:
    """The utilities box appears for a 12345 order only and is sent ticked; the queue's
    Export CSV link downloads the filtered queue."""
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/complaints/new")
    box = page.locator("#utility-field")
    expect(box).to_be_hidden()
    page.select_option('select[name="channel"]', "transfer_12345")
    expect(box).to_be_visible()
    page.check('input[name="utility"]')
    page.fill('input[name="external_ref"]', "GD20261200001")
    page.fill('textarea[name="description"]', "幸福路88号好再来超市冷柜断电，冻品化冻后继续销售。")
    page.fill('textarea[name="claim"]', "要求商户整改")
    page.fill('input[name="submitter_phone"]', "13912345678")
    page.fill('input[name="respondent_name"]', "好再来超市有限公司")
    page.fill('input[name="respondent_address"]', "城东区幸福路88号")
    with page.expect_navigation():
        page.locator('input[name="respondent_address"]').press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/complaints/\d+$"))
    expect(page.locator("#complaint-utility")).to_be_visible()

    page.goto("/complaints?q=GD20261200001")
    with page.expect_download() as info:
        page.click("#export-csv")
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and content.endswith(b"\r\n")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    assert row["登记编号"] == "GD20261200001" and row["来源渠道"] == "12345转办"
    assert row["水电气热"] == "是" and row["联系电话"] == "139****5678"
