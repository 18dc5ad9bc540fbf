"""Time and peak memory of exporting 100,000 complaints (`GET /api/v1/complaints/export`).

Seeds the demo centre into a temporary SQLite file (or a throwaway PostgreSQL database beside
`--database-url`), bulk-loads complaints up to `--rows` items with the complaints benchmark's
loader, then, for each format, starts a fresh server, downloads the whole export over HTTP as
the coordinator (state=all: every item) and reports the time to the first byte of the body,
the total time, the size and the server's peak resident memory (VmHWM, reset after a warm-up
export of no item) before and after the export. Prints a table; no pass/fail::

    python bench/export_benchmark.py [--rows 100000] [--formats csv,xlsx]
                                     [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from bench.complaints_benchmark import bulk_load, configure_routing, login  # noqa: E402
from bench.escalation_benchmark import fresh_database, print_table  # noqa: E402
from complaints.models import Complaint  # noqa: E402
from core.db import make_engine, read_session  # noqa: E402
from tests.e2e.conftest import ServerProcess, seed_database  # noqa: E402


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def reset_peak_rss(pid: int) -> None:
    """Start the peak (VmHWM) over from the current resident size (Linux clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def count_items(url: str) -> int:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return int(session.exec(select(func.count()).select_from(Complaint)).one())
    finally:
        engine.dispose()


def download(
    base_url: str, token: str, export_format: str, **filters: str
) -> tuple[float, float, int, int]:
    """(seconds to the first byte of the body, seconds in all, bytes, CRLF line ends) of one
    whole export, streamed and discarded."""
    start = time.monotonic()
    first = 0.0
    size = lines = 0
    last = b""
    with httpx.stream(
        "GET",
        f"{base_url}/api/v1/complaints/export",
        params={"format": export_format, "state": "all"} | filters,
        headers={"Authorization": f"Bearer {token}"},
        timeout=600.0,
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            if not size and chunk:
                first = time.monotonic() - start
            size += len(chunk)
            lines += (last + chunk[:1]).count(b"\r\n") + chunk.count(b"\r\n")
            last = chunk[-1:]
    return first, time.monotonic() - start, size, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (a throwaway db is made beside)")
    parser.add_argument("--rows", type=int, default=100_000, help="items in the database")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with (
        tempfile.TemporaryDirectory(prefix="dutydesk-export-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
    ):
        seed_database(url, Path(tmp))
        now = datetime.now(UTC)
        configure_routing(url, now)
        missing = args.rows - count_items(url)
        print(f"bulk-loading {missing} complaints ...", file=sys.stderr)
        _, load_s = bulk_load(url, missing, now, args.seed)
        rows.append(("items", f"{count_items(url)} (bulk load {load_s:.0f} s)"))
        for export_format in args.formats.split(","):
            server = ServerProcess(
                f"export-{export_format}",
                database_url=url,
                twilio_base_url="http://127.0.0.1:9",
                log_dir=Path(tmp),
                extra_env={"DUTYDESK_NOTIFIER": "outbox"},
            )
            try:
                server.start(timeout=30)
                assert server.proc is not None
                token = login(server.url, "coordinator")
                download(server.url, token, export_format, q="no such item")  # warm-up
                reset_peak_rss(server.proc.pid)
                before = peak_rss_mib(server.proc.pid)
                first, seconds, size, lines = download(server.url, token, export_format)
                after = peak_rss_mib(server.proc.pid)
            finally:
                server.stop()
            shown = f", {lines - 1} rows" if export_format == "csv" else ""
            rows.append(
                (
                    f"export {export_format}",
                    f"first byte {first:.2f} s, all {seconds:.1f} s, {size / 1024 / 1024:.1f} MiB"
                    f"{shown}; server peak RSS "
                    f"{before:.0f} MiB before, {after:.0f} MiB after",
                )
            )
    print_table(rows)


if __name__ == "__main__":
    main()
