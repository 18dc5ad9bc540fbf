"""The level a special-equipment accident's figures suggest (TZR Arts. 61-64): "以上"
includes the figure, "以下" excludes it; and the TZ50 Art. 10 items an incident lacks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from escalation.equipment import EquipmentType, missing_report_items, suggested_severity
from escalation.policy import Severity

M = 1_000_000
E = EquipmentType


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "kind", "exploded", "expected"),
    [
        (None, None, None, None, False, None),  # nothing known yet
        (0, 0, 0, None, False, Severity.IV),
        (30, None, None, None, False, Severity.I),
        (29, None, None, None, False, Severity.II),
        (None, 100, None, None, False, Severity.I),
        (None, 99, None, None, False, Severity.II),
        (None, None, 100 * M, None, False, Severity.I),
        (None, None, 100 * M - 1, None, False, Severity.II),
        (10, None, None, None, False, Severity.II),
        (9, None, None, None, False, Severity.III),
        (None, 50, None, None, False, Severity.II),
        (None, 49, None, None, False, Severity.III),
        (None, None, 50 * M, None, False, Severity.II),
        (None, None, 50 * M - 1, None, False, Severity.III),
        (3, None, None, None, False, Severity.III),
        (2, None, None, None, False, Severity.IV),
        (None, 10, None, None, False, Severity.III),
        (None, 9, None, None, False, Severity.IV),
        (None, None, 10 * M, None, False, Severity.III),
        (None, None, 10 * M - 1, None, False, Severity.IV),
        (2, 9, 10 * M - 1, None, False, Severity.IV),  # each below III: still IV
        (1, 0, 0, E.boiler, True, Severity.III),  # explosions and overturning: at least III
        (None, None, None, E.pressure_vessel, True, Severity.III),
        (None, None, None, E.crane, True, Severity.III),
        (12, None, None, E.crane, True, Severity.II),  # the figures may say more
        (0, 0, 0, E.lift, True, Severity.IV),  # a lift neither explodes nor overturns here
        (0, 0, 0, E.boiler, False, Severity.IV),
    ],
)
def test_suggested_severity(
    deaths: int | None,
    injuries: int | None,
    loss: int | None,
    kind: EquipmentType | None,
    exploded: bool,
    expected: Severity | None,
) -> None:
    assert (
        suggested_severity(
            deaths=deaths,
            serious_injuries=injuries,
            direct_loss_yuan=loss,
            equipment_type=kind,
            explosion_or_overturn=exploded,
        )
        is expected
    )


FULL = {
    "place": "华府小区3号楼",
    "description": "电梯停在两层之间",
    "caller_phone": "+8613800001234",
    "equipment_type": EquipmentType.lift,
    "equipment_user": "华府物业",
    "deaths": 0,
    "serious_injuries": 0,
    "people_at_risk": 2,
    "direct_loss_yuan": 0,
    "measures_taken": "维保人员已到场",
}


@pytest.mark.parametrize(
    ("blank", "missing"),
    [
        ({}, []),
        ({"deaths": None}, ["casualties"]),
        ({"serious_injuries": None, "measures_taken": " "}, ["casualties", "measures_taken"]),
        (
            {
                k: (None if k == "equipment_type" or not isinstance(v, str) else "")
                for k, v in FULL.items()
            },
            [
                "place",
                "equipment_user",
                "equipment_type",
                "description",
                "casualties",
                "people_at_risk",
                "direct_loss_yuan",
                "measures_taken",
                "reporter_contact",
            ],
        ),
    ],
)
def test_missing_report_items(blank: dict[str, object], missing: list[str]) -> None:
    assert missing_report_items(SimpleNamespace(**(FULL | blank))) == missing
