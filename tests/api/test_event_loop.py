"""No database work on the event loop: a coroutine (an `async def` dependency or endpoint)
that took a session would run its statements on the loop, which then waits, for every
request, on SQLite's write queue or a PostgreSQL lock. Such work belongs in a plain `def`,
which FastAPI runs in its thread pool."""

from __future__ import annotations

import inspect

from fastapi.dependencies.models import Dependant

from api.deps import get_session
from tests.api.test_auth_matrix import api_routes

# coroutines that read their body on the loop and hand their database work to the thread
# pool themselves (`run_in_threadpool`)
HAND_OFF_THEMSELVES = {"post_request"}  # api/routers/open311.py


def _is_coroutine(call: object) -> bool:
    if inspect.iscoroutinefunction(call):
        return True
    method = getattr(call, "__call__", None)  # noqa: B004 (an instance with async __call__)
    return not inspect.isfunction(call) and inspect.iscoroutinefunction(method)


def _coroutines_with_a_session(dependant: Dependant) -> list[str]:
    found = []
    if _is_coroutine(dependant.call) and any(d.call is get_session for d in dependant.dependencies):
        found.append(getattr(dependant.call, "__qualname__", repr(dependant.call)))
    for dependency in dependant.dependencies:
        found += _coroutines_with_a_session(dependency)
    return found


def test_no_coroutine_takes_a_session() -> None:
    offenders = {
        f"{sorted(route.methods or ())} {route.path}: {name}"
        for route in api_routes()
        for name in _coroutines_with_a_session(route.dependant)
        if name not in HAND_OFF_THEMSELVES
    }
    assert not offenders, sorted(offenders)
