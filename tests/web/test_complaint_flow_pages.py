"""What the pages say of an item along its flow: an item its unit returned is marked as
returned (by whom, why) in the queue and on its page, and its distribution form does not
preselect the unit that sent it back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.complaint_helpers import Centre, make_centre
from tests.web.test_complaint_pages import (
    FORM,
    ROW,
    _emergency_item,
    _log_in,
    _post,
    _register,
    _sign_in,
)


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _returned_item(
    client: TestClient, session: Session, centre: Centre
) -> tuple[dict[str, Any], str]:
    """An item distributed by its routing rule to the east bureau and returned by it;
    the coordinator is signed in again, whose CSRF token is returned."""
    csrf = _sign_in(client, session, Role.coordinator)
    item = _register(client, csrf)
    distributed = _post(client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {})
    assert distributed.json()["unit_id"] == centre.east_id
    handler = _sign_in(client, session, Role.handler, centre.east)
    back = _post(
        client,
        handler,
        f"/api/v1/complaints/{item['id']}/return-to-intake",
        {"reason": "被投诉人在城西区经营，电话13800138000"},
    )
    assert back.status_code == 200, back.text
    return item, _log_in(client, "page-coordinator-x")


def test_a_returned_item_is_marked_returned_in_the_queue_and_found_by_its_filter(
    client: TestClient, session: Session, centre: Centre
) -> None:
    item, _ = _returned_item(client, session, centre)
    page = client.get("/complaints?status=returned").text
    assert [(int(i), s) for i, s, _ in ROW.findall(page)] == [(item["id"], "returned")]
    row = page[page.index(f'id="complaint-{item["id"]}"') :].split("</tr>")[0]
    assert "已退单" in row and "被投诉人在城西区经营" in row
    assert f'data-returned-unit="{centre.east_id}"' in row and "城东区局" in row
    assert "13800138000" not in row  # a phone number in the reason is masked


def test_a_returned_items_page_says_who_returned_it_and_preselects_no_unit(
    client: TestClient, session: Session, centre: Centre
) -> None:
    item, csrf = _returned_item(client, session, centre)
    page = client.get(f"/complaints/{item['id']}").text
    notice = re.search(r'<p class="warning"[^>]*id="complaint-returned"[^>]*>(.*?)</p>', page, re.S)
    assert notice is not None
    assert "退回" in notice.group(1) and "被投诉人在城西区经营" in notice.group(1)
    assert "城东区局" in notice.group(1)
    form = page[page.index('data-action-name="distribute"') :].split("</form>")[0]
    assert " selected" not in form and "分送规则确定的单位" not in form
    assert re.search(rf'<option value="{centre.east_id}">[^<]*（已退回）</option>', form)
    # the API refuses what the form no longer offers: distributing without naming the unit
    again = _post(client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "unit_id"
    to_west = _post(
        client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {"unit_id": centre.west_id}
    )
    assert to_west.status_code == 200 and to_west.json()["status"] == "distributed"
    assert 'id="complaint-returned"' not in client.get(f"/complaints/{item['id']}").text


def test_a_status_outside_the_queues_scope_lists_nothing_and_says_so(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """`state=open&status=closed` listed closed items under 未尽事项: the status replaced
    the scope. Now it lists nothing and offers the same status among all items."""
    csrf = _sign_in(client, session, Role.coordinator)
    item = _register(client, csrf)
    page = client.get("/complaints?state=open&status=registered").text
    assert [int(i) for i, _, _ in ROW.findall(page)] == [item["id"]]
    assert 'id="queue-outside-scope"' not in page
    page = client.get("/complaints?state=closed&status=registered").text
    assert ROW.findall(page) == []
    notice = re.search(r'id="queue-outside-scope">(.*?)</p>', page, re.S)
    assert notice is not None and "“已办结”中没有状态为“已登记”的件" in notice.group(1)
    assert 'href="/complaints?state=all&amp;status=registered"' in notice.group(1)
    everything = client.get("/complaints?state=all&status=registered").text
    assert [int(i) for i, _, _ in ROW.findall(everything)] == [item["id"]]


def test_a_12345_order_is_signed_for_before_its_reply_and_then_leaves_the_units_inbox(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """A reply straight from dispatch met a sign-for nobody made (the deadline table said
    签收 已完成 … 逾期), and a replied order stayed in the inbox and its count with nothing
    left for the unit to do: it waits for the centre's follow-up and closure."""
    csrf = _sign_in(client, session, Role.coordinator)
    order = _register(client, csrf, channel="transfer_12345", external_ref="GD-REPLY", claim="")
    assert _post(client, csrf, f"/api/v1/complaints/{order['id']}/distribute", {}).is_success
    handler = _sign_in(client, session, Role.handler, centre.east)
    path = f"/api/v1/complaints/{order['id']}"
    offered = FORM.findall(client.get("/complaints/inbox").text)
    assert "sign_for" in offered and "reply" not in offered
    early = _post(client, handler, f"{path}/reply", {"result": "已处置"})
    assert early.status_code == 409 and "signed_for" in early.json()["detail"]
    assert _post(client, handler, f"{path}/sign-for", {}).is_success
    assert "reply" in FORM.findall(client.get("/complaints/inbox").text)
    assert "本单位待办 1 件" in client.get("/").text
    replied = _post(client, handler, f"{path}/reply", {"result": "已处置"})
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    sign_for = next(c for c in replied.json()["clocks"] if c["kind"] == "sign_for")
    assert sign_for["status"] == "met" and sign_for["on_time"] is True

    inbox = client.get("/complaints/inbox").text
    assert ROW.findall(inbox) == [] and '<span class="count" id="inbox-total">0</span>' in inbox
    assert "本单位待办" not in client.get("/").text  # nor a to-do line on the home page
    # the centre closes it after its follow-up
    coordinator = _log_in(client, "page-coordinator-x")
    closed = _post(client, coordinator, f"{path}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def _incident_notice(page: str) -> str | None:
    found = re.search(
        r'<p class="warning" role="alert" id="complaint-incident-open"[^>]*>(.*?)</p>', page, re.S
    )
    return found.group(1) if found else None


def test_closing_an_emergency_item_warns_that_its_incident_still_pages_and_leaves_it_open(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """Closing an emergency item left its incident paging the duty staff with no word of it:
    the page says so before the close (and the close asks first) and after it, linking the
    incident; closing never resolves the incident (it may stand for other items too)."""
    item, confirmed = _emergency_item(client, session)
    incident_id, code = confirmed["incident_id"], confirmed["incident_code"]
    csrf = _log_in(client, "page-coordinator-x")
    path = f"/api/v1/complaints/{item['id']}"
    assert _post(client, csrf, f"{path}/distribute", {}).is_success
    page = client.get(f"/complaints/{item['id']}").text
    assert _incident_notice(page) is None  # nothing to close yet: the routing shows it
    assert _post(client, csrf, f"{path}/reject", {"ground": "not_consumption"}).is_success

    page = client.get(f"/complaints/{item['id']}").text
    notice = _incident_notice(page)
    assert notice is not None and f'<a href="/incidents/{incident_id}">#{code}</a>' in notice
    assert "仍未确认接警" in notice and "办结本件不会办结该应急事件" in notice
    close = re.search(r'<form [^>]*data-action-name="close"[^>]*>', page)
    assert close is not None
    assert (
        f'data-confirm="关联的应急事件 #{code} 尚未办结，办结本件不会改变该事件：仍要办结本件吗？"'
        in close.group(0)
    )

    closed = _post(client, csrf, f"{path}/close", {}).json()
    assert closed["status"] == "closed"
    assert client.get(f"/api/v1/incidents/{incident_id}").json()["status"] == "open"
    page = client.get(f"/complaints/{item['id']}").text
    notice = _incident_notice(page)
    assert notice is not None and "仍未确认接警" in notice
    # the history keeps that the incident was still open when the item was closed
    closing = closed["history"][-1]
    assert closing["action"] == "close"
    assert f"应急事件 #{incident_id} 尚未结束" in closing["note"]
    entry = page.split('<li data-event="close">', 1)[1].split("</li>", 1)[0]
    assert f"应急事件 #{code} 尚未结束，办结本件不影响事件处置" in entry, entry

    assert _post(client, csrf, f"/api/v1/incidents/{incident_id}/ack", {}).is_success
    notice = _incident_notice(client.get(f"/complaints/{item['id']}").text)
    assert notice is not None and "已确认接警，但尚未办结" in notice
    assert _post(client, csrf, f"/api/v1/incidents/{incident_id}/resolve", {}).is_success
    assert _incident_notice(client.get(f"/complaints/{item['id']}").text) is None
