"""Overrides and swaps through the real app, on a published roster written directly so each
test knows who works what: every change is checked against the person's effective plan
(roster, overrides, approved swaps) and the unit's hard rules; on-call and iCal feeds show the
shifts people actually work."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session, select

from api import demo
from core.audit import list_entries
from core.users import Role, User
from oncall.models import Person, Unit
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.api.test_refusal_wording import EN, ZH, _worded
from tests.conftest import T0
from web import duty

Headers = Callable[[Role], dict[str, str]]
SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = date(2027, 1, 1), date(2027, 1, 14)
# Who works what in the published roster: (day of January 2027, shift code, person's name).
PLAN = [
    (3, "day", "赵敏"),
    (3, "night", "黄磊"),
    (3, "leader", "王建国"),
    (4, "leader", "李秀英"),
    (5, "day", "杨帆"),
    (8, "night", "杨帆"),
    (10, "day", "赵敏"),
    (11, "backup", "杨帆"),
]


def _jan(day: int) -> date:
    return date(2027, 1, day)


def _local(day: int, hour: int, minute: int = 0) -> str:
    return datetime.combine(_jan(day), time(hour, minute), tzinfo=SHANGHAI).isoformat()


@dataclass(frozen=True)
class Centre:
    unit_id: int
    roster_id: int
    shift: dict[str, int]  # intake's shift type ids by code
    person: dict[str, int]  # person ids by name


@pytest.fixture
def centre(session: Session) -> Centre:
    demo.seed(session, now=T0)
    unit = session.exec(select(Unit).where(Unit.code == "intake")).one()
    assert unit.id is not None
    shifts = {
        s.code: s.id or 0
        for s in session.exec(select(ShiftType).where(ShiftType.unit_id == unit.id)).all()
    }
    people = {p.name: p.id or 0 for p in session.exec(select(Person)).all()}
    roster = Roster(
        unit_id=unit.id,
        period_start=START,
        period_end=END,
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
    assert roster.id is not None
    for day, code, name in PLAN:
        session.add(
            RosterAssignment(
                roster_id=roster.id,
                person_id=people[name],
                day=_jan(day),
                shift_type_id=shifts[code],
            )
        )
    session.commit()
    return Centre(unit.id, roster.id, shifts, people)


def _override(
    client: TestClient, headers: dict[str, str], shift_type_id: int, day: int, covering: int
) -> Any:
    return client.post(
        "/api/v1/overrides",
        json={
            "shift_type_id": shift_type_id,
            "day": str(_jan(day)),
            "covering_person_id": covering,
        },
        headers=headers,
    )


def _swap(
    client: TestClient,
    auth_headers: Headers,
    centre: Centre,
    a: tuple[str, int],
    b: tuple[str, int],
) -> int:
    response = client.post(
        "/api/v1/swaps",
        json={
            "roster_id": centre.roster_id,
            "a_person_id": centre.person[a[0]],
            "a_day": str(_jan(a[1])),
            "b_person_id": centre.person[b[0]],
            "b_day": str(_jan(b[1])),
        },
        headers=auth_headers(Role.planner),  # planners arrange swaps for anyone
    )
    assert response.status_code == 201, response.text
    swap_id: int = response.json()["id"]
    return swap_id


def _on_duty(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/oncall/now", params=params, headers=headers)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def _error(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    error: dict[str, str] = response.json()["errors"][0]
    return error


def test_an_override_is_checked_against_earlier_overrides(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    free = centre.person["孙强"]
    assert _override(client, planner, centre.shift["day"], 3, free).status_code == 201
    for code in ("night", "day"):  # a second shift that day, or the same one again
        error = _error(_override(client, planner, centre.shift[code], 3, free))
        assert error["field"] == "covering_person_id"
        assert f"person {free} already works on 2027-01-03" in error["reason"]
    at_five = _on_duty(client, planner, at=_local(3, 17), unit_id=centre.unit_id)
    assert [p["person_id"] for p in at_five].count(free) == 1
    assert free not in {p["person_id"] for p in _on_duty(client, planner, at=_local(3, 20))}


def test_an_override_is_checked_against_approved_swaps(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    swap_id = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 3))
    assert client.post(f"/api/v1/swaps/{swap_id}/approve", headers=planner).status_code == 200
    error = _error(_override(client, planner, centre.shift["night"], 3, centre.person["杨帆"]))
    assert "already works on 2027-01-03" in error["reason"]


def test_an_override_must_replace_someone_who_still_works_the_slot(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    body = {
        "shift_type_id": centre.shift["day"],
        "day": str(_jan(3)),
        "original_person_id": centre.person["赵敏"],
    }
    first = client.post(
        "/api/v1/overrides",
        json={**body, "covering_person_id": centre.person["孙强"]},
        headers=planner,
    )
    assert first.status_code == 201, first.text
    again = client.post(
        "/api/v1/overrides",
        json={**body, "covering_person_id": centre.person["吴刚"]},
        headers=planner,
    )
    error = _error(again)
    assert error["field"] == "original_person_id"
    # the page words it by the person's and the shift's names, not by the person's id
    shift = session.get(ShiftType, centre.shift["day"])
    assert shift is not None
    assert _worded(error, ZH) == f"赵敏 2027-01-03 不上“{shift.name}”班"
    assert _worded(error, EN) == f"赵敏 does not work the shift {shift.name} on 2027-01-03"


def test_the_leader_on_duty_approves_or_rejects_swaps_and_duty_officers_do_not(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    """DOMAIN.md §5: swaps are approved by the duty leader (带班领导); planners keep theirs."""
    leader = auth_headers(Role.leader)
    first = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 3))
    second = _swap(client, auth_headers, centre, ("杨帆", 8), ("黄磊", 3))
    for role in (Role.duty_officer, Role.coordinator, Role.viewer):
        refused = client.post(f"/api/v1/swaps/{first}/approve", headers=auth_headers(role))
        assert refused.status_code == 403, (role, refused.text)
    approved = client.post(f"/api/v1/swaps/{first}/approve", headers=leader)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "leader-user"
    rejected = client.post(f"/api/v1/swaps/{second}/reject", headers=leader)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    on_the_5th = _on_duty(client, leader, at=_local(5, 12), unit_id=centre.unit_id)
    assert centre.person["赵敏"] in {p["person_id"] for p in on_the_5th}
    audit = client.get(
        f"/api/v1/audit?entity_type=roster&entity_id={centre.roster_id}",
        headers=auth_headers(Role.admin),
    ).json()
    decisions = [
        (e["action"], e["actor"], json.loads(e["after"]).get("swap_id"))
        for e in audit
        if e["action"].startswith("swap.")
    ]
    assert ("swap.approved", "leader-user", first) in decisions
    assert ("swap.rejected", "leader-user", second) in decisions


def test_a_swap_is_requested_by_one_of_the_two_people_or_a_planner(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """Without this a duty officer could put in swaps of two colleagues who never asked, and
    a leader could request a swap of two others and approve it himself: one person moving
    anyone's duty with no second pair of eyes."""
    body = {
        "roster_id": centre.roster_id,
        "a_person_id": centre.person["杨帆"],
        "a_day": str(_jan(5)),
        "b_person_id": centre.person["赵敏"],
        "b_day": str(_jan(3)),
    }
    for role in (Role.duty_officer, Role.coordinator, Role.leader):
        refused = client.post("/api/v1/swaps", json=body, headers=auth_headers(role))
        assert refused.status_code == 403, (role, refused.text)
        assert "one of the two people" in refused.json()["detail"]
    planner = auth_headers(Role.planner)
    assert client.get("/api/v1/swaps", headers=planner).json() == []
    yang = session.get(Person, centre.person["杨帆"])
    assert yang is not None
    officer = auth_headers(Role.duty_officer)
    yang.user_id = session.exec(select(User.id).where(User.username == "duty_officer-user")).one()
    session.add(yang)
    session.commit()
    own = client.post("/api/v1/swaps", json=body, headers=officer)
    assert own.status_code == 201, own.text
    assert own.json()["requested_by"] == "duty_officer-user"
    assert client.post("/api/v1/swaps", json=body, headers=planner).status_code == 201


def test_a_leader_does_not_approve_a_swap_of_their_own(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """The approval is someone else's: the leader linked to 王建国 may withdraw (reject) his
    own swap but not approve it (403, nothing changes); a planner may approve it."""
    leader = auth_headers(Role.leader)
    me = session.get(Person, centre.person["王建国"])
    assert me is not None
    me.user_id = session.exec(select(User.id).where(User.username == "leader-user")).one()
    session.add(me)
    session.commit()
    own = _swap(client, auth_headers, centre, ("王建国", 3), ("李秀英", 4))
    again = _swap(client, auth_headers, centre, ("王建国", 3), ("李秀英", 4))
    refused = client.post(f"/api/v1/swaps/{own}/approve", headers=leader)
    assert refused.status_code == 403, refused.text
    assert "other than the two people" in refused.json()["detail"]
    withdrawn = client.post(f"/api/v1/swaps/{again}/reject", headers=leader)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "rejected"
    status = {s["id"]: s["status"] for s in client.get("/api/v1/swaps", headers=leader).json()}
    assert status[own] == "pending"
    approved = client.post(f"/api/v1/swaps/{own}/approve", headers=auth_headers(Role.planner))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_a_swap_is_checked_against_earlier_swaps(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    yang = centre.person["杨帆"]
    first = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 3))
    second = _swap(client, auth_headers, centre, ("杨帆", 8), ("黄磊", 3))
    assert client.post(f"/api/v1/swaps/{first}/approve", headers=planner).status_code == 200
    error = _error(client.post(f"/api/v1/swaps/{second}/approve", headers=planner))
    assert error["field"] == "a_person_id"
    assert f"person {yang} already works on 2027-01-03" in error["reason"]
    swap = client.get("/api/v1/swaps", headers=planner).json()
    assert {s["id"]: s["status"] for s in swap}[second] == "pending"
    on_day = _on_duty(client, planner, at=_local(3, 10), role="duty")
    on_night = _on_duty(client, planner, at=_local(3, 20), role="duty")
    assert [p["person_id"] for p in on_day] == [yang]
    assert yang not in {p["person_id"] for p in on_night}


def test_a_slot_already_swapped_away_cannot_be_swapped_again(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    first = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 3))
    second = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 10))
    assert client.post(f"/api/v1/swaps/{first}/approve", headers=planner).status_code == 200
    refused = client.post(f"/api/v1/swaps/{second}/approve", headers=planner)
    assert refused.status_code == 409, refused.text
    assert "no longer works day on 2027-01-05" in refused.json()["detail"]


def test_a_swap_on_a_superseded_roster_cannot_be_approved(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    swap_id = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 3))
    roster = session.get(Roster, centre.roster_id)
    assert roster is not None
    roster.status = RosterStatus.superseded  # as a published repair leaves it
    session.add(roster)
    session.commit()
    refused = client.post(f"/api/v1/swaps/{swap_id}/approve", headers=planner)
    assert refused.status_code == 409, refused.text
    assert "superseded" in refused.json()["detail"]
    assert client.post(f"/api/v1/swaps/{swap_id}/reject", headers=planner).status_code == 200


def _forbid_day_then_backup(client: TestClient, centre: Centre, planner: dict[str, str]) -> None:
    rules = client.get(f"/api/v1/units/{centre.unit_id}/rules", headers=planner).json()
    rules["forbidden_successions"] = [["day", "backup"]]
    changed = client.put(f"/api/v1/units/{centre.unit_id}/rules", json=rules, headers=planner)
    assert changed.status_code == 200, changed.text


def test_a_swap_is_checked_against_forbidden_successions(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    # 杨帆 gives up the night of Jan 8 for 赵敏's day of Jan 10, the eve of his backup: asked
    # for while the rules allowed it, approved after the rules changed
    swap_id = _swap(client, auth_headers, centre, ("杨帆", 8), ("赵敏", 10))
    _forbid_day_then_backup(client, centre, planner)
    error = _error(client.post(f"/api/v1/swaps/{swap_id}/approve", headers=planner))
    assert error["field"] == "a_person_id"
    assert "2027-01-10 then backup on 2027-01-11 (forbidden_successions)" in error["reason"]


def test_a_swap_that_breaks_the_rules_is_refused_when_it_is_asked_for(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """The person asking learns at once, not when the leader tries to approve it."""
    planner = auth_headers(Role.planner)
    _forbid_day_then_backup(client, centre, planner)
    refused = client.post(
        "/api/v1/swaps",
        json={
            "roster_id": centre.roster_id,
            "a_person_id": centre.person["杨帆"],
            "a_day": str(_jan(8)),
            "b_person_id": centre.person["赵敏"],
            "b_day": str(_jan(10)),
        },
        headers=planner,
    )
    error = _error(refused)
    assert error["field"] == "a_person_id"
    assert "2027-01-10 then backup on 2027-01-11 (forbidden_successions)" in error["reason"]
    # the kind and values of the breach, for the page to word it in its language
    assert error["type"] == "rule_forbidden_successions"
    assert error["ctx"] == {
        "person": "杨帆",
        "first_shift": "白班",
        "first": "2027-01-10",
        "second_shift": "备班（二线）",
        "second": "2027-01-11",
    }
    assert client.get("/api/v1/swaps", headers=planner).json() == []
    assert [e for e in list_entries(session) if e.action == "swap.request"] == []


def test_an_override_is_checked_against_consecutive_days(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    free = centre.person["孙强"]
    limit = client.get(f"/api/v1/units/{centre.unit_id}/rules", headers=planner).json()[
        "max_consecutive_days"
    ]
    for day in range(1, limit + 1):
        assert _override(client, planner, centre.shift["day"], day, free).status_code == 201
    error = _error(_override(client, planner, centre.shift["day"], limit + 1, free))
    assert "(max_consecutive_days)" in error["reason"]


def test_an_override_is_checked_against_max_weekends(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    rules = client.get(f"/api/v1/units/{centre.unit_id}/rules", headers=planner).json()
    rules["max_weekends"] = 1
    changed = client.put(f"/api/v1/units/{centre.unit_id}/rules", json=rules, headers=planner)
    assert changed.status_code == 200, changed.text
    free, day = centre.person["孙强"], centre.shift["day"]
    # Saturday and Sunday of one weekend (Jan 2-3, 2027) are one weekend
    assert _override(client, planner, day, 2, free).status_code == 201
    assert _override(client, planner, day, 3, free).status_code == 201
    error = _error(_override(client, planner, day, 9, free))
    assert error["reason"].endswith(
        "would work on 2 weekends from 2027-01-01 to 2027-01-14 (at most 1) (max_weekends)"
    )
    # a working day is not a weekend
    assert _override(client, planner, day, 6, free).status_code == 201


def test_overrides_keep_their_unit_and_role(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    planner = auth_headers(Role.planner)
    handling = client.get("/api/v1/units", headers=planner).json()
    other_unit = next(u["id"] for u in handling if u["code"] == "handling")
    other = client.post(
        "/api/v1/shift-types",
        json={
            "unit_id": other_unit,
            "code": "day",
            "name": "专家白班",
            "start_time": "08:30",
            "end_time": "17:30",
        },
        headers=planner,
    )
    assert other.status_code == 201, other.text
    wu = centre.person["吴刚"]
    assert _override(client, planner, other.json()["id"], 3, wu).status_code == 201
    at = _local(3, 10)
    assert wu in {p["person_id"] for p in _on_duty(client, planner, at=at)}
    intake = _on_duty(client, planner, at=at, unit_id=centre.unit_id)
    assert wu not in {p["person_id"] for p in intake}
    # a leader covering the leader shift of a day the roster does not reach
    zhang = centre.person["张伟"]
    assert _override(client, planner, centre.shift["leader"], 20, zhang).status_code == 201
    leaders = _on_duty(client, planner, at=_local(20, 12), role="leader", unit_id=centre.unit_id)
    assert [(p["person_id"], p["role"]) for p in leaders] == [(zhang, "leader")]


def test_overrides_are_listed_and_deleted(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    zhao, sun = centre.person["赵敏"], centre.person["孙强"]
    created = client.post(
        "/api/v1/overrides",
        json={
            "shift_type_id": centre.shift["day"],
            "day": str(_jan(3)),
            "covering_person_id": sun,
            "original_person_id": zhao,
        },
        headers=planner,
    )
    assert created.status_code == 201, created.text
    override_id = created.json()["id"]
    assert _override(client, planner, centre.shift["day"], 12, sun).status_code == 201

    def listed(**params: Any) -> list[int]:
        response = client.get("/api/v1/overrides", params=params, headers=planner)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()]

    assert len(listed()) == 2 and listed()[0] == override_id
    assert listed(unit_id=centre.unit_id, start="2027-01-01", end="2027-01-05") == [override_id]
    assert listed(person_id=zhao) == [override_id]
    assert len(listed(person_id=sun)) == 2
    assert listed(unit_id=centre.person["杨帆"] + 1000) == []
    assert [p["person_id"] for p in _on_duty(client, planner, at=_local(3, 10), role="duty")] == [
        sun
    ]

    viewer = client.delete(f"/api/v1/overrides/{override_id}", headers=auth_headers(Role.viewer))
    assert viewer.status_code == 403
    deleted = client.delete(f"/api/v1/overrides/{override_id}", headers=planner)
    assert deleted.status_code == 204, deleted.text
    assert override_id not in listed()
    assert [p["person_id"] for p in _on_duty(client, planner, at=_local(3, 10), role="duty")] == [
        zhao
    ]
    entry = list_entries(session, entity_type="roster", entity_id=f"override:{override_id}")[0]
    assert entry.action == "override.delete"
    again = client.delete(f"/api/v1/overrides/{override_id}", headers=planner)
    assert again.status_code == 404


def _events(client: TestClient, auth_headers: Headers, kind: str, subject: int) -> set[Any]:
    created = client.post(
        "/api/v1/feeds",
        json={"kind": kind, "subject_id": subject},
        headers=auth_headers(Role.planner),
    )
    assert created.status_code == 201, created.text
    feed = client.get(created.json()["url"].split("8000", 1)[1])
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.content)
    return {
        (
            event.decoded("dtstart").astimezone(SHANGHAI).date().day,
            str(event["summary"]),
            str(event["uid"]),
        )
        for event in calendar.walk("VEVENT")
    }


def test_ical_feeds_and_my_shifts_show_the_shifts_people_actually_work(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    planner = auth_headers(Role.planner)
    swap_id = _swap(client, auth_headers, centre, ("杨帆", 5), ("赵敏", 3))
    assert client.post(f"/api/v1/swaps/{swap_id}/approve", headers=planner).status_code == 200
    assert (
        _override(client, planner, centre.shift["night"], 12, centre.person["孙强"]).status_code
        == 201
    )
    mine = {
        (day, summary)
        for day, summary, _ in _events(client, auth_headers, "person", centre.person["杨帆"])
    }
    assert mine == {(3, "白班 · 杨帆"), (8, "夜班 · 杨帆"), (11, "备班（二线） · 杨帆")}
    unit = _events(client, auth_headers, "unit", centre.unit_id)
    by_day = {(day, summary) for day, summary, _ in unit}
    assert (5, "白班 · 赵敏") in by_day and (3, "白班 · 赵敏") not in by_day
    assert (12, "夜班 · 孙强") in by_day
    assert len(unit) == len(PLAN) + 1 and len({uid for _, _, uid in unit}) == len(unit)
    now = datetime.combine(_jan(2), time(12), tzinfo=SHANGHAI)
    page = duty.my_shifts(session, person_id=centre.person["杨帆"], now=now, tz=SHANGHAI)
    assert [(s.day.day, s.name) for s in page] == [(3, "白班"), (8, "夜班"), (11, "备班（二线）")]


def test_an_override_is_not_removed_when_its_person_cannot_take_the_slot_back(
    client: TestClient, auth_headers: Headers, centre: Centre, session: Session
) -> None:
    """赵敏 is replaced on the day shift of the 3rd, then swaps into that evening's night
    shift: removing the override would give her both shifts, so it stays."""
    planner = auth_headers(Role.planner)
    zhao, sun = centre.person["赵敏"], centre.person["孙强"]
    created = client.post(
        "/api/v1/overrides",
        json={
            "shift_type_id": centre.shift["day"],
            "day": str(_jan(3)),
            "covering_person_id": sun,
            "original_person_id": zhao,
        },
        headers=planner,
    )
    assert created.status_code == 201, created.text
    swap_id = _swap(client, auth_headers, centre, ("赵敏", 10), ("黄磊", 3))
    approved = client.post(f"/api/v1/swaps/{swap_id}/approve", headers=planner)
    assert approved.status_code == 200, approved.text

    refused = client.delete(f"/api/v1/overrides/{created.json()['id']}", headers=planner)
    assert refused.status_code == 409, refused.text
    assert f"person {zhao}" in refused.json()["detail"]
    assert "one_shift_per_day" in refused.json()["detail"]
    assert [p["person_id"] for p in _on_duty(client, planner, at=_local(3, 10), role="duty")] == [
        sun
    ]
    kept = client.get("/api/v1/overrides", headers=planner).json()
    assert [o["id"] for o in kept] == [created.json()["id"]]
    actions = [e.action for e in list_entries(session, entity_type="roster")]
    assert "override.delete" not in actions
