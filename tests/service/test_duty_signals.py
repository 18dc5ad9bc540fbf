"""Duty-side signals on the seeded demo centre: a published roster that loses its night shift
to leave raises a roster-gap warning before the day, pages that reached nobody and slow
acknowledgements become warnings, and latency is measured per person and per step."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlmodel import Session, select

from api import demo
from complaints import duty_signals, roster_gaps, warning_detection
from complaints.detect import WarningLevel
from complaints.insight_models import EarlyWarning
from complaints.warning_keys import KEYS, worded_zh
from core.calendar_store import load_calendar
from escalation import opening
from escalation import service as incidents
from escalation.models import Category, IncidentCreate, NoticeTopic, Notification
from escalation.policy import Severity
from oncall import planning
from oncall.models import Person
from oncall.roster_models import LeaveCreate, Roster, RosterAssignment, RosterStatus, ShiftType
from tests.conftest import T0, savepoint_session
from tests.roster_helpers import covering_rows, make_intake, make_roster

TZ = ZoneInfo("Asia/Shanghai")


def _seed(session: Session, connection: Connection) -> Roster:
    demo.seed(session, now=T0)

    open_session = partial(savepoint_session, connection)

    demo.seed_roster(open_session, now=T0, tz=TZ, days=7, time_limit_s=4)
    return session.exec(select(Roster).where(Roster.status == RosterStatus.published)).one()


def test_leave_after_publication_opens_a_roster_gap_warning(
    session: Session, connection: Connection
) -> None:
    roster = _seed(session, connection)
    calendar = load_calendar(session)
    today = T0.astimezone(TZ).date()
    assert roster_gaps.roster_gaps(session, today=today, days=7, calendar=calendar) == []
    night = session.exec(select(ShiftType).where(ShiftType.code == "night")).one()
    day = today + timedelta(days=3)
    on_night = session.exec(
        select(RosterAssignment).where(
            RosterAssignment.roster_id == roster.id,
            RosterAssignment.day == day,
            RosterAssignment.shift_type_id == night.id,
        )
    ).all()
    assert on_night
    for assignment in on_night:
        planning.add_leave(
            session,
            data=LeaveCreate(
                person_id=assignment.person_id, start_date=day, end_date=day, reason="病假"
            ),
            actor="planner",
            now=T0,
        )
    gaps = roster_gaps.roster_gaps(session, today=today, days=7, calendar=calendar)
    assert [(g.day, g.shift_code, g.required, g.staffed) for g in gaps] == [(day, "night", 1, 0)]
    names = {session.get(Person, a.person_id).name for a in on_night}  # type: ignore[union-attr]
    assert set(gaps[0].away) == names

    warning_detection.run_detection(session, now=T0, tz=TZ)
    warning = session.exec(select(EarlyWarning).where(EarlyWarning.dimension == "roster_gap")).one()
    assert warning.level is WarningLevel.orange  # three days ahead
    assert "值班缺员" in warning.title and "请假" in warning.summary
    assert warning.wording_key == "roster_gap" and set(warning.values) == KEYS["roster_gap"]
    assert warning.values["day"] == day.isoformat()
    assert [g["shift"] for g in warning.values["gaps"]] == ["night"]
    assert (warning.title, warning.summary) == worded_zh("roster_gap", warning.values)
    assert session.exec(select(Notification).where(Notification.topic == NoticeTopic.warning)).all()
    assert roster_gaps.gap_level(0) is WarningLevel.red
    assert roster_gaps.gap_level(10) is WarningLevel.blue


def _incident(session: Session, title: str, place: str, minutes: int) -> int:
    incident, _ = opening.open_incident(
        session,
        data=IncidentCreate(
            title=title, category=Category.food_safety, severity=Severity.III, place=place
        ),
        actor="coordinator",
        now=T0 + timedelta(minutes=minutes),
    )
    assert incident.id is not None
    return incident.id


def test_unreachable_pages_and_slow_acknowledgements(
    session: Session, connection: Connection
) -> None:
    demo.seed(session, now=T0)
    first = _incident(session, "学校食堂疑似食物中毒", "城东区第一中学", 0)
    incidents.record_event(
        session,
        incident_id=first,
        now=T0 + timedelta(minutes=3),
        kind="unreachable",
        text="值班员 has no contact method for voice",
        key="no_contact_method",
        values={"person": 1, "kind": "voice"},
    )
    session.commit()
    for n, (title, place) in enumerate(
        [("餐馆食物中毒", "城西区和平路"), ("超市变质肉品", "高新区"), ("奶茶店异物", "城南区")]
    ):
        incident_id = _incident(session, title, place, 10 * (n + 1))
        incidents.acknowledge(
            session,
            incident_id=incident_id,
            actor="duty_officer",
            now=T0 + timedelta(minutes=10 * (n + 1) + 40),
            via="web",
        )
    per_person, per_step, minutes = duty_signals.ack_latency(
        session, start=T0, end=T0 + timedelta(hours=3)
    )
    assert [round(m) for m in minutes] == [40, 40, 40]
    assert len(per_person) == 1 and per_person[0].count == 3
    assert per_person[0].median_minutes <= 40
    assert [s.key for s in per_step] == ["1"] and per_step[0].median_minutes == 40

    warning_detection.run_detection(session, now=T0 + timedelta(hours=2), tz=TZ)
    found = {w.dimension: w for w in session.exec(select(EarlyWarning)).all()}
    assert found["unreachable"].subject == str(first)
    assert found["unreachable"].level is WarningLevel.orange  # never acknowledged
    slow = found["ack_latency"]
    assert slow.level is WarningLevel.yellow and slow.observed == 3
    assert slow.label == per_person[0].label
    for warning in found.values():
        assert warning.wording_key is not None
        assert set(warning.values) == KEYS[warning.wording_key]
        assert (warning.title, warning.summary) == worded_zh(warning.wording_key, warning.values)
    assert found["unreachable"].values["unreachable"] == 1
    assert found["unreachable"].values["exhausted"] is False
    assert slow.values["count"] == 3 and slow.values["who"] == slow.label


def test_days_between_published_rosters_are_roster_gaps(session: Session) -> None:
    """Nobody is on duty on a day no published roster covers before a later one of the unit:
    each demanded shift of that day is a gap with nobody staffed."""
    intake = make_intake(session)
    today = T0.astimezone(TZ).date()
    first_end, later_start = today + timedelta(days=2), today + timedelta(days=5)
    make_roster(
        session,
        intake,
        today,
        first_end,
        covering_rows(intake, today, first_end),
        status=RosterStatus.published,
    )
    later_end = later_start + timedelta(days=3)
    make_roster(
        session,
        intake,
        later_start,
        later_end,
        covering_rows(intake, later_start, later_end),
        status=RosterStatus.published,
    )
    calendar = load_calendar(session)
    gaps = roster_gaps.roster_gaps(session, today=today, days=14, calendar=calendar)
    uncovered = {today + timedelta(days=3), today + timedelta(days=4)}
    assert {g.day for g in gaps if g.staffed == 0 and not g.away} >= uncovered
    assert {g.day for g in gaps} & uncovered == uncovered
    night = [g for g in gaps if g.day in uncovered and g.shift_code == "night"]
    assert len(night) == 2 and all(g.staffed == 0 and g.people == () for g in night)
    # days after the last published roster are not planned yet: no gap is invented there
    assert all(g.day <= later_end for g in gaps)
