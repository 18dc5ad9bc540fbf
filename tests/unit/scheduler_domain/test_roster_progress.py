"""The solver reports progress through a callback: every improving solution, in order."""

from __future__ import annotations

from scheduler.roster_problem import Progress
from scheduler.roster_solver import solve

from .factory import make_centre


def test_progress_callback_reports_each_solution_down_to_the_result() -> None:
    reports: list[Progress] = []
    result = solve(make_centre(days=7), time_limit_s=5, workers=2, progress=reports.append)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert reports, "at least one solution was reported"
    objectives = [item.objective for item in reports]
    assert objectives == sorted(objectives, reverse=True)
    assert all(0 <= item.bound <= item.objective for item in reports)  # was -51 early on
    elapsed = [item.elapsed_s for item in reports]
    assert elapsed == sorted(elapsed) and elapsed[0] >= 0
    assert reports[-1].objective == result.objective
