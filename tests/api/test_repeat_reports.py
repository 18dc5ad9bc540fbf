"""Repeated reports (O121 Art. 35) through the real app: a report repeating one being handled
(same reporter, respondent and facts) is linked and closed without a new verification; one
bringing new facts is merged and the original's verification clock restarts from the last
report; a report of other facts stays a report of its own; a wrong link is a 422 naming the
field and writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from complaints.models import Complaint
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import Centre, complaint_data, make_centre, report_data
from tests.timeline_checks import keyed_events  # noqa: F401  (checks every test)

BASE = "/api/v1/complaints"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _register(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    body = report_data(**overrides).model_dump(mode="json", exclude_none=True)
    response = client.post(BASE, json=body, headers=headers)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["items"][0]
    return item


def _verification(item: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {c["kind"]: c for c in item["clocks"]}["verification"]
    return found


def test_the_same_facts_again_are_linked_and_not_handled_again(
    client: TestClient, auth_headers: Any, centre: Centre
) -> None:
    staff = auth_headers(Role.coordinator)
    original = _register(client, staff)
    before = _verification(original)
    repeat = _register(client, staff, clue="城西区民生路5号，便民小卖部 销售过期食品！")
    assert repeat["status"] == "closed" and repeat["repeat_of_id"] == original["id"]
    assert repeat["clocks"] == []  # no verification of its own
    assert "不再另行处理" in repeat["result"] and original["ref"] in repeat["result"]
    assert [(x["relation"], x["id"]) for x in repeat["links"]] == [("repeat_of", original["id"])]
    now = client.get(f"{BASE}/{original['id']}", headers=staff).json()
    assert _verification(now)["due_at"] == before["due_at"]  # the clock is untouched
    assert now["status"] == "registered"
    assert [(x["relation"], x["id"]) for x in now["links"]] == [("repeated_by", repeat["id"])]
    assert now["history"][-1]["action"] == "repeated"

    # another violation by the same business, same reporter: a report of its own
    other = _register(client, staff, clue="便民小卖部无营业执照经营", description="无照经营。")
    assert other["status"] == "registered" and other["repeat_of_id"] is None
    assert _verification(other)["status"] == "running"


def test_new_facts_are_merged_and_the_verification_clock_restarts(
    client: TestClient, auth_headers: Any, centre: Centre, session: Session
) -> None:
    staff = auth_headers(Role.coordinator)
    original = _register(client, staff, received_at="2026-11-20T02:00:00Z")  # Friday
    assert _verification(original)["due_on"] == "2026-12-11"
    merged = _register(
        client,
        staff,
        clue="便民小卖部还把过期面包改换生产日期标签后继续销售",
        new_facts=True,
    )
    assert merged["status"] == "closed" and merged["repeat_of_id"] == original["id"]
    assert "合并处理" in merged["result"] and merged["clocks"] == []
    now = client.get(f"{BASE}/{original['id']}", headers=staff).json()
    assert "改换生产日期标签" in now["clue"] and merged["ref"] in now["clue"]
    verification = _verification(now)
    # restarted from the last report's day (Monday 11-23, not counted): 15 WD → 12-14
    assert (verification["started_on"], verification["due_on"]) == ("2026-11-23", "2026-12-14")
    assert now["history"][-1]["action"] == "repeat_merged"
    audited = list_entries(session, entity_type="complaint", entity_id=str(original["id"]))
    assert "complaint.repeat_merged" in [e.action for e in audited]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"repeat_of": "JB209901010000001"}, "repeat_of"),
        ({"new_facts": True, "submitter_phone": "13700137000"}, "repeat_of"),
    ],
)
def test_a_wrong_repeat_is_refused_and_writes_nothing(
    client: TestClient,
    auth_headers: Any,
    centre: Centre,
    session: Session,
    overrides: dict[str, Any],
    field: str,
) -> None:
    staff = auth_headers(Role.coordinator)
    _register(client, staff)
    count = session.exec(select(func.count()).select_from(Complaint)).one()
    body = report_data(**overrides).model_dump(mode="json", exclude_none=True)
    refused = client.post(BASE, json=body, headers=staff)
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert session.exec(select(func.count()).select_from(Complaint)).one() == count


def test_only_a_report_repeats_a_report(
    client: TestClient, auth_headers: Any, centre: Centre
) -> None:
    staff = auth_headers(Role.coordinator)
    original = _register(client, staff)
    body = complaint_data(repeat_of=original["ref"]).model_dump(mode="json", exclude_none=True)
    refused = client.post(BASE, json=body, headers=staff)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["repeat_of"]


def test_the_pages_show_the_repeat_and_the_form_asks_for_it(
    client: TestClient, auth_headers: Any, centre: Centre, session: Session
) -> None:
    from tests.web.test_complaint_pages import _sign_in

    staff = auth_headers(Role.coordinator)
    original = _register(client, staff)
    repeat = _register(client, staff, repeat_of=original["ref"], submitter_phone="13700137000")
    assert repeat["repeat_of_id"] == original["id"]  # named by staff: another phone is fine
    _sign_in(client, session, Role.coordinator)
    page = client.get(f"/complaints/{original['id']}").text
    assert re.search(rf'data-relation="repeated_by".*?/complaints/{repeat["id"]}"', page)
    form = client.get("/complaints/new").text
    assert 'name="repeat_of"' in form and 'name="new_facts"' in form
