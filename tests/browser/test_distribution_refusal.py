"""An item named at intake for a unit that then stops taking complaint items (Handling units,
`accepts_items`): the item page's distribute form no longer offers the unit, and distributing
to the routed unit anyway is refused beside the unit field in the page's language, the item
still registered."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, sign_in
from tests.complaint_helpers import complaint_data

OFFICE = "机关党委"


def _item_for_a_unit_taking_no_items(live_server: LiveServer) -> int:
    with live_server.api("admin") as admin:
        unit = admin.post(
            "/api/v1/units", json={"code": "party-committee", "name": OFFICE, "kind": "section"}
        )
        assert unit.status_code == 201, unit.text
        unit_id = unit.json()["id"]
        with live_server.api("coordinator") as coordinator:
            body = complaint_data(unit_id=unit_id).model_dump(mode="json", exclude_none=True)
            created = coordinator.post("/api/v1/complaints", json=body)
            assert created.status_code == 201, created.text
        stop = admin.put(f"/api/v1/complaint-config/units/{unit_id}", json={"accepts_items": False})
        assert stop.status_code == 200, stop.text
    item_id: int = created.json()["items"][0]["id"]
    return item_id


def test_a_unit_taking_no_items_is_refused_beside_the_field(
    open_page: Any, live_server: LiveServer
) -> None:
    item_id = _item_for_a_unit_taking_no_items(live_server)
    for locale, words in (("zh-CN", "该单位不承办投诉举报"), ("en", "This unit does not take")):
        page, guard = open_page(locale=locale)
        sign_in(page, "coordinator")
        if locale == "en":
            page.goto(f"/lang/en?next=/complaints/{item_id}")
        else:
            page.goto(f"/complaints/{item_id}")
        distribute = page.locator('form[data-action-name="distribute"]')
        units = distribute.locator('select[name="unit_id"] option')
        expect(units.first).to_be_attached()
        assert OFFICE not in units.all_inner_texts()
        guard.allow(422)
        distribute.get_by_role("button").click()  # "the routed unit": the office
        expect(distribute.locator('[data-field="unit_id"] .ferror')).to_contain_text(words)
        expect(page.locator("#complaint-status")).to_have_attribute("data-status", "registered")
