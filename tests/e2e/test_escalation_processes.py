"""The escalation service as real processes: `python -m api.cli serve` against a fake Twilio
HTTP server, time moved by the clock file (DUTYDESK_CLOCK_FILE), nothing mocked inside.

Default plan, severity II: step 1 pages the duty officer on duty by SMS at once and by voice
after 2 min; after 5 min it climbs to the on-call backup. The clock starts at night in the
centre (see `pick_clock_start`), when one duty officer is on duty.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import (
    FROM_NUMBER,
    TICK_S,
    ClockFile,
    ServerFactory,
    ServerProcess,
    is_postgres,
    settle,
    wait_until,
)
from tests.fakes.fake_twilio import FakeResource, FakeTwilio, RecordedRequest

pytestmark = pytest.mark.slow

VOICE_AFTER = timedelta(minutes=2)
WAIT_II = timedelta(minutes=5)  # default plan: a severity II step waits 5 min
JUST = timedelta(seconds=1)
SENT = {"sent", "delivered"}


# ---- helpers ---------------------------------------------------------------------------------


def sends_to(fake: FakeTwilio, to: str) -> Counter[str]:
    """Create requests that reached the fake for `to`, by kind ("sms" / "voice"), failed
    ones included: what a phone would have seen, or what the provider was asked to do."""
    return Counter(r.kind for r in fake.requests if r.method == "POST" and r.value("To") == to)


def accepted(fake: FakeTwilio) -> list[RecordedRequest]:
    return [r for r in fake.requests if r.method == "POST" and r.status == 201]


def gather_key(call: FakeResource) -> str:
    """The idempotency key in the call's `<Gather action=".../twilio/voice/gather?key=...">`."""
    action, _method = call.gather_action()
    return parse_qs(urlsplit(action).query)["key"][0]


def rows_of(server: ServerProcess, incident_id: int, kind: str) -> list[dict[str, Any]]:
    return [n for n in server.notifications(incident_id) if n["kind"] == kind]


def timeline(server: ServerProcess, incident_id: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = server.incident(incident_id)["timeline"]
    return entries


def wait_status(server: ServerProcess, incident_id: int, status: str) -> dict[str, Any]:
    return wait_until(
        lambda: (i := server.incident(incident_id))["status"] == status and i,
        f"incident {incident_id} to become {status}",
    )


def wait_settled(server: ServerProcess, *incident_ids: int) -> None:
    """Wait until no notification of these incidents is pending or in flight (`sending`).

    Move the clock only after this: a jump past the dispatcher's claim timeout while a send
    is in flight would stand for a send that took that long (see the report on reclaims)."""
    wait_until(
        lambda: all(
            n["status"] not in ("pending", "sending")
            for i in incident_ids
            for n in server.notifications(i)
        ),
        "the outbox to settle",
    )


def advance_until(
    clock: ClockFile, predicate: Any, what: str, *, step: timedelta, limit: timedelta
) -> None:
    """Move the clock by `step` until `predicate()` holds, giving the dispatcher a few ticks
    after each move; never more than `limit` of simulated time (bounded in real time too)."""
    moved = timedelta(0)
    while True:
        try:
            wait_until(predicate, what, timeout=TICK_S * 5)
            return
        except AssertionError:
            if moved >= limit:
                raise
        clock.advance(step)
        moved += step


def on_duty(server: ServerProcess) -> tuple[list[str], list[str]]:
    officers = server.on_duty_phones("duty")
    backups = server.on_duty_phones("oncall_backup")
    assert officers, "nobody on duty in the demo roster at the clock's start"
    assert backups, "no on-call backup in the demo roster at the clock's start"
    assert not set(officers) & set(backups)
    return officers, backups


# ---- the whole ladder ------------------------------------------------------------------------


def test_full_chain_sms_voice_backup_ack_then_silence(
    spawn_server: ServerFactory, fake_twilio: FakeTwilio, clock_file: ClockFile
) -> None:
    fake = fake_twilio
    server = spawn_server("chain")
    health = server.api("GET", "/api/v1/health").json()
    assert datetime.fromisoformat(health["time"]) == clock_file.now, "clock file not in use"
    officers, backups = on_duty(server)
    t0 = clock_file.now

    incident = server.open_incident(title="电梯困人", place="和平路12号商场", severity="II")
    assert incident["status"] == "open" and incident["deduplicated"] is False
    code, incident_id = incident["short_code"], incident["id"]

    # step 1, at once: one SMS to each duty officer, with the short code; nobody else
    wait_until(lambda: all(fake.messages(to=o) for o in officers), "the SMS to the duty officer")
    wait_settled(server, incident_id)
    settle()
    for officer in officers:
        assert sends_to(fake, officer) == Counter(sms=1)
        assert code in (fake.messages(to=officer)[0].body or "")
    assert len(accepted(fake)) == len(officers)

    # step 1, +2 min: one call to each duty officer, gathering to our webhook
    clock_file.set(t0 + VOICE_AFTER + JUST)
    wait_until(lambda: all(fake.calls(to=o) for o in officers), "the call to the duty officer")
    wait_settled(server, incident_id)
    settle()
    for officer in officers:
        assert sends_to(fake, officer) == Counter(sms=1, voice=1)
        action, method = fake.calls(to=officer)[0].gather_action()
        assert action.startswith(f"{server.url}/twilio/voice/gather?key=") and method == "POST"
    assert all(not sends_to(fake, b) for b in backups)

    # step 2, after the 5 min wait: the backup is paged by SMS and acknowledges by reply
    clock_file.set(t0 + WAIT_II + JUST)
    wait_until(lambda: all(fake.messages(to=b) for b in backups), "the SMS to the backup")
    reply = fake.reply_sms(backups[0], f"{code} ack")
    assert reply.status_code == 200, reply.response_text
    acknowledged = wait_status(server, incident_id, "acknowledged")
    assert any("ack" in e["kind"] for e in acknowledged["timeline"]), acknowledged["timeline"]

    # half an hour later: nobody else was paged, nobody twice
    pages_before = len(fake.requests)
    clock_file.set(t0 + WAIT_II + timedelta(minutes=30) + JUST)
    settle(6)
    assert len(fake.requests) == pages_before
    for person in officers + backups:
        assert sends_to(fake, person)["sms"] == 1
        assert sends_to(fake, person)["voice"] == (1 if person in officers else 0)
    assert server.incident(incident_id)["status"] == "acknowledged"
    keys = [n["idempotency_key"] for n in server.notifications(incident_id)]
    assert len(keys) == len(set(keys))


# ---- webhooks must be signed -----------------------------------------------------------------


def test_sms_webhook_with_a_bad_signature_is_refused(
    spawn_server: ServerFactory, fake_twilio: FakeTwilio
) -> None:
    fake = fake_twilio
    server = spawn_server("sig")
    officers, _ = on_duty(server)
    incident = server.open_incident(title="锅炉压力异常", place="东风化工厂", severity="II")
    wait_until(lambda: fake.messages(to=officers[0]), "the SMS to the duty officer")
    # let the delivery callbacks land, so the timeline stands still
    wait_until(
        lambda: sum(1 for c in fake.callbacks if "/twilio/status" in c.url) >= 2 * len(officers),
        "the SMS status callbacks",
    )
    settle()
    before = server.incident(incident["id"])

    url = f"{server.url}/twilio/sms"
    params = {
        "MessageSid": "SM" + "f" * 32,
        "AccountSid": fake.account_sid,
        "From": officers[0],
        "To": FROM_NUMBER,
        "Body": f"{incident['short_code']} ack",
        "NumMedia": "0",
    }
    forged = {
        "wrong token": RequestValidator("not-the-auth-token").compute_signature(url, params),
        "garbage": "bm90LWEtc2lnbmF0dXJl",
        "other URL": fake.sign(f"{server.url}/twilio/status", params),
        "missing": "",
    }
    with httpx.Client(timeout=10) as client:
        for label, signature in forged.items():
            headers = {"X-Twilio-Signature": signature} if signature else {}
            response = client.post(url, data=params, headers=headers)
            assert response.status_code == 403, (label, response.text)
    settle()
    after = server.incident(incident["id"])
    assert after["status"] == "open"
    assert after["timeline"] == before["timeline"]

    # control: the very same request, correctly signed, acknowledges
    with httpx.Client(timeout=10) as client:
        response = client.post(
            url, data=params, headers={"X-Twilio-Signature": fake.sign(url, params)}
        )
    assert response.status_code == 200, response.text
    wait_status(server, incident["id"], "acknowledged")


# ---- kill -9 and restart ---------------------------------------------------------------------


def test_kill_9_then_restart_carries_on_without_resending(
    spawn_server: ServerFactory, fake_twilio: FakeTwilio, clock_file: ClockFile
) -> None:
    fake = fake_twilio
    first = spawn_server("first")
    officers, _ = on_duty(first)
    t0 = clock_file.now
    incident = first.open_incident(title="起重机倾斜", place="港区3号码头", severity="II")
    incident_id = incident["id"]
    wait_until(lambda: all(fake.messages(to=o) for o in officers), "the first SMS")
    # The provider's answer is committed right after the send; a kill between the two is the
    # one documented duplicate window (row left `sending`), which this test does not aim at.
    wait_settled(first, incident_id)
    first.kill()
    assert first.proc is not None and first.proc.returncode == -9

    clock_file.set(t0 + VOICE_AFTER + JUST)
    second = spawn_server("second")  # a new process, same database
    wait_until(lambda: all(fake.calls(to=o) for o in officers), "the call after the restart")
    settle(6)
    for officer in officers:
        assert sends_to(fake, officer) == Counter(sms=1, voice=1)
    rows = second.notifications(incident_id)
    assert Counter((n["to"], n["kind"]) for n in rows) == Counter(
        {(o, kind): 1 for o in officers for kind in ("sms", "voice")}
    )
    sids = {r.sid for r in fake.messages() + fake.calls()}
    assert all(n["status"] in SENT and n["provider_id"] in sids for n in rows), rows
    assert second.incident(incident_id)["status"] == "open"


# ---- two instances, one database -------------------------------------------------------------


@pytest.mark.skipif(
    not is_postgres(os.environ.get("DUTYDESK_DATABASE_URL")),
    reason="two instances on one database need PostgreSQL (claims use FOR UPDATE SKIP LOCKED); "
    "SQLite is a single-node deployment. Set DUTYDESK_DATABASE_URL=postgresql+psycopg://...",
)
def test_two_instances_page_every_notification_exactly_once(
    spawn_server: ServerFactory, fake_twilio: FakeTwilio, clock_file: ClockFile
) -> None:
    fake = fake_twilio
    servers = [spawn_server("a"), spawn_server("b")]
    officers, _ = on_duty(servers[0])
    t0 = clock_file.now
    count = 20
    incidents = [
        servers[i % 2].open_incident(
            title=f"压力容器泄漏 #{i}", place=f"开发区{i}号厂房", severity="II"
        )
        for i in range(count)
    ]
    assert not any(i["deduplicated"] for i in incidents)
    assert len({i["id"] for i in incidents}) == count
    codes = {i["short_code"]: i["id"] for i in incidents}
    assert len(codes) == count, "short codes of open incidents must be unique"
    expected = count * len(officers)

    wait_until(lambda: len(fake.messages()) >= expected, f"{expected} SMS")
    wait_settled(servers[0], *codes.values())
    clock_file.set(t0 + VOICE_AFTER + JUST)
    wait_until(lambda: len(fake.calls()) >= expected, f"{expected} calls")
    settle(8)

    # SMS: exactly one per (incident, officer), attributed by the short code in the body
    sms = Counter((code, m.to) for m in fake.messages() for code in codes if code in (m.body or ""))
    assert len(fake.messages()) == expected
    assert sms == Counter({(code, o): 1 for code in codes for o in officers})
    # calls: exactly one per voice notification, attributed by the idempotency key
    rows = [n for i in incidents for n in servers[1].notifications(i["id"])]
    voice_keys = {n["idempotency_key"] for n in rows if n["kind"] == "voice"}
    assert len(voice_keys) == expected
    assert Counter(gather_key(c) for c in fake.calls()) == Counter(dict.fromkeys(voice_keys, 1))
    # the database agrees: every row sent once, with the sid the fake handed out
    sids = [r.sid for r in fake.messages() + fake.calls()]
    assert sorted(n["provider_id"] for n in rows) == sorted(sids)
    assert all(n["status"] in SENT and n["attempts"] == 1 for n in rows), rows


# ---- provider failures -----------------------------------------------------------------------


def test_transient_provider_errors_are_retried(
    spawn_server: ServerFactory, fake_twilio: FakeTwilio, clock_file: ClockFile
) -> None:
    fake = fake_twilio
    server = spawn_server("retry")
    officers, _ = on_duty(server)
    officer = officers[0]
    fake.fail_next(status=500, count=2, to=officer)
    incident = server.open_incident(title="游乐设施停运", place="欢乐谷过山车", severity="II")
    # retries back off in clock time (5 s, 10 s, ...): move the clock, well short of 2 min
    advance_until(
        clock_file,
        lambda: fake.messages(to=officer),
        "the SMS to get through",
        step=timedelta(seconds=6),
        limit=timedelta(seconds=60),
    )
    row = wait_until(
        lambda: [
            n
            for n in rows_of(server, incident["id"], "sms")
            if n["status"] in SENT and n["to"] == officer
        ],
        "the SMS notification to be sent",
    )
    assert row[0]["attempts"] >= 3, row
    assert len(fake.messages(to=officer)) == 1
    statuses = [r.status for r in fake.requests if r.value("To") == officer]
    assert statuses.count(201) == 1 and statuses.count(500) >= 2, statuses
    kinds = [e["kind"] for e in timeline(server, incident["id"])]
    assert kinds.count("retry") >= 2, kinds


def test_invalid_number_is_a_permanent_failure_in_the_timeline(
    spawn_server: ServerFactory, fake_twilio: FakeTwilio, clock_file: ClockFile
) -> None:
    fake = fake_twilio
    server = spawn_server("invalid")
    officers, backups = on_duty(server)
    officer = officers[0]
    fake.invalid_number(officer)
    t0 = clock_file.now
    incident = server.open_incident(title="燃气管道压力异常", place="南湖小区", severity="II")

    failed = wait_until(
        lambda: [n for n in rows_of(server, incident["id"], "sms") if n["status"] == "failed"],
        "the SMS notification to fail",
    )
    assert failed[0]["to"] == officer and failed[0]["attempts"] == 1, failed
    entries = wait_until(
        lambda: [
            e
            for e in timeline(server, incident["id"])
            if "fail" in e["kind"] and officer in e["text"]
        ],
        "a permanent failure in the timeline",
    )
    assert "21211" in entries[0]["text"] or "not a valid" in entries[0]["text"], entries
    assert fake.messages(to=officer) == []
    assert sends_to(fake, officer) == Counter(sms=1)  # one try, no retry of a 400

    # the ladder does not stall on an unreachable person: the backup is paged on time
    clock_file.set(t0 + WAIT_II + JUST)
    wait_until(lambda: all(fake.messages(to=b) for b in backups), "the SMS to the backup")
    assert server.incident(incident["id"])["status"] == "open"
