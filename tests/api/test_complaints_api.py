"""Complaints over HTTP through the real app: intake (201, 422 naming fields), the workflow
(409 for an illegal step), handling units limited to their own items (403), masking by role,
the confidential identity (audited) and the emergency path into the escalation engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo
from complaints.models import Supervision
from core.audit import list_entries
from core.clock import FakeClock
from core.users import Role
from escalation.models import Incident, Notification, NotificationStatus
from oncall import directory
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.complaint_helpers import (
    CONSENT,
    Centre,
    complaint_data,
    handler_headers,
    handler_user,
    make_centre,
    report_data,
)
from tests.conftest import T0, make_token

Headers = Callable[[Role], dict[str, str]]


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _body(**overrides: Any) -> dict[str, Any]:
    return complaint_data(**overrides).model_dump(mode="json", exclude_none=True)


def _register(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> list[Any]:
    response = client.post("/api/v1/complaints", json=body, headers=headers)
    assert response.status_code == 201, response.text
    items: list[Any] = response.json()["items"]
    return items


def test_intake_names_every_missing_field(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    body = _body()
    for field in ("submitter_phone", "claim", "respondent_name"):
        body.pop(field)
    response = client.post("/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"submitter_phone", "claim", "respondent_name"}
    bad_phone = client.post(
        "/api/v1/complaints",
        json=_body() | {"submitter_phone": "call me"},
        headers=auth_headers(Role.coordinator),
    )
    assert bad_phone.status_code == 422
    assert bad_phone.json()["errors"][0]["field"] == "submitter_phone"


def test_intake_names_type_errors_and_missing_fields_in_one_422(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    body = _body() | {"amount_cents": "12.345"}
    for field in ("description", "submitter_address", "claim"):
        body.pop(field)
    response = client.post("/api/v1/complaints", json=body, headers=auth_headers(Role.coordinator))
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert set(errors) == {"amount_cents", "description", "submitter_address", "claim"}
    assert errors["amount_cents"]["type"] == "int_parsing"
    assert errors["claim"]["reason"] == "a complaint needs a specific claim"
    assert "type" not in errors["claim"]
    unknown_type = client.post(
        "/api/v1/complaints",
        json=body | {"item_type": "rumour"},
        headers=auth_headers(Role.coordinator),
    )
    assert {e["field"] for e in unknown_type.json()["errors"]} == {"item_type", "amount_cents"}


def test_a_complaint_walks_its_whole_workflow(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session, clock: FakeClock
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (item,) = _register(client, coordinator, _body())
    assert item["status"] == "registered" and item["unit_id"] == centre.east_id
    assert "distribute" in item["allowed_actions"]
    cid = item["id"]
    east_user = handler_user(session, centre.east, "east-handler")
    handler = {"Authorization": f"Bearer {make_token(session, east_user)}"}

    not_yet = client.post(f"/api/v1/complaints/{cid}/accept", json={}, headers=handler)
    assert not_yet.status_code == 403  # not distributed to the unit yet
    assert client.get(f"/api/v1/complaints/{cid}", headers=handler).status_code == 404
    illegal = client.post(f"/api/v1/complaints/{cid}/accept", json={}, headers=coordinator)
    assert illegal.status_code == 409
    assert "not allowed" in illegal.json()["detail"] and "registered" in illegal.json()["detail"]

    forbidden = client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=handler)
    assert forbidden.status_code == 403  # a unit may not distribute (intake action)

    steps: list[tuple[str, dict[str, Any], dict[str, str], str]] = [
        ("distribute", {}, coordinator, "distributed"),
        ("sign-for", {}, handler, "pending_acceptance"),
        ("accept", {}, handler, "accepted"),
        ("start-mediation", CONSENT, handler, "mediating"),
        ("suspend", {"reason": "testing"}, handler, "suspended"),
    ]
    for path, body, headers, expected in steps:
        response = client.post(f"/api/v1/complaints/{cid}/{path}", json=body, headers=headers)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["status"] == expected
    mediation = {c["kind"]: c for c in response.json()["clocks"]}["mediation"]
    assert mediation["status"] == "paused" and mediation["due_on"] == "2027-01-22"
    clock.advance(timedelta(days=10))
    handler = {"Authorization": f"Bearer {make_token(session, east_user, now=clock.now())}"}
    resumed = client.post(f"/api/v1/complaints/{cid}/resume", json={}, headers=handler).json()
    mediation = {c["kind"]: c for c in resumed["clocks"]}["mediation"]
    assert mediation["paused_units"] == 10 and mediation["due_on"] == "2027-02-01"
    agreed = client.post(
        f"/api/v1/complaints/{cid}/agree",
        json={"result": "退还3元并赔偿100元", "amount_recovered_cents": 10300},
        headers=handler,
    ).json()
    assert agreed["status"] == "agreed" and agreed["amount_recovered_cents"] == 10300
    closed = client.post(f"/api/v1/complaints/{cid}/close", json={}, headers=handler).json()
    assert closed["status"] == "closed" and closed["closed_on_time"] is True
    assert closed["allowed_actions"] == []
    actions = [e["action"] for e in closed["history"]]
    assert actions == [
        "register",
        "distribute",
        "sign_for",
        "accept",
        "start_mediation",
        "suspend",
        "resume",
        "agree",
        "close",
    ]
    assert {c["status"] for c in closed["clocks"]} == {"met"}
    audited = [e.action for e in list_entries(session, entity_type="complaint", entity_id=str(cid))]
    assert "complaint.close" in audited and "complaint.accept" in audited


def test_handlers_see_and_touch_only_their_units_items(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (east,) = _register(client, coordinator, _body())
    (west,) = _register(
        client, coordinator, report_data().model_dump(mode="json", exclude_none=True)
    )
    for item in (east, west):
        client.post(f"/api/v1/complaints/{item['id']}/distribute", json={}, headers=coordinator)
    handler = handler_headers(session, centre.east, "east-handler")
    inbox = client.get("/api/v1/complaints", headers=handler).json()
    assert [i["id"] for i in inbox["items"]] == [east["id"]] and inbox["total"] == 1
    assert client.get(f"/api/v1/complaints/{west['id']}", headers=handler).status_code == 404
    other = client.post(f"/api/v1/complaints/{west['id']}/sign-for", json={}, headers=handler)
    assert other.status_code == 403
    returned = client.post(
        f"/api/v1/complaints/{east['id']}/return-to-intake",
        json={"reason": "被投诉人实际在城西区经营，本局无管辖权"},
        headers=handler,
    ).json()
    assert returned["status"] == "returned" and returned["unit_id"] is None
    assert returned["returned_count"] == 1
    assert returned["history"][-1]["unit_id"] == centre.east_id  # the unit that sent it back
    assert client.get("/api/v1/complaints", headers=handler).json()["total"] == 0
    # distributing it again names the unit: routing would send it back to the east bureau
    again = client.post(f"/api/v1/complaints/{east['id']}/distribute", json={}, headers=coordinator)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "unit_id"
    rerouted = client.post(
        f"/api/v1/complaints/{east['id']}/reroute",
        json={"unit_id": centre.west_id, "reason": "按实际经营地改派"},
        headers=coordinator,
    ).json()
    assert rerouted["status"] == "distributed" and rerouted["unit_id"] == centre.west_id
    assert "改派原因" in rerouted["history"][-1]["note"]


def test_masking_depends_on_the_role(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (report,) = _register(
        client,
        coordinator,
        report_data(submitter_id_number="110101199001011234").model_dump(
            mode="json", exclude_none=True
        ),
    )
    (complaint,) = _register(client, coordinator, _body())
    rid, cid = report["id"], complaint["id"]
    for item in (report, complaint):
        client.post(f"/api/v1/complaints/{item['id']}/distribute", json={}, headers=coordinator)

    listing = client.get("/api/v1/complaints?state=all", headers=coordinator).json()["items"]
    phones = {i["id"]: i["submitter_phone"] for i in listing}
    assert phones == {rid: "139****9000", cid: "138****8000"}  # lists always mask

    full = client.get(f"/api/v1/complaints/{rid}", headers=coordinator).json()
    assert full["submitter_name"] == "李四" and full["submitter_phone"] == "+8613900139000"
    assert full["submitter_id_number"] == "110101199001011234" and not full["identity_hidden"]

    west_handler = handler_headers(session, centre.west, "west-handler")
    hidden = client.get(f"/api/v1/complaints/{rid}", headers=west_handler).json()
    assert hidden["identity_hidden"] and hidden["submitter_name"] == "（保密）"
    assert hidden["submitter_phone"] is None and hidden["submitter_id_number"] is None
    assert "13900139000" not in str(hidden)

    viewer = auth_headers(Role.viewer)
    seen = client.get(f"/api/v1/complaints/{cid}", headers=viewer).json()
    assert seen["submitter_name"] == "张*" and seen["submitter_phone"] == "138****8000"
    assert seen["submitter_id_number"] == "110***********1234"
    assert client.get(f"/api/v1/complaints/{rid}/identity", headers=viewer).status_code == 403
    assert client.get(f"/api/v1/complaints/{rid}/identity", headers=west_handler).status_code == 403

    identity = client.get(f"/api/v1/complaints/{rid}/identity", headers=auth_headers(Role.leader))
    assert identity.status_code == 200 and identity.json()["submitter_phone"] == "+8613900139000"
    looks = list_entries(session, entity_type="complaint", entity_id=str(rid))
    assert looks[0].action == "complaint.identity.view" and looks[0].actor == "leader-user"
    assert all("13900139000" not in (e.after or "") for e in looks)


def test_the_queue_puts_emergencies_first_then_the_nearest_deadline(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (old,) = _register(client, coordinator, _body(received_at="2026-11-16T02:00:00Z"))
    (new,) = _register(client, coordinator, _body(submitter_phone="13500135000"))
    (urgent,) = _register(
        client, coordinator, _body(urgency="urgent", submitter_phone="13300133000")
    )
    (emergency,) = _register(
        client, coordinator, _body(urgency="emergency", submitter_phone="13100131000")
    )
    queue = client.get("/api/v1/complaints", headers=coordinator).json()["items"]
    assert [i["id"] for i in queue] == [emergency["id"], urgent["id"], old["id"], new["id"]]
    assert queue[2]["overdue"] and queue[2]["remaining_working_days"] < 0
    overdue = client.get("/api/v1/complaints?overdue=true", headers=coordinator).json()
    assert [i["id"] for i in overdue["items"]] == [old["id"]]
    found = client.get("/api/v1/complaints?q=好再来&emergency=true", headers=coordinator).json()
    assert found["total"] == 1


def test_staff_confirm_an_emergency_and_it_opens_an_incident(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (item,) = _register(client, coordinator, _body())
    assert item["incident_id"] is None and item["urgency"] == "normal"
    confirmed = client.post(
        f"/api/v1/complaints/{item['id']}/classification",
        json={"urgency": "emergency", "domain": "food", "note": "来电称多人就医"},
        headers=coordinator,
    ).json()
    assert confirmed["is_emergency"] and confirmed["domain_confirmed"]
    incident = session.get(Incident, confirmed["incident_id"])
    assert incident is not None and incident.complaint_ref == item["ref"]
    assert incident.category.value == "food_safety"


@pytest.fixture
def duty_centre(session: Session) -> dict[str, Person]:
    """The demo centre with 杨帆 on today's day shift (published directly)."""
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    shifts = {s.code: s for s in session.exec(select(ShiftType)).all()}
    today = date(2026, 11, 23)
    roster = Roster(
        unit_id=unit.id or 0,
        period_start=today,
        period_end=today,
        version=1,
        status=RosterStatus.published,
        time_limit_s=1,
        created_by="test",
        created_at=T0,
        published_at=T0,
        published_by="test",
        staff_notified_at=T0,
    )
    session.add(roster)
    session.flush()
    officer = session.exec(select(Person).where(Person.name == "杨帆")).one()
    session.add(
        RosterAssignment(
            roster_id=roster.id or 0,
            person_id=officer.id or 0,
            day=today,
            shift_type_id=shifts["day"].id or 0,
        )
    )
    session.commit()
    return {"officer": officer}


def test_an_urgent_complaint_pages_the_duty_officer(
    app: FastAPI,
    client: TestClient,
    auth_headers: Headers,
    duty_centre: dict[str, Person],
    session: Session,
) -> None:
    body = _body(
        description="幸福小区3号楼电梯困人，两位老人被困一个多小时，物业联系不上维保单位",
        claim="立即救援并查处维保单位",
        respondent_name="某某电梯维保有限公司",
        respondent_address="城东区幸福小区3号楼",
    )
    (item,) = _register(client, auth_headers(Role.coordinator), body)
    assert item["is_emergency"] and item["domain"] == "special_equipment"
    incident_id = item["incident_id"]
    incident = client.get(
        f"/api/v1/incidents/{incident_id}", headers=auth_headers(Role.coordinator)
    )
    assert incident.json()["category"] == "special_equipment"
    assert incident.json()["complaint_ref"] == item["ref"]
    assert item["ref"] in incident.json()["title"]

    app.state.dispatcher.tick()
    pages = session.exec(select(Notification).where(Notification.incident_id == incident_id)).all()
    officer_mobile = directory.person_public(session, duty_centre["officer"]).contacts[0].value
    assert [(p.to, p.status) for p in pages] == [(officer_mobile, NotificationStatus.sent)]
    assert "电梯" in pages[0].body


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59-10:00",
        "1999-12-31T23:59:59+00:00",
        "2101-01-01T00:00:00+00:00",
    ],
)
def test_instants_out_of_range_are_a_422_naming_the_field(
    client: TestClient, auth_headers: Headers, centre: Centre, value: str
) -> None:
    staff = auth_headers(Role.coordinator)
    posted = client.post("/api/v1/complaints", json=_body() | {"received_at": value}, headers=staff)
    assert posted.status_code == 422, posted.text
    assert [e["field"] for e in posted.json()["errors"]] == ["received_at"]
    for name in ("received_from", "received_to", "due_before"):
        listed = client.get("/api/v1/complaints", params={name: value}, headers=staff)
        assert listed.status_code == 422, (name, listed.text)
        assert name in [e["field"] for e in listed.json()["errors"]]


def test_a_handler_sees_only_their_units_members_of_a_cluster(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (east,) = _register(client, coordinator, _body())
    (west,) = _register(
        client,
        coordinator,
        _body(
            item_type="report",
            clue="该店销售过期酸奶",
            respondent_address="城西区民生路5号",
            occurred_address="城西区民生路5号",
        ),
    )
    assert west["unit_id"] == centre.west_id
    for item in (east, west):
        distributed = client.post(
            f"/api/v1/complaints/{item['id']}/distribute", json={}, headers=coordinator
        )
        assert distributed.status_code == 200, distributed.text
    cluster_id = west["cluster_id"]
    assert cluster_id is not None
    everyone = client.get(f"/api/v1/complaint-clusters/{cluster_id}", headers=coordinator).json()
    assert {m["id"] for m in everyone["members"]} == {east["id"], west["id"]}

    handler = handler_headers(session, centre.east, "east-handler")
    assert client.get(f"/api/v1/complaints/{west['id']}", headers=handler).status_code == 404
    cluster = client.get(f"/api/v1/complaint-clusters/{cluster_id}", headers=handler).json()
    assert [m["id"] for m in cluster["members"]] == [east["id"]] and cluster["size"] == 2
    detail = client.get(f"/api/v1/complaints/{east['id']}", headers=handler).json()
    assert [m["id"] for m in detail["cluster"]["members"]] == [east["id"]]
    west_handler = handler_headers(session, centre.west, "west-handler")
    theirs = client.get(f"/api/v1/complaint-clusters/{cluster_id}", headers=west_handler).json()
    assert [m["id"] for m in theirs["members"]] == [west["id"]]
    reroute = {"unit_id": centre.east_id, "reason": "属城东区管辖"}
    moved = client.post(
        f"/api/v1/complaints/{west['id']}/reroute", json=reroute, headers=coordinator
    )
    assert moved.status_code == 200, moved.text
    unseen = client.get(f"/api/v1/complaint-clusters/{cluster_id}", headers=west_handler)
    assert unseen.status_code == 404  # none of its members is the west unit's any more


def test_a_handler_acts_only_on_items_distributed_to_their_unit(
    client: TestClient,
    auth_headers: Headers,
    centre: Centre,
    session: Session,
    clock: FakeClock,
    app: FastAPI,
) -> None:
    coordinator = auth_headers(Role.coordinator)
    (item,) = _register(client, coordinator, _body(item_type="suggestion", claim=""))
    assert item["status"] == "registered" and item["unit_id"] == centre.east_id
    cid = item["id"]
    handler = handler_headers(session, centre.east, "east-handler")
    assert client.get(f"/api/v1/complaints/{cid}", headers=handler).status_code == 404
    queue = client.get("/api/v1/complaints", headers=handler).json()
    assert queue["total"] == 0
    refused = client.post(f"/api/v1/complaints/{cid}/reply", json={}, headers=handler)
    assert refused.status_code == 403
    # answered at intake at once (即时办结): the distribution clock is met, never supervised
    replied = client.post(
        f"/api/v1/complaints/{cid}/reply", json={"result": "已当场答复"}, headers=coordinator
    ).json()
    assert replied["status"] == "replied"
    distribution = {c["kind"]: c for c in replied["clocks"]}["distribution"]
    assert distribution["status"] == "met" and distribution["on_time"] is True
    clock.advance(timedelta(days=10))
    assert app.state.supervisor.tick().supervised == 0
    assert session.exec(select(Supervision).where(Supervision.complaint_id == cid)).all() == []


def test_numbers_in_free_text_are_masked_where_the_identity_is(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    coordinator = auth_headers(Role.coordinator)
    says = "我的电话13800001111，身份证110101199001011234，2026-11-20 购买"
    (complaint,) = _register(client, coordinator, _body(description=says, claim=says))
    (report,) = _register(
        client,
        coordinator,
        report_data(description=says, clue=says, respondent_address="城西区民生路5号").model_dump(
            mode="json", exclude_none=True
        ),
    )
    for item in (complaint, report):
        client.post(f"/api/v1/complaints/{item['id']}/distribute", json={}, headers=coordinator)
    masked = "我的电话138****1111，身份证110***********1234，2026-11-20 购买"

    viewer = auth_headers(Role.viewer)
    for item in (complaint, report):
        seen = client.get(f"/api/v1/complaints/{item['id']}", headers=viewer).json()
        assert seen["description"] == masked
        assert masked in (seen["claim"], seen["clue"])
    found = client.get("/api/v1/complaints", params={"q": "13800001111"}, headers=viewer).json()
    assert found["total"] == 0
    # a term with a digit does not search masked free text (it would reveal the numbers)
    by_date = client.get("/api/v1/complaints", params={"q": "2026-11-20"}, headers=viewer).json()
    assert by_date["total"] == 0
    by_word = client.get("/api/v1/complaints", params={"q": "购买"}, headers=viewer).json()
    assert by_word["total"] == 2

    west_handler = handler_headers(session, centre.west, "west-handler")
    hidden = client.get(f"/api/v1/complaints/{report['id']}", headers=west_handler).json()
    assert hidden["description"] == masked and hidden["clue"] == masked
    theirs = client.get("/api/v1/complaints", params={"q": "13800001111"}, headers=west_handler)
    assert theirs.json()["total"] == 0

    east_handler = handler_headers(session, centre.east, "east-handler")
    mediating = client.get(f"/api/v1/complaints/{complaint['id']}", headers=east_handler).json()
    assert mediating["description"] == says  # the complaint's handling unit needs them
    staff = client.get("/api/v1/complaints", params={"q": "13800001111"}, headers=coordinator)
    assert staff.json()["total"] == 2


def test_the_search_reveals_no_digit_of_a_masked_number(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    # the review's oracle: known digits plus one guessed digit, kept under 7 digits a term
    coordinator = auth_headers(Role.coordinator)
    says = "举报人电话13712345678，身份证110101199003071234，该店销售过期食品"
    (report,) = _register(
        client,
        coordinator,
        report_data(description=says).model_dump(mode="json", exclude_none=True),
    )
    client.post(f"/api/v1/complaints/{report['id']}/distribute", json={}, headers=coordinator)
    west_handler = handler_headers(session, centre.west, "west-handler")

    def found(headers: dict[str, str], q: str) -> list[int]:
        params = {"q": q, "type": "report", "state": "all"}
        response = client.get("/api/v1/complaints", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    readers = (auth_headers(Role.duty_officer), auth_headers(Role.viewer), west_handler)
    for headers in readers:
        for guess in ("137123", "7123", "45", "110101", "0307"):  # digits it sees as ****
            assert report["id"] not in found(headers, guess), guess
        assert found(headers, "5678") == [report["id"]]  # the title shows 137****5678
        assert found(headers, report["ref"]) == [report["id"]]  # the ref is shown in full
        assert found(headers, "过期食品") == [report["id"]]  # words still find it
    for number in ("13712345678", "137123", "110101199003071234"):
        assert found(coordinator, number) == [report["id"]]  # complaint.confidential


def test_a_reply_a_filing_decision_and_an_agreement_need_their_result(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """回复 / 调解成功 / 立案 / 不予立案 with no result is a 422 naming `result` and the item
    stays where it was; closing without a result keeps the one recorded before."""
    coordinator = auth_headers(Role.coordinator)
    handler = handler_headers(session, centre.east, "east-handler")
    order_body = _body(channel="transfer_12345", external_ref="GD-EMPTY", claim="")
    (order,) = _register(client, coordinator, order_body)
    (report,) = _register(
        client, coordinator, report_data().model_dump(mode="json", exclude_none=True)
    )
    (complaint,) = _register(client, coordinator, _body())
    base = "/api/v1/complaints"
    for item, steps in (
        (order, ("distribute", "sign-for")),
        (report, ("distribute",)),
        (complaint, ("distribute", "accept", "start-mediation")),
    ):
        for step in steps:
            actor = coordinator if step == "distribute" else handler
            body = CONSENT if step == "start-mediation" else {}
            assert client.post(f"{base}/{item['id']}/{step}", json=body, headers=actor).is_success
    for item, step in ((order, "reply"), (complaint, "agree")):
        for body in ({}, {"result": ""}, {"result": "   "}):
            refused = client.post(f"{base}/{item['id']}/{step}", json=body, headers=handler)
            assert refused.status_code == 422, (step, body)
            assert [e["field"] for e in refused.json()["errors"]] == ["result"]
    west = handler_headers(session, centre.west, "west-handler")
    assert report["unit_id"] == centre.west_id
    assert client.post(f"{base}/{report['id']}/sign-for", json={}, headers=west).is_success
    for step in ("file-case", "not-file"):
        refused = client.post(f"{base}/{report['id']}/{step}", json={}, headers=west)
        assert refused.status_code == 422, step
        assert [e["field"] for e in refused.json()["errors"]] == ["result"]
    assert client.get(f"{base}/{report['id']}", headers=west).json()["status"] == "verifying"
    assert client.get(f"{base}/{order['id']}", headers=handler).json()["status"] == "signed_for"
    replied = client.post(f"{base}/{order['id']}/reply", json={"result": "已答复"}, headers=handler)
    assert replied.json()["status"] == "replied"
    # the centre checks the reply and closes the order (the unit may not)
    closed = client.post(f"{base}/{order['id']}/close", json={"result": ""}, headers=coordinator)
    assert closed.json()["status"] == "closed" and closed.json()["result"] == "已答复"


@pytest.mark.parametrize(
    "body",
    [
        _body(),
        _body(clue="该店销售过期酸奶"),  # split into a complaint and a report
        _body(urgency="emergency", submitter_phone="13100131000"),  # opens an incident
        report_data().model_dump(mode="json", exclude_none=True),
        # given in local time: answered in UTC, as it is stored and read back
        _body(received_at="2026-11-23T08:00:00+08:00"),
    ],
    ids=["complaint", "split", "emergency", "report", "local-time"],
)
def test_registration_answers_what_reading_the_items_back_answers(
    client: TestClient, auth_headers: Headers, centre: Centre, body: dict[str, Any]
) -> None:
    """The registration builds its answer from what it has in hand (the calendar, the rule
    set): each item equals what GET answers for it, for every reader role that registers.
    The same body twice makes the second a related item (a cluster) of the first."""
    coordinator = auth_headers(Role.coordinator)
    for _ in range(2):
        items = _register(client, coordinator, body)
        for item in items:
            again = client.get(f"/api/v1/complaints/{item['id']}", headers=coordinator)
            assert again.status_code == 200 and again.json() == item
    assert items[0]["cluster"] is not None
