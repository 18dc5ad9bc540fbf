"""The incident timeline's stored English phrases, worded in the page's language with names
and labels (web/timeline.py)."""

from __future__ import annotations

import pytest

from web import timeline
from web.i18n import translations
from web.render import _label

NAMES = {6: "杨帆", 7: "陈静"}


def _zh(text: str) -> str:
    catalogue = translations("zh_CN")
    return timeline.localise(
        text,
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: _label(catalogue, kind, value),
    )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "opened: I special_equipment — plan special_equipment-I",
            "已登记：I级 · 特别重大，特种设备 — 预案：特种设备 I级",
        ),
        (
            "step 1 round 1 started (on duty: duty_officer): person 6, person 7",
            "第 1 步第 1 轮开始（值班：值班员）：杨帆、陈静",
        ),
        ("step 2: sms to 杨帆 (+8613800000006)", "第 2 步：短信发给 杨帆（+8613800000006）"),
        ("acknowledged by coordinator via api; escalation stopped", None),
        (
            "acknowledged by person 6 via sms at 2026-12-06T02:00:00+00:00",
            "杨帆 通过短信回复确认接警",
        ),
        ("sms to +8613800000006: delivered", "短信发往 +8613800000006：已送达"),
        ("no further contact method for person 7", "陈静 没有其他联系方式"),
        (
            "acknowledged by person:6 via sms; escalation stopped",
            "杨帆 通过短信回复确认接警，升级停止",
        ),
        ("reply from +8613800000006: 3080 确认", "短信回复 +8613800000006：3080 确认"),
        (
            "reply from +8613800000006: 3080 好 — not understood; nothing changed",
            "短信回复 +8613800000006：3080 好 — 未能识别，未作处理",
        ),
        ("initial report to 市局应急值班室 by phone", "初报报送 市局应急值班室，方式：电话"),
        (
            "written report to 市局 by fax, made at 2026-12-06 10:30 +0800: 已控制",
            "书面报告报送 市局，方式：传真，报告时间 2026-12-06 10:30：已控制",
        ),
    ],
)
def test_stored_phrases_read_in_chinese_with_names(stored: str, shown: str | None) -> None:
    text = _zh(stored)
    if shown is not None:
        assert text == shown
    assert "person" not in text and " via " not in text and "step" not in text


def test_unknown_texts_are_shown_as_stored() -> None:
    assert _zh("1234 确认 — acknowledged") == "1234 确认 — acknowledged"


def test_person_ids_are_found_for_the_name_lookup() -> None:
    assert timeline.person_ids(["started (person 3): person 6, person 12", "x"]) == {3, 6, 12}
