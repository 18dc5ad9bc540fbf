"""Complaint intake throughput and monthly statistics against a real server.

Seeds the demo centre into a fresh database (a temporary SQLite file, or a throwaway
PostgreSQL database beside `--database-url`, dropped at the end), adds routing rules for its
districts when it has none, starts one `python -m api.cli serve` process (outbox notifier:
emergencies open incidents and are paged through the local outbox), then

(a) measures the health ceiling: `GET /api/v1/health` requests/s from a pool of
    `--threads` httpx clients (the escalation benchmark's helper);
(b) posts `--intake` submissions to `POST /api/v1/complaints` from a pool of the same size,
    unthrottled, with a realistic mix: complaints, reports, consultations, suggestions,
    help requests and 12345 orders over every channel, ~5% complaints that also report a
    violation (split in two), ~2% emergencies (each opens an incident), respondents drawn
    from a Zipf-weighted pool so related items cluster; prints requests/s and the ratio to
    the health ceiling (target ≥ 0.5), measured again after the intake (the machine may be
    shared) and taken as the mean of both;
(c) stops the server, bulk-loads `--rows` complaints spread over the last 365 days
    (executemany; each row a consistent life cycle: timestamps per transition, clocks with
    real working-day deadlines, met on time or late, statuses by age), runs ANALYZE,
    restarts the server and times `GET /api/v1/complaints/stats` for each of the last 12
    months over HTTP, and the same computation in-process (`complaints.stats.compute`);
    target < 1 s per month.

Prints a table; no pass/fail. Usage, from the repository root::

    python bench/complaints_benchmark.py [--intake 1000] [--threads 4] [--rows 100000]
    python bench/complaints_benchmark.py --database-url postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, text  # noqa: E402
from sqlmodel import select  # noqa: E402

import escalation.models  # noqa: E402, F401  (tables the complaint rows refer to)
from bench.escalation_benchmark import (  # noqa: E402
    BenchTimeout,
    fmt,
    fresh_database,
    measure_health,
    percentile,
    print_table,
)
from complaints import clocks, config, stats  # noqa: E402
from complaints.config_models import RoutingRule  # noqa: E402
from complaints.config_schemas import RoutingRuleCreate  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from complaints.vocab import (  # noqa: E402
    Channel,
    ClockKind,
    Domain,
    ItemType,
    RejectionGround,
    Status,
    TerminationReason,
)
from core.db import make_engine, write_session  # noqa: E402
from core.workcal import WorkingCalendar  # noqa: E402
from oncall.models import Unit  # noqa: E402
from tests.complaint_rows import Clock, Item, insert_items  # noqa: E402
from tests.e2e.conftest import DEMO_PASSWORD, ServerProcess, is_postgres, seed_database  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
DISTRICTS = ("城东区", "城西区", "城南区", "城北区", "高新区")
STREETS = ("幸福路", "建设路", "人民路", "解放路", "和平路", "中山路", "新华街", "工业大道")
TRADES = (
    ("超市", Domain.price, "标价与结账价格不一致，多收了钱", "退还多收的钱"),
    ("餐馆", Domain.food, "饭菜里吃出异物，店家拒绝处理", "退款并赔偿"),
    ("烘焙坊", Domain.food, "买到的蛋糕已过保质期，有发霉现象", "退一赔十"),
    ("药房", Domain.drugs, "药店销售的处方药没有查验处方", "依法处理"),
    ("美容院", Domain.cosmetics, "使用的面膜无中文标签，脸部过敏", "赔偿医疗费"),
    ("健身房", Domain.consumer_protection, "办了会员卡后健身房关门跑路", "退还预付卡余额"),
    ("手机店", Domain.product_quality, "新买的手机三包期内出现质量问题，商家拒绝维修", "换货"),
    ("教育培训中心", Domain.consumer_protection, "培训机构拒绝退还剩余课时费", "退款"),
    ("加油站", Domain.metrology, "加油机计量不准，缺斤短两", "赔偿并整改"),
    ("网店", Domain.online_trade, "网购的衣服与宣传不符，商家拒绝退货", "退货退款"),
    (
        "装修公司",
        Domain.advertising,
        "广告宣传的套餐价格与实际不符，属于虚假宣传",
        "按宣传价格履行",
    ),
)
EMERGENCIES = (
    ("物业服务中心", "小区电梯突然停运，有人被困在电梯里，已有人受伤", Domain.special_equipment),
    ("快餐店", "多人在该店就餐后出现呕吐腹泻，疑似食物中毒，已送医", Domain.food),
    ("液化气站", "液化气瓶阀门泄漏，现场气味很大，担心爆炸", Domain.special_equipment),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
CHANNELS = (
    (Channel.hotline_12315, 35),
    (Channel.platform_12315, 30),
    (Channel.wechat, 8),
    (Channel.website, 5),
    (Channel.centre_hotline, 5),
    (Channel.weibo, 2),
    (Channel.douyin, 2),
    (Channel.toutiao, 1),
    (Channel.letter, 3),
    (Channel.walk_in, 4),
    (Channel.petition, 2),
    (Channel.municipal_dispatch, 3),
)
KINDS = (("complaint", 55), ("report", 15), ("consultation", 14), ("suggestion", 4), ("help", 3))
KINDS_12345 = 9  # weight of 12345 transfer orders


class Pool:
    """Respondents (businesses) with Zipf weights: a few receive many items (clusters)."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self.shops = []
        for n in range(size):
            district = DISTRICTS[n % len(DISTRICTS)]
            trade = TRADES[n % len(TRADES)]
            street = STREETS[(n // len(DISTRICTS)) % len(STREETS)]
            name = f"{SURNAMES[n % len(SURNAMES)]}{GIVEN[(n * 7) % len(GIVEN)]}{trade[0]}"
            self.shops.append((f"{name}有限公司", f"{district}{street}{n % 300 + 1}号", trade))
        self.weights = [1 / (rank + 1) for rank in range(size)]

    def pick(self) -> tuple[str, str, tuple[str, Domain, str, str]]:
        return self.rng.choices(self.shops, self.weights)[0]


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
    return name, f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def submission(rng: random.Random, pool: Pool, index: int) -> dict[str, Any]:
    """One realistic `POST /api/v1/complaints` body."""
    shop, address, (trade, _domain, problem, claim) = pool.pick()
    name, phone = _person(rng)
    home = f"{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randrange(1, 500)}号"
    if rng.random() < 0.02:
        shop, problem, _ = EMERGENCIES[index % len(EMERGENCIES)]
        shop = f"{rng.choice(DISTRICTS)}{shop}"
        address = f"{shop[:3]}{rng.choice(STREETS)}{rng.randrange(1, 900)}号"
    if rng.randrange(100) < KINDS_12345:
        return {
            "item_type": rng.choice(("complaint", "help", "consultation")),
            "channel": Channel.transfer_12345.value,
            "external_ref": f"12345-{index:08d}",
            "description": f"市民反映：{address}{shop}{problem}。",
            "submitter_name": name,
            "submitter_phone": phone,
            "respondent_name": shop,
            "respondent_address": address,
        }
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    body: dict[str, Any] = {
        "item_type": kind,
        "channel": channel.value,
        "description": f"{rng.randrange(1, 28)}日在{address}{shop}消费，{problem}。",
        "respondent_name": shop,
        "respondent_address": address,
    }
    if kind == "complaint":
        body |= {
            "submitter_name": name,
            "submitter_phone": phone,
            "submitter_address": home,
            "claim": claim,
            "amount_cents": rng.randrange(500, 500_000),
        }
        if rng.random() < 0.05:
            body["clue"] = f"{shop}{trade}长期存在此类违法行为"
    elif kind == "report":
        body |= {"clue": f"{address}{shop}{problem}", "occurred_address": address}
        if rng.random() < 0.4:
            body["anonymous"] = True
        else:
            body |= {"submitter_name": name, "submitter_phone": phone}
    else:
        body |= {"submitter_name": name, "submitter_phone": phone}
    return body


def post_complaints(
    base_url: str, token: str, bodies: list[dict[str, Any]], threads: int
) -> tuple[list[float], list[str], float]:
    """(latencies of the successful posts in ms, error texts, wall time in s)."""
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def post(body: dict[str, Any]) -> tuple[float, str | None]:
        if not hasattr(local, "client"):
            local.client = httpx.Client(
                base_url=base_url, timeout=60.0, headers={"Authorization": f"Bearer {token}"}
            )
            with lock:
                clients.append(local.client)
        start = time.monotonic()
        try:
            response = local.client.post("/api/v1/complaints", json=body)
        except httpx.HTTPError as exc:
            return 0.0, repr(exc)
        elapsed = 1000 * (time.monotonic() - start)
        return (elapsed, None) if response.status_code == 201 else (0.0, response.text[:300])

    try:
        with ThreadPoolExecutor(threads) as pool:
            start = time.monotonic()
            results = list(pool.map(post, bodies))
            wall = time.monotonic() - start
    finally:
        for c in clients:
            c.close()
    return [ms for ms, err in results if err is None], [e for _, e in results if e], wall


# ---- set-up ----------------------------------------------------------------------------------


def configure_routing(url: str, now: datetime) -> int:
    """Routing rules for the demo districts (territory) and drugs (city level), unless the
    database already has rules (a later demo may seed its own). Returns the rule count."""
    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            if session.exec(select(RoutingRule)).first() is None:
                units = session.exec(select(Unit)).all()
                by_district = {u.district: u for u in units if u.district and u.kind == "district"}
                intake = next(u for u in units if u.code == "intake")
                handling = next(u for u in units if u.code == "handling")
                rules = [
                    RoutingRuleCreate(district=d, unit_id=u.id or 0) for d, u in by_district.items()
                ]
                rules.append(
                    RoutingRuleCreate(
                        domain=Domain.drugs, unit_id=handling.id or 0, overrides_territory=True
                    )
                )
                rules.append(RoutingRuleCreate(unit_id=intake.id or 0, priority=1000))
                for rule in rules:
                    config.create_routing_rule(session, data=rule, actor="bench", now=now)
            return len(session.exec(select(RoutingRule)).all())
    finally:
        engine.dispose()


# ---- (c) bulk load ---------------------------------------------------------------------------


class LifeCycle:
    """A consistent item: its events happen after receipt at random delays (hours), each
    step's clock is met at its event (on time or late) or still running at `now`."""

    def __init__(self, rng: random.Random, cal: WorkingCalendar, now: datetime) -> None:
        self.rng, self.cal, self.now = rng, cal, now

    def deadline(self, start: datetime, limit: int, unit: str = "working") -> datetime:
        day = start.astimezone(TZ).date()
        return clocks.deadline(
            self.cal,
            start=day,
            limit=limit,
            unit="working" if unit == "working" else "calendar",
            tz=TZ,
        ).due_at

    def after(self, start: datetime, due: datetime, late_share: float) -> datetime:
        """An event time before `due` (or, for `late_share` of items, after it)."""
        span = max((due - start).total_seconds(), 3600.0)
        if self.rng.random() < late_share:
            return due + timedelta(seconds=self.rng.uniform(0.05, 0.6) * span)
        return start + timedelta(seconds=self.rng.uniform(0.05, 0.95) * span)

    def step(
        self,
        item: Item,
        kind: ClockKind,
        start: datetime,
        limit: int,
        late: float,
        unit: str = "working",
    ) -> datetime | None:
        """Add the clock; the event time if it happened by now, else None (still running)."""
        due = self.deadline(start, limit, unit)
        when = self.after(start, due, late)
        if when > self.now:
            item.clocks.append(Clock(kind, due))
            return None
        item.clocks.append(Clock(kind, due, met_at=when))
        return when

    def close(self, item: Item, when: datetime) -> None:
        closed = when + timedelta(hours=self.rng.uniform(1, 72))
        if closed <= self.now:
            item.status, item.values["closed_at"] = Status.closed, closed

    def build(self, received: datetime) -> Item:
        rng = self.rng
        district = rng.choice(DISTRICTS)
        trade = rng.choice(TRADES)
        order = rng.randrange(100) < KINDS_12345
        kind = (
            ItemType(rng.choice(("complaint", "help", "consultation")))
            if order
            else ItemType(rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0])
        )
        channel = (
            Channel.transfer_12345
            if order
            else rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        )
        item = Item(received, kind, channel, trade[1], district, status=Status.registered)
        item.values |= {
            "respondent_name": f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{trade[0]}",
            "description": trade[2],
            "is_emergency": rng.random() < 0.02,
            "amount_cents": rng.randrange(500, 500_000) if kind is ItemType.complaint else None,
        }
        dispatched = self.step(item, ClockKind.distribution, received, 1, 0.04)
        if dispatched is None:
            return self.finish(item)
        item.status, item.values["distributed_at"] = Status.distributed, dispatched
        if order:
            self.order(item, dispatched)
        elif kind is ItemType.complaint:
            self.complaint(item, received)
        elif kind is ItemType.report:
            self.report(item, received)
        else:
            limit = 2 if kind is ItemType.consultation else 10
            replied = self.step(item, ClockKind.reply, received, limit, 0.06)
            if replied is not None:
                item.status, item.values["replied_at"] = Status.replied, replied
                self.close(item, replied)
        return self.finish(item)

    def complaint(self, item: Item, received: datetime) -> None:
        decided = self.step(item, ClockKind.acceptance, received, 7, 0.08)
        if decided is None:
            item.status = Status.pending_acceptance
            item.values["signed_for_at"] = item.values["distributed_at"]
            return
        item.values["signed_for_at"] = decided
        if self.rng.random() < 0.22:
            item.status = Status.rejected
            item.values |= {
                "rejected_at": decided,
                "rejection_ground": self.rng.choice(list(RejectionGround)),
            }
            self.close(item, decided)
            return
        item.status, item.values["accepted_at"] = Status.mediating, decided
        item.values["mediation_started_at"] = decided
        item.values["converted_to_case"] = self.rng.random() < 0.03
        ended = self.step(item, ClockKind.mediation, decided, 60, 0.1, unit="calendar")
        if ended is None:
            return
        if self.rng.random() < 0.42:
            item.status = Status.agreed
            item.values |= {
                "agreed_at": ended,
                "amount_recovered_cents": self.rng.randrange(500, 200_000),
            }
        else:
            item.status = Status.terminated
            item.values |= {
                "terminated_at": ended,
                "termination_reason": self.rng.choice(list(TerminationReason)),
            }
        self.close(item, ended)

    def report(self, item: Item, received: datetime) -> None:
        item.status = Status.verifying
        item.values["signed_for_at"] = item.values["verification_started_at"] = item.values[
            "distributed_at"
        ]
        decided = self.step(item, ClockKind.verification, received, 15, 0.1)
        if decided is None:
            return
        filed = self.rng.random() < 0.3
        item.status = Status.case_filed if filed else Status.not_filed
        item.values["case_filed_at" if filed else "not_filed_at"] = decided
        self.close(item, decided)

    def order(self, item: Item, dispatched: datetime) -> None:
        signed = self.step(item, ClockKind.sign_for, dispatched, 1, 0.05)
        if signed is None:
            return
        item.status, item.values["signed_for_at"] = Status.signed_for, signed
        replied = self.step(item, ClockKind.reply, dispatched, 5, 0.07)
        if replied is not None:
            item.status, item.values["replied_at"] = Status.replied, replied
            self.close(item, replied)

    def finish(self, item: Item) -> Item:
        events = [v for k, v in item.values.items() if k.endswith("_at") and v is not None]
        item.values["updated_at"] = max(events, default=item.received_at)
        late = [c.due_at for c in item.clocks if c.met_at is None and c.due_at <= self.now]
        item.values["overdue"] = bool(late) and item.status is not Status.closed
        item.values["overdue_since"] = min(late) if late and item.values["overdue"] else None
        if item.status is not Status.closed:
            item.values["closed_on_time"] = None
        return item


def bulk_load(url: str, rows: int, now: datetime, seed: int) -> tuple[int, float]:
    """Insert `rows` items received over the last 365 days, in the order they were received
    (ids rise with the date, as in a live system: random order scattered a period's rows over
    the whole table); (clock rows, seconds)."""
    rng = random.Random(seed)
    life = LifeCycle(rng, WorkingCalendar(), now)
    engine = make_engine(url)
    start = time.monotonic()
    clock_rows = 0
    try:
        with write_session(engine) as session:
            units = {u.district: u.id for u in session.exec(select(Unit)).all() if u.district}
            rule_set = config.rule_set_for(session, day=now.astimezone(TZ).date(), now=now)
            assert rule_set.id is not None
            first_id = int(session.exec(select(func.coalesce(func.max(Complaint.id), 0))).one()) + 1
            session.commit()
        batch = 5000
        received_at = sorted(
            now - timedelta(seconds=rng.uniform(3600, 365 * 86400)) for _ in range(rows)
        )
        for offset in range(0, rows, batch):
            items = []
            for received in received_at[offset : offset + batch]:
                item = life.build(received)
                item.unit_id = units.get(item.district)
                items.append(item)
            with write_session(engine) as session:
                insert_items(session, items, rule_set_id=rule_set.id, first_id=first_id + offset)
                session.commit()
            clock_rows += sum(len(i.clocks) for i in items)
        with engine.begin() as conn:
            if is_postgres(url):
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('complaint', 'id'), "
                        "(SELECT max(id) FROM complaint))"
                    )
                )
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return clock_rows, time.monotonic() - start


def months_back(today: date, count: int) -> list[tuple[date, date]]:
    first = today.replace(day=1)
    periods = []
    for _ in range(count):
        last = first - timedelta(days=1)
        first = last.replace(day=1)
        periods.append((first, last))
    return periods


def time_stats(base_url: str, token: str, periods: list[tuple[date, date]]) -> list[float]:
    """ms per GET /api/v1/complaints/stats call, one per period (after one warm-up call)."""
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    with httpx.Client(base_url=base_url, timeout=120.0, headers=headers) as client:
        for n, (first, last) in enumerate([periods[0], *periods]):
            params = {"from": first.isoformat(), "to": last.isoformat()}
            start = time.monotonic()
            response = client.get("/api/v1/complaints/stats", params=params)
            elapsed = 1000 * (time.monotonic() - start)
            if response.status_code != 200:
                raise RuntimeError(f"stats failed: {response.status_code} {response.text[:300]}")
            if n:
                out.append(elapsed)
    return out


def time_stats_in_process(url: str, periods: list[tuple[date, date]], now: datetime) -> list[float]:
    engine = make_engine(url)
    out = []
    try:
        with write_session(engine) as session:
            for n, (first, last) in enumerate([periods[0], *periods]):
                start = time.monotonic()
                stats.compute(session, filters=stats.StatsFilter(first, last), now=now, tz=TZ)
                if n:
                    out.append(1000 * (time.monotonic() - start))
    finally:
        engine.dispose()
    return out


def login(base_url: str, username: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"username": username, "password": DEMO_PASSWORD},
        timeout=30.0,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


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
        now = datetime.now(UTC)
        rules = configure_routing(url, now)
        server = ServerProcess(
            "bench",
            database_url=url,
            twilio_base_url="http://127.0.0.1:9",  # unused: the outbox notifier
            log_dir=work,
            tick_seconds=2.0,
            extra_env={"DUTYDESK_NOTIFIER": "outbox"},
        )
        try:
            server.start(timeout=30)
            token = login(server.url, "coordinator")
            rng = random.Random(args.seed)
            pool = Pool(rng, args.respondents)
            warm = [submission(rng, pool, -n - 1) for n in range(args.warmup)]
            post_complaints(server.url, token, warm, args.threads)  # jieba, caches, connections

            print("measuring the health ceiling ...", file=sys.stderr)
            health_rps, health_errors = measure_health(server.url, args.health, args.threads)
            print(f"posting {args.intake} submissions ...", file=sys.stderr)
            bodies = [submission(rng, pool, n) for n in range(args.intake)]
            latencies, errors, wall = post_complaints(server.url, token, bodies, args.threads)
            intake_rps = len(latencies) / wall if wall > 0 else None
            after_rps, _ = measure_health(server.url, args.health // 2, args.threads)
            server.stop()
            with write_session(make_engine(url)) as session:
                created = session.exec(select(func.count()).select_from(Complaint)).one()
                emergencies = session.exec(
                    select(func.count()).select_from(Complaint).where(Complaint.is_emergency)
                ).one()
                biggest = session.exec(
                    select(func.count())
                    .select_from(Complaint)
                    .group_by(Complaint.cluster_id)
                    .where(Complaint.cluster_id.is_not(None))  # type: ignore[union-attr]
                    .order_by(func.count().desc())
                ).first()

            http_ms: list[float] = []
            local_ms: list[float] = []
            clock_rows, load_s = 0, 0.0
            if args.rows > 0:
                print(f"bulk-loading {args.rows} complaints ...", file=sys.stderr)
                clock_rows, load_s = bulk_load(url, args.rows, now, args.seed)
                server.start(timeout=30)
                periods = months_back(now.astimezone(TZ).date(), 12)
                http_ms = time_stats(server.url, login(server.url, "leader"), periods)
                local_ms = time_stats_in_process(url, periods, now)
            # the machine is shared: the ceiling is measured before and after the intake and
            # the ratio taken against their mean (both are printed)
            ceiling = (health_rps + after_rps) / 2
            ratio = intake_rps / ceiling if intake_rps and ceiling else None
            rows += [
                ("database", "PostgreSQL" if is_postgres(url) else "SQLite"),
                ("routing rules", str(rules)),
                (
                    "health ceiling",
                    f"{ceiling:.0f} req/s: {health_rps:.0f} before, {after_rps:.0f} after the "
                    f"intake ({args.health} + {args.health // 2} req, {args.threads} threads, "
                    f"{health_errors} errors)",
                ),
                (
                    "intake",
                    f"{len(latencies)}/{args.intake} posted in {wall:.1f} s "
                    f"({len(errors)} errors) after {args.warmup} warm-up posts",
                ),
                ("intake throughput", fmt(intake_rps, " req/s")),
                ("intake / health (target ≥ 0.5)", fmt(ratio, "", 3)),
                (
                    "POST latency p50 / p99",
                    f"{fmt(percentile(latencies, 50), ' ms')} / "
                    f"{fmt(percentile(latencies, 99), ' ms')}",
                ),
                (
                    "items after intake",
                    f"{created} ({emergencies} emergencies, largest cluster {biggest or 0})",
                ),
            ]
            if http_ms:
                rows += [
                    (
                        "bulk load",
                        f"{args.rows} complaints + {clock_rows} clocks in {load_s:.1f} s",
                    ),
                    (
                        "monthly stats over HTTP (12 months)",
                        f"median {statistics.median(http_ms):.0f} ms, max {max(http_ms):.0f} ms "
                        "(target < 1000 ms)",
                    ),
                    (
                        "monthly stats in-process",
                        f"median {statistics.median(local_ms):.0f} ms, max {max(local_ms):.0f} ms",
                    ),
                ]
            if errors:
                print("first intake error: " + errors[0], file=sys.stderr)
        finally:
            server.stop()
            if server.proc is not None and server.proc.returncode not in (0, None, -15):
                print(server.log_tail(), file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (a throwaway db is made beside)")
    parser.add_argument("--intake", type=int, default=1000, help="submissions to post")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--threads", type=int, default=4, help="client threads (both phases)")
    parser.add_argument("--health", type=int, default=2000, help="health requests")
    parser.add_argument("--respondents", type=int, default=400, help="size of the shop pool")
    parser.add_argument("--rows", type=int, default=100_000, help="to bulk-load (0: skip)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--time-limit", type=int, default=1800, help="hard limit (s)")
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
