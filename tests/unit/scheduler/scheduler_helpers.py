"""Shared helpers for the scheduler unit tests: the benchmark folder and tiny instances."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.benchmark_format import BenchmarkInstance, parse_instance

INSTANCES = (
    Path(__file__).resolve().parents[3].parent / "shared/benchmarks/shift-scheduling/instances"
)


def instance_path(name: str) -> Path:
    path = INSTANCES / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"benchmark instances not found at {INSTANCES}")
    return path


def make_instance(
    *,
    horizon: int = 7,
    shifts: str = "D,480,",
    staff: str = "A,D=7,3360,0,7,1,1,1",
    days_off: str = "A",
    on_requests: str = "",
    off_requests: str = "",
    cover: str | None = None,
) -> BenchmarkInstance:
    """Build an instance from section bodies; cover defaults to 0 people on every shift."""
    shift_ids = [line.split(",")[0] for line in shifts.splitlines()]
    if cover is None:
        cover = "\n".join(
            f"{day},{shift_id},0,100,1" for day in range(horizon) for shift_id in shift_ids
        )
    text = "\n\n".join(
        [
            f"SECTION_HORIZON\n{horizon}",
            f"SECTION_SHIFTS\n{shifts}",
            f"SECTION_STAFF\n{staff}",
            f"SECTION_DAYS_OFF\n{days_off}",
            f"SECTION_SHIFT_ON_REQUESTS\n{on_requests}".rstrip(),
            f"SECTION_SHIFT_OFF_REQUESTS\n{off_requests}".rstrip(),
            f"SECTION_COVER\n{cover}",
        ]
    )
    return parse_instance(text + "\n", name="Tiny")
