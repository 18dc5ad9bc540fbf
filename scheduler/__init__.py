"""Pure roster optimisation on OR-Tools CP-SAT.

Invariants:

- Depends only on the standard library, ``ortools``, ``numpy`` and ``numba`` (the
  benchmark DP's compiled forward pass); imports nothing else of DutyDesk.
- Inputs and outputs are frozen dataclasses (rosters are plain ``dict[str, list[str]]``).
- A roster returned as feasible satisfies every hard rule; ``scheduler.evaluate`` checks
  this independently of the model, and the reported objective equals the evaluator's.
- One ``add_<rule>()`` function per hard rule; every bound comes from the input.
- The clock is read only to enforce time limits and report elapsed seconds; no global
  state; results are reproducible for a given time limit up to CP-SAT timing effects.
"""
