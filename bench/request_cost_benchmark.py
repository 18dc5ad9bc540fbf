"""Server CPU per request: `GET /api/v1/health` against a complaint registration and an
incident opening, side by side on one server, one request at a time.

The intake benchmarks (escalation_benchmark.py, complaints_benchmark.py) compare throughputs
with the client's threads sharing the machine; this one says where the ratio comes from. It
seeds the demo centre into a fresh SQLite file (or a throwaway PostgreSQL database beside
`--database-url`), starts one `python -m api.cli serve` process with the outbox notifier, and
sends `--requests` requests of each kind from a single client, health before and after the
writes. For each kind it prints the server process's CPU time per request (user + system,
from /proc, its threads included) and the wall time per request, and counts the SQL
statements one registration runs (in this process, through the app in-process, so the count
is the app's own and not the server's).

Prints figures only. Usage, from the repository root::

    python bench/request_cost_benchmark.py [--requests 400]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from bench.complaints_benchmark import Pool, configure_routing, login, submission  # noqa: E402
from bench.escalation_benchmark import CATEGORIES, fresh_database, letters, print_table  # noqa: E402
from tests.e2e.conftest import ServerProcess, seed_database  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def incident_body(n: int) -> dict[str, Any]:
    return {
        "title": f"演练事件{letters(n)}",
        "category": CATEGORIES[n % len(CATEGORIES)],
        "severity": "IV",
        "place": f"城东区演练地点{letters(n)}",
    }


def measure(pid: int, count: int, send: Callable[[int], httpx.Response]) -> tuple[float, float]:
    """(server CPU ms, wall ms) per request over `count` requests sent one at a time."""
    cpu, start = cpu_seconds(pid), time.monotonic()
    for n in range(count):
        response = send(n)
        if response.status_code >= 300:
            raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
    wall = time.monotonic() - start
    return 1000 * (cpu_seconds(pid) - cpu) / count, 1000 * wall / count


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def statements_per_registration(url: str, bodies: list[dict[str, Any]]) -> float:
    """SQL statements per `POST /api/v1/complaints`, through the app in this process."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.demo import DEMO_PASSWORD
    from core.config import RunMode, Settings

    # ticks every 60 s: the statements counted are the requests', not a tick's between them
    app = create_app(Settings(env=RunMode.dev, database_url=url, tick_seconds=60))
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "coordinator", "password": DEMO_PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        client.post("/api/v1/complaints", json=bodies[0], headers=headers)  # warm caches
        with counted_statements() as seen:
            for body in bodies[1:]:
                client.post("/api/v1/complaints", json=body, headers=headers)
    return len(seen) / (len(bodies) - 1)


def run(args: argparse.Namespace) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with (
        tempfile.TemporaryDirectory(prefix="dutydesk-bench-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
    ):
        print("seeding ...", file=sys.stderr)
        seed_database(url, Path(tmp))
        configure_routing(url, datetime.now(UTC))
        server = ServerProcess(
            "cost",
            database_url=url,
            twilio_base_url="http://127.0.0.1:9",
            log_dir=Path(tmp),
            tick_seconds=2.0,
            extra_env={"DUTYDESK_NOTIFIER": "outbox"},
        )
        server.start(timeout=30)
        try:
            assert server.proc is not None
            pid = server.proc.pid
            token = login(server.url, "coordinator")
            rng = random.Random(args.seed)
            pool = Pool(rng, 400)
            warm = [submission(rng, pool, -n - 1) for n in range(30)]
            bodies = [submission(rng, pool, n) for n in range(args.requests)]
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url, timeout=60.0, headers=headers) as client:
                for body in warm:
                    client.post("/api/v1/complaints", json=body)
                for _ in range(100):
                    client.get("/api/v1/health")
                print("measuring ...", file=sys.stderr)
                kinds: list[tuple[str, Callable[[int], httpx.Response]]] = [
                    ("health", lambda _: client.get("/api/v1/health")),
                    ("complaint", lambda n: client.post("/api/v1/complaints", json=bodies[n])),
                    ("incident", lambda n: client.post("/api/v1/incidents", json=incident_body(n))),
                    ("health, again", lambda _: client.get("/api/v1/health")),
                ]
                figures = {name: measure(pid, args.requests, send) for name, send in kinds}
        finally:
            server.stop()
        if not url.startswith("postgresql"):
            extra = [submission(rng, pool, args.requests + n) for n in range(21)]
            rows.append(
                (
                    "SQL statements per registration",
                    f"{statements_per_registration(url, extra):.1f}",
                )
            )
    health = (figures["health"][0] + figures["health, again"][0]) / 2
    for name, (cpu, wall) in figures.items():
        rows.append((f"{name}: server CPU / wall per request", f"{cpu:.2f} ms / {wall:.2f} ms"))
    for name in ("complaint", "incident"):
        rows.append((f"{name} CPU ÷ health CPU", f"{figures[name][0] / health:.1f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=400, help="requests of each kind")
    parser.add_argument("--database-url", help="PostgreSQL server to create a database beside")
    parser.add_argument("--seed", type=int, default=1)
    print_table(run(parser.parse_args()))


if __name__ == "__main__":
    main()
