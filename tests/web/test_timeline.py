"""The incident timeline's stored English phrases, worded in the page's language with names
and labels (web/timeline.py)."""

from __future__ import annotations

import pytest

from web import timeline
from web.i18n import translations
from web.render import label_text

NAMES = {6: "杨帆", 7: "陈静"}


def _zh(text: str) -> str:
    catalogue = translations("zh_CN")
    return timeline.localise(
        text,
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
    )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "opened: I special_equipment — plan special_equipment-I",
            "I级 · 特别重大，特种设备 — 预案：特种设备 I级",
        ),
        (
            "step 1 round 1 started (on duty: duty_officer): person 6, person 7",
            "第 1 步第 1 轮开始（值班：值班员）：杨帆、陈静",
        ),
        (  # the backup's role has a name too (it was shown as the code duty_backup)
            "step 2 round 1 started (on duty: duty_backup): person 7",
            "第 2 步第 1 轮开始（值班：备班值班员）：陈静",
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
        (
            "acknowledged by person:6 (outbox reply by coord) via outbox; escalation stopped",
            "杨帆（coord 在发件箱代为回复） 通过发件箱代回复确认接警，升级停止",
        ),
        ("reply from +8613800000006: 3080 确认", "短信回复 +8613800000006：3080 确认"),
        (
            "person 7's own rules page nothing within the 5 min of step 2",
            "陈静 的个人通知规则在第 2 步的 5 分钟内不发出任何通知",
        ),
        (
            "policy special_equipment-I: step 2 restarts now",
            "级别提高，改用预案 特种设备 I级：第 2 步现在重新开始",
        ),
        (
            "policy 食品安全重大事件预案: telling leaders, media now",
            "级别提高，改用预案 食品安全重大事件预案：现在通知 leaders, media",
        ),
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


def _roster_zh(text: str) -> str:
    catalogue = translations("zh_CN")
    return timeline.localise_roster(
        text,
        names=NAMES,
        shifts={"day": "白班", "night": "夜班"},
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
    )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("6 asked for day on 2026-12-06", "杨帆 希望 2026-12-06 上白班"),
        ("6 asked for no night on 2026-12-06", "杨帆 希望 2026-12-06 不上夜班"),
        ("7 asked for day off on 2026-12-07", "陈静 希望 2026-12-07 休息"),
        ("7 works alone on 2026-12-08 between days off", "陈静 2026-12-08 前后都休息，只上一天班"),
        ("6 has a single day off on 2026-12-09", "杨帆 2026-12-09 只休一天"),
        ("6 removed from night on 2026-12-10", "杨帆 2026-12-10 不再上夜班"),
        ("2026-12-10 day: 1 short of preferred 2", "2026-12-10 白班：比期望人数 2 少 1 人"),
        ("repair: 病假", "调整：病假"),
    ],
)
def test_broken_wishes_and_repair_notes_read_in_chinese_with_names(stored: str, shown: str) -> None:
    assert _roster_zh(stored) == shown


@pytest.mark.parametrize(
    ("locale", "stored", "shown"),
    [
        (
            "zh_CN",
            "step 3 round 1 started (on duty: expert/food): person 6",
            "第 3 步第 1 轮开始（值班：食品安全专家）：杨帆",
        ),
        (
            "en",
            "step 3 round 1 started (on duty: expert/food): person 6",
            "step 3 round 1 started (on duty: Food safety expert): 杨帆",
        ),
        (
            "zh_CN",
            "step 4 (on duty: leader/special_equipment) resolved to nobody: climbing at once",
            "第 4 步（值班：带班领导（特种设备））找不到人员：立即进入下一步",
        ),
        (  # a skill the directory no longer has keeps its code
            "en",
            "step 3 round 1 started (on duty: expert/ip, on duty: expert): person 7",
            "step 3 round 1 started (on duty: ip expert, on duty: On-call expert): 陈静",
        ),
    ],
)
def test_an_on_duty_skill_is_named_as_the_directory_names_it(
    locale: str, stored: str, shown: str
) -> None:
    catalogue = translations(locale)
    skills = {
        "zh_CN": {"food": "食品安全", "special_equipment": "特种设备"},
        "en": {"food": "Food safety", "special_equipment": "Special equipment"},
    }[locale]
    text = timeline.localise(
        stored,
        names=NAMES,
        gettext=catalogue.gettext,
        label=lambda kind, value: label_text(catalogue, kind, value),
        skills=skills,
    )
    assert text == shown
