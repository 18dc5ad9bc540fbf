"""Process-level fixtures: a fake Twilio, a fresh seeded database, a clock file and real
`python -m api.cli serve` processes.

- The database is a temporary SQLite file, or — when DUTYDESK_DATABASE_URL names a
  PostgreSQL database — a throwaway PostgreSQL database beside it, dropped at the end.
  Seeding (`demo --seed-only`, ~15 s: it solves a roster) runs once per session into a
  template; every test gets a copy (SQLite backup API / `CREATE DATABASE ... TEMPLATE`).
- Time is the clock file (DUTYDESK_CLOCK_FILE): the servers read it on every `now()`, tests
  rewrite it to move time forward. Nobody sleeps for simulated minutes.
- Every wait is bounded (`wait_until`, at most POLL_S), every port is on 127.0.0.1, every
  spawned process is terminated (or killed) by a finalizer.

The plain helpers (`ServerProcess`, `ClockFile`, database helpers) are importable without
pytest fixtures, so `bench/escalation_benchmark.py` reuses them.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.fakes.fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilio

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ACCOUNT_SID = DEFAULT_ACCOUNT_SID
AUTH_TOKEN = DEFAULT_AUTH_TOKEN
FROM_NUMBER = "+15005550006"
DEMO_PASSWORD = "dutydesk-demo"
CENTRE_TZ = ZoneInfo("Asia/Shanghai")  # the demo centre's (and the default) time zone
POLL_S = 15.0  # the longest any test waits for one thing
TICK_S = 0.5  # DUTYDESK_TICK_SECONDS for the servers under test
SEED_TIMEOUT_S = 180.0
STARTUP_TIMEOUT_S = 60.0  # a readiness wait, not a speed check: loaded CI machines are slow

T = TypeVar("T")


# ---- small helpers ---------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    predicate: Callable[[], T | None],
    what: str,
    *,
    timeout: float = POLL_S,
    interval: float = 0.05,
) -> T:
    """Poll `predicate()` until it returns something truthy (returned) or fail after
    `timeout` seconds with an AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def settle(ticks: int = 4) -> None:
    """Let a few dispatcher ticks pass (to show that nothing more happens); bounded."""
    time.sleep(TICK_S * ticks)


def pick_clock_start(real_now: datetime) -> datetime:
    """Where the clock file starts: the real now when it is night in the centre (the demo's
    night shift, 17:30–08:30 local, has exactly one duty officer), with at least an hour left
    before the 08:30 handover so simulated minutes never cross a shift change; otherwise
    19:00 local today, which is later than now and still inside the demo roster."""
    local = real_now.astimezone(CENTRE_TZ)
    if local.time() >= dtime(17, 45) or local.time() < dtime(7, 0):
        start = local
    else:
        start = local.replace(hour=19, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC).replace(microsecond=0)


class ClockFile:
    """The DUTYDESK_CLOCK_FILE test seam: one ISO-8601 aware instant, rewritten atomically."""

    def __init__(self, path: Path, start: datetime) -> None:
        self.path = path
        self._now = start
        self.set(start)

    @property
    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("the clock file needs an aware instant")
        self._now = instant.astimezone(UTC)
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        scratch.write_text(self._now.isoformat(), encoding="utf-8")
        os.replace(scratch, self.path)  # readers never see a half-written file
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        return self.set(self._now + delta)


# ---- databases -------------------------------------------------------------------------------


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith("postgres")


def _admin_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(base_url: str, name: str, *, template: str | None = None) -> str:
    """Create database `name` on the server of `base_url`; return its SQLAlchemy URL."""
    import psycopg

    sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    with psycopg.connect(_admin_conninfo(base_url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)  # names are ours, not user input
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_admin_conninfo(base_url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clone_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database consistently (WAL included) with the backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def clean_environ() -> dict[str, str]:
    """The current environment without any DUTYDESK_* variable (each process gets its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DUTYDESK_")}


def seed_database(url: str, log_dir: Path) -> None:
    """Migrate and seed the demo centre with `python -m api.cli demo --seed-only`."""
    env = clean_environ() | {"DUTYDESK_DATABASE_URL": url, "DUTYDESK_ENV": "test"}
    result = subprocess.run(
        # no demo complaints: their reminders and their emergency would page people too
        [PYTHON, "-m", "api.cli", "demo", "--seed-only", "--no-complaints"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SEED_TIMEOUT_S,
    )
    (log_dir / "seed.out").write_text(result.stdout + "\n--- stderr ---\n" + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed ({result.returncode}):\n{result.stderr[-3000:]}")
    # These tests count pages: the demo roster counts as announced to its staff long ago.
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE roster SET staff_notified_at = published_at"))
    engine.dispose()


@dataclass(frozen=True)
class Database:
    url: str
    postgres: bool


# ---- server processes ------------------------------------------------------------------------


class ServerProcess:
    """One `python -m api.cli serve` process on 127.0.0.1 with the Twilio notifier."""

    def __init__(
        self,
        name: str,
        *,
        database_url: str,
        twilio_base_url: str,
        log_dir: Path,
        clock_file: Path | None = None,
        tick_seconds: float = TICK_S,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.database_url = database_url
        self.twilio_base_url = twilio_base_url
        self.log_dir = log_dir
        self.clock_file = clock_file
        self.tick_seconds = tick_seconds
        self.extra_env = extra_env or {}
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.client: httpx.Client | None = None
        self._token: str | None = None
        self._starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stdout_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self._starts}.out"

    @property
    def stderr_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self._starts}.err"

    def env(self) -> dict[str, str]:
        env = clean_environ() | {
            "DUTYDESK_DATABASE_URL": self.database_url,
            "DUTYDESK_ENV": "test",
            "DUTYDESK_NOTIFIER": "twilio",
            "DUTYDESK_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "DUTYDESK_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "DUTYDESK_TWILIO_FROM_NUMBER": FROM_NUMBER,
            "DUTYDESK_TWILIO_BASE_URL": self.twilio_base_url,
            "DUTYDESK_PUBLIC_URL": self.url,
            "DUTYDESK_TICK_SECONDS": f"{self.tick_seconds:g}",
            "DUTYDESK_INSIGHT_JOBS": "false",  # no hourly detection or report builds here
            "PYTHONUNBUFFERED": "1",
        }
        if self.clock_file is not None:
            env["DUTYDESK_CLOCK_FILE"] = str(self.clock_file)
        return env | self.extra_env

    def start(self, *, timeout: float = STARTUP_TIMEOUT_S) -> ServerProcess:
        """Spawn and wait for /api/v1/health; a port taken meanwhile is retried (3 times)."""
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        for _attempt in range(3):
            self._starts += 1
            self.port = free_port()
            with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
                self.proc = subprocess.Popen(
                    [PYTHON, "-m", "api.cli", "serve", "--host", "127.0.0.1"]
                    + ["--port", str(self.port)],
                    cwd=ROOT,
                    env=self.env(),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                )
            if self._wait_healthy(timeout):
                self.client = httpx.Client(base_url=self.url, timeout=10.0)
                self._token = None
                return self
            if "address already in use" not in self.log_tail().lower():
                break
        self.kill()
        raise RuntimeError(f"{self.name} did not become healthy:\n{self.log_tail()}")

    def _wait_healthy(self, timeout: float) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as probe:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    return False
                try:
                    if probe.get(f"{self.url}/api/v1/health").status_code == 200:
                        return True
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        return False

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (uvicorn shuts down gracefully), SIGKILL if it does not end in time."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self._close_client()

    def kill(self) -> None:
        """kill -9: no shutdown hooks, no commit, no goodbye."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._close_client()

    def _close_client(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def log_tail(self, chars: int = 4000) -> str:
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            if path.exists():
                text = path.read_text(errors="replace")
                parts.append(f"--- {path.name} ---\n{text[-chars:]}")
        return "\n".join(parts)

    # ---- API ---------------------------------------------------------------------------------

    def _http(self) -> httpx.Client:
        if self.client is None:
            raise RuntimeError(f"{self.name} is not running")
        return self.client

    def token(self, username: str = "coordinator") -> str:
        if self._token is None:
            response = self._http().post(
                "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.text
            self._token = str(response.json()["access_token"])
        return self._token

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token()}"} | kwargs.pop("headers", {})
        return self._http().request(method, path, headers=headers, **kwargs)

    def open_incident(self, **fields: Any) -> dict[str, Any]:
        body = {"title": "电梯困人", "category": "special_equipment", "severity": "II"} | fields
        response = self.api("POST", "/api/v1/incidents", json=body)
        assert response.status_code in (200, 201), response.text
        incident: dict[str, Any] = response.json()
        return incident

    def incident(self, incident_id: int | str) -> dict[str, Any]:
        response = self.api("GET", f"/api/v1/incidents/{incident_id}")
        assert response.status_code == 200, response.text
        incident: dict[str, Any] = response.json()
        return incident

    def notifications(self, incident_id: int | str) -> list[dict[str, Any]]:
        response = self.api("GET", f"/api/v1/incidents/{incident_id}/notifications")
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()
        return rows

    def on_duty_phones(self, role: str) -> list[str]:
        """Mobile numbers of who is on duty in shift role `role` at the server's now."""
        response = self.api("GET", "/api/v1/oncall/now", params={"role": role})
        assert response.status_code == 200, response.text
        phones = [p["phones"][0] for p in response.json() if p["phones"]]
        return sorted(set(phones))


class ServerFactory:
    """`spawn_server(name)` starts a server on the test's database, fake and clock file; the
    fixture's finalizer ends every one it started. The fake's inbound-SMS webhook points at
    the most recently started server."""

    def __init__(
        self, database: Database, fake: FakeTwilio, clock: ClockFile, log_dir: Path
    ) -> None:
        self.database = database
        self.fake = fake
        self.clock = clock
        self.log_dir = log_dir
        self.servers: list[ServerProcess] = []

    def __call__(self, name: str = "server", **kwargs: Any) -> ServerProcess:
        server = ServerProcess(
            f"{name}{len(self.servers)}",
            database_url=self.database.url,
            twilio_base_url=self.fake.base_url,
            log_dir=self.log_dir,
            clock_file=self.clock.path,
            **kwargs,
        )
        self.servers.append(server)
        server.start()
        self.fake.sms_webhook_url = f"{server.url}/twilio/sms"
        return server

    def restart(self, server: ServerProcess) -> ServerProcess:
        """Start `server` again (new port) on the same database; re-point the SMS webhook."""
        server.start()
        self.fake.sms_webhook_url = f"{server.url}/twilio/sms"
        return server

    def close(self) -> None:
        for server in self.servers:
            try:
                server.stop(timeout=5)
            finally:
                server.kill()

    def logs(self) -> str:
        return "\n".join(server.log_tail() for server in self.servers)


# ---- fixtures --------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """On failure, attach the logs of the servers the test spawned to its report."""
    outcome = yield
    report = outcome.get_result()
    factory = getattr(item, "funcargs", {}).get("spawn_server")
    if call.when == "call" and report.failed and isinstance(factory, ServerFactory):
        report.sections.append(("dutydesk server logs", factory.logs()))


@pytest.fixture(scope="session")
def e2e_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated, seeded demo database, built once per session; tests get copies."""
    base = os.environ.get("DUTYDESK_DATABASE_URL")
    log_dir = tmp_path_factory.mktemp("e2e-seed")
    if base and is_postgres(base):
        name = f"dutydesk_e2e_tpl_{uuid.uuid4().hex[:10]}"
        url = create_postgres_database(base, name)
        try:
            seed_database(url, log_dir)
            yield Database(url, postgres=True)
        finally:
            drop_postgres_database(base, name)
    else:
        path = log_dir / "template.db"
        seed_database(f"sqlite:///{path}", log_dir)
        yield Database(f"sqlite:///{path}", postgres=False)


@pytest.fixture
def e2e_database(e2e_template: Database, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the seeded template for one test."""
    if e2e_template.postgres:
        base = os.environ["DUTYDESK_DATABASE_URL"]
        template = make_url(e2e_template.url).database
        name = f"dutydesk_e2e_{uuid.uuid4().hex[:10]}"
        url = create_postgres_database(base, name, template=template)
        try:
            yield Database(url, postgres=True)
        finally:
            drop_postgres_database(base, name)
    else:
        source = Path(make_url(e2e_template.url).database or "")
        target = tmp_path / "dutydesk.db"
        clone_sqlite(source, target)
        yield Database(f"sqlite:///{target}", postgres=False)


@pytest.fixture
def clock_file(tmp_path: Path) -> ClockFile:
    return ClockFile(tmp_path / "clock.txt", pick_clock_start(datetime.now(UTC)))


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, auto_callbacks=True, max_lifetime_s=300)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def spawn_server(
    e2e_database: Database, fake_twilio: FakeTwilio, clock_file: ClockFile, tmp_path: Path
) -> Iterator[ServerFactory]:
    factory = ServerFactory(e2e_database, fake_twilio, clock_file, tmp_path)
    try:
        yield factory
    finally:
        factory.close()
