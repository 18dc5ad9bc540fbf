"""The duty-log page shows every item DOMAIN.md §5 has the log record: the caller's unit,
name and phone; time; place; event; measures taken; whom the caller already informed; the
recorder and the time recorded (with its date: an entry is often written after midnight for a
call before it); through the real app."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from escalation import opening
from escalation import service as incident_service
from escalation.models import Category, IncidentCreate
from escalation.policy import Severity
from oncall import directory, dutylog
from oncall.dutylog_models import DutyLogEntryCreate, HandoverCreate
from oncall.models import Person
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.factories import make_person, make_unit

CST = timezone(timedelta(hours=8))
HANDED_OVER_BY = re.compile(r'<select name="from_person_id"[^>]*>(.*?)</select>', re.S)


def test_the_log_shows_whom_the_caller_informed_and_who_recorded_it_when(
    client: TestClient, session: Session
) -> None:
    unit = make_unit(session)
    recorder = make_person(session, unit=unit, name="杨帆")
    entry = dutylog.record_entry(
        session,
        data=DutyLogEntryCreate(
            unit_id=unit.id or 0,
            occurred_at=datetime(2026, 11, 22, 23, 50, tzinfo=CST),  # the night before T0
            caller_unit="城东区市场监督管理局",
            caller_name="许涛",
            caller_phone="+8613800001234",
            place="城东区幸福路 12 号商场",
            event="电梯困人，两人被困约 20 分钟",
            measures="已通知维保单位赶赴现场",
            informed="已报 119 及城东区局",
            recorder_person_id=recorder.id,
        ),
        actor="duty-login",
        now=T0,  # 2026-11-23 09:30 in Asia/Shanghai
    )
    make_user(session, role=Role.duty_officer, username="log-reader")
    client.post("/login", data={"username": "log-reader", "password": TEST_PASSWORD})
    page = client.get("/duty/log")
    assert page.status_code == 200
    head = page.text.split('id="duty-log"', 1)[1].split("</thead>", 1)[0]
    assert "<th>已通知</th>" in head, head
    row = page.text.split(f'<tr data-entry="{entry.id}" ', 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == [
        "2026-11-22 23:50",
        "城东区市场监督管理局 许涛 +8613800001234",
        "城东区幸福路 12 号商场",
        "电梯困人，两人被困约 20 分钟",
        "已通知维保单位赶赴现场",
        "已报 119 及城东区局",
        "",  # no incident reference
        "杨帆 2026-11-23 09:30",
    ]


def test_the_handover_form_starts_with_the_unresolved_incidents(
    client: TestClient, session: Session
) -> None:
    """Unfinished items are handed over explicitly: the form's open items list the incidents
    still open or acknowledged, and a resolved one is not among them."""
    for title, place in (("电梯困人", "幸福路 12 号"), ("食物中毒", "城西小学")):
        opening.open_incident(
            session,
            data=IncidentCreate(
                title=title, category=Category.special_equipment, severity=Severity.III, place=place
            ),
            actor="test",
            now=T0 - timedelta(hours=2),
        )
    done, _ = opening.open_incident(
        session,
        data=IncidentCreate(title="已处置", category=Category.other, severity=Severity.IV),
        actor="test",
        now=T0 - timedelta(hours=3),
    )
    incident_service.resolve(session, incident_id=done.id or 0, actor="test", now=T0)
    _linked_user(session, make_person(session, unit=make_unit(session)), "handing-over")
    client.post("/login", data={"username": "handing-over", "password": TEST_PASSWORD})
    form = client.get("/duty/log").text.split('id="handover-form"', 1)[1].split("</form>", 1)[0]
    draft = form.split('name="open_items"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    lines = [line for line in draft.splitlines() if line.strip()]
    assert len(lines) == 2 and "已处置" not in draft
    assert all("III级 · 较大" in line and "待确认" in line for line in lines), lines
    assert "电梯困人" in lines[0] and "食物中毒" in lines[1]


def _linked_user(
    session: Session, person: Person, username: str, role: Role = Role.duty_officer
) -> None:
    person.user_id = make_user(session, role=role, username=username).id
    session.add(person)
    session.commit()


def _handing_over_choices(page: str) -> list[str]:
    found = HANDED_OVER_BY.search(page)
    assert found is not None, "no handover form"
    return [v for v in re.findall(r'<option value="(\d*)"', found.group(1)) if v]


def test_the_handover_form_offers_what_the_role_may_hand_over(
    client: TestClient, session: Session
) -> None:
    """As the API takes them: a duty officer hands over as their own person only, an admin
    for anyone, and a user linked to no person gets no form but the reason."""
    unit = make_unit(session)
    giver, taker = make_person(session, unit=unit, name="杨帆"), make_person(session, unit=unit)
    _linked_user(session, giver, "giver")
    make_user(session, role=Role.admin, username="log-admin")
    make_user(session, role=Role.duty_officer, username="unlinked")
    for username, choices in (
        ("giver", [str(giver.id)]),
        ("log-admin", [str(p.id) for p in directory.list_people(session)]),
    ):
        client.cookies.clear()
        client.post("/login", data={"username": username, "password": TEST_PASSWORD})
        assert _handing_over_choices(client.get("/duty/log").text) == choices, username
    assert str(taker.id) in choices
    client.cookies.clear()
    client.post("/login", data={"username": "unlinked", "password": TEST_PASSWORD})
    page = client.get("/duty/log").text
    assert 'id="handover-form"' not in page and 'id="handover-unlinked"' in page
    assert 'id="log-form"' in page  # the duty log is still written


def _cells(page: str, row_start: str) -> list[str]:
    row = page.split(row_start, 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_handovers_notes_are_shown_in_the_handovers(client: TestClient, session: Session) -> None:
    unit = make_unit(session)
    giver, taker = make_person(session, unit=unit, name="杨帆"), make_person(session, unit=unit)
    handover = dutylog.create_handover(
        session,
        data=HandoverCreate(
            unit_id=unit.id or 0,
            from_person_id=giver.id or 0,
            to_person_id=taker.id or 0,
            open_items="无",
            notes="夜间来电3起，均已处理",
        ),
        actor="test",
        now=T0,
    )
    make_user(session, role=Role.duty_officer, username="log-reader")
    client.post("/login", data={"username": "log-reader", "password": TEST_PASSWORD})
    page = client.get("/duty/log").text
    head = page.split('id="handovers"', 1)[1].split("</thead>", 1)[0]
    assert "<th>备注</th>" in head, head
    assert "夜间来电3起，均已处理" in _cells(page, f'<tr data-handover="{handover.id}" ')


def test_an_entrys_incident_reference_is_shown_and_links_the_incident_it_names(
    client: TestClient, session: Session
) -> None:
    """A short code names the incident holding it that opened nearest the entry's time
    (codes are unique only among unresolved incidents); INC-<id> names it by its row; a
    reference naming no incident is shown as typed."""
    unit = make_unit(session)
    incidents = [
        opening.open_incident(
            session,
            data=IncidentCreate(title=title, category=Category.other, severity=Severity.IV),
            actor="test",
            now=T0 - timedelta(days=days),
        )[0]
        for title, days in (("上月电梯困人", 30), ("今晨电梯困人", 0))
    ]
    earlier, latest = incidents
    incident_service.resolve(session, incident_id=earlier.id or 0, actor="test", now=T0)
    earlier.short_code = latest.short_code  # reused once the earlier one was resolved
    session.add(earlier)
    session.commit()

    def record(ref: str, at: datetime) -> int:
        entry = dutylog.record_entry(
            session,
            data=DutyLogEntryCreate(
                unit_id=unit.id or 0, occurred_at=at, event="来电", incident_ref=ref
            ),
            actor="test",
            now=T0,
        )
        return entry.id or 0

    today = record(latest.short_code, T0)
    last_month = record(f"#{latest.short_code}", T0 - timedelta(days=30, minutes=5))
    by_row = record(f"inc-{earlier.id}", T0)
    unknown = record("CX-2026-001", T0)
    make_user(session, role=Role.duty_officer, username="log-reader")
    client.post("/login", data={"username": "log-reader", "password": TEST_PASSWORD})
    page = client.get("/duty/log").text
    head = page.split('id="duty-log"', 1)[1].split("</thead>", 1)[0]
    assert "<th>事件编号</th>" in head, head
    link = '<a href="/incidents/{}" title="{}">#{}</a>'
    expected = {
        today: link.format(latest.id, "今晨电梯困人", latest.short_code),
        last_month: link.format(earlier.id, "上月电梯困人", latest.short_code),
        by_row: link.format(earlier.id, "上月电梯困人", latest.short_code),
        unknown: "CX-2026-001",
    }
    for entry_id, cell in expected.items():
        assert _cells(page, f'<tr data-entry="{entry_id}" ')[6] == cell, entry_id
