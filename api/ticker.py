"""Wires the notification channel from settings and runs the dispatcher tick with APScheduler.
APScheduler only ticks; all escalation state lives in the database (docs/adr/0001)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from core.config import NotifierKind, Settings
from escalation.dispatch import Dispatcher
from escalation.group_channel import GroupWebhook, GroupWebhookChannel
from escalation.outbox_channel import OutboxChannel
from escalation.ports import NotificationChannel
from escalation.twilio_channel import TwilioChannel

log = logging.getLogger("dutydesk.ticker")


def make_channel(settings: Settings) -> NotificationChannel:
    if settings.notifier is NotifierKind.twilio:
        assert settings.twilio_account_sid and settings.twilio_auth_token
        assert settings.twilio_from_number
        return TwilioChannel(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_from_number,
            settings.twilio_base_url,
            settings.public_url,
        )
    return OutboxChannel()


def make_groups(settings: Settings) -> GroupWebhookChannel | None:
    if not settings.group_webhooks:
        return None
    return GroupWebhookChannel(
        {name: GroupWebhook(hook.kind, hook.url) for name, hook in settings.group_webhooks.items()}
    )


def _safe_tick(dispatcher: Dispatcher) -> None:
    try:
        dispatcher.tick()
    except Exception:  # one failed tick must not stop the next one
        log.exception("dispatcher tick failed")


def start_ticker(dispatcher: Dispatcher, seconds: float) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _safe_tick,
        "interval",
        args=[dispatcher],
        seconds=seconds,
        max_instances=1,
        coalesce=True,
        id="dispatcher-tick",
    )
    scheduler.start()
    return scheduler
