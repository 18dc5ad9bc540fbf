"""Phone and ID numbers of an incident as a read-only viewer sees them, through the real app
(API and pages): the caller (name masked too, as on complaint pages), the description, the
timeline (a stranger's SMS reply), the pages' recipients and bodies are masked; a coordinator
sees them in full. The dispatcher tick and the fake Twilio server as in test_escalation_flow."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import privacy
from core.users import Role
from escalation.dispatch import Dispatcher
from oncall.models import Person
from tests.api import test_escalation_flow as flow
from tests.conftest import TEST_PASSWORD, make_token, make_user
from tests.fakes.fake_twilio import FakeTwilio
from web.render import FRAGMENT_HEADER

fake, twilio_app, web, dispatcher = flow.fake, flow.twilio_app, flow.web, flow.dispatcher
centre, coordinator = flow.centre, flow.coordinator
CALLER = "+8613900000099"
STRANGER = "+8613999999999"
ID_NUMBER = "11010119900101123X"
FULL_NUMBERS = ("13900000099", "13999999999", ID_NUMBER)


def _opened_and_paged(
    web: TestClient, fake: FakeTwilio, dispatcher: Dispatcher, coordinator: dict[str, str]
) -> int:
    incident = flow._open(
        web,
        coordinator,
        caller_name="赵先生",
        caller_phone=CALLER,
        description=f"来电人身份证 {ID_NUMBER}，回电 {CALLER}",
    )
    dispatcher.tick()
    sms = {"From": STRANGER, "To": flow.FROM, "Body": f"{incident['short_code']} 确认"}
    assert flow._signed_post(web, fake, "/twilio/sms", sms).status_code == 200
    incident_id: int = incident["id"]
    return incident_id


def test_a_viewer_gets_numbers_masked_from_the_incident_api(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident_id = _opened_and_paged(web, fake, dispatcher, coordinator)
    officer = flow._mobile(session, centre["officer"])
    viewer = {
        "Authorization": f"Bearer {make_token(session, make_user(session, role=Role.viewer))}"
    }
    for path in (
        f"/api/v1/incidents/{incident_id}",
        f"/api/v1/incidents/{incident_id}/notifications",
        "/api/v1/incidents",
    ):
        shown = web.get(path, headers=viewer).text
        assert not any(n in shown for n in (*FULL_NUMBERS, officer[-11:])), (path, shown)
    body = web.get(f"/api/v1/incidents/{incident_id}", headers=viewer).json()
    assert (body["caller_name"], body["caller_phone"]) == ("赵**", "139****0099")
    assert STRANGER not in str(body["timeline"]) and "139****9999" in str(body["timeline"])
    pages = web.get(f"/api/v1/incidents/{incident_id}/notifications", headers=viewer).json()
    assert pages and all(re.fullmatch(r"1\d\d\*{4}\d{4}", p["to"]) for p in pages)
    full_body = web.get(f"/api/v1/incidents/{incident_id}", headers=coordinator).json()
    assert (full_body["caller_name"], full_body["caller_phone"]) == ("赵先生", CALLER)
    assert ID_NUMBER in full_body["description"]


def test_a_viewer_sees_numbers_masked_on_the_incident_page_and_its_live_part(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident_id = _opened_and_paged(web, fake, dispatcher, coordinator)
    officer = flow._mobile(session, centre["officer"])
    make_user(session, role=Role.viewer, username="look")
    signed_in = web.post(
        "/login", data={"username": "look", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    page = web.get(f"/incidents/{incident_id}").text
    assert "赵** 139****0099" in page and "赵先生" not in page
    assert 'id="pages"' in page and centre["officer"].name in page
    live = web.get(f"/incidents/{incident_id}/live", headers={FRAGMENT_HEADER: "1"}).text
    for html in (page, live):
        assert not any(n in html for n in (*FULL_NUMBERS, officer[-11:]))
    assert "139****9999" in live  # the stranger's reply on the timeline


def test_a_viewer_gets_every_way_of_writing_a_phone_masked_one_way(
    web: TestClient,
    fake: FakeTwilio,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    """0086 and full-width digits in the description are masked too, and every number reads
    as `mask_phone` masks it: the page's recipient and the same number in the timeline."""
    incident = flow._open(
        web,
        coordinator,
        caller_phone=CALLER,
        description="举报人电话008613912345678，备用１３９１２３４５６７８",
    )
    dispatcher.tick()
    officer = flow._mobile(session, centre["officer"])
    viewer = {
        "Authorization": f"Bearer {make_token(session, make_user(session, role=Role.viewer))}"
    }
    body = web.get(f"/api/v1/incidents/{incident['id']}", headers=viewer).json()
    assert body["description"] == "举报人电话139****5678，备用139****5678"
    listed = web.get("/api/v1/incidents", headers=viewer)
    assert listed.status_code == 200 and "12345678" not in listed.text
    assert "１３９１２３４５６７８" not in listed.text
    pages = web.get(f"/api/v1/incidents/{incident['id']}/notifications", headers=viewer).json()
    masked_officer = privacy.mask_phone(officer)
    assert masked_officer and masked_officer in [p["to"] for p in pages]
    timeline = " ".join(e["text"] for e in body["timeline"])
    assert f"({masked_officer})" in timeline and "+86*" not in timeline, timeline
