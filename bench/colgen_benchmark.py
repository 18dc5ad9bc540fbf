"""Where column generation spends its time: the master LP against the pricing.

For each instance the script builds the solver's start (the constructive DP, then one
sweep), runs `ColumnGeneration.run` from it until it converges or ``--seconds`` pass, and
prints whether it converged, the wall-clock seconds, the LP solves and their seconds, the
seconds spent pricing, the columns in the pool, the LP value and the Lagrangian bound
(both in the instance's units) next to the best known objective.

Usage, from the repository root::

    python bench/colgen_benchmark.py [--seconds 90] [--workers 2] [Instance8 Instance13 ...]

Only instances whose horizon takes the exact DP (up to 84 days) are run: the banded DP of
longer horizons gives no bound, so the solver does not generate columns there.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.roster_benchmark import DATA_DIR, load_best_known  # noqa: E402
from scheduler.benchmark_arrays import instance_arrays  # noqa: E402
from scheduler.benchmark_colgen import ColumnGeneration  # noqa: E402
from scheduler.benchmark_construct import construct, dp_settings, sweep  # noqa: E402
from scheduler.benchmark_format import read_instance  # noqa: E402
from scheduler.benchmark_master import ColumnPool  # noqa: E402
from scheduler.roster_exact import exact_fallback  # noqa: E402

DEFAULT = ("Instance8", "Instance13", "Instance15", "Instance19")
#: Wall-clock limits of the start, as generous as the solver's first phases.
CONSTRUCT_S = 30.0
SWEEP_S = 5.0
#: Time limit of one exact single-employee fallback solve (as in the solver).
FALLBACK_S = 1.0

COLUMNS = (
    ("instance", 11),
    ("converged", 9),
    ("seconds", 8),
    ("LP solves", 9),
    ("LP s", 6),
    ("pricing s", 9),
    ("LP %", 5),
    ("columns", 7),
    ("LP value", 9),
    ("bound", 6),
    ("best", 6),
)


def run_instance(name: str, seconds: float, workers: int) -> list[str] | None:
    instance = read_instance(DATA_DIR / "instances" / f"{name}.txt")
    arrays = instance_arrays(instance)
    fallback = exact_fallback(instance, arrays, time_limit_s=FALLBACK_S, workers=workers)
    settings = dp_settings(arrays, fallback)
    if settings.band is not None:
        return None
    start = construct(arrays, settings, deadline=time.monotonic() + CONSTRUCT_S)
    if start is None:
        return None
    deadline = time.monotonic() + SWEEP_S
    start, _ = sweep(arrays, start, settings, deadline=deadline, rng=random.Random(0))
    pool = ColumnPool.of_roster(arrays, start)
    generation = ColumnGeneration(arrays, pool, settings, exact=True, threads=workers)
    started = time.monotonic()
    converged = generation.run(deadline=started + seconds)
    elapsed = time.monotonic() - started
    lp_value = "-"
    if generation.lp_value is not None:
        lp_value = f"{generation.lp_value + arrays.request_constant:.1f}"
    share = 100.0 * generation.lp_seconds / elapsed if elapsed > 0 else 0.0
    return [
        name,
        "yes" if converged else "no",
        f"{elapsed:.1f}",
        str(generation.iterations),
        f"{generation.lp_seconds:.1f}",
        f"{generation.pricing_seconds:.1f}",
        f"{share:.0f}",
        str(pool.size),
        lp_value,
        "-" if generation.lower_bound is None else str(generation.lower_bound),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("instances", nargs="*", default=list(DEFAULT))
    args = parser.parse_args()
    known = load_best_known(DATA_DIR / "best-known.csv")
    print(" ".join(f"{title:>{width}}" for title, width in COLUMNS))
    for name in args.instances:
        row = run_instance(name, args.seconds, args.workers)
        if row is None:
            print(f"{name:>11} skipped: its horizon takes the banded DP (no column generation)")
            continue
        row.append(str(known.get(name, "-")))
        print(" ".join(f"{cell:>{width}}" for cell, (_, width) in zip(row, COLUMNS, strict=True)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
