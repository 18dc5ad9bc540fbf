"""The forward pass of the per-employee DP (``roster_dp``), compiled with numba.

The state arrays are small (a few classes x runs x weekends x units), so a numpy version
spends nearly all its time in the overhead of its many small array operations; column
generation calls the DP thousands of times. Compiled, the pass costs about a seventh of
the numpy version (Instance14: 1.7 ms against 12 ms per call).

Shapes: ``work[k, r, w, j]`` (class, run index, weekend index, units index) and
``rest[i, w, j]`` (rest index, weekend index, units index), as documented in ``roster_dp``.
Every value is a sum of costs added in the same order as the backtrack re-adds them, so the
backtrack's exact float comparisons hold.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np

from scheduler.benchmark_arrays import BoolArray, FloatArray, IntArray

INF = np.inf


def _weekend_range_py(index: int, offset: int, size: int) -> tuple[int, int]:
    """``[lo, hi)`` of the weekend indices before a transition that moved the weekend axis
    by ``offset`` and landed on ``index``: values moved below the bottom merge into 0."""
    if index == 0 and offset < 0:
        return 0, min(size, -offset + 1)
    before = index - offset
    if 0 <= before < size:
        return before, before + 1
    return 0, 0


# Explicit signatures compile (or load from numba's cache in ``__pycache__``) at import, so
# the one-off compilation of a fresh checkout (about 3.5 s) never counts against a solve's
# time limit.
_weekend_range: Callable[[int, int, int], tuple[int, int]] = numba.njit(
    "UniTuple(int64, 2)(int64, int64, int64)", cache=True
)(_weekend_range_py)


def _forward_py(
    work0: FloatArray,
    rest0: FloatArray,
    pattern_mask: BoolArray,
    group_pattern: IntArray,
    group_class: IntArray,
    group_units: IntArray,
    cont: FloatArray,
    start: FloatArray,
    weekend_cont: IntArray,
    weekend_start: IntArray,
    low: IntArray,
    weekend_low: IntArray,
    min_run: int,
    live_low: IntArray,
    live_high: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """The work and rest arrays after each day, ``(H, K, R, W, J)`` and ``(H, I, W, J)``.

    ``cont[d, g]`` / ``start[d, g]``: cost of group ``g`` on day ``d`` continuing a run /
    starting one after rest; ``weekend_cont[d]`` / ``weekend_start[d]``: weekends added;
    ``low`` / ``weekend_low``: the units and weekends of index 0 after each day. Only the
    units indices ``live_low[d] ..= live_high[d]`` are computed after day ``d`` (the others
    can lie on no complete roster and stay infinite)."""
    horizon = cont.shape[0]
    n_classes, runs, weekends, width = work0.shape
    rests = rest0.shape[0]
    n_patterns = pattern_mask.shape[0]
    n_groups = group_pattern.shape[0]
    works = np.empty((horizon, n_classes, runs, weekends, width))
    rest_after = np.empty((horizon, rests, weekends, width))
    source = np.empty((n_patterns, runs, weekends, width))
    ending = np.empty((weekends, width))
    work = work0
    rest = rest0
    for day in range(horizon):
        move = low[day + 1] - low[day]
        wmove = weekend_low[day + 1] - weekend_low[day]
        first_j = 0 if day == 0 else live_low[day - 1]
        last_j = width - 1 if day == 0 else live_high[day - 1]
        here_low, here_high = live_low[day], live_high[day] + 1
        source[:] = INF
        ending[:] = INF
        # source[p, r, w, j]: the best value a shift of pattern p carries into run index r
        for p in range(n_patterns):
            for r in range(1, runs):
                for w in range(weekends):
                    lo, hi = _weekend_range(w, weekend_cont[day] - wmove, weekends)
                    for j in range(first_j, last_j + 1):
                        best = INF
                        for v in range(lo, hi):
                            for k in range(n_classes):
                                if pattern_mask[p, k] and work[k, r - 1, v, j] < best:
                                    best = work[k, r - 1, v, j]
                        source[p, r, w, j] = best
        for w in range(weekends):
            lo, hi = _weekend_range(w, weekend_start[day] - wmove, weekends)
            for j in range(first_j, last_j + 1):
                best = INF
                for v in range(lo, hi):
                    best = min(best, rest[rests - 1, v, j])
                for p in range(n_patterns):
                    source[p, 0, w, j] = best
        new_work = works[day]
        new_work[:] = INF
        for g in range(n_groups):
            k = group_class[g]
            p = group_pattern[g]
            shift = group_units[g] - move
            for r in range(runs):
                add = start[day, g] if r == 0 else cont[day, g]
                for w in range(weekends):
                    for j in range(max(0, shift, here_low), min(width, width + shift, here_high)):
                        value = source[p, r, w, j - shift] + add
                        if value < new_work[k, r, w, j]:
                            new_work[k, r, w, j] = value
        # ending[w, j]: the best state that may be followed by a day off today: runs of at
        # least min_run, or the run that started on day 0
        for w in range(weekends):
            for j in range(first_j, last_j + 1):
                best = INF
                for k in range(n_classes):
                    for r in range(min_run - 1, runs):
                        best = min(best, work[k, r, w, j])
                    if 1 <= day < min_run and day <= runs:
                        best = min(best, work[k, day - 1, w, j])
                ending[w, j] = best
        new_rest = rest_after[day]
        new_rest[:] = INF
        for w in range(weekends):
            lo, hi = _weekend_range(w, -wmove, weekends)
            for j in range(max(0, -move, here_low), min(width, width - move, here_high)):
                before = j + move
                for v in range(lo, hi):
                    new_rest[0, w, j] = min(new_rest[0, w, j], ending[v, before])
                    if rests == 1:
                        new_rest[0, w, j] = min(new_rest[0, w, j], rest[0, v, before])
                    else:
                        for i in range(1, rests):
                            new_rest[i, w, j] = min(new_rest[i, w, j], rest[i - 1, v, before])
                        last = rests - 1
                        new_rest[last, w, j] = min(new_rest[last, w, j], rest[last, v, before])
        work = new_work
        rest = new_rest
    return works, rest_after


_SIGNATURE = (
    "Tuple((float64[:, :, :, :, ::1], float64[:, :, :, ::1]))("
    "float64[:, :, :, ::1], float64[:, :, ::1], boolean[:, ::1], "
    "int64[::1], int64[::1], int64[::1], float64[:, ::1], float64[:, ::1], "
    "int64[::1], int64[::1], int64[::1], int64[::1], int64, int64[::1], int64[::1])"
)
# nogil: column generation prices several employees at once in threads
forward: Callable[..., tuple[FloatArray, FloatArray]] = numba.njit(
    _SIGNATURE, cache=True, nogil=True
)(_forward_py)
