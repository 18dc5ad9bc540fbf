"""The home page's "Waiting for you": each role sees the count of what waits for it, linked
to the page where it is acted on, and that page finds the same items (web.attention)."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import actions, supervision
from complaints import service as complaint_service
from complaints import warnings as early_warnings
from complaints.candidates import Candidate
from complaints.detect import WarningLevel
from complaints.workflow import Action
from core.clock import FakeClock
from core.users import Role
from escalation import opening
from escalation.models import Category, IncidentCreate
from escalation.policy import Severity
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.dutylog_models import Handover
from oncall.models import Person
from oncall.roster_models import RosterStatus
from tests.complaint_helpers import complaint_data, handler_user, make_centre
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.roster_helpers import JAN1, make_intake, make_roster
from web.i18n import LANG_COOKIE

INTAKE = actions.Actor("coordinator", intake=True, handle=True)
LATER = T0 + timedelta(days=30)  # past every item's 7-working-day acceptance limit


def _sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303


def _waiting(client: TestClient) -> dict[str, tuple[int, str, str]]:
    """{key: (count, link, text)} of the home page's lines, in English."""
    client.cookies.set(LANG_COOKIE, "en")
    page = client.get("/").text
    section = re.search(r'<section class="card waiting".*?</section>', page, re.S)
    assert section is not None
    return {
        key: (int(count), href.replace("&amp;", "&"), re.sub(r"\s+", " ", text).strip())
        for key, count, href, text in re.findall(
            r'<li data-waiting="(\w+)" data-count="(\d+)"[^>]*><a href="([^"]+)">(.*?)</a>',
            section.group(0),
            re.S,
        )
    }


def _queue_total(client: TestClient, href: str) -> int:
    page = client.get(href).text
    return len(re.findall(r'<tr[^>]* data-complaint="\d+"', page))


def test_handlers_and_leaders_see_overdue_items_and_the_inbox_in_their_scope(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    centre = make_centre(session)
    for address in ("城东区幸福路88号", "城东区幸福路90号", "城西区和平路3号"):
        for item in complaint_service.register(
            session, data=complaint_data(respondent_address=address), actor="test", now=T0
        ):
            assert item.id is not None
            actions.act(
                session, complaint_id=item.id, action=Action.distribute, actor=INTAKE, now=T0
            )
    handler_user(session, centre.east, "east-handler")
    make_user(session, role=Role.leader, username="home-leader")
    make_user(session, role=Role.viewer, username="home-viewer")

    _sign_in(client, "east-handler")
    before = _waiting(client)
    assert "overdue" not in before
    assert before["inbox"][:2] == (2, "/complaints/inbox")
    assert before["inbox"][2] == "2 items are in your unit's inbox"

    clock.advance(LATER - T0)
    supervision.run_once(session, now=clock.now())
    _sign_in(client, "east-handler")  # a month on: the morning's session has ended
    waiting = _waiting(client)
    assert waiting["overdue"] == (
        2,
        "/complaints?overdue=true",
        "2 complaints and reports are past their time limits",
    )
    assert list(waiting) == ["overdue", "inbox"]  # the urgent line first
    assert _queue_total(client, "/complaints?overdue=true") == 2  # the link finds those two

    _sign_in(client, "home-leader")
    waiting = _waiting(client)
    assert waiting["overdue"][0] == 3 and "inbox" not in waiting
    assert _queue_total(client, waiting["overdue"][1]) == 3

    _sign_in(client, "home-viewer")  # reads the queue but works none of it
    assert _waiting(client) == {}
    page = client.get("/").text
    assert "Nothing waits for you now." in page


def test_open_incidents_and_warnings_wait_for_coordinators(
    client: TestClient, session: Session
) -> None:
    make_user(session, role=Role.coordinator, username="home-coordinator")
    _sign_in(client, "home-coordinator")
    assert _waiting(client) == {}
    data = IncidentCreate(
        title="电梯困人", category=Category.special_equipment, severity=Severity.III
    )
    for _ in range(2):
        opening.open_incident(session, data=data, actor="test", now=T0)
    found = Candidate(
        key="hotspot:test",
        dimension="respondent",
        subject="好再来超市",
        label="好再来超市",
        level=WarningLevel.yellow,
        title="好再来超市 complaints rose",
        summary="",
        occurred_at=T0,
        wording_key="",
        values={},
    )
    early_warnings.raise_warning(session, found, notify_level=WarningLevel.red, now=T0)
    session.commit()

    waiting = _waiting(client)
    assert waiting["incidents_open"] == (
        2,
        "/incidents?status=open",
        "2 incidents are not acknowledged yet",
    )
    assert waiting["warnings"] == (1, "/warnings?status=open", "1 early warning is open")
    incidents = client.get("/incidents?status=open").text
    assert len(re.findall(r"<tr[^>]* data-incident=", incidents)) == 2
    client.cookies.set(LANG_COOKIE, "zh_CN")
    chinese = client.get("/").text
    assert "2 起事件尚未确认" in chinese


def test_planners_see_drafts_they_may_publish_and_swaps_to_decide(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    intake = make_intake(session)
    first, second = intake.people[:2]
    published = make_roster(
        session,
        intake,
        JAN1,
        JAN1 + timedelta(days=6),
        [(first, JAN1, "day"), (second, JAN1 + timedelta(days=1), "day")],
        status=RosterStatus.published,
    )
    make_roster(session, intake, JAN1 + timedelta(days=7), JAN1 + timedelta(days=13), [])
    # generated before `published` was published over its days: stale, cannot be published
    make_roster(session, intake, JAN1, JAN1 + timedelta(days=6), [], at=T0 - timedelta(hours=1))
    # a period that has ended: nothing to publish any more
    make_roster(session, intake, T0.date() - timedelta(days=9), T0.date() - timedelta(days=2), [])
    assert published.id is not None
    for a_day in (JAN1, T0.date() - timedelta(days=1)):  # the second is for a day gone by
        session.add(
            SwapRequestRow(
                roster_id=published.id,
                a_person_id=first,
                a_day=a_day,
                b_person_id=second,
                b_day=JAN1 + timedelta(days=1),
                status=SwapStatus.pending,
                requested_by="test",
                requested_at=T0,
            )
        )
    session.commit()
    make_user(session, role=Role.planner, username="home-planner")

    _sign_in(client, "home-planner")
    waiting = _waiting(client)
    assert waiting == {
        "swaps": (1, "/swaps", "1 swap request waits for a decision"),
        "drafts": (1, "/rosters", "1 roster draft is ready to review and publish"),
    }


def test_a_handover_waits_for_its_receiver_until_confirmed(
    client: TestClient, session: Session
) -> None:
    intake = make_intake(session)
    first, second = intake.people[:2]
    receiver = make_user(session, role=Role.duty_officer, username="home-receiver")
    person = session.get(Person, second)
    assert person is not None
    person.user_id = receiver.id
    session.add(person)
    for at in (T0 - timedelta(days=1), T0):
        session.add(
            Handover(
                unit_id=intake.unit_id,
                from_person_id=first,
                to_person_id=second,
                handed_over_at=at,
                created_by="test",
                created_at=at,
                acknowledged_at=T0 if at < T0 else None,
            )
        )
    session.commit()

    _sign_in(client, "home-receiver")
    assert _waiting(client) == {
        "handovers": (1, "/duty/log", "1 handover to you waits for your confirmation")
    }
