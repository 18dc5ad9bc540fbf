"""The page text: level and category as the centre names them, the title and place once each
with one full stop, and the reply instructions with the incident's code."""

from __future__ import annotations

import pytest

from escalation.models import Category, Incident
from escalation.paging import message_text
from escalation.policy import Severity


@pytest.mark.parametrize(
    ("title", "place", "expected"),
    [
        ("电梯困人", "幸福小区3号楼", "一般(IV级)特种设备事件：电梯困人，地点：幸福小区3号楼。"),
        ("电梯困人。", "幸福小区3号楼", "一般(IV级)特种设备事件：电梯困人，地点：幸福小区3号楼。"),
        ("电梯困人。", "", "一般(IV级)特种设备事件：电梯困人。"),
    ],
)
def test_the_page_text_has_one_full_stop_after_title_and_place(
    title: str, place: str, expected: str
) -> None:
    incident = Incident(
        title=title,
        category=Category.special_equipment,
        severity=Severity.IV,
        place=place,
        short_code="4321",
    )
    text = message_text(incident)
    assert text == f"【DutyDesk】{expected}回复“4321 确认”确认，“4321 升级”立即升级"
