"""The dependency arrows of DESIGN.md §2, checked mechanically from the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"core", "scheduler", "oncall", "escalation", "complaints", "api", "web"}
ALLOWED = {
    "core": set(),
    "scheduler": set(),
    "oncall": {"scheduler", "core"},
    "escalation": {"oncall", "core"},
    "complaints": {"escalation", "oncall", "core"},
    "api": OURS,
    "web": OURS,
}
WEB_FRAMEWORKS = {"fastapi", "starlette"}
PURE_MODULES = {"scheduler": {"sqlmodel", "sqlalchemy", "twilio", "apscheduler"} | WEB_FRAMEWORKS}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_design_allows(package: str) -> None:
    offenders = {}
    for module in _modules(package):
        bad = (_imports(module) & OURS) - ALLOWED[package] - {package}
        if bad:
            offenders[str(module.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


@pytest.mark.parametrize("package", sorted(OURS - {"api", "web"}))
def test_only_api_and_web_import_the_web_framework(package: str) -> None:
    offenders = [
        str(m.relative_to(ROOT)) for m in _modules(package) if _imports(m) & WEB_FRAMEWORKS
    ]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(PURE_MODULES))
def test_pure_packages_stay_pure(package: str) -> None:
    offenders = {
        str(m.relative_to(ROOT)): sorted(_imports(m) & PURE_MODULES[package])
        for m in _modules(package)
        if _imports(m) & PURE_MODULES[package]
    }
    assert offenders == {}


PURE_FILES = [
    "escalation/engine.py",
    "escalation/commands.py",
    "escalation/policy.py",
    "escalation/plan_checks.py",
    "escalation/default_plans.py",
    "escalation/deadlines.py",
    "escalation/codec.py",
    "oncall/resolve.py",
]
IMPURE = {"sqlmodel", "sqlalchemy", "twilio", "apscheduler"} | WEB_FRAMEWORKS


@pytest.mark.parametrize("path", PURE_FILES)
def test_pure_cores_import_no_database_telephony_or_web(path: str) -> None:
    """STYLE.md: the escalation state machine, its policies and clocks, and on-duty resolution
    are pure modules."""
    assert _imports(ROOT / path) & IMPURE == set()
