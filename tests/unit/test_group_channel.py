"""WeCom / DingTalk robot broadcasts against a real local HTTP receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from escalation.group_channel import GroupWebhook, GroupWebhookChannel
from escalation.ports import OutboundMessage, PermanentDeliveryError, TransientDeliveryError


class Robot:
    """Answers like a chat robot; `reply` sets the next status and JSON body."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.reply: tuple[int, dict[str, Any]] = (200, {"errcode": 0, "errmsg": "ok"})
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                robot.received.append(json.loads(self.rfile.read(length)))
                status, body = robot.reply
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/robot/send"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot() -> Iterator[Robot]:
    server = Robot()
    yield server
    server.stop()


def _message(group: str) -> OutboundMessage:
    return OutboundMessage(
        idempotency_key="7:0:0:broadcast:leadership",
        to=group,
        body="【DutyDesk】重大(II级)特种设备事件：电梯困人",
        kind="sms",
        incident_ref="INC-7",
        short_code="1234",
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "wecom",
            {
                "msgtype": "text",
                "text": {
                    "content": "【DutyDesk】重大(II级)特种设备事件：电梯困人",
                    "mentioned_list": ["@all"],
                },
            },
        ),
        (
            "dingtalk",
            {
                "msgtype": "text",
                "text": {"content": "【DutyDesk】重大(II级)特种设备事件：电梯困人"},
                "at": {"isAtAll": True},
            },
        ),
    ],
)
def test_robot_receives_its_json_format(robot: Robot, kind: str, expected: dict[str, Any]) -> None:
    channel = GroupWebhookChannel({"leadership": GroupWebhook(kind, robot.url)})  # type: ignore[arg-type]
    receipt = channel.send(_message("leadership"))
    assert receipt.status == "sent"
    assert robot.received == [expected]


def test_failures_are_classified(robot: Robot) -> None:
    channel = GroupWebhookChannel({"leadership": GroupWebhook("wecom", robot.url)})
    robot.reply = (500, {})
    with pytest.raises(TransientDeliveryError):
        channel.send(_message("leadership"))
    robot.reply = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    with pytest.raises(PermanentDeliveryError):
        channel.send(_message("leadership"))
    with pytest.raises(PermanentDeliveryError):
        channel.send(_message("nobody-configured"))


@pytest.mark.parametrize(
    ("kind", "errcode"),
    [("wecom", 45009), ("dingtalk", 130101)],  # both robots' "20 a minute" limit
)
def test_rate_limit_codes_are_transient(robot: Robot, kind: str, errcode: int) -> None:
    channel = GroupWebhookChannel({"leadership": GroupWebhook(kind, robot.url)})  # type: ignore[arg-type]
    robot.reply = (200, {"errcode": errcode, "errmsg": "send too fast"})
    with pytest.raises(TransientDeliveryError) as raised:
        channel.send(_message("leadership"))
    assert raised.value.code == str(errcode) and raised.value.retry_after == 60
