"""Group broadcast through chat robots: WeCom (企业微信) group robots and DingTalk robots.

A broadcast's `to` is the group name; each configured group has a robot kind and URL. Both
robots take JSON and answer `{"errcode": 0, ...}` on success; their rate-limit codes are
transient (retried by the dispatcher like HTTP 429), other error codes permanent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from escalation.ports import (
    OutboundMessage,
    PermanentDeliveryError,
    SendReceipt,
    TransientDeliveryError,
)

RobotKind = Literal["wecom", "dingtalk"]
# Robot error codes (answered with HTTP 200) that mean "later", not "never". Both robots
# take 20 messages a minute: WeCom answers 45009 (api freq out of limit), DingTalk 130101
# (send too fast, exceed 20 times per minute). WeCom's -1 is "system busy".
RATE_LIMITED = frozenset({45009, 130101})
BUSY = frozenset({-1})
RATE_LIMIT_WAIT_S = 60.0  # the limits count per minute


@dataclass(frozen=True)
class GroupWebhook:
    kind: RobotKind
    url: str


def robot_payload(kind: RobotKind, text: str) -> dict[str, Any]:
    """The robot's JSON for a text message that alerts everybody in the group."""
    if kind == "wecom":
        return {"msgtype": "text", "text": {"content": text, "mentioned_list": ["@all"]}}
    return {"msgtype": "text", "text": {"content": text}, "at": {"isAtAll": True}}


class GroupWebhookChannel:
    name = "group"

    def __init__(self, groups: Mapping[str, GroupWebhook], *, timeout_s: float = 5.0) -> None:
        self._groups = dict(groups)
        self._timeout_s = timeout_s

    def knows(self, group: str) -> bool:
        return group in self._groups

    def send(self, message: OutboundMessage) -> SendReceipt:
        """Raises TransientDeliveryError on timeouts, connection errors, 5xx, 429 and the
        robots' rate-limit and busy codes (`RATE_LIMITED`, `BUSY`); PermanentDeliveryError
        for an unknown group, other 4xx or any other robot error code."""
        hook = self._groups.get(message.to)
        if hook is None:
            raise PermanentDeliveryError(
                f"no robot configured for {message.to}", code="unknown_group"
            )
        try:
            response = httpx.post(
                hook.url, json=robot_payload(hook.kind, message.body), timeout=self._timeout_s
            )
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(str(exc), code="connection_error") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientDeliveryError(
                f"HTTP {response.status_code}", code=str(response.status_code)
            )
        if response.status_code >= 400:
            raise PermanentDeliveryError(
                f"HTTP {response.status_code}", code=str(response.status_code)
            )
        try:
            errcode = int(response.json().get("errcode", 0))
        except (ValueError, AttributeError):
            errcode = 0
        if errcode in RATE_LIMITED:
            raise TransientDeliveryError(
                f"robot rate limit {errcode}", code=str(errcode), retry_after=RATE_LIMIT_WAIT_S
            )
        if errcode in BUSY:
            raise TransientDeliveryError(f"robot busy {errcode}", code=str(errcode))
        if errcode != 0:
            raise PermanentDeliveryError(f"robot error {errcode}", code=str(errcode))
        return SendReceipt(provider_id=f"{hook.kind}:{message.idempotency_key}", status="sent")
