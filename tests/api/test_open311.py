"""Open311 GeoReport v2 through the real app: discovery and services, API keys, a request
POSTed, read back and followed through the workflow until it is closed, visibility and
masking, XML, and errors in the Open311 format (still 4xx)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from complaints.models import Complaint
from core.audit import list_entries
from core.clock import FakeClock
from core.users import Role
from tests.complaint_helpers import Centre, make_centre

Headers = Callable[[Role], dict[str, str]]
V2 = "/open311/v2"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


@pytest.fixture
def api_key(client: TestClient, auth_headers: Headers, centre: Centre) -> str:
    response = client.post(
        "/api/v1/open311/clients",
        json={"name": "市民服务小程序", "channel": "wechat"},
        headers=auth_headers(Role.admin),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["api_key"].startswith("o311_") and body["key_hint"] == body["api_key"][-4:]
    key: str = body["api_key"]
    return key


def _complaint_form(key: str, **overrides: str) -> dict[str, str]:
    form = {
        "api_key": key,
        "service_code": "complaint-price",
        "address_string": "城东区幸福路88号",
        "first_name": "三",
        "last_name": "张",
        "phone": "13800138000",
        "email": "zhang@example.com",
        "account_id": "wx-42",
        "description": "好再来超市酸奶标价12元结账收15元，我的电话13800138000。",
        "lat": "31.2304",
        "long": "121.4737",
        "media_url": "https://img.example.com/receipt.jpg",
        "attribute[claim]": "退还多收的3元",
        "attribute[respondent_name]": "好再来超市有限公司",
        "attribute[submitter_address]": "城西区和平路1号",
        "attribute[amount]": "3",
        "attribute[consent_publish]": "true",
    }
    form.update(overrides)
    return form


def _errors(response: Any) -> list[dict[str, Any]]:
    assert response.headers["content-type"].startswith("application/json")
    body: list[dict[str, Any]] = response.json()
    assert all(e["code"] == response.status_code for e in body)
    return body


def test_discovery_services_and_definitions(client: TestClient, centre: Centre) -> None:
    discovery = client.get(f"{V2}/discovery.json")
    assert discovery.status_code == 200
    assert discovery.json()["endpoints"][0]["url"].endswith("/open311/v2")
    services = client.get(f"{V2}/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"complaint-food", "report-special_equipment", "consultation-price"} <= codes
    assert len(services) == 5 * 16
    food = next(s for s in services if s["service_code"] == "complaint-food")
    assert food["group"] == "投诉" and food["metadata"] is True and food["type"] == "realtime"
    definition = client.get(f"{V2}/services/complaint-food.json").json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["claim"]["required"] and attributes["claim"]["datatype"] == "text"
    assert [v["key"] for v in attributes["consent_publish"]["values"]] == ["true", "false"]
    report = client.get(f"{V2}/services/report-food.json").json()
    assert report["attributes"][0]["code"] == "clue" and report["attributes"][0]["required"]
    xml = client.get(f"{V2}/services.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(xml.content)
    assert root.tag == "services" and len(root.findall("service")) == 80
    assert root.find("service/service_code") is not None
    jurisdiction = client.get(f"{V2}/services.json", params={"jurisdiction_id": "127.0.0.1"})
    assert jurisdiction.status_code == 200


def test_a_request_round_trip_until_closed(
    client: TestClient,
    auth_headers: Headers,
    api_key: str,
    centre: Centre,
    session: Session,
    clock: FakeClock,
) -> None:
    posted = client.post(f"{V2}/requests.json", data=_complaint_form(api_key))
    assert posted.status_code == 201, posted.text
    (answer,) = posted.json()
    ref = answer["service_request_id"]
    assert answer["account_id"] == "wx-42" and "7个工作日" in answer["service_notice"]
    token = client.get(f"{V2}/tokens/{answer['token']}.json").json()
    assert token == [{"service_request_id": ref, "token": answer["token"]}]

    item = session.exec(select(Complaint).where(Complaint.ref == ref)).one()
    assert item.channel.value == "wechat" and item.submitter_name == "张三"
    assert item.respondent_address == "城东区幸福路88号" and item.amount_cents == 300
    assert item.registered_by == "open311:市民服务小程序" and item.domain.value == "price"

    def fetch(**params: str) -> dict[str, Any]:
        response = client.get(f"{V2}/requests/{ref}.json", params={"api_key": api_key} | params)
        assert response.status_code == 200, response.text
        (one,) = response.json()
        return dict(one)

    opened = fetch(extensions="true")
    assert opened["status"] == "open" and opened["status_notes"] == "已登记"
    assert opened["service_code"] == "complaint-price"
    assert opened["agency_responsible"] == "城东区局"
    assert opened["requested_datetime"] == "2026-11-23T09:30:00+08:00"
    # the statutory clock, not the internal 1-WD distribution: accept within 7 WD → 12-02
    assert opened["expected_datetime"] == "2026-12-03T00:00:00+08:00"
    assert opened["extended_attributes"]["deadline_clock"] == "acceptance"
    assert opened["lat"] == pytest.approx(31.2304) and opened["long"] == pytest.approx(121.4737)
    assert opened["media_url"] == "https://img.example.com/receipt.jpg"
    assert "13800138000" not in json.dumps(opened, ensure_ascii=False)
    assert "138****8000" in opened["description"]
    assert opened["extended_attributes"]["status_code"] == "registered"
    assert "zhang@example.com" not in json.dumps(opened) and "张三" not in json.dumps(opened)

    staff = auth_headers(Role.coordinator)
    base = f"/api/v1/complaints/{item.id}"
    for step, body in (
        ("distribute", {}),
        ("sign-for", {}),
        ("accept", {}),
    ):
        clock.advance(timedelta(hours=1))
        assert client.post(f"{base}/{step}", json=body, headers=staff).status_code == 200
    accepted = fetch()
    assert accepted["status"] == "open" and accepted["status_notes"] == "已受理"
    # mediation: 60 calendar days from acceptance on 11-23 (not counted) → 2027-01-22
    assert accepted["expected_datetime"] == "2027-01-23T00:00:00+08:00"
    for step, body in (
        ("start-mediation", {"complainant_consent": True, "respondent_consent": True}),
        ("agree", {"result": "商家退还3元", "amount_recovered_cents": 300}),
        ("close", {}),
    ):
        clock.advance(timedelta(hours=1))
        response = client.post(f"{base}/{step}", json=body, headers=staff)
        assert response.status_code == 200, response.text
    closed = fetch()
    assert closed["status"] == "closed" and closed["status_notes"] == "已办结（调解成功）"
    assert closed["expected_datetime"] is None
    assert closed["updated_datetime"] == "2026-11-23T15:30:00+08:00"
    listed = client.get(f"{V2}/requests.json", params={"status": "closed"}).json()
    assert [r["service_request_id"] for r in listed] == [ref]  # consented: public
    assert client.get(f"{V2}/requests.json", params={"status": "open"}).json() == []


def test_visibility_reports_and_unconsented_complaints_stay_private(
    client: TestClient, api_key: str, centre: Centre
) -> None:
    private = _complaint_form(api_key, **{"attribute[consent_publish]": "false"})
    (complaint,) = client.post(f"{V2}/requests.json", data=private).json()
    split = _complaint_form(api_key, **{"attribute[clue]": "好再来超市长期价格欺诈"})
    both = client.post(f"{V2}/requests.json", data=split).json()
    assert len(both) == 2 and both[0]["token"] == both[1]["token"]
    report_form = {
        "api_key": api_key,
        "service_code": "report-food",
        "address_string": "城西区民生路5号",
        "description": "便民小卖部卖过期面包",
        "attribute[clue]": "城西区民生路5号便民小卖部销售过期食品",
        "attribute[respondent_name]": "便民小卖部",
        "attribute[anonymous]": "true",
    }
    (report,) = client.post(f"{V2}/requests.json", data=report_form).json()

    public = client.get(f"{V2}/requests.json").json()
    assert [r["service_request_id"] for r in public] == [both[0]["service_request_id"]]
    for ref in (complaint["service_request_id"], report["service_request_id"]):
        hidden = client.get(f"{V2}/requests/{ref}.json")
        assert hidden.status_code == 404 and _errors(hidden)[0]["code"] == 404
    own = client.get(f"{V2}/requests.json", params={"api_key": api_key, "extensions": "true"})
    refs = {r["service_request_id"] for r in own.json()}
    assert refs == {
        complaint["service_request_id"],
        both[0]["service_request_id"],
        both[1]["service_request_id"],
        report["service_request_id"],
    }
    linked = {r["service_request_id"]: r["extended_attributes"] for r in own.json()}
    assert (
        linked[both[1]["service_request_id"]]["linked_request_id"] == both[0]["service_request_id"]
    )
    assert linked[report["service_request_id"]]["item_type"] == "report"
    codes = client.get(
        f"{V2}/requests.json", params={"api_key": api_key, "service_code": "report-food"}
    ).json()
    assert [r["service_request_id"] for r in codes] == [report["service_request_id"]]
    ids = ",".join((report["service_request_id"], complaint["service_request_id"]))
    by_id = client.get(f"{V2}/requests.json", params={"service_request_id": ids}).json()
    assert by_id == []  # without the key neither is visible


def test_xml_requests_and_responses(client: TestClient, api_key: str, centre: Centre) -> None:
    posted = client.post(f"{V2}/requests.xml", data=_complaint_form(api_key))
    assert posted.status_code == 201 and posted.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(posted.content)
    ref = root.findtext("request/service_request_id")
    assert root.tag == "service_requests" and ref
    one = ET.fromstring(client.get(f"{V2}/requests/{ref}.xml").content)
    assert one.findtext("request/status") == "open"
    assert one.findtext("request/agency_responsible") == "城东区局"
    error = client.get(f"{V2}/requests/NOPE.xml")
    assert error.status_code == 404
    errors = ET.fromstring(error.content)
    assert errors.tag == "errors" and errors.findtext("error/code") == "404"


def test_errors_use_the_open311_format(
    client: TestClient, auth_headers: Headers, api_key: str, centre: Centre, session: Session
) -> None:
    no_key = client.post(f"{V2}/requests.json", data=_complaint_form(""))
    assert no_key.status_code == 403 and "api_key" in _errors(no_key)[0]["description"]
    wrong = client.post(f"{V2}/requests.json", data=_complaint_form("o311_wrong"))
    assert wrong.status_code == 403
    unknown = client.post(
        f"{V2}/requests.json", data=_complaint_form(api_key, service_code="complaint-weather")
    )
    assert unknown.status_code == 404
    incomplete = _complaint_form(api_key, phone="")
    del incomplete["attribute[claim]"]
    missing = client.post(f"{V2}/requests.json", data=incomplete)
    assert missing.status_code == 400
    described = " ".join(e["description"] for e in _errors(missing))
    assert "phone:" in described and "attribute[claim]:" in described
    nowhere = _complaint_form(api_key, address_string="", lat="", long="")
    located = client.post(f"{V2}/requests.json", data=nowhere)
    assert located.status_code == 400 and "location" in _errors(located)[0]["description"]
    bad_attribute = client.post(
        f"{V2}/requests.json", data=_complaint_form(api_key, **{"attribute[colour]": "red"})
    )
    assert bad_attribute.status_code == 400
    assert "attribute[colour]" in _errors(bad_attribute)[0]["description"]
    bad_lat = client.post(f"{V2}/requests.json", data=_complaint_form(api_key, lat="123"))
    assert bad_lat.status_code == 400 and _errors(bad_lat)[0]["description"].startswith("lat")
    elsewhere = client.get(f"{V2}/services.json", params={"jurisdiction_id": "another.city"})
    assert (
        elsewhere.status_code == 404 and "jurisdiction_id" in _errors(elsewhere)[0]["description"]
    )
    wide = client.get(
        f"{V2}/requests.json",
        params={"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-11-01T00:00:00+08:00"},
    )
    assert wide.status_code == 400 and "90 days" in _errors(wide)[0]["description"]
    assert client.get(f"{V2}/requests.html").status_code in (400, 404)
    assert client.get(f"{V2}/nothing-here").status_code == 404
    assert client.get(f"{V2}/nothing-here").json()[0]["code"] == 404
    not_json = client.post(
        f"{V2}/requests.json", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400

    listed = client.get("/api/v1/open311/clients", headers=auth_headers(Role.admin)).json()
    assert [c["name"] for c in listed] == ["市民服务小程序"] and "api_key" not in listed[0]
    revoked = client.post(
        f"/api/v1/open311/clients/{listed[0]['id']}/revoke", headers=auth_headers(Role.admin)
    )
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    after = client.post(f"{V2}/requests.json", data=_complaint_form(api_key))
    assert after.status_code == 403
    actions = [
        e.action for e in list_entries(session, entity_type="open311_client", entity_id=None)
    ]
    assert actions == ["open311.client.revoke", "open311.client.create"]  # newest first
    # the rest of the API keeps RFC 9457
    other = client.get("/api/v1/complaints/999", headers=auth_headers(Role.admin))
    assert other.headers["content-type"] == "application/problem+json"


def test_json_bodies_are_accepted_too(client: TestClient, api_key: str, centre: Centre) -> None:
    form = _complaint_form(api_key)
    body: dict[str, Any] = {k: v for k, v in form.items() if not k.startswith("attribute[")}
    body["attribute"] = {k[10:-1]: v for k, v in form.items() if k.startswith("attribute[")}
    body["lat"], body["long"] = 31.2, 121.4
    posted = client.post(f"{V2}/requests.json", json=body)
    assert posted.status_code == 201, posted.text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("end_date", "0001-02-01T00:00:00Z"),
        ("start_date", "9999-12-31T00:00:00Z"),
        ("start_date", "0001-01-01T00:00:00+08:00"),
        ("end_date", "9999-12-31T23:59:59-10:00"),
        ("end_date", "1999-12-31T00:00:00"),
    ],
)
def test_dates_out_of_range_are_a_400_naming_the_parameter(
    client: TestClient, centre: Centre, name: str, value: str
) -> None:
    response = client.get(f"{V2}/requests.json", params={name: value})
    assert response.status_code == 400
    assert _errors(response)[0]["description"].startswith(f"{name}:")


@pytest.mark.parametrize("content_type", ["", "; charset=utf-8"])
def test_raw_utf8_form_bodies_keep_their_chinese_text(
    client: TestClient, api_key: str, centre: Centre, session: Session, content_type: str
) -> None:
    form = _complaint_form(api_key)
    raw = "&".join(f"{key}={value}" for key, value in form.items()).encode("utf-8")
    headers = {"content-type": "application/x-www-form-urlencoded" + content_type}
    posted = client.post(f"{V2}/requests.json", content=raw, headers=headers)
    assert posted.status_code == 201, posted.text
    ref = posted.json()[0]["service_request_id"]
    item = session.exec(select(Complaint).where(Complaint.ref == ref)).one()
    assert item.submitter_name == "张三" and item.description == form["description"]
    assert item.respondent_name == "好再来超市有限公司" and item.domain.value == "price"
    assert item.unit_id == centre.east_id


def test_a_form_that_is_not_utf8_is_a_400(client: TestClient, api_key: str, centre: Centre) -> None:
    raw = f"api_key={api_key}&service_code=complaint-price&description=".encode() + "酸奶".encode(
        "gbk"
    )
    headers = {"content-type": "application/x-www-form-urlencoded"}
    posted = client.post(f"{V2}/requests.json", content=raw, headers=headers)
    assert posted.status_code == 400 and _errors(posted)[0]["description"].startswith("body:")


def test_xml_stays_well_formed_whatever_a_submission_holds(
    client: TestClient, api_key: str, centre: Centre
) -> None:
    """A control character in one citizen's text (accepted at intake, as by every channel)
    made every requests.xml listing that showed it malformed: no XML parser could read it."""
    text = "酸奶多收钱\x0b\x1f<&>]]>，第二行\n结束"
    posted = client.post(f"{V2}/requests.json", data=_complaint_form(api_key, description=text))
    assert posted.status_code == 201, posted.text
    ref = posted.json()[0]["service_request_id"]
    for url in (f"{V2}/requests.xml", f"{V2}/requests/{ref}.xml"):
        root = ET.fromstring(client.get(url).content)
        assert root.findtext("request/description") == "酸奶多收钱\ufffd\ufffd<&>]]>，第二行\n结束"
    assert client.get(f"{V2}/requests/{ref}.json").json()[0]["description"] == text
