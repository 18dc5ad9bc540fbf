"""The fake Twilio server: signed callbacks, simulated people, failures, lifecycle."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from escalation.ports import OutboundMessage
from escalation.twilio_channel import TwilioChannel, validate_twilio_signature
from tests.fakes.fake_twilio import FakeTwilio
from tests.fakes.webhook_receiver import ReceivedWebhook, WebhookReceiver

SID = "AC" + "2" * 32
TOKEN = "fake-token-for-tests"
OUR_NUMBER = "+15005550006"
PERSON = "+8613900139000"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as rx:
        yield rx


@pytest.fixture
def fake(receiver: WebhookReceiver) -> Iterator[FakeTwilio]:
    with FakeTwilio(SID, TOKEN, sms_webhook_url=f"{receiver.url}/twilio/sms") as server:
        yield server


def _channel(fake: FakeTwilio, receiver: WebhookReceiver) -> TwilioChannel:
    return TwilioChannel(SID, TOKEN, OUR_NUMBER, fake.base_url, receiver.url, timeout_s=2)


def _send(channel: TwilioChannel, kind: str = "sms") -> str:
    message = OutboundMessage(
        idempotency_key="inc-9/0/1",
        to=PERSON,
        body="II级事件 INC-9 请确认，回复 1234",
        kind=kind,  # type: ignore[arg-type]
        incident_ref="INC-9",
        short_code="1234",
    )
    return channel.send(message).provider_id


def _signed(hook: ReceivedWebhook, token: str = TOKEN) -> bool:
    return validate_twilio_signature(token, hook.url, hook.form, hook.signature)


def test_sms_status_callbacks_are_signed(fake: FakeTwilio, receiver: WebhookReceiver) -> None:
    sid = _send(_channel(fake, receiver))

    results = fake.deliver(sid)

    assert [cb.status_code for cb in results] == [200, 200]
    hooks = receiver.wait(2)
    assert [h.form["MessageStatus"] for h in hooks] == ["sent", "delivered"]
    assert {h.path.split("?")[0] for h in hooks} == {"/twilio/status"}  # ?key=<notification>
    assert all(h.form["MessageSid"] == sid and h.form["To"] == PERSON for h in hooks)
    assert all(_signed(h) for h in hooks)
    assert not any(_signed(h, token="another-token") for h in hooks)
    assert fake.resource(sid).status == "delivered"


def test_sms_failure_carries_error_code(fake: FakeTwilio, receiver: WebhookReceiver) -> None:
    sid = _send(_channel(fake, receiver))

    fake.fail(sid, error_code=30005, status="failed")

    hooks = receiver.wait(2)
    assert [h.form["MessageStatus"] for h in hooks] == ["sent", "failed"]
    assert hooks[-1].form["ErrorCode"] == "30005"
    assert _signed(hooks[-1])


def test_call_lifecycle_answered(fake: FakeTwilio, receiver: WebhookReceiver) -> None:
    sid = _send(_channel(fake, receiver), "voice")

    fake.ring(sid)
    fake.complete_call(sid, answered=True, duration_s=12)

    hooks = receiver.wait(4)
    assert [h.form["CallStatus"] for h in hooks] == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert hooks[-1].form["CallDuration"] == "12"
    assert all(_signed(h) and h.form["CallSid"] == sid for h in hooks)


def test_call_not_answered(fake: FakeTwilio, receiver: WebhookReceiver) -> None:
    sid = _send(_channel(fake, receiver), "voice")

    fake.complete_call(sid, answered=False, outcome="busy")

    assert [h.form["CallStatus"] for h in receiver.wait(2)] == ["initiated", "busy"]


def test_auto_callbacks_send_the_happy_path(receiver: WebhookReceiver) -> None:
    with FakeTwilio(SID, TOKEN, auto_callbacks=True) as fake:
        channel = _channel(fake, receiver)
        _send(channel)
        _send(channel, "voice")
        hooks = receiver.wait(6)

    statuses = [h.form.get("MessageStatus") or h.form["CallStatus"] for h in hooks]
    assert statuses == ["sent", "delivered", "initiated", "ringing", "in-progress", "completed"]
    assert all(_signed(h) for h in hooks)


def test_reply_sms_reaches_webhook_signed(fake: FakeTwilio, receiver: WebhookReceiver) -> None:
    _send(_channel(fake, receiver))

    result = fake.reply_sms(PERSON, "1234")

    assert result.status_code == 200
    [hook] = receiver.wait(1)
    assert hook.path == "/twilio/sms"
    assert hook.form["From"] == PERSON
    assert hook.form["To"] == OUR_NUMBER  # defaults to the number that texted the person
    assert hook.form["Body"] == "1234"
    assert hook.form["MessageSid"].startswith("SM")
    assert _signed(hook)


def test_press_key_posts_to_gather_action(fake: FakeTwilio, receiver: WebhookReceiver) -> None:
    sid = _send(_channel(fake, receiver), "voice")

    fake.press_key(sid, "1")

    [hook] = receiver.wait(1)
    assert hook.path == "/twilio/voice/gather?key=inc-9%2F0%2F1"
    assert hook.form["Digits"] == "1"
    assert hook.form["CallSid"] == sid
    assert (hook.form["From"], hook.form["To"]) == (OUR_NUMBER, PERSON)
    assert _signed(hook)
    assert not _signed(hook, token="another-token")


def test_records_requests_with_times_and_checks_auth(fake: FakeTwilio) -> None:
    url = f"{fake.base_url}/2010-04-01/Accounts/{SID}/Messages.json"
    form = {"To": PERSON, "From": OUR_NUMBER, "Body": "hi"}
    before = time.monotonic()

    anonymous = httpx.post(url, data=form, timeout=2)
    wrong = httpx.post(url, data=form, auth=(SID, "nope"), timeout=2)
    good = httpx.post(url, data=form, auth=(SID, TOKEN), timeout=2)

    assert (anonymous.status_code, wrong.status_code, good.status_code) == (401, 401, 201)
    body = good.json()
    assert body["sid"].startswith("SM") and body["status"] == "queued"
    assert (body["to"], body["from"], body["body"]) == (PERSON, OUR_NUMBER, "hi")
    fetched = httpx.get(f"{url.removesuffix('.json')}/{body['sid']}.json", auth=(SID, TOKEN))
    assert fetched.json()["sid"] == body["sid"]
    recorded = fake.requests[:3]
    assert [r.authorized for r in recorded] == [False, False, True]
    assert all(before <= r.received_at <= time.monotonic() for r in recorded)
    assert len(fake.messages(to=PERSON)) == 1


def test_failures_are_consumed_in_order(fake: FakeTwilio) -> None:
    url = f"{fake.base_url}/2010-04-01/Accounts/{SID}/Calls.json"
    form = {"To": PERSON, "From": OUR_NUMBER, "Twiml": "<Response/>"}
    fake.fail_next(status=429, count=2, retry_after=3)
    fake.invalid_number("+860")

    first = httpx.post(url, data=form, auth=(SID, TOKEN), timeout=2)
    second = httpx.post(url, data=form, auth=(SID, TOKEN), timeout=2)
    invalid = httpx.post(url, data=form | {"To": "+860"}, auth=(SID, TOKEN), timeout=2)
    ok = httpx.post(url, data=form, auth=(SID, TOKEN), timeout=2)

    assert [first.status_code, second.status_code] == [429, 429]
    assert first.headers["Retry-After"] == "3"
    assert invalid.status_code == 400 and invalid.json()["code"] == 21211
    assert ok.status_code == 201


def test_callback_to_dead_receiver_is_recorded_not_raised() -> None:
    with WebhookReceiver() as rx:
        dead = rx.url
    with FakeTwilio(SID, TOKEN, sms_webhook_url=dead, callback_timeout_s=0.5) as fake:
        result = fake.reply_sms(PERSON, "1", to=OUR_NUMBER)
    assert result.status_code is None and result.error


def test_stops_by_itself_and_stop_is_idempotent() -> None:
    fake = FakeTwilio(SID, TOKEN, max_lifetime_s=0.2).start()
    base_url = fake.base_url
    assert fake.wait_for(lambda: not fake.running, timeout=2)
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{base_url}/2010-04-01/Accounts/{SID}/Messages.json", timeout=0.5)
    fake.stop()
    fake.stop()
