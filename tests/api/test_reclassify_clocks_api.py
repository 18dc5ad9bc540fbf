"""A reclassification moves the clocks already running, through the real app: a 12345 order
dispatched as normal (working days) and then confirmed an emergency under Beijing's hour
limits is due 2 hours after its dispatch, in the item's JSON and in the queue; downgraded, it
is due its working days again; the utilities flag the same with 24 hours; a new deadline
already past is overdue at once and supervised on the next tick. The move is in the history
and in the classification's audit entry. The centre's own distribution limit for urgent
orders (`order_urgent_distribution_hours`, a local rule) is stored, validated and applied."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import supervision, timers
from complaints.vocab import ClockKind
from core.audit import list_entries
from core.clock import FakeClock
from core.users import Role
from tests.complaint_helpers import make_centre
from tests.conftest import T0
from tests.web.test_complaint_pages import _sign_in

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaint-config"
ORDER = {
    "item_type": "help",
    "channel": "transfer_12345",
    "description": "商铺门前积水，请求处理。",
    "submitter_name": "张三",
    "submitter_phone": "13800138000",
    "respondent_name": "某商铺",
    "respondent_address": "城东区幸福路88号",
}


def _beijing(client: TestClient, admin: dict[str, str], **extra: object) -> None:
    presets = client.get(f"{BASE}/rule-set-presets", headers=admin).json()
    limits = next(p["limits"] for p in presets if p["code"] == "beijing_12345") | extra
    created = client.post(
        f"{BASE}/rule-sets",
        json={"code": "BJ", "name": "北京", "effective_from": "2026-05-01", "limits": limits},
        headers=admin,
    )
    assert created.status_code == 201, created.text


def _order(client: TestClient, headers: dict[str, str], ref: str, **extra: object) -> int:
    body = ORDER | {"external_ref": ref} | extra
    (item,) = client.post("/api/v1/complaints", json=body, headers=headers).json()["items"]
    return int(item["id"])


def _dispatched(client: TestClient, headers: dict[str, str], ref: str) -> int:
    cid = _order(client, headers, ref)
    done = client.post(f"/api/v1/complaints/{cid}/distribute", json={}, headers=headers)
    assert done.status_code == 200, done.text
    return cid


def _classify(client: TestClient, headers: dict[str, str], cid: int, **body: object) -> Any:
    answer = client.post(f"/api/v1/complaints/{cid}/classification", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _clocks(item: Any) -> dict[str, Any]:
    return {c["kind"]: c for c in item["clocks"]}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _in_queue(client: TestClient, headers: dict[str, str], cid: int, **query: str) -> Any:
    answer = client.get("/api/v1/complaints", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    return next((i for i in items if i["id"] == cid), None)


def test_an_order_confirmed_an_emergency_is_due_two_hours_after_dispatch_and_back(
    client: TestClient, session: Session, auth_headers: Headers, clock: FakeClock
) -> None:
    make_centre(session)
    _beijing(client, auth_headers(Role.admin))
    staff = auth_headers(Role.coordinator)
    cid = _dispatched(client, staff, "BJ-R1")  # at T0, Monday 09:30 local
    clock.advance(timedelta(minutes=20))

    item = _classify(client, staff, cid, urgency="emergency")
    for kind in ("sign_for", "reply"):
        c = _clocks(item)[kind]
        assert (c["unit"], c["limit"], _at(c["started_at"])) == ("hours", 2, T0)
        assert _at(c["due_at"]) == T0 + timedelta(hours=2)
        assert _at(c["remind_at"]) == T0 + timedelta(minutes=90)
    assert _at(item["next_due_at"]) == T0 + timedelta(hours=2)
    assert (item["next_due_unit"], item["remaining_minutes"]) == ("hours", 100)
    queued = _in_queue(client, staff, cid, due_before=(T0 + timedelta(hours=3)).isoformat())
    assert queued is not None and _at(queued["next_due_at"]) == T0 + timedelta(hours=2)
    assert queued["overdue"] is False

    (entry,) = [
        e
        for e in list_entries(session, entity_type="complaint", entity_id=str(cid))
        if e.action == "complaint.classify"
    ]
    moved = {c["clock"]: c for c in json.loads(entry.after or "{}")["clocks"]}
    assert moved["reply"]["unit_before"] == "working" and moved["reply"]["limit_after"] == 2
    assert _at(moved["reply"]["due_at_before"]) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert _at(moved["reply"]["due_at_after"]) == T0 + timedelta(hours=2)
    assert entry.actor == "coordinator-user"
    (note,) = [h["note"] for h in item["history"] if h["action"] == "classify"]
    assert "办理回复时限 5 个工作日 → 2 小时" in note and "2026-11-23 11:30" in note

    _sign_in(client, session, Role.coordinator)  # the pages count down to the new deadline
    assert 'data-minutes-left="100"' in client.get("/complaints").text
    assert "剩 1 小时 40 分钟" in client.get(f"/complaints/{cid}").text
    english = client.get(f"/lang/en?next=/complaints/{cid}", follow_redirects=True).text
    assert "Reply limit 5 working day(s) → 2 hour(s), due 2026-11-30 → 2026-11-23 11:30" in english
    client.cookies.clear()

    clock.set(T0 + timedelta(minutes=90))  # a quarter of the 2 hours left: 催办
    assert supervision.remind_due(session, now=clock.now()) == 2
    reminded = timers.find(session, cid, ClockKind.reply)
    assert reminded is not None and reminded.criticise_at is not None

    back = _classify(client, staff, cid, urgency="normal")
    session.refresh(reminded)  # a deadline days ahead: reminded afresh, no criticism count
    assert (reminded.reminded_at, reminded.criticise_at) == (None, None)
    reply = _clocks(back)["reply"]
    assert (reply["unit"], reply["limit"], reply["started_at"]) == ("working", 5, None)
    assert reply["due_on"] == "2026-11-30"  # 5 WD from the dispatch day, as before
    assert _clocks(back)["sign_for"]["due_on"] == "2026-11-24"
    assert _in_queue(client, staff, cid)["next_due_unit"] == "working"


def test_the_utilities_flag_moves_the_clocks_and_met_ones_stay(
    client: TestClient, session: Session, auth_headers: Headers, clock: FakeClock
) -> None:
    make_centre(session)
    _beijing(client, auth_headers(Role.admin))
    staff = auth_headers(Role.coordinator)
    cid = _dispatched(client, staff, "BJ-R2")
    signed = client.post(f"/api/v1/complaints/{cid}/sign-for", json={}, headers=staff)
    assert signed.status_code == 200, signed.text
    signed_due = _clocks(signed.json())["sign_for"]["due_at"]
    item = _classify(client, staff, cid, utility=True)
    assert _at(_clocks(item)["reply"]["due_at"]) == T0 + timedelta(hours=24)
    assert _clocks(item)["sign_for"]["due_at"] == signed_due  # met: never moves
    assert _clocks(item)["sign_for"]["status"] == "met"
    item = _classify(client, staff, cid, utility=False)
    assert _clocks(item)["reply"]["due_on"] == "2026-11-30"


def test_a_deadline_already_past_is_overdue_at_once_and_supervised(
    client: TestClient, session: Session, auth_headers: Headers, clock: FakeClock
) -> None:
    make_centre(session)
    _beijing(client, auth_headers(Role.admin))
    staff = auth_headers(Role.coordinator)
    cid = _dispatched(client, staff, "BJ-R3")
    clock.advance(timedelta(hours=3))  # the 2-hour limit from dispatch has already run out
    item = _classify(client, staff, cid, urgency="emergency")
    assert item["overdue"] is True and _clocks(item)["reply"]["overdue"] is True
    assert item["remaining_minutes"] == -60
    assert _in_queue(client, staff, cid, overdue="true") is not None
    supervised = supervision.supervise_overdue(session, now=clock.now())
    assert supervised == 2  # sign-for and reply, as for any overdue clock
    detail = client.get(f"/api/v1/complaints/{cid}", headers=staff).json()
    assert sorted(s["clock_kind"] for s in detail["supervision"]) == ["reply", "sign_for"]
    assert {s["kind"] for s in detail["supervision"]} == {"supervision"}
    assert supervision.supervise_overdue(session, now=clock.now()) == 0


@pytest.mark.parametrize("value", [0, 73])
def test_the_centres_distribution_limit_for_urgent_orders(
    client: TestClient, session: Session, auth_headers: Headers, value: int
) -> None:
    make_centre(session)
    admin = auth_headers(Role.admin)
    presets = client.get(f"{BASE}/rule-set-presets", headers=admin).json()
    assert all(p["limits"]["order_urgent_distribution_hours"] is None for p in presets)
    bad = client.post(
        f"{BASE}/rule-sets",
        json={
            "code": "BAD",
            "name": "x",
            "effective_from": "2026-05-01",
            "limits": {"order_urgent_distribution_hours": value},
        },
        headers=admin,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "limits.order_urgent_distribution_hours"
    _beijing(client, admin, order_urgent_distribution_hours=1)
    stored = [s for s in client.get(f"{BASE}/rule-sets", headers=admin).json() if s["code"] == "BJ"]
    assert stored[0]["limits"]["order_urgent_distribution_hours"] == 1

    staff = auth_headers(Role.coordinator)
    cid = _order(client, staff, "BJ-D1", urgency="urgent")
    item = client.get(f"/api/v1/complaints/{cid}", headers=staff).json()
    distribution = _clocks(item)["distribution"]
    assert (distribution["unit"], distribution["limit"]) == ("hours", 1)
    assert _at(distribution["due_at"]) == T0 + timedelta(hours=1)
    # still at intake, confirmed normal: the working day again, from the same receipt
    item = _classify(client, staff, cid, urgency="normal")
    assert (_clocks(item)["distribution"]["unit"], _clocks(item)["distribution"]["due_on"]) == (
        "working",
        "2026-11-24",
    )
    normal = _order(client, staff, "BJ-D2")
    plain = client.get(f"/api/v1/complaints/{normal}", headers=staff).json()
    assert _clocks(plain)["distribution"]["unit"] == "working"
