"""People and skills: a person's phone numbers, which escalation pages them by, are added,
changed (number, kind, place in the order) and removed in the person's editor, shown in the
order they are tried; a duty officer left without a mobile is marked."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from core.audit import list_entries
from oncall import directory
from tests.browser.conftest import LiveServer, shot, sign_in


def test_the_planner_adds_and_removes_a_persons_phone_numbers(
    open_page: Any, live_server: LiveServer
) -> None:
    person = live_server.person_of("duty_officer")
    with live_server.session() as session:
        before = directory.contacts_of(session, person.id or 0)
    mobiles = [c for c in before if c.kind == "mobile"]
    assert len(mobiles) == 1 and person.id is not None  # the demo's: one mobile each
    page, guard = open_page()
    guard.allow(422)
    sign_in(page, "planner")
    page.goto("/planner/people")
    page.locator(f"#person-{person.id}").get_by_role("button", name="修改").click()
    box = page.locator(f"#contacts-{person.id}")
    expect(box).to_be_visible()
    expect(box.locator("li[data-contact]")).to_have_count(len(before))
    form = box.locator('form[data-method="POST"]')
    expect(form.locator('input[name="priority"]')).to_have_value(
        str(max(c.priority for c in before) + 1)
    )
    form.locator('select[name="kind"]').select_option("landline")
    form.locator('input[name="value"]').fill("12")
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="value"] .ferror')).not_to_be_empty()
    form.locator('input[name="value"]').fill("+862112345678")  # tried after the mobile
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()

    page.locator(f"#person-{person.id}").get_by_role("button", name="修改").click()
    items = box.locator("li[data-contact]")
    expect(items).to_have_count(len(before) + 1)
    expect(items.last).to_contain_text("固定电话")
    expect(items.last).to_contain_text("+862112345678")
    mobile = box.locator(f"#contact-{mobiles[0].id}")
    remove = mobile.locator('button[data-method="DELETE"]')
    question = remove.get_attribute("data-confirm") or ""
    assert person.name in question and "短信" in question  # its last mobile: asks first
    with page.expect_navigation():
        remove.click()
    expect(page.locator(f"#person-{person.id} [data-no-mobile]")).to_have_text(
        "无手机号码：无法短信呼叫"
    )
    shot(page, "people-contacts")
    with live_server.session() as session:
        after = directory.contacts_of(session, person.id)
        entries = list_entries(session, entity_type="person", entity_id=str(person.id))
    assert [(c.kind, c.value, c.priority) for c in after][-1:] == [
        ("landline", "+862112345678", max(c.priority for c in before) + 1)
    ]
    assert mobiles[0].id not in {c.id for c in after}
    actions = [(e.action, e.actor) for e in entries if e.action.startswith("contact.")]
    assert actions == [("contact.delete", "planner"), ("contact.create", "planner")]


def test_the_planner_changes_a_number_and_the_order_numbers_are_tried_in(
    open_page: Any, live_server: LiveServer
) -> None:
    person = live_server.person_of("duty_officer")
    assert person.id is not None
    with live_server.api("planner") as api:
        added = api.post(
            f"/api/v1/people/{person.id}/contacts",
            json={"kind": "landline", "value": "+862112345678", "priority": 2},
        )
        assert added.status_code == 201, added.text
    with live_server.session() as session:
        mobile, landline = directory.contacts_of(session, person.id)
    page, guard = open_page("en")
    guard.allow(422)
    page.goto("/lang/en?next=/login")
    sign_in(page, "planner")
    page.goto("/planner/people")
    page.locator(f"#person-{person.id}").get_by_role("button", name="Edit").click()
    box = page.locator(f"#contacts-{person.id}")
    row = box.locator(f"#contact-{landline.id}")
    row.get_by_text("Change").click()
    form = row.get_by_role("form", name=f"Change {landline.value}")
    expect(form.locator('input[name="priority"]')).to_have_value("2")
    form.locator('input[name="value"]').fill("12")
    form.locator('button[type="submit"]').click()
    expect(form.locator('[data-field="value"] .ferror')).not_to_be_empty()
    form.locator('input[name="value"]').fill("+862187654321")  # the number had a typo
    form.locator('input[name="priority"]').fill("1")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()

    page.locator(f"#person-{person.id}").get_by_role("button", name="Edit").click()
    row = box.locator(f"#contact-{mobile.id}")
    row.get_by_text("Change").click()
    row.locator('input[name="priority"]').fill("2")
    with page.expect_navigation():
        row.locator('button[type="submit"]').click()
    page.locator(f"#person-{person.id}").get_by_role("button", name="Edit").click()
    expect(box.locator("li[data-contact]")).to_have_text(
        [
            re.compile(r"Landline\s+\+862187654321"),
            re.compile(r"Mobile\s+" + re.escape(mobile.value)),
        ]
    )
    shot(page, "people-contact-order")
    with live_server.session() as session:
        now = directory.contacts_of(session, person.id)
        entries = list_entries(session, entity_type="person", entity_id=str(person.id))
    assert [(c.id, c.value, c.priority) for c in now] == [
        (landline.id, "+862187654321", 1),
        (mobile.id, mobile.value, 2),
    ]
    updates = [e.actor for e in entries if e.action == "contact.update"]
    assert updates == ["planner", "planner"]


def test_a_save_does_not_reload_away_a_number_typed_but_not_saved(
    open_page: Any, live_server: LiveServer
) -> None:
    """The person and each of their numbers have forms of their own: saving the person while
    a changed number waits unsaved keeps the page (a reload would drop the number) and says
    so at both forms; saving the number then reloads with both changes."""
    person = live_server.person_of("coordinator")
    assert person.id is not None
    with live_server.session() as session:
        first = directory.contacts_of(session, person.id)[0]
    page, _ = open_page()
    sign_in(page, "planner")
    page.goto("/planner/people")
    page.locator(f"#person-{person.id}").get_by_role("button", name="修改").click()
    row = page.locator(f"#contact-{first.id}")
    row.locator("summary").click()
    number = row.get_by_role("form", name=f"修改 {first.value}")
    number.locator('input[name="value"]').fill("13911112222")
    editor = page.locator(f"#person-edit-{person.id}")
    person_form = editor.get_by_role("form", name=f"修改 {person.name}")
    person_form.locator('input[name="position"]').fill("值班主任")
    person_form.locator('button[type="submit"]').click()

    expect(person_form.locator(".form-status")).to_have_text(
        "已保存。页面未刷新：本页另一表单还有未保存的修改"
    )
    expect(number.locator(".form-status")).to_have_text("尚未保存：请保存或取消这些修改")
    expect(number.locator('input[name="value"]')).to_have_value("13911112222")
    with page.expect_navigation():
        number.locator('button[type="submit"]').click()
    expect(page.locator(f"#person-{person.id}")).to_contain_text("值班主任")
    expect(page.locator(f"#person-{person.id}")).to_contain_text("+8613911112222")
    with live_server.session() as session:
        assert directory.contacts_of(session, person.id)[0].value == "+8613911112222"
