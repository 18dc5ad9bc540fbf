"""Escalation intake and first-page latency against a real server and the fake Twilio.

Starts the fake Twilio (tests/fakes/fake_twilio.py, auto status callbacks on) and one
`python -m api.cli serve` process with the Twilio notifier on a fresh, seeded database
(a temporary SQLite file, or a throwaway PostgreSQL database beside `--database-url`,
dropped at the end), then

(a) measures the health ceiling: `GET /api/v1/health` requests/s from a small thread pool
    of httpx clients, a bounded number of requests;
(b) opens `--incidents` incidents over HTTP at a steady `--rate` (each at its own place, so
    none is deduplicated; `--rate 0` sends as fast as the pool can) and measures the intake
    throughput and, per incident, the latency from the POST's send time to the first request
    for that incident reaching the fake Twilio. A request is attributed to an incident by the
    incident's short code in the SMS body or the call's TwiML (places and titles carry no
    digits, so the 4-digit code is the only number there); the database's provider ids are
    used to count sends the database does not know about.

Prints figures only; there is no pass/fail. Runs in real time (no clock file), is bounded
by `--time-limit` and stops its processes itself. Usage, from the repository root::

    python bench/escalation_benchmark.py [--incidents 200] [--rate 20] [--tick-seconds 2]
    python bench/escalation_benchmark.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import math
import re
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    ServerProcess,
    create_postgres_database,
    drop_postgres_database,
    is_postgres,
    seed_database,
)
from tests.fakes.fake_twilio import FakeTwilio, RecordedRequest  # noqa: E402

CATEGORIES = ("special_equipment", "food_safety", "drug_safety", "mass_event", "other")


class BenchTimeout(Exception):
    pass


@dataclass
class Sent:
    index: int
    send_mono: float
    done_mono: float = 0.0
    status: int = 0
    incident_id: int | None = None
    short_code: str | None = None
    deduplicated: bool = False
    error: str | None = None


def letters(n: int) -> str:
    """0 → "A", 25 → "Z", 26 → "BA": a digit-free label for incident n."""
    out = ""
    while True:
        n, rest = divmod(n, 26)
        out = chr(ord("A") + rest) + out
        if n == 0:
            return out


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def print_table(rows: list[tuple[str, str]]) -> None:
    """The benchmarks' output: one metric and its value a line."""
    width = max(len(name) for name, _ in rows)
    print(f"{'metric'.ljust(width)}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


def fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{unit}"


@contextmanager
def fresh_database(database_url: str | None, work: Path) -> Iterator[str]:
    if database_url and is_postgres(database_url):
        name = f"dutydesk_bench_{uuid.uuid4().hex[:10]}"
        url = create_postgres_database(database_url, name)
        try:
            yield url
        finally:
            drop_postgres_database(database_url, name)
    elif database_url:
        raise SystemExit("--database-url must be a PostgreSQL URL (SQLite is the default)")
    else:
        yield f"sqlite:///{work / 'bench.db'}"


# ---- (a) health ceiling ----------------------------------------------------------------------


def measure_health(base_url: str, requests: int, threads: int) -> tuple[float, int]:
    """(requests/s of successful GET /api/v1/health, errors)."""
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base_url, timeout=10.0)
            with lock:
                clients.append(local.client)
        c: httpx.Client = local.client
        return c

    def one(_: int) -> bool:
        try:
            return client().get("/api/v1/health").status_code == 200
        except httpx.HTTPError:
            return False

    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(min(50, requests))))  # warm-up: connections, caches
            start = time.monotonic()
            results = list(pool.map(one, range(requests)))
            elapsed = time.monotonic() - start
    finally:
        for c in clients:
            c.close()
    ok = sum(results)
    return ok / elapsed, len(results) - ok


# ---- (b) intake ------------------------------------------------------------------------------


def open_incidents(
    base_url: str, token: str, count: int, rate: float, threads: int, deadline: float
) -> list[Sent]:
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}"}

    def post(index: int) -> Sent:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base_url, timeout=30.0, headers=headers)
            with lock:
                clients.append(local.client)
        body = {
            "title": "基准测试：压力容器泄漏",
            "category": CATEGORIES[index % len(CATEGORIES)],
            "severity": "II",
            "place": f"基准地点-{letters(index)}",
            "description": "benchmark",
        }
        sent = Sent(index, time.monotonic())
        try:
            response = local.client.post("/api/v1/incidents", json=body)
            sent.status = response.status_code
            if response.status_code in (200, 201):
                data = response.json()
                sent.incident_id = int(data["id"])
                sent.short_code = str(data["short_code"])
                sent.deduplicated = bool(data.get("deduplicated"))
            else:
                sent.error = response.text[:200]
        except httpx.HTTPError as exc:
            sent.error = repr(exc)
        sent.done_mono = time.monotonic()
        return sent

    futures = []
    try:
        with ThreadPoolExecutor(threads) as pool:
            start = time.monotonic()
            for index in range(count):
                if rate > 0:
                    pause = start + index / rate - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                if time.monotonic() > deadline:
                    break
                futures.append(pool.submit(post, index))
            return [f.result() for f in futures]
    finally:
        for c in clients:
            c.close()


def incident_of(request: RecordedRequest, codes: dict[str, int]) -> int | None:
    text = (request.value("Body") or "") + (request.value("Twiml") or "")
    found = {codes[c] for c in re.findall(r"(?<!\d)(\d{4})(?!\d)", text) if c in codes}
    return found.pop() if len(found) == 1 else None


def page_requests(fake: FakeTwilio) -> list[RecordedRequest]:
    return [r for r in fake.requests if r.method == "POST" and r.kind in ("sms", "voice")]


# ---- main ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with (
        tempfile.TemporaryDirectory(prefix="dutydesk-bench-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
    ):
        work = Path(tmp)
        print(f"seeding {url.split('@')[-1]} ...", file=sys.stderr)
        seed_database(url, work)
        fake = FakeTwilio(
            ACCOUNT_SID, AUTH_TOKEN, auto_callbacks=True, max_lifetime_s=args.time_limit + 60
        )
        fake.start()
        server = ServerProcess(
            "bench",
            database_url=url,
            twilio_base_url=fake.base_url,
            log_dir=work,
            tick_seconds=args.tick_seconds,
            extra_env={"DUTYDESK_SEND_WORKERS": str(args.send_workers)},
        )
        try:
            server.start(timeout=30)
            fake.sms_webhook_url = f"{server.url}/twilio/sms"
            token = server.token()

            print("measuring the health ceiling ...", file=sys.stderr)
            health_rps, health_errors = measure_health(
                server.url, args.health_requests, args.health_threads
            )

            print(f"opening {args.incidents} incidents ...", file=sys.stderr)
            deadline = time.monotonic() + args.time_limit / 2
            sent = open_incidents(
                server.url, token, args.incidents, args.rate, args.intake_threads, deadline
            )
            ok = [s for s in sent if s.incident_id is not None]
            span = (max(s.done_mono for s in sent) - min(s.send_mono for s in sent)) if sent else 0
            intake_rps = len(ok) / span if span > 0 else None
            post_ms = [1000 * (s.done_mono - s.send_mono) for s in ok]

            codes = {s.short_code: s.incident_id for s in ok if s.short_code and s.incident_id}
            by_id = {s.incident_id: s for s in ok if s.incident_id is not None}
            ambiguous = len(ok) - len(codes)

            def paged() -> set[int]:
                return {i for r in page_requests(fake) if (i := incident_of(r, codes)) is not None}

            # wait while pages keep coming: a backlog is slow, not lost
            seen, last_progress = 0, time.monotonic()
            while (now_paged := len(paged())) < len(by_id):
                if now_paged > seen:
                    seen, last_progress = now_paged, time.monotonic()
                elif time.monotonic() - last_progress > args.drain_timeout:
                    break
                time.sleep(0.1)
            time.sleep(2 * args.tick_seconds + 0.5)  # late duplicates would show up here

            first: dict[int, float] = {}
            targets: Counter[tuple[int, str, str]] = Counter()
            unattributed = 0
            for request in page_requests(fake):
                incident_id = incident_of(request, codes)
                if incident_id is None:
                    unattributed += 1
                    continue
                first.setdefault(incident_id, request.received_at)
                if request.status == 201:
                    targets[(incident_id, request.value("To") or "", request.kind)] += 1
            latency_ms = [1000 * (first[i] - by_id[i].send_mono) for i in by_id if i in first]
            lost = len(by_id) - len(first)
            duplicates = sum(n - 1 for n in targets.values() if n > 1)

            provider_ids: set[str] = set()
            statuses: Counter[str] = Counter()
            with httpx.Client(base_url=server.url, timeout=10.0) as client:
                auth = {"Authorization": f"Bearer {token}"}
                for incident_id in by_id:
                    listed = client.get(
                        f"/api/v1/incidents/{incident_id}/notifications", headers=auth
                    )
                    if listed.status_code == 200:
                        notes = listed.json()
                        provider_ids |= {n["provider_id"] for n in notes if n["provider_id"]}
                        statuses.update(n["status"] for n in notes)
            resources = fake.messages() + fake.calls()
            delivered_cb = sum(
                1 for c in fake.callbacks if c.params.get("MessageStatus") == "delivered"
            )
            unknown_sends = sum(1 for r in resources if r.sid not in provider_ids)

            accepted_at = [r.received_at for r in page_requests(fake) if r.status == 201]
            page_span = max(accepted_at) - min(accepted_at) if len(accepted_at) > 1 else 0.0
            page_rps = (len(accepted_at) - 1) / page_span if page_span > 0 else None
            ratio = intake_rps / health_rps if intake_rps and health_rps else None
            offered = f"{args.rate:g}/s" if args.rate > 0 else "unthrottled"
            rows += [
                ("database", "PostgreSQL" if is_postgres(url) else "SQLite"),
                ("tick interval", f"{args.tick_seconds:g} s"),
                ("send workers", str(args.send_workers)),
                (
                    "health ceiling",
                    f"{health_rps:.0f} req/s ({args.health_requests} req, "
                    f"{args.health_threads} threads, {health_errors} errors)",
                ),
                (
                    "incidents opened",
                    f"{len(ok)}/{args.incidents} at {offered} ({len(sent) - len(ok)} errors, "
                    f"{sum(s.deduplicated for s in ok)} deduplicated)",
                ),
                ("intake throughput", fmt(intake_rps, " req/s")),
                ("intake / health", fmt(ratio, "", 3)),
                (
                    "POST latency p50 / p99",
                    f"{fmt(percentile(post_ms, 50), ' ms')} / "
                    f"{fmt(percentile(post_ms, 99), ' ms')}",
                ),
                (
                    "first page p50 / p99 / max",
                    f"{fmt(percentile(latency_ms, 50), ' ms')} / "
                    f"{fmt(percentile(latency_ms, 99), ' ms')} / "
                    f"{fmt(max(latency_ms) if latency_ms else None, ' ms')}",
                ),
                ("page throughput (fake)", fmt(page_rps, " pages/s")),
                (f"lost (no page, {args.drain_timeout:g} s without progress)", str(lost)),
                ("duplicates (same target twice)", str(duplicates)),
                ("sends unknown to the database", str(unknown_sends)),
                (
                    "notification statuses (db)",
                    ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                    + f" (fake posted {delivered_cb} 'delivered' callbacks)",
                ),
                (
                    "page requests at the fake",
                    f"{len(page_requests(fake))} "
                    f"({len(fake.messages())} SMS, {len(fake.calls())} calls accepted, "
                    f"{unattributed} unattributed, {ambiguous} ambiguous codes)",
                ),
            ]
        finally:
            server.stop()
            fake.stop()
            if server.proc is not None and server.proc.returncode not in (0, None, -15):
                print(server.log_tail(), file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (a throwaway db is made beside)")
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="incidents/s; 0 = unthrottled")
    parser.add_argument("--intake-threads", type=int, default=8)
    parser.add_argument("--health-requests", type=int, default=2000)
    parser.add_argument("--health-threads", type=int, default=4)
    parser.add_argument("--tick-seconds", type=float, default=2.0, help="DUTYDESK_TICK_SECONDS")
    parser.add_argument("--send-workers", type=int, default=4, help="DUTYDESK_SEND_WORKERS")
    parser.add_argument(
        "--drain-timeout", type=float, default=30.0, help="stop after so long with no new page (s)"
    )
    parser.add_argument("--time-limit", type=int, default=300, help="hard limit for the run (s)")
    args = parser.parse_args()

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise BenchTimeout(f"the benchmark exceeded --time-limit {args.time_limit} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.time_limit)
    try:
        rows = run(args)
    finally:
        signal.alarm(0)
    print_table(rows)


if __name__ == "__main__":
    main()
