"""Wires the notification channel from settings and runs the dispatcher tick with APScheduler.
APScheduler only ticks; all escalation state lives in the database (docs/adr/0001)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.problems import driver_reason
from complaints import reports
from complaints.insight_config import load as load_insight_settings
from complaints.supervision import Supervisor
from complaints.warning_detection import Detector
from core.clock import Clock
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


def _safe(job: str, run: Callable[[], object]) -> None:
    """Run one periodic job; a failure must not stop the next run. A database outage is one
    line per run (every tick of every job would otherwise print a traceback)."""
    try:
        run()
    except OperationalError as exc:
        log.warning("%s: database unavailable: %s", job, driver_reason(exc))
    except Exception:
        log.exception("%s failed", job)


def _safe_tick(dispatcher: Dispatcher) -> None:
    _safe("dispatcher tick", dispatcher.tick)


def _safe_supervise(supervisor: Supervisor) -> None:
    _safe("complaint supervision tick", supervisor.tick)


def _safe_sweep(sweep: Callable[[], object]) -> None:
    _safe("interrupted-roster sweep", sweep)


def _safe_prune(prune: Callable[[], object]) -> None:
    _safe("webhook receipt retention", prune)


SUPERVISION_SECONDS = 60.0
# Orphaned `generating` rosters (oncall.roster_interrupts): a read of a few rows.
ROSTER_SWEEP_SECONDS = 30.0
DISPATCHER_JOB = "dispatcher-tick"
# Webhook receipts past their retention (escalation.webhook_receipts): hourly, a read of one
# row when there is nothing to delete; first a minute after start-up.
RECEIPT_PRUNE_MINUTES = 60
DETECTION_MINUTES = 60
REPORT_CATCH_UP_MINUTES = 60
REPORT_CATCH_UP_JOB = "analysis-reports-catch-up"


class ReportJob:
    """Builds the latest complete weekly, monthly and quarterly reports that are missing
    (docs/adr/0007): at start-up (a run missed while the service was down is made up) and on
    cron triggers just after each period ends. The report rows are the truth; this only
    ticks."""

    def __init__(
        self,
        open_session: Callable[..., AbstractContextManager[Session]],
        clock: Clock,
        tz: ZoneInfo,
        font: str | None,
    ) -> None:
        self._open = open_session
        self._clock = clock
        self._tz = tz
        self._font = font

    def tick(self) -> list[str]:
        with self._open(write=False) as session:
            kinds = load_insight_settings(session).report_kinds
        return reports.run_due(
            self._open, now=self._clock.now, tz=self._tz, font=self._font, kinds=kinds
        )


def _safe_detect(detector: Detector) -> None:
    _safe("early-warning detection", detector.tick)


def _build_reports(job: ReportJob) -> None:
    built = job.tick()
    if built:
        log.info("analysis reports built: %s", ", ".join(built))


def _safe_reports(job: ReportJob) -> None:
    _safe("analysis report job", partial(_build_reports, job))


def add_insight_jobs(
    scheduler: BackgroundScheduler, detector: Detector, report_job: ReportJob, tz: ZoneInfo
) -> None:
    """Detection hourly (and once at start-up); reports at start-up, hourly (missing, failed
    or cut-off builds) and at 01:00 local after each week, month and quarter ends."""
    now = datetime.now(UTC)
    scheduler.add_job(
        _safe_detect,
        IntervalTrigger(minutes=DETECTION_MINUTES),
        args=[detector],
        next_run_time=now + timedelta(seconds=30),
        max_instances=1,
        coalesce=True,
        id="early-warning-detection",
    )
    # At start-up and then hourly: a build cut off by a stopped process leaves its report
    # `running`; once that claim is stale (reports.STALE) the next catch-up builds it. Only at
    # start-up, a restart within STALE left it `running` until someone rebuilt it by hand.
    scheduler.add_job(
        _safe_reports,
        IntervalTrigger(minutes=REPORT_CATCH_UP_MINUTES),
        args=[report_job],
        next_run_time=now + timedelta(seconds=20),
        max_instances=1,
        coalesce=True,
        id=REPORT_CATCH_UP_JOB,
    )
    for name, trigger in (
        ("weekly", CronTrigger(day_of_week="mon", hour=1, minute=5, timezone=tz)),
        ("monthly", CronTrigger(day=1, hour=1, minute=10, timezone=tz)),
        ("quarterly", CronTrigger(month="1,4,7,10", day=1, hour=1, minute=15, timezone=tz)),
    ):
        scheduler.add_job(
            _safe_reports,
            trigger,
            args=[report_job],
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
            id=f"analysis-reports-{name}",
        )


def start_ticker(
    dispatcher: Dispatcher,
    seconds: float,
    supervisor: Supervisor | None = None,
    insight: tuple[Detector, ReportJob, ZoneInfo] | None = None,
    roster_sweep: Callable[[], object] | None = None,
    receipt_prune: Callable[[], object] | None = None,
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    if receipt_prune is not None:
        scheduler.add_job(
            _safe_prune,
            IntervalTrigger(minutes=RECEIPT_PRUNE_MINUTES),
            args=[receipt_prune],
            next_run_time=datetime.now(UTC) + timedelta(minutes=1),
            max_instances=1,
            coalesce=True,
            id="webhook-receipt-retention",
        )
    if roster_sweep is not None:
        scheduler.add_job(
            _safe_sweep,
            "interval",
            args=[roster_sweep],
            seconds=min(ROSTER_SWEEP_SECONDS, max(seconds * 4, 1.0)),
            max_instances=1,
            coalesce=True,
            id="interrupted-roster-sweep",
        )
    if insight is not None:
        add_insight_jobs(scheduler, *insight)
    if supervisor is not None:
        scheduler.add_job(
            _safe_supervise,
            "interval",
            args=[supervisor],
            seconds=max(seconds, SUPERVISION_SECONDS),
            max_instances=1,
            coalesce=True,
            id="complaint-supervision-tick",
        )
    scheduler.add_job(
        _safe_tick,
        "interval",
        args=[dispatcher],
        seconds=seconds,
        max_instances=1,
        coalesce=True,
        id=DISPATCHER_JOB,
    )
    scheduler.start()
    dispatcher.start_tick_now = lambda: scheduler.modify_job(
        DISPATCHER_JOB, next_run_time=datetime.now(UTC)
    )
    return scheduler
