"""CPU time of one per-employee DP call (``scheduler.roster_dp.shortest_roster``).

Column generation, the constructive start and the sweeps call the DP thousands of times,
so its cost per call decides how far they get within a time limit. For each instance the
script times ``--calls`` calls on random costs (fixed seed) after one warm-up call (which
also compiles the numba pass on a fresh checkout) and prints milliseconds per call.

Usage, from the repository root::

    python bench/dp_benchmark.py [--calls 30] [Instance8 Instance14 ...]

It uses only ``shortest_roster`` and the instance reader, so the same script run against an
older checkout of ``scheduler/`` gives a side-by-side comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scheduler.benchmark_arrays import instance_arrays  # noqa: E402
from scheduler.benchmark_format import read_instance  # noqa: E402
from scheduler.roster_dp import shortest_roster  # noqa: E402

DATA_DIR = REPO_ROOT.parent / "shared" / "benchmarks" / "shift-scheduling" / "instances"
DEFAULT = ("Instance8", "Instance13", "Instance14", "Instance15", "Instance19", "Instance22")
#: Horizons above this use the banded DP, as the solver does.
EXACT_HORIZON = 84
BAND = 40


def time_instance(name: str, calls: int, rng: np.random.Generator) -> float:
    arrays = instance_arrays(read_instance(DATA_DIR / f"{name}.txt"))
    band = None if arrays.horizon <= EXACT_HORIZON else BAND
    options = {
        "weekend_penalty": 3.0,
        "weekend_first": arrays.weekend_first,
        "weekend_second": arrays.weekend_second,
        "band": band,
        "count_weekends": True,
        "weekend_band": 2,
    }
    spent = 0.0
    for call in range(calls + 1):
        employee = call % arrays.n_staff
        noise = rng.normal(0, 30, size=arrays.request_cost[employee].shape)
        cost = arrays.request_cost[employee] + np.round(noise * 64) / 64
        started = time.process_time()
        shortest_roster(arrays.structure, arrays.limits[employee], cost, **options)
        if call:  # the first call is a warm-up
            spent += time.process_time() - started
    return 1000.0 * spent / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("instances", nargs="*", default=list(DEFAULT))
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'instance':>12} {'ms per call':>12}")
    for name in args.instances:
        print(f"{name:>12} {time_instance(name, args.calls, rng):>12.1f}", flush=True)


if __name__ == "__main__":
    main()
