"""Solver tests: real instances checked by the evaluator, and tiny cases per hard rule."""

from __future__ import annotations

import pytest
from scheduler_helpers import instance_path, make_instance

from scheduler.benchmark_format import BenchmarkInstance, read_instance
from scheduler.benchmark_model import BenchmarkResult, benchmark_json, solve_benchmark
from scheduler.evaluate import evaluate


def solve_and_check(instance: BenchmarkInstance, seconds: float = 5.0) -> BenchmarkResult:
    result = solve_benchmark(instance, time_limit_s=seconds, workers=2)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    evaluation = evaluate(instance, result.roster)
    assert evaluation.violations == []
    assert result.objective == evaluation.objective
    if result.bound is not None:
        assert result.bound <= evaluation.objective
    return result


def test_instance1_reaches_the_proved_optimum() -> None:
    result = solve_and_check(read_instance(instance_path("Instance1")), seconds=20.0)
    assert result.status == "OPTIMAL"
    assert result.objective == 607
    assert result.bound == 607


@pytest.mark.parametrize("name", ["Instance2", "Instance3"])
def test_real_instances_are_evaluator_clean(name: str) -> None:
    solve_and_check(read_instance(instance_path(name)), seconds=4.0)


def test_lns_path_is_evaluator_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    import scheduler.benchmark_model as benchmark_model

    monkeypatch.setattr(benchmark_model, "FULL_MODEL_VARS", 0)
    monkeypatch.setattr(benchmark_model, "COLGEN_SHARE", 0.05)
    solve_and_check(read_instance(instance_path("Instance7")), seconds=4.0)


def test_valid_hint_is_used_as_incumbent() -> None:
    instance = read_instance(instance_path("Instance2"))
    first = solve_and_check(instance, seconds=2.0)
    again = solve_benchmark(instance, time_limit_s=1.0, workers=2, hint=first.roster)
    assert again.objective is not None and first.objective is not None
    assert again.objective <= first.objective


def test_benchmark_json_shape() -> None:
    path = instance_path("Instance1")
    data = benchmark_json(path, seconds=10.0, workers=2)
    assert set(data) == {"instance", "status", "objective", "bound", "seconds", "roster"}
    assert data["instance"] == "Instance1"
    assert data["objective"] == 607
    roster = data["roster"]
    assert isinstance(roster, dict)
    assert all(len(days) == 14 for days in roster.values())


def cover_every_day(shift_id: str = "D", days: int = 7, skip: tuple[int, ...] = ()) -> str:
    return "\n".join(f"{day},{shift_id},{0 if day in skip else 1},100,1" for day in range(days))


@pytest.mark.parametrize(
    ("case", "overrides", "optimum"),
    [
        ("max consecutive", {"staff": "A,D=7,3360,0,3,1,1,1", "cover": cover_every_day()}, 100),
        ("max shifts per type", {"staff": "A,D=2,3360,0,7,1,1,1", "cover": cover_every_day()}, 500),
        ("max total minutes", {"staff": "A,D=7,960,0,7,1,1,1", "cover": cover_every_day()}, 500),
        ("min total minutes", {"staff": "A,D=7,3360,1440,7,1,1,1"}, 3),
        (
            "min consecutive shifts",
            {
                "staff": "A,D=7,3360,0,7,3,1,1",
                "cover": "\n".join(f"{d},D,{int(d == 3)},100,1" for d in range(7)),
            },
            2,
        ),
        (
            "min consecutive days off",
            {"staff": "A,D=7,3360,0,7,1,2,1", "cover": cover_every_day(skip=(3,))},
            1,
        ),
        ("max weekends", {"staff": "A,D=7,3360,0,7,1,1,0", "cover": cover_every_day()}, 200),
        ("days off", {"days_off": "A,2", "cover": cover_every_day()}, 100),
        (
            "shift rotation",
            {
                "shifts": "D,480,\nN,480,D",
                "staff": "A,D=7|N=7,3360,0,7,1,1,1",
                "cover": "\n".join(
                    [f"{d},D,{int(d == 1)},100,1" for d in range(7)]
                    + [f"{d},N,{int(d == 0)},100,1" for d in range(7)]
                ),
            },
            100,
        ),
    ],
)
def test_each_hard_rule_binds_the_solver(
    case: str, overrides: dict[str, str], optimum: int
) -> None:
    instance = make_instance(**overrides)
    result = solve_and_check(instance, seconds=5.0)
    assert result.status == "OPTIMAL", case
    assert result.objective == optimum, case


def test_empty_instance_is_trivially_optimal() -> None:
    result = solve_and_check(make_instance(), seconds=2.0)
    assert result.objective == 0
