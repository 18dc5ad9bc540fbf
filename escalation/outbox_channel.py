"""The embedded default channel: messages are only stored (the notification row is the
message) and shown in the outbox page/API, where a person can reply."""

from __future__ import annotations

from escalation.ports import OutboundMessage, SendReceipt


class OutboxChannel:
    name = "outbox"

    def send(self, message: OutboundMessage) -> SendReceipt:
        """Never raises: storing already happened when the notification row was written."""
        return SendReceipt(provider_id=f"outbox:{message.idempotency_key}", status="stored")
