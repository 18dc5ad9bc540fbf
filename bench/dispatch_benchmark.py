"""The dispatcher's own cost per incident, in-process (no HTTP, no provider latency).

Seeds the demo centre into a fresh database (a temporary SQLite file, or a throwaway
PostgreSQL database beside `--database-url`), opens `--incidents` incidents through the
escalation service, then, at one instant:

(a) resolves every incident's policy targets through `oncall` twice, side by side in the same
    transaction: each incident on its own (as every pass did before the per-pass cache) and
    with one cache for the pass (as `Dispatcher.advance_due` does now); prints both and the
    ratio;
(b) times one real `advance_due` pass over all of them (state machine, targets, outbox rows,
    timeline) and one `send_pending` pass through the local outbox channel;
(c) times `--incidents` audit appends (`core.audit.record`), each with its own commit, the
    step every state change of the service takes.

Prints figures; no pass/fail. Usage, from the repository root::

    python bench/dispatch_benchmark.py [--incidents 200] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlmodel import col, select  # noqa: E402

from api.app import SessionFactory, engine_session_factory  # noqa: E402
from bench.escalation_benchmark import fresh_database, letters, print_table  # noqa: E402
from core import audit  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.db import make_engine  # noqa: E402
from escalation import opening, targets  # noqa: E402
from escalation.dispatch import Dispatcher  # noqa: E402
from escalation.models import Incident, IncidentCreate  # noqa: E402
from escalation.outbox_channel import OutboxChannel  # noqa: E402
from escalation.policy import policy_from_dict  # noqa: E402
from tests.e2e.conftest import seed_database  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")


def run(args: argparse.Namespace) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="dutydesk-dispatch-") as tmp:
        work = Path(tmp)
        with fresh_database(args.database_url, work) as url:
            print(f"seeding {url.split('@')[-1]} ...", file=sys.stderr)
            seed_database(url, work)
            engine = make_engine(url)
            try:
                return measure(engine_session_factory(engine), args.incidents)
            finally:
                engine.dispose()


def measure(factory: SessionFactory, count: int) -> list[tuple[str, str]]:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    started = time.perf_counter()
    for i in range(count):
        with factory(write=True) as session:
            opening.open_incident(
                session,
                data=IncidentCreate.model_validate(
                    {
                        "title": "电梯困人",
                        "category": "special_equipment",
                        "severity": "III",
                        "place": f"bench place {letters(i)}",
                    }
                ),
                actor="bench",
                now=clock.now(),
            )
    opened = (time.perf_counter() - started) / count

    now = clock.now()
    with factory(write=False) as session:
        policies = [
            policy_from_dict(json.loads(p))
            for p in session.exec(select(Incident.policy_json).order_by(col(Incident.id))).all()
        ]
        started = time.perf_counter()
        for policy in policies:
            targets.resolve_policy(session, policy, at=now, tz=TZ)
        each_alone = (time.perf_counter() - started) / len(policies)
        shared = targets.TargetCache()
        started = time.perf_counter()
        for policy in policies:
            targets.resolve_policy(session, policy, at=now, tz=TZ, cache=shared)
        with_cache = (time.perf_counter() - started) / len(policies)

    dispatcher = Dispatcher(
        open_session=partial(factory, write=True),
        clock=clock,
        channel=OutboxChannel(),
        tz=TZ,
        batch=count + 10,
    )
    started = time.perf_counter()
    advanced = dispatcher.advance_due()
    advance = (time.perf_counter() - started) / max(advanced, 1)
    started = time.perf_counter()
    sent = dispatcher.send_pending()
    send = (time.perf_counter() - started) / max(sent, 1)
    started = time.perf_counter()
    for i in range(count):
        with factory(write=True) as session:
            audit.record(
                session,
                at=clock.now(),
                actor="bench",
                action="bench.append",
                entity_type="incident",
                entity_id=i,
                after={"status": "open", "title": "电梯困人"},
            )
            session.commit()
    append = (time.perf_counter() - started) / count
    return [
        ("incidents", f"{count} opened, {advanced} advanced, {sent} pages sent"),
        ("open (service, per incident)", f"{opened * 1000:.1f} ms"),
        ("resolve targets, each incident alone", f"{each_alone * 1000:.2f} ms per incident"),
        ("resolve targets, one cache per pass", f"{with_cache * 1000:.2f} ms per incident"),
        ("ratio alone / cached", f"{each_alone / with_cache:.1f}x"),
        ("advance_due pass", f"{advance * 1000:.1f} ms per incident"),
        ("send_pending pass (outbox)", f"{send * 1000:.1f} ms per page"),
        ("audit append with its commit", f"{append * 1000:.2f} ms per entry"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (a throwaway db is made beside)")
    parser.add_argument("--incidents", type=int, default=200)
    rows = run(parser.parse_args())
    print_table(rows)


if __name__ == "__main__":
    main()
