"""Application factory: one FastAPI app serving the JSON API, the web pages and static assets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from api import docs, problems
from api.routers import (
    audit,
    auth,
    calendar,
    complaint_actions,
    complaint_agents,
    complaint_config,
    complaint_export,
    complaints,
    complaints_io,
    dashboard,
    directory,
    dutylog,
    health,
    incident_list,
    incidents,
    insight,
    notify_rules,
    oncall,
    open311,
    plans,
    roster_changes,
    roster_setup,
    rosters,
    twilio,
    users,
)
from api.runner import InlineRosterRunner, RosterRunner, ThreadRosterRunner
from api.ticker import ReportJob, make_channel, make_groups, start_ticker
from complaints.supervision import Supervisor
from complaints.warning_detection import Detector
from core.clock import Clock, FileClock, SystemClock
from core.config import Settings, get_settings
from core.db import make_engine, read_session, write_session
from escalation import webhook_receipts
from escalation.dispatch import Dispatcher
from oncall import roster_interrupts

SessionFactory = Callable[..., AbstractContextManager[Session]]


def engine_session_factory(engine: Engine) -> SessionFactory:
    @contextmanager
    def factory(*, write: bool) -> Iterator[Session]:
        opener = write_session if write else read_session
        with opener(engine) as session:
            yield session

    return factory


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    session_factory: SessionFactory | None = None,
    roster_runner: RosterRunner | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    clock = clock or (FileClock(settings.clock_file) if settings.clock_file else SystemClock())
    threaded = session_factory is None
    if session_factory is None:
        engine = engine or make_engine(settings.database_url, echo=settings.sql_echo)
        session_factory = engine_session_factory(engine)
    if roster_runner is None:
        # A shared test connection cannot be used from a second thread: solve inline there.
        roster_runner = (
            ThreadRosterRunner(session_factory, clock.now, tz=settings.tz)
            if threaded
            else InlineRosterRunner(session_factory, clock.now, tz=settings.tz)
        )

    dispatcher = Dispatcher(
        open_session=partial(session_factory, write=True),
        clock=clock,
        channel=make_channel(settings),
        tz=settings.tz,
        groups=make_groups(settings),
        # a shared test connection cannot be used from a second thread
        send_workers=settings.send_workers if threaded else 1,
    )

    supervisor = Supervisor(partial(session_factory, write=True), clock, settings.tz)
    detector = Detector(partial(session_factory, write=True), clock, settings.tz)
    report_job = ReportJob(session_factory, clock, settings.tz, settings.report_font)

    def sweep_rosters() -> int:
        return roster_interrupts.sweep(
            session_factory, now=clock.now(), running=roster_runner.running()
        )

    def prune_receipts() -> int:
        retention = timedelta(days=settings.webhook_receipt_retention_days)
        return webhook_receipts.prune(session_factory, now=clock.now(), retention=retention)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ticker = None
        if threaded:
            sweep_rosters()
            ticker = start_ticker(
                dispatcher,
                settings.tick_seconds,
                supervisor,
                (detector, report_job, settings.tz) if settings.insight_jobs else None,
                roster_sweep=sweep_rosters,
                receipt_prune=prune_receipts,
            )
        yield
        if ticker is not None:
            dispatcher.start_tick_now = None
            ticker.shutdown(wait=True)
            dispatcher.close()
        if isinstance(roster_runner, ThreadRosterRunner):
            roster_runner.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="DutyDesk",
        version="0.1.0",
        description=(
            "Duty rosters, emergency escalation and complaint handling for market-regulation "
            "complaint and hotline centres. Errors are RFC 9457 `application/problem+json`."
        ),
        docs_url=None,  # api.docs serves them without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.session_factory = session_factory
    app.state.engine = engine
    app.state.roster_runner = roster_runner
    app.state.dispatcher = dispatcher
    app.state.supervisor = supervisor
    app.state.detector = detector
    app.state.report_job = report_job
    problems.install(app)
    open311.install(app)
    docs.install(app)
    for router in (
        health.router,
        auth.router,
        users.router,
        directory.router,
        notify_rules.router,
        calendar.router,
        audit.router,
        roster_setup.router,
        rosters.router,
        roster_changes.router,
        oncall.router,
        oncall.feeds_router,
        dutylog.router,
        incident_list.router,
        incidents.router,
        plans.router,
        complaints_io.router,  # before complaints: /complaints/import, /complaints/stats
        complaint_export.router,  # before complaints: /complaints/export
        complaints.router,
        complaint_actions.router,
        complaint_agents.router,
        complaint_config.router,
        insight.router,
        open311.router,
        dashboard.router,
        twilio.router,
    ):
        app.include_router(router)

    from web.pages import mount as mount_web

    mount_web(app)
    return app
