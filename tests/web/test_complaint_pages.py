"""Complaint pages through the real app: the queue's order, countdowns and filters; the
detail page offering exactly the actions the role may take in the item's state; the unit
inbox limited to the handler's unit; the intake form naming every field the API's problems
name, and its utilities box for 12345 orders; the page's forms driving the API with the
session cookie and CSRF token; the queue's export links carrying the page's filters."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import demo, demo_complaints
from api.deps import CSRF_HEADER
from core.clock import FakeClock
from core.users import Role
from escalation.models import Incident
from oncall.models import Person, Unit
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.conftest import T0, TEST_PASSWORD, make_user

ROW = re.compile(r'<tr data-complaint="(\d+)" data-status="(\w+)" class="([^"]*)"')
FORM = re.compile(r'data-action-name="(\w+)"')


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


def _sign_in(client: TestClient, session: Session, role: Role, unit: Unit | None = None) -> str:
    """Signs in a user of `role` (a handler linked to a person of `unit`); returns the CSRF
    token of the session, as the pages embed it."""
    username = f"page-{role.value}-{unit.code if unit else 'x'}"
    user = make_user(session, role=role, username=username)
    if unit is not None:
        person = session.exec(select(Person).where(Person.unit_id == unit.id)).first()
        assert person is not None
        person.user_id = user.id
        session.add(person)
        session.commit()
    return _log_in(client, username)


def _log_in(client: TestClient, username: str) -> str:
    """Signs `username` in afresh; returns the CSRF token of the new session."""
    client.cookies.clear()
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303
    page = client.get("/").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert token is not None
    return token.group(1)


def _post(client: TestClient, csrf: str, path: str, body: dict[str, Any]) -> Any:
    """What `app.js` does for a form: JSON to the API with the page's CSRF header."""
    return client.post(path, json=body, headers={CSRF_HEADER: csrf})


def _register(client: TestClient, csrf: str, **overrides: Any) -> dict[str, Any]:
    body = complaint_data(**overrides).model_dump(mode="json", exclude_none=True)
    response = _post(client, csrf, "/api/v1/complaints", body)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["items"][0]
    return item


def test_queue_orders_by_urgency_then_deadline_with_countdowns_and_filters(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    old = _register(client, csrf, received_at="2026-11-16T02:00:00Z")
    new = _register(client, csrf, submitter_phone="13500135000")
    urgent = _register(client, csrf, urgency="urgent", submitter_phone="13300133000")
    west = _register(
        client,
        csrf,
        respondent_address="城西区人民路200号",
        description="城西区人民路200号商场标价与结算价格不一致。",
        submitter_phone="13200132000",
    )
    page = client.get("/complaints")
    assert page.status_code == 200
    rows = ROW.findall(page.text)
    assert [int(r[0]) for r in rows] == [urgent["id"], old["id"], new["id"], west["id"]]
    classes = {int(r[0]): r[2] for r in rows}
    assert "row-overdue" in classes[old["id"]] and "row-overdue" not in classes[new["id"]]
    assert "已超期" in page.text and "剩 " in page.text  # overdue, working days left
    # 12345 orders with an hour limit count down in hours (ddfc7f9): the page says so
    intro = "倒计时按工作日计算（总局令第121号下的调解按自然日计算）；设有小时时限的12345工单"
    assert intro in page.text

    overdue = client.get("/complaints?overdue=true").text
    assert [int(r[0]) for r in ROW.findall(overdue)] == [old["id"]]
    by_unit = client.get(f"/complaints?unit_id={centre.west_id}").text
    assert [int(r[0]) for r in ROW.findall(by_unit)] == [west["id"]]
    assert ROW.findall(client.get("/complaints?domain=drugs").text) == []
    assert ROW.findall(client.get("/complaints?state=closed").text) == []
    assert client.get("/complaints?domain=nonsense").status_code == 422
    english = client.get("/lang/en?next=/complaints", follow_redirects=True).text
    assert "Complaint queue" in english and "Overdue" in english


def test_detail_offers_the_actions_of_the_role_and_state(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    item = _register(client, csrf)
    detail = client.get(f"/complaints/{item['id']}").text
    assert FORM.findall(detail) == ["distribute", "reroute"]
    assert 'id="classification-form"' in detail and "13800138000" in detail
    assert "城东区局" in detail  # routed unit

    distributed = _post(
        client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {"unit_id": centre.east_id}
    )
    assert distributed.status_code == 200, distributed.text
    after = client.get(f"/complaints/{item['id']}").text
    assert 'data-status="distributed"' in after
    assert {"sign_for", "accept", "reject", "return_to_intake"} <= set(FORM.findall(after))
    assert "distribute" not in FORM.findall(after)
    assert re.search(r'data-event="distribute".*?coordinator', after, re.S)

    _sign_in(client, session, Role.viewer)
    seen = client.get(f"/complaints/{item['id']}").text
    assert FORM.findall(seen) == [] and 'id="classification-form"' not in seen
    assert "138****8000" in seen and "13800138000" not in seen
    missing = client.get("/complaints/999999")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


def test_inbox_holds_only_the_units_items_and_signing_for_moves_the_state(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    east = _register(client, csrf)
    west = _register(
        client,
        csrf,
        respondent_address="城西区人民路200号",
        description="城西区人民路200号商场标价与结算价格不一致。",
        submitter_phone="13200132000",
    )
    waiting = _register(client, csrf, submitter_phone="13100131000")  # not distributed
    for item in (east, west):
        response = _post(client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {})
        assert response.status_code == 200, response.text

    handler_csrf = _sign_in(client, session, Role.handler, centre.east)
    assert client.get("/", follow_redirects=False).status_code == 200
    inbox = client.get("/complaints/inbox")
    assert inbox.status_code == 200 and "城东区局" in inbox.text
    assert [int(r[0]) for r in ROW.findall(inbox.text)] == [east["id"]]
    assert waiting["ref"] not in inbox.text
    assert {"sign_for", "accept", "return_to_intake"} <= set(FORM.findall(inbox.text))
    assert client.get(f"/complaints/{west['id']}").status_code == 404
    refused = _post(client, handler_csrf, f"/api/v1/complaints/{west['id']}/sign-for", {})
    assert refused.status_code in (403, 404)

    returned = _post(client, handler_csrf, f"/api/v1/complaints/{east['id']}/return-to-intake", {})
    assert returned.status_code == 422
    assert [e["field"] for e in returned.json()["errors"]] == ["reason"]
    signed = _post(client, handler_csrf, f"/api/v1/complaints/{east['id']}/sign-for", {})
    assert signed.status_code == 200, signed.text
    detail = client.get(f"/complaints/{east['id']}").text
    assert 'data-status="pending_acceptance"' in detail and "待受理" in detail
    assert "已签收待受理" not in detail  # one name per status: the export's and reports' 待受理
    assert "sign_for" not in FORM.findall(detail)
    again = _post(client, handler_csrf, f"/api/v1/complaints/{east['id']}/sign-for", {})
    assert again.status_code == 409


def test_intake_form_names_every_field_the_api_reports(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    form = client.get("/complaints/new").text
    assert 'data-api="/api/v1/complaints"' in form and 'data-id="items.0.id"' in form
    boxes = set(re.findall(r'data-field="([\w.]+)"', form))
    empty = _post(client, csrf, "/api/v1/complaints", {"item_type": "complaint"})
    assert empty.status_code == 422
    missing = _post(
        client, csrf, "/api/v1/complaints", {"item_type": "complaint", "channel": "wechat"}
    )
    assert missing.status_code == 422
    fields = {e["field"] for r in (empty, missing) for e in r.json()["errors"]}
    assert {"channel", "description", "claim", "submitter_phone", "respondent_name"} <= fields
    assert fields <= boxes
    bad = complaint_data().model_dump(mode="json", exclude_none=True) | {"amount_cents": "¥12"}
    wrong = _post(client, csrf, "/api/v1/complaints", bad)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "amount_cents"
    assert "amount_cents" in boxes
    preview = _post(client, csrf, "/api/v1/complaints/classify", {"text": "酸奶过期，吃了拉肚子"})
    assert preview.status_code == 200 and preview.json()["domain"] == "food"


def test_complaint_pages_need_their_permissions(
    client: TestClient, session: Session, centre: Centre
) -> None:
    _sign_in(client, session, Role.planner)
    assert client.get("/complaints").status_code == 403
    _sign_in(client, session, Role.leader)
    assert client.get("/complaints").status_code == 200
    assert client.get("/complaints/inbox").status_code == 403
    assert client.get("/complaints/new").status_code == 403
    client.cookies.clear()
    signed_out = client.get("/complaints/1", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login")


def test_the_demo_gives_every_complaint_page_content(client: TestClient, session: Session) -> None:
    """`make run`: the demo's `handler` login (城东区 bureau) signs in to a non-empty inbox,
    the coordinator's queue and an item's detail have content."""
    demo.seed(session, now=T0)
    assert demo_complaints.seed_complaints(session, now=T0) == 40
    landing = client.post(
        "/login",
        data={"username": "handler", "password": demo.DEMO_PASSWORD},
        follow_redirects=False,
    )
    assert landing.headers["location"] == "/complaints/inbox"
    inbox = client.get("/complaints/inbox").text
    assert len(ROW.findall(inbox)) >= 3 and "sign_for" in FORM.findall(inbox)
    # the list of units ends its sentence before the next one begins
    assert re.search(r"分送至：城东区市场监督管理局、城东区东关市场监管所。\s*签收新件", inbox)
    client.cookies.clear()
    client.post("/login", data={"username": "coordinator", "password": demo.DEMO_PASSWORD})
    rows = ROW.findall(client.get("/complaints").text)
    assert len(rows) >= 30 and "row-emergency" in rows[0][2]
    detail = client.get(f"/complaints/{rows[0][0]}").text
    assert 'id="complaint-history"' in detail and 'id="complaint-incident"' in detail
    client.cookies.clear()
    client.post("/login", data={"username": "leader", "password": demo.DEMO_PASSWORD})
    dashboard = client.get("/dashboard").text
    top_districts = re.search(r'<p id="top-districts">(.*?)</p>', dashboard, re.S)
    assert top_districts is not None and "城东区" in top_districts.group(1)


EXPORT_LINK = re.compile(r'<a class="button" id="export-(\w+)" href="([^"]+)">([^<]+)</a>')


def test_the_queue_offers_its_export_with_the_pages_filters(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    east = _register(client, csrf)
    _register(
        client,
        csrf,
        respondent_address="城西区人民路200号",
        description="城西区人民路200号商场标价与结算价格不一致。",
        submitter_phone="13200132000",
    )
    page = client.get(f"/complaints?unit_id={centre.east_id}&type=complaint&q=酸奶&status=")
    links = {
        kind: (html.unescape(href), text) for kind, href, text in EXPORT_LINK.findall(page.text)
    }
    assert set(links) == {"csv", "xlsx"}
    assert links["csv"][1] == "导出 CSV" and links["xlsx"][1] == "导出 Excel"
    href = links["csv"][0]
    assert href.startswith("/complaints/export?")  # a page: a refusal is the HTML error page
    assert parse_qs(urlsplit(href).query) == {
        "format": ["csv"],
        "q": ["酸奶"],
        "state": ["open"],
        "type": ["complaint"],
        "unit_id": [str(centre.east_id)],
    }
    shown = [int(r[0]) for r in ROW.findall(page.text)]
    assert shown == [east["id"]]
    download = client.get(href)  # the session cookie is the credential, as in the browser
    assert download.status_code == 200, download.text
    lines = download.content.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("系统编号,登记编号") and lines[1].startswith(east["ref"] + ",")
    assert lines[2:] == [""]
    workbook = client.get(links["xlsx"][0])
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    english = client.get("/lang/en?next=/complaints", follow_redirects=True).text
    assert {text for _, _, text in EXPORT_LINK.findall(english)} == {"Export CSV", "Export Excel"}


def test_the_intake_form_marks_a_12345_order_as_about_utilities(
    client: TestClient, session: Session, centre: Centre
) -> None:
    csrf = _sign_in(client, session, Role.coordinator)
    form = client.get("/complaints/new").text
    box = re.search(r'<fieldset[^>]*id="utility-field"[^>]*>(.*?)</fieldset>', form, re.S)
    assert box is not None
    opening = box.group(0).split(">", 1)[0]
    # shown and sent only while the channel is a 12345 transfer (static/app/show_if.js)
    assert 'data-show-if="channel=transfer_12345"' in opening
    assert " hidden" in opening and " disabled" in opening
    assert 'name="utility"' in box.group(1) and 'data-field="utility"' in box.group(1)
    assert 'data-type="flag"' in box.group(1)  # unticked: not sent, the classifier decides
    assert "涉及水、电、气、热" in box.group(1)
    english = client.get("/lang/en?next=/complaints/new", follow_redirects=True).text
    assert "About water, power, gas or heating" in english

    order = {"channel": "transfer_12345", "external_ref": "GD2026112300"}
    ticked = _register(client, csrf, **order, utility=True)
    assert ticked["utility"] is True and ticked["workflow"] == "order_12345"
    unticked = _register(client, csrf, **order | {"external_ref": "GD2026112301"})
    assert unticked["utility"] is False  # nothing sent: the classifier found no utility term


def test_a_12345_order_past_its_return_window_is_no_longer_offered_a_return(
    client: TestClient, session: Session, centre: Centre, clock: FakeClock
) -> None:
    """The API refuses a 12345 order's return 2 working days after dispatch (409): the inbox
    and the item's page stopped offering it then, instead of a Return button that fails."""
    csrf = _sign_in(client, session, Role.coordinator)
    order = _register(client, csrf, channel="transfer_12345", external_ref="GD-RETURN", claim="")
    assert _post(client, csrf, f"/api/v1/complaints/{order['id']}/distribute", {}).is_success
    handler_csrf = _sign_in(client, session, Role.handler, centre.east)
    assert "return_to_intake" in FORM.findall(client.get("/complaints/inbox").text)

    clock.advance(timedelta(days=3))  # Monday's dispatch, now Thursday: 3 working days on
    handler_csrf = _log_in(client, "page-handler-d-east")  # the day's session has ended
    for page in ("/complaints/inbox", f"/complaints/{order['id']}"):
        offered = FORM.findall(client.get(page).text)
        assert "sign_for" in offered and "return_to_intake" not in offered, page
    detail = client.get(f"/api/v1/complaints/{order['id']}").json()
    assert "return_to_intake" not in detail["allowed_actions"]
    refused = _post(
        client,
        handler_csrf,
        f"/api/v1/complaints/{order['id']}/return-to-intake",
        {"reason": "不属本单位"},
    )
    assert refused.status_code == 409


def test_the_reject_form_offers_the_grounds_of_the_items_rule_set(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """An item received under Order 20 could be rejected only on its grounds, yet the page
    offered Order 121's "false materials" and "impersonation" too, which the API refused."""
    csrf = _sign_in(client, session, Role.coordinator)
    old = _register(client, csrf, received_at="2026-03-02T02:00:00Z")
    new = _register(client, csrf, submitter_phone="13100131000")
    for item in (old, new):
        assert _post(client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {}).is_success
    _sign_in(client, session, Role.handler, centre.east)
    for item, offered in ((old, False), (new, True)):
        page = client.get(f"/complaints/{item['id']}").text
        assert "reject" in FORM.findall(page)
        assert ('<option value="impersonation">' in page) is offered
        assert ('<option value="false_materials">' in page) is offered
        assert '<option value="time_barred">' in page


def _emergency_item(client: TestClient, session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
    """An item a coordinator registered and confirmed as an emergency, which opened an
    incident: (the item as registered, the confirmation's answer)."""
    csrf = _sign_in(client, session, Role.coordinator)
    item = _register(client, csrf)
    confirmed = _post(
        client,
        csrf,
        f"/api/v1/complaints/{item['id']}/classification",
        {"urgency": "emergency", "domain": "food"},
    ).json()
    return item, confirmed


def test_an_items_page_names_its_incident_by_the_incidents_code(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """The item's page called its incident "#1" (the row id) while the incident list, the
    incident's page and the SMS that paged the duty officer call it by its code ("#5639")."""
    item, confirmed = _emergency_item(client, session)
    incident = session.get(Incident, confirmed["incident_id"])
    assert incident is not None and confirmed["incident_code"] == incident.short_code
    page = client.get(f"/complaints/{item['id']}").text
    assert f'<a href="/incidents/{incident.id}">#{incident.short_code}</a>' in page
    assert f"#{incident.short_code}" in client.get("/incidents").text


def test_an_incident_opened_by_an_item_links_back_to_it(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """The incident's page named the item only inside its title ([TS…]): the coordinator had
    to search the queue to get back to the complaint that opened it."""
    item, confirmed = _emergency_item(client, session)
    page = client.get(f"/incidents/{confirmed['incident_id']}").text
    link = f'<a href="/complaints/{item["id"]}">{item["ref"]}</a>'
    assert f'<dd id="incident-complaint">{link}</dd>' in page


def test_an_incident_names_its_linked_complaint_or_complaints_by_their_number(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """The incident's page headed its one linked item "Complaints", and an item that joined
    the incident as another report of the same event was not listed at all."""
    csrf = _sign_in(client, session, Role.coordinator)
    items, incident_ids = [], set()
    for shown in (
        {"zh_CN": "<dt>关联投诉举报</dt>", "en": "<dt>Linked complaint</dt>"},
        {"zh_CN": "<dt>关联投诉举报</dt>", "en": "<dt>Linked complaints</dt>"},
    ):
        item = _register(client, csrf)
        emergency = {"urgency": "emergency", "domain": "food"}
        path = f"/api/v1/complaints/{item['id']}/classification"
        confirmed = _post(client, csrf, path, emergency)
        items.append(item)
        incident_ids.add(confirmed.json()["incident_id"])
        (incident_id,) = incident_ids  # the second item joined the first one's incident
        for locale, head in shown.items():
            url = f"/lang/{locale}?next=/incidents/{incident_id}"
            page = client.get(url, follow_redirects=True).text
            assert head in page, locale
            links = "、" if locale == "zh_CN" else ", "
            listed = links.join(f'<a href="/complaints/{i["id"]}">{i["ref"]}</a>' for i in items)
            assert f'<dd id="incident-complaint">{listed}</dd>' in page
            assert "<dt>Complaints</dt>" not in page


def test_related_items_say_how_many_of_them_the_reader_is_shown(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """A handling unit read "2 items with the same business" above a list of its own one
    only: the heading says how many of them are listed."""
    csrf = _sign_in(client, session, Role.coordinator)
    first, second = _register(client, csrf), _register(client, csrf)
    body = {"unit_id": centre.east_id}
    distributed = _post(client, csrf, f"/api/v1/complaints/{first['id']}/distribute", body)
    assert distributed.status_code == 200, distributed.text
    cluster = re.compile(r'<p class="muted" id="complaint-cluster"[^>]*>(.*?)</p>', re.S)
    coordinator = cluster.search(client.get(f"/complaints/{first['id']}").text)
    assert coordinator is not None and "列出" not in coordinator.group(1)
    client.cookies.clear()
    _sign_in(client, session, Role.handler, centre.east)
    page = client.get(f"/complaints/{first['id']}").text
    handler = cluster.search(page)
    assert handler is not None
    assert handler.group(1) == "2 件同一经营者、电话或地址的相关件（此处列出其中 1 件）"
    assert f'/complaints/{second["id"]}"' not in page


@pytest.mark.parametrize(
    ("locale", "source"),
    [("zh_CN", "（被投诉方地址）"), ("en", " (the respondent&#39;s address)")],
)
def test_an_items_district_names_its_source_in_the_pages_brackets(
    client: TestClient, session: Session, centre: Centre, locale: str, source: str
) -> None:
    """The Chinese page put the district's source in ASCII brackets, after a space the
    full-width bracket does not want: 城东区 (被投诉方地址)."""
    item = _register(client, _sign_in(client, session, Role.coordinator))
    page = client.get(f"/lang/{locale}?next=/complaints/{item['id']}", follow_redirects=True)
    district = re.search(
        r'<dd>([^<]*)<small[^>]*data-source="respondent">([^<]*)</small>', page.text
    )
    assert district is not None
    assert district.group(1).endswith("区") and district.group(2) == source


@pytest.mark.parametrize(
    ("locale", "opened"),
    [("zh_CN", "已开启应急事件 #{code}（"), ("en", "emergency incident #{code} opened")],
)
def test_an_items_history_names_its_incident_by_the_incidents_code(
    client: TestClient, session: Session, centre: Centre, locale: str, opened: str
) -> None:
    """The history said "emergency incident #1 opened" (the row id stored in the note) beside
    the routing's "#5639", the code the incident pages and the duty officer's SMS use."""
    item, confirmed = _emergency_item(client, session)
    incident = session.get(Incident, confirmed["incident_id"])
    assert incident is not None and incident.short_code != str(incident.id)
    page = client.get(f"/lang/{locale}?next=/complaints/{item['id']}", follow_redirects=True)
    history = html.unescape(page.text.split('id="complaint-history"', 1)[1])
    assert opened.format(code=incident.short_code) in history
    assert opened.format(code=incident.id) not in history


HEADS = re.compile(
    r'<table class="grid-table[^"]*" id="([\w-]+)">\s*<thead><tr>(.*?)</tr></thead>', re.S
)


def test_the_items_tables_head_each_column_differently_in_both_languages(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """The time-limit table of an item's page was headed 时限 | 时限 | 到期 | 状态 in Chinese
    (its Clock and Limit columns both translated 时限)."""
    csrf = _sign_in(client, session, Role.coordinator)
    item = _register(client, csrf)
    for language in ("zh", "en"):
        page = client.get(f"/lang/{language}?next=/complaints/{item['id']}", follow_redirects=True)
        tables = HEADS.findall(page.text)
        assert "complaint-clocks" in [name for name, _ in tables]
        for name, head in tables:
            cells = [html.unescape(c).strip() for c in re.findall(r"<th>(.*?)</th>", head)]
            assert len(set(cells)) == len(cells), (language, name, cells)


def test_the_audit_log_on_an_items_page_words_its_actions(
    client: TestClient, session: Session
) -> None:
    demo.seed(session, now=T0)
    assert demo_complaints.seed_complaints(session, now=T0) == 40
    client.post("/login", data={"username": "leader", "password": demo.DEMO_PASSWORD})
    rows = ROW.findall(client.get("/complaints").text)
    mediating = next(row[0] for row in rows if row[1] == "mediating")
    page = client.get(f"/complaints/{mediating}").text
    audit = page.split('id="complaint-audit"', 1)[1].split("</table>", 1)[0]
    assert '<td data-action="complaint.start_mediation">开始调解</td>' in audit
    assert ">complaint." not in audit
    history = page.split('id="complaint-history"', 1)[1].split("</ol>", 1)[0]
    assert "<td>演示数据</td>" in audit and "· 演示数据" in history
    assert "· 演示数据</dd>" in page.split('id="complaint-history"', 1)[0]  # registered by
    assert "demo-seed" not in audit + history
    client.cookies.set("dutydesk_lang", "en")
    english = client.get(f"/complaints/{mediating}").text
    assert '<td data-action="complaint.start_mediation">Start mediation</td>' in english
    assert "<td>Demo data</td>" in english


@pytest.mark.parametrize(
    ("locale", "limit"),
    [("zh_CN", '60 天<small class="muted">（检测 +5）'), ("en", "(+5 testing)")],
)
def test_days_excluded_for_testing_are_labelled_as_testing_not_suspension(
    client: TestClient, session: Session, centre: Centre, clock: FakeClock, locale: str, limit: str
) -> None:
    """A mediation never suspended read "60 天（中止 +4）" after 5 days of testing: the days
    are testing's (Art. 22), and the first and last day of testing both count."""
    csrf = _sign_in(client, session, Role.coordinator)
    item = _register(client, csrf)
    assert _post(client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {}).is_success
    csrf = _sign_in(client, session, Role.handler, centre.east)
    base = f"/api/v1/complaints/{item['id']}"
    assert _post(client, csrf, f"{base}/accept", {}).is_success
    consent = {"complainant_consent": True, "respondent_consent": True}
    assert _post(client, csrf, f"{base}/start-mediation", consent).is_success
    clock.advance(timedelta(days=5))
    csrf = _log_in(client, f"page-handler-{centre.east.code}")  # the session has expired
    testing = _post(client, csrf, f"{base}/testing", {"start": "2026-11-24", "end": "2026-11-28"})
    assert testing.status_code == 200, testing.text
    page = client.get(f"/lang/{locale}?next=/complaints/{item['id']}", follow_redirects=True)
    assert limit in page.text
    assert "中止" not in page.text.split('id="complaint-clocks"', 1)[1].split("</table>", 1)[0]


def test_a_dispute_after_the_receipt_day_is_refused_and_the_dispute_date_is_shown(
    client: TestClient, session: Session, centre: Centre
) -> None:
    """A dispute dated after the item was received was registered, and the item's page never
    showed the dispute's date in either language."""
    csrf = _sign_in(client, session, Role.coordinator)
    received = "2026-11-20T02:00:00Z"
    late = complaint_data(received_at=received, dispute_date="2026-11-21", claim="")
    refused = _post(client, csrf, "/api/v1/complaints", late.model_dump(mode="json"))
    assert refused.status_code == 422, refused.text
    errors = {e["field"]: e for e in refused.json()["errors"]}
    assert set(errors) == {"claim", "dispute_date"}  # named with the other wrong fields
    assert errors["dispute_date"]["ctx"] == {"day": "2026-11-20"}
    item = _register(client, csrf, received_at=received, dispute_date="2026-11-20")
    for locale, head in (("zh_CN", "纠纷日期"), ("en", "Date of the dispute")):
        url = f"/lang/{locale}?next=/complaints/{item['id']}"
        page = client.get(url, follow_redirects=True).text
        shown = f'<dt>{head}</dt><dd id="complaint-dispute-date">2026-11-20</dd>'
        assert shown in page, locale
