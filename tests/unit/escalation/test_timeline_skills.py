"""The skills a stored timeline text names as on-duty targets (escalation.timeline_skills)."""

from __future__ import annotations

import pytest

from escalation import timeline_skills
from escalation.policy import OnDutyTarget, PersonTarget, describe_target


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("step 1 round 1 started (on duty: duty_officer): person 6", []),
        ("step 3 round 1 started (on duty: expert/food): person 6", ["food"]),
        (
            "step 2 (on duty: expert/food, on duty: leader/drugs, on duty: expert/food) "
            "resolved to nobody: climbing at once",
            ["food", "drugs"],
        ),
        ("reply from +8613800000006: on duty/food", []),
    ],
)
def test_the_skill_codes_a_text_names(text: str, codes: list[str]) -> None:
    assert timeline_skills.codes(text) == codes


def test_the_codes_are_found_in_what_describe_target_writes() -> None:
    described = ", ".join(
        describe_target(t) for t in (OnDutyTarget("expert", skill="food"), PersonTarget(7))
    )
    assert timeline_skills.codes(f"step 1 round 1 started ({described}): person 7") == ["food"]
