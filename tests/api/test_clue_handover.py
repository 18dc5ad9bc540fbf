"""A violation clue found during mediation is handed over for verification (O121 Art. 27),
through the real app: a linked report with its own 15 (+15) working-day verification clock
from the day of discovery, linked both ways and shown on both items' pages; the complaint
counts as 诉转案 once that report is filed as a case."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from complaints.models import Complaint
from core.audit import list_entries
from core.users import Role
from tests.complaint_helpers import CONSENT, Centre, complaint_data, handler_headers, make_centre
from tests.conftest import TEST_PASSWORD

Headers = dict[str, str]
BASE = "/api/v1/complaints"
CLUE = "调解中发现该超市销售的酸奶已过保质期，涉嫌销售过期食品。"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _mediating(client: TestClient, coordinator: Headers, handler: Headers) -> int:
    body = complaint_data().model_dump(mode="json", exclude_none=True)
    created = client.post(BASE, json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    cid: int = created.json()["items"][0]["id"]
    for step, body, who in (
        ("distribute", {}, coordinator),
        ("accept", {}, handler),
        ("start-mediation", CONSENT, handler),
    ):
        response = client.post(f"{BASE}/{cid}/{step}", json=body, headers=who)
        assert response.status_code == 200, response.text
    return cid


def test_a_clue_becomes_a_linked_report_with_its_own_verification_clock(
    client: TestClient, session: Session, auth_headers: Any, centre: Centre
) -> None:
    handler = handler_headers(session, centre.east, "clue-handler")
    cid = _mediating(client, auth_headers(Role.coordinator), handler)
    reports_before = len(session.exec(select(Complaint)).all())

    missing = client.post(f"{BASE}/{cid}/convert-to-case", json={}, headers=handler)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["clue"]
    assert len(session.exec(select(Complaint)).all()) == reports_before

    handed = client.post(f"{BASE}/{cid}/convert-to-case", json={"clue": CLUE}, headers=handler)
    assert handed.status_code == 200, handed.text
    complaint = handed.json()
    assert complaint["status"] == "mediating"  # mediation goes on
    assert complaint["converted_to_case"] is False  # not a case until it is filed
    (link,) = complaint["links"]
    assert link["relation"] == "clue_handed_over" and link["item_type"] == "report"
    assert link["ref"] in complaint["history"][-1]["note"]

    report = client.get(f"{BASE}/{link['id']}", headers=handler).json()
    assert report["status"] == "verifying" and report["workflow"] == "report"
    assert report["unit_id"] == centre.east_id and report["source_item_id"] == cid
    assert report["clue"] == CLUE and report["respondent_name"] == "好再来超市有限公司"
    assert report["submitter_name"] == ""  # the bureau's own finding, no reporter
    assert [(x["relation"], x["id"]) for x in report["links"]] == [("clue_from_mediation", cid)]
    (verification,) = report["clocks"]
    assert verification["kind"] == "verification" and verification["status"] == "running"
    # found on Monday 2026-11-23 (not counted): 15 working days → 2026-12-14
    assert (verification["started_on"], verification["limit"]) == ("2026-11-23", 15)
    assert verification["due_on"] == "2026-12-14"
    assert report["next_due_clock"] == "verification"

    extended = client.post(
        f"{BASE}/{report['id']}/extend-verification",
        json={"approved_by": "王局长"},
        headers=handler,
    ).json()
    (verification,) = extended["clocks"]
    assert verification["extension"] == 15 and verification["due_on"] == "2027-01-05"

    again = client.post(f"{BASE}/{cid}/convert-to-case", json={"clue": CLUE}, headers=handler)
    assert again.status_code == 409

    on_complaint = list_entries(session, entity_type="complaint", entity_id=str(cid))
    assert "complaint.convert_to_case" in [e.action for e in on_complaint]
    on_report = list_entries(session, entity_type="complaint", entity_id=str(report["id"]))
    assert [(e.action, e.actor) for e in on_report if e.action == "complaint.register"] == [
        ("complaint.register", "clue-handler")
    ]


def test_filing_the_handed_over_clue_counts_the_complaint_as_converted(
    client: TestClient, session: Session, auth_headers: Any, centre: Centre
) -> None:
    handler = handler_headers(session, centre.east, "clue-handler")
    cid = _mediating(client, auth_headers(Role.coordinator), handler)
    handed = client.post(f"{BASE}/{cid}/convert-to-case", json={"clue": CLUE}, headers=handler)
    report_id = handed.json()["links"][0]["id"]
    filed = client.post(
        f"{BASE}/{report_id}/file-case", json={"result": "已立案调查"}, headers=handler
    )
    assert filed.status_code == 200, filed.text
    complaint = client.get(f"{BASE}/{cid}", headers=handler).json()
    assert complaint["converted_to_case"] is True
    assert complaint["history"][-1]["action"] == "converted"
    audited = [e.action for e in list_entries(session, entity_type="complaint", entity_id=str(cid))]
    assert "complaint.converted" in audited

    # both pages show the link
    client.cookies.clear()
    login = client.post(
        "/login",
        data={"username": "clue-handler", "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert login.status_code == 303
    page = client.get(f"/complaints/{cid}").text
    assert re.search(rf'data-relation="clue_handed_over".*?/complaints/{report_id}"', page)
    form = re.search(r'data-action-name="convert_to_case".*?</form>', page, re.S)
    assert form is not None and 'name="clue"' in form.group(0)
    report_page = client.get(f"/complaints/{report_id}").text
    assert re.search(rf'data-relation="clue_from_mediation".*?/complaints/{cid}"', report_page)
