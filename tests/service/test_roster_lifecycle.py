"""Publishing roster versions: a new version replaces only published versions it covers
whole, a stale draft is refused, and approved swaps carry over to the new version. Roster
rows are written directly (no solver), on the demo centre's intake unit."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from core.audit import list_entries
from core.errors import Conflict
from core.users import Role
from oncall import layers, planning, publishing, rosters
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.models import Person
from oncall.roster_models import LeaveCreate, RepairRequest, Roster, RosterStatus
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import JAN1, JAN31, Intake, covering_rows, make_intake, make_roster

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def intake(session: Session) -> Intake:
    return make_intake(session)


def _on_duty(session: Session, at: datetime) -> set[tuple[int, str]]:
    slots = layers.on_duty_slots(session, at=at, tz=SHANGHAI)
    return {(s.person_id, s.shift_code) for s in slots}


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI).astimezone(UTC)


# ---- 1: partial overlap --------------------------------------------------------------------------


def test_a_version_overlapping_only_part_of_a_published_one_is_refused(
    session: Session, intake: Intake
) -> None:
    january = make_roster(
        session,
        intake,
        JAN1,
        JAN31,
        covering_rows(intake, JAN1, JAN31),
        status=RosterStatus.published,
    )
    later = T0 + timedelta(hours=1)
    start, end = date(2027, 1, 25), date(2027, 2, 5)
    draft = make_roster(session, intake, start, end, covering_rows(intake, start, end), at=later)
    with pytest.raises(Conflict) as refused:
        publishing.publish(session, roster_id=draft.id or 0, actor="planner", now=later)
    assert f"roster {january.id} (2027-01-01..2027-01-31)" in str(refused.value.detail)
    session.refresh(january)
    assert january.status is RosterStatus.published
    assert _on_duty(session, _noon(date(2027, 1, 10)))  # January still has people on duty
    with pytest.raises(Conflict, match=f"roster {january.id}"):
        rosters.start_generation(
            session,
            unit_id=intake.unit_id,
            start=start,
            end=end,
            time_limit_s=4,
            note="",
            actor="planner",
            now=later,
        )
    whole = make_roster(
        session,
        intake,
        JAN1,
        date(2027, 2, 5),
        covering_rows(intake, JAN1, date(2027, 2, 5)),
        at=later,
    )
    publishing.publish(session, roster_id=whole.id or 0, actor="planner", now=later)
    session.refresh(january)
    assert january.status is RosterStatus.superseded


# ---- 5: stale drafts -----------------------------------------------------------------------------


def test_a_draft_generated_before_the_published_version_is_refused(
    session: Session, intake: Intake
) -> None:
    rows = covering_rows(intake, JAN1, JAN31)
    stale = make_roster(session, intake, JAN1, JAN31, rows)
    repair = make_roster(session, intake, JAN1, JAN31, rows, at=T0 + timedelta(hours=1))
    publishing.publish(
        session, roster_id=repair.id or 0, actor="planner", now=T0 + timedelta(hours=2)
    )
    with pytest.raises(Conflict, match=f"before roster {repair.id}.*generate again"):
        publishing.publish(
            session, roster_id=stale.id or 0, actor="planner", now=T0 + timedelta(hours=3)
        )
    session.refresh(repair)
    assert repair.status is RosterStatus.published


def test_a_draft_putting_someone_on_duty_during_later_leave_is_refused(
    session: Session, intake: Intake
) -> None:
    rows = covering_rows(intake, JAN1, JAN31)
    draft = make_roster(session, intake, JAN1, JAN31, rows)
    sick, sick_day = rows[20][0], rows[20][1]
    planning.add_leave(
        session,
        data=LeaveCreate(person_id=sick, start_date=sick_day, end_date=sick_day, reason="sick"),
        actor="planner",
        now=T0 + timedelta(hours=1),
    )
    with pytest.raises(Conflict, match=f"person {sick} on duty on {sick_day}.*sick"):
        publishing.publish(session, roster_id=draft.id or 0, actor="planner", now=T0)
    session.refresh(draft)
    assert draft.status is RosterStatus.draft


@pytest.mark.parametrize("kind", ["stale_published", "stale_leave", "stale_inputs"])
def test_a_stale_draft_is_refused_with_a_stable_code_and_its_kind_with_names_and_dates(
    session: Session,
    intake: Intake,
    client: TestClient,
    auth_headers: Callable[[Role], dict[str, str]],
    kind: str,
) -> None:
    """The page words the refusal from `type` and `ctx` (names, dates) in its own language;
    the detail stays an English sentence for clients and logs."""
    rows = covering_rows(intake, JAN1, JAN31)
    draft = make_roster(session, intake, JAN1, JAN31, rows)
    sick, sick_day = rows[20][0], rows[20][1]
    expected: dict[str, object]
    if kind == "stale_published":
        newer = make_roster(session, intake, JAN1, JAN31, rows, at=T0 + timedelta(hours=1))
        publishing.publish(session, roster_id=newer.id or 0, actor="planner", now=T0)
        expected = {"roster": newer.id, "version": 1, "start": "2027-01-01", "end": "2027-01-31"}
        sentence = f"before roster {newer.id}"
    elif kind == "stale_leave":
        planning.add_leave(
            session,
            data=LeaveCreate(person_id=sick, start_date=sick_day, end_date=sick_day, reason="病假"),
            actor="planner",
            now=T0,
        )
        name = session.get(Person, sick).name  # type: ignore[union-attr]
        day = str(sick_day)
        expected = {"person": name, "person_id": sick, "day": day, "reason": "病假"}
        expected |= {"start": day, "end": day}
        sentence = f"puts person {sick} on duty on {sick_day}"
    else:
        draft.result_json = json.dumps({"inputs": "generated under other shift types"})
        session.add(draft)
        session.commit()
        expected = {"roster": draft.id}
        sentence = "shift types or hard rules changed"
    refused = client.post(f"/api/v1/rosters/{draft.id}/publish", headers=auth_headers(Role.planner))
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["code"] == "stale_draft" and sentence in problem["detail"]
    assert [(e["field"], e["type"], e["ctx"]) for e in problem["errors"]] == [
        ("roster", kind, expected)
    ]
    session.refresh(draft)
    assert draft.status is RosterStatus.draft


# ---- 4b: swaps carry over ------------------------------------------------------------------------


def _swap(
    session: Session,
    roster: Roster,
    a: tuple[int, date],
    b: tuple[int, date],
    status: SwapStatus = SwapStatus.approved,
) -> int:
    decided = status is not SwapStatus.pending
    swap = SwapRequestRow(
        roster_id=roster.id or 0,
        a_person_id=a[0],
        a_day=a[1],
        b_person_id=b[0],
        b_day=b[1],
        status=status,
        requested_by="officer",
        requested_at=T0,
        decided_by="planner" if decided else None,
        decided_at=T0 if decided else None,
    )
    session.add(swap)
    session.commit()
    assert swap.id is not None
    return swap.id


def _dropped_swaps_listed(session: Session, client: TestClient, roster_id: int, user: str) -> str:
    """The roster page's list of swaps that no longer apply, as a new planner `user` sees it."""
    make_user(session, role=Role.planner, username=user)
    signed_in = client.post(
        "/login", data={"username": user, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    page = client.get(f"/rosters/{roster_id}").text
    return page[page.index('id="dropped-swaps"') :].split("</section>")[0]


def test_approved_swaps_carry_over_to_the_new_version_or_are_reported(
    session: Session, intake: Intake, client: TestClient
) -> None:
    rows = covering_rows(intake, JAN1, JAN31)
    old = make_roster(session, intake, JAN1, JAN31, rows, status=RosterStatus.published)
    day = {(d, code): p for p, d, code in rows}
    d3, d4, d5, d6 = (date(2027, 1, n) for n in (3, 4, 5, 6))
    kept = _swap(session, old, (day[(d3, "day")], d3), (day[(d4, "day")], d4))
    lost = _swap(session, old, (day[(d5, "day")], d5), (day[(d6, "day")], d6))
    d8, d9 = date(2027, 1, 8), date(2027, 1, 9)
    a8, b9 = day[(d8, "night")], day[(d9, "night")]
    contained = _swap(session, old, (a8, d8), (b9, d9))
    # The new version moves d5's day shift to someone else and already contains the d8/d9 swap.
    replacement = next(p for p in intake.people if p not in {day[(d5, "day")], day[(d5, "night")]})
    new_rows = [
        (replacement, d, c)
        if (d, c) == (d5, "day")
        else (b9, d, c)
        if (d, c) == (d8, "night")
        else (a8, d, c)
        if (d, c) == (d9, "night")
        else (p, d, c)
        for p, d, c in rows
    ]
    new = make_roster(session, intake, JAN1, JAN31, new_rows, at=T0 + timedelta(hours=1))
    published = publishing.publish(
        session, roster_id=new.id or 0, actor="planner", now=T0 + timedelta(hours=2)
    )
    swaps = {s.id: s for s in session.exec(select(SwapRequestRow)).all()}
    assert swaps[kept].roster_id == new.id
    assert swaps[lost].roster_id == old.id and swaps[contained].roster_id == old.id
    document = json.loads(published.result_json or "{}")
    assert [d["swap_id"] for d in document["dropped_swaps"]] == [lost]
    actions = {
        (e.action, json.loads(e.after or "{}").get("swap_id"))
        for e in list_entries(session, entity_type="roster")
    }
    assert {("swap.carry_over", kept), ("swap.dropped", lost), ("swap.contained", contained)} <= (
        actions
    )
    listed = _dropped_swaps_listed(session, client, new.id or 0, "swap-planner")
    assert f"#{lost}:" in listed and f"#{kept}:" not in listed and f"#{contained}:" not in listed
    assert "2027-01-05" in listed and "2027-01-06" in listed
    on_d3 = _on_duty(session, _noon(d3))
    assert (day[(d4, "day")], "day") in on_d3 and (day[(d3, "day")], "day") not in on_d3
    on_d8 = _on_duty(session, datetime(2027, 1, 8, 22, tzinfo=SHANGHAI).astimezone(UTC))
    assert (b9, "night") in on_d8 and (a8, "night") not in on_d8


def test_pending_swap_requests_move_with_their_slots_or_are_closed(
    session: Session, intake: Intake, client: TestClient
) -> None:
    rows = covering_rows(intake, JAN1, JAN31)
    old = make_roster(session, intake, JAN1, JAN31, rows, status=RosterStatus.published)
    day = {(d, code): p for p, d, code in rows}
    d3, d4, d5, d6 = (date(2027, 1, n) for n in (3, 4, 5, 6))
    pending = SwapStatus.pending
    moved = _swap(session, old, (day[(d3, "day")], d3), (day[(d4, "day")], d4), pending)
    closed = _swap(session, old, (day[(d5, "day")], d5), (day[(d6, "day")], d6), pending)
    replacement = next(p for p in intake.people if p not in {day[(d5, "day")], day[(d5, "night")]})
    new_rows = [(replacement, d, c) if (d, c) == (d5, "day") else (p, d, c) for p, d, c in rows]
    new = make_roster(session, intake, JAN1, JAN31, new_rows, at=T0 + timedelta(hours=1))
    published = publishing.publish(
        session, roster_id=new.id or 0, actor="planner", now=T0 + timedelta(hours=2)
    )
    swaps = {s.id: s for s in session.exec(select(SwapRequestRow)).all()}
    # the request whose slots are unchanged can still be decided, on the published version
    assert swaps[moved].roster_id == new.id and swaps[moved].status is SwapStatus.pending
    # the other could never be approved on a superseded version: closed by the publisher
    assert swaps[closed].roster_id == old.id and swaps[closed].status is SwapStatus.rejected
    assert swaps[closed].decided_by == "planner"
    assert swaps[closed].decided_at == T0 + timedelta(hours=2)
    document = json.loads(published.result_json or "{}")
    assert [(d["swap_id"], d["status"]) for d in document["dropped_swaps"]] == [(closed, "pending")]
    actions = {
        (e.action, json.loads(e.after or "{}").get("swap_id"))
        for e in list_entries(session, entity_type="roster")
    }
    assert {("swap.carry_over", moved), ("swap.dropped", closed)} <= actions
    listed = _dropped_swaps_listed(session, client, new.id or 0, "pending-planner")
    assert f"#{closed}:" in listed and "申请已关闭" in listed and f"#{moved}:" not in listed


def test_a_repair_is_hinted_by_the_roster_with_its_swaps(session: Session, intake: Intake) -> None:
    rows = covering_rows(intake, JAN1, JAN31)
    roster = make_roster(session, intake, JAN1, JAN31, rows, status=RosterStatus.published)
    day = {(d, code): p for p, d, code in rows}
    d3, d4 = date(2027, 1, 3), date(2027, 1, 4)
    _swap(session, roster, (day[(d3, "day")], d3), (day[(d4, "day")], d4))
    effective = {
        (a.day, a.shift): int(a.person)
        for a in rosters.effective_assignments(session, roster.id or 0)
    }
    assert effective[(d3, "day")] == day[(d4, "day")]
    assert effective[(d4, "day")] == day[(d3, "day")]
    assert len(effective) == len(rows)


def test_a_repair_keeps_the_planners_reason_on_its_own(session: Session, intake: Intake) -> None:
    rows = covering_rows(intake, JAN1, JAN31)
    roster = make_roster(session, intake, JAN1, JAN31, rows, status=RosterStatus.published)
    person, day, _shift = rows[0]
    reason = "病假" * 100  # the longest reason: the note is cut to its column, the reason not
    repair = rosters.start_repair(
        session,
        roster_id=roster.id or 0,
        data=RepairRequest(person_id=person, start_date=day, end_date=day, reason=reason),
        actor="planner",
        now=T0 + timedelta(hours=1),
    )
    stored = session.get(Roster, repair.id)
    assert stored is not None and stored.repair_reason == reason
    assert stored.note == f"repair: {reason}"[:200]
    assert roster.repair_reason is None
