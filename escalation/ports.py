"""Ports: the outside systems the escalation engine reaches, as Protocols.

A channel delivers one `OutboundMessage` and says what the provider made of it. It never
retries by itself: the dispatcher owns retries, backoff and idempotency (every message
carries an idempotency key; the outbox row keyed by it is the source of truth).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

MessageKind = Literal["sms", "voice"]


class DeliveryError(Exception):
    """A channel could not hand a message to its provider.

    `code` is a stable, provider-specific string (a Twilio error code such as "21211", or
    "timeout", "connection_error", "http_503" ...); `retryable` says whether sending the
    same message again later may succeed.
    """

    retryable: bool = False

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class TransientDeliveryError(DeliveryError):
    """Timeouts, connection errors, HTTP 5xx and 429: try again later.

    `retry_after` is the delay in seconds the provider asked for (HTTP `Retry-After`),
    or None when it said nothing. The provider may or may not have accepted the message
    (a timeout is ambiguous), so a retry can produce a duplicate.
    """

    retryable = True

    def __init__(self, message: str, *, code: str, retry_after: float | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Invalid or unreachable number, refused content, other 4xx: do not retry this message."""

    retryable = False


@dataclass(frozen=True)
class OutboundMessage:
    """One notification to one person.

    `to` is an E.164 number; `short_code` is the 4-digit acknowledgement code the person
    can reply with; `incident_ref` is the human reference of the incident.
    """

    idempotency_key: str
    to: str
    body: str
    kind: MessageKind
    incident_ref: str
    short_code: str


@dataclass(frozen=True)
class SendReceipt:
    """What the provider answered: its id for the message (e.g. "SM…", "CA…") and status."""

    provider_id: str
    status: str


class NotificationChannel(Protocol):
    """Sends notifications through one provider (Twilio, a group webhook, the local outbox)."""

    name: str

    def send(self, message: OutboundMessage) -> SendReceipt:
        """Hand `message` to the provider and return its receipt.

        Returns once the provider has accepted the message (status such as "queued");
        delivery is reported later through the provider's status callbacks.

        Raises:
            TransientDeliveryError: timeout, connection failure, HTTP 5xx or 429 (with
                `retry_after` when the provider gave one). The message may have been
                accepted anyway; retry under the same idempotency key.
            PermanentDeliveryError: the provider refused this message for good (invalid
                or non-mobile number, unsubscribed recipient, other 4xx, unsupported
                `kind`). Retrying the same message will fail again.

        No other exception escapes for provider-side failures.
        """
        ...
