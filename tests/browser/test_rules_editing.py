"""The planner changes a shift type and a demand line in place on the rules page: an Edit
button opens the row's form filled with what is stored, Save stores it, a refused value is
marked beside its field and nothing is stored, Cancel and Escape put the stored values back;
in both languages, from the keyboard and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, LiveServer, PageGuard, shot, sign_in
from tests.browser.test_phone_journeys import _fits, _phone_inputs, _tappable

TEXTS = {
    "zh-CN": {"edit": "修改", "save": "保存", "cancel": "取消", "required": "必填"},
    "en": {"edit": "Edit", "save": "Save", "cancel": "Cancel", "required": "Required"},
}


def _demand(live_server: LiveServer, unit_id: int) -> dict[int, dict[str, Any]]:
    with live_server.api("planner") as api:
        return {d["id"]: d for d in api.get(f"/api/v1/units/{unit_id}/demand").json()}


def _shift_types(live_server: LiveServer) -> dict[int, dict[str, Any]]:
    with live_server.api("planner") as api:
        return {s["id"]: s for s in api.get("/api/v1/shift-types").json()}


def _rules_page(open_page: Any, locale: str, **device: Any) -> tuple[Any, PageGuard]:
    """The planner's rules page in `locale` (English through the header's switch)."""
    page, guard = open_page(locale, **device)
    if locale == "en":
        page.goto("/lang/en?next=/login")
    sign_in(page, "planner")
    page.goto("/planner/rules")
    return page, guard


def _open_editor(page: Any, row: Any) -> Any:
    """Click the row's Edit button; the editor row under it, with the focus in its form."""
    button = row.locator("button[data-edit]")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    editor = page.locator("#" + str(button.get_attribute("data-edit")))
    expect(editor).to_be_visible()
    return editor


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_demand_line_is_changed_in_place_and_a_bad_value_is_marked_beside_its_field(
    open_page: Any, live_server: LiveServer, locale: str
) -> None:
    page, guard = _rules_page(open_page, locale)
    texts = TEXTS[locale]
    row = page.locator("#demand tr[data-demand]").first
    demand_id = int(str(row.get_attribute("data-demand")))
    unit_id = int(page.locator('select[name="unit_id"]').input_value())
    before = _demand(live_server, unit_id)[demand_id]
    expect(row.locator("button[data-edit]")).to_have_text(texts["edit"])
    editor = _open_editor(page, row)
    expect(editor.locator('select[name="shift_type_id"]')).to_be_focused()
    expect(editor.locator('button[type="submit"]')).to_have_text(texts["save"])
    expect(editor.locator("button[data-cancel]")).to_have_text(texts["cancel"])
    expect(editor.locator('input[name="minimum"]')).to_have_value(str(before["minimum"]))

    editor.locator('input[name="preferred"]').fill("")  # a bad value: refused, nothing stored
    guard.allow(422)
    editor.locator('button[type="submit"]').click()
    error = editor.locator('[data-field="preferred"] .ferror')
    expect(error).to_have_text(texts["required"])
    expect(editor.locator('input[name="preferred"]')).to_be_focused()
    expect(editor.locator('input[name="preferred"]')).to_have_attribute("aria-invalid", "true")
    assert _demand(live_server, unit_id)[demand_id] == before

    editor.locator('input[name="minimum"]').fill(str(before["minimum"] + 1))
    editor.locator('input[name="preferred"]').fill(str(before["minimum"] + 2))
    shot(page, f"rules-demand-edit-{locale}")
    with page.expect_navigation():
        editor.locator('button[type="submit"]').click()
    after = _demand(live_server, unit_id)[demand_id]
    assert (after["minimum"], after["preferred"]) == (before["minimum"] + 1, before["minimum"] + 2)
    assert {k: v for k, v in after.items() if k not in ("minimum", "preferred")} == {
        k: v for k, v in before.items() if k not in ("minimum", "preferred")
    }
    row = page.locator(f'#demand tr[data-demand="{demand_id}"]')
    expect(row.locator("td").nth(3)).to_have_text(str(before["minimum"] + 1))
    expect(row.locator("td").nth(4)).to_have_text(str(before["minimum"] + 2))


def test_a_shift_types_times_are_changed_and_a_used_ones_are_shown_fixed(
    open_page: Any, live_server: LiveServer
) -> None:
    page, guard = _rules_page(open_page, "zh-CN")
    unit_id = int(page.locator('select[name="unit_id"]').input_value())
    with live_server.api("planner") as api:
        created = api.post(
            "/api/v1/shift-types",
            json={"unit_id": unit_id, "code": "evening", "name": "晚班", "start_time": "16:00",
                  "end_time": "22:00"},
        )  # fmt: skip
        assert created.status_code == 201, created.text
    evening = created.json()["id"]
    page.reload()
    # a shift type the published roster uses: only its name can change
    used = page.locator("#shift-types tr[data-shift-type]", has=page.locator(".tag")).first
    used_editor = _open_editor(page, used)
    expect(used_editor.locator('input[name="name"]')).to_be_focused()
    for name in ("code", "start_time", "end_time"):
        expect(used_editor.locator(f'input[name="{name}"]')).to_be_disabled()
    expect(used_editor).to_contain_text("只能修改名称")
    page.keyboard.press("Escape")  # closes it and gives the focus back to its Edit button
    expect(used_editor).to_be_hidden()
    expect(used.locator("button[data-edit]")).to_be_focused()

    row = page.locator(f'#shift-types tr[data-shift-type="{evening}"]')
    row.locator("button[data-edit]").focus()
    page.keyboard.press("Enter")  # from the keyboard
    editor = page.locator(f"#shift-edit-{evening}")
    expect(editor.locator('input[name="code"]')).to_be_focused()
    editor.locator('input[name="name"]').fill("白班")  # another shift type's name
    guard.allow(409)
    editor.locator('input[name="name"]').press("Control+Enter")
    expect(editor.locator('[data-field="name"] .ferror')).to_have_text("已被使用")
    assert _shift_types(live_server)[evening]["name"] == "晚班"
    editor.locator("button[data-cancel]").click()  # the stored values come back
    expect(editor).to_be_hidden()
    _open_editor(page, row)
    expect(editor.locator('input[name="name"]')).to_have_value("晚班")
    expect(editor.locator('[data-field="name"] .ferror')).to_have_text("")

    editor.locator('input[name="start_time"]').fill("17:00")
    editor.locator('input[name="end_time"]').fill("01:00")  # crosses midnight
    editor.locator('input[name="is_night"]').check()
    with page.expect_navigation():
        editor.locator('button[type="submit"]').click()
    stored = _shift_types(live_server)[evening]
    assert (stored["start_time"], stored["end_time"], stored["is_night"]) == (
        "17:00:00",
        "01:00:00",
        True,
    )
    expect(page.locator(f'#shift-types tr[data-shift-type="{evening}"] td').nth(2)).to_have_text(
        "17:00"
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_editors_fit_a_phone(open_page: Any, live_server: LiveServer, locale: str) -> None:
    page, _ = _rules_page(open_page, locale, **PHONE)
    width = PHONE["viewport"]["width"]
    for table in ("#shift-types", "#demand"):
        row = page.locator(f"{table} tbody tr:not([hidden])").first
        _tappable(row.locator("button[data-edit]"), screen=width)
        editor = _open_editor(page, row)
        _phone_inputs(editor.locator("form"), screen=width)
        _tappable(editor.locator('button[type="submit"]'), screen=width)
        _tappable(editor.locator("button[data-cancel]"), screen=width)
        _fits(page)
        shot(page, f"phone-rules-editor-{table[1:]}-{locale}")
        editor.locator("button[data-cancel]").click()
        expect(editor).to_be_hidden()


@pytest.mark.parametrize(
    ("locale", "question"), [("zh-CN", "确定要“删除”吗？"), ("en", "“Remove”: are you sure?")]
)
def test_the_confirmation_names_the_action_it_asks_about(
    open_page: Any, live_server: LiveServer, locale: str, question: str
) -> None:
    """Not just "are you sure?": the question names the button's action (the page's own
    handler then answers yes)."""
    page, _ = _rules_page(open_page, locale)
    asked: list[str] = []
    page.on("dialog", lambda dialog: asked.append(dialog.message))
    row = page.locator("#demand tr[data-demand]").first
    demand_id = int(str(row.get_attribute("data-demand")))
    unit_id = int(page.locator('select[name="unit_id"]').input_value())
    row.locator("button[data-method=DELETE]").click()
    expect(page.locator(f'#demand tr[data-demand="{demand_id}"]')).to_have_count(0)
    assert asked == [question]
    assert demand_id not in _demand(live_server, unit_id)
