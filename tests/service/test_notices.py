"""Notices without an incident: roster announcements after publishing, person and group
notices, their idempotency and their fallback, sent by the real dispatcher tick."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection
from sqlmodel import Session, col, select

from api import demo
from core.audit import list_entries
from core.clock import FakeClock
from escalation import notices
from escalation.dispatch import Dispatcher
from escalation.models import NoticeTopic, Notification, NotificationStatus
from escalation.ports import OutboundMessage, PermanentDeliveryError, SendReceipt
from escalation.roster_notices import roster_messages
from oncall import contacts, directory
from oncall.models import ContactCreate, ContactKind, Person
from oncall.roster_models import Roster, RosterAssignment, RosterStatus
from tests.conftest import T0, savepoint_session

D1, D2, D3 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)


def test_first_publication_lists_each_persons_shifts() -> None:
    messages = roster_messages(
        unit_name="受理科",
        period_start=D1,
        period_end=D3,
        version=1,
        shifts={1: [(D2, "夜班"), (D1, "白班")], 2: []},
        base=None,
    )
    assert messages == {
        1: "【DutyDesk】受理科 11-24至11-26值班表已发布（第1版）。您的班次：11-24白班、11-25夜班。"
    }


def test_a_repair_tells_only_the_people_whose_shifts_changed() -> None:
    base = {1: [(D1, "白班"), (D2, "白班")], 2: [(D3, "夜班")], 3: [(D1, "夜班")]}
    after = {1: [(D1, "白班")], 2: [(D3, "夜班")], 3: [(D1, "夜班"), (D2, "白班")]}
    messages = roster_messages(
        unit_name="受理科", period_start=D1, period_end=D3, version=2, shifts=after, base=base
    )
    assert set(messages) == {1, 3}
    assert "取消 11-25白班" in messages[1] and "新增" not in messages[1]
    assert "新增 11-25白班" in messages[3]


def test_long_listings_are_cut_with_a_count() -> None:
    shifts = {1: [(D1 + timedelta(days=i), "白班") for i in range(12)]}
    (text,) = roster_messages(
        unit_name="u", period_start=D1, period_end=D1, version=1, shifts=shifts, base=None
    ).values()
    assert text.count("白班") == 8 and "等共12班" in text


class RecordingChannel:
    """Implements the NotificationChannel port; refuses numbers in `refuse`."""

    name = "recording"

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.sent: list[OutboundMessage] = []
        self.refuse = refuse

    def send(self, message: OutboundMessage) -> SendReceipt:
        if message.to in self.refuse:
            raise PermanentDeliveryError("not a mobile", code="21614")
        self.sent.append(message)
        return SendReceipt(provider_id=f"SM{len(self.sent):032d}", status="queued")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


def _dispatcher(connection: Connection, clock: FakeClock, channel: RecordingChannel) -> Dispatcher:
    open_session = partial(savepoint_session, connection)

    return Dispatcher(
        open_session=open_session, clock=clock, channel=channel, tz=ZoneInfo("Asia/Shanghai")
    )


def _seed_published_roster(session: Session, connection: Connection) -> Roster:
    demo.seed(session, now=T0)

    open_session = partial(savepoint_session, connection)

    demo.seed_roster(open_session, now=T0, tz=ZoneInfo("Asia/Shanghai"), days=7, time_limit_s=4)
    return session.exec(select(Roster).where(Roster.status == RosterStatus.published)).one()


def test_publishing_announces_each_rostered_person_once(
    session: Session, connection: Connection, clock: FakeClock
) -> None:
    roster = _seed_published_roster(session, connection)
    assert roster.staff_notified_at is None
    people = set(
        session.exec(
            select(RosterAssignment.person_id).where(RosterAssignment.roster_id == roster.id)
        ).all()
    )
    channel = RecordingChannel()
    dispatcher = _dispatcher(connection, clock, channel)

    dispatcher.tick()
    dispatcher.tick()  # a second tick (or instance) announces nothing again

    rows = session.exec(
        select(Notification).where(Notification.subject_ref == f"roster:{roster.id}")
    ).all()
    assert {r.person_id for r in rows} == people
    assert all(r.topic is NoticeTopic.roster and r.incident_id is None for r in rows)
    assert all(r.status is NotificationStatus.sent for r in rows)
    assert len(channel.sent) == len(people)
    assert all("值班表已发布" in m.body for m in channel.sent)
    session.refresh(roster)
    assert roster.staff_notified_at == T0
    (entry,) = list_entries(session, entity_type="roster", entity_id=str(roster.id), limit=1)
    assert entry.action == "roster.staff_notified"


def test_person_notice_is_idempotent_and_needs_a_mobile(session: Session) -> None:
    demo.seed(session, now=T0)
    person = session.exec(select(Person).order_by(col(Person.id))).first()
    assert person is not None and person.id is not None
    first = notices.queue_person_notice(
        session,
        key="complaint:1:remind",
        topic=NoticeTopic.complaint,
        subject_ref="complaint:1",
        person_id=person.id,
        body="催办",
        now=T0,
    )
    again = notices.queue_person_notice(
        session,
        key="complaint:1:remind",
        topic=NoticeTopic.complaint,
        subject_ref="complaint:1",
        person_id=person.id,
        body="催办",
        now=T0,
    )
    assert first is not None and first.to == notices.mobile_of(session, person.id)
    assert again is None
    for contact in directory.contacts_of(session, person.id):
        session.delete(contact)
    session.flush()
    assert (
        notices.queue_person_notice(
            session,
            key="complaint:2:remind",
            topic=NoticeTopic.complaint,
            subject_ref="complaint:2",
            person_id=person.id,
            body="催办",
            now=T0,
        )
        is None
    )


def test_a_refused_notice_falls_back_to_the_next_mobile(
    session: Session, connection: Connection, clock: FakeClock
) -> None:
    demo.seed(session, now=T0)
    person = session.exec(select(Person).order_by(col(Person.id))).first()
    assert person is not None and person.id is not None
    first_mobile = notices.mobile_of(session, person.id)
    assert first_mobile is not None
    contacts.add_contact(
        session,
        person_id=person.id,
        data=ContactCreate(kind=ContactKind.mobile, value="+8613900000999", priority=9),
        actor="test",
        now=T0,
    )
    notices.queue_person_notice(
        session,
        key="warning:7:person",
        topic=NoticeTopic.warning,
        subject_ref="warning:7",
        person_id=person.id,
        body="预警",
        now=T0,
    )
    session.commit()
    channel = RecordingChannel(refuse=frozenset({first_mobile}))
    _dispatcher(connection, clock, channel).tick()

    rows = session.exec(
        select(Notification)
        .where(Notification.subject_ref == "warning:7")
        .order_by(col(Notification.id))
    ).all()
    assert [r.status for r in rows] == [NotificationStatus.failed, NotificationStatus.sent]
    assert [m.to for m in channel.sent if m.body == "预警"] == ["+8613900000999"]


def test_group_notice_without_a_robot_goes_to_the_outbox(
    session: Session, connection: Connection, clock: FakeClock
) -> None:
    notices.queue_group_notice(
        session,
        key="warning:8:leadership",
        topic=NoticeTopic.warning,
        subject_ref="warning:8",
        group="leadership",
        body="食品安全投诉激增",
        now=T0,
    )
    session.commit()
    channel = RecordingChannel()
    _dispatcher(connection, clock, channel).tick()
    row = session.exec(
        select(Notification).where(Notification.idempotency_key == "warning:8:leadership")
    ).one()
    assert row.status is NotificationStatus.sent and row.provider_id is not None
    assert row.provider_id.startswith("outbox:") and channel.sent == []
