"""What a repeat report's accident details do to the incident it joins: higher figures and
missing facts are taken, nothing is lowered or overwritten (returned as not applied), an
explosion only where the incident's equipment can explode or overturn."""

from __future__ import annotations

from typing import Any

import pytest

from escalation.repeat_figures import merge

NONE: dict[str, Any] = {
    "equipment_type": None,
    "equipment_user": "",
    "deaths": None,
    "serious_injuries": None,
    "people_at_risk": None,
    "direct_loss_yuan": None,
    "measures_taken": "",
    "explosion_or_overturn": False,
}


@pytest.mark.parametrize(
    ("current", "reported", "changes", "not_applied"),
    [
        ({}, {}, {}, {}),
        ({}, {"deaths": 0}, {"deaths": 0}, {}),  # a figure the incident lacks, even 0
        ({"deaths": 1}, {"deaths": 3}, {"deaths": 3}, {}),
        ({"deaths": 3}, {"deaths": 1}, {}, {"deaths": 1}),  # never lowered
        ({"deaths": 3}, {"deaths": 3}, {}, {}),
        ({"people_at_risk": 4}, {"people_at_risk": 0}, {}, {"people_at_risk": 0}),
        (
            {"direct_loss_yuan": 5_000_000, "serious_injuries": 2},
            {"direct_loss_yuan": 12_000_000, "serious_injuries": 1},
            {"direct_loss_yuan": 12_000_000},
            {"serious_injuries": 1},
        ),
        ({}, {"equipment_type": "lift"}, {"equipment_type": "lift"}, {}),
        ({"equipment_type": "lift"}, {"equipment_type": "crane"}, {}, {"equipment_type": "crane"}),
        ({}, {"equipment_user": "华府物业"}, {"equipment_user": "华府物业"}, {}),
        ({"equipment_user": "华府物业"}, {"equipment_user": "华府物业"}, {}, {}),
        (
            {"measures_taken": "消防破门"},
            {"measures_taken": "维保到场"},
            {},
            {"measures_taken": "维保到场"},
        ),
        (
            {},
            {"equipment_type": "boiler", "explosion_or_overturn": True},
            {"equipment_type": "boiler", "explosion_or_overturn": True},
            {},
        ),
        (
            {"equipment_type": "crane"},
            {"explosion_or_overturn": True},
            {"explosion_or_overturn": True},
            {},
        ),
        (
            {"equipment_type": "lift"},
            {"equipment_type": "boiler", "explosion_or_overturn": True},
            {},
            {"equipment_type": "boiler", "explosion_or_overturn": True},
        ),
        ({"explosion_or_overturn": True}, {"explosion_or_overturn": False}, {}, {}),
    ],
)
def test_higher_figures_and_missing_facts_are_taken_nothing_is_lowered(
    current: dict[str, Any],
    reported: dict[str, Any],
    changes: dict[str, Any],
    not_applied: dict[str, Any],
) -> None:
    result = merge(NONE | current, reported)
    assert (result.changes, result.not_applied) == (changes, not_applied)
