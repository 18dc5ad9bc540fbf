"""Browser tests: the real app under uvicorn (in a thread, on 127.0.0.1 and a free port) on a
fresh copy of the seeded demo database, driven by Debian's Chromium through Playwright.

- No browser download: Chromium is `/usr/bin/chromium` (`apt-get install chromium
  fonts-wqy-zenhei`, done by `.ci/run`); the tests skip with a reason when it is missing.
- The database is the e2e template (SQLite, or a PostgreSQL database when
  DUTYDESK_DATABASE_URL names one), copied per test. Time is a `FakeClock`, set to an instant
  at which the demo's `duty_officer` login is on duty; nothing sleeps for simulated time.
- Every page is watched: a console error, an uncaught exception, a failed request or an HTTP
  error response fails the test, unless the test said it expects that status (`guard.allow`).
- `shot(page, name)` saves a full-page screenshot to `test-artifacts/screenshots/`.
- A Playwright timeout reruns the test once, on a fresh server and database: on a small shared
  machine the whole process (browser, server, test) now and then stalls for longer than a wait;
  the stacks of every thread at that moment go to `test-artifacts/stalls/`, so a stall that
  is ours (a wedged server thread) shows where it hangs. Any other failure is not rerun.
"""

from __future__ import annotations

import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.app import create_app
from core.clock import FakeClock
from core.config import RunMode, Settings
from core.db import make_engine
from core.users import User
from oncall.layers import on_duty_slots
from oncall.models import Person
from oncall.resolve import shift_interval
from oncall.roster_models import Roster, RosterAssignment, RosterStatus, ShiftType
from tests.e2e.conftest import (  # noqa: F401 - fixtures used by this package's tests
    CENTRE_TZ,
    DEMO_PASSWORD,
    Database,
    e2e_database,
    e2e_template,
)

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
STALLS = ROOT / "test-artifacts" / "stalls"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
#: A phone (an iPhone 12 to 15's CSS size) and a small tablet held upright, both touch screens.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TABLET: dict[str, Any] = PHONE | {
    "viewport": {"width": 768, "height": 1024},
    "device_scale_factor": 2,
}
#: A laptop screen, for checking that a phone's layout leaves the desktop's as it was.
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
WAIT_MS = 15_000  # the longest a browser assertion waits for one thing
NAVIGATION_WAIT_MS = 30_000  # a whole page load: the document, its styles, scripts and fonts
SOLVE_WAIT_MS = 60_000  # generating or repairing a roster (the solver's limit is a few s)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=["TimeoutError"]))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.excinfo is not None and call.excinfo.typename == "TimeoutError":
        STALLS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.nodeid)[-150:]
        attempt = getattr(item, "execution_count", 1)  # set by pytest-rerunfailures
        stacks = STALLS / f"{name}.{call.when}.{attempt}.txt"
        stacks.write_text(_thread_stacks(), encoding="utf-8")
    return report


def _thread_stacks() -> str:
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    return "\n".join(
        f"--- {names.get(ident, ident)}\n" + "".join(traceback.format_stack(frame))
        for ident, frame in sys._current_frames().items()
    )


# ---- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    expect.set_options(timeout=WAIT_MS)  # its own default is 5 s, the actions' WAIT_MS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageGuard:
    """Collects what went wrong on a page; `allow(status)` accepts an expected error status."""

    problems: list[str] = field(default_factory=list)
    allowed: set[int] = field(default_factory=set)
    scripts_off: bool = False  # a context without JavaScript refuses to fetch the script's modules

    def allow(self, *statuses: int) -> None:
        self.allowed.update(statuses)

    def on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = message.text
        status = re.search(r"status of (\d{3})", text)
        if status and int(status.group(1)) in self.allowed:
            return
        self.problems.append(f"console error: {text} ({message.location.get('url', '')})")

    def on_response(self, response: Any) -> None:
        if response.status >= 400 and response.status not in self.allowed:
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def on_request_failed(self, request: Any) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:  # a poll cut short by navigating away
            return
        if self.scripts_off and failure == "csp" and request.url.split("?")[0].endswith(".js"):
            return
        self.problems.append(f"request failed: {request.method} {request.url} {failure}")


@dataclass
class LiveServer:
    url: str
    clock: FakeClock
    engine: Engine
    settings: Settings

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def api(self, username: str) -> Iterator[httpx.Client]:
        """An API client signed in with a bearer token (for setting up data)."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            token = client.post(
                "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            yield client

    def person_of(self, username: str) -> Person:
        with self.session() as session:
            person = session.exec(
                select(Person)
                .join(User, col(User.id) == Person.user_id)
                .where(User.username == username)
            ).one()
            return person

    def published_roster(self) -> Roster:
        with self.session() as session:
            return session.exec(select(Roster).where(Roster.status == RosterStatus.published)).one()


def _duty_officer_on_duty(engine: Engine, real_now: datetime) -> datetime:
    """An instant at which the demo's `duty_officer` login works a duty shift: now if the
    demo's wish put them on duty now, else half an hour into their next duty shift."""
    with Session(engine) as session:
        person = session.exec(
            select(Person)
            .join(User, col(User.id) == Person.user_id)
            .where(User.username == "duty_officer")
        ).one()
        candidates = [real_now]
        rows = session.exec(
            select(RosterAssignment, ShiftType)
            .join(ShiftType, col(ShiftType.id) == RosterAssignment.shift_type_id)
            .join(Roster, col(Roster.id) == RosterAssignment.roster_id)
            .where(RosterAssignment.person_id == person.id)
            .where(Roster.status == RosterStatus.published, ShiftType.role == "duty")
            .order_by(col(RosterAssignment.day))
        ).all()
        for assignment, shift in rows:
            start, _ = shift_interval(assignment.day, shift.start_time, shift.end_time, CENTRE_TZ)
            if start >= real_now - timedelta(hours=12):
                candidates.append(start + timedelta(minutes=30))
        for instant in candidates:
            slots = on_duty_slots(session, at=instant, tz=CENTRE_TZ, role="duty")
            if person.id in {s.person_id for s in slots}:
                return instant.replace(microsecond=0)
    raise AssertionError("the demo roster never puts the duty_officer login on duty")


@pytest.fixture
def live_server(browser: Any, e2e_database: Database) -> Iterator[LiveServer]:  # noqa: F811
    settings = Settings(
        env=RunMode.test, database_url=e2e_database.url, tick_seconds=0.3, insight_jobs=False
    )
    engine = make_engine(settings.database_url)
    clock = FakeClock(_duty_officer_on_duty(engine, datetime.now(UTC)))
    app = create_app(settings, engine=engine, clock=clock)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server under test did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", clock, engine, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        engine.dispose()


@pytest.fixture
def open_page(
    browser: Any, live_server: LiveServer
) -> Iterator[Callable[..., tuple[Any, PageGuard]]]:
    """`open_page(locale="zh-CN")` → (page, guard): a fresh browser context (own cookies);
    keyword arguments replace the context's options (`**PHONE` for a phone)."""
    contexts: list[tuple[Any, PageGuard]] = []

    def factory(locale: str = "zh-CN", **options: Any) -> tuple[Any, PageGuard]:
        settings: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}} | options
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            **settings,
        )
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(NAVIGATION_WAIT_MS)
        guard = PageGuard()
        page = context.new_page()
        page.on("console", guard.on_console)
        page.on("pageerror", lambda error: guard.problems.append(f"page error: {error}"))
        page.on("response", guard.on_response)
        page.on("requestfailed", guard.on_request_failed)
        page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?" → yes
        contexts.append((context, guard))
        return page, guard

    yield factory
    problems = [p for _, guard in contexts for p in guard.problems]
    for context, _ in contexts:
        context.close()
    assert problems == [], "the pages reported problems:\n" + "\n".join(problems)


def sign_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.click('#login-form button[type="submit"]')


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
