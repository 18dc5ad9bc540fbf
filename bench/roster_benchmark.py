"""Run the scheduler on the Curtois-Qu benchmark instances and print a results table.

Usage, from the repository root::

    python bench/roster_benchmark.py --seconds 60 [--workers 2] [--instances 1-11,15]
        [--json FILE] [Instance1 Instance5 ...]

Every returned roster is checked by the independent evaluator (``scheduler.evaluate``): the
``checked`` column says it is feasible and its objective equals the solver's. The summary
counts the issue-3 targets: within 1% of best known on 1-11, within 10% on 12-19, a
feasible roster on 20-24.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scheduler.benchmark_format import read_instance  # noqa: E402
from scheduler.benchmark_model import solve_benchmark  # noqa: E402
from scheduler.evaluate import evaluate  # noqa: E402

DATA_DIR = REPO_ROOT.parent / "shared" / "benchmarks" / "shift-scheduling"


#: Issue-3 targets: instance numbers and the allowed gap to best known (None: feasible).
TARGETS: tuple[tuple[range, float | None], ...] = (
    (range(1, 12), 1.0),
    (range(12, 20), 10.0),
    (range(20, 25), None),
)


@dataclass(frozen=True)
class Row:
    instance: str
    objective: int | None
    bound: int | None
    best_known: int | None
    seconds: float
    checked: bool
    status: str = ""

    @property
    def gap_percent(self) -> float | None:
        if self.objective is None or not self.best_known:
            return None
        return 100.0 * (self.objective - self.best_known) / self.best_known


def load_best_known(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        return {row["instance"]: int(row["best_known"]) for row in csv.DictReader(handle)}


def run_one(path: Path, *, seconds: float, workers: int, best_known: int | None) -> Row:
    instance = read_instance(path)
    result = solve_benchmark(instance, time_limit_s=seconds, workers=workers)
    checked = False
    if result.roster:
        evaluation = evaluate(instance, result.roster)
        checked = not evaluation.violations and evaluation.objective == result.objective
    return Row(
        path.stem,
        result.objective,
        result.bound,
        best_known,
        result.seconds,
        checked,
        result.status,
    )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


HEADER = ("instance", "objective", "bound", "best", "gap %", "seconds", "checked", "target")


def print_header() -> None:
    print(" ".join(f"{name:>11}" for name in HEADER))


def print_row(row: Row) -> None:
    cells = (
        row.instance,
        row.objective,
        row.bound,
        row.best_known,
        row.gap_percent,
        row.seconds,
        "yes" if row.checked else "no",
        {True: "met", False: "missed", None: "-"}[target_met(row)],
    )
    print(" ".join(f"{_cell(cell):>11}" for cell in cells), flush=True)


def _number(name: str) -> int | None:
    digits = name.removeprefix("Instance")
    return int(digits) if digits.isdigit() else None


def target_met(row: Row) -> bool | None:
    """Whether the row meets its issue-3 target; None when the instance has none."""
    number = _number(row.instance)
    for numbers, gap in TARGETS:
        if number in numbers:
            if not row.checked:
                return False
            return gap is None or (row.gap_percent is not None and row.gap_percent <= gap)
    return None


def summary(rows: list[Row]) -> str:
    def within(limit: float) -> int:
        return sum(
            1
            for row in rows
            if row.checked and row.gap_percent is not None and row.gap_percent <= limit
        )

    feasible = sum(1 for row in rows if row.checked)
    verdicts = [target_met(row) for row in rows]
    return (
        f"{len(rows)} instances: {within(1.0)} within 1% of best known, "
        f"{within(10.0)} within 10%, {feasible} feasible (evaluator-checked); "
        f"targets met {verdicts.count(True)} of {len(rows) - verdicts.count(None)}"
    )


def parse_numbers(text: str) -> list[int]:
    """``"1-11,15"`` -> ``[1, 2, ..., 11, 15]``."""
    numbers: list[int] = []
    for part in text.split(","):
        first, sep, last = part.strip().partition("-")
        if sep:
            numbers += range(int(first), int(last) + 1)
        elif first:
            numbers.append(int(first))
    return numbers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="e.g. Instance1 Instance7 (default: all)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per instance")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="benchmark folder")
    parser.add_argument("--instances", help="instance numbers, e.g. 1-11 or 1,5,20-24")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    numbers = parse_numbers(args.instances) if args.instances else []
    names = [f"Instance{n}" for n in numbers]
    names += [name for name in args.names if name not in names]
    if not names:
        names = [f"Instance{number}" for number in range(1, 25)]
    best = load_best_known(args.data / "best-known.csv")
    print(f"seconds per instance: {args.seconds:g}, workers: {args.workers}")
    rows: list[Row] = []
    print_header()
    for name in names:
        stem = name.removesuffix(".txt")
        row = run_one(
            args.data / "instances" / f"{stem}.txt",
            seconds=args.seconds,
            workers=args.workers,
            best_known=best.get(stem),
        )
        rows.append(row)
        print_row(row)
    print(summary(rows))
    if args.json is not None:
        document = [
            {**row.__dict__, "gap_percent": row.gap_percent, "target_met": target_met(row)}
            for row in rows
        ]
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
