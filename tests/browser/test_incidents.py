"""A coordinator logs an urgent incident with the keyboard only, the dispatcher pages the
duty officer into the outbox, a reply there acknowledges it and the incident's timeline
updates live; the initial report to superiors recorded on the page meets its clock; a duty
officer acknowledges another from "My duty"."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveServer, shot, sign_in


def test_log_incident_by_keyboard_and_acknowledge_from_the_outbox(
    open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/incidents/new")
    expect(page.locator('select[name="category"]')).to_be_focused()  # autofocus
    keyboard = page.keyboard
    keyboard.press("ArrowDown")  # 特种设备
    keyboard.press("Tab")
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")  # II 重大
    keyboard.press("Tab")
    keyboard.type("城东区万达广场3号梯")
    keyboard.press("Tab")
    keyboard.type("王女士")
    keyboard.press("Tab")
    keyboard.type("13912345678")
    keyboard.press("Tab")  # the title is left empty: category · place
    keyboard.press("Tab")
    keyboard.type("电梯困人，2人被困约10分钟")
    shot(page, "incident-new")
    with page.expect_navigation():
        keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/incidents/\d+$"))
    expect(page.locator("h1")).to_contain_text("特种设备 · 城东区万达广场3号梯")
    expect(page.locator("#incident-status")).to_have_attribute("data-status", "open")
    code = page.locator("h1 .code").inner_text().lstrip("#")

    # the dispatcher tick pages the on-duty officer; the page shows it without a reload
    duty_officer = live_server.person_of("duty_officer")
    pages = page.locator("#pages tbody tr[data-notification]")
    expect(pages.first).to_be_visible()
    expect(page.locator("#pages")).to_contain_text(duty_officer.name)
    expect(page.locator('#timeline li[data-kind="page"]').first).to_be_visible()
    # the stored English phrases read in Chinese, people by name
    expect(page.locator('#timeline li[data-kind="opened"]')).to_contain_text("— 预案：")
    expect(page.locator('#timeline li[data-kind="page"]').first).to_contain_text(
        f"短信发给 {duty_officer.name}"
    )
    expect(page.locator("#timeline")).to_contain_text("轮开始（值班：值班员）")
    expect(page.locator("#timeline")).not_to_contain_text("person ")
    expect(page.locator("#pages")).to_contain_text("已存入发件箱")

    outbox, _ = open_page()
    sign_in(outbox, "coordinator")
    outbox.goto("/outbox")
    row = outbox.locator("#outbox tbody tr", has_text=duty_officer.name).filter(has_text=code).first
    expect(row).to_contain_text(code)
    shot(outbox, "outbox")
    row.locator('input[name="body"]').fill(f"{code} 确认")
    row.locator('input[name="body"]').press("Enter")
    expect(outbox.locator("#outbox-answer")).to_have_text(f"事件 {code} 已确认，谢谢")
    # the sent reply is cleared and the live rows update again without a reload
    expect(row.locator('input[name="body"]')).to_have_value("")
    expect(row.locator(".status")).to_have_class(re.compile(r"status-acknowledged"))

    # the first page was never reloaded: its live region shows the acknowledgement
    expect(page.locator("#incident-status")).to_have_attribute("data-status", "acknowledged")
    expect(page.locator('#timeline li[data-kind="acknowledged"]')).to_be_visible()
    expect(page.locator('#timeline li[data-kind="acknowledged"]')).to_contain_text("确认接警")
    expect(page.locator("#timeline")).not_to_contain_text(" via ")

    # the initial phone report to the bureau, time left empty (now): its clock is met
    form = page.locator("#report-form")
    form.locator('input[name="reported_to"]').fill("市局应急值班室")
    form.locator('button[type="submit"]').click()
    initial = page.locator('#reporting-clocks li[data-clock="initial_report"]')
    expect(initial).to_have_attribute("data-state", "met")
    expect(page.locator("#reports")).to_contain_text("市局应急值班室")
    shot(page, "incident-detail")


def test_the_automatic_title_follows_the_category_and_place_until_one_is_typed(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = open_page()
    sign_in(page, "coordinator")
    page.goto("/incidents/new")
    form = page.locator("#incident-form")
    title = form.locator('input[name="title"]')
    guard.allow(422)
    # nothing filled: the optional title shows no error, the focus goes to the category
    form.locator("#incident-submit").click()
    expect(form.locator('[data-field="category"] .ferror')).not_to_be_empty()
    expect(form.locator('[data-field="title"] .ferror')).to_be_empty()
    expect(form.locator('select[name="category"]')).to_be_focused()
    expect(form.locator('[data-field="severity"] .ferror')).to_have_text("必填")
    # a first try without a severity, then the category and place change before sending;
    # the category's error goes as soon as one is picked, the severity's stays
    form.locator('select[name="category"]').select_option("food_safety")
    expect(form.locator('[data-field="category"] .ferror')).to_be_empty()
    expect(form.locator('select[name="category"]')).not_to_have_attribute("aria-invalid", "true")
    expect(form.locator('[data-field="severity"] .ferror')).to_have_text("必填")
    form.locator('input[name="place"]').fill("城南区A路")
    expect(title).to_have_attribute("placeholder", "食品安全 · 城南区A路")
    form.locator('input[name="place"]').press("Control+Enter")
    expect(form.locator('[data-field="severity"] .ferror')).not_to_be_empty()
    expect(title).to_have_value("")
    form.locator('select[name="category"]').select_option("drug_safety")
    form.locator('input[name="place"]').fill("城北区B路")
    form.locator('select[name="severity"]').select_option("IV")
    with page.expect_navigation():
        form.locator('input[name="place"]').press("Control+Enter")
    expect(page.locator("h1")).to_contain_text("药品安全 · 城北区B路")
    # a title typed by the user is sent as typed
    page.goto("/incidents/new")
    form.locator('select[name="category"]').select_option("other")
    form.locator('select[name="severity"]').select_option("IV")
    form.locator('input[name="place"]').fill("城西区C路")
    title.fill("自定义标题")
    with page.expect_navigation():
        form.locator("#incident-submit").click()
    expect(page.locator("h1")).to_contain_text("自定义标题")


def test_duty_officer_acknowledges_from_my_duty(open_page: Any, live_server: LiveServer) -> None:
    with live_server.api("coordinator") as api:
        created = api.post(
            "/api/v1/incidents",
            json={
                "title": "餐馆疑似食物中毒",
                "category": "food_safety",
                "severity": "III",
                "place": "城西区西关路8号",
            },
        )
        assert created.status_code == 201, created.text
        incident = created.json()
    page, _ = open_page()
    sign_in(page, "duty_officer")
    expect(page).to_have_url(f"{live_server.url}/duty")
    expect(page.locator("#my-shifts tr.current")).to_have_count(1)  # on duty now
    mine = page.locator(f'#my-incidents tr[data-incident="{incident["id"]}"]')
    expect(mine).to_be_visible()  # appears once the tick has paged this officer
    shot(page, "my-duty")
    mine.get_by_role("button").click()
    expect(
        page.locator(f'#my-incidents tr[data-incident="{incident["id"]}"] .status')
    ).to_have_text("已确认")
    with live_server.api("viewer") as api:
        assert api.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "acknowledged"


def _shown(page: Any) -> list[int]:
    rows = page.locator("#incident-table tr[data-incident]")
    expect(rows.first).to_be_visible()
    ids: list[str] = rows.evaluate_all("rows => rows.map(r => r.dataset.incident)")
    return [int(i) for i in ids]


def test_older_and_newer_pages_of_the_incident_list(
    open_page: Any, live_server: LiveServer
) -> None:
    with live_server.api("coordinator") as api:

        def log(n: int) -> int:
            created = api.post(
                "/api/v1/incidents",
                json={
                    "title": f"广告牌松动{n}",
                    "category": "other",
                    "severity": "IV",
                    "place": f"城中区和平路{n}号",
                },
            )
            assert created.status_code == 201, created.text
            incident_id: int = created.json()["id"]
            return incident_id

        for n in range(5):  # the clock stands still: all opened in the same instant
            log(n)
        everything = [i["id"] for i in api.get("/api/v1/incidents?limit=500").json()]
        page, _ = open_page()
        sign_in(page, "coordinator")
        page.goto("/incidents?limit=3")
        expect(page.locator('#incident-pager [data-page="newer"]')).to_have_count(0)
        first = _shown(page)
        seen = list(first)
        older = page.locator('#incident-pager [data-page="older"]')
        while older.count():
            with page.expect_navigation():
                older.click()
            seen += _shown(page)
        assert seen == everything  # every incident once, newest first
        shot(page, "incident-list-oldest-page")

        # newer pages back to the first, then the live first page takes a new incident on
        # top and its Older link follows the rows it shows (nothing is skipped)
        newer = page.locator('#incident-pager [data-page="newer"]')
        while newer.count():
            with page.expect_navigation():
                newer.click()
        assert _shown(page) == first
        expect(page.locator('#incident-pager [data-page="newest"]')).to_be_visible()
        with page.expect_navigation():
            page.locator('#incident-pager [data-page="newest"]').click()
        late = log(99)
        expect(page.locator("#incident-table tr[data-incident]").first).to_have_attribute(
            "data-incident", str(late)
        )
        assert _shown(page) == [late, *first[:2]]
        with page.expect_navigation():
            page.locator('#incident-pager [data-page="older"]').click()
        assert _shown(page)[0] == first[2]


def test_log_a_special_equipment_accident_with_its_figures(
    open_page: Any, live_server: LiveServer
) -> None:
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/incidents/new")
    form = page.locator("#incident-form")
    details = form.locator("#accident-fields")
    expect(details).to_be_hidden()  # only for special equipment
    form.locator('select[name="category"]').select_option("special_equipment")
    expect(details).to_be_visible()
    form.locator('select[name="severity"]').select_option("IV")
    form.locator('input[name="place"]').fill("城东区热力站")
    details.locator('select[name="equipment_type"]').select_option("boiler")
    details.locator('input[name="equipment_user"]').fill("城东热力公司")
    details.locator('input[name="deaths"]').fill("3")
    suggestion = details.locator("#severity-suggestion")
    expect(suggestion).to_have_attribute("data-suggested", "III")
    expect(suggestion).to_contain_text("按上报数字（条例第六十一至六十四条）：III级 · 较大。")
    expect(suggestion).to_contain_text("比上面所选级别更严重")
    details.locator('input[name="serious_injuries"]').fill("12")
    details.locator('input[name="people_at_risk"]').fill("4")
    details.locator('input[name="direct_loss_yuan"]').fill("2000000")
    details.locator('input[name="explosion_or_overturn"]').check()
    details.locator('textarea[name="measures_taken"]').fill("关闭燃气总阀，疏散周边居民")
    shot(page, "incident-new-accident")
    details.locator(".suggestion-use").click()  # take the suggested level
    expect(form.locator('select[name="severity"]')).to_have_value("III")
    expect(details.locator(".suggestion-use")).to_be_hidden()
    with page.expect_navigation():
        form.locator("#incident-submit").click()
    expect(page).to_have_url(re.compile(r"/incidents/\d+$"))
    facts = page.locator("#accident-details")
    expect(facts.locator('[data-detail="equipment_type"]')).to_contain_text("锅炉")
    expect(facts.locator('[data-detail="equipment_type"]')).to_contain_text("爆炸或倾覆")
    expect(facts.locator('[data-detail="equipment_user"]')).to_have_text("城东热力公司")
    expect(facts.locator('[data-detail="deaths"]')).to_have_text("3")
    expect(facts.locator('[data-detail="serious_injuries"]')).to_have_text("12")
    expect(facts.locator('[data-detail="people_at_risk"]')).to_have_text("4")
    expect(facts.locator('[data-detail="direct_loss_yuan"]')).to_have_text("¥2000000")
    expect(facts.locator("#suggested-severity")).to_have_attribute("data-suggested", "III")
    expect(page.locator("#raise-button")).to_have_count(0)  # already at the suggested level
    incident_id = page.url.rsplit("/", 1)[1]
    with live_server.api("viewer") as api:
        stored = api.get(f"/api/v1/incidents/{incident_id}").json()
    assert (stored["severity"], stored["deaths"], stored["explosion_or_overturn"]) == (
        "III",
        3,
        True,
    )

    # another category: the part is hidden again and nothing of it is sent
    page.goto("/incidents/new")
    form.locator('select[name="category"]').select_option("special_equipment")
    details.locator('input[name="deaths"]').fill("40")
    form.locator('select[name="category"]').select_option("food_safety")
    expect(details).to_be_hidden()
    form.locator('select[name="severity"]').select_option("IV")
    form.locator('input[name="place"]').fill("城南区食堂")
    with page.expect_navigation():
        form.locator("#incident-submit").click()
    expect(page.locator("#accident-details")).to_have_count(0)


def test_a_figure_out_of_range_is_left_out_of_the_live_suggestion(
    open_page: Any, live_server: LiveServer
) -> None:
    """A negative count was sent for the suggestion, refused with 422 (a console error), and
    the suggestion went blank; it is now left out, and the field says what is wrong when the
    form is sent. The page guard fails this test on any refused request."""
    page, _ = open_page()
    sign_in(page, "coordinator")
    page.goto("/incidents/new")
    form = page.locator("#incident-form")
    form.locator('select[name="category"]').select_option("special_equipment")
    details = form.locator("#accident-fields")
    details.locator('select[name="equipment_type"]').select_option("boiler")
    details.locator('input[name="serious_injuries"]').fill("-1")
    with page.expect_response("**/api/v1/incidents/suggested-severity") as answer:
        details.locator('input[name="deaths"]').fill("10")
    assert answer.value.status == 200
    expect(details.locator("#severity-suggestion")).to_have_attribute("data-suggested", "II")


def test_the_missing_report_items_never_break_inside_on_a_phone(
    open_page: Any, live_server: LiveServer
) -> None:
    """On a phone the items still missing for the accident report broke inside (死/亡和重伤
    人数): each is one piece, the list breaking between them."""
    with live_server.api("coordinator") as api:
        body = {"title": "电梯困人", "category": "special_equipment", "severity": "IV"}
        opened = api.post("/api/v1/incidents", json=body)
        assert opened.status_code == 201, opened.text
    for locale in ("zh-CN", "en"):
        page, _ = open_page(locale=locale, **PHONE)
        sign_in(page, "coordinator")
        page.goto(f"/incidents/{opened.json()['id']}")
        items = page.locator("#report-items-missing .badge")
        expect(items.first).to_be_visible()
        assert items.count() >= 5
        lines = items.evaluate_all("els => els.map(e => e.getClientRects().length)")
        assert lines == [1] * items.count(), (locale, lines)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
