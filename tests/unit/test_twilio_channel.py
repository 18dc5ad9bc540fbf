"""TwilioChannel with the real `twilio` client against the fake Twilio server."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from escalation.ports import (
    NotificationChannel,
    OutboundMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
)
from escalation.twilio_channel import (
    TwilioChannel,
    _rewrite_url,
    validate_twilio_signature,
    voice_twiml,
)
from tests.fakes.fake_twilio import FakeTwilio

SID = "AC" + "1" * 32
TOKEN = "secret-token"
OUR_NUMBER = "+15005550006"
PUBLIC = "http://127.0.0.1:9"  # nothing listens; callbacks are not posted in these tests
PERSON = "+8613800138000"


def _message(
    kind: str = "sms", to: str = PERSON, key: str = "inc-7/step-0/p-3/1"
) -> OutboundMessage:
    return OutboundMessage(
        idempotency_key=key,
        to=to,
        body="【DutyDesk】I级事件 INC-7：食品安全 请确认，回复 4821",
        kind=kind,  # type: ignore[arg-type]
        incident_ref="INC-7",
        short_code="4821",
    )


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(SID, TOKEN) as server:
        yield server


def _channel(fake: FakeTwilio, *, token: str = TOKEN, timeout_s: float = 2) -> TwilioChannel:
    return TwilioChannel(SID, token, OUR_NUMBER, fake.base_url, PUBLIC, timeout_s=timeout_s)


def test_channel_satisfies_protocol(fake: FakeTwilio) -> None:
    channel: NotificationChannel = _channel(fake)
    assert channel.name == "twilio"


def test_sms_goes_to_the_fake_with_status_callback(fake: FakeTwilio) -> None:
    receipt = _channel(fake).send(_message())

    assert receipt.provider_id.startswith("SM")
    assert receipt.status == "queued"
    [request] = fake.requests
    assert request.authorized and request.status == 201
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.value("To") == PERSON
    assert request.value("From") == OUR_NUMBER
    assert request.value("Body") == _message().body
    key = quote(_message().idempotency_key, safe="")
    assert request.value("StatusCallback") == f"{PUBLIC}/twilio/status?key={key}"
    assert [m.to for m in fake.messages()] == [PERSON]


def test_voice_call_carries_twiml_and_status_events(fake: FakeTwilio) -> None:
    receipt = _channel(fake).send(_message("voice", key="inc 7&x"))

    assert receipt.provider_id.startswith("CA")
    [request] = fake.requests
    assert request.kind == "voice"
    assert request.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert request.value("StatusCallback") == f"{PUBLIC}/twilio/status?key=inc%207%26x"
    root = ET.fromstring(request.value("Twiml") or "")
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("action") == f"{PUBLIC}/twilio/voice/gather?key=inc%207%26x"
    assert fake.calls(to=PERSON)[0].gather_action()[0] == gather.get("action")


def test_wrong_token_is_refused_as_permanent(fake: FakeTwilio) -> None:
    with pytest.raises(PermanentDeliveryError) as info:
        _channel(fake, token="wrong").send(_message())
    assert info.value.code == "20003"
    assert not info.value.retryable
    assert fake.requests[0].status == 401
    assert fake.messages() == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_throttling_are_transient(fake: FakeTwilio, status: int) -> None:
    fake.fail_next(status=status, retry_after=7 if status == 429 else None)
    channel = _channel(fake)

    with pytest.raises(TransientDeliveryError) as info:
        channel.send(_message())
    assert info.value.retryable
    assert info.value.retry_after == (7 if status == 429 else None)
    assert channel.send(_message()).status == "queued"  # the failure was for one request
    assert len(fake.messages()) == 1


def test_timeout_is_transient_and_fast(fake: FakeTwilio) -> None:
    fake.timeout_next(1.0)
    started = time.monotonic()
    with pytest.raises(TransientDeliveryError) as info:
        _channel(fake, timeout_s=0.2).send(_message())
    assert info.value.code == "timeout"
    assert time.monotonic() - started < 0.9


def test_unreachable_provider_is_transient() -> None:
    with FakeTwilio(SID, TOKEN) as gone:
        base_url = gone.base_url
    channel = TwilioChannel(SID, TOKEN, OUR_NUMBER, base_url, PUBLIC, timeout_s=0.5)
    with pytest.raises(TransientDeliveryError) as info:
        channel.send(_message())
    assert info.value.code == "connection_error"


@pytest.mark.parametrize("kind", ["sms", "voice"])
def test_invalid_number_is_permanent_21211(fake: FakeTwilio, kind: str) -> None:
    fake.invalid_number("+86123")
    with pytest.raises(PermanentDeliveryError) as info:
        _channel(fake).send(_message(kind, to="+86123"))
    assert info.value.code == "21211"
    assert "+86123" in str(info.value)


def test_voice_twiml_is_well_formed_zh_cn_gather() -> None:
    xml = voice_twiml(
        "I级事件 <INC-7> & 食品安全。", "https://dd.example/twilio/voice/gather?key=a&b=c"
    )

    root = ET.fromstring(xml)
    assert root.tag == "Response"
    gather, goodbye = list(root)
    assert gather.tag == "Gather"
    assert gather.attrib == {
        "numDigits": "1",
        "action": "https://dd.example/twilio/voice/gather?key=a&b=c",
        "method": "POST",
        "timeout": "10",
    }
    [say] = list(gather)
    assert say.attrib == {"language": "zh-CN", "voice": "Polly.Zhiyu"}
    assert say.text == "I级事件 <INC-7> & 食品安全。确认请按1，立即升级请按2。"
    assert goodbye.tag == "Say" and goodbye.get("language") == "zh-CN"
    assert goodbye.text == "未收到按键，再见。"
    assert "&amp;" in xml and "&lt;INC-7&gt;" in xml


def test_signature_helper_accepts_twilio_signature_and_rejects_others() -> None:
    with FakeTwilio(SID, TOKEN) as server:
        url = "https://dd.example/twilio/status?x=1"
        params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
        signature = server.sign(url, params)
    assert validate_twilio_signature(TOKEN, url, params, signature)
    assert not validate_twilio_signature("other-token", url, params, signature)
    assert not validate_twilio_signature(TOKEN, url, params | {"MessageStatus": "x"}, signature)
    assert not validate_twilio_signature(TOKEN, url, params, "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
            "http://127.0.0.1:8/base/2010-04-01/Accounts/AC1/Messages.json",
        ),
        ("https://api.dublin.ie1.twilio.com/x?y=1", "http://127.0.0.1:8/base/x?y=1"),
        ("https://example.com/x", "https://example.com/x"),
        ("https://nottwilio.com/x", "https://nottwilio.com/x"),
    ],
)
def test_rewrite_url(url: str, expected: str) -> None:
    assert _rewrite_url(url, "http://127.0.0.1:8/base/") == expected
