"""The pure modules of `complaints` import no database, web, telephony or scheduler code."""

from __future__ import annotations

import pytest

from tests.unit.test_architecture import ROOT, _imports

PURE = ["vocab", "workflow", "clocks", "reclassify", "classify", "routing", "keys", "privacy"]
BANNED = {"sqlmodel", "sqlalchemy", "fastapi", "starlette", "twilio", "apscheduler"}


@pytest.mark.parametrize("module", PURE)
def test_pure_module(module: str) -> None:
    imported = _imports(ROOT / "complaints" / f"{module}.py")
    assert imported & BANNED == set()
    assert imported & {"escalation", "oncall", "api", "web"} == set()
