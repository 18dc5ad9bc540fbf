"""The unit inbox asks the item's record (`complaints.refusals`) only about the actions its rows
show: it asked about every offered action, so each signed-for 12345 order read its reply clock
for "extend the reply limit", which only the item's page offers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from core.users import Role
from tests.api.test_incident_list_queries import _counting
from tests.complaint_helpers import Centre, make_centre
from tests.web.test_complaint_pages import _log_in, _post, _register, _sign_in

FORM = re.compile(r'data-action-name="(\w+)"')
ROW = re.compile(r'<tr data-complaint="(\d+)"')


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _signed_for_orders(client: TestClient, numbers: range) -> list[int]:
    """12345 orders distributed to 城东区局 and signed for there: each offers its unit Reply,
    Return and Extend the reply limit."""
    csrf = _log_in(client, "page-coordinator-x")
    ids = []
    for k in numbers:
        order = _register(
            client,
            csrf,
            channel="transfer_12345",
            external_ref=f"GD-INBOX-{k}",
            claim="",
            submitter_phone=f"1380013{k:04d}",
        )
        assert _post(client, csrf, f"/api/v1/complaints/{order['id']}/distribute", {}).is_success
        ids.append(order["id"])
    handler = _log_in(client, "page-handler-d-east")
    for cid in ids:
        assert _post(client, handler, f"/api/v1/complaints/{cid}/sign-for", {}).is_success
    return ids


def _inbox(client: TestClient, engine: Engine) -> tuple[dict[int, list[str]], int]:
    with _counting(engine) as selects:
        page = client.get("/complaints/inbox")
    assert page.status_code == 200
    rows = re.split(r"(?=<tr data-complaint=)", page.text)[1:]
    forms = {int(ROW.findall(r)[0]): FORM.findall(r) for r in rows}
    return forms, sum("complaint_clock" in s for s in selects)


def test_the_inbox_reads_no_clock_for_actions_it_does_not_show(
    client: TestClient, session: Session, centre: Centre, engine: Engine
) -> None:
    _sign_in(client, session, Role.coordinator)
    _sign_in(client, session, Role.handler, centre.east)
    first = _signed_for_orders(client, range(1))
    few, few_reads = _inbox(client, engine)
    more = _signed_for_orders(client, range(1, 5))
    many, many_reads = _inbox(client, engine)
    assert many_reads == few_reads == 0, (few_reads, many_reads)

    assert sorted(many) == sorted(first + more)
    assert few[first[0]] == many[first[0]] == ["return_to_intake", "reply"]
    detail = client.get(f"/api/v1/complaints/{first[0]}").json()["allowed_actions"]
    assert "extend_reply" in detail  # still offered, on the item's own page
